"""Node.js handlers in the application model: handler strings to files (the runtime's
rules and the build steps a config declares), packaging, package.json facts."""

from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, write_tree

from slint.app.loader import load_config
from slint.app.model import App, Function
from slint.app.node import (
    CDK_ASSET,
    SAM_ESBUILD,
    SERVERLESS_ESBUILD,
    SERVERLESS_FRAMEWORK,
    SERVERLESS_TYPESCRIPT,
    SERVERLESS_WEBPACK,
    TSC,
    is_esm,
    may_be_v4,
    nearest_package_json,
    package_name,
    package_provides,
    read_package_json,
    split_handler,
)
from slint.app.sniff import config_kind


def load(path: Path) -> App:
    kind = config_kind(path)
    assert kind is not None
    app = load_config(path, path.name, path.read_text(encoding="utf-8"), kind)
    assert isinstance(app, App), app
    return app


def load_tree(root: Path, config: str, text: str, **files: str) -> App:
    write_tree(root, {config: textwrap.dedent(text).lstrip("\n"), **files})
    return load(root / config)


def by_name(app: App) -> dict[str, Function]:
    return {function.name: function for function in app.functions}


def module_of(function: Function, root: Path) -> str:
    """The handler module as a path relative to `root` (posix)."""
    assert function.handler_ref is not None
    return function.handler_ref.module_path.relative_to(root.resolve()).as_posix()


def shown(function: Function, root: Path) -> list[str]:
    assert function.handler_ref is not None
    return [path.relative_to(root.resolve()).as_posix() for path in function.handler_ref.candidates]


@pytest.fixture
def sls(tmp_path: Path) -> Path:
    root = tmp_path / "node_sls"
    shutil.copytree(FIXTURES / "node_sls", root)
    return root


@pytest.fixture
def sam(tmp_path: Path) -> Path:
    root = tmp_path / "node_sam_esbuild"
    shutil.copytree(FIXTURES / "node_sam_esbuild", root)
    return root


# -- the runtime's reading of a handler string ----------------------------------------------
@pytest.mark.parametrize(
    ("handler", "parts"),
    [
        ("index.handler", ("", "index", "handler")),
        ("src/users.create", ("src", "users", "create")),
        ("src/users.handlers.create", ("src", "users", "handlers.create")),
        ("./src/app.handler", ("./src", "app", "handler")),
        ("src/v1.2/app.handler", ("src/v1.2", "app", "handler")),
        (
            "/opt/nodejs/node_modules/datadog-lambda-js/handler.handler",
            ("/opt/nodejs/node_modules/datadog-lambda-js", "handler", "handler"),
        ),
        # What the runtime rejects (MalformedHandlerName).
        ("handler", None),
        ("src/handler", None),
        (".handler", None),
        ("index.", None),
        ("../shared/index.handler", None),
    ],
)
def test_split_handler_follows_the_runtime(
    handler: str, parts: tuple[str, str, str] | None
) -> None:
    assert split_handler(handler) == parts


def test_serverless_handlers_resolve_to_js_mjs_cjs_and_dotted_exports(sls: Path) -> None:
    functions = by_name(load(sls / "serverless.yml"))
    expected = {
        "createUser": ("src/users.js", "create"),
        "updateUser": ("src/users.js", "handlers.update"),
        "listOrders": ("src/orders.mjs", "list"),
        "legacy": ("src/legacy.cjs", "handler"),
        "report": ("src/reports/index.js", "handler"),
        "backup": ("src/backup.js", "handler"),
    }
    for name, (module, export) in expected.items():
        function = functions[name]
        assert function.language == "node", name
        assert module_of(function, sls) == module, name
        assert function.handler_ref is not None
        assert function.handler_ref.function == export, name
        assert function.handler_ref.bundled is False
        assert function.node_packaging is not None
        assert function.node_packaging.builder is None  # deployed as written


def test_a_missing_handler_lists_the_runtime_candidates(sls: Path) -> None:
    notify = by_name(load(sls / "serverless.yml"))["notify"]
    # frameworkVersion "3" without a build plugin: nothing compiles TypeScript.
    assert shown(notify, sls) == ["src/notify.js", "src/notify.mjs", "src/notify.cjs"]
    assert module_of(notify, sls) == "src/notify.js"
    assert notify.handler_ref is not None and not notify.handler_ref.module_path.exists()
    assert notify.language == "node"


def test_the_extensionless_path_and_a_folder_are_loaded_as_require_does(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "serverless.yml",
        """
        service: s
        frameworkVersion: "3"
        provider:
          name: aws
          runtime: nodejs20.x
        functions:
          bare:
            handler: bin/run.main
          folder:
            handler: src/users.create
          main:
            handler: lib/api.handler
        """,
        **{
            "bin/run": "exports.main = async () => 1;\n",
            "src/users/index.js": "exports.create = async () => 1;\n",
            "lib/api/package.json": '{"main": "dist/entry.js"}\n',
            "lib/api/dist/entry.js": "exports.handler = async () => 1;\n",
        },
    )
    functions = by_name(app)
    assert module_of(functions["bare"], tmp_path) == "bin/run"
    assert module_of(functions["folder"], tmp_path) == "src/users/index.js"
    assert module_of(functions["main"], tmp_path) == "lib/api/dist/entry.js"


