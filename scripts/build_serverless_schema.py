"""Build slint's JSON Schema for serverless.yml (provider `aws`) and its plugin table.

Written from the Serverless Framework documentation (v3 and v4): the serverless.yml
reference (https://www.serverless.com/framework/docs/providers/aws/guide/serverless.yml),
the function, IAM, packaging and layers guides, and one page per event type
(https://www.serverless.com/framework/docs/providers/aws/events/). Plugin keys come
from each plugin's README.

The schema is about *shape*: which keys exist at each place and what type their
values have. It leaves out enums, patterns and required keys (other rules, or the
framework itself, speak about those), so that a finding is always a key the framework
does not know or a value it cannot coerce. Rule SL003 (`rules/project/config_schema.py`)
loads the output; rerun this script after editing it:

    python scripts/build_serverless_schema.py

It writes `slint/data/serverless-schema.json` and `slint/data/serverless-plugins.json`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

OUT = Path(__file__).resolve().parent.parent / "slint" / "data"

# -- building blocks ----------------------------------------------------------------
S: Schema = {"type": "string"}
INT: Schema = {"type": "integer"}
N: Schema = {"type": "number"}
B: Schema = {"type": "boolean"}
ANY: Schema = {}
OPEN: Schema = {"type": "object"}  # a mapping whose keys are the user's own
STRINGS: Schema = {"type": "array", "items": S}
LIST: Schema = {"type": "array"}


def ref(name: str) -> Schema:
    return {"$ref": f"#/definitions/{name}"}


def obj(properties: dict[str, Schema], **extra: Any) -> Schema:
    """A mapping with exactly these keys."""
    return {"type": "object", "properties": properties, "additionalProperties": False, **extra}


def map_of(value: Schema) -> Schema:
    """A mapping from the user's own names to `value`."""
    return {"type": "object", "additionalProperties": value}


def one_of(*alternatives: Schema) -> Schema:
    return {"anyOf": list(alternatives)}


def list_of(item: Schema) -> Schema:
    return {"type": "array", "items": item}


BOOL_OR_OBJ = one_of(B, OPEN)
STR_OR_OBJ = one_of(S, OPEN)
TAGS: Schema = map_of(S)

# -- shared definitions ----------------------------------------------------------------
IAM_STATEMENT = obj(
    {
        "Sid": S,
        "Effect": S,
        "Action": one_of(S, STRINGS),
        "NotAction": one_of(S, STRINGS),
        "Principal": one_of(S, OPEN),
        "NotPrincipal": one_of(S, OPEN),
        "Resource": one_of(S, LIST),
        "NotResource": one_of(S, LIST),
        "Condition": OPEN,
    }
)

VPC = obj(
    {
        "ipv6AllowedForDualStack": B,
        "securityGroupIds": one_of(LIST, OPEN),
        "subnetIds": one_of(LIST, OPEN),
    }
)

CORS_URL = one_of(
    B,
    obj(
        {
            "allowCredentials": B,
            "allowedHeaders": STRINGS,
            "allowedMethods": STRINGS,
            "allowedOrigins": STRINGS,
            "exposedResponseHeaders": STRINGS,
            "maxAge": INT,
        }
    ),
)

LAMBDA_LOGS = obj(
    {
        "applicationLogLevel": S,
        "logFormat": S,
        "logGroup": S,
        "logGroupClass": S,
        "systemLogLevel": S,
    }
)

PACKAGE = obj(
    {
        "artifact": S,
        "exclude": STRINGS,
        "excludeDevDependencies": B,
        "include": STRINGS,
        "individually": B,
        "path": S,
        "patterns": STRINGS,
    }
)

FUNCTION_PACKAGE = obj(
    {
        "artifact": S,
        "exclude": STRINGS,
        "include": STRINGS,
        "individually": B,
        "patterns": STRINGS,
    }
)

DATA_PROTECTION = obj({"Name": S, "Description": S, "Version": S, "Statement": LIST})

RUNTIME_MANAGEMENT = one_of(S, obj({"mode": S, "arn": S}))

INPUT_TRANSFORMER = obj({"inputPathsMap": map_of(S), "inputTemplate": S})

FILTER_PATTERNS = LIST

