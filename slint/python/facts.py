"""Module facts: a small, picklable summary of what one Python module does.

Facts let the engine (and, later, cross rules, parallel workers and the cache)
reason about a project without re-reading its modules: which functions a module
defines, which of them look like handlers, and what each function calls.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from slint.facts import EMPTY, Behaviour, ModuleImport

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

    @property
    def convention_handlers(self) -> tuple[str, ...]:
        return tuple(key for key, fn in self.functions.items() if fn.looks_like_handler)


_DEF_RE = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.M)


def definition_lines(source: str, functions: Sequence[tuple[bool, str]]) -> list[int]:
    """The line of each function's `def`, for `functions` given as (top level?, name)
    in source order, without position metadata: the k-th function of a (top level?,
    name) is the k-th `def` line of that shape. A `def` inside a string would shift
    that, so when the counts disagree CPython's parser says where the defs are."""
    found: dict[tuple[bool, str], list[int]] = {}
    for match in _DEF_RE.finditer(source):
        key = (match.group(1) == "", match.group(2))
        found.setdefault(key, []).append(source.count("\n", 0, match.start()) + 1)
    wanted: dict[tuple[bool, str], int] = {}
    for key in functions:
        wanted[key] = wanted.get(key, 0) + 1
    if any(len(found.get(key, ())) != count for key, count in wanted.items()):
        found = _ast_definition_lines(source) or found
    lines: list[int] = []
    seen: dict[tuple[bool, str], int] = {}
    for key in functions:
        index = seen.get(key, 0)
        seen[key] = index + 1
        candidates = found.get(key, ())
        lines.append(candidates[index] if index < len(candidates) else 0)
    return lines


def _ast_definition_lines(source: str) -> dict[tuple[bool, str], list[int]] | None:
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    found: dict[tuple[bool, str], list[int]] = {}
    defs = [
        node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    for node in sorted(defs, key=lambda node: node.lineno):
        found.setdefault((node.col_offset == 0, node.name), []).append(node.lineno)
    return found
