"""The JavaScript/TypeScript front end of the module facts (`slint.javascript.module`):
keys, imports, exports, module imports, call references and what each function does,
read from real tree-sitter trees, at exact positions."""

from __future__ import annotations

import pickle
from textwrap import dedent

import pytest

from slint.diagnostics import Location
from slint.facts import Behaviour, Call, FunctionFacts, ModuleFacts
from slint.javascript.grammar import Positions, first_error, grammar_of, parse
from slint.javascript.module import module_facts


def facts(source: str, filename: str = "handler.mjs") -> ModuleFacts:
    data = dedent(source).encode()
    grammar = grammar_of(filename)
    assert grammar is not None
    tree = parse(data, grammar)
    assert first_error(tree.root_node) is None
    return module_facts(filename, data, tree, Positions(data))


def call(behaviour: Behaviour, method: str) -> Call:
    [found] = [c for c in behaviour.calls if c.method == method]
    return found


def function(module: ModuleFacts, key: str) -> FunctionFacts:
    return module.functions[key]


# -- functions, keys, parameters -----------------------------------------------------------

ESM = """\
    import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
    import middy from "@middy/core";
    import validator from "@middy/validator";
    import { save } from "./db.js";
    import * as util from "./util.js";
    import repo from "./repo.js";

    const ddb = new DynamoDBClient({});

    export async function processRecord(record, context = {}, ...rest) {
      await save(record);
    }

    function* pages() {}

    export const handler = async (event, context) => {
      for (const record of event.Records) {
        await processRecord(record);
      }
      util.ok(event);
      await repo.put(event);
      function inner() {}
      const helper = () => inner();
      helper();
    };

    export const validated = middy(async (event) => ({ statusCode: 200 }))
      .use(validator({ eventSchema: {} }));

    export default async function (event) {}
    """


def test_functions_keys_and_parameters() -> None:
    module = facts(ESM)
    assert module.language == "javascript"
    assert set(module.functions) == {
        "processRecord",
        "pages",
        "handler",
        "handler.inner",
        "handler.helper",
        "validated",
        "default",
    }
    record = function(module, "processRecord")
    assert (record.name, record.line, record.is_async) == ("processRecord", 10, True)
    assert record.positional == ("record", "context")
    assert record.required_positional == 1 and record.has_varargs
    handler = function(module, "handler")
    assert (handler.line, handler.positional, handler.required_positional) == (
        16,
        ("event", "context"),
        2,
    )
    assert handler.behaviour.span is not None
    assert handler.behaviour.span.start == Location(16, 14)
    assert handler.behaviour.parameters == ("event", "context")
    assert not function(module, "pages").is_async
    wrapped = function(module, "validated")
    assert wrapped.decorators == ("@middy/core()", "@middy/validator()")
    assert wrapped.line == 27 and wrapped.is_async
    assert function(module, "default").line == 30


def test_call_references_follow_local_and_relative_functions() -> None:
    module = facts(ESM)
    assert function(module, "handler").calls == (
        "local:processRecord",
        "ext:ok@./util.js",
        "ext:default.put@./repo.js",
        "local:handler.helper",
    )
    assert function(module, "processRecord").calls == ("ext:save@./db.js",)
    assert function(module, "handler.helper").calls == ("local:handler.inner",)


def test_imports_exports_and_module_imports() -> None:
    module = facts(ESM)
    assert module.imports == {
        "DynamoDBClient": "@aws-sdk/client-dynamodb.DynamoDBClient",
        "PutItemCommand": "@aws-sdk/client-dynamodb.PutItemCommand",
        "middy": "@middy/core",
        "validator": "@middy/validator",
        "save": "./db.js.save",
        "util": "./util.js",
        "repo": "./repo.js",
        "ddb": "@aws-sdk/client-dynamodb.DynamoDBClient()",
    }
    assert module.exports == {
        "processRecord": "local:processRecord",
        "handler": "local:handler",
        "validated": "local:validated",
        "default": "local:default",
    }
    sdk, middy, _, db, util, _ = module.module_imports
    assert (sdk.module, sdk.level, sdk.names, sdk.from_names) == (
        "@aws-sdk/client-dynamodb",
        0,
        ("DynamoDBClient", "PutItemCommand"),
        ("DynamoDBClient", "PutItemCommand"),
    )
    assert sdk.span.start == Location(1, 49) and sdk.span.end == Location(1, 73)
    assert sdk.statement.start == Location(1, 1) and sdk.statement.end == Location(1, 75)
    assert [(use.function, use.line, use.conditional) for use in sdk.uses] == [(None, 8, False)]
    assert (middy.names, middy.from_names) == (("middy",), ("default",))
    assert [(use.function, use.line) for use in middy.uses] == [(None, 27)]
    assert (db.module, db.level, db.names) == ("./db.js", 1, ("save",))
    assert [(use.function, use.line) for use in db.uses] == [("processRecord", 11)]
    assert util.from_names == () and [use.function for use in util.uses] == ["handler"]
    assert not any(imported.optional for imported in module.module_imports)


