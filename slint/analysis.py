"""What analysing one module gives, whatever its language (`slint.python.analyze`,
`slint.javascript.analyze`): picklable, so that workers and the cache return it."""

from __future__ import annotations

from dataclasses import dataclass

from slint.api import ParseFailure
from slint.diagnostics import Diagnostic
from slint.facts import ModuleFacts


@dataclass(frozen=True)
class PendingDiagnostic:
    """A finding that is real only if `function_key` runs on every invocation."""

    function_key: str
    diagnostic: Diagnostic


@dataclass(frozen=True)
class ModuleResult:
    diagnostics: tuple[Diagnostic, ...] = ()
    pending: tuple[PendingDiagnostic, ...] = ()
    facts: ModuleFacts | None = None
    failure: ParseFailure | None = None
    source: str | None = None
