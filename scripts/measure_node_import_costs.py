"""Measure what loading the npm packages Lambda handlers use costs, for SL102 and SL103.

The Node.js counterpart of `scripts/measure_import_costs.py`. It npm-installs the
packages of `TABLE` into a temporary folder with the machine's `npm`
(`npm install --no-audit --no-fund --ignore-scripts`: install scripts are not needed by
any entry, since native packages ship prebuilt binaries, and skipping them keeps the
run from downloading anything but npm packages), then, for each entry, times loading
it in a fresh `node` process:

    const start = process.hrtime.bigint();
    require(specifier);                       // or: await import(specifier)
    elapsed = process.hrtime.bigint() - start;

An entry is loaded with `require()` (the common case: CommonJS handlers, and TypeScript
compiled to CommonJS) unless the file `require()` resolves it to is an ES module or there
is none (`uuid` 12+, `jose` 6, `@middy/core` 5 ship only ES modules); those are loaded
with `await import()`, as an ES module handler loads them. Measuring goes in rounds, each
loading every entry once: one warm-up round (it fills the OS file cache, so that every
measured run reads files the same way), then `--runs` rounds (default 9), of which each
entry keeps the median. Rounds, rather than all runs
of one entry in a row, make a spell of load from other processes slow one run of many
entries instead of every run of a few. From that median the script subtracts the cost
of loading an empty module the same way (`require('./empty.cjs')`, or
`import('./empty.mjs')`, which includes starting the ESM loader, a cost every ESM handler
pays whatever it imports), so that a one-file package reads as about 0 ms. The start of
`node` itself is outside the timed span; its wall time (spawn to exit of an empty
script) is recorded as `baseline.node_start_ms`.

A separate, untimed run per entry records which files the load reads (`require.cache`
plus a `module.register` load hook for ES modules). From it come `includes` (the other
entries of the table that loading this one loads on the way, so that a budget counts
them once: `@aws-sdk/lib-dynamodb` runs `@aws-sdk/client-dynamodb`, and every v3 client
reads all of `@aws-sdk/core`, the ~30 ms that two clients in one handler share; see
`includes()`), `loads` (every other npm package it reads, such as the `@smithy/*`
packages) and `files`.

`@prisma/client` only works after `prisma generate`: the script installs the `prisma`
CLI too and generates a client for a one-model schema. The CLI insists on downloading a
schema engine from binaries.prisma.sh first, which `generate` itself does not use;
pointing `PRISMA_SCHEMA_ENGINE_BINARY` at a do-nothing program skips that download.

Run it from the repository root (it takes about five minutes; it installs about 1.2 GB
into the temporary folder, googleapis and the prisma CLI being 200 MB each, and deletes
it afterwards):

    python scripts/measure_node_import_costs.py              # all entries
    python scripts/measure_node_import_costs.py --runs 15    # steadier medians
    python scripts/measure_node_import_costs.py --folder /tmp/node-costs  # keep, reuse

It writes `slint/data/node_import_costs.json`: `packages` maps each specifier (as a
handler writes it in `require()`/`import`) to its cost, and `skipped` lists entries that
failed to install or load, with the reason. Node's built-in modules are not packages
and are listed apart, under `builtins`, with their measured `require('node:X')` time (no
empty-module subtraction: they have no file to resolve or read). Most are free, being in
node's start-up snapshot (`fs`, `path`, `events`); a few are compiled on first use and
cost a few milliseconds (`https`, `tls`, `crypto`), well under any threshold. A package
that loads one has that cost inside its own number.

The numbers depend on the machine (CPU, disk, file cache), the Node version and the
package versions: the file records all three. They are meant to rank packages and to
tell a 300 ms load from a 3 ms one, not to predict a cold start to the millisecond:
Lambda's CPU share grows with the memory setting, so a 128 MB function loads several
times slower than this table says; a bundled and minified handler (esbuild, as SAM,
CDK `NodejsFunction` and serverless-esbuild build it) skips the module resolution and
most file reads measured here and loads faster; a cold sandbox may read its files from
a slower disk than a warm file cache; Node 22's on-disk compile cache
(`NODE_COMPILE_CACHE`) is not used. Relative sizes survive all of these, which is what
the rules need.

The committed table: 2026-12-03, a 2-vCPU Intel Xeon virtual machine (Linux 6.18,
Firecracker), Node 20.20.2, npm 11.19.1, 15 rounds, with other jobs sharing the machine.
Four full runs that day differed by up to 35% on entries that read hundreds of files
(`aws-sdk` 84 to 115 ms, `date-fns`, `graphql`) and by up to 20% on the v3 clients,
which read about 25 files each: treat a difference under ~1.5x as a tie.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "slint" / "data" / "node_import_costs.json"

# specifier (what a handler passes to require()/import) -> the npm package it comes from.
# Subpath specifiers are deep imports that handlers use to load less than the whole
# package (`aws-sdk/clients/dynamodb` is SDK v2's own advice against `aws-sdk`), or
# that load much more than the package's root (`@aws-lambda-powertools/parser/schemas`).
TABLE: dict[str, str] = {
    # AWS SDK v2: the whole SDK, and single clients by deep import
    "aws-sdk": "aws-sdk",
    "aws-sdk/clients/dynamodb": "aws-sdk",
    "aws-sdk/clients/s3": "aws-sdk",
    # AWS SDK v3: one package per client. Every client loads `@aws-sdk/core` (with the
    # `@smithy/*` runtime), most of a client's cost: measured on its own, it is the part
    # that two clients in one handler share (their `includes` name it), not pay twice.
    "@aws-sdk/core": "@aws-sdk/core",
    "@aws-sdk/client-dynamodb": "@aws-sdk/client-dynamodb",
    "@aws-sdk/lib-dynamodb": "@aws-sdk/lib-dynamodb",
    "@aws-sdk/util-dynamodb": "@aws-sdk/util-dynamodb",
    "@aws-sdk/client-s3": "@aws-sdk/client-s3",
    "@aws-sdk/s3-request-presigner": "@aws-sdk/s3-request-presigner",
    "@aws-sdk/client-sqs": "@aws-sdk/client-sqs",
    "@aws-sdk/client-sns": "@aws-sdk/client-sns",
    "@aws-sdk/client-lambda": "@aws-sdk/client-lambda",
    "@aws-sdk/client-secrets-manager": "@aws-sdk/client-secrets-manager",
    "@aws-sdk/client-ssm": "@aws-sdk/client-ssm",
    "@aws-sdk/client-eventbridge": "@aws-sdk/client-eventbridge",
    "@aws-sdk/client-sfn": "@aws-sdk/client-sfn",
    "@aws-sdk/client-ses": "@aws-sdk/client-ses",
    "@aws-sdk/client-cloudwatch": "@aws-sdk/client-cloudwatch",
    "@aws-sdk/client-bedrock-runtime": "@aws-sdk/client-bedrock-runtime",
    "@aws-sdk/client-kinesis": "@aws-sdk/client-kinesis",
    "@aws-sdk/client-sts": "@aws-sdk/client-sts",
    "@aws-sdk/client-cognito-identity-provider": "@aws-sdk/client-cognito-identity-provider",
    # Powertools for AWS Lambda (TypeScript), X-Ray, metrics, middleware; `commons` is the
    # part the utilities share
    "@aws-lambda-powertools/commons": "@aws-lambda-powertools/commons",
    "@aws-lambda-powertools/logger": "@aws-lambda-powertools/logger",
    "@aws-lambda-powertools/metrics": "@aws-lambda-powertools/metrics",
    "@aws-lambda-powertools/tracer": "@aws-lambda-powertools/tracer",
    "@aws-lambda-powertools/idempotency": "@aws-lambda-powertools/idempotency",
    "@aws-lambda-powertools/idempotency/dynamodb": "@aws-lambda-powertools/idempotency",
    "@aws-lambda-powertools/batch": "@aws-lambda-powertools/batch",
    "@aws-lambda-powertools/parser": "@aws-lambda-powertools/parser",
    "@aws-lambda-powertools/parser/schemas": "@aws-lambda-powertools/parser",
    "aws-xray-sdk-core": "aws-xray-sdk-core",
    "aws-embedded-metrics": "aws-embedded-metrics",
    "@middy/core": "@middy/core",
    # web frameworks and their Lambda adapters, HTTP clients, GraphQL
    "express": "express",
    "serverless-http": "serverless-http",
    "@vendia/serverless-express": "@vendia/serverless-express",
    "axios": "axios",
    "graphql": "graphql",
    "@apollo/server": "@apollo/server",
    # third-party APIs
    "stripe": "stripe",
    "openai": "openai",
    "@anthropic-ai/sdk": "@anthropic-ai/sdk",
    "firebase-admin": "firebase-admin",
    "firebase-admin/app": "firebase-admin",
    "firebase-admin/firestore": "firebase-admin",
    "googleapis": "googleapis",
    "@google-cloud/storage": "@google-cloud/storage",
    # databases and caches
    "pg": "pg",
    "mysql2": "mysql2",
    "mongodb": "mongodb",
    "mongoose": "mongoose",
    "@prisma/client": "@prisma/client",
    "knex": "knex",
    "sequelize": "sequelize",
    "typeorm": "typeorm",
    "ioredis": "ioredis",
    "redis": "redis",
    # validation
    "zod": "zod",
    "ajv": "ajv",
    "joi": "joi",
    "yup": "yup",
    # dates, utilities
    "moment": "moment",
    "date-fns": "date-fns",
    "dayjs": "dayjs",
    "luxon": "luxon",
    "lodash": "lodash",
    "lodash/get": "lodash",
    "uuid": "uuid",
    "ms": "ms",
    # logging, observability
    "pino": "pino",
    "winston": "winston",
    "@sentry/aws-serverless": "@sentry/aws-serverless",
    "dd-trace": "dd-trace",
    "source-map-support": "source-map-support",
    # security
    "jsonwebtoken": "jsonwebtoken",
    "jose": "jose",
    "bcrypt": "bcrypt",
    "bcryptjs": "bcryptjs",
    # documents, images, browsers
    "sharp": "sharp",
    "jsdom": "jsdom",
    "puppeteer-core": "puppeteer-core",
    "@sparticuz/chromium": "@sparticuz/chromium",
}

# Installed alongside, never measured: the CLI that generates `@prisma/client`.
TOOLS = ["prisma"]

PRISMA_SCHEMA = """\
generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  name  String?
}
"""

# Times one load. The clock starts after node has started and read this file, so only
# the load itself (resolution, file reads, compilation, evaluation) is inside it.
MEASURE_CJS = """\
'use strict';
const [mode, specifier] = process.argv.slice(2);
function report(start) {
  const elapsed = process.hrtime.bigint() - start;
  // exit at once: some packages leave timers or sockets that would keep node running
  process.stdout.write(`${elapsed}\\n`, () => process.exit(0));
}
const start = process.hrtime.bigint();
if (mode === 'require') {
  require(specifier);
  report(start);
} else {
  import(specifier).then(
    () => report(start),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}
"""

# Records every file a load reads: CommonJS modules from require.cache, ES modules (and
# CommonJS ones that an ES module imports) from a load hook. Untimed.
SURVEY_MJS = """\
import { createRequire, register } from 'node:module';
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const [command, ...rest] = process.argv.slice(2);

function real(path) {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

// The nearest package.json's "type" decides what a .js file is.
function isEsmFile(file) {
  if (file.endsWith('.mjs')) return true;
  if (!file.endsWith('.js')) return false; // .cjs, .json, .node
  let directory = dirname(file);
  for (;;) {
    try {
      return JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')).type === 'module';
    } catch (error) {
      if (error.code !== 'ENOENT') throw error;
    }
    const parent = dirname(directory);
    if (parent === directory) return false;
    directory = parent;
  }
}

if (command === 'format') {
  // how a handler loads the specifier: require() if it has a CommonJS entry point
  const [specifier] = rest;
  let file = null;
  try {
    file = require.resolve(specifier);
  } catch {
    import.meta.resolve(specifier); // throws when there is no import entry point either
  }
  process.stdout.write(file === null || isEsmFile(file) ? 'import' : 'require');
} else if (command === 'resolve') {
  // the files each specifier's entry point is, for require() and for import
  const out = {};
  for (const specifier of rest) {
    const files = new Set();
    try {
      files.add(real(require.resolve(specifier)));
    } catch {}
    try {
      const url = import.meta.resolve(specifier);
      if (url.startsWith('file:')) files.add(real(fileURLToPath(url)));
    } catch {}
    out[specifier] = [...files];
  }
  process.stdout.write(JSON.stringify(out), () => process.exit(0));
} else {
  const [log, specifier] = rest;
  register('./hooks.mjs', import.meta.url, { data: { log } });
  if (command === 'require') require(specifier);
  else await import(specifier);
  const files = new Set(Object.keys(require.cache).map(real));
  for (const line of readFileSync(log, 'utf8').split('\\n')) {
    if (line.startsWith('file:')) files.add(real(fileURLToPath(line)));
  }
  files.delete(real(fileURLToPath(import.meta.url)));
  process.stdout.write(JSON.stringify([...files]), () => process.exit(0));
}
"""

HOOKS_MJS = """\
import { appendFileSync } from 'node:fs';

let log;
export async function initialize(data) {
  log = data.log;
}
export async function load(url, context, nextLoad) {
  appendFileSync(log, url + '\\n');
  return nextLoad(url, context);
}
"""


def package_of(specifier: str) -> str:
    """The npm package a specifier names: `@scope/name` or `name`, without a subpath."""
    parts = specifier.split("/")
    return "/".join(parts[:2]) if specifier.startswith("@") else parts[0]


def locate(path: str) -> tuple[str, str] | None:
    """The npm package a loaded file belongs to (after the last `node_modules` in its
    path) and the file's path inside it; None for a file outside node_modules (the
    harness) or in generated code such as `.prisma/client`."""
    parts = Path(path).parts
    if "node_modules" not in parts:
        return None
    index = len(parts) - 1 - parts[::-1].index("node_modules")
    rest = parts[index + 1 :]
    size = 2 if rest and rest[0].startswith("@") else 1
    if len(rest) <= size or rest[0].startswith("."):
        return None
    return "/".join(rest[:size]), "/".join(rest[size:])


def package_of_file(path: str) -> str | None:
    located = locate(path)
    return located[0] if located else None


# Located file (package, path inside it) -> its size in bytes.
Files = dict[tuple[str, str], int]


def located_files(paths: Iterable[str]) -> Files:
    files: Files = {}
    for path in paths:
        located = locate(path)
        if located is not None:
            with contextlib.suppress(OSError):
                files[located] = Path(path).stat().st_size
    return files


def includes(reads: Files, entry: Files, other_reads: Files) -> bool:
    """Whether a load that reads `reads` includes another entry, whose entry point is
    `entry` and whose own load reads `other_reads`, so that a budget counts the other
    entry's cost once. Files are compared as (package, path inside it), so that any copy
    of a package counts (mongoose reads its own nested copy of mongodb, which a project
    with both usually shares). Included: the load runs the other's entry point, or reads
    almost all the code the other's load reads, by size (a v3 client reads all of
    `@aws-sdk/core` but its root `index.js`, a list of re-exports; whereas two v3
    clients share ~90% of their code, which does not make one include the other)."""
    if not entry.keys().isdisjoint(reads):
        return True
    total = sum(other_reads.values())
    shared = sum(size for file, size in other_reads.items() if file in reads)
    return total > 0 and shared >= 0.98 * total


def clean_environment() -> dict[str, str]:
    """The caller's environment without what would change how node loads modules."""
    environment = dict(os.environ)
    for name in ("NODE_OPTIONS", "NODE_COMPILE_CACHE", "NODE_PATH", "NODE_ENV"):
        environment.pop(name, None)
    return environment


