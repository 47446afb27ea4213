"""Recognise config files by name and a cheap look at their bytes (no YAML parse).

A template is recognised by what it holds, whatever its name: it must mention a
Lambda function type (or the SAM transform), or a Lambda resource that wires up a
function deployed elsewhere (an event source mapping, an invoke config, or an IAM
role that `lambda.amazonaws.com` may assume), and have a top-level `Resources` key
(anywhere in a JSON document). A large YAML file that is not a template is rejected
before any parse: by its size, else by a substring search over the bytes already read.
"""

from __future__ import annotations

import re
import stat
from pathlib import Path

CONFIG_SUFFIXES = frozenset({".yml", ".yaml", ".json", ".template"})
SERVERLESS_NAMES = frozenset({"serverless.yml", "serverless.yaml", "serverless.json"})
# How much of a file is read to tell a template (CloudFormation refuses templates
# above 1 MB, S3-hosted; CDK output stays below it).
_MAX_TEMPLATE_BYTES = 8 * 1024 * 1024
_TEMPLATE_MARKERS = (
    b"AWS::Serverless::Function",
    b"AWS::Lambda::Function",
    b"AWS::Serverless-2016-10-31",
    # A template without a function of its own (slint.app.cloudformation, external
    # functions): the wiring of a function that another stack deploys.
    b"AWS::Lambda::EventSourceMapping",
    b"AWS::Lambda::EventInvokeConfig",
)
# An execution role for functions deployed elsewhere: both must appear.
_ROLE_MARKERS = (b"AWS::IAM::Role", b"lambda.amazonaws.com")
# YAML: a top-level key (column 1), plain or quoted.
_YAML_RESOURCES = re.compile(
    rb"""^(?:\xef\xbb\xbf)?(?:Resources|"Resources"|'Resources')[ \t]*:""", re.M
)
# JSON: the key anywhere (minified output has no lines).
_JSON_RESOURCES = re.compile(rb""""Resources"\s*:""")
_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\{")


def _looks_like_template(data: bytes) -> bool:
    if not any(marker in data for marker in _TEMPLATE_MARKERS) and not all(
        marker in data for marker in _ROLE_MARKERS
    ):
        return False
    if _JSON_START.match(data):
        return _JSON_RESOURCES.search(data) is not None
    return _YAML_RESOURCES.search(data) is not None


def looks_like_config(path: Path, text: str) -> str | None:
    """`serverless`, `template` or None."""
    if path.name in SERVERLESS_NAMES:
        return "serverless"
    if path.suffix not in CONFIG_SUFFIXES:
        return None
    return "template" if _looks_like_template(text.encode("utf-8", "replace")) else None


def config_kind(path: Path) -> str | None:
    """The kind of config file at `path`, reading at most what the check needs."""
    if path.name in SERVERLESS_NAMES:
        return "serverless"
    if path.suffix not in CONFIG_SUFFIXES:
        return None
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            return None  # a FIFO would block the open
        # Of a huge file, the start: the engine then reports it too big to check, rather
        # than it being passed over in silence as no config.
        with path.open("rb") as stream:
            data = stream.read(_MAX_TEMPLATE_BYTES)
    except OSError:
        return None
    return "template" if _looks_like_template(data) else None
