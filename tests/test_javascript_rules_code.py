"""The JavaScript and TypeScript readings of the code rules SL204, SL209, SL210, SL402,
SL501, SL502 and SL601: hits and near-misses on real-shaped handlers (ES modules,
CommonJS, TypeScript), per-invocation reach, the config that SL501 reads, the fixes of
SL209 and SL402, and the false positives found on public projects (each kept here as a
regression near-miss)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, write_tree

from rules.security.hardcoded_secret import FAKE_AWS_KEY_ID as KEY_ID
from rules.security.hardcoded_secret import FAKE_AWS_SECRET_KEY as SECRET
from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import apply_edits


def run(tmp_path: Path, code: str, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=[code])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics), [
        d.message for d in result.diagnostics
    ]
    return [d for d in result.diagnostics if d.code == code]


def places(tmp_path: Path, code: str, files: dict[str, str]) -> list[tuple[str, int, int]]:
    return [(d.path, d.start.row, d.start.column) for d in run(tmp_path, code, files)]


def fixed(source: str, diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None
    return apply_edits(dedent(source), diagnostic.fix.edits)


# -- SL209 s3-key-not-decoded ------------------------------------------------------------

S3_HANDLER = """\
    import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";

    const s3 = new S3Client({});

    export const handler = async (event) => {
      for (const record of event.Records) {
        await s3.send(new GetObjectCommand({ Bucket: "b", Key: record.s3.object.key }));
      }
    };
    """


def test_sl209_fix_wraps_the_key_in_decode_uri_component(tmp_path: Path) -> None:
    (diagnostic,) = run(tmp_path, "SL209", {"handler.mjs": S3_HANDLER})
    assert (diagnostic.start.row, diagnostic.start.column) == (7, 60)
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    assert 'Key: decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "))' in fixed(
        S3_HANDLER, diagnostic
    )


def test_sl209_fix_adds_the_plus_replacement_to_a_plain_decode(tmp_path: Path) -> None:
    source = """\
        exports.handler = async (event) => {
          const key = decodeURIComponent(event.Records[0].s3.object.key);
          return s3.headObject({ Bucket: "b", Key: key }).promise();
        };
        """
    (diagnostic,) = run(tmp_path, "SL209", {"handler.js": source})
    assert "without replacing `+` first" in diagnostic.message
    assert 'decodeURIComponent(event.Records[0].s3.object.key.replace(/\\+/g, " "))' in fixed(
        source, diagnostic
    )


def test_sl209_fix_parenthesises_an_expression_argument(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          const key = decodeURIComponent(event.prefix + event.Records[0].s3.object.key);
          return fetch(key);
        };
        """
    (diagnostic,) = run(tmp_path, "SL209", {"handler.mjs": source})
    assert (
        'decodeURIComponent((event.prefix + event.Records[0].s3.object.key).replace(/\\+/g, " "))'
        in fixed(source, diagnostic)
    )


def test_sl209_destructured_key_has_no_fix(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          const { s3: { bucket, object: { key } } } = event.Records[0];
          return fetch(`https://${bucket.name}.s3.amazonaws.com/${key}`);
        };
        """
    (diagnostic,) = run(tmp_path, "SL209", {"handler.mjs": source})
    assert (diagnostic.start.row, diagnostic.start.column) == (2, 35)
    assert diagnostic.fix is None


@pytest.mark.parametrize(
    "line",
    [
        'const key = decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "));',
        'const key = decodeURIComponent(record.s3.object.key.replaceAll("+", " "));',
        'const key = decodeURIComponent(record.s3.object.key.replace(/[+]/g, "%20"));',
        "const key = decodeKey(record.s3.object.key);",
        "const key = new Keys().decode(record.s3.object.key);",
        'const key = querystring.unescape(record.s3.object.key.replace(/\\+/g, " "));',
    ],
)
def test_sl209_decoded_keys_are_fine(tmp_path: Path, line: str) -> None:
    source = f"""\
        const decodeKey = (raw) => decodeURIComponent(raw.replace(/\\+/g, " "));
        class Keys {{
          decode(raw) {{
            return decodeURIComponent(raw.replace(/\\+/g, " "));
          }}
        }}

        export const handler = async (event) => {{
          for (const record of event.Records) {{
            {line}
            await fetch(key);
          }}
        }};
        """
    found = places(tmp_path, "SL209", {"handler.mjs": source})
    # `new Keys().decode(...)` is an imported-or-unknown method: reported like Python's
    # call of another object's method. The module's own function decodes.
    if "new Keys()" in line:
        assert found == [("handler.mjs", 10, 35)]
    else:
        assert found == []


def test_sl209_wrong_order_decode_then_replace_is_reported(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          const key = decodeURIComponent(event.Records[0].s3.object.key).replace(/\\+/g, " ");
          return fetch(key);
        };
        """
    (diagnostic,) = run(tmp_path, "SL209", {"handler.mjs": source})
    assert "without replacing `+` first" in diagnostic.message


