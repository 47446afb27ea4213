"""Read, decode, parse and analyse one Python module."""

from __future__ import annotations

import ast
import io
import re
import sys
import threading
import tokenize
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TypeVar

import libcst as cst

from slint.analysis import ModuleResult, PendingDiagnostic
from slint.api import CodeRule, ParseFailure
from slint.diagnostics import Diagnostic, Fix, Location, location_of_offset
from slint.facts import EMPTY
from slint.python.behaviour import MODULE_KEY, behaviours
from slint.python.context import ModuleContext
from slint.python.facts import ModuleFacts
from slint.python.imports import module_imports
from slint.python.traversal import Traversal
from slint.python.walk import walk
from slint.settings import Settings


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


# What CPython's tokenizer refuses on every supported version (3.10 to 3.13): more
# than 200 brackets open at once, more than 100 levels of indentation. libcst's native
# parser has no such limits and crashes the whole process (a stack overflow) on about
# 1,500 nested parentheses, so such a module never reaches it.
_NESTING_ERRORS = re.compile(r"^too many (nested parentheses|levels of indentation)")

# How deeply a module's syntax may nest (operator, call, attribute and subscript
# chains, `not not ...`, lambdas), counted by `nesting_depth`. Beyond
# `MAX_NESTING_DEPTH` the module is an SL000, the same on every Python version: CPython
# 3.11 and 3.12 fail to parse chains of about 2,980 levels (a RecursionError), 3.10
# and 3.13 parse them, libcst crashes on 3,400 nested lambdas or 7,000 `+` and takes
# seconds to minutes on a few thousand chained subscripts. Beyond `RISKY_NESTING_DEPTH`
# libcst's parser runs in a child process (`slint.isolation`), so that a crash nobody
# predicted costs that file an SL000, not the run. Hand-written code nests 10 to 30
# levels; the margin keeps every ordinary module in-process, where it is cheapest.
MAX_NESTING_DEPTH = 2_500
RISKY_NESTING_DEPTH = 400

# A node on one line shorter than this many bytes is not walked into: each level of
# nesting takes at least a byte (`-`, `.`, `(`), so its width is counted instead, which
# over-estimates by less than this. Most statements are such lines: the measure costs
# a small fraction of a walk over the whole tree (9 ms for Powertools' 397 examples).
_SHORT_NODE_BYTES = 64


def nesting_depth(tree: ast.Module, stop_above: int = MAX_NESTING_DEPTH) -> int:
    """How deeply the module nests, about: the ast's depth (an `a or b or c` counts a
    level per operand, as libcst nests it), over-estimated by less than
    `_SHORT_NODE_BYTES`. Stops counting once the depth passes `stop_above`."""
    deepest = 0
    short = _SHORT_NODE_BYTES
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, ast.BoolOp):
            depth += len(node.values) - 1
        depth += 1
        for child in ast.iter_child_nodes(node):
            end = getattr(child, "end_col_offset", None)
            if end is not None and child.lineno == child.end_lineno:  # type: ignore[attr-defined]
                width: int = end - child.col_offset  # type: ignore[attr-defined]
                if width < short:
                    if depth + width > deepest:
                        deepest = depth + width
                    continue
            stack.append((child, depth))
        if depth > deepest:
            deepest = depth
        if deepest > stop_above:
            break
    return deepest


@dataclass(frozen=True)
class SourceModule:
    """A decoded module with CPython's reading of it: what decides whether libcst may
    parse it, and where (`risky`: in a child process, see `slint.isolation`)."""

    path: str
    text: str
    # CPython's ast (None: CPython cannot parse the module; libcst may, if the module
    # uses syntax newer than the running Python).
    tree: ast.Module | None
    # CPython's syntax error: reported only if libcst fails too, or if it is one of the
    # errors that libcst's grammar accepts (`_COMPILER_ERRORS`).
    syntax_error: SyntaxError | None
    depth: int

    @property
    def risky(self) -> bool:
        return self.depth > RISKY_NESTING_DEPTH


def _syntax_failure(path: str, error: SyntaxError) -> ParseFailure:
    return ParseFailure(
        path,
        f"syntax error: {error.msg}",
        Location(max(error.lineno or 1, 1), max(error.offset or 1, 1)),
    )


def _too_deep(path: str, text: str) -> ModuleResult:
    return ModuleResult(
        failure=ParseFailure(
            path,
            "module too deeply nested for slint to analyse (more than "
            f"{MAX_NESTING_DEPTH:,} levels of operators, calls or brackets)",
            Location(1, 1),
        ),
        source=text,
    )


def read_module(path: str, data: bytes) -> SourceModule | ModuleResult:
    """Decode a module and let CPython parse it, before libcst's native parser sees it:
    a module CPython refuses for its nesting, or one nested beyond
    `MAX_NESTING_DEPTH`, is an SL000 here (a `ModuleResult` with its failure)."""
    text = decode_source(path, data)
    if isinstance(text, ParseFailure):
        return ModuleResult(failure=text)
    tree: ast.Module | None = None
    syntax_error: SyntaxError | None = None
    try:
        with warnings.catch_warnings():
            # `"\d"` and the like: a SyntaxWarning printed on 3.12+, not slint's output.
            warnings.simplefilter("ignore")
            tree = ast.parse(text, path)
    except SyntaxError as error:
        if _NESTING_ERRORS.match(error.msg or ""):
            return ModuleResult(failure=_syntax_failure(path, error), source=text)
        syntax_error = error
    except RecursionError:
        # CPython 3.11 and 3.12 give up on chains of about 2,980 levels, which are
        # beyond `MAX_NESTING_DEPTH` (3.10 and 3.13 parse them and `nesting_depth`
        # finds them too deep): the same SL000 on every version.
        return _too_deep(path, text)
    except MemoryError:
        # "Parser stack overflowed": CPython 3.10 to 3.13 alike refuse some mixes of
        # brackets and lambdas or conditionals a few hundred deep. Lambda's Python
        # cannot import such a module either.
        failure = ParseFailure(
            path, "syntax error: Python source too complex to parse", Location(1, 1)
        )
        return ModuleResult(failure=failure, source=text)
    except ValueError:
        pass  # NUL bytes are decode_source's business; nothing else raises it
    depth = nesting_depth(tree) if tree is not None else 0
    if depth > MAX_NESTING_DEPTH:
        return _too_deep(path, text)
    if tree is None and len(text) > RISKY_NESTING_DEPTH:
        # No ast to measure (syntax newer than this Python, or a syntax error before
        # CPython would have seen too many brackets): libcst runs in a child.
        depth = RISKY_NESTING_DEPTH + 1
    return SourceModule(path, text, tree, syntax_error, depth)


