from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from textwrap import dedent

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.project import LinkedHandler, LoadedModule, ReachedFunction
from slint.diagnostics import Applicability, Diagnostic, Fix, Location
from slint.facts import ImportUse, ModuleImport
from slint.settings import Settings

from .._support.handler_code import read_source
from .._support.imports import (
    ImportCosts,
    PackageCost,
    import_costs,
    import_text,
    milliseconds,
    move_import,
    project_module_names,
    remove_import,
)

_SERVERLESS_TWO = dedent("""\
    service: reports
    provider:
      name: aws
      runtime: python3.12
    functions:
      api:
        handler: handler.handler
        events:
          - httpApi: GET /rows
      export:
        handler: handler.export_handler
        events:
          - schedule: rate(1 day)
    """)
_SAM_API = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Score:
        Type: AWS::Serverless::Function
        Properties:
          Handler: handler.handler
          Runtime: python3.12
          Events:
            Api:
              Type: HttpApi
              Properties:
                Path: /score
                Method: post
    """)
_CFN = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Chart:
        Type: AWS::Lambda::Function
        Properties:
          Handler: handler.handler
          Runtime: python3.12
          Role: arn:aws:iam::123456789012:role/chart
          Code: .
    """)
_SERVERLESS_ONE = dedent("""\
    service: rows
    provider:
      name: aws
      runtime: python3.12
    functions:
      api:
        handler: handler.handler
        events:
          - httpApi: GET /rows
    """)

# Needed on every invocation of nearly every handler (and imported by Powertools and
# most AWS helpers anyway): SL103 counts them, SL102 never suggests moving them.
_ALWAYS_NEEDED = frozenset({"boto3", "botocore"})
_CACHE_DECORATOR = re.compile(r"(^|\.)(lru_cache|cache|cached|ttl_cache)(\(\))?$")


