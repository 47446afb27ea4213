"""The JavaScript and TypeScript readings of SL101 (client-in-handler), SL104
(init-per-invocation) and SL305 (call-without-timeout): the front end's once-guards
(`Call.once`), what each rule reports at exact positions, per invocation through
reachability (across modules too), the near-misses that must stay silent, the fixes,
and the planted findings of examples/shop-node."""

from __future__ import annotations

import os
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import REPO, codes_at, lint, write_tree

from slint.diagnostics import Applicability, Diagnostic
from slint.facts import ModuleFacts
from slint.fixes import apply_edits
from slint.javascript.grammar import Positions, first_error, grammar_of, parse
from slint.javascript.module import module_facts


def facts(source: str, filename: str = "handler.mjs") -> ModuleFacts:
    data = dedent(source).encode()
    grammar = grammar_of(filename)
    assert grammar is not None
    tree = parse(data, grammar)
    assert first_error(tree.root_node) is None
    return module_facts(filename, data, tree, Positions(data))


def run(tmp_path: Path, files: dict[str, str], select: str) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=[select])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics), [
        d.message for d in result.diagnostics
    ]
    return [d for d in result.diagnostics if d.code == select]


def found(tmp_path: Path, files: dict[str, str], select: str) -> list[tuple[str, str, int, int]]:
    return codes_at(run(tmp_path, files, select))