def test_js_comes_before_mjs_and_the_folder(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "serverless.yml",
        """
        service: s
        frameworkVersion: "3"
        provider:
          name: aws
          runtime: nodejs20.x
        functions:
          api:
            handler: src/users.create
        """,
        **{
            "src/users.js": "exports.create = async () => 1;\n",
            "src/users.mjs": "export const create = async () => 1;\n",
            "src/users/index.js": "exports.create = async () => 1;\n",
        },
    )
    assert module_of(by_name(app)["api"], tmp_path) == "src/users.js"


def test_malformed_and_layer_handlers(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: nodejs20.x
            CodeUri: src/
        Resources:
          Relative:
            Type: AWS::Serverless::Function
            Properties:
              Handler: ../shared/index.handler
          NoExport:
            Type: AWS::Serverless::Function
            Properties:
              Handler: index
          Traced:
            Type: AWS::Serverless::Function
            Properties:
              Handler: /opt/nodejs/node_modules/datadog-lambda-js/handler.handler
        """,
        **{"src/index.js": "exports.handler = async () => 1;\n"},
    )
    functions = by_name(app)
    assert functions["Relative"].handler_ref is None
    assert functions["NoExport"].handler_ref is None
    traced = functions["Traced"].handler_ref
    assert traced is not None
    # An absolute module root is where the runtime looks: the layer's /opt folder.
    assert traced.module_path.as_posix().endswith(
        "/opt/nodejs/node_modules/datadog-lambda-js/handler.js"
    )
    assert traced.function == "handler"


def test_inline_code_and_images_have_no_code_link(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Inline:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: nodejs20.x
              Handler: index.handler
              InlineCode: |
                exports.handler = async () => ({ statusCode: 200 });
          Image:
            Type: AWS::Serverless::Function
            Properties:
              PackageType: Image
              ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
          Zip:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: nodejs20.x
              Handler: index.handler
              Role: arn:aws:iam::123456789012:role/r
              Code:
                ZipFile: |
                  exports.handler = async () => ({ statusCode: 200 });
        """,
    )
    for function in app.functions:
        assert function.handler_ref is None, function.name
        assert function.node_packaging is None, function.name


# -- TypeScript through a declared build ------------------------------------------------------
SERVERLESS_ESBUILD_YML = """
service: orders
frameworkVersion: "3"
plugins:
  - serverless-esbuild
provider:
  name: aws
  runtime: nodejs20.x
functions:
  create:
    handler: src/handlers/orders.create
  hello:
    handler: handler.hello
  folder:
    handler: src/users.list
  skipped:
    handler: src/plain.handler
    skipEsbuild: true
  missing:
    handler: src/none.handler
"""


def test_serverless_esbuild_resolves_typescript_sources(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "serverless.yml",
        SERVERLESS_ESBUILD_YML,
        **{
            "src/handlers/orders.ts": "export const create = async () => ({});\n",
            # A tsc leftover next to the source: esbuild takes the .ts first.
            "src/handlers/orders.js": "exports.create = async () => ({});\n",
            "handler.ts": "export const hello = async () => ({});\n",
            "src/users/index.ts": "export const list = async () => [];\n",
            "src/plain.ts": "export const handler = async () => ({});\n",
        },
    )
    functions = by_name(app)
    assert module_of(functions["create"], tmp_path) == "src/handlers/orders.ts"
    assert module_of(functions["hello"], tmp_path) == "handler.ts"
    assert module_of(functions["folder"], tmp_path) == "src/users/index.ts"
    for name in ("create", "hello", "folder"):
        packaging = functions[name].node_packaging
        assert packaging is not None and packaging.builder == SERVERLESS_ESBUILD
        assert packaging.bundles and packaging.exclude == ("aws-sdk",)
        assert functions[name].language == "node"
    # `skipEsbuild`: deployed as written, so the .ts file is not a candidate.
    skipped = functions["skipped"]
    assert module_of(skipped, tmp_path) == "src/plain.js"
    assert skipped.node_packaging is not None and skipped.node_packaging.builder is None
    assert shown(functions["missing"], tmp_path) == [
        "src/none.ts",
        "src/none.js",
        "src/none.jsx",
        "src/none.tsx",
        "src/none.mjs",
        "src/none.cjs",
        "src/none.mts",
        "src/none.cts",
    ]