def test_sl209_follows_names_prefixes_loops_and_callbacks(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          const keys = event.Records.map((r) => r.s3.object.key);
          await Promise.all(keys.map((k) => fetch(k)));
          const { s3 } = event.Records[0];
          const obj = s3.object;
          await fetch(obj.key);
          for (const task of event.tasks) {
            await fetch(task["s3Key"]);
          }
        };
        """
    assert places(tmp_path, "SL209", {"handler.mjs": source}) == [
        ("handler.mjs", 2, 41),
        ("handler.mjs", 6, 15),
        ("handler.mjs", 8, 17),
    ]


def test_sl209_a_function_returning_the_raw_key_is_followed_to_its_calls(
    tmp_path: Path,
) -> None:
    source = """\
        function objectKey(record) {
          return record.s3.object.key;
        }

        export const handler = async (event) => {
          const key = objectKey(event.Records[0]);
          console.log(objectKey(event.Records[0]));
          return fetch(key);
        };
        """
    (diagnostic,) = run(tmp_path, "SL209", {"handler.mjs": source})
    assert (diagnostic.start.row, diagnostic.start.column) == (6, 15)
    assert "`objectKey(event.Records[0])` returns the S3 event object key" in diagnostic.message
    assert "(line 2)" in diagnostic.message


def test_sl209_only_tested_logged_or_thrown_is_fine(tmp_path: Path) -> None:
    # serverless/examples aws-ffmpeg-layer tests the raw key before using it: the test
    # itself is fine (the later uses are reported on their own).
    source = """\
        export const handler = async (event) => {
          for (const record of event.Records) {
            const key = record.s3.object.key;
            if (key.endsWith(".gif") || /\\.tmp$/.test(key) || key.length === 0) continue;
            if (record.s3.object.key.includes("thumbs/")) continue;
            console.log(`skipping ${key}`);
            throw new Error(`cannot handle ${key}`);
          }
        };
        """
    assert places(tmp_path, "SL209", {"handler.mjs": source}) == []


def test_sl209_eventbridge_key_is_not_encoded(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => fetch(event.detail.object.key);
        """
    assert places(tmp_path, "SL209", {"handler.mjs": source}) == []


# -- SL402 unguarded-body-parse ----------------------------------------------------------


def test_sl402_fix_moves_a_const_declaration_into_try(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          const order: Order = JSON.parse(event.body!) as Order;
          return { statusCode: 201, body: order.id };
        };
        """
    (diagnostic,) = run(tmp_path, "SL402", {"handler.ts": source})
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.DISPLAY_ONLY
    assert fixed(source, diagnostic) == dedent(
        """\
        export const handler = async (event) => {
          let order: Order;
          try {
            order = JSON.parse(event.body!) as Order;
          } catch {
            return { statusCode: 400, body: '{"message": "Request body is not valid JSON"}' };
          }
          return { statusCode: 201, body: order.id };
        };
        """
    )


def test_sl402_in_a_helper_reports_with_a_suggestion_only(tmp_path: Path) -> None:
    source = """\
        function parse(event) {
          return JSON.parse(Buffer.from(event.body, "base64").toString());
        }

        exports.handler = async function (event, context) {
          return { statusCode: 200, body: parse(event).id };
        };
        """
    (diagnostic,) = run(tmp_path, "SL402", {"handler.js": source})
    assert (diagnostic.start.row, diagnostic.start.column) == (2, 10)
    assert "`parse` runs on every invocation of handler `handler`" in diagnostic.full_message
    assert diagnostic.fix is not None and diagnostic.fix.edits == ()


def test_sl402_needs_a_catch_and_the_request_body(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          try {
            JSON.parse(event.body);
          } finally {
            console.log("done");
          }
          const detail = JSON.parse(event.detail);
          const response = JSON.parse((await fetch("https://x")).body);
          return event.Records.map((record) => JSON.parse(record.body));
        };
        """
    assert places(tmp_path, "SL402", {"handler.mjs": source}) == [("handler.mjs", 3, 5)]