DOMAIN = obj(
    {
        "name": S,
        "basePath": S,
        "certificateName": S,
        "certificateArn": S,
        "createRoute53Record": B,
        "createRoute53IPv6Record": B,
        "route53Profile": S,
        "route53Region": S,
        "endpointType": S,
        "apiType": S,
        "tlsTruststoreUri": S,
        "tlsTruststoreVersion": S,
        "hostedZoneId": S,
        "hostedZonePrivate": B,
        "splitHorizonDns": B,
        "enabled": one_of(B, S),
        "securityPolicy": S,
        "accessMode": S,
        "autoDomain": B,
        "autoDomainWaitFor": S,
        "allowPathMatching": B,
        "route53Params": OPEN,
        "preserveExternalPathMappings": B,
    }
)

API_KEY = obj({"name": S, "value": S, "description": S, "customerId": S, "enabled": B})

USAGE_PLAN_ITEM = obj(
    {
        "quota": obj({"limit": INT, "offset": INT, "period": S}),
        "throttle": obj({"burstLimit": INT, "rateLimit": INT}),
    }
)

ALB_AUTHORIZER = obj(
    {
        "type": S,
        # cognito
        "userPoolArn": S,
        "userPoolClientId": S,
        "userPoolDomain": S,
        # oidc
        "authorizationEndpoint": S,
        "clientId": S,
        "clientSecret": S,
        "useExistingClientSecret": B,
        "issuer": S,
        "tokenEndpoint": S,
        "userInfoEndpoint": S,
        # both
        "onUnauthenticatedRequest": S,
        "requestExtraParams": map_of(ANY),
        "scope": S,
        "sessionCookieName": S,
        "sessionTimeout": INT,
    }
)

HTTP_API_AUTHORIZER = obj(
    {
        "type": S,
        "name": S,
        "identitySource": one_of(S, STRINGS),
        "issuerUrl": S,
        "audience": one_of(S, STRINGS),
        "functionName": S,
        "functionArn": S,
        "managedExternally": B,
        "resultTtlInSeconds": INT,
        "enableSimpleResponses": B,
        "payloadVersion": S,
    }
)

REST_LOGS = one_of(
    B,
    obj(
        {
            "accessLogging": B,
            "executionLogging": B,
            "format": S,
            "fullExecutionData": B,
            "level": S,
            "role": S,
            "roleManagedExternally": B,
        }
    ),
)

ECR_IMAGE = one_of(
    S,
    obj(
        {
            "uri": S,
            "path": S,
            "file": S,
            "buildArgs": map_of(S),
            "buildOptions": STRINGS,
            "cacheFrom": STRINGS,
            "platform": S,
            "provenance": S,
        }
    ),
)

CACHE_POLICY = obj(
    {
        "Comment": S,
        "DefaultTTL": INT,
        "MaxTTL": INT,
        "MinTTL": INT,
        "ParametersInCacheKeyAndForwardedToOrigin": obj(
            {
                "CookiesConfig": obj({"CookieBehavior": S, "Cookies": STRINGS}),
                "EnableAcceptEncodingBrotli": B,
                "EnableAcceptEncodingGzip": B,
                "HeadersConfig": obj({"HeaderBehavior": S, "Headers": STRINGS}),
                "QueryStringsConfig": obj({"QueryStringBehavior": S, "QueryStrings": STRINGS}),
            }
        ),
    }
)

CAPACITY_PROVIDER = obj(
    {
        "permissions": obj({"operatorRole": S}),
        "vpc": VPC,
        "instanceRequirements": obj(
            {
                "allowedInstanceTypes": STRINGS,
                "excludedInstanceTypes": STRINGS,
                "architectures": STRINGS,
            }
        ),
        "scaling": obj(
            {
                "mode": S,
                "maxVCpuCount": INT,
                "policies": list_of(obj({"predefinedMetricType": S, "targetValue": N})),
            }
        ),
        "kmsKeyArn": S,
    }
)

IAM_ROLE = obj(
    {
        "mode": S,
        "name": S,
        "path": S,
        "managedPolicies": LIST,
        "statements": list_of(ref("iamStatement")),
        "permissionBoundary": S,
        "permissionsBoundary": S,
        "tags": TAGS,
    }
)

