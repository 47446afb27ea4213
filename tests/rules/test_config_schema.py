"""SL003 config-schema: positions on realistic projects, includes, plugins, CRLF, the
schema's package data and the SAM translator's invalid templates."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from config_rule_support import positions
from conftest import REPO, SHARED, lint, write_tree
from slint.rules.project import config_schema

SERVERLESS = textwrap.dedent(
    """\
    service: orders
    frameworkVersion: '3'
    plugins:
      - serverless-python-requirements
    provider:
      name: aws
      runtime: python3.12
      timeout: 10
      memorySize: 512
      tracing:
        lambda: true
      iam:
        role:
          statements:
            - Effect: Allow
              Action: sqs:SendMessage
              Resource: !GetAtt OrdersQueue.Arn
    functions:
      create:
        handler: orders/create.handler
        timout: 20
        module: orders
        events:
          - http:
              path: orders
              method: post
              cors: true
      worker:
        handler: orders/worker.handler
        reservedConcurrency: five
        events:
          - sqs:
              arn: !GetAtt OrdersQueue.Arn
              batchSize: 10
              maximumBatchingWindows: 5
          - schedule: rate(5 minutes)
      report:
        handler: orders/report.handler
        events:
          - s3:
              bucket: reports
              event: s3:ObjectCreated:*
              rules:
                - prefix: incoming/
    resources:
      Resources:
        OrdersQueue:
          Type: AWS::SQS::Queue
          Properties:
            VisibilityTimeout: 120
            MessageRetentionPeriod: a week
    """
)


def _messages(root: Path) -> list[str]:
    return [d.message for d in lint(root, select=["SL003"]).diagnostics]


def test_serverless_project_positions(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVERLESS})
    assert positions(tmp_path, "SL003") == [
        ("serverless.yml", "SL003", 21, 5),
        ("serverless.yml", "SL003", 30, 5),
        ("serverless.yml", "SL003", 35, 11),
        ("serverless.yml", "SL003", 51, 9),
    ]
    messages = _messages(tmp_path)
    assert messages[0] == "unknown key `timout` in function `create` (did you mean `timeout`?)"
    assert (
        messages[1] == "`reservedConcurrency` in function `worker` must be an integer, not 'five'"
    )
    assert messages[2] == (
        "unknown key `maximumBatchingWindows` in the `sqs` event of function `worker` "
        "(did you mean `maximumBatchingWindow`?)"
    )
    assert messages[3] == (
        "`MessageRetentionPeriod` in AWS::SQS::Queue `OrdersQueue` must be an integer, not 'a week'"
    )


def test_crlf_file_has_the_same_positions(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVERLESS.replace("\n", "\r\n")})
    assert [row[2:] for row in positions(tmp_path, "SL003")] == [
        (21, 5),
        (30, 5),
        (35, 11),
        (51, 9),
    ]


def test_variables_and_intrinsics_are_never_type_errors(tmp_path: Path) -> None:
    config = textwrap.dedent(
        """\
        service: orders
        provider:
          name: aws
          runtime: python3.12
          timeout: ${self:custom.timeouts.${sls:stage}}
          memorySize: ${ssm:/orders/memory}
          logRetentionInDays: ${opt:retention, 14}
        functions:
          create:
            handler: orders.create
            timeout: ${self:custom.createTimeout}
            reservedConcurrency: !If [IsProd, 10, !Ref AWS::NoValue]
            environment:
              TABLE: !Ref OrdersTable
              STAGE: ${sls:stage}
        custom:
          createTimeout: ten
          timeouts:
            dev: 10
        """
    )
    write_tree(tmp_path, {"serverless.yml": config})
    assert positions(tmp_path, "SL003") == []


def test_included_file_is_reported_where_it_is_included(tmp_path: Path) -> None:
    config = textwrap.dedent(
        """\
        service: orders
        provider:
          name: aws
          runtime: python3.12
        functions:
          create: ${file(./functions.yml):create}
        resources:
          - ${file(./queues.yml)}
        """
    )
    functions = textwrap.dedent(
        """\
        create:
          handler: orders.create
          memorySise: 512
        """
    )
    queues = textwrap.dedent(
        """\
        Resources:
          OrdersQueue:
            Type: AWS::SQS::Queue
            Properties:
              DelaySecond: 5
        """
    )
    write_tree(
        tmp_path,
        {"serverless.yml": config, "functions.yml": functions, "queues.yml": queues},
    )
    result = lint(tmp_path, select=["SL003"])
    found = sorted((d.start.row, d.start.column, d.message) for d in result.diagnostics)
    assert found == [
        (
            6,
            3,
            "unknown key `memorySise` in function `create` (did you mean `memorySize`?)"
            " (in functions.yml:3)",
        ),
        (
            7,
            1,
            "unknown property `DelaySecond` in AWS::SQS::Queue `OrdersQueue` "
            "(did you mean `DelaySeconds`?) (in queues.yml:5)",
        ),
    ]


@pytest.mark.parametrize(
    ("plugins", "reported"),
    [
        # No plugin: every unknown key is reported.
        ([], ["cacheSettings", "caching", "customEvent", "pluginConfig"]),
        # A known plugin that adds none of these keys changes nothing.
        (["serverless-offline"], ["cacheSettings", "caching", "customEvent", "pluginConfig"]),
        # A plugin slint does not know may add keys at the top level, in functions and
        # events.
        (["serverless-something-new"], []),
        (["serverless-offline", "./local-plugin"], []),
    ],
)
def test_unknown_plugins_open_the_places_plugins_extend(
    tmp_path: Path, plugins: list[str], reported: list[str]
) -> None:
    listed = "".join(f"  - {p}\n" for p in plugins)
    config = (
        "service: orders\n" + (f"plugins:\n{listed}" if plugins else "") + "provider:\n"
        "  name: aws\n"
        "  runtime: python3.12\n"
        "functions:\n"
        "  create:\n"
        "    handler: orders.create\n"
        "    cacheSettings: {}\n"
        "    events:\n"
        "      - http:\n"
        "          path: orders\n"
        "          method: get\n"
        "          caching: true\n"
        "      - customEvent: {}\n"
        "\n"
        "pluginConfig: {}\n"
    )
    lines = config.splitlines()
    expected = []
    for key in reported:
        row = next(i for i, line in enumerate(lines, 1) if f"{key}:" in line)
        expected.append((row, lines[row - 1].index(key) + 1))
    write_tree(tmp_path, {"serverless.yml": config})
    assert [row[2:] for row in positions(tmp_path, "SL003")] == expected


def test_known_plugin_keys_are_accepted_at_their_place_only(tmp_path: Path) -> None:
    config = textwrap.dedent(
        """\
        service: orders
        plugins:
          - serverless-plugin-warmup
          - serverless-lift
        provider:
          name: aws
          runtime: python3.12
          warmup: true
        functions:
          create:
            handler: orders.create
            warmup:
              default:
                enabled: true
        constructs:
          jobs:
            type: queue
        """
    )
    write_tree(tmp_path, {"serverless.yml": config})
    assert positions(tmp_path, "SL003") == [("serverless.yml", "SL003", 8, 3)]


def test_moved_v2_keys_say_where_they_went(tmp_path: Path) -> None:
    config = textwrap.dedent(
        """\
        service: orders
        provider:
          name: aws
          apiKeys:
            - orders-key
        """
    )
    write_tree(tmp_path, {"serverless.yml": config})
    assert _messages(tmp_path) == [
        "unknown key `apiKeys` in `provider` (Serverless Framework v3 moved it to "
        "`provider.apiGateway.apiKeys`)"
    ]


def test_config_validation_mode_off_is_respected(tmp_path: Path) -> None:
    config = "service: s\nconfigValidationMode: off\nprovider:\n  name: aws\n  timout: 3\n"
    write_tree(tmp_path, {"serverless.yml": config})
    assert positions(tmp_path, "SL003") == []


def test_non_aws_provider_is_not_checked(tmp_path: Path) -> None:
    config = "service: s\nprovider:\n  name: google\n  timout: 3\n"
    write_tree(tmp_path, {"serverless.yml": config})
    assert positions(tmp_path, "SL003") == []


SAM = textwrap.dedent(
    """\
    AWSTemplateFormatVersion: '2010-09-09'
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      Stage:
        Type: String
      Subnets:
        Type: CommaDelimitedList
        Default: subnet-1,subnet-2
    Globals:
      Function:
        Timeout: 10
        Tracing: Active
    Resources:
      OrdersFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          MemorySize: big
          VpcConfig:
            SubnetIds: !Ref Subnets
            SecurityGroupIds: [sg-1]
          Events:
            Api:
              Type: Api
              Properties:
                Path: /orders
                Method: post
                Cors: true
            Stream:
              Type: Kinesis
              Properties:
                Stream: !GetAtt Stream.Arn
                StartingPosition: LATEST
                MaximumRetryAttempts: three
            Timer:
              Type: Schedulle
              Properties:
                Schedule: rate(5 minutes)
      Stream:
        Type: AWS::Kinesis::Stream
        Propertes:
          ShardCount: 1
      Topic:
        Type: AWS::SNS::Topic
        Properties:
          TopicName: !Sub orders-${Stage}
          Subscription:
            Endpoint: !GetAtt OrdersFunction.Arn
            Protocol: lambda
    """
)


def test_sam_template_positions(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": SAM})
    result = lint(tmp_path, select=["SL003"])
    found = [(d.start.row, d.start.column, d.message) for d in result.diagnostics]
    assert found == [
        (
            19,
            7,
            "`MemorySize` in AWS::Serverless::Function `OrdersFunction` must be an integer, "
            "not 'big'",
        ),
        (
            29,
            13,
            "unknown property `Cors` in `Properties` of event `Api` of "
            "AWS::Serverless::Function `OrdersFunction`",
        ),
        (
            35,
            13,
            "`MaximumRetryAttempts` in `Properties` of event `Stream` of "
            "AWS::Serverless::Function `OrdersFunction` must be an integer, not 'three'",
        ),
        (
            37,
            11,
            "unknown event type `Schedulle` in event `Timer` of AWS::Serverless::Function "
            "`OrdersFunction` (did you mean `Schedule`?)",
        ),
        (
            42,
            5,
            "unknown attribute `Propertes` in resource `Stream` (did you mean `Properties`?)",
        ),
        (
            48,
            7,
            "`Subscription` in AWS::SNS::Topic `Topic` must be a list, not a mapping",
        ),
    ]


def test_cloudformation_json_positions(tmp_path: Path) -> None:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Fn": {
                "Type": "AWS::Lambda::Function",
                "Properties": {
                    "Handler": "app.handler",
                    "Runtime": "python3.12",
                    "Role": {"Fn::GetAtt": ["Role", "Arn"]},
                    "Code": {"ZipFile": "def handler(event, context): pass"},
                    "Timeout": "30",
                    "MemorySize": {"Ref": "Memory"},
                    "TracingConfig": {"Mode": "Active", "Enabled": True},
                    "Environment": {"Variables": {"TABLE": "orders"}},
                },
            }
        },
    }
    text = json.dumps(template, indent=2)
    row = next(i for i, line in enumerate(text.splitlines(), 1) if '"Enabled"' in line)
    write_tree(tmp_path, {"stack.json": text})
    result = lint(tmp_path, select=["SL003"])
    assert [(d.start.row, d.start.column, d.message) for d in result.diagnostics] == [
        (
            row,
            11,
            "unknown property `Enabled` in `TracingConfig` of AWS::Lambda::Function `Fn`",
        )
    ]


def test_unknown_resource_types_are_not_checked(tmp_path: Path) -> None:
    template = textwrap.dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
          Custom:
            Type: Custom::Thing
            Properties:
              Anything: [1, 2]
          ThirdParty:
            Type: Vendor::Service::Thing
            Properties:
              Whatever: true
        """
    )
    write_tree(tmp_path, {"template.yaml": template})
    assert positions(tmp_path, "SL003") == []


