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
    JAVASCRIPT,
    PYTHON,
    ImportCosts,
    PackageCost,
    import_costs,
    import_text,
    language_of,
    milliseconds,
    move_import,
    node_module_name,
    project_module_names,
    remove_import,
    remove_statement,
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

_NODE_SERVERLESS_TWO = dedent("""\
    service: reports
    provider:
      name: aws
      runtime: nodejs20.x
    functions:
      api:
        handler: handler.handler
        events:
          - httpApi: GET /rows
      export:
        handler: handler.exportRows
        events:
          - schedule: rate(1 day)
    """)
_NODE_SAM = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Rows:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: nodejs20.x
          Events:
            Api:
              Type: HttpApi
              Properties:
                Path: /rows
                Method: get
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
    """)
_NODE_ESM_TWO = _NODE_SERVERLESS_TWO.replace("handler.handler", "report.handler").replace(
    "handler.exportRows", "report.exportRows"
)

# Needed on every invocation of nearly every handler (and imported by Powertools and
# most AWS helpers anyway): SL103 counts them, SL102 never suggests moving them.
_ALWAYS_NEEDED = frozenset({"boto3", "botocore"})
_CACHE_DECORATOR = re.compile(r"(^|\.)(lru_cache|cache|cached|ttl_cache)(\(\))?$")
# The whole AWS SDK v2 (Node.js): reported whatever its measured cost, since one v3
# client does the same work for half of it.
_SDK_V2 = "aws-sdk"
# An ES module import statement (not TypeScript's `import x = require("...")`).
_ESM_IMPORT = re.compile(r"import\b(?!\s+[\w$]+\s*=\s*require\b)")
# A statement that does nothing but import one module, which removing it undoes.
_SIMPLE_IMPORT = re.compile(
    r"""(?:(?:const|let|var)\s+[\w${}\s,:]+=\s*require\(\s*(["'])[^"'\n]+\1\s*\)"""
    r"""|import\s+[\w${}\s,*]+\s+from\s*(["'])[^"'\n]+\2)\s*;?"""
)


class HeavyImport(CrossRule):
    """## What it does
    Reports a module-level import of a package that takes long to import (by slint's
    measured table, at least `heavy-import-ms`, 100 ms by default) when the handler does
    not use its names on every invocation: they are read only in functions the handler
    does not run per invocation, only in some branches, or nowhere. It looks at the
    handler's module and at the project modules that module loads.

    Node.js handlers (JavaScript and TypeScript) the same way, for `require()` and
    `import` of npm packages, by a table measured with Node's own module loading; and
    the whole AWS SDK v2 (`require("aws-sdk")`, `import AWS from "aws-sdk"`) under the
    same condition whatever `heavy-import-ms` says: it loads the code of every AWS
    service (about 100 ms measured, twice a v3 client) where a v3 client
    (`@aws-sdk/client-s3`) loads the one service the code calls.

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

    For Node.js the suggestion is a message, not an edit: move the `require()` into the
    function that uses it (Node caches the module after the first call), or load an
    ES module import there with `await import()` (an `async` function; a default import
    becomes `const { default: AWS } = await import("aws-sdk")`); replace the SDK v2 by
    the v3 client of the service it calls. An unused `require()` or `import` of a
    JavaScript module gets a removal edit (a TypeScript import that is never read as a
    value is dropped by the compiler and is not reported).

    Costs come from `slint/data/import_costs.json`, measured with
    `python -X importtime` by `scripts/measure_import_costs.py`, and for Node.js from
    `slint/data/node_import_costs.json`, measured by
    `scripts/measure_node_import_costs.py`; add or correct entries with `import-costs`
    in the configuration (`[tool.slint.import-costs]` in pyproject.toml: `mylib = 250`,
    `"aws-sdk" = 0`; `0` marks a package as cheap and also silences the SDK v2 case).
    `boto3` and `botocore` are never reported: nearly every handler needs them on every
    invocation. Imports under `if TYPE_CHECKING:` and those guarded by `except
    ImportError` are not reported.

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
        tables = _Tables(settings)
        per_invocation = _run_every_time(handler.reached)
        _with_cached_factories(per_invocation, handler.modules)
        reached_keys: dict[Path, set[str]] = {}
        for function in handler.reached:
            reached_keys.setdefault(function.path, set()).add(function.facts.key)
        project = project_module_names(handler.modules)
        exported = _names_taken_from(handler.modules)
        loaded = _loaded_anyway(handler.modules, per_invocation, tables)
        opaque = _opaque_modules(handler)
        instantiated = _instantiated_classes(handler)
        for index, module in enumerate(handler.modules):
            runs = per_invocation.get(module.path, set())
            costs = tables.of(module)
            for imported in module.facts.module_imports:
                heavy = self._heavy(imported, costs, settings, project)
                if heavy is None or costs.package(imported) in loaded:
                    continue
                if index > 0 and _re_exported(module, imported, exported):
                    continue  # another module takes the names from this one
                if _used_every_time(imported.uses, runs):
                    continue
                reached = reached_keys.get(module.path, set())
                if any(
                    _may_run(use.function, module, reached, opaque, instantiated)
                    for use in imported.uses
                ):
                    # read in a function the handler may run through a call slint cannot follow
                    continue
                place = (module.display, imported.span.start)
                if place in self._reported:
                    continue
                self._reported.add(place)
                yield self._diagnostic(handler, module, imported, heavy, runs, reached, costs)

    @staticmethod
    def _heavy(
        imported: ModuleImport, costs: ImportCosts, settings: Settings, project: frozenset[str]
    ) -> PackageCost | None:
        if imported.optional or imported.level or "*" in imported.from_names:
            return None
        if costs.language == PYTHON and (
            imported.top_level in _ALWAYS_NEEDED or imported.top_level in project
        ):
            return None
        if not imported.names:
            return None
        entry = costs.of_import(imported)
        if entry is None:
            return None
        if entry.ms >= settings.heavy_import_ms:
            return entry
        if _whole_sdk_v2(imported, costs) and entry.ms > 0:
            return entry
        return None

    def _diagnostic(
        self,
        handler: LinkedHandler,
        module: LoadedModule,
        imported: ModuleImport,
        cost: PackageCost,
        runs: set[str],
        reached: set[str],
        costs: ImportCosts,
    ) -> Diagnostic:
        assert handler.function is not None
        names = ", ".join(f"`{name}`" for name in imported.names)
        who = f"handler `{handler.function.key}` ({handler.location})"
        if cost.user:
            measured = f"your `import-costs` setting for `{cost.name}`"
        elif cost.estimated_from is not None:
            measured = f"estimated from the measured `{cost.estimated_from}`"
        else:
            measured = f"measured for `{cost.name}`"
        shown = import_text(imported) if costs.language == PYTHON else imported.module
        head = f"`{shown}` adds {milliseconds(cost.ms)} to every cold start ({measured})"
        if not imported.uses:
            message = f"{head}, but {who} never uses {names}"
        else:
            where = _where(imported.uses, runs, reached)
            message = f"{head}, but {who} does not need {names} on every invocation: {where}"
        if _whole_sdk_v2(imported, costs):
            message += f"; {_sdk_v2_advice(module, costs)}"
        if costs.language == JAVASCRIPT:
            fix = _javascript_fix(module, imported, runs, costs)
        else:
            fix = _fix(module, imported, runs)
        return self.make_diagnostic(
            module.display, imported.span.start, imported.span.end, message, fix=fix
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
        # Node.js: the SDK v2 client is made at module level, so `AWS` is read when the
        # module loads (its cost is paid, and needed, at every cold start).
        Valid(
            dedent("""\
                const AWS = require("aws-sdk");

                const s3 = new AWS.S3();

                exports.handler = async (event) => {
                  if (event.queryStringParameters?.archive) {
                    await s3.putObject({ Bucket: "archive", Key: "rows", Body: "[]" }).promise();
                  }
                  return { statusCode: 200, body: "[]" };
                };

                exports.exportRows = async () => ({ rows: [] });
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS_TWO},
        ),
        # Node.js: required inside the function that needs it (the lazy pattern).
        Valid(
            dedent("""\
                exports.handler = async (event) => ({ statusCode: 200, body: "[]" });

                exports.exportRows = async (event) => {
                  const { google } = require("googleapis");
                  const sheets = google.sheets({ version: "v4" });
                  return sheets.spreadsheets.values.append({ spreadsheetId: event.id });
                };
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS_TWO},
        ),
        # An ES module loads it with `await import()` where it is needed.
        Valid(
            dedent("""\
                export const handler = async (event) => ({ statusCode: 200, body: "[]" });

                export const exportRows = async (event) => {
                  const { google } = await import("googleapis");
                  const sheets = google.sheets({ version: "v4" });
                  return sheets.spreadsheets.values.append({ spreadsheetId: event.id });
                };
                """),
            filename="report.mjs",
            files={"serverless.yml": _NODE_ESM_TWO},
        ),
        # TypeScript: an import read only in type annotations is erased by the compiler.
        Valid(
            dedent("""\
                import type { APIGatewayProxyEventV2 } from "aws-lambda";
                import { sheets_v4 } from "googleapis";

                export const handler = async (event: APIGatewayProxyEventV2) => {
                  const rows: sheets_v4.Schema$ValueRange = { values: [] };
                  return { statusCode: 200, body: JSON.stringify(rows) };
                };
                """),
            filename="src/app.ts",
            files={"template.yaml": _NODE_SAM},
        ),
        # One SDK v2 client module (not the whole SDK), below `heavy-import-ms`.
        Valid(
            dedent("""\
                const S3 = require("aws-sdk/clients/s3");

                exports.handler = async (event) => {
                  if (event.queryStringParameters?.archive) {
                    const s3 = new S3();
                    await s3.putObject({ Bucket: "archive", Key: "rows", Body: "[]" }).promise();
                  }
                  return { statusCode: 200, body: "[]" };
                };

                exports.exportRows = async () => ({ rows: [] });
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS_TWO},
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
        # Node.js: the whole SDK v2, used in one branch only: reported whatever
        # `heavy-import-ms` says, since one v3 client does the same work.
        Invalid(
            dedent("""\
                const AWS = require("aws-sdk");

                exports.handler = async (event) => {
                  if (event.queryStringParameters?.archive) {
                    const s3 = new AWS.S3();
                    await s3.putObject({ Bucket: "archive", Key: "rows", Body: "[]" }).promise();
                  }
                  return { statusCode: 200, body: "[]" };
                };

                exports.exportRows = async () => ({ rows: [] });
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS_TWO},
            line=1,
            column=22,
            message="the whole AWS SDK v2, which loads every service's code: the v3 client of "
            "what this module calls (`@aws-sdk/client-s3`",
        ),
        # An ES module: another handler of the same module needs googleapis.
        Invalid(
            dedent("""\
                import { google } from "googleapis";

                export const handler = async (event) => ({ statusCode: 200, body: "[]" });

                export const exportRows = async (event) => {
                  const sheets = google.sheets({ version: "v4" });
                  return sheets.spreadsheets.values.append({ spreadsheetId: event.id });
                };
                """),
            filename="report.mjs",
            files={"serverless.yml": _NODE_ESM_TWO},
            line=1,
            column=25,
            message="used only in `exportRows` (line 6), which the handler does not run",
        ),
        # TypeScript (SAM, esbuild): in a project module, needed on some paths only.
        Invalid(
            dedent("""\
                import { JSDOM } from "jsdom";

                export async function render(html: string): Promise<string> {
                  return new JSDOM(html).serialize();
                }
                """),
            filename="src/render.ts",
            files={
                "template.yaml": _NODE_SAM,
                "src/app.ts": dedent("""\
                    import type { APIGatewayProxyEventV2 } from "aws-lambda";
                    import { render } from "./render";

                    export const handler = async (event: APIGatewayProxyEventV2) => {
                      if (event.queryStringParameters?.format === "html") {
                        return { statusCode: 200, body: await render(event.body ?? "") };
                      }
                      return { statusCode: 200, body: event.body ?? "" };
                    };
                    """),
            },
            line=1,
            column=24,
            message="`render` (line 4), which the handler calls only on some paths",
        ),
        # Required and never used.
        Invalid(
            dedent("""\
                const mongoose = require("mongoose");
                const { DynamoDBClient, ScanCommand } = require("@aws-sdk/client-dynamodb");

                const db = new DynamoDBClient({});

                exports.handler = async () => db.send(new ScanCommand({ TableName: "rows" }));
                exports.exportRows = exports.handler;
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS_TWO},
            line=1,
            column=27,
            message="never uses `mongoose`",
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


class _Tables:
    """The cost table of each module's language, for one run's settings."""

    def __init__(self, settings: Settings) -> None:
        self._overrides = settings.import_costs

    def of(self, module: LoadedModule) -> ImportCosts:
        return import_costs(self._overrides, language_of(module.facts.language))


def _loaded_anyway(
    modules: Sequence[LoadedModule], runs: dict[Path, set[str]], tables: _Tables
) -> set[str]:
    """Packages (`ImportCosts.package`) that the handler loads at every cold start in
    any case: an import of them used on every invocation (or boto3, which SL102 leaves
    alone), and what those load (boto3 loads urllib3). Moving another import of the same
    package (`from requests import Response` beside a used `import requests`) saves
    nothing."""
    loaded: set[str] = set()
    for module in modules:
        needed = runs.get(module.path, set())
        costs = tables.of(module)
        for imported in module.facts.module_imports:
            if imported.optional or imported.level:
                continue
            always = costs.language == PYTHON and imported.top_level in _ALWAYS_NEEDED
            if always or _used_every_time(imported.uses, needed):
                loaded.update(costs.loaded_by(imported))
    return loaded


def _opaque_modules(handler: LinkedHandler) -> set[Path]:
    """JavaScript modules of the project into which the handler makes a call that
    reachability cannot follow to a function (`resizer._process()` on an instance another
    module exports): any of their functions may run on every invocation."""
    from slint.reachability import javascript_module, resolve_import

    modules = {module.path: module.facts for module in handler.modules}
    opaque: set[Path] = set()
    for reached in handler.reached:
        facts = modules.get(reached.path)
        if facts is None or facts.language != JAVASCRIPT:
            continue
        for ref in reached.facts.calls:
            kind, _, target = ref.partition(":")
            if kind == "local":
                if target not in facts.functions:
                    opaque.add(reached.path)
                continue
            if kind != "ext":
                continue
            module = javascript_module(reached.path, target.partition("@")[2], modules)
            if module is None or module in opaque:
                continue  # a package, or already known
            if resolve_import(modules, reached.path, target) is None:
                opaque.add(module)
    return opaque


def _instantiated_classes(handler: LinkedHandler) -> frozenset[str]:
    """JavaScript: names of classes instantiated when the handler's modules load or in
    code the handler runs (`new MyProcessor()`). Their methods may run through the
    instance in ways reachability does not follow for JavaScript: hooks a library calls
    (a Powertools batch processor's `prepare`/`clean`), a method called on the instance
    by another module."""
    made: set[str] = set()
    behaviours = [
        module.facts.module_behaviour
        for module in handler.modules
        if module.facts.language == JAVASCRIPT
    ]
    behaviours.extend(reached.behaviour for reached in handler.reached)
    for behaviour in behaviours:
        for call in behaviour.calls:
            made.add(call.name.rsplit(".", 1)[-1])
    return frozenset(made)


def _may_run(
    function: str | None,
    module: LoadedModule,
    reached: set[str],
    opaque: set[Path],
    instantiated: frozenset[str],
) -> bool:
    """A JavaScript function the handler does not visibly run may still run on every
    invocation: one of a module the handler calls into through a call slint cannot
    follow, or a method of a class whose instance exists."""
    if function is None or function in reached or module.facts.language != JAVASCRIPT:
        return False
    if module.path in opaque:
        return True
    owner = function.split(".", 1)[0]
    return "." in function and owner in module.facts.classes and owner in instantiated


def _whole_sdk_v2(imported: ModuleImport, costs: ImportCosts) -> bool:
    return costs.language == JAVASCRIPT and node_module_name(imported.module) == _SDK_V2


def _sdk_v2_advice(module: LoadedModule, costs: ImportCosts) -> str:
    """What replaces the whole SDK v2 here: the v3 clients of the services the module
    makes clients of (`new AWS.S3()` -> `@aws-sdk/client-s3`), with their measured cost."""
    from slint.javascript.sdk import DOCUMENT_SERVICE, LIB_DYNAMODB, V3_PREFIX, client_service

    facts = module.facts
    behaviours = [facts.module_behaviour, *(f.behaviour for f in facts.functions.values())]
    services: dict[str, None] = {}
    for behaviour in behaviours:
        for call in behaviour.calls:
            if call.name.startswith(_SDK_V2 + "."):
                service = client_service(call.name)
                if service is not None:
                    services.setdefault(service)
    packages: list[str] = []
    for service in services:
        if service == DOCUMENT_SERVICE:
            packages.append(LIB_DYNAMODB)
            continue
        package = _v3_packages(costs).get(service)
        packages.append(package if package is not None else f"{V3_PREFIX}{service}")
    if not packages:
        return (
            f"`{_SDK_V2}` is the whole AWS SDK v2, which loads every service's code: a v3 "
            f"client (`{V3_PREFIX}<service>`) loads only the service it calls"
        )
    shown = []
    for package in packages[:3]:
        entry = costs.node_lookup(package)
        shown.append(f"`{package}`" + (f" {milliseconds(entry.ms)}" if entry else ""))
    several = len(packages) > 1
    return (
        f"`{_SDK_V2}` is the whole AWS SDK v2, which loads every service's code: the v3 "
        f"client{'s' if several else ''} of what this module calls ({', '.join(shown)}) "
        f"load{'' if several else 's'} only {'those services' if several else 'that service'}"
    )


def _v3_packages(costs: ImportCosts) -> dict[str, str]:
    """boto3 service name -> the v3 client package the table measured for it."""
    from slint.javascript.sdk import v3_service

    packages: dict[str, str] = {}
    for name in costs.table:
        service = v3_service(name)
        if service is not None:
            packages.setdefault(service, name)
    return packages


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


def _javascript_fix(
    module: LoadedModule, imported: ModuleImport, runs: set[str], costs: ImportCosts
) -> Fix | None:
    """A suggestion for a Node.js module: remove an unused import (an edit); load a
    used one in the one function that uses it (a message: whether `await import()`
    fits the function, or the module is better replaced by an SDK v3 client, is for the
    author to judge)."""
    source = read_source(module.path)
    if source is None:
        return None
    statement = _statement_text(source, imported)
    esm = statement is not None and _ESM_IMPORT.match(statement) is not None
    if not imported.uses:
        if statement is None or not _SIMPLE_IMPORT.fullmatch(statement.strip()):
            return None  # `const a = require("x"), b = 2;`: more than the import goes
        edit = remove_statement(source, imported, module.facts.module_imports, "//")
        if edit is None:
            return None
        return Fix(Applicability.DISPLAY_ONLY, f"Remove the unused `{statement}`", (edit,))
    functions = {use.function for use in imported.uses}
    if len(functions) != 1:
        return None
    (key,) = functions
    if key is None or key in runs:
        return None
    function = module.facts.functions.get(key)
    if function is None:
        return None
    spec = imported.module
    if _whole_sdk_v2(imported, costs):
        first = "Replace it by the v3 client of the service it calls, or "
    else:
        first = ""
    if not esm:
        action = f'move `require("{spec}")` into `{key}`'
        how = "Node.js loads the package on the first call and caches it"
    else:
        make_async = "" if function.is_async else f" (make `{key}` async)"
        action = f"load it in `{key}`"
        how = f'`const {_dynamic_binding(imported)} = await import("{spec}")`{make_async}'
    if not first:
        action = action[:1].upper() + action[1:]
    return Fix(
        Applicability.DISPLAY_ONLY,
        f"{first}{action}, the only function that uses it: {how}",
    )


def _statement_text(source: str, imported: ModuleImport) -> str | None:
    lines = source.splitlines()
    start, end = imported.statement.start, imported.statement.end
    if end.row > len(lines) or start.row < 1:
        return None
    if start.row == end.row:
        return lines[start.row - 1][start.column - 1 : end.column - 1]
    parts = [lines[start.row - 1][start.column - 1 :], *lines[start.row : end.row - 1]]
    parts.append(lines[end.row - 1][: end.column - 1])
    return "\n".join(parts)


def _dynamic_binding(imported: ModuleImport) -> str:
    """How `await import()` binds what an ES module import statement binds:
    `import AWS from "aws-sdk"` -> `{ default: AWS }`, `import { a as b }` ->
    `{ a: b }`, `import * as ns` -> `ns`."""
    if not imported.from_names:
        return imported.names[0] if imported.names else "module"
    parts = [
        bound if original == bound else f"{original}: {bound}"
        for original, bound in zip(imported.from_names, imported.names, strict=False)
    ]
    return "{ " + ", ".join(parts) + " }"


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
    if module.facts.language == JAVASCRIPT:
        # `module.exports = { redis }`, `export { z } from "zod"`: an export of it.
        return any(
            target.startswith("ext:") and target.rpartition("@")[2] == imported.module
            for target in module.facts.exports.values()
        )
    path = module.path
    own = path.parent.name if path.stem == "__init__" else path.stem
    return any((own, name) in taken for name in imported.names)