def test_common_js_requires_and_exports() -> None:
    module = facts(
        """\
        'use strict';
        const AWS = require('aws-sdk');
        const { v4: uuidv4, validate } = require('uuid');
        const get = require('lodash').get;
        const db = require('./lib/db');
        const { save } = require('./lib/store');
        require('./setup');

        module.exports.create = async (event) => {
          await db.put(event);
          await save(uuidv4());
          return helper();
        };

        exports.list = function (event, context, callback) {};

        function helper() {}

        module.exports.helper = helper;
        """,
        "handler.js",
    )
    assert module.imports == {
        "AWS": "aws-sdk",
        "uuidv4": "uuid.v4",
        "validate": "uuid.validate",
        "get": "lodash.get",
        "db": "./lib/db",
        "save": "./lib/store.save",
    }
    assert [(m.module, m.names, m.from_names) for m in module.module_imports] == [
        ("aws-sdk", ("AWS",), ()),
        ("uuid", ("uuidv4", "validate"), ("v4", "validate")),
        ("lodash", ("get",), ("get",)),
        ("./lib/db", ("db",), ()),
        ("./lib/store", ("save",), ("save",)),
        ("./setup", (), ()),
    ]
    assert module.exports == {
        "create": "local:create",
        "list": "local:list",
        "helper": "local:helper",
        "default.create": "local:create",
        "default.list": "local:list",
        "default.helper": "local:helper",
    }
    create = function(module, "create")
    assert create.calls == ("ext:put@./lib/db", "ext:save@./lib/store", "local:helper")
    assert function(module, "list").required_positional == 3


def test_object_and_default_exports() -> None:
    module = facts(
        """\
        const service = {
          async create(event) { return service.update(event); },
          update: async (event) => {},
        };
        module.exports = { service, async remove(event) {}, handler: wrap(async () => {}) };
        """,
        "handler.js",
    )
    assert set(module.functions) == {"service.create", "service.update", "remove", "handler"}
    assert function(module, "handler").decorators == ("wrap()",)
    assert function(module, "service.create").calls == ("local:service.update",)
    assert module.exports["default"] == "value:object"
    assert module.exports["service"] == "value:object"
    assert module.exports["service.create"] == "local:service.create"
    assert module.exports["remove"] == "local:remove"
    assert module.exports["handler"] == "local:handler"


def test_re_exports_and_values() -> None:
    module = facts(
        """\
        export { handler } from "./impl.js";
        export { a as b, default as c } from "./other.js";
        export * from "./all.js";
        export * from "./more.js";
        export * as ns from "./ns.js";
        import { thing } from "./thing.js";
        const name = "x";
        const count = 3;
        export { thing as renamed, name, count };
        export const made = factory();
        export class Repo { save() {} }
        """
    )
    assert module.exports == {
        "handler": "ext:handler@./impl.js",
        "b": "ext:a@./other.js",
        "c": "ext:default@./other.js",
        "*": "ext:*@./all.js",
        "*2": "ext:*@./more.js",
        "ns": "ext:*@./ns.js",
        "renamed": "ext:thing@./thing.js",
        "name": "value:string",
        "count": "value:number",
        "made": "value:call",
        "Repo": "value:class",
        "Repo.save": "local:Repo.save",
    }
    # Re-exports load their modules too.
    assert [m.module for m in module.module_imports] == [
        "./impl.js",
        "./other.js",
        "./all.js",
        "./more.js",
        "./ns.js",
        "./thing.js",
    ]


