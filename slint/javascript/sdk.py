"""The AWS SDK for JavaScript as boto3 names it, so that one set of rules reads both.

Cross rules know boto3: an operation is a snake_case method (`put_item`) called with
keyword arguments (`TableName=...`, `Item=...`) on a client of a service (`"dynamodb"`)
or on a resource object (`"dynamodb.Table"`). The JavaScript SDKs name the same
operations differently:

- v3 (`@aws-sdk/client-*`): `client.send(new PutItemCommand({TableName, Item}))`; the
  command's package names the service, the command the operation. Also the aggregated
  clients (`new DynamoDB({}).putItem({...})`).
- `@aws-sdk/lib-dynamodb`: `PutCommand`/`GetCommand`/... and `DynamoDBDocument`
  methods (`put`, `get`, ...), which take native values the way boto3's `Table` does.
- v2 (`aws-sdk`): `new AWS.DynamoDB().putItem(params).promise()`,
  `new AWS.DynamoDB.DocumentClient().put(params)`, `require("aws-sdk/clients/s3")`.

The input's properties are exactly boto3's keyword names (both SDKs are generated
from the same service models), so only the operation and service names need tables.
"""

from __future__ import annotations

import re

V3_PREFIX = "@aws-sdk/client-"
LIB_DYNAMODB = "@aws-sdk/lib-dynamodb"
LIB_STORAGE = "@aws-sdk/lib-storage"
V2_PACKAGE = "aws-sdk"
V2_CLIENTS = "aws-sdk/clients/"

# boto3's name for the resource-like DynamoDB clients that marshal native values.
DOCUMENT_SERVICE = "dynamodb.Table"

# `@aws-sdk/client-<suffix>` -> boto3 service name, where removing the dashes of the
# suffix does not give it.
_V3_SERVICES = {
    "sfn": "stepfunctions",
    "eventbridge": "events",
    "cloudwatch-events": "events",
    "cloudwatch-logs": "logs",
    "cognito-identity-provider": "cognito-idp",
    "dynamodb-streams": "dynamodbstreams",
    "api-gateway": "apigateway",
    "bedrock-runtime": "bedrock-runtime",
    "bedrock-agent-runtime": "bedrock-agent-runtime",
    "bedrock-agent": "bedrock-agent",
    "iot-data-plane": "iot-data",
    "rds-data": "rds-data",
    "sagemaker-runtime": "sagemaker-runtime",
    "timestream-write": "timestream-write",
    "timestream-query": "timestream-query",
    "elastic-load-balancing-v2": "elbv2",
    "elastic-load-balancing": "elb",
    "application-auto-scaling": "application-autoscaling",
    "auto-scaling": "autoscaling",
    "kinesis-video": "kinesisvideo",
    "marketplace-metering": "meteringmarketplace",
    "resource-groups-tagging-api": "resourcegroupstaggingapi",
    "ecr-public": "ecr-public",
    "lex-runtime-v2": "lexv2-runtime",
    "personalize-runtime": "personalize-runtime",
    "personalize-events": "personalize-events",
    "connect-contact-lens": "connect-contact-lens",
    "pinpoint-sms-voice-v2": "pinpoint-sms-voice-v2",
    "route-53": "route53",
    "route-53-domains": "route53domains",
}