def run(
    command: list[str], cwd: Path, environment: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command,
        cwd=cwd,
        env=environment or clean_environment(),
        check=False,
        text=True,
        capture_output=True,
    )


def last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else "failed"


def error_summary(text: str) -> str:
    """The line of node's error output that says what went wrong."""
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(("Error", "TypeError", "SyntaxError")) or "Error [" in stripped:
            return stripped
        if stripped.startswith("code:"):
            return stripped
    return last_line(text)


def npm_install(folder: Path, packages: list[str]) -> dict[str, str]:
    """Installs `packages` into `folder`: in one resolver run if it can (consistent
    versions), else one by one. Returns the packages that could not be installed, with
    npm's reason."""
    base = ["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"]
    done = run([*base, *packages], folder)
    if done.returncode == 0:
        return {}
    print("installing all at once failed; installing one by one", file=sys.stderr)
    print(done.stderr[-2000:], file=sys.stderr)
    failed: dict[str, str] = {}
    for package in packages:
        done = run([*base, package], folder)
        if done.returncode != 0:
            failed[package] = f"npm install failed: {last_line(done.stderr)}"
            print(f"  could not install {package}", file=sys.stderr)
    return failed


def prisma_generate(folder: Path) -> str | None:
    """Generates `@prisma/client` for a one-model schema; the reason it could not, or
    None. See the module docstring for the engine variable."""
    schema = folder / "prisma" / "schema.prisma"
    schema.parent.mkdir(exist_ok=True)
    schema.write_text(PRISMA_SCHEMA)
    do_nothing = shutil.which("true")
    if do_nothing is None:
        return "no `true` program to stand in for the Prisma schema engine"
    environment = clean_environment()
    environment["PRISMA_SCHEMA_ENGINE_BINARY"] = do_nothing
    environment["PRISMA_HIDE_UPDATE_MESSAGE"] = "1"
    environment["CHECKPOINT_DISABLE"] = "1"  # no usage ping to Prisma
    prisma = folder / "node_modules" / ".bin" / "prisma"
    done = run([str(prisma), "generate", "--schema", str(schema)], folder, environment)
    if done.returncode != 0:
        return f"prisma generate failed: {last_line(done.stderr or done.stdout)}"
    return None


