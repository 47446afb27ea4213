from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from textwrap import dedent

from slint.api import CrossRule, Invalid, Severity, Valid
from slint.app.model import Function
from slint.app.project import LinkedHandler
from slint.diagnostics import Diagnostic
from slint.reachability import export_target
from slint.settings import Settings

from .._support.handler_code import (
    code_dir_of,
    has_project_handler,
    has_project_node_handler,
    module_bindings,
    parse_module,
    relative_display,
)


def _compiled_variant(module: Path) -> bool:
    """A compiled module (`api.cpython-312-x86_64-linux-gnu.so`, `api.pyc`) stands in
    for the source file."""
    folder, stem = module.parent, module.stem
    if stem == "__init__":
        return False
    if (folder / f"{stem}.pyc").is_file() or (folder / f"{stem}.so").is_file():
        return True
    try:
        return any(folder.glob(f"{stem}.*.so")) or any(folder.glob(f"{stem}.*.pyd"))
    except OSError:
        return False


def _module_format_problem(function: Function, module: Path) -> str | None:
    """How the handler module's syntax contradicts the format Node.js loads it in,
    when it is deployed as written (no build step rewrites it): CommonJS exports in
    an ES module (`.mjs`, or `.js` under `"type": "module"`), ES module syntax in a
    `.cjs` file, or in a `.js` file of a CommonJS package on a runtime older than
    `nodejs22.x` (Node.js 22 runs such a file as an ES module)."""
    from slint.app.node import is_esm, node_major

    packaging = function.node_packaging
    if packaging is None or packaging.builder is not None:
        return None
    suffix = module.suffix.lower()
    if suffix not in (".js", ".mjs", ".cjs"):
        return None
    syntax = _module_syntax(module)
    if syntax is None:
        return None
    esm_syntax, commonjs_exports = syntax
    code_dir = function.code_dir
    if is_esm(module, code_dir if isinstance(code_dir, Path) else None):
        if commonjs_exports and not esm_syntax:
            why = ".mjs" if suffix == ".mjs" else 'its package.json says `"type": "module"`'
            return (
                f"is an ES module ({why}) but exports through `module.exports` / "
                "`exports.`, which do not exist there (`ReferenceError: exports is not "
                "defined in ES module scope`); use `export` or make it CommonJS"
            )
        return None
    if not esm_syntax:
        return None
    major = node_major(function.runtime.value)
    if suffix == ".cjs" or (major is not None and major < 22):
        return (
            "uses `import`/`export`, but Node.js loads it as CommonJS (`SyntaxError: "
            'Cannot use import statement outside a module`); name it `.mjs` or set `"type": '
            '"module"` in its package.json'
        )
    return None


def _module_syntax(module: Path) -> tuple[bool, bool] | None:
    """(ES module syntax at top level, CommonJS exports assigned) of a module."""
    from slint.javascript.grammar import grammar_of, parse

    grammar = grammar_of(module.name)
    try:
        data = module.read_bytes()
    except OSError:
        return None
    if grammar is None:
        return None
    root = parse(data.removeprefix(b"\xef\xbb\xbf"), grammar).root_node
    esm = False
    commonjs = False
    for statement in root.named_children:
        if statement.type in ("import_statement", "export_statement"):
            esm = True
        elif statement.type == "expression_statement":
            text = data[statement.start_byte : statement.end_byte].lstrip()
            if text.startswith((b"module.exports", b"exports.")):
                commonjs = True
    return esm, commonjs


# An "export" that is a file extension: `Handler: index.js` names a file.
_FILE_SUFFIXES = frozenset({"js", "mjs", "cjs", "ts", "mts", "cts"})


def _looked_for(candidates: Iterable[Path], base: Path) -> str:
    shown = list(dict.fromkeys(relative_display(path, base) for path in candidates))
    if len(shown) == 1:
        return shown[0]
    return ", ".join(shown[:-1]) + " or " + shown[-1]