class HeavyImport(CrossRule):
    """## What it does
    Reports a module-level import of a package that takes long to import (by slint's
    measured table, at least `heavy-import-ms`, 100 ms by default) when the handler does
    not use its names on every invocation: they are read only in functions the handler
    does not run per invocation, only in some branches, or nowhere. It looks at the
    handler's module and at the project modules that module loads.

    ## Why is this bad?
    Lambda runs every module-level import at each cold start, before the first event is
    handled: `import pandas` costs more than half a second, `import sklearn` more than a
    second. When only a rare code path needs the package, every cold start pays for it
    and most invocations never use it. Imported inside the function that needs it, the
    package loads the first time that path runs (later calls find it in `sys.modules`
    and pay nothing).

    ## Example
    ```python
    import json
    import pandas as pd


    def handler(event, context):
        if event.get("format") == "csv":
            return export_csv(event["rows"])
        return {"statusCode": 200, "body": json.dumps(event["rows"])}


    def export_csv(rows):
        return pd.DataFrame(rows).to_csv()
    ```

    ## Use instead
    ```python
    import json


    def handler(event, context):
        if event.get("format") == "csv":
            return export_csv(event["rows"])
        return {"statusCode": 200, "body": json.dumps(event["rows"])}


    def export_csv(rows):
        import pandas as pd

        return pd.DataFrame(rows).to_csv()
    ```

    ## Fix
    A suggestion (never applied in batch): when exactly one function reads the import's
    names, the import moves into that function, as its first statement (after its
    docstring); from a statement that imports several modules (`import os, pandas`) only
    the heavy one moves. An import that is never used should simply be removed.

    Costs come from `slint/data/import_costs.json`, measured with
    `python -X importtime` by `scripts/measure_import_costs.py`; add or correct entries
    with `import-costs` in the configuration (`[tool.slint.import-costs]` in
    pyproject.toml: `mylib = 250`; `0` marks a package as cheap). `boto3` and `botocore`
    are never reported: nearly every handler needs them on every invocation. Imports
    under `if TYPE_CHECKING:` and those guarded by `except ImportError` are not reported.

    ## References
    - [Python: `-X importtime`](https://docs.python.org/3/using/cmdline.html#cmdoption-X)
    - [AWS: Lambda execution environment lifecycle](https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html)
    """

    code = "SL102"
    name = "heavy-import"
    severity = Severity.WARNING
    fix = FixKind.SUGGEST

    def __init__(self) -> None:
        super().__init__()
        # (module, import position): one finding per import however many handlers of a
        # config load it without using it.
        self._reported: set[tuple[str, Location]] = set()

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None:
            return ()
        return self._check(handler, settings)

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterable[Diagnostic]:
        return self._check(handler, settings)

    def _check(self, handler: LinkedHandler, settings: Settings) -> Iterator[Diagnostic]:
        if handler.function is None or not handler.modules:
            return
        costs = import_costs(settings.import_costs)
        per_invocation = _run_every_time(handler.reached)
        _with_cached_factories(per_invocation, handler.modules)
        reached_keys: dict[Path, set[str]] = {}
        for function in handler.reached:
            reached_keys.setdefault(function.path, set()).add(function.facts.key)
        project = project_module_names(handler.modules)
        exported = _names_taken_from(handler.modules)
        loaded = _loaded_anyway(handler.modules, per_invocation, costs)
        for index, module in enumerate(handler.modules):
            runs = per_invocation.get(module.path, set())
            for imported in module.facts.module_imports:
                heavy = self._heavy(imported, costs, settings, project)
                if heavy is None or imported.top_level in loaded:
                    continue
                if index > 0 and _re_exported(module, imported, exported):
                    continue  # another module takes the names from this one
                if _used_every_time(imported.uses, runs):
                    continue
                place = (module.display, imported.span.start)
                if place in self._reported:
                    continue
                self._reported.add(place)
                reached = reached_keys.get(module.path, set())
                yield self._diagnostic(handler, module, imported, heavy, runs, reached)

    @staticmethod
    def _heavy(
        imported: ModuleImport, costs: ImportCosts, settings: Settings, project: frozenset[str]
    ) -> PackageCost | None:
        if imported.optional or imported.level or "*" in imported.from_names:
            return None
        if imported.top_level in _ALWAYS_NEEDED or imported.top_level in project:
            return None
        if not imported.names:
            return None
        entry = costs.of_import(imported)
        if entry is None or entry.ms < settings.heavy_import_ms:
            return None
        return entry

    def _diagnostic(
        self,
        handler: LinkedHandler,
        module: LoadedModule,
        imported: ModuleImport,
        cost: PackageCost,
        runs: set[str],
        reached: set[str],
    ) -> Diagnostic:
        assert handler.function is not None
        names = ", ".join(f"`{name}`" for name in imported.names)
        who = f"handler `{handler.function.key}` ({handler.location})"
        measured = "your `import-costs` setting" if cost.user else "measured"
        head = (
            f"`{import_text(imported)}` adds {milliseconds(cost.ms)} to every cold start "
            f"({measured} for `{cost.name}`)"
        )
        if not imported.uses:
            message = f"{head}, but {who} never uses {names}"
        else:
            where = _where(imported.uses, runs, reached)
            message = f"{head}, but {who} does not need {names} on every invocation: {where}"
        return self.make_diagnostic(
            module.display,
            imported.span.start,
            imported.span.end,
            message,
            fix=_fix(module, imported, runs),
        )

    valid = (
        # The import inside the function that needs it (the lazy-import pattern).
        Valid(
            dedent("""\
                import json


                def handler(event, context):
                    if event.get("format") == "csv":
                        import pandas as pd

                        return pd.DataFrame(event["rows"]).to_csv()
                    return json.dumps(event["rows"])
                """),
            files={"serverless.yml": _SERVERLESS_ONE},
        ),
        # The handler uses pandas on every invocation.
        Valid(
            dedent("""\
                import pandas as pd


                def handler(event, context):
                    frame = pd.DataFrame(event["rows"])
                    return {"statusCode": 200, "body": frame.to_json()}
                """),
            files={"template.yaml": _SAM_API},
        ),
        # Used when the module loads (a model read at the cold start).
        Valid(
            dedent("""\
                import pandas as pd

                PRICES = pd.read_csv("prices.csv")


                def handler(event, context):
                    if event.get("sku"):
                        return float(PRICES.loc[event["sku"], "price"])
                    return None
                """),
            files={"template.yaml": _CFN},
        ),
        # boto3 is needed on every invocation of nearly every handler: never reported.
        Valid(
            dedent("""\
                import boto3


                def handler(event, context):
                    if event.get("notify"):
                        boto3.client("sns").publish(TopicArn="arn", Message="hi")
                """),
            files={"serverless.yml": _SERVERLESS_ONE},
        ),
        # Only for type checkers: never imported at run time.
        Valid(
            dedent("""\
                from typing import TYPE_CHECKING

                if TYPE_CHECKING:
                    import pandas as pd


                def handler(event, context):
                    return len(event["rows"])
                """),
        ),
    )
    invalid = (
        # Two handlers in one module: the API handler never uses pandas.
        Invalid(
            dedent("""\
                import json
                import pandas as pd


                def handler(event, context):
                    return {"statusCode": 200, "body": json.dumps(event["rows"])}


                def export_handler(event, context):
                    return pd.DataFrame(event["rows"]).to_csv()
                """),
            files={"serverless.yml": _SERVERLESS_TWO},
            line=2,
            column=8,
            message="handler `handler` (handler.py:5) does not need `pd` on every invocation",
        ),
        # Used in one branch of the handler only (SAM).
        Invalid(
            dedent("""\
                from sklearn.linear_model import LogisticRegression


                def handler(event, context):
                    if event.get("retrain"):
                        return LogisticRegression().fit(event["x"], event["y"]).score(
                            event["x"], event["y"]
                        )
                    return {"statusCode": 204}
                """),
            files={"template.yaml": _SAM_API},
            line=1,
            column=6,
            message="in a branch of `handler` (line 6)",
        ),
        # Never used at all (CloudFormation).
        Invalid(
            dedent("""\
                import json
                import matplotlib.pyplot as plt


                def handler(event, context):
                    return json.dumps(event)
                """),
            files={"template.yaml": _CFN},
            line=2,
            column=8,
            message="never uses `plt`",
        ),
        # No config: a handler by the naming convention, pandas only in a helper it
        # calls on some paths.
        Invalid(
            dedent("""\
                import json
                import pandas as pd


                def lambda_handler(event, context):
                    if event.get("format") == "csv":
                        return export_csv(event["rows"])
                    return json.dumps(event["rows"])


                def export_csv(rows):
                    return pd.DataFrame(rows).to_csv()
                """),
            line=2,
            column=8,
            message="`export_csv` (line 12), which the handler calls only on some paths",
        ),
    )


