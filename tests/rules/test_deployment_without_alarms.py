"""SL701 deployment-without-alarms: SAM (own and Globals), the canary plugin, near-misses."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import findings
from conftest import codes_at

from slint.diagnostics import Severity

CODE = "SL701"


def test_sam_globals_one_finding_per_function(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            AutoPublishAlias: live
            DeploymentPreference:
              Type: Canary10Percent5Minutes
        Resources:
          A:
            Type: AWS::Serverless::Function
            Properties: {Handler: a.handler}
          B:
            Type: AWS::Serverless::Function
            Properties: {Handler: b.handler}
          OptedOut:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [DeploymentPreference]
            Properties: {Handler: c.handler}
          WithAlarm:
            Type: AWS::Serverless::Function
            Properties:
              Handler: d.handler
              DeploymentPreference:
                Alarms: [!Ref Errors]
          AtOnce:
            Type: AWS::Serverless::Function
            Properties:
              Handler: e.handler
              DeploymentPreference:
                Type: AllAtOnce
          Off:
            Type: AWS::Serverless::Function
            Properties:
              Handler: f.handler
              DeploymentPreference:
                Enabled: false
          Errors:
            Type: AWS::CloudWatch::Alarm
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 9, 3), ("template.yaml", CODE, 12, 3)]
    assert all(d.severity is Severity.WARNING for d in found)
    assert "inherited from `Globals.Function` (template.yaml:6)" in found[0].message
    assert found[0].end.column == 4  # the logical id `A`


def test_sam_undefined_alarms_are_errors(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          AlarmName:
            Type: String
          Named:
            Type: String
            Default: orders-errors
        Conditions:
          IsProd: !Equals [!Ref AWS::Stage, prod]
        Globals:
          Function:
            Runtime: python3.12
            AutoPublishAlias: live
            DeploymentPreference:
              Type: Linear10PercentEvery1Minute
              Alarms: [!Ref GlobalAlarm]
        Resources:
          Own:
            Type: AWS::Serverless::Function
            IgnoreGlobals: "*"
            Properties:
              Handler: a.handler
              Runtime: python3.12
              AutoPublishAlias: live
              DeploymentPreference:
                Type: Canary10Percent5Minutes
                Alarms:
                  - !Ref Defined
                  - !GetAtt Missing.Arn
          FromGlobals:
            Type: AWS::Serverless::Function
            Properties: {Handler: b.handler}
          Fine:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [DeploymentPreference]
            Properties:
              Handler: c.handler
              DeploymentPreference:
                Type: CodeDeployDefault.LambdaCanary10Percent5Minutes
                Alarms:
                  - !Ref AlarmName
                  - !Ref Named
                  - plain-alarm-name
                  - !ImportValue shared-alarm
                  - !If [IsProd, !Ref Defined, !Ref AWS::NoValue]
          Defined:
            Type: AWS::CloudWatch::Alarm
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 29, 13), ("template.yaml", CODE, 30, 3)]
    own, inherited = found
    assert all(d.severity is Severity.ERROR for d in found)
    assert "`Missing`" in own.message
    assert own.end.column == 13 + len("!GetAtt Missing.Arn")
    assert "`GlobalAlarm`" in inherited.message and "Globals.Function" in inherited.message


def test_sam_unknown_values_and_macros_stay_silent(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
        Parameters:
          Kind:
            Type: String
          Alarms:
            Type: CommaDelimitedList
        Resources:
          ByParameter:
            Type: AWS::Serverless::Function
            Properties:
              Handler: a.handler
              Runtime: python3.12
              AutoPublishAlias: live
              DeploymentPreference: {Type: !Ref Kind}
          ChosenList:
            Type: AWS::Serverless::Function
            Properties:
              Handler: b.handler
              Runtime: python3.12
              AutoPublishAlias: live
              DeploymentPreference:
                Type: Linear10PercentEvery1Minute
                Alarms: !If [IsProd, [!Ref A], [!Ref B]]
          Macro:
            Type: AWS::Serverless::Function
            Properties:
              Handler: c.handler
              Runtime: python3.12
              AutoPublishAlias: live
              DeploymentPreference:
                Type: Linear10PercentEvery1Minute
                Alarms: [!Ref MadeByAMacro]
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []


def test_plain_cloudformation_is_not_checked(tmp_path: Path) -> None:
    text = dedent(
        """\
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/r
              Code: {ZipFile: "def handler(e, c): pass"}
              DeploymentPreference: {Type: Canary10Percent5Minutes}
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []


SERVERLESS = """\
service: shop
plugins:
{plugins}
provider:
  name: aws
custom:
  deploymentSettings:
{defaults}
functions:
  api:
    handler: app.handler
    deploymentSettings:
{own}
  worker:
    handler: worker.handler
resources:
  Resources:
    Defined:
      Type: AWS::CloudWatch::Alarm
"""


def serverless(own: str, defaults: str = "    stages: [prod]", plugins: str = "") -> str:
    return SERVERLESS.format(
        plugins=plugins or "  - serverless-plugin-canary-deployments", defaults=defaults, own=own
    )


def test_serverless_canary_plugin(tmp_path: Path) -> None:
    cases: dict[str, tuple[str, list[tuple[int, int, Severity]]]] = {
        "no-alarms": (
            serverless("      type: Linear10PercentEvery1Minute\n      alias: Live"),
            [(12, 5, Severity.WARNING)],
        ),
        "type-from-defaults": (
            serverless("      alias: Live", defaults="    type: Canary10Percent5Minutes"),
            [(12, 5, Severity.WARNING)],
        ),
        "alarms-from-defaults": (
            serverless(
                "      type: Canary10Percent5Minutes\n      alias: Live",
                defaults="    alarms: [Defined]",
            ),
            [],
        ),
        "undefined": (
            serverless(
                "      type: Canary10Percent5Minutes\n      alias: Live\n"
                "      alarms:\n        - Defined\n        - Missing\n        - name: by-name"
            ),
            [(17, 11, Severity.ERROR)],
        ),
        "undefined-in-defaults": (
            serverless(
                "      type: Canary10Percent5Minutes\n      alias: Live",
                defaults="    alarms: [Missing]",
            ),
            [(12, 5, Severity.ERROR)],
        ),
        "alarm-plugin": (
            serverless(
                "      type: Canary10Percent5Minutes\n      alias: Live\n"
                "      alarms: [ApiFunctionErrorsAlarm]",
                plugins=(
                    "  - serverless-plugin-canary-deployments\n  - serverless-plugin-aws-alerts"
                ),
            ),
            [],
        ),
        "all-at-once": (serverless("      type: AllAtOnce\n      alias: Live"), []),
        "no-plugin": (
            serverless("      type: Canary10Percent5Minutes", plugins="  - serverless-offline"),
            [],
        ),
        "unresolved": (serverless("      type: ${param:deployType}\n      alias: Live"), []),
    }
    for name, (text, expected) in cases.items():
        found = findings(tmp_path / name, CODE, {"serverless.yml": text})
        got = [(d.start.row, d.start.column, d.severity) for d in found]
        assert got == expected, (name, [d.message for d in found])