@pytest.mark.parametrize(
    ("header", "builder"),
    [
        ('frameworkVersion: "4"\n', SERVERLESS_FRAMEWORK),
        ("frameworkVersion: '>=4.0.0'\n", SERVERLESS_FRAMEWORK),
        ('frameworkVersion: "^4.4.0"\n', SERVERLESS_FRAMEWORK),
        ("", SERVERLESS_FRAMEWORK),  # no version: whatever is installed, v4 today
        (
            'frameworkVersion: "3"\nplugins:\n  - serverless-plugin-typescript\n',
            SERVERLESS_TYPESCRIPT,
        ),
        ('frameworkVersion: "3"\nplugins:\n  - serverless-webpack\n', SERVERLESS_WEBPACK),
        (
            'frameworkVersion: "3"\nplugins:\n  - "@hewmen/serverless-plugin-typescript"\n',
            SERVERLESS_TYPESCRIPT,
        ),
    ],
)
def test_typescript_handlers_built_by_the_framework_or_a_plugin(
    tmp_path: Path, header: str, builder: str
) -> None:
    text = header + textwrap.dedent("""\
        service: api
        provider:
          name: aws
          runtime: nodejs20.x
        functions:
          hello:
            handler: src/hello.handler
        """)
    write_tree(tmp_path, {"serverless.yml": text, "src/hello.ts": "export const handler = 1;\n"})
    hello = by_name(load(tmp_path / "serverless.yml"))["hello"]
    assert module_of(hello, tmp_path) == "src/hello.ts"
    assert hello.node_packaging is not None and hello.node_packaging.builder == builder


