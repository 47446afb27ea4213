from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import text_between
from slint.app.model import App, Setting
from slint.diagnostics import Diagnostic
from slint.settings import Settings

from .._support.report import by_place, of_functions, setting_place

# -- names ------------------------------------------------------------------------------
# One word of a variable name that means "this holds a secret" on its own ...
SECRET_WORDS = frozenset(
    {"secret", "secrets", "password", "passwd", "pass", "passphrase", "token", "apikey"}
)
# ... words that end in one of these (`AUTHTOKEN`, `DBPASSWORD`) ...
SECRET_ENDINGS = ("token", "secret", "password", "passwd", "apikey", "privatekey", "accesskey")
# ... and two-word phrases (`API_KEY`, `PRIVATE_KEY`, `CLIENT_SECRET` is covered above).
SECRET_PAIRS = frozenset(
    {
        ("api", "key"),
        ("private", "key"),
        ("access", "key"),
        ("secret", "key"),
        ("signing", "key"),
        ("encryption", "key"),
        ("master", "key"),
        ("auth", "key"),
        ("hmac", "key"),
        ("jwt", "key"),
        ("app", "key"),
        ("license", "key"),
    }
)
# A name whose last word is one of these holds something *about* a secret (where it is,
# how long it lives), not the secret: `TOKEN_TABLE_NAME`, `DB_SECRET_ARN`,
# `PASSWORD_PARAMETER_NAME`, `API_KEY_SECRET_ID`, `TOKEN_SSM_PATH`, `TOKEN_TTL`.
QUALIFIERS = frozenset(
    """
    arn arns name names id ids path paths param params parameter parameters ssm table
    bucket queue topic stream url uri endpoint host hostname port header headers ttl
    expiry expiration expires expire lifetime age length len type field prefix suffix
    region version enabled enable disabled required file location ref reference alias
    algorithm alg issuer audience aud scope scopes count max min limit timeout duration
    seconds sec secs minutes mins hours days ms interval period threshold retries
    attempts window rate policy rotation schedule format encoding kms provider store
    source mode strategy method dir directory role env var variable index column
    attribute attr cache cookie label tag hash regex pattern size user username
    usernames email account iterations rounds cost strength complexity policy rules
    reset flow grant grants
    """.split()  # noqa: SIM905
)

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


def name_words(name: str) -> list[str]:
    """`DB_PASSWORD` -> [db, password]; `stripeApiKey` -> [stripe, api, key]."""
    words: list[str] = []
    for part in re.split(r"[^A-Za-z0-9]+", name):
        words.extend(word.lower() for word in _WORD.findall(part))
    return words


def secret_name(name: str) -> bool:
    """Does the variable name say that its value is a secret?"""
    words = name_words(name)
    if words[-3:] == ["access", "key", "id"]:
        return True  # half of an AWS credential pair, as sensitive as the other half
    if not words or words[-1] in QUALIFIERS:
        return False
    if any(word in SECRET_WORDS or word.endswith(SECRET_ENDINGS) for word in words):
        return True
    return any(pair in SECRET_PAIRS for pair in pairwise(words))


