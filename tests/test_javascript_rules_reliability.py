"""The reliability cross rules (SL201, SL205-SL208) on Node.js handlers: JavaScript and
TypeScript modules linked from serverless.yml and SAM templates, read through the
JavaScript front end's facts. Hits with exact positions and messages, and the near-misses
that must stay quiet (including the false positives found on real projects)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent, indent

import pytest
from conftest import lint, write_tree

# -- configs ----------------------------------------------------------------------------


def _serverless(events: str, handler: str = "handler.handler") -> str:
    return (
        dedent("""\
            service: orders
            provider:
              name: aws
              runtime: nodejs22.x
            functions:
              worker:
                handler: {handler}
                events:
            {events}""")
        .replace("{handler}", handler)
        .replace("{events}", indent(dedent(events), "      "))
    )


_SQS = """\
      - sqs:
          arn: arn:aws:sqs:us-east-1:123456789012:orders
          batchSize: 10
"""
_SQS_REPORTING = """\
      - sqs:
          arn: arn:aws:sqs:us-east-1:123456789012:orders
          batchSize: 10
          functionResponseType: ReportBatchItemFailures
"""
_EVENTBRIDGE = """\
      - eventBridge:
          pattern:
            source: [orders]
"""
_SCHEDULE = """\
      - schedule: rate(1 day)
"""
_SNS = """\
      - sns: orders
"""
_HTTP = """\
      - httpApi: POST /orders
"""
_S3 = """\
      - s3: photos
