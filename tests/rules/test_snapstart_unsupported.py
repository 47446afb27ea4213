"""SL108 snapstart-unsupported: runtimes from the shared runtime table, container images,
provisioned concurrency, EFS and ephemeral storage, in every format; Globals and
IgnoreGlobals; near-misses."""

from __future__ import annotations

import json
from datetime import date
from importlib import resources
from pathlib import Path
from textwrap import dedent

from config_rule_support import findings
from conftest import codes_at
from slint.rules._support.runtimes import runtime_table

from slint.diagnostics import Severity

CODE = "SL108"


def test_every_runtime_of_the_shared_table_says_whether_it_has_snapstart() -> None:
    data = json.loads((resources.files("slint") / "data" / "runtimes.json").read_text())
    assert all(isinstance(entry.get("snapstart"), bool) for entry in data["runtimes"].values())
    meta = data["snapstart"]
    assert "https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html" in meta["source"]
    date.fromisoformat(meta["read"])
    table = runtime_table()
    with_snapstart = {name for name, runtime in table.runtimes.items() if runtime.snapstart}
    assert {"java11", "java17", "java21", "java25", "python3.12", "python3.13"} <= with_snapstart
    assert {"python3.14", "dotnet8", "dotnet10"} <= with_snapstart
    for name in ("python3.11", "java8", "java8.al2", "nodejs24.x", "ruby3.4", "provided.al2023"):
        assert not table.runtimes[name].snapstart, name
    # A container base image is not a managed runtime SnapStart applies to.
    assert not any(r.snapstart and r.container_only for r in table.runtimes.values())
    assert table.snapstart_summary() == "Java 11+, Python 3.12+ and .NET 8+"
    assert {f: r.identifier for f, r in table.snapstart_floor().items()} == {
        "java": "java11",
        "python": "python3.12",
        "dotnet": "dotnet8",
    }


SERVERLESS = dedent(
    """\
    service: shop
    provider:
      name: aws
      runtime: python3.12
    functions:
      fine:
        handler: fine.handler
        snapStart: true
      node:
        handler: index.handler
        runtime: nodejs22.x
        snapStart: true
      old:
        handler: old.handler
        runtime: python3.11
        snapStart: true
      warm:
        handler: warm.handler
        snapStart: true
        provisionedConcurrency: 3
      warmMap:
        handler: warm.handler
        snapStart: true
        provisionedConcurrency:
          executions: 2
      warmZero:
        handler: zero.handler
        snapStart: true
        provisionedConcurrency: 0
      efs:
        handler: efs.handler
        snapStart: true
        fileSystemConfig:
          arn: arn:aws:elasticfilesystem:eu-west-1:123456789012:access-point/fsap-1
          localMountPath: /mnt/data
      big:
        handler: big.handler
        snapStart: true
        ephemeralStorageSize: 1024
      small:
        handler: small.handler
        snapStart: true
        ephemeralStorageSize: 512
      image:
        image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
        snapStart: true
      off:
        handler: off.handler
        runtime: nodejs22.x
        snapStart: false
      param:
        handler: param.handler
        runtime: nodejs22.x
        snapStart: ${param:snapStart}
      java:
        handler: com.shop.Handler
        runtime: java21
        snapStart: true
      nodeWarm:
        handler: index.handler
        runtime: nodejs22.x
        provisionedConcurrency: 5
      both:
        handler: index.handler
        runtime: ruby3.4
        snapStart: true
        provisionedConcurrency: 1
    """
)


def test_serverless_positions_and_near_misses(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"serverless.yml": SERVERLESS})
    assert codes_at(found) == [
        ("serverless.yml", CODE, 12, 5),  # node
        ("serverless.yml", CODE, 16, 5),  # old
        ("serverless.yml", CODE, 19, 5),  # warm
        ("serverless.yml", CODE, 23, 5),  # warmMap
        ("serverless.yml", CODE, 32, 5),  # efs
        ("serverless.yml", CODE, 38, 5),  # big
        ("serverless.yml", CODE, 46, 5),  # image
        ("serverless.yml", CODE, 66, 5),  # both
    ]
    node, old, warm, warm_map, efs, big, image, both = found
    assert all(d.severity is Severity.ERROR for d in found)
    assert all(d.end.column == d.start.column + len("snapStart") for d in found)
    assert "function `node`" in node.message and "`nodejs22.x` has no SnapStart" in node.message
    assert "Java 11+, Python 3.12+ and .NET 8+" in node.message
    assert "move to `python3.12` or later" in old.message
    assert "provisioned concurrency (serverless.yml:20)" in warm.message
    assert "provisioned concurrency (serverless.yml:24)" in warm_map.message
    assert "EFS file system (serverless.yml:33)" in efs.message
    assert "1024 MB (serverless.yml:39)" in big.message
    assert "container image (`image`)" in image.message
    # One finding per function, naming every problem.
    assert "`ruby3.4` has no SnapStart" in both.message
    assert "provisioned concurrency" in both.message