@pytest.mark.parametrize("version", ['"3"', '"^3.38.0"', '">=2.0.0 <4.0.0"'])
def test_typescript_is_not_deployable_without_a_build(tmp_path: Path, version: str) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": textwrap.dedent(f"""\
                service: api
                frameworkVersion: {version}
                provider:
                  name: aws
                  runtime: nodejs20.x
                functions:
                  hello:
                    handler: src/hello.handler
                """),
            "src/hello.ts": "export const handler = async () => ({});\n",
        },
    )
    hello = by_name(load(tmp_path / "serverless.yml"))["hello"]
    assert module_of(hello, tmp_path) == "src/hello.js"
    assert not hello.handler_ref.module_path.exists()  # type: ignore[union-attr]
    assert shown(hello, tmp_path) == ["src/hello.js", "src/hello.mjs", "src/hello.cjs"]


def test_v4_builds_javascript_only_when_build_esbuild_is_configured(tmp_path: Path) -> None:
    base = """\
        service: api
        frameworkVersion: "4"
        provider:
          name: aws
          runtime: nodejs20.x
        functions:
          hello:
            handler: src/hello.handler
        """
    write_tree(tmp_path / "a", {"serverless.yml": textwrap.dedent(base), "src/hello.js": "1\n"})
    write_tree(
        tmp_path / "b",
        {
            "serverless.yml": textwrap.dedent(base)
            + "build:\n  esbuild:\n    minify: true\n    exclude:\n      - aws-sdk\n",
            "src/hello.js": "1\n",
        },
    )
    write_tree(
        tmp_path / "c",
        {
            "serverless.yml": textwrap.dedent(base) + "build:\n  esbuild: false\n",
            "src/hello.ts": "1\n",
        },
    )
    plain = by_name(load(tmp_path / "a" / "serverless.yml"))["hello"].node_packaging
    assert plain is not None and plain.builder is None
    built = by_name(load(tmp_path / "b" / "serverless.yml"))["hello"].node_packaging
    assert built is not None and built.builder == SERVERLESS_FRAMEWORK
    assert built.exclude == ("aws-sdk",)
    # `build.esbuild: false` turns the build off: the TypeScript source is not deployable.
    off = by_name(load(tmp_path / "c" / "serverless.yml"))["hello"]
    assert module_of(off, tmp_path / "c") == "src/hello.js"


def test_tsc_in_place_and_into_an_out_dir(tmp_path: Path) -> None:
    # aws-node-http-api-typescript-dynamodb: `tsc` compiles next to the sources.
    in_place = load_tree(
        tmp_path / "a",
        "serverless.yml",
        """
        service: todos
        frameworkVersion: "3"
        provider:
          name: aws
          runtime: nodejs18.x
        functions:
          create:
            handler: todos/create.create
        """,
        **{
            "tsconfig.json": (
                '{\n  // tsc -w\n  "compilerOptions": {"target": "es6", "module": "commonjs",},\n'
                "}\n"
            ),
            "todos/create.ts": "export const create = async () => ({});\n",
        },
    )
    create = by_name(in_place)["create"]
    assert module_of(create, tmp_path / "a") == "todos/create.ts"
    assert create.node_packaging is not None and create.node_packaging.builder == TSC
    # The handler names the output folder; the source is below rootDir.
    out_dir = load_tree(
        tmp_path / "b",
        "serverless.yml",
        """
        service: todos
        frameworkVersion: "3"
        provider:
          name: aws
          runtime: nodejs18.x
        functions:
          create:
            handler: dist/handlers/create.main
          other:
            handler: handlers/other.main
        """,
        **{
            "tsconfig.json": '{"compilerOptions": {"outDir": "dist", "rootDir": "src"}}\n',
            "src/handlers/create.ts": "export const main = async () => ({});\n",
            "handlers/other.ts": "export const main = async () => ({});\n",
        },
    )
    functions = by_name(out_dir)
    assert module_of(functions["create"], tmp_path / "b") == "src/handlers/create.ts"
    # tsc writes other.js to dist/, not next to the handler path: not deployable there.
    assert module_of(functions["other"], tmp_path / "b") == "handlers/other.js"


# -- SAM esbuild ---------------------------------------------------------------------------
def test_sam_esbuild_entry_points(sam: Path) -> None:
    functions = by_name(load(sam / "template.yaml"))
    expected = {
        "HelloWorldFunction": ("hello-world/app.ts", "lambdaHandler"),
        "StreamFunction": ("stream/src/handler.ts", "handler"),
        "OrdersApiFunction": ("backend/src/api/orders.ts", "create"),
        # An entry point without extension: .ts, else .js.
        "NightlyJobFunction": ("backend/src/jobs/nightly.js", "run"),
        # sam build rewrites the handler to `put-item.handler`.
        "PutItemFunction": ("items/functions/put-item.ts", "handler"),
        # No EntryPoints: the handler up to its first dot, .ts then .js.
        "PlainFunction": ("plain/src/app.ts", "handler"),
        "ClassicFunction": ("classic/index.mjs", "handler"),
    }
    for name, (module, export) in expected.items():
        function = functions[name]
        assert module_of(function, sam) == module, name
        assert function.handler_ref is not None and function.handler_ref.function == export
        assert function.handler_ref.module_path.is_file(), name
        assert function.language == "node"
    for name in expected:
        packaging = functions[name].node_packaging
        assert packaging is not None
        assert packaging.builder == (None if name == "ClassicFunction" else SAM_ESBUILD)
    orders = functions["OrdersApiFunction"]
    assert orders.handler_ref is not None
    assert [p.relative_to(sam.resolve()).as_posix() for p in orders.handler_ref.entry_points] == [
        "backend/src/api/orders.ts",
        "backend/src/jobs/nightly.js",
    ]
    assert orders.node_packaging is not None
    assert orders.node_packaging.format == "esm"
    assert orders.node_packaging.exclude == ("aws-sdk",)
    assert functions["ClassicFunction"].handler_ref.entry_points == ()  # type: ignore[union-attr]


def test_sam_esbuild_handler_that_names_no_entry_point(sam: Path) -> None:
    reports = by_name(load(sam / "template.yaml"))["ReportsFunction"]
    ref = reports.handler_ref
    assert ref is not None
    # The output the handler names, which no entry point builds.
    assert module_of(reports, sam) == "backend/reports.js"
    assert not ref.module_path.exists()
    assert shown(reports, sam) == ["backend/src/api/orders.ts", "backend/src/jobs/nightly.js"]
    assert ref.entry_points == ref.candidates


def test_sam_esbuild_outbase_and_several_levels(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: nodejs20.x
            CodeUri: .
        Resources:
          Deep:
            Type: AWS::Serverless::Function
            Properties:
              Handler: orders/create.handler
            Metadata:
              BuildMethod: esbuild
              BuildProperties:
                EntryPoints:
                  - src/handlers/orders/create.ts
                  - src/handlers/users/get.ts
          DeepWrong:
            Type: AWS::Serverless::Function
            Properties:
              # The bundle is orders/create.js (below src/handlers/): sam build rewrites
              # the handler to create.handler, which names no output either.
              Handler: handlers/orders/create.handler
            Metadata:
              BuildMethod: esbuild
              BuildProperties:
                EntryPoints:
                  - src/handlers/orders/create.ts
                  - src/handlers/users/get.ts
          Outbase:
            Type: AWS::Serverless::Function
            Properties:
              Handler: src/handlers/users/get.handler
            Metadata:
              BuildMethod: esbuild
              BuildProperties:
                Outbase: .
                EntryPoints:
                  - src/handlers/users/get.ts
          Missing:
            Type: AWS::Serverless::Function
            Properties:
              Handler: src/gone.handler
            Metadata:
              BuildMethod: esbuild
        """,
        **{
            "src/handlers/orders/create.ts": "export const handler = async () => ({});\n",
            "src/handlers/users/get.ts": "export const handler = async () => ({});\n",
        },
    )
    functions = by_name(app)
    assert module_of(functions["Deep"], tmp_path) == "src/handlers/orders/create.ts"
    assert module_of(functions["DeepWrong"], tmp_path) == "handlers/orders/create.js"
    assert functions["DeepWrong"].handler_ref is not None
    assert not functions["DeepWrong"].handler_ref.module_path.exists()
    assert module_of(functions["Outbase"], tmp_path) == "src/handlers/users/get.ts"
    assert module_of(functions["Missing"], tmp_path) == "src/gone.ts"
    assert shown(functions["Missing"], tmp_path) == ["src/gone.ts", "src/gone.js"]


