from __future__ import annotations

from collections.abc import Iterable, Iterator
from textwrap import dedent

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.project import LinkedHandler
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.imports import PackageCost, import_costs, milliseconds, project_module_names

_SERVERLESS = dedent("""\
    service: scoring
    provider:
      name: aws
      runtime: python3.12
    functions:
      score:
        handler: handler.handler
        events:
          - httpApi: POST /score
    """)
_SAM = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Score:
        Type: AWS::Serverless::Function
        Properties:
          Handler: handler.handler
          Runtime: python3.12
    """)
_CFN = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Fetch:
        Type: AWS::Lambda::Function
        Properties:
          Handler: handler.handler
          Runtime: python3.12
          Role: arn:aws:iam::123456789012:role/fetch
          Code: .
    """)


class ImportBudget(CrossRule):
    """## What it does
    Adds up what the handler module's module-level imports load at a cold start, through
    the project's own modules they import, by slint's measured table of import costs, and
    reports when the total is above `import-budget-ms` (500 ms by default). The finding
    is on the module's first import and lists the three largest contributors. Each
    package counts once, and a package that another counted package loads itself
    (pandas loads numpy) is not counted again. Off by default: turn it on with
    `select = ["SL103"]`.

    ## Why is this bad?
    Every cold start runs these imports before the first event is handled; on a
    function with little memory (and so a small CPU share) the time grows further. Past
    half a second they dominate the cold start of most functions, and the callers of an
    API see it as latency.

    ## Example
    ```python
    import boto3
    import pandas as pd
    from sklearn.ensemble import RandomForestClassifier
    ```

    ## Use instead
    Import the heavy packages where they are needed (see SL102), split the function, or
    use provisioned concurrency or SnapStart for a function that needs them on every
    invocation.

    ## Fix
    None: what to move, split or drop is a design decision. The costs come from
    `slint/data/import_costs.json` (measured with `python -X importtime` by
    `scripts/measure_import_costs.py`); set your own with `import-costs` in the
    configuration (`[tool.slint.import-costs]` in pyproject.toml: `mylib = 250`; `0`
    marks a package as cheap). Imports under `if TYPE_CHECKING:` or guarded by `except
    ImportError` are not counted.

    ## References
    - [AWS: Lambda execution environment lifecycle](https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtime-environment.html)
    - [AWS: Lambda SnapStart](https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html)
    """

    code = "SL103"
    name = "import-budget"
    severity = Severity.INFO
    enabled_by_default = False
    fix = FixKind.NONE

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None:
            return ()
        return self._check(handler, settings)

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterable[Diagnostic]:
        return self._check(handler, settings)

    def _check(self, handler: LinkedHandler, settings: Settings) -> Iterator[Diagnostic]:
        if not handler.modules:
            return
        first = next(iter(handler.modules[0].facts.module_imports), None)
        if first is None:
            return
        costs = import_costs(settings.import_costs)
        project = project_module_names(handler.modules)
        entries: list[PackageCost] = []
        # Where each package is first imported, for the message.
        where: dict[str, str] = {}
        for module in handler.modules:
            for imported in module.facts.module_imports:
                if imported.optional or imported.top_level in project:
                    continue
                entry = costs.of_import(imported)
                if entry is None:
                    continue
                entries.append(entry)
                where.setdefault(entry.name, f"{module.display}:{imported.span.line}")
        total, counted = costs.total(entries)
        if total <= settings.import_budget_ms:
            return
        largest = ", ".join(
            f"`{entry.name}` {milliseconds(entry.ms)} ({where[entry.name]})"
            for entry in counted[:3]
        )
        others = len(counted) - 3
        rest = f" and {others} more" if others > 0 else ""
        message = (
            f"module-level imports load about {milliseconds(total)} of packages at every "
            f"cold start (budget {milliseconds(settings.import_budget_ms)}): {largest}{rest}"
        )
        start = first.statement.start
        end = first.statement.end
        if end.row != start.row:
            # a statement over several lines: its first line's module name
            end = first.span.end if first.span.end.row == start.row else start
        yield self.make_diagnostic(handler.modules[0].display, start, end, message)

    valid = (
        Valid(
            dedent("""\
                import json

                import boto3

                table = boto3.resource("dynamodb").Table("scores")


                def handler(event, context):
                    return json.dumps(table.get_item(Key={"id": event["id"]}))
                """),
            files={"serverless.yml": _SERVERLESS},
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
            files={"template.yaml": _SAM},
        ),
        # A larger budget.
        Valid(
            dedent("""\
                import pandas as pd


                def handler(event, context):
                    return pd.DataFrame(event["rows"]).to_json()
                """),
            files={"template.yaml": _CFN},
            options={"import-budget-ms": 60_000},
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                import boto3
                import pandas as pd
                from sklearn.ensemble import RandomForestClassifier


                def handler(event, context):
                    return RandomForestClassifier().fit(pd.DataFrame(event["x"]), event["y"])
                """),
            files={"serverless.yml": _SERVERLESS},
            line=1,
            column=1,
            message="`sklearn.ensemble`",
        ),
        # Followed through the project's own module.
        Invalid(
            dedent("""\
                from model import predict


                def handler(event, context):
                    return predict(event["x"])
                """),
            files={
                "template.yaml": _SAM,
                "model.py": "import sklearn.linear_model\n\n\ndef predict(x):\n    return x\n",
            },
            line=1,
            column=1,
            message="`sklearn.linear_model`",
        ),
        # A tighter budget (CloudFormation).
        Invalid(
            dedent("""\
                import requests


                def handler(event, context):
                    return requests.get(event["url"], timeout=5).text
                """),
            files={"template.yaml": _CFN},
            options={"import-budget-ms": 20},
            line=1,
            column=1,
            message="`requests`",
        ),
    )
