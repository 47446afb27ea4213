from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import PurePosixPath
from textwrap import dedent
from typing import TYPE_CHECKING, Any

import libcst as cst

from slint.api import CodeRule, ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.edits import text_between
from slint.app.model import App, Setting
from slint.diagnostics import Diagnostic, Location
from slint.javascript.behaviour import kids, strip
from slint.javascript.behaviour import string_value as js_string_value
from slint.settings import Settings

from .._support.report import by_place, of_functions, setting_place

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule
    from slint.python.context import ModuleContext

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


# Words that mark a value as made up when they open or close it, with or without a
# separator (`DUMMYEXAMPLEKEY`, `testpassword`, `my-secret-example`), provided the rest of
# the value is made of words and short numbers: `test` + a random string is a real value.
PLACEHOLDER_WORDS = tuple(
    """
    changeme change_me change-me changeit replaceme replace_me replace-me placeholder
    dummy fake example sample mock test testing local your todo tbd fixme redacted xxx demo
    """.split()  # noqa: SIM905
)
_VOWELS = frozenset("aeiouy")


def low_entropy(text: str) -> bool:
    """Is `text` made of words and short numbers (`EXAMPLEKEY`, `-my-secret-`, `KEY1234`)
    rather than random characters (`Xk93mzPq7LwR`, `9f8e7d6c5b4a`)?"""
    core = re.sub(r"[\s\-_.:/]+", "", text)
    symbols = re.sub(r"[A-Za-z0-9]+", "", core)
    if len(symbols) <= 2:
        core = re.sub(r"[^A-Za-z0-9]+", "", core)  # `Password123!`: a policy's symbol
    if len(core) <= 4:
        return True
    if core.isdigit():
        return _counting(core)  # 12345678; not a 16-digit number
    tokens = [
        token
        for part in re.split(r"[^A-Za-z0-9]+", text if len(symbols) <= 2 else core)
        for token in _WORD.findall(part)
    ]
    if "".join(tokens) != core:
        return False  # other characters: +, /, =, #, $ ... as in base64 or passwords
    if sum(1 for token in tokens if len(token) <= 2) > max(1, len(tokens) // 3):
        return False  # many short runs: case and digits switching, as in random strings
    digits = [token for token in tokens if token.isdigit()]
    if len(digits) > 1 or any(len(token) > 4 and not _counting(token) for token in digits):
        return False
    for token in tokens:
        if token.isdigit() or len(token) <= 2:
            continue  # `X-Api-Key`, `DB`: short runs are counted above
        vowels = sum(1 for char in token.lower() if char in _VOWELS)
        if vowels * 5 < len(token) or re.search(r"[^aeiouy]{5,}", token.lower()):
            return False  # no words without vowels: `kqzjvmxwplrt`
    return True


def _counting(digits: str) -> bool:
    """`12345678`, `000000`: digits typed to fill a field."""
    return digits in "01234567890" or digits in "9876543210" or len(set(digits)) == 1


def placeholder(value: str) -> bool:
    text = value.strip()
    lowered = text.lower()
    if len(text) < 4 or lowered in _PLACEHOLDERS:
        return True
    if any(pattern.search(text) for pattern in _PLACEHOLDER_PATTERNS):
        return True
    for word in PLACEHOLDER_WORDS:
        if lowered.startswith(word) and low_entropy(text[len(word) :]):
            return True
        if lowered.endswith(word) and low_entropy(text[: len(text) - len(word)]):
            return True
    return False


# -- credential pairs -------------------------------------------------------------------
# The format of the value a name promises: an `..._ACCESS_KEY_ID` that does not look like
# one is not an access key id (`DUMMYIDEXAMPLE` for a local emulator).
ACCESS_KEY_ID = re.compile(r"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}")
# The secret half of an AWS credential, recognised without a name when it sits next to an
# access key id (two positional arguments of one call).
SECRET_ACCESS_KEY = re.compile(r"(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9/+]{40}")


@dataclass(frozen=True)
class PairHalf:
    """Which half of an AWS credential pair a name is, and what pairs it with its other
    half (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` share the prefix `aws`)."""

    is_id: bool
    prefix: tuple[str, ...]


def pair_half(name: str) -> PairHalf | None:
    words = name_words(name)
    if words[-3:] == ["access", "key", "id"]:
        return PairHalf(True, tuple(words[:-3]))
    if words[-3:] == ["secret", "access", "key"]:
        return PairHalf(False, tuple(words[:-3]))
    return None


def fake_half(half: PairHalf, value: str) -> bool:
    """A placeholder, or (for the id) a value without the access key id format."""
    if half.is_id:
        return placeholder(value) or ACCESS_KEY_ID.fullmatch(value.strip()) is None
    return placeholder(value)


def fake_pairs(halves: Iterable[tuple[str, str]]) -> set[str]:
    """The names, among (name, literal value) written side by side, that belong to a
    credential pair judged fake as a whole: both halves are written and either is fake.
    Both halves are then silent; a real-looking pair is judged half by half."""
    found: dict[tuple[str, ...], dict[bool, list[tuple[str, str]]]] = {}
    for name, value in halves:
        half = pair_half(name)
        if half is not None:
            found.setdefault(half.prefix, {}).setdefault(half.is_id, []).append((name, value))
    fake: set[str] = set()
    for sides in found.values():
        if len(sides) < 2:
            continue
        members = [(is_id, name, value) for is_id, items in sides.items() for name, value in items]
        if any(fake_half(PairHalf(is_id, ()), value) for is_id, _, value in members):
            fake.update(name for _, name, _ in members)
    return fake


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


# -- code -------------------------------------------------------------------------------
# Literals shorter than this under a secret name are left alone in code: `"admin"`, `"root"`,
# `"guest"` are local defaults far more often than leaked credentials.
MIN_CODE_SECRET = 6
_TEMPLATE = re.compile(r"\{[^{}]*\}|%[-#0 +]*\d*(?:\.\d+)?[sdrifx]|%\(\w+\)|\$\w|^\$")
# A state or a label: lowercase words joined by `_` (`not_set`), or two or three joined by
# `-` (`sensitive-data`: a slug, where a passphrase of words has more of them).
_LABEL = re.compile(r"[a-z]+(?:_[a-z]+)*|[a-z]+(?:-[a-z]+){1,2}|[A-Z]+(?:_[A-Z]+)*")
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_.\-]*")
# An IAM action or action pattern (`s3:GetObject`, `kms:Decrypt*`, `secretsmanager:*`),
# maybe in Markdown backticks; actions are PascalCase, so `admin:hunter2` stays a secret.
_IAM_ACTION = re.compile(r"`?[a-z0-9-]+:(?:\*|[A-Z][A-Za-z]*\*?)`?")
_PEM_BODY = re.compile(
    r"PRIVATE KEY(?: BLOCK)?-----\s*(?:[\w:,\-]+: [^\n]*\s*)*[A-Za-z0-9+/=\s]{64}"
)
_LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0", "::1", "host.docker.internal"})
_URL_HOST = re.compile(r"@\[?([^:/@\]]+)")
# Calls whose second argument (or `key=`) signs or checks a JSON Web Token.
JWT_CALLS = frozenset({"jwt.encode", "jwt.decode", "jose.jwt.encode", "jose.jwt.decode"})
# Calls that write an environment variable: (variable name, value) arguments.
ENV_WRITES = frozenset({"os.environ.setdefault", "os.putenv"})
_TEST_FOLDERS = frozenset(
    {"test", "tests", "testing", "__tests__", "unit_tests", "integration_tests"}
)


