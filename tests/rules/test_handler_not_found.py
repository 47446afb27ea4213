"""SL001 handler-not-found: positions on a realistic project, every format, odd inputs."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import positions
from conftest import lint, write_tree

SERVERLESS = dedent("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
    functions:
      createOrder:
        handler: orders/api.create_order
      listOrders:
        handler: orders/api.list_orders
      refund:
        handler: payments/refund.handler
      legacy:
        runtime: nodejs20.x
        handler: legacy/index.handler
      resize:
        image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/resize:latest
    """)

TEMPLATE = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: python3.12
        CodeUri: src/
        Handler: app.lambda_handler
    Resources:
      Thumbnail:
        Type: AWS::Serverless::Function
      Api:
        Type: AWS::Serverless::Function
        Properties:
          Handler: api.handler
      Report:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: reports/
    """)

FILES = {
    "serverless.yml": SERVERLESS,
    "orders/__init__.py": "",
    "orders/api.py": "def create_order(event, context):\n    return {}\n",
    "images/template.yaml": TEMPLATE,
    "images/src/app.py": "def lambda_handler(event, context):\n    return {}\n",
    "images/src/api.py": "def handle(event, context):\n    return {}\n",
    # The Node.js function's handler exists (SL001 checks Node.js handlers too).
    "legacy/index.js": "exports.handler = async (event) => ({});\n",
}


def test_positions_on_a_multi_function_project(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    assert positions(tmp_path, "SL001") == [
        ("images/template.yaml", "SL001", 7, 5),  # Report: Globals handler, no reports/ folder
        ("images/template.yaml", "SL001", 14, 7),  # Api: api.py has no `handler`
        ("serverless.yml", "SL001", 9, 5),  # listOrders: no list_orders in orders/api.py
        ("serverless.yml", "SL001", 11, 5),  # refund: no payments/refund.py
    ]


def test_messages_name_what_was_looked_for(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    messages = {
        (d.path, d.start.row): d.message for d in lint(tmp_path, select=["SL001"]).diagnostics
    }
    assert messages[("serverless.yml", 11)].startswith(
        "handler `payments/refund.handler` of function `refund`: module not found, looked "
        "for payments/refund.py or payments/refund/__init__.py; "
    )
    assert "Runtime.ImportModuleError" in messages[("serverless.yml", 11)]
    assert "orders/api.py has no function `list_orders`" in messages[("serverless.yml", 9)]
    assert "Runtime.HandlerNotFound" in messages[("serverless.yml", 9)]
    assert "its code folder reports/ does not exist" in messages[("images/template.yaml", 7)]
    assert "images/src/api.py has no function `handler`" in messages[("images/template.yaml", 14)]


def test_crlf_config_keeps_positions(tmp_path: Path) -> None:
    files = dict(FILES)
    files["serverless.yml"] = SERVERLESS.replace("\n", "\r\n")
    write_tree(tmp_path, files)
    assert [f for f in positions(tmp_path, "SL001") if f[0] == "serverless.yml"] == [
        ("serverless.yml", "SL001", 9, 5),
        ("serverless.yml", "SL001", 11, 5),
    ]


def test_finding_lives_in_the_config(tmp_path: Path) -> None:
    # pre-commit passes only the changed module: the config is read for context only,
    # and a finding on it is not reported.
    write_tree(tmp_path, FILES)
    assert positions(tmp_path, "SL001", "orders/api.py") == []
    assert positions(tmp_path, "SL001", "serverless.yml") == [
        ("serverless.yml", "SL001", 9, 5),
        ("serverless.yml", "SL001", 11, 5),
    ]


def test_yaml_suppression(tmp_path: Path) -> None:
    files = dict(FILES)
    files["serverless.yml"] = SERVERLESS.replace(
        "handler: payments/refund.handler",
        "handler: payments/refund.handler  # slint: ignore[SL001]",
    )
    write_tree(tmp_path, files)
    assert ("serverless.yml", "SL001", 11, 5) not in positions(tmp_path, "SL001")


def test_unknown_values_are_silent(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": dedent("""\
                service: shop
                provider:
                  name: aws
                  runtime: ${param:runtime}
                functions:
                  a:
                    handler: missing.handler
                  b:
                    runtime: python3.12
                    handler: ${ssm:/shop/handler}
                  c:
                    runtime: python3.12
                    handler: ${self:custom.handlers.${sls:stage}}
                """),
            "template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Runtime:
                    Type: String
                  Code:
                    Type: String
                Resources:
                  A:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: !Ref Runtime
                      Handler: missing.handler
                  B:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: missing.handler
                      CodeUri: !Ref Code
                  C:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: !If [IsProd, prod.handler, dev.handler]
                """),
        },
    )
    assert positions(tmp_path, "SL001") == []


def test_code_that_is_not_in_the_project_is_not_looked_for(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": dedent("""\
                service: shop
                plugins:
                  - serverless-wsgi
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  web:
                    handler: wsgi_handler.handler
                  prebuilt:
                    handler: app.handler
                    package:
                      artifact: dist/app.zip
                  traced:
                    handler: datadog_lambda.handler.handler
                """),
            "template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Built:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: build/functions/app/
                  Zipped:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: app.zip
                  Custom:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: custom/
                    Metadata:
                      BuildMethod: makefile
                """),
            "app.zip": "not really a zip",
            "fast/speed.cpython-312-x86_64-linux-gnu.so": "binary",
        },
    )
    assert positions(tmp_path, "SL001") == []


def test_compiled_module_and_dynamic_names_count_as_present(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": dedent("""\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  fast:
                    handler: fast/speed.handler
                  star:
                    handler: star.handler
                  lazy:
                    handler: lazy.handler
                """),
            "fast/speed.cpython-312-x86_64-linux-gnu.so": "binary",
            "star.py": "from handlers import *\n",
            "lazy.py": "def __getattr__(name):\n    return lambda event, context: None\n",
        },
    )
    assert positions(tmp_path, "SL001") == []


def test_cloudformation_formats(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cfn/template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Worker:
                    Type: AWS::Lambda::Function
                    Properties:
                      Code: ./functions
                      Handler: worker.main
                      Runtime: python3.11
                      Role: !GetAtt Role.Arn
                  Stored:
                    Type: AWS::Lambda::Function
                    Metadata:
                      cfn-lint: {config: {ignore_checks: [W3005]}}
                    Properties:
                      Code: {S3Bucket: b, S3Key: k.zip}
                      Handler: missing.main
                      Runtime: python3.11
                      Role: !GetAtt Role.Arn
                """),
            "cfn/functions/worker.py": "def handler(event, context):\n    return {}\n",
        },
    )
    assert positions(tmp_path, "SL001") == [("cfn/template.yaml", "SL001", 7, 7)]