def load_time(folder: Path, mode: str, specifier: str) -> float:
    """One timed load in a fresh node process, in milliseconds."""
    done = run(["node", "measure.cjs", mode, specifier], folder)
    if done.returncode != 0:
        raise RuntimeError(error_summary(done.stderr))
    return int(done.stdout.strip().splitlines()[-1]) / 1e6


# A timed job: (mode, specifier) for `node measure.cjs mode specifier`, or ("start", "")
# for the wall time of a whole node process that runs an empty script.
Job = tuple[str, str]
NODE_START: Job = ("start", "")


def node_start_time(folder: Path) -> float:
    """Wall time of starting node on an empty script and exiting, in milliseconds."""
    start = time.perf_counter()
    done = run(["node", "empty.cjs"], folder)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(error_summary(done.stderr))
    return elapsed


def interleaved_medians(
    folder: Path, jobs: dict[str, Job], runs: int
) -> tuple[dict[str, float], dict[str, str]]:
    """The median time of each job over `runs` rounds, after one warm-up round that fills
    the OS file cache. A round runs every job once, so that a spell of load from other
    processes on the machine slows one run of many jobs rather than every run of a few.
    Returns the medians and, apart, the jobs that failed with the reason."""
    samples: dict[str, list[float]] = {key: [] for key in jobs}
    failed: dict[str, str] = {}
    for round_number in range(runs + 1):
        print(f"round {round_number}/{runs}", file=sys.stderr)
        for key, (mode, specifier) in jobs.items():
            if key in failed:
                continue
            try:
                if mode == NODE_START[0]:
                    elapsed = node_start_time(folder)
                else:
                    elapsed = load_time(folder, mode, specifier)
            except RuntimeError as error:
                failed[key] = str(error)
                continue
            if round_number > 0:
                samples[key].append(elapsed)
    medians = {key: statistics.median(values) for key, values in samples.items() if values}
    return medians, failed


