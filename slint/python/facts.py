"""Module facts: a small, picklable summary of what one Python module does.

Facts let the engine (and, later, cross rules, parallel workers and the cache)
reason about a project without re-reading its modules: which functions a module
defines, which of them look like handlers, and what each function calls.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

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
    # once-per-environment guard: "local:<key>" or "ext:<dotted import path>".
    calls: tuple[str, ...] = ()
    # Module-level objects through which it dispatches to decorated functions
    # (`app.resolve(event, context)`, `helper(event, context)`).
    dispatches: tuple[str, ...] = ()
    # Module-level objects whose attributes decorate it (`@app.get("/")` -> "app").
    decorator_bases: tuple[str, ...] = ()
    # Decorated with functools.cache / lru_cache or similar: runs once per argument set.
    cached: bool = False

    @property
    def looks_like_handler(self) -> bool:
        """The naming convention RULES.md uses where no config names the handler."""
        if "." in self.key:
            return False
        if not (self.name in HANDLER_NAMES or self.name.endswith("_handler")):
            return False
        if len(self.positional) != 2 or self.required_keyword_only:
            return False
        event, context = self.positional
        return (event in _EVENT_NAMES or event.endswith("event")) and (
            context in _CONTEXT_NAMES or context.endswith("context")
        )


@dataclass(frozen=True)
class ModuleFacts:
    path: str
    functions: dict[str, FunctionFacts] = field(default_factory=dict)
    classes: tuple[str, ...] = ()
    # Module-level import bindings: local name -> qualified name.
    imports: dict[str, str] = field(default_factory=dict)

    @property
    def convention_handlers(self) -> tuple[str, ...]:
        return tuple(key for key, fn in self.functions.items() if fn.looks_like_handler)


_DEF_RE = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.M)


def definition_lines(source: str) -> dict[tuple[bool, str], int]:
    """Line of each `def`, keyed by (top level?, name): cheap, with no position metadata."""
    lines: dict[tuple[bool, str], int] = {}
    for match in _DEF_RE.finditer(source):
        key = (match.group(1) == "", match.group(2))
        if key not in lines:
            lines[key] = source.count("\n", 0, match.start()) + 1
    return lines