# SDK v2 classes (`AWS.<Class>`, `aws-sdk/clients/<class lowercased>`) -> boto3 service
# name, where lowercasing the class does not give it.
_V2_SERVICES = {
    "eventbridge": "events",
    "cloudwatchevents": "events",
    "cloudwatchlogs": "logs",
    "cognitoidentityserviceprovider": "cognito-idp",
    "cognitoidentity": "cognito-identity",
    "rdsdataservice": "rds-data",
    "iotdata": "iot-data",
    "sagemakerruntime": "sagemaker-runtime",
    "elbv2": "elbv2",
    "timestreamwrite": "timestream-write",
    "timestreamquery": "timestream-query",
    "applicationautoscaling": "application-autoscaling",
    "lexruntimev2": "lexv2-runtime",
    "bedrockruntime": "bedrock-runtime",
    "marketplacemetering": "meteringmarketplace",
    "resourcegroupstaggingapi": "resourcegroupstaggingapi",
}
# What `aws-sdk` exports besides service clients: no service.
_V2_NOT_CLIENTS = frozenset(
    {
        "config",
        "Config",
        "Credentials",
        "SharedIniFileCredentials",
        "EnvironmentCredentials",
        "ChainableTemporaryCredentials",
        "TemporaryCredentials",
        "Endpoint",
        "HttpRequest",
        "Request",
        "Response",
        "AWSError",
        "util",
        "events",
        "EventListeners",
        "MetadataService",
        "Service",
        "Token",
        "HttpResponse",
        "HttpClient",
        "NodeHttpClient",
        "XHRClient",
        "ResourceWaiter",
        "ParamValidator",
        "SequentialExecutor",
        "Signers",
        "Protocol",
        "XML",
        "JSON",
        "Model",
        "IniLoader",
        "VERSION",
    }
)
# Endings of the other `aws-sdk` exports that are no service client: credential and
# token providers (`CognitoIdentityCredentials`, `SSOTokenProvider`,
# `CredentialProviderChain`).
_V2_NOT_CLIENT_ENDINGS = ("Credentials", "Provider", "ProviderChain")

# Document-client methods (SDK v2 `DocumentClient`, v3 `DynamoDBDocument`) and
# lib-dynamodb commands -> the boto3 `Table` method.
_DOCUMENT_OPERATIONS = {
    "put": "put_item",
    "get": "get_item",
    "update": "update_item",
    "delete": "delete_item",
    "query": "query",
    "scan": "scan",
    "batchGet": "batch_get_item",
    "batchWrite": "batch_write_item",
    "transactGet": "transact_get_items",
    "transactWrite": "transact_write_items",
    "executeStatement": "execute_statement",
    "batchExecuteStatement": "batch_execute_statement",
    "executeTransaction": "execute_transaction",
}
_DOCUMENT_COMMANDS = {
    f"{name[0].upper()}{name[1:]}Command": method for name, method in _DOCUMENT_OPERATIONS.items()
}
# The document clients of lib-dynamodb (made with `.from(client)`).
_DOCUMENT_CLASSES = frozenset({"DynamoDBDocumentClient", "DynamoDBDocument"})

# botocore's `xform_name`: "PutItem" -> "put_item", "ListObjectsV2" -> "list_objects_v2",
# "CreateDBInstance" -> "create_db_instance".
_FIRST_CAP = re.compile(r"(.)([A-Z][a-z]+)")
_END_CAP = re.compile(r"([a-z0-9])([A-Z])")

# SDK v2 operations named differently from the API operation (the managed upload).
_V2_RENAMES = {("s3", "upload"): "upload_fileobj"}


def snake(name: str) -> str:
    """An API operation (or a camelCase method) as boto3 names it."""
    return _END_CAP.sub(r"\1_\2", _FIRST_CAP.sub(r"\1_\2", name)).lower()


def v3_service(package: str) -> str | None:
    """The boto3 service of a v3 client package (`@aws-sdk/client-sqs` -> "sqs")."""
    if not package.startswith(V3_PREFIX):
        return None
    suffix = package[len(V3_PREFIX) :]
    if not suffix:
        return None
    return _V3_SERVICES.get(suffix, suffix.replace("-", ""))


def v2_service(class_name: str) -> str | None:
    """The boto3 service of an SDK v2 client class (`DynamoDB` -> "dynamodb")."""
    if not class_name or class_name in _V2_NOT_CLIENTS or not class_name[0].isupper():
        return None
    if class_name.endswith(_V2_NOT_CLIENT_ENDINGS):
        return None
    lowered = class_name.lower()
    return _V2_SERVICES.get(lowered, lowered)