def test_sam_globals_accept_every_property_sam_merges(tmp_path: Path) -> None:
    # SAM's Globals.Function takes FunctionUrlConfig, FileSystemConfigs,
    # CodeSigningConfigArn and AutoPublishAliasAllProperties (samtranslator's
    # supported_properties); cfn-lint's globals schema leaves them out.
    template = textwrap.dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Timeout: 5
            Runtime: python3.12
            AutoPublishAlias: live
            AutoPublishAliasAllProperties: true
            CodeSigningConfigArn: !Ref SigningConfig
            FunctionUrlConfig:
              Cors:
                AllowOrigins: ["https://example.com"]
            Timout: 3
        Resources:
          ApiFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.lambda_handler
              CodeUri: src
              FunctionUrlConfig:
                AuthType: AWS_IAM
        """
    )
    write_tree(tmp_path, {"template.yaml": template})
    assert positions(tmp_path, "SL003") == [("template.yaml", "SL003", 12, 5)]


# -- an object that fits none of a schema's alternatives ----------------------------------
AUTHORIZERS = textwrap.dedent(
    """\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      AuthFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          CodeUri: src/
      RestApi:
        Type: AWS::Serverless::Api
        Properties:
          StageName: prod
          Auth:
            Authorizers:
              WithHttpApiKeys:
                FunctionArn: !GetAtt AuthFunction.Arn
                FunctionPayloadType: REQUEST
                EnableSimpleResponses: true
                AuthorizerPayloadFormatVersion: '2.0'
              WithWrongType:
                FunctionArn: !GetAtt AuthFunction.Arn
                DisableFunctionDefaultPermissions: sometimes
              Cognito:
                UserPoolArn: !GetAtt UserPool.Arn
                Identity:
                  Header: Authorization
      HttpApi:
        Type: AWS::Serverless::HttpApi
        Properties:
          Auth:
            Authorizers:
              Lambda:
                FunctionArn: !GetAtt AuthFunction.Arn
                Identity: Authorization
                AuthorizerPayloadFormatVersion: '2.0'
              Jwt:
                IdentitySource: $request.header.Authorization
                JwtConfiguration:
                  issuer: https://example.com
    """
)


def test_object_fitting_no_alternative_is_judged_by_the_one_knowing_most_keys(
    tmp_path: Path,
) -> None:
    # A REST API authorizer fits none of Cognito / token / request: judged as the Lambda
    # authorizer that knows `FunctionArn`, not as the Cognito one that knows none of its
    # keys, and only the keys the Lambda authorizer does not know are reported.
    write_tree(tmp_path, {"template.yaml": AUTHORIZERS})
    result = lint(tmp_path, select=["SL003"])
    found = [(d.start.row, d.start.column, d.message) for d in result.diagnostics]
    assert found == [
        (
            18,
            13,
            "unknown property `EnableSimpleResponses` in `Auth.Authorizers.WithHttpApiKeys` "
            "of AWS::Serverless::Api `RestApi`",
        ),
        (
            19,
            13,
            "unknown property `AuthorizerPayloadFormatVersion` in "
            "`Auth.Authorizers.WithHttpApiKeys` of AWS::Serverless::Api `RestApi`",
        ),
        (
            22,
            13,
            "`DisableFunctionDefaultPermissions` in `Auth.Authorizers.WithWrongType` of "
            "AWS::Serverless::Api `RestApi` must be a boolean, not 'sometimes'",
        ),
        (
            34,
            13,
            "`Identity` in `Auth.Authorizers.Lambda` of AWS::Serverless::HttpApi `HttpApi` "
            "must be a mapping, not 'Authorization'",
        ),
    ]


# -- templates written for `aws cloudformation package` / `sam package` ------------------
PACKAGED = textwrap.dedent(
    """\
    AWSTemplateFormatVersion: '2010-09-09'
    Resources:
      OrdersFunction:
        Type: AWS::Lambda::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Role: !GetAtt OrdersRole.Arn
          Code: ./src
      DepsLayer:
        Type: AWS::Lambda::LayerVersion
        Properties:
          Content: layers/deps/
      Api:
        Type: AWS::ApiGateway::RestApi
        Properties:
          BodyS3Location: api/openapi.yaml
      Workflow:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          RoleArn: !GetAtt OrdersRole.Arn
          DefinitionS3Location: statemachine/orders.asl.json
      Etl:
        Type: AWS::Glue::Job
        Properties:
          Role: !GetAtt OrdersRole.Arn
          Command:
            Name: glueetl
            ScriptLocation: jobs/etl.py
      Repository:
        Type: AWS::CodeCommit::Repository
        Properties:
          RepositoryName: orders
          Code:
            S3: seed/
      Nested:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: nested/stack.yaml
      Version:
        Type: AWS::ElasticBeanstalk::ApplicationVersion
        Properties:
          ApplicationName: orders
          SourceBundle: app.zip
    """
)


def test_local_paths_that_package_uploads_are_valid(tmp_path: Path) -> None:
    write_tree(tmp_path, {"template.yaml": PACKAGED})
    assert positions(tmp_path, "SL003") == []


def test_packaged_properties_are_still_checked(tmp_path: Path) -> None:
    # Near-misses: a string is accepted where `package` uploads, nothing else changes.
    template = textwrap.dedent(
        """\
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          ListCode:
            Type: AWS::Lambda::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Role: !GetAtt OrdersRole.Arn
              Code: [./src]
          MistypedCode:
            Type: AWS::Lambda::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Role: !GetAtt OrdersRole.Arn
              Code:
                S3Buckt: artifacts
                S3Key: orders.zip
          NotPackaged:
            Type: AWS::Lambda::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Role: !GetAtt OrdersRole.Arn
              Code:
                ZipFile: "def handler(event, context): pass"
              TracingConfig: Active
        """
    )
    write_tree(tmp_path, {"template.yaml": template})
    result = lint(tmp_path, select=["SL003"])
    found = [(d.start.row, d.start.column, d.message) for d in result.diagnostics]
    assert found == [
        (
            9,
            7,
            "`Code` in AWS::Lambda::Function `ListCode` must be a mapping or a string, not a list",
        ),
        (
            17,
            9,
            "unknown property `S3Buckt` in `Code` of AWS::Lambda::Function `MistypedCode` "
            "(did you mean `S3Bucket`?)",
        ),
        (
            27,
            7,
            "`TracingConfig` in AWS::Lambda::Function `NotPackaged` must be a mapping, "
            "not 'Active'",
        ),
    ]


# -- typos whatever the plugins ----------------------------------------------------------
TYPOS = textwrap.dedent(
    """\
    service: orders
    plugins:
      - {plugin}
    provider:
      name: aws
      Runtime: nodejs24.x
      runtime: python3.12
    functions:
      create:
        handler: orders.create
        timout: 30
        ourPluginSetting: 5
        events:
          - htp: GET /orders
          - http:
              path: orders
              method: post
              Cors: true
              ourPluginCache: true
          - sqs:
              arm: arn:aws:sqs:us-east-1:123456789012:orders
    """
)


@pytest.mark.parametrize("plugin", ["serverless-something-new", "./plugins/our-own"])
def test_typos_are_reported_whatever_the_plugins(tmp_path: Path, plugin: str) -> None:
    # An unknown plugin may add `ourPluginSetting` or `ourPluginCache` (and an `arm` key
    # to `sqs`: one edit from a three-letter key is another word), but not a known key
    # in another case or one letter off.
    write_tree(tmp_path, {"serverless.yml": TYPOS.format(plugin=plugin)})
    result = lint(tmp_path, select=["SL003"])
    found = [(d.start.row, d.start.column, d.message) for d in result.diagnostics]
    assert found == [
        (6, 3, "unknown key `Runtime` in `provider` (did you mean `runtime`?)"),
        (11, 5, "unknown key `timout` in function `create` (did you mean `timeout`?)"),
        (14, 9, "unknown event type `htp` in function `create` (did you mean `http`?)"),
        (
            18,
            11,
            "unknown key `Cors` in the `http` event of function `create` (did you mean `cors`?)",
        ),
    ]


@pytest.mark.parametrize(
    ("key", "typo"),
    [
        ("Runtime", "runtime"),
        ("timout", "timeout"),
        ("timeoutt", "timeout"),
        ("tymeout", "timeout"),
        ("htp", "http"),
        ("arm", None),
        ("timeuot", None),  # two edits: a plugin's key, as far as slint can tell
        ("cacheSettings", None),
    ],
)
def test_typo_is_one_edit_or_another_case(key: str, typo: str | None) -> None:
    known = ["runtime", "timeout", "http", "arn", "memorySize"]
    assert config_schema._typo_of(key, known) == typo


@pytest.mark.parametrize(
    "plugin",
    ["serverless-bundle", "serverless-ruby-layer", "serverless-hooks-plugin", "serverless-layers"],
)
def test_plugins_configured_under_custom_keep_every_check(tmp_path: Path, plugin: str) -> None:
    # These plugins read their settings from `custom` only: listing one leaves unknown
    # keys reported everywhere.
    write_tree(tmp_path, {"serverless.yml": TYPOS.format(plugin=plugin)})
    found = [d.start.row for d in lint(tmp_path, select=["SL003"]).diagnostics]
    assert found == [6, 11, 12, 14, 18, 19, 21]


def test_schema_data_matches_its_generator() -> None:
    script = REPO / "scripts" / "build_serverless_schema.py"
    spec = importlib.util.spec_from_file_location("build_serverless_schema", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    data = REPO / "slint" / "data"
    shipped = json.loads((data / "serverless-schema.json").read_text("utf-8"))
    assert shipped == json.loads(json.dumps(module.SCHEMA))
    plugins = json.loads((data / "serverless-plugins.json").read_text("utf-8"))
    assert plugins == json.loads(json.dumps(module.PLUGINS))


def test_schema_is_valid_draft7() -> None:
    from jsonschema import Draft7Validator

    schema = json.loads((REPO / "slint" / "data" / "serverless-schema.json").read_text("utf-8"))
    Draft7Validator.check_schema(schema)


SAM_TESTS = SHARED / "corpus" / "aws__serverless-application-model" / "tests" / "translator"


@pytest.mark.skipif(not SAM_TESTS.is_dir(), reason="shared corpus not present")
def test_sam_translator_error_templates_do_not_crash(tmp_path: Path) -> None:
    inputs = sorted((SAM_TESTS / "input").glob("error_*.yaml"))
    assert inputs
    write_tree(tmp_path, {f"t/{p.name}": p.read_text("utf-8") for p in inputs})
    result = lint(tmp_path, select=["SL003"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    assert len({d.path for d in result.diagnostics}) > 50


# -- cfn-lint's data, which SL003 reads without importing cfn-lint ----------------------
def test_installed_cfn_lint_provides_the_schemas_sl003_reads() -> None:
    # cfn-lint's data layout is not a public interface; when SL003 cannot read it, every
    # resource check is skipped without a word and only positions go missing elsewhere.
    version = importlib.metadata.version("cfn-lint")
    folder = config_schema._cfnlint_schemas()
    assert folder is not None
    assert config_schema._resource_schema("AWS::SQS::Queue") is not None, (
        f"SL003 cannot read the CloudFormation schemas of cfn-lint {version} ({folder})"
    )
    # The SAM resource schemas came with cfn-lint 1.52, the Globals schema with 1.54.
    assert config_schema._resource_schema("AWS::Serverless::Function") is not None, (
        f"cfn-lint {version} has no SAM resource schemas: SL003 needs cfn-lint >= 1.54"
    )
    assert config_schema._globals_validator() is not None, (
        f"cfn-lint {version} has no SAM Globals schema: SL003 needs cfn-lint >= 1.54"
    )


_QUEUE_SCHEMA = {
    "typeName": "AWS::SQS::Queue",
    "type": "object",
    "additionalProperties": False,
    "properties": {"DelaySeconds": {"type": "integer"}, "QueueName": {"type": "string"}},
}


def _digest_index(folder: Path, index: Path, text: str) -> None:
    (folder / "resources").mkdir(parents=True)
    (folder / "resources" / "0123456789abcdef.json").write_text(json.dumps(_QUEUE_SCHEMA))
    index.parent.mkdir(parents=True, exist_ok=True)
    index.write_text(text)


def _layout_since_1_52(folder: Path) -> None:
    index = json.dumps({"AWS::SQS::Queue": "0123456789abcdef"})
    _digest_index(folder, folder / "providers" / "us-east-1.json", index)


def _layout_1_43_to_1_51(folder: Path) -> None:
    module = (
        "# ruff: noqa: E501\nfrom __future__ import annotations\n\n"
        'types: dict[str, str] = {\n    "AWS::SQS::Queue": "0123456789abcdef",\n}\n'
    )
    _digest_index(folder, folder / "providers" / "us_east_1.py", module)


def _layout_up_to_1_42(folder: Path) -> None:
    per_type = folder / "providers" / "us_east_1"
    per_type.mkdir(parents=True)
    (per_type / "__init__.py").write_text("")
    (per_type / "aws-sqs-queue.json").write_text(json.dumps(_QUEUE_SCHEMA))


@pytest.fixture
def fresh_schema_caches() -> Iterator[None]:
    def clear() -> None:
        config_schema._cfn_schema_files.cache_clear()
        config_schema._resource_schema.cache_clear()

    clear()
    yield
    clear()


@pytest.mark.parametrize("layout", [_layout_since_1_52, _layout_1_43_to_1_51, _layout_up_to_1_42])
def test_every_cfn_lint_data_layout_is_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fresh_schema_caches: None,
    layout: Callable[[Path], None],
) -> None:
    schemas = tmp_path / "cfnlint" / "data" / "schemas"
    layout(schemas)
    monkeypatch.setattr(config_schema, "_cfnlint_schemas", lambda: schemas)
    # The function makes the template an app; its type is not in this cfn-lint data.
    template = textwrap.dedent(
        """\
        AWSTemplateFormatVersion: '2010-09-09'
        Resources:
          Queue:
            Type: AWS::SQS::Queue
            Properties:
              QueueName: orders
              DelaySecond: 5
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Timout: 5
        """
    )
    write_tree(tmp_path / "app", {"template.yaml": template})
    result = lint(tmp_path / "app", select=["SL003"])
    assert [(d.start.row, d.start.column, d.message) for d in result.diagnostics] == [
        (
            7,
            7,
            "unknown property `DelaySecond` in AWS::SQS::Queue `Queue` "
            "(did you mean `DelaySeconds`?)",
        )
    ]
