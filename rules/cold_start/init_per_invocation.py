from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.analysis import PendingDiagnostic
from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location
from slint.facts import Call, FunctionFacts, ModuleFacts, Value
from slint.javascript.behaviour import string_value
from slint.javascript.module import Source
from slint.python.context import (
    FixBuilder,
    ModuleContext,
    Positions,
    dotted_name,
    import_bindings,
)

from .._support.statements import inner_statements
from .client_in_handler import constructed_kind

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule

# SDK operations that fetch configuration or secrets: method -> (service, what it
# fetches, keyword sets one of which a boto3 call of it carries). The keywords decide
# when the receiver's service is unknown (a client handed in, `self.ssm`).
_FETCHES: dict[str, tuple[frozenset[str], str, tuple[tuple[str, ...], ...]]] = {
    "get_parameter": (frozenset({"ssm"}), "an SSM parameter", (("Name",),)),
    "get_parameters": (frozenset({"ssm"}), "SSM parameters", (("Names",),)),
    "get_parameters_by_path": (frozenset({"ssm"}), "SSM parameters", (("Path",),)),
    "get_secret_value": (
        frozenset({"secretsmanager"}),
        "a Secrets Manager secret",
        (("SecretId",),),
    ),
    "batch_get_secret_value": (
        frozenset({"secretsmanager"}),
        "Secrets Manager secrets",
        (("SecretIdList",), ("Filters",)),
    ),
    "get_configuration": (
        frozenset({"appconfig"}),
        "an AppConfig configuration",
        (("Application", "Environment", "Configuration"),),
    ),
    "start_configuration_session": (
        frozenset({"appconfigdata"}),
        "an AppConfig configuration session",
        (("ApplicationIdentifier",),),
    ),
    "get_latest_configuration": (
        frozenset({"appconfigdata"}),
        "an AppConfig configuration",
        (("ConfigurationToken",),),
    ),
}

# Calls that read a file whose path is their first argument (besides `open`).
_FILE_LOADERS: dict[str, str] = {
    "open": "open",
    "io.open": "open",
    "codecs.open": "open",
    "builtins.open": "open",
    "joblib.load": "load",
    "numpy.load": "load",
    "numpy.loadtxt": "load",
    "torch.load": "load",
    "pandas.read_csv": "load",
    "pandas.read_json": "load",
    "pandas.read_parquet": "load",
    "pandas.read_pickle": "load",
    "pandas.read_excel": "load",
    "tensorflow.keras.models.load_model": "load",
    "keras.models.load_model": "load",
}
# `Path(...).read_text()`: methods of a path object that read the file.
_PATH_READS = frozenset({"read_text", "read_bytes", "open"})

# Calls that turn constant paths into constant paths.
_PATH_CALLS = frozenset(
    {
        "os.path.join",
        "os.path.dirname",
        "os.path.abspath",
        "os.path.realpath",
        "os.path.normpath",
        "os.fspath",
        "os.getcwd",
        "pathlib.Path",
        "pathlib.PurePath",
        "pathlib.PosixPath",
        "str",
    }
)
_PATH_METHODS = frozenset(
    {"joinpath", "resolve", "absolute", "with_suffix", "with_name", "expanduser", "format"}
)
# Where a file is not part of the deployment package: it may change between invocations.
_OUTSIDE_PACKAGE = ("/tmp", "/proc", "/sys", "/dev", "/mnt", "/efs", "/var/run")
_TASK_ROOT_VARIABLES = frozenset({"LAMBDA_TASK_ROOT"})

# Parameter names that hold per-request data; what is computed from them depends on
# the request, so fetching it is request handling, not configuration.
_REQUEST_PARAMS = frozenset(
    {"event", "evt", "record", "records", "message", "body", "payload", "request", "req"}
)
_CONTEXT_PARAMS = frozenset({"context", "ctx", "_context", "lambda_context", "_ctx", "_"})

# Operations that change a parameter or secret: a module that calls one treats it as
# state it manages (a secret rotation function, a parameter-backed store), and reads
# it fresh on purpose.
_WRITERS: dict[str, re.Pattern[str]] = {
    "ssm": re.compile(r"\.\s*(?:put_parameter|delete_parameters?|label_parameter_version)\s*\("),
    "secretsmanager": re.compile(
        r"\.\s*(?:put_secret_value|update_secret|update_secret_version_stage|rotate_secret)\s*\("
    ),
}
# Arguments that ask for one version of a secret or parameter (rotation steps).
_VERSION_KEYWORDS = frozenset({"VersionId", "VersionStage"})
_TEST_DECORATORS = frozenset({"pytest.fixture", "pytest.fixture()"})

_POWERTOOLS_PARAMETERS = "aws_lambda_powertools.utilities.parameters"
_MAX_AGE = 300
_LITERALS = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)


# -- JavaScript and TypeScript ----------------------------------------------------------

# Calls that read a whole file whose path is their first argument ("node:" and a default
# import's ".default" left out of the name).
_JS_FILE_READERS = frozenset(
    {
        "fs.readFileSync",
        "fs.readFile",
        "fs.promises.readFile",
        "fs/promises.readFile",
        *(
            f"fs-extra.{name}"
            for name in ("readFileSync", "readFile", "readJson", "readJsonSync", "readJSON")
        ),
    }
)
# Calls that turn constant paths into constant paths.
_JS_PATH_CALLS = frozenset(
    {
        *(f"path.{name}" for name in ("join", "resolve", "normalize", "dirname")),
        *(f"path.posix.{name}" for name in ("join", "resolve", "normalize", "dirname")),
        "url.fileURLToPath",
        "URL",
    }
)
# Names that hold the module's own place in the package.
_JS_PACKAGE_NAMES = frozenset({"__dirname", "__filename"})
_JS_PACKAGE_MEMBERS = frozenset(
    {"import.meta.url", "import.meta.dirname", "import.meta.filename", "process.cwd"}
)
# Operations that change a parameter or secret (see `_WRITERS`), as boto3 names them.
_JS_WRITERS = {
    "ssm": frozenset(
        {"put_parameter", "delete_parameter", "delete_parameters", "label_parameter_version"}
    ),
    "secretsmanager": frozenset(
        {"put_secret_value", "update_secret", "update_secret_version_stage", "rotate_secret"}
    ),
}
# Powertools for AWS Lambda (TypeScript): the cached function for each fetch.
_JS_POWERTOOLS = {
    "get_parameter": ("getParameter", "ssm"),
    "get_parameters": ("getParametersByName", "ssm"),
    "get_parameters_by_path": ("getParameters", "ssm"),
    "get_secret_value": ("getSecret", "secrets"),
    "get_configuration": ("getAppConfig", "appconfig"),
    "start_configuration_session": ("getAppConfig", "appconfig"),
    "get_latest_configuration": ("getAppConfig", "appconfig"),
}
# Expressions a fetched value goes through on its way to a name (`JSON.parse((await
# sm.send(...)).SecretString)`).
_JS_VALUE_PARENTS = frozenset(
    {
        "await_expression",
        "parenthesized_expression",
        "as_expression",
        "satisfies_expression",
        "non_null_expression",
        "member_expression",
        "subscript_expression",
        "call_expression",
        "arguments",
        "template_substitution",
        "template_string",
        "binary_expression",
        "ternary_expression",
        "object",
        "pair",
        "array",
    }
)
_JS_FUNCTION_NODES = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "arrow_function",
        "method_definition",
    }
)
_JS_DECLARATIONS = frozenset({"lexical_declaration", "variable_declaration"})
_JS_STATE_MUTATORS = frozenset({"set", "push", "add", "unshift"})
_JS_MAX_AGE_SECONDS = 300


@dataclass
class _Candidate:
    node: cst.Call
    message: str
    fix: Fix | FixBuilder
    # The local name the result is bound to, if any: stored into module state later in
    # the same function, the fetch is a cache fill.
    holder: str | None


