"""What the batch and failure rules (SL205, SL206, SL207) read: the trigger's batch
settings on the config side, and on the code side (through `slint.facts` only, so any
front end feeds them) the handler's loops over the event's records, which failures
escape them, which are caught, and whether the handler returns `batchItemFailures`.

JavaScript and TypeScript handlers feed the same facts: a `try`/`catch` and a promise's
`.catch(...)` are `Try`s; `event.Records.map(async (record) => ...)` is a loop whose
promises `Promise.all` joins (a rejection fails the invocation, as an escaping exception
does) or `Promise.allSettled` joins (every rejection is kept as a result: caught, and
lost unless the handler reports it)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from slint.app.model import Event, Function, Setting, Unknown, is_known
from slint.app.project import LinkedHandler, ReachedFunction
from slint.facts import Behaviour, Call, ExceptClause, Loop, Raise, Return, Value

from .config import number

FAILURES_KEY = "batchItemFailures"
ITEM_KEY = "itemIdentifier"
REPORT_TYPE = "ReportBatchItemFailures"
# AWS's batch size when none is set.
DEFAULT_BATCH = {"sqs": 10, "stream": 100, "kafka": 100, "mq": 100}
# Sources that redeliver or retry a failed invocation, or send it to a DLQ.
QUEUE_KINDS = frozenset({"sqs", "stream", "kafka", "mq"})
_LOG_METHODS = frozenset(
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
        "print_exc",
        "format_exc",
        "print_exception",
        "format_exception",
        "msg",
        # Powertools' Logger keys (Python and TypeScript): they shape the log lines.
        "append_keys",
        "remove_keys",
        "set_correlation_id",
        "appendKeys",
        "appendPersistentKeys",
        "removeKeys",
        "removePersistentKeys",
        "resetKeys",
        "setCorrelationId",
        "addContext",
    }
)
_LOG_OBJECTS = (
    "log",
    "logger",
    "logging",
    "_log",
    "_logger",
    "traceback",
    "structlog",
    "console",
)
# Adding to a list (Python `append`, JavaScript `push`) or a set.
COLLECT_METHODS = frozenset({"append", "add", "extend", "insert", "appendleft", "push", "unshift"})
# Calls that cannot fail on a record in a way worth a retry: Python builtins, and the
# JavaScript globals and constructions that convert or copy values.
_HARMLESS = frozenset(
    {
        "print",
        "len",
        "str",
        "repr",
        "isinstance",
        "type",
        "id",
        "bool",
        "list",
        "dict",
        "set",
        "String",
        "Number",
        "Boolean",
        "Array",
        "Object",
        "Map",
        "Set",
        "Date",
        "Date.now",
        "Error",
        "JSON.stringify",
        "Array.isArray",
        "Array.from",
        "Object.keys",
        "Object.values",
        "Object.entries",
        "Object.assign",
        "Object.fromEntries",
        "Buffer.from",
        "Buffer.byteLength",
        "parseInt",
        "parseFloat",
        "encodeURIComponent",
        "Promise.resolve",
        # Validation that reports a bad record in its result instead of throwing.
        "valibot.safeParse",
    }
)
# Methods of strings and containers that do not fail on data a record carries.
_HARMLESS_METHODS = frozenset(
    {
        "split",
        "rsplit",
        "strip",
        "lstrip",
        "rstrip",
        "lower",
        "upper",
        "replace",
        "startswith",
        "endswith",
        "join",
        "format",
        "get",
        "items",
        "keys",
        "values",
        "copy",
        "setdefault",
        "update",
        "pop",
        "count",
        # JavaScript strings, arrays, maps and sets.
        "trim",
        "trimStart",
        "trimEnd",
        "toLowerCase",
        "toUpperCase",
        "startsWith",
        "endsWith",
        "includes",
        "indexOf",
        "lastIndexOf",
        "slice",
        "substring",
        "substr",
        "padStart",
        "padEnd",
        "replaceAll",
        "charAt",
        "concat",
        "toString",
        "toFixed",
        "has",
        # zod's `schema.safeParse(value)`: a bad record is a result, not an exception.
        "safeParse",
    }
)
# What tells Powertools' batch utility is at work (it reports failures itself): Python's
# functions and decorators, and those of Powertools for TypeScript.
_POWERTOOLS_BATCH = (
    "process_partial_response",
    "async_process_partial_response",
    "batch_processor",
    "async_batch_processor",
    "sqs_batch_processor",
    "processPartialResponse",
    "processPartialResponseSync",
)
# The packages whose processors' `response()` is the partial batch response.
_POWERTOOLS_BATCH_PACKAGES = ("aws_lambda_powertools", "@aws-lambda-powertools/batch")
# Module suffixes the JavaScript front end reads.
_JAVASCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})


def describe(event: Event, *, place: bool = True) -> str:
    """`serverless.yml:28: sqs event, batchSize 10`; without `place` (for a finding that
    stands on the event itself) `sqs event (batchSize 10)`."""
    size = batch_size(event)
    text = f"{event.kind} event"
    if event.kind == "stream" and event.stream_type:
        text = f"{event.stream_type} stream event"
    detail = None
    if isinstance(size, int):
        setting = event.batch_size
        if setting is not None and setting.present:
            # The key as the config writes it: `batchSize 10`, `BatchSize 10`.
            detail = f"{setting.key or 'batch size'} {size}"
        else:
            detail = f"batch size {size} by default"
    if not place:
        return f"{text} ({detail})" if detail else text
    text = f"{event.file}:{event.at.row}: {text}"
    return f"{text}, {detail}" if detail else text


def batch_size(event: Event) -> int | Unknown | None:
    """The event's batch size: AWS's default when unset, Unknown when it cannot be known."""
    setting = event.batch_size
    if setting is None or not setting.present:
        return DEFAULT_BATCH.get(event.kind)
    if not setting.known:
        return Unknown("batch size")
    value = number(setting.value)
    return int(value) if value is not None else Unknown("batch size")


def reports_item_failures(event: Event) -> bool | None:
    """Is `ReportBatchItemFailures` enabled on the event (None: cannot tell)?"""
    setting: Setting[Any] | None = event.report_batch_item_failures
    if setting is None or not setting.present:
        return False
    value = setting.value
    if not is_known(value):
        return None
    values = value if isinstance(value, list) else [value]
    return any(item == REPORT_TYPE for item in values)


def batch_events(function: Function) -> Iterator[Event]:
    """The enabled SQS and stream events that hand the function more than one record."""
    for event in function.events:
        if event.kind not in ("sqs", "stream"):
            continue
        enabled = event.enabled.value if event.enabled is not None else None
        if enabled is False or (isinstance(enabled, str) and enabled.lower() == "false"):
            continue
        size = batch_size(event)
        if isinstance(size, int) and size > 1:
            yield event


# -- the language of the code ---------------------------------------------------------------
def is_javascript(handler: LinkedHandler) -> bool:
    """A JavaScript or TypeScript handler: its messages show JavaScript syntax."""
    return handler.facts is not None and handler.facts.language == "javascript"


def in_javascript(reached: ReachedFunction) -> bool:
    """A reached function written in JavaScript or TypeScript."""
    return reached.path.suffix.lower() in _JAVASCRIPT_SUFFIXES


def failures_literal(javascript: bool) -> str:
    """The partial batch response as the handler's language writes it."""
    if javascript:
        return f"{{ {FAILURES_KEY}: [...] }}"
    return f'{{"{FAILURES_KEY}": [...]}}'