def test_module_exports_of_a_require_and_a_wrapped_function() -> None:
    forwarded = facts("module.exports = require('./impl');\n", "index.js")
    assert forwarded.exports == {"*": "ext:*@./impl"}
    wrapped = facts(
        """\
        const middy = require('@middy/core');
        const jsonBodyParser = require('@middy/http-json-body-parser');
        const baseHandler = async (event) => ({ statusCode: 200 });
        module.exports.handler = middy(baseHandler).use(jsonBodyParser());
        """,
        "handler.js",
    )
    assert wrapped.exports["handler"] == "local:baseHandler"
    assert function(wrapped, "baseHandler").decorators == (
        "@middy/core()",
        "@middy/http-json-body-parser()",
    )


# -- TypeScript ------------------------------------------------------------------------------

TYPESCRIPT = """\
    import type { SQSEvent, Context } from 'aws-lambda';
    import { type SQSBatchResponse } from 'aws-lambda';
    import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
    import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
    import { idempotent } from '@aws-lambda-powertools/idempotency';
    import { OrderRepository } from './repository';
    import type { Order } from './types';

    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

    class Lambda {
      private readonly repo = new OrderRepository();
      constructor(private table: string = 'orders') {}

      @idempotent({ persistenceStore: store })
      public async handler(event: SQSEvent, _context: Context): Promise<SQSBatchResponse> {
        for (const { body } of event.Records) {
          const order = JSON.parse(body) as Order;
          await doc.send(new PutCommand({ TableName: this.table, Item: order }));
          await this.repo.save(order);
          this.audit(order);
        }
        return { batchItemFailures: [] };
      }

      private audit(order: Order): void {}
    }

    const instance = new Lambda();
    export const handler = instance.handler.bind(instance);
    """


def test_typescript_classes_decorators_and_erased_imports() -> None:
    module = facts(TYPESCRIPT, "handler.ts")
    assert module.classes == ("Lambda",)
    assert set(module.functions) == {"Lambda.constructor", "Lambda.handler", "Lambda.audit"}
    handler = function(module, "Lambda.handler")
    assert handler.decorators == ("@aws-lambda-powertools/idempotency.idempotent()",)
    assert handler.positional == ("event", "_context") and handler.required_positional == 2
    assert handler.calls == ("ext:OrderRepository.save@./repository", "local:Lambda.audit")
    constructor = function(module, "Lambda.constructor")
    assert constructor.calls == ("ext:OrderRepository.constructor@./repository",)
    assert constructor.required_positional == 0
    assert module.exports == {"handler": "local:Lambda.handler"}
    optional = {m.module: m.optional for m in module.module_imports}
    assert [m.optional for m in module.module_imports] == [
        True,
        True,
        False,
        False,
        False,
        False,
        True,
    ]
    assert optional["./repository"] is False
    put = call(handler.behaviour, "put_item")
    assert put.receiver is not None and put.receiver.service == "dynamodb.Table"
    assert put.argument("TableName") is not None
    item = put.argument("Item")
    assert item is not None and item.text == "order"
    [loop] = handler.behaviour.loops
    assert loop.records and loop.target == "{}"
    parse = call(handler.behaviour, "parse")
    assert parse.arguments[0].value.event_path == "event.Records[].body"


# -- behaviour: canonical SDK calls -------------------------------------------------------------


def test_sdk_v3_send_is_a_boto3_style_call() -> None:
    module = facts(
        """\
        import { DynamoDBClient, PutItemCommand } from "@aws-sdk/client-dynamodb";
        const client = new DynamoDBClient({});
        export const handler = async (event) => {
          const { TableName } = process.env;
          await client.send(new PutItemCommand({
            TableName,
            Item: { pk: { S: event.id } },
            ConditionExpression: "attribute_not_exists(pk)",
          }));
        };
        """
    )
    put = call(function(module, "handler").behaviour, "put_item")
    assert put.name == "@aws-sdk/client-dynamodb.put_item"
    assert put.display == "client.send(new PutItemCommand(...))"
    assert put.receiver is not None
    assert (put.receiver.text, put.receiver.service) == ("client", "dynamodb")
    assert put.awaited
    assert put.span.start == Location(5, 9) and put.span.end == Location(9, 6)
    assert [a.keyword for a in put.arguments] == ["TableName", "Item", "ConditionExpression"]
    table = put.argument("TableName")
    assert table is not None and table.env == "TableName"
    item = put.argument("Item")
    assert item is not None and item.keys == ("pk",)
    assert item.span is not None and item.span.start == Location(7, 11)
    condition = put.argument("ConditionExpression")
    assert condition is not None and condition.literal == "attribute_not_exists(pk)"
    # The command itself is data, not a call.
    assert [c.method for c in function(module, "handler").behaviour.calls] == ["put_item"]


