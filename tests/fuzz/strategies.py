"""Hypothesis strategies: deployment configs (serverless.yml, SAM, CloudFormation) and
Python handler modules, valid in shape with random values, then optionally mutated.

A generated project is a mapping of relative file names to bytes. Documents are built
as plain Python values (dicts, lists, scalars, `Tag` for short-form intrinsics) and
rendered to YAML text by `render_yaml` (random scalar styles, flow collections,
anchors and aliases) or to JSON by `render_json`; text mutations then break indentation,
line breaks and encodings the way hand-edited files do.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

Project = dict[str, bytes]

# -- scalars --------------------------------------------------------------------------
# Characters that line breakers, decoders and column counters disagree about.
ODD_CHARACTERS = (
    "\x85",
    "\u2028",
    "\u2029",
    "\x0c",
    "\x0b",
    "\x1c",
    "\x00",
    "\ufeff",
    "\r",
    "\t",
    "\udcff",  # a raw, undecodable byte once encoded with surrogateescape
    "\ud800",  # a lone surrogate: not encodable as UTF-8 at all
    "é",
    "\u00a0",
    "\U0001f600",
    "日本",
    "'",
    '"',
    "#",
    ": ",
    "- ",
    "&",
    "*",
    "!",
    "%",
    "@",
    "`",
    "|",
    ">",
    "{",
    "}",
    "[",
    "]",
    ",",
    "\\",
    "${",
)

identifiers = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,11}", fullmatch=True)
odd_text = st.lists(
    st.one_of(st.sampled_from(ODD_CHARACTERS), identifiers, st.characters()), max_size=6
).map("".join)
any_text = st.one_of(identifiers, identifiers, odd_text)
numbers = st.one_of(
    st.integers(-3, 1000),
    st.sampled_from([0, 1, 3, 15, 29, 30, 60, 300, 900, 901, 1_000_000, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
)
RUNTIMES = (
    "python3.12",
    "python3.11",
    "python3.8",
    "python2.7",
    "python3.13",
    "nodejs18.x",
    "provided.al2",
    "python",
)
ARNS = (
    "arn:aws:sqs:us-east-1:123456789012:queue",
    "arn:aws:kinesis:us-east-1:123456789012:stream/s",
    "arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/2024",
    "arn:aws:sns:us-east-1:123456789012:topic",
    "arn:aws:s3:::bucket",
    "*",
    "arn:aws:lambda:us-east-1:123456789012:function:f",
)


@dataclass(frozen=True)
class Tag:
    """A short-form CloudFormation intrinsic (`!Ref x`): `Fn::X` in JSON."""

    name: str
    value: Any


def scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        any_text,
        numbers,
        st.booleans(),
        st.none(),
        st.sampled_from(ARNS),
        st.sampled_from(RUNTIMES),
    )


# -- intrinsics -------------------------------------------------------------------------
def intrinsics(logical_ids: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """Well-formed and malformed intrinsic functions, in short and long form."""
    well_formed = st.one_of(
        logical_ids.map(lambda n: Tag("Ref", n)),
        logical_ids.map(lambda n: {"Ref": n}),
        logical_ids.map(lambda n: Tag("GetAtt", f"{n}.Arn")),
        logical_ids.map(lambda n: {"Fn::GetAtt": [n, "Arn"]}),
        st.builds(
            lambda n, t: Tag("Sub", f"arn:${{AWS::Region}}:{n}-${{{t}}}"), logical_ids, any_text
        ),
        st.builds(lambda n: {"Fn::Sub": [f"${{X}}-{n}", {"X": Tag("Ref", n)}]}, logical_ids),
        st.builds(lambda a, b: Tag("If", ["IsProd", a, b]), scalars(), scalars()),
        st.builds(lambda a, b: Tag("Join", ["", [a, b]]), scalars(), scalars()),
        st.builds(lambda n: {"Fn::Select": [0, [n, "x"]]}, scalars()),
        st.builds(lambda n: Tag("Select", [n, Tag("Split", [",", "a,b"])]), st.integers(-2, 3)),
        st.just(Tag("ImportValue", "shared-queue-arn")),
        st.just({"Fn::FindInMap": ["Map", "k", "v"]}),
        st.just(Tag("GetAZs", "")),
    )
    malformed = st.one_of(
        st.builds(lambda v: {"Ref": v}, st.one_of(st.lists(scalars(), max_size=2), numbers)),
        st.builds(
            lambda v: {"Fn::GetAtt": v}, st.one_of(scalars(), st.lists(scalars(), max_size=4))
        ),
        st.builds(lambda v: Tag("GetAtt", v), st.one_of(any_text, st.lists(any_text, max_size=3))),
        st.builds(lambda v: Tag("If", v), st.lists(scalars(), max_size=4)),
        st.builds(lambda v: {"Fn::Join": v}, st.one_of(scalars(), st.lists(scalars(), max_size=3))),
        st.builds(
            lambda v: {"Fn::Select": v}, st.one_of(scalars(), st.lists(scalars(), max_size=3))
        ),
        st.builds(lambda v: Tag("Sub", v), st.one_of(st.lists(scalars(), max_size=3), numbers)),
        st.builds(lambda v: {"Fn::Sub": v}, st.just("${unterminated")),
        st.builds(lambda v: {"Ref": "x", "Fn::GetAtt": v}, scalars()),
        st.builds(lambda v: Tag("Unknown", v), scalars()),
        st.builds(
            lambda v: Tag("Ref", v),
            st.one_of(st.dictionaries(identifiers, scalars(), max_size=2), st.none()),
        ),
    )
    return st.one_of(well_formed, well_formed, malformed)


# -- serverless variables --------------------------------------------------------------
CUSTOM_KEYS = ("a", "b", "c", "stage", "timeout", "queue", "nested")


def serverless_variables() -> st.SearchStrategy[str]:
    simple = st.one_of(
        st.sampled_from(CUSTOM_KEYS).map(lambda k: f"${{self:custom.{k}}}"),
        st.just("${self:custom.nested.deep.deeper}"),
        st.just("${self:provider.timeout}"),
        st.just("${self:}"),
        st.just("${opt:stage, 'dev'}"),
        st.just("${opt:region}"),
        st.just("${sls:stage}"),
        st.just("${aws:region}"),
        st.builds(
            lambda n, d: f"${{env:{n}, {d}}}",
            identifiers,
            st.sampled_from(["10", "'x'", "true", "${opt:stage}"]),
        ),
        st.just("${env:HOME}"),
        st.just("${file(./extra.yml):values.timeout}"),
        st.just("${file(./extra.yml)}"),
        st.just("${file(./config.json):arn}"),
        st.just("${file(./missing.yml):x}"),
        st.just("${file(./code.js):compute}"),
        st.just("${file(../outside.yml)}"),
        st.just("${file(./serverless.yml):custom.a}"),
        st.just("${ssm:/path/to/param}"),
        st.just("${cf:stack.Output}"),
        st.just("${param:name}"),
        st.just("${strToBool(true)}"),
        st.just("${self:custom.${opt:stage, 'dev'}}"),
        st.just("${self:custom.${self:custom.stage}.x}"),
        st.just("${self:custom.a, ${self:custom.b, 5}}"),
        # malformed
        st.just("${self:custom.a"),
        st.just("${"),
        st.just("${}"),
        st.just("${self:custom..a}"),
        st.just("${file()}"),
        st.just("${file(./extra.yml):}"),
        st.just("$${self:custom.a}"),
        st.just("${self:custom.a}}"),
        st.just("${{self:custom.a}"),
    )
    return st.one_of(
        simple,
        st.builds(lambda a, v, b: f"{a}-{v}-{b}", identifiers, simple, identifiers),
        st.builds(lambda v, w: f"{v}{w}", simple, simple),
    )


def values(logical_ids: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    """A leaf value: mostly plain scalars, sometimes a variable or an intrinsic."""
    return st.one_of(scalars(), scalars(), serverless_variables(), intrinsics(logical_ids))


def maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """A value that may also be replaced by something of the wrong type."""
    return st.one_of(strategy, strategy, strategy, scalars(), st.lists(scalars(), max_size=2))


def optional_fields(**fields: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A mapping with a random subset of the given fields."""
    return st.fixed_dictionaries({}, optional=fields)