"""

SERVERLESS_SQS = _serverless(_SQS)
SERVERLESS_SQS_REPORTING = _serverless(_SQS_REPORTING)
SERVERLESS_EVENTBRIDGE = _serverless(_EVENTBRIDGE)

# A TypeScript handler built by SAM's esbuild (`src/app.ts` -> `app.handler`).
SAM_TYPESCRIPT = dedent("""\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: nodejs22.x
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: arn:aws:sqs:us-east-1:123456789012:orders
                FunctionResponseTypes:
                  - ReportBatchItemFailures
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
    """)
SAM_TYPESCRIPT_PLAIN_SQS = SAM_TYPESCRIPT.replace(
    "            FunctionResponseTypes:\n              - ReportBatchItemFailures\n", ""
)

SAM_S3_TYPESCRIPT = dedent("""\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Resize:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: nodejs22.x
          Environment:
            Variables:
              OUTPUT_BUCKET: !Ref Thumbnails
          Events:
            Upload:
              Type: S3
              Properties:
                Bucket: !Ref Photos
                Events: s3:ObjectCreated:*
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
      Photos:
        Type: AWS::S3::Bucket
      Thumbnails:
        Type: AWS::S3::Bucket
    """)

Finding = tuple[str, int, int, str]


def _check(tmp_path: Path, code: str, files: dict[str, str]) -> list[Finding]:
    write_tree(tmp_path, files)
    result = lint(tmp_path, select=[code])
    assert not result.errors
    return [
        (d.path, d.start.row, d.start.column, d.full_message)
        for d in result.diagnostics
        if d.code == code
    ]


def _at(findings: list[Finding]) -> list[tuple[str, int, int]]:
    return [(path, row, column) for path, row, column, _ in findings]


_DOCUMENT_CLIENT = dedent("""\
    import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
    import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from "@aws-sdk/lib-dynamodb";

    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
    """)


# -- SL201 missing-idempotency ------------------------------------------------------------


def test_sl201_put_without_condition_in_an_sqs_handler(tmp_path: Path) -> None:
    handler = _DOCUMENT_CLIENT + dedent("""\

        export const handler = async (event) => {
          for (const record of event.Records) {
            await doc.send(new PutCommand({ TableName: "orders", Item: JSON.parse(record.body) }));
          }
        };
        """)
    found = _check(tmp_path, "SL201", {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler})
    assert _at(found) == [("handler.mjs", 8, 11)]
    message = found[0][3]
    assert message.startswith(
        "`doc.send(new PutCommand(...))` without a `ConditionExpression` runs again when SQS "
        "redelivers the message (serverless.yml:9: sqs event, batchSize 10)"
    )
    assert '`ConditionExpression: "attribute_not_exists(<key>)"`' in message
    assert "Powertools `makeIdempotent`" in message


def test_sl201_fix_shows_the_typescript_utility(tmp_path: Path) -> None:
    handler = _DOCUMENT_CLIENT + dedent("""\

        export const handler = async (event) => {
          for (const record of event.Records) {
            await doc.send(new PutCommand({ TableName: "orders", Item: { id: record.messageId } }));
          }
        };
        """)
    write_tree(tmp_path, {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler})
    (diagnostic,) = lint(tmp_path, select=["SL201"]).diagnostics
    assert diagnostic.fix is not None
    assert "makeIdempotent(async (event, context) =>" in diagnostic.fix.message


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        ('fetch(HOOK, { method: "POST", body: record.body })', "`fetch(...)` (POST)"),
        ('axios({ method: "post", url: HOOK, data: record.body })', "`axios(...)` (POST)"),
        ("axios.post(HOOK, record.body)", "`axios.post`"),
        ('axios.request({ method: "PATCH", url: HOOK })', "`axios.request(...)` (PATCH)"),
        ("api.post('/orders', record.body)", "`api.post(...)`"),
        ("got.post(HOOK, { json: { id: record.messageId } })", "`got.post`"),
        ("ky.post(HOOK, { json: { id: record.messageId } })", "`ky.post`"),
        ('nodeFetch(HOOK, { method: "POST", body: record.body })', "`nodeFetch(...)` (POST)"),
    ],
)
def test_sl201_http_post_and_patch(tmp_path: Path, call: str, shown: str) -> None:
    handler = dedent("""\
        import axios from "axios";
        import got from "got";
        import ky from "ky";
        import nodeFetch from "node-fetch";

        const HOOK = "https://hooks.example.com/orders";
        const api = axios.create({ baseURL: HOOK, timeout: 5000 });

        export const handler = async (event) => {
          for (const record of event.Records) {
            await CALL;
          }
        };
        """).replace("CALL", call)
    found = _check(tmp_path, "SL201", {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler})
    assert _at(found) == [("handler.mjs", 11, 11)], found
    assert found[0][3].startswith(shown + " runs again when SQS redelivers the message")


@pytest.mark.parametrize(
    "call",
    [
        'fetch(`${HOOK}/${record.messageId}`, { method: "PUT", body: record.body })',
        "fetch(HOOK)",
        "axios.get(HOOK)",
        "axios.put(HOOK, record.body)",
        'axios.post(HOOK, record.body, { headers: { "Idempotency-Key": record.messageId } })',
        'fetch(HOOK, { method: "POST", headers: { "Idempotency-Key": record.messageId } })',
        # An HTTP client slint does not know: no guess.
        "client.post(HOOK, record.body)",
    ],
)
def test_sl201_http_near_misses(tmp_path: Path, call: str) -> None:
    handler = dedent("""\
        import axios from "axios";
        import { client } from "./client.mjs";

        const HOOK = "https://hooks.example.com/orders";

        export const handler = async (event) => {
          for (const record of event.Records) {
            await CALL;
          }
        };
        """).replace("CALL", call)
    files = {
        "serverless.yml": SERVERLESS_SQS,
        "handler.mjs": handler,
        "client.mjs": "export const client = {};\n",
    }
    assert _check(tmp_path, "SL201", files) == []


def test_sl201_idempotency_header_that_changes_on_every_attempt(tmp_path: Path) -> None:
    handler = dedent("""\
        import { randomUUID } from "node:crypto";

        export const handler = async (event) => {
          for (const record of event.Records) {
            await fetch("https://payments.example.com/charges", {
              method: "POST",
              headers: { "Idempotency-Key": randomUUID() },
              body: record.body,
            });
          }
        };
        """)
    found = _check(tmp_path, "SL201", {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler})
    assert _at(found) == [("handler.mjs", 5, 11)]


@pytest.mark.parametrize("dedup", ["randomUUID()", "uuid.v4()", "`${Date.now()}`"])
def test_sl201_deduplication_id_that_changes_on_every_attempt(tmp_path: Path, dedup: str) -> None:
    handler = dedent("""\
        import { randomUUID } from "node:crypto";
        import * as uuid from "uuid";
        import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

        const sqs = new SQSClient({});

        export const handler = async (event) => {
          for (const record of event.Records) {
            await sqs.send(
              new SendMessageCommand({
                QueueUrl: process.env.NEXT_QUEUE,
                MessageBody: record.body,
                MessageGroupId: "orders",
                MessageDeduplicationId: DEDUP,
              }),
            );
          }
        };
        """).replace("DEDUP", dedup)
    found = _check(tmp_path, "SL201", {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler})
    assert _at(found) == [("handler.mjs", 9, 11)]
    assert found[0][3].startswith(
        "`sqs.send(new SendMessageCommand(...))` with a `MessageDeduplicationId` that changes "
        "on every attempt runs again when SQS redelivers the message"
    )


def test_sl201_sdk_side_effects(tmp_path: Path) -> None:
    handler = dedent("""\
        import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
        import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
        import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";
        import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
        import { v4 as uuidv4 } from "uuid";

        const sqs = new SQSClient({});
        const sfn = new SFNClient({});
        const lambda = new LambdaClient({});
        const ses = new SESClient({});

        const MACHINE = process.env.MACHINE;
        const NEXT = process.env.NEXT;
        const message = { Subject: { Data: "Hi" }, Body: { Text: { Data: "Hi" } } };

        export const handler = async (event, context) => {
          for (const { body } of event.Records) {
            await sqs.send(new SendMessageCommand({ QueueUrl: NEXT, MessageBody: body }));
            await sfn.send(new StartExecutionCommand({ stateMachineArn: MACHINE, name: uuidv4() }));
            await sfn.send(
              new StartExecutionCommand({ stateMachineArn: MACHINE, name: context.awsRequestId }),
            );
            await lambda.send(new InvokeCommand({ FunctionName: "f", InvocationType: "Event" }));
            await ses.send(
              new SendEmailCommand({
                Source: "a@example.com",
                Destination: { ToAddresses: ["b@example.com"] },
                Message: message,
              }),
            );
          }
        };
        """)
    found = _check(tmp_path, "SL201", {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler})
    assert _at(found) == [
        ("handler.mjs", 18, 11),
        ("handler.mjs", 19, 11),
        ("handler.mjs", 20, 11),
        ("handler.mjs", 23, 11),
        ("handler.mjs", 24, 11),
    ]
    messages = [message for *_, message in found]
    assert messages[0].startswith(
        "`sqs.send(new SendMessageCommand(...))` without a deduplication id runs again"
    )
    assert messages[1].startswith(
        "`sfn.send(new StartExecutionCommand(...))` with a `name` that changes on every attempt"
    )
    assert "pass a `name` built from the message id" in messages[1]
    assert "with a `name` that changes on every attempt" in messages[2]
    assert messages[3].startswith(
        '`lambda.send(new InvokeCommand(...))` with `InvocationType: "Event"` runs again'
    )
    assert messages[4].startswith("`ses.send(new SendEmailCommand(...))` runs again")


def test_sl201_sdk_v2_document_client(tmp_path: Path) -> None:
    handler = dedent("""\
        const AWS = require("aws-sdk");

        const docClient = new AWS.DynamoDB.DocumentClient();

        exports.handler = async (event) => {
          for (const record of event.Records) {
            await docClient
              .update({
                TableName: "clicks",
                Key: { page: record.body },
                UpdateExpression: "SET clicks = clicks + :one",
                ExpressionAttributeValues: { ":one": 1 },
              })
              .promise();
          }
        };
        """)
    found = _check(tmp_path, "SL201", {"serverless.yml": SERVERLESS_SQS, "handler.js": handler})
    assert _at(found) == [("handler.js", 7, 11)]
    assert "with `SET clicks = clicks + :one` and no `ConditionExpression`" in found[0][3]


def test_sl201_near_misses_of_sdk_effects(tmp_path: Path) -> None:
    handler = _DOCUMENT_CLIENT + dedent("""\
        import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
        import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
        import { LambdaClient, InvokeCommand } from "@aws-sdk/client-lambda";

        const sqs = new SQSClient({});
        const sfn = new SFNClient({});
        const lambda = new LambdaClient({});

        export const handler = async (event) => {
          for (const record of event.Records) {
            const order = JSON.parse(record.body);
            await doc.send(new UpdateCommand({
              TableName: "orders",
              Key: { id: order.id },
              UpdateExpression: "SET #s = :s",
              ExpressionAttributeNames: { "#s": "status" },
              ExpressionAttributeValues: { ":s": "RECEIVED" },
            }));
            await sqs.send(new SendMessageCommand({
              QueueUrl: process.env.NEXT_QUEUE,
              MessageBody: record.body,
              MessageGroupId: "orders",
              MessageDeduplicationId: record.messageId,
            }));
            await sfn.send(new StartExecutionCommand({
              stateMachineArn: process.env.MACHINE,
              name: `order-${order.id}`,
              input: record.body,
            }));
            await lambda.send(new InvokeCommand({ FunctionName: "next", Payload: record.body }));
          }
        };
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    assert _check(tmp_path, "SL201", files) == []


