"""What counts as logging, for the rules that look at log calls (SL209, SL502)."""

from __future__ import annotations

# Logger methods (logging, Powertools Logger, structlog, loguru) whose arguments end up
# in a record; `append_keys` adds its keywords to every later record of Powertools.
LOG_METHODS = frozenset(
    {
        "debug",
        "info",
        "warning",
        "warn",
        "error",
        "exception",
        "critical",
        "fatal",
        "log",
        "append_keys",
    }
)
