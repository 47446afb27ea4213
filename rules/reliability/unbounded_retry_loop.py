from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.diagnostics import Diagnostic, Location
from slint.facts import Call
from slint.javascript.behaviour import FUNCTION_NODES, pattern_names, strip_await
from slint.javascript.behaviour import kids as js_kids
from slint.javascript.behaviour import parameter_names as js_parameter_names
from slint.javascript.grammar import node_text
from slint.python.context import dotted_name

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule
    from slint.python.context import ModuleContext

# Retry decorators and retrier classes, by qualified name -> the keyword arguments of
# which any one bounds the retries. Each of these libraries retries forever by default.
RETRIERS: dict[str, tuple[str, ...]] = {
    "tenacity.retry": ("stop",),
    "tenacity.Retrying": ("stop",),
    "tenacity.AsyncRetrying": ("stop",),
    "tenacity.asyncio.AsyncRetrying": ("stop",),
    "tenacity.TornadoRetrying": ("stop",),
    "tenacity.tornadoweb.TornadoRetrying": ("stop",),
    "backoff.on_exception": ("max_tries", "max_time"),
    "backoff.on_predicate": ("max_tries", "max_time"),
    "backoff._decorator.on_exception": ("max_tries", "max_time"),
    "backoff._decorator.on_predicate": ("max_tries", "max_time"),
    # tenacity's predecessor, still common in older code.
    "retrying.retry": ("stop", "stop_func", "stop_max_attempt_number", "stop_max_delay"),
    "retrying.Retrying": ("stop", "stop_func", "stop_max_attempt_number", "stop_max_delay"),
}
# Usable as a bare decorator (`@retry`), which retries forever.
BARE_DECORATORS = frozenset({"tenacity.retry", "retrying.retry"})
# A `stop=` that bounds nothing.
STOP_NEVER = frozenset({"tenacity.stop_never", "tenacity.stop.stop_never"})

# botocore's client configuration, and the `retries` keys that count attempts.
BOTO_CONFIGS = frozenset(
    {
        "botocore.config.Config",
        "botocore.client.Config",
        "boto3.session.Config",
        "aiobotocore.config.AioConfig",
    }
)
ATTEMPT_KEYS = ("max_attempts", "total_max_attempts")

# The last name of every callee above: calls whose name is none of these are skipped
# before any name is resolved (this rule sees every call of every module).
_CALLEE_NAMES = frozenset(name.rpartition(".")[2] for name in (*RETRIERS, *BOTO_CONFIGS))

# Calls that read a clock: a comparison with one is a deadline.
TIME_SOURCES = frozenset(
    {
        "time.time",
        "time.time_ns",
        "time.monotonic",
        "time.monotonic_ns",
        "time.perf_counter",
        "time.perf_counter_ns",
        "timeit.default_timer",
        "datetime.datetime.now",
        "datetime.datetime.utcnow",
        "datetime.datetime.today",
        "arrow.now",
        "arrow.utcnow",
        "pendulum.now",
        "asyncio.get_event_loop().time",
        "asyncio.get_running_loop().time",
    }
)
REMAINING_TIME = "get_remaining_time_in_millis"
_CLOCK_NAMES = frozenset(name.rpartition(".")[2] for name in TIME_SOURCES)

# How to bound each library's retries, for the messages.
_BOUND_ADVICE = {
    "tenacity": "add `stop=stop_after_attempt(n)` or `stop=stop_after_delay(seconds)`",
    "backoff": "add `max_tries=n` or `max_time=seconds`",
    "retrying": "add `stop_max_attempt_number=n` or `stop_max_delay=milliseconds`",
}

# Names that, tested where the loop can be left, say the author bounded it (a counter
# bumped in a helper, a deadline computed elsewhere): the rule stays silent for them.
_BOUND_NAME = re.compile(
    r"attempt|retr(y|ies)|tries|tried|deadline|time_?out|elapsed|remaining|time_?left"
    r"|expir|give_?up|budget|max_|limit(?!ed)",
    re.IGNORECASE,
)

# Calls that end the process: like a `raise`, they leave the loop.
_EXIT_CALLS = frozenset({"sys.exit", "os._exit", "exit", "quit", "os.abort"})
# Calls that read the next input (a line, a message, an item): a loop around them
# moves on to new input after a failure instead of retrying the same call.
_INPUT_READS = frozenset(
    {"next", "anext", "input", "readline", "recv", "recvfrom", "accept", "getpass"}
)


def _reads_input(call: cst.Call) -> bool:
    """`next(it)`, `stream.readline()`, `sock.accept()`, `os.read(fd, n)`: a call that
    takes the next piece of input, so that calling it again is no retry."""
    func = call.func
    if _last_name(func) in _INPUT_READS:
        return True
    return (
        isinstance(func, cst.Attribute)
        and func.attr.value == "read"
        and isinstance(func.value, cst.Name)
        and func.value.value == "os"
    )


# Exceptions that signal an interrupt, a cancellation or "no data yet", not a failed call.
_SIGNALS = frozenset(
    {
        "KeyboardInterrupt",
        "SystemExit",
        "GeneratorExit",
        "StopIteration",
        "StopAsyncIteration",
        "CancelledError",
        "InterruptedError",
        "BlockingIOError",
        "SSLWantReadError",  # a non-blocking TLS socket that is not ready yet
        "SSLWantWriteError",
    }
)
# Error numbers (and helpers) that mean "interrupted" or "not ready yet", not "failed".
_SIGNAL_NAME = re.compile(r"EINTR|EAGAIN|EWOULDBLOCK|EINPROGRESS|WANT_?(READ|WRITE)|[Rr]esumable")
# Conversions that give the same result for the same input: a value computed with them
# before the `try` is the same on every pass.
_PURE_CALLS = frozenset(
    {
        "dumps",
        "loads",
        "str",
        "int",
        "float",
        "bool",
        "bytes",
        "dict",
        "list",
        "tuple",
        "set",
        "len",
        "format",
        "encode",
        "decode",
        "join",
        "split",
        "strip",
        "lower",
        "upper",
        "replace",
        "copy",
        "deepcopy",
        "b64encode",
        "b64decode",
        "urlencode",
        "quote",
    }
)
# Methods that grow a collection (a list of errors counts the attempts) or shrink it
# (the loop works through it).
_GROWING = frozenset({"append", "add", "extend"})
_SHRINKING = frozenset({"pop", "popleft", "popitem", "remove", "discard", "clear"})
_MUTATORS = _GROWING | _SHRINKING

_LITERALS = (cst.Integer, cst.Float, cst.Imaginary, cst.SimpleString, cst.ConcatenatedString)
_CONSTANTS = frozenset({"True", "False", "None"})
_ORDERING = (cst.LessThan, cst.LessThanEqual, cst.GreaterThan, cst.GreaterThanEqual)
# Arithmetic that makes a counter grow or shrink (`attempt + 1`, `retries - 1`, `delay * 2`).
_COUNTING = (cst.Add, cst.Subtract, cst.Multiply, cst.Power, cst.LeftShift)


@dataclass(frozen=True)
class _Flow:
    """What can happen from a point of a loop body on (its continuation).

    `loops`: control can get back to the loop's head (the end of the body, a
    `continue`). `exits`: a success exit lies ahead (a `return`, a `break` of this
    loop, setting the flag the loop tests). `leaves`: something ahead may leave the
    loop (a success exit, a `raise`, `sys.exit()`, a failing `assert`). `unguarded`:
    an exit is reached whichever way the tests ahead go; `guards`: the names read by
    the tests that lead to the exits ahead. `raises`: a `raise` lies ahead;
    `raise_guards`: the names read by the tests that lead to it (`if failure: raise`).
    """

    loops: bool
    exits: bool
    leaves: bool
    unguarded: bool = False
    guards: frozenset[str] = frozenset()
    raises: bool = False
    raise_guards: frozenset[str] = frozenset()

    def leaving(self) -> _Flow:
        """The same continuation behind a statement that may raise (`assert`)."""
        return replace(self, leaves=True)


_END_OF_BODY = _Flow(loops=True, exits=False, leaves=False)
_RAISE = _Flow(loops=False, exits=False, leaves=True, raises=True)
_EXIT = _Flow(loops=False, exits=True, leaves=True, unguarded=True)
_CONTINUE = _Flow(loops=True, exits=False, leaves=False)


def _either(*flows: _Flow) -> _Flow:
    """Where control takes one of `flows` (the branches of an `if`, a `try` and its
    handlers): an exit is unguarded only if every way there reaches one."""
    return _Flow(
        loops=any(f.loops for f in flows),
        exits=any(f.exits for f in flows),
        leaves=any(f.leaves for f in flows),
        unguarded=all(f.unguarded for f in flows),
        guards=frozenset().union(*(f.guards for f in flows)),
        raises=any(f.raises for f in flows),
        raise_guards=frozenset().union(*(f.raise_guards for f in flows)),
    )


def _guarded(flow: _Flow, test: cst.BaseExpression, after: _Flow) -> _Flow:
    """`flow`, behind a test that decides between branches: the exits and raises the
    branches bring (beyond those of `after`) are guarded by what the test reads."""
    if flow == after or not (flow.exits or flow.raises):
        return flow
    read = _names_read(test)
    return replace(
        flow,
        guards=flow.guards | read if flow.exits else flow.guards,
        raise_guards=flow.raise_guards | read if flow.raises else flow.raise_guards,
    )


def _statements(suite: cst.BaseSuite) -> Sequence[cst.CSTNode]:
    if isinstance(suite, cst.IndentedBlock):
        return suite.body
    if isinstance(suite, cst.SimpleStatementSuite):
        return suite.body
    return ()


