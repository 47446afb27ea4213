"""What a handler does, as plain data that no parser's types leak into.

Cross rules (SL201, SL205-SL208, ...) reason about the code a handler runs on every
invocation: which calls it makes and with which arguments, which loops it runs over
the event's records, which `try` blocks cover which work and what their handlers do
with a failure, what it returns. A front end turns one language's syntax tree into
these facts (`slint.python.behaviour` for Python, through the standard library's
`ast`); the rules read only the facts, so a second front end (JavaScript and
TypeScript through tree-sitter) feeds the same rules without changing them.

All positions are 1-based rows and 1-based character columns. Every index into
`Behaviour.loops` / `Behaviour.tries` refers to the same function's `Behaviour`.
The data is frozen and picklable: workers and the cache can return it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

from slint.diagnostics import Location


@dataclass(frozen=True)
class Span:
    start: Location
    end: Location

    @property
    def line(self) -> int:
        return self.start.row


@dataclass(frozen=True)
class Value:
    """What an expression is, as far as a rule can tell without running it.

    text: the source as written (shortened past 160 characters).
    literal: the value of a string, number, boolean or None literal (None otherwise;
      check `is_literal`).
    prefix/suffix: the fixed text at the start/end of a string built from pieces
      (`f"thumbs/{key}"` has prefix "thumbs/"); the whole text for a plain literal.
    env: the environment variable it reads (`os.environ["BUCKET"]`, `os.getenv("B")`,
      through a variable assigned from one).
    origin: the qualified name of what built it, for an object made by a call
      (`boto3.client("s3")` -> "boto3.client()", `table.put_item` results excluded).
    service: the AWS service of an SDK client or resource it holds: "s3", "sqs",
      "dynamodb", and for resource objects "dynamodb.Table", "s3.Bucket", "s3.Object".
    event_path: where in a handler's input it comes from, rooted at a parameter or a
      loop variable: "event.Records[].s3.bucket.name", "record.body".
    keys: the keys of a dictionary literal (also one assigned to the name first).
    items: for a dictionary literal, each key with its value.
    names: the names it reads, dotted and resolved through imports and local
      assignments ("record", "context.aws_request_id", "uuid.uuid4").
    elements: for a list, tuple or set literal, its elements (also one assigned to
      the name first); a starred element is left out.
    keywords: for an object made by a call, the keyword arguments of that call
      (`CORSConfig(allow_origin="*")` -> (("allow_origin", Value("*")),)), through a
      name assigned from it too (`app = Resolver(cors=cors)`).
    span: where the expression is written, for the values a rule may report on: the
      values of dictionary items (also ones assigned by subscript, `d["k"] = v`), list
      elements, and keyword arguments of a call value (None elsewhere). A value read
      through a name keeps the spans inside it (the `"*"` of `headers =
      {"Access-Control-Allow-Origin": "*"}` where `headers` is returned). Not part of
      equality.
    """

    text: str
    literal: str | int | float | bool | None = None
    is_literal: bool = False
    prefix: str | None = None
    suffix: str | None = None
    env: str | None = None
    origin: str | None = None
    service: str | None = None
    event_path: str | None = None
    keys: tuple[str, ...] = ()
    items: tuple[tuple[str, Value], ...] = ()
    names: tuple[str, ...] = ()
    elements: tuple[Value, ...] = ()
    keywords: tuple[tuple[str, Value], ...] = ()
    span: Span | None = field(default=None, compare=False)

    def item(self, key: str) -> Value | None:
        for name, value in self.items:
            if name == key:
                return value
        return None

    def keyword(self, name: str) -> Value | None:
        """The keyword argument `name` of the call that made it, if given."""
        for keyword, value in self.keywords:
            if keyword == name:
                return value
        return None


def placed(held: Value, path: Sequence[str | int], value: Value) -> Value | None:
    """`held` with `value` at `path` (dictionary or object keys and list or array
    indices, outermost first), for an assignment into a literal held by a name
    (`d["k"] = v`, `obj.k = v`); None when `held` has no literal container along the
    way. Both front ends keep the names' values this way."""
    if not path:
        return value
    step, rest = path[0], path[1:]
    if isinstance(step, str):
        inner = held.item(step)
        if rest and inner is None:
            return None
        changed = placed(inner, rest, value) if inner is not None else value
        if changed is None:
            return None
        items = (*(i for i in held.items if i[0] != step), (step, changed))
        return replace(held, keys=tuple(k for k, _ in items if k != "**"), items=items)
    elements = held.elements
    if not -len(elements) <= step < len(elements):
        return None
    changed = placed(elements[step], rest, value)
    if changed is None:
        return None
    updated = list(elements)
    updated[step] = changed
    return replace(held, elements=tuple(updated))