def test_sl402_not_per_invocation_is_not_reported(tmp_path: Path) -> None:
    source = """\
        export function parseForTests(event) {
          return JSON.parse(event.body);
        }

        export const handler = async () => ({ statusCode: 204 });
        """
    assert places(tmp_path, "SL402", {"handler.mjs": source}) == []


def test_sl402_binary_media_types_message_speaks_javascript(tmp_path: Path) -> None:
    files = {
        "handler.js": """\
            exports.main = async (event) => {
              try {
                return { statusCode: 200, body: JSON.parse(event.body).id };
              } catch {
                return { statusCode: 400 };
              }
            };
            """,
        "serverless.yml": """\
            service: uploads
            provider:
              name: aws
              runtime: nodejs22.x
              apiGateway:
                binaryMediaTypes: ["image/*"]
            functions:
              upload:
                handler: handler.main
                events:
                  - http: {path: upload, method: post}
            """,
    }
    (diagnostic,) = run(tmp_path, "SL402", files)
    assert "has binary media types (serverless.yml:6)" in diagnostic.message
    assert '`Buffer.from(event.body, "base64")`' in diagnostic.message


# -- SL501 print-logging -----------------------------------------------------------------

CONSOLE = """\
    exports.handler = async function (event, context) {
      console.info("order created", { id: event.id });
      console.log(`total ${event.total}`);
      console.warn("retrying " + event.id);
      console.error("failed");
      console.log(event.total + 1);
    };
    """


def serverless(logs: str = "") -> str:
    return dedent(
        """\
        service: shop
        provider:
          name: aws
          runtime: nodejs22.x
        {logs}
        functions:
          createOrder:
            handler: handler.handler
        """
    ).format(logs=logs)


def test_sl501_reports_text_lines_without_the_json_log_format(tmp_path: Path) -> None:
    found = run(tmp_path, "SL501", {"handler.js": CONSOLE, "serverless.yml": serverless()})
    assert [(d.start.row, d.start.column) for d in found] == [(2, 3), (3, 3), (4, 3)]
    assert [d.message.split(" to the")[0] for d in found] == [
        "`console.info()` writes a message followed by values",
        "`console.log()` writes a message built from a template literal",
        "`console.warn()` writes a message built by concatenation",
    ]


@pytest.mark.parametrize(
    "logs",
    [
        "  logs:\n    lambda:\n      logFormat: JSON",
        "  logs:\n    lambda:\n      logFormat: json",
        "  logs:\n    lambda:\n      logFormat: ${param:logFormat}",
    ],
)
def test_sl501_json_log_format_in_serverless_provider(tmp_path: Path, logs: str) -> None:
    files = {"handler.js": CONSOLE, "serverless.yml": serverless(logs)}
    assert places(tmp_path, "SL501", files) == []


def test_sl501_text_format_is_still_reported(tmp_path: Path) -> None:
    logs = "  logs:\n    lambda:\n      logFormat: Text"
    files = {"handler.js": CONSOLE, "serverless.yml": serverless(logs)}
    assert len(places(tmp_path, "SL501", files)) == 3


def test_sl501_function_level_log_format_overrides_the_provider(tmp_path: Path) -> None:
    config = dedent(
        """\
        service: shop
        provider:
          name: aws
          runtime: nodejs22.x
          logs:
            lambda:
              logFormat: JSON
        functions:
          createOrder:
            handler: handler.handler
            logs:
              logFormat: Text
        """
    )
    files = {"handler.js": CONSOLE, "serverless.yml": config}
    assert len(places(tmp_path, "SL501", files)) == 3