def test_sdk_v3_command_through_a_name_and_spread_input() -> None:
    module = facts(
        """\
        import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
        import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
        const sqs = new SQSClient({});
        export async function handler(event, context) {
          const command = new SendMessageCommand({ QueueUrl: process.env.QUEUE, MessageBody: "x" });
          await sqs.send(command);
          const input = { stateMachineArn: process.env.SM, name: context.awsRequestId };
          await new SFNClient({}).send(new StartExecutionCommand(input));
          await sqs.send(new SendMessageCommand({ ...base, MessageBody: "y" }));
          await sqs.send(new SendMessageCommand(params));
        }
        """
    )
    behaviour = function(module, "handler").behaviour
    first, second, third = [c for c in behaviour.calls if c.method == "send_message"]
    queue = first.argument("QueueUrl")
    assert queue is not None and queue.env == "QUEUE"
    assert first.display == "sqs.send(new SendMessageCommand(...))"
    assert first.receiver is not None and first.receiver.service == "sqs"
    assert second.has_unpacked_keywords and second.argument("MessageBody") is not None
    assert third.has_unpacked_keywords
    start = call(behaviour, "start_execution")
    assert start.receiver is not None and start.receiver.service == "stepfunctions"
    name = start.argument("name")
    assert name is not None and "context.awsRequestId" in name.names


def test_sdk_v2_calls_and_document_client() -> None:
    module = facts(
        """\
        const AWS = require('aws-sdk');
        const S3 = require('aws-sdk/clients/s3');
        const docClient = new AWS.DynamoDB.DocumentClient();
        const lambda = new AWS.Lambda();
        const s3 = new S3();
        module.exports.handler = async (event) => {
          await docClient.put({ TableName: 't', Item: event }).promise();
          await lambda.invoke({ FunctionName: 'f', InvocationType: 'Event' }).promise();
          await s3.upload({ Bucket: 'b', Key: 'k', Body: 'x' }).promise();
          await new AWS.CloudWatch().putMetricData({ Namespace: 'n', MetricData: [] }).promise();
          await unknown.sendMessage({ QueueUrl: 'q', MessageBody: 'm' }).promise();
        };
        """,
        "handler.js",
    )
    behaviour = function(module, "handler").behaviour
    put = call(behaviour, "put_item")
    assert put.name == "aws-sdk.DynamoDB.DocumentClient.put_item"
    assert put.receiver is not None and put.receiver.service == "dynamodb.Table"
    assert put.awaited and put.display == "docClient.put(...)"
    assert put.span.start == Location(7, 9) and put.span.end == Location(7, 55)
    invoke = call(behaviour, "invoke")
    kind = invoke.argument("InvocationType")
    assert invoke.receiver is not None and invoke.receiver.service == "lambda"
    assert kind is not None and kind.literal == "Event"
    upload = call(behaviour, "upload_fileobj")
    assert upload.receiver is not None and upload.receiver.service == "s3"
    metric = call(behaviour, "put_metric_data")
    assert metric.receiver is not None and metric.receiver.service == "cloudwatch"
    untyped = call(behaviour, "send_message")
    assert untyped.receiver is not None and untyped.receiver.service is None
    assert untyped.has_keyword("QueueUrl")
    assert not any(c.method == "promise" for c in behaviour.calls)