def parse_source(
    path: str, text: str, syntax_error: SyntaxError | None = None
) -> cst.Module | ParseFailure:
    """The module's libcst tree (compile-time errors are `_compiler_error`'s business)."""
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as error:
        # CPython's parser says what is wrong, and where, far better than libcst's.
        if syntax_error is not None:
            return _syntax_failure(path, syntax_error)
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


def _compiler_error(source: SourceModule) -> ParseFailure | None:
    """A compile-time error in a file that libcst parsed (`return` or `async with`
    outside a function, a duplicate parameter): a syntax error when Lambda imports it."""
    error = source.syntax_error
    if source.tree is not None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                compile(source.tree, source.path, "exec", dont_inherit=True)
        except SyntaxError as compile_error:
            error = compile_error
        except (ValueError, RecursionError, MemoryError):
            pass
    if error is not None and _COMPILER_ERRORS.match(error.msg or ""):
        return _syntax_failure(source.path, error)
    return None


def analyze_module(
    path: str, data: bytes, settings: Settings, rule_classes: Sequence[type[CodeRule]]
) -> ModuleResult:
    """Analyse one module in this process (`slint.isolation` decides where to call it)."""
    source = read_module(path, data)
    if isinstance(source, ModuleResult):
        return source
    return analyze_source(source, settings, rule_classes)


def analyze_source(
    source: SourceModule, settings: Settings, rule_classes: Sequence[type[CodeRule]]
) -> ModuleResult:
    path, text, tree = source.path, source.text, source.tree
    module = parse_source(path, text, source.syntax_error)
    if isinstance(module, ParseFailure):
        return ModuleResult(failure=module, source=text)
    failure = _compiler_error(source)
    if failure is not None:
        return ModuleResult(failure=failure, source=text)
    try:
        return _analyze_parsed(path, text, module, settings, rule_classes, tree)
    except RecursionError:
        pass
    # Long operator chains (`a + b + ...` over a thousand terms, in generated code)
    # nest deeper than Python's default recursion limit: retry with room.
    try:
        return _with_deep_recursion(
            lambda: _analyze_parsed(path, text, module, settings, rule_classes, tree)
        )
    except RecursionError:
        pass
    return ModuleResult(
        failure=ParseFailure(path, "module too deeply nested to analyse", Location(1, 1)),
        source=text,
    )


# The recursion limit for the retry. A module just under `MAX_NESTING_DEPTH` needs up
# to about three Python frames per level of nesting (measured on 3.10: 2,400 chained
# `+` need a limit of 6,000, 2,400 concatenated strings under 8,000): 7,500 at most.
_DEEP_RECURSION_LIMIT = 30_000
# The C stack of the thread the retry runs in. Before 3.11 every Python call also
# recurses in C: CPython 3.10 takes 480 to 860 bytes of C stack per level of recursion
# (measured on x86-64: plain calls, properties, calls through `map`), so 30,000 levels
# need about 26 MB; the main thread's stack (8 MB on Linux, often less elsewhere) would
# overflow, killing the process, before Python's RecursionError. 3.11+ run Python calls
# without C recursion, but calls through C (properties, `__eq__`, builtins) still take
# C stack. The margin is ten-fold; the memory is reserved, not used, until touched.
_DEEP_STACK_BYTES = 256 * 1024 * 1024
# One deep retry at a time: the recursion limit is the interpreter's, not the thread's,
# and each retry restores the limit it found (an editor's server analyses from threads).
_DEEP_LOCK = threading.Lock()

_T = TypeVar("_T")


def _with_deep_recursion(work: Callable[[], _T]) -> _T:
    """`work()` with a recursion limit of `_DEEP_RECURSION_LIMIT`, in a thread whose C
    stack holds that much recursion: it raises RecursionError, never overflows the stack.
    RecursionError too if the thread cannot start (no memory for its stack)."""
    outcome: list[_T] = []
    failure: list[BaseException] = []

    def run() -> None:
        old_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(old_limit, _DEEP_RECURSION_LIMIT))
        try:
            outcome.append(work())
        except BaseException as error:  # re-raised in the caller's thread
            failure.append(error)
        finally:
            sys.setrecursionlimit(old_limit)

    with _DEEP_LOCK:
        old_size = threading.stack_size()
        try:
            threading.stack_size(_DEEP_STACK_BYTES)
            thread = threading.Thread(target=run, name="slint-deep-analysis", daemon=True)
            thread.start()
        except (ValueError, RuntimeError, MemoryError) as error:
            # A platform that refuses such a stack, or no memory for it.
            raise RecursionError(f"no thread with a deep stack: {error}") from error
        finally:
            threading.stack_size(old_size)
        thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


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
        diagnostics.append(crash.rule.internal_error(path, crash.error, start))
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