# -- provider ------------------------------------------------------------------------
PROVIDER = obj(
    {
        "name": S,
        "stage": S,
        "region": S,
        "profile": S,
        "resolver": S,
        "stackName": S,
        "tags": TAGS,
        "stackTags": TAGS,
        "deploymentMethod": S,
        "notificationArns": STRINGS,
        "stackParameters": list_of(
            obj(
                {
                    "ParameterKey": S,
                    "ParameterValue": S,
                    "UsePreviousValue": B,
                    "ResolvedValue": S,
                }
            )
        ),
        "disableRollback": B,
        "rollbackConfiguration": obj(
            {
                "RollbackTriggers": list_of(obj({"Arn": S, "Type": S})),
                "MonitoringTimeInMinutes": INT,
            }
        ),
        "tracing": obj({"apiGateway": B, "lambda": one_of(S, B)}),
        "domain": one_of(S, DOMAIN),
        "domains": list_of(one_of(S, DOMAIN)),
        # Lambda defaults for every function
        "runtime": S,
        "runtimeManagement": RUNTIME_MANAGEMENT,
        "memorySize": INT,
        "timeout": INT,
        "environment": map_of(ANY),
        "logRetentionInDays": INT,
        "logDataProtectionPolicy": DATA_PROTECTION,
        "kmsKeyArn": S,
        "lambdaHashingVersion": S,
        "versionFunctions": B,
        "architecture": S,
        "layers": LIST,
        "vpc": VPC,
        "vpcEndpointIds": one_of(STRINGS, OPEN),
        "build": S,
        # deployment bucket
        "deploymentPrefix": S,
        "deploymentBucket": one_of(
            S,
            obj(
                {
                    "name": S,
                    "maxPreviousDeploymentArtifacts": INT,
                    "blockPublicAccess": B,
                    "skipPolicySetup": B,
                    "versioning": B,
                    "codeStorageMode": S,
                    "serverSideEncryption": S,
                    "sseKMSKeyId": S,
                    "sseCustomerAlgorithim": S,
                    "sseCustomerKey": S,
                    "sseCustomerKeyMD5": S,
                    "tags": TAGS,
                }
            ),
        ),
        "enableLegacyDeploymentBucket": B,
        # APIs
        "httpApi": obj(
            {
                "id": S,
                "name": S,
                "payload": S,
                "disableDefaultEndpoint": B,
                "metrics": B,
                "cors": CORS_URL,
                "authorizers": map_of(HTTP_API_AUTHORIZER),
                "useProviderTags": B,
                "shouldStartNameWithService": B,
            }
        ),
        "apiName": S,
        "endpointType": S,
        "websocketsApiName": S,
        "websocketsApiRouteSelectionExpression": S,
        "websocketsDescription": S,
        "apiGateway": obj(
            {
                "restApiId": S,
                "restApiRootResourceId": S,
                "restApiResources": one_of(OPEN, LIST),
                "websocketApiId": S,
                "disableDefaultEndpoint": B,
                "apiKeySourceType": S,
                "apiKeys": list_of(one_of(S, API_KEY, map_of(LIST))),
                "minimumCompressionSize": INT,
                "description": S,
                "binaryMediaTypes": STRINGS,
                "metrics": B,
                "shouldStartNameWithService": B,
                "resourcePolicy": list_of(ref("iamStatement")),
                "usagePlan": one_of(USAGE_PLAN_ITEM, list_of(map_of(USAGE_PLAN_ITEM))),
                "request": obj(
                    {"schemas": map_of(obj({"schema": STR_OR_OBJ, "name": S, "description": S}))}
                ),
                "endpoint": obj({"securityPolicy": S, "accessMode": S, "disable": B}),
                "stage": S,
                "timeoutInMillis": INT,
            }
        ),
        "websocket": obj({"useProviderTags": B}),
        "alb": obj({"targetGroupPrefix": S, "authorizers": map_of(ALB_AUTHORIZER)}),
        "ecr": obj({"scanOnPush": B, "maxImages": INT, "images": map_of(ECR_IMAGE)}),
        "cloudFront": obj({"cachePolicies": map_of(CACHE_POLICY)}),
        "eventBridge": obj({"useCloudFormation": B}),
        "kinesis": obj({"consumerNamingMode": S}),
        # IAM
        "iam": obj(
            {
                "role": one_of(S, IAM_ROLE),
                "deploymentRole": S,
            }
        ),
        "role": S,
        "rolePermissionsBoundary": S,
        "iamRoleStatements": list_of(ref("iamStatement")),
        "iamManagedPolicies": LIST,
        "cfnRole": S,
        "stackPolicy": list_of(ref("iamStatement")),
        "logs": obj(
            {
                "lambda": LAMBDA_LOGS,
                "httpApi": one_of(B, obj({"format": S})),
                "restApi": REST_LOGS,
                "websocket": one_of(
                    B,
                    obj(
                        {
                            "accessLogging": B,
                            "executionLogging": B,
                            "format": S,
                            "fullExecutionData": B,
                            "level": S,
                        }
                    ),
                ),
                "frameworkLambda": B,
            }
        ),
        # S3 buckets of s3 events: CloudFormation bucket properties in camel case
        "s3": map_of(OPEN),
        "capacityProviders": map_of(CAPACITY_PROVIDER),
    }
)

