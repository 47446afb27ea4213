"""SL205, SL206 and SL207 on real-shaped projects: exact places, the other side named in
the message, the SL205 config fix applied and re-read, and how findings follow when only
the config or only the handler is checked (as pre-commit does)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from conftest import codes_at, lint, run_cli, write_tree

from slint.diagnostics import Applicability
from slint.fixes import apply_edits

RETURNS_FAILURES = dedent("""\
    import json


    def main(event, context):
        failures = []
        for record in event["Records"]:
            try:
                json.loads(record["body"])
            except Exception:
                failures.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailures": failures}
    """)

RAISES = dedent("""\
    import json


    def main(event, context):
        for record in event["Records"]:
            order = json.loads(record["body"])
            if not order:
                raise ValueError("empty order")
    """)

SERVERLESS = dedent("""\
    service: orders
    provider:
      name: aws
      runtime: python3.12
    functions:
      worker:
        handler: handler.main
        events:
          - sqs:
              arn: arn:aws:sqs:us-east-1:123456789012:orders  # the orders queue
              batchSize: 10
    """)

SHORTHAND = dedent("""\
    service: orders
    provider:
      name: aws
      runtime: python3.12
    functions:
      worker:
        handler: handler.main
        events:
          - sqs: arn:aws:sqs:us-east-1:123456789012:orders
    """)

SAM = dedent("""\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: handler.main
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: arn:aws:sqs:us-east-1:123456789012:orders
                BatchSize: 5
    """)

CFN = dedent("""\
    Resources:
      Worker:
        Type: AWS::Lambda::Function
        Properties:
          Runtime: python3.12
          Handler: handler.main
          Code: .
      Mapping:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Ref Worker
          EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/clicks
          StartingPosition: LATEST
    """)


def _fix_and_reload(tmp_path: Path, config: str, code: str = "SL205") -> str:
    result = lint(tmp_path, select=[code])
    found = [d for d in result.diagnostics if d.code == code]
    assert len(found) == 1, [d.full_message for d in found]
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.SAFE
    path = tmp_path / config
    fixed = apply_edits(path.read_text(), fix.edits)
    path.write_text(fixed)
    assert [d for d in lint(tmp_path, select=[code]).diagnostics if d.code == code] == []
    return fixed


def test_raise_in_the_record_loop_reported_on_each_format(tmp_path: Path) -> None:
    cases = {
        "serverless.yml": (SERVERLESS, ("serverless.yml", "SL205", 9, 9)),
        "template.yaml": (SAM, ("template.yaml", "SL205", 9, 9)),
        "stack.yaml": (CFN, ("stack.yaml", "SL205", 8, 3)),
    }
    for name, (config, expected) in cases.items():
        root = tmp_path / name.replace(".", "_")
        write_tree(root, {"handler.py": RAISES, name: config})
        result = lint(root, select=["SL205"])
        assert codes_at(result.diagnostics) == [expected], name
        message = result.diagnostics[0].message
        assert "raises inside its loop over the records (handler.py:8)" in message
        assert result.diagnostics[0].fix is None  # the handler must change first


def test_message_names_batch_size_and_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": RAISES, "serverless.yml": SHORTHAND})
    [found] = lint(tmp_path, select=["SL205"]).diagnostics
    assert found.message.startswith(
        "The sqs event (batch size 10 by default) has no partial batch response"
    )


def test_fix_enables_reporting_in_a_serverless_mapping(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": RETURNS_FAILURES, "serverless.yml": SERVERLESS})
    fixed = _fix_and_reload(tmp_path, "serverless.yml")
    assert fixed.endswith(
        "          arn: arn:aws:sqs:us-east-1:123456789012:orders  # the orders queue\n"
        "          batchSize: 10\n"
        "          functionResponseType: ReportBatchItemFailures\n"
    )


def test_fix_expands_the_serverless_shorthand(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": RETURNS_FAILURES, "serverless.yml": SHORTHAND})
    fixed = _fix_and_reload(tmp_path, "serverless.yml")
    assert fixed.endswith(
        "      - sqs:\n"
        "          arn: arn:aws:sqs:us-east-1:123456789012:orders\n"
        "          functionResponseType: ReportBatchItemFailures\n"
    )


def test_fix_in_sam_and_cloudformation_keeps_crlf(tmp_path: Path) -> None:
    sam_root, cfn_root = tmp_path / "sam", tmp_path / "cfn"
    write_tree(sam_root, {"handler.py": RETURNS_FAILURES, "template.yaml": SAM})
    fixed = _fix_and_reload(sam_root, "template.yaml")
    assert fixed.endswith(
        "            BatchSize: 5\n            FunctionResponseTypes:\n"
        "              - ReportBatchItemFailures\n"
    )
    write_tree(cfn_root, {"handler.py": RETURNS_FAILURES})
    (cfn_root / "stack.yaml").write_bytes(CFN.replace("\n", "\r\n").encode())
    result = lint(cfn_root, select=["SL205"])
    [found] = result.diagnostics
    assert "returns `batchItemFailures` (handler.py:11)" in found.message
    assert found.fix is not None
    data = (cfn_root / "stack.yaml").read_bytes().decode()
    fixed = apply_edits(data, found.fix.edits)
    assert fixed.endswith(
        "      StartingPosition: LATEST\r\n      FunctionResponseTypes:\r\n"
        "        - ReportBatchItemFailures\r\n"
    )
    assert "\n" not in fixed.replace("\r\n", "")


def test_fix_through_the_command(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": RETURNS_FAILURES, "serverless.yml": SERVERLESS})
    result = run_cli("check", "--select", "SL205", "--fix", ".", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (
        "functionResponseType: ReportBatchItemFailures" in (tmp_path / "serverless.yml").read_text()
    )


def test_powertools_and_enabled_reporting_are_silent(tmp_path: Path) -> None:
    enabled = SERVERLESS.replace(
        "batchSize: 10\n",
        "batchSize: 10\n          functionResponseType: ReportBatchItemFailures\n",
    )
    write_tree(tmp_path, {"handler.py": RETURNS_FAILURES, "serverless.yml": enabled})
    assert lint(tmp_path, select=["SL205", "SL206", "SL207"]).diagnostics == []


def test_work_in_a_helper_called_per_record(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "handler.py": dedent("""\
                from orders.process import process_all


                def main(event, context):
                    process_all(event["Records"])
                """),
            "orders/__init__.py": "",
            "orders/process.py": dedent("""\
                import boto3

                table = boto3.resource("dynamodb").Table("orders")


                def process_all(records):
                    for record in records:
                        table.put_item(Item={"id": record["messageId"]})
                """),
            "serverless.yml": SERVERLESS,
        },
    )
    [found] = lint(tmp_path, select=["SL205"]).diagnostics
    assert "exception from `put_item` escape its loop over the records (orders/process.py:8)" in (
        found.message
    )


def test_sl206_misspelt_key_and_item_identifier(tmp_path: Path) -> None:
    enabled = SAM.replace(
        "BatchSize: 5\n",
        "BatchSize: 5\n            FunctionResponseTypes: [ReportBatchItemFailures]\n",
    )
    handler = RETURNS_FAILURES.replace('"batchItemFailures"', '"BatchItemFailures"')
    write_tree(tmp_path, {"handler.py": handler, "template.yaml": enabled})
    result = lint(tmp_path, select=["SL206"])
    assert codes_at(result.diagnostics) == [("handler.py", "SL206", 4, 5)]
    message = result.diagnostics[0].message
    assert "catches a record's failure (handler.py:9)" in message
    assert "returns `BatchItemFailures` (handler.py:11), not `batchItemFailures`" in message
    assert "(template.yaml:9: sqs event, BatchSize 5)" in message


def test_sl207_on_an_async_source_and_near_misses(tmp_path: Path) -> None:
    handler = dedent("""\
        import logging

        import boto3

        logger = logging.getLogger()
        s3 = boto3.client("s3")


        def main(event, context):
            for record in event["Records"]:
                try:
                    s3.copy_object(Bucket="archive", Key=record["s3"]["object"]["key"],
                                   CopySource={"Bucket": "in", "Key": "k"})
                except Exception:
                    logger.exception("copy failed")
        """)
    config = dedent("""\
        service: archive
        provider:
          name: aws
          runtime: python3.12
        functions:
          copy:
            handler: handler.main
            events:
              - s3:
                  bucket: in
                  event: s3:ObjectCreated:*
          api:
            handler: handler.main
            events:
              - http: POST /copy
        """)
    write_tree(tmp_path, {"handler.py": handler, "serverless.yml": config})
    result = lint(tmp_path, select=["SL207"])
    assert codes_at(result.diagnostics) == [("handler.py", "SL207", 9, 5)]
    assert "(`except Exception` at handler.py:14)" in result.diagnostics[0].message
    assert "serverless.yml:9: s3 event" in result.diagnostics[0].message
    reraised = handler.replace(
        'logger.exception("copy failed")', 'logger.exception("copy failed")\n                raise'
    )
    write_tree(tmp_path, {"handler.py": reraised})
    assert lint(tmp_path, select=["SL207"]).diagnostics == []


def test_config_checked_alone_shows_findings_in_its_handlers(tmp_path: Path) -> None:
    enabled = SAM.replace(
        "BatchSize: 5\n",
        "BatchSize: 5\n            FunctionResponseTypes: [ReportBatchItemFailures]\n",
    )
    handler = RETURNS_FAILURES.replace('"batchItemFailures"', '"batchItemFailure"')
    write_tree(tmp_path, {"handler.py": handler, "template.yaml": enabled, "other.py": RAISES})
    result = lint(tmp_path, ["template.yaml"], select=["SL206", "SL101"])
    assert codes_at(result.diagnostics) == [("handler.py", "SL206", 4, 5)]
    # ... and the handler alone gets it from the template found above it.
    result = lint(tmp_path, ["handler.py"], select=["SL206"])
    assert codes_at(result.diagnostics) == [("handler.py", "SL206", 4, 5)]


def test_handler_alone_does_not_show_config_findings(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": RAISES, "serverless.yml": SERVERLESS})
    assert lint(tmp_path, ["handler.py"], select=["SL205"]).diagnostics == []
    assert codes_at(lint(tmp_path, ["serverless.yml"], select=["SL205"]).diagnostics) == [
        ("serverless.yml", "SL205", 9, 9)
    ]


def test_a_second_run_of_the_same_engine_sees_the_changed_handler(tmp_path: Path) -> None:
    # `--fix` checks again with the same engine after writing its fixes: the cross rules
    # must read the handler as it is now, not as the first run saw it.
    from slint.config import ConfigResolver, Overrides
    from slint.engine import Engine
    from slint.registry import Registry

    enabled = SAM.replace(
        "BatchSize: 5\n",
        "BatchSize: 5\n            FunctionResponseTypes: [ReportBatchItemFailures]\n",
    )
    handler = RETURNS_FAILURES.replace('"batchItemFailures"', '"batchItemFailure"')
    write_tree(tmp_path, {"handler.py": handler, "template.yaml": enabled})
    engine = Engine(Registry.load(), ConfigResolver(Overrides(select=("SL206",)), None))
    first = engine.check_paths([str(tmp_path)])
    assert [d.start.row for d in first.diagnostics] == [4]
    write_tree(tmp_path, {"handler.py": "import os\n\n" + handler})
    second = engine.check_paths([str(tmp_path)])
    assert [d.start.row for d in second.diagnostics] == [6]
    message = second.diagnostics[0].message
    assert "handler.py:11) but returns `batchItemFailure` (" in message
    assert "handler.py:13), not `batchItemFailures`" in message