def test_sl201_conditional_claim_guards_the_rest(tmp_path: Path) -> None:
    handler = _DOCUMENT_CLIENT + dedent("""\
        import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";

        const sns = new SNSClient({});
        const TOPIC = process.env.TOPIC;

        export const handler = async (event) => {
          for (const record of event.Records) {
            await doc.send(new PutCommand({
              TableName: "processed",
              Item: { id: record.messageId },
              ConditionExpression: "attribute_not_exists(id)",
            }));
            await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: record.body }));
          }
        };
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    assert _check(tmp_path, "SL201", files) == []


@pytest.mark.parametrize(
    "claim",
    [
        'await redis.set(`seen:${record.messageId}`, "1", { NX: true, EX: 86400 })',
        'await redis.set(`seen:${record.messageId}`, "1", "EX", 86400, "NX")',
    ],
)
def test_sl201_redis_set_nx_claim(tmp_path: Path, claim: str) -> None:
    handler = dedent("""\
        import { createClient } from "redis";
        import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";

        const redis = createClient();
        const sns = new SNSClient({});
        const TOPIC = process.env.TOPIC;

        export const handler = async (event) => {
          for (const record of event.Records) {
            if (!(CLAIM)) continue;
            await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: record.body }));
          }
        };
        """).replace("CLAIM", claim)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    assert _check(tmp_path, "SL201", files) == []


def test_sl201_make_idempotent_handler(tmp_path: Path) -> None:
    handler = dedent("""\
        import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
        import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";

        const persistenceStore = new DynamoDBPersistenceLayer({ tableName: "idempotency" });

        export const handler = makeIdempotent(
          async (event) => {
            await fetch("https://hooks.example.com", { method: "POST", body: event.detail });
          },
          { persistenceStore },
        );
        """)
    files = {"serverless.yml": SERVERLESS_EVENTBRIDGE, "handler.mjs": handler}
    assert _check(tmp_path, "SL201", files) == []


def test_sl201_make_idempotent_record_handler_of_a_batch_processor(tmp_path: Path) -> None:
    handler = dedent("""\
        import {
          BatchProcessor,
          EventType,
          processPartialResponse,
        } from "@aws-lambda-powertools/batch";
        import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
        import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
        import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

        const processor = new BatchProcessor(EventType.SQS);
        const persistenceStore = new DynamoDBPersistenceLayer({ tableName: "idempotency" });

        const recordHandler = async (record: SQSRecord): Promise<void> => {
          await fetch("https://hooks.example.com", { method: "POST", body: record.body });
        };

        export const handler = async (event: SQSEvent, context: Context) =>
          processPartialResponse(
            event,
            makeIdempotent(recordHandler, { persistenceStore }),
            processor,
            { context },
          );
        """)
    files = {"template.yaml": SAM_TYPESCRIPT, "src/app.ts": handler}
    assert _check(tmp_path, "SL201", files) == []


def test_sl201_record_handler_without_make_idempotent_is_reported(tmp_path: Path) -> None:
    handler = dedent("""\
        import {
          BatchProcessor,
          EventType,
          processPartialResponse,
        } from "@aws-lambda-powertools/batch";
        import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

        const processor = new BatchProcessor(EventType.SQS);

        const recordHandler = async (record: SQSRecord): Promise<void> => {
          await fetch("https://hooks.example.com", { method: "POST", body: record.body });
        };

        export const handler = async (event: SQSEvent, context: Context) =>
          processPartialResponse(event, recordHandler, processor, { context });
        """)
    files = {"template.yaml": SAM_TYPESCRIPT, "src/app.ts": handler}
    found = _check(tmp_path, "SL201", files)
    assert _at(found) == [("src/app.ts", 11, 9)]
    assert "(template.yaml:10: SQS event `Orders`)" in found[0][3]


def test_sl201_record_handler_wrapped_at_module_level(tmp_path: Path) -> None:
    handler = dedent("""\
        import {
          BatchProcessor,
          EventType,
          processPartialResponse,
        } from "@aws-lambda-powertools/batch";
        import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
        import { withTiming } from "./timing";

        const processor = new BatchProcessor(EventType.SQS);

        const recordHandler = async (record: SQSRecord): Promise<void> => {
          await fetch("https://hooks.example.com", { method: "POST", body: record.body });
        };
        const timed = withTiming(recordHandler);

        export const handler = async (event: SQSEvent, context: Context) =>
          processPartialResponse(event, timed, processor, { context });
        """)
    files = {
        "template.yaml": SAM_TYPESCRIPT,
        "src/app.ts": handler,
        "src/timing.ts": "export const withTiming = <T>(fn: T): T => fn;\n",
    }
    assert _at(_check(tmp_path, "SL201", files)) == [("src/app.ts", 12, 9)]


def test_sl201_idempotent_method_decorator_and_middy_middleware(tmp_path: Path) -> None:
    handler = dedent("""\
        import middy from "@middy/core";
        import { idempotent } from "@aws-lambda-powertools/idempotency";
        import { makeHandlerIdempotent } from "@aws-lambda-powertools/idempotency/middleware";
        import { DynamoDBPersistenceLayer } from "@aws-lambda-powertools/idempotency/dynamodb";
        import type { LambdaInterface } from "@aws-lambda-powertools/commons/types";
        import type { Context, SQSEvent } from "aws-lambda";

        const persistenceStore = new DynamoDBPersistenceLayer({ tableName: "idempotency" });

        class Lambda implements LambdaInterface {
          @idempotent({ persistenceStore })
          public async handler(event: SQSEvent, _context: Context): Promise<void> {
            for (const record of event.Records) {
              await fetch("https://hooks.example.com", { method: "POST", body: record.body });
            }
          }
        }

        const lambda = new Lambda();
        export const handler = lambda.handler.bind(lambda);

        const plain = async (event: SQSEvent): Promise<void> => {
          for (const record of event.Records) {
            await fetch("https://hooks.example.com", { method: "POST", body: record.body });
          }
        };
        export const viaMiddy = middy(plain).use(makeHandlerIdempotent({ persistenceStore }));
        """)
    template = SAM_TYPESCRIPT + dedent("""\
          Other:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: src/
              Handler: app.viaMiddy
              Runtime: nodejs22.x
              Events:
                Orders:
                  Type: SQS
                  Properties:
                    Queue: arn:aws:sqs:us-east-1:123456789012:other
            Metadata:
              BuildMethod: esbuild
              BuildProperties:
                EntryPoints:
                  - app.ts
        """)
    files = {"template.yaml": template, "src/app.ts": handler}
    assert _check(tmp_path, "SL201", files) == []


def test_sl201_without_config_a_loop_over_records(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          for (const record of event.Records) {
            await fetch("https://hooks.example.com", { method: "POST", body: record.body });
          }
        };
        """)
    found = _check(tmp_path, "SL201", {"handler.mjs": handler})
    assert _at(found) == [("handler.mjs", 3, 11)]
    assert "(handler.mjs:2: a loop over the event's records)" in found[0][3]


