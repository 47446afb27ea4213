"""Read, decode, parse and analyse one Python module."""

from __future__ import annotations

import ast
import io
import re
import sys
import tokenize
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, replace

import libcst as cst

from slint.api import CodeRule, ParseFailure
from slint.diagnostics import Diagnostic, Fix, Location, Severity, location_of_offset
from slint.facts import EMPTY
from slint.python.behaviour import MODULE_KEY, behaviours
from slint.python.context import ModuleContext
from slint.python.facts import ModuleFacts
from slint.python.imports import module_imports
from slint.python.traversal import Traversal
from slint.python.walk import walk
from slint.settings import Settings


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


def decode_source(path: str, data: bytes) -> str | ParseFailure:
    """Decode a module's bytes as Python would (PEP 263 cookie, BOM, else UTF-8)."""
    nul = data.find(b"\0")
    if nul >= 0:
        return ParseFailure(
            path, "file contains NUL bytes; is it a binary file?", location_of_offset(data, nul)
        )
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        return ParseFailure(
            path, f"cannot decode file: {error.msg}", Location(error.lineno or 1, 1)
        )
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        return ParseFailure(
            path,
            f"cannot decode file as {encoding}: invalid byte 0x{data[error.start]:02x}",
            location_of_offset(data, error.start),
        )
    except LookupError:
        return ParseFailure(path, f"unknown encoding {encoding!r}", Location(1, 1))
    return text