def in_tests(path: str) -> bool:
    """A test module: under a `tests` folder, `test_*.py`, `*_test.py`, `conftest.py`."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if not parts:
        return False
    name = parts[-1]
    return (
        any(part in _TEST_FOLDERS for part in parts[:-1])
        or name.startswith("test_")
        or name.endswith("_test.py")
        or name == "conftest.py"
    )


def code_key_format(text: str) -> tuple[str, str] | None:
    """`key_format` with what code adds: a private key header alone is a marker that code
    compares with (`pem.startswith("-----BEGIN RSA PRIVATE KEY-----")`), not a key; a
    connection URL to a local database holds the password of a local container."""
    found = key_format(text)
    if found is None:
        return None
    if found[0] == "a private key" and _PEM_BODY.search(text) is None:
        return None
    if found[0] == "a password inside a connection URL":
        host = _URL_HOST.search(text.split("://", 1)[-1])
        if host is not None and host.group(1).lower() in _LOCAL_HOSTS:
            return None
    return found


# What every well-known format of KEY_FORMATS (and a URL with a password) contains.
_FORMAT_HINT = re.compile(
    r"A[KSBC][IC]A|PRIVATE KEY|xox|hooks\.slack|[sr]k_|gh[pousr]_|github_pat|AIza|SG\.|sk-|eyJ|://"
)


def _may_hold_format(node: cst.SimpleString | cst.ConcatenatedString) -> bool:
    if isinstance(node, cst.SimpleString):
        return _FORMAT_HINT.search(node.value) is not None
    return any(
        _may_hold_format(part)
        for part in (node.left, node.right)
        if isinstance(part, (cst.SimpleString, cst.ConcatenatedString))
    )


def sized(length: int) -> str:
    """`a 16-character`, `an 8-character`, `an 18-character`."""
    spoken = str(length)
    article = "an" if spoken.startswith("8") or spoken in ("11", "18") else "a"
    return f"{article} {length}-character"


def names_a_thing(text: str) -> bool:
    """`"access_token"`, `"X-Api-Key"`, `"DB_PASSWORD"`: the name of a field, a header or a
    variable that holds a secret, not the secret."""
    if _IDENTIFIER.fullmatch(text) is None or not low_entropy(text):
        return False
    return any(
        word in SECRET_WORDS or word.endswith(SECRET_ENDINGS) for word in name_words(text)
    ) or (any(pair in SECRET_PAIRS for pair in pairwise(name_words(text))))


def code_secret_literal(text: str) -> bool:
    """Could this literal, under a name that says secret, be the secret itself?"""
    value = text.strip()
    if len(value) < MIN_CODE_SECRET or any(char.isspace() for char in value):
        return False  # short defaults; sentences, prompts and messages
    if placeholder(value) or reference_like(value) or _TEMPLATE.search(value):
        return False
    if _LABEL.fullmatch(value) and low_entropy(value):
        return False  # `"updated"`, `"expired"`, `"not_set"`: a state or a label
    if _IAM_ACTION.fullmatch(value):
        return False  # `"secretsmanager:*"`, `"kms:Decrypt"`: what a policy grants
    return not names_a_thing(value)


def string_value(node: cst.CSTNode) -> str | None:
    """The text of a string literal (bytes read as Latin-1), None for anything else,
    f-strings included: they are built from other values."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        try:
            value = node.evaluated_value
        except Exception:  # an escape libcst cannot evaluate
            return None
        if isinstance(value, bytes):
            return value.decode("latin-1")
        return value
    return None


