"""What importing a package costs, for SL102 (heavy-import) and SL103 (import-budget).

Two measured tables, chosen by the importing module's language:

- Python: `slint/data/import_costs.json`, measured with `python -X importtime` by
  `scripts/measure_import_costs.py`. Entries are import names; an entry may be a dotted
  submodule (`PIL.Image`, `matplotlib.pyplot`): a module costs what its longest
  matching entry says, and a submodule loads its parent packages.
- Node.js (JavaScript and TypeScript): `slint/data/node_import_costs.json`, measured
  with `process.hrtime` around `require()` / `import()` by
  `scripts/measure_node_import_costs.py`. Entries are specifiers as a handler writes
  them (`aws-sdk`, `@aws-sdk/client-s3`, `aws-sdk/clients/s3`). A subpath does not load
  its package's main module in Node.js, so a subpath the table lacks does not take the
  package's cost: it takes a measured parent subpath's, or, in a folder where the table
  measured several modules (`aws-sdk/clients/*`), the cheapest of them; else it is
  unknown. Built-in modules (`fs`, `node:crypto`) are not packages and cost nothing here.

Both are merged with the user's `import-costs` settings (`[tool.slint.import-costs]`:
name -> milliseconds; 0 marks a package as cheap), one setting for both languages: a
key is an import name for Python modules and an npm specifier for JavaScript ones.
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

from slint.app.node import package_name
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
    # Node.js: the measured module of the same folder this cost is estimated from
    # (`aws-sdk/clients/sqs` from `aws-sdk/clients/dynamodb`).
    estimated_from: str | None = None

    @property
    def shown(self) -> str:
        return f"`{self.name}` {milliseconds(self.ms)}"


@dataclass(frozen=True)
class Provenance:
    """Where the shipped numbers come from (shown in messages and docs)."""

    runtime: str  # "Python 3.11.7", "Node.js 20.20.2"
    cpu: str
    date: str


PYTHON = "python"
JAVASCRIPT = "javascript"
_TABLES = {PYTHON: "import_costs.json", JAVASCRIPT: "node_import_costs.json"}


@lru_cache(maxsize=2)
def _shipped(language: str = PYTHON) -> tuple[dict[str, PackageCost], Provenance]:
    document_name = _TABLES.get(language, _TABLES[PYTHON])
    text = (resources.files("slint") / "data" / document_name).read_text("utf-8")
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
    if "node" in document:
        runtime = f"Node.js {document['node']}"
    else:
        runtime = f"Python {document.get('python', '?')}"
    provenance = Provenance(
        runtime=runtime, cpu=str(machine.get("cpu", "?")), date=str(document.get("date", "?"))
    )
    return table, provenance


def provenance(language: str = PYTHON) -> Provenance:
    return _shipped(language)[1]


def language_of(facts_language: str) -> str:
    """The table a module's imports are priced by (`ModuleFacts.language`)."""
    return JAVASCRIPT if facts_language == JAVASCRIPT else PYTHON


@lru_cache(maxsize=16)
def import_costs(
    overrides: tuple[tuple[str, float], ...] = (), language: str = PYTHON
) -> ImportCosts:
    """The shipped table of `language` with the user's entries on top (one object per
    distinct setting, so that every module and handler of a run shares it)."""
    language = language_of(language)
    table = dict(_shipped(language)[0])
    for name, ms in overrides:
        known = table.get(name)
        if known is not None:
            # The user's number; what the package loads is still what it loads.
            table[name] = PackageCost(name, ms, known.includes, known.distribution, user=True)
        else:
            table[name] = PackageCost(name, ms, user=True)
    return ImportCosts(table, language)


# Extensions an ES module writes in a subpath specifier (`aws-sdk/clients/s3.js`) that
# name the same module as the bare subpath.
_SCRIPT_EXTENSIONS = (".js", ".cjs", ".mjs")


