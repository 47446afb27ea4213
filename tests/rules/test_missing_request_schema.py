"""SL401 missing-request-schema: config side per format, code-side validation, fixes."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import findings, fixed_text, where, yaml

from slint.diagnostics import Applicability

PARSES = dedent("""\
    import json


    def create(event, context):
        order = json.loads(event["body"])
        return {"statusCode": 201, "body": json.dumps(order)}
    """)

SERVERLESS = yaml("""\
    service: orders
    provider:
      name: aws
      runtime: python3.12
    functions:
      create:
        handler: orders.create
        events:
          - http:
              path: orders
              method: post
          - http: PUT /orders/{id}
          - http: PATCH /orders/{id}
          - http: ANY /orders/any
          - http: GET /orders
          - http: DELETE /orders/{id}
          - httpApi: POST /v2/orders
          - httpApi:
              method: GET
              path: /v2/orders
          - http:
              path: validated
              method: post
              request:
                schemas:
                  application/json: ${file(order.json)}
          - http:
              path: plugin
              method: post
              reqValidatorName: onlyBody
    """)


def test_serverless_events(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        "SL401",
        {
            "serverless.yml": SERVERLESS,
            "orders.py": PARSES,
            "order.json": '{"type": "object"}\n',
        },
    )
    assert where(found) == [
        ("serverless.yml", 9, 9),
        ("serverless.yml", 12, 9),
        ("serverless.yml", 13, 9),
        ("serverless.yml", 14, 9),
        ("serverless.yml", 17, 9),
    ]
    by_row = {d.start.row: d for d in found}
    assert "`http` event POST /orders of function `create`" in by_row[9].message
    assert "handler `create` (orders.py:4) parses the body at orders.py:5" in by_row[9].message
    assert "an HTTP API cannot validate request bodies" in by_row[17].message
    assert by_row[9].end.column - by_row[9].start.column == len("http")


def test_serverless_fix_inserts_a_request_schema(tmp_path: Path) -> None:
    config = yaml("""\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          create:
            handler: orders.create
            events:
              - http:
                  path: orders
                  method: post
                  cors: true
              - http:
                  path: orders/{id}
                  method: put
                  request:
                    parameters:
                      paths:
                        id: true
        """)
    found = sorted(
        findings(tmp_path, "SL401", {"serverless.yml": config, "orders.py": PARSES}),
        key=lambda d: d.start.row,
    )
    assert [d.start.row for d in found] == [9, 13]
    assert all(d.fix is not None for d in found)
    assert found[0].fix is not None and found[0].fix.applicability is Applicability.DISPLAY_ONLY
    assert fixed_text(tmp_path, found[0]) == config.replace(
        "          cors: true\n",
        "          cors: true\n"
        "          request:\n"
        "            schemas:\n"
        "              application/json: ${file(schemas/create-request.json)}\n",
    )
    assert fixed_text(tmp_path, found[1]) == config.replace(
        "                id: true\n",
        "                id: true\n"
        "            schemas:\n"
        "              application/json: ${file(schemas/create-request.json)}\n",
    )


def test_shorthand_event_gets_a_message_only_fix(tmp_path: Path) -> None:
    config = yaml("""\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          create:
            handler: orders.create
            events:
              - http: POST /orders
        """)
    (found,) = findings(tmp_path, "SL401", {"serverless.yml": config, "orders.py": PARSES})
    assert found.fix is not None and found.fix.edits == ()
    assert "request: schemas: application/json: ${file(" in found.fix.message


SAM = yaml("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: python3.12
    Resources:
      OrdersApi:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
          Models:
            Order:
              type: object
      CreateOrder:
        Type: AWS::Serverless::Function
        Properties:
          Handler: orders.create
          Events:
            Create:
              Type: Api
              Properties:
                RestApiId: !Ref OrdersApi
                Path: /orders
                Method: post
            Documented:
              Type: Api
              Properties:
                RestApiId: !Ref OrdersApi
                Path: /documented
                Method: put
                RequestModel:
                  Model: Order
            Validated:
              Type: Api
              Properties:
                RestApiId: !Ref OrdersApi
                Path: /validated
                Method: post
                RequestModel:
                  Model: Order
                  ValidateBody: true
            Http:
              Type: HttpApi
              Properties:
                Path: /v2/orders
                Method: POST
            Read:
              Type: Api
              Properties:
                Path: /orders
                Method: get
    """)