def test_sl501_cloudformation_logging_config(tmp_path: Path) -> None:
    template = """\
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Runtime: nodejs22.x
              Handler: handler.handler
              Role: arn:aws:iam::123456789012:role/fn
              Code: ./
              LoggingConfig:
                LogFormat: {format}
        """
    json_files = {"handler.js": CONSOLE, "template.yaml": template.format(format="JSON")}
    assert places(tmp_path, "SL501", json_files) == []
    text_files = {"handler.js": CONSOLE, "template.yaml": template.format(format="Text")}
    assert len(places(tmp_path / "text", "SL501", text_files)) == 3


@pytest.mark.parametrize(
    "logger",
    [
        'const { Logger } = require("@aws-lambda-powertools/logger");',
        'const pino = require("pino");',
        'const winston = require("winston");\n'
        "const log = winston.createLogger({ format: winston.format.json() });",
    ],
)
def test_sl501_a_structured_logger_in_the_handler_modules(tmp_path: Path, logger: str) -> None:
    files = {"handler.js": logger + "\n" + dedent(CONSOLE), "serverless.yml": serverless()}
    assert places(tmp_path, "SL501", files) == []


def test_sl501_winston_without_json_is_no_structured_logger(tmp_path: Path) -> None:
    logger = 'const winston = require("winston");\nconst log = winston.createLogger({});'
    files = {"handler.js": logger + "\n" + dedent(CONSOLE), "serverless.yml": serverless()}
    assert len(places(tmp_path, "SL501", files)) == 3


def test_sl501_reaches_helpers_in_other_modules(tmp_path: Path) -> None:
    files = {
        "lib/report.mjs": """\
            export function report(total) {
              console.log(`total: ${total}`);
            }
            """,
        "handler.mjs": """\
            import { report } from "./lib/report.mjs";

            export const handler = async (event) => {
              report(event.total);
            };
            """,
    }
    (diagnostic,) = run(tmp_path, "SL501", files)
    assert (diagnostic.path, diagnostic.start.row) == ("lib/report.mjs", 2)


def test_sl501_module_level_and_unreached_lines_are_fine(tmp_path: Path) -> None:
    source = """\
        console.log(`cold start in ${process.env.AWS_REGION}`);

        export function debugDump(event) {
          console.log("event", event);
        }

        export const handler = async () => ({ statusCode: 204 });
        """
    assert places(tmp_path, "SL501", {"handler.mjs": source}) == []


# -- SL502 event-logged ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "what"),
    [
        ("console.log(event);", "the whole event"),
        ('console.log("received", event);', "the whole event"),
        ("console.info(JSON.stringify(event, null, 2));", "the whole event"),
        ("console.log(`event: ${JSON.stringify(event)}`);", "the whole event"),
        ('console.error("event " + util.inspect(event));', "the whole event"),
        ('logger.info("extra", { lambdaEvent: event });', "the whole event"),
        ("this.logger.warn({ ...event });", "the whole event"),
        ("process.stdout.write(JSON.stringify(event));", "the whole event"),
        ("logger.appendKeys({ event });", "the whole event"),
        ("logger.logEventIfEnabled(event, true);", "the whole event"),
        ("console.log(context);", "the whole Lambda context"),
        ("const copy = event; console.log(copy);", "the whole event"),
    ],
)
def test_sl502_whole_event_or_context(tmp_path: Path, line: str, what: str) -> None:
    source = f"""\
        import util from "node:util";

        export const handler = async (event, context) => {{
          {line}
        }};
        """
    (diagnostic,) = run(tmp_path, "SL502", {"handler.mjs": source})
    assert diagnostic.start.row == 4
    assert what in diagnostic.message


@pytest.mark.parametrize(
    "line",
    [
        "console.log(event.body);",
        "console.log(JSON.stringify(event.detail));",
        'console.log("records", event.Records.length);',
        "console.log(context.awsRequestId, context.functionName);",
        "logger.addContext(context);",
        "logger.logEventIfEnabled(event);",
        "metrics.addMetadata(event);",
        "console.log(Object.keys(event));",
    ],
)
def test_sl502_parts_of_the_event_are_fine(tmp_path: Path, line: str) -> None:
    source = f"""\
        export const handler = async (event, context) => {{
          {line}
        }};
        """
    assert places(tmp_path, "SL502", {"handler.mjs": source}) == []