@dataclass(frozen=True)
class Argument:
    keyword: str | None  # None for a positional argument
    position: int  # index among the positional arguments, -1 for a keyword
    value: Value


@dataclass(frozen=True)
class Call:
    """One call in a function's body.

    name: the callee, qualified through imports and assignments
      ("boto3.client().put_object", "requests.post", "process_record", "print").
    method: the last part of the callee's name ("put_object").
    receiver: the object a method is called on (None for a plain function call).
    loops: indices of the enclosing loops, outermost first.
    tries: indices of the `try` statements whose body holds the call, outermost first.
    handler: (try index, handler index) of the `except` clause that holds it, if any.
    """

    name: str
    method: str
    receiver: Value | None
    arguments: tuple[Argument, ...]
    span: Span
    loops: tuple[int, ...] = ()
    tries: tuple[int, ...] = ()
    handler: tuple[int, int] | None = None
    awaited: bool = False
    # Indices of the `Condition`s (the `if` branches) that hold the call, outermost first.
    conditions: tuple[int, ...] = ()
    # How the call is written, for messages, where that differs from `name` (an SDK v3
    # `client.send(new PutItemCommand(...))` has method "put_item", as boto3 names it).
    display: str | None = field(default=None, compare=False)
    # It runs once per execution environment, not per invocation: under a
    # once-per-environment guard (`client ??= new X()`, `if (!client) client = ...`).
    # Set by the JavaScript front end; Python's code rules read the libcst tree.
    once: bool = False

    def argument(self, keyword: str, position: int | None = None) -> Value | None:
        for argument in self.arguments:
            if argument.keyword == keyword or (
                position is not None and argument.position == position
            ):
                return argument.value
        return None

    def has_keyword(self, keyword: str) -> bool:
        return any(argument.keyword == keyword for argument in self.arguments)

    @property
    def has_unpacked_keywords(self) -> bool:
        """Called with `**kwargs`: any keyword may be in there."""
        return any(argument.keyword == "**" for argument in self.arguments)


@dataclass(frozen=True)
class Loop:
    """A `for` or `while` loop, or a callback run per element (JavaScript's
    `event.Records.map(async (record) => ...)`, `forEach`).

    iterable: what a `for` iterates over. records: it iterates the records of the
    event (`event["Records"]`, `event.get("Records", [])`, a name assigned from it,
    Powertools `event.records`). infinite: `while True` (or another constant truth).
    """

    kind: str  # "for", "while", or "map" (a callback run per element: `records.map(fn)`)
    span: Span
    target: str | None = None
    iterable: Value | None = None
    records: bool = False
    infinite: bool = False
    loops: tuple[int, ...] = ()
    tries: tuple[int, ...] = ()
    handler: tuple[int, int] | None = None
    # "map" loops: the promises it makes are awaited together, through `Promise.all`
    # ("all": the first rejection fails the whole), `Promise.allSettled` ("settled":
    # every rejection is kept as a result, none raises), or not at all (None).
    joined: str | None = None


@dataclass(frozen=True)
class ExceptClause:
    """One `except` clause and what it does with the failure.

    catches: the qualified exception names it catches (() for a bare `except:`).
    broad: it catches every error (bare, `Exception`, `BaseException`).
    reraises: every path out of it raises (`raise`, `raise X from e`).
    exits: it ends with `return`, `break` or `continue` (the work after it is skipped).
    """

    span: Span
    catches: tuple[str, ...]
    broad: bool
    reraises: bool
    raises: bool  # it raises on some path
    exits: str | None  # "return", "break", "continue" or None


@dataclass(frozen=True)
class Try:
    span: Span
    body_end: int  # the last line of the `try` body
    clauses: tuple[ExceptClause, ...]
    has_finally: bool
    loops: tuple[int, ...] = ()
    tries: tuple[int, ...] = ()
    handler: tuple[int, int] | None = None

    @property
    def handles_all(self) -> bool:
        """A clause catches every error and does not raise it again."""
        return any(clause.broad and not clause.raises for clause in self.clauses)


@dataclass(frozen=True)
class Return:
    span: Span
    value: Value | None  # None for a bare `return`
    loops: tuple[int, ...] = ()
    tries: tuple[int, ...] = ()
    handler: tuple[int, int] | None = None


@dataclass(frozen=True)
class Raise:
    span: Span
    bare: bool  # `raise` re-raising the error being handled
    loops: tuple[int, ...] = ()
    tries: tuple[int, ...] = ()
    handler: tuple[int, int] | None = None


