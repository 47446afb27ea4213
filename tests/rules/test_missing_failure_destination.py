"""SL202 missing-failure-destination: the three cases, positions, and the suggestion."""

from __future__ import annotations

from pathlib import Path

from config_rule_support import findings, fixed_text, where, yaml

from slint.diagnostics import Applicability, Severity

SERVERLESS = yaml("""\
    service: photos
    provider:
      name: aws
      runtime: python3.12
    functions:
      thumbnail:
        handler: photos.thumbnail
        events:
          - s3:
              bucket: photos
              event: s3:ObjectCreated:*
      safe:
        handler: photos.safe
        destinations:
          onFailure: arn:aws:sqs:us-east-1:123456789012:failures
        events:
          - sns: uploads
      api:
        handler: photos.api
        events:
          - httpApi: GET /photos
      index:
        handler: photos.index
        onError: ${ssm:/photos/dlq}
        events:
          - stream:
              arn: !GetAtt PhotosTable.StreamArn
              maximumRetryAttempts: 3
              bisectBatchOnFunctionError: true
          - sqs:
              arn: !GetAtt Jobs.Arn
          - sqs:
              arn: !GetAtt SafeJobs.Arn
    resources:
      Resources:
        Jobs:
          Type: AWS::SQS::Queue
        SafeJobs:
          Type: AWS::SQS::Queue
          Properties:
            RedrivePolicy:
              deadLetterTargetArn: !GetAtt JobsDLQ.Arn
              maxReceiveCount: 5
        JobsDLQ:
          Type: AWS::SQS::Queue
    """)


