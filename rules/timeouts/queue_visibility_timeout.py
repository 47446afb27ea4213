from __future__ import annotations

import math
from collections.abc import Iterable
from textwrap import dedent

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import editable, insert_entries, replace_scalar
from slint.app.model import App
from slint.diagnostics import Applicability, Diagnostic, Edit
from slint.settings import Settings

from .._support.config import (
    SQS_DEFAULT_VISIBILITY,
    Timeout,
    number,
    queue_consumers,
    show,
    timeout_of,
)
from .._support.report import deploy_note, fix_of

# AWS's recommendation: room for Lambda to retry a throttled batch.
FACTOR = 6
# The largest visibility timeout SQS accepts (12 hours).
MAX_VISIBILITY = 43200


class QueueVisibilityTimeout(ConfigRule):
    """
    ## What it does
    Reports an SQS queue defined in the same serverless.yml (`resources`) or template
    that feeds a function, when its `VisibilityTimeout` (30 seconds when absent) is
    lower than the function's timeout (an error: AWS refuses to create the event
    source mapping) or lower than six times the function's timeout (a warning: AWS's
    recommendation). The function's timeout is its own, the inherited one, or the
    default (6 s serverless, 3 s SAM and CloudFormation). With several consumers the
    longest timeout counts.

    ## Why is this bad?
    A message stays invisible to other consumers while Lambda processes it, for the
    visibility timeout. Below the function's timeout the deployment fails. Below six
    times the timeout, a batch that is retried after a throttle, or that takes longer
    than usual, becomes visible again while it is still being processed, and another
    invocation processes the same messages a second time.

    ## Example
    ```yaml
    # serverless.yml
    functions:
      worker:
        handler: worker.handler
        timeout: 60
        events:
          - sqs:
              arn: !GetAtt JobsQueue.Arn
    resources:
      Resources:
        JobsQueue:
          Type: AWS::SQS::Queue
          Properties:
            VisibilityTimeout: 30
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    resources:
      Resources:
        JobsQueue:
          Type: AWS::SQS::Queue
          Properties:
            VisibilityTimeout: 360   # 6 x the function's 60 s
    ```

    ## Fix
    Safe: sets `VisibilityTimeout` to six times the longest timeout of the functions
    the queue feeds, replacing the value (its quotes kept) or inserting the key at the
    end of the queue's `Properties`. A queue without `Properties`, written as a flow
    mapping, or defined in another file gets no automatic fix.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-visibility-timeout.html
    """

    code = "SL304"
    name = "queue-visibility-timeout"
    severity = Severity.ERROR
    fix = FixKind.SAFE

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        for queue, consumers in queue_consumers(app).values():
            setting = queue.visibility_timeout
            if setting.value is None:
                visibility: int | float = SQS_DEFAULT_VISIBILITY
            else:
                known = number(setting.value)
                if known is None:
                    continue
                visibility = known
            # A consumer whose timeout cannot be known can only make it worse.
            longest: tuple[Timeout, str] | None = None
            for consumer in consumers:
                timeout = timeout_of(consumer.function)
                if timeout is not None and (
                    longest is None or timeout.seconds > longest[0].seconds
                ):
                    longest = (timeout, consumer.function.name)
            if longest is None:
                continue
            timeout, function = longest
            wanted = min(math.ceil(timeout.seconds * FACTOR), MAX_VISIBILITY)
            if visibility >= timeout.seconds * FACTOR:
                continue
            shown = (
                f"`VisibilityTimeout` {show(visibility)} s{deploy_note(setting.value)}"
                if setting.value is not None
                else f"default visibility timeout ({SQS_DEFAULT_VISIBILITY} s)"
            )
            if visibility < timeout.seconds:
                severity = Severity.ERROR
                problem = (
                    f"Queue `{queue.logical_id}` has a {shown}, shorter than the "
                    f"{timeout.describe(app)} of function `{function}` it feeds: AWS refuses "
                    "to create the event source mapping"
                )
            else:
                severity = Severity.WARNING
                problem = (
                    f"Queue `{queue.logical_id}` has a {shown}, less than {FACTOR} times the "
                    f"{timeout.describe(app)} of function `{function}` it feeds: a batch that "
                    "is retried or slow becomes visible again and is processed twice"
                )
            message = f"{problem}; set `VisibilityTimeout` to {wanted} or more."
            edit: Edit | None = None
            if setting.value is not None:
                if editable(app, setting.owner):
                    edit = replace_scalar(app.text, setting, str(wanted))
            # Without Properties the node is the resource itself: nothing to insert into.
            elif "Type" not in queue.node and editable(app, queue.node):
                edit = insert_entries(app.text, queue.node, [("VisibilityTimeout", str(wanted))])
            fix = fix_of(
                Applicability.SAFE,
                f"Set `VisibilityTimeout: {wanted}` on queue `{queue.logical_id}`",
                edit,
            )
            if setting.value is not None:
                yield self.at_setting(setting, message, fix=fix, severity=severity)
            else:
                yield self.at(
                    queue.file,
                    queue.at,
                    message,
                    length=len(str(queue.logical_id)),
                    fix=fix,
                    severity=severity,
                )

    valid = (
        Valid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  worker:
                    handler: worker.handler
                    timeout: 60
                    events:
                      - sqs:
                          arn: !GetAtt JobsQueue.Arn
                resources:
                  Resources:
                    JobsQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        VisibilityTimeout: 360
                """),
            filename="serverless.yml",
        ),
        # The default 30 s is six times the 5 s timeout.
        Valid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: 5
                functions:
                  worker:
                    handler: worker.handler
                    events:
                      - sqs:
                          arn:
                            Fn::GetAtt: [JobsQueue, Arn]
                resources:
                  Resources:
                    JobsQueue:
                      Type: AWS::SQS::Queue
                """),
            filename="serverless.yml",
        ),
        # A queue of another stack: its settings are not here.
        Valid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  worker:
                    handler: worker.handler
                    timeout: 120
                    events:
                      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  worker:
                    handler: worker.handler
                    timeout: ${ssm:/jobs/timeout}
                    events:
                      - sqs:
                          arn: !GetAtt JobsQueue.Arn
                resources:
                  Resources:
                    JobsQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        VisibilityTimeout: 30
                """),
            filename="serverless.yml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Visibility:
                    Type: Number
                Globals:
                  Function:
                    Runtime: python3.12
                    Timeout: 60
                Resources:
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: worker.handler
                      Events:
                        Jobs:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt JobsQueue.Arn
                  JobsQueue:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: !Ref Visibility
                """),
            filename="template.yaml",
        ),
        # SAM's default 3 s: the default 30 s visibility is enough.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: worker.handler
                      Runtime: python3.12
                      Events:
                        Jobs:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt JobsQueue.Arn
                  JobsQueue:
                    Type: AWS::SQS::Queue
                """),
            filename="template.yaml",
        ),
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Worker:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: worker.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/worker
                      Code:
                        S3Bucket: artifacts
                        S3Key: worker.zip
                      Timeout: 30
                  JobsQueue:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: 180
                  JobsMapping:
                    Type: AWS::Lambda::EventSourceMapping
                    Properties:
                      FunctionName: !Ref Worker
                      EventSourceArn: !GetAtt JobsQueue.Arn
                """),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  worker:
                    handler: worker.handler
                    timeout: 60
                    events:
                      - sqs:
                          arn: !GetAtt JobsQueue.Arn
                resources:
                  Resources:
                    JobsQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        VisibilityTimeout: 30
                """),
            filename="serverless.yml",
            line=17,
            column=9,
            message="AWS refuses to create the event source mapping",
        ),
        # The serverless default of 6 s needs 36 s; the queue has SQS's default 30 s.
        Invalid(
            dedent("""\
                service: jobs
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  worker:
                    handler: worker.handler
                    events:
                      - sqs:
                          arn:
                            Fn::GetAtt: [JobsQueue, Arn]
                resources:
                  Resources:
                    JobsQueue:
                      Type: AWS::SQS::Queue
                      Properties:
                        QueueName: jobs
                """),
            filename="serverless.yml",
            line=14,
            column=5,
            message="default visibility timeout (30 s), less than 6 times",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Timeout: 60
                Resources:
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: worker.handler
                      Events:
                        Jobs:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt JobsQueue.Arn
                  JobsQueue:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: 120
                """),
            filename="template.yaml",
            line=20,
            column=7,
            message="set `VisibilityTimeout` to 360",
        ),
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Parameters:
                  Visibility:
                    Type: Number
                    Default: 20
                Resources:
                  Worker:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: worker.handler
                      Runtime: python3.12
                      Role: arn:aws:iam::123456789012:role/worker
                      Code:
                        S3Bucket: artifacts
                        S3Key: worker.zip
                      Timeout: 25
                  JobsQueue:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: !Ref Visibility
                  JobsMapping:
                    Type: AWS::Lambda::EventSourceMapping
                    Properties:
                      FunctionName: !Ref Worker
                      EventSourceArn: !GetAtt JobsQueue.Arn
                """),
            filename="template.yaml",
            line=20,
            column=7,
            message="shorter than the timeout 25 s of function `Worker`",
        ),
        Invalid(
            dedent("""\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Visibility:
                    Type: Number
                    Default: 30
                Resources:
                  Worker:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: worker.handler
                      Runtime: python3.12
                      Timeout: 60
                      Events:
                        Jobs:
                          Type: SQS
                          Properties:
                            Queue: !GetAtt Jobs.Arn
                  Jobs:
                    Type: AWS::SQS::Queue
                    Properties:
                      VisibilityTimeout: !Ref Visibility
                """),
            filename="template.yaml",
            line=21,
            column=7,
            message=(
                "`VisibilityTimeout` 30 s (the default of parameter `Visibility`"
                ", which a deployment can override), shorter than the timeout 60 s of "
                "function `Worker`"
            ),
        ),
    )