class HandlerNotFound(CrossRule):
    """
    ## What it does
    Checks that the handler a config names exists: the module file (relative to the
    serverless.yml folder, a SAM `CodeUri`, a CloudFormation `Code` folder or a CDK
    asset folder) and the function in it. Python runtimes: the module (`pkg/mod.py` or
    `pkg/mod/__init__.py`) and its function. Node.js runtimes: the file the runtime
    loads (`src/users.create` names `src/users.js`, `.mjs` or `.cjs`, or the TypeScript
    source a declared build compiles: serverless-esbuild and other build plugins, the
    Serverless Framework v4, SAM `BuildMethod: esbuild` with its `EntryPoints`) and its
    export `create` (also in the default export, as the runtime looks it up), and, for a
    module deployed as written, that its syntax is the format Node.js loads it in
    (`module.exports` in an ES module, `export` in a `.cjs` file).
    Container images, inline code (`InlineCode`, `ZipFile`), code in S3, prebuilt
    artifacts and layers' wrapper handlers are skipped; a CDK bundle is only checked
    to exist.

    ## Why is this bad?
    The deployment succeeds, and then every invocation fails: Lambda reports
    `Runtime.ImportModuleError` when the module is missing and `Runtime.HandlerNotFound`
    when the module lacks the function. A renamed file or function, or a handler path
    written relative to the wrong folder, goes unnoticed until the function is called.

    ## Example
    ```yaml
    # serverless.yml (the code is in src/orders/api.py)
    functions:
      createOrder:
        handler: src/api.create_order
    ```

    ## Use instead
    ```yaml
    functions:
      createOrder:
        handler: src/orders/api.create_order
    ```

    In SAM the module path is relative to `CodeUri` (which `Globals.Function` may set):
    ```yaml
    Globals:
      Function:
        CodeUri: src/
    Resources:
      CreateOrder:
        Type: AWS::Serverless::Function
        Properties:
          Handler: orders/api.create_order   # src/orders/api.py
    ```

    ## Fix
    There is no automatic fix: correct the `handler`/`Handler` value, or move or rename
    the module or function it names.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/python-handler.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-resource-function.html
    """

    code = "SL001"
    name = "handler-not-found"
    severity = Severity.ERROR

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if has_project_node_handler(function):
            yield from self._check_node(function, handler)
            return
        if not has_project_handler(function):
            return
        value = function.handler.value
        assert isinstance(value, str)
        ref = function.handler_ref
        subject = f"handler `{value}` of function `{function.name}`"
        if ref is None:
            yield self.at_setting(
                function.handler,
                f"{subject} is not of the form `module.function`: Lambda cannot import it "
                "and every invocation fails; write the module path, a dot, and the function "
                "name (`app.lambda_handler`)",
            )
            return
        if handler is None:
            return
        if ref.function == "py" and handler.function is None:
            yield self.at_setting(
                function.handler,
                f"{subject} names a file, not a function: Lambda imports module "
                f"`{value.removesuffix('.py')}` and looks for a function `py` in it, and every "
                "invocation fails; write `module.function` (`app.lambda_handler`)",
            )
            return
        if not handler.exists:
            if _compiled_variant(ref.module_path):
                return
            base = function.app.directory
            code_dir = code_dir_of(function)
            if code_dir is not None and not code_dir.is_dir():
                missing = f"its code folder {relative_display(code_dir, base)}/ does not exist"
            else:
                candidates = ref.candidates or (ref.module_path,)
                missing = f"module not found, looked for {_looked_for(candidates, base)}"
            yield self.at_setting(
                function.handler,
                f"{subject}: {missing}; every invocation would fail with "
                "Runtime.ImportModuleError: fix the path or move the module",
            )
            return
        facts = handler.facts
        if facts is None or handler.function is not None:
            return  # a module that does not parse is SL000's business
        if ref.function in facts.functions or ref.function in facts.classes:
            return
        if ref.function in facts.imports:
            return
        tree = parse_module(ref.module_path)
        if tree is None or module_bindings(tree, ref.function):
            return
        yield self.at_setting(
            function.handler,
            f"{subject}: {handler.display} has no function `{ref.function}`; every "
            "invocation would fail with Runtime.HandlerNotFound: fix the name or define "
            "the function",
        )

    def _check_node(
        self, function: Function, handler: LinkedHandler | None
    ) -> Iterator[Diagnostic]:
        value = function.handler.value
        assert isinstance(value, str)
        ref = function.handler_ref
        subject = f"handler `{value}` of function `{function.name}`"
        if ref is None:
            if ".." in value.split("/"):
                problem = "goes up a folder (`..`), which the Node.js runtime refuses"
            else:
                problem = "is not of the form `path/module.export`"
            yield self.at_setting(
                function.handler,
                f"{subject} {problem}: every invocation fails; write the module path "
                "relative to the code folder, a dot, and the exported function "
                "(`src/orders.create`)",
            )
            return
        if ref.function in _FILE_SUFFIXES:
            yield self.at_setting(
                function.handler,
                f"{subject} names a file, not an export: Lambda loads module "
                f"`{value.rpartition('.')[0]}` and looks for an export `{ref.function}` in "
                "it, and every invocation fails; write `module.export` (`index.handler`)",
            )
            return
        if not ref.module_path.is_file():
            base = function.app.directory
            code_dir = code_dir_of(function)
            if code_dir is not None and not code_dir.is_dir():
                missing = f"its code folder {relative_display(code_dir, base)}/ does not exist"
            elif ref.entry_points and ref.module_path not in ref.entry_points:
                entries = _looked_for(ref.entry_points, base)
                missing = (
                    f"no esbuild entry point builds `{relative_display(ref.module_path, base)}` "
                    f"(`EntryPoints`: {entries})"
                )
            else:
                candidates = ref.candidates or (ref.module_path,)
                missing = f"module not found, looked for {_looked_for(candidates, base)}"
            yield self.at_setting(
                function.handler,
                f"{subject}: {missing}; every invocation would fail with "
                "Runtime.ImportModuleError: fix the path or move the module",
            )
            return
        if ref.bundled or handler is None or handler.facts is None:
            return  # a bundle is build output; a module that does not parse is SL000's
        facts = handler.facts
        mismatch = _module_format_problem(function, ref.module_path)
        if mismatch is not None:
            yield self.at_setting(
                function.handler,
                f"{subject}: {handler.display} {mismatch}; every invocation would fail "
                "with Runtime.UserCodeSyntaxError or Runtime.ImportModuleError",
            )
            return
        if export_target(facts, ref.function) is not None:
            return
        if any(name.startswith("*") for name in facts.exports):
            return  # `export * from "./impl.js"` may provide it
        yield self.at_setting(
            function.handler,
            f"{subject}: {handler.display} has no export `{ref.function}`; every "
            "invocation would fail with Runtime.HandlerNotFound: fix the name or export "
            f"the function (`export const {ref.function.rpartition('.')[2]} = async "
            "(event) => {...}`)",
        )

    valid = (
        # Node.js: ESM, CommonJS (also through the default export), TypeScript that
        # serverless-esbuild builds, SAM esbuild entry points relative to CodeUri.
        Valid(
            dedent("""\
                service: users
                plugins:
                  - serverless-esbuild
                provider:
                  name: aws
                  runtime: nodejs22.x
                functions:
                  create:
                    handler: src/users.create
                  list:
                    handler: src/legacy.list
                  remove:
                    handler: src/typed.remove
                  nested:
                    handler: src/routes.users.get
                """),
            filename="serverless.yml",
            files={
                "src/users.mjs": "export async function create(event) {\n  return {};\n}\n",
                "src/legacy.js": "const list = async () => [];\nmodule.exports = { list };\n",
                "src/typed.ts": "export const remove = async (event: unknown) => ({});\n",
                "src/routes.js": "exports.users = { get: async () => ({}) };\n",
            },
        ),
        # Module formats that load: ESM syntax in a .js file on nodejs22.x (Node.js 22
        # detects it), CommonJS under "type": "commonjs", an ES module under "type":
        # "module"; a build step (serverless-esbuild) rewrites whatever it bundles.
        Valid(
            dedent("""\
                service: users
                provider:
                  name: aws
                  runtime: nodejs22.x
                functions:
                  create:
                    handler: esm/users.create
                  list:
                    handler: cjs/users.list
                  remove:
                    handler: typed/users.remove
                """),
            filename="serverless.yml",
            files={
                "esm/users.js": "export const create = async (event) => ({});\n",
                "cjs/package.json": '{"type": "commonjs"}\n',
                "cjs/users.js": "module.exports.list = async () => [];\n",
                "typed/package.json": '{"type": "module"}\n',
                "typed/users.js": "export async function remove(event) {\n  return {};\n}\n",
            },
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Orders:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: orders/
                      Handler: app.handler
                      Runtime: nodejs22.x
                    Metadata:
                      BuildMethod: esbuild
                      BuildProperties:
                        EntryPoints:
                          - src/app.ts
                  Tracing:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: orders/
                      Handler: /opt/nodejs/node_modules/datadog-lambda-js/handler.handler
                      Runtime: nodejs22.x
                """),
            filename="template.yaml",
            files={
                "orders/src/app.ts": (
                    "export default { handler: async (event: unknown) => ({}) };\n"
                ),
            },
        ),
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  createOrder:
                    handler: src/orders/api.create_order
                """),
            filename="serverless.yml",
            files={"src/orders/api.py": "def create_order(event, context):\n    return {}\n"},
        ),
        # A package's __init__.py holds the handler.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  Api:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: api.handler
                """),
            filename="template.yaml",
            files={"src/api/__init__.py": "def handler(event, context):\n    return {}\n"},
        ),
        # Bindings that are not a `def`: an adapter instance, an import, an alias.
        Valid(
            dedent("""\
                service: web
                provider:
                  name: aws
                  runtime: python3.11
                functions:
                  web:
                    handler: app.handler
                  legacy:
                    handler: app.legacy_handler
                  worker:
                    handler: app.process
                """),
            filename="serverless.yml",
            files={
                "app.py": dedent("""\
                    from fastapi import FastAPI
                    from mangum import Mangum
                    from worker import process

                    api = FastAPI()
                    handler = Mangum(api)

                    def _legacy(event, context):
                        return {}

                    legacy_handler = _legacy
                    """),
                "worker.py": "def process(event, context):\n    return None\n",
            },
        ),
        # Not a Python runtime, an image, inline code, code in S3: nothing to look for.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Runtime:
                    Type: String
                Resources:
                  Java:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: java21
                      Handler: com.example.App::handleRequest
                      CodeUri: web/
                  Image:
                    Type: AWS::Serverless::Function
                    Properties:
                      PackageType: Image
                      ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
                  Inline:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      InlineCode: |
                        def handler(event, context):
                            return {}
                  FromS3:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: s3://my-bucket/app.zip
                  ParamRuntime:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: !Ref Runtime
                      Handler: missing.handler
                      CodeUri: src/
                """),
            filename="template.yaml",
        ),
        # Plain CloudFormation: ZipFile, an S3 object; a layer's wrapper handler.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Inline:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      Role: !GetAtt Role.Arn
                      Code:
                        ZipFile: |
                          def handler(event, context):
                              return {}
                  Uploaded:
                    Type: AWS::Lambda::Function
                    Metadata:
                      cfn-lint:
                        config:
                          ignore_checks: [W3005]
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      Role: !GetAtt Role.Arn
                      Code:
                        S3Bucket: my-bucket
                        S3Key: app.zip
                  Traced:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: datadog_lambda.handler.handler
                      Role: !GetAtt Role.Arn
                      Code: ./src
                """),
            filename="template.yaml",
        ),
        # Lambda Web Adapter: the handler is the web server's start script.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Web:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: app/
                      Handler: run.sh
                      Runtime: python3.12
                      Environment:
                        Variables:
                          AWS_LAMBDA_EXEC_WRAPPER: /opt/bootstrap
                      Layers:
                        - arn:aws:lambda:eu-west-1:753240598075:layer:LambdaAdapterLayerX86:25
                """),
            filename="template.yaml",
            files={"app/main.py": "print('serving')\n"},
        ),
        # An unresolvable handler value and an unknown runtime.
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: ${ssm:/orders/runtime}
                functions:
                  createOrder:
                    handler: src/api.create_order
                  other:
                    runtime: python3.12
                    handler: ${ssm:/orders/handler}
                """),
            filename="serverless.yml",
        ),
        # Defined under a module-level try/if, as a class whose call SL002 checks.
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  a:
                    handler: handlers.a
                """),
            filename="serverless.yml",
            files={
                "handlers.py": dedent("""\
                    try:
                        import ujson as json
                    except ImportError:
                        import json

                    if True:
                        def a(event, context):
                            return json.dumps(event)
                    """)
            },
        ),
    )
    invalid = (
        # Node.js: the module exists, the export does not.
        Invalid(
            dedent("""\
                service: users
                provider:
                  name: aws
                  runtime: nodejs22.x
                functions:
                  create:
                    handler: src/users.create
                """),
            filename="serverless.yml",
            files={"src/users.mjs": "export const createUser = async (event) => ({});\n"},
            line=7,
            column=5,
            message="src/users.mjs has no export `create`",
        ),
        # Node.js: CommonJS exports in an ES module (package.json `"type": "module"`).
        Invalid(
            dedent("""\
                service: users
                provider:
                  name: aws
                  runtime: nodejs22.x
                functions:
                  create:
                    handler: src/users.create
                """),
            filename="serverless.yml",
            files={
                "package.json": '{"type": "module"}\n',
                "src/users.js": "exports.create = async (event) => ({});\n",
            },
            line=7,
            column=5,
            message="exports is not defined in ES module scope",
        ),
        # Node.js: ES module syntax in a .cjs file.
        Invalid(
            dedent("""\
                service: users
                provider:
                  name: aws
                  runtime: nodejs22.x
                functions:
                  create:
                    handler: src/users.create
                """),
            filename="serverless.yml",
            files={"src/users.cjs": "export const create = async (event) => ({});\n"},
            line=7,
            column=5,
            message="Cannot use import statement outside a module",
        ),
        # Node.js: no .js, .mjs or .cjs file (a TypeScript source needs a build step,
        # which version 3 of the framework does not have without a plugin).
        Invalid(
            dedent("""\
                service: users
                frameworkVersion: "3"
                provider:
                  name: aws
                  runtime: nodejs22.x
                functions:
                  create:
                    handler: src/users.create
                """),
            filename="serverless.yml",
            files={"src/users.ts": "export const create = async (event: unknown) => ({});\n"},
            line=8,
            column=5,
            message="looked for src/users.js, src/users.mjs or src/users.cjs",
        ),
        # SAM esbuild: the handler names an output that no entry point builds.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Orders:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: ./
                      Handler: orders.handler
                      Runtime: nodejs22.x
                    Metadata:
                      BuildMethod: esbuild
                      BuildProperties:
                        EntryPoints:
                          - src/app.ts
                """),
            filename="template.yaml",
            files={"src/app.ts": "export const handler = async () => ({});\n"},
            line=8,
            column=7,
            message="no esbuild entry point builds",
        ),
        # The function is not in the module.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  createOrder:
                    handler: src/api.create
                """),
            filename="serverless.yml",
            files={"src/api.py": "def create_order(event, context):\n    return {}\n"},
            line=7,
            column=5,
            message="src/api.py has no function `create`",
        ),
        # The module is not where the handler path says.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  createOrder:
                    handler: src/api.create_order
                    events:
                      - http: POST orders
                """),
            filename="serverless.yml",
            files={"src/orders/api.py": "def create_order(event, context):\n    return {}\n"},
            line=7,
            column=5,
            message="looked for src/api.py or src/api/__init__.py",
        ),
        # SAM: the handler and CodeUri come from Globals.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: hello_world/
                    Handler: app.lambda_handler
                Resources:
                  HelloWorld:
                    Type: AWS::Serverless::Function
                    Properties:
                      Events:
                        Hello:
                          Type: Api
                          Properties:
                            Path: /hello
                            Method: get
                """),
            filename="template.yaml",
            files={"hello_world/app.py": "def handler(event, context):\n    return {}\n"},
            line=7,
            column=5,
            message="hello_world/app.py has no function `lambda_handler`",
        ),
        # SAM: the function's own CodeUri and Handler; a dotted module path.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Orders:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: !Sub src/
                      Runtime: python3.13
                      Handler: orders.api.handler
                  Reports:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Runtime: python3.13
                      Handler: reports.api.handler
                """),
            filename="template.yaml",
            files={"src/orders/api.py": "def handler(event, context):\n    return {}\n"},
            line=15,
            column=7,
            message="looked for src/reports/api.py or src/reports/api/__init__.py",
        ),
        # Plain CloudFormation with a local code folder (`aws cloudformation package`).
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Worker:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: worker.main
                      Role: !GetAtt WorkerRole.Arn
                      Code: ./functions
                """),
            filename="template.yaml",
            files={"functions/worker.py": "def handler(event, context):\n    return {}\n"},
            line=7,
            column=7,
            message="functions/worker.py has no function `main`",
        ),
        # CDK output: the code is in the asset folder named by the metadata.
        Invalid(
            dedent("""\
                {
                  "Resources": {
                    "ApiHandler5E7490E8": {
                      "Type": "AWS::Lambda::Function",
                      "Properties": {
                        "Code": {"S3Bucket": {"Fn::Sub": "cdk-${AWS::AccountId}"},
                                 "S3Key": "a.zip"},
                        "Handler": "index.handler",
                        "Runtime": "python3.12"
                      },
                      "Metadata": {"aws:asset:path": "asset.3f2a"}
                    }
                  }
                }
                """),
            filename="Stack.template.json",
            files={"asset.3f2a/main.py": "def handler(event, context):\n    return {}\n"},
            line=8,
            column=9,
            message="looked for asset.3f2a/index.py",
        ),
        # A file name where `module.function` belongs.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  HelloWorldFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.py
                """),
            filename="template.yaml",
            files={"app.py": "def lambda_handler(event, context):\n    return {}\n"},
            line=8,
            column=7,
            message="names a file, not a function",
        ),
        # Not `module.function` at all.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      CodeUri: .
                      Handler: lambda_handler
                """),
            filename="template.yaml",
            line=9,
            column=7,
            message="is not of the form `module.function`",
        ),
    )