def test_sl502_callbacks_and_closures_see_the_event(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          await Promise.all(
            event.Records.map(async (record) => {
              console.log("record of", JSON.stringify(event));
            }),
          );
          const log = () => console.info(event);
          log();
        };
        """
    assert places(tmp_path, "SL502", {"handler.mjs": source}) == [
        ("handler.mjs", 4, 7),
        ("handler.mjs", 7, 21),
    ]


def test_sl502_a_caught_error_is_not_the_event(tmp_path: Path) -> None:
    source = """\
        export const handler = async (e, ctx) => {
          try {
            return await fetch(e.url);
          } catch (e) {
            console.error(e);
          }
          console.log(e);
        };
        """
    assert places(tmp_path, "SL502", {"handler.mjs": source}) == [("handler.mjs", 7, 3)]


def test_sl502_a_parameter_hides_the_outer_event(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          const items = event.Records.map((event) => event.body);
          return items.map(function (event) {
            console.log(event);
          });
        };
        """
    # `function (event)` is a callback whose parameter is named `event`: still the rule's
    # conventional name for an event (as Python's helpers), so it is reported.
    assert places(tmp_path, "SL502", {"handler.mjs": source}) == [("handler.mjs", 4, 5)]


def test_sl502_powertools_parser_hands_over_the_payload(tmp_path: Path) -> None:
    # aws-powertools/powertools-lambda-typescript examples/snippets/parser: the
    # decorated handler's `event` is the validated order, not the raw event.
    source = """\
        import middy from "@middy/core";
        import { parser } from "@aws-lambda-powertools/parser/middleware";
        import { Logger } from "@aws-lambda-powertools/logger";
        import { orderSchema } from "./schema.js";

        const logger = new Logger();

        const lambdaHandler = async (event, context) => {
          logger.info("processing", { event });
          logger.info("context", { context });
        };

        export const handler = middy(lambdaHandler).use(parser({ schema: orderSchema }));
        """
    found = run(tmp_path, "SL502", {"handler.mjs": source})
    assert [(d.start.row, "Lambda context" in d.message) for d in found] == [(10, True)]


def test_sl502_parser_safe_parse_keeps_the_original_event(tmp_path: Path) -> None:
    source = """\
        import { parser } from "@aws-lambda-powertools/parser";

        class Lambda {
          @parser({ schema: orderSchema, safeParse: true })
          public async handler(event: ParsedResult, _context: unknown): Promise<void> {
            if (!event.success) console.error("invalid", event);
          }
        }

        const lambda = new Lambda();
        export const handler = lambda.handler.bind(lambda);
        """
    assert places(tmp_path, "SL502", {"lambda.ts": source}) == [("lambda.ts", 6, 25)]


def test_sl502_log_event_decorator_is_reported_wherever_it_is(tmp_path: Path) -> None:
    source = """\
        import { Logger } from "@aws-lambda-powertools/logger";

        const logger = new Logger();

        class Lambda {
          @logger.injectLambdaContext({ logEvent: true, clearState: true })
          public async handler(_event: unknown, _context: unknown): Promise<void> {}
        }

        class Quiet {
          @logger.injectLambdaContext({ logEvent: false })
          public async handler(_event: unknown, _context: unknown): Promise<void> {}
        }
        """
    assert places(tmp_path, "SL502", {"lambda.ts": source}) == [("lambda.ts", 6, 33)]


# -- SL601 hardcoded-secret ----------------------------------------------------------------