def failure_item_literal(javascript: bool) -> str:
    """A partial batch response naming one failed record, as the language writes it."""
    if javascript:
        return f"{{ {FAILURES_KEY}: [{{ {ITEM_KEY}: <message id> }}, ...] }}"
    return f'{{"{FAILURES_KEY}": [{{"{ITEM_KEY}": <message id>}}, ...]}}'


def powertools_batch(javascript: bool) -> str:
    """Powertools' batch utility, as its documentation for the language names it."""
    if javascript:
        return "Powertools' `BatchProcessor` with `processPartialResponse`"
    return "Powertools' `BatchProcessor`"


# -- the code side --------------------------------------------------------------------------
def is_logging(call: Call) -> bool:
    """A log line (or `print`): nobody retries or alarms on it."""
    if call.name in ("print", "builtins.print"):
        return True
    if call.method in _LOG_METHODS:
        receiver = (call.receiver.text if call.receiver is not None else "").lower()
        root = call.name.split(".")[0].lower()
        return receiver.endswith(_LOG_OBJECTS) or root in ("logging", "traceback", "structlog")
    return False


def is_work(call: Call) -> bool:
    """A call that may fail on a bad record (not a log line, not collecting a result)."""
    if is_logging(call) or call.name in _HARMLESS:
        return False
    if call.receiver is not None and call.method in _HARMLESS_METHODS:
        return False
    return call.method not in COLLECT_METHODS


