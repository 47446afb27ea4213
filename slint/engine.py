"""The run: discover -> analyse -> resolve per-invocation findings -> suppress -> select."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from slint.api import CodeRule, ParseErrorRule, ParseFailure, UnusedSuppressionRule
from slint.config import ConfigResolver
from slint.diagnostics import Diagnostic, Location
from slint.discovery import SourceFile, discover
from slint.python.analyze import ModuleResult, PendingDiagnostic, analyze_module
from slint.python.facts import ModuleFacts
from slint.reachability import per_invocation
from slint.registry import Registry
from slint.suppression import Suppression, apply_suppressions, parse_suppressions


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Crashes of slint itself (not of one rule), one line each.
    errors: list[str] = field(default_factory=list)
    files_checked: int = 0

    @property
    def internal_error(self) -> bool:
        return bool(self.errors) or any(d.internal_error for d in self.diagnostics)


@dataclass
class _FileState:
    source_file: SourceFile
    codes: frozenset[str]
    result: ModuleResult = field(default_factory=ModuleResult)
    diagnostics: list[Diagnostic] = field(default_factory=list)


class Engine:
    def __init__(self, registry: Registry, resolver: ConfigResolver) -> None:
        self.registry = registry
        self.resolver = resolver
        self._codes: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}
        self._validated: set[int] = set()

    def enabled_codes(self, source_file: SourceFile) -> frozenset[str]:
        settings = source_file.settings
        if id(settings) not in self._validated:
            self.registry.validate(settings)
            self._validated.add(id(settings))
        extra = settings.ignored_for_file(source_file.path)
        key = (id(settings), extra)
        codes = self._codes.get(key)
        if codes is None:
            codes = self._codes[key] = self.registry.enabled(settings, extra)
        return codes

    def check_paths(self, paths: Sequence[str], *, force_exclude: bool = False) -> RunResult:
        files = discover(paths, self.resolver, force_exclude=force_exclude)
        return self.check_files(files)

    def check_files(self, files: Sequence[SourceFile]) -> RunResult:
        run = RunResult(files_checked=len(files))
        states = [_FileState(f, self.enabled_codes(f)) for f in files]
        for state in states:
            self._analyze(state, run)
        self._resolve_pending(states)
        for state in states:
            run.diagnostics.extend(self._finish(state))
        run.diagnostics.sort(key=lambda d: d.sort_key)
        return run

    def _analyze(self, state: _FileState, run: RunResult) -> None:
        source_file = state.source_file
        display = source_file.display
        try:
            data = source_file.path.read_bytes()
        except OSError as error:
            reason = error.strerror or str(error)
            failure = ParseFailure(display, f"cannot read file: {reason}", Location(1, 1))
            state.result = ModuleResult(failure=failure)
        else:
            rules = self.registry.of_kind(state.codes, CodeRule)
            try:
                state.result = analyze_module(display, data, source_file.settings, rules)
            except Exception as error:  # a bug in slint: report it, go on with the rest
                run.errors.append(f"{display}: internal error: {type(error).__name__}: {error}")
                return
        state.diagnostics.extend(state.result.diagnostics)
        if state.result.failure is not None:
            for rule in self.registry.of_kind(state.codes, ParseErrorRule):
                state.diagnostics.append(rule().diagnose(state.result.failure))

    def _resolve_pending(self, states: Sequence[_FileState]) -> None:
        modules: dict[Path, ModuleFacts] = {}
        handlers: dict[Path, tuple[str, ...]] = {}
        displays: dict[Path, str] = {}
        for state in states:
            facts = state.result.facts
            if facts is None:
                continue
            path = state.source_file.path
            modules[path] = facts
            handlers[path] = facts.convention_handlers
            displays[path] = state.source_file.display
        if not any(state.result.pending for state in states):
            return
        reached = per_invocation(modules, handlers)
        for state in states:
            path = state.source_file.path
            for pending in state.result.pending:
                reach = reached.get((path, pending.function_key))
                if reach is None:
                    continue
                state.diagnostics.append(
                    _with_reach(pending, reach.handler, path, modules, displays)
                )

    def _finish(self, state: _FileState) -> list[Diagnostic]:
        codes = state.codes
        diagnostics = [d for d in state.diagnostics if d.code in codes or d.internal_error]
        source = state.result.source
        if source is None:
            return diagnostics
        suppressions = parse_suppressions(source, "python")
        kept = apply_suppressions(diagnostics, suppressions)
        unused_rules = self.registry.of_kind(codes, UnusedSuppressionRule)
        if unused_rules and suppressions:
            kept.extend(self._unused(state, suppressions, unused_rules[0]()))
        return kept

    def _unused(
        self, state: _FileState, suppressions: list[Suppression], rule: UnusedSuppressionRule
    ) -> list[Diagnostic]:
        found = []
        display = state.source_file.display
        for suppression in suppressions:
            if suppression.codes is None:
                if not suppression.used:
                    message = "unused `slint: ignore` comment: nothing to suppress on that line"
                    found.append(rule.diagnose(display, suppression.location, message))
                continue
            unknown: list[str] = []
            unused: list[str] = []
            for selector in suppression.codes:
                matching = self.registry.matching(selector)
                if not matching:
                    unknown.append(selector)
                elif selector not in suppression.used and matching & state.codes:
                    unused.append(selector)
            parts = []
            if unused:
                parts.append("unused: " + ", ".join(unused))
            if unknown:
                parts.append("unknown: " + ", ".join(unknown))
            if parts:
                message = f"unused suppression ({'; '.join(parts)})"
                found.append(rule.diagnose(display, suppression.location, message))
        return found


def _with_reach(
    pending: PendingDiagnostic,
    handler: tuple[Path, str],
    path: Path,
    modules: dict[Path, ModuleFacts],
    displays: dict[Path, str],
) -> Diagnostic:
    diagnostic = pending.diagnostic
    handler_path, handler_key = handler
    if handler == (path, pending.function_key):
        return diagnostic
    line = modules[handler_path].functions[handler_key].line
    where = displays.get(handler_path, os.fspath(handler_path))
    return diagnostic.with_note(
        f"`{pending.function_key}` runs on every invocation of handler "
        f"`{handler_key}` at {where}:{line}"
    )