def node_module_name(specifier: str) -> str | None:
    """The table's name for what an npm specifier loads: `aws-sdk/clients/s3.js` ->
    `aws-sdk/clients/s3`, `lodash/get/index` -> `lodash/get`. None for a built-in module
    (`node:fs`) or a relative or absolute path (the project's own code)."""
    text = specifier.strip().rstrip("/")
    if not text or text.startswith(("node:", ".", "/")):
        return None
    package = package_name(text)
    subpath = text[len(package) :]
    if subpath:
        for extension in _SCRIPT_EXTENSIONS:
            if subpath.endswith(extension):
                subpath = subpath[: -len(extension)]
                break
        subpath = subpath.removesuffix("/index")
    return package + subpath


class ImportCosts:
    def __init__(self, table: dict[str, PackageCost], language: str = PYTHON) -> None:
        self.table = table
        self.language = language
        # Node.js: folders of subpaths the table measured several modules of
        # (`aws-sdk/clients`), with the cheapest of them.
        self._folders: dict[str, PackageCost] = {}
        if language == JAVASCRIPT:
            by_folder: dict[str, list[PackageCost]] = {}
            for name, entry in table.items():
                folder = name.rsplit("/", 1)[0]
                if len(folder) > len(package_name(name)):
                    by_folder.setdefault(folder, []).append(entry)
            self._folders = {
                folder: min(entries, key=lambda entry: (entry.ms, entry.name))
                for folder, entries in by_folder.items()
                if len(entries) >= 2
            }

    def lookup(self, module: str) -> PackageCost | None:
        """The entry of a module: for Python its longest matching dotted entry
        (`pandas.io.json` -> `pandas`), for Node.js see `node_lookup`; None when the
        table does not know the package."""
        if self.language == JAVASCRIPT:
            return self.node_lookup(module)
        name = module
        while True:
            entry = self.table.get(name)
            if entry is not None:
                return entry
            if "." not in name:
                return None
            name = name.rsplit(".", 1)[0]

    def node_lookup(self, specifier: str) -> PackageCost | None:
        """What an npm specifier loads, by the table: its own entry; for a subpath the
        table lacks, a measured parent subpath (`@aws-lambda-powertools/parser/schemas`
        for a module below it) or the cheapest measured module of its folder
        (`aws-sdk/clients/sqs` costs about what `aws-sdk/clients/dynamodb` costs); never
        the package's main module, which a subpath import does not load."""
        name = node_module_name(specifier)
        if name is None:
            return None
        entry = self.table.get(name)
        if entry is not None:
            return entry
        package = package_name(name)
        parent = name
        while len(parent) > len(package):
            parent = parent.rsplit("/", 1)[0]
            if len(parent) <= len(package):
                break
            entry = self.table.get(parent)
            if entry is not None:
                return entry
        sibling = self._folders.get(name.rsplit("/", 1)[0]) if name != package else None
        if sibling is None:
            return None
        return PackageCost(
            name,
            sibling.ms,
            sibling.includes,
            sibling.distribution,
            sibling.version,
            estimated_from=sibling.name,
        )

    def of_import(self, imported: ModuleImport) -> PackageCost | None:
        """What an absolute import loads, by the table: the costliest of the module and of
        the names a `from` import takes from it, which may be submodules (`from PIL
        import Image` loads `PIL.Image`). None for a relative import (the project's
        own code) or a package the table does not know. A JavaScript import's names
        are bindings, never modules: its specifier alone decides."""
        if imported.level or not imported.module:
            return None
        if self.language == JAVASCRIPT:
            return self.node_lookup(imported.module)
        best = self.lookup(imported.module)
        for name in imported.from_names:
            if name == "*":
                continue
            entry = self.table.get(f"{imported.module}.{name}")
            if entry is not None and (best is None or entry.ms > best.ms):
                best = entry
        return best

    def package(self, imported: ModuleImport) -> str:
        """What an import loads, as a key of `loaded_by`: Python's top-level package
        (`pandas` for `pandas.io`: importing a submodule imports its package), the
        module itself for Node.js (a subpath does not load its package's main module)."""
        if self.language == JAVASCRIPT:
            return node_module_name(imported.module) or imported.module
        return imported.top_level

    def loaded_by(self, imported: ModuleImport) -> set[str]:
        """Keys (`package`) of what importing `imported` loads: itself, and the entries
        its table entry measured it loading on the way (boto3 loads urllib3)."""
        loaded = {self.package(imported)}
        entry = self.of_import(imported)
        if entry is not None:
            loaded.add(entry.name)
            if self.language == JAVASCRIPT:
                loaded.update(entry.includes)
            else:
                loaded.update(name.split(".", 1)[0] for name in entry.includes)
        return loaded

    def counted(self, entries: Iterable[PackageCost]) -> list[PackageCost]:
        """The entries a total adds up, costliest first: each package once, and none
        that another of the entries loads itself (pandas loads numpy; `scipy.stats`
        loads `scipy`; `@aws-sdk/lib-dynamodb` loads `@aws-sdk/client-dynamodb`).
        Entries with no cost are left out."""
        unique = sorted(
            {entry.name: entry for entry in entries if entry.ms > 0}.values(),
            key=lambda entry: (-entry.ms, entry.name),
        )
        loads = _node_loads if self.language == JAVASCRIPT else _loads
        kept: list[PackageCost] = []
        for index, entry in enumerate(unique):
            loaded_by_other = any(
                loads(other, entry)
                # two entries that load each other: the costlier (first) one stands
                and not (loads(entry, other) and index < position)
                for position, other in enumerate(unique)
                if other is not entry
            )
            if not loaded_by_other:
                kept.append(entry)
        return kept

    def total(self, entries: Iterable[PackageCost]) -> tuple[float, list[PackageCost]]:
        counted = self.counted(entries)
        return sum(entry.ms for entry in counted), counted