# -- events ------------------------------------------------------------------------
HTTP_AUTHORIZER = one_of(
    S,
    obj(
        {
            "name": S,
            "arn": S,
            "authorizerId": S,
            "type": S,
            "resultTtlInSeconds": INT,
            "identitySource": S,
            "identityValidationExpression": S,
            "claims": STRINGS,
            "scopes": LIST,
            "managedExternally": B,
        }
    ),
)

HTTP_PARAMETER = one_of(B, obj({"required": B, "mappedValue": S}))

HTTP_EVENT = one_of(
    S,
    obj(
        {
            "path": S,
            "method": S,
            "cors": one_of(
                B,
                obj(
                    {
                        "origin": S,
                        "origins": STRINGS,
                        "headers": STRINGS,
                        "methods": STRINGS,
                        "allowCredentials": B,
                        "cacheControl": S,
                        "maxAge": INT,
                    }
                ),
            ),
            "private": B,
            "async": B,
            "authorizer": HTTP_AUTHORIZER,
            "integration": S,
            "connectionType": S,
            "connectionId": S,
            "operationId": S,
            "timeoutInMillis": INT,
            "request": obj(
                {
                    "uri": S,
                    "method": S,
                    "contentHandling": S,
                    "passThrough": S,
                    "parameters": obj(
                        {
                            "querystrings": map_of(HTTP_PARAMETER),
                            "headers": map_of(HTTP_PARAMETER),
                            "paths": map_of(HTTP_PARAMETER),
                        }
                    ),
                    "schemas": map_of(STR_OR_OBJ),
                    "template": map_of(S),
                }
            ),
            "response": obj(
                {
                    "contentHandling": S,
                    "headers": map_of(S),
                    "template": S,
                    "transferMode": S,
                    "statusCodes": map_of(
                        obj({"headers": map_of(S), "pattern": S, "template": STR_OR_OBJ})
                    ),
                }
            ),
        }
    ),
)

HTTP_API_EVENT = one_of(
    S,
    obj(
        {
            "method": S,
            "path": S,
            "authorizer": one_of(S, obj({"id": S, "name": S, "scopes": STRINGS, "type": S})),
        }
    ),
)

WEBSOCKET_EVENT = one_of(
    S,
    obj(
        {
            "route": S,
            "routeResponseSelectionExpression": S,
            "authorizer": one_of(S, obj({"name": S, "arn": S, "identitySource": STRINGS})),
        }
    ),
)

S3_EVENT = one_of(
    S,
    obj(
        {
            "bucket": STR_OR_OBJ,
            "event": S,
            "rules": list_of(obj({"prefix": S, "suffix": S})),
            "existing": B,
            "forceDeploy": B,
        }
    ),
)

SCHEDULE_EVENT = one_of(
    S,
    obj(
        {
            "rate": one_of(S, STRINGS),
            "enabled": B,
            "name": S,
            "description": S,
            "input": STR_OR_OBJ,
            "inputPath": S,
            "inputTransformer": INPUT_TRANSFORMER,
            "method": S,
            "timezone": S,
        }
    ),
)