def test_serverless_positions(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL202", {"serverless.yml": SERVERLESS})
    assert where(found) == [
        ("serverless.yml", 6, 3),
        ("serverless.yml", 26, 9),
        ("serverless.yml", 36, 5),
    ]
    assert {d.severity for d in found} == {Severity.WARNING}
    function, stream, queue = sorted(found, key=lambda d: d.start)
    assert "Function `thumbnail` is invoked asynchronously (S3)" in function.message
    assert "stream source of function `index` has no on-failure destination" in stream.message
    assert "Queue `Jobs` feeds `index` but has no `RedrivePolicy`" in queue.message
    for diagnostic in found:
        assert diagnostic.fix is not None
        assert diagnostic.fix.applicability is Applicability.DISPLAY_ONLY
        assert diagnostic.fix.edits == ()
    assert function.fix is not None and "destinations" in function.fix.message


def test_sam_suggestion_adds_a_destination_that_sam_creates(tmp_path: Path) -> None:
    text = yaml(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
        Resources:
          Nightly:
            Type: AWS::Serverless::Function
            Properties:
              Handler: report.nightly
              Events:
                Timer:
                  Type: Schedule
                  Properties:
                    Schedule: rate(1 day)
                # more events later
          Notified:
            Type: AWS::Serverless::Function
            Properties:
              Handler: report.notified
              Events:
                Topic:
                  Type: SNS
                  Properties:
                    Topic: !Ref Reports
                    SqsSubscription: true
          Reports:
            Type: AWS::SNS::Topic
        """,
        crlf=True,
    )
    found = findings(tmp_path, "SL202", {"template.yaml": text})
    # The SNS event goes through an SQS queue that SAM creates: not asynchronous.
    assert where(found) == [("template.yaml", 6, 3)]
    suggestion = found[0].fix
    assert suggestion is not None and suggestion.applicability is Applicability.DISPLAY_ONLY
    expected = text.replace(
        "        # more events later\r\n",
        "        # more events later\r\n"
        "      EventInvokeConfig:\r\n"
        "        DestinationConfig:\r\n"
        "          OnFailure:\r\n"
        "            Type: SQS\r\n",
    )
    new = fixed_text(tmp_path, found[0])
    assert new == expected
    (tmp_path / "template.yaml").write_bytes(new.encode())
    assert findings(tmp_path, "SL202") == []


def test_cloudformation_resources(tmp_path: Path) -> None:
    text = yaml("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Thumbnail:
            Type: AWS::Lambda::Function
            Properties:
              Handler: thumbnail.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/thumbnail
              Code: {S3Bucket: a, S3Key: b}
          ThumbnailPermission:
            Type: AWS::Lambda::Permission
            Properties:
              Action: lambda:InvokeFunction
              FunctionName: !GetAtt Thumbnail.Arn
              Principal: s3.amazonaws.com
          Rendered:
            Type: AWS::Lambda::Function
            Properties:
              Handler: render.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/thumbnail
              Code: {S3Bucket: a, S3Key: b}
          RenderedInvoke:
            Type: AWS::Lambda::EventInvokeConfig
            Properties:
              FunctionName: !Ref Rendered
              Qualifier: $LATEST
              MaximumEventAgeInSeconds: 600
          Guarded:
            Type: AWS::Lambda::Function
            Properties:
              Handler: guarded.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/thumbnail
              Code: {S3Bucket: a, S3Key: b}
              DeadLetterConfig:
                TargetArn: !GetAtt Dead.Arn
          GuardedRule:
            Type: AWS::Events::Rule
            Properties:
              ScheduleExpression: rate(5 minutes)
              Targets:
                - Id: guarded
                  Arn: !GetAtt Guarded.Arn
          Dead:
            Type: AWS::SQS::Queue
          Reader:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: !Ref Guarded
              EventSourceArn: !GetAtt Clicks.Arn
              StartingPosition: LATEST
              MaximumRetryAttempts: 2
          Clicks:
            Type: AWS::Kinesis::Stream
        """)
    found = findings(tmp_path, "SL202", {"template.yaml": text})
    assert where(found) == [
        ("template.yaml", 3, 3),
        ("template.yaml", 16, 3),
        ("template.yaml", 47, 3),
    ]
    thumbnail, rendered, reader = sorted(found, key=lambda d: d.start)
    assert "(S3)" in thumbnail.message
    assert "(asynchronous invocation)" in rendered.message
    assert "`DeadLetterConfig: {TargetArn:" in rendered.message
    assert "stream source of function `Guarded`" in reader.message


def test_unknown_and_synchronous_are_silent(tmp_path: Path) -> None:
    text = yaml("""\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          DeadLetterArn:
            Type: String
        Globals:
          Function:
            Runtime: python3.12
            DeadLetterQueue:
              Type: SQS
              TargetArn: !Ref DeadLetterArn
        Resources:
          Upload:
            Type: AWS::Serverless::Function
            Properties:
              Handler: upload.handler
              Events:
                Bucket:
                  Type: S3
                  Properties:
                    Bucket: !Ref Photos
                    Events: s3:ObjectCreated:*
          Photos:
            Type: AWS::S3::Bucket
          SignUp:
            Type: AWS::Serverless::Function
            Properties:
              Handler: auth.pre_signup
              Events:
                Pool:
                  Type: Cognito
                  Properties:
                    UserPool: !Ref Users
                    Trigger: PreSignUp
          Users:
            Type: AWS::Cognito::UserPool
        """)
    assert findings(tmp_path, "SL202", {"template.yaml": text}) == []


def test_stream_mapping_of_a_function_deployed_elsewhere(tmp_path: Path) -> None:
    """The stream of another stack's function, wired here: reported on the mapping. Its
    asynchronous settings live where it is deployed (its DLQ is unknown here), so an
    invoke config without `OnFailure` is left alone (near-miss)."""
    text = yaml("""\
        Resources:
          Orders:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: orders-processor
              EventSourceArn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/1
              StartingPosition: LATEST
          Covered:
            Type: AWS::Lambda::EventSourceMapping
            Properties:
              FunctionName: orders-processor
              EventSourceArn: arn:aws:kinesis:us-east-1:123456789012:stream/audit
              StartingPosition: LATEST
              DestinationConfig:
                OnFailure:
                  Destination: arn:aws:sqs:us-east-1:123456789012:failed
          Invoke:
            Type: AWS::Lambda::EventInvokeConfig
            Properties:
              FunctionName: mailer
              Qualifier: $LATEST
              MaximumRetryAttempts: 0
        """)
    found = findings(tmp_path, "SL202", {"wiring.yaml": text})
    assert where(found) == [("wiring.yaml", 2, 3)]
    assert "function `orders-processor`" in found[0].message
