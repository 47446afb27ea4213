"""Lambda layers: which folders a config deploys as a function's layers (SAM, CloudFormation,
CDK output, serverless.yml), imports resolved only in the function's own code folder and
those layers, and installed third-party packages never entered (SL101 as the observable)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from conftest import codes_at, lint, write_tree

from slint.app.loader import load_config
from slint.app.model import App
from slint.app.sniff import config_kind
from slint.engine import RunResult


def load(path: Path) -> App:
    kind = config_kind(path)
    assert kind is not None
    app = load_config(path, path.name, path.read_text(), kind)
    assert isinstance(app, App), app
    return app


def layers_of(app: App, root: Path) -> dict[str, tuple[str, ...]]:
    return {
        f.name: tuple(layer.relative_to(root).as_posix() for layer in f.layers)
        for f in app.functions
    }


def run(root: Path, files: dict[str, str], paths: tuple[str, ...] = (".",)) -> RunResult:
    write_tree(root, {name: dedent(text) for name, text in files.items()})
    result = lint(root, paths, select=["SL101"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return result


CLIENTS = """\
import boto3


def make_client():
    return boto3.client("s3")
"""

SHARED_DB = """\
import boto3


def table():
    return boto3.resource("dynamodb").Table("orders")
"""

HANDLER = """\
from clients import make_client
from shared_db import table


def handler(event, context):
    return make_client(), table()
"""

SAM = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Layers:
      - arn:aws:lambda:eu-west-1:017000801446:layer:AWSLambdaPowertoolsPythonV2:40
Resources:
  SharedLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/shared/
    Metadata:
      BuildMethod: python3.12
  ClientsLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: layers/clients
  RemoteLayer:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri:
        Bucket: artifacts
        Key: layer.zip
  OrdersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: orders/
      Handler: app.handler
      Layers:
        - !Ref SharedLayer
        - !Ref ClientsLayer
        - !Ref RemoteLayer
  UsersFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: users/
      Handler: app.handler
"""


def sam_project() -> dict[str, str]:
    return {
        "template.yaml": SAM,
        # Built by SAM into python/ (BuildMethod): the folder itself is the import root.
        "layers/shared/shared_db.py": SHARED_DB,
        "layers/clients/python/clients.py": CLIENTS,
        "orders/app.py": HANDLER,
        # Same imports, but this function has no such layers: nothing to follow.
        "users/app.py": HANDLER,
    }


def test_sam_layers_in_the_model(tmp_path: Path) -> None:
    write_tree(tmp_path, sam_project())
    app = load(tmp_path / "template.yaml")
    assert layers_of(app, tmp_path) == {
        "OrdersFunction": ("layers/shared", "layers/clients/python"),
        "UsersFunction": (),
    }


def test_sam_layer_modules_are_reached_by_the_functions_that_have_them(tmp_path: Path) -> None:
    result = run(tmp_path, sam_project())
    assert codes_at(result.diagnostics) == [
        ("layers/clients/python/clients.py", "SL101", 5, 12),
        ("layers/shared/shared_db.py", "SL101", 5, 12),
    ]
    assert result.diagnostics[0].notes == (
        "`make_client` runs on every invocation of handler `handler` at orders/app.py:5",
    )


def test_cloudformation_and_cdk_layers(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "template.yaml": dedent(
                """\
                Resources:
                  Deps:
                    Type: AWS::Lambda::LayerVersion
                    Properties:
                      Content: layer/
                  Staged:
                    Type: AWS::Lambda::LayerVersion
                    Properties:
                      Content:
                        S3Bucket: cdk-assets
                        S3Key: abc.zip
                    Metadata:
                      aws:asset:path: asset.abc123
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      Code: src/
                      Layers:
                        - !Ref Deps
                        - !Ref Staged
                        - arn:aws:lambda:eu-west-1:123456789012:layer:other:3
                """
            ),
            "layer/python/clients.py": CLIENTS,
            "asset.abc123/python/shared_db.py": SHARED_DB,
            "src/app.py": HANDLER,
        },
    )
    app = load(tmp_path / "template.yaml")
    assert layers_of(app, tmp_path) == {"Fn": ("layer/python", "asset.abc123/python")}
    result = lint(tmp_path, select=["SL101"])
    assert codes_at(result.diagnostics) == [
        ("asset.abc123/python/shared_db.py", "SL101", 5, 12),
        ("layer/python/clients.py", "SL101", 5, 12),
    ]


SERVERLESS = """\
service: shop
provider:
  name: aws
  runtime: python3.12
  layers:
    - Ref: CommonLambdaLayer
layers:
  common:
    path: layers/common
  extra-tools:
    path: layers/extra
functions:
  create:
    handler: create.handler
  report:
    handler: report.handler
    layers:
      - Ref: ExtraDashtoolsLambdaLayer
      - arn:aws:lambda:eu-west-1:123456789012:layer:other:3
"""


def serverless_project() -> dict[str, str]:
    return {
        "serverless.yml": SERVERLESS,
        "layers/common/python/clients.py": CLIENTS,
        "layers/extra/python/shared_db.py": SHARED_DB,
        "create.py": "from clients import make_client\nfrom shared_db import table\n\n\n"
        "def handler(event, context):\n    return make_client(), table()\n",
        "report.py": "from clients import make_client\nfrom shared_db import table\n\n\n"
        "def handler(event, context):\n    return table(), make_client()\n",
    }


def test_serverless_layers_in_the_model(tmp_path: Path) -> None:
    write_tree(tmp_path, serverless_project())
    app = load(tmp_path / "serverless.yml")
    # A function's own `layers` replace the provider's.
    assert layers_of(app, tmp_path) == {
        "create": ("layers/common/python",),
        "report": ("layers/extra/python",),
    }