def command(qualified: str) -> tuple[str, str] | None:
    """(service, boto3 method) of a v3 command class by its qualified name
    (`@aws-sdk/client-dynamodb.PutItemCommand` -> ("dynamodb", "put_item"),
    `@aws-sdk/lib-dynamodb.PutCommand` -> ("dynamodb.Table", "put_item"))."""
    package, _, name = qualified.rpartition(".")
    if not name.endswith("Command") or len(name) <= len("Command"):
        return None
    if package == LIB_DYNAMODB:
        method = _DOCUMENT_COMMANDS.get(name)
        return (DOCUMENT_SERVICE, method) if method is not None else None
    service = v3_service(package)
    if service is None:
        return None
    return service, snake(name[: -len("Command")])


def is_command(qualified: str) -> bool:
    return command(qualified) is not None


def client_service(made_by: str) -> str | None:
    """The service of the client an expression makes, by the qualified name of what
    makes it (`new X(...)` or a call): a v3 client (`@aws-sdk/client-s3.S3Client`, the
    aggregated `@aws-sdk/client-s3.S3`), a lib-dynamodb document client
    (`@aws-sdk/lib-dynamodb.DynamoDBDocumentClient.from`), an SDK v2 client
    (`aws-sdk.SQS`, `aws-sdk.DynamoDB.DocumentClient`, `aws-sdk/clients/s3`)."""
    if made_by.startswith(V3_PREFIX):
        package, _, name = made_by.partition(".")
        if not name or "." in name or name.endswith(("Command", "Exception")):
            return None
        if not name[:1].isupper() or name.endswith(("Paginator", "Waiter")):
            return None
        return v3_service(package)
    if made_by.startswith(LIB_DYNAMODB + "."):
        name = made_by[len(LIB_DYNAMODB) + 1 :]
        head, _, method = name.partition(".")
        if head in _DOCUMENT_CLASSES and method in ("", "from"):
            return DOCUMENT_SERVICE
        return None
    if made_by.startswith(V2_CLIENTS):
        module, _, rest = made_by[len(V2_CLIENTS) :].partition(".")
        service = _V2_SERVICES.get(module.lower(), module.lower()) if module else None
        if rest == "DocumentClient" and service == "dynamodb":
            return DOCUMENT_SERVICE
        return service if not rest else None
    if made_by.startswith(V2_PACKAGE + "."):
        parts = made_by[len(V2_PACKAGE) + 1 :].split(".")
        if parts == ["DynamoDB", "DocumentClient"]:
            return DOCUMENT_SERVICE
        return v2_service(parts[0]) if len(parts) == 1 else None
    return None


def client_method(service: str, method: str, *, v2: bool) -> str | None:
    """The boto3 method an SDK client's own method (not `send`) stands for: a document
    client's `put` -> "put_item", an aggregated v3 or v2 client's `putItem` ->
    "put_item"; None for what is no operation (`send`, `destroy`, `promise`)."""
    if method in ("send", "destroy", "middlewareStack", "config", "promise", "constructor"):
        return None
    if not method[:1].islower():
        return None
    if service == DOCUMENT_SERVICE:
        return _DOCUMENT_OPERATIONS.get(method)
    if v2:
        renamed = _V2_RENAMES.get((service, method))
        if renamed is not None:
            return renamed
    return snake(method)


def client_class(origin: str) -> str:
    """What names a client in a canonical call's name: the origin of the client value
    without its call (`aws-sdk.DynamoDB.DocumentClient()` -> "aws-sdk.DynamoDB.DocumentClient",
    `@aws-sdk/lib-dynamodb.DynamoDBDocument.from()` -> "@aws-sdk/lib-dynamodb.DynamoDBDocument")."""
    name = origin.removesuffix("()")
    return name.removesuffix(".from")


def is_v2(origin: str) -> bool:
    return origin == V2_PACKAGE or origin.startswith((V2_PACKAGE + ".", V2_CLIENTS))
