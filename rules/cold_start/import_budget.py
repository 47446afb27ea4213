from __future__ import annotations

from collections.abc import Iterable, Iterator
from textwrap import dedent

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.project import LinkedHandler
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.imports import (
    PYTHON,
    PackageCost,
    import_costs,
    language_of,
    milliseconds,
    project_module_names,
)

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


_NODE_SERVERLESS = dedent("""\
    service: sheets
    provider:
      name: aws
      runtime: nodejs20.x
    functions:
      sync:
        handler: handler.handler
        events:
          - httpApi: POST /sync
    """)
_NODE_SAM = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Sync:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: nodejs20.x
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
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

    Node.js handlers (JavaScript and TypeScript) are priced by
    `slint/data/node_import_costs.json`, measured around `require()` / `import()` by
    `scripts/measure_node_import_costs.py` (`"@aws-sdk/client-s3" = 60` in
    `import-costs` sets one); type-only imports, which the TypeScript compiler erases,
    and built-in modules (`fs`, `node:crypto`) are not counted, nor are subpaths the
    table cannot price (`lodash/map`). A bundler (esbuild) loads the same code faster
    than these numbers say: read the total as an upper bound for a bundled function.

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
        costs = import_costs(settings.import_costs, language_of(handler.modules[0].facts.language))
        # Python: a module of the project may have a package's name (`redis.py`); an npm
        # specifier never names a project file.
        project = project_module_names(handler.modules) if costs.language == PYTHON else frozenset()
        entries: list[PackageCost] = []
        # Where each package is first imported, for the message.
        where: dict[str, str] = {}
        for module in handler.modules:
            for imported in module.facts.module_imports:
                if imported.optional or (project and imported.top_level in project):
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
        # Node.js: SDK v3 clients (about 50 ms each) stay well below the budget.
        Valid(
            dedent("""\
                const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
                const { DynamoDBDocumentClient, PutCommand } = require("@aws-sdk/lib-dynamodb");

                const table = DynamoDBDocumentClient.from(new DynamoDBClient({}));

                exports.handler = async (event) =>
                  table.send(new PutCommand({ TableName: "rows", Item: JSON.parse(event.body) }));
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS},
        ),
        # TypeScript: a type-only import is erased by the compiler and costs nothing.
        Valid(
            dedent("""\
                import type { sheets_v4 } from "googleapis";
                import { z } from "zod";

                const Row = z.object({ id: z.string() });

                export const handler = async (event: { body: string }) => {
                  const id = Row.parse(JSON.parse(event.body)).id;
                  const row: sheets_v4.Schema$ValueRange = { values: [[id]] };
                  return row;
                };
                """),
            filename="src/app.ts",
            files={"template.yaml": _NODE_SAM},
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
        # Node.js: npm packages priced by the Node.js table.
        Invalid(
            dedent("""\
                const { google } = require("googleapis");
                const mongoose = require("mongoose");

                exports.handler = async (event) => {
                  await mongoose.connect(process.env.MONGO_URL);
                  const sheets = google.sheets({ version: "v4" });
                  return sheets.spreadsheets.get({ spreadsheetId: event.id });
                };
                """),
            filename="handler.js",
            files={"serverless.yml": _NODE_SERVERLESS},
            line=1,
            column=1,
            message="`googleapis`",
        ),
        # TypeScript (SAM, esbuild), through a project module.
        Invalid(
            dedent("""\
                import { append } from "./sheets";

                export const handler = async (event: { id: string }) => append(event.id);
                """),
            filename="src/app.ts",
            files={
                "template.yaml": _NODE_SAM,
                "src/sheets.ts": dedent("""\
                    import { google } from "googleapis";

                    export const append = (id: string) =>
                      google.sheets({ version: "v4" }).spreadsheets.get({ spreadsheetId: id });
                    """),
            },
            options={"import-budget-ms": 300},
            line=1,
            column=1,
            message="`googleapis`",
        ),
    )
