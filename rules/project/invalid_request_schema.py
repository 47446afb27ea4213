from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, Invalid, Severity, Valid
from slint.app.edits import text_between
from slint.app.model import App, Unknown, is_known
from slint.app.yamlpos import YamlError, YMap, load
from slint.diagnostics import Diagnostic, Location
from slint.files import FileTooBig, read_text_limited
from slint.settings import Settings

from .._support.config import resources_of_type, target_id

_FILE_REFERENCE = re.compile(r"\$\{file\((?P<path>[^)$]*)\)")
_PATH_LIKE = re.compile(r"^[\w./@+-]+\.(?:json|ya?ml)$", re.I)
_NAME_LIKE = re.compile(r"^[\w.-]+$")
_DRAFTS = {
    "Draft3Validator": "draft-03",
    "Draft4Validator": "draft-04",
    "Draft6Validator": "draft-06",
    "Draft7Validator": "draft-07",
    "Draft201909Validator": "2019-09",
    "Draft202012Validator": "2020-12",
}


def schema_error(schema: Any) -> str | None:
    """Why `schema` is not a valid JSON Schema (draft from `$schema`, else draft-04, the
    one API Gateway uses); None when it is valid or cannot be known."""
    # Imported only when a config has request schemas (no stubs in the dev environment).
    import jsonschema  # type: ignore[import-untyped,unused-ignore]
    from jsonschema.exceptions import best_match  # type: ignore[import-untyped,unused-ignore]
    from jsonschema.validators import validator_for  # type: ignore[import-untyped,unused-ignore]

    if not is_known(schema):
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            validator = validator_for(schema, default=jsonschema.Draft4Validator)
            error = best_match(validator(validator.META_SCHEMA).iter_errors(schema))
    except Exception:  # odd YAML values (dates, binary) the validator cannot compare
        return None
    if error is None:
        return None
    draft = _DRAFTS.get(validator.__name__, "JSON Schema")
    where = "/".join(str(part) for part in error.absolute_path)
    message = " ".join(error.message.split())
    if len(message) > 160:
        message = message[:157] + "..."
    return f"{message}{f' at `{where}`' if where else ''} ({draft})"


def _file_problem(path: Path, written: str) -> str | None:
    """Why a schema file cannot be used: missing, unreadable or not JSON/YAML."""
    if not path.is_file():
        return f"the schema file `{written}` does not exist"
    try:
        text = read_text_limited(path)
    except FileTooBig as big:
        return f"the schema file `{written}` is too big to read ({big.size} bytes)"
    except (OSError, UnicodeDecodeError) as error:
        return f"the schema file `{written}` cannot be read ({error})"
    if path.suffix.lower() == ".json":
        try:
            json.loads(text)
        except ValueError as error:
            return f"the schema file `{written}` is not valid JSON ({error})"
        return None
    try:
        load(text, written, allow_tags=False)
    except YamlError as error:
        return f"the schema file `{written}` is not valid YAML ({error.location}: {error.message})"
    return None