def test_serverless_layer_modules_are_reached(tmp_path: Path) -> None:
    result = run(tmp_path, serverless_project())
    assert codes_at(result.diagnostics) == [
        ("layers/common/python/clients.py", "SL101", 5, 12),
        ("layers/extra/python/shared_db.py", "SL101", 5, 12),
    ]
    assert "handler `handler` at create.py:5" in result.diagnostics[0].full_message
    assert "handler `handler` at report.py:5" in result.diagnostics[1].full_message


def test_later_layers_replace_earlier_ones(tmp_path: Path) -> None:
    template = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          First:
            Type: AWS::Serverless::LayerVersion
            Properties:
              ContentUri: first/
          Second:
            Type: AWS::Serverless::LayerVersion
            Properties:
              ContentUri: second/
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Runtime: python3.12
              CodeUri: src/
              Handler: app.handler
              Layers: [!Ref First, !Ref Second]
        """
    )
    result = run(
        tmp_path,
        {
            "template.yaml": template,
            "first/python/clients.py": CLIENTS,
            "second/python/clients.py": CLIENTS,
            "src/app.py": "from clients import make_client\n\n\n"
            "def handler(event, context):\n    return make_client()\n",
        },
    )
    assert codes_at(result.diagnostics) == [("second/python/clients.py", "SL101", 5, 12)]


VENDORED_API = """\
import urllib3


def get(url):
    return urllib3.PoolManager().request("GET", url)
"""

MONOREPO = {
    # Project A: a SAM app whose code folder holds pip-installed packages
    # (`pip install -t src/ requests`) next to its own modules.
    "project_a/template.yaml": """\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Fetch:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          CodeUri: src/
          Handler: app.handler
    """,
    "project_a/src/app.py": """\
    import requests
    import six

    from util import make_pool


    def handler(event, context):
        make_pool()
        six.fetch(event["url"])
        return requests.get(event["url"])
    """,
    "project_a/src/util.py": """\
    import urllib3


    def make_pool():
        return urllib3.PoolManager()
    """,
    "project_a/src/requests/__init__.py": "from .api import get\n",
    "project_a/src/requests/api.py": VENDORED_API,
    "project_a/src/requests-2.31.0.dist-info/METADATA": "Name: requests\nVersion: 2.31.0\n",
    "project_a/src/requests-2.31.0.dist-info/RECORD": (
        "requests/__init__.py,sha256=x,1\nrequests/api.py,sha256=y,2\n"
    ),
    # A single-module distribution, named by RECORD.
    "project_a/src/six.py": "import urllib3\n\n\ndef fetch(url):\n"
    "    return urllib3.PoolManager().request('GET', url)\n",
    "project_a/src/six-1.16.0.dist-info/RECORD": "six.py,sha256=z,3\n",
    # Project B: a serverless service with a `python/` folder that no config deploys
    # as a layer (a copy of requests someone keeps around).
    "project_b/serverless.yml": """\
    service: b
    provider:
      name: aws
      runtime: python3.12
    functions:
      main:
        handler: handler.main
    """,
    "project_b/handler.py": """\
    import requests


    def main(event, context):
        return requests.get(event["url"])
    """,
    "project_b/python/requests/__init__.py": "from .api import get\n",
    "project_b/python/requests/api.py": VENDORED_API,
    # An installed package in a virtual environment of the monorepo.
    "tools/env/lib/python3.12/site-packages/requests/__init__.py": "from .api import get\n",
    "tools/env/lib/python3.12/site-packages/requests/api.py": VENDORED_API,
}


def test_monorepo_reach_stays_in_each_project_and_out_of_installed_packages(
    tmp_path: Path,
) -> None:
    result = run(tmp_path, MONOREPO)
    # Only project A's own helper: not its vendored requests or six, not project B's
    # `python/` folder, not the virtual environment.
    assert codes_at(result.diagnostics) == [("project_a/src/util.py", "SL101", 5, 12)]
    checked = set(result.paths)
    assert "project_b/python/requests/api.py" in checked  # project code, just not reached
    assert not any("site-packages" in path for path in checked)
    assert not any(path.startswith("project_a/src/requests") for path in checked)
    assert "project_a/src/six.py" not in checked


def test_installed_packages_named_on_the_command_line_are_checked_but_not_entered(
    tmp_path: Path,
) -> None:
    result = run(
        tmp_path,
        MONOREPO,
        paths=("project_a/src/app.py", "project_a/src/requests/api.py", "project_a/src/six.py"),
    )
    assert set(result.paths) == {
        "project_a/src/app.py",
        "project_a/src/requests/api.py",
        "project_a/src/six.py",
    }
    assert codes_at(result.diagnostics) == []


def test_a_declared_layer_with_pip_installed_packages(tmp_path: Path) -> None:
    files = sam_project()
    files["layers/clients/python/requests/__init__.py"] = "from .api import get\n"
    files["layers/clients/python/requests/api.py"] = VENDORED_API
    files["layers/clients/python/requests-2.31.0.dist-info/RECORD"] = "requests/api.py,,\n"
    files["orders/app.py"] = (
        "import requests\nfrom clients import make_client\n\n\n"
        "def handler(event, context):\n    make_client()\n    return requests.get(event['url'])\n"
    )
    result = run(tmp_path, files)
    assert codes_at(result.diagnostics) == [("layers/clients/python/clients.py", "SL101", 5, 12)]
    assert "layers/clients/python/requests/api.py" not in result.paths