@dataclass(frozen=True)
class RecordLoop:
    function: ReachedFunction
    index: int

    @property
    def loop(self) -> Loop:
        return self.function.behaviour.loops[self.index]


def record_loops(handler: LinkedHandler) -> list[RecordLoop]:
    """Loops over the event's records in the handler and the functions it reaches."""
    return [
        RecordLoop(reached, index)
        for reached in handler.reached
        for index, loop in enumerate(reached.behaviour.loops)
        if loop.records
    ]


def _handled_inside(behaviour: Behaviour, loop: int, tries: tuple[int, ...]) -> bool:
    """Is a node with these enclosing `try`s caught, inside the loop, by a clause that
    catches everything and does not raise again?"""
    for index in tries:
        block = behaviour.tries[index]
        if loop in block.loops and block.handles_all:
            return True
    return False


def escape(record_loop: RecordLoop) -> Raise | Call | None:
    """The first `raise`, or work outside a `try` that handles every failure, that lets an
    exception out of one pass of the loop (and so fails the whole batch). A JavaScript
    loop whose promises `Promise.allSettled` joins lets nothing out: each rejection
    becomes a result (see `settled_rejection`)."""
    if record_loop.loop.joined == "settled":
        return None
    return _leaves_pass(record_loop)


def settled_rejection(record_loop: RecordLoop) -> Raise | Call | None:
    """In a loop whose promises `Promise.allSettled` joins, the first `throw`, or work
    outside a `catch` that handles every failure, that rejects one record's promise:
    the failure is kept as a settled result instead of failing the invocation."""
    if record_loop.loop.joined != "settled":
        return None
    return _leaves_pass(record_loop)


def _leaves_pass(record_loop: RecordLoop) -> Raise | Call | None:
    behaviour = record_loop.function.behaviour
    index = record_loop.index
    for raised in behaviour.raises:
        if index in raised.loops and not _handled_inside(behaviour, index, raised.tries):
            return raised
    for call in behaviour.calls:
        if (
            index in call.loops
            and call.handler is None
            and is_work(call)
            and not _handled_inside(behaviour, index, call.tries)
        ):
            return call
    return None


@dataclass(frozen=True)
class CaughtFailure:
    """An `except` clause inside a record loop that does not raise again."""

    function: ReachedFunction
    try_index: int
    clause_index: int

    @property
    def clause(self) -> ExceptClause:
        return self.function.behaviour.tries[self.try_index].clauses[self.clause_index]

    def calls(self) -> list[Call]:
        where = (self.try_index, self.clause_index)
        return [c for c in self.function.behaviour.calls if c.handler == where]

    def reports_in_return(self) -> bool:
        """`except ...: return {"batchItemFailures": [...]}` answers for the record
        itself (a stream handler stopping at the first failure)."""
        where = (self.try_index, self.clause_index)
        return any(
            returned.handler == where
            and returned.value is not None
            and returned.value.item(FAILURES_KEY) is not None
            for returned in self.function.behaviour.returns
        )

    def collected_into(self) -> list[tuple[str, Value | None]]:
        """The lists it adds to (`failures.append({...})`), with what it adds."""
        found = []
        for call in self.calls():
            if call.method in COLLECT_METHODS and call.receiver is not None:
                added = call.arguments[0].value if call.arguments else None
                found.append((call.receiver.text, added))
        return found


