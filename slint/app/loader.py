"""Load a recognised config file into an App."""

from __future__ import annotations

from pathlib import Path

from slint.api import ParseFailure
from slint.app.cloudformation import load_template
from slint.app.model import App
from slint.app.serverless import load_serverless
from slint.app.yamlpos import YamlError, YMap, load, shared_value_problem
from slint.diagnostics import Location


def load_config(path: Path, display: str, text: str, kind: str) -> App | ParseFailure | None:
    """Load a recognised config; a ParseFailure for YAML errors; None if it is not ours.

    Also a ParseFailure for a config that resolving its variables (values put in by
    reference) makes too big or too deep for the rules to walk: the limits of YAML
    aliases, applied to the resolved document (slint.app.yamlpos)."""
    try:
        document = load(text, display)
    except YamlError as error:
        return ParseFailure(display, f"{error.syntax} error: {error.message}", error.location)
    if not isinstance(document, YMap):
        if kind == "serverless":
            return ParseFailure(display, "serverless.yml must be a mapping", Location(1, 1))
        return None
    if kind == "serverless":
        app = load_serverless(path, display, document, text)
    elif "Resources" not in document:
        return None
    else:
        app = load_template(path, display, document, text)
    if app is None:
        return None
    problem = shared_value_problem(app.document)
    if problem is not None:
        message, location = problem
        return ParseFailure(display, message, location)
    return app