def test_sl601_names_and_places_in_javascript(tmp_path: Path) -> None:
    source = """\
        const jwt = require("jsonwebtoken");

        const config = { apiKey: "k3Jd9sLq0PzX2mWv", region: "eu-west-1" };
        let dbPassword = `Xk93mzPq7LwRt`;
        process.env.API_TOKEN = "pQ7rT2vX9kL4mN8s";

        class Client {
          #secret = "Zq8vLr2mTx9wPk4s";
          constructor(token = "hJ3kL9mN2pQ5rS8t") {}
        }

        exports.handler = async (event) => jwt.sign({ sub: event.user }, "Zq8vLr2mTx9wPk4s");
        """
    assert places(tmp_path, "SL601", {"handler.js": source}) == [
        ("handler.js", 3, 26),
        ("handler.js", 4, 18),
        ("handler.js", 5, 25),
        ("handler.js", 8, 13),
        ("handler.js", 9, 23),
        ("handler.js", 12, 66),
    ]


def test_sl601_jwt_message_names_the_call(tmp_path: Path) -> None:
    source = """\
        import jwt from "jsonwebtoken";
        export const verify = (token) => jwt.verify(token, "Zq8vLr2mTx9wPk4s");
        """
    (diagnostic,) = run(tmp_path, "SL601", {"handler.mjs": source})
    assert "The key passed to `jwt.verify` is a literal JSON Web Token signing secret" in (
        diagnostic.message
    )


def test_sl601_credential_pairs_are_judged_together(tmp_path: Path) -> None:
    source = f"""\
        const real = {{ accessKeyId: "{KEY_ID}", secretAccessKey: "{SECRET}" }};
        const local = {{ accessKeyId: "DUMMYIDEXAMPLE", secretAccessKey: "{SECRET}" }};
        const AWS_ACCESS_KEY_ID = "DUMMYIDEXAMPLE";
        const AWS_SECRET_ACCESS_KEY = "{SECRET}";
        """
    found = places(tmp_path, "SL601", {"handler.mjs": source})
    assert found == [("handler.mjs", 1, 29), ("handler.mjs", 1, 70)]


def test_sl601_labels_and_slugs_are_not_secrets(tmp_path: Path) -> None:
    # aws-powertools/powertools-lambda-typescript examples/snippets/event-handler:
    # `{ secret: 'sensitive-data' }` is a label in a response, not a secret.
    source = """\
        export const handler = async () => ({
          id: 1,
          secret: "sensitive-data",
          token: "not_set",
          password: "${password}",
          apiKey: process.env.API_KEY || "",
        });
        """
    assert places(tmp_path, "SL601", {"handler.mjs": source}) == []


def test_sl601_formats_anywhere_even_in_tests(tmp_path: Path) -> None:
    slack = "xo" + "xb-2631093817-1183482829-Pa55W0rdxyz"
    source = f"""\
        const password = "hunter2hunter2!";
        const token = "{slack[:10]}" + "{slack[10:]}";
        """
    assert places(tmp_path, "SL601", {"test/handler.spec.js": source}) == [
        ("test/handler.spec.js", 2, 15)
    ]


# -- SL210 unconditional-read-modify-write -------------------------------------------------

DOCUMENT_CLIENT = """\
    import {{ DynamoDBClient }} from "@aws-sdk/client-dynamodb";
    import {{ DynamoDBDocumentClient, GetCommand }} from "@aws-sdk/lib-dynamodb";
    import {{ PutCommand, TransactWriteCommand }} from "@aws-sdk/lib-dynamodb";

    const doc = DynamoDBDocumentClient.from(new DynamoDBClient({{}}));
    const key = {{ pk: "CUSTOMER", sk: "ORDER" }};

    export const handler = async (event) => {{
      const {{ Item }} = await doc.send(new GetCommand({{ TableName: "orders", Key: key }}));
    {body}
    }};
    """
PUT = '  await doc.send(new PutCommand({ TableName: "orders", Item: %s }));'
TRANSACTION = (
    "  await doc.send(new TransactWriteCommand({ TransactItems: [\n"
    '    { Put: { TableName: "orders", Item: { ...Item, status: "paid" } } },\n'
    "%s"
    "  ] }));"
)