SAM = dedent(
    """\
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      NodeRuntime:
        Type: String
        Default: nodejs22.x
      Mode:
        Type: String
        Default: PublishedVersions
    Globals:
      Function:
        AutoPublishAlias: live
        SnapStart:
          ApplyOn: PublishedVersions
    Resources:
      NodeFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: index.handler
          Runtime: nodejs22.x
      OldFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: old.handler
          Runtime: python3.9
      FineFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: fine.handler
          Runtime: python3.12
          EphemeralStorage:
            Size: 512
      OptOutFunction:
        Type: AWS::Serverless::Function
        IgnoreGlobals: '*'
        Properties:
          Handler: index.handler
          Runtime: nodejs22.x
      ListOptOutFunction:
        Type: AWS::Serverless::Function
        IgnoreGlobals: [SnapStart]
        Properties:
          Handler: index.handler
          Runtime: nodejs22.x
      OffFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: index.handler
          Runtime: nodejs22.x
          SnapStart:
            ApplyOn: None
      ParamFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: index.handler
          Runtime: !Ref NodeRuntime
          SnapStart:
            ApplyOn: !Ref Mode
      WarmFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: warm.handler
          Runtime: python3.13
          ProvisionedConcurrencyConfig:
            ProvisionedConcurrentExecutions: 5
      ImageFunction:
        Type: AWS::Serverless::Function
        Properties:
          PackageType: Image
          ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest
      EfsFunction:
        Type: AWS::Serverless::Function
        Properties:
          Handler: efs.handler
          Runtime: java21
          FileSystemConfigs:
            - Arn: !GetAtt AccessPoint.Arn
              LocalMountPath: /mnt/data
    """
)


def test_sam_globals_one_finding_per_function(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"template.yaml": SAM})
    at_globals = [d for d in found if d.start.row == 12]
    assert [(d.start.row, d.start.column) for d in found] == [(12, 5)] * 5 + [(56, 7)]
    named = [d.message.split("`")[1] for d in at_globals]
    assert named == ["NodeFunction", "OldFunction", "WarmFunction", "ImageFunction", "EfsFunction"]
    node, old, warm, image, efs = at_globals
    assert "(inherited from `Globals.Function`)" in node.message
    assert "`nodejs22.x` has no SnapStart" in node.message
    assert "`python3.9` has no SnapStart" in old.message
    assert "provisioned concurrency (template.yaml:63)" in warm.message
    assert "container image (`PackageType: Image`)" in image.message
    # The parameter defaults resolve: a Node.js runtime with ApplyOn PublishedVersions.
    (param,) = [d for d in found if d.start.row == 56]
    assert "function `ParamFunction`" in param.message
    assert "inherited" not in param.message
    # Java 21 has SnapStart: the EFS mount is the only problem.
    assert "has no SnapStart" not in efs.message
    assert "EFS file system (template.yaml:75)" in efs.message


def test_sam_efs_and_ephemeral_storage_in_globals(tmp_path: Path) -> None:
    template = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            EphemeralStorage:
              Size: 10240
        Resources:
          ApiFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              AutoPublishAlias: live
              FileSystemConfigs:
                - Arn: !GetAtt AccessPoint.Arn
                  LocalMountPath: /mnt/data
              SnapStart:
                ApplyOn: PublishedVersions
          SmallFunction:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [EphemeralStorage]
            Properties:
              Handler: small.handler
              AutoPublishAlias: live
              SnapStart:
                ApplyOn: PublishedVersions
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": template})
    assert codes_at(found) == [("template.yaml", CODE, 16, 7)]
    message = found[0].message
    assert "EFS file system (template.yaml:13)" in message
    assert "ephemeral storage of 10240 MB (template.yaml:5)" in message