# -- CDK and plain CloudFormation ------------------------------------------------------------
def test_cdk_nodejs_function_is_a_bundle(tmp_path: Path) -> None:
    root = tmp_path / "node_cdk"
    shutil.copytree(FIXTURES / "node_cdk", root)
    app = load(root / "cdk.out" / "OrdersStack.template.json")
    (function,) = app.functions
    ref = function.handler_ref
    assert ref is not None
    assert ref.module_path.name == "index.js" and ref.module_path.is_file()
    assert ref.module_path.parent.name.startswith("asset.")
    assert ref.bundled is True
    assert function.language == "node"
    assert function.node_packaging is not None and function.node_packaging.builder == CDK_ASSET
    # What a bundle provides is in the bundle: slint cannot tell.
    assert package_provides(function, "aws-sdk") is None


def test_cloudformation_local_code_folder(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Worker:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: nodejs20.x
              Handler: worker.main
              Role: arn:aws:iam::123456789012:role/worker
              Code: ./functions
        """,
        **{
            "functions/worker.mjs": "export const main = async () => ({});\n",
            "functions/package.json": '{"devDependencies": {"aws-sdk": "2"}}\n',
        },
    )
    worker = by_name(app)["Worker"]
    assert module_of(worker, tmp_path) == "functions/worker.mjs"
    assert worker.handler_ref is not None and worker.handler_ref.bundled is False
    # `aws cloudformation package` zips whatever node_modules the folder holds.
    assert package_provides(worker, "aws-sdk") is None


# -- which language a function with no known runtime has -------------------------------------
def test_unknown_runtime_tries_python_then_node(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Runtime:
            Type: String
        Globals:
          Function:
            Runtime: !Ref Runtime
        Resources:
          Js:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: js/
              Handler: app.handler
          Py:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: py/
              Handler: app.handler
          Both:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: both/
              Handler: app.handler
          Neither:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: none/
              Handler: app.handler
        """,
        **{
            "js/app.js": "exports.handler = async () => 1;\n",
            "py/app.py": "def handler(event, context):\n    return 1\n",
            "both/app.py": "def handler(event, context):\n    return 1\n",
            "both/app.js": "exports.handler = async () => 1;\n",
        },
    )
    functions = by_name(app)
    assert functions["Js"].language == "node"
    assert module_of(functions["Js"], tmp_path) == "js/app.js"
    assert functions["Js"].node_packaging is not None
    assert functions["Py"].language == "python"
    assert module_of(functions["Py"], tmp_path) == "py/app.py"
    assert functions["Both"].language == "python"
    assert functions["Both"].node_packaging is None
    # Nothing exists: the Python candidates, as before.
    assert functions["Neither"].language is None
    assert shown(functions["Neither"], tmp_path) == ["none/app.py", "none/app/__init__.py"]


def test_python_functions_are_unchanged(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "serverless.yml",
        """
        service: mixed
        frameworkVersion: "3"
        plugins:
          - serverless-esbuild
        provider:
          name: aws
          runtime: python3.12
        functions:
          api:
            handler: src/orders/api.create
          package:
            handler: src.jobs.nightly
          node:
            runtime: nodejs20.x
            handler: web/index.handler
        """,
        **{
            "src/orders/api.py": "def create(event, context):\n    return {}\n",
            "src/__init__.py": "",
            "src/jobs/__init__.py": "def nightly(event, context):\n    return {}\n",
            "src/orders/api.ts": "export const create = 1;\n",
            "web/index.ts": "export const handler = async () => ({});\n",
        },
    )
    functions = by_name(app)
    api = functions["api"]
    assert module_of(api, tmp_path) == "src/orders/api.py"
    assert shown(api, tmp_path) == ["src/orders/api.py", "src/orders/api/__init__.py"]
    assert api.node_packaging is None and api.language == "python"
    assert module_of(functions["package"], tmp_path) == "src/jobs/__init__.py"
    assert functions["package"].handler_ref.function == "nightly"  # type: ignore[union-attr]
    node = functions["node"]
    assert module_of(node, tmp_path) == "web/index.ts"
    assert node.language == "node"


def test_serverless_module_folder_falls_back_to_the_service(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "serverless.yml",
        """
        service: s
        frameworkVersion: "3"
        provider:
          name: aws
          runtime: nodejs20.x
        functions:
          inModule:
            module: api
            handler: index.handler
          atService:
            module: api
            handler: shared.handler
        """,
        **{
            "api/index.js": "exports.handler = async () => 1;\n",
            "shared.js": "exports.handler = async () => 1;\n",
        },
    )
    functions = by_name(app)
    assert module_of(functions["inModule"], tmp_path) == "api/index.js"
    assert module_of(functions["atService"], tmp_path) == "shared.js"