def builtin_names(folder: Path) -> list[str]:
    """Node's public built-in modules (the `_`-prefixed names are internal aliases
    nobody imports)."""
    done = run(["node", "-p", "JSON.stringify(require('node:module').builtinModules)"], folder)
    names: list[str] = json.loads(done.stdout)
    return sorted(name for name in names if not name.startswith("_"))


def load_mode(folder: Path, specifier: str) -> str:
    """`require` when the file `require()` resolves the specifier to is CommonJS, else
    `import` (no CommonJS entry point, or the entry is an ES module, which Node 20.19+
    could require() too, but which an ES module handler is the one to load). A CommonJS
    package that itself requires an ES module dependency (jsdom) stays `require`."""
    done = run(["node", "survey.mjs", "format", specifier], folder)
    if done.returncode != 0:
        raise RuntimeError(error_summary(done.stderr))
    return done.stdout.strip()


def survey(folder: Path, mode: str, specifier: str) -> list[str]:
    """The files loading `specifier` reads."""
    log = folder / "loaded.log"
    log.write_text("")
    done = run(["node", "survey.mjs", mode, str(log), specifier], folder)
    if done.returncode != 0:
        raise RuntimeError(error_summary(done.stderr))
    files: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return files


def entry_files(folder: Path, specifiers: list[str]) -> dict[str, list[str]]:
    done = run(["node", "survey.mjs", "resolve", *specifiers], folder)
    if done.returncode != 0:
        raise RuntimeError(error_summary(done.stderr))
    result: dict[str, list[str]] = json.loads(done.stdout)
    return result