class InvalidRequestSchema(ConfigRule):
    """
    ## What it does
    Checks the request schemas (API Gateway models) a config defines or references:
    serverless `http` events' `request.schemas` (inline, `${file(...)}`, or a model of
    `provider.apiGateway.request.schemas`), the `Models` of a SAM `AWS::Serverless::Api`
    and the models its `Api` events name in `RequestModel.Model`, and the `Schema` of
    CloudFormation `AWS::ApiGateway::Model` resources. Each must be a valid JSON Schema
    (checked with `jsonschema`'s meta-schema for the draft its `$schema` names, else
    draft-04, the draft API Gateway implements), and a referenced file or model must
    exist. Reported on the config line that defines or references the schema.

    ## Why is this bad?
    The deployment fails: `${file(...)}` of a missing file stops the Serverless
    Framework, SAM refuses a `RequestModel` that names no model of its API, and API
    Gateway rejects a model whose schema is not valid JSON Schema. A plain path string
    where `${file(...)}` was meant becomes the schema text itself.

    ## Example
    ```yaml
    functions:
      createOrder:
        handler: orders/api.create
        events:
          - http:
              path: orders
              method: post
              request:
                schemas:
                  application/json: ${file(schemas/create_order.json)}   # no such file
    ```

    ## Use instead
    ```yaml
                schemas:
                  application/json: ${file(schemas/create-order.json)}
    ```
    with `schemas/create-order.json` holding a draft-04 schema:
    ```json
    {"$schema": "http://json-schema.org/draft-04/schema#", "type": "object",
     "required": ["customerId"], "properties": {"customerId": {"type": "string"}}}
    ```

    ## Fix
    There is no automatic fix: correct the schema at the position the message gives,
    or the path or model name that references it.

    ## References
    - https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html
    - https://www.serverless.com/framework/docs/providers/aws/events/apigateway#request-schema-validators
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-requestmodel.html
    - https://json-schema.org/specification-links#draft-4
    """

    code = "SL004"
    name = "invalid-request-schema"
    severity = Severity.ERROR

    def check(self, app: App, settings: Settings) -> Iterator[Diagnostic]:
        seen: set[tuple[str, Location]] = set()
        found: list[Diagnostic] = []
        if app.format == "serverless":
            found.extend(self._serverless(app))
        else:
            found.extend(self._sam(app))
        found.extend(self._cloudformation_models(app))
        for diagnostic in found:
            place = (diagnostic.path, diagnostic.start)
            if place not in seen:
                seen.add(place)
                yield diagnostic

    # -- serverless ---------------------------------------------------------------
    def _serverless(self, app: App) -> Iterator[Diagnostic]:
        provider = app.document.get("provider")
        provider_schemas: YMap | None = None
        if isinstance(provider, YMap):
            gateway = provider.get("apiGateway")
            request = gateway.get("request") if isinstance(gateway, YMap) else None
            candidate = request.get("schemas") if isinstance(request, YMap) else None
            provider_schemas = candidate if isinstance(candidate, YMap) else None
        for function in app.functions:
            for event in function.events:
                if event.type_name != "http" or not isinstance(event.properties, YMap):
                    continue
                request = event.properties.get("request")
                if not isinstance(request, YMap):
                    continue
                for key in ("schemas", "schema"):  # `schema` is the v2 spelling
                    schemas = request.get(key)
                    if not isinstance(schemas, YMap):
                        continue
                    for content_type in schemas:
                        what = f"request schema `{content_type}` of function `{function.name}`"
                        yield from self._serverless_schema(
                            app, schemas, content_type, what, provider_schemas
                        )

    def _serverless_schema(
        self,
        app: App,
        owner: YMap,
        key: Any,
        what: str,
        provider_schemas: YMap | None,
    ) -> Iterator[Diagnostic]:
        value = owner[key]
        at = owner.key_loc[key]
        if isinstance(value, Unknown):
            yield from self._unresolved(app, owner, key, what)
        elif isinstance(value, str):
            if provider_schemas is not None and value in provider_schemas:
                model = provider_schemas[value]
                model_what = f"model `{value}` of provider.apiGateway.request.schemas"
                if isinstance(model, YMap) and model.get("schema"):
                    yield from self._serverless_schema(app, model, "schema", model_what, None)
                else:
                    yield from self._serverless_schema(
                        app, provider_schemas, value, model_what, None
                    )
            else:
                yield from self._string_schema(app, owner, key, value, what, provider_schemas)
        elif isinstance(value, YMap) and value.get("schema"):
            yield from self._serverless_schema(app, value, "schema", what, None)
        elif value is not None:
            problem = schema_error(value)
            if problem is not None:
                yield self._invalid(owner.file, at, key, what, problem)

    def _string_schema(
        self,
        app: App,
        owner: YMap,
        key: Any,
        value: str,
        what: str,
        provider_schemas: YMap | None,
    ) -> Iterator[Diagnostic]:
        at = owner.key_loc[key]
        text = value.strip()
        if _PATH_LIKE.match(text):
            problem = _file_problem(app.directory / text, text)
            if problem is None:
                problem = f"`{text}` is used as the schema text itself, not read from the file"
                hint = f"write `${{file({text})}}` to load it"
            else:
                hint = "correct the path"
            yield self.at(
                owner.file,
                at,
                f"{what}: {problem}; the deployment fails: {hint}",
                length=len(str(key)),
            )
        elif text.startswith("{"):
            try:
                schema = json.loads(text)
            except ValueError as error:
                yield self._invalid(owner.file, at, key, what, f"not valid JSON ({error})")
                return
            problem = schema_error(schema)
            if problem is not None:
                yield self._invalid(owner.file, at, key, what, problem)
        elif (
            provider_schemas
            and _NAME_LIKE.match(text)
            and "json" in str(key).lower()
            and text not in provider_schemas
        ):
            known = ", ".join(str(name) for name in provider_schemas)
            yield self.at(
                owner.file,
                at,
                f"{what}: `{text}` is not a model of provider.apiGateway.request.schemas "
                f"(known: {known}), so serverless uses the string itself as the schema and "
                "API Gateway rejects it; use one of the model names",
                length=len(str(key)),
            )

    def _unresolved(self, app: App, owner: YMap, key: Any, what: str) -> Iterator[Diagnostic]:
        """A `${file(...)}` the loader could not read: find out why from the raw text."""
        if owner.file != app.file or key not in owner.value_range:
            return
        start, end = owner.value_range[key]
        match = _FILE_REFERENCE.search(text_between(app.text, start, end))
        if match is None:
            return
        written = match.group("path").strip().strip("'\"")
        if not written or Path(written).suffix.lower() not in (".json", ".yml", ".yaml"):
            return
        problem = _file_problem(app.directory / written, written)
        if problem is not None:
            yield self.at(
                owner.file,
                owner.key_loc[key],
                f"{what}: {problem}; the deployment fails: correct the path or the file",
                length=len(str(key)),
            )

    # -- SAM ----------------------------------------------------------------------
    def _sam(self, app: App) -> Iterator[Diagnostic]:
        apis: dict[str, YMap] = {}
        for logical, resource, props in resources_of_type(app, "AWS::Serverless::Api"):
            apis[str(logical)] = (
                props
                if props is not None
                else YMap(resource.loc, resource.loc, False, resource.file)
            )
        for logical, props in apis.items():
            models = props.get("Models")
            if not isinstance(models, YMap):
                continue
            for name, schema in models.items():
                problem = schema_error(schema)
                if problem is not None:
                    yield self._invalid(
                        models.file,
                        models.key_loc[name],
                        name,
                        f"model `{name}` of API `{logical}`",
                        problem,
                    )
        for function in app.functions:
            for event in function.events:
                if event.type_name != "Api" or not isinstance(event.properties, YMap):
                    continue
                yield from self._request_model(event.properties, apis, function.name)

    def _request_model(
        self, props: YMap, apis: dict[str, YMap], function: str
    ) -> Iterator[Diagnostic]:
        request_model = props.get("RequestModel")
        if not isinstance(request_model, YMap):
            return
        model = request_model.get("Model")
        api_id = target_id(props.get("RestApiId"))
        if not isinstance(model, str) or api_id is None or api_id not in apis:
            return  # the implicit API, an API of another stack, or an unknown name
        api = apis[api_id]
        models = api.get("Models")
        at = request_model.key_loc["Model"]
        if models is None:
            if "DefinitionBody" in api or "DefinitionUri" in api:
                return
            yield self.at(
                request_model.file,
                at,
                f"`RequestModel` of function `{function}` names model `{model}`, but API "
                f"`{api_id}` defines no `Models`; SAM rejects the template: add the model "
                f"to the API's `Models`",
                length=len("Model"),
            )
        elif isinstance(models, YMap) and model not in models:
            known = ", ".join(str(name) for name in models) or "none"
            yield self.at(
                request_model.file,
                at,
                f"`RequestModel` of function `{function}` names model `{model}`, which is not "
                f"in the `Models` of API `{api_id}` (known: {known}); SAM rejects the "
                "template: correct the name or add the model",
                length=len("Model"),
            )

    # -- CloudFormation -------------------------------------------------------------
    def _cloudformation_models(self, app: App) -> Iterator[Diagnostic]:
        for logical, _, props in resources_of_type(app, "AWS::ApiGateway::Model"):
            if props is None or "Schema" not in props:
                continue
            content_type = props.get("ContentType")
            if isinstance(content_type, str) and "json" not in content_type.lower():
                continue
            schema = props["Schema"]
            what = f"schema of model `{logical}`"
            at = props.key_loc["Schema"]
            if isinstance(schema, str):
                try:
                    schema = json.loads(schema)
                except ValueError as error:
                    yield self._invalid(props.file, at, "Schema", what, f"not valid JSON ({error})")
                    continue
            problem = schema_error(schema)
            if problem is not None:
                yield self._invalid(props.file, at, "Schema", what, problem)

    def _invalid(self, file: str, at: Location, key: Any, what: str, problem: str) -> Diagnostic:
        return self.at(
            file,
            at,
            f"{what} is not a valid JSON Schema: {problem}; API Gateway rejects the model "
            "and the deployment fails: fix the schema",
            length=len(str(key)),
        )

    valid = (
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                  apiGateway:
                    request:
                      schemas:
                        order-model:
                          name: OrderModel
                          schema: ${file(schemas/order.json)}
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schemas:
                              application/json: ${file(schemas/order.json)}
                      - http:
                          path: orders/{id}
                          method: put
                          request:
                            schemas:
                              application/json: order-model
                              text/plain: foo
                      - http:
                          path: carts
                          method: post
                          request:
                            schemas:
                              application/json:
                                name: CartModel
                                schema:
                                  type: object
                                  properties:
                                    items: {type: array, minItems: 1}
                      - http:
                          path: secrets
                          method: post
                          request:
                            schemas:
                              application/json: ${ssm:/orders/schema}
                """),
            filename="serverless.yml",
            files={
                "api.py": "def create(event, context):\n    return {}\n",
                "schemas/order.json": (
                    '{"$schema": "http://json-schema.org/draft-04/schema#",'
                    ' "type": "object", "required": ["id"],'
                    ' "properties": {"id": {"type": "string"}}}\n'
                ),
            },
        ),
        # A later draft named by $schema allows what draft-04 does not.
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schemas:
                              application/json:
                                $schema: http://json-schema.org/draft-07/schema#
                                type: object
                                properties:
                                  quantity: {type: integer, exclusiveMinimum: 0}
                """),
            filename="serverless.yml",
        ),
        # SAM: models that exist and are valid; the implicit API; an OpenAPI body.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  OrdersApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      Models:
                        Order:
                          type: object
                          required: [id]
                          properties:
                            id: {type: string}
                  DocumentedApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      DefinitionUri: openapi.yaml
                  Create:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: api.create
                      Events:
                        Post:
                          Type: Api
                          Properties:
                            RestApiId: !Ref OrdersApi
                            Path: /orders
                            Method: post
                            RequestModel:
                              Model: Order
                              ValidateBody: true
                        Implicit:
                          Type: Api
                          Properties:
                            Path: /implicit
                            Method: post
                            RequestModel:
                              Model: Anything
                        Documented:
                          Type: Api
                          Properties:
                            RestApiId: !Ref DocumentedApi
                            Path: /documented
                            Method: post
                            RequestModel:
                              Model: FromOpenApi
                """),
            filename="template.yaml",
            files={"src/api.py": "def create(event, context):\n    return {}\n"},
        ),
        # CloudFormation: a valid JSON string, a value known only at deploy time.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Parameters:
                  SchemaText:
                    Type: String
                Resources:
                  OrderModel:
                    Type: AWS::ApiGateway::Model
                    Properties:
                      RestApiId: !Ref Api
                      ContentType: application/json
                      Schema: '{"type": "object", "properties": {"id": {"type": "string"}}}'
                  DynamicModel:
                    Type: AWS::ApiGateway::Model
                    Properties:
                      RestApiId: !Ref Api
                      Schema: !Ref SchemaText
                  XmlModel:
                    Type: AWS::ApiGateway::Model
                    Properties:
                      RestApiId: !Ref Api
                      ContentType: application/xml
                      Schema: not json
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      Role: !GetAtt Role.Arn
                      Code:
                        ZipFile: "def handler(event, context): return {}"
                """),
            filename="template.yaml",
        ),
    )
    invalid = (
        # Inline: a misspelt type.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schemas:
                              application/json:
                                type: object
                                properties:
                                  name:
                                    type: strng
                """),
            filename="serverless.yml",
            line=14,
            column=15,
            message="is not a valid JSON Schema: 'strng' is not valid under any of the given "
            "schemas at `properties/name/type` (draft-04)",
        ),
        # ${file(...)} of a file that does not exist.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schemas:
                              application/json: ${file(schemas/create_order.json)}
                """),
            filename="serverless.yml",
            files={"schemas/create-order.json": '{"type": "object"}\n'},
            line=14,
            column=15,
            message="the schema file `schemas/create_order.json` does not exist",
        ),
        # ${file(...)} of a file that is not valid JSON.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schema:
                              application/json: ${file(./order.json)}
                """),
            filename="serverless.yml",
            files={"order.json": '{"type": "object",\n'},
            line=14,
            column=15,
            message="the schema file `./order.json` is not valid JSON",
        ),
        # A file that is valid JSON but not a valid draft-04 schema, through a provider model.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                  apiGateway:
                    request:
                      schemas:
                        order-model:
                          name: OrderModel
                          schema: ${file(schemas/order.json)}
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schemas:
                              application/json: order-model
                """),
            filename="serverless.yml",
            files={"schemas/order.json": '{"type": "object", "required": []}\n'},
            line=10,
            column=11,
            message="[] should be non-empty at `required` (draft-04)",
        ),
        # A path written as a plain string, and a misspelt provider model name.
        Invalid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                    events:
                      - http:
                          path: orders
                          method: post
                          request:
                            schemas:
                              application/json: schemas/order.json
                """),
            filename="serverless.yml",
            files={"schemas/order.json": '{"type": "object"}\n'},
            line=14,
            column=15,
            message="write `${file(schemas/order.json)}` to load it",
        ),
        # SAM: an invalid model of the API (draft-04 wants a boolean exclusiveMinimum).
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  OrdersApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: !Ref Stage
                      Models:
                        Order:
                          type: object
                          properties:
                            quantity: {type: integer, minimum: 0, exclusiveMinimum: 0}
                """),
            filename="template.yaml",
            line=9,
            column=9,
            message="model `Order` of API `OrdersApi` is not a valid JSON Schema: 0 is not of "
            "type 'boolean' at `properties/quantity/exclusiveMinimum` (draft-04)",
        ),
        # SAM: a RequestModel naming a model the API does not define (Globals elsewhere).
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  OrdersApi:
                    Type: AWS::Serverless::Api
                    Properties:
                      StageName: prod
                      Models:
                        Order:
                          type: object
                  Create:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: api.create
                      Events:
                        Post:
                          Type: Api
                          Properties:
                            RestApiId: !Ref OrdersApi
                            Path: /orders
                            Method: post
                            RequestModel:
                              Model: CreateOrder
                """),
            filename="template.yaml",
            files={"src/api.py": "def create(event, context):\n    return {}\n"},
            line=27,
            column=15,
            message="names model `CreateOrder`, which is not in the `Models` of API `OrdersApi`",
        ),
        # CloudFormation: a Schema string that is not JSON, and an invalid mapping.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  OrderModel:
                    Type: AWS::ApiGateway::Model
                    Properties:
                      RestApiId: !Ref Api
                      ContentType: application/json
                      Schema: "{'type': 'object'}"
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: index.handler
                      Role: !GetAtt Role.Arn
                      Code:
                        ZipFile: "def handler(event, context): return {}"
                """),
            filename="template.yaml",
            line=8,
            column=7,
            message="schema of model `OrderModel` is not a valid JSON Schema: not valid JSON",
        ),
        Invalid(
            dedent("""\
                {
                  "Resources": {
                    "OrderModel": {
                      "Type": "AWS::ApiGateway::Model",
                      "Properties": {
                        "RestApiId": {"Ref": "Api"},
                        "Schema": {"type": "object", "properties": {"id": {"type": 7}}}
                      }
                    },
                    "Fn": {
                      "Type": "AWS::Lambda::Function",
                      "Properties": {"Runtime": "python3.12", "Handler": "index.handler",
                                     "Code": {"ZipFile": "x"}}
                    }
                  }
                }
                """),
            filename="template.json",
            line=7,
            column=9,
            message="7 is not valid under any of the given schemas at `properties/id/type`",
        ),
    )