def test_sl201_api_trigger_is_left_alone(tmp_path: Path) -> None:
    handler = _DOCUMENT_CLIENT + dedent("""\

        export const handler = async (event) => {
          await doc.send(new PutCommand({ TableName: "orders", Item: JSON.parse(event.body) }));
          return { statusCode: 201 };
        };
        """)
    files = {"serverless.yml": _serverless(_HTTP), "handler.mjs": handler}
    assert _check(tmp_path, "SL201", files) == []


# -- SL205 batch-without-partial-failure --------------------------------------------------


def test_sl205_promise_all_of_records(tmp_path: Path) -> None:
    handler = _DOCUMENT_CLIENT + dedent("""\

        export const handler = async (event) => {
          await Promise.all(
            event.Records.map(async (record) => {
              await doc.send(new PutCommand({ TableName: "orders", Item: { id: record.body } }));
            }),
          );
        };
        """)
    found = _check(tmp_path, "SL205", {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler})
    assert _at(found) == [("serverless.yml", 9, 9)]
    message = found[0][3]
    assert (
        "lets an exception from `doc.send(new PutCommand(...))` escape its loop over the "
        "records (handler.mjs:9, in a callback joined by `Promise.all`)"
    ) in message
    assert "return `{ batchItemFailures: [...] }` with `ReportBatchItemFailures`" in message
    assert "Powertools' `BatchProcessor` with `processPartialResponse`" in message


