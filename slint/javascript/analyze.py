"""Read, decode, parse and analyse one JavaScript or TypeScript module."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from slint.analysis import ModuleResult, PendingDiagnostic
from slint.api import CodeRule, ParseFailure
from slint.diagnostics import Diagnostic, Location, location_of_offset
from slint.facts import ModuleFacts
from slint.javascript.grammar import Positions, error_message, first_error, grammar_of, parse
from slint.settings import Settings

if TYPE_CHECKING:
    import tree_sitter

_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True)
class JavaScriptModule:
    """What a code rule's `check_javascript` reads: one parsed module and its facts."""

    path: str  # as displayed
    data: bytes  # UTF-8, without a byte order mark
    text: str
    grammar: str  # "javascript", "typescript" or "tsx"
    tree: tree_sitter.Tree
    positions: Positions
    facts: ModuleFacts
    settings: Settings


def decode_javascript(path: str, data: bytes) -> tuple[bytes, str] | ParseFailure:
    """The module's bytes without a BOM and its text; Node.js reads UTF-8 only."""
    if data.startswith(_BOM):
        data = data[len(_BOM) :]
    nul = data.find(b"\0")
    if nul >= 0:
        return ParseFailure(
            path, "file contains NUL bytes; is it a binary file?", location_of_offset(data, nul)
        )
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as error:
        return ParseFailure(
            path,
            f"cannot decode file as UTF-8: invalid byte 0x{data[error.start]:02x}",
            location_of_offset(data, error.start),
        )


def analyze_javascript(
    path: str, data: bytes, settings: Settings, rule_classes: Sequence[type[CodeRule]]
) -> ModuleResult:
    """Analyse one module: a syntax error (tree-sitter's first error node) is an SL000
    and the module has no facts, as for Python."""
    grammar = grammar_of(path) or "javascript"
    decoded = decode_javascript(path, data)
    if isinstance(decoded, ParseFailure):
        return ModuleResult(failure=decoded)
    data, text = decoded
    tree = parse(data, grammar)
    positions = Positions(data)
    error = first_error(tree.root_node)
    if error is not None:
        failure = ParseFailure(path, error_message(error, positions), positions.start(error))
        return ModuleResult(failure=failure, source=text)
    from slint.javascript.module import module_facts

    try:
        facts = module_facts(path, data, tree, positions)
    except RecursionError:
        # Deeply nested code (long `+` chains, nested calls in generated code): again
        # with room, in a thread whose stack holds it, as for Python.
        from slint.python.analyze import _with_deep_recursion

        try:
            facts = _with_deep_recursion(lambda: module_facts(path, data, tree, positions))
        except RecursionError:
            failure = ParseFailure(path, "module too deeply nested to analyse", Location(1, 1))
            return ModuleResult(failure=failure, source=text)
    module = JavaScriptModule(path, data, text, grammar, tree, positions, facts, settings)
    diagnostics: list[Diagnostic] = []
    pending: list[PendingDiagnostic] = []
    for rule_class in rule_classes:
        if rule_class.check_javascript is CodeRule.check_javascript:
            continue
        rule = rule_class()
        try:
            for found in rule.check_javascript(module):
                if isinstance(found, PendingDiagnostic):
                    pending.append(found)
                else:
                    diagnostics.append(found)
        except Exception as crash:  # one rule's bug must not cost the others
            diagnostics.append(rule.internal_error(path, crash))
    return ModuleResult(tuple(diagnostics), tuple(pending), facts, None, text)