@pytest.mark.parametrize(
    ("body", "reported"),
    [
        (PUT % "{ ...Item, n: 1 }", True),
        ("  const item = Object.assign({}, Item);\n" + PUT % "item", True),
        (
            "  const lines = [];\n"
            "  for (const line of Item.lines) lines.push(line);\n"
            + PUT
            % "{ pk: event.id, lines }",
            True,
        ),
        (PUT % '{ pk: Item.pk, sk: "ORDER", n: event.n }', False),
        (PUT % "{ pk: event.id, sk: `LOG#${Date.now()}`, name: Item.name }", False),
        (TRANSACTION % "", True),
        (
            TRANSACTION
            % '    { ConditionCheck: { TableName: "orders", Key: key, ConditionExpression: "c" } },'
            "\n",
            False,
        ),
        ("  await doc.send(new PutCommand({ ...event.params, Item }));", False),
    ],
)
def test_sl210_what_reaches_the_write(tmp_path: Path, body: str, reported: bool) -> None:
    source = DOCUMENT_CLIENT.format(body=body)
    found = run(tmp_path, "SL210", {"handler.mjs": source})
    # A copy (`Object.assign({}, Item)`), a spread, a loop over a list of the item: still
    # the read's data. The key attributes of an `Item` literal, another item's key, a
    # condition anywhere in a transaction, an input spread from elsewhere: not reported.
    assert bool(found) is reported, [d.message for d in found]


def test_sl210_different_item_by_sort_key_prefix(tmp_path: Path) -> None:
    # aws-samples/serverless-test-samples typescript-test-samples/apigw-lambda-dynamodb:
    # the read gets `SK: "NAME#"`, the put writes a log item `SK: "TS#" + timestamp`.
    source = """\
        import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
        import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

        export const lambdaHandler = async (event) => {
          const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({}));
          const id = event.pathParameters.id;
          const params = { Key: { PK: id, SK: "NAME#" }, TableName: process.env.TABLE };
          const data = await ddb.send(new GetCommand(params));
          const message = "Hello " + data.Item.SK;
          const param = {
            Item: { PK: id, SK: "TS#" + String(Date.now()), data: message },
            TableName: process.env.TABLE,
          };
          await ddb.send(new PutCommand(param));
        };
        """
    assert places(tmp_path, "SL210", {"app.ts": source}) == []


def test_sl210_read_and_write_in_different_functions(tmp_path: Path) -> None:
    source = """\
        import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

        const doc = DynamoDBDocumentClient.from(client);

        async function load(id) {
          return (await doc.send(new GetCommand({ TableName: "t", Key: { id } }))).Item;
        }

        export const handler = async (event) => {
          const item = await load(event.id);
          await doc.send(new PutCommand({ TableName: "t", Item: item }));
        };
        """
    assert places(tmp_path, "SL210", {"handler.mjs": source}) == []


def test_sl210_only_per_invocation(tmp_path: Path) -> None:
    source = """\
        import { DynamoDBDocumentClient, GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";

        const doc = DynamoDBDocumentClient.from(client);

        export async function migrate(id) {
          const { Item } = await doc.send(new GetCommand({ TableName: "t", Key: { id } }));
          await doc.send(new PutCommand({ TableName: "t", Item: { ...Item, v: 2 } }));
        }

        export const handler = async (event) => ({ statusCode: 204 });
        """
    assert places(tmp_path, "SL210", {"handler.mjs": source}) == []


# -- SL204 unbounded-retry-loop ------------------------------------------------------------


def test_sl204_do_while_and_flag_loops(tmp_path: Path) -> None:
    source = """\
        export const handler = async (event) => {
          do {
            try {
              return await fetch(event.url);
            } catch (error) {
              console.warn("retrying", error);
            }
          } while (true);
        };

        export class Worker {
          async run(url) {
            this.done = false;
            while (!this.done) {
              try {
                await fetch(url, { method: "POST" });
                this.done = true;
              } catch {
                continue;
              }
            }
          }
        }
        """
    found = run(tmp_path, "SL204", {"handler.mjs": source})
    assert [(d.start.row, d.start.column) for d in found] == [(2, 3), (14, 5)]
    assert found[0].message.startswith("`do ... while (true)` retries a failing call")
    assert found[1].message.startswith("`while (!this.done)` retries a failing call")


