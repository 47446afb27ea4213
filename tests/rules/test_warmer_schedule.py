"""SL107 warmer-schedule: schedule parsing, positions per format, off by default."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from config_rule_support import positions
from conftest import codes_at, lint, write_tree
from slint.rules.cold_start.warmer_schedule import interval_minutes


@pytest.mark.parametrize(
    ("expression", "minutes"),
    [
        ("rate(1 minute)", 1),
        ("rate(5 minutes)", 5),
        ("rate( 15 Minutes )", 15),
        ("rate(1 hour)", 60),
        ("rate(2 days)", 2880),
        ("cron(* * * * ? *)", 1),
        ("cron(*/5 * * * ? *)", 5),
        ("cron(0/10 8-18 ? * MON-FRI *)", 10),
        ("cron(0-59/15 * * * ? *)", 15),
        ("cron(0,20,40 * * * ? *)", 20),
        ("cron(5,10 * * * ? *)", 55),
        ("cron(0 2 * * ? *)", None),
        ("cron(30/10 * * * ? *)", 40),
        ("cron(0 * * * ? *)", 60),
        ("cron(*/5 2 * * ? *)", 5),
        ("cron(0,30 2 * * ? *)", 30),
        ("cron(61 * * * ? *)", None),
        ("at(2030-01-01T00:00:00)", None),
        ("rate(5 fortnights)", None),
        (None, None),
    ],
)
def test_interval_minutes(expression: object, minutes: int | None) -> None:
    assert interval_minutes(expression) == minutes


SERVERLESS = dedent("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
    functions:
      api:
        handler: api.handler
        events:
          - httpApi: GET /
          - schedule:
              rate: [rate(10 minutes)]
              input: '{"warmer": true, "concurrency": 2}'
      report:
        handler: report.handler
        events:
          - schedule: cron(0 2 * * ? *)
          - eventBridge:
              schedule: rate(5 minutes)
              description: keep the report lambda warm
      poll:
        handler: poll.handler
        events:
          - schedule:
              rate: rate(1 minute)
              input:
                ping: true
    """)

FILES = {
    "serverless.yml": SERVERLESS,
    "api.py": "def handler(event, context):\n    return {}\n",
    "report.py": "def handler(event, context):\n    return {}\n",
    "poll.py": dedent("""\
        def handler(event, context):
            '''Poll the queue.'''
            if event.get("ping"):
                return None
            return poll()
        """),
}


def test_positions_on_a_serverless_project(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    found = lint(tmp_path, select=["SL107"]).diagnostics
    assert codes_at(found) == [
        ("serverless.yml", "SL107", 10, 9),
        ("serverless.yml", "SL107", 17, 9),
        ("serverless.yml", "SL107", 23, 9),
    ]
    assert "`rate(10 minutes)` schedule of function `api`" in found[0].message
    assert "(it is named `keep the report lambda warm`)" in found[1].message
    assert "(the handler returns at once for it at poll.py:3)" in found[2].message
    assert found[0].end.column - found[0].start.column == len("schedule")


def test_off_by_default(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    assert [d for d in lint(tmp_path).diagnostics if d.code == "SL107"] == []
    assert len([d for d in lint(tmp_path, extend_select=["SL107"]).diagnostics]) >= 3


def test_crlf(tmp_path: Path) -> None:
    files = dict(FILES)
    files["serverless.yml"] = SERVERLESS.replace("\n", "\r\n")
    write_tree(tmp_path, files)
    assert positions(tmp_path, "SL107") == [
        ("serverless.yml", "SL107", 10, 9),
        ("serverless.yml", "SL107", 17, 9),
        ("serverless.yml", "SL107", 23, 9),
    ]


def test_sam_and_cloudformation(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "sam/template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    CodeUri: src/
                Resources:
                  Api:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Events:
                        Warm:
                          Type: Schedule
                          Properties:
                            Schedule: rate(5 minutes)
                        Off:
                          Type: Schedule
                          Properties:
                            Schedule: rate(5 minutes)
                            Input: '{"warmer": true}'
                            Enabled: false
                        Paused:
                          Type: ScheduleV2
                          Properties:
                            ScheduleExpression: rate(5 minutes)
                            Input: '{"warmer": true}'
                            State: DISABLED
                """),
            "cfn/template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      Role: !GetAtt Role.Arn
                      Code: src
                  Every5:
                    Type: AWS::Events::Rule
                    Properties:
                      ScheduleExpression: cron(0/5 * * * ? *)
                      Targets:
                        - Arn: !GetAtt Fn.Arn
                          Id: fn
                  Nightly:
                    Type: AWS::Events::Rule
                    Properties:
                      ScheduleExpression: cron(0 3 * * ? *)
                      Targets:
                        - Arn: !GetAtt Fn.Arn
                          Id: fn
                          Input: '{"warmer": true}'
                """),
            "cfn/src/app.py": dedent("""\
                import logging

                logger = logging.getLogger()


                def handler(event, context):
                    if event.get("source") == "aws.events":
                        logger.debug("warming call")
                        return
                    return {"statusCode": 200}
                """),
        },
    )
    assert positions(tmp_path, "SL107") == [
        ("cfn/template.yaml", "SL107", 10, 3),
        ("sam/template.yaml", "SL107", 13, 9),
    ]


def test_unknown_schedules_and_inputs_are_silent(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": dedent("""\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  api:
                    handler: api.handler
                    events:
                      - schedule:
                          rate: ${param:rate}
                          input:
                            warmer: true
                      - schedule:
                          rate: rate(5 minutes)
                          input: ${ssm:/shop/input}
                      - schedule:
                          rate: rate(5 minutes)
                          inputTransformer:
                            inputTemplate: '{"time": <time>}'
                """),
            "api.py": "def handler(event, context):\n    return {}\n",
        },
    )
    assert positions(tmp_path, "SL107") == []