def _cpython_syntax_error(path: str, text: str) -> ParseFailure | None:
    try:
        compile(text, path, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except SyntaxError as error:
        return ParseFailure(
            path,
            f"syntax error: {error.msg}",
            Location(max(error.lineno or 1, 1), max(error.offset or 1, 1)),
        )
    except (ValueError, RecursionError, MemoryError):
        return None
    return None


# Errors that CPython's compiler (not its grammar) raises, the same on every Python 3
# version: libcst's grammar accepts such a file, yet Lambda fails to import it.
_COMPILER_ERRORS = re.compile(
    r"^('(return|yield|await|async with|async for|break|continue)' (outside|not properly in)"
    r"|asynchronous comprehension outside"
    r"|'yield from' inside async function"
    r"|'return' with value in async generator"
    r"|duplicate argument"
    r"|nonlocal declaration not allowed at module level"
    r"|no binding for nonlocal"
    r"|name '[^']*' is (parameter and (global|nonlocal)"
    r"|(used|assigned to) prior to (global|nonlocal) declaration))"
)


def _compiler_error(path: str, text: str) -> tuple[ParseFailure | None, ast.Module | None]:
    """A compile-time error in a file that libcst parsed (`return` or `async with`
    outside a function, a duplicate parameter): a syntax error when Lambda imports it.
    Also the module's `ast`, which the behaviour facts read: parsed once for both."""
    tree: ast.Module | None = None
    try:
        with warnings.catch_warnings():
            # `"\d"` and the like: a SyntaxWarning printed on 3.12+, not slint's output.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, path)
            compile(tree, path, "exec", dont_inherit=True)
    except SyntaxError as error:
        if _COMPILER_ERRORS.match(error.msg or ""):
            return ParseFailure(
                path,
                f"syntax error: {error.msg}",
                Location(max(error.lineno or 1, 1), max(error.offset or 1, 1)),
            ), None
    except (ValueError, RecursionError, MemoryError):
        pass
    return None, tree


def parse_source(path: str, text: str) -> cst.Module | ParseFailure:
    """The module's libcst tree (compile-time errors are `_compiler_error`'s business)."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        # CPython's parser says what is wrong, and where, far better than libcst's.
        better = _cpython_syntax_error(path, text)
        if better is not None:
            return better
        message = " ".join(error.message.split())
        return ParseFailure(
            path,
            f"syntax error: {message}",
            Location(max(error.editor_line, 1), max(error.editor_column, 1)),
        )
    except RecursionError:
        return ParseFailure(path, "syntax error: too deeply nested to parse", Location(1, 1))
    except Exception as error:  # libcst's parser can fail on input it does not support
        return ParseFailure(path, f"cannot parse: {error}".splitlines()[0], Location(1, 1))
    return module


def analyze_module(
    path: str, data: bytes, settings: Settings, rule_classes: Sequence[type[CodeRule]]
) -> ModuleResult:
    text = decode_source(path, data)
    if isinstance(text, ParseFailure):
        return ModuleResult(failure=text)
    module = parse_source(path, text)
    if isinstance(module, ParseFailure):
        return ModuleResult(failure=module, source=text)
    failure, tree = _compiler_error(path, text)
    if failure is not None:
        return ModuleResult(failure=failure, source=text)
    try:
        return _analyze_parsed(path, text, module, settings, rule_classes, tree)
    except RecursionError:
        pass
    # Long operator chains (`a + b + ...` over a thousand terms, in generated code)
    # nest deeper than Python's default recursion limit. libcst's visitor recurses in
    # Python code only, which since 3.11 does not grow the C stack: retry with room.
    if sys.version_info >= (3, 11):
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
        try:
            return _analyze_parsed(path, text, module, settings, rule_classes, tree)
        except RecursionError:
            pass
        finally:
            sys.setrecursionlimit(old_limit)
    return ModuleResult(
        failure=ParseFailure(path, "module too deeply nested to analyse", Location(1, 1)),
        source=text,
    )


_DEEP_RECURSION_LIMIT = 30_000


def _analyze_parsed(
    path: str,
    text: str,
    module: cst.Module,
    settings: Settings,
    rule_classes: Sequence[type[CodeRule]],
    tree: ast.Module | None = None,
) -> ModuleResult:
    ctx = ModuleContext(path, text, module, settings)
    rules = [rule_class(ctx) for rule_class in rule_classes]
    traversal = Traversal(ctx, rules)
    walk(module, traversal, traversal.wanted_trivial_types)
    diagnostics: list[Diagnostic] = []
    pending: list[PendingDiagnostic] = []
    for report in ctx.reports:
        positions = ctx.positions
        if report.top is not None:
            positions.prepare(report.top)
        fix = report.fix
        if fix is not None and not isinstance(fix, Fix):
            try:
                fix = fix(positions)
            except Exception:
                fix = None  # a fix that cannot be built is not offered; the finding stands
        diagnostic = report.rule.make_diagnostic(
            path,
            positions.start(report.node),
            positions.end(report.node),
            report.message,
            fix=fix,
            severity=report.severity,
        )
        if report.function_key is None:
            diagnostics.append(diagnostic)
        else:
            pending.append(PendingDiagnostic(report.function_key, diagnostic))
    for crash in traversal.crashes:
        if crash.top is not None:
            ctx.positions.prepare(crash.top)
        start = ctx.positions.start(crash.node)
        diagnostics.append(
            Diagnostic(
                code=crash.rule.code,
                name=crash.rule.name,
                severity=Severity.ERROR,
                message=(
                    f"internal error in rule {crash.rule.code} ({crash.rule.name}): "
                    f"{type(crash.error).__name__}: {crash.error}"
                ),
                path=path,
                start=start,
                end=start,
                internal_error=True,
            )
        )
    return ModuleResult(
        tuple(diagnostics),
        tuple(pending),
        with_behaviour(traversal.facts(), text, tree),
        None,
        text,
    )


def with_behaviour(facts: ModuleFacts, source: str, tree: ast.Module | None) -> ModuleFacts:
    """Module facts with what each function does (`slint.facts.Behaviour`) and what its
    module-level imports load and where their names are read."""
    if tree is None:
        return facts
    found = behaviours(source, tree)
    functions = {
        key: replace(function, behaviour=found[key]) if key in found else function
        for key, function in facts.functions.items()
    }
    return replace(
        facts,
        functions=functions,
        module_imports=module_imports(source, tree),
        module_behaviour=found.get(MODULE_KEY, EMPTY),
    )