SNS_EVENT = one_of(
    S,
    obj(
        {
            "arn": S,
            "topicName": S,
            "displayName": S,
            "filterPolicy": OPEN,
            "filterPolicyScope": S,
            "redrivePolicy": obj(
                {
                    "deadLetterTargetArn": S,
                    "deadLetterTargetRef": S,
                    "deadLetterTargetImport": obj({"arn": S, "url": S}),
                }
            ),
            "kmsMasterKeyId": S,
        }
    ),
)

SQS_EVENT = one_of(
    S,
    obj(
        {
            "arn": S,
            "batchSize": INT,
            "enabled": B,
            "maximumBatchingWindow": INT,
            "functionResponseType": S,
            "filterPatterns": FILTER_PATTERNS,
            "maximumConcurrency": INT,
        }
    ),
)

STREAM_DESTINATION = one_of(S, obj({"arn": S, "type": S}))

STREAM_EVENT = one_of(
    S,
    obj(
        {
            "arn": S,
            "type": S,
            "batchSize": INT,
            "parallelizationFactor": INT,
            "startingPosition": S,
            "startingPositionTimestamp": N,
            "enabled": B,
            "consumer": one_of(B, S),
            "batchWindow": INT,
            "maximumRetryAttempts": INT,
            "bisectBatchOnFunctionError": B,
            "maximumRecordAgeInSeconds": INT,
            "functionResponseType": S,
            "destinations": obj({"onFailure": STREAM_DESTINATION}),
            "tumblingWindowInSeconds": INT,
            "filterPatterns": FILTER_PATTERNS,
        }
    ),
)

KAFKA_COMMON: dict[str, Schema] = {
    "batchSize": INT,
    "maximumBatchingWindow": INT,
    "enabled": B,
    "startingPosition": S,
    "startingPositionTimestamp": N,
    "topic": S,
    "consumerGroupId": S,
    "filterPatterns": FILTER_PATTERNS,
}

MSK_EVENT = obj({"arn": S, "saslScram512": S, **KAFKA_COMMON})

KAFKA_EVENT = obj(
    {
        "accessConfigurations": obj(
            {
                "vpcSubnet": one_of(S, STRINGS),
                "vpcSecurityGroup": one_of(S, STRINGS),
                "saslPlainAuth": one_of(S, STRINGS),
                "saslScram256Auth": one_of(S, STRINGS),
                "saslScram512Auth": one_of(S, STRINGS),
                "clientCertificateTlsAuth": one_of(S, STRINGS),
                "serverRootCaCertificate": one_of(S, STRINGS),
            }
        ),
        "bootstrapServers": STRINGS,
        **KAFKA_COMMON,
    }
)

MQ_COMMON: dict[str, Schema] = {
    "arn": S,
    "basicAuthArn": S,
    "queue": S,
    "batchSize": INT,
    "maximumBatchingWindow": INT,
    "enabled": B,
    "startingPosition": S,
    "filterPatterns": FILTER_PATTERNS,
}

ALB_EVENT = obj(
    {
        "listenerArn": S,
        "priority": INT,
        "targetGroupName": S,
        "multiValueHeaders": B,
        "authorizer": one_of(S, STRINGS),
        "conditions": obj(
            {
                "header": one_of(obj({"name": S, "values": STRINGS}), LIST),
                "host": one_of(S, STRINGS),
                "ip": one_of(S, STRINGS),
                "method": one_of(S, STRINGS),
                "path": one_of(S, STRINGS),
                "query": map_of(S),
            }
        ),
        "healthCheck": one_of(
            B,
            obj(
                {
                    "path": S,
                    "intervalSeconds": INT,
                    "timeoutSeconds": INT,
                    "healthyThresholdCount": INT,
                    "unhealthyThresholdCount": INT,
                    "matcher": obj({"httpCode": S}),
                }
            ),
        ),
    }
)

EVENT_BRIDGE_EVENT = obj(
    {
        "eventBus": STR_OR_OBJ,
        "schedule": S,
        "name": S,
        "description": S,
        "enabled": B,
        "pattern": OPEN,
        "input": ANY,
        "inputPath": S,
        "inputTransformer": INPUT_TRANSFORMER,
        "retryPolicy": obj({"maximumEventAge": INT, "maximumRetryAttempts": INT}),
        "deadLetterQueueArn": S,
    }
)