def test_sl205_throw_in_a_for_of_loop(tmp_path: Path) -> None:
    handler = dedent("""\
        exports.handler = async function (event) {
          for (const record of event.Records) {
            const order = JSON.parse(record.body);
            if (!order.id) {
              throw new Error("no order id");
            }
          }
        };
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.js": handler}
    found = _check(tmp_path, "SL205", files)
    assert _at(found) == [("serverless.yml", 9, 9)]
    assert "the handler throws inside its loop over the records (handler.js:5)" in found[0][3]


def test_sl205_reporting_handler_with_try_catch(tmp_path: Path) -> None:
    handler = dedent("""\
        import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";

        export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
          const batchItemFailures: SQSBatchItemFailure[] = [];
          for (const record of event.Records) {
            try {
              await process(record.body);
            } catch (error) {
              batchItemFailures.push({ itemIdentifier: record.messageId });
            }
          }
          return { batchItemFailures };
        };

        async function process(body: string): Promise<void> {
          JSON.parse(body);
        }
        """)
    files = {"template.yaml": SAM_TYPESCRIPT, "src/app.ts": handler}
    assert _check(tmp_path, "SL205", files) == []


def test_sl205_the_response_without_report_batch_item_failures(tmp_path: Path) -> None:
    handler = dedent("""\
        import {
          BatchProcessor,
          EventType,
          processPartialResponse,
        } from "@aws-lambda-powertools/batch";
        import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

        const processor = new BatchProcessor(EventType.SQS);

        const recordHandler = async (record: SQSRecord): Promise<void> => {
          JSON.parse(record.body);
        };

        export const handler = async (event: SQSEvent, context: Context) =>
          processPartialResponse(event, recordHandler, processor, { context });
        """)
    files = {"template.yaml": SAM_TYPESCRIPT_PLAIN_SQS, "src/app.ts": handler}
    found = _check(tmp_path, "SL205", files)
    assert _at(found) == [("template.yaml", 10, 9)]
    assert "reports failed records through Powertools' batch utility" in found[0][3]
    files["template.yaml"] = SAM_TYPESCRIPT
    assert _check(tmp_path, "SL205", files) == []


def test_sl205_all_settled_fails_nothing(tmp_path: Path) -> None:
    """`Promise.allSettled` never rejects: the whole batch never comes back (SL207's
    business when nobody reports the failures)."""
    handler = dedent("""\
        export const handler = async (event) => {
          await Promise.allSettled(event.Records.map((record) => handle(JSON.parse(record.body))));
        };

        async function handle(order) {
          return order;
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    assert _check(tmp_path, "SL205", files) == []


def test_sl205_catch_on_each_promise(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          const failures = [];
          await Promise.all(
            event.Records.map((record) =>
              handle(record).catch(() => failures.push({ itemIdentifier: record.messageId })),
            ),
          );
          return { batchItemFailures: failures };
        };

        async function handle(record) {
          return JSON.parse(record.body);
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS_REPORTING, "handler.mjs": handler}
    assert _check(tmp_path, "SL205", files) == []


def test_sl205_calls_that_cannot_fail_on_a_record(tmp_path: Path) -> None:
    """Log lines, Powertools Logger keys, string methods, `Buffer`, `JSON.stringify` and
    `safeParse` cannot fail on a bad record (false positives of Powertools for TypeScript's
    Kafka snippets run with an SQS trigger)."""
    handler = dedent("""\
        import { Logger } from "@aws-lambda-powertools/logger";
        import { safeParse, object, string } from "valibot";
        import { z } from "zod";

        const logger = new Logger();
        const Order = z.object({ id: z.string() });
        const Large = object({ key: string() });

        export const handler = async (event) => {
          for (const record of event.Records) {
            logger.setCorrelationId(record.messageId);
            logger.appendKeys({ messageId: record.messageId });
            const size = Buffer.byteLength(record.body, "utf8");
            const text = Buffer.from(record.body, "base64").toString("utf8");
            const order = Order.safeParse(text);
            const large = safeParse(Large, text);
            console.log(`${size} ${record.body.trim().toLowerCase()}`);
            logger.info("parsed", { order: JSON.stringify(order), large: large.success });
            logger.removeKeys(["messageId"]);
          }
        };
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    assert _check(tmp_path, "SL205", files) == []


def test_sl205_then_with_a_rejection_handler(tmp_path: Path) -> None:
    """The rejection handler of `.then(onFulfilled, onRejected)` catches the failure: it
    does not escape (no SL205), it is swallowed (SL207)."""
    handler = dedent("""\
        export const handler = async (event) => {
          await Promise.all(
            event.Records.map((record) =>
              handle(record).then(
                () => console.log("done"),
                (error) => console.error(error),
              ),
            ),
          );
        };

        async function handle(record) {
          return JSON.parse(record.body);
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    assert _check(tmp_path, "SL205", files) == []
    assert _at(_check(tmp_path, "SL207", files)) == [("handler.mjs", 1, 14)]


# -- SL206 partial-failure-not-reported ---------------------------------------------------


def test_sl206_all_settled_never_reported(tmp_path: Path) -> None:
    handler = dedent("""\
        import type { SQSEvent } from "aws-lambda";

        export const handler = async (event: SQSEvent): Promise<void> => {
          const results = await Promise.allSettled(
            event.Records.map(async (record) => {
              await fetch("https://orders.example.com", { method: "PUT", body: record.body });
            }),
          );
          console.log(`${results.length} records`);
        };
        """)
    files = {"template.yaml": SAM_TYPESCRIPT, "src/app.ts": handler}
    found = _check(tmp_path, "SL206", files)
    assert _at(found) == [("src/app.ts", 3, 14)]
    assert found[0][3] == (
        "`handler` keeps each record's failure as a `Promise.allSettled` result "
        "(src/app.ts:5) but never returns `batchItemFailures`; with "
        "`ReportBatchItemFailures` enabled (template.yaml:10: sqs event, batch size 10 by "
        "default) Lambda deletes the failed message as if it had succeeded. Return "
        "`{ batchItemFailures: [{ itemIdentifier: <message id> }, ...] }`"
    )


def test_sl206_all_settled_results_reported(tmp_path: Path) -> None:
    handler = dedent("""\
        import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

        export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
          const results = await Promise.allSettled(
            event.Records.map(async (record) => {
              await fetch("https://orders.example.com", { method: "PUT", body: record.body });
            }),
          );
          const batchItemFailures = [];
          results.forEach((result, index) => {
            if (result.status === "rejected") {
              batchItemFailures.push({ itemIdentifier: event.Records[index].messageId });
            }
          });
          return { batchItemFailures };
        };
        """)
    files = {"template.yaml": SAM_TYPESCRIPT, "src/app.ts": handler}
    assert _check(tmp_path, "SL206", files) == []


def test_sl206_catch_returns_the_record_into_the_results(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          const results = await Promise.all(
            event.Records.map(async (record) => {
              try {
                await handle(record);
                return null;
              } catch (error) {
                return { itemIdentifier: record.messageId };
              }
            }),
          );
          return { batchItemFailures: results.filter(Boolean) };
        };

        async function handle(record) {
          return JSON.parse(record.body);
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS_REPORTING, "handler.mjs": handler}
    assert _check(tmp_path, "SL206", files) == []
    assert _check(tmp_path, "SL207", files) == []


def test_sl206_response_object_filled_in_place(tmp_path: Path) -> None:
    handler = dedent("""\
        import type { SQSBatchResponse, SQSEvent } from "aws-lambda";

        export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
          const response: SQSBatchResponse = { batchItemFailures: [] };
          for (const record of event.Records) {
            try {
              JSON.parse(record.body);
            } catch (error) {
              response.batchItemFailures.push({ itemIdentifier: record.messageId });
            }
          }
          return response;
        };
        """)
    files = {"template.yaml": SAM_TYPESCRIPT, "src/app.ts": handler}
    assert _check(tmp_path, "SL206", files) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (
            "failures.push({ itemIdentifier: record.messageId });\n"
            "  return { batchItemFailure: failures };",
            "returns `batchItemFailure` (handler.mjs:12), not `batchItemFailures`",
        ),
        (
            "failures.push({ itemId: record.messageId });\n"
            "  return { batchItemFailures: failures };",
            "adds it under `itemId` instead of `itemIdentifier`",
        ),
        (
            "errors.push({ itemIdentifier: record.messageId });\n"
            "  return { batchItemFailures: failures };",
            "adds it to `errors`, which is never returned",
        ),
    ],
)
def test_sl206_caught_and_lost(tmp_path: Path, body: str, problem: str) -> None:
    collect, returned = body.split("\n")
    handler = (
        dedent("""\
        export const handler = async (event) => {
          const failures = [];
          const errors = [];
          for (const record of event.Records) {
            try {
              JSON.parse(record.body);
            } catch (error) {
              COLLECT
            }
          }
          console.log(errors.length);
        RETURNED
        };
        """)
        .replace("COLLECT", collect)
        .replace("RETURNED", returned)
    )
    files = {"serverless.yml": SERVERLESS_SQS_REPORTING, "handler.mjs": handler}
    found = _check(tmp_path, "SL206", files)
    assert _at(found) == [("handler.mjs", 1, 14)]
    assert "`handler` catches a record's failure (handler.mjs:7) but " + problem in found[0][3]


def test_sl206_empty_promise_catch(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          const failures = [];
          for (const record of event.Records) {
            await handle(record).catch(() => {});
          }
          return { batchItemFailures: failures };
        };

        async function handle(record) {
          return JSON.parse(record.body);
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS_REPORTING, "handler.mjs": handler}
    found = _check(tmp_path, "SL206", files)
    assert _at(found) == [("handler.mjs", 1, 14)]
    assert "does not add the record to the failures it returns" in found[0][3]


def test_sl206_catch_that_rethrows(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          for (const record of event.Records) {
            await handle(record).catch((error) => {
              console.error("failed", error);
              throw error;
            });
          }
        };

        async function handle(record) {
          return JSON.parse(record.body);
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS_REPORTING, "handler.mjs": handler}
    assert _check(tmp_path, "SL206", files) == []


# -- SL207 swallowed-exception ------------------------------------------------------------


def test_sl207_try_catch_that_logs(tmp_path: Path) -> None:
    handler = dedent("""\
        import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";

        const sns = new SNSClient({});
        const TOPIC = process.env.TOPIC;

        export const handler = async (event) => {
          try {
            await sns.send(new PublishCommand({ TopicArn: TOPIC, Message: event.detail.id }));
          } catch (error) {
            console.error("publish failed", error);
          }
        };
        """)
    files = {"serverless.yml": SERVERLESS_EVENTBRIDGE, "handler.mjs": handler}
    found = _check(tmp_path, "SL207", files)
    assert _at(found) == [("handler.mjs", 6, 14)]
    assert found[0][3] == (
        "`handler` catches every error (`catch` at handler.mjs:9) and returns normally: for "
        "the serverless.yml:9: eventbridge event that is a success, so the failure is never "
        "retried, never reaches a dead-letter queue and no alarm sees it. Throw it again "
        "after logging, or report the failed records"
    )


def test_sl207_returning_the_error_object(tmp_path: Path) -> None:
    """The shape of serverless/examples aws-node-ses-receive-email-body: an async handler
    that returns the error resolves, which Lambda counts as a success."""
    handler = dedent("""\
        "use strict";
        const AWS = require("aws-sdk");
        const s3 = new AWS.S3();

        module.exports.postprocess = async (event) => {
          const record = event.Records[0];
          try {
            const request = { Bucket: record.s3.bucket.name, Key: record.s3.object.key };
            const data = await s3.getObject(request).promise();
            console.log("body:", data.Body.toString());
            return { status: "success" };
          } catch (Error) {
            console.log(Error, Error.stack);
            return Error;
          }
        };
        """)
    config = _serverless(_S3, handler="handler.postprocess")
    files = {"serverless.yml": config, "handler.js": handler}
    found = _check(tmp_path, "SL207", files)
    assert _at(found) == [("handler.js", 5, 16)]
    assert "(`catch` at handler.js:12)" in found[0][3]
    assert "serverless.yml:9: s3 event" in found[0][3]


def test_sl207_empty_promise_catch(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          for (const record of event.Records) {
            await handle(record.Sns.Message).catch(() => {});
          }
        };

        async function handle(message) {
          return JSON.parse(message);
        }
        """)
    files = {"serverless.yml": _serverless(_SNS), "handler.mjs": handler}
    found = _check(tmp_path, "SL207", files)
    assert _at(found) == [("handler.mjs", 1, 14)]
    assert "(`catch` at handler.mjs:3)" in found[0][3]


@pytest.mark.parametrize(
    "catch",
    [
        "catch (error) {\n    console.error(error);\n    throw error;\n  }",
        "catch (error) {\n    throw new Error(`publish failed: ${error}`);\n  }",
    ],
)
def test_sl207_catch_that_throws_again(tmp_path: Path, catch: str) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          try {
            await handle(event.detail);
          } CATCH
        };

        async function handle(detail) {
          return JSON.parse(detail);
        }
        """).replace("CATCH", catch)
    files = {"serverless.yml": SERVERLESS_EVENTBRIDGE, "handler.mjs": handler}
    assert _check(tmp_path, "SL207", files) == []


