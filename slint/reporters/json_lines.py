"""One JSON object per line, each the shape of one element of `json`."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slint.diagnostics import Diagnostic
from slint.reporters import ReportOptions
from slint.reporters.json import records


def render(diagnostics: Sequence[Diagnostic], options: ReportOptions) -> str:
    return "".join(json.dumps(record) + "\n" for record in records(diagnostics, options))