# -- values ---------------------------------------------------------------------------------
_PLACEHOLDERS = frozenset(
    """
    changeme change-me change_me changeit replaceme replace-me replace_me todo tbd fixme
    placeholder dummy example sample test testing secret password passwd token xxx
    redacted none null nil undefined n/a na true false yes no on off enabled disabled
    local abc123 123456 12345678 123456789 qwerty foobar asdf letmein
    """.split()  # noqa: SIM905
)
_PLACEHOLDER_PATTERNS = (
    re.compile(r"^(.)\1*$"),  # xxxx, ****, 0000
    re.compile(r"^<[^>]*>$"),  # <your-token>
    re.compile(r"^\{\{[^}]*\}\}$"),  # {{ cookiecutter.token }}
    re.compile(r"^\[[^\]]*\]$"),  # [TOKEN]
    re.compile(r"^(your|my|some|insert|enter|put|replace|add)[-_ ]", re.I),
    re.compile(r"^(dummy|fake|test|example|sample|placeholder|changeme|todo)([-_ ]|$)", re.I),
    re.compile(r"(changeme|change[-_ ]me|replace[-_ ]me|placeholder)", re.I),
    # AWS's documented sample credentials (AKIAIOSFODNN7EXAMPLE, wJalr...EXAMPLEKEY). Other
    # values that merely say "example" are still literals in the config: reported.
    re.compile(r"^(AKIA|ASIA)[A-Z0-9]{9}EXAMPLE$|EXAMPLEKEY$"),
    re.compile(r"XXXX|xxxx|\*\*\*"),  # AIzaXXXX, sk_live_xxxx
)
_REFERENCE_PREFIXES = ("arn:", "ssm:", "secretsmanager:", "resolve:", "{{resolve:", "kms:")
_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.I)
_PATH_LIKE = re.compile(r"^/?[\w.\-]+(/[\w.\-]+)+/?$")
_RANDOM_SEGMENT = re.compile(r"^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)\S{16,}$")


def placeholder(value: str) -> bool:
    text = value.strip()
    if len(text) < 4 or text.lower() in _PLACEHOLDERS:
        return True
    return any(pattern.search(text) for pattern in _PLACEHOLDER_PATTERNS)


def reference_like(value: str) -> bool:
    """An ARN, an SSM parameter path, a Secrets Manager name, a plain URL: where a secret
    is kept, not the secret."""
    text = value.strip()
    if text.lower().startswith(_REFERENCE_PREFIXES) or "{{resolve:" in text:
        return True
    if _URL.match(text):
        return True  # a URL with a password in it is caught by the formats below
    if _PATH_LIKE.match(text):
        segments = [s for s in text.split("/") if s]
        return not any(_RANDOM_SEGMENT.match(s) for s in segments)
    return False


@dataclass(frozen=True)
class KeyFormat:
    label: str
    pattern: re.Pattern[str]
    shown: int  # how many leading characters of a match are a public prefix


KEY_FORMATS = (
    KeyFormat(
        "an AWS access key id", re.compile(r"(?<![A-Z0-9])(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b"), 4
    ),
    KeyFormat(
        "a private key",
        re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----"),
        -1,
    ),
    KeyFormat("a Slack token", re.compile(r"\bxox[abposr]-[0-9A-Za-z-]{10,}"), 5),
    KeyFormat(
        "a Slack webhook URL",
        re.compile(r"https://hooks\.slack\.com/services/T[0-9A-Z]+/B[0-9A-Z]+/[0-9A-Za-z]{8,}"),
        32,
    ),
    KeyFormat("a Stripe secret key", re.compile(r"\b[sr]k_(?:live|test)_[0-9A-Za-z]{16,}"), 8),
    KeyFormat(
        "a GitHub token",
        re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{50,})"),
        4,
    ),
    KeyFormat("a Google API key", re.compile(r"\bAIza[0-9A-Za-z_\-]{35}"), 4),
    KeyFormat(
        "a SendGrid API key",
        re.compile(r"\bSG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}"),
        3,
    ),
    KeyFormat("an OpenAI or Anthropic API key", re.compile(r"\bsk-(?:proj-|ant-)[\w\-]{32,}"), 7),
    KeyFormat(
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"),
        3,
    ),
)
_URL_PASSWORD = re.compile(r"\b[a-z][a-z0-9+.\-]*://[^\s:/@]+:([^\s@/]+)@", re.I)