def test_sl207_promise_catch_that_rethrows(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          await handle(event.detail).catch((error) => {
            console.error("failed", error);
            throw error;
          });
        };

        async function handle(detail) {
          return JSON.parse(detail);
        }
        """)
    files = {"serverless.yml": SERVERLESS_EVENTBRIDGE, "handler.mjs": handler}
    assert _check(tmp_path, "SL207", files) == []


def test_sl207_all_settled_without_reporting(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          const results = await Promise.allSettled(
            event.Records.map(async (record) => {
              await handle(JSON.parse(record.body));
            }),
          );
          console.log(results.filter((result) => result.status === "rejected").length);
        };

        async function handle(order) {
          return order;
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    found = _check(tmp_path, "SL207", files)
    assert _at(found) == [("handler.mjs", 1, 14)]
    assert found[0][3].startswith(
        "`handler` keeps every failure as a `Promise.allSettled` result (handler.mjs:3) and "
        "returns normally: for the serverless.yml:9: sqs event, batchSize 10 that is a success"
    )


def test_sl207_all_settled_then_throws(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          const results = await Promise.allSettled(
            event.Records.map(async (record) => {
              await handle(JSON.parse(record.body));
            }),
          );
          const failed = results.filter((result) => result.status === "rejected");
          if (failed.length > 0) {
            throw new Error(`${failed.length} records failed`);
          }
        };

        async function handle(order) {
          return order;
        }
        """)
    files = {"serverless.yml": SERVERLESS_SQS, "handler.mjs": handler}
    assert _check(tmp_path, "SL207", files) == []