# -- package.json -------------------------------------------------------------------------------
def test_read_package_json_never_raises(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "bad/package.json": '{"dependencies": {',
            "list/package.json": "[1, 2]",
            "bom/package.json": '\ufeff{"type": "module", "dependencies": {"uuid": "9"}}',
            "odd/package.json": '{"dependencies": ["x"], "devDependencies": {"jest": "29"},'
            ' "optionalDependencies": {"sharp": "0.33"}, "peerDependencies": {"react": "18"},'
            ' "bundledDependencies": ["vendored"], "type": 1}',
        },
    )
    assert read_package_json(tmp_path / "bad" / "package.json") is None
    assert read_package_json(tmp_path / "list" / "package.json") is None
    assert read_package_json(tmp_path / "missing" / "package.json") is None
    bom = read_package_json(tmp_path / "bom" / "package.json")
    assert bom is not None and bom.type == "module" and bom.dependencies == {"uuid"}
    odd = read_package_json(tmp_path / "odd" / "package.json")
    assert odd is not None and odd.type is None
    assert odd.dependencies == {"sharp", "react", "vendored"}
    assert odd.dev_dependencies == {"jest"}


def test_read_package_json_sees_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "package.json"
    path.write_text('{"dependencies": {"uuid": "9"}}')
    first = read_package_json(path)
    assert first is not None and first.dependencies == {"uuid"}
    path.write_text('{"dependencies": {"uuid": "9", "aws-sdk": "2"}}')
    second = read_package_json(path)
    assert second is not None and second.dependencies == {"uuid", "aws-sdk"}


def test_nearest_package_json(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "svc/package.json": "{}",
            "svc/src/reports/package.json": '{"type": "module"}',
            "svc/node_modules/lib/index.js": "",
            "package.json": "{}",
        },
    )
    service = tmp_path / "svc"
    found = nearest_package_json(service / "src" / "reports", service)
    assert found == (service / "src" / "reports" / "package.json").resolve()
    assert nearest_package_json(service / "src", service) == (service / "package.json").resolve()
    # Up to the service folder, not above it.
    (service / "package.json").unlink()
    assert nearest_package_json(service / "src", service) is None
    assert nearest_package_json(service / "src") == (tmp_path / "package.json").resolve()
    # Not out of node_modules.
    assert nearest_package_json(service / "node_modules" / "lib") is None


def test_is_esm(sls: Path) -> None:
    functions = by_name(load(sls / "serverless.yml"))

    def esm(name: str) -> bool:
        function = functions[name]
        assert function.handler_ref is not None
        return is_esm(function.handler_ref.module_path, sls)

    assert esm("listOrders") is True  # .mjs
    assert esm("report") is True  # .js below "type": "module"
    assert esm("createUser") is False  # .js, package.json without type
    assert esm("legacy") is False  # .cjs
    assert is_esm(sls / "src" / "x.mts") is True
    assert is_esm(sls / "src" / "x.ts") is False


def test_package_name() -> None:
    assert package_name("aws-sdk") == "aws-sdk"
    assert package_name("aws-sdk/clients/s3") == "aws-sdk"
    assert package_name("@aws-sdk/client-s3") == "@aws-sdk/client-s3"
    assert package_name("@aws-sdk/client-s3/dist-cjs/index.js") == "@aws-sdk/client-s3"


# -- what the deployment package provides ----------------------------------------------------
def test_serverless_dependencies_dev_dependencies_and_layers(sls: Path) -> None:
    functions = by_name(load(sls / "serverless.yml"))
    # dependencies are deployed, devDependencies are not (excludeDevDependencies).
    assert package_provides(functions["createUser"], "uuid") is True
    assert package_provides(functions["createUser"], "aws-sdk") is False
    assert package_provides(functions["createUser"], "aws-sdk/clients/dynamodb") is False
    assert package_provides(functions["createUser"], "left-pad") is False
    # The service's own layer lists it in nodejs/package.json.
    assert functions["backup"].layers and not functions["backup"].other_layers
    assert package_provides(functions["backup"], "aws-sdk") is True
    # A layer given by ARN might provide it.
    assert functions["archive"].other_layers
    assert package_provides(functions["archive"], "aws-sdk") is None
    assert package_provides(functions["archive"], "uuid") is True


def test_an_imported_module_resolves_from_its_own_folder(tmp_path: Path) -> None:
    # examples/shop-node: support/package.json deploys its own node_modules.
    app = load_tree(
        tmp_path,
        "serverless.yml",
        """
        service: shop
        frameworkVersion: "3"
        provider:
          name: aws
          runtime: nodejs20.x
        functions:
          api:
            handler: orders/api.handler
        """,
        **{
            "orders/api.js": "exports.handler = require('../support/receipts').send;\n",
            "support/receipts.js": "const AWS = require('aws-sdk');\nexports.send = async () => 1;",
            "support/package.json": '{"dependencies": {"aws-sdk": "2"}}',
            "package.json": '{"devDependencies": {"aws-sdk": "2"}}',
        },
    )
    api = by_name(app)["api"]
    assert package_provides(api, "aws-sdk") is False
    assert package_provides(api, "aws-sdk", tmp_path / "support" / "receipts.js") is True


