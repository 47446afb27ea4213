"""What importing a package costs, for SL102 (heavy-import) and SL103 (import-budget).

The costs come from `slint/data/import_costs.json`, measured with `python -X importtime`
by `scripts/measure_import_costs.py` (see its header for the method and the machine),
merged with the user's `import-costs` settings (`[tool.slint.import-costs]`: import
name -> milliseconds; 0 marks a package as cheap). An entry may be a dotted submodule
(`PIL.Image`, `matplotlib.pyplot`): a module costs what its longest matching entry says.
"""

from __future__ import annotations

import io
import json
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from slint.app.project import LoadedModule
from slint.diagnostics import Edit, Location
from slint.facts import ModuleImport
from slint.fixes import split_lines


@dataclass(frozen=True)
class PackageCost:
    """One entry of the table: `import name` costs `ms` milliseconds and loads the
    entries in `includes` on the way (their cost is part of it)."""

    name: str
    ms: float
    includes: frozenset[str] = frozenset()
    distribution: str | None = None
    version: str | None = None
    user: bool = False  # from the user's `import-costs` setting

    @property
    def shown(self) -> str:
        return f"`{self.name}` {milliseconds(self.ms)}"


@dataclass(frozen=True)
class Provenance:
    """Where the shipped numbers come from (shown in messages and docs)."""

    python: str
    cpu: str
    date: str


@lru_cache(maxsize=1)
def _shipped() -> tuple[dict[str, PackageCost], Provenance]:
    text = (resources.files("slint") / "data" / "import_costs.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    table = {
        name: PackageCost(
            name=name,
            ms=float(entry["ms"]),
            includes=frozenset(entry.get("includes", ())),
            distribution=entry.get("distribution"),
            version=entry.get("version"),
        )
        for name, entry in document["packages"].items()
    }
    machine = document.get("machine", {})
    provenance = Provenance(
        python=str(document.get("python", "?")),
        cpu=str(machine.get("cpu", "?")),
        date=str(document.get("date", "?")),
    )
    return table, provenance


def provenance() -> Provenance:
    return _shipped()[1]


@lru_cache(maxsize=16)
def import_costs(overrides: tuple[tuple[str, float], ...] = ()) -> ImportCosts:
    """The shipped table with the user's entries on top (one object per distinct
    setting, so that every module and handler of a run shares it)."""
    table = dict(_shipped()[0])
    for name, ms in overrides:
        known = table.get(name)
        if known is not None:
            # The user's number; what the package loads is still what it loads.
            table[name] = PackageCost(name, ms, known.includes, known.distribution, user=True)
        else:
            table[name] = PackageCost(name, ms, user=True)
    return ImportCosts(table)


class ImportCosts:
    def __init__(self, table: dict[str, PackageCost]) -> None:
        self.table = table

    def lookup(self, module: str) -> PackageCost | None:
        """The entry of a dotted module: its longest matching entry (`pandas.io.json` ->
        `pandas`), None when the table does not know the package."""
        name = module
        while True:
            entry = self.table.get(name)
            if entry is not None:
                return entry
            if "." not in name:
                return None
            name = name.rsplit(".", 1)[0]

    def of_import(self, imported: ModuleImport) -> PackageCost | None:
        """What an absolute import loads, by the table: the costliest of the module and of
        the names a `from` import takes from it, which may be submodules (`from PIL
        import Image` loads `PIL.Image`). None for a relative import (the project's
        own code) or a package the table does not know."""
        if imported.level or not imported.module:
            return None
        best = self.lookup(imported.module)
        for name in imported.from_names:
            if name == "*":
                continue
            entry = self.table.get(f"{imported.module}.{name}")
            if entry is not None and (best is None or entry.ms > best.ms):
                best = entry
        return best

    def counted(self, entries: Iterable[PackageCost]) -> list[PackageCost]:
        """The entries a total adds up, costliest first: each package once, and none
        that another of the entries loads itself (pandas loads numpy; `scipy.stats`
        loads `scipy`). Entries with no cost are left out."""
        unique = sorted(
            {entry.name: entry for entry in entries if entry.ms > 0}.values(),
            key=lambda entry: (-entry.ms, entry.name),
        )
        kept: list[PackageCost] = []
        for index, entry in enumerate(unique):
            loaded_by_other = any(
                _loads(other, entry.name)
                # two entries that load each other: the costlier (first) one stands
                and not (_loads(entry, other.name) and index < position)
                for position, other in enumerate(unique)
                if other is not entry
            )
            if not loaded_by_other:
                kept.append(entry)
        return kept

    def total(self, entries: Iterable[PackageCost]) -> tuple[float, list[PackageCost]]:
        counted = self.counted(entries)
        return sum(entry.ms for entry in counted), counted