@dataclass(frozen=True)
class Skip:
    """`if <test>: return/continue` (a guard that skips the rest of the work).

    names: what the test reads; methods: the methods it calls on them
    (`key.startswith("thumbs/")` -> names ("key",), methods ("startswith",)).
    """

    span: Span
    names: tuple[str, ...]
    methods: tuple[str, ...]
    strings: tuple[str, ...]  # string literals in the test
    exit: str  # "return" or "continue"
    loops: tuple[int, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One branch of an `if`: the body (`negated` False) or the `else` part (True), with
    what its test reads (`if not key.startswith("thumbs/"):` -> names ("key",), methods
    ("startswith",), strings ("thumbs/",), `negated_test` True for the `not`)."""

    span: Span  # the `if` statement
    names: tuple[str, ...]
    methods: tuple[str, ...]
    strings: tuple[str, ...]
    negated: bool  # the `else` branch
    negated_test: bool = False


@dataclass(frozen=True)
class ImportUse:
    """One place that reads a name an import binds.

    function: the key of the function that reads it ("handler", "Repo.save"), None for
      module-level code (decorators, base classes, default values and annotations that
      are evaluated at import, module-level statements).
    conditional: within that function, it runs only on some paths (under an `if`, an
      `except` clause, a `match` case, a conditional expression or a short-circuit
      operand), so not on every call of the function. A loop body is not conditional:
      it runs whenever there is something to loop over, such as the event's records.
    """

    function: str | None
    line: int
    conditional: bool = False


@dataclass(frozen=True)
class ModuleImport:
    """One module imported at module level (one per imported module of a statement:
    `import a, b` gives two), which runs when the module is loaded.

    module: the module as written, absolute dotted ("pandas", "pandas.io.json") or
      relative to the importing module (".models", "..shared.db", "." with level 1).
    level: the number of leading dots of a relative import (0 for absolute).
    names: the names it binds in the module ("pd", "np", "DataFrame").
    from_names: the names a `from` import takes from the module, as written before any
      `as` ("DataFrame"; "models" in `from . import models`, which may be a submodule);
      () for a plain `import`.
    span: the imported name in the statement (`pandas` in `import pandas as pd`,
      `pandas` in `from pandas import DataFrame`).
    statement: the whole import statement, first to last character.
    uses: every read of a bound name.
    optional: it cannot fail the import or is never loaded at run time (under `if
      TYPE_CHECKING:` or in a `try` whose handler catches `ImportError`).
    """

    module: str
    level: int
    names: tuple[str, ...]
    span: Span
    statement: Span
    from_names: tuple[str, ...] = ()
    uses: tuple[ImportUse, ...] = ()
    optional: bool = False

    @property
    def top_level(self) -> str:
        """The distribution-level package it loads first ("pandas" for "pandas.io")."""
        return self.module.split(".", 1)[0] if self.level == 0 else ""


@dataclass(frozen=True)
class Behaviour:
    """Everything one function does that cross rules read."""

    span: Span | None = None  # the function's name in its definition
    parameters: tuple[str, ...] = ()
    calls: tuple[Call, ...] = ()
    loops: tuple[Loop, ...] = ()
    tries: tuple[Try, ...] = ()
    returns: tuple[Return, ...] = ()
    raises: tuple[Raise, ...] = ()
    skips: tuple[Skip, ...] = ()
    conditions: tuple[Condition, ...] = ()
    # Names assigned to values inside the function, last assignment wins.
    locals: tuple[tuple[str, Value], ...] = ()

    def local(self, name: str) -> Value | None:
        for bound, value in reversed(self.locals):
            if bound == name:
                return value
        return None


EMPTY = Behaviour()


# -- modules -------------------------------------------------------------------------

HANDLER_NAMES = frozenset({"handler", "lambda_handler", "main"})
_EVENT_NAMES = frozenset({"event", "evt", "e", "_event", "_evt", "_e", "_"})
_CONTEXT_NAMES = frozenset({"context", "ctx", "c", "_context", "_ctx", "_c", "_", "lambda_context"})


@dataclass(frozen=True)
class FunctionFacts:
    key: str  # "handler", "Repo.__init__", "outer.inner"
    name: str
    line: int
    is_async: bool
    positional: tuple[str, ...]  # names of positional parameters, in order
    required_positional: int
    has_varargs: bool
    required_keyword_only: int
    decorators: tuple[str, ...]  # qualified names of the decorators (calls end with "()")
    # Targets this function calls (or passes on as callbacks) outside any
    # once-per-environment guard: "local:<key>" or "ext:<dotted import path>";
    # "chain:<start>#<method>...": a method called on what `<start>` (a "local:" or
    # "ext:" callable) returns (`repo = make_repo(); repo.put()`), or with no method,
    # `<start>` looked up through the class's bases (`Model.get()`);
    # "hooks:<class>": an instance of the class ("local:"/"ext:") or an imported object
    # ("object:<dotted>") handed to a Powertools batch processor utility, whose hook
    # methods then run; "star:<name>": a name a `from m import *` may bind.
    calls: tuple[str, ...] = ()
    # Module-level objects through which it dispatches to decorated functions
    # (`app.resolve(event, context)`, `helper(event, context)`): a local name, or
    # "ext:<dotted import path>" for an object imported from another module.
    dispatches: tuple[str, ...] = ()
    # Module-level objects whose attributes decorate it (`@app.get("/")` -> "app").
    decorator_bases: tuple[str, ...] = ()
    # Imported objects whose attributes decorate it (`from api import app` then
    # `@app.get("/")` -> "api.app"), as dotted import paths.
    decorator_imports: tuple[str, ...] = ()
    # What it returns instances of, as the callables that make them: "local:<key>" /
    # "ext:<dotted>" (a class, or a function whose own `returns` say), "cls" for
    # `return cls(...)` and "self" for `return self` in a method.
    returns: tuple[str, ...] = ()
    # Decorated with functools.cache / lru_cache or similar: runs once per argument set.
    cached: bool = False
    # What its body does (calls, loops, try/except, returns), for the cross rules.
    behaviour: Behaviour = EMPTY

    @property
    def looks_like_handler(self) -> bool:
        """The naming convention RULES.md uses where no config names the handler."""
        if "." in self.key:
            return False
        if not (self.name in HANDLER_NAMES or self.name.endswith("_handler")):
            return False
        if self.name.startswith("test_"):
            return False  # `test_lambda_handler(apigw_event, mocker)`: a pytest test
        if len(self.positional) != 2 or self.required_keyword_only:
            return False
        event, context = self.positional
        event_like = event in _EVENT_NAMES or event.endswith("event")
        context_like = context in _CONTEXT_NAMES or context.endswith("context")
        if self.name == "main":
            # `main` is also the usual name of a command-line entry point.
            return event_like and context_like
        # `def handler(message, context)`, `def on_order_handler(event, _)`.
        return event_like or context_like


@dataclass(frozen=True)
class ModuleFacts:
    """What one module defines, imports and does, from any front end.

    language: "python" or "javascript" (JavaScript and TypeScript alike): how the
      `ext:` references of its functions' `calls` resolve (`slint.reachability`).
    exports: JavaScript only, what the module exports: export name -> "local:<function
      key>", "ext:<export path>@<specifier>" (a re-export, `export { a } from "./b"`,
      `module.exports = require("./b")`) or "value:<what it is>" (not a function:
      "value:object", "value:class", "value:string"...). `default` is the default export
      (`export default`, `module.exports = ...`).
    """

    path: str
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    classes: tuple[str, ...] = ()
    # Module-level import bindings: local name -> qualified name; also names assigned
    # what an import makes (`app = Resolver()` -> "pkg.Resolver()").
    imports: dict[str, str] = field(default_factory=dict)
    # Routers included in a module-level dispatcher (`app.include_router(router)`):
    # (dispatcher, router), each a local name or "ext:<dotted import path>" (an app
    # imported from another module).
    routers: tuple[tuple[str, str], ...] = ()
    # Base classes of each class of the module (also nested: "Outer.Inner"), in order:
    # "local:<class key>" or "ext:<dotted import path>".
    class_bases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Modules whose names `from <module> import *` binds, as written (".helpers").
    star_imports: tuple[str, ...] = ()
    # The module's module-level imports with where their names are read (SL102, SL103).
    module_imports: tuple[ModuleImport, ...] = ()
    # What the module's top-level statements do when it is loaded (module-level clients
    # and their `Config`, SL305): calls and names bound, as for a function.
    module_behaviour: Behaviour = EMPTY
    language: str = "python"
    exports: dict[str, str] = field(default_factory=dict)

    @property
    def convention_handlers(self) -> tuple[str, ...]:
        if self.language != "python":
            # An exported function named like a handler (`export const handler`,
            # `exports.lambdaHandler`) that takes an event.
            found = []
            for name, target in self.exports.items():
                key = target[6:] if target.startswith("local:") else None
                function = self.functions.get(key) if key else None
                if function is not None and function.positional and _js_handler_name(name):
                    found.append(key)
            return tuple(dict.fromkeys(k for k in found if k is not None))
        return tuple(key for key, fn in self.functions.items() if fn.looks_like_handler)


def _js_handler_name(name: str) -> bool:
    # `main` is also the usual name of a script's entry point: not by name alone.
    return name in ("handler", "lambdaHandler") or (
        name.endswith("Handler") and not name.startswith("test")
    )