def test_serverless_exclude_dev_dependencies_false(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "serverless.yml",
        """
        service: s
        frameworkVersion: "3"
        package:
          excludeDevDependencies: false
        provider:
          name: aws
          runtime: nodejs18.x
        functions:
          api:
            handler: index.handler
        """,
        **{
            "index.js": "exports.handler = async () => 1;\n",
            "package.json": '{"devDependencies": {"aws-sdk": "2"}}',
        },
    )
    assert package_provides(by_name(app)["api"], "aws-sdk") is True


@pytest.mark.parametrize(
    ("custom", "aws_sdk", "uuid"),
    [
        # serverless-esbuild excludes aws-sdk by default; the bundle is built where the
        # devDependencies are installed.
        ("", False, True),
        ("custom:\n  esbuild:\n    exclude: []\n", True, True),
        ("custom:\n  esbuild:\n    exclude:\n      - '@aws-sdk/*'\n", True, True),
        # `exclude: '*'`: nothing excluded from the bundle, no node_modules packaged.
        ("custom:\n  esbuild:\n    exclude: '*'\n", True, True),
        (
            "custom:\n  esbuild:\n    exclude: '*'\n    external:\n      - uuid\n",
            True,
            False,
        ),
        # external: not bundled, installed from the production dependencies.
        ("custom:\n  esbuild:\n    exclude: []\n    external:\n      - aws-sdk\n", False, True),
        # A JavaScript config file decides.
        ("custom:\n  esbuild:\n    config: ./esbuild.config.js\n", None, None),
    ],
)
def test_serverless_esbuild_exclude(
    tmp_path: Path, custom: str, aws_sdk: bool | None, uuid: bool | None
) -> None:
    text = custom + textwrap.dedent("""\
        service: s
        frameworkVersion: "3"
        plugins:
          - serverless-esbuild
        provider:
          name: aws
          runtime: nodejs18.x
        functions:
          api:
            handler: src/index.handler
        """)
    write_tree(
        tmp_path,
        {
            "serverless.yml": text,
            "src/index.ts": "import AWS from 'aws-sdk';\nexport const handler = async () => 1;\n",
            "package.json": json.dumps(
                {"dependencies": {"uuid": "9"}, "devDependencies": {"aws-sdk": "2"}}
            ),
        },
    )
    api = by_name(load(tmp_path / "serverless.yml"))["api"]
    assert package_provides(api, "aws-sdk") is aws_sdk
    assert package_provides(api, "uuid") is uuid
    assert package_provides(api, "left-pad") is False


def test_a_bundler_in_a_monorepo_resolves_the_root_packages(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".git/HEAD": "ref: refs/heads/main\n",
            "package.json": '{"devDependencies": {"pg": "8"}}',
            "services/api/serverless.yml": textwrap.dedent("""\
                service: api
                frameworkVersion: "3"
                plugins:
                  - serverless-esbuild
                provider:
                  name: aws
                  runtime: nodejs20.x
                functions:
                  api:
                    handler: handler.main
                """),
            "services/api/handler.ts": "export const main = async () => 1;\n",
            "services/api/package.json": '{"dependencies": {"uuid": "9"}}',
        },
    )
    api = by_name(load(tmp_path / "services" / "api" / "serverless.yml"))["api"]
    assert package_provides(api, "pg") is True
    assert package_provides(api, "uuid") is True
    assert package_provides(api, "mysql2") is False


def test_webpack_force_exclude(tmp_path: Path) -> None:
    # aws-node-dynamic-image-resizer: nodejs18.x, aws-sdk a devDependency, force-excluded.
    app = load_tree(
        tmp_path,
        "serverless.yml",
        """
        service: image-resizing
        frameworkVersion: "3"
        plugins:
          - serverless-offline
          - serverless-webpack
        provider:
          name: aws
          runtime: nodejs18.x
        custom:
          webpack:
            includeModules:
              forceExclude:
                - aws-sdk
        functions:
          resize:
            handler: src/handlers/resizer/index.handler
        """,
        **{
            "src/handlers/resizer/index.js": "export const handler = async () => 1;\n",
            "package.json": json.dumps(
                {"dependencies": {"sharp": "0.21"}, "devDependencies": {"aws-sdk": "2"}}
            ),
        },
    )
    resize = by_name(app)["resize"]
    assert resize.node_packaging is not None
    assert resize.node_packaging.builder == SERVERLESS_WEBPACK
    assert package_provides(resize, "aws-sdk") is False
    # Bundled or packaged through `includeModules`: the webpack config decides.
    assert package_provides(resize, "sharp") is None
    assert package_provides(resize, "left-pad") is False