def test_http_calls_are_named_as_requests_is() -> None:
    module = facts(
        """\
        import axios from "axios";
        import got from "got";
        const api = axios.create({ timeout: 1000 });
        export const handler = async (event) => {
          await fetch(event.url, { method: "POST", headers: { "Idempotency-Key": event.id } });
          await fetch(event.url);
          await axios.post("https://x", event, { timeout: 5000 });
          await axios({ method: "patch", url: "https://x" });
          await api.post("/orders", event);
          await got.post("https://x", { json: event });
          console.log("done", event.id);
        };
        """
    )
    behaviour = function(module, "handler").behaviour
    names = [(c.name, c.method, c.display) for c in behaviour.calls]
    assert names == [
        ("fetch.post", "post", "fetch(...)"),
        ("fetch.get", "get", "fetch(...)"),
        ("axios.post", "post", None),
        ("axios.patch", "patch", "axios(...)"),
        ("axios.create().post", "post", "api.post(...)"),
        ("got.post", "post", None),
        ("console.log", "log", None),
    ]
    posted = behaviour.calls[0]
    headers = posted.argument("headers")
    assert headers is not None and headers.keys == ("Idempotency-Key",)
    assert posted.arguments[0].value.event_path == "event.url"
    timeout = behaviour.calls[2].argument("timeout")
    assert timeout is not None and timeout.literal == 5000
    assert module.imports["api"] == "axios.create()"


# -- behaviour: values --------------------------------------------------------------------------


def test_values_env_event_paths_templates_and_literals() -> None:
    module = facts(
        """\
        const BUCKET = process.env.BUCKET;
        export const handler = async (event) => {
          const record = event?.Records?.[0];
          const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));
          const other = process.env["OTHER"] ?? "fallback";
          const target = `thumbs/${key}.png`;
          const plain = `plain`;
          const escaped = "a\\tb";
          const n = 0x10;
          const flags = [true, null, undefined];
          const body = event['body'];
          put(BUCKET, target, other);
        };
        """
    )
    behaviour = function(module, "handler").behaviour
    local = behaviour.local
    record = local("record")
    assert record is not None and record.event_path == "event.Records[]"
    key = local("key")
    assert key is not None and key.event_path == "event.Records[].s3.object.key"
    other = local("other")
    assert other is not None and other.env == "OTHER"
    target = local("target")
    assert target is not None and (target.prefix, target.suffix) == ("thumbs/", ".png")
    assert "key" in target.names
    plain = local("plain")
    assert plain is not None and plain.is_literal and plain.literal == "plain"
    escaped = local("escaped")
    assert escaped is not None and escaped.literal == "a\tb"
    number = local("n")
    assert number is not None and number.literal == 16
    flags = local("flags")
    assert flags is not None
    assert [e.literal for e in flags.elements] == [True, None, None]
    assert all(e.is_literal for e in flags.elements)
    body = local("body")
    assert body is not None and body.event_path == "event.body"
    put = call(behaviour, "put")
    bucket = put.arguments[0].value
    assert bucket.env == "BUCKET" and bucket.text == "BUCKET"


def test_object_mutation_and_spread_items() -> None:
    module = facts(
        """\
        export const handler = async (event) => {
          const response = { statusCode: 200, ...defaults };
          response.headers = { "Access-Control-Allow-Origin": "*" };
          response["body"] = JSON.stringify(event);
          return response;
        };
        """
    )
    [returned] = function(module, "handler").behaviour.returns
    assert returned.value is not None
    assert returned.value.keys == ("statusCode", "headers", "body")
    headers = returned.value.item("headers")
    assert headers is not None
    origin = headers.item("Access-Control-Allow-Origin")
    assert origin is not None and origin.literal == "*"
    assert origin.span is not None and origin.span.start == Location(3, 55)
    assert returned.value.item("**") is not None


# -- behaviour: loops, tries, returns, conditions -----------------------------------------------

BATCH = """\
    import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";
    const sqs = new SQSClient({});
    export const handler = async (event) => {
      const batchItemFailures = [];
      for (const record of event.Records) {
        if (!record.body) continue;
        try {
          await sqs.send(new SendMessageCommand({ QueueUrl: "q", MessageBody: record.body }));
        } catch (error) {
          console.error(error);
          batchItemFailures.push({ itemIdentifier: record.messageId });
        }
      }
      try {
        await audit(event);
      } catch (error) {
        throw error;
      } finally {
        done();
      }
      while (true) { break; }
      return { batchItemFailures };
    };
    """