def key_format(text: str) -> tuple[str, str] | None:
    """(what it looks like, a shareable prefix) for a well-known credential format."""
    for known in KEY_FORMATS:
        match = known.pattern.search(text)
        if match is None:
            continue
        found = match.group(0)
        if "EXAMPLE" in found.upper() or len(set(found[max(known.shown, 0) :])) < 5:
            continue  # AWS's documented example keys, sk_test_xxxxxxxxxxxxxxxx
        shown = found.split("-----")[1] if known.shown < 0 else found[: known.shown]
        return known.label, shown
    match = _URL_PASSWORD.search(text)
    if match is not None:
        password = match.group(1)
        if not password.startswith(("${", "{{", "%", "$")) and not placeholder(password):
            return "a password inside a connection URL", match.group(0).split("://", 1)[0]
    return None


# -- the raw text of a value ------------------------------------------------------------------
def raw_text(app: App, setting: Setting[Any]) -> str | None:
    """The value as written in the config file (None when it came from another file)."""
    if setting.span is None or setting.file != app.file:
        return None
    return text_between(app.text, *setting.span)


def literal_text(raw: str, value: Any) -> str | None:
    """The literal a value is, when it is written as one; None for references.

    A plain or quoted scalar, a block scalar, an `!Sub` without any `${}`; not a
    serverless `${...}` variable, an intrinsic function (`!Ref Param` even when the
    parameter has a default), an alias, a `{{resolve:...}}` dynamic reference.
    """
    text = raw.strip()
    if text.startswith("&"):
        text = text.split(None, 1)[1] if " " in text else ""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, dict):
        inner = value.get("Fn::Sub") if len(value) == 1 else None
        if isinstance(inner, str) and "${" not in inner and "{{resolve:" not in inner:
            return inner
        return None
    if not isinstance(value, str):
        return None  # numbers are counts, lengths and flags, not secrets
    if not text or text[0] in "!{[*" or "${" in text or "{{resolve:" in text:
        return None
    return str(value)


# Made-up credentials for the examples, assembled at import time so that no string in
# the source looks like a live key to a secret scanner (push protection).
FAKE_STRIPE_KEY = "sk" + "_live_" + "51Hx9aQ2eZvKYlo2C0fjs8Ryb7"
FAKE_SLACK_TOKEN = "xo" + "xb-2631093817-1183482829-Pa55W0rdxyz"
FAKE_AWS_KEY_ID = "AK" + "IA2E0A8F3B244C9986"