def _run_every_time(reached: Sequence[ReachedFunction]) -> dict[Path, set[str]]:
    """The functions (module -> keys) the handler runs on every invocation: those it
    reaches, less those called only under an `if` or in an `except` clause (`if csv:
    return export_csv(rows)`), or only from such functions. A function with no call
    site found among them (a route a resolver dispatches to, a method called through an
    object) counts as run every time: the rule then stays silent."""
    conditional: set[int] = set()
    for index, callee in enumerate(reached):
        if index == 0:
            continue
        key = callee.facts.key
        last = key.rsplit(".", 1)[-1]
        sites = 0
        every_time = False
        for caller_index, caller in enumerate(reached):
            if caller.depth >= callee.depth or caller_index == index:
                continue
            for call in caller.behaviour.calls:
                same = call.name == key and caller.path == callee.path
                if not (
                    same or call.name.endswith("." + key) or ("." in key and call.method == last)
                ):
                    continue
                sites += 1
                if not call.conditions and call.handler is None and caller_index not in conditional:
                    every_time = True
                    break
            if every_time:
                break
        if sites and not every_time:
            conditional.add(index)
    runs: dict[Path, set[str]] = {}
    for index, function in enumerate(reached):
        if index not in conditional:
            runs.setdefault(function.path, set()).add(function.facts.key)
    return runs