class InitPerInvocation(CodeRule):
    """
    ## What it does
    Reports configuration and secrets fetched on every invocation: SSM
    `get_parameter` / `get_parameters` / `get_parameters_by_path`, Secrets Manager
    `get_secret_value` / `batch_get_secret_value`, AppConfig `get_configuration`
    and AppConfig Data `start_configuration_session` / `get_latest_configuration`,
    and a file of the deployment package read again on every invocation (`open`
    of a constant path such as `"config.json"` or `os.path.join(os.path.dirname(__file__),
    "x.json")`, `Path(__file__).parent / "x.json"` read with `read_text()`,
    `joblib.load("model.pkl")`, `pandas.read_csv("data.csv")`, ...), in the handler
    or in a function of the project that the handler reaches.

    The client is recognised through every import form and alias, a module-level or
    local `ssm = boto3.client("ssm")`, `boto3.Session().client(...)` and
    `self.ssm = ...`; a client whose service is unknown (a parameter) counts when the
    call has the operation's keywords (`Name=`, `SecretId=`, ...).

    Not reported: fetches at module scope; under a once-per-environment guard
    (`if CONFIG is None:`, `if name not in _cache:`, an early `return` of the cached
    value, `except KeyError:` on a cache read); in a function decorated with
    `functools.cache` / `lru_cache` / `cachetools`; when the result is stored into
    module-level state in the same function (`_cache[name] = ...`, `global CONFIG;
    CONFIG = ...`, directly or through a local): that is a cache whose check may
    take forms slint does not follow (a TTL timestamp, a `.get` elsewhere);
    Powertools `parameters.get_parameter` / `get_secret` / `get_app_config` and its
    providers, which cache for 5 seconds by default and for `max_age` seconds when
    given; fetches whose name depends on the request (computed from the `event`, a
    record, `app.current_event`): that is request data, not configuration; files
    opened for writing, and files outside the package (`/tmp`, `/mnt` (EFS),
    `/proc`, a path from an environment variable other than `LAMBDA_TASK_ROOT`);
    a read of one version of a secret (`VersionId=`, `VersionStage=`), and any
    fetch of a service whose values the module also writes (`put_parameter`,
    `put_secret_value`, `update_secret_version_stage`, ...): a secret rotation
    function or a parameter used as a store reads fresh values on purpose; pytest
    fixtures.

    A name passed to a helper as a parameter counts as configuration (the common
    `get_secret(os.environ["SECRET_ARN"])`); only the handler's event, records
    and values computed from them count as request data.

    In JavaScript and TypeScript handlers it reports the same operations through
    the AWS SDK v3 (`ssm.send(new GetParameterCommand({...}))`,
    `GetSecretValueCommand`, `GetParametersCommand`, `GetParametersByPathCommand`,
    AppConfig's `GetConfigurationCommand` and AppConfig Data's
    `StartConfigurationSessionCommand` / `GetLatestConfigurationCommand`) and SDK v2
    (`ssm.getParameter(params).promise()`), and a package file read on every
    invocation (`fs.readFileSync` / `readFile` / `fs.promises.readFile` /
    `fs-extra`'s `readJson` of a constant path: a literal, `path.join(__dirname,
    "config.json")`, `new URL("./config.json", import.meta.url)`,
    `${process.env.LAMBDA_TASK_ROOT}/...`). The same exceptions apply: module scope
    (top-level `await` included), the lazy pattern (`config ??= await ...`, `if
    (!config) { config = ... }`, an early `if (cached) return cached;`), a result
    stored into module-level state in the same function, a name from the event,
    one version of a secret, a service whose values the module writes. Powertools for
    TypeScript's `getParameter` / `getSecret` / `getAppConfig` cache by themselves, and
    a `require("./config.json")` is loaded once by Node.js: neither is reported.

    ## Why is this bad?
    A Lambda execution environment keeps module-level state between invocations.
    A parameter, a secret or a configuration file read in the handler costs a
    network round trip (or a file read and parse) on every invocation, adds
    latency, and, for SSM and Secrets Manager, counts against the API's request
    rate: under load the calls are throttled and the function fails. Configuration
    changes rarely; fetch it once per environment, or cache it for a bounded time.

    ## Example
    ```python
    import boto3

    ssm = boto3.client("ssm")


    def handler(event, context):
        url = ssm.get_parameter(Name="/app/url")["Parameter"]["Value"]
        return {"url": url}
    ```

    ## Use instead
    ```python
    from aws_lambda_powertools.utilities import parameters


    def handler(event, context):
        url = parameters.get_parameter("/app/url", max_age=300)
        return {"url": url}
    ```

    ## Fix
    A suggestion (display-only: it changes when the value is refreshed, and it
    needs the `aws-lambda-powertools` package). For `ssm.get_parameter(Name=x)
    ["Parameter"]["Value"]` it replaces the expression with Powertools
    `parameters.get_parameter(x, max_age=300)` (with `decrypt=True` when the call
    asks for decryption), and `secrets.get_secret_value(SecretId=x)["SecretString"]`
    with `parameters.get_secret(x, max_age=300)`, adding `from
    aws_lambda_powertools.utilities import parameters` after the imports. Other
    fetches get the code to use in the message: a module-level cache filled once,
    or the matching Powertools function (`get_parameters`,
    `get_parameters_by_name`, `get_app_config`) with `max_age`. A package file gets
    the advice to read it once at module scope.

    For JavaScript and TypeScript the suggestion is in the message: the Powertools
    for TypeScript function that caches the value (`getParameter(name, { maxAge: 300
    })` from `@aws-lambda-powertools/parameters/ssm`, `getSecret` from `.../secrets`,
    `getAppConfig` from `.../appconfig`), or a module-level variable filled once; a
    package file gets the advice to read it once at module scope.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/best-practices.html
    - https://docs.powertools.aws.dev/lambda/python/latest/utilities/parameters/
    - https://docs.powertools.aws.dev/lambda/typescript/latest/features/parameters/
    """

    code = "SL104"
    name = "init-per-invocation"
    severity = Severity.WARNING
    fix = FixKind.SUGGEST

    valid = (
        Valid(
            dedent(
                """\
                import boto3

                ssm = boto3.client('ssm')
                URL = ssm.get_parameter(Name='/app/url')['Parameter']['Value']


                def handler(event, context):
                    return {'url': URL}
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3

                ssm = boto3.client('ssm')
                _config = None


                def handler(event, context):
                    global _config
                    if _config is None:
                        _config = ssm.get_parameter(Name='/app/config')['Parameter']['Value']
                    return _config
                """
            ),
        ),
        Valid(
            dedent(
                """\
                from aws_lambda_powertools.utilities import parameters


                def handler(event, context):
                    return parameters.get_parameter('/app/url', max_age=300)
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import functools

                import boto3


                @functools.lru_cache(maxsize=None)
                def secret(name):
                    sm = boto3.client('secretsmanager')
                    return sm.get_secret_value(SecretId=name)['SecretString']


                def handler(event, context):
                    return secret('db')
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3

                ssm = boto3.client('ssm')


                def handler(event, context):
                    name = event['parameter']
                    return ssm.get_parameter(Name=name)['Parameter']['Value']
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import json


                def handler(event, context):
                    with open('/tmp/state.json') as f:
                        return json.load(f)
                """
            ),
        ),
        # JavaScript: fetched while the module loads (top-level `await`).
        Valid(
            dedent(
                """\
                import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";

                const ssm = new SSMClient({});
                const { Parameter } = await ssm.send(new GetParameterCommand({ Name: "/app/url" }));

                export const handler = async (event) => ({ url: Parameter.Value });
                """
            ),
            filename="handler.mjs",
        ),
        # TypeScript: the lazy pattern on module-level state.
        Valid(
            dedent(
                """\
                import {
                  GetSecretValueCommand,
                  SecretsManagerClient,
                } from "@aws-sdk/client-secrets-manager";

                const secrets = new SecretsManagerClient({});
                let apiKey: string | undefined;

                export const handler = async (event: unknown) => {
                  apiKey ??= (
                    await secrets.send(new GetSecretValueCommand({ SecretId: process.env.KEY_ARN }))
                  ).SecretString;
                  return { ok: Boolean(apiKey) };
                };
                """
            ),
            filename="handler.ts",
        ),
        # A cache with an expiry: the early return guards the fetch, which fills it.
        Valid(
            dedent(
                """\
                const { SSMClient, GetParameterCommand } = require("@aws-sdk/client-ssm");

                const ssm = new SSMClient({});
                let cached;
                let fetchedAt = 0;

                async function config() {
                  if (cached && Date.now() - fetchedAt < 60000) return cached;
                  const result = await ssm.send(new GetParameterCommand({ Name: "/app/config" }));
                  cached = JSON.parse(result.Parameter.Value);
                  fetchedAt = Date.now();
                  return cached;
                }

                exports.handler = async (event, context) => (await config()).greeting;
                """
            ),
            filename="handler.js",
        ),
        # Powertools for TypeScript caches parameters itself.
        Valid(
            dedent(
                """\
                import { getParameter } from "@aws-lambda-powertools/parameters/ssm";

                export const handler = async (event: unknown) => {
                  const url = await getParameter("/app/url", { maxAge: 300 });
                  return { url };
                };
                """
            ),
            filename="handler.ts",
        ),
        # The name comes from the request: request data, not configuration.
        Valid(
            dedent(
                """\
                import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";

                const ssm = new SSMClient({});

                export const handler = async (event) => {
                  const name = `/tenants/${event.pathParameters.tenant}/plan`;
                  return ssm.send(new GetParameterCommand({ Name: name }));
                };
                """
            ),
            filename="handler.mjs",
        ),
        # A package file read once at module scope.
        Valid(
            dedent(
                """\
                const fs = require("fs");
                const path = require("path");

                const template = fs.readFileSync(path.join(__dirname, "template.html"), "utf8");

                exports.handler = async (event) => template.replace("{name}", event.name);
                """
            ),
            filename="handler.js",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                import boto3

                ssm = boto3.client('ssm')


                def handler(event, context):
                    url = ssm.get_parameter(Name='/app/url')['Parameter']['Value']
                    return {'url': url}
                """
            ),
            line=7,
            column=11,
            message="SSM parameter",
        ),
        Invalid(
            dedent(
                """\
                import json
                import os

                import boto3


                def handler(event, context):
                    client = boto3.client('secretsmanager')
                    secret = client.get_secret_value(SecretId=os.environ['SECRET_ARN'])
                    return json.loads(secret['SecretString'])['user']
                """
            ),
            line=9,
            column=14,
            message="Secrets Manager secret",
        ),
        Invalid(
            dedent(
                """\
                import json


                def load_config():
                    with open('config.json') as f:
                        return json.load(f)


                def handler(event, context):
                    return load_config()['greeting']
                """
            ),
            line=5,
            column=10,
            message="package file",
        ),
        Invalid(
            dedent(
                """\
                from pathlib import Path

                TEMPLATE = Path(__file__).parent / 'template.html'


                def handler(event, context):
                    return TEMPLATE.read_text().format(name=event['name'])
                """
            ),
            line=7,
            column=12,
        ),
        Invalid(
            dedent(
                """\
                import boto3

                appconfig = boto3.client('appconfigdata')


                def handler(event, context):
                    token = appconfig.start_configuration_session(
                        ApplicationIdentifier='app',
                        EnvironmentIdentifier='prod',
                        ConfigurationProfileIdentifier='flags',
                    )['InitialConfigurationToken']
                    return appconfig.get_latest_configuration(ConfigurationToken=token)
                """
            ),
            line=7,
            column=13,
            message="AppConfig",
        ),
        Invalid(
            dedent(
                """\
                import { SSMClient, GetParameterCommand } from "@aws-sdk/client-ssm";

                const ssm = new SSMClient({});

                export const handler = async (event) => {
                  const result = await ssm.send(new GetParameterCommand({ Name: "/app/url" }));
                  return { url: result.Parameter.Value };
                };
                """
            ),
            filename="handler.mjs",
            line=6,
            column=24,
            message="`ssm.send(new GetParameterCommand(...))` fetches an SSM parameter",
        ),
        # A helper the handler calls on every invocation.
        Invalid(
            dedent(
                """\
                import {
                  GetSecretValueCommand,
                  SecretsManagerClient,
                } from "@aws-sdk/client-secrets-manager";

                const secrets = new SecretsManagerClient({});

                async function apiKey(): Promise<string> {
                  const { SecretString } = await secrets.send(
                    new GetSecretValueCommand({ SecretId: process.env.API_KEY_ARN }),
                  );
                  return SecretString ?? "";
                }

                export const handler = async (event: unknown) => ({ key: (await apiKey()).length });
                """
            ),
            filename="handler.ts",
            line=9,
            column=34,
            message="runs on every invocation of handler `handler`",
        ),
        # SDK v2.
        Invalid(
            dedent(
                """\
                const AWS = require("aws-sdk");

                const ssm = new AWS.SSM();

                exports.handler = async (event, context) => {
                  const flags = await ssm.getParameter({ Name: "/app/flags" }).promise();
                  return JSON.parse(flags.Parameter.Value);
                };
                """
            ),
            filename="handler.js",
            line=6,
            column=23,
            message="`ssm.getParameter(...)` fetches an SSM parameter",
        ),
        Invalid(
            dedent(
                """\
                import { readFileSync } from "node:fs";
                import { join } from "node:path";

                export const handler = async (event) => {
                  const rates = JSON.parse(readFileSync(join(import.meta.dirname, "rates.json")));
                  return rates[event.currency];
                };
                """
            ),
            filename="handler.mjs",
            line=5,
            column=28,
            message="reads the package file",
        ),
    )

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        # Module-level names bound to an SDK client: name -> service ("" when unknown).
        self._module_clients: dict[str, str] = {}
        # Module-level names bound once to an expression (for constant paths).
        self._module_values: dict[str, cst.BaseExpression] = {}
        # Per function key: local name -> the expressions assigned to it, in order.
        self._locals: dict[str, dict[str, list[cst.BaseExpression]]] = {}
        # Per function key: local name -> service of the client it holds.
        self._local_clients: dict[str, dict[str, str]] = {}
        # Per class key: `self.attr` -> service of the client assigned to it.
        self._attribute_clients: dict[str, dict[str, str]] = {}
        # Per function key: the local names whose value the function stores in
        # module-level state (a cache fill).
        self._stored: dict[str, set[str]] = {}
        self._candidates: dict[str, list[_Candidate]] = {}
        self._parameters_name: str | None = None  # how the module names Powertools parameters
        self._parameters_taken = False  # `parameters` is bound to something else
        self._last_import: cst.CSTNode | None = None
        self._managed_services: frozenset[str] = frozenset()

    # -- JavaScript and TypeScript ---------------------------------------------------
    def check_javascript(
        self, module: JavaScriptModule
    ) -> Iterable[Diagnostic | PendingDiagnostic]:
        """SSM, Secrets Manager and AppConfig fetches through the SDK (v3 commands, v2
        methods) and reads of a package file, in functions and outside a
        once-per-environment guard: each pending on its function, which the engine keeps
        when a handler runs it on every invocation. The exceptions of the Python reading
        apply: a name from the request, one version of a secret, a service whose values
        the module writes, a result stored into module-level state (a cache fill)."""
        reader = _JsReader(module)
        for key, function in module.facts.functions.items():
            for call in function.behaviour.calls:
                if call.once:
                    continue
                found = reader.fetch(call, function) or reader.file_read(call, function)
                if found is None:
                    continue
                message, advice = found
                if reader.stored(call):
                    continue
                diagnostic = self.make_diagnostic(
                    module.path,
                    call.span.start,
                    call.span.end,
                    message,
                    fix=Fix(Applicability.DISPLAY_ONLY, advice),
                )
                yield PendingDiagnostic(key, diagnostic)

    # -- module-level facts, read once ---------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        counts: dict[str, int] = {}
        for statement in _module_small_statements(node.body):
            if isinstance(statement, (cst.Import, cst.ImportFrom)):
                for alias_name, qualified in import_bindings(statement):
                    if qualified == _POWERTOOLS_PARAMETERS:
                        self._parameters_name = alias_name
                    elif alias_name == "parameters":
                        self._parameters_taken = True
                continue
            if isinstance(statement, cst.Assign):
                targets = [t.target for t in statement.targets]
                value: cst.BaseExpression | None = statement.value
            elif isinstance(statement, cst.AnnAssign):
                targets, value = [statement.target], statement.value
            else:
                continue
            for target in targets:
                if isinstance(target, cst.Name) and value is not None:
                    counts[target.value] = counts.get(target.value, 0) + 1
                    self._module_values[target.value] = value
                    service = self._client_service(value, module_level=True)
                    if service is not None:
                        self._module_clients[target.value] = service
        for name, count in counts.items():
            if count > 1:  # bound twice: which value a function sees is unclear
                self._module_values.pop(name, None)
        for top in node.body:
            if _is_import_line(top):
                self._last_import = top
        self._managed_services = frozenset(
            service for service, writer in _WRITERS.items() if writer.search(self.ctx.source)
        )
        if "parameters" in self.ctx.module_final and self._parameters_name != "parameters":
            self._parameters_taken = True

    # -- what functions bind --------------------------------------------------------
    def leave_Assign(self, original_node: cst.Assign) -> None:
        key = self.ctx.function_key
        value = original_node.value
        if key is None:
            if self.ctx.scope.kind == "module":
                # Now the imports and earlier assignments are known: `s =
                # boto3.Session()` then `ssm = s.client("ssm")`.
                service = self._client_service(value, module_level=False)
                for target in original_node.targets:
                    if isinstance(target.target, cst.Name) and service is not None:
                        self._module_clients[target.target.value] = service
            return
        for target in original_node.targets:
            self._bound(key, target.target, value)

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        key = self.ctx.function_key
        if key is not None and original_node.value is not None:
            self._bound(key, original_node.target, original_node.value)

    def leave_WithItem(self, original_node: cst.WithItem) -> None:
        key = self.ctx.function_key
        if key is not None and original_node.asname is not None:
            self._bound(key, original_node.asname.name, original_node.item)

    def visit_For(self, node: cst.For) -> None:
        key = self.ctx.function_key
        if key is not None:
            self._bound(key, node.target, node.iter)

    def _bound(self, key: str, target: cst.BaseExpression, value: cst.BaseExpression) -> None:
        ctx = self.ctx
        if isinstance(target, cst.Name):
            name = target.value
            if name in ctx.scope.global_names:
                self._note_stored(key, value)
                return
            self._locals.setdefault(key, {}).setdefault(name, []).append(value)
            service = self._client_service(value, module_level=False)
            if service is not None:
                self._local_clients.setdefault(key, {})[name] = service
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bound(key, element.value, value)
        elif isinstance(target, cst.Attribute):
            written = dotted_name(target)
            root = _root(target)
            if written is not None and written.startswith("self."):
                service = self._client_service(value, module_level=False)
                cls = self._class_key()
                if service is not None and cls is not None:
                    self._attribute_clients.setdefault(cls, {})[written] = service
            elif root is not None and self._is_module_state(root):
                self._note_stored(key, value)
        elif isinstance(target, cst.Subscript):
            root = _root(target)
            if root is not None and self._is_module_state(root):
                self._note_stored(key, value)

    def _note_stored(self, key: str, value: cst.BaseExpression) -> None:
        """`CACHE[k] = value` / `global X; X = f(local)`: the locals it uses are kept."""
        stored = self._stored.setdefault(key, set())
        for node in _walk(value):
            if isinstance(node, cst.Name):
                stored.add(node.value)

    def _is_module_state(self, name: str) -> bool:
        ctx = self.ctx
        return ctx.is_module_level_name(name) and not ctx.is_import_bound(name)

    def _in_test_fixture(self) -> bool:
        """Inside a pytest fixture: pytest calls it, not Lambda."""
        ctx = self.ctx
        for parent in ctx.parents:
            if isinstance(parent, cst.FunctionDef):
                for decorator in parent.decorators:
                    if ctx.qualified_name(decorator.decorator) in _TEST_DECORATORS:
                        return True
        return False

    def _class_key(self) -> str | None:
        for scope in reversed(self.ctx.scopes):
            if scope.kind == "class":
                return scope.key
        return None

    # -- fetches ----------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        ctx = self.ctx
        key = ctx.function_key
        if key is None or ctx.in_once_guard or self._in_test_fixture():
            return
        func = node.func
        candidate: _Candidate | None = None
        if isinstance(func, cst.Attribute) and func.attr.value in _FETCHES:
            candidate = self._sdk_fetch(node, func)
        else:
            candidate = self._file_read(node)
        if candidate is not None:
            self._candidates.setdefault(key, []).append(candidate)

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        """The end of a function body: report its fetches that no cache fill follows
        (the scope is still the function's here)."""
        parent = self.ctx.parent
        if not isinstance(parent, cst.FunctionDef) or parent.body is not original_node:
            return
        key = self.ctx.function_key
        if key is None:
            return
        candidates = self._candidates.pop(key, [])
        stored = self._stored.get(key, set())
        for candidate in candidates:
            if candidate.holder is not None and candidate.holder in stored:
                continue
            self.ctx.report(
                self, candidate.node, candidate.message, fix=candidate.fix, per_invocation=True
            )

    def _sdk_fetch(self, node: cst.Call, func: cst.Attribute) -> _Candidate | None:
        method = func.attr.value
        services, what, keyword_sets = _FETCHES[method]
        service = self._receiver_service(func.value)
        if service is None:
            return None  # not an SDK client (Powertools, a project class, ...)
        if services & self._managed_services:
            return None
        if any(
            arg.keyword is not None and arg.keyword.value in _VERSION_KEYWORDS for arg in node.args
        ):
            return None
        if service:
            if service not in services:
                return None
        else:
            keywords = {arg.keyword.value for arg in node.args if arg.keyword is not None}
            if any(arg.keyword is None for arg in node.args) or not any(
                set(needed) <= keywords for needed in keyword_sets
            ):
                return None
        if any(self._from_request(arg.value) for arg in node.args):
            return None
        value, holder, stored = self._result_holder(node)
        if stored:
            return None
        written = _short(self.ctx.module.code_for_node(func))
        message = (
            f"`{written}(...)` fetches {what} on every invocation: fetch it once per "
            "execution environment (a module-level cache, or Powertools parameters with "
            "`max_age`) so warm invocations reuse it"
        )
        fix = self._sdk_fix(node, method, value)
        return _Candidate(node, message, fix, holder)

    def _receiver_service(self, receiver: cst.BaseExpression) -> str | None:
        """The service of the SDK client `receiver` is ("" when unknown but plausibly
        one); None when it is known not to be an SDK client."""
        ctx = self.ctx
        if isinstance(receiver, cst.Call):
            return self._client_service(receiver, module_level=False)
        if isinstance(receiver, cst.Name):
            name = receiver.value
            found = self._local(name)
            if found is not None:
                local = self._local_clients.get(found[0], {}).get(name)
                if local is not None:
                    return local
                return "" if found[1] is None else None  # a parameter: perhaps a client
            if ctx.is_module_level_name(name):
                if name in self._module_clients:
                    return self._module_clients[name]
                # `from clients import ssm` may be a client; `parameters` is Powertools.
                qualified = ctx.qualified_name(receiver) or ""
                return None if qualified.startswith("aws_lambda_powertools") else ""
            return ""  # a parameter or a name bound by nothing visible
        if isinstance(receiver, cst.Attribute):
            written = dotted_name(receiver)
            if written is not None and written.startswith("self."):
                cls = self._class_key()
                if cls is not None and written in self._attribute_clients.get(cls, {}):
                    return self._attribute_clients[cls][written]
            qualified = ctx.qualified_name(receiver) or ""
            if qualified.startswith("aws_lambda_powertools"):
                return None
            return ""
        return None

    def _client_service(self, value: cst.BaseExpression, *, module_level: bool) -> str | None:
        """The service of the client `value` builds ("" if not a literal); None when it
        builds no SDK client."""
        if not isinstance(value, cst.Call):
            return None
        if module_level:
            qualified = _module_qualified(self.ctx.module_final, value.func)
        else:
            qualified = self.ctx.qualified_name(value.func)
        kind = constructed_kind(qualified)
        if kind is None or not kind.endswith(("client", "resource")):
            return None
        service: cst.BaseExpression | None = None
        for arg in value.args:
            if arg.keyword is None:
                service = arg.value
                break
            if arg.keyword.value == "service_name":
                service = arg.value
                break
        if isinstance(service, cst.SimpleString):
            literal = service.evaluated_value
            return literal if isinstance(literal, str) else ""
        return ""

    # -- files -------------------------------------------------------------------------
    def _file_read(self, node: cst.Call) -> _Candidate | None:
        ctx = self.ctx
        func = node.func
        path: cst.BaseExpression | None = None
        if isinstance(func, cst.Attribute) and func.attr.value in _PATH_READS:
            if func.attr.value == "open" and not _reads(node.args, 0):
                return None
            if not _is_path_object(func.value, ctx):
                return None
            path = func.value
        else:
            qualified = ctx.qualified_name(func)
            kind = _FILE_LOADERS.get(qualified or "")
            if kind is None or not node.args or node.args[0].keyword is not None:
                return None
            if qualified == "open" and (
                ctx.binding_scope("open") is not None or "open" in ctx.module_names
            ):
                return None  # a project's own `open`
            if kind == "open" and not _reads(node.args, 1):
                return None
            path = node.args[0].value
        if not self._package_path(path, set(), 0):
            return None
        value, holder, stored = self._result_holder(node)
        if stored:
            return None
        shown = _short(ctx.module.code_for_node(path))
        message = (
            f"`{_short(ctx.module.code_for_node(node))}` reads the package file {shown} on "
            "every invocation: it is the same on every invocation, so read it once at "
            "module scope and reuse the result"
        )
        outer = _short(ctx.module.code_for_node(value))
        parent = ctx.parent
        if isinstance(parent, cst.WithItem) and parent.item is node and parent.asname is not None:
            alias = _short(ctx.module.code_for_node(parent.asname.name))
            advice = (
                f"Read it once at module scope: move `with {outer} as {alias}:` and the "
                "parsing in it there, keep the result in a module-level variable (e.g. "
                "`_DATA`) and use `_DATA` in the function (copy it first if the function "
                "changes it)"
            )
        else:
            advice = (
                f"Read it once at module scope: `_DATA = {outer}` after the imports, and "
                "use `_DATA` in the function (copy it first if the function changes it)"
            )
        fix = Fix(Applicability.DISPLAY_ONLY, advice)
        return _Candidate(node, message, fix, holder)

    def _package_path(self, node: cst.BaseExpression, seen: set[str], depth: int) -> bool:
        """Does `node` always name the same file of the deployment package?"""
        if depth > 12:
            return False
        ctx = self.ctx
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
            literal = node.evaluated_value
            if isinstance(literal, bytes):
                literal = literal.decode("utf-8", "replace")
            return (
                isinstance(literal, str)
                and bool(literal.strip())
                and not literal.startswith(_OUTSIDE_PACKAGE)
                and not literal.startswith("~")
            )
        if isinstance(node, cst.FormattedString):
            parts = [p for p in node.parts if isinstance(p, cst.FormattedStringExpression)]
            text = "".join(p.value for p in node.parts if isinstance(p, cst.FormattedStringText))
            if not parts and text.startswith(_OUTSIDE_PACKAGE):
                return False
            return bool(text) and all(
                self._package_path(p.expression, seen, depth + 1) for p in parts
            )
        if isinstance(node, cst.Name):
            name = node.value
            if name == "__file__":
                return True
            if name in seen:
                return False
            seen.add(name)
            found = self._local(name)
            if found is not None:
                values = found[1]
                return bool(values) and all(
                    self._package_path(v, seen, depth + 1) for v in values or ()
                )
            if ctx.is_module_level_name(name) and not ctx.is_import_bound(name):
                value = self._module_values.get(name)
                return value is not None and self._package_path(value, seen, depth + 1)
            return False
        if isinstance(node, cst.BinaryOperation):
            if not isinstance(node.operator, (cst.Divide, cst.Add)):
                return False
            return self._package_path(node.left, seen, depth + 1) and self._package_path(
                node.right, seen, depth + 1
            )
        if isinstance(node, cst.Attribute):
            if node.attr.value == "parent":
                return self._package_path(node.value, seen, depth + 1)
            return False
        if isinstance(node, cst.Subscript):
            written = ctx.qualified_name(node.value)
            if written in ("os.environ",):
                return _env_name(node.slice[0].slice) in _TASK_ROOT_VARIABLES
            # `Path(__file__).parents[1]`
            if isinstance(node.value, cst.Attribute) and node.value.attr.value == "parents":
                return self._package_path(node.value.value, seen, depth + 1)
            return False
        if isinstance(node, cst.Call):
            qualified = ctx.qualified_name(node.func)
            if qualified in ("os.environ.get", "os.getenv"):
                return bool(node.args) and _env_name(node.args[0]) in _TASK_ROOT_VARIABLES
            if qualified in _PATH_CALLS:
                args = [a.value for a in node.args if a.keyword is None]
                return all(self._package_path(a, seen, depth + 1) for a in args) and (
                    bool(args) or qualified == "os.getcwd"
                )
            func = node.func
            if isinstance(func, cst.Attribute) and func.attr.value in _PATH_METHODS:
                return self._package_path(func.value, seen, depth + 1) and all(
                    self._package_path(a.value, seen, depth + 1) or isinstance(a.value, _LITERALS)
                    for a in node.args
                )
        return False

    # -- where the result goes, and whether it depends on the request -------------------
    def _result_holder(self, call: cst.Call) -> tuple[cst.BaseExpression, str | None, bool]:
        """The outermost expression built from `call`'s result (`json.loads(x(...)[k])`),
        the local name it is bound to (or None), and whether it is stored into
        module-level state right away (a cache fill)."""
        parents = self.ctx.parents
        value: cst.BaseExpression = call
        index = len(parents) - 1
        while index >= 0:
            parent = parents[index]
            if isinstance(parent, cst.BaseExpression):
                value = parent
            elif not isinstance(
                parent, (cst.Arg, cst.SubscriptElement, cst.Index, cst.Element, cst.DictElement)
            ):
                break
            index -= 1
        statement = parents[index] if index >= 0 else None
        targets: list[cst.BaseExpression] = []
        if isinstance(statement, cst.Assign) and statement.value is value:
            targets = [t.target for t in statement.targets]
        elif isinstance(statement, cst.AnnAssign) and statement.value is value:
            targets = [statement.target]
        elif isinstance(statement, cst.WithItem) and statement.asname is not None:
            targets = [statement.asname.name]
        holder: str | None = None
        for target in targets:
            root = _root(target)
            if root is None:
                continue
            if isinstance(target, cst.Name):
                if target.value in self.ctx.scope.global_names:
                    return value, None, True
                holder = target.value
            elif not (isinstance(target, cst.Attribute) and root == "self") and (
                self._is_module_state(root)
            ):
                return value, None, True
        return value, holder, False

    def _from_request(self, node: cst.BaseExpression) -> bool:
        """Does `node` use per-request data (the event, a record, `current_event`)?"""
        seen: set[str] = set()
        pending: list[cst.CSTNode] = [node]
        steps = 0
        while pending and steps < 2000:
            steps += 1
            current = pending.pop()
            if isinstance(current, cst.Attribute) and current.attr.value == "current_event":
                return True
            if isinstance(current, cst.Name):
                name = current.value
                if name in seen:
                    continue
                seen.add(name)
                found = self._local(name)
                if found is None:
                    continue
                key, values = found
                if self._is_request_param(key, name):
                    return True
                pending.extend(values or ())
                continue
            pending.extend(current.children)
        return False

    def _local(self, name: str) -> tuple[str, list[cst.BaseExpression] | None] | None:
        """Where the innermost function that binds `name` binds it: (its key, the
        values assigned so far), or (its key, None) for a parameter; None when no
        function does (a global, a module-level name or a builtin).

        The traversal binds a `for` target only when the loop ends: the loop body
        must see it as local already, so this reads the rule's own records."""
        for scope in reversed(self.ctx.scopes):
            if scope.kind != "function":
                continue
            if name in scope.global_names:
                return None
            values = self._locals.get(scope.key, {}).get(name)
            if values:
                return scope.key, values
            if name in scope.bindings:
                return scope.key, None
        return None

    def _is_request_param(self, key: str, name: str) -> bool:
        lowered = name.lower()
        if lowered in _REQUEST_PARAMS or "event" in lowered:
            return True
        function = next(
            (
                p
                for p in reversed(self.ctx.parents)
                if isinstance(p, cst.FunctionDef) and _function_key_matches(p, key)
            ),
            None,
        )
        if function is None:
            return False
        positional = [
            p.name.value for p in (*function.params.posonly_params, *function.params.params)
        ]
        if positional[:1] in (["self"], ["cls"]):
            positional = positional[1:]
        # `def handler(evt, ctx)`: the first of (x, context) is the event.
        return len(positional) >= 2 and positional[0] == name and positional[1] in _CONTEXT_PARAMS

    # -- the fix ----------------------------------------------------------------------
    def _sdk_fix(self, call: cst.Call, method: str, value: cst.BaseExpression) -> Fix | FixBuilder:
        module = self.ctx.module
        keywords = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        code = _short(module.code_for_node(call))
        name = self._parameters_name or "parameters"
        usable = self._parameters_name is not None or not self._parameters_taken
        if method == "get_parameter" and set(keywords) <= {"Name", "WithDecryption"}:
            name_code = module.code_for_node(keywords["Name"]) if "Name" in keywords else None
            decrypt = keywords.get("WithDecryption")
            extra = ""
            if decrypt is not None:
                if isinstance(decrypt, cst.Name) and decrypt.value in ("True", "False"):
                    extra = ", decrypt=True" if decrypt.value == "True" else ""
                else:
                    name_code = None
            replacement = (
                f"{name}.get_parameter({name_code}, max_age={_MAX_AGE}{extra})"
                if name_code is not None
                else None
            )
            if (
                replacement is not None
                and usable
                and _subscripts(call, value, ("Parameter", "Value"), self.ctx.parents)
            ):
                return self._replacement(value, replacement)
            return _advice(
                f"Use Powertools: `{name}.get_parameter({name_code or 'name'}, "
                f"max_age={_MAX_AGE}{extra})`, or fetch `{code}` once into a module-level "
                "variable behind `if _VALUE is None:`"
            )
        if method == "get_secret_value" and set(keywords) == {"SecretId"}:
            replacement = (
                f"{name}.get_secret({module.code_for_node(keywords['SecretId'])}, "
                f"max_age={_MAX_AGE})"
            )
            if usable and _subscripts(call, value, ("SecretString",), self.ctx.parents):
                return self._replacement(value, replacement)
            return _advice(
                f"Use Powertools: `{replacement}` (returns the SecretString), or fetch "
                f"`{code}` once into a module-level variable behind `if _SECRET is None:`"
            )
        powertools = {
            "get_parameters": f"{name}.get_parameters_by_name({{...}}, max_age={_MAX_AGE})",
            "get_parameters_by_path": f"{name}.get_parameters(path, max_age={_MAX_AGE})",
            "get_secret_value": f"{name}.get_secret(secret_id, max_age={_MAX_AGE})",
            "get_configuration": (
                f"{name}.get_app_config(name=..., environment=..., application=..., "
                f"max_age={_MAX_AGE})"
            ),
            "start_configuration_session": (
                f"{name}.get_app_config(name=..., environment=..., application=..., "
                f"max_age={_MAX_AGE})"
            ),
            "get_latest_configuration": (
                f"{name}.get_app_config(name=..., environment=..., application=..., "
                f"max_age={_MAX_AGE})"
            ),
        }.get(method)
        alternative = f"use Powertools `{powertools}`, or " if powertools else ""
        return _advice(
            f"Cache it per execution environment: {alternative}keep the result in a "
            f"module-level `_CACHE = {{}}` and fill it behind `if key not in _CACHE: "
            f"_CACHE[key] = {code}`"
        )

    def _replacement(self, value: cst.BaseExpression, replacement: str) -> FixBuilder:
        ctx = self.ctx
        needs_import = self._parameters_name is None
        last_import = self._last_import
        top = ctx.parents[1] if len(ctx.parents) > 1 else None
        newline = ctx.module.default_newline
        message = f"Use Powertools parameters with a cache: `{replacement}`"

        def build(positions: Positions) -> Fix | None:
            if top is not None:
                positions.prepare(top)
            edits = [Edit(positions.start(value), positions.end(value), replacement)]
            if needs_import:
                statement = f"from {_POWERTOOLS_PARAMETERS.rsplit('.', 1)[0]} import parameters"
                if last_import is not None:
                    row = positions.range(last_import).end.line
                    edits.insert(0, Edit.insertion(Location(row + 1, 1), statement + newline))
                else:
                    edits.insert(0, Edit.insertion(Location(1, 1), statement + newline * 2))
                message_text = f"{message} (adds `{statement}`)"
            else:
                message_text = message
            return Fix(Applicability.DISPLAY_ONLY, message_text, tuple(edits))

        return build


def _advice(text: str) -> Fix:
    return Fix(Applicability.DISPLAY_ONLY, text)


def _subscripts(
    call: cst.Call,
    value: cst.BaseExpression,
    keys: tuple[str, ...],
    parents: Sequence[cst.CSTNode],
) -> bool:
    """Is `value` exactly `call[keys[0]][keys[1]]...` (string keys)?"""
    current: cst.BaseExpression = value
    for key in reversed(keys):
        if not isinstance(current, cst.Subscript) or len(current.slice) != 1:
            return False
        index = current.slice[0].slice
        if not (
            isinstance(index, cst.Index)
            and isinstance(index.value, cst.SimpleString)
            and index.value.evaluated_value == key
        ):
            return False
        current = current.value
    return current is call


def _reads(args: Sequence[cst.Arg], mode_position: int) -> bool:
    """Is the file opened for reading only? (A mode that is not a literal: unknown.)"""
    mode: cst.BaseExpression | None = None
    positional = [a for a in args if a.keyword is None]
    if len(positional) > mode_position:
        mode = positional[mode_position].value
    for arg in args:
        if arg.keyword is not None and arg.keyword.value == "mode":
            mode = arg.value
    if mode is None:
        return True
    if not isinstance(mode, cst.SimpleString):
        return False
    text = mode.evaluated_value
    return isinstance(text, str) and not any(flag in text for flag in "wax+")


def _is_path_object(node: cst.BaseExpression, ctx: ModuleContext) -> bool:
    """Is `node` a pathlib path (so `.open()` / `.read_text()` reads a file)?"""
    current = node
    for _ in range(20):
        if isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.Divide):
            current = current.left
        elif isinstance(current, cst.Attribute) and current.attr.value == "parent":
            current = current.value
        elif isinstance(current, cst.Subscript) and isinstance(current.value, cst.Attribute):
            current = current.value.value
        elif isinstance(current, cst.Call):
            qualified = ctx.qualified_name(current.func)
            if qualified in ("pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath"):
                return True
            if isinstance(current.func, cst.Attribute) and current.func.attr.value in (
                _PATH_METHODS
            ):
                current = current.func.value
            else:
                return False
        else:
            # A name: a module-level Path constant (checked by the path test) or a local.
            return isinstance(current, cst.Name)
    return False


def _env_name(node: cst.CSTNode) -> str | None:
    if isinstance(node, (cst.Index, cst.Arg)):
        node = node.value
    if isinstance(node, cst.SimpleString):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _root(node: cst.BaseExpression) -> str | None:
    while isinstance(node, (cst.Attribute, cst.Subscript)):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _walk(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(current.children)


def _short(code: str, limit: int = 80) -> str:
    lines = code.strip().splitlines()
    text = lines[0].rstrip() + (" ..." if len(lines) > 1 else "") if lines else code
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _function_key_matches(function: cst.FunctionDef, key: str) -> bool:
    return key == function.name.value or key.endswith("." + function.name.value)


def _module_small_statements(
    body: Sequence[cst.CSTNode],
) -> Iterator[cst.BaseSmallStatement]:
    """Small statements at module level, also inside module-level if/try/with blocks."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, (cst.If, cst.Try, cst.With)):
            yield from _module_small_statements(inner_statements(statement))


def _is_import_line(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def _module_qualified(final: dict[str, str], func: cst.BaseExpression) -> str | None:
    """`func`'s qualified name as the module binds its root in the end (for module-level
    statements read before the traversal has seen the imports)."""
    written = dotted_name(func)
    if written is None:
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call):
            inner = _module_qualified(final, func.value.func)
            return f"{inner}().{func.attr.value}" if inner is not None else None
        return None
    head, _, rest = written.partition(".")
    bound = final.get(head)
    if bound is None or bound.startswith("<"):
        return written
    return f"{bound}.{rest}" if rest else bound


class _JsReader:
    """SL104's reading of one JavaScript or TypeScript module."""

    def __init__(self, module: JavaScriptModule) -> None:
        self.module = module
        self.facts: ModuleFacts = module.facts
        self._source: Source | None = None
        self._state: set[str] | None = None
        # Services whose values the module also writes.
        behaviours = [module.facts.module_behaviour] + [
            function.behaviour for function in module.facts.functions.values()
        ]
        self.managed = frozenset(
            service
            for service, writers in _JS_WRITERS.items()
            for behaviour in behaviours
            for call in behaviour.calls
            if call.method in writers and _service(call) in (service, None)
        )

    @property
    def source(self) -> Source:
        if self._source is None:
            self._source = Source(self.module.data, self.module.tree)
        return self._source

    # -- SDK fetches -------------------------------------------------------------------
    def fetch(self, call: Call, function: FunctionFacts) -> tuple[str, str] | None:
        known = _FETCHES.get(call.method)
        if known is None or not call.name.endswith("." + call.method):
            return None
        services, what, keyword_sets = known
        service = _service(call)
        if service is not None:
            if service not in services:
                return None
        else:
            # A client slint cannot see (`x.getParameter(params).promise()`): the input
            # must be the operation's.
            keywords = {a.keyword for a in call.arguments if a.keyword is not None}
            if "**" in keywords or not any(set(needed) <= keywords for needed in keyword_sets):
                return None
        if services & self.managed:
            return None
        if any(call.has_keyword(keyword) for keyword in _VERSION_KEYWORDS):
            return None
        if any(_from_request(argument.value, function) for argument in call.arguments):
            return None
        written = _short(call.display or call.name)
        message = (
            f"`{written}` fetches {what} on every invocation: fetch it once per execution "
            "environment (a module-level cache, or Powertools parameters with `maxAge`) so "
            "warm invocations reuse it"
        )
        return message, _js_advice(call)

    # -- package files -------------------------------------------------------------------
    def file_read(self, call: Call, function: FunctionFacts) -> tuple[str, str] | None:
        name = call.name.replace("node:", "", 1).replace(".default.", ".")
        if name not in _JS_FILE_READERS:
            return None
        node = self.source.node(call.span)
        arguments = node.child_by_field_name("arguments") if node is not None else None
        found = [c for c in arguments.named_children if not c.is_extra] if arguments else []
        if not found or not self._package_path(found[0], 0):
            return None
        code = _short(" ".join(self.source.span_text(call.span).split()))
        path = _short(" ".join(_node_text(self.source, found[0]).split()))
        message = (
            f"`{code}` reads the package file {path} on every invocation: it is the same on "
            "every invocation, so read it once at module scope and reuse the result"
        )
        if call.awaited or name.endswith("promises.readFile"):
            # A promise: made once at module scope, awaited in the function.
            advice = (
                f"Read it once at module scope: `const DATA = {code}` after the imports, and "
                "`await DATA` in the function (copy the result first if the function changes it)"
            )
        else:
            advice = (
                f"Read it once at module scope: `const DATA = {code}` after the imports, and "
                "use `DATA` in the function (copy it first if the function changes it)"
            )
        return message, advice

    def _package_path(self, node: Node, depth: int) -> bool:
        """Does `node` always name the same file of the deployment package?"""
        if depth > 12:
            return False
        data = self.module.data
        kind = node.type
        if kind in ("parenthesized_expression", "as_expression", "non_null_expression"):
            inner = [c for c in node.named_children if not c.is_extra]
            return bool(inner) and self._package_path(inner[0], depth + 1)
        if kind == "string":
            literal = string_value(node, data)
            return (
                bool(literal.strip())
                and not literal.startswith(_OUTSIDE_PACKAGE)
                and not literal.startswith(("~", "http:", "https:"))
            )
        if kind == "template_string":
            text = "".join(
                _node_text(self.source, c)
                for c in node.named_children
                if c.type == "string_fragment"
            )
            parts = [c for c in node.named_children if c.type == "template_substitution"]
            if text.startswith(_OUTSIDE_PACKAGE):
                return False
            return bool(text) and all(
                self._package_path(inner, depth + 1)
                for part in parts
                for inner in part.named_children
                if not inner.is_extra
            )
        if kind == "binary_expression":
            operator = node.child_by_field_name("operator")
            left = node.child_by_field_name("left")
            right = node.child_by_field_name("right")
            return (
                operator is not None
                and operator.type == "+"
                and left is not None
                and right is not None
                and self._package_path(left, depth + 1)
                and self._package_path(right, depth + 1)
            )
        text = _node_text(self.source, node)
        if kind == "identifier":
            if text in _JS_PACKAGE_NAMES:
                return True
            value = _declared_value(node, text)
            return value is not None and self._package_path(value, depth + 1)
        if kind in ("member_expression", "subscript_expression"):
            flat = text.replace(" ", "").replace('["', ".").replace("']", "").replace('"]', "")
            flat = flat.replace("['", ".")
            if flat in _JS_PACKAGE_MEMBERS:
                return True
            return flat in ("process.env.LAMBDA_TASK_ROOT",)
        if kind in ("call_expression", "new_expression"):
            callee = node.child_by_field_name(
                "function" if kind == "call_expression" else "constructor"
            )
            arguments = node.child_by_field_name("arguments")
            if callee is None:
                return False
            qualified = self._qualified(_node_text(self.source, callee))
            found = [c for c in arguments.named_children if not c.is_extra] if arguments else []
            if qualified == "process.cwd":
                return not found
            return (
                qualified in _JS_PATH_CALLS
                and bool(found)
                and all(self._package_path(argument, depth + 1) for argument in found)
            )
        return False

    def _qualified(self, written: str) -> str:
        """A callee as written, through the module's imports, without "node:"."""
        head, dot, rest = written.partition(".")
        bound = self.facts.imports.get(head)
        qualified = f"{bound}{dot}{rest}" if bound is not None else written
        return qualified.replace("node:", "", 1).replace(".default.", ".")

    # -- cache fills ---------------------------------------------------------------------
    def stored(self, call: Call) -> bool:
        """Is the result stored into module-level state in the same function (a cache
        whose check slint may not follow: a TTL, a `.get` elsewhere)?"""
        node = self.source.node(call.span)
        if node is None:
            return False
        value = node
        while value.parent is not None and value.parent.type in _JS_VALUE_PARENTS:
            value = value.parent
        parent = value.parent
        holders: set[str] = set()
        if parent is not None and parent.type == "variable_declarator":
            name = parent.child_by_field_name("name")
            if name is not None:
                holders = _identifiers(name, self.source)
        elif parent is not None and parent.type in (
            "assignment_expression",
            "augmented_assignment_expression",
        ):
            left = parent.child_by_field_name("left")
            if left is not None:
                if self._is_state(left):
                    return True
                if left.type == "identifier":
                    holders = {_node_text(self.source, left)}
        if not holders:
            return False
        function = _outermost_function(node)
        if function is None:
            return False
        for current in _walk_js(function):
            if current.type in ("assignment_expression", "augmented_assignment_expression"):
                left = current.child_by_field_name("left")
                right = current.child_by_field_name("right")
                if (
                    left is not None
                    and right is not None
                    and self._is_state(left)
                    and holders & _identifiers(right, self.source)
                ):
                    return True
            elif current.type == "call_expression":
                callee = current.child_by_field_name("function")
                arguments = current.child_by_field_name("arguments")
                if (
                    callee is not None
                    and arguments is not None
                    and callee.type == "member_expression"
                ):
                    prop = callee.child_by_field_name("property")
                    target = callee.child_by_field_name("object")
                    if (
                        prop is not None
                        and target is not None
                        and _node_text(self.source, prop) in _JS_STATE_MUTATORS
                        and self._is_state(target)
                        and holders & _identifiers(arguments, self.source)
                    ):
                        return True
        return False

    def _is_state(self, node: Node) -> bool:
        """A module-level variable (not an import), or a property or element of one."""
        while node.type in ("member_expression", "subscript_expression"):
            inner = node.child_by_field_name("object")
            if inner is None:
                return False
            node = inner
        if node.type != "identifier":
            return False
        return _node_text(self.source, node) in self._module_state()

    def _module_state(self) -> set[str]:
        if self._state is None:
            names: set[str] = set()
            for statement in self.module.tree.root_node.named_children:
                declaration = statement
                if statement.type == "export_statement":
                    declaration = statement.child_by_field_name("declaration") or statement
                if declaration.type in _JS_DECLARATIONS:
                    for declarator in declaration.named_children:
                        name = declarator.child_by_field_name("name")
                        if declarator.type == "variable_declarator" and name is not None:
                            names |= _identifiers(name, self.source)
                elif declaration.type in ("class_declaration", "abstract_class_declaration"):
                    name = declaration.child_by_field_name("name")
                    if name is not None:
                        names.add(_node_text(self.source, name))
            self._state = names - set(self.facts.imports)
        return self._state


def _service(call: Call) -> str | None:
    receiver = call.receiver
    return receiver.service if receiver is not None else None


def _from_request(value: Value, function: FunctionFacts) -> bool:
    """Does a value come from the request (the event, a record, a request object)?"""
    positional = function.positional
    event_like = (
        positional[0] if len(positional) >= 2 and positional[1] in _CONTEXT_PARAMS else None
    )
    roots = {name.partition(".")[0].partition("[")[0] for name in value.names}
    if value.event_path is not None:
        roots.add(value.event_path.partition(".")[0].partition("[")[0])
    for root in roots:
        lowered = root.lower()
        if lowered in _REQUEST_PARAMS or "event" in lowered or root == event_like:
            return True
        if root in ("{}", "[]") and positional[:1] == (root,):
            return True  # a destructured event: `async ({ pathParameters }) => ...`
    return False


def _js_advice(call: Call) -> str:
    """What to write instead: the Powertools function that caches the value, or a
    module-level cache."""
    code = _short(call.display or call.name)
    known = _JS_POWERTOOLS.get(call.method)
    cache = (
        f"keep the result in a module-level variable filled once (`value ??= await ...`) "
        f"instead of calling `{code}` every time"
    )
    if known is None:
        return f"Cache it per execution environment: {cache}"
    function, utility = known
    if call.method == "get_parameter":
        name = call.argument("Name")
        decrypt = call.argument("WithDecryption")
        options = f"{{ maxAge: {_JS_MAX_AGE_SECONDS}"
        if decrypt is not None and decrypt.literal is True:
            options += ", decrypt: true"
        arguments = f"{name.text if name is not None else 'name'}, {options} }}"
    elif call.method == "get_secret_value":
        secret = call.argument("SecretId")
        shown = secret.text if secret is not None else "secretId"
        arguments = f"{shown}, {{ maxAge: {_JS_MAX_AGE_SECONDS} }}"
    else:
        arguments = f"..., {{ maxAge: {_JS_MAX_AGE_SECONDS} }}"
    return (
        f"Use Powertools: `{function}({arguments})` from "
        f"`@aws-lambda-powertools/parameters/{utility}`, or {cache}"
    )


def _node_text(source: Source, node: Node) -> str:
    return source.data[node.start_byte : node.end_byte].decode("utf-8", "replace")


def _identifiers(node: Node, source: Source) -> set[str]:
    """The names an expression or binding pattern reads or binds (not property names)."""
    found: set[str] = set()
    for current in _walk_js(node):
        if current.type in (
            "identifier",
            "shorthand_property_identifier_pattern",
            "shorthand_property_identifier",
        ):
            found.add(_node_text(source, current))
    return found


def _walk_js(node: Node) -> Iterator[Node]:
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        pending.extend(current.named_children)


def _outermost_function(node: Node) -> Node | None:
    found = None
    current = node.parent
    while current is not None:
        if current.type in _JS_FUNCTION_NODES:
            found = current
        current = current.parent
    return found


def _declared_value(identifier: Node, name: str) -> Node | None:
    """The value a `const` (or a `let`/`var` assigned once where it is declared) of
    `name` in an enclosing block or the module was declared with."""
    current = identifier.parent
    while current is not None:
        if current.type in ("statement_block", "program"):
            for statement in current.named_children:
                declaration = statement
                if statement.type == "export_statement":
                    declaration = statement.child_by_field_name("declaration") or statement
                if declaration.type not in _JS_DECLARATIONS:
                    continue
                for declarator in declaration.named_children:
                    bound = declarator.child_by_field_name("name")
                    if (
                        declarator.type == "variable_declarator"
                        and bound is not None
                        and bound.type == "identifier"
                        and bound.text == name.encode()
                    ):
                        return declarator.child_by_field_name("value")
        current = current.parent
    return None