class HardcodedSecret(ConfigRule):
    """
    ## What it does
    Reports a Lambda environment variable (serverless `provider.environment` and
    function `environment`, SAM `Environment.Variables` on a function or in
    `Globals.Function`, CloudFormation `Environment.Variables`) that holds a literal
    secret written in the config file:

    - its name says it is a secret (`SECRET`, `PASSWORD`, `PASSWD`, `PASS`, `TOKEN`,
      `API_KEY`/`APIKEY`, `PRIVATE_KEY`, `ACCESS_KEY`, `SECRET_KEY`, `CLIENT_SECRET`,
      `SIGNING_KEY`, ...) and its value is a literal, not a reference; or
    - whatever its name, its value has the shape of a well-known credential: an AWS
      access key id (`AKIA...`), a private key block, a Slack, Stripe, GitHub, Google,
      SendGrid, OpenAI or Anthropic key, a JSON Web Token, a password inside a
      connection URL (`postgres://user:pw@host`). The shape is also looked for in the
      default of a `${env:X, '...'}` variable and in a value a `${self:...}` variable
      brings in.

    Not reported: references (`${ssm:...}`, `${env:...}`, `${self:...}`, `${file(...)}`
    and every other serverless variable, `!Ref`, `!GetAtt`, `!Sub` with a variable or a
    `{{resolve:...}}` dynamic reference, even when the referenced parameter has a
    default); names whose last word says the value is *about* a secret (`..._ARN`,
    `..._NAME`, `..._ID`, `..._PATH`, `..._PARAMETER`, `..._SSM`, `..._TABLE`,
    `..._URL`, `..._TTL`, `..._HEADER`, ...: `TOKEN_TABLE_NAME`, `DB_SECRET_ARN`,
    `PASSWORD_PARAMETER_NAME`, `API_KEY_SECRET_ID`, `TOKEN_SSM_PATH`; an
    `..._ACCESS_KEY_ID` still counts: it is half of a credential pair); values that
    point at a secret (ARNs, SSM parameter paths, Secrets Manager names, URLs without
    credentials); booleans, numbers (counts, lengths, flags), and empty or placeholder values
    (`changeme`, `TODO`, `<your-token>`, `xxxx`, `{{ cookiecutter.token }}`, AWS's
    documented `AKIAIOSFODNN7EXAMPLE`, values shorter than four characters): they leak
    nothing, and a placeholder that reaches production fails loudly at the first call.
    Any other literal counts, even one that looks fake (`sk_live_EXAMPLE_ONLY`): slint
    cannot tell. The value is never printed: the message shows its length, or the
    public prefix of a known key format.

    ## Why is this bad?
    A secret in serverless.yml or a template is in the repository, in every clone and
    fork, in CI logs and in the deployed function's configuration, where anyone with
    `lambda:GetFunctionConfiguration` can read it. It cannot be rotated without a
    deployment, and it stays in the Git history after it is removed.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      environment:
        DB_PASSWORD: "s3cr3t-Passw0rd!"
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    provider:
      name: aws
      environment:
        STRIPE_API_KEY_PARAM: /shop/prod/stripe-api-key  # read with Powertools parameters
        DB_PASSWORD: ${ssm:/shop/prod/db-password}
    ```
    ```yaml
    # template.yaml (SAM)
    Environment:
      Variables:
        DB_PASSWORD: "{{resolve:secretsmanager:prod/db:SecretString:password}}"
    ```

    ## Fix
    There is no automatic fix: move the secret to SSM Parameter Store (SecureString)
    or Secrets Manager, reference it, rotate the leaked value, and, better still, read
    it at run time instead of putting it in the environment.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-encryption
    - https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/variables#reference-variables-using-the-ssm-parameter-store
    """

    code = "SL601"
    name = "hardcoded-secret"
    severity = Severity.ERROR
    fix = FixKind.NONE

    valid = (
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                  environment:
                    DB_PASSWORD: ${ssm:/shop/prod/db-password}
                    API_TOKEN: ${env:API_TOKEN, ''}
                    TOKEN_TABLE_NAME: tokens
                    DB_SECRET_ARN: arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf
                    PASSWORD_PARAMETER_NAME: /shop/prod/db-password
                    API_KEY_SECRET_ID: shop/prod/api-key
                    SECRET_NAME: shop/prod/stripe
                    ENABLE_TOKEN_AUTH: true
                    MAX_TOKENS: 4096
                    TOKEN_TTL: 3600
                functions:
                  api:
                    handler: app.handler
                    environment:
                      JWT_SECRET: ${self:custom.jwtSecretRef}
                      SMTP_PASSWORD: changeme
                      GITHUB_TOKEN: <your-github-token>
                custom:
                  jwtSecretRef: ${ssm:/shop/jwt}
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  DbPassword:
                    Type: String
                    NoEcho: true
                    Default: hunter2hunter2
                Globals:
                  Function:
                    Environment:
                      Variables:
                        DB_PASSWORD: !Ref DbPassword
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Environment:
                        Variables:
                          API_KEY: "{{resolve:secretsmanager:prod/api:SecretString:key}}"
                          CLIENT_SECRET: !Sub "{{resolve:ssm-secure:/${AWS::StackName}/client}}"
                          TOKEN_SECRET_ARN: !Ref TokenSecret
                          PASSWORD_URL: https://auth.example.com/reset
                          DATABASE_URL: !Sub "postgres://app:${DbPassword}@db.internal/app"
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                {
                  "Resources": {
                    "Fn": {
                      "Type": "AWS::Lambda::Function",
                      "Properties": {
                        "Handler": "app.handler",
                        "Runtime": "python3.12",
                        "Role": "arn:aws:iam::123456789012:role/fn",
                        "Code": {"ZipFile": "def handler(e, c): pass"},
                        "Environment": {"Variables": {
                          "API_TOKEN": {"Ref": "ApiToken"},
                          "AWS_ACCESS_KEY_ID_EXAMPLE": "AKIAIOSFODNN7EXAMPLE",
                          "TOKENIZER_MODEL": "cl100k_base"
                        }}
                      }
                    }
                  }
                }
                """
            ),
            filename="template.json",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                  environment:
                    STAGE: prod
                    DB_PASSWORD: "s3cr3t-Passw0rd!"
                functions:
                  api:
                    handler: app.handler
                """
            ),
            filename="serverless.yml",
            line=7,
            column=5,
            message="16-character literal",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                    environment:
                      STRIPE: ${env:STRIPE, '<STRIPE>'}
                """
            ).replace("<STRIPE>", FAKE_STRIPE_KEY),
            filename="serverless.yml",
            line=8,
            column=7,
            message="a Stripe secret key (`sk_live_",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Environment:
                      Variables:
                        slackWebhookToken: <SLACK>
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                """
            ).replace("<SLACK>", FAKE_SLACK_TOKEN),
            filename="template.yaml",
            line=6,
            column=9,
            message="a Slack token",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Environment:
                        Variables:
                          ClientSecret: !Sub "9f8e7d6c5b4a39281706"
                          DATABASE_URL: postgres://app:Xk93mzPq@db.internal:5432/app
                """
            ),
            filename="template.yaml",
            line=11,
            column=11,
            message="a password inside a connection URL",
        ),
        Invalid(
            dedent(
                """\
                {
                  "Resources": {
                    "Fn": {
                      "Type": "AWS::Lambda::Function",
                      "Properties": {
                        "Handler": "app.handler",
                        "Runtime": "python3.12",
                        "Role": "arn:aws:iam::123456789012:role/fn",
                        "Code": {"ZipFile": "def handler(e, c): pass"},
                        "Environment": {"Variables": {
                          "AWS_ACCESS_KEY_ID": "<AWS_KEY_ID>"
                        }}
                      }
                    }
                  }
                }
                """
            ).replace("<AWS_KEY_ID>", FAKE_AWS_KEY_ID),
            filename="template.json",
            line=11,
            column=11,
            message="an AWS access key id (`AKIA",
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        variables = (
            (variable, function)
            for function in app.functions
            for variable in function.environment.items()
        )
        for (name, setting), functions in by_place(variables, lambda v: setting_place(v[1])):
            message = self._problem(app, name, setting)
            if message is None:
                continue
            yield self.at_setting(
                setting,
                f"Environment variable `{name}` ({of_functions(functions)}) "
                f"{message}: anyone who can read the repository or the function "
                "configuration can use it; keep it in SSM Parameter Store or Secrets Manager "
                "and reference it (`${ssm:...}`, `{{resolve:...}}`).",
            )

    def _problem(self, app: App, name: str, setting: Setting[Any]) -> str | None:
        raw = raw_text(app, setting)
        if raw is None or setting.value is None:
            return None
        literal = literal_text(raw, setting.value)
        if literal is not None:
            found = key_format(literal)
            if found is not None:
                return f"holds {found[0]} (`{found[1]}…`)"
            if secret_name(name) and not placeholder(literal) and not reference_like(literal):
                return f"holds a literal secret (a {len(literal)}-character literal)"
            return None
        # A serverless variable whose default (or `${self:...}` target) is written in this
        # file: only well-known key formats count, since defaults are mostly local values.
        if "${" in raw and "file(" not in raw:
            for text in (raw, setting.value if isinstance(setting.value, str) else ""):
                found = key_format(text)
                if found is not None:
                    return f"holds {found[0]} (`{found[1]}…`) written in the config"
        return None