def test_sl207_callback_with_null_is_a_success(tmp_path: Path) -> None:
    """The shape of serverless/examples aws-node-twitter-joke-bot."""
    handler = dedent("""\
        "use strict";
        const { post } = require("./poster");

        module.exports.bot = (event, context, callback) => {
          post(event.detail)
            .then(() => callback(null, { statusCode: 200 }))
            .catch((error) => {
              console.error(error);
              return callback(null, { statusCode: 500 });
            });
        };
        """)
    poster = "exports.post = async (detail) => JSON.parse(detail);\n"
    config = _serverless(_SCHEDULE, handler="handler.bot")
    files = {"serverless.yml": config, "handler.js": handler, "poster.js": poster}
    found = _check(tmp_path, "SL207", files)
    assert _at(found) == [("handler.js", 4, 16)]
    assert found[0][3].endswith(
        "Pass it to `callback(error)` after logging, or report the failed records"
    )
    files["handler.js"] = handler.replace("callback(null, { statusCode: 500 })", "callback(error)")
    assert _check(tmp_path, "SL207", files) == []


def test_sl207_api_answers_with_a_500(tmp_path: Path) -> None:
    handler = dedent("""\
        export const handler = async (event) => {
          try {
            return { statusCode: 200, body: JSON.stringify(await handle(event.body)) };
          } catch (error) {
            console.error(error);
            return { statusCode: 500 };
          }
        };

        async function handle(body) {
          return JSON.parse(body);
        }
        """)
    files = {"serverless.yml": _serverless(_HTTP), "handler.mjs": handler}
    assert _check(tmp_path, "SL207", files) == []