def test_record_loops_tries_and_returns() -> None:
    behaviour = function(facts(BATCH), "handler").behaviour
    records, forever = behaviour.loops
    assert (records.kind, records.target, records.records) == ("for", "record", True)
    assert records.span.start == Location(5, 3)
    assert forever.kind == "while" and forever.infinite and not forever.records
    inner, outer = behaviour.tries
    assert inner.loops == (0,) and inner.span.start == Location(7, 5) and inner.body_end == 8
    [swallow] = inner.clauses
    assert swallow.broad and not swallow.raises and swallow.catches == ()
    assert swallow.span.start == Location(9, 7)
    [rethrow] = outer.clauses
    assert rethrow.reraises and rethrow.raises and outer.has_finally
    send = call(behaviour, "send_message")
    assert send.loops == (0,) and send.tries == (0,) and send.handler is None
    push = call(behaviour, "push")
    assert push.handler == (0, 0) and push.tries == ()
    assert push.arguments[0].value.keys == ("itemIdentifier",)
    [raised] = behaviour.raises
    assert raised.bare and raised.handler == (1, 0)
    [skip] = behaviour.skips
    assert (skip.names, skip.exit, skip.loops) == (("record",), "continue", (0,))
    [returned] = behaviour.returns
    assert returned.value is not None
    failures = returned.value.item("batchItemFailures")
    assert failures is not None and "batchItemFailures" in failures.names
    done = call(behaviour, "done")
    assert done.tries == () and done.handler is None


def test_map_loops_joined_by_promise_all_and_all_settled() -> None:
    module = facts(
        """\
        export const handler = async (event) => {
          await Promise.all(event.Records.map(async (record) => {
            await work(record.body);
          }));
          const settled = event.Records.map((r) => work(r));
          const results = await Promise.allSettled(settled);
          event.Records.forEach(processRecord);
          const promises = [];
          for (const record of event.Records) {
            promises.push(work(record));
          }
          await Promise.allSettled(promises);
          const total = event.Records.reduce((sum, record) => sum + record.size, 0);
        };
        function processRecord(record) {}
        """
    )
    handler = function(module, "handler")
    behaviour = handler.behaviour
    joined, settled, each, pushed, reduced = behaviour.loops
    assert (joined.kind, joined.records, joined.target, joined.joined) == (
        "map",
        True,
        "record",
        "all",
    )
    assert joined.span.start == Location(2, 21)
    assert settled.joined == "settled" and settled.target == "r"
    assert each.kind == "map" and each.joined is None and each.records
    assert pushed.kind == "for" and pushed.joined == "settled"
    assert reduced.target == "record"
    first = behaviour.calls[1]
    assert first.method == "work" and first.loops == (0,) and first.awaited
    assert first.arguments[0].value.event_path == "event.Records[].body"
    handed = call(behaviour, "processRecord")
    assert handed.loops == (2,) and handed.arguments[0].value.event_path == "event.Records[]"
    assert handed.display == "event.Records.forEach(processRecord)"
    assert handler.calls == ("local:processRecord",)
    assert not any(c.method in ("map", "forEach") for c in behaviour.calls)


def test_promise_catch_is_a_try_around_the_chain() -> None:
    module = facts(
        """\
        export const handler = async (event) => {
          await save(event).then((r) => log(r)).catch(() => {});
          await send(event).catch((error) => { console.error(error); throw error; });
          await other(event).catch((error) => Promise.reject(error));
        };
        """
    )
    behaviour = function(module, "handler").behaviour
    swallow, rethrow, reject = behaviour.tries
    assert swallow.handles_all and not swallow.clauses[0].raises
    assert rethrow.clauses[0].reraises and not rethrow.handles_all
    assert reject.clauses[0].reraises
    save = call(behaviour, "save")
    assert save.tries == (0,) and save.handler is None
    log = call(behaviour, "log")
    assert log.tries == (0,)
    error = call(behaviour, "error")
    assert error.handler == (1, 0)
    [raised] = behaviour.raises
    assert raised.bare and raised.handler == (1, 0)
    assert not any(c.method in ("then", "catch") for c in behaviour.calls)


