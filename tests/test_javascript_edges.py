"""Less common shapes of JavaScript and TypeScript modules the front end must read the
way Node.js runs them (`slint.javascript.module`), and what it must not claim."""

from __future__ import annotations

import time
from contextlib import suppress
from functools import partial
from textwrap import dedent

import pytest

from slint.diagnostics import Location
from slint.facts import Behaviour, Call, ModuleFacts
from slint.javascript.grammar import Positions, first_error, grammar_of, parse
from slint.javascript.module import module_facts
from slint.python.analyze import _with_deep_recursion


def facts(source: str, filename: str = "handler.mjs") -> ModuleFacts:
    data = dedent(source).encode()
    grammar = grammar_of(filename)
    assert grammar is not None
    tree = parse(data, grammar)
    assert first_error(tree.root_node) is None
    return module_facts(filename, data, tree, Positions(data))


def calls(behaviour: Behaviour, method: str) -> list[Call]:
    return [c for c in behaviour.calls if c.method == method]


def test_typescript_import_require_and_export_assignment() -> None:
    module = facts(
        """\
        import fs = require("fs");
        import db = require("./db");
        async function handler(event: unknown) {
          await db.save(fs.readFileSync("/tmp/x"));
        }
        export = handler;
        """,
        "handler.ts",
    )
    assert module.imports == {"fs": "fs", "db": "./db"}
    assert module.exports == {"default": "local:handler"}
    assert module.functions["handler"].calls == ("ext:save@./db",)
    assert [(m.module, m.names, m.optional) for m in module.module_imports] == [
        ("fs", ("fs",), False),
        ("./db", ("db",), False),
    ]


def test_typescript_import_only_used_as_a_type_is_erased() -> None:
    module = facts(
        """\
        import { Context } from "aws-lambda";
        import { Logger } from "@aws-lambda-powertools/logger";
        const logger = new Logger();
        export const handler = async (event: unknown, context: Context) => {
          logger.info("x");
        };
        """,
        "handler.ts",
    )
    lambda_types, logger = module.module_imports
    assert lambda_types.optional and not lambda_types.uses
    assert not logger.optional
    # In JavaScript an unused import still loads its module.
    plain = facts('import { Context } from "aws-lambda";\n', "handler.js")
    assert not plain.module_imports[0].optional


def test_default_object_export_and_collisions() -> None:
    module = facts(
        """\
        function handler(event) {}
        export default {
          handler: async (event) => {},
          async list(event) { return this.count(event); },
          count: () => 0,
          other: handler,
        };
        """
    )
    assert set(module.functions) == {"handler", "default.handler", "list", "count"}
    assert module.exports == {
        "default": "value:object",
        "default.handler": "local:default.handler",
        "default.list": "local:list",
        "default.count": "local:count",
        "default.other": "local:handler",
    }
    assert module.functions["list"].calls == ("local:count",)


def test_streaming_and_other_wrappers_are_decorators() -> None:
    module = facts(
        """\
        import * as Sentry from "@sentry/serverless";
        import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
        const processing = async (record) => {};
        export const handler = awslambda.streamifyResponse(async (event, stream, context) => {});
        export const sentry = Sentry.AWSLambda.wrapHandler(async (event) => {});
        export const idem = makeIdempotent(processing, { persistenceStore: store });
        export const served = serverless(app);
        """
    )
    assert module.functions["handler"].decorators == ("awslambda.streamifyResponse()",)
    assert module.functions["handler"].required_positional == 3
    assert module.functions["sentry"].decorators == ("@sentry/serverless.AWSLambda.wrapHandler()",)
    assert module.functions["processing"].decorators == (
        "@aws-lambda-powertools/idempotency.makeIdempotent()",
    )
    assert module.exports["idem"] == "local:processing"
    assert module.exports["served"] == "value:call"