# -- handlers ---------------------------------------------------------------------------
MODULES = ("handler", "src/app", "functions/orders/handler", "lib/worker")
FUNCTIONS = ("handler", "lambda_handler", "main", "process")


@st.composite
def handler_names(draw: st.DrawFn) -> str:
    """`module.function` (path style) as serverless and SAM write it."""
    module = draw(st.sampled_from(MODULES))
    function = draw(st.sampled_from(FUNCTIONS))
    return draw(
        st.one_of(
            st.just(f"{module}.{function}"),
            st.just(f"{module}.{function}"),
            st.just(f"{module.replace('/', '.')}.{function}"),
            st.just(function),
            st.just(f"{module}."),
            st.just(f"./{module}.{function}"),
            any_text,
        )
    )


# -- serverless.yml ---------------------------------------------------------------------
def serverless_events(ids: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    v = values(ids)
    destinations = optional_fields(onFailure=maybe(st.sampled_from(ARNS)))
    http = optional_fields(
        path=maybe(st.sampled_from(["/", "orders/{id}", "/a/b"])),
        method=maybe(st.sampled_from(["get", "post", "any", "PUT"])),
        cors=st.one_of(st.booleans(), st.just({"origin": "*"}), st.just({"origins": ["*"]})),
        request=st.just({"schemas": {"application/json": {"type": "object"}}}),
        authorizer=maybe(any_text),
        integration=st.sampled_from(["lambda", "lambda-proxy"]),
        timeout=maybe(numbers),
    )
    sqs = optional_fields(
        arn=maybe(st.one_of(st.sampled_from(ARNS), intrinsics(ids))),
        batchSize=maybe(numbers),
        functionResponseType=st.sampled_from(["ReportBatchItemFailures", "x"]),
        maximumBatchingWindow=maybe(numbers),
        enabled=st.booleans(),
    )
    stream = optional_fields(
        arn=maybe(st.one_of(st.sampled_from(ARNS), intrinsics(ids))),
        type=st.sampled_from(["dynamodb", "kinesis", "other"]),
        batchSize=maybe(numbers),
        maximumRetryAttempts=maybe(numbers),
        bisectBatchOnFunctionError=maybe(st.booleans()),
        functionResponseType=st.just("ReportBatchItemFailures"),
        destinations=destinations,
        startingPosition=st.sampled_from(["LATEST", "TRIM_HORIZON"]),
    )
    s3 = optional_fields(
        bucket=maybe(any_text),
        event=maybe(st.sampled_from(["s3:ObjectCreated:*", "s3:ObjectRemoved:*"])),
        rules=st.lists(
            st.dictionaries(st.sampled_from(["prefix", "suffix"]), any_text, max_size=2), max_size=2
        ),
        existing=st.booleans(),
    )
    schedule = st.one_of(
        st.sampled_from(["rate(5 minutes)", "rate(1 minute)", "cron(0 12 * * ? *)", "rate(x)"]),
        optional_fields(
            rate=maybe(st.sampled_from(["rate(5 minutes)", "rate(1 minute)"])),
            enabled=st.booleans(),
            input=st.just({"warmer": True}),
        ),
    )
    sns = st.one_of(
        st.sampled_from(ARNS),
        any_text,
        optional_fields(arn=maybe(st.sampled_from(ARNS)), topicName=any_text),
    )
    event_bridge = optional_fields(
        pattern=st.just({"source": ["aws.s3"]}),
        eventBus=maybe(any_text),
        retryPolicy=optional_fields(maximumRetryAttempts=maybe(numbers)),
        deadLetterQueueArn=maybe(st.sampled_from(ARNS)),
    )
    kinds: dict[str, st.SearchStrategy[Any]] = {
        "http": st.one_of(http, st.just("GET /orders"), any_text),
        "httpApi": st.one_of(http, st.just("*"), st.just("POST /x")),
        "sqs": st.one_of(sqs, st.sampled_from(ARNS), intrinsics(ids)),
        "stream": st.one_of(stream, st.sampled_from(ARNS)),
        "s3": st.one_of(s3, any_text),
        "schedule": schedule,
        "sns": sns,
        "eventBridge": event_bridge,
    }
    event = st.one_of(*[body.map(lambda b, k=kind: {k: b}) for kind, body in kinds.items()])
    return st.one_of(event, event, event, v, st.dictionaries(identifiers, v, max_size=2))


@st.composite
def serverless_function(draw: st.DrawFn, ids: st.SearchStrategy[str]) -> dict[str, Any]:
    v = values(ids)
    body = draw(
        optional_fields(
            timeout=maybe(st.one_of(numbers, serverless_variables())),
            memorySize=maybe(numbers),
            runtime=maybe(st.sampled_from(RUNTIMES)),
            reservedConcurrency=maybe(numbers),
            events=st.one_of(st.lists(serverless_events(ids), max_size=4), v),
            environment=st.dictionaries(identifiers, v, max_size=3),
            destinations=optional_fields(onFailure=maybe(st.sampled_from(ARNS))),
            layers=st.lists(v, max_size=2),
            url=st.one_of(st.booleans(), st.just({"authorizer": "none", "cors": True})),
            tracing=st.sampled_from(["Active", "PassThrough", True]),
            logRetentionInDays=maybe(numbers),
            maximumRetryAttempts=maybe(numbers),
            iamRoleStatements=st.lists(
                optional_fields(
                    Effect=st.just("Allow"),
                    Action=st.sampled_from(["*", "s3:*", "sqs:SendMessage"]),
                    Resource=st.sampled_from(ARNS),
                ),
                max_size=2,
            ),
            package=optional_fields(
                patterns=st.lists(any_text, max_size=2), individually=st.booleans()
            ),
        )
    )
    if draw(st.integers(0, 9)):
        body["handler"] = draw(st.one_of(handler_names(), v))
    return body


@st.composite
def serverless_documents(draw: st.DrawFn) -> dict[str, Any]:
    logical = st.sampled_from(
        ["Queue", "Table", "Bucket", "Topic", "Missing", "HelloLambdaFunction"]
    )
    v = values(logical)
    custom: dict[str, Any] = draw(st.fixed_dictionaries({}, optional={k: v for k in CUSTOM_KEYS}))
    if draw(st.booleans()):
        # Self-reference and a cycle.
        custom["a"] = "${self:custom.b}"
        custom["b"] = draw(
            st.sampled_from(["${self:custom.a}", "${self:custom.b}", "x-${self:custom.a}-y"])
        )
    if draw(st.booleans()):
        custom["nested"] = {"deep": {"deeper": draw(v)}, "dev": {"x": draw(v)}}
    document: dict[str, Any] = {
        "service": draw(st.one_of(identifiers, v)),
        "frameworkVersion": draw(st.sampled_from(["3", "4", ">=3.0.0"])),
        "provider": draw(
            optional_fields(
                name=st.sampled_from(["aws", "google"]),
                runtime=maybe(st.sampled_from(RUNTIMES)),
                timeout=maybe(st.one_of(numbers, serverless_variables())),
                memorySize=maybe(numbers),
                stage=v,
                region=v,
                tracing=optional_fields(lambda_=st.booleans()).map(
                    lambda d: {"lambda": d.get("lambda_", True)}
                ),
                logRetentionInDays=maybe(numbers),
                environment=st.dictionaries(identifiers, v, max_size=3),
                iam=st.just(
                    {"role": {"statements": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}
                ),
                iamRoleStatements=st.lists(
                    st.just({"Effect": "Allow", "Action": ["s3:*"], "Resource": "*"}), max_size=1
                ),
                layers=st.lists(v, max_size=1),
            )
        ),
        "functions": draw(
            st.one_of(
                st.dictionaries(identifiers, serverless_function(logical), min_size=1, max_size=4),
                st.lists(
                    st.dictionaries(identifiers, serverless_function(logical), max_size=1),
                    max_size=2,
                ),
                v,
            )
        ),
    }
    if custom:
        document["custom"] = custom
    if draw(st.booleans()):
        document["resources"] = {"Resources": draw(cfn_resources(logical, sam=False))}
    if draw(st.booleans()):
        document["plugins"] = draw(
            st.lists(
                st.sampled_from(["serverless-python-requirements", "serverless-plugin-warmup"]),
                max_size=2,
            )
        )
    if draw(st.integers(0, 5)) == 0:
        document["functions"] = "${file(./extra.yml):functions}"
    return document


def extra_files() -> st.SearchStrategy[dict[str, Any]]:
    """Documents a serverless.yml includes with `${file(...)}` (some refer back)."""
    logical = st.sampled_from(["Queue", "Table"])
    return st.fixed_dictionaries(
        {"values": optional_fields(timeout=maybe(st.one_of(numbers, serverless_variables())))},
        optional={
            "functions": st.dictionaries(identifiers, serverless_function(logical), max_size=2),
            "back": st.sampled_from(
                ["${file(./serverless.yml)}", "${file(./extra.yml):back}", "${self:custom.a}"]
            ),
        },
    )


# -- CloudFormation and SAM -----------------------------------------------------------
def sam_events(ids: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    source = st.one_of(st.sampled_from(ARNS), intrinsics(ids))
    stream_props = optional_fields(
        Stream=maybe(source),
        StartingPosition=st.just("LATEST"),
        BatchSize=maybe(numbers),
        MaximumRetryAttempts=maybe(numbers),
        BisectBatchOnFunctionError=maybe(st.booleans()),
        FunctionResponseTypes=st.just(["ReportBatchItemFailures"]),
        DestinationConfig=st.just({"OnFailure": {"Destination": ARNS[0]}}),
    )
    api_props = optional_fields(
        Path=maybe(st.sampled_from(["/", "/orders/{id}"])),
        Method=maybe(st.sampled_from(["get", "post", "any"])),
        RestApiId=intrinsics(ids),
        RequestModel=st.just({"Model": "Order", "Required": True}),
        Auth=st.just({"Authorizer": "NONE"}),
    )
    kinds: dict[str, st.SearchStrategy[Any]] = {
        "Api": api_props,
        "HttpApi": api_props,
        "SQS": optional_fields(
            Queue=maybe(source),
            BatchSize=maybe(numbers),
            FunctionResponseTypes=st.just(["ReportBatchItemFailures"]),
        ),
        "Kinesis": stream_props,
        "DynamoDB": stream_props,
        "S3": optional_fields(
            Bucket=maybe(intrinsics(ids)),
            Events=st.sampled_from(["s3:ObjectCreated:*", ["s3:ObjectCreated:Put"]]),
        ),
        "Schedule": optional_fields(
            Schedule=maybe(st.sampled_from(["rate(5 minutes)", "rate(1 minute)"])),
            Input=st.just('{"warmer": true}'),
        ),
        "SNS": optional_fields(Topic=maybe(source)),
        "EventBridgeRule": optional_fields(Pattern=st.just({"source": ["x"]})),
    }
    event = st.one_of(
        *[
            st.builds(lambda p, k=kind: {"Type": k, "Properties": p}, maybe(body))
            for kind, body in kinds.items()
        ]
    )
    return st.dictionaries(identifiers, st.one_of(event, event, event, scalars()), max_size=3)


@st.composite
def cfn_resources(draw: st.DrawFn, ids: st.SearchStrategy[str], *, sam: bool) -> dict[str, Any]:
    v = values(ids)
    resources: dict[str, Any] = {}
    kinds = [
        "AWS::Lambda::Function",
        "AWS::SQS::Queue",
        "AWS::Lambda::EventSourceMapping",
        "AWS::Lambda::Permission",
        "AWS::ApiGateway::Method",
        "AWS::IAM::Role",
        "AWS::Logs::LogGroup",
        "AWS::Lambda::Url",
        "AWS::S3::Bucket",
    ]
    if sam:
        kinds += ["AWS::Serverless::Function"] * 3 + [
            "AWS::Serverless::Api",
            "AWS::Serverless::HttpApi",
        ]
    for name in draw(
        st.lists(
            st.sampled_from(
                [
                    "Queue",
                    "Table",
                    "Bucket",
                    "Topic",
                    "Fn",
                    "Other",
                    "Api",
                    "Role",
                    "Mapping",
                    "Perm",
                ]
            ),
            max_size=6,
            unique=True,
        )
    ):
        kind = draw(st.sampled_from(kinds))
        props: Any
        if kind == "AWS::Serverless::Function":
            props = draw(
                optional_fields(
                    Handler=st.one_of(handler_names(), v),
                    CodeUri=st.one_of(st.sampled_from([".", "src/", "./", "s3://b/k.zip", ""]), v),
                    Runtime=maybe(st.sampled_from(RUNTIMES)),
                    Timeout=maybe(numbers),
                    MemorySize=maybe(numbers),
                    Events=st.one_of(sam_events(ids), v),
                    Policies=st.one_of(
                        st.just("AmazonS3FullAccess"),
                        st.just(
                            [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]
                        ),
                        v,
                    ),
                    FunctionUrlConfig=st.just({"AuthType": "NONE"}),
                    Tracing=st.sampled_from(["Active", "PassThrough"]),
                    EventInvokeConfig=st.just({"MaximumRetryAttempts": 2}),
                    Environment=st.builds(
                        lambda d: {"Variables": d}, st.dictionaries(identifiers, v, max_size=2)
                    ),
                )
            )
        elif kind == "AWS::Lambda::Function":
            props = draw(
                optional_fields(
                    Handler=st.one_of(handler_names(), v),
                    Code=st.one_of(
                        st.sampled_from([".", "src", "s3://b/k"]),
                        st.just({"ZipFile": "def handler(e, c):\n    return 1\n"}),
                        st.just({"S3Bucket": "b", "S3Key": "k"}),
                        v,
                    ),
                    Runtime=maybe(st.sampled_from(RUNTIMES)),
                    Timeout=maybe(numbers),
                    Role=intrinsics(ids),
                    TracingConfig=st.just({"Mode": "Active"}),
                )
            )
        elif kind == "AWS::Lambda::EventSourceMapping":
            props = draw(
                optional_fields(
                    FunctionName=intrinsics(ids),
                    EventSourceArn=st.one_of(st.sampled_from(ARNS), intrinsics(ids)),
                    BatchSize=maybe(numbers),
                    MaximumRetryAttempts=maybe(numbers),
                    FunctionResponseTypes=st.just(["ReportBatchItemFailures"]),
                    BisectBatchOnFunctionError=st.booleans(),
                )
            )
        elif kind == "AWS::Lambda::Permission":
            props = draw(
                optional_fields(
                    FunctionName=intrinsics(ids),
                    Action=st.just("lambda:InvokeFunction"),
                    Principal=st.sampled_from(
                        ["s3.amazonaws.com", "apigateway.amazonaws.com", "*"]
                    ),
                    SourceArn=intrinsics(ids),
                )
            )
        elif kind == "AWS::ApiGateway::Method":
            props = draw(
                optional_fields(
                    HttpMethod=st.sampled_from(["GET", "POST", "ANY"]),
                    AuthorizationType=st.just("NONE"),
                    Integration=st.builds(
                        lambda u: {
                            "Type": "AWS_PROXY",
                            "IntegrationHttpMethod": "POST",
                            "Uri": u,
                            "TimeoutInMillis": 29000,
                        },
                        intrinsics(ids),
                    ),
                    RequestModels=st.just({"application/json": "Order"}),
                    RequestValidatorId=intrinsics(ids),
                )
            )
        elif kind == "AWS::SQS::Queue":
            props = draw(
                optional_fields(
                    VisibilityTimeout=maybe(numbers), RedrivePolicy=st.just({"maxReceiveCount": 3})
                )
            )
        else:
            props = draw(st.dictionaries(identifiers, v, max_size=3))
        resource: dict[str, Any] = {"Type": kind}
        if draw(st.integers(0, 9)):
            resource["Properties"] = draw(maybe(st.just(props)))
        if draw(st.integers(0, 6)) == 0:
            resource["Metadata"] = {
                "aws:asset:path": draw(st.sampled_from(["asset.1", "../x", ""]))
            }
        if draw(st.integers(0, 6)) == 0:
            resource["Condition"] = "IsProd"
        resources[name] = resource
    return resources


@st.composite
def templates(draw: st.DrawFn, *, sam: bool) -> dict[str, Any]:
    ids = st.sampled_from(["Queue", "Table", "Bucket", "Topic", "Fn", "Other", "Api", "Missing"])
    document: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
    if sam:
        document["Transform"] = draw(
            st.sampled_from(["AWS::Serverless-2016-10-31", ["AWS::Serverless-2016-10-31"]])
        )
        if draw(st.booleans()):
            document["Globals"] = {
                "Function": draw(
                    optional_fields(
                        Timeout=maybe(numbers),
                        Runtime=maybe(st.sampled_from(RUNTIMES)),
                        Handler=handler_names(),
                        CodeUri=st.sampled_from([".", "src/"]),
                    )
                )
            }
    if draw(st.booleans()):
        document["Conditions"] = {"IsProd": Tag("Equals", ["prod", Tag("Ref", "Stage")])}
    if draw(st.booleans()):
        document["Parameters"] = {"Stage": {"Type": "String", "Default": draw(any_text)}}
    resources = draw(cfn_resources(ids, sam=sam))
    # Make sure the sniffer recognises it as a template most of the time.
    function_type = "AWS::Serverless::Function" if sam else "AWS::Lambda::Function"
    if draw(st.integers(0, 5)):
        resources.setdefault(
            "Handler",
            {
                "Type": function_type,
                "Properties": {
                    "Handler": draw(handler_names()),
                    "Runtime": "python3.12",
                    ("CodeUri" if sam else "Code"): ".",
                },
            },
        )
    document["Resources"] = resources
    if draw(st.booleans()):
        document["Outputs"] = {"Arn": {"Value": Tag("GetAtt", "Fn.Arn")}}
    return document


# -- rendering ----------------------------------------------------------------------------
_PLAIN = re.compile(r"[A-Za-z_/$.][A-Za-z0-9_./${}()\-:,' ]*")
_RESERVED = re.compile(r"(?i)y|n|yes|no|on|off|true|false|null|~|[-+.0-9].*")


class YamlRenderer:
    """Block YAML with random scalar styles, some flow collections, anchors and aliases.

    Anchors only label small nodes and each alias is used at most a few times, so the
    expansion stays small (alias bombs are tested elsewhere)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.anchors: list[str] = []
        self.aliases_left = 4

    def scalar(self, value: Any) -> str:
        if value is None:
            return self.rng.choice(["null", "~", ""])
        if isinstance(value, bool):
            return (
                self.rng.choice(["true", "false"])
                if self.rng.random() < 0.1
                else ("true" if value else "false")
            )
        if isinstance(value, (int, float)):
            return (
                json.dumps(value)
                if value == value and abs(value) != float("inf")
                else self.rng.choice([".nan", ".inf", "-.inf"])
            )
        text = str(value)
        style = self.rng.random()
        if (
            style < 0.6
            and _PLAIN.fullmatch(text)
            and not _RESERVED.fullmatch(text)
            and ": " not in text
            and " #" not in text
            and not text.endswith((" ", ":"))
        ):
            return text
        if style < 0.8 and not any(c in text for c in "\r\n\x85\u2028\u2029\x00\x0b\x0c\x1c\ufeff"):
            return "'" + text.replace("'", "''") + "'"
        return json.dumps(text, ensure_ascii=self.rng.random() < 0.5)

    def small(self, value: Any) -> bool:
        return not isinstance(value, (dict, list, Tag)) or len(json.dumps(value, default=str)) < 80

    def label(self, value: Any) -> str:
        """An anchor before a small node (`&a `), or nothing."""
        if self.rng.random() < 0.08 and self.small(value):
            name = f"a{len(self.anchors)}"
            self.anchors.append(name)
            return f"&{name} "
        return ""

    def alias(self) -> str | None:
        if self.anchors and self.aliases_left and self.rng.random() < 0.08:
            self.aliases_left -= 1
            return f"*{self.rng.choice(self.anchors)}"
        return None

    def inline(self, value: Any) -> str | None:
        """A one-line rendering (scalar or flow collection), or None for block only."""
        if isinstance(value, Tag):
            inner = self.inline(value.value)
            return None if inner is None else f"!{value.name} {inner}".rstrip()
        if isinstance(value, dict):
            if not value:
                return "{}"
            if self.rng.random() < 0.15 and len(value) <= 3:
                parts = [
                    self.inline(k) + ": " + (self.inline(v) or "null")
                    for k, v in value.items()
                    if self.inline(k)
                ]  # type: ignore[operator]
                if all(isinstance(v, (str, int, float, bool)) or v is None for v in value.values()):
                    return "{" + ", ".join(parts) + "}"
            return None
        if isinstance(value, list):
            if not value:
                return "[]"
            if self.rng.random() < 0.15 and all(
                not isinstance(v, (dict, list, Tag)) for v in value
            ):
                return "[" + ", ".join(self.scalar(v) for v in value) + "]"
            return None
        return self.scalar(value)

    def key(self, key: Any) -> str:
        text = self.scalar(key if key is not None else "null")
        if self.rng.random() < 0.02:
            return "? " + text + "\n"  # a complex-key marker (rare)
        return text

    def block(self, value: Any, indent: int) -> list[str]:
        pad = " " * indent
        lines: list[str] = []
        if isinstance(value, dict):
            for k, v in value.items():
                key = self.key(k)
                if key.startswith("? "):
                    key = key.strip()[2:]
                lines.extend(self.entry(f"{pad}{key}:", v, indent))
            if self.anchors and self.rng.random() < 0.03:
                lines.append(f"{pad}<<: *{self.rng.choice(self.anchors)}")
        elif isinstance(value, list):
            for item in value:
                lines.extend(self.entry(f"{pad}-", item, indent, in_list=True))
        else:
            lines.append(pad + (self.inline(value) or "null"))
        return lines

    def entry(self, head: str, value: Any, indent: int, *, in_list: bool = False) -> list[str]:
        alias = self.alias()
        if alias is not None:
            return [f"{head} {alias}"]
        label = self.label(value)
        inline = self.inline(value)
        if inline is not None:
            return [f"{head} {label}{inline}".rstrip()]
        child = indent + 2
        if isinstance(value, Tag):
            return [f"{head} {label}!{value.name}".rstrip(), *self.block(value.value, child)]
        if in_list and isinstance(value, dict) and not label and self.rng.random() < 0.7:
            # `- key: value` with the rest of the mapping aligned under it.
            inner = self.block(value, child)
            inner[0] = f"{head} {inner[0].lstrip()}"
            return inner
        if label:
            return [f"{head} {label}".rstrip(), *self.block(value, child)]
        return [head, *self.block(value, child)]


def render_yaml(document: Any, rng: random.Random) -> str:
    return "\n".join(YamlRenderer(rng).block(document, 0)) + "\n"


def _long_form(value: Any) -> Any:
    if isinstance(value, Tag):
        inner = _long_form(value.value)
        if value.name == "Ref":
            return {"Ref": inner}
        if value.name == "GetAtt" and isinstance(inner, str):
            return {"Fn::GetAtt": inner.split(".", 1)}
        return {f"Fn::{value.name}": inner}
    if isinstance(value, dict):
        return {str(k): _long_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_long_form(v) for v in value]
    if isinstance(value, float) and (value != value or abs(value) == float("inf")):
        return str(value)
    return value


def render_json(document: Any, rng: random.Random) -> str:
    indent = rng.choice([None, 1, 2, 4])
    return json.dumps(_long_form(document), indent=indent, ensure_ascii=rng.random() < 0.5) + "\n"


# -- text mutations -----------------------------------------------------------------------
def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True) or [""]


def _mutate_line(text: str, rng: random.Random, change: Callable[[str], str]) -> str:
    lines = _lines(text)
    index = rng.randrange(len(lines))
    lines[index] = change(lines[index])
    return "".join(lines)


def mutate_text(text: str, rng: random.Random) -> str:
    """One random edit of the kind hand-edited files have: broken indentation, a stray
    character, an unusual line break, a truncation."""
    choice = rng.randrange(12)
    if choice == 0:  # indent a line
        return _mutate_line(text, rng, lambda line: rng.choice([" ", "  ", "\t", "   "]) + line)
    if choice == 1:  # dedent a line
        return _mutate_line(
            text, rng, lambda line: line[rng.randint(1, 3) :] if line.startswith(" ") else line
        )
    if choice == 2:  # insert an odd character
        at = rng.randrange(len(text) + 1)
        return text[:at] + rng.choice(ODD_CHARACTERS) + text[at:]
    if choice == 3:  # delete a span
        at = rng.randrange(len(text) + 1)
        return text[:at] + text[at + rng.randint(1, 8) :]
    if choice == 4:  # truncate
        return text[: rng.randrange(len(text) + 1)]
    if choice == 5:  # duplicate a line
        lines = _lines(text)
        index = rng.randrange(len(lines))
        lines.insert(index, lines[index])
        return "".join(lines)
    if choice == 6:  # swap two lines
        lines = _lines(text)
        a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[a], lines[b] = lines[b], lines[a]
        return "".join(lines)
    if choice == 7:  # every line break becomes another one
        return text.replace("\n", rng.choice(["\r\n", "\r", "\x85", "\u2028", "\n\n"]))
    if choice == 8:  # one line break becomes another one
        positions = [i for i, c in enumerate(text) if c == "\n"]
        if not positions:
            return text
        at = rng.choice(positions)
        return (
            text[:at]
            + rng.choice(["\r", "\x85", "\u2028", "\u2029", "\r\n", "\x0c\n"])
            + text[at + 1 :]
        )
    if choice == 9:  # a byte order mark, or a tab for indentation
        return rng.choice(["\ufeff" + text, text.replace("  ", "\t", 1)])
    if choice == 10:  # a comment, possibly a suppression
        return _mutate_line(
            text,
            rng,
            lambda line: (
                line.rstrip("\r\n")
                + rng.choice(
                    ["  # slint: ignore", "  # slint: ignore[SL101]", "  # noqa", " #", "#"]
                )
                + line[len(line.rstrip("\r\n")) :]
            ),
        )
    # a no-break space or a stray quote at the start of a line
    return _mutate_line(
        text, rng, lambda line: rng.choice(["\u00a0", "'", '"', "- ", "? ", "&x ", "*x "]) + line
    )


def encode(text: str) -> bytes:
    """UTF-8, with escaped surrogates as the raw bytes they stand for (and other lone
    surrogates as invalid sequences)."""
    try:
        return text.encode("utf-8", errors="surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", errors="surrogatepass")


@st.composite
def rendered(
    draw: st.DrawFn, documents: st.SearchStrategy[Any], *, json_allowed: bool, mutations: int
) -> str:
    """A document as text: YAML (or JSON), with up to `mutations` random edits."""
    document = draw(documents)
    rng = draw(st.randoms(use_true_random=False))
    text = (
        render_json(document, rng)
        if json_allowed and rng.random() < 0.25
        else render_yaml(document, rng)
    )
    for _ in range(draw(st.integers(0, mutations))):
        text = mutate_text(text, rng)
    if rng.random() < 0.1:
        text = text.replace("\n", "\r\n")
    return text


# -- Python handler modules ---------------------------------------------------------------
CLIENT_SERVICES = ("s3", "sqs", "dynamodb", "lambda", "sns", "secretsmanager", "events")
_NAMES = ("table", "client", "s3", "queue", "records", "item", "result", "data", "total")


def _expression(rng: random.Random) -> str:
    return rng.choice(
        [
            'event["body"]',
            'json.loads(event["body"])',
            'event.get("Records", [])',
            "record",
            'record["s3"]["object"]["key"]',
            'urllib.parse.unquote_plus(record["s3"]["object"]["key"])',
            'os.environ["TABLE"]',
            'os.environ.get("QUEUE_URL", "")',
            f'boto3.client("{rng.choice(CLIENT_SERVICES)}")',
            f'boto3.resource("dynamodb").Table("{rng.choice(_NAMES)}")',
            'boto3.Session().client("s3", config=Config(retries={"max_attempts": 20}))',
            'requests.get("https://example.com")',
            'requests.post("https://example.com", json=event, timeout=3)',
            'httpx.get("https://x", timeout=None)',
            'urllib.request.urlopen("https://x")',
            'table.get_item(Key={"id": record["id"]})',
            'table.get_item(Key={"id": 1})["Item"]["count"] + 1',
            'f"{event!r:>10} {len(records)=}"',
            "[r for r in event['Records'] if r]",
            "{k: v for k, v in event.items()}",
            "(n := len(event))",
            "lambda x: x + 1",
            "await asyncio.sleep(0)",
            "context.get_remaining_time_in_millis()",
            "'AKIAIOSFODNN7EXAMPLE'",
            "None",
            "...",
            "b'\\x00'",
            "0x_ff" if rng.random() < 0.05 else "1_000",
            "x if x else y",
            "not (a and b or c)",
            "*args",
            "yield record",
        ]
    )


def _simple_statement(rng: random.Random) -> str:
    name = rng.choice(_NAMES)
    return rng.choice(
        [
            f"{name} = {_expression(rng)}",
            f"{name}: dict[str, int] = {{}}",
            f"{name} += 1",
            f"print({_expression(rng)})",
            "print(json.dumps(event))",
            'logger.info("event %s", event)',
            'logging.info(f"got {event}")',
            f'{name}.put_item(Item={{"id": 1, "count": {name}["count"] + 1}})',
            'client.send_message(QueueUrl=os.environ["Q"], MessageBody=json.dumps(event))',
            's3.put_object(Bucket=record["s3"]["bucket"]["name"], Key="out/" + key, Body=b"")',
            'failures.append({"itemIdentifier": record["messageId"]})',
            'return {"batchItemFailures": failures}',
            'return {"batchItemFailures": []}',
            'return {"statusCode": 200, "body": json.dumps(result)}',
            "return",
            "raise",
            'raise ValueError("bad")',
            "pass",
            "continue",
            "break",
            "global CACHE",
            "nonlocal total",
            'CACHE[event["id"]] = event',
            "del item",
            "assert event, 'no event'",
            "time.sleep(2 ** attempt)",
            "import boto3",
            "from botocore.config import Config",
            "import pandas as pd",
            "from . import helpers",
            "from .helpers import *",
            "x = y = z = 0",
            "a, *b = event",
            "metrics.put_metric(name='n', value=1)",
            "cloudwatch.put_metric_data(Namespace='x', MetricData=[])",
            f"{_expression(rng)}",
        ]
    )


_CONDITIONS = (
    "event",
    "(n := len(event)) > 1",
    "not records",
    'record.get("eventName") == "INSERT"',
)
_CONTEXTS = ('open("/tmp/x") as f', 'tracer.provider.in_subsegment("x")', "lock")
_EXCEPTS: tuple[str, ...] = (
    "except Exception:",
    "except:",
    "except (ValueError, KeyError) as error:",
)
# Only syntax the running Python parses: the oracle (`properties.python_parses`) is this
# Python's `ast.parse`, while slint analyses syntax newer than the Python it runs on
# (libcst parses it), so on 3.10 a module with `except*` is analysed without an SL000.
# Generated on 3.11+ only, after the others: `rng.choice` draws the same on 3.11+ as
# before this split, so CI's derandomized examples do not change.
if sys.version_info >= (3, 11):
    _EXCEPTS += ("except* ValueError:",)
_PARAMETERS = ("event, context", "record", "*args, **kwargs", "x: int = 1, /, *, y")
_BASES = ("", "object", "Base, metaclass=Meta")
_RANGES = ("3", "100", "MAX", 'float("inf")')


def _compound(rng: random.Random, depth: int, indent: str) -> list[str]:
    inner = indent + rng.choice(["    ", "    ", "  ", "\t"])
    body = lambda: _statements(rng, depth + 1, inner)  # noqa: E731
    kind = rng.randrange(14)
    if kind == 0:
        return [f'{indent}for record in event["Records"]:', *body()]
    if kind == 1:
        lines = [
            f"{indent}try:",
            *body(),
            f"{indent}{rng.choice(_EXCEPTS)}",
            *body(),
        ]
        if rng.random() < 0.3:
            lines += [f"{indent}finally:", *body()]
        return lines
    if kind == 2:
        condition = rng.choice(_CONDITIONS)
        return [f"{indent}if {condition}:", *body(), f"{indent}else:", *body()]
    if kind == 3:
        return [f"{indent}while {rng.choice(['True', 'attempt < 3', 'not done'])}:", *body()]
    if kind == 4:
        name = rng.choice(["helper", "process", "_inner", "handler"])
        prefix = rng.choice(["", "async "])
        return [
            f"{indent}{prefix}def {name}({rng.choice(_PARAMETERS)}):",
            *body(),
        ]
    if kind == 5:
        decorator = rng.choice(
            [
                "@functools.lru_cache",
                "@app.route('/x')",
                "@logger.inject_lambda_context",
                "@tracer.capture_lambda_handler",
                "@staticmethod",
                "@idempotent(persistence_store=store)",
                "@event_source(data_class=SQSEvent)",
            ]
        )
        return [
            f"{indent}{decorator}",
            f"{indent}def {rng.choice(FUNCTIONS)}(event, context):",
            *body(),
        ]
    if kind == 6:
        return [
            f"{indent}class {rng.choice(['Handler', 'Repo', 'Model'])}({rng.choice(_BASES)}):",
            *body(),
        ]
    if kind == 7:
        return [f"{indent}with {rng.choice(_CONTEXTS)}:", *body()]
    if kind == 8:
        return [
            f"{indent}match event:",
            f'{inner}case {{"Records": [*records]}}:',
            *_statements(rng, depth + 2, inner + "    "),
            f"{inner}case _:",
            *_statements(rng, depth + 2, inner + "    "),
        ]
    if kind == 9:
        return [f"{indent}async with session.client('s3') as s3:", *body()]
    if kind == 10:
        return [f"{indent}for attempt in range({rng.choice(_RANGES)}):", *body()]
    if kind == 11:
        return [f"{indent}async for item in paginator:", *body()]
    if kind == 12:
        return [f"{indent}if __name__ == '__main__':", *body()]
    return [f"{indent}def lambda_handler(event, context):", *body()]


def _statements(rng: random.Random, depth: int, indent: str) -> list[str]:
    count = rng.randint(1, 3 if depth < 3 else 1)
    lines: list[str] = []
    for _ in range(count):
        if depth < 3 and rng.random() < 0.45:
            lines.extend(_compound(rng, depth, indent))
        else:
            lines.append(indent + _simple_statement(rng))
    return lines


PYTHON_PRELUDE = (
    "import json",
    "import os",
    "import time",
    "import logging",
    "import urllib.parse",
    "import boto3",
    "import requests",
    "from botocore.config import Config",
    "from aws_lambda_powertools import Logger, Tracer, Metrics",
    "import boto3 as b",
    "from boto3 import client as make_client",
)


@st.composite
def python_modules(draw: st.DrawFn, *, mutations: int) -> str:
    """A handler module: imports, module-level clients, a handler around boto3 calls."""
    rng = draw(st.randoms(use_true_random=False))
    lines = rng.sample(PYTHON_PRELUDE, rng.randint(0, len(PYTHON_PRELUDE)))
    if rng.random() < 0.5:
        lines.append(f's3 = boto3.client("{rng.choice(CLIENT_SERVICES)}")')
    if rng.random() < 0.3:
        lines.append('table = boto3.resource("dynamodb").Table(os.environ["TABLE"])')
    if rng.random() < 0.3:
        lines.append("CACHE = {}")
    lines += _statements(rng, 1, "")
    handler = rng.choice(FUNCTIONS)
    prefix = rng.choice(["", "", "async "])
    signature = rng.choice(
        [
            "event, context",
            "event, context=None",
            "event",
            "*args",
            "event: dict, context: Any) -> dict",
        ]
    )
    if signature.endswith("-> dict"):
        lines.append(f"{prefix}def {handler}({signature}:")
    else:
        lines.append(f"{prefix}def {handler}({signature}):")
    if rng.random() < 0.3:
        lines.append('    """Handle the event."""')
    if rng.random() < 0.5:
        lines.append("    failures = []")
    lines += _statements(rng, 1, "    ")
    text = "\n".join(lines) + "\n"
    for _ in range(draw(st.integers(0, mutations))):
        text = mutate_python(text, rng)
    return text


def mutate_python(text: str, rng: random.Random) -> str:
    """A random edit: the YAML ones plus Python-specific breakage."""
    choice = rng.randrange(8)
    if choice == 0:
        at = rng.randrange(len(text) + 1)
        return (
            text[:at]
            + rng.choice(
                [
                    "(",
                    ")",
                    "[",
                    "]",
                    "{",
                    "}",
                    ":",
                    "'",
                    '"',
                    '"""',
                    "\\",
                    "\\\n",
                    "@",
                    "lambda",
                    "async ",
                    "await ",
                    " if",
                    "f'{",
                    "#",
                    "\x00",
                    "\x0c",
                    ";",
                    ",",
                ]
            )
            + text[at:]
        )
    if choice == 1:
        return (
            rng.choice(
                [
                    "# -*- coding: latin-1 -*-\n",
                    "# coding: utf-8\n",
                    "# -*- coding: unknown-codec -*-\n",
                    "#!/usr/bin/env python\n",
                ]
            )
            + text
        )
    if choice == 2:
        return text.replace("    ", "\t", rng.randint(1, 3))
    return mutate_text(text, rng)