def target_name(node: cst.BaseExpression) -> str | None:
    """The name an assignment target gives its value: `x`, `self.x`, `env["X"]`."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if isinstance(index, cst.Index):
            return string_value(index.value)
    return None


@dataclass
class _Written:
    """A string literal written under a name (a variable, an argument, a dict key)."""

    name: str
    node: cst.BaseExpression
    value: str
    # The top-level statement that holds it, for positions (see `_pair_block`).
    top: cst.CSTNode | None = None


_CODE_FIX = (
    "read it at run time from Secrets Manager or SSM Parameter Store (Powertools "
    "`parameters.get_secret(...)`), or from an environment variable that references one "
    "(`${ssm:...}`, `{{resolve:...}}`)"
)
_CONFIG_FIX = (
    "keep it in SSM Parameter Store or Secrets Manager and reference it "
    "(`${ssm:...}`, `{{resolve:...}}`)"
)


# Made-up credentials for the examples, assembled at import time so that no string in
# the source looks like a live key to a secret scanner (push protection).
FAKE_STRIPE_KEY = "sk" + "_live_" + "51Hx9aQ2eZvKYlo2C0fjs8Ryb7"
FAKE_SLACK_TOKEN = "xo" + "xb-2631093817-1183482829-Pa55W0rdxyz"
FAKE_AWS_KEY_ID = "AK" + "IA2E0A8F3B244C9986"
FAKE_AWS_SECRET_KEY = "wJalrXUtnFEMI/K7MDENG" + "/bPxRfiCYzQ8a7bKm2P"


# -- JavaScript and TypeScript ---------------------------------------------------------------
_JS_CODE_FIX = (
    "read it at run time from Secrets Manager or SSM Parameter Store (Powertools "
    "`getSecret(...)` from `@aws-lambda-powertools/parameters/secrets`), or from an "
    "environment variable that references one (`${ssm:...}`, `{{resolve:...}}`)"
)
# `jsonwebtoken`'s calls whose second argument signs or checks a token.
_JS_JWT_CALLS = frozenset({"jsonwebtoken.sign", "jsonwebtoken.verify"})
_JS_TEST_FOLDERS = frozenset({"test", "tests", "__tests__", "__mocks__", "spec", "e2e"})
_JS_TEST_NAME = re.compile(r"\.(test|spec|e2e)\.[cm]?[jt]sx?$")
_JS_PARAMETERS = frozenset({"required_parameter", "optional_parameter"})
_JS_FIELDS = frozenset({"public_field_definition", "field_definition"})


def js_in_tests(path: str) -> bool:
    """A test module: under `test`/`tests`/`__tests__`, or `*.test.js`, `*.spec.ts`."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    if not parts:
        return False
    return any(part in _JS_TEST_FOLDERS for part in parts[:-1]) or bool(
        _JS_TEST_NAME.search(parts[-1])
    )


def js_literal(node: Node, data: bytes) -> str | None:
    """The text of a string literal, a template literal without `${}`, or a `+` of
    them (through parentheses and `as const`); None for anything else."""
    node = strip(node)
    if node.type == "string":
        return js_string_value(node, data)
    if node.type == "template_string":
        if any(child.type == "template_substitution" for child in node.named_children):
            return None
        return js_string_value(node, data)
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator is None or operator.type != "+" or left is None or right is None:
            return None
        first, second = js_literal(left, data), js_literal(right, data)
        return first + second if first is not None and second is not None else None
    return None


def _js_name(node: Node | None, data: bytes) -> str | None:
    """The name a target or key gives a value: `x`, `this.x`, `env["X"]`, `"x-api-key"`."""
    if node is None:
        return None
    node = strip(node)
    kind = node.type
    if kind in (
        "identifier",
        "property_identifier",
        "private_property_identifier",
        "shorthand_property_identifier_pattern",
    ):
        return data[node.start_byte : node.end_byte].decode("utf-8", "replace").lstrip("#")
    if kind == "string":
        return js_string_value(node, data)
    if kind == "member_expression":
        return _js_name(node.child_by_field_name("property"), data)
    if kind == "subscript_expression":
        index = node.child_by_field_name("index")
        return js_literal(index, data) if index is not None else None
    if kind == "computed_property_name":
        inner = kids(node)
        return js_literal(inner[0], data) if inner else None
    return None


@dataclass
class _JsWritten:
    """A string literal written under a name in JavaScript."""

    name: str
    node: Node
    value: str
    block: int | None = None  # the statement block it is declared in (pairs are judged there)


