"""SL109 needs-published-version: SAM provisioned concurrency without AutoPublishAlias
(error), SnapStart invoked only as $LATEST in SAM and CloudFormation (warning); Globals,
IgnoreGlobals, versions and aliases and what refers to them; near-misses."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import findings
from conftest import codes_at

from slint.diagnostics import Severity

CODE = "SL109"


SAM_CONCURRENCY = dedent(
    """\
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      Warm:
        Type: String
        AllowedValues: ["true", "false"]
    Conditions:
      IsWarm: !Equals [!Ref Warm, "true"]
    Globals:
      Function:
        Runtime: python3.12
        ProvisionedConcurrencyConfig:
          ProvisionedConcurrentExecutions: 2
    Resources:
      FirstFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: first.handler
      SecondFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: second.handler
      AliasedFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: aliased.handler
          AutoPublishAlias: live
      OptOutFunction:
        Type: AWS::Serverless::Function
        IgnoreGlobals: [ProvisionedConcurrencyConfig]
        Properties:
          Handler: optout.handler
      OwnFunction:
        Type: AWS::Serverless::Function
        IgnoreGlobals: '*'
        Properties:
          Handler: own.handler
          ProvisionedConcurrencyConfig: !If
            - IsWarm
            - ProvisionedConcurrentExecutions: 5
            - !Ref AWS::NoValue
      NoValueFunction:
        Type: AWS::Serverless::Function
        IgnoreGlobals: '*'
        Properties:
          Handler: novalue.handler
          ProvisionedConcurrencyConfig: !Ref AWS::NoValue
    """
)


def test_sam_provisioned_concurrency_needs_an_alias(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"template.yaml": SAM_CONCURRENCY})
    assert codes_at(found) == [
        ("template.yaml", CODE, 11, 5),
        ("template.yaml", CODE, 11, 5),
        ("template.yaml", CODE, 37, 7),
    ]
    first, second, own = found
    assert all(d.severity is Severity.ERROR for d in found)
    assert all(d.end.column == d.start.column + len("ProvisionedConcurrencyConfig") for d in found)
    # One finding per function at the shared Globals key, each naming its function.
    assert first.message.startswith("Function `FirstFunction` sets `ProvisionedConcurrency")
    assert "(inherited from `Globals.Function`)" in first.message
    assert "Function `SecondFunction`" in second.message
    # SAM refuses a conditional configuration too: it checks the property as written.
    assert "Function `OwnFunction`" in own.message and "inherited" not in own.message
    assert "add `AutoPublishAlias: live`" in own.message


SAM_SNAPSTART = dedent(
    """\
    Transform: AWS::Serverless-2016-10-31
    Globals:
      Function:
        Runtime: python3.13
        SnapStart:
          ApplyOn: PublishedVersions
    Resources:
      PlainFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: plain.handler
          Events:
            Api:
              Type: HttpApi
      AliasedFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: aliased.handler
          AutoPublishAlias: live
      OptOutFunction:
        Type: AWS::Serverless::Function
        IgnoreGlobals: [SnapStart]
        Properties:
          Handler: optout.handler
      OffFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: off.handler
          SnapStart:
            ApplyOn: None
      OwnFunction:
        Type: AWS::Serverless::Function
        IgnoreGlobals: '*'
        Properties:
          Handler: own.handler
          Runtime: java21
          SnapStart:
            ApplyOn: PublishedVersions
    """
)


def test_sam_snapstart_without_auto_publish_alias(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"template.yaml": SAM_SNAPSTART})
    assert codes_at(found) == [
        ("template.yaml", CODE, 5, 5),
        ("template.yaml", CODE, 37, 7),
    ]
    inherited, own = found
    assert all(d.severity is Severity.WARNING for d in found)
    assert "function `PlainFunction` (inherited from `Globals.Function`)" in inherited.message
    assert "no `AutoPublishAlias`" in inherited.message
    assert "function `OwnFunction` with" in own.message


def test_auto_publish_alias_in_globals_and_ignored_globals(tmp_path: Path) -> None:
    template = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            AutoPublishAlias: live
        Resources:
          ApiFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              SnapStart: {ApplyOn: PublishedVersions}
              ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 1}
          LoneFunction:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [AutoPublishAlias]
            Properties:
              Handler: lone.handler
              SnapStart: {ApplyOn: PublishedVersions}
              ProvisionedConcurrencyConfig: {ProvisionedConcurrentExecutions: 1}
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": template})
    assert [(d.start.row, d.start.column, d.severity) for d in found] == [
        (18, 7, Severity.WARNING),
        (19, 7, Severity.ERROR),
    ]
    assert all("`LoneFunction`" in d.message for d in found)


CFN = dedent(
    """\
    Resources:
      LatestOnly:
        Type: AWS::Lambda::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: a.zip}
          SnapStart:
            ApplyOn: PublishedVersions
      UnusedVersion:
        Type: AWS::Lambda::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: b.zip}
          SnapStart: {ApplyOn: PublishedVersions}
      UnusedVersionV1:
        Type: AWS::Lambda::Version
        Properties:
          FunctionName: !Ref UnusedVersion
      UnusedVersionAlias:
        Type: AWS::Lambda::Alias
        Properties:
          FunctionName: !Ref UnusedVersion
          FunctionVersion: !GetAtt UnusedVersionV1.Version
          Name: live
      UnusedVersionPermission:
        Type: AWS::Lambda::Permission
        Properties:
          Action: lambda:InvokeFunction
          FunctionName: !GetAtt UnusedVersion.Arn
          Principal: sns.amazonaws.com
      ViaPermission:
        Type: AWS::Lambda::Function
        Properties:
          Handler: app.handler
          Runtime: java21
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: c.zip}
          SnapStart: {ApplyOn: PublishedVersions}
      ViaPermissionVersion:
        Type: AWS::Lambda::Version
        Properties:
          FunctionName: !Ref ViaPermission
      ViaPermissionAlias:
        Type: AWS::Lambda::Alias
        Properties:
          FunctionName: !Ref ViaPermission
          FunctionVersion: !GetAtt ViaPermissionVersion.Version
          Name: live
      ViaPermissionInvoke:
        Type: AWS::Lambda::Permission
        Properties:
          Action: lambda:InvokeFunction
          FunctionName: !Ref ViaPermissionAlias
          Principal: apigateway.amazonaws.com
      ViaIntegration:
        Type: AWS::Lambda::Function
        Properties:
          FunctionName: orders
          Handler: app.handler
          Runtime: python3.13
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: d.zip}
          SnapStart: {ApplyOn: PublishedVersions}
      ViaIntegrationVersion:
        Type: AWS::Lambda::Version
        Properties:
          FunctionName: orders
      ViaIntegrationAlias:
        Type: AWS::Lambda::Alias
        Properties:
          FunctionName: orders
          FunctionVersion: !GetAtt ViaIntegrationVersion.Version
          Name: live
      Integration:
        Type: AWS::ApiGatewayV2::Integration
        Properties:
          ApiId: !Ref Api
          IntegrationType: AWS_PROXY
          IntegrationUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/${ViaIntegrationAlias}
      ViaOutput:
        Type: AWS::Lambda::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: e.zip}
          SnapStart: {ApplyOn: PublishedVersions}
      ViaOutputVersion:
        Type: AWS::Lambda::Version
        Properties:
          FunctionName: !GetAtt ViaOutput.Arn
      Off:
        Type: AWS::Lambda::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: f.zip}
          SnapStart: {ApplyOn: None}
    Outputs:
      VersionArn:
        Value: !Ref ViaOutputVersion
    """
)


def test_cloudformation_versions_and_what_invokes_them(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"template.yaml": CFN})
    assert codes_at(found) == [
        ("template.yaml", CODE, 9, 7),
        ("template.yaml", CODE, 18, 7),
    ]
    latest, unused = found
    assert all(d.severity is Severity.WARNING for d in found)
    assert "function `LatestOnly` with no `AWS::Lambda::Version`" in latest.message
    # An alias that names its version is not a caller: the permission uses $LATEST.
    assert "`UnusedVersionV1`, `UnusedVersionAlias` publishes a version" in unused.message
    assert "point the callers at an `AWS::Lambda::Alias`" in unused.message


def test_serverless_is_not_checked(tmp_path: Path) -> None:
    serverless = dedent(
        """\
        service: shop
        provider:
          name: aws
          runtime: python3.12
        functions:
          api:
            handler: app.handler
            snapStart: true
          warm:
            handler: warm.handler
            provisionedConcurrency: 2
        """
    )
    assert findings(tmp_path, CODE, {"serverless.yml": serverless}) == []


def test_crlf_positions(tmp_path: Path) -> None:
    files = {"template.yaml": SAM_CONCURRENCY.replace("\n", "\r\n")}
    found = findings(tmp_path, CODE, files)
    assert [(d.start.row, d.start.column) for d in found] == [(11, 5), (11, 5), (37, 7)]