def test_sam_events(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL401", {"template.yaml": SAM, "orders.py": PARSES})
    assert where(found) == [
        ("template.yaml", 19, 9),
        ("template.yaml", 25, 9),
        ("template.yaml", 42, 9),
    ]
    by_row = {d.start.row: d for d in found}
    assert "the event has no `RequestModel`" in by_row[19].message
    assert "does not set `ValidateBody: true`" in by_row[25].message
    assert "`HttpApi` event POST /v2/orders" in by_row[42].message


def test_sam_fix_inserts_a_request_model(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL401", {"template.yaml": SAM, "orders.py": PARSES})
    first = min(found, key=lambda d: d.start.row)
    assert first.fix is not None
    assert "add `CreateOrderRequest`" in first.fix.message
    assert "API `OrdersApi`" in first.fix.message
    assert fixed_text(tmp_path, first) == SAM.replace(
        "            Path: /orders\n            Method: post\n",
        "            Path: /orders\n"
        "            Method: post\n"
        "            RequestModel:\n"
        "              Model: CreateOrderRequest\n"
        "              Required: true\n"
        "              ValidateBody: true\n",
        1,
    )


def test_sam_api_whose_openapi_definition_validates(tmp_path: Path) -> None:
    template = yaml("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Resources:
          OrdersApi:
            Type: AWS::Serverless::Api
            Properties:
              StageName: prod
              DefinitionUri: openapi.yaml
          CreateOrder:
            Type: AWS::Serverless::Function
            Properties:
              Handler: orders.create
              Runtime: python3.12
              Events:
                Create:
                  Type: Api
                  Properties:
                    RestApiId: !Ref OrdersApi
                    Path: /orders
                    Method: post
        """)
    openapi = yaml("""\
        openapi: "3.0.1"
        x-amazon-apigateway-request-validators:
          body:
            validateRequestBody: true
        x-amazon-apigateway-request-validator: body
        paths: {}
        """)
    files = {"template.yaml": template, "orders.py": PARSES, "openapi.yaml": openapi}
    assert findings(tmp_path, "SL401", files) == []
    (tmp_path / "openapi.yaml").write_text('openapi: "3.0.1"\npaths: {}\n')
    assert where(findings(tmp_path, "SL401")) == [("template.yaml", 15, 9)]


CFN = yaml("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      CreateOrder:
        Type: AWS::Lambda::Function
        Properties:
          Handler: orders.create
          Runtime: python3.12
          Role: arn:aws:iam::123456789012:role/orders
          Code: .
      OrdersApi:
        Type: AWS::ApiGateway::RestApi
        Properties:
          Name: orders
      BodyValidator:
        Type: AWS::ApiGateway::RequestValidator
        Properties:
          RestApiId: !Ref OrdersApi
          ValidateRequestBody: true
      ParamsValidator:
        Type: AWS::ApiGateway::RequestValidator
        Properties:
          RestApiId: !Ref OrdersApi
          ValidateRequestParameters: true
      OrderModel:
        Type: AWS::ApiGateway::Model
        Properties:
          RestApiId: !Ref OrdersApi
          ContentType: application/json
          Schema: {type: object}
      Unvalidated:
        Type: AWS::ApiGateway::Method
        Properties:
          RestApiId: !Ref OrdersApi
          ResourceId: !GetAtt OrdersApi.RootResourceId
          HttpMethod: POST
          AuthorizationType: NONE
          Integration:
            Type: AWS_PROXY
            IntegrationHttpMethod: POST
            Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/${CreateOrder.Arn}/invocations
      Validated:
        Type: AWS::ApiGateway::Method
        Properties:
          RestApiId: !Ref OrdersApi
          ResourceId: !GetAtt OrdersApi.RootResourceId
          HttpMethod: PUT
          AuthorizationType: NONE
          RequestValidatorId: !Ref BodyValidator
          RequestModels:
            application/json: !Ref OrderModel
          Integration:
            Type: AWS_PROXY
            IntegrationHttpMethod: POST
            Uri: !Sub
              - arn:aws:apigateway:${AWS::Region}:lambda:path/functions/${Arn}/invocations
              - Arn: !GetAtt CreateOrder.Arn
      ParamsOnly:
        Type: AWS::ApiGateway::Method
        Properties:
          RestApiId: !Ref OrdersApi
          ResourceId: !GetAtt OrdersApi.RootResourceId
          HttpMethod: PATCH
          AuthorizationType: NONE
          RequestValidatorId: !Ref ParamsValidator
          RequestModels:
            application/json: !Ref OrderModel
          Integration:
            Type: AWS_PROXY
            IntegrationHttpMethod: POST
            Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/${CreateOrder.Arn}/invocations
      Read:
        Type: AWS::ApiGateway::Method
        Properties:
          RestApiId: !Ref OrdersApi
          ResourceId: !GetAtt OrdersApi.RootResourceId
          HttpMethod: GET
          AuthorizationType: NONE
          Integration:
            Type: AWS_PROXY
            IntegrationHttpMethod: POST
            Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/${CreateOrder.Arn}/invocations
      OtherFunctionMethod:
        Type: AWS::ApiGateway::Method
        Properties:
          RestApiId: !Ref OrdersApi
          ResourceId: !GetAtt OrdersApi.RootResourceId
          HttpMethod: POST
          AuthorizationType: NONE
          Integration:
            Type: AWS_PROXY
            IntegrationHttpMethod: POST
            Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/${CreateOrderV2.Arn}/invocations
    """)


def test_cloudformation_methods(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL401", {"template.yaml": CFN, "orders.py": PARSES})
    assert where(found) == [("template.yaml", 30, 3), ("template.yaml", 57, 3)]
    by_row = {d.start.row: d for d in found}
    assert "Method `Unvalidated` (POST) integrating function `CreateOrder`" in by_row[30].message
    assert "without `ValidateRequestBody: true`" in by_row[57].message
    assert by_row[30].fix is not None
    assert "RequestValidatorId: !Ref BodyValidator" in by_row[30].fix.message


def test_cloudformation_http_api_routes(tmp_path: Path) -> None:
    template = yaml("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          CreateOrder:
            Type: AWS::Lambda::Function
            Properties:
              Handler: orders.create
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/orders
              Code: .
          HttpApi:
            Type: AWS::ApiGatewayV2::Api
            Properties:
              Name: orders
              ProtocolType: HTTP
          Integration:
            Type: AWS::ApiGatewayV2::Integration
            Properties:
              ApiId: !Ref HttpApi
              IntegrationType: AWS_PROXY
              IntegrationUri: !GetAtt CreateOrder.Arn
              PayloadFormatVersion: "2.0"
          CreateRoute:
            Type: AWS::ApiGatewayV2::Route
            Properties:
              ApiId: !Ref HttpApi
              RouteKey: POST /orders
              Target: !Sub integrations/${Integration}
          ReadRoute:
            Type: AWS::ApiGatewayV2::Route
            Properties:
              ApiId: !Ref HttpApi
              RouteKey: GET /orders
              Target: !Join [/, [integrations, !Ref Integration]]
        """)
    found = findings(tmp_path, "SL401", {"template.yaml": template, "orders.py": PARSES})
    assert where(found) == [("template.yaml", 22, 3)]
    assert "Route `CreateRoute` (POST /orders)" in found[0].message


CODE_VALIDATES = {
    "jsonschema": """\
        import json
        import jsonschema

        SCHEMA = {"type": "object"}

        def create(event, context):
            order = json.loads(event["body"])
            jsonschema.validate(order, SCHEMA)
            return {"statusCode": 201}
        """,
    "fastjsonschema": """\
        import json
        import fastjsonschema

        validate = fastjsonschema.compile({"type": "object"})

        def create(event, context):
            order = json.loads(event["body"])
            validate(order)
            return {"statusCode": 201}
        """,
    "pydantic_kwargs": """\
        import json
        from pydantic import BaseModel

        class Order(BaseModel):
            id: str

        def create(event, context):
            order = Order(**json.loads(event["body"]))
            return {"statusCode": 201, "body": order.id}
        """,
    "pydantic_parse_raw": """\
        import json
        from models import Order

        def create(event, context):
            body = json.loads(event["body"])
            order = Order.parse_obj(body)
            return {"statusCode": 201, "body": order.id}
        """,
    "type_adapter": """\
        import json
        from pydantic import TypeAdapter

        ORDERS = TypeAdapter(list[dict])

        def create(event, context):
            orders = ORDERS.validate_json(event["body"])
            return {"statusCode": 201, "body": json.dumps(orders)}
        """,
    "powertools_validator": """\
        import json
        from aws_lambda_powertools.utilities.validation import validator

        @validator(inbound_schema={"type": "object"}, envelope="powertools_json(body)")
        def create(event, context):
            order = json.loads(event["body"])
            return {"statusCode": 201, "body": json.dumps(order)}
        """,
    "powertools_parse": """\
        from aws_lambda_powertools.utilities.parser import envelopes, parse
        from pydantic import BaseModel

        class Order(BaseModel):
            id: str

        def create(event, context):
            order = parse(event=event, model=Order, envelope=envelopes.ApiGatewayEnvelope)
            return {"statusCode": 201, "body": order.id}
        """,
    "marshmallow": """\
        import json
        from marshmallow import Schema, fields

        class OrderSchema(Schema):
            id = fields.Str(required=True)

        def create(event, context):
            order = OrderSchema().load(json.loads(event["body"]))
            return {"statusCode": 201, "body": json.dumps(order)}
        """,
    "dataclass": """\
        import json
        from dataclasses import dataclass

        @dataclass
        class Order:
            id: str

        def create(event, context):
            data = json.loads(event["body"])
            order = Order(**data)
            return {"statusCode": 201, "body": order.id}
        """,
    "helper_returns_422": """\
        import json

        def check(order):
            if "id" not in order:
                return {"statusCode": 422, "body": "id is required"}
            return None

        def create(event, context):
            order = json.loads(event["body"])
            problem = check(order)
            if problem:
                return problem
            return {"statusCode": 201}
        """,
    "field_check_raises": """\
        import json

        def create(event, context):
            data = json.loads(event["body"])
            if "text" not in data:
                raise Exception("Couldn't create the todo item.")
            return {"statusCode": 201}
        """,
    "project_validator": """\
        import json
        from lib.checks import validate_order

        def create(event, context):
            order = json.loads(event["body"])
            validate_order(order)
            return {"statusCode": 201}
        """,
}


def test_code_side_validation_is_enough(tmp_path: Path) -> None:
    config = yaml("""\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          create:
            handler: orders.create
            events:
              - http: POST /orders
              - httpApi: POST /v2/orders
        """)
    for name, code in CODE_VALIDATES.items():
        root = tmp_path / name
        root.mkdir()
        files = {"serverless.yml": config, "orders.py": dedent(code)}
        assert findings(root, "SL401", files) == [], name


def test_powertools_resolver_routes(tmp_path: Path) -> None:
    config = yaml("""\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          api:
            handler: api.handler
            events:
              - http: ANY /{proxy+}
        """)
    unvalidated = dedent("""\
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver

        app = APIGatewayRestResolver()

        @app.post("/orders")
        def create_order():
            order = app.current_event.json_body
            return {"id": order["id"]}

        def handler(event, context):
            return app.resolve(event, context)
        """)
    (found,) = findings(tmp_path, "SL401", {"serverless.yml": config, "api.py": unvalidated})
    assert found.start.row == 9
    assert "parses the body at api.py:6" in found.message
    typed = dedent("""\
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver
        from pydantic import BaseModel

        app = APIGatewayRestResolver(enable_validation=True)

        class Order(BaseModel):
            id: str

        @app.post("/orders")
        def create_order(order: Order):
            return {"id": order.id}

        def handler(event, context):
            return app.resolve(event, context)
        """)
    assert findings(tmp_path, "SL401", {"api.py": typed}) == []


def test_body_not_parsed_is_not_reported(tmp_path: Path) -> None:
    config = yaml("""\
        service: relay
        provider:
          name: aws
          runtime: python3.12
        functions:
          post:
            handler: relay.post
            events:
              - httpApi: POST /
        """)
    # serverless-patterns lambda-eventbridge-sls: the body goes on as opaque text; and a
    # handler that never looks at the body.
    code = dedent("""\
        import base64
        import boto3

        bridge = boto3.client("events")

        def post(event, context):
            val = event["body"]
            if event["isBase64Encoded"]:
                val = base64.b64decode(val).decode("utf-8")
            bridge.put_events(Entries=[{"Source": "relay", "DetailType": "x", "Detail": val}])
            return {"statusCode": 200}
        """)
    assert findings(tmp_path, "SL401", {"serverless.yml": config, "relay.py": code}) == []


def test_sdk_result_of_the_body_is_not_the_body(tmp_path: Path) -> None:
    # serverless-patterns dynamic-bedrock-svls-sam: the prompt goes to Bedrock, whose
    # response is parsed; the request body itself is never parsed.
    config = yaml("""\
        service: prompts
        provider:
          name: aws
          runtime: python3.12
        functions:
          generate:
            handler: prompts.generate
            events:
              - http: POST /text
        """)
    code = dedent("""\
        import json
        import boto3

        bedrock = boto3.client("bedrock-runtime")

        def generate(event, context):
            prompt = event["body"]
            kwargs = {"modelId": "m", "body": json.dumps({"prompt": prompt})}
            response = bedrock.invoke_model(**kwargs)
            answer = json.loads(response.get("body").read())
            return {"statusCode": 200, "body": json.dumps(answer)}
        """)
    assert findings(tmp_path, "SL401", {"serverless.yml": config, "prompts.py": code}) == []


def test_convention_handler_without_config_is_silent(tmp_path: Path) -> None:
    assert findings(tmp_path, "SL401", {"handler.py": PARSES.replace("create", "handler")}) == []


def test_parse_in_a_helper_module(tmp_path: Path) -> None:
    config = yaml("""\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          create:
            handler: orders.create
            events:
              - http: POST /orders
        """)
    files = {
        "serverless.yml": config,
        "orders.py": dedent("""\
            from lib.requests import read_order

            def create(event, context):
                order = read_order(event)
                return {"statusCode": 201, "body": order["id"]}
            """),
        "lib/__init__.py": "",
        "lib/requests.py": dedent("""\
            import json

            def read_order(event):
                return json.loads(event["body"])
            """),
    }
    (found,) = findings(tmp_path, "SL401", files)
    assert "parses the body at lib/requests.py:4" in found.message
