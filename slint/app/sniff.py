"""Recognise config files by name and a cheap look at their text (no YAML parse).

A template is recognised by what it holds, whatever its name: it must mention a
Lambda function type (or the SAM transform) and have a top-level `Resources` key.
A large YAML file that is not a template is rejected before any parse.
"""

from __future__ import annotations

import re
from pathlib import Path

CONFIG_SUFFIXES = frozenset({".yml", ".yaml", ".json", ".template"})
SERVERLESS_NAMES = frozenset({"serverless.yml", "serverless.yaml"})
_MAX_TEMPLATE_BYTES = 8 * 1024 * 1024
_TEMPLATE_MARKERS = (
    "AWS::Serverless::Function",
    "AWS::Lambda::Function",
    "AWS::Serverless-2016-10-31",
)
_RESOURCES = re.compile(r"""^(?:Resources|\s*"Resources")\s*:""", re.M)


def looks_like_config(path: Path, text: str) -> str | None:
    """`serverless`, `template` or None."""
    if path.name in SERVERLESS_NAMES:
        return "serverless"
    if path.suffix not in CONFIG_SUFFIXES:
        return None
    if not any(marker in text for marker in _TEMPLATE_MARKERS):
        return None
    if _RESOURCES.search(text) is None:
        return None
    return "template"


def config_kind(path: Path) -> str | None:
    """The kind of config file at `path`, reading at most what the check needs."""
    if path.name in SERVERLESS_NAMES:
        return "serverless"
    if path.suffix not in CONFIG_SUFFIXES:
        return None
    try:
        if path.stat().st_size > _MAX_TEMPLATE_BYTES:
            return None
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return looks_like_config(path, text)