def caught_failures(record_loop: RecordLoop) -> list[CaughtFailure]:
    behaviour = record_loop.function.behaviour
    found = []
    for try_index, block in enumerate(behaviour.tries):
        if record_loop.index not in block.loops or block.handler is not None:
            continue  # a `try` inside an `except` handles the handling's own failure
        for clause_index, clause in enumerate(block.clauses):
            if not clause.raises:
                found.append(CaughtFailure(record_loop.function, try_index, clause_index))
    return found


@dataclass(frozen=True)
class FailureResponse:
    """How the handler answers for the records that failed."""

    powertools: bool  # Powertools' batch utility builds the response
    returned: tuple[tuple[ReachedFunction, Return, Value], ...]  # `batchItemFailures` values
    misspelt: tuple[tuple[ReachedFunction, Return, str], ...]  # a key that is almost it

    @property
    def reports(self) -> bool:
        return self.powertools or bool(self.returned)

    def returns_list(self, name: str) -> bool:
        """Does a returned `batchItemFailures` value read the list `name`? Also the list
        inside a returned response (`response.batchItemFailures.push(...)`, then
        `return response`)."""
        for _, returned, value in self.returned:
            if name in value.names or value.text == name:
                return True
            whole = returned.value.text if returned.value is not None else None
            if whole is not None and name in (
                f"{whole}.{FAILURES_KEY}",
                f'{whole}["{FAILURES_KEY}"]',
                f"{whole}['{FAILURES_KEY}']",
            ):
                return True
        return False


def failure_response(handler: LinkedHandler) -> FailureResponse:
    powertools = False
    returned: list[tuple[ReachedFunction, Return, Value]] = []
    misspelt: list[tuple[ReachedFunction, Return, str]] = []
    for reached in handler.reached:
        decorators = reached.facts.decorators
        if any(d.removesuffix("()").endswith(_POWERTOOLS_BATCH) for d in decorators):
            powertools = True
        for call in reached.behaviour.calls:
            if call.name.endswith(_POWERTOOLS_BATCH) or (
                call.method == "response"
                and "Processor" in call.name
                and call.name.startswith(_POWERTOOLS_BATCH_PACKAGES)
            ):
                powertools = True
        for returned_value in reached.behaviour.returns:
            value = returned_value.value
            if value is None:
                continue
            found = value.item(FAILURES_KEY)
            if found is not None:
                returned.append((reached, returned_value, found))
                continue
            for key in value.keys:
                if _almost(key):
                    misspelt.append((reached, returned_value, key))
    return FailureResponse(powertools, tuple(returned), tuple(misspelt))


_JOINS = frozenset({"Promise.all", "Promise.allSettled"})


def returned_as_result(caught: CaughtFailure, response: FailureResponse) -> bool:
    """A JavaScript per-record callback whose `catch` returns (`catch (e) { return {
    itemIdentifier: record.messageId }; }`): what it returns is that record's element of
    the joined results, which the handler returns as its `batchItemFailures`
    (`results.filter(Boolean)`)."""
    if caught.clause.exits != "return":
        return False
    behaviour = caught.function.behaviour
    block = behaviour.tries[caught.try_index]
    if not any(behaviour.loops[index].kind == "map" for index in block.loops):
        return False
    return any(
        reached == caught.function and _JOINS.intersection(value.names)
        for reached, _, value in response.returned
    )


def _almost(key: str) -> bool:
    squashed = key.lower().replace("_", "").replace("-", "")
    return key != FAILURES_KEY and squashed in ("batchitemfailures", "batchitemfailure")


def item_key_problem(added: Value | None) -> str | None:
    """A dict added to the failures whose key is not `itemIdentifier`."""
    if added is None or not added.keys or ITEM_KEY in added.keys:
        return None
    return added.keys[0]