class _JavaScriptSecrets:
    """One module's literals: those given names (declarations, assignments, object keys,
    parameter defaults, class fields), judged by name and format, and every other
    literal by its format alone."""

    def __init__(self, rule: HardcodedSecret, module: JavaScriptModule) -> None:
        self.rule = rule
        self.module = module
        self.data = module.data
        self.in_tests = js_in_tests(module.path)
        self.judged: set[int] = set()
        self.blocks: dict[int, list[_JsWritten]] = {}
        self.found: list[Diagnostic] = []
        self.imports = module.facts.imports

    def run(self) -> list[Diagnostic]:
        strings: list[Node] = []
        pending = [self.module.tree.root_node]
        while pending:
            node = pending.pop()
            kind = node.type
            if kind in ("string", "template_string") and node.is_named:
                strings.append(node)
            elif kind == "variable_declarator":
                self._named(node, "name", "value", in_block=True)
            elif kind == "assignment_expression":
                self._named(node, "left", "right", in_block=True)
            elif kind in _JS_FIELDS:
                # TypeScript names the field's name `name`, JavaScript `property`.
                target = "name" if kind == "public_field_definition" else "property"
                self._named(node, target, "value", in_block=False)
            elif kind in _JS_PARAMETERS:
                self._named(node, "pattern", "value", in_block=False)
            elif kind == "assignment_pattern":
                self._named(node, "left", "right", in_block=False)
            elif kind == "object":
                self._object(node)
            elif kind in ("call_expression", "new_expression"):
                self._call(node)
            pending.extend(reversed(node.named_children))
        for written in self.blocks.values():
            fake = fake_pairs((item.name, item.value) for item in written)
            for item in written:
                if item.name not in fake:
                    self._judge(item)
        for node in strings:
            self._format_anywhere(node)
        return self.found

    def _named(self, node: Node, target: str, value_field: str, *, in_block: bool) -> None:
        value_node = node.child_by_field_name(value_field)
        if value_node is None:
            return
        value = js_literal(value_node, self.data)
        name = _js_name(node.child_by_field_name(target), self.data)
        if value is None or name is None:
            return
        self._mark(value_node)
        written = _JsWritten(name, value_node, value)
        if in_block and pair_half(name) is not None:
            block = _enclosing_block(node)
            if block is not None:
                written.block = block.id
                self.blocks.setdefault(block.id, []).append(written)
                return
        self._judge(written)

    def _mark(self, node: Node) -> None:
        """The literal (and the pieces of a `+` of literals) is judged under its name."""
        pending = [node]
        while pending:
            current = pending.pop()
            self.judged.add(current.id)
            pending.extend(current.named_children)

    def _object(self, node: Node) -> None:
        written: list[_JsWritten] = []
        for pair in kids(node):
            if pair.type != "pair":
                continue
            value_node = pair.child_by_field_name("value")
            name = _js_name(pair.child_by_field_name("key"), self.data)
            value = js_literal(value_node, self.data) if value_node is not None else None
            if value_node is not None and value is not None and name is not None:
                written.append(_JsWritten(name, value_node, value))
        if not written:
            return
        fake = fake_pairs((item.name, item.value) for item in written)
        for item in written:
            self._mark(item.node)
            if item.name not in fake:
                self._judge(item)

    def _call(self, node: Node) -> None:
        arguments = node.child_by_field_name("arguments")
        found = kids(arguments) if arguments is not None else []
        positional = [
            (argument, value)
            for argument in found
            if (value := js_literal(argument, self.data)) is not None
        ]
        if not positional:
            return
        callee = node.child_by_field_name("function")
        if callee is not None and self._qualified(callee) in _JS_JWT_CALLS and len(found) >= 2:
            self._jwt_key(found[1], self._qualified(callee) or "")
        self._secret_beside_key_id(positional)

    def _qualified(self, callee: Node) -> str | None:
        """`jwt.sign` -> "jsonwebtoken.sign" through the module's imports."""
        callee = strip(callee)
        text = self.data[callee.start_byte : callee.end_byte].decode("utf-8", "replace")
        head, dot, rest = text.partition(".")
        bound = self.imports.get(head)
        if bound is None:
            return None
        return f"{bound}{dot}{rest}"

    def _jwt_key(self, key: Node, called: str) -> None:
        value = js_literal(key, self.data)
        if value is None or key.id in self.judged:
            return
        self._mark(key)
        if code_key_format(value) is None and (self.in_tests or not code_secret_literal(value)):
            return
        self._report(
            key,
            f"The key passed to `{called.replace('jsonwebtoken', 'jwt')}` is a literal JSON "
            f"Web Token signing secret ({sized(len(value))} string)",
        )

    def _secret_beside_key_id(self, positional: list[tuple[Node, str]]) -> None:
        if not any(
            ACCESS_KEY_ID.fullmatch(value) and not placeholder(value) for _, value in positional
        ):
            return
        for node, value in positional:
            if node.id in self.judged or not SECRET_ACCESS_KEY.fullmatch(value):
                continue
            if placeholder(value):
                continue
            self._mark(node)
            self._report(
                node, "String is an AWS secret access key (40 characters beside an access key id)"
            )

    def _judge(self, written: _JsWritten) -> None:
        found = code_key_format(written.value)
        if found is not None:
            self._report(written.node, f"String holds {found[0]} (`{found[1]}…`)")
            return
        if self.in_tests:
            return
        half = pair_half(written.name)
        if half is not None and half.is_id:
            return
        if not secret_name(written.name) or not code_secret_literal(written.value):
            return
        what = "an AWS secret access key" if half is not None else "a literal secret"
        self._report(
            written.node, f"`{written.name}` is {what} ({sized(len(written.value))} string)"
        )

    def _format_anywhere(self, node: Node) -> None:
        # The whole of a concatenation of literals is judged, once.
        while (
            node.parent is not None
            and node.parent.type in ("binary_expression", "parenthesized_expression")
            and js_literal(node.parent, self.data) is not None
        ):
            node = node.parent
        if node.id in self.judged:
            return
        self.judged.add(node.id)
        raw = self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")
        if _FORMAT_HINT.search(raw) is None:
            return
        value = js_literal(node, self.data)
        found = code_key_format(value) if value is not None else None
        if found is not None:
            self._report(node, f"String holds {found[0]} (`{found[1]}…`)")

    def _report(self, node: Node, problem: str) -> None:
        positions = self.module.positions
        self.found.append(
            self.rule.make_diagnostic(
                self.module.path,
                positions.start(node),
                positions.end(node),
                f"{problem}: anyone who can read the repository or the deployment package "
                f"can use it; {_JS_CODE_FIX}.",
            )
        )


