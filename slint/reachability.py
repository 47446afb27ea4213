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


def layer_roots(modules: Mapping[Path, ModuleFacts]) -> tuple[Path, ...]:
    """The `python/` folders of the project's Lambda layers (a layer's `python/` is on
    the function's `sys.path` as `/opt/python`): where `import layer` is looked up when
    no folder above the importing module has it."""
    roots: set[Path] = set()
    for path in modules:
        for parent in path.parents:
            if parent.name == "python":
                roots.add(parent)
    return tuple(sorted(roots))


def resolve_import(
    modules: Mapping[Path, ModuleFacts],
    origin: Path,
    dotted: str,
    _depth: int = 0,
    layers: tuple[Path, ...] = (),
) -> FunctionRef | None:
    """The project function (or class constructor, or method) that an imported dotted
    name denotes, following re-exports (`from .db import table` in `__init__.py`).
    An absolute import that no folder above `origin` has is looked up in `layers`,
    when exactly one of them has the module."""
    level = len(dotted) - len(dotted.lstrip("."))
    parts = dotted.lstrip(".").split(".")
    if level:
        base = origin.parent
        for _ in range(level - 1):
            base = base.parent
        bases = [base]
    else:
        bases = [origin.parent, *origin.parent.parents]
        if layers and not any(_has_module(modules, base, parts) for base in bases):
            holding = [root for root in layers if _has_module(modules, root, parts)]
            if len(holding) == 1:
                bases = holding
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
                head, _, tail = rest.partition(".")
                reexported = facts.imports.get(head)
                if reexported is not None and _depth < 8:
                    target = f"{reexported}.{tail}" if tail else reexported
                    return resolve_import(modules, candidate, target, _depth + 1, layers)
                return None
    return None


def _has_module(modules: Mapping[Path, ModuleFacts], base: Path, parts: list[str]) -> bool:
    for split in range(len(parts) - 1, 0, -1):
        module_parts = parts[:split]
        if (
            base.joinpath(*module_parts).with_suffix(".py") in modules
            or base.joinpath(*module_parts, "__init__.py") in modules
        ):
            return True
    return False


def resolve_object(
    modules: Mapping[Path, ModuleFacts], origin: Path, dotted: str, _depth: int = 0
) -> tuple[Path, str] | None:
    """The project module and module-level name that an imported dotted name denotes
    (`api.app` -> (api.py, "app")), following re-exports."""
    level = len(dotted) - len(dotted.lstrip("."))
    parts = dotted.lstrip(".").split(".")
    if len(parts) < 2:
        return None
    if level:
        base = origin.parent
        for _ in range(level - 1):
            base = base.parent
        bases = [base]
    else:
        bases = [origin.parent, *origin.parent.parents]
    module_parts, name = parts[:-1], parts[-1]
    for base in bases:
        for candidate in (
            base.joinpath(*module_parts).with_suffix(".py"),
            base.joinpath(*module_parts, "__init__.py"),
        ):
            facts = modules.get(candidate)
            if facts is None:
                continue
            reexported = facts.imports.get(name)
            if reexported is not None and "(" not in reexported and _depth < 8:
                return resolve_object(modules, candidate, reexported, _depth + 1)
            return candidate, name
    return None


def dispatch_targets(
    modules: Mapping[Path, ModuleFacts], path: Path, dispatcher: str
) -> list[FunctionRef]:
    """The functions registered on a dispatcher (`@app.get`), and on the routers it
    includes (`app.include_router(router)`), in this module or another."""
    found: list[FunctionRef] = []
    seen: set[tuple[Path, str]] = set()
    pending: list[tuple[Path, str]] = []

    def add(origin: Path, name: str) -> None:
        if name.startswith("ext:"):
            resolved = resolve_object(modules, origin, name[4:])
            if resolved is not None:
                pending.append(resolved)
        else:
            pending.append((origin, name))

    add(path, dispatcher)
    while pending:
        where, name = pending.pop()
        facts = modules.get(where)
        if facts is None or (where, name) in seen:
            continue
        seen.add((where, name))
        found.extend((where, f.key) for f in facts.functions.values() if name in f.decorator_bases)
        for owner, router in facts.routers:
            if owner == name:
                add(where, router)
    return found


def per_invocation(
    modules: Mapping[Path, ModuleFacts], handlers: Mapping[Path, tuple[str, ...]]
) -> dict[FunctionRef, Reach]:
    reached: dict[FunctionRef, Reach] = {}
    layers = layer_roots(modules)
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
        facts = modules.get(path)
        function = facts.functions.get(key) if facts is not None else None
        if facts is None or function is None:
            continue  # facts from elsewhere (a cache) may name what no longer exists
        if function.cached and reach.depth > 0:
            continue
        reached[ref] = reach
        following = Reach(reach.handler, reach.depth + 1)
        for target in function.calls:
            kind, _, name = target.partition(":")
            if kind == "local":
                queue.append(((path, name), following))
            else:
                resolved = resolve_import(modules, path, name, layers=layers)
                if resolved is not None:
                    queue.append((resolved, following))
        for dispatcher in function.dispatches:
            for routed in dispatch_targets(modules, path, dispatcher):
                queue.append((routed, following))
    return reached
