"""Which functions run on every invocation: the handlers and what they reach.

Walks the call edges recorded in module facts, across modules of the project
(absolute and relative imports), through Powertools-style dispatch
(`app.resolve(event, context)` reaches every `@app.<route>` function) and
callbacks (`record_handler=process`). Functions behind a cache decorator are
not entered: they run once per argument set, not once per invocation.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from slint.python.facts import ModuleFacts

FunctionRef = tuple[Path, str]


@dataclass(frozen=True)
class Reach:
    handler: FunctionRef  # the handler that reaches the function first
    depth: int  # 0 for the handler itself


def resolve_import(
    modules: Mapping[Path, ModuleFacts], origin: Path, dotted: str
) -> FunctionRef | None:
    """The project function (or class constructor) that an imported dotted name denotes."""
    level = len(dotted) - len(dotted.lstrip("."))
    parts = dotted.lstrip(".").split(".")
    if level:
        base = origin.parent
        for _ in range(level - 1):
            base = base.parent
        bases = [base]
    else:
        bases = [origin.parent, *origin.parent.parents]
    for base in bases:
        for split in range(len(parts) - 1, 0, -1):
            module_parts, rest = parts[:split], ".".join(parts[split:])
            for candidate in (
                base.joinpath(*module_parts).with_suffix(".py"),
                base.joinpath(*module_parts, "__init__.py"),
            ):
                facts = modules.get(candidate)
                if facts is None:
                    continue
                if rest in facts.functions:
                    return candidate, rest
                if f"{rest}.__init__" in facts.functions:
                    return candidate, f"{rest}.__init__"
                return None
    return None


def per_invocation(
    modules: Mapping[Path, ModuleFacts], handlers: Mapping[Path, tuple[str, ...]]
) -> dict[FunctionRef, Reach]:
    reached: dict[FunctionRef, Reach] = {}
    queue: deque[tuple[FunctionRef, Reach]] = deque()
    for path, keys in sorted(handlers.items()):
        for key in keys:
            if path in modules and key in modules[path].functions:
                queue.append(((path, key), Reach((path, key), 0)))
    while queue:
        ref, reach = queue.popleft()
        if ref in reached:
            continue
        path, key = ref
        facts = modules[path]
        function = facts.functions[key]
        if function.cached and reach.depth > 0:
            continue
        reached[ref] = reach
        following = Reach(reach.handler, reach.depth + 1)
        for target in function.calls:
            kind, _, name = target.partition(":")
            if kind == "local":
                queue.append(((path, name), following))
            else:
                resolved = resolve_import(modules, path, name)
                if resolved is not None:
                    queue.append((resolved, following))
        for dispatcher in function.dispatches:
            for other in facts.functions.values():
                if dispatcher in other.decorator_bases:
                    queue.append(((path, other.key), following))
    return reached
