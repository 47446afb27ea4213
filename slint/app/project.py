"""Finding the configs that name a Python file, and linking functions to handler facts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slint.app.model import Function
from slint.app.sniff import config_kind
from slint.facts import EMPTY, Behaviour, FunctionFacts, ModuleFacts


@dataclass
class ConfigFinder:
    """Walks up from a file to the nearest folder holding configs (cached per folder)."""

    _by_dir: dict[Path, tuple[Path, ...]] = field(default_factory=dict)

    def configs_in(self, directory: Path) -> tuple[Path, ...]:
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        found: list[Path] = []
        try:
            entries = sorted(directory.iterdir())
        except OSError:
            entries = []
        for entry in entries:
            if entry.is_file() and config_kind(entry) is not None:
                found.append(entry.resolve())
        self._by_dir[directory] = tuple(found)
        return self._by_dir[directory]

    def configs_above(self, path: Path) -> tuple[Path, ...]:
        """The configs of the nearest folder above `path` that has any (up to the repository
        root, a folder holding `.git`)."""
        for directory in [path.parent, *path.parent.parents]:
            found = self.configs_in(directory)
            if found:
                return found
            if (directory / ".git").exists():
                break
        return ()


@dataclass(frozen=True)
class ReachedFunction:
    """A function of the project that runs on every invocation of a handler."""

    path: Path
    display: str  # its module's path as shown to the user
    facts: FunctionFacts
    depth: int  # 0 for the handler itself, 1 for what it calls, ...

    @property
    def behaviour(self) -> Behaviour:
        return self.facts.behaviour

    def where(self, line: int) -> str:
        return f"{self.display}:{line}"


@dataclass(frozen=True)
class LoadedModule:
    """A project module that runs when a handler's module is imported (a cold start)."""

    path: Path
    display: str
    facts: ModuleFacts


@dataclass(frozen=True)
class LinkedHandler:
    """What the code side knows about a function's handler.

    `reached` holds the handler itself (first) and every function of the project it
    reaches per invocation (`slint.reachability`), each with its `Behaviour`: what cross
    rules read. It is empty when the handler function does not exist.
    """

    module_path: Path
    display: str  # the module's path as shown to the user
    exists: bool
    facts: ModuleFacts | None  # None when the module is missing or does not parse
    function: FunctionFacts | None  # None when the module lacks it
    reached: tuple[ReachedFunction, ...] = ()
    # The project modules loaded when Lambda imports the handler's module: the module
    # itself first, then what its module-level imports load (through the project's own
    # modules), each once.
    modules: tuple[LoadedModule, ...] = ()

    @property
    def location(self) -> str:
        line = self.function.line if self.function is not None else 1
        return f"{self.display}:{line}"

    @property
    def behaviour(self) -> Behaviour:
        """What the handler function itself does."""
        return self.function.behaviour if self.function is not None else EMPTY


def handler_targets(functions: list[Function]) -> dict[Path, set[str]]:
    """Module path -> names of the handler functions configs point into it."""
    targets: dict[Path, set[str]] = {}
    for function in functions:
        ref = function.handler_ref
        # A bundle (a CDK asset's esbuild output) is build output, not the project's code.
        if ref is not None and function.language is not None and not ref.bundled:
            targets.setdefault(ref.module_path, set()).add(ref.function)
    return targets