def _nodes(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """`node` and the nodes below it, not descending into code that runs elsewhere
    or in another loop (nested functions, classes, lambdas, loops)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if current is not node and isinstance(
            current, (cst.FunctionDef, cst.ClassDef, cst.Lambda, cst.For, cst.While)
        ):
            continue
        pending.extend(current.children)


def _last_name(func: cst.BaseExpression) -> str | None:
    if isinstance(func, cst.Name):
        return func.value
    if isinstance(func, cst.Attribute):
        return func.attr.value
    return None


def _always_true(test: cst.BaseExpression) -> bool:
    """`while True:`, `while 1:`."""
    if isinstance(test, cst.Name):
        return test.value == "True"
    if isinstance(test, cst.Integer):
        return test.evaluated_value != 0
    return False


def _has_ordering(test: cst.BaseExpression) -> bool:
    """A `<`/`<=`/`>`/`>=` comparison: `while attempt < MAX`, `while time.time() < end`."""
    return any(
        isinstance(node, cst.ComparisonTarget) and isinstance(node.operator, _ORDERING)
        for node in _nodes(test)
    )


def _names_read(test: cst.BaseExpression) -> set[str]:
    """The names and attribute chains a loop test reads (`done`, `self.running`)."""
    found: set[str] = set()
    for node in _nodes(test):
        if isinstance(node, (cst.Name, cst.Attribute)):
            name = dotted_name(node)
            if name is not None:
                found.add(name)
    return found


_EMPTY_MODULE = cst.Module(body=[])


def _code(node: cst.CSTNode) -> str:
    """The node's code on one line (for messages)."""
    return " ".join(_EMPTY_MODULE.code_for_node(node).split())


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _is_none(node: cst.BaseExpression) -> bool:
    return isinstance(node, cst.Name) and node.value == "None"


def _bound_like(dotted: str) -> bool:
    """Is the last part of `dotted` named like a retry bound (`MAX_RETRIES`, `attempt`,
    `deadline`)? Class names (`Timeout` in `isinstance(e, Timeout)`) are not."""
    last = dotted.rpartition(".")[2]
    if last[:1].isupper() and not last.isupper():
        return False
    return _BOUND_NAME.search(last) is not None


def _mapping_entries(node: cst.BaseExpression) -> Iterator[tuple[str, cst.BaseExpression]]:
    """The literal keys of `{"max_attempts": 3}` and `dict(max_attempts=3)`."""
    if isinstance(node, cst.Dict):
        for element in node.elements:
            if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                key = element.key.evaluated_value
                if isinstance(key, str):
                    yield key, element.value
    elif (
        isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "dict"
    ):
        for arg in node.args:
            if arg.keyword is not None:
                yield arg.keyword.value, arg.value


@dataclass(frozen=True)
class _Change:
    """A name that the loop body assigns or changes (`x = ...`, `x += 1`, `del x[k]`,
    `x.pop()`), and whether the new value comes from a call (fresh input)."""

    name: str
    kind: str  # "call", "value", "count" or "mutate"
    # For a "value": the names it is computed from (`fields = line.split()`).
    reads: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Candidate:
    """A `try` in the loop whose success leaves the loop and whose handlers (some of
    them) go back to the loop's head, with what decides whether it retries."""

    node: cst.Try | cst.TryStar
    # The handlers that go back, each with the range of `_LoopScan.changes` it made.
    handlers: tuple[tuple[cst.ExceptHandler | cst.ExceptStarHandler, int, int], ...]
    # The names the calls in the `try` body read (arguments and receivers).
    reads: frozenset[str]
    # `_LoopScan.changes` from this index on come before the `try` in the loop body.
    before: int
    # What the tests after the `try` that lead to a `raise` read (`if error: raise`).
    raise_guards: frozenset[str]


class _LoopScan:
    """One backward pass over a `while` loop's body: the `try` statements whose
    handler goes back to the loop's head while success leaves the loop, and what
    could bound the loop (counters, clock reads, tests next to a way out).

    Nested loops, functions and classes are not entered: their `break`/`continue`
    belong to them and their retries are their own loop's business.
    """

    def __init__(self, rule: UnboundedRetryLoop, flags: set[str]) -> None:
        self.rule = rule
        self.flags = flags
        self.counters: set[str] = set()
        # (names, value) of each assignment: the names hold a clock reading if the value
        # reads a clock (`elapsed = time.time() - start`), looked at only when needed.
        self.assignments: list[tuple[set[str], cst.BaseExpression]] = []
        self.checks: list[cst.BaseExpression] = []
        # Every change the body makes, in the order of the pass (last statement first).
        self.changes: list[_Change] = []
        self.candidates: list[_Candidate] = []

    def retrying_handlers(self) -> list[cst.ExceptHandler | cst.ExceptStarHandler]:
        """The handlers that go back to retry the same call: not those that catch a
        signal rather than a failure (`KeyboardInterrupt`, `queue.Empty`), change
        the call's input (`path = parent`) or the loop's state (`items.pop()`), nor
        those of a `try` whose input is fresh on each pass (`name = make_name()`)."""
        found: list[cst.ExceptHandler | cst.ExceptStarHandler] = []
        if self.flags and not any(change.name in self.flags for change in self.changes):
            # `while not self.stopped:` that the loop never sets: another thread or a
            # callback ends the loop, not its own success.
            return found
        for candidate in self.candidates:
            before = self.changes[candidate.before :]
            if any(change.name in self.flags for change in before):
                continue  # the pass moves the loop's state on before the `try`
            if _fresh_names(before) & candidate.reads:
                continue  # the `try` works on new input on each pass
            for handler, first, last in candidate.handlers:
                if _catches_signal(handler) or _moves_on(handler):
                    continue
                # It changes the call's input or the loop's state, or records the
                # failure for a test after the `try` that raises it.
                if any(
                    change.name in candidate.reads
                    or change.name in self.flags
                    or change.name in candidate.raise_guards
                    for change in self.changes[first:last]
                ):
                    continue
                found.append(handler)
        return found

    def block(self, statements: Sequence[cst.CSTNode], after: _Flow) -> _Flow:
        flow = after
        for statement in reversed(statements):
            flow = self.statement(statement, flow)
        return flow

    def statement(self, node: cst.CSTNode, after: _Flow) -> _Flow:
        if isinstance(node, cst.SimpleStatementLine):
            return self.block(node.body, after)
        if isinstance(node, cst.Raise):
            return _RAISE
        if isinstance(node, (cst.Return, cst.Break)):
            return _EXIT
        if isinstance(node, cst.Continue):
            return _CONTINUE
        if isinstance(node, cst.Expr):
            return self._expression(node.value, after)
        if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
            return self._assignment(node, after)
        if isinstance(node, cst.Del):
            targets = node.target.elements if isinstance(node.target, cst.Tuple) else ()
            for target in [element.value for element in targets] or [node.target]:
                if isinstance(target, cst.Subscript):
                    target = target.value  # `del path[-1]` changes `path`
                name = dotted_name(target)
                if name is not None:
                    self.changes.append(_Change(name, "mutate"))
            return after
        if isinstance(node, cst.Assert):
            self.checks.append(node.test)
            return after.leaving()
        if isinstance(node, cst.If):
            return self._if(node, after)
        if isinstance(node, (cst.Try, cst.TryStar)):
            return self._try(node, after)
        if isinstance(node, cst.With):
            flow = self.block(_statements(node.body), after)
            for item in node.items:
                if item.asname is not None:
                    kind = "call" if _makes_call(item.item) else "value"
                    self.changes.extend(_Change(n, kind) for n in _target_names(item.asname.name))
            return flow
        if isinstance(node, cst.Match):
            cases = [self.block(_statements(case.body), after) for case in node.cases]
            return _guarded(_either(after, *cases), node.subject, after)
        if isinstance(node, (cst.For, cst.While)):
            self._nested_loop(node)
        # Nested loops, functions, classes and simple statements such as `pass`.
        return after

    def _nested_loop(self, node: cst.For | cst.While) -> None:
        """Note what a nested loop assigns, from its own statements only (its body is
        its own scan's business): `for line in lines:`, `value = prompt()`."""
        if isinstance(node, cst.For):
            self.changes.extend(_Change(name, "call") for name in _target_names(node.target))
        for statement in _statements(node.body):
            smalls = statement.body if isinstance(statement, cst.SimpleStatementLine) else ()
            for small in smalls:
                if isinstance(small, cst.Assign):
                    kind = "call" if _makes_call(small.value) else "value"
                    for target in small.targets:
                        self.changes.extend(_Change(n, kind) for n in _target_names(target.target))
                elif isinstance(small, (cst.AnnAssign, cst.AugAssign)):
                    self.changes.extend(_Change(n, "count") for n in _target_names(small.target))

    def _method_call(self, value: cst.BaseExpression | None) -> cst.Call | None:
        """The call a statement makes (`x.pop()`, `item = x.pop()`, `await f()`), after
        noting a collection that it grows or shrinks."""
        if isinstance(value, cst.Await):
            value = value.expression
        if not isinstance(value, cst.Call):
            return None
        func = value.func
        if isinstance(func, cst.Attribute):
            receiver = dotted_name(func.value)
            method = func.attr.value
            if receiver is not None and method in _GROWING:
                # `errors.append(e)` ... `if len(errors) > 3: raise`
                self.counters.add(receiver)
            if receiver is not None and method in _MUTATORS:
                self.changes.append(_Change(receiver, "mutate"))
        return value

    def _expression(self, value: cst.BaseExpression, after: _Flow) -> _Flow:
        call = self._method_call(value)
        if call is None:
            return after
        func = call.func
        name = _last_name(func) or ""
        if name in ("exit", "_exit", "quit", "abort") and (
            self.rule.ctx.qualified_name(func) in _EXIT_CALLS
        ):
            return _RAISE
        if name == "fail" and isinstance(func, cst.Attribute):
            return _RAISE  # `self.fail(...)`, `pytest.fail(...)`
        if name.startswith("assert") and isinstance(func, cst.Attribute):
            # `self.assertLess(attempt, 5)`: like an `assert` statement.
            self.checks.extend(arg.value for arg in call.args)
            return after.leaving()
        return after

    def _assignment(self, node: cst.Assign | cst.AnnAssign | cst.AugAssign, after: _Flow) -> _Flow:
        if isinstance(node, cst.Assign):
            targets = [target.target for target in node.targets]
        else:
            targets = [node.target]
        names = {name for target in targets for name in _target_names(target)}
        value = node.value
        self._method_call(value)
        if isinstance(node, cst.AugAssign):
            self.counters.update(names)
            self.changes.extend(_Change(name, "count") for name in names)
        elif value is None:
            return after  # `x: int` binds nothing
        else:
            read = frozenset(_names_read(value))
            if isinstance(value, cst.BinaryOperation):
                # `attempt = attempt + 1`
                self.counters.update(name for name in names if name in read)
            self.assignments.append((names, value))
            if _makes_call(value):
                self.changes.extend(_Change(name, "call") for name in names)
            else:
                self.changes.extend(_Change(name, "value", read) for name in names)
        for target in targets:
            if isinstance(target, cst.Subscript):  # `kwargs["Key"] = ...` changes `kwargs`
                root = dotted_name(target.value)
                if root is not None:
                    self.changes.append(_Change(root, "mutate"))
        if names & self.flags:
            # Setting what the loop tests (`done = True`) ends the loop.
            return _EXIT
        return after

    def _if(self, node: cst.If, after: _Flow) -> _Flow:
        body = self.block(_statements(node.body), after)
        orelse = node.orelse
        if isinstance(orelse, cst.If):
            other = self._if(orelse, after)
        elif isinstance(orelse, cst.Else):
            other = self.block(_statements(orelse.body), after)
        else:
            other = after
        if body.leaves or other.leaves:
            # It may decide whether the loop goes on: it bounds the loop if it tests
            # a counter or a clock (decided once the whole body is known).
            self.checks.append(node.test)
        return _guarded(_either(body, other), node.test, after)

    def _try(self, node: cst.Try | cst.TryStar, after: _Flow) -> _Flow:
        if node.finalbody is not None:
            after = self.block(_statements(node.finalbody.body), after)
        # The handlers before the body, so that each one's changes form a range.
        handlers: list[tuple[cst.ExceptHandler | cst.ExceptStarHandler, int, int, _Flow]] = []
        for handler in node.handlers:
            first = len(self.changes)
            flow = self.block(_statements(handler.body), after)
            handlers.append((handler, first, len(self.changes), flow))
        first = len(self.changes)
        success = after
        if node.orelse is not None:
            success = self.block(_statements(node.orelse.body), after)
        body = self.block(_statements(node.body), success)
        produced = {change.name for change in self.changes[first:]}
        looping = tuple((h, first, last) for h, first, last, flow in handlers if flow.loops)
        # Success leaves the loop: whatever the tests say, or by a test of what the
        # `try` produced (`if response.ok: break`), not of other state.
        if looping and body.exits and (body.unguarded or body.guards & produced):
            reads = _call_inputs(node.body)
            if reads is not None:
                self.candidates.append(
                    _Candidate(node, looping, reads, len(self.changes), after.raise_guards)
                )
        return _either(body, *(flow for *_, flow in handlers))


def _call_inputs(body: cst.BaseSuite) -> frozenset[str] | None:
    """The names read by the calls of a `try` body (their arguments and receivers), or
    None if it makes no call that the next pass could repeat: none at all, or one that
    reads the next input (`next(it)`, `input()`, `readline()`) and so moves on."""
    reads: set[str] = set()
    called = False
    for node in _nodes(body):
        if isinstance(node, (cst.For, cst.While)):
            called = True  # a loop inside does work; count it as the call
        elif isinstance(node, cst.Call):
            func = node.func
            if _reads_input(node):
                return None
            called = True
            if isinstance(func, cst.Attribute):
                reads.update(_names_read(func.value))
            for arg in node.args:
                reads.update(_names_read(arg.value))
    return frozenset(reads) if called else None


def _fresh_names(changes: Sequence[_Change]) -> set[str]:
    """The names given new input (from a call: the next job, a fresh name) by these
    changes, directly or through values computed from them (`fields = line.split()`)."""
    fresh = {change.name for change in changes if change.kind == "call"}
    derived = [change for change in changes if change.kind == "value" and change.reads]
    grew = bool(fresh)
    while grew:
        grew = False
        for change in derived:
            if change.name not in fresh and change.reads & fresh:
                fresh.add(change.name)
                grew = True
    return fresh


def _makes_call(value: cst.BaseExpression) -> bool:
    """Does the value come from a call that may give something new each time (the
    next job, a fresh name, an answer), not from a pure conversion (`json.dumps`)?"""
    return any(
        isinstance(node, cst.Call) and _last_name(node.func) not in _PURE_CALLS
        for node in _nodes(value)
    )


def _catches_signal(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    """Does the handler catch only exceptions that signal something other than a
    failure (an interrupt, a cancellation, an empty queue, no data yet)?"""
    caught = handler.type
    if caught is None:
        return False
    kinds = [e.value for e in caught.elements] if isinstance(caught, cst.Tuple) else [caught]
    return all(_is_signal(_last_name(kind)) for kind in kinds)


def _is_signal(name: str | None) -> bool:
    # `queue.Empty`, `asyncio.QueueEmpty`, `ChannelEmptyError`: nothing to take yet;
    # `queue.Full`: no room yet; pyOpenSSL's `WantReadError`: a non-blocking socket is
    # not ready yet.
    return name is not None and (
        name in _SIGNALS
        or name.endswith(("Empty", "EmptyError", "Full", "FullError"))
        or "Want" in name
    )


def _moves_on(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    """Does the handler go on only for an interrupted or not-ready system call
    (`if e.errno == errno.EINTR: continue`, `ssl.SSL_ERROR_WANT_READ`), or read the
    next input itself (`next(iterator)`, `stream.readline()`)?"""
    for node in _nodes(handler.body):
        if isinstance(node, (cst.Name, cst.Attribute)):
            name = node.value if isinstance(node, cst.Name) else node.attr.value
            if _SIGNAL_NAME.search(name):
                return True
        elif isinstance(node, cst.Call) and _reads_input(node):
            return True
    return False


def _changed_names(target: cst.BaseExpression) -> Iterator[str]:
    """What an assignment changes: its targets, and the object of a subscript target."""
    yield from _target_names(target)
    if isinstance(target, cst.Subscript):
        root = dotted_name(target.value)
        if root is not None:
            yield root


def _target_names(target: cst.BaseExpression) -> Iterator[str]:
    if isinstance(target, (cst.Tuple, cst.List)):
        for element in target.elements:
            yield from _target_names(element.value)
    elif isinstance(target, cst.StarredElement):
        yield from _target_names(target.value)
    else:
        name = dotted_name(target)
        if name is not None:
            yield name


@dataclass
class _FunctionFrame:
    """What the recursion check needs to know about one function being visited."""

    node: cst.FunctionDef
    is_method: bool
    params: frozenset[str]
    # The `except` handlers of this function around the node being visited.
    handlers: list[cst.ExceptHandler | cst.ExceptStarHandler] = field(default_factory=list)
    counters: set[str] = field(default_factory=set)
    # What its `except` handlers assign or change (`self.failed = True`, `seen.add(x)`).
    handler_changes: set[str] = field(default_factory=set)
    tests: list[cst.BaseExpression] = field(default_factory=list)
    # It asks a person for input: calling itself again asks again, no retry.
    interactive: bool = False
    # Calls of the function itself inside one of its `except` handlers (the innermost).
    recursive_calls: list[tuple[cst.Call, cst.ExceptHandler | cst.ExceptStarHandler]] = field(
        default_factory=list
    )


@dataclass(frozen=True)
class _RecursiveArguments:
    """How a recursive call's arguments differ from the call being handled."""

    # (parameter, code) of each counter: `attempt + 1`, or a parameter bumped before.
    counters: tuple[tuple[str, str], ...]
    # The parameters given a literal (`parents=False`): a tested one ends the recursion.
    set_to_literal: frozenset[str]


def _recursive_arguments(frame: _FunctionFrame, call: cst.Call) -> _RecursiveArguments | None:
    """If the call passes the function its own parameters again (unchanged, or as a
    counter), or literals, how it changes them; None for any other argument (a child
    node, a fallback value, a parameter moved to another place): that is recursion
    over data or a different call, not the same call again."""
    positional = _positional_names(frame.node)
    if frame.is_method and positional:
        positional = positional[1:]  # `self.fetch(url)`: `self` is not in the arguments
    counters: list[tuple[str, str]] = []
    set_to_literal: set[str] = set()
    passed: set[str] = set()
    spread = False
    for index, arg in enumerate(call.args):
        value = arg.value
        param: str | None = None
        if arg.star:
            spread = True
        elif arg.keyword is not None:
            param = arg.keyword.value
        elif index < len(positional):
            param = positional[index]
        if param is not None:
            passed.add(param)
        if isinstance(value, cst.Name) and value.value in frame.params:
            if param is not None and param != value.value:
                return None  # `self.get_style(default)`: another call
            if value.value in frame.counters:  # `attempt += 1` ... `f(x, attempt)`
                counters.append((value.value, _code(value)))
            continue
        if isinstance(value, _LITERALS) or (
            isinstance(value, cst.Name) and value.value in _CONSTANTS
        ):
            if param is not None:
                set_to_literal.add(param)
            continue
        if isinstance(value, cst.BinaryOperation) and isinstance(value.operator, _COUNTING):
            sides = (value.left, value.right)
            counted = [
                s.value for s in sides if isinstance(s, cst.Name) and s.value in frame.params
            ]
            if counted and any(isinstance(s, (cst.Integer, cst.Float)) for s in sides):
                counters.append((counted[0], _code(value)))
                continue
        return None
    if not spread:
        # A parameter left out takes its default again (`default=None`): like a literal.
        set_to_literal.update(name for name in _defaulted_names(frame.node) if name not in passed)
    return _RecursiveArguments(tuple(counters), frozenset(set_to_literal))


def _defaulted_names(node: cst.FunctionDef) -> list[str]:
    params = node.params
    every = (*params.posonly_params, *params.params, *params.kwonly_params)
    return [p.name.value for p in every if p.default is not None]


def _positional_names(node: cst.FunctionDef) -> list[str]:
    params = node.params
    return [p.name.value for p in (*params.posonly_params, *params.params)]


def _param_names(node: cst.FunctionDef) -> list[str]:
    params = node.params
    names = [p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params)]
    for extra in (params.star_arg, params.star_kwarg):
        if isinstance(extra, cst.Param):
            names.append(extra.name.value)
    return names


# -- JavaScript and TypeScript ---------------------------------------------------------------
# Retry packages that take an options object: the options that make them retry forever.
# Their defaults are bounded (10 retries for p-retry, async-retry, promise-retry and
# node-retry, 3 for axios-retry, 10 attempts for exponential-backoff).
_JS_RETRY_PACKAGES = (
    "p-retry",
    "async-retry",
    "promise-retry",
    "retry",
    "axios-retry",
    "exponential-backoff",
)
_JS_RETRY_COUNTS = frozenset({"retries", "numOfAttempts", "maxAttempts"})
_JS_INFINITE = frozenset(
    {"Infinity", "Number.POSITIVE_INFINITY", "Number.MAX_SAFE_INTEGER", "Number.MAX_VALUE"}
)
# Calls that read a clock, and the Lambda context's remaining time.
_JS_CLOCKS = frozenset({"Date.now", "performance.now", "process.hrtime", "process.hrtime.bigint"})
_JS_REMAINING_TIME = "getRemainingTimeInMillis"
# Calls that end the process: like a `throw`, they leave the loop.
_JS_EXIT_CALLS = frozenset({"process.exit", "process.abort"})
# Methods that read the next input: a loop around them moves on instead of retrying.
_JS_INPUT_READS = frozenset({"next", "read", "readLine", "readline", "question", "shift", "pop"})
_JS_GROWING = frozenset({"push", "unshift", "add", "set"})
_JS_SHRINKING = frozenset({"pop", "shift", "splice", "delete", "clear"})
# Conversions that give the same result for the same input.
_JS_PURE_CALLS = frozenset(
    {
        "stringify",
        "parse",
        "String",
        "Number",
        "Boolean",
        "toString",
        "trim",
        "split",
        "join",
        "slice",
        "toLowerCase",
        "toUpperCase",
        "replace",
        "from",
        "encodeURIComponent",
        "decodeURIComponent",
    }
)
_JS_LOOPS = frozenset({"while_statement", "do_statement", "for_statement", "for_in_statement"})
# A class body is not the enclosing function's code either.
_JS_FUNCTIONS = FUNCTION_NODES | {"class_declaration", "class"}
_JS_ORDERING = frozenset({"<", "<=", ">", ">="})
# Statements and expressions whose `condition` decides what runs.
_JS_TESTED = frozenset(
    {"if_statement", "while_statement", "do_statement", "for_statement", "ternary_expression"}
)
_JS_COUNTING = frozenset({"+", "-", "*", "**", "<<"})


def _js_code(node: Node, data: bytes) -> str:
    return " ".join(node_text(node, data).split())


def _js_statements(node: Node | None) -> list[Node]:
    """The statements of a block, or the single statement of an unbraced body."""
    if node is None:
        return []
    if node.type == "statement_block":
        return js_kids(node)
    if node.type == "else_clause":
        return [child for child in js_kids(node)]
    return [node]


def _js_nodes(node: Node) -> Iterator[Node]:
    """`node` and the nodes below it, not entering functions, classes or loops."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if current is not node and (current.type in _JS_FUNCTIONS or current.type in _JS_LOOPS):
            continue
        pending.extend(current.named_children)


def _js_dotted(node: Node, data: bytes) -> str | None:
    """`done`, `this.running`, `res.ok`: a name or a chain of plain properties."""
    node = strip_await(node)
    if node.type in ("identifier", "this", "shorthand_property_identifier"):
        return node_text(node, data)
    if node.type == "member_expression":
        target = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        base = _js_dotted(target, data) if target is not None else None
        if base is None or prop is None:
            return None
        return f"{base}.{node_text(prop, data)}"
    return None


def _js_names_read(node: Node, data: bytes) -> set[str]:
    found: set[str] = set()
    for current in _js_nodes(node):
        if current.type in ("identifier", "member_expression", "shorthand_property_identifier"):
            dotted = _js_dotted(current, data)
            if dotted is not None:
                found.add(dotted)
    return found


def _js_callee(call: Node, data: bytes) -> str:
    callee = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    return "".join(node_text(strip_await(callee), data).split()) if callee is not None else ""


def _js_last(call: Node, data: bytes) -> str:
    return _js_callee(call, data).rpartition(".")[2]


def _js_always_true(test: Node | None, data: bytes) -> bool:
    """`while (true)`, `while (1)`, `for (;;)`."""
    if test is None:
        return True
    test = strip_await(test)
    if test.type == "true":
        return True
    if test.type == "number":
        try:
            return float(node_text(test, data)) != 0
        except ValueError:
            return False
    return False


def _js_has_ordering(test: Node) -> bool:
    for node in _js_nodes(test):
        if node.type == "binary_expression":
            operator = node.child_by_field_name("operator")
            if operator is not None and operator.type in _JS_ORDERING:
                return True
    return False


def _js_target_names(target: Node, data: bytes) -> list[str]:
    target = strip_await(target)
    if target.type in ("object_pattern", "array_pattern"):
        return pattern_names(target, data)
    dotted = _js_dotted(target, data)
    return [dotted] if dotted is not None else []


def _js_root_name(target: Node, data: bytes) -> str | None:
    """`kwargs` of `kwargs["Key"] = ...`, `items` of `items[0].x = ...`."""
    target = strip_await(target)
    while target.type == "subscript_expression":
        inner = target.child_by_field_name("object")
        if inner is None:
            return None
        target = strip_await(inner)
    return _js_dotted(target, data)


def _js_makes_call(value: Node, data: bytes) -> bool:
    """Does the value come from a call that may give something new each time?"""
    return any(
        node.type in ("call_expression", "new_expression")
        and _js_last(node, data) not in _JS_PURE_CALLS
        for node in _js_nodes(value)
    )


def _js_reads_input(call: Node, data: bytes) -> bool:
    return _js_last(call, data) in _JS_INPUT_READS and _js_callee(call, data) != "next"


@dataclass(frozen=True)
class _JsCandidate:
    """A `try` whose success leaves the loop and whose `catch` goes back to its head
    (`_Candidate` for JavaScript: one `catch` clause at most)."""

    handlers: tuple[tuple[Node, int, int], ...]
    reads: frozenset[str]
    before: int
    raise_guards: frozenset[str]


class _JsLoopScan:
    """`_LoopScan` for a JavaScript loop body: one backward pass over its statements."""

    def __init__(self, data: bytes, flags: set[str]) -> None:
        self.data = data
        self.flags = flags
        self.counters: set[str] = set()
        self.assignments: list[tuple[set[str], Node]] = []
        self.checks: list[Node] = []
        self.changes: list[_Change] = []
        self.candidates: list[_JsCandidate] = []

    def retrying_handlers(self) -> list[Node]:
        found: list[Node] = []
        if self.flags and not any(change.name in self.flags for change in self.changes):
            return found
        for candidate in self.candidates:
            before = self.changes[candidate.before :]
            if any(change.name in self.flags for change in before):
                continue
            if _fresh_names(before) & candidate.reads:
                continue
            for handler, first, last in candidate.handlers:
                if self._moves_on(handler):
                    continue
                if any(
                    change.name in candidate.reads
                    or change.name in self.flags
                    or change.name in candidate.raise_guards
                    for change in self.changes[first:last]
                ):
                    continue
                found.append(handler)
        return found

    def _moves_on(self, handler: Node) -> bool:
        """A handler that reads the next input itself goes on with new work."""
        return any(
            node.type == "call_expression" and _js_reads_input(node, self.data)
            for node in _js_nodes(handler)
        )

    def block(self, statements: list[Node], after: _Flow) -> _Flow:
        flow = after
        for statement in reversed(statements):
            flow = self.statement(statement, flow)
        return flow

    def statement(self, node: Node, after: _Flow) -> _Flow:
        kind = node.type
        if kind == "throw_statement":
            return _RAISE
        if kind in ("return_statement", "break_statement"):
            return _EXIT
        if kind == "continue_statement":
            return _CONTINUE
        if kind == "statement_block":
            return self.block(js_kids(node), after)
        if kind == "labeled_statement":
            body = node.child_by_field_name("body")
            return self.statement(body, after) if body is not None else after
        if kind == "expression_statement":
            inner = js_kids(node)
            return self._expression(inner[0], after) if inner else after
        if kind in ("lexical_declaration", "variable_declaration"):
            flow = after
            for declarator in reversed(js_kids(node)):
                if declarator.type != "variable_declarator":
                    continue
                target = declarator.child_by_field_name("name")
                value = declarator.child_by_field_name("value")
                if target is not None and value is not None:
                    flow = self._assignment(target, value, "=", flow)
            return flow
        if kind == "if_statement":
            return self._if(node, after)
        if kind == "try_statement":
            return self._try(node, after)
        if kind == "switch_statement":
            body = node.child_by_field_name("body")
            cases = [
                self.block([c for c in js_kids(case) if c.type.endswith("statement")], after)
                for case in (js_kids(body) if body is not None else [])
            ]
            value = node.child_by_field_name("value")
            flow = _either(after, *cases)
            return self._guarded(flow, value, after) if value is not None else flow
        if kind in _JS_LOOPS:
            self._nested_loop(node)
        return after

    def _nested_loop(self, node: Node) -> None:
        if node.type == "for_in_statement":
            left = node.child_by_field_name("left")
            if left is not None:
                self.changes.extend(_Change(n, "call") for n in _js_target_names(left, self.data))
        body = node.child_by_field_name("body")
        for statement in _js_statements(body):
            if statement.type in ("lexical_declaration", "variable_declaration"):
                for declarator in js_kids(statement):
                    target = declarator.child_by_field_name("name")
                    value = declarator.child_by_field_name("value")
                    if target is None or value is None:
                        continue
                    kind = "call" if _js_makes_call(value, self.data) else "value"
                    self.changes.extend(
                        _Change(n, kind) for n in _js_target_names(target, self.data)
                    )
            elif statement.type == "expression_statement":
                inner = js_kids(statement)
                expression = strip_await(inner[0]) if inner else None
                if expression is not None and expression.type in (
                    "assignment_expression",
                    "augmented_assignment_expression",
                    "update_expression",
                ):
                    target = expression.child_by_field_name(
                        "argument" if expression.type == "update_expression" else "left"
                    )
                    if target is not None:
                        self.changes.extend(
                            _Change(n, "count") for n in _js_target_names(target, self.data)
                        )

    def _guarded(self, flow: _Flow, test: Node, after: _Flow) -> _Flow:
        if flow == after or not (flow.exits or flow.raises):
            return flow
        read = _js_names_read(test, self.data)
        return replace(
            flow,
            guards=flow.guards | read if flow.exits else flow.guards,
            raise_guards=flow.raise_guards | read if flow.raises else flow.raise_guards,
        )

    def _method_call(self, value: Node) -> Node | None:
        value = strip_await(value)
        if value.type != "call_expression":
            return None
        callee = value.child_by_field_name("function")
        if callee is not None and strip_await(callee).type == "member_expression":
            member = strip_await(callee)
            target = member.child_by_field_name("object")
            prop = member.child_by_field_name("property")
            receiver = _js_dotted(target, self.data) if target is not None else None
            method = node_text(prop, self.data) if prop is not None else ""
            if receiver is not None and method in _JS_GROWING:
                self.counters.add(receiver)  # `errors.push(e)` ... `if (errors.length > 3)`
            if receiver is not None and method in _JS_GROWING | _JS_SHRINKING:
                self.changes.append(_Change(receiver, "mutate"))
        return value

    def _expression(self, value: Node, after: _Flow) -> _Flow:
        value = strip_await(value)
        kind = value.type
        if kind in ("assignment_expression", "augmented_assignment_expression"):
            target = value.child_by_field_name("left")
            right = value.child_by_field_name("right")
            operator = "=" if kind == "assignment_expression" else "+="
            if target is not None and right is not None:
                return self._assignment(target, right, operator, after)
            return after
        if kind == "update_expression":
            target = value.child_by_field_name("argument")
            names = set(_js_target_names(target, self.data)) if target is not None else set()
            self.counters.update(names)
            self.changes.extend(_Change(name, "count") for name in names)
            return after
        if kind == "sequence_expression":
            flow = after
            for part in reversed(js_kids(value)):
                flow = self._expression(part, flow)
            return flow
        call = self._method_call(value)
        if call is None:
            return after
        callee = _js_callee(call, self.data)
        if callee in _JS_EXIT_CALLS:
            return _RAISE
        if callee in ("assert", "assert.ok", "assert.strictEqual") or callee.startswith("expect"):
            arguments = call.child_by_field_name("arguments")
            self.checks.extend(js_kids(arguments) if arguments is not None else [])
            return after.leaving()
        return after

    def _assignment(self, target: Node, value: Node, operator: str, after: _Flow) -> _Flow:
        names = set(_js_target_names(target, self.data))
        self._method_call(value)
        if operator != "=":
            self.counters.update(names)
            self.changes.extend(_Change(name, "count") for name in names)
        else:
            read = frozenset(_js_names_read(value, self.data))
            if strip_await(value).type == "binary_expression":
                self.counters.update(name for name in names if name in read)  # `n = n + 1`
            self.assignments.append((names, value))
            if _js_makes_call(value, self.data):
                self.changes.extend(_Change(name, "call") for name in names)
            else:
                self.changes.extend(_Change(name, "value", read) for name in names)
        stripped = strip_await(target)
        if stripped.type == "subscript_expression":
            root = _js_root_name(stripped, self.data)
            if root is not None:
                self.changes.append(_Change(root, "mutate"))
        if names & self.flags:
            return _EXIT  # setting what the loop tests (`done = true`) ends the loop
        return after

    def _if(self, node: Node, after: _Flow) -> _Flow:
        consequence = node.child_by_field_name("consequence")
        alternative = node.child_by_field_name("alternative")
        body = self.block(_js_statements(consequence), after)
        if alternative is not None:
            branches = js_kids(alternative)
            if len(branches) == 1 and branches[0].type == "if_statement":
                other = self._if(branches[0], after)
            else:
                other = self.block(branches, after)
        else:
            other = after
        test = node.child_by_field_name("condition")
        if test is None:
            return _either(body, other)
        if body.leaves or other.leaves:
            self.checks.append(test)
        return self._guarded(_either(body, other), test, after)

    def _try(self, node: Node, after: _Flow) -> _Flow:
        finalizer = node.child_by_field_name("finalizer")
        if finalizer is not None:
            body_node = finalizer.child_by_field_name("body")
            after = self.block(_js_statements(body_node), after)
        handlers: list[tuple[Node, int, int, _Flow]] = []
        handler = node.child_by_field_name("handler")
        if handler is not None:
            first = len(self.changes)
            handler_body = handler.child_by_field_name("body")
            flow = self.block(_js_statements(handler_body), after)
            handlers.append((handler, first, len(self.changes), flow))
        first = len(self.changes)
        body_node = node.child_by_field_name("body")
        body = self.block(_js_statements(body_node), after)
        produced = {change.name for change in self.changes[first:]}
        looping = tuple((h, first, last) for h, first, last, flow in handlers if flow.loops)
        if looping and body.exits and (body.unguarded or body.guards & produced):
            reads = self._call_inputs(body_node)
            if reads is not None:
                self.candidates.append(
                    _JsCandidate(looping, reads, len(self.changes), after.raise_guards)
                )
        return _either(body, *(flow for *_, flow in handlers))

    def _call_inputs(self, body: Node | None) -> frozenset[str] | None:
        if body is None:
            return None
        reads: set[str] = set()
        called = False
        for node in _js_nodes(body):
            if node.type in _JS_LOOPS:
                called = True
            elif node.type in ("call_expression", "new_expression"):
                if node.type == "call_expression" and _js_reads_input(node, self.data):
                    return None
                called = True
                callee = node.child_by_field_name("function")
                if callee is not None and strip_await(callee).type == "member_expression":
                    target = strip_await(callee).child_by_field_name("object")
                    if target is not None:
                        reads.update(_js_names_read(target, self.data))
                arguments = node.child_by_field_name("arguments")
                for argument in js_kids(arguments) if arguments is not None else []:
                    reads.update(_js_names_read(argument, self.data))
        return frozenset(reads) if called else None


class _JavaScriptRetries:
    """The JavaScript readings of SL204 over one module: retry loops and recursion from
    the tree; SDK attempt settings and retry packages from the facts."""

    def __init__(self, rule: UnboundedRetryLoop, module: JavaScriptModule) -> None:
        self.rule = rule
        self.module = module
        self.data = module.data
        self.found: list[Diagnostic] = []

    def run(self) -> list[Diagnostic]:
        self._facts()
        pending = [self.module.tree.root_node]
        while pending:
            node = pending.pop()
            if node.type in ("while_statement", "do_statement", "for_statement"):
                self._check_loop(node)
            elif node.type in _JS_FUNCTIONS:
                self._check_recursion(node)
            pending.extend(node.named_children)
        return self.found

    def _report(self, start: Location, end: Location, message: str) -> None:
        self.found.append(self.rule.make_diagnostic(self.module.path, start, end, message))

    # -- SDK settings and retry packages ----------------------------------------------------
    def _facts(self) -> None:
        facts = self.module.facts
        limit = self.module.settings.max_sdk_attempts
        behaviours = [facts.module_behaviour, *(f.behaviour for f in facts.functions.values())]
        for behaviour in behaviours:
            for call in behaviour.calls:
                name = call.name
                if name.startswith("@aws-sdk/client-") and call.method.endswith("Client"):
                    self._attempts(call, "maxAttempts", 0, limit)
                elif name.startswith("aws-sdk"):
                    self._attempts(call, "maxRetries", 1, limit)
                elif any(
                    name == package or name.startswith((f"{package}.", f"{package}("))
                    for package in _JS_RETRY_PACKAGES
                ):
                    self._retry_options(call)

    def _attempts(self, call: Call, option: str, extra: int, limit: int) -> None:
        for argument in call.arguments:
            value = argument.value.item(option)
            if value is None or value.span is None or not isinstance(value.literal, int):
                continue
            if isinstance(value.literal, bool):
                continue
            attempts = value.literal + extra
            if attempts > limit:
                self._report(
                    value.span.start,
                    value.span.end,
                    f"`{option}: {value.literal}` lets the SDK try a call up to {attempts} "
                    f"times with backoff, more than the `max-sdk-attempts` limit ({limit}): a "
                    f"throttled or failing service keeps the invocation waiting until it times "
                    f"out; use at most {limit} attempts (and let Lambda or the event source "
                    f"retry the invocation).",
                )

    def _retry_options(self, call: Call) -> None:
        for argument in call.arguments:
            for option, value in argument.value.items:
                if value.span is None:
                    continue
                forever = option == "forever" and value.literal is True
                infinite = option in _JS_RETRY_COUNTS and (
                    value.text in _JS_INFINITE
                    or (isinstance(value.literal, float) and value.literal == float("inf"))
                )
                if forever or infinite:
                    self._report(
                        value.span.start,
                        value.span.end,
                        f"`{option}: {value.text}` makes `{call.name}` retry forever: a "
                        f"persistent error keeps the call going until the function times "
                        f"out; give it a finite `retries` (and a `maxRetryTime`).",
                    )

    # -- loops ----------------------------------------------------------------------------------
    def _check_loop(self, loop: Node) -> None:
        data = self.data
        test = loop.child_by_field_name("condition")
        if loop.type == "for_statement":
            if test is not None and test.type == "expression_statement":
                inner = js_kids(test)
                test = inner[0] if inner else None
            elif test is not None and test.type == "empty_statement":
                test = None
            if test is not None and not _js_always_true(test, data):
                return  # `for (let i = 0; i < 3; i++)`: bounded by construction
        if _js_always_true(test, data):
            flags: set[str] = set()
        elif test is None or _js_has_ordering(test) or self._bounded_by(test, set()):
            return
        else:
            flags = _js_names_read(test, data)
        scan = _JsLoopScan(data, flags)
        body = loop.child_by_field_name("body")
        scan.block(_js_statements(body), _END_OF_BODY)
        retrying = scan.retrying_handlers()
        if not retrying:
            return
        names = set(scan.counters)
        for assigned, value in scan.assignments:
            if self._reads_clock(value):
                names.update(assigned)
        if (test is not None and self._bounded_by(test, names)) or any(
            self._bounded_by(check, names) for check in scan.checks
        ):
            return
        if loop.type == "for_statement":
            header = "for (;;)"
        elif loop.type == "do_statement":
            header = _shorten(f"do ... while {_js_code(test, data)}") if test else "do ... while"
        else:
            header = _shorten(f"while {_js_code(test, data)}") if test is not None else "while"
        positions = self.module.positions
        keyword = loop.children[0]
        self._report(
            positions.start(keyword),
            positions.end(keyword),
            f"`{header}` retries a failing call with no bound: its `catch` goes back to "
            f"the loop with no attempt counter, deadline or "
            f"`context.getRemainingTimeInMillis()` check, so a persistent error "
            f"(throttling, a missing resource, bad input) loops until the function times "
            f"out; count the attempts and rethrow after a few, or stop before the deadline.",
        )

    def _is_clock(self, call: Node) -> bool:
        callee = _js_callee(call, self.data)
        if callee.rpartition(".")[2] == _JS_REMAINING_TIME:
            return True
        return callee in _JS_CLOCKS

    def _reads_clock(self, expression: Node) -> bool:
        for node in _js_nodes(expression):
            if node.type == "call_expression" and self._is_clock(node):
                return True
            if node.type == "new_expression" and _js_callee(node, self.data) == "Date":
                return True
        return False

    def _bounded_by(self, test: Node, names: set[str]) -> bool:
        """Does `test` read a clock, the remaining time, one of `names` or something named
        like a bound (`MAX_RETRIES`, `deadline`)?"""
        pending = [test]
        data = self.data
        while pending:
            node = pending.pop()
            kind = node.type
            if kind == "call_expression":
                if self._is_clock(node):
                    return True
                arguments = node.child_by_field_name("arguments")
                pending.extend(js_kids(arguments) if arguments is not None else [])
                callee = node.child_by_field_name("function")
                if callee is not None and strip_await(callee).type == "member_expression":
                    target = strip_await(callee).child_by_field_name("object")
                    if target is not None:
                        pending.append(target)
            elif kind == "new_expression" and _js_callee(node, data) == "Date":
                return True
            elif kind in ("identifier", "member_expression", "this"):
                dotted = _js_dotted(node, data)
                if dotted is not None and (dotted in names or _bound_like(dotted)):
                    return True
                if kind == "member_expression":
                    target = node.child_by_field_name("object")
                    prop = node.child_by_field_name("property")
                    if prop is not None and _bound_like(node_text(prop, data)):
                        return True
                    if target is not None:
                        pending.append(target)
            elif kind not in _JS_FUNCTIONS:
                pending.extend(node.named_children)
        return False

    # -- recursion ------------------------------------------------------------------------------
    def _function_name(self, node: Node) -> tuple[str, bool] | None:
        """The name a function calls itself by, and whether through `this`."""
        data = self.data
        name = node.child_by_field_name("name")
        if node.type == "method_definition" and name is not None:
            return node_text(name, data), True
        if node.type in ("function_declaration", "generator_function_declaration"):
            return (node_text(name, data), False) if name is not None else None
        parent = node.parent
        if parent is not None and parent.type == "variable_declarator":
            target = parent.child_by_field_name("name")
            if target is not None and target.type == "identifier":
                return node_text(target, data), False
        if node.type == "function_expression" and name is not None:
            return node_text(name, data), False
        return None

    def _check_recursion(self, function: Node) -> None:
        named = self._function_name(function)
        if named is None:
            return
        name, method = named
        data = self.data
        body = function.child_by_field_name("body")
        if body is None:
            return
        params = list(js_parameter_names(function, data)[0])
        defaulted = self._defaulted(function)
        tests: list[Node] = []
        counters: set[str] = set()
        handler_changes: set[str] = set()
        calls: list[Node] = []
        for node, in_catch in _js_function_nodes(body):
            kind = node.type
            if kind in _JS_TESTED:
                test = node.child_by_field_name("condition")
                if test is not None:
                    tests.append(test)
            elif kind == "binary_expression":
                operator = node.child_by_field_name("operator")
                if operator is not None and operator.type in ("&&", "||", "??"):
                    tests.append(node)
            elif kind in ("update_expression", "augmented_assignment_expression"):
                target = node.child_by_field_name(
                    "argument" if kind == "update_expression" else "left"
                )
                if target is not None:
                    counters.update(_js_target_names(target, data))
                    if in_catch:
                        handler_changes.update(_js_target_names(target, data))
            elif kind == "assignment_expression" and in_catch:
                target = node.child_by_field_name("left")
                if target is not None:
                    handler_changes.update(_js_target_names(target, data))
            elif kind == "call_expression" and in_catch:
                callee = node.child_by_field_name("function")
                if callee is None:
                    continue
                stripped = strip_await(callee)
                if method:
                    target = stripped.child_by_field_name("object")
                    prop = stripped.child_by_field_name("property")
                    if (
                        stripped.type == "member_expression"
                        and target is not None
                        and target.type == "this"
                        and prop is not None
                        and node_text(prop, data) == name
                    ):
                        calls.append(node)
                elif stripped.type == "identifier" and node_text(stripped, data) == name:
                    calls.append(node)
        for call in calls:
            arguments = self._recursive_arguments(call, params, defaulted, counters)
            if arguments is None:
                continue
            grown, set_to_literal = arguments
            names = {param for param, _ in grown} | set_to_literal | counters | handler_changes
            if any(self._bounded_by(test, names) for test in tests):
                continue
            if grown:
                shown = ", ".join(f"`{text}`" for _, text in grown)
                tested = ", ".join(f"`{param}`" for param, _ in grown)
                what = f"with {shown} but never tests {tested}"
            elif set_to_literal:
                reset = ", ".join(f"`{param}`" for param in sorted(set_to_literal))
                what = f"with {reset} set again but never tests it"
            else:
                what = "with the same arguments and nothing bounds the recursion"
            positions = self.module.positions
            self._report(
                positions.start(call),
                positions.end(call),
                f"`{name}()` calls itself from its `catch` {what} (no attempt limit, deadline "
                f"or `context.getRemainingTimeInMillis()` check): a persistent error repeats "
                f"the call until the function times out; pass an attempt count, test it and "
                f"rethrow when it runs out.",
            )

    def _defaulted(self, function: Node) -> list[str]:
        parameters = function.child_by_field_name("parameters")
        found: list[str] = []
        for parameter in js_kids(parameters) if parameters is not None else []:
            if parameter.type == "assignment_pattern":
                left = parameter.child_by_field_name("left")
                if left is not None and left.type == "identifier":
                    found.append(node_text(left, self.data))
            elif parameter.child_by_field_name("value") is not None:
                pattern = parameter.child_by_field_name("pattern")
                if pattern is not None and pattern.type == "identifier":
                    found.append(node_text(pattern, self.data))
        return found

    def _recursive_arguments(
        self, call: Node, params: list[str], defaulted: list[str], counters: set[str]
    ) -> tuple[list[tuple[str, str]], set[str]] | None:
        """How a recursive call passes the parameters on: (counters grown, parameters
        given a literal); None for other arguments (recursion over other data)."""
        data = self.data
        arguments = call.child_by_field_name("arguments")
        found = js_kids(arguments) if arguments is not None else []
        grown: list[tuple[str, str]] = []
        set_to_literal: set[str] = set()
        for index, argument in enumerate(found):
            if argument.type == "spread_element":
                return None
            param = params[index] if index < len(params) else None
            value = strip_await(argument)
            if value.type == "identifier" and node_text(value, data) in params:
                if param is not None and param != node_text(value, data):
                    return None
                if node_text(value, data) in counters:
                    grown.append((node_text(value, data), _js_code(value, data)))
                continue
            if value.type in ("number", "string", "true", "false", "null", "undefined"):
                if param is not None:
                    set_to_literal.add(param)
                continue
            if value.type == "binary_expression":
                operator = value.child_by_field_name("operator")
                sides = [value.child_by_field_name("left"), value.child_by_field_name("right")]
                counted = [
                    node_text(side, data)
                    for side in sides
                    if side is not None
                    and side.type == "identifier"
                    and node_text(side, data) in params
                ]
                numbers = [side for side in sides if side is not None and side.type == "number"]
                if operator is not None and operator.type in _JS_COUNTING and counted and numbers:
                    grown.append((counted[0], _js_code(value, data)))
                    continue
            return None
        set_to_literal.update(name for name in defaulted if name not in params[: len(found)])
        return grown, set_to_literal


def _js_function_nodes(body: Node) -> Iterator[tuple[Node, bool]]:
    """The nodes of a function's body, not entering nested functions, each with whether
    it is inside a `catch` clause (known on the way down: climbing `.parent` from every
    node is quadratic in the nesting depth)."""
    pending = [(child, False) for child in reversed(body.named_children)]
    while pending:
        node, in_catch = pending.pop()
        yield node, in_catch
        if node.type not in _JS_FUNCTIONS:
            inner = in_catch or node.type == "catch_clause"
            pending.extend((child, inner) for child in reversed(node.named_children))


class UnboundedRetryLoop(CodeRule):
    """
    ## What it does
    Reports retry logic that nothing bounds: a `while` loop or a recursion that
    retries a failing call with no attempt limit, deadline or remaining-time check,
    a retry decorator (tenacity, backoff, retrying) without a stop condition, and a
    botocore retry setting above `max-sdk-attempts`.

    In detail, it reports:

    - a `while True:` / `while 1:` loop, or a loop on a flag that it sets itself
      (`while not done:`), around a `try` that makes a call, whose success leaves
      the loop (`break`, `return`, setting the flag, or a test of what the `try`
      produced such as `if response.ok: break`) and whose `except` handler goes back
      to the loop's head (falls through, `continue`s, or re-raises only some
      errors), with no attempt counter, no deadline (`time.time()`,
      `time.monotonic()`, `datetime.now()` compared with a limit) and no
      `context.get_remaining_time_in_millis()` check, neither in the loop test nor
      in an `if ...:` / `assert` next to a way out of the loop. Reported on the
      `while` keyword;
    - a function or method that calls itself from its own `except` handler with the
      same arguments, or with a counter (`attempt + 1`) or a changed parameter that
      it never tests. Reported on the call;
    - tenacity's `@retry` (bare, or called without `stop=`, or with
      `stop=stop_never`), `tenacity.Retrying(...)` and `AsyncRetrying(...)` without
      `stop=`; `backoff.on_exception(...)` and `backoff.on_predicate(...)` without
      `max_tries` or `max_time`; `retrying`'s `@retry` / `Retrying(...)` without a
      `stop_*` argument. These libraries retry forever by default. Reported on the
      decorator (or the call, or the `stop=` value);
    - a botocore client configuration (`botocore.config.Config`,
      `botocore.client.Config`, `boto3.session.Config`, aiobotocore's `AioConfig`)
      whose `retries={"max_attempts": N}` (or `dict(...)`, or
      `"total_max_attempts": N`) is a literal above the `max-sdk-attempts` setting
      (default 10). Reported on the number.

    Names are resolved through imports and aliases (`import tenacity as t`,
    `from backoff import on_exception`, `from botocore.config import Config as C`).

    Not reported: `for attempt in range(n)` (bounded by construction); `while
    attempt < MAX:`, `while retries:` with `retries -= 1`, `while
    time.monotonic() < deadline:`, `while context.get_remaining_time_in_millis() >
    5000:`; a handler that re-raises, returns or breaks on every path, or that
    checks a counter, a collected list of errors, a deadline or the remaining time
    (or something named like a bound: `MAX_RETRIES`, `deadline`) before going on;
    polling and event loops that catch nothing, or that catch a failure and carry
    on with the next item: no way out of the loop on success, a `try` that reads
    the next input (`next()`, `input()`, `readline()`, `recv()`, `accept()`,
    `os.read()`), a value made anew before the `try` on each pass (`job =
    jobs.get()`), a handler that changes the call's input (`path = parent`) or the
    state the loop works through (`parts.pop()`), or records the error for a
    `raise` after the `try`; a flag loop that only another thread ends (`while not
    self.stopped:`); handlers for signals rather than failures
    (`KeyboardInterrupt`, `asyncio.CancelledError`, `InterruptedError`, `EINTR`,
    `BlockingIOError`, `queue.Empty`/`Full`, TLS `WantRead`/`WantWrite`); retry
    decorators with a bound or with options spread from a dict (`retry(**OPTIONS)`);
    a `retry` that is not one of these libraries'; recursion that tests what it
    changes, recursion over other data (`walk(child)`), and recursion in functions
    that ask a person for input.

    It applies to all Python code, not only to code that runs per invocation: an
    unbounded retry loop in initialization code stalls the cold start (the init
    phase has its own time limit), one in a helper that no handler is known to call
    may still run in one, and one in a script or test hangs it. Because the loop
    has to leave on success and go round again on failure of the same call, a
    long-running worker or polling loop that logs a failure and moves on is not
    reported.


    In JavaScript and TypeScript: `while (true)`, `while (1)`, `for (;;)`, `do { ... }
    while (true)` and flag loops (`while (!sent)`) around a `try` that makes a call
    (an SDK v3 `send`, `fetch`, axios) whose success leaves the loop and whose `catch`
    goes back to it, with no attempt counter (`attempt++`, `attempts += 1`, a list of
    errors), no deadline (`Date.now()`, `performance.now()`) and no
    `context.getRemainingTimeInMillis()` check; a function that calls itself from its
    `catch` with the same arguments or a counter it never tests; SDK v3 client options
    `maxAttempts: N` and SDK v2 `maxRetries: N` (N + 1 attempts, also in
    `AWS.config.update`) above `max-sdk-attempts`; and `p-retry`, `async-retry`,
    `promise-retry`, `retry`, `axios-retry` and `exponential-backoff` told to retry
    forever (`retries: Infinity`, `forever: true`). Their defaults are bounded and are
    not reported.

    ## Why is this bad?
    A failure that does not go away by itself (a missing resource, bad input,
    denied permissions, a throttled account, an outage) turns an unbounded retry
    into a loop that runs until the function's timeout: each invocation is billed
    for the full timeout, holds a unit of concurrency, hammers the failing
    dependency at the worst moment, and then fails anyway, with a timeout instead
    of the real error. Lambda and the event source already retry failed
    invocations, so retries inside the function should be few and end well before
    the deadline. A very high `max_attempts` in a botocore config does the same
    with the SDK's backoff: tens of attempts with waits of up to 20 seconds each
    outlast any Lambda timeout.

    ## Example
    ```python
    import time

    import boto3
    from botocore.config import Config
    from tenacity import retry

    sqs = boto3.client("sqs", config=Config(retries={"max_attempts": 50}))


    @retry
    def publish(body):
        sqs.send_message(QueueUrl="https://queue", MessageBody=body)


    def fetch(table, key):
        while True:
            try:
                return table.get_item(Key=key)["Item"]
            except Exception:
                time.sleep(1)
    ```

    ## Use instead
    ```python
    import time

    import boto3
    from botocore.config import Config
    from tenacity import retry, stop_after_attempt, wait_exponential

    sqs = boto3.client("sqs", config=Config(retries={"max_attempts": 5, "mode": "standard"}))


    @retry(stop=stop_after_attempt(5), wait=wait_exponential(max=4))
    def publish(body):
        sqs.send_message(QueueUrl="https://queue", MessageBody=body)


    def fetch(table, key, attempts=3):
        for attempt in range(attempts):
            try:
                return table.get_item(Key=key)["Item"]
            except Exception:
                if attempt == attempts - 1:
                    raise
                time.sleep(2**attempt)
    ```

    ## Fix
    None automatic: the right bound depends on the call and on the function's
    timeout. Count attempts (`for attempt in range(n)`, or a counter tested before
    going on) and re-raise when they run out; or stop at a deadline, for example
    when `context.get_remaining_time_in_millis()` falls below what one more attempt
    needs. Give tenacity a `stop=` (`stop_after_attempt`, `stop_after_delay`) and
    backoff a `max_tries` or `max_time`; keep botocore's `max_attempts` at or below
    `max-sdk-attempts` (or raise that setting if a higher value is intended).

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html
    - https://tenacity.readthedocs.io/en/latest/#stopping
    - https://github.com/litl/backoff
    - https://boto3.amazonaws.com/v1/documentation/api/latest/guide/retries.html
    """

    code = "SL204"
    name = "unbounded-retry-loop"
    severity = Severity.WARNING
    fix = FixKind.NONE

    valid = (
        # Bounded by construction.
        Valid(
            dedent(
                """\
                import time

                import boto3

                table = boto3.resource("dynamodb").Table("orders")


                def handler(event, context):
                    for attempt in range(3):
                        try:
                            return table.get_item(Key={"id": event["id"]})["Item"]
                        except Exception:
                            time.sleep(2**attempt)
                    raise RuntimeError("gave up")
                """
            ),
        ),
        # A counter in the loop test.
        Valid(
            dedent(
                """\
                import requests

                MAX_ATTEMPTS = 3


                def handler(event, context):
                    attempt = 0
                    while attempt < MAX_ATTEMPTS:
                        attempt += 1
                        try:
                            return requests.get(event["url"], timeout=3).json()
                        except requests.RequestException:
                            continue
                    return None
                """
            ),
        ),
        # A counter checked in the handler, which re-raises when it runs out.
        Valid(
            dedent(
                """\
                import time

                import boto3

                sqs = boto3.client("sqs")


                def handler(event, context):
                    attempts = 0
                    while True:
                        try:
                            sqs.send_message(QueueUrl=event["queue"], MessageBody="x")
                            break
                        except sqs.exceptions.QueueDoesNotExist:
                            attempts += 1
                            if attempts >= 5:
                                raise
                            time.sleep(attempts)
                """
            ),
        ),
        # A deadline, and the time the invocation has left.
        Valid(
            dedent(
                """\
                import time

                import requests


                def handler(event, context):
                    deadline = time.monotonic() + 10
                    while True:
                        try:
                            return requests.get(event["url"], timeout=2).json()
                        except requests.RequestException:
                            if time.monotonic() > deadline:
                                raise
                            time.sleep(1)


                def drain(event, context):
                    while context.get_remaining_time_in_millis() > 5000:
                        try:
                            return requests.get(event["url"], timeout=2).json()
                        except requests.RequestException:
                            time.sleep(1)
                """
            ),
        ),
        # A polling loop that catches nothing, and one whose handler re-raises.
        Valid(
            dedent(
                """\
                import time

                import boto3

                sfn = boto3.client("stepfunctions")


                def wait(arn):
                    while True:
                        status = sfn.describe_execution(executionArn=arn)["status"]
                        if status != "RUNNING":
                            return status
                        time.sleep(3)


                def start(arn):
                    while True:
                        try:
                            return sfn.start_execution(stateMachineArn=arn)
                        except Exception:
                            print("start failed")
                            raise
                """
            ),
        ),
        # Iterator and worker loops: a failure moves on to the next item.
        Valid(
            dedent(
                """\
                import json
                import queue


                def numbers(items):
                    iterator = iter(items)
                    while True:
                        try:
                            value = next(iterator)
                        except StopIteration:
                            break
                        yield value


                def worker(jobs: queue.Queue):
                    while True:
                        job = jobs.get()
                        if job is None:
                            break
                        try:
                            print(json.loads(job))
                        except ValueError:
                            print("bad job")
                """
            ),
        ),
        # Retry libraries with a bound.
        Valid(
            dedent(
                """\
                import backoff
                import requests
                from tenacity import retry, retry_if_exception_type, stop_after_attempt


                @retry(retry=retry_if_exception_type(IOError), stop=stop_after_attempt(5))
                def fetch(url):
                    return requests.get(url, timeout=3)


                @backoff.on_exception(backoff.expo, requests.RequestException, max_tries=4)
                def post(url, body):
                    return requests.post(url, json=body, timeout=3)


                @backoff.on_predicate(backoff.constant, interval=1, max_time=20)
                def poll(url):
                    return requests.get(url, timeout=3).json().get("ready")
                """
            ),
        ),
        # SDK attempts within the limit (the default, then a raised limit).
        Valid(
            dedent(
                """\
                import boto3
                from botocore.config import Config

                s3 = boto3.client("s3", config=Config(retries={"max_attempts": 5}))
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3
                from botocore.config import Config

                s3 = boto3.client("s3", config=Config(retries={"max_attempts": 20}))
                """
            ),
            options={"max-sdk-attempts": 25},
        ),
        # Recursion with a counter it tests, and recursion over data.
        Valid(
            dedent(
                """\
                import os

                import requests


                def fetch(url, attempt=1):
                    try:
                        return requests.get(url, timeout=3).json()
                    except requests.RequestException:
                        if attempt >= 3:
                            raise
                        return fetch(url, attempt + 1)


                def sizes(path):
                    try:
                        return [os.path.getsize(path)]
                    except IsADirectoryError:
                        children = [os.path.join(path, name) for name in os.listdir(path)]
                        return [size for child in children for size in sizes(child)]
                """
            ),
        ),
        # JavaScript: a counter checked before going round, the time left, a polling
        # loop that catches nothing, a bounded `for`.
        Valid(
            dedent(
                """\
                import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

                const ddb = new DynamoDBClient({ maxAttempts: 5 });
                const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

                export const handler = async (event, context) => {
                  let attempts = 0;
                  while (true) {
                    try {
                      return await ddb.send(new GetItemCommand({ TableName: "t", Key: event.key }));
                    } catch (error) {
                      attempts += 1;
                      if (attempts >= 5) throw error;
                      await sleep(100 * attempts);
                    }
                  }
                };

                export const drainHandler = async (event, context) => {
                  while (context.getRemainingTimeInMillis() > 5000) {
                    try {
                      return await fetch(event.url);
                    } catch (error) {
                      await sleep(1000);
                    }
                  }
                  for (let attempt = 0; attempt < 3; attempt++) {
                    const response = await fetch(event.url);
                    if (response.ok) return response;
                  }
                  while (true) {
                    const status = await fetch(event.statusUrl);
                    if (status.ok) return status;
                    await sleep(1000);
                  }
                };
                """
            ),
            filename="handler.mjs",
        ),
        # TypeScript: recursion with a counter it tests; p-retry with its default bound.
        Valid(
            dedent(
                """\
                import pRetry from "p-retry";

                async function fetchJson(url: string, attempt = 1): Promise<unknown> {
                  try {
                    return await (await fetch(url)).json();
                  } catch (error) {
                    if (attempt >= 3) throw error;
                    return fetchJson(url, attempt + 1);
                  }
                }

                export const handler = async (event: { url: string }) =>
                  pRetry(() => fetchJson(event.url), { retries: 4 });
                """
            ),
            filename="handler.ts",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                import time

                import boto3

                table = boto3.resource("dynamodb").Table("orders")


                def handler(event, context):
                    while True:
                        try:
                            return table.get_item(Key={"id": event["id"]})["Item"]
                        except Exception:
                            time.sleep(1)
                """
            ),
            line=9,
            column=5,
            message="`while True` retries a failing call with no bound",
        ),
        # A flag loop; the handler goes back with `continue`.
        Invalid(
            dedent(
                """\
                import requests


                def handler(event, context):
                    sent = False
                    while not sent:
                        try:
                            requests.post(event["hook"], json=event, timeout=3)
                            sent = True
                        except requests.RequestException:
                            continue
                """
            ),
            line=6,
            column=5,
            message="`except requests.RequestException` handler",
        ),
        # Only throttling is retried, but that without end.
        Invalid(
            dedent(
                """\
                import time

                import boto3
                from botocore.exceptions import ClientError

                sqs = boto3.client("sqs")


                def handler(event, context):
                    while 1:
                        try:
                            sqs.send_message(QueueUrl=event["queue"], MessageBody="x")
                            break
                        except ClientError as error:
                            if error.response["Error"]["Code"] != "ThrottlingException":
                                raise
                            time.sleep(0.5)
                """
            ),
            line=10,
            column=5,
        ),
        # Recursion on error, with the same arguments.
        Invalid(
            dedent(
                """\
                import requests


                def fetch(url):
                    try:
                        return requests.get(url, timeout=3).json()
                    except requests.RequestException:
                        return fetch(url)


                def handler(event, context):
                    return fetch(event["url"])
                """
            ),
            line=8,
            column=16,
            message="`fetch()` calls itself from its `except` handler with the same arguments",
        ),
        # A counter that grows but is never tested.
        Invalid(
            dedent(
                """\
                def save(table, item, attempt=0):
                    try:
                        table.put_item(Item=item)
                    except Exception:
                        save(table, item, attempt + 1)
                """
            ),
            line=5,
            column=9,
            message="never tests `attempt`",
        ),
        # tenacity: bare, through an alias, and called without `stop=`.
        Invalid(
            dedent(
                """\
                import tenacity as t


                @t.retry
                def publish(client, body):
                    client.publish(TopicArn="arn:aws:sns:eu-west-1:1:t", Message=body)
                """
            ),
            line=4,
            column=2,
            message="`@t.retry` without arguments retries forever",
        ),
        Invalid(
            dedent(
                """\
                import requests
                from tenacity import retry, retry_if_exception_type, wait_fixed


                @retry(wait=wait_fixed(2), retry=retry_if_exception_type(IOError))
                def fetch(url):
                    return requests.get(url, timeout=3)
                """
            ),
            line=5,
            column=2,
            message="`retry(...)` sets no `stop`",
        ),
        Invalid(
            dedent(
                """\
                import tenacity


                def handler(event, context):
                    for attempt in tenacity.Retrying(wait=tenacity.wait_random(0, 1)):
                        with attempt:
                            return context.client.get(event["key"])
                """
            ),
            line=5,
            column=20,
            message="`tenacity.Retrying(...)` sets no `stop`",
        ),
        Invalid(
            dedent(
                """\
                from tenacity import retry, stop_never


                @retry(stop=stop_never)
                def publish(client, body):
                    client.publish(Message=body)
                """
            ),
            line=4,
            column=13,
            message="retries forever",
        ),
        # backoff without `max_tries`/`max_time`.
        Invalid(
            dedent(
                """\
                from backoff import expo, on_exception
                from requests import RequestException, post


                @on_exception(expo, RequestException)
                def notify(url, body):
                    return post(url, json=body, timeout=3)
                """
            ),
            line=5,
            column=2,
            message="sets no `max_tries` or `max_time`",
        ),
        # botocore: above the default limit of 10, and above a configured limit.
        Invalid(
            dedent(
                """\
                import boto3
                from botocore.config import Config

                dynamodb = boto3.resource(
                    "dynamodb", config=Config(retries={"max_attempts": 50, "mode": "standard"})
                )
                """
            ),
            line=5,
            column=56,
            message="`max_attempts: 50`",
        ),
        Invalid(
            dedent(
                """\
                import boto3

                config = boto3.session.Config(retries={"total_max_attempts": 6})
                """
            ),
            line=3,
            column=62,
            message="more than the `max-sdk-attempts` limit (4)",
            options={"max-sdk-attempts": 4},
        ),
        # JavaScript: `while (true)` around an SDK v3 call whose `catch` only waits.
        Invalid(
            dedent(
                """\
                import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

                const ddb = new DynamoDBClient({});
                const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

                export const handler = async (event) => {
                  while (true) {
                    try {
                      return await ddb.send(new GetItemCommand({ TableName: "t", Key: event.key }));
                    } catch (error) {
                      await sleep(1000);
                    }
                  }
                };
                """
            ),
            filename="handler.mjs",
            line=7,
            column=3,
            message="`while (true)` retries a failing call with no bound",
        ),
        # TypeScript: `for (;;)` that rethrows only some errors.
        Invalid(
            dedent(
                """\
                export const handler = async (event: { url: string }) => {
                  for (;;) {
                    try {
                      const response = await fetch(event.url);
                      if (response.ok) return response.json();
                    } catch (error) {
                      if ((error as Error).name !== "TimeoutError") throw error;
                    }
                  }
                };
                """
            ),
            filename="handler.ts",
            line=2,
            column=3,
            message="`for (;;)` retries a failing call",
        ),
        # CommonJS: recursion from the `catch` with the same arguments.
        Invalid(
            dedent(
                """\
                const axios = require("axios");

                async function notify(url, body) {
                  try {
                    return await axios.post(url, body, { timeout: 3000 });
                  } catch (error) {
                    return notify(url, body);
                  }
                }

                exports.handler = async (event) => notify(event.hook, event.detail);
                """
            ),
            filename="handler.js",
            line=7,
            column=12,
            message="`notify()` calls itself from its `catch` with the same arguments",
        ),
        # SDK attempts above `max-sdk-attempts`, and a retry package told to go on forever.
        Invalid(
            dedent(
                """\
                import { S3Client } from "@aws-sdk/client-s3";

                const s3 = new S3Client({ maxAttempts: 50 });
                """
            ),
            filename="handler.mjs",
            line=3,
            column=40,
            message="`maxAttempts: 50` lets the SDK try a call up to 50 times",
        ),
        Invalid(
            dedent(
                """\
                import pRetry from "p-retry";

                export const handler = async (event) =>
                  pRetry(() => fetch(event.url), { retries: Infinity });
                """
            ),
            filename="handler.mjs",
            line=4,
            column=45,
            message="`retries: Infinity` makes `p-retry` retry forever",
        ),
    )

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        self._frames: list[_FunctionFrame] = []

    # -- JavaScript and TypeScript ---------------------------------------------------
    def check_javascript(self, module: JavaScriptModule) -> list[Diagnostic]:
        """`while (true)` / `for (;;)` / `do ... while (true)` and flag loops around a
        `try` whose `catch` goes back to retry, recursion from a `catch`, SDK attempt
        settings (`maxAttempts`, SDK v2 `maxRetries`) above `max-sdk-attempts`, and
        retry packages told to retry forever."""
        return _JavaScriptRetries(self, module).run()

    # -- retry libraries and botocore configurations ----------------------------
    def visit_Decorator(self, node: cst.Decorator) -> None:
        expression = node.decorator
        if isinstance(expression, cst.Attribute):
            if expression.attr.value != "retry":
                return
        elif not isinstance(expression, cst.Name):
            return
        qualified = self.ctx.qualified_name(expression)
        if qualified in BARE_DECORATORS:
            library = qualified.partition(".")[0]
            self.ctx.report(
                self,
                expression,
                f"`@{_code(expression)}` without arguments retries forever ({library}'s "
                f"default): a persistent error keeps the call going until the function "
                f"times out; {_BOUND_ADVICE[library]}.",
            )

    def visit_Call(self, node: cst.Call) -> None:
        name = _last_name(node.func)
        if name is None:
            return
        if self._frames:
            frame = self._frames[-1]
            if name in ("input", "getpass"):
                frame.interactive = True
            elif frame.handlers and name in _MUTATORS:
                receiver = node.func.value if isinstance(node.func, cst.Attribute) else None
                changed = dotted_name(receiver) if receiver is not None else None
                if changed is not None:
                    frame.handler_changes.add(changed)
            self._note_recursion(node, name)
        # A bare name may be an alias (`from botocore.config import Config as C`);
        # an attribute keeps the callee's own name (`t.retry`, `botocore.config.Config`).
        if isinstance(node.func, cst.Attribute) and name not in _CALLEE_NAMES:
            return
        qualified = self.ctx.qualified_name(node.func)
        if qualified in RETRIERS:
            self._check_retrier(node, qualified)
        elif qualified in BOTO_CONFIGS:
            self._check_config(node)

    def _check_retrier(self, node: cst.Call, qualified: str) -> None:
        if any(arg.star == "**" for arg in node.args):
            return  # `retry(**RETRY_OPTIONS)`: cannot tell
        keywords = {arg.keyword.value: arg.value for arg in node.args if arg.keyword is not None}
        library = qualified.partition(".")[0]
        callee = _code(node.func)
        bounds = RETRIERS[qualified]
        stop = keywords.get("stop")
        if library == "tenacity" and stop is not None and not _is_none(stop):
            if self.ctx.qualified_name(stop) in STOP_NEVER:
                self.ctx.report(
                    self,
                    stop,
                    f"`{callee}(stop={_code(stop)})` retries forever: a persistent error keeps "
                    f"the call going until the function times out; "
                    f"{_BOUND_ADVICE[library]}.",
                )
            return
        if any(key in keywords and not _is_none(keywords[key]) for key in bounds):
            return
        wanted = " or ".join(f"`{key}`" for key in bounds)
        self.ctx.report(
            self,
            node,
            f"`{callee}(...)` sets no {wanted}: {library} retries forever by default, so a "
            f"persistent error keeps the call going until the function times out; "
            f"{_BOUND_ADVICE[library]}.",
        )

    def _check_config(self, node: cst.Call) -> None:
        limit = self.settings.max_sdk_attempts
        for arg in node.args:
            if arg.keyword is None or arg.keyword.value != "retries":
                continue
            for key, value in _mapping_entries(arg.value):
                if key not in ATTEMPT_KEYS or not isinstance(value, cst.Integer):
                    continue
                attempts = value.evaluated_value
                if attempts > limit:
                    self.ctx.report(
                        self,
                        value,
                        f"`{key}: {attempts}` lets the SDK retry a call up to {attempts} "
                        f"times with backoff, more than the `max-sdk-attempts` limit "
                        f"({limit}): a throttled or failing service keeps the invocation "
                        f"waiting until it times out; use at most {limit} (and let Lambda "
                        f"or the event source retry the invocation).",
                    )

    # -- recursion on error --------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(
            _FunctionFrame(
                node,
                is_method=self.ctx.scope.kind == "class",
                params=frozenset(_param_names(node)),
            )
        )

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._frames.pop()

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if self._frames:
            self._frames[-1].handlers.append(node)

    def leave_ExceptHandler(self, original_node: cst.ExceptHandler) -> None:
        if self._frames:
            self._frames[-1].handlers.pop()

    def visit_ExceptStarHandler(self, node: cst.ExceptStarHandler) -> None:
        if self._frames:
            self._frames[-1].handlers.append(node)

    def leave_ExceptStarHandler(self, original_node: cst.ExceptStarHandler) -> None:
        if self._frames:
            self._frames[-1].handlers.pop()

    def visit_If(self, node: cst.If) -> None:
        if self._frames:
            self._frames[-1].tests.append(node.test)

    def visit_While(self, node: cst.While) -> None:
        if self._frames:
            self._frames[-1].tests.append(node.test)

    def visit_IfExp(self, node: cst.IfExp) -> None:
        if self._frames:
            self._frames[-1].tests.append(node.test)

    def visit_Assert(self, node: cst.Assert) -> None:
        if self._frames:
            self._frames[-1].tests.append(node.test)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self._frames:
            frame = self._frames[-1]
            frame.counters.update(_target_names(node.target))
            if frame.handlers:
                frame.handler_changes.update(_changed_names(node.target))

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._frames and self._frames[-1].handlers:
            for target in node.targets:
                self._frames[-1].handler_changes.update(_changed_names(target.target))

    def _note_recursion(self, node: cst.Call, name: str) -> None:
        frame = self._frames[-1]
        if not frame.handlers or name != frame.node.name.value:
            return
        func = node.func
        if isinstance(func, cst.Name):
            # Inside a method, a bare name is a module-level function, not the method;
            # a name the function binds itself (`from x import f`) is not the function.
            if frame.is_method or self.ctx.binding_scope(name) is self.ctx.scope:
                return
            frame.recursive_calls.append((node, frame.handlers[-1]))
            return
        positional = _positional_names(frame.node)
        if (
            frame.is_method
            and positional
            and isinstance(func, cst.Attribute)
            and isinstance(func.value, cst.Name)
            # `self.get()` in a method whose `self` is `self` (not `cls.__init__(self)`
            # of a base class); `cls.create()` in a classmethod.
            and func.value.value == positional[0]
        ):
            frame.recursive_calls.append((node, frame.handlers[-1]))

    def _check_recursion(self, frame: _FunctionFrame) -> None:
        if frame.interactive:
            return  # asking again after a bad answer
        for call, handler in frame.recursive_calls:
            if _catches_signal(handler) or _moves_on(handler):
                continue  # `except WantReadError:` after waiting for the socket
            arguments = _recursive_arguments(frame, call)
            if arguments is None:
                continue  # called with other arguments: recursion over data, not a retry
            grown = arguments.counters
            # Bounded if a test reads what the call changes: a counter, a parameter
            # given a literal, state the handler sets (`self.failed = True`).
            names = (
                {name for name, _ in grown}
                | arguments.set_to_literal
                | frame.counters
                | frame.handler_changes
            )
            if any(self._bounded_by(test, names) for test in frame.tests):
                continue
            function = frame.node.name.value
            if grown:
                shown = ", ".join(f"`{text}`" for _, text in grown)
                tested = ", ".join(f"`{name}`" for name, _ in grown)
                what = f"with {shown} but never tests {tested}"
            elif arguments.set_to_literal:
                reset = ", ".join(f"`{name}`" for name in sorted(arguments.set_to_literal))
                what = f"with {reset} set again but never tests it"
            else:
                what = "with the same arguments and nothing bounds the recursion"
            self.ctx.report(
                self,
                call,
                f"`{function}()` calls itself from its `except` handler {what} (no attempt "
                f"limit, deadline or `context.get_remaining_time_in_millis()` check): a "
                f"persistent error repeats the call until the function times out or "
                f"Python raises `RecursionError`; pass an attempt count, test it and "
                f"re-raise when it runs out.",
            )

    # -- while loops -----------------------------------------------------------------
    def leave_IndentedBlock(self, original_node: cst.IndentedBlock) -> None:
        parent = self.ctx.parent
        if isinstance(parent, cst.While) and parent.body is original_node:
            self._check_loop(parent)
        elif (
            isinstance(parent, cst.FunctionDef)
            and parent.body is original_node
            and self._frames
            and self._frames[-1].node is parent
            and self._frames[-1].recursive_calls
        ):
            self._check_recursion(self._frames[-1])

    def _check_loop(self, loop: cst.While) -> None:
        test = loop.test
        if _always_true(test):
            flags: set[str] = set()
        elif _has_ordering(test) or self._bounded_by(test, set()):
            return  # `while attempt < MAX:`, `while time.time() < deadline:`
        else:
            flags = _names_read(test)
        scan = _LoopScan(self, flags)
        scan.block(_statements(loop.body), _END_OF_BODY)
        retrying = scan.retrying_handlers()
        if not retrying:
            return
        names = set(scan.counters)
        for assigned, value in scan.assignments:
            if self._reads_clock(value):
                names.update(assigned)
        if self._bounded_by(test, names) or any(
            self._bounded_by(check, names) for check in scan.checks
        ):
            return
        handler = retrying[0]
        caught = f"except {_code(handler.type)}" if handler.type is not None else "except"
        header = _shorten(f"while {_code(test)}")
        self.ctx.report(
            self,
            loop,
            f"`{header}` retries a failing call with no bound: its `{caught}` handler goes "
            f"back to the loop with no attempt counter, deadline or "
            f"`context.get_remaining_time_in_millis()` check, so a persistent error "
            f"(throttling, a missing resource, bad input) loops until the function times "
            f"out; count the attempts and re-raise after a few, or stop before the deadline.",
        )

    # -- what bounds a retry -----------------------------------------------------------
    def _is_clock(self, call: cst.Call) -> bool:
        func = call.func
        name = _last_name(func)
        if name == REMAINING_TIME:
            return True
        # A bare name may be an alias (`from time import monotonic as clock`).
        if isinstance(func, cst.Attribute) and name not in _CLOCK_NAMES:
            return False
        return self.ctx.qualified_name(func) in TIME_SOURCES

    def _reads_clock(self, expression: cst.BaseExpression) -> bool:
        return any(
            isinstance(node, cst.Call) and self._is_clock(node) for node in _nodes(expression)
        )

    def _bounded_by(self, test: cst.BaseExpression, names: set[str]) -> bool:
        """Does `test` read a clock, the remaining time, one of `names` (counters,
        clock readings) or something named like a bound (`MAX_RETRIES`, `deadline`)?"""
        pending: list[cst.CSTNode] = [test]
        while pending:
            node = pending.pop()
            if isinstance(node, cst.Call):
                if self._is_clock(node):
                    return True
                # Not the callee's own name (`is_retryable(e)` bounds nothing), but
                # its receiver (`retries.pop()`) and its arguments.
                pending.extend(arg.value for arg in node.args)
                if isinstance(node.func, cst.Attribute):
                    pending.append(node.func.value)
            elif isinstance(node, (cst.Name, cst.Attribute)):
                dotted = dotted_name(node)
                if dotted is not None and (dotted in names or _bound_like(dotted)):
                    return True
                if isinstance(node, cst.Attribute):
                    pending.append(node.value)
            elif not isinstance(node, cst.Lambda):
                pending.extend(node.children)
        return False