@pytest.mark.parametrize(
    "loop",
    [
        # Another part of the program ends the loop (`stop()`), not its own success.
        """\
        while (!this.stopped) {
          try {
            await fetch(url);
          } catch {}
        }
        """,
        # A worker loop: each pass takes the next job.
        """\
        while (true) {
          const job = queue.shift();
          if (!job) return;
          try {
            return await fetch(job.url);
          } catch {}
        }
        """,
        # A deadline.
        """\
        const deadline = Date.now() + 10000;
        while (true) {
          try {
            return await fetch(url);
          } catch (error) {
            if (Date.now() > deadline) throw error;
          }
        }
        """,
        # The `catch` always rethrows or returns.
        """\
        while (true) {
          try {
            return await fetch(url);
          } catch (error) {
            if (error.retryable) return null;
            throw error;
          }
        }
        """,
        # Errors collected and counted.
        """\
        const errors = [];
        while (true) {
          try {
            return await fetch(url);
          } catch (error) {
            errors.push(error);
            if (errors.length > 3) throw new AggregateError(errors);
          }
        }
        """,
        # Named like a bound.
        """\
        while (true) {
          try {
            return await fetch(url);
          } catch (error) {
            if (--this.retriesLeft === 0) throw error;
          }
        }
        """,
    ],
)
def test_sl204_bounded_or_no_retry(tmp_path: Path, loop: str) -> None:
    source = "export async function get(url) {\n" + dedent(loop) + "}\n"
    assert places(tmp_path, "SL204", {"handler.mjs": source}) == []


def test_sl204_recursion_with_a_literal_parameter_it_tests(tmp_path: Path) -> None:
    source = """\
        async function save(item, retry = true) {
          try {
            await fetch(item.url, { method: "PUT" });
          } catch (error) {
            if (!retry) throw error;
            return save(item, false);
          }
        }

        async function walk(node) {
          try {
            return await fetch(node.url);
          } catch {
            return Promise.all(node.children.map((child) => walk(child)));
          }
        }
        """
    assert places(tmp_path, "SL204", {"handler.mjs": source}) == []


def test_sl204_this_method_recursion(tmp_path: Path) -> None:
    source = """\
        export class Publisher {
          async publish(message, attempt) {
            try {
              return await this.client.send(message);
            } catch (error) {
              attempt++;
              return this.publish(message, attempt);
            }
          }
        }
        """
    (diagnostic,) = run(tmp_path, "SL204", {"handler.mjs": source})
    assert (diagnostic.start.row, diagnostic.start.column) == (7, 14)
    assert "with `attempt` but never tests `attempt`" in diagnostic.message


@pytest.mark.parametrize(
    ("source", "where", "message"),
    [
        (
            'const AWS = require("aws-sdk");\nconst s3 = new AWS.S3({ maxRetries: 20 });\n',
            (2, 37),
            "`maxRetries: 20` lets the SDK try a call up to 21 times",
        ),
        (
            'const AWS = require("aws-sdk");\nAWS.config.update({ maxRetries: 9 });\n',
            None,
            "",
        ),
        (
            'const retry = require("async-retry");\n'
            "exports.handler = () => retry(() => fetch('x'), { forever: true });\n",
            (2, 60),
            "`forever: true` makes `async-retry` retry forever",
        ),
        (
            'const promiseRetry = require("promise-retry");\n'
            "exports.handler = () => promiseRetry((again) => fetch('x').catch(again));\n",
            None,
            "",
        ),
    ],
)
def test_sl204_sdk_settings_and_retry_packages(
    tmp_path: Path, source: str, where: tuple[int, int] | None, message: str
) -> None:
    found = run(tmp_path, "SL204", {"handler.js": source})
    if where is None:
        assert found == []
    else:
        (diagnostic,) = found
        assert (diagnostic.start.row, diagnostic.start.column) == where
        assert message in diagnostic.message


def test_sl204_max_sdk_attempts_setting(tmp_path: Path) -> None:
    files = {
        "handler.mjs": 'import { SQSClient } from "@aws-sdk/client-sqs";\n'
        "const sqs = new SQSClient({ maxAttempts: 20 });\n",
        "slint.toml": "max-sdk-attempts = 25\n",
    }
    assert places(tmp_path, "SL204", files) == []