def test_promise_then_with_a_rejection_handler_is_a_try_around_the_chain() -> None:
    module = facts(
        """\
        export const handler = async (event) => {
          await Promise.all(
            event.Records.map((r) => handle(r).then(() => 0, (e) => console.error(e))),
          );
          await send(event).then((r) => log(r), (error) => { audit(error); throw error; });
          await plain(event).then((r) => keep(r));
        };
        """
    )
    behaviour = function(module, "handler").behaviour
    swallow, rethrow = behaviour.tries
    assert swallow.handles_all and swallow.loops == (0,) and swallow.span.start == Location(3, 30)
    assert swallow.body_end == 3 and swallow.clauses[0].span.start == Location(3, 54)
    assert rethrow.clauses[0].reraises and not rethrow.handles_all
    handle = call(behaviour, "handle")
    assert handle.tries == (0,) and handle.loops == (0,) and handle.handler is None
    assert call(behaviour, "error").handler == (0, 0)
    send = call(behaviour, "send")
    assert send.tries == (1,) and send.handler is None
    # onFulfilled runs after the chain settles, outside the handler's reach.
    log = call(behaviour, "log")
    assert log.tries == () and log.handler is None
    assert call(behaviour, "audit").handler == (1, 0)
    [raised] = behaviour.raises
    assert raised.bare and raised.handler == (1, 0)
    # Without onRejected `.then` is no try.
    assert call(behaviour, "plain").tries == () and call(behaviour, "keep").tries == ()
    # Source order: the chain, onFulfilled, onRejected.
    methods = [c.method for c in behaviour.calls]
    assert methods[methods.index("send") :] == ["send", "log", "audit", "plain", "keep"]


def test_module_level_wrapper_of_a_named_function_reaches_it() -> None:
    module = facts(
        """\
        import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
        import { withTiming } from "./timing.js";
        import { save } from "./db.js";
        const recordHandler = async (record) => {};
        const timed = withTiming(recordHandler);
        const logged = withLogging(timed);
        const stored = withTiming(save);
        const processRecord = makeIdempotent(async (r) => {}, { persistenceStore });
        export const handler = async (event) => {
          await processPartialResponse(event, timed, processor);
          logged(event);
          stored(event);
          for (const v of event.Records) {
            await processRecord(v);
          }
        };
        export const shadowed = async (timed) => {
          timed();
        };
        """
    )
    handler = function(module, "handler")
    # `timed` handed over and `logged` (a wrapper of `timed`) called both run it.
    assert handler.calls == ("local:recordHandler", "ext:save@./db.js", "local:processRecord")
    behaviour = handler.behaviour
    logged = call(behaviour, "withLogging()")
    assert logged.name == "withLogging()" and logged.display == "logged(...)"
    idempotent = call(behaviour, "makeIdempotent()")
    assert idempotent.name == "@aws-lambda-powertools/idempotency.makeIdempotent()"
    assert idempotent.display == "processRecord(...)" and idempotent.span.start == Location(14, 11)
    assert call(behaviour, "processPartialResponse").display is None
    # A parameter of the same name is not the module's binding.
    assert function(module, "shadowed").calls == ()


def test_lazy_instance_state_is_once_only_for_module_level_instances() -> None:
    module = facts(
        """\
        import { S3Client } from "@aws-sdk/client-s3";
        class Store {
          async client() {
            this.s3 ??= new S3Client({});
            if (!this.ddb) {
              this.ddb = new DynamoDBClient({});
            }
            if (this.sqs) return this.sqs;
            this.sqs = new SQSClient({});
            return this.sqs;
          }
        }
        const store = new Store();
        class PerCall {
          get() { this.s3 ??= new S3Client({}); }
          static shared() { this.s3 ??= new S3Client({}); }
        }
        class Both {
          get() { this.s3 ??= new S3Client({}); }
        }
        const both = new Both();
        export class Exported {
          get() { this.s3 ??= new S3Client({}); }
        }
        const service = {
          get() { this.s3 ??= new S3Client({}); },
        };
        export const handler = async (event) => {
          await store.client();
          new PerCall().get();
          new Both().get();
        };
        """
    )
    store = function(module, "Store.client").behaviour
    assert [(c.method, c.once) for c in store.calls] == [
        ("S3Client", True),
        ("DynamoDBClient", True),
        ("SQSClient", True),
    ]
    # Guarded constructions are no refs (as `client ??= new X()` at module level).
    assert function(module, "Store.client").calls == ()
    # An instance per call (or a class other modules may instantiate): every time.
    for key in ("PerCall.get", "Both.get", "Exported.get"):
        [made] = function(module, key).behaviour.calls
        assert not made.once, key
    # A static method's `this` is the class; an object literal's is the object.
    for key in ("PerCall.shared", "service.get"):
        [made] = function(module, key).behaviour.calls
        assert made.once, key