def installed_version(folder: Path, package: str) -> str | None:
    manifest = folder / "node_modules" / package / "package.json"
    try:
        version = json.loads(manifest.read_text()).get("version")
    except (OSError, ValueError):
        return None
    return str(version) if version else None


def tool_version(command: list[str], folder: Path) -> str:
    return run(command, folder).stdout.strip()


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def folder_megabytes(folder: Path) -> float:
    total = 0
    for root, _, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += (Path(root) / name).lstat().st_size
    return total / 1e6


def prepare(folder: Path) -> dict[str, str]:
    """Installs everything into `folder` and writes the harness; returns the specifiers
    that cannot be measured, with the reason."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "package.json").exists():
        (folder / "package.json").write_text(
            json.dumps({"name": "slint-node-import-costs", "private": True}, indent=2) + "\n"
        )
    (folder / "measure.cjs").write_text(MEASURE_CJS)
    (folder / "survey.mjs").write_text(SURVEY_MJS)
    (folder / "hooks.mjs").write_text(HOOKS_MJS)
    (folder / "empty.cjs").write_text("")
    (folder / "empty.mjs").write_text("")

    packages = sorted(set(TABLE.values()) | set(TOOLS))
    failed = npm_install(folder, packages)
    print(f"installed: {folder_megabytes(folder):,.0f} MB in {folder}", file=sys.stderr)
    skipped = {
        specifier: failed[package] for specifier, package in TABLE.items() if package in failed
    }
    if "@prisma/client" in TABLE and "@prisma/client" not in skipped:
        problem = prisma_generate(folder)
        if problem is not None:
            skipped["@prisma/client"] = problem
    return skipped


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--folder", type=Path, help="install into (or reuse) this folder")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--only",
        action="append",
        metavar="SPECIFIER",
        help="measure only these entries (to try the script; the table it writes is partial)",
    )
    options = parser.parse_args()
    if options.runs < 1:
        parser.error("--runs must be at least 1")
    unknown = sorted(set(options.only or ()) - set(TABLE))
    if unknown:
        parser.error(f"not in TABLE: {', '.join(unknown)}")

    cpus = os.cpu_count() or 1
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0
    if load > cpus / 2:
        print(f"warning: load average {load:.1f} on {cpus} CPUs: noisy numbers", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="slint-node-import-costs-") as temporary:
        folder: Path = (options.folder or Path(temporary) / "npm").resolve()
        skipped = prepare(folder)

        modes: dict[str, str] = {}
        for specifier in TABLE:
            if specifier in skipped or (options.only and specifier not in options.only):
                continue
            try:
                modes[specifier] = load_mode(folder, specifier)
            except RuntimeError as error:
                skipped[specifier] = f"loading failed: {error}"
        builtins = builtin_names(folder)

        jobs: dict[str, Job] = {
            "start": NODE_START,
            "empty require": ("require", "./empty.cjs"),
            "empty import": ("import", "./empty.mjs"),
        }
        jobs.update({f"node:{name}": ("require", f"node:{name}") for name in builtins})
        jobs.update({specifier: (mode, specifier) for specifier, mode in modes.items()})
        medians, failed = interleaved_medians(folder, jobs, options.runs)
        for key in ("start", "empty require", "empty import"):
            if key in failed:
                raise SystemExit(f"the baseline `{key}` failed: {failed[key]}")
        empty = {"require": medians["empty require"], "import": medians["empty import"]}
        print(
            f"node start {medians['start']:.1f} ms; empty require {empty['require']:.2f} ms, "
            f"empty import {empty['import']:.2f} ms",
            file=sys.stderr,
        )

        packages: dict[str, dict[str, object]] = {}
        loaded: dict[str, frozenset[str]] = {}
        for specifier, mode in modes.items():
            try:
                if specifier in failed:
                    raise RuntimeError(failed[specifier])
                loaded[specifier] = frozenset(survey(folder, mode, specifier))
            except RuntimeError as error:
                skipped[specifier] = f"loading failed: {error}"
                continue
            own = TABLE[specifier]
            loaded_packages = {package_of_file(file) for file in loaded[specifier]}
            packages[specifier] = {
                "ms": round(max(medians[specifier] - empty[mode], 0.0), 1),
                "includes": [],  # filled in below, once every entry's files are known
                "distribution": own,
                "version": installed_version(folder, own),
                "mode": mode,
                "files": len(loaded[specifier]),
                "loads": sorted(
                    name for name in loaded_packages if name is not None and name != own
                ),
            }
            print(f"{specifier:48} {packages[specifier]['ms']:9.1f} ms  ({mode})", file=sys.stderr)

        entries = {
            specifier: located_files(files)
            for specifier, files in entry_files(folder, list(packages)).items()
        }
        read = {specifier: located_files(files) for specifier, files in loaded.items()}
        for specifier, entry in packages.items():
            entry["includes"] = sorted(
                other
                for other in packages
                if other != specifier and includes(read[specifier], entries[other], read[other])
            )
        node_version = tool_version(["node", "--version"], folder).lstrip("v")
        npm_version = tool_version(["npm", "--version"], folder)

    document = {
        "generated_by": "scripts/measure_node_import_costs.py",
        "date": datetime.date.today().isoformat(),
        "node": node_version,
        "npm": npm_version,
        "machine": {
            "platform": platform.platform(),
            "cpu": cpu_name(),
            "cpus": cpus,
        },
        "method": (
            "process.hrtime.bigint() around require(specifier) (await import(specifier) when "
            "the entry point is an ES module) in a fresh node process, run from a folder "
            "where npm installed every package: one warm-up round, then the median of "
            f"{options.runs} rounds (a round loads every entry once), minus the median time "
            "of loading an empty module the same way (baseline.empty_require_ms / "
            "baseline.empty_import_ms); node's own start is outside the timed span"
        ),
        "runs": options.runs,
        "baseline": {
            "node_start_ms": round(medians["start"], 1),
            "empty_require_ms": round(empty["require"], 2),
            "empty_import_ms": round(empty["import"], 2),
        },
        "builtins_note": (
            "Node's built-in modules (fs, node:fs, ...) ship inside the node binary: "
            "require('node:X') time, median, without the empty-module subtraction. Most are "
            "in the start-up snapshot and cost ~0; none is heavy. Not packages: a package "
            "that loads one has the cost inside its own number"
        ),
        "builtins": {
            name: round(medians[f"node:{name}"], 2)
            for name in builtins
            if f"node:{name}" in medians
        },
        "skipped": dict(sorted(skipped.items())),
        "packages": dict(sorted(packages.items())),
    }
    options.out.write_text(json.dumps(document, indent=2) + "\n")
    for name in builtins:
        if f"node:{name}" in failed:
            print(f"built-in {name} not measured: {failed[f'node:{name}']}", file=sys.stderr)
    for specifier, reason in sorted(skipped.items()):
        print(f"skipped {specifier}: {reason}", file=sys.stderr)
    print(f"wrote {options.out} ({len(packages)} packages)", file=sys.stderr)


if __name__ == "__main__":
    main()