def test_lazy_requires_are_no_module_imports_but_are_followed() -> None:
    module = facts(
        """\
        let sharp;
        try {
          sharp = require("sharp");
        } catch (error) {}
        export const handler = async (event) => {
          const db = require("./db");
          const { put } = require("./store");
          const lazy = await import("./lazy.js");
          await db.save(event);
          await put(event);
          await lazy.run();
        };
        """
    )
    assert [(m.module, m.optional) for m in module.module_imports] == [("sharp", True)]
    assert module.module_imports[0].statement.start == Location(3, 3)
    assert module.functions["handler"].calls == (
        "ext:save@./db",
        "ext:put@./store",
        "ext:run@./lazy.js",
    )


def test_counting_loops_over_the_records() -> None:
    module = facts(
        """\
        export const handler = async (event) => {
          for (let i = 0; i < event.Records.length; i++) {
            const record = event.Records[i];
            await send(record.body);
          }
          for (;;) { if (done()) break; }
        };
        """
    )
    counted, forever = module.functions["handler"].behaviour.loops
    assert counted.records and counted.target == "i" and counted.kind == "for"
    assert counted.iterable is not None and counted.iterable.text == "event.Records"
    assert forever.infinite and not forever.records
    [send] = calls(module.functions["handler"].behaviour, "send")
    assert send.arguments[0].value.event_path == "event.Records[].body"


def test_lazily_made_clients_keep_their_service() -> None:
    module = facts(
        """\
        const AWS = require("aws-sdk");
        let docClient;
        exports.handler = async (event) => {
          if (!docClient) {
            docClient = new AWS.DynamoDB.DocumentClient();
          }
          await docClient.update({ TableName: "t", Key: { id: event.id } });
        };
        """,
        "handler.js",
    )
    [update] = calls(module.functions["handler"].behaviour, "update_item")
    assert update.receiver is not None and update.receiver.service == "dynamodb.Table"
    assert update.awaited and not update.conditions


def test_tracing_wrappers_hand_the_sdk_back() -> None:
    module = facts(
        """\
        const AWSXRay = require("aws-xray-sdk-core");
        const AWS = AWSXRay.captureAWS(require("aws-sdk"));
        import { Tracer } from "@aws-lambda-powertools/tracer";
        import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";
        const tracer = new Tracer();
        const sns = tracer.captureAWSv3Client(new SNSClient({}));
        const sqs = new AWS.SQS();
        export const handler = async (event) => {
          await sqs.sendMessage({ QueueUrl: "q", MessageBody: "b" }).promise();
          await sns.publish({ TopicArn: "t", Message: "m" });
        };
        """
    )
    assert module.imports["AWS"] == "aws-sdk"
    behaviour = module.functions["handler"].behaviour
    [send] = calls(behaviour, "send_message")
    assert send.receiver is not None and send.receiver.service == "sqs"
    [publish] = calls(behaviour, "publish")
    assert publish.receiver is not None and publish.receiver.service == "sns"


def test_shadowed_imports_are_not_references_or_uses() -> None:
    module = facts(
        """\
        import { save } from "./db.js";
        export const handler = async (event, save2) => {
          const save = (x) => x;
          save(event);
        };
        export function other(save) {
          save(1);
        }
        """
    )
    assert module.functions["handler"].calls == ("local:handler.save",)
    assert module.functions["other"].calls == ()
    [db] = module.module_imports
    assert db.uses == ()


def test_presigned_urls_and_constructions_are_not_sends() -> None:
    module = facts(
        """\
        import { S3Client, PutObjectCommand } from "@aws-sdk/client-s3";
        import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
        const s3 = new S3Client({});
        export const handler = async (event) => {
          const url = await getSignedUrl(s3, new PutObjectCommand({ Bucket: "b", Key: "k" }));
          return { statusCode: 200, body: url };
        };
        """
    )
    behaviour = module.functions["handler"].behaviour
    assert [c.name for c in behaviour.calls] == ["@aws-sdk/s3-request-presigner.getSignedUrl"]