def fixed(tmp_path: Path, name: str, diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None and diagnostic.fix.applicability == Applicability.UNSAFE
    return apply_edits((tmp_path / name).read_text(), diagnostic.fix.edits)


# -- the front end: `Call.once` -----------------------------------------------------------

ONCE_GUARDS = {
    "nullish-assignment": "client ??= new S3Client({});",
    "or-assignment": "client ||= new S3Client({});",
    "if-not": "if (!client) { client = new S3Client({}); }",
    "if-not-without-braces": "if (!client) client = new S3Client({});",
    "strict-undefined": "if (client === undefined) client = new S3Client({});",
    "typeof": 'if (typeof client === "undefined") { client = new S3Client({}); }',
    "short-circuit": "return client || (client = new S3Client({}));",
    "nullish-short-circuit": "return client ?? (client = new S3Client({}));",
    "self-default": "client = client || new S3Client({});",
    "self-default-nullish": "client = client ?? new S3Client({});",
    "early-return": "if (client) return client;\n  client = new S3Client({});",
    "cold-start-flag": "if (coldStart) { coldStart = false; new S3Client({}); }",
    "map-cache": 'if (!cache.has("k")) cache.set("k", new S3Client({}));',
    "object-cache": "cache.eu ??= new S3Client({});",
    "static-field": "if (!Holder.client) Holder.client = new S3Client({});",
}


@pytest.mark.parametrize("guard", list(ONCE_GUARDS.values()), ids=list(ONCE_GUARDS))
def test_calls_under_a_once_guard_are_once(guard: str) -> None:
    module = facts(
        f"""\
import {{ S3Client }} from "@aws-sdk/client-s3";
let client;
let coldStart = true;
const cache = new Map();
class Holder {{ static client; }}
export function getClient() {{
  {guard}
  return client;
}}
"""
    )
    [made] = [c for c in module.functions["getClient"].behaviour.calls if c.method == "S3Client"]
    assert made.once


PER_INVOCATION = {
    "plain": "const c = new S3Client({});",
    "local-state": "let c; if (!c) { c = new S3Client({}); }",
    "parameter-state": "if (!given) { given = new S3Client({}); }",
    "guard-without-write": "if (!client) { new S3Client({}); }",
    "else-branch": "if (!client) { client = 1; } else { new S3Client({}); }",
    "local-self-default": "let d; d = d || new S3Client({});",
    "this-field": "this.client ??= new S3Client({});",
}


@pytest.mark.parametrize("code", list(PER_INVOCATION.values()), ids=list(PER_INVOCATION))
def test_calls_outside_a_once_guard_are_not_once(code: str) -> None:
    module = facts(
        f"""\
import {{ S3Client }} from "@aws-sdk/client-s3";
let client;
export function getClient(given) {{
  {code}
  return client;
}}
"""
    )
    [made] = [c for c in module.functions["getClient"].behaviour.calls if c.method == "S3Client"]
    assert not made.once


def test_a_local_command_line_run_is_never_per_invocation() -> None:
    module = facts(
        """\
        import { S3Client } from "@aws-sdk/client-s3";
        export function main() {
          if (require.main === module) {
            new S3Client({});
          }
        }
        """
    )
    [made] = module.functions["main"].behaviour.calls
    assert made.once


def test_sdk_v2_credential_classes_are_no_clients() -> None:
    module = facts(
        """\
        const AWS = require("aws-sdk");
        exports.handler = async (event) => {
          const credentials = new AWS.CognitoIdentityCredentials({ IdentityPoolId: "p" });
          const s3 = new AWS.S3({ credentials });
        };
        """,
        "handler.js",
    )
    values = dict(module.functions["handler"].behaviour.locals)
    assert values["credentials"].service is None
    assert values["s3"].service == "s3"


def test_a_string_url_is_no_axios_config() -> None:
    module = facts(
        """\
        import axios from "axios";
        const URL = "https://example.com";
        export const handler = async (event) => axios(URL);
        """
    )
    [request] = module.functions["handler"].behaviour.calls
    assert request.name == "axios.get" and not request.has_unpacked_keywords


# -- SL101 --------------------------------------------------------------------------------

SERVERLESS = """\
    service: shop
    provider:
      name: aws
      runtime: nodejs20.x
    functions:
      create:
        handler: src/orders.create
    """


def test_sl101_every_client_kind_at_its_construction(tmp_path: Path) -> None:
    files = {
        "handler.mjs": """\
            import { S3, S3Client } from "@aws-sdk/client-s3";
            import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
            import { DynamoDBDocument } from "@aws-sdk/lib-dynamodb";
            import AWS from "aws-sdk";
            import SQS from "aws-sdk/clients/sqs";
            import pg from "pg";
            import mysql from "mysql2";
            import Redis from "ioredis";
            import { createClient } from "redis";
            import { MongoClient } from "mongodb";
            import { PrismaClient } from "@prisma/client";
            import knex from "knex";

            export const handler = async (event) => {
              const a = new S3Client({});
              const b = new S3({});
              const c = DynamoDBDocument.from(new DynamoDBClient({}));
              const d = new AWS.DynamoDB.DocumentClient();
              const e = new SQS();
              const f = new pg.Pool();
              const g = mysql.createPool({});
              const h = new Redis();
              const i = createClient();
              const j = await MongoClient.connect("mongodb://db");
              const k = new PrismaClient();
              const l = knex({ client: "pg" });
              const m = new AWS.Endpoint("https://example.com");
              const n = new AWS.SharedIniFileCredentials();
            };
            """,
    }
    assert [d.start.row for d in run(tmp_path, files, "SL101")] == list(range(15, 27))
    messages = [d.message for d in run(tmp_path, files, "SL101")]
    assert messages[1].startswith("`new S3({})` builds an AWS SDK client")
    assert messages[2].startswith(
        "`DynamoDBDocument.from(new DynamoDBClient({}))` builds a DynamoDB document client"
    )
    assert messages[3].startswith("`new AWS.DynamoDB.DocumentClient()` builds a DynamoDB")
    assert messages[4].startswith("`new SQS()` builds an AWS SDK v2 client")
    assert "PostgreSQL connection pool" in messages[5]
    assert "MongoDB client" in messages[9]


def test_sl101_reaches_helpers_in_other_modules_and_config_named_handlers(
    tmp_path: Path,
) -> None:
    files = {
        "serverless.yml": SERVERLESS,
        "src/orders.mjs": """\
            import { table } from "./clients.mjs";
            import { queue } from "./queue.js";

            export const create = async (event) => {
              await table().put({ TableName: "t", Item: {} });
              await queue();
            };
            """,
        "src/clients.mjs": """\
            import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
            import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

            export function table() {
              return DynamoDBDocumentClient.from(new DynamoDBClient({}));
            }

            export function unused() {
              return new DynamoDBClient({});
            }
            """,
        "src/queue.js": """\
            const { SQSClient } = require("@aws-sdk/client-sqs");
            exports.queue = () => new SQSClient({});
            exports.atLoad = () => new SQSClient({});
            const loaded = exports.atLoad();
            """,
    }
    diagnostics = run(tmp_path, files, "SL101")
    assert codes_at(diagnostics) == [
        ("src/clients.mjs", "SL101", 5, 10),
        ("src/queue.js", "SL101", 2, 23),
    ]
    assert diagnostics[0].notes == (
        "`table` runs on every invocation of handler `create` at src/orders.mjs:4",
    )


def test_sl101_near_misses(tmp_path: Path) -> None:
    files = {
        "handler.ts": """\
            import { S3Client } from "@aws-sdk/client-s3";
            import { Pool } from "pg";

            const s3 = new S3Client({});
            let pool: Pool | undefined;
            const regional: Record<string, S3Client> = {};

            class Database {
              private static instance?: Pool;
              static get(): Pool {
                if (!Database.instance) {
                  Database.instance = new Pool();
                }
                return Database.instance;
              }
            }

            function getPool(): Pool {
              if (pool) return pool;
              pool = new Pool({ max: 1 });
              return pool;
            }

            function knex(): string {
              return "my own knex";
            }

            export const handler = async (event: { region: string }) => {
              regional[event.region] ??= new S3Client({ region: event.region });
              await getPool().query("select 1");
              await Database.get().query("select 1");
              knex();
              return s3.config.region();
            };
            """,
        "script.mjs": """\
            import { S3Client } from "@aws-sdk/client-s3";
            export async function run(args) {
              return new S3Client({});
            }
            """,
    }
    assert found(tmp_path, files, "SL101") == []


def fix_message(diagnostics: list[Diagnostic], row: int) -> str:
    [diagnostic] = [d for d in diagnostics if d.start.row == row]
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability == Applicability.DISPLAY_ONLY
    assert diagnostic.fix.edits == ()
    return diagnostic.fix.message


def test_sl101_display_only_advice(tmp_path: Path) -> None:
    files = {
        "handler.js": """\
            const { S3Client } = require("@aws-sdk/client-s3");
            const { Client } = require("pg");

            function firehose() {
              return new S3Client({});
            }

            exports.handler = async (event, context) => {
              const bucket = process.env.BUCKET;
              const s3 = new S3Client({ region: process.env.REGION });
              const regional = new S3Client({ region: event.region });
              const db = new Client({ connectionString: process.env.DSN });
              await db.connect();
              try {
                return await db.query("select 1");
              } finally {
                await db.end();
              }
            };
            exports.otherHandler = async (event, context) => {
              const region = process.env.REGION;
              const s3 = new S3Client({ region });
              firehose();
            };
            """,
    }
    diagnostics = run(tmp_path, files, "SL101")
    assert [d.start.row for d in diagnostics] == [5, 10, 11, 12, 22]
    assert fix_message(diagnostics, 5) == (
        "`firehose` returns a new AWS SDK client on every call: create one at module scope "
        "and return that, or cache it (`client ??= new S3Client(...)`)"
    )
    assert fix_message(diagnostics, 10) == (
        "Move `const s3 = new S3Client({ region: process.env.REGION })` to module scope, "
        "after the imports, and reuse `s3` on every invocation"
    )
    assert fix_message(diagnostics, 11).startswith(
        "Its arguments depend on the invocation (`event.region`)"
    )
    assert fix_message(diagnostics, 12) == (
        "`handler` closes `db` (`db.end()`, line 17), so warm invocations would get a "
        "closed PostgreSQL connection from module scope: keep one there and drop the `end()`"
    )
    assert fix_message(diagnostics, 22) == (
        "Move `const s3 = new S3Client({ region })` to module scope (and the local names it "
        "reads: `region`), after the imports, and reuse `s3` on every invocation"
    )


def test_sl101_class_fields_run_in_the_constructor(tmp_path: Path) -> None:
    files = {
        "handler.ts": """\
            import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
            import type { LambdaInterface } from "@aws-lambda-powertools/commons/types";

            class Lambda implements LambdaInterface {
              private client = new DynamoDBClient({});
              public async handler(event: unknown, context: unknown): Promise<void> {
                await this.client.destroy();
              }
            }

            const instance = new Lambda();
            export const handler = instance.handler.bind(instance);

            export const perRequestHandler = async (event: unknown) => {
              return new Lambda().handler(event, {});
            };
            """,
    }
    diagnostics = run(tmp_path, files, "SL101")
    assert codes_at(diagnostics) == [("handler.ts", "SL101", 5, 20)]
    assert diagnostics[0].notes == (
        "`Lambda.constructor` runs on every invocation of handler `perRequestHandler` at "
        "handler.ts:14",
    )


def test_sl101_suppression_comment(tmp_path: Path) -> None:
    files = {
        "handler.mjs": """\
            import { S3Client } from "@aws-sdk/client-s3";
            export const handler = async (event) => {
              // slint: ignore[SL101]
              const a = new S3Client({});
              const b = new S3Client({}); // slint: ignore[SL101]
              const c = new S3Client({});
            };
            """,
    }
    assert found(tmp_path, files, "SL101") == [("handler.mjs", "SL101", 6, 13)]


# -- SL104 --------------------------------------------------------------------------------


def test_sl104_fetches_and_files(tmp_path: Path) -> None:
    files = {
        "handler.mjs": """\
            import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";
            import { GetParametersByPathCommand } from "@aws-sdk/client-ssm";
            import {
              AppConfigDataClient,
              GetLatestConfigurationCommand,
            } from "@aws-sdk/client-appconfigdata";
            import fs from "node:fs";
            import { readFile } from "node:fs/promises";
            import path from "node:path";

            const ssm = new SSMClient({});
            const appconfig = new AppConfigDataClient({});
            const RULES = path.join(__dirname, "rules.json");
            const token = { ConfigurationToken: "t" };
            const input = { Name: "/u", WithDecryption: true };

            export const handler = async (event) => {
              const url = await ssm.send(new GetParameterCommand(input));
              const all = await ssm.send(new GetParametersByPathCommand({ Path: "/app" }));
              const flags = await appconfig.send(new GetLatestConfigurationCommand(token));
              const rules = JSON.parse(fs.readFileSync(RULES, "utf8"));
              const template = await readFile(new URL("./template.html", import.meta.url), "utf8");
              const state = fs.readFileSync("/tmp/state.json");
              const upload = fs.readFileSync(event.path);
              return { url, all, flags, rules, template, state, upload };
            };
            """,
    }
    diagnostics = run(tmp_path, files, "SL104")
    assert codes_at(diagnostics) == [
        ("handler.mjs", "SL104", 18, 21),
        ("handler.mjs", "SL104", 19, 21),
        ("handler.mjs", "SL104", 20, 23),
        ("handler.mjs", "SL104", 21, 28),
        ("handler.mjs", "SL104", 22, 26),
    ]
    first = diagnostics[0]
    assert first.message.startswith(
        "`ssm.send(new GetParameterCommand(...))` fetches an SSM parameter on every invocation"
    )
    assert first.fix is not None and first.fix.applicability == Applicability.DISPLAY_ONLY
    assert first.fix.message.startswith(
        'Use Powertools: `getParameter("/u", { maxAge: 300, decrypt: true })` from '
        "`@aws-lambda-powertools/parameters/ssm`"
    )
    assert "AppConfig configuration" in diagnostics[2].message
    assert diagnostics[3].message.startswith(
        '`fs.readFileSync(RULES, "utf8")` reads the package file RULES on every invocation'
    )
    assert diagnostics[4].fix is not None and "`await DATA`" in diagnostics[4].fix.message


def test_sl104_near_misses(tmp_path: Path) -> None:
    files = {
        "handler.js": """\
            const {
              SecretsManagerClient,
              GetSecretValueCommand,
              PutSecretValueCommand,
            } = require("@aws-sdk/client-secrets-manager");
            const { SSMClient, GetParameterCommand } = require("@aws-sdk/client-ssm");

            const ssm = new SSMClient({});
            const secrets = new SecretsManagerClient({});
            const cache = new Map();
            let flags;

            async function parameter(name) {
              const result = await ssm.send(new GetParameterCommand({ Name: name }));
              cache.set(name, result.Parameter.Value);
              return result.Parameter.Value;
            }

            async function rotate(event) {
              const pending = await secrets.send(
                new GetSecretValueCommand({ SecretId: event.SecretId, VersionStage: "AWSPENDING" }),
              );
              await secrets.send(new PutSecretValueCommand({ SecretId: "s", SecretString: "x" }));
              return pending;
            }

            exports.handler = async (event, context) => {
              flags = flags || (await ssm.send(new GetParameterCommand({ Name: "/flags" })));
              const config = require("./config.json");
              await parameter("/app/url");
              await rotate(event);
              return ssm.send(new GetParameterCommand({ Name: event.body }));
            };
            """,
        "helpers.mjs": """\
            import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";
            const ssm = new SSMClient({});
            export async function load() {
              return ssm.send(new GetParameterCommand({ Name: "/never/per/invocation" }));
            }
            export const ready = await load();
            """,
    }
    assert found(tmp_path, files, "SL104") == []


# -- SL305 --------------------------------------------------------------------------------


def test_sl305_reports_and_fixes(tmp_path: Path) -> None:
    source = """\
        import axios from "axios";
        import got from "got";

        export const handler = async (event) => {
          await fetch(event.url);
          await fetch(event.url, {});
          await fetch(event.url, { method: "POST" });
          await fetch(event.url, {
            method: "POST",
            body: event.body,
          });
          await axios.get(event.url);
          await axios.post(event.url, { id: 1 });
          await axios({ url: event.url, method: "put" });
          await got.post(event.url, { json: {} });
        };
        """
    diagnostics = run(tmp_path, {"handler.mjs": source}, "SL305")
    assert [(d.start.row, d.start.column) for d in diagnostics] == [
        (5, 9),
        (6, 9),
        (7, 9),
        (8, 9),
        (12, 9),
        (13, 9),
        (14, 9),
        (15, 9),
    ]
    fixes = [fixed(tmp_path, "handler.mjs", d).splitlines()[d.start.row - 1] for d in diagnostics]
    assert fixes[:3] == [
        "  await fetch(event.url, { signal: AbortSignal.timeout(10000) });",
        "  await fetch(event.url, { signal: AbortSignal.timeout(10000) });",
        '  await fetch(event.url, { method: "POST", signal: AbortSignal.timeout(10000) });',
    ]
    assert fixed(tmp_path, "handler.mjs", diagnostics[3]).splitlines()[7:12] == [
        "  await fetch(event.url, {",
        '    method: "POST",',
        "    body: event.body,",
        "    signal: AbortSignal.timeout(10000),",
        "  });",
    ]
    assert fixes[4:] == [
        "  await axios.get(event.url, { timeout: 10000 });",
        "  await axios.post(event.url, { id: 1 }, { timeout: 10000 });",
        '  await axios({ url: event.url, method: "put", timeout: 10000 });',
        "  await got.post(event.url, { json: {}, timeout: { request: 10000 } });",
    ]
    assert diagnostics[4].message == (
        "`axios.get` is called without a timeout (axios waits without limit by default): if "
        "the server stops answering, the invocation hangs until the function's own timeout "
        "ends it, and the handler cannot catch or log it; pass `timeout: 10000`."
    )


def test_sl305_default_timeout_setting_in_milliseconds(tmp_path: Path) -> None:
    files = {
        "handler.mjs": "export const handler = async (event) => fetch(event.url);\n",
        "slint.toml": "default-timeout = 3\n",
    }
    [diagnostic] = run(tmp_path, files, "SL305")
    assert diagnostic.message.endswith("pass `signal: AbortSignal.timeout(3000)`.")


def test_sl305_near_misses(tmp_path: Path) -> None:
    files = {
        "handler.ts": """\
            import axios from "axios";
            import pTimeout from "p-timeout";

            const api = axios.create({ baseURL: "https://api.example.com", timeout: 2000 });
            const configured = axios.create(JSON.parse(process.env.HTTP_OPTIONS ?? "{}"));
            const options = { signal: AbortSignal.timeout(1000) };

            export const handler = async (event: { url: string; init: RequestInit }) => {
              await fetch(event.url, { signal: AbortSignal.timeout(5000) });
              await fetch(event.url, options);
              await fetch(event.url, event.init);
              await fetch(event.url, { ...event.init });
              await fetch(new Request(event.url, { signal: AbortSignal.timeout(5000) }));
              await Promise.race([fetch(event.url), new Promise((r) => setTimeout(r, 1000))]);
              await pTimeout(fetch(event.url), { milliseconds: 1000 });
              const controller = new AbortController();
              setTimeout(() => controller.abort(), 1000);
              await fetch(event.url, { signal: controller.signal });
              await api.get("/orders");
              await configured.get("/orders");
              await axios.get(event.url, { signal: AbortSignal.timeout(1000) });
            };
            """,
        "defaults.js": """\
            const axios = require("axios");
            axios.defaults.timeout = 2500;
            exports.handler = async (event) => axios.get(event.url);
            """,
        "node-fetch.js": """\
            const fetch = require("node-fetch");
            exports.handler = async (event) => fetch(event.url, { timeout: 2000 });
            """,
    }
    assert found(tmp_path, files, "SL305") == []


def test_sl305_an_abort_controller_without_a_timer(tmp_path: Path) -> None:
    files = {
        "handler.mjs": """\
            export const handler = async (event) => {
              const controller = new AbortController();
              event.onCancel = () => controller.abort();
              return fetch(event.url, { signal: controller.signal });
            };
            """,
    }
    [diagnostic] = run(tmp_path, files, "SL305")
    assert (diagnostic.start.row, diagnostic.start.column) == (4, 10)
    assert "`controller`, an `AbortController` that no timer aborts" in diagnostic.message
    assert diagnostic.fix is None


# -- examples/shop-node ---------------------------------------------------------------------


def test_shop_node_planted_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLINT_TODAY", "2026-11-27")
    root = REPO / "examples" / "shop-node"
    result = lint(root, select=["SL101", "SL104", "SL305"])
    assert not result.errors
    assert sorted(codes_at(result.diagnostics)) == [
        (os.path.join("orders", "api.js"), "SL305", 17, 26),
        (os.path.join("orders", "audit.mjs"), "SL101", 9, 10),
        (os.path.join("orders", "fulfil.mjs"), "SL101", 10, 15),
        (os.path.join("orders", "report.js"), "SL101", 29, 14),
        (os.path.join("orders", "report.js"), "SL101", 39, 14),
    ]
