"""SL303 timeout-out-of-range: positions, shared values reported once, unknown values."""

from __future__ import annotations

from pathlib import Path

from config_rule_support import findings, where, yaml

from slint.diagnostics import Severity


def test_positions_in_every_format(tmp_path: Path) -> None:
    files = {
        "serverless.yml": yaml("""\
            service: export
            provider:
              name: aws
              runtime: python3.12
              memorySize: 64
            functions:
              export:
                handler: export.handler
                timeout: 3600
              ping:
                handler: export.ping
                timeout: 0.5
              fine:
                handler: export.fine
                timeout: 900
                memorySize: 10240
            """),
        "sam/template.yaml": yaml("""\
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Memory:
                Type: Number
                Default: 20000
            Globals:
              Function:
                Runtime: python3.12
                MemorySize: !Ref Memory
            Resources:
              One:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: one.handler
              Two:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: two.handler
                  Timeout: "901"
            """),
        "cfn/template.json": """{
  "Resources": {
    "Export": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Handler": "export.handler",
        "Runtime": "python3.12",
        "Role": "arn:aws:iam::123456789012:role/export",
        "Code": {"S3Bucket": "a", "S3Key": "b"},
        "Timeout": 1000
      }
    }
  }
}
""",
    }
    found = findings(tmp_path, "SL303", files)
    assert where(found) == [
        ("cfn/template.json", 10, 9),
        ("sam/template.yaml", 9, 5),
        ("sam/template.yaml", 19, 7),
        ("serverless.yml", 5, 3),
        ("serverless.yml", 9, 5),
        ("serverless.yml", 12, 5),
    ]
    assert {d.severity for d in found} == {Severity.ERROR}
    assert all(d.fix is None for d in found)
    messages = {(d.path, d.start.row): d.message for d in found}
    # Inherited by three functions, reported once where it is written.
    assert (
        "`provider.memorySize` (inherited by function `export`) is 64 MB"
        in (messages["serverless.yml", 5])
    )
    assert "`Globals.Function.MemorySize`" in messages["sam/template.yaml", 9]
    assert "0.5 seconds, below the minimum" in messages["serverless.yml", 12]
    assert "901 seconds, above the maximum" in messages["sam/template.yaml", 19]


def test_unknown_and_in_range_values_are_silent(tmp_path: Path) -> None:
    files = {
        "serverless.yml": yaml("""\
            service: export
            custom:
              memory:
                dev: 128
            provider:
              name: aws
              runtime: python3.12
              memorySize: ${self:custom.memory.${opt:stage, 'dev'}}
              timeout: ${env:TIMEOUT, 30}
            functions:
              export:
                handler: export.handler
                timeout: ${ssm:/export/timeout}
                memorySize: ${cf:other.Memory}
            """),
        "template.yaml": yaml("""\
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Timeout:
                Type: Number
            Conditions:
              Big: !Equals [!Ref Timeout, 1]
            Resources:
              One:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: one.handler
                  Runtime: python3.12
                  Timeout: !Ref Timeout
                  MemorySize: !If [Big, 20000, 128]
            """),
    }
    assert findings(tmp_path, "SL303", files) == []