def test_switch_cases_and_ternaries_are_conditional_uses() -> None:
    module = facts(
        """\
        import heavy from "heavy";
        import light from "light";
        export const handler = async (event) => {
          switch (event.kind) {
            case "a":
              heavy.run();
              break;
          }
          const x = event.flag ? light.a() : null;
          light.b();
        };
        """
    )
    heavy, light = module.module_imports
    assert [(u.function, u.conditional) for u in heavy.uses] == [("handler", True)]
    assert [(u.line, u.conditional) for u in light.uses] == [(9, True), (10, False)]


def test_deep_chains_and_empty_modules() -> None:
    chain = "export const handler = async () => p" + ".then(() => 1)" * 60 + ";\n"
    module = facts(chain)
    assert module.functions["handler"].behaviour.calls == ()
    empty = facts("")
    assert empty.functions == {} and empty.exports == {}


def test_common_js_modules_calling_their_own_exports() -> None:
    module = facts(
        """\
        exports.helper = async (x) => {};
        module.exports.other = function () {};
        exports.handler = async (event) => {
          await exports.helper(event);
          module.exports.other();
        };
        """,
        "handler.js",
    )
    assert module.functions["handler"].calls == ("local:helper", "local:other")


def test_requires_of_a_command_line_run_never_load_on_lambda() -> None:
    module = facts(
        """\
        const { S3Client } = require("@aws-sdk/client-s3");
        if (require.main === module) {
          const { STSClient } = require("@aws-sdk/client-sts");
          new STSClient({});
        }
        """,
        "report.js",
    )
    assert [(m.module, m.optional) for m in module.module_imports] == [
        ("@aws-sdk/client-s3", False),
        ("@aws-sdk/client-sts", True),
    ]


def test_a_class_without_a_constructor_runs_its_field_initializers_in_an_implicit_one() -> None:
    module = facts(
        """\
        import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
        export class Repo {
          client = new DynamoDBClient({});
          static shared = new DynamoDBClient({});
          save = async (item) => this.client.send(item);
        }
        export class Plain {
          get() { return 1; }
        }
        export const handler = async (event) => new Repo().save(event);
        """
    )
    implicit = module.functions["Repo.constructor"]
    assert (implicit.name, implicit.line, implicit.positional) == ("constructor", 2, ())
    [made] = implicit.behaviour.calls
    assert made.name == "@aws-sdk/client-dynamodb.DynamoDBClient"
    assert made.span.start == Location(3, 12)
    assert "Plain.constructor" not in module.functions
    assert module.functions["handler"].calls == ("local:Repo.save", "local:Repo.constructor")
    # The static initializer runs once, when the module loads.
    assert [c.span.start.row for c in module.module_behaviour.calls] == [4]
    assert module.exports["Repo"] == "value:class"


_DEEP = 2000


@pytest.mark.parametrize(
    "expression",
    [
        "a(" * _DEEP + "x" + ")" * _DEEP,
        "[" * _DEEP + "x" + "]" * _DEEP,
        " + ".join(["x"] * 5000),
        "(" + "{a: " * _DEEP + "1" + "}" * _DEEP + ")",
        "c ? 1 : " * _DEEP + "2",
        "p" + ".then(() => 1)" * _DEEP,
    ],
    ids=["calls", "arrays", "plus", "objects", "ternaries", "then-chain"],
)
def test_deep_nesting_analyses_or_fails_fast(expression: str) -> None:
    """Generated code nests thousands deep: the front end reads it, or raises
    RecursionError at once (the caller retries with a deep stack, then reports SL000);
    it never crashes the process or works for minutes."""
    for source in (
        f"export const handler = async () => {expression};\n",
        f"const value = {expression};\n",
    ):
        data = source.encode()
        tree = parse(data, "javascript")
        assert first_error(tree.root_node) is None
        read = partial(module_facts, "handler.mjs", data, tree, Positions(data))
        started = time.perf_counter()
        with suppress(RecursionError):
            read()
        assert time.perf_counter() - started < 20
        started = time.perf_counter()
        module = _with_deep_recursion(read)
        assert time.perf_counter() - started < 20
        assert module.language == "javascript"
