"""SL402 unguarded-body-parse: which parses are reported, where, and the suggested fix."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import findings, where

from slint.diagnostics import Applicability, Severity
from slint.fixes import apply_edits


def _check(tmp_path: Path, code: str, name: str = "handler.py") -> list[tuple[str, int, int]]:
    return where(findings(tmp_path, "SL402", {name: dedent(code)}))


def test_reports_each_form_of_the_body(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        """\
        import json
        import base64
        from json import loads as parse

        def handler(event, context):
            a = json.loads(event["body"])
            b = json.loads(event.get("body"))
            c = json.loads(event.get("body") or "{}")
            raw = event["body"]
            d = parse(raw)
            e = json.loads(base64.b64decode(event["body"]))
            return {"statusCode": 200}
        """,
    )
    assert found == [
        ("handler.py", 6, 9),
        ("handler.py", 7, 9),
        ("handler.py", 8, 9),
        ("handler.py", 10, 9),
        ("handler.py", 11, 9),
    ]


def test_severity_and_message(tmp_path: Path) -> None:
    (found,) = findings(
        tmp_path,
        "SL402",
        {
            "handler.py": dedent("""\
                import json

                def lambda_handler(event, context):
                    order = json.loads(event["body"])
                    return {"statusCode": 201, "body": json.dumps(order)}
                """)
        },
    )
    assert found.severity is Severity.WARNING
    assert "502 instead of 400" in found.message
    assert (found.start.row, found.start.column, found.end.column) == (4, 13, 38)


def test_fix_wraps_the_statement_in_try(tmp_path: Path) -> None:
    source = dedent("""\
        import json

        def handler(event, context):
            order = json.loads(event["body"])
            return {"statusCode": 201, "body": json.dumps(order)}
        """)
    (found,) = findings(tmp_path, "SL402", {"handler.py": source})
    assert found.fix is not None
    assert found.fix.applicability is Applicability.DISPLAY_ONLY
    assert apply_edits(source, found.fix.edits) == dedent("""\
        import json

        def handler(event, context):
            try:
                order = json.loads(event["body"])
            except (TypeError, ValueError):
                return {"statusCode": 400, "body": '{"message": "Request body is not valid JSON"}'}
            return {"statusCode": 201, "body": json.dumps(order)}
        """)


def test_helper_gets_a_message_only_fix(tmp_path: Path) -> None:
    source = dedent("""\
        import json

        def parse(event):
            return json.loads(event["body"])

        def handler(event, context):
            order = parse(event)
            return {"statusCode": 201, "body": json.dumps(order)}
        """)
    (found,) = findings(tmp_path, "SL402", {"handler.py": source})
    assert (found.start.row, found.start.column) == (4, 12)
    assert found.fix is not None and found.fix.edits == ()
    assert "(TypeError, ValueError)" in found.fix.message


def test_try_that_does_not_catch_value_errors_is_reported(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        """\
        import json

        def handler(event, context):
            try:
                body = json.loads(event["body"])
            except KeyError:
                return {"statusCode": 400}
            try:
                pass
            except ValueError:
                body = json.loads(event["body"])
            return body
        """,
    )
    # In the body of a `try` that catches only KeyError, and in an except clause (not
    # guarded by its own try).
    assert found == [("handler.py", 5, 16), ("handler.py", 11, 16)]


def test_near_misses(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        """\
        import json
        import simplejson
        from json import JSONDecodeError

        def a_handler(event, context):
            try:
                body = json.loads(event["body"])
            except (KeyError, ValueError):
                return {"statusCode": 400}
            return body

        def b_handler(event, context):
            try:
                body = simplejson.loads(event["body"])
            except JSONDecodeError:
                return {"statusCode": 400}
            return body

        def c_handler(event, context):
            try:
                return json.loads(event["body"])
            except:
                return {"statusCode": 400}

        def d_handler(event, context):
            try:
                body = json.loads(event["body"])
            except Exception as error:
                raise BadRequest(str(error)) from error
            return body

        def e_handler(event, context):
            # Not the request body: an SQS record, a response, a file.
            for record in event["Records"]:
                json.loads(record["body"])
            json.loads(event["Records"][0]["body"])
            response = {"body": "{}"}
            json.loads(response["body"])
            json.loads(event["headers"]["x-payload"])
            return json.dumps(event["body"])
        """,
    )
    assert found == []


def test_nested_function_is_not_guarded_by_the_outer_try(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        """\
        import json

        def handler(event, context):
            try:
                def parse(event):
                    return json.loads(event["body"])
            except ValueError:
                return {"statusCode": 400}
            return parse(event)
        """,
    )
    assert found == [("handler.py", 6, 20)]


def test_powertools_near_misses(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        """\
        import json
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver
        from aws_lambda_powertools.utilities.parser import event_parser, envelopes
        from pydantic import BaseModel

        app = APIGatewayRestResolver()

        class Order(BaseModel):
            id: str
            body: str

        @app.post("/orders")
        def create_order():
            # Powertools' json_body: register `@app.exception_handler(ValueError)`.
            order = app.current_event.json_body
            return {"id": order["id"]}

        @event_parser(model=Order)
        def parsed_handler(event: Order, context):
            return json.loads(event.body)

        def handler(event, context):
            return app.resolve(event, context)
        """,
    )
    assert found == []


def test_powertools_data_class_body_is_reported(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        """\
        import json
        from aws_lambda_powertools.utilities.data_classes import (
            APIGatewayProxyEvent,
            event_source,
        )

        @event_source(data_class=APIGatewayProxyEvent)
        def handler(event: APIGatewayProxyEvent, context):
            order = json.loads(event.body)
            return {"statusCode": 201, "body": order["id"]}
        """,
    )
    assert found == [("handler.py", 9, 13)]


def test_reassigned_name_is_no_longer_the_body(tmp_path: Path) -> None:
    found = _check(
        tmp_path,
        """\
        import json

        def handler(event, context):
            body = event["body"]
            body = '{"fixed": true}'
            return json.loads(body)
        """,
    )
    assert found == []


def test_not_per_invocation_is_not_reported(tmp_path: Path) -> None:
    # A function no handler reaches (a script's entry point) is not reported.
    found = _check(
        tmp_path,
        """\
        import json
        import sys

        def replay(event):
            return json.loads(event["body"])

        if __name__ == "__main__":
            replay(json.load(sys.stdin))
        """,
        name="tools/replay.py",
    )
    assert found == []


def test_real_shopping_cart_catches_only_key_error(tmp_path: Path) -> None:
    # aws-samples/aws-serverless-shopping-cart add_to_cart.py: a missing body is a 400,
    # a body that is not JSON is a 502.
    found = _check(
        tmp_path,
        """\
        import json

        def lambda_handler(event, context):
            try:
                request_payload = json.loads(event["body"])
            except KeyError:
                return {"statusCode": 400, "body": json.dumps({"message": "No Request payload"})}
            return {"statusCode": 200, "body": json.dumps(request_payload)}
        """,
    )
    assert found == [("handler.py", 5, 27)]


# -- bodies of binary-enabled REST APIs (the config side of SL402) ----------------------
PARSES_BODY = """\
import json