CLOUDWATCH_EVENT = obj(
    {
        "event": OPEN,
        "input": ANY,
        "inputPath": S,
        "inputTransformer": INPUT_TRANSFORMER,
        "description": S,
        "name": S,
        "enabled": B,
    }
)

CLOUD_FRONT_EVENT = obj(
    {
        "eventType": S,
        "isDefaultOrigin": B,
        "includeBody": B,
        "pathPattern": S,
        "origin": STR_OR_OBJ,  # a CloudFormation Origin, in its own case
        "behavior": OPEN,  # a CloudFormation CacheBehavior
        "cachePolicy": obj({"id": S, "name": S}),
    }
)

EVENTS: dict[str, Schema] = {
    "http": HTTP_EVENT,
    "httpApi": HTTP_API_EVENT,
    "websocket": WEBSOCKET_EVENT,
    "s3": S3_EVENT,
    "schedule": SCHEDULE_EVENT,
    "sns": SNS_EVENT,
    "sqs": SQS_EVENT,
    "stream": STREAM_EVENT,
    "msk": MSK_EVENT,
    "kafka": KAFKA_EVENT,
    "activemq": obj(MQ_COMMON),
    "rabbitmq": obj({**MQ_COMMON, "virtualHost": S}),
    "alexaSkill": one_of(S, obj({"appId": S, "enabled": B})),
    "alexaSmartHome": one_of(S, obj({"appId": S, "enabled": B})),
    "iot": obj({"sql": S, "sqlVersion": S, "name": S, "enabled": B, "description": S}),
    "iotFleetProvisioning": obj(
        {"enabled": B, "provisioningRoleArn": S, "templateBody": OPEN, "templateName": S}
    ),
    "cloudwatchEvent": CLOUDWATCH_EVENT,
    "cloudwatchLog": one_of(S, obj({"logGroup": S, "filter": S})),
    "cognitoUserPool": obj(
        {
            "pool": S,
            "trigger": S,
            "existing": B,
            "forceDeploy": B,
            "kmsKeyId": S,
            "lambdaVersion": S,
        }
    ),
    "alb": ALB_EVENT,
    "eventBridge": EVENT_BRIDGE_EVENT,
    "cloudFront": CLOUD_FRONT_EVENT,
}

# -- function ------------------------------------------------------------------------
FUNCTION = obj(
    {
        "handler": S,
        "image": one_of(
            S,
            obj(
                {
                    "name": S,
                    "uri": S,
                    "workingDirectory": S,
                    "command": STRINGS,
                    "entryPoint": STRINGS,
                }
            ),
        ),
        "runtime": S,
        "runtimeManagement": RUNTIME_MANAGEMENT,
        "memorySize": INT,
        "timeout": INT,
        "capacityProvider": one_of(
            S,
            obj(
                {
                    "name": S,
                    "maxConcurrency": INT,
                    "memoryPerVCpu": INT,
                    "scaling": obj({"min": INT, "max": INT}),
                }
            ),
        ),
        "environment": map_of(ANY),
        "ephemeralStorageSize": INT,
        "name": S,
        "description": S,
        "architecture": S,
        "durableConfig": obj({"executionTimeout": INT, "retentionPeriodInDays": INT}),
        "reservedConcurrency": INT,
        "provisionedConcurrency": one_of(INT, obj({"alias": S, "executions": INT})),
        "role": S,
        "iam": obj(
            {
                "inheritStatements": B,
                "role": obj(
                    {
                        "name": S,
                        "path": S,
                        "statements": list_of(ref("iamStatement")),
                        "managedPolicies": LIST,
                        "permissionsBoundary": S,
                        "tags": TAGS,
                    }
                ),
            }
        ),
        # serverless-iam-roles-per-function's keys, built into v4
        "iamRoleStatements": list_of(ref("iamStatement")),
        "iamRoleStatementsName": S,
        "iamRoleStatementsInherit": B,
        "iamPermissionsBoundary": S,
        "onError": S,
        "kmsKeyArn": S,
        "awsKmsKeyArn": S,
        "snapStart": B,
        "recursiveLoop": S,
        "disableLogs": B,
        "logRetentionInDays": INT,
        "logDataProtectionPolicy": DATA_PROTECTION,
        "logs": LAMBDA_LOGS,
        "tenancy": obj({"mode": S}),
        "tags": TAGS,
        "vpc": VPC,
        "url": one_of(B, obj({"authorizer": S, "cors": CORS_URL, "invokeMode": S})),
        "package": FUNCTION_PACKAGE,
        "layers": LIST,
        "tracing": one_of(S, B),
        "condition": S,
        "dependsOn": one_of(S, STRINGS),
        "destinations": obj({"onSuccess": STREAM_DESTINATION, "onFailure": STREAM_DESTINATION}),
        "fileSystemConfig": obj({"arn": S, "localMountPath": S, "type": S}),
        "maximumRetryAttempts": INT,
        "maximumEventAge": INT,
        "versionFunction": B,
        "httpApi": obj({"payload": S}),
        "build": S,
        # v4 built-ins that were plugins before: serverless-python-requirements' module
        # folder and serverless-plugin-aws-alerts' alarms.
        "module": S,
        "alarms": LIST,
        "events": list_of(ref("event")),
    }
)