def _loads(entry: PackageCost, other: PackageCost) -> bool:
    """Importing `entry` loads `other` too: measured, or a parent package of a submodule
    entry (also for the user's entries, which carry no measurements)."""
    return other.name in entry.includes or entry.name.startswith(other.name + ".")


def _node_loads(entry: PackageCost, other: PackageCost) -> bool:
    """Loading `entry` loads `other` too, as measured (a subpath does not load its
    package's main module). An estimated entry is loaded by what loads the module it
    is estimated from (`aws-sdk` loads every `aws-sdk/clients/*` module)."""
    return other.name in entry.includes or (
        other.estimated_from is not None and other.estimated_from in entry.includes
    )


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
    kept = [
        sibling
        for sibling in siblings
        if sibling.statement == imported.statement and sibling != imported
    ]
    if not kept:
        return remove_statement(source, imported, (), "#")
    if _alone_on_its_lines(source, imported, "#") is None:
        return None
    rest = "import " + ", ".join(import_text(s).removeprefix("import ") for s in kept)
    return Edit(imported.statement.start, imported.statement.end, rest)


def remove_statement(
    source: str, imported: ModuleImport, siblings: Iterable[ModuleImport], comment: str
) -> Edit | None:
    """The edit that deletes the module-level statement of `imported` with its lines
    (`const AWS = require("aws-sdk");`). None when the statement binds other imports
    too (`siblings` sharing it), starts inside a line, or shares its last line with more
    than a `comment`."""
    if any(s.statement == imported.statement and s != imported for s in siblings):
        return None
    lines = _alone_on_its_lines(source, imported, comment)
    if lines is None:
        return None
    start, end = imported.statement.start, imported.statement.end
    if end.row < len(lines):
        return Edit.deletion(Location(start.row, 1), Location(end.row + 1, 1))
    return Edit.deletion(start, Location(end.row, len(lines[end.row - 1]) + 1))


def _alone_on_its_lines(source: str, imported: ModuleImport, comment: str) -> list[str] | None:
    """The source's lines when the statement starts a line and only a comment follows
    it on its last line; else None."""
    lines = split_lines(source)
    start, end = imported.statement.start, imported.statement.end
    if start.column != 1 or end.row > len(lines):
        return None
    after = lines[end.row - 1][end.column - 1 :].strip()
    if after and not after.startswith(comment):
        return None  # `import pandas; import os`
    return lines


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