def main(event, context):
    try:
        data = json.loads(event["body"])
    except ValueError:
        return {"statusCode": 400}
    return {"statusCode": 200, "body": json.dumps(data)}
"""

MINDS_ENCODING = """\
import base64
import json


def main(event, context):
    body = event["body"]
    if event.get("isBase64Encoded"):
        body = base64.b64decode(body)
    try:
        data = json.loads(body)
    except ValueError:
        return {"statusCode": 400}
    return {"statusCode": 200, "body": json.dumps(data)}
"""

SERVERLESS_BINARY = """\
service: uploads
provider:
  name: aws
  runtime: python3.12
  apiGateway:
    binaryMediaTypes:
      - "image/*"
functions:
  upload:
    handler: handler.main
    events:
      - http:
          path: upload
          method: post
"""

SAM_BINARY = """\
Transform: AWS::Serverless-2016-10-31
Globals:
  Api:
    BinaryMediaTypes:
      - image~1png
Resources:
  Upload:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: handler.main
      Events:
        Post:
          Type: Api
          Properties:
            Path: /upload
            Method: post
"""

CFN_BINARY = """\
Resources:
  Upload:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: handler.main
      Code: .
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties:
      Name: uploads
      BinaryMediaTypes:
        - application/octet-stream
  Post:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS_PROXY
        IntegrationHttpMethod: POST
        Uri: !Sub "arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/\\
          ${Upload.Arn}/invocations"
"""


def _binary(tmp_path: Path, config_name: str, config: str, code: str) -> list[str]:
    found = findings(tmp_path, "SL402", {config_name: config, "handler.py": code})
    return [f"{d.path}:{d.start.row}:{d.start.column}: {d.message}" for d in found]


def test_a_binary_enabled_api_body_read_without_isbase64encoded(tmp_path: Path) -> None:
    for name, config, line in [
        ("serverless.yml", SERVERLESS_BINARY, 6),
        ("template.yaml", SAM_BINARY, 4),
        ("template.yaml", CFN_BINARY, 12),
    ]:
        root = tmp_path / name / str(line)
        found = _binary(root, name, config, PARSES_BODY)
        assert len(found) == 1, found
        assert found[0].startswith("handler.py:6:16: The request body is read without ")
        assert f"has binary media types ({name}:{line})" in found[0]


def test_a_handler_that_minds_isbase64encoded_is_silent(tmp_path: Path) -> None:
    for name, config in [
        ("serverless.yml", SERVERLESS_BINARY),
        ("template.yaml", SAM_BINARY),
        ("template.yaml", CFN_BINARY),
    ]:
        assert _binary(tmp_path / name / str(len(config)), name, config, MINDS_ENCODING) == []


def test_powertools_decoded_body_and_apis_without_binary_types_are_silent(tmp_path: Path) -> None:
    powertools = dedent("""\
        import json
        from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEvent


        def main(event, context):
            request = APIGatewayProxyEvent(event)
            try:
                data = json.loads(request.decoded_body)
            except ValueError:
                return {"statusCode": 400}
            return {"statusCode": 200, "body": json.dumps(data)}
        """)
    assert _binary(tmp_path / "pt", "serverless.yml", SERVERLESS_BINARY, powertools) == []
    text_only = SERVERLESS_BINARY.replace(
        '  apiGateway:\n    binaryMediaTypes:\n      - "image/*"\n', ""
    )
    assert _binary(tmp_path / "text", "serverless.yml", text_only, PARSES_BODY) == []
    # HTTP APIs have no binary media types to turn on: the code-side parse check decides.
    http_api = SERVERLESS_BINARY.replace("- http:", "- httpApi:")
    assert _binary(tmp_path / "http", "serverless.yml", http_api, PARSES_BODY) == []