# -- projects -------------------------------------------------------------------------------
@st.composite
def handler_files(draw: st.DrawFn, prefixes: tuple[str, ...] = ("",)) -> Project:
    """Modules at some of the paths the generated configs name."""
    files: Project = {}
    paths = draw(st.lists(st.sampled_from(MODULES), max_size=3, unique=True))
    for module in paths:
        prefix = draw(st.sampled_from(prefixes))
        files[f"{prefix}{module}.py"] = encode(
            draw(python_modules(mutations=draw(st.sampled_from([0, 0, 1, 2]))))
        )
    return files


@st.composite
def serverless_projects(draw: st.DrawFn, *, mutations: int = 0) -> Project:
    files = draw(handler_files())
    files["serverless.yml"] = encode(
        draw(rendered(serverless_documents(), json_allowed=False, mutations=mutations))
    )
    rng = draw(st.randoms(use_true_random=False))
    if draw(st.booleans()):
        files["extra.yml"] = encode(
            draw(rendered(extra_files(), json_allowed=True, mutations=mutations))
        )
    if draw(st.booleans()):
        files["config.json"] = encode(
            render_json(
                {"arn": draw(st.sampled_from(ARNS)), "back": "${file(./config.json):arn}"}, rng
            )
        )
    return files


@st.composite
def template_projects(draw: st.DrawFn, *, sam: bool, mutations: int = 0) -> Project:
    files = draw(handler_files(prefixes=("", "src/")))
    name = draw(
        st.sampled_from(["template.yaml", "template.yml", "template.json", "stack.template"])
    )
    documents = templates(sam=sam)
    files[name] = encode(
        draw(
            rendered(
                documents, json_allowed=name.endswith((".json", ".template")), mutations=mutations
            )
        )
    )
    return files
