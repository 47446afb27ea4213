"""Recognise config files by content and load them into an App."""

from __future__ import annotations

import re
from pathlib import Path

from slint.api import ParseFailure
from slint.app.cloudformation import load_template
from slint.app.model import App
from slint.app.serverless import load_serverless
from slint.app.yamlpos import YamlError, YMap, load
from slint.diagnostics import Location

CONFIG_SUFFIXES = frozenset({".yml", ".yaml", ".json", ".template"})
SERVERLESS_NAMES = frozenset({"serverless.yml", "serverless.yaml"})
# A template names Lambda functions; anything else is not ours.
_TEMPLATE_MARKERS = (
    "AWS::Serverless::Function",
    "AWS::Lambda::Function",
    "AWS::Serverless-2016-10-31",
)
_RESOURCES = re.compile(r"""^(?:Resources|\s*"Resources")\s*:""", re.M)


def looks_like_config(path: Path, text: str) -> str | None:
    """ "serverless", "template" or None, from the name and a cheap look at the text."""
    if path.name in SERVERLESS_NAMES:
        return "serverless"
    if path.suffix not in CONFIG_SUFFIXES:
        return None
    if not any(marker in text for marker in _TEMPLATE_MARKERS):
        return None
    if _RESOURCES.search(text) is None:
        return None
    return "template"


def load_config(path: Path, display: str, text: str, kind: str) -> App | ParseFailure | None:
    """Load a recognised config; a ParseFailure for YAML errors; None if it is not ours."""
    try:
        document = load(text, display)
    except YamlError as error:
        return ParseFailure(display, f"YAML error: {error.message}", error.location)
    if not isinstance(document, YMap):
        if kind == "serverless":
            return ParseFailure(display, "serverless.yml must be a mapping", Location(1, 1))
        return None
    if kind == "serverless":
        return load_serverless(path, display, document, text)
    if "Resources" not in document:
        return None
    return load_template(path, display, document, text)
