from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from textwrap import dedent

from slint.api import CrossRule, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.node import node_major
from slint.app.project import LinkedHandler
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.handler_code import relative_display

_SDK_V2 = "aws-sdk"
# The first Node.js runtime whose image does not include the AWS SDK v2.
_WITHOUT_V2_FROM = 18

_SERVERLESS = dedent("""\
    service: reports
    frameworkVersion: "3"
    provider:
      name: aws
      runtime: nodejs20.x
    functions:
      export:
        handler: export.handler
    """)
_HANDLER = dedent("""\
    const AWS = require("aws-sdk");

    const s3 = new AWS.S3();

    exports.handler = async (event) => {
      await s3.putObject({ Bucket: process.env.BUCKET, Key: event.key, Body: "x" }).promise();
    };
    """)


class SdkV2NotInRuntime(CrossRule):
    """
    ## What it does
    Reports a Node.js handler (or a project module it loads) that imports the AWS SDK
    v2 (`require("aws-sdk")`, `import AWS from "aws-sdk"`, `aws-sdk/clients/s3`) on
    `nodejs18.x` or later, when the deployment package does not provide it: no
    package.json between the module and the code folder (the serverless.yml folder,
    the SAM `CodeUri`) lists `aws-sdk` in `dependencies`, or the bundler leaves it out
    (serverless-esbuild excludes `aws-sdk` by default; SAM esbuild `External`), and no
    local layer the config names holds it. A layer slint cannot look into (an ARN) or a
    build configured in code (a webpack config) keeps it silent.

    ## Why is this bad?
    Up to `nodejs16.x` the Lambda runtime shipped the SDK v2, so code could use it
    without deploying it. From `nodejs18.x` on, the runtime includes only the SDK v3
    (`@aws-sdk/*`): a function upgraded to a newer runtime without migrating fails to
    load on every invocation with `Runtime.ImportModuleError: Cannot find module
    'aws-sdk'`. `devDependencies` are not deployed by `serverless deploy` or `sam build`,
    so listing it there does not help.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      runtime: nodejs20.x
    ```
    ```js
    // export.js; package.json lists aws-sdk under devDependencies only
    const AWS = require("aws-sdk");
    ```

    ## Use instead
    Migrate to the v3 client of the service, which the runtime provides (deploy it
    anyway to pin its version):
    ```js
    const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");
    const s3 = new S3Client({});
    ```
    or, until then, list `aws-sdk` in `dependencies` so that it is deployed.

    ## Fix
    None: migrating to v3 changes the calls (`.promise()` goes, commands come in), and
    adding a dependency is a packaging decision.

    ## References
    - [Node.js 18 runtime: the AWS SDK for JavaScript v3 replaces v2](https://aws.amazon.com/blogs/compute/node-js-18-x-runtime-now-available-in-aws-lambda/)
    - [Lambda runtimes: included SDK versions](https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html)
    """

    code = "SL110"
    name = "sdk-v2-not-in-runtime"
    severity = Severity.ERROR

    def __init__(self) -> None:
        # The engine keeps one instance per config: an import that several functions
        # load is reported once, for the first of them.
        self._reported: set[tuple[Path, int, int]] = set()

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or handler.facts is None or function.language != "node":
            return
        major = node_major(function.runtime.value)
        if major is None or major < _WITHOUT_V2_FROM:
            return
        yield from self._imports(function, handler)

    def _imports(self, function: Function, handler: LinkedHandler) -> Iterator[Diagnostic]:
        from slint.app.node import package_name, package_provides

        for module in handler.modules:
            if module.facts.language != "javascript":
                continue
            for imported in module.facts.module_imports:
                if imported.optional or package_name(imported.module) != _SDK_V2:
                    continue
                where = (module.path, imported.span.start.row, imported.span.start.column)
                if where in self._reported:
                    continue
                if package_provides(function, _SDK_V2, module.path) is not False:
                    continue
                self._reported.add(where)
                yield self.at(
                    module.display,
                    imported.span.start,
                    f"`{imported.module}` is the AWS SDK v2, which the "
                    f"{function.runtime.value} runtime of function `{function.name}` "
                    f"({function.file}) no longer includes, and the deployment package "
                    f"does not provide it ({_why_missing(function, module.path)}): every "
                    "invocation fails with Runtime.ImportModuleError; migrate to the v3 "
                    "clients (`@aws-sdk/client-*`) or list `aws-sdk` in `dependencies`",
                    length=imported.span.end.column - imported.span.start.column,
                )

    valid = (
        # Listed in the dependencies of the package.json that is deployed.
        Valid(
            _SERVERLESS,
            filename="serverless.yml",
            files={
                "export.js": _HANDLER,
                "package.json": '{"dependencies": {"aws-sdk": "^2.1600.0"}}\n',
            },
        ),
        # nodejs16.x still ships the SDK v2 (SL603 reports the runtime itself).
        Valid(
            _SERVERLESS.replace("nodejs20.x", "nodejs16.x"),
            filename="serverless.yml",
            files={"export.js": _HANDLER},
        ),
        # The v3 clients are in the runtime.
        Valid(
            _SERVERLESS,
            filename="serverless.yml",
            files={
                "export.js": dedent("""\
                    const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");
                    const s3 = new S3Client({});
                    exports.handler = async (event) => {
                      await s3.send(new PutObjectCommand({ Bucket: "b", Key: event.key }));
                    };
                    """),
            },
        ),
        # A layer given by ARN may provide it: slint cannot tell.
        Valid(
            _SERVERLESS.replace(
                "    handler: export.handler\n",
                "    handler: export.handler\n    layers:\n"
                "      - arn:aws:lambda:eu-west-1:123456789012:layer:aws-sdk-v2:3\n",
            ),
            filename="serverless.yml",
            files={"export.js": _HANDLER},
        ),
        # A type-only import is erased by the compiler.
        Valid(
            _SERVERLESS.replace('frameworkVersion: "3"\n', "").replace(
                "provider:", "plugins:\n  - serverless-esbuild\nprovider:"
            ),
            filename="serverless.yml",
            files={
                "export.ts": dedent("""\
                    import type { S3 } from "aws-sdk";
                    export const handler = async (event: { s3: S3 }) => ({});
                    """),
            },
        ),
    )
    invalid = (
        # Only a devDependency: not deployed.
        Invalid(
            _SERVERLESS,
            filename="serverless.yml",
            files={
                "export.js": _HANDLER,
                "package.json": '{"devDependencies": {"aws-sdk": "^2.1600.0"}}\n',
            },
            line=1,
            column=22,
            message="only in `devDependencies`",
        ),
        # serverless-esbuild leaves aws-sdk out of the bundle by default.
        Invalid(
            _SERVERLESS.replace('frameworkVersion: "3"\n', "").replace(
                "provider:", "plugins:\n  - serverless-esbuild\nprovider:"
            ),
            filename="serverless.yml",
            files={
                "export.ts": dedent("""\
                    import { S3 } from "aws-sdk";
                    export const handler = async (event: { key: string }) =>
                      new S3().getObject({ Bucket: "b", Key: event.key }).promise();
                    """),
                "package.json": '{"dependencies": {"aws-sdk": "^2.1600.0"}}\n',
            },
            line=1,
            column=21,
            message="serverless-esbuild leaves it out",
        ),
        # SAM: nothing lists it; a client module of v2 counts as well.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Export:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Handler: app.handler
                      Runtime: nodejs22.x
                """),
            filename="template.yaml",
            files={
                "src/app.mjs": dedent("""\
                    import { upload } from "./storage.mjs";
                    export const handler = async (event) => upload(event.key);
                    """),
                "src/storage.mjs": dedent("""\
                    import S3 from "aws-sdk/clients/s3.js";
                    const s3 = new S3();
                    export const upload = (key) =>
                      s3.putObject({ Bucket: "b", Key: key }).promise();
                    """),
                "src/package.json": '{"type": "module", "dependencies": {"uuid": "^9.0.0"}}\n',
            },
            line=1,
            column=17,
            message="no package.json",
        ),
    )


def _why_missing(function: Function, importer: Path) -> str:
    from slint.app.node import nearest_package_json, read_package_json

    packaging = function.node_packaging
    if packaging is not None and any(
        pattern in (_SDK_V2, f"{_SDK_V2}/*", "*") for pattern in packaging.exclude
    ):
        return f"{packaging.builder or 'the build'} leaves it out of the bundle"
    code_dir = function.code_dir
    stop = code_dir if isinstance(code_dir, Path) else None
    manifest_path = nearest_package_json(importer.parent, stop)
    manifest = read_package_json(manifest_path) if manifest_path is not None else None
    base = function.app.directory
    if manifest is not None and _SDK_V2 in manifest.dev_dependencies:
        shown = relative_display(manifest.path, base)
        return f"it is only in `devDependencies` of {shown}, which are not deployed"
    return "no package.json between the module and the code folder lists it in `dependencies`"