# -- resources and layers ----------------------------------------------------------------
CFN_RESOURCE = obj(
    {
        "Type": S,
        "Properties": OPEN,
        "CreationPolicy": OPEN,
        "DeletionPolicy": S,
        "DependsOn": one_of(S, STRINGS),
        "Metadata": OPEN,
        "UpdatePolicy": OPEN,
        "UpdateReplacePolicy": S,
        "Condition": S,
    }
)

RESOURCES_BLOCK = obj(
    {
        "AWSTemplateFormatVersion": S,
        "Description": S,
        "Metadata": OPEN,
        "Parameters": OPEN,
        "Mappings": OPEN,
        "Conditions": OPEN,
        "Transform": ANY,
        "Rules": OPEN,
        "Resources": map_of(CFN_RESOURCE),
        "Outputs": OPEN,
        "extensions": map_of(
            obj(
                {
                    "Properties": OPEN,
                    "CreationPolicy": OPEN,
                    "DeletionPolicy": S,
                    "DependsOn": one_of(S, STRINGS),
                    "Metadata": OPEN,
                    "UpdatePolicy": OPEN,
                    "UpdateReplacePolicy": S,
                    "Condition": S,
                }
            )
        ),
    }
)

LAYER = obj(
    {
        "path": S,
        "name": S,
        "description": S,
        "compatibleRuntimes": STRINGS,
        "compatibleArchitectures": STRINGS,
        "licenseInfo": S,
        "allowedAccounts": STRINGS,
        "retain": B,
        "package": FUNCTION_PACKAGE,
    }
)

# -- top level ------------------------------------------------------------------------
TOP = obj(
    {
        "service": ANY,  # a name; v1 allowed a mapping `{name: ...}`
        "frameworkVersion": S,
        "org": S,
        "app": S,
        "tenant": S,
        "licenseKey": S,
        "provider": one_of(S, ref("provider")),  # v1 allowed `provider: aws`
        "functions": one_of(map_of(ref("function")), list_of(map_of(ref("function")))),
        "layers": map_of(LAYER),
        "resources": one_of(RESOURCES_BLOCK, list_of(RESOURCES_BLOCK)),
        "package": PACKAGE,
        "plugins": one_of(STRINGS, obj({"localPath": S, "modules": STRINGS})),
        "custom": OPEN,
        "params": map_of(OPEN),
        "stages": map_of(obj({"observability": ANY, "resolvers": OPEN, "params": OPEN})),
        "useDotenv": one_of(B, S, STRINGS),
        "variablesResolutionMode": S,
        "configValidationMode": S,
        "deprecationNotificationMode": S,
        "disabledDeprecations": one_of(S, STRINGS),
        "console": one_of(B, OPEN),
        "dashboard": obj({"disableMonitoring": B}),
        "outputs": OPEN,
        "projectDir": S,
        "build": one_of(S, OPEN),
        "state": one_of(S, obj({"resolver": S})),
        "appSync": OPEN,  # v4 built-in (serverless-appsync-plugin before)
        "ai": OPEN,
        "mcp": OPEN,
        "sandboxes": OPEN,
    }
)