def _enclosing_block(node: Node) -> Node | None:
    """The statement block (or the module) a declaration or assignment is written in."""
    current = node.parent
    while current is not None and current.type not in ("statement_block", "program", "class_body"):
        current = current.parent
    return current


class HardcodedSecret(CodeRule, ConfigRule):
    """
    ## What it does
    Reports a secret written as a literal, in the deployment config or in the code.

    In the config, a Lambda environment variable (serverless `provider.environment` and
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

    In Python code, the string literal (the finding is on it):

    - given to a name that says it is a secret, by the same rules as above: a variable,
      an annotated or class attribute, `self.password = "..."`, a keyword argument
      (`pymysql.connect(password="...")`), a parameter default, a dict key
      (`{"api_key": "..."}`), an environment variable set in code
      (`os.environ["API_KEY"] = "..."`, `os.environ.setdefault("TOKEN", "...")`);
    - passed as the key of `jwt.encode` / `jwt.decode` (PyJWT, python-jose);
    - anywhere, when it has one of the well-known shapes above (a private key only
      with its body: a `-----BEGIN RSA PRIVATE KEY-----` marker alone is what code
      compares with), or when it is a 40-character AWS secret access key passed beside
      an access key id (`Session("AKIA...", "...")`).

    Not reported: references (`${ssm:...}`, `${env:...}`, `${self:...}`, `${file(...)}`
    and every other serverless variable, `!Ref`, `!GetAtt`, `!Sub` with a variable or a
    `{{resolve:...}}` dynamic reference, even when the referenced parameter has a
    default); in code, values read at run time (`os.environ["X"]`, `os.getenv("X",
    "default")`: a default counts only when it has a well-known shape, Powertools
    `parameters`, Secrets Manager, SSM), docstrings, f-strings and templates
    (`"{password}"`, `"%s"`), strings with spaces (messages, prompts), values shorter
    than six characters (`"admin"`, `"root"`: local defaults), lowercase labels
    (`{"access_token": "updated"}`) and values that name a secret rather than hold it
    (`API_KEY_ENV = "API_KEY"`, `TOKEN = "access_token"`, `"X-Api-Key"`); names whose
    last word says the value is *about* a secret (`..._ARN`, `..._NAME`, `..._ID`,
    `..._PATH`, `..._PARAMETER`, `..._SSM`, `..._TABLE`, `..._URL`, `..._TTL`,
    `..._HEADER`, ...: `TOKEN_TABLE_NAME`, `DB_SECRET_ARN`, `PASSWORD_PARAMETER_NAME`,
    `API_KEY_SECRET_ID`, `TOKEN_SSM_PATH`, `SECRET_NAME = "prod/db"`, `TOKEN_HEADER =
    "Authorization"`; an `..._ACCESS_KEY_ID` still counts: it is half of a credential
    pair); values that point at a secret (ARNs, SSM parameter paths, Secrets Manager
    names, URLs without credentials, connection URLs to `localhost` in code);
    booleans, numbers (counts, lengths, flags).

    Placeholders are not secrets: empty values, values shorter than four characters,
    `changeme`, `TODO`, `<your-token>`, `xxxx`, `{{ cookiecutter.token }}`, AWS's
    documented `AKIAIOSFODNN7EXAMPLE`, and values that open or close with a placeholder
    word (dummy, fake, example, sample, mock, test, local, your, placeholder, changeme,
    todo, redacted, xxx, ...; with or without a separator) when the rest is made of
    words and short numbers: `DUMMYEXAMPLEKEY`, `testpassword`, `my-secret-example`,
    `TestPassword123!`; `test` followed by a random string still counts. A value under
    `..._ACCESS_KEY_ID` without the format of an access key id (`AKIA`/`ASIA` and 16
    uppercase letters or digits) is not one, and the two halves of a credential pair
    written side by side (`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` in one
    environment, one call or one block) are judged together: both silent when either
    is a placeholder, both reported when both look real. A placeholder leaks nothing,
    and one that reaches production fails loudly at the first call. Any other literal
    counts, even one that looks fake in the middle (`sk_live_EXAMPLE_ONLY`,
    `KEYEXAMPLE1234`): slint cannot tell.

    In test modules (under a `tests`/`test` folder, `test_*.py`, `*_test.py`,
    `conftest.py`) only the well-known shapes count: fixtures are full of made-up
    passwords, and a rule that nags about them is turned off; a key with a real
    provider's shape is a leak wherever it is.

    The value is never printed: the message shows its length, or the public prefix of a
    known key format.


    In JavaScript and TypeScript code, the same names and formats in string literals
    (and template literals without `${}`, and `+` of literals) given to a `const`, `let`
    or `var`, assigned (`this.password = "..."`, `process.env.API_KEY = "..."`), as the
    value of an object key (`{ "x-api-key": "..." }`, `credentials: { accessKeyId,
    secretAccessKey }`, judged as a pair), a parameter default, a class field, or the
    secret of `jsonwebtoken`'s `sign` / `verify`; well-known formats anywhere. Test
    modules are `*.test.*`, `*.spec.*` and files under `test`, `tests`, `__tests__`.

    ## Why is this bad?
    A secret in serverless.yml, a template or the code is in the repository, in every
    clone and fork, in CI logs and in the deployed function's configuration or package,
    where anyone with `lambda:GetFunctionConfiguration` or `lambda:GetFunction` can read
    it. It cannot be rotated without a deployment, and it stays in the Git history after
    it is removed.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      environment:
        DB_PASSWORD: "s3cr3t-Passw0rd!"
    ```
    ```python
    # handler.py
    import pymysql

    connection = pymysql.connect(host="db.internal", user="app", password="s3cr3t-Passw0rd!")
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
    ```python
    # handler.py
    import pymysql
    from aws_lambda_powertools.utilities import parameters

    credentials = parameters.get_secret("prod/db", transform="json", max_age=300)
    connection = pymysql.connect(
        host="db.internal", user="app", password=credentials["password"]
    )
    ```

    ## Fix
    There is no automatic fix: move the secret to SSM Parameter Store (SecureString)
    or Secrets Manager, reference it, rotate the leaked value, and, better still, read
    it at run time (Powertools `parameters.get_secret`, with a cache) instead of putting
    it in the environment or the code.

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
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  SumFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Environment:
                        Variables:
                          AWS_ACCESS_KEY_ID: DUMMYIDEXAMPLE
                          AWS_SECRET_ACCESS_KEY: DUMMYEXAMPLEKEY
                          API_TOKEN: testtoken
                          DB_PASSWORD: my-secret-example
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                '''\
                import os

                import boto3
                import jwt
                from aws_lambda_powertools.utilities import parameters

                SECRET_NAME = "prod/db"
                TOKEN_HEADER = "Authorization"
                API_KEY_ENV = "API_KEY"
                PASSWORD_TEMPLATE = "{password}"
                PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"
                api_key = os.environ["API_KEY"]
                db_password = os.getenv("DB_PASSWORD", "localdevpw")
                local = boto3.client(
                    "dynamodb",
                    endpoint_url="http://localhost:8000",
                    aws_access_key_id="DUMMYIDEXAMPLE",
                    aws_secret_access_key="DUMMYEXAMPLEKEY",
                )


                def handler(event, context):
                    """Signs with `secret = "s3cr3t-Passw0rd!"` (documentation)."""
                    signing_key = parameters.get_secret("prod/jwt")
                    token = jwt.encode({"sub": event["user"]}, signing_key, algorithm="HS256")
                    return {"access_token": "updated", "token": token, "password": ""}


                # What a managed policy grants: IAM action patterns, not secrets.
                GRANTS = {
                    "SecretsManagerReadWrite": "`secretsmanager:*`",
                    "SecretKeyReader": "kms:Decrypt*",
                    "TokenWriter": "dynamodb:PutItem",
                }
                '''
            )
        ),
        # JavaScript: values read at run time, names about secrets, labels, placeholders.
        Valid(
            dedent(
                """\
                import { getSecret } from "@aws-lambda-powertools/parameters/secrets";

                const SECRET_NAME = "prod/db";
                const TOKEN_HEADER = "Authorization";
                const API_KEY_ENV = "API_KEY";
                const DB_SECRET_ARN = process.env.DB_SECRET_ARN;
                const apiKey = process.env.API_KEY ?? "";
                const local = { accessKeyId: "DUMMYIDEXAMPLE", secretAccessKey: "DUMMYEXAMPLEKEY" };

                export const handler = async (event) => {
                  const password = await getSecret(SECRET_NAME);
                  return { access_token: "updated", secret: "sensitive-data", password: "" };
                };
                """
            ),
            filename="handler.mjs",
        ),
        # A test module: made-up passwords are fixtures.
        Valid(
            dedent(
                """\
                const password = "hunter2hunter2!";
                test("login", () => expect(login("ann", password)).toBe(true));
                """
            ),
            filename="__tests__/login.test.ts",
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
        Invalid(
            dedent(
                """\
                import pymysql

                conn = pymysql.connect(host="db", user="app", password="s3cr3t-Passw0rd!")
                """
            ),
            line=3,
            column=56,
            message="`password` is a literal secret (a 16-character string)",
        ),
        Invalid(
            dedent(
                """\
                import boto3

                s3 = boto3.client(
                    "s3",
                    aws_access_key_id="<AWS_KEY_ID>",
                    aws_secret_access_key="<AWS_SECRET_KEY>",
                )
                """
            )
            .replace("<AWS_KEY_ID>", FAKE_AWS_KEY_ID)
            .replace("<AWS_SECRET_KEY>", FAKE_AWS_SECRET_KEY),
            line=6,
            column=27,
            message="an AWS secret access key",
        ),
        # JavaScript: a `const` whose name says secret.
        Invalid(
            dedent(
                """\
                import pg from "pg";

                const DB_PASSWORD = "s3cr3t-Passw0rd!";
                const pool = new pg.Pool({ host: "db.internal", password: DB_PASSWORD });
                """
            ),
            filename="handler.mjs",
            line=3,
            column=21,
            message="`DB_PASSWORD` is a literal secret (a 16-character string)",
        ),
        # TypeScript: a credential pair in an SDK client's options.
        Invalid(
            dedent(
                """\
                import { S3Client } from "@aws-sdk/client-s3";

                const s3 = new S3Client({
                  credentials: {
                    accessKeyId: "<AWS_KEY_ID>",
                    secretAccessKey: "<AWS_SECRET_KEY>",
                  },
                });
                """
            )
            .replace("<AWS_KEY_ID>", FAKE_AWS_KEY_ID)
            .replace("<AWS_SECRET_KEY>", FAKE_AWS_SECRET_KEY),
            filename="handler.ts",
            line=6,
            column=22,
            message="`secretAccessKey` is an AWS secret access key",
        ),
        # CommonJS: a well-known key format, whatever the name.
        Invalid(
            dedent(
                """\
                const stripe = require("stripe")("<STRIPE>");

                exports.handler = async (event) => stripe.charges.list();
                """
            ).replace("<STRIPE>", FAKE_STRIPE_KEY),
            filename="handler.js",
            line=1,
            column=34,
            message="a Stripe secret key (`sk_live_",
        ),
    )

    # -- config -------------------------------------------------------------------
    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        fake = self._fake_pair_places(app)
        variables = (
            (variable, function)
            for function in app.functions
            for variable in function.environment.items()
        )
        for (name, setting), functions in by_place(variables, lambda v: setting_place(v[1])):
            if setting_place(setting) in fake:
                continue
            message = self._problem(app, name, setting)
            if message is None:
                continue
            yield self.at_setting(
                setting,
                f"Environment variable `{name}` ({of_functions(functions)}) "
                f"{message}: anyone who can read the repository or the function "
                f"configuration can use it; {_CONFIG_FIX}.",
            )

    def _fake_pair_places(self, app: App) -> set[tuple[str, Location]]:
        """Where the halves of credential pairs judged fake as a whole are written."""
        places: set[tuple[str, Location]] = set()
        for function in app.functions:
            halves: dict[str, Setting[Any]] = {}
            literals: list[tuple[str, str]] = []
            for name, setting in function.environment.items():
                if pair_half(name) is None:
                    continue
                raw = raw_text(app, setting)
                literal = None if raw is None else literal_text(raw, setting.value)
                if literal is not None:
                    halves[name] = setting
                    literals.append((name, literal))
            places.update(setting_place(halves[name]) for name in fake_pairs(literals))
        return places

    def _problem(self, app: App, name: str, setting: Setting[Any]) -> str | None:
        raw = raw_text(app, setting)
        if raw is None or setting.value is None:
            return None
        literal = literal_text(raw, setting.value)
        if literal is not None:
            half = pair_half(name)
            if half is not None and half.is_id and fake_half(half, literal):
                return None  # not an access key id: a placeholder for a local emulator
            found = key_format(literal)
            if found is not None:
                return f"holds {found[0]} (`{found[1]}…`)"
            if secret_name(name) and not placeholder(literal) and not reference_like(literal):
                return f"holds a literal secret ({sized(len(literal))} literal)"
            return None
        # A serverless variable whose default (or `${self:...}` target) is written in this
        # file: only well-known key formats count, since defaults are mostly local values.
        if "${" in raw and "file(" not in raw:
            for text in (raw, setting.value if isinstance(setting.value, str) else ""):
                found = key_format(text)
                if found is not None:
                    return f"holds {found[0]} (`{found[1]}…`) written in the config"
        return None

    # -- JavaScript and TypeScript ---------------------------------------------------
    def check_javascript(self, module: JavaScriptModule) -> list[Diagnostic]:
        """The same names and formats in string literals: assigned to `const`/`let`/`var`
        or a property, given as an object key's value, a parameter default or a class
        field; well-known formats anywhere (RULES.md, Node.js section)."""
        return _JavaScriptSecrets(self, module).run()

    # -- code ---------------------------------------------------------------------
    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        # String literals already judged under a name: not judged again by their format.
        self._judged: set[int] = set()
        # Per statement block, the halves of credential pairs assigned in it: judged
        # together when the block ends.
        self._blocks: list[list[_Written]] = []
        self._in_tests = ctx is not None and in_tests(ctx.path)

    def visit_Module(self, node: cst.Module) -> None:
        self._blocks.append([])

    def leave_Module(self, original_node: cst.Module) -> None:
        self._pair_block()

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._blocks.append([])

    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        self._pair_block()

    def visit_Assign(self, node: cst.Assign) -> None:
        value = string_value(node.value)
        if value is None:
            return
        for target in node.targets:
            name = target_name(target.target)
            if name is not None:
                self._written(_Written(name, node.value, value), in_block=True)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        value = string_value(node.value) if node.value is not None else None
        name = target_name(node.target)
        if value is not None and name is not None and node.value is not None:
            self._written(_Written(name, node.value, value), in_block=True)

    def visit_Param(self, node: cst.Param) -> None:
        value = string_value(node.default) if node.default is not None else None
        if value is not None and node.default is not None:
            self._written(_Written(node.name.value, node.default, value), in_block=False)

    def visit_Dict(self, node: cst.Dict) -> None:
        written = []
        for element in node.elements:
            if isinstance(element, cst.DictElement):
                name = string_value(element.key)
                value = string_value(element.value)
                if name is not None and value is not None:
                    written.append(_Written(name, element.value, value))
        self._written_together(written)

    def visit_Call(self, node: cst.Call) -> None:
        written = []
        positional: list[tuple[cst.BaseExpression, str]] = []
        for arg in node.args:
            value = string_value(arg.value)
            if value is None:
                continue
            if arg.keyword is not None:
                written.append(_Written(arg.keyword.value, arg.value, value))
            elif not arg.star:
                positional.append((arg.value, value))
        self._written_together(written)
        if not positional:
            return
        called = self.ctx.qualified_name(node.func)
        if called in ENV_WRITES and len(node.args) >= 2:
            name, value_node = string_value(node.args[0].value), node.args[1].value
            value = string_value(value_node)
            if name is not None and value is not None:
                self._written(_Written(name, value_node, value), in_block=False)
        elif called in JWT_CALLS:
            self._jwt_key(node, called)
        self._secret_beside_key_id(positional)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self._format_anywhere(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> None:
        self._format_anywhere(node)

    # The judgement of one literal, and the pairs.
    def _written(self, written: _Written, *, in_block: bool) -> None:
        self._judged.add(id(written.node))
        if in_block and pair_half(written.name) is not None and self._blocks:
            parents = self.ctx.parents
            written.top = parents[1] if len(parents) > 1 else None
            self._blocks[-1].append(written)
            return
        self._judge(written)

    def _written_together(self, written: list[_Written]) -> None:
        """Literals written side by side (the keyword arguments of a call, the items of
        a dict): a credential pair among them is judged as one."""
        if not written:
            return
        fake = fake_pairs((item.name, item.value) for item in written)
        for item in written:
            if item.name in fake:
                self._judged.add(id(item.node))
            else:
                self._written(item, in_block=False)

    def _pair_block(self) -> None:
        written = self._blocks.pop() if self._blocks else []
        if not written:
            return
        fake = fake_pairs((item.name, item.value) for item in written)
        for item in written:
            if item.name not in fake:
                self._judge(item, top=item.top)

    def _judge(self, written: _Written, *, top: cst.CSTNode | None = None) -> None:
        found = code_key_format(written.value)
        if found is not None:
            self._report(written.node, f"String holds {found[0]} (`{found[1]}…`)", top)
            return
        if self._in_tests:
            return  # fixtures hold made-up credentials: only well-known formats count there
        half = pair_half(written.name)
        if half is not None and half.is_id:
            return  # an access key id without the format (that is reported above) is not one
        if not secret_name(written.name) or not code_secret_literal(written.value):
            return
        what = "an AWS secret access key" if half is not None else "a literal secret"
        self._report(
            written.node,
            f"`{written.name}` is {what} ({sized(len(written.value))} string)",
            top,
        )

    def _jwt_key(self, node: cst.Call, called: str) -> None:
        key: cst.BaseExpression | None = None
        for index, arg in enumerate(node.args):
            named_key = arg.keyword is not None and arg.keyword.value == "key"
            if named_key or (arg.keyword is None and not arg.star and index == 1):
                key = arg.value
        value = string_value(key) if key is not None else None
        if key is None or value is None or id(key) in self._judged:
            return
        self._judged.add(id(key))
        if code_key_format(value) is None and (self._in_tests or not code_secret_literal(value)):
            return
        self._report(
            key,
            f"The key passed to `{called}` is a literal JSON Web Token signing secret "
            f"({sized(len(value))} string)",
        )

    def _secret_beside_key_id(self, positional: list[tuple[cst.BaseExpression, str]]) -> None:
        """`Session("AKIA...", "<40 characters>")`: the secret half of a pair without names."""
        if not any(
            ACCESS_KEY_ID.fullmatch(value) and not placeholder(value) for _, value in positional
        ):
            return
        for node, value in positional:
            if id(node) in self._judged or not SECRET_ACCESS_KEY.fullmatch(value):
                continue
            if placeholder(value):
                continue
            self._judged.add(id(node))
            self._report(
                node, "String is an AWS secret access key (40 characters beside an access key id)"
            )

    def _format_anywhere(self, node: cst.SimpleString | cst.ConcatenatedString) -> None:
        if id(node) in self._judged or isinstance(self.ctx.parent, cst.Expr):
            return  # judged under its name already, or a docstring
        if isinstance(self.ctx.parent, cst.ConcatenatedString):
            return  # the whole concatenation is judged
        if not _may_hold_format(node):
            return  # most strings: one cheap search of the source text, no evaluation
        value = string_value(node)
        found = code_key_format(value) if value is not None else None
        if found is not None:
            self._judged.add(id(node))
            self._report(node, f"String holds {found[0]} (`{found[1]}…`)")

    def _report(self, node: cst.CSTNode, problem: str, top: cst.CSTNode | None = None) -> None:
        self.ctx.report(
            self,
            node,
            f"{problem}: anyone who can read the repository or the deployment package can "
            f"use it; {_CODE_FIX}.",
        )
        if top is not None:
            # Pairs are judged when their block ends; at the end of the module the
            # traversal no longer knows the statement that holds the literal.
            self.ctx.reports[-1].top = top