def _loads(entry: PackageCost, name: str) -> bool:
    """Importing `entry` loads `name` too: measured, or a parent package of a submodule
    entry (also for the user's entries, which carry no measurements)."""
    return name in entry.includes or entry.name.startswith(name + ".")


def milliseconds(ms: float) -> str:
    """`1,234 ms` / `7.5 ms`: how messages show a cost."""
    return f"{ms:,.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


# -- moving an import into the function that uses it (SL102's suggestion) ---------------


def import_text(imported: ModuleImport) -> str:
    """The statement that imports just this module, as SL102's fix writes it."""
    if not imported.from_names:
        name = imported.names[0] if imported.names else imported.module
        if name == imported.module.split(".", 1)[0]:
            return f"import {imported.module}"
        return f"import {imported.module} as {name}"
    parts = [
        original if original == bound else f"{original} as {bound}"
        for original, bound in zip(imported.from_names, imported.names, strict=False)
    ]
    return f"from {imported.module} import {', '.join(parts)}"


def move_import(
    source: str,
    imported: ModuleImport,
    siblings: Iterable[ModuleImport],
    def_line: int,
) -> tuple[Edit, Edit] | None:
    """Edits that take `imported` out of its module-level statement and make it the first
    statement of the function defined at `def_line` (after its docstring). `siblings`
    are the other modules the same statement imports (`import os, pandas`): they stay.
    None when the text is not laid out for a clean edit (a statement inside a block or
    sharing its line, a one-line function body)."""
    lines = split_lines(source)
    removal = remove_import(source, imported, siblings)
    if removal is None or def_line > len(lines):
        return None
    body = _body_start(lines, def_line)
    if body is None:
        return None
    row, indent = body
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    insertion = Edit.insertion(Location(row, 1), f"{indent}{import_text(imported)}{newline}")
    return removal, insertion


def remove_import(
    source: str, imported: ModuleImport, siblings: Iterable[ModuleImport]
) -> Edit | None:
    """The edit that takes `imported` out of its module-level statement: the whole
    statement with its line, or just this module from `import os, pandas as pd`.
    None for a statement inside a block or sharing its line with another."""
    lines = split_lines(source)
    start, end = imported.statement.start, imported.statement.end
    if start.column != 1 or end.row > len(lines):
        return None
    after = lines[end.row - 1][end.column - 1 :].strip()
    if after and not after.startswith("#"):
        return None  # `import pandas; import os`
    kept = [
        sibling
        for sibling in siblings
        if sibling.statement == imported.statement and sibling != imported
    ]
    if kept:
        rest = "import " + ", ".join(import_text(s).removeprefix("import ") for s in kept)
        return Edit(start, end, rest)
    if end.row < len(lines):
        return Edit.deletion(Location(start.row, 1), Location(end.row + 1, 1))
    return Edit.deletion(start, Location(end.row, len(lines[end.row - 1]) + 1))


def _body_start(lines: list[str], def_line: int) -> tuple[int, str] | None:
    """Where a new first statement of the function defined at `def_line` goes (the row
    to insert before) and its indentation: after the docstring, if any."""
    text = "".join(lines[def_line - 1 :])
    try:
        tokens = tokenize.generate_tokens(io.StringIO(text).readline)
        depth = 0
        for token in tokens:
            if token.type == tokenize.OP and token.string in "([{":
                depth += 1
            elif token.type == tokenize.OP and token.string in ")]}":
                depth -= 1
            elif token.type == tokenize.OP and token.string == ":" and depth == 0:
                break
        else:
            return None
        token = next(tokens)
        if token.type not in (tokenize.NEWLINE, tokenize.COMMENT):
            return None  # `def f(): return x`
        while token.type != tokenize.INDENT:
            token = next(tokens)
        indent = token.string
        first = next(tokens)
        row = first.start[0]
        if first.type == tokenize.STRING:
            following = next(tokens)
            if following.type in (tokenize.NEWLINE, tokenize.COMMENT):
                row = following.start[0] + 1  # after the docstring
    except (tokenize.TokenError, IndentationError, SyntaxError, StopIteration):
        return None
    return def_line - 1 + row, indent


def project_module_names(modules: Iterable[LoadedModule]) -> frozenset[str]:
    """Names of the project's own modules and packages that a handler loads (a module's
    file name, a package's folder): an import of one of them is the project's code, even
    where a package of the table has the same name."""
    names: set[str] = set()
    for module in modules:
        path = module.path
        names.add(path.parent.name if path.stem == "__init__" else path.stem)
    return frozenset(names)