def _with_cached_factories(runs: dict[Path, set[str]], modules: Iterable[LoadedModule]) -> None:
    """A `functools.cache`d factory (a JWKS fetch, a model load) is not per invocation,
    but the first invocation runs it: what it imports is paid by the cold start anyway."""
    for module in modules:
        for key, function in module.facts.functions.items():
            if any(_CACHE_DECORATOR.search(name) for name in function.decorators):
                runs.setdefault(module.path, set()).add(key)


def _loaded_anyway(
    modules: Sequence[LoadedModule], runs: dict[Path, set[str]], costs: ImportCosts
) -> set[str]:
    """Top-level packages that the handler loads at every cold start in any case: an
    import of them used on every invocation (or boto3, which SL102 leaves alone), and
    what those load (boto3 loads urllib3). Moving another import of the same package
    (`from requests import Response` beside a used `import requests`) saves nothing."""
    loaded: set[str] = set()
    for module in modules:
        needed = runs.get(module.path, set())
        for imported in module.facts.module_imports:
            if imported.optional or imported.level:
                continue
            if imported.top_level in _ALWAYS_NEEDED or _used_every_time(imported.uses, needed):
                loaded.add(imported.top_level)
                entry = costs.of_import(imported)
                if entry is not None:
                    loaded.update(name.split(".", 1)[0] for name in entry.includes)
    return loaded


def _used_every_time(uses: Iterable[ImportUse], runs: set[str]) -> bool:
    """Read when the module loads, or on every path of a function run per invocation."""
    return any(
        use.function is None or (use.function in runs and not use.conditional) for use in uses
    )


def _where(uses: Iterable[ImportUse], runs: set[str], reached: set[str]) -> str:
    """Where the names are read, each function once: "only in `export_csv` (line 12),
    which the handler does not run; in a branch of `handler` (line 7)"."""
    first_lines: dict[str, int] = {}
    for use in uses:
        if use.function is not None:
            first_lines.setdefault(use.function, use.line)
    parts = []
    for key, line in list(first_lines.items())[:3]:
        if key in runs:
            parts.append(f"in a branch of `{key}` (line {line})")
        elif key in reached:
            parts.append(f"in `{key}` (line {line}), which the handler calls only on some paths")
        else:
            parts.append(f"in `{key}` (line {line}), which the handler does not run")
    more = len(first_lines) - 3
    return "used only " + "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _fix(module: LoadedModule, imported: ModuleImport, runs: set[str]) -> Fix | None:
    """Move the import into the one function that uses it, where that defers its cost
    (not into a function run on every invocation, whose branch needs it: the import
    goes into that branch, which the text alone does not place safely)."""
    if not imported.uses:
        return _removal(module, imported)
    functions = {use.function for use in imported.uses}
    if len(functions) != 1:
        return None
    (key,) = functions
    if key is None or key in runs:
        return None
    function = module.facts.functions.get(key)
    source = read_source(module.path)
    if function is None or source is None:
        return None
    edits = move_import(source, imported, module.facts.module_imports, function.line)
    if edits is None:
        return None
    return Fix(
        Applicability.DISPLAY_ONLY,
        f"Move `{import_text(imported)}` into `{key}`, the only function that uses it",
        edits,
    )


def _removal(module: LoadedModule, imported: ModuleImport) -> Fix | None:
    source = read_source(module.path)
    if source is None:
        return None
    edit = remove_import(source, imported, module.facts.module_imports)
    if edit is None:
        return None
    return Fix(Applicability.DISPLAY_ONLY, f"Remove the unused `{import_text(imported)}`", (edit,))


def _names_taken_from(modules: Iterable[LoadedModule]) -> set[tuple[str, str]]:
    """(module's last name, name) for every `from <module> import <name>` of the loaded
    modules: names a module may take from another project module."""
    taken: set[tuple[str, str]] = set()
    for module in modules:
        for imported in module.facts.module_imports:
            last = imported.module.strip(".").rsplit(".", 1)[-1]
            taken.update((last, name) for name in imported.from_names)
    return taken


def _re_exported(module: LoadedModule, imported: ModuleImport, taken: set[tuple[str, str]]) -> bool:
    path = module.path
    own = path.parent.name if path.stem == "__init__" else path.stem
    return any((own, name) in taken for name in imported.names)