SCHEMA: Schema = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "$comment": "Generated by scripts/build_serverless_schema.py; edit that script.",
    "definitions": {
        "provider": PROVIDER,
        "function": FUNCTION,
        "iamStatement": IAM_STATEMENT,
        # An event is a mapping with one key, the event type.
        "event": {
            "type": "object",
            "properties": {name: ref(f"event.{name}") for name in EVENTS},
            "additionalProperties": False,
        },
        **{f"event.{name}": schema for name, schema in EVENTS.items()},
    },
    **TOP,
}

# -- plugins ------------------------------------------------------------------------
# What each popular plugin adds, by place: "top" (top-level keys), "provider",
# "function", "events" (new event types), "event.<type>" (keys of an existing event).
# A plugin listed here with nothing adds keys only under `custom`, which is open.
# A listed plugin that is not in this table may extend any of these places, so then
# unknown keys are not reported there.
PLUGINS: dict[str, dict[str, dict[str, Schema]]] = {
    "serverless-offline": {},
    "serverless-python-requirements": {"function": {"module": S}},
    "serverless-webpack": {},
    "serverless-esbuild": {"function": {"skipEsbuild": B, "esbuildEntrypoint": S}},
    "serverless-plugin-typescript": {},
    "@hewmen/serverless-plugin-typescript": {},
    "serverless-iam-roles-per-function": {
        "function": {
            "iamRoleStatements": list_of(ref("iamStatement")),
            "iamRoleStatementsName": S,
            "iamRoleStatementsInherit": B,
            "iamPermissionsBoundary": S,
        }
    },
    "serverless-step-functions": {"top": {"stepFunctions": OPEN, "validate": B}},
    "serverless-plugin-warmup": {"function": {"warmup": ANY}},
    "serverless-domain-manager": {},
    "serverless-prune-plugin": {},
    # Configured under `custom` only (verified in their sources or docs; issue 11).
    "serverless-bundle": {},
    "serverless-ruby-layer": {},
    "serverless-hooks-plugin": {},
    "serverless-layers": {},
    "serverless-plugin-tracing": {"provider": {"tracing": one_of(B, OPEN)}},
    "serverless-appsync-plugin": {"top": {"appSync": ANY}},
    "serverless-wsgi": {},
    "serverless-rack": {},
    "serverless-dynamodb-local": {},
    "serverless-dynamodb": {},
    "serverless-s3-sync": {},
    "serverless-plugin-aws-alerts": {"function": {"alarms": LIST}},
    "serverless-lift": {"top": {"constructs": OPEN, "lift": OPEN}},
    "serverless-apigw-binary": {},
    "serverless-pseudo-parameters": {},
    "serverless-dotenv-plugin": {},
    "serverless-plugin-optimize": {"function": {"optimize": ANY}},
    "serverless-plugin-canary-deployments": {"function": {"deploymentSettings": OPEN}},
    "serverless-api-gateway-caching": {"event.http": {"caching": OPEN}},
    "serverless-aws-documentation": {"event.http": {"documentation": OPEN}},
    "serverless-openapi-documentation": {"event.http": {"documentation": OPEN}},
    "serverless-reqvalidator-plugin": {"event.http": {"reqValidatorName": ANY}},
    "serverless-plugin-split-stacks": {},
    "serverless-plugin-lambda-dead-letter": {"function": {"deadLetter": OPEN}},
    "serverless-plugin-existing-s3": {"events": {"existingS3": OPEN}},
    "serverless-plugin-log-subscription": {"function": {"logSubscription": ANY}},
    "serverless-stack-output": {},
    "serverless-finch": {},
    "serverless-plugin-scripts": {},
    "serverless-apigateway-service-proxy": {},
    "serverless-plugin-include-dependencies": {},
    "serverless-plugin-monorepo": {},
    "serverless-plugin-git-variables": {},
    "serverless-cloudformation-sub-variables": {},
    "serverless-associate-waf": {},
    "serverless-plugin-datadog": {},
    "serverless-export-env": {},
}


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "serverless-schema.json").write_text(
        json.dumps(SCHEMA, indent=1, sort_keys=False) + "\n", encoding="utf-8"
    )
    (OUT / "serverless-plugins.json").write_text(
        json.dumps(PLUGINS, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
