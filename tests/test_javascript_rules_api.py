"""Node.js (JavaScript and TypeScript) handlers in SL102 heavy-import, SL103 import-budget,
SL401 missing-request-schema, SL403 permissive-cors, SL404 authorizer-cached-method-arn
and SL505 metrics-api-per-invocation: the npm cost table, what each rule reports and
the near-misses, among them the false positives found on real projects."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, write_tree

from rules._support.imports import (
    JAVASCRIPT,
    PYTHON,
    PackageCost,
    import_costs,
    node_module_name,
)
from rules.cold_start.heavy_import import HeavyImport
from slint.diagnostics import Applicability, Diagnostic, Location
from slint.facts import ModuleImport, Span
from slint.fixes import apply_edits
from slint.settings import Settings


def findings(
    tmp_path: Path,
    files: Mapping[str, str],
    code: str,
    options: Mapping[str, object] | None = None,
) -> list[Diagnostic]:
    tree = {name: dedent(text) for name, text in files.items()}
    if options:
        tree["slint.toml"] = "".join(f"{key} = {value!r}\n" for key, value in options.items())
    write_tree(tmp_path, tree)
    result = lint(tmp_path, select=[code])
    assert not result.errors
    found = [d for d in result.diagnostics if d.code == code]
    assert not any(d.internal_error for d in found)
    return sorted(found, key=lambda d: (d.path, d.start))


def places(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.path, d.start.row, d.start.column) for d in found]


def serverless(
    handlers: Mapping[str, str], runtime: str = "nodejs20.x", *, ts: bool = False
) -> str:
    """A serverless.yml with one function per `name: "module.export event"`."""
    lines = ["service: app"]
    if ts:
        lines += ["plugins:", "  - serverless-esbuild"]
    lines += ["provider:", "  name: aws", f"  runtime: {runtime}", "functions:"]
    for name, spec in handlers.items():
        handler, _, event = spec.partition(" ")
        lines += [f"  {name}:", f"    handler: {handler}"]
        if event:
            lines += ["    events:", f"      - {event}"]
    return "\n".join(lines) + "\n"


# -- the Node.js cost table -----------------------------------------------------------


def test_sl102_sl103_specifiers_name_table_entries() -> None:
    assert node_module_name("aws-sdk") == "aws-sdk"
    assert node_module_name("aws-sdk/clients/s3.js") == "aws-sdk/clients/s3"
    assert node_module_name("lodash/get/index") == "lodash/get"
    # a package whose name ends like a file keeps its name
    assert node_module_name("chart.js") == "chart.js"
    assert node_module_name("@aws-sdk/client-s3") == "@aws-sdk/client-s3"
    # built-ins and the project's own files are not packages
    assert node_module_name("node:crypto") is None
    assert node_module_name("./db.js") is None
    assert node_module_name("/opt/nodejs/lib") is None


def test_sl102_sl103_node_lookup_never_charges_a_subpath_with_the_whole_package() -> None:
    costs = import_costs((), JAVASCRIPT)
    table = costs.table
    assert costs.node_lookup("aws-sdk") is table["aws-sdk"]
    assert costs.node_lookup("aws-sdk/clients/s3.js") is table["aws-sdk/clients/s3"]
    # A measured parent subpath stands for a module below it.
    below = costs.node_lookup("@aws-lambda-powertools/parser/schemas/api-gateway")
    assert below is table["@aws-lambda-powertools/parser/schemas"]
    # Another client of the folder the table measured several of: the cheapest of them.
    estimated = costs.node_lookup("aws-sdk/clients/sqs")
    assert estimated is not None
    assert estimated.name == "aws-sdk/clients/sqs"
    cheapest = min(
        (table["aws-sdk/clients/s3"], table["aws-sdk/clients/dynamodb"]), key=lambda e: e.ms
    )
    assert estimated.estimated_from == cheapest.name
    assert estimated.ms == cheapest.ms
    # A subpath of a package whose main module is measured, but not the subpath: unknown
    # (`googleapis/build/src/apis/sheets` is the cheap way to load one API).
    assert costs.node_lookup("googleapis/build/src/apis/sheets") is None
    assert costs.node_lookup("lodash/map") is None
    assert costs.node_lookup("node:fs") is None
    assert costs.node_lookup("left-pad") is None


def test_sl102_sl103_each_language_has_its_table() -> None:
    python = import_costs((), PYTHON)
    node = import_costs((), JAVASCRIPT)
    assert python.language == PYTHON and node.language == JAVASCRIPT
    assert "pandas" in python.table and "pandas" not in node.table
    assert "aws-sdk" in node.table and "aws-sdk" not in python.table
    # ModuleFacts.language picks the table; anything else is Python.
    assert import_costs((), "javascript") is node


def test_sl102_sl103_user_costs_apply_to_npm_names() -> None:
    costs = import_costs((("aws-sdk", 0.0), ("@acme/reports", 250.0)), JAVASCRIPT)
    sdk = costs.node_lookup("aws-sdk")
    assert sdk is not None and sdk.user and sdk.ms == 0.0
    # what the package loads is still what it loads
    assert sdk.includes == import_costs((), JAVASCRIPT).table["aws-sdk"].includes
    mine = costs.node_lookup("@acme/reports/daily.js")
    assert mine is None  # a subpath of a user entry: not the entry itself
    assert costs.table["@acme/reports"].ms == 250.0


def test_sl102_sl103_counted_once_and_not_what_another_loads() -> None:
    costs = import_costs((), JAVASCRIPT)
    table = costs.table
    sqs = costs.node_lookup("aws-sdk/clients/sqs")
    assert sqs is not None
    entries = [
        table["@aws-sdk/lib-dynamodb"],
        table["@aws-sdk/client-dynamodb"],
        table["aws-sdk"],
        sqs,
        table["aws-sdk/clients/s3"],
        table["@aws-sdk/lib-dynamodb"],
        PackageCost("free", 0.0),
    ]
    total, counted = costs.total(entries)
    # lib-dynamodb loads client-dynamodb; the whole SDK v2 loads its clients, also the
    # one estimated from a client it was measured loading.
    assert sorted(entry.name for entry in counted) == ["@aws-sdk/lib-dynamodb", "aws-sdk"]
    assert total == table["@aws-sdk/lib-dynamodb"].ms + table["aws-sdk"].ms


# -- SL102 heavy-import ---------------------------------------------------------------

TWO_HANDLERS = serverless(
    {"api": "handler.handler httpApi: GET /rows", "export": "handler.exportRows"}
)


def test_sl102_sdk_v2_reported_whatever_the_threshold(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": TWO_HANDLERS,
            "handler.js": """\
                const AWS = require("aws-sdk");

                exports.handler = async (event) => ({ statusCode: 200, body: "[]" });

                exports.exportRows = async () => {
                  const table = new AWS.DynamoDB.DocumentClient();
                  return table.scan({ TableName: "rows" }).promise();
                };
                """,
        },
        "SL102",
        {"heavy-import-ms": 5000},
    )
    assert places(found) == [("handler.js", 1, 22)]
    message = found[0].message
    assert "handler `handler` (handler.js:3) does not need `AWS` on every invocation" in message
    assert "used only in `exportRows` (line 6), which the handler does not run" in message
    assert "the v3 client of what this module calls (`@aws-sdk/lib-dynamodb`" in message
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.DISPLAY_ONLY
    assert fix.edits == ()
    assert fix.message == (
        "Replace it by the v3 client of the service it calls, or move "
        '`require("aws-sdk")` into `exportRows`, the only function that uses it: Node.js '
        "loads the package on the first call and caches it"
    )


def test_sl102_esm_suggestion_is_a_dynamic_import_with_the_same_bindings(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": TWO_HANDLERS.replace("handler.", "report."),
            "report.mjs": """\
                import Sheets, { google as g } from "googleapis";

                export const handler = async () => ({ statusCode: 200 });

                export function exportRows(event) {
                  return [Sheets, g.sheets({ version: "v4" })];
                }
                """,
        },
        "SL102",
    )
    assert places(found) == [("report.mjs", 1, 38)]
    fix = found[0].fix
    assert fix is not None and fix.edits == ()
    assert fix.message == (
        "Load it in `exportRows`, the only function that uses it: "
        '`const { default: Sheets, google: g } = await import("googleapis")` '
        "(make `exportRows` async)"
    )


def test_sl102_unused_require_gets_a_removal(tmp_path: Path) -> None:
    source = """\
        const mongoose = require("mongoose"); // models live elsewhere
        const { DynamoDBClient, ScanCommand } = require("@aws-sdk/client-dynamodb");

        const db = new DynamoDBClient({});

        exports.handler = async () => db.send(new ScanCommand({ TableName: "rows" }));
        exports.exportRows = exports.handler;
        """
    found = findings(tmp_path, {"serverless.yml": TWO_HANDLERS, "handler.js": source}, "SL102")
    assert places(found) == [("handler.js", 1, 27)]
    assert "never uses `mongoose`" in found[0].message
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.DISPLAY_ONLY
    assert fix.message == 'Remove the unused `const mongoose = require("mongoose");`'
    text = (tmp_path / "handler.js").read_text()
    assert apply_edits(text, list(fix.edits)) == dedent(source).split("\n", 1)[1]


def test_sl102_unused_import_sharing_its_statement_gets_no_edit(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": TWO_HANDLERS,
            "handler.js": """\
                const mongoose = require("mongoose"), limit = 10;

                exports.handler = async () => ({ limit });
                exports.exportRows = exports.handler;
                """,
        },
        "SL102",
    )
    assert places(found) == [("handler.js", 1, 27)]
    assert found[0].fix is None


def test_sl102_loaded_anyway_by_another_module_of_the_handler(tmp_path: Path) -> None:
    # `db.js` uses mongoose on every invocation: the handler module's own import of it,
    # read in one branch, saves nothing when moved.
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"api": "handler.handler httpApi: GET /rows"}),
            "handler.js": """\
                const mongoose = require("mongoose");
                const { rows } = require("./db");

                exports.handler = async (event) => {
                  if (event.debug) {
                    mongoose.set("debug", true);
                  }
                  return rows();
                };
                """,
            "db.js": """\
                const mongoose = require("mongoose");

                exports.rows = async () => mongoose.model("Row").find();
                """,
        },
        "SL102",
    )
    assert found == []


def test_sl102_typescript_imports_read_only_as_types_are_erased(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"api": "handler.handler httpApi: GET /x"}, ts=True),
            "handler.ts": """\
                import { JSDOM } from "jsdom";
                import type { Mongoose } from "mongoose";

                export const handler = async (event: { html: string }) => {
                  const dom: JSDOM | undefined = undefined;
                  const db: Mongoose | undefined = undefined;
                  return { dom, db, length: event.html.length };
                };
                """,
        },
        "SL102",
    )
    assert found == []


def test_sl102_call_into_an_exported_instance_keeps_the_rule_silent(tmp_path: Path) -> None:
    # serverless/examples aws-node-dynamic-image-resizer: the handler calls a method of an
    # instance another module exports (`resizeHandler._process`), which reachability
    # cannot follow; `sharp` is read in a method it reaches that way. Before: "used only
    # in `ResizerHandler.resize`, which the handler does not run".
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"resize": "index.handler httpApi: GET /{size}"}),
            "index.js": """\
                import { resizeHandler } from "./resizeHandler";

                export const handler = async (event) => ({
                  statusCode: 301,
                  body: await resizeHandler._process(event),
                });
                """,
            "resizeHandler.js": """\
                const sharp = require("sharp");

                class ResizerHandler {
                  async _process(event) {
                    return this.resize(event.pathParameters.size);
                  }

                  async resize(size) {
                    return sharp().resize(Number(size)).toFormat("png");
                  }
                }

                export const resizeHandler = new ResizerHandler();
                """,
        },
        "SL102",
        {"heavy-import-ms": 10},
    )
    assert found == []


def test_sl102_methods_of_an_instantiated_class_may_run(tmp_path: Path) -> None:
    # powertools-lambda-typescript examples/snippets/batch/customPartialProcessor.ts: the
    # batch utility calls the processor's `prepare`/`clean` hooks, which reachability does
    # not see. Before (with a low threshold): "used only in `MyPartialProcessor.clean`,
    # which the handler does not run".
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless(
                {"worker": "handler.handler sqs: arn:aws:sqs:eu-west-1:123456789012:q"}, ts=True
            ),
            "handler.ts": """\
                import {
                  BasePartialBatchProcessor,
                  EventType,
                  processPartialResponse,
                } from "@aws-lambda-powertools/batch";
                import { BatchWriteItemCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";

                class MyPartialProcessor extends BasePartialBatchProcessor {
                  #client?: DynamoDBClient;

                  public constructor() {
                    super(EventType.SQS);
                  }

                  public prepare(): void {
                    this.#client = new DynamoDBClient({});
                  }

                  public clean(): void {
                    this.#client?.send(new BatchWriteItemCommand({ RequestItems: {} }));
                  }
                }

                const processor = new MyPartialProcessor();

                export const handler = async (event: unknown, context: unknown) =>
                  processPartialResponse(event, () => 1, processor, { context });
                """,
        },
        "SL102",
        {"heavy-import-ms": 10},
    )
    assert found == []


def test_sl102_function_the_handler_does_not_run_in_a_followed_module(tmp_path: Path) -> None:
    # The same module, with calls reachability follows: `render` is exported and never
    # called by this handler.
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"api": "handler.handler httpApi: GET /x"}),
            "handler.js": """\
                const { summary } = require("./pages");

                exports.handler = async (event) => ({ statusCode: 200, body: summary(event) });
                """,
            "pages.js": """\
                const { JSDOM } = require("jsdom");

                exports.summary = (event) => String(event.rawPath);
                exports.render = (html) => new JSDOM(html).serialize();
                """,
        },
        "SL102",
    )
    assert places(found) == [("pages.js", 1, 28)]
    assert "used only in `render` (line 4), which the handler does not run" in found[0].message


def test_sl102_sdk_v2_marked_cheap_by_the_user_is_not_reported() -> None:
    # The rule's own test of its condition: a user cost of 0 silences the SDK v2 case.
    span = Span(Location(1, 22), Location(1, 29))
    imported = ModuleImport("aws-sdk", 0, ("AWS",), span, Span(Location(1, 1), Location(1, 32)))
    settings = Settings()
    shipped = HeavyImport._heavy(imported, import_costs((), JAVASCRIPT), settings, frozenset())
    assert shipped is not None and shipped.name == "aws-sdk"
    cheap = import_costs((("aws-sdk", 0.0),), JAVASCRIPT)
    assert HeavyImport._heavy(imported, cheap, settings, frozenset()) is None


# -- SL103 import-budget --------------------------------------------------------------


def test_sl103_budget_counts_the_sdk_v2_and_its_clients_once(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"api": "handler.handler httpApi: GET /x"}),
            "handler.js": """\
                const AWS = require("aws-sdk");
                const SQS = require("aws-sdk/clients/sqs");
                const S3 = require("aws-sdk/clients/s3.js");

                const queue = new SQS();
                const bucket = new S3();
                const table = new AWS.DynamoDB.DocumentClient();

                exports.handler = async () => [queue, bucket, table];
                """,
        },
        "SL103",
        {"import-budget-ms": 20},
    )
    assert places(found) == [("handler.js", 1, 1)]
    message = found[0].message
    assert "`aws-sdk`" in message and "aws-sdk/clients" not in message


def test_sl103_budget_prices_sdk_v2_client_modules_from_their_measured_neighbours(
    tmp_path: Path,
) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"api": "handler.handler httpApi: GET /x"}),
            "handler.js": """\
                const SQS = require("aws-sdk/clients/sqs");

                const queue = new SQS();

                exports.handler = async () => queue;
                """,
        },
        "SL103",
        {"import-budget-ms": 20},
    )
    assert places(found) == [("handler.js", 1, 1)]
    assert "`aws-sdk/clients/sqs`" in found[0].message


def test_sl103_budget_leaves_out_builtins_and_unknown_subpaths(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"api": "handler.handler httpApi: GET /x"}),
            "handler.mjs": """\
                import crypto from "node:crypto";
                import https from "https";
                import { sheets } from "googleapis/build/src/apis/sheets/index.js";

                export const handler = async () => [crypto.randomUUID(), https, sheets];
                """,
        },
        "SL103",
        {"import-budget-ms": 1},
    )
    assert found == []


# -- SL401 missing-request-schema -----------------------------------------------------

REST_POST = serverless({"create": "orders.create http: POST orders"})
HTTP_POST = serverless({"create": "orders.create httpApi: POST /orders"})
TS_REST_POST = serverless({"create": "orders.create http: POST orders"}, ts=True)


@pytest.mark.parametrize(
    ("config", "name", "source"),
    [
        # real code (serverless/examples aws-node-rest-api-with-dynamodb and its
        # siblings, 12 findings before): a callback-style handler that answers 400
        (
            REST_POST,
            "orders.js",
            """\
            module.exports.create = (event, context, callback) => {
              const data = JSON.parse(event.body);
              if (typeof data.text !== "string") {
                console.error("Validation Failed");
                callback(null, {
                  statusCode: 400,
                  headers: { "Content-Type": "text/plain" },
                  body: "Couldn't create the todo item.",
                });
                return;
              }
              callback(null, { statusCode: 200, body: JSON.stringify(data) });
            };
            """,
        ),
        # real code (serverless/examples aws-node-typescript-rest-api-with-dynamodb
        # create.ts, 2 findings before): the invocation fails under a test of the body
        (
            TS_REST_POST,
            "orders.ts",
            """\
            module.exports.create = (event, context, callback) => {
              const data = JSON.parse(event.body);
              if (typeof data.text !== "string") {
                callback(new Error("Couldn't create the todo item."));
                return;
              }
              callback(null, { statusCode: 200, body: JSON.stringify(data) });
            };
            """,
        ),
        # the older `context.fail` does the same
        (
            REST_POST,
            "orders.js",
            """\
            exports.create = (event, context) => {
              const data = JSON.parse(event.body);
              if (!data.id) {
                return context.fail("id is required");
              }
              context.succeed({ statusCode: 201, body: data.id });
            };
            """,
        ),
        # ajv, compiled at module level
        (
            REST_POST,
            "orders.js",
            """\
            const Ajv = require("ajv");

            const validateOrder = new Ajv().compile({ type: "object", required: ["id"] });

            exports.create = async (event) => {
              const order = JSON.parse(event.body);
              if (!validateOrder(order)) {
                return { statusCode: 422, body: JSON.stringify(validateOrder.errors) };
              }
              return { statusCode: 201, body: order.id };
            };
            """,
        ),
        # Powertools validation (TypeScript)
        (
            TS_REST_POST,
            "orders.ts",
            """\
            import { validate } from "@aws-lambda-powertools/validation";

            const schema = { type: "object", required: ["id"] };

            export const create = async (event: { body: string }) => {
              const order = JSON.parse(event.body);
              validate({ payload: order, schema });
              return { statusCode: 201, body: order.id };
            };
            """,
        ),
        # a zod schema of the project's own module, `safeParse`
        (
            HTTP_POST,
            "orders.mjs",
            """\
            import { OrderSchema } from "./schemas.mjs";

            export const create = async (event) => {
              const result = OrderSchema.safeParse(JSON.parse(event.body));
              return { statusCode: result.success ? 201 : 400 };
            };
            """,
        ),
        # `schema.parse(...)` on an imported schema (not `JSON.parse`)
        (
            HTTP_POST,
            "orders.mjs",
            """\
            import { orderSchema } from "./schemas.mjs";

            export const create = async (event) => {
              const order = orderSchema.parse(JSON.parse(event.body));
              return { statusCode: 201, body: order.id };
            };
            """,
        ),
        # joi and yup
        (
            HTTP_POST,
            "orders.js",
            """\
            const Joi = require("joi");

            const schema = Joi.object({ id: Joi.string().required() });

            exports.create = async (event) => {
              const { error, value } = schema.validate(JSON.parse(event.body));
              return error ? { statusCode: 400 } : { statusCode: 201, body: value.id };
            };
            """,
        ),
        (
            HTTP_POST,
            "orders.js",
            """\
            const yup = require("yup");

            exports.create = async (event) => {
              const body = JSON.parse(event.body);
              const order = await yup.object({ id: yup.string().required() }).validate(body);
              return { statusCode: 201, body: order.id };
            };
            """,
        ),
        # a validating middleware of the project's own
        (
            HTTP_POST,
            "orders.mjs",
            """\
            import middy from "@middy/core";
            import httpJsonBodyParser from "@middy/http-json-body-parser";
            import { validateBody } from "./validation.mjs";

            export const create = middy(async (event) => ({ statusCode: 201, body: event.body.id }))
              .use(httpJsonBodyParser())
              .use(validateBody({ required: ["id"] }));
            """,
        ),
    ],
    ids=[
        "callback-400",
        "callback-error-in-body-test",
        "context-fail",
        "ajv",
        "powertools-validation",
        "zod-safeParse",
        "schema-parse",
        "joi",
        "yup",
        "own-middleware",
    ],
)
def test_sl401_validated_bodies_are_not_reported(
    tmp_path: Path, config: str, name: str, source: str
) -> None:
    files = {
        "serverless.yml": config,
        name: source,
        "schemas.mjs": """\
            import { z } from "zod";

            export const OrderSchema = z.object({ id: z.string() });
            export const orderSchema = OrderSchema;
            """,
        "validation.mjs": "export const validateBody = (schema) => ({ before: () => schema });\n",
    }
    assert findings(tmp_path, files, "SL401") == []


@pytest.mark.parametrize(
    ("config", "name", "source", "parsed_at"),
    [
        # base64-encoded bodies decoded first
        (
            HTTP_POST,
            "orders.js",
            """\
            exports.create = async (event) => {
              const raw = event.isBase64Encoded
                ? Buffer.from(event.body, "base64").toString("utf8")
                : event.body;
              const order = JSON.parse(raw);
              return { statusCode: 201, body: order.id };
            };
            """,
            "orders.js:5",
        ),
        # a destructured body, with a fallback
        (
            REST_POST,
            "orders.js",
            """\
            exports.create = async ({ body }) => {
              const order = JSON.parse(body ?? "{}");
              return { statusCode: 201, body: order.id };
            };
            """,
            "orders.js:2",
        ),
        # middy's body parser and no validator: the handler's own line
        (
            HTTP_POST,
            "orders.mjs",
            """\
            import middy from "@middy/core";
            import httpJsonBodyParser from "@middy/http-json-body-parser";

            export const create = middy(async (event) => ({ statusCode: 201, body: event.body.id }))
              .use(httpJsonBodyParser());
            """,
            "orders.mjs:4",
        ),
        # a TypeScript annotation checks nothing; a 500 from `catch` is no 400
        (
            TS_REST_POST,
            "orders.ts",
            """\
            interface Order {
              id: string;
            }

            export const create = async (event: { body: string }) => {
              try {
                const order: Order = JSON.parse(event.body);
                return { statusCode: 201, body: order.id };
              } catch (error) {
                return { statusCode: 500, body: String(error) };
              }
            };
            """,
            "orders.ts:7",
        ),
        # `callback(null, ...)` with a 200 inside a test of the body is no refusal
        (
            REST_POST,
            "orders.js",
            """\
            exports.create = (event, context, callback) => {
              const data = JSON.parse(event.body);
              if (data.dryRun) {
                callback(null, { statusCode: 200, body: "dry run" });
                return;
              }
              callback(null, { statusCode: 201, body: data.id });
            };
            """,
            "orders.js:2",
        ),
    ],
    ids=["base64", "destructured", "middy-body-parser", "ts-annotation", "callback-200"],
)
def test_sl401_unvalidated_bodies_are_reported(
    tmp_path: Path, config: str, name: str, source: str, parsed_at: str
) -> None:
    found = findings(tmp_path, {"serverless.yml": config, name: source}, "SL401")
    assert len(found) == 1
    assert found[0].path == "serverless.yml"
    assert f"parses the body at {parsed_at} without validating it" in found[0].message


def test_sl401_http_api_suggestion_speaks_javascript(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": HTTP_POST,
            "orders.js": "exports.create = async (event) => JSON.parse(event.body).id;\n",
        },
        "SL401",
    )
    assert places(found) == [("serverless.yml", 9, 9)]
    fix = found[0].fix
    assert fix is not None and "zod schema" in fix.message and "pydantic" not in fix.message


# -- SL403 permissive-cors ------------------------------------------------------------

WITH_AUTHORIZER = """\
service: shop
provider:
  name: aws
  runtime: nodejs20.x
functions:
  orders:
    handler: handler.handler
    events:
      - http:
          path: orders
          method: get
          authorizer: auth
  auth:
    handler: auth.handler
"""


def test_sl403_wildcard_in_a_response_helper_given_to_the_callback(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": WITH_AUTHORIZER,
            "auth.js": "exports.handler = async () => ({ isAuthorized: true });\n",
            "handler.js": """\
                const respond = (callback, body) =>
                  callback(null, {
                    statusCode: 200,
                    headers: {
                      "Access-Control-Allow-Origin": "*",
                      "Access-Control-Allow-Credentials": true,
                    },
                    body: JSON.stringify(body),
                  });

                exports.handler = (event, context, callback) => respond(callback, { orders: [] });
                """,
        },
        "SL403",
    )
    assert places(found) == [("handler.js", 5, 38)]
    assert "serverless.yml:12: `authorizer: auth`" in found[0].message


def test_sl403_wildcard_spread_into_headers_with_a_cookie_read(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.mjs": """\
                const CORS = { "Access-Control-Allow-Origin": "*" };

                export const handler = async (event) => {
                  const session = event.cookies?.find((c) => c.startsWith("sid="));
                  const headers = { ...CORS, "Content-Type": "text/plain" };
                  return { statusCode: 200, headers, body: session };
                };
                """,
        },
        "SL403",
    )
    assert places(found) == [("handler.mjs", 1, 47)]
    assert "the handler reads `event.cookies[]`" in found[0].message


def test_sl403_multi_value_authorization_header_is_a_credential(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.js": """\
                exports.handler = async (event) => {
                  const token = event.multiValueHeaders.Authorization[0];
                  return {
                    statusCode: 200,
                    headers: { "Access-Control-Allow-Origin": "*" },
                    body: String(token.length),
                  };
                };
                """,
        },
        "SL403",
    )
    assert places(found) == [("handler.js", 5, 47)]
    assert "reads `event.multiValueHeaders.Authorization[]" in found[0].message


def test_sl403_wildcard_without_credentials_or_authorizer(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": serverless({"api": "handler.handler httpApi: GET /x"}, ts=True),
            "handler.ts": """\
                const CORS_HEADERS = { "Access-Control-Allow-Origin": "*" };

                export const handler = async (event: { rawPath: string }) => ({
                  statusCode: 200,
                  headers: CORS_HEADERS,
                  body: JSON.stringify({ path: event.rawPath, origin: event.headers?.origin }),
                });
                """,
        },
        "SL403",
    )
    assert found == []


# -- SL404 authorizer-cached-method-arn -----------------------------------------------


def test_sl404_destructured_method_arn_in_a_list_without_config(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "auth.mjs": """\
                export const handler = async ({ methodArn, authorizationToken }) => ({
                  principalId: authorizationToken,
                  policyDocument: {
                    Version: "2012-10-17",
                    Statement: [
                      { Action: "execute-api:Invoke", Effect: "Allow", Resource: [methodArn] },
                    ],
                  },
                });
                """,
        },
        "SL404",
    )
    assert places(found) == [("auth.mjs", 6, 67)]
    assert "`methodArn` (destructured from the event)" in found[0].message
    assert "no config names this authorizer" in found[0].message


def test_sl404_statement_built_field_by_field(tmp_path: Path) -> None:
    # serverless/examples aws-node-auth0-custom-authorizers-api, reported before and after
    found = findings(
        tmp_path,
        {
            "auth.js": """\
                const generatePolicy = (principalId, effect, resource) => {
                  const authResponse = {};
                  authResponse.principalId = principalId;
                  if (effect && resource) {
                    const statementOne = {};
                    statementOne.Action = "execute-api:Invoke";
                    statementOne.Effect = effect;
                    statementOne.Resource = resource;
                    const policyDocument = { Version: "2012-10-17", Statement: [statementOne] };
                    authResponse.policyDocument = policyDocument;
                  }
                  return authResponse;
                };

                module.exports.auth = (event, context, callback) =>
                  callback(null, generatePolicy("user", "Allow", event.methodArn));
                """,
            "serverless.yml": serverless({"auth": "auth.auth"}).replace(
                "functions:\n",
                "functions:\n  orders:\n    handler: auth.auth\n    events:\n"
                "      - http:\n          path: orders\n          method: get\n"
                "          authorizer: auth\n",
            ),
        },
        "SL404",
    )
    assert places(found) == [("auth.js", 8, 29)]
    assert "`event.methodArn` passed at auth.js:16" in found[0].message


def test_sl404_wildcard_policy_is_not_reported(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "auth.js": """\
                exports.handler = async (event) => {
                  const [arn, stage] = event.methodArn.split("/");
                  const resource = `${arn}/${stage}/*/*`;
                  return {
                    principalId: "user",
                    policyDocument: {
                      Statement: [
                        { Action: "execute-api:Invoke", Effect: "Allow", Resource: resource },
                      ],
                    },
                  };
                };
                """,
        },
        "SL404",
    )
    assert found == []


# -- SL505 metrics-api-per-invocation -------------------------------------------------

METRICS_API = serverless({"place": "handler.handler httpApi: POST /orders"})


def test_sl505_client_passed_as_a_parameter(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": METRICS_API,
            "handler.js": """\
                const {
                  CloudWatchClient,
                  PutMetricDataCommand,
                } = require("@aws-sdk/client-cloudwatch");

                const cloudwatch = new CloudWatchClient({});

                async function publish(client, value) {
                  const command = new PutMetricDataCommand({ Namespace: "Orders", MetricData: [] });
                  await client.send(command);
                }

                exports.handler = async (event) => {
                  await publish(cloudwatch, 1);
                  return { statusCode: 201 };
                };
                """,
        },
        "SL505",
    )
    assert places(found) == [("handler.js", 10, 9)]
    message = found[0].message
    assert message.startswith("`client.send(new PutMetricDataCommand(...))` is a synchronous")
    assert ", through `publish`" in message
    assert "`@aws-lambda-powertools/metrics`" in message


def test_sl505_project_method_named_put_metric_data_is_not_the_api(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": METRICS_API,
            "handler.js": """\
                const buffer = [];

                const stats = {
                  putMetricData(name, value) {
                    buffer.push({ name, value });
                  },
                };

                exports.handler = async (event) => {
                  stats.putMetricData("OrderPlaced", 1);
                  return { statusCode: 201 };
                };
                """,
        },
        "SL505",
    )
    assert found == []


def test_sl505_once_per_environment_call_is_not_per_invocation(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "serverless.yml": METRICS_API,
            "handler.mjs": """\
                import { CloudWatchClient, PutMetricDataCommand } from "@aws-sdk/client-cloudwatch";

                const cloudwatch = new CloudWatchClient({});
                let announced;

                export const handler = async (event) => {
                  announced ??= cloudwatch.send(
                    new PutMetricDataCommand({ Namespace: "Orders", MetricData: [] }),
                  );
                  await announced;
                  return { statusCode: 201 };
                };
                """,
        },
        "SL505",
    )
    assert found == []