def test_sam_esbuild_external_and_dev_dependencies(sam: Path) -> None:
    functions = by_name(load(sam / "template.yaml"))
    # A dependency, but External: not in the bundle.
    assert package_provides(functions["OrdersApiFunction"], "aws-sdk") is False
    assert package_provides(functions["NightlyJobFunction"], "aws-sdk") is True
    # devDependencies: `npm install --omit=dev` before bundling...
    stream = functions["StreamFunction"]
    assert package_provides(stream, "@aws-sdk/util-dynamodb") is False
    assert package_provides(stream, "@aws-sdk/client-eventbridge") is False  # and External
    # ...except `UseNpmCi`, where `npm ci` installs them.
    assert package_provides(functions["PutItemFunction"], "@aws-sdk/lib-dynamodb") is True
    # Built by npm: production dependencies.
    assert package_provides(functions["ClassicFunction"], "aws-sdk") is True
    assert package_provides(functions["HelloWorldFunction"], "aws-sdk") is False
    # `npm ci` needs a lock file: without one, SAM runs `npm install --omit=dev`.
    (sam / "items" / "package-lock.json").unlink()
    put_item = by_name(load(sam / "template.yaml"))["PutItemFunction"]
    assert package_provides(put_item, "@aws-sdk/lib-dynamodb") is False


@pytest.mark.parametrize(
    ("external", "expected"),
    [
        ("['aws-sdk']", False),
        ("['aws-sdk/*']", False),
        ("['*']", False),
        ("['@aws-sdk/*']", True),
        ("['./node_modules/*']", None),
        ("[]", True),
    ],
)
def test_sam_esbuild_external_patterns(
    tmp_path: Path, external: str, expected: bool | None
) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        f"""
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: nodejs18.x
              CodeUri: src/
              Handler: app.handler
            Metadata:
              BuildMethod: esbuild
              BuildProperties:
                External: {external}
                EntryPoints: [app.ts]
        """,
        **{
            "src/app.ts": "import AWS from 'aws-sdk';\nexport const handler = async () => 1;\n",
            "src/package.json": '{"dependencies": {"aws-sdk": "2"}}',
        },
    )
    assert package_provides(by_name(app)["Fn"], "aws-sdk") is expected


def test_sam_esbuild_without_package_json_bundles_what_is_installed_above(
    tmp_path: Path,
) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: nodejs20.x
              CodeUri: src/
              Handler: app.handler
            Metadata:
              BuildMethod: esbuild
              BuildProperties:
                EntryPoints: [app.ts]
        """,
        **{
            ".git/HEAD": "ref: refs/heads/main\n",
            "src/app.ts": "export const handler = async () => 1;\n",
            "package.json": '{"devDependencies": {"aws-sdk": "2"}}',
        },
    )
    assert package_provides(by_name(app)["Fn"], "aws-sdk") is True
    assert package_provides(by_name(app)["Fn"], "pg") is False


def test_sam_layers(tmp_path: Path) -> None:
    app = load_tree(
        tmp_path,
        "template.yaml",
        """
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          SharedLayerArn:
            Type: String
        Globals:
          Function:
            Runtime: nodejs18.x
            Handler: index.handler
        Resources:
          WithLocal:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: fn/
              Layers:
                - !Ref SdkLayer
          WithInstalled:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: fn/
              Layers:
                - !Ref VendoredLayer
          WithRemote:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: fn/
              Layers:
                - !Ref SharedLayerArn
          WithOther:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: fn/
              Layers:
                - !Ref ToolsLayer
          SdkLayer:
            Type: AWS::Serverless::LayerVersion
            Properties:
              ContentUri: layers/sdk/
            Metadata:
              BuildMethod: nodejs18.x
          VendoredLayer:
            Type: AWS::Serverless::LayerVersion
            Properties:
              ContentUri: layers/vendored/
          ToolsLayer:
            Type: AWS::Serverless::LayerVersion
            Properties:
              ContentUri: layers/tools/
        """,
        **{
            "fn/index.js": "const AWS = require('aws-sdk');\nexports.handler = async () => 1;\n",
            "fn/package.json": '{"dependencies": {"uuid": "9"}}',
            "layers/sdk/package.json": '{"dependencies": {"aws-sdk": "2"}}',
            "layers/vendored/nodejs/node_modules/aws-sdk/package.json": '{"name": "aws-sdk"}',
            "layers/tools/nodejs/package.json": '{"dependencies": {"lodash": "4"}}',
        },
    )
    functions = by_name(app)
    assert package_provides(functions["WithLocal"], "aws-sdk") is True
    assert package_provides(functions["WithInstalled"], "aws-sdk") is True
    assert functions["WithRemote"].other_layers
    assert package_provides(functions["WithRemote"], "aws-sdk") is None
    assert not functions["WithOther"].other_layers
    assert package_provides(functions["WithOther"], "aws-sdk") is False
    assert package_provides(functions["WithOther"], "lodash") is True


# -- frameworkVersion ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, True),
        ("4", True),
        (4, True),
        ("^4.4.0", True),
        (">=4", True),
        (">=3.0.0", True),
        ("*", True),
        ("3", False),
        (3, False),
        ("^3.38.0", False),
        ("~3.1", False),
        (">=2.0.0 <4.0.0", False),
        (">=2.24.0", True),
        ("2 || 3", False),
        ("3 || 4", True),
        ("<=4", True),
        ("<4.1", True),
    ],
)
def test_may_be_v4(value: object, expected: bool) -> None:
    assert may_be_v4(value) is expected
