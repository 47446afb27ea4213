"""SL004 invalid-request-schema: every format, positions, files, drafts, lazy import."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest
from config_rule_support import positions
from conftest import codes_at, lint, write_tree
from slint.rules.project.invalid_request_schema import schema_error

SERVERLESS = dedent("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
      apiGateway:
        request:
          schemas:
            refund-model:
              name: RefundModel
              schema: ${file(schemas/refund.json)}
            unused-model:
              schema: ${file(schemas/missing-but-unused.json)}
    functions:
      create:
        handler: api.create
        events:
          - http:
              path: orders
              method: post
              request:
                schemas:
                  application/json: ${file(schemas/create.json)}
          - http:
              path: orders/{id}
              method: put
              request:
                schemas:
                  application/json: ${file(schemas/update.json)}
          - http:
              path: refunds
              method: post
              request:
                schemas:
                  application/json: refund-model
          - http:
              path: refunds/{id}
              method: put
              request:
                schemas:
                  application/json: refund-model
    """)

FILES = {
    "serverless.yml": SERVERLESS,
    "api.py": "def create(event, context):\n    return {}\n",
    "schemas/create.json": '{"type": "object", "properties": {"id": {"type": "string"}}}\n',
    "schemas/refund.json": '{"type": "object", "additionalProperties": "no"}\n',
}


def test_serverless_positions_and_messages(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    found = lint(tmp_path, select=["SL004"]).diagnostics
    # The provider model is reported once, where its file is referenced, although two
    # events use it; the unused provider model is never deployed.
    assert codes_at(found) == [
        ("serverless.yml", "SL004", 10, 11),
        ("serverless.yml", "SL004", 28, 15),
    ]
    refund, update = found
    assert refund.message.startswith(
        "model `refund-model` of provider.apiGateway.request.schemas is not a valid JSON "
        "Schema: 'no' is not valid under any of the given schemas at `additionalProperties` "
        "(draft-04)"
    )
    assert update.message == (
        "request schema `application/json` of function `create`: the schema file "
        "`schemas/update.json` does not exist; the deployment fails: correct the path or "
        "the file"
    )
    assert update.end.column - update.start.column == len("application/json")


def test_crlf_config(tmp_path: Path) -> None:
    files = dict(FILES)
    files["serverless.yml"] = SERVERLESS.replace("\n", "\r\n")
    write_tree(tmp_path, files)
    assert positions(tmp_path, "SL004") == [
        ("serverless.yml", "SL004", 10, 11),
        ("serverless.yml", "SL004", 28, 15),
    ]


def test_yaml_suppression(tmp_path: Path) -> None:
    files = dict(FILES)
    files["serverless.yml"] = SERVERLESS.replace(
        "application/json: ${file(schemas/update.json)}",
        "# slint: ignore[SL004]\n              application/json: ${file(schemas/update.json)}",
    )
    write_tree(tmp_path, files)
    assert positions(tmp_path, "SL004") == [("serverless.yml", "SL004", 10, 11)]


def test_sam_and_cloudformation_positions(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "sam/template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      Models:
                        Order:
                          type: object
                          required: []
                        Refund:
                          type: object
                  NoModels:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                  Create:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: api.create
                      Events:
                        Post:
                          Type: Api
                          Properties:
                            RestApiId: !Ref Api
                            Path: /orders
                            Method: post
                            RequestModel:
                              Model: Orders
                        Put:
                          Type: Api
                          Properties:
                            RestApiId: NoModels
                            Path: /orders
                            Method: put
                            RequestModel: {Model: Order, ValidateBody: true}
                """),
            "cfn/template.json": dedent("""\
                {
                  "Resources": {
                    "Fn": {
                      "Type": "AWS::Lambda::Function",
                      "Properties": {"Runtime": "python3.12", "Handler": "index.handler",
                                     "Code": {"ZipFile": "x"}}
                    },
                    "Model": {
                      "Type": "AWS::ApiGateway::Model",
                      "Properties": {
                        "RestApiId": {"Ref": "Api"},
                        "Schema": "{\\"type\\": \\"object\\", \\"minProperties\\": -1}"
                      }
                    }
                  }
                }
                """),
        },
    )
    found = lint(tmp_path, select=["SL004"]).diagnostics
    assert codes_at(found) == [
        ("cfn/template.json", "SL004", 12, 9),
        ("sam/template.yaml", "SL004", 13, 9),
        ("sam/template.yaml", "SL004", 34, 15),
        ("sam/template.yaml", "SL004", 41, 28),
    ]
    assert "-1 is less than the minimum of 0 at `minProperties`" in found[0].message
    assert "model `Order` of API `Api`" in found[1].message
    assert "names model `Orders`, which is not in the `Models` of API `Api` (known: Order, " in (
        found[2].message
    )
    assert "API `NoModels` defines no `Models`" in found[3].message


def test_unknown_and_intrinsic_values_are_silent(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": dedent("""\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: a
                          method: post
                          request:
                            schemas:
                              application/json: ${ssm:/shop/schema}
                      - http:
                          path: b
                          method: post
                          request:
                            schemas:
                              application/json: ${file(${opt:schemas}/create.json)}
                      - http:
                          path: c
                          method: post
                          request:
                            schemas:
                              application/json: ${file(schemas/create.json):${sls:stage}}
                """),
            "schemas/create.json": '{"dev": {"type": "object"}}\n',
            "template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Schema:
                    Type: String
                Resources:
                  Api:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      Models: !If [HasModels, {Order: {type: object}}, !Ref AWS::NoValue]
                  Model:
                    Type: AWS::ApiGateway::Model
                    Properties:
                      RestApiId: !Ref Api
                      Schema: !Sub '{"type": "${Schema}"}'
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: api.create
                      InlineCode: "def create(event, context): return {}"
                      Events:
                        Post:
                          Type: Api
                          Properties:
                            RestApiId: !ImportValue SharedApi
                            Path: /
                            Method: post
                            RequestModel:
                              Model: Order
                """),
        },
    )
    assert positions(tmp_path, "SL004") == []


@pytest.mark.parametrize(
    ("schema", "problem"),
    [
        ({"type": "object"}, None),
        ({"type": "object", "required": []}, "[] should be non-empty at `required` (draft-04)"),
        (
            {"$schema": "http://json-schema.org/draft-07/schema#", "required": []},
            None,
        ),
        (
            {"minimum": 1, "exclusiveMinimum": 1},
            "1 is not of type 'boolean' at `exclusiveMinimum` (draft-04)",
        ),
        (
            {"$schema": "https://json-schema.org/draft/2020-12/schema", "exclusiveMinimum": 1},
            None,
        ),
        ({"type": "strng"}, "'strng' is not valid under any of the given schemas at `type`"),
        ("not a schema", "'not a schema' is not of type 'object' (draft-04)"),
        ({"Ref": "Param"}, None),
    ],
)
def test_schema_error_follows_the_declared_draft(schema: object, problem: str | None) -> None:
    found = schema_error(schema)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_jsonschema_is_imported_only_when_needed() -> None:
    # jsonschema costs import time on every run; the rule imports it inside check().
    import slint.rules.project.invalid_request_schema as module

    tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
    top_level: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            top_level.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            top_level.append(node.module or "")
    assert not any(name.startswith("jsonschema") for name in top_level)