CFN = dedent(
    """\
    Resources:
      JavaFunction:
        Type: AWS::Lambda::Function
        Properties:
          FunctionName: orders-java
          Handler: com.shop.Handler::handleRequest
          Runtime: java17
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: java.zip}
          SnapStart:
            ApplyOn: PublishedVersions
      JavaVersion:
        Type: AWS::Lambda::Version
        Properties:
          FunctionName: orders-java
          ProvisionedConcurrencyConfig:
            ProvisionedConcurrentExecutions: 2
      PlainFunction:
        Type: AWS::Lambda::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: plain.zip}
          SnapStart: {ApplyOn: PublishedVersions}
      PlainVersion:
        Type: AWS::Lambda::Version
        Properties:
          FunctionName: !Ref PlainFunction
      PlainAlias:
        Type: AWS::Lambda::Alias
        Properties:
          FunctionName: !Ref PlainFunction
          FunctionVersion: !GetAtt PlainVersion.Version
          Name: live
      OtherAlias:
        Type: AWS::Lambda::Alias
        Properties:
          FunctionName: !Ref NodeFunction
          FunctionVersion: "1"
          Name: warm
          ProvisionedConcurrencyConfig:
            ProvisionedConcurrentExecutions: 2
      NodeFunction:
        Type: AWS::Lambda::Function
        Properties:
          Handler: index.handler
          Runtime: nodejs22.x
          Role: !GetAtt Role.Arn
          Code: {ZipFile: "exports.handler = async () => {}"}
      DotnetFunction:
        Type: AWS::Lambda::Function
        Properties:
          Handler: Shop::Shop.Function::Handler
          Runtime: dotnet6
          Role: !GetAtt Role.Arn
          Code: {S3Bucket: !Ref Bucket, S3Key: dotnet.zip}
          SnapStart:
            ApplyOn: PublishedVersions
      ImageFunction:
        Type: AWS::Lambda::Function
        Properties:
          PackageType: Image
          Role: !GetAtt Role.Arn
          Code: {ImageUri: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest}
          SnapStart:
            ApplyOn: PublishedVersions
    """
)


def test_cloudformation_versions_aliases_and_runtimes(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"template.yaml": CFN})
    assert codes_at(found) == [
        ("template.yaml", CODE, 10, 7),
        ("template.yaml", CODE, 58, 7),
        ("template.yaml", CODE, 66, 7),
    ]
    java, dotnet, image = found
    # The version names the function by its literal FunctionName.
    assert "provisioned concurrency (template.yaml:16)" in java.message
    assert "`dotnet6` has no SnapStart" in dotnet.message
    assert "move to `dotnet8` or later" in dotnet.message
    assert "container image" in image.message


def test_unknown_runtime_and_unknown_settings_are_silent(tmp_path: Path) -> None:
    template = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Runtime:
            Type: String
          Storage:
            Type: Number
          Warm:
            Type: String
            AllowedValues: ["true", "false"]
        Conditions:
          IsWarm: !Equals [!Ref Warm, "true"]
        Resources:
          ParamRuntime:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: !Ref Runtime
              AutoPublishAlias: live
              SnapStart: {ApplyOn: PublishedVersions}
          FutureRuntime:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.15
              AutoPublishAlias: live
              SnapStart: {ApplyOn: PublishedVersions}
          ParamStorage:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              AutoPublishAlias: live
              EphemeralStorage: {Size: !Ref Storage}
              SnapStart: {ApplyOn: PublishedVersions}
          ConditionalConcurrency:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              AutoPublishAlias: live
              ProvisionedConcurrencyConfig: !If
                - IsWarm
                - ProvisionedConcurrentExecutions: 2
                - !Ref AWS::NoValue
              SnapStart: {ApplyOn: PublishedVersions}
          ConditionalSnapStart:
            Type: AWS::Serverless::Function
            Properties:
              Handler: index.handler
              Runtime: nodejs22.x
              SnapStart: !If [IsWarm, {ApplyOn: PublishedVersions}, !Ref AWS::NoValue]
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": template}) == []


def test_crlf_and_json_templates(tmp_path: Path) -> None:
    crlf = SERVERLESS.replace("\n", "\r\n")
    template = json.dumps(
        {
            "Resources": {
                "Fn": {
                    "Type": "AWS::Lambda::Function",
                    "Properties": {
                        "Handler": "index.handler",
                        "Runtime": "nodejs22.x",
                        "Role": "arn:aws:iam::123456789012:role/fn",
                        "Code": {"S3Bucket": "b", "S3Key": "k"},
                        "SnapStart": {"ApplyOn": "PublishedVersions"},
                    },
                }
            }
        },
        indent=2,
    )
    found = findings(tmp_path, CODE, {"serverless.yml": crlf, "cfn/template.json": template})
    rows = [(d.path, d.start.row, d.start.column) for d in found]
    assert ("cfn/template.json", 13, 9) in rows
    assert [r for r in rows if r[0] == "serverless.yml"][:2] == [
        ("serverless.yml", 12, 5),
        ("serverless.yml", 16, 5),
    ]