def test_conditions_skips_and_implicit_returns() -> None:
    module = facts(
        """\
        export const handler = async (event) => {
          const key = event.key;
          if (!key.startsWith("thumbs/")) {
            put(key);
          } else {
            skip(key);
          }
          if (key.endsWith(".png")) return;
        };
        export const arrow = (event) => ({ statusCode: 400 });
        """
    )
    behaviour = function(module, "handler").behaviour
    put, skipped = call(behaviour, "put"), call(behaviour, "skip")
    body, orelse = (behaviour.conditions[i] for i in (*put.conditions, *skipped.conditions))
    assert (body.negated, orelse.negated) == (False, True)
    assert body.negated_test and body.names == ("key",) and body.methods == ("startsWith",)
    assert body.strings == ("thumbs/",) and body.span.start == Location(3, 3)
    [skip] = behaviour.skips
    assert (skip.methods, skip.strings, skip.exit) == (("endsWith",), (".png",), "return")
    [returned] = function(module, "arrow").behaviour.returns
    assert returned.value is not None and returned.value.keys == ("statusCode",)
    status = returned.value.item("statusCode")
    assert status is not None and status.literal == 400


def test_once_guards_keep_lazy_clients_out_of_call_references() -> None:
    module = facts(
        """\
        import { makeClient } from "./clients.js";
        let client;
        let cache;
        function getClient() {
          if (!client) {
            client = makeClient();
          }
          cache ??= makeClient();
          return client;
        }
        function other() {
          if (client) return client;
          client = makeClient();
          return client;
        }
        function everyTime() {
          if (!ready) { makeClient(); }
          return makeClient();
        }
        """
    )
    assert function(module, "getClient").calls == ()
    assert function(module, "other").calls == ()
    assert function(module, "everyTime").calls == ("ext:makeClient@./clients.js",)
    # Behaviour keeps the calls, marked `once`: only the per-invocation references drop them.
    assert [c.once for c in function(module, "getClient").behaviour.calls] == [True, True]
    assert [c.once for c in function(module, "other").behaviour.calls] == [True]
    assert [c.once for c in function(module, "everyTime").behaviour.calls] == [False, False]


def test_callbacks_belong_to_the_function_that_passes_them() -> None:
    module = facts(
        """\
        import express from "express";
        const app = express();
        app.post("/orders", async (req, res) => {
          await save(req.body);
        });
        export const handler = async (event) => {
          setTimeout(() => flush(event), 10);
          return new Promise((resolve) => resolve(work(event)));
        };
        """
    )
    assert set(module.functions) == {"handler"}
    behaviour = function(module, "handler").behaviour
    assert [c.method for c in behaviour.calls] == [
        "setTimeout",
        "flush",
        "Promise",
        "resolve",
        "work",
    ]
    assert [c.method for c in module.module_behaviour.calls] == ["express", "post", "save"]
    [module_import] = module.module_imports
    assert [(use.function, use.line) for use in module_import.uses] == [(None, 2)]


def test_positions_count_characters_and_line_breaks_as_slint_does() -> None:
    data = "const é = 1;\rexport const handler = (event) => {\r\n  send(event['é']);\n};\n"
    encoded = data.encode()
    tree = parse(encoded, "javascript")
    module = module_facts("h.mjs", encoded, tree, Positions(encoded))
    [sent] = module.functions["handler"].behaviour.calls
    assert sent.span.start == Location(3, 3) and sent.span.end == Location(3, 19)
    assert module.functions["handler"].line == 2


@pytest.mark.parametrize("filename", ["handler.ts", "handler.tsx", "handler.mjs"])
def test_facts_are_picklable(filename: str) -> None:
    source = ESM if filename == "handler.mjs" else TYPESCRIPT
    module = facts(source, filename)
    assert pickle.loads(pickle.dumps(module)) == module