# -- SL208 recursive-s3-trigger -----------------------------------------------------------

_S3_HANDLER = dedent("""\
    import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";

    const s3 = new S3Client({});

    export const handler = async (event) => {
      for (const record of event.Records) {
        const bucket = record.s3.bucket.name;
        const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
        GUARD
        await s3.send(new PutObjectCommand({ Bucket: bucket, Key: `thumbs/${key}`, Body: "" }));
      }
    };
    """)


def test_sl208_write_back_to_the_triggering_bucket(tmp_path: Path) -> None:
    files = {
        "serverless.yml": _serverless(_S3),
        "handler.mjs": _S3_HANDLER.replace("GUARD", "// no guard"),
    }
    found = _check(tmp_path, "SL208", files)
    assert _at(found) == [("handler.mjs", 10, 11)]
    assert found[0][3].startswith(
        "`s3.send(new PutObjectCommand(...))` writes to the bucket the event came from "
        "(`bucket`), whose `ObjectCreated` events invoke function `worker` "
        "(serverless.yml:9: s3 event on bucket `photos`, no prefix/suffix filter)"
    )


@pytest.mark.parametrize(
    "guard",
    [
        'if (key.startsWith("thumbs/")) return;',
        'if (key.startsWith("thumbs/")) continue;',
        'if (key.includes("thumbs")) continue;',
        "if (/^thumbs\\//.test(key)) continue;",
        'if (key.indexOf("thumbs/") === 0) continue;',
    ],
)
def test_sl208_guards_that_skip_the_written_keys(tmp_path: Path, guard: str) -> None:
    files = {"serverless.yml": _serverless(_S3), "handler.mjs": _S3_HANDLER.replace("GUARD", guard)}
    assert _check(tmp_path, "SL208", files) == []


def test_sl208_write_under_a_condition_on_the_key(tmp_path: Path) -> None:
    handler = dedent("""\
        import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";

        const s3 = new S3Client({});

        export const handler = async (event) => {
          for (const record of event.Records) {
            const key = record.s3.object.key;
            if (!key.endsWith(".thumb.jpg")) {
              const thumbnail = `${key}.thumb.jpg`;
              const bucket = record.s3.bucket.name;
              await s3.send(new PutObjectCommand({ Bucket: bucket, Key: thumbnail }));
            }
          }
        };
        """)
    files = {"serverless.yml": _serverless(_S3), "handler.mjs": handler}
    assert _check(tmp_path, "SL208", files) == []


def test_sl208_another_bucket_in_typescript(tmp_path: Path) -> None:
    handler = dedent("""\
        import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
        import type { S3Event } from "aws-lambda";

        const s3 = new S3Client({});

        export const handler = async (event: S3Event): Promise<void> => {
          for (const record of event.Records) {
            const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
            const output = process.env.OUTPUT_BUCKET;
            await s3.send(new PutObjectCommand({ Bucket: output, Key: key, Body: "" }));
          }
        };
        """)
    files = {"template.yaml": SAM_S3_TYPESCRIPT, "src/app.ts": handler}
    assert _check(tmp_path, "SL208", files) == []
    # The same code with the output bucket set to the triggering bucket loops.
    files["template.yaml"] = SAM_S3_TYPESCRIPT.replace(
        "OUTPUT_BUCKET: !Ref Thumbnails", "OUTPUT_BUCKET: !Ref Photos"
    )
    found = _check(tmp_path, "SL208", files)
    assert _at(found) == [("src/app.ts", 10, 11)]
    assert (
        "writes to bucket `Photos` (`OUTPUT_BUCKET` in the function's environment, "
        "template.yaml:11)"
    ) in found[0][3]


def test_sl208_prefix_filter_keeps_the_written_keys_out(tmp_path: Path) -> None:
    config = _serverless("""\
          - s3:
              bucket: photos
              event: s3:ObjectCreated:*
              rules:
                - prefix: uploads/
    """)
    files = {"serverless.yml": config, "handler.mjs": _S3_HANDLER.replace("GUARD", "")}
    assert _check(tmp_path, "SL208", files) == []


def test_sl208_sdk_v2_and_lib_storage_writes(tmp_path: Path) -> None:
    handler = dedent("""\
        const AWS = require("aws-sdk");
        const { S3Client } = require("@aws-sdk/client-s3");
        const { Upload } = require("@aws-sdk/lib-storage");

        const s3 = new AWS.S3();
        const client = new S3Client({});

        exports.handler = async (event) => {
          for (const record of event.Records) {
            const Bucket = record.s3.bucket.name;
            const key = record.s3.object.key;
            await s3.putObject({ Bucket, Key: `${key}.json`, Body: "{}" }).promise();
            await new Upload({ client, params: { Bucket, Key: `${key}.gz`, Body: "" } }).done();
          }
        };
        """)
    files = {"serverless.yml": _serverless(_S3), "handler.js": handler}
    found = _check(tmp_path, "SL208", files)
    assert _at(found) == [("handler.js", 12, 11), ("handler.js", 13, 11)]
    assert found[0][3].startswith("`s3.putObject(...)` writes to the bucket the event came from")
