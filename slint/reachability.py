"""Which functions run on every invocation: the handlers and what they reach.

Walks the call edges recorded in module facts, across modules of the project
(absolute, relative and wildcard imports, re-exports, module-level aliases), into
methods (of an instance, of what a factory or classmethod returns, through project
base classes), through Powertools-style dispatch (`app.resolve(event, context)`
reaches every `@app.<route>` function, also routes and routers of an app imported
from another module) and callbacks (`record_handler=process`, the hooks of a batch
processor subclass handed to Powertools). Functions behind a cache decorator are not
entered: they run once per argument set, not once per invocation.

Imports resolve as the deployed function's `sys.path` has them when the config that
deploys a handler says where its code and layers are (`ImportRoots`), else from the
folders above the importing module. Installed third-party packages are never entered.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from slint.app.model import Function
from slint.discovery import InstalledPackages
from slint.facts import FunctionFacts, ModuleFacts

FunctionRef = tuple[Path, str]
ClassRef = tuple[Path, str]  # a module and a class key in it ("Repo", "Outer.Inner")

_MAX_DEPTH = 8  # re-export, alias, base-class and return chains followed at most

# The methods Powertools calls on a batch processor (`BasePartialProcessor` and its
# subclasses): a subclass's overrides run on every invocation that uses it.
_PROCESSOR_HOOKS = (
    "__call__",
    "__enter__",
    "__exit__",
    "_prepare",
    "_clean",
    "process",
    "async_process",
    "_process_record",
    "_async_process_record",
    "success_handler",
    "failure_handler",
    "response",
)
_BATCH_PACKAGE = "aws_lambda_powertools.utilities.batch."

_PYDANTIC_CONSTRUCTORS = frozenset(
    {
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
        "model_construct",
        "parse_obj",
        "parse_raw",
        "parse_file",
        "construct",
        "from_orm",
    }
)
# Classmethods of well-known external base classes that return an instance of the
# subclass they are called on (`Asset.get(key)` with a PynamoDB model).
_ALTERNATE_CONSTRUCTORS: dict[str, frozenset[str]] = {
    "pynamodb.models.Model": frozenset({"get", "from_raw_data"}),
    "pydantic.BaseModel": _PYDANTIC_CONSTRUCTORS,
    "pydantic.main.BaseModel": _PYDANTIC_CONSTRUCTORS,
    "dataclasses_json.DataClassJsonMixin": frozenset({"from_dict", "from_json"}),
}


@dataclass(frozen=True)
class Reach:
    handler: FunctionRef  # the handler that reaches the function first
    depth: int  # 0 for the handler itself


@dataclass(frozen=True)
class ImportRoots:
    """Where a deployed function's absolute imports are looked up: the folder its code
    is deployed from (on `sys.path` as /var/task) and the import roots of the layers
    the config gives it (a layer's `python/` folder, /opt/python), in the config's
    order (a later layer's files replace an earlier one's)."""

    code: tuple[Path, ...] = ()
    layers: tuple[Path, ...] = ()


@dataclass(frozen=True)
class _Callee:
    """What a call runs and what it makes."""

    function: FunctionRef | None  # the project function that runs, if any
    receiver: ClassRef | None  # the class it was looked up on (or the class called)
    constructs: bool = False  # calling it makes an instance of `receiver`


@dataclass
class _Project:
    """The modules of a run, with what every resolver needs of them computed once."""

    modules: Mapping[Path, ModuleFacts]
    installed: InstalledPackages = field(default_factory=InstalledPackages)
    # Functions decorated through an imported object (`@app.get` with `app` imported),
    # and routers included into an imported app: resolved per deployment, on demand.
    imported_routes: list[tuple[Path, str, str]] = field(default_factory=list, init=False)
    imported_includes: list[tuple[Path, str, str]] = field(default_factory=list, init=False)
    _third_party: dict[Path, bool] = field(default_factory=dict, init=False)
    # Every folder and module name of the project's files: an absolute import whose
    # first name is none of them (`boto3`, `pandas`) cannot load a project module.
    names: set[str] = field(default_factory=set, init=False)

    def __post_init__(self) -> None:
        for path in self.modules:
            self.names.update(path.parent.parts)
            self.names.add(path.stem)
        for path, facts in self.modules.items():
            for function in facts.functions.values():
                for dotted in function.decorator_imports:
                    self.imported_routes.append((path, function.key, dotted))
            for owner, router in facts.routers:
                if owner.startswith("ext:"):
                    self.imported_includes.append((path, owner[4:], router))

    def third_party(self, path: Path) -> bool:
        known = self._third_party.get(path)
        if known is None:
            known = self._third_party[path] = self.installed.contains(path)
        return known


class _Resolver:
    """Name resolution for one deployment context (`roots`; None: no config says)."""

    def __init__(self, project: _Project, roots: ImportRoots | None) -> None:
        self.project = project
        self.modules = project.modules
        self.roots = roots
        self._bases: dict[tuple[Path, int], tuple[Path, ...]] = {}
        self._located: dict[tuple[Path, str], tuple[Path, str] | None] = {}
        self._methods: dict[tuple[ClassRef, str], FunctionRef | None] = {}
        self._external: dict[ClassRef, frozenset[str]] = {}
        self._made: dict[tuple[FunctionRef, ClassRef | None], frozenset[ClassRef]] = {}
        self._routes: dict[tuple[Path, str], list[FunctionRef]] | None = None
        self._includes: dict[tuple[Path, str], list[tuple[Path, str]]] | None = None

    # -- modules and names ------------------------------------------------------
    def search_path(self, origin: Path, level: int) -> tuple[Path, ...]:
        """The folders an import in `origin` is looked up in, in order."""
        key = (origin.parent, level)
        known = self._bases.get(key)
        if known is not None:
            return known
        if level:
            base = origin.parent
            for _ in range(level - 1):
                base = base.parent
            found: tuple[Path, ...] = (base,)
        else:
            above = [origin.parent, *origin.parent.parents]
            roots = self.roots
            if roots is None:
                found = tuple(above)
            else:
                # sys.path: the code folder, then the layers (the last one wins). The
                # folders between the importing module and its root come first: code
                # that puts its own folder on sys.path, or imports as the tests run it.
                system = (*roots.code, *reversed(roots.layers))
                own = next((index for index, d in enumerate(above) if d in system), None)
                below = above if own is None else above[:own]
                found = tuple(dict.fromkeys((*below, *system)))
        self._bases[key] = found
        return found

    def locate(self, origin: Path, dotted: str, _depth: int = 0) -> tuple[Path, str] | None:
        """The project module that holds what `dotted` (as imported in `origin`) names,
        and its name there ("table", "Repo.get", "app"), following re-exports and
        wildcard imports; None outside the project (or in an installed package).

        In a JavaScript module `dotted` is "<export path>@<specifier>" (`save@./db.js`,
        `default.put@./db`): Node's resolution of a relative specifier, then the
        module's `exports`."""
        key = (origin.parent, dotted)
        if key in self._located:
            return self._located[key]
        self._located[key] = None  # a re-export loop ends here
        facts = self.modules.get(origin)
        if facts is not None and facts.language == "javascript":
            found = self._locate_javascript(origin, dotted, _depth)
        else:
            found = self._locate(origin, dotted, _depth)
        self._located[key] = found
        return found

    def _locate_javascript(self, origin: Path, ref: str, depth: int) -> tuple[Path, str] | None:
        export_path, _, specifier = ref.partition("@")
        module = javascript_module(origin, specifier, self.modules)
        if module is None or self.project.third_party(module):
            return None
        return self._export(module, export_path, depth)

    def _export(self, module: Path, export_path: str, depth: int) -> tuple[Path, str] | None:
        """The function (or class) `export_path` of a JavaScript module names."""
        facts = self.modules[module]
        head, _, rest = export_path.partition(".")
        target = facts.exports.get(export_path)
        if target is not None:
            head, rest = export_path, ""  # members of exported objects have entries
        else:
            target = facts.exports.get(head)
        if target is None or target.startswith("value:"):
            if head == "default" and rest:
                # `import db from "./db.js"; db.put()`: the default export is an object
                # (`module.exports = { put }`, `export default { put }`).
                return self._export(module, rest, depth)
            if export_path in facts.functions:
                return module, export_path
            if depth < _MAX_DEPTH:
                for name, star in facts.exports.items():
                    if name.startswith("*") and star.startswith("ext:"):
                        inner = star[4:].partition("@")[2]
                        found = self.locate(module, f"{export_path}@{inner}", depth + 1)
                        if found is not None:
                            return found
            return None
        kind, _, value = target.partition(":")
        if kind == "local":
            return module, f"{value}.{rest}" if rest else value
        if kind == "ext" and depth < _MAX_DEPTH:
            inner_path, _, specifier = value.partition("@")
            joined = f"{inner_path}.{rest}" if rest else inner_path
            return self.locate(module, f"{joined}@{specifier}", depth + 1)
        return None

    def _locate(self, origin: Path, dotted: str, depth: int) -> tuple[Path, str] | None:
        level = len(dotted) - len(dotted.lstrip("."))
        parts = dotted.lstrip(".").split(".")
        if not parts[0]:
            return None
        for base in self.search_path(origin, level):
            # `from . import make`: a name of the package's own __init__.py.
            first = len(parts) - 1 if len(parts) > 1 or not level else 0
            for split in range(first, -1 if level else 0, -1):
                module_parts = parts[:split]
                candidates = (
                    (base / "__init__.py",)
                    if not module_parts
                    else (
                        base.joinpath(*module_parts).with_suffix(".py"),
                        base.joinpath(*module_parts, "__init__.py"),
                    )
                )
                for candidate in candidates:
                    facts = self.modules.get(candidate)
                    if facts is None:
                        continue
                    if self.project.third_party(candidate):
                        return None  # what Python imports is not the project's
                    return self._within(candidate, facts, parts[split:], depth)
        return None

    def module_files(
        self, origin: Path, module: str, level: int, names: tuple[str, ...]
    ) -> list[Path]:
        """The project modules an import in `origin` loads: each package on the way
        (`a/__init__.py` for `import a.b`), the module, and the submodules a `from`
        import names (`from . import models`); none in installed packages."""
        facts = self.modules.get(origin)
        if facts is not None and facts.language == "javascript":
            loads = javascript_module(origin, module, self.modules)
            return [loads] if loads is not None and not self.project.third_party(loads) else []
        parts = [part for part in module.split(".") if part]
        if not level and parts and parts[0] not in self.project.names:
            return []
        for base in self.search_path(origin, level):
            loaded: list[Path] = []
            found = not parts  # `from . import x`: the package itself is `base`
            if not parts:
                init = base / "__init__.py"
                if init in self.modules:
                    loaded.append(init)
            for index in range(1, len(parts) + 1):
                folder = base.joinpath(*parts[:index])
                init = folder / "__init__.py"
                if init in self.modules:
                    loaded.append(init)
                elif index == len(parts) and folder.with_suffix(".py") in self.modules:
                    loaded.append(folder.with_suffix(".py"))
                else:
                    continue
                found = found or index == len(parts)
            if not found and not loaded:
                continue
            package = base.joinpath(*parts)
            for name in names:
                for candidate in (package / name / "__init__.py", package / f"{name}.py"):
                    if candidate in self.modules:
                        loaded.append(candidate)
                        break
            return [path for path in loaded if not self.project.third_party(path)]
        return []

    def _within(
        self, module: Path, facts: ModuleFacts, parts: list[str], depth: int
    ) -> tuple[Path, str] | None:
        rest = ".".join(parts)
        head = parts[0]
        if rest in facts.functions or head in facts.functions or _is_class(facts, head):
            return module, rest
        reexported = facts.imports.get(head)
        if reexported is not None:
            if "(" in reexported:
                return module, rest  # an object the module makes (`app = Resolver()`)
            if depth >= _MAX_DEPTH:
                return None
            return self.locate(module, ".".join([reexported, *parts[1:]]), depth + 1)
        if depth < _MAX_DEPTH:
            # Later wildcard imports replace the names of earlier ones.
            for star in reversed(facts.star_imports):
                found = self.locate(module, _join(star, rest), depth + 1)
                if found is not None and self._defines(*found):
                    return found
        return module, rest

    def _defines(self, module: Path, name: str) -> bool:
        """Does `module` bind `name` (a function, class, or object it makes)?"""
        facts = self.modules[module]
        head = name.partition(".")[0]
        return (
            name in facts.functions
            or head in facts.functions
            or _is_class(facts, head)
            or "(" in facts.imports.get(head, "")
        )

    def function(self, origin: Path, dotted: str) -> FunctionRef | None:
        """The project function (or class constructor, or method) `dotted` denotes."""
        found = self.locate(origin, dotted)
        if found is None:
            return None
        module, name = found
        functions = self.modules[module].functions
        if name in functions:
            return found
        if f"{name}.__init__" in functions:
            return module, f"{name}.__init__"
        return None

    def klass(self, origin: Path, dotted: str) -> ClassRef | None:
        found = self.locate(origin, dotted)
        if found is None or not _is_class(self.modules[found[0]], found[1]):
            return None
        return found

    def object(self, origin: Path, dotted: str) -> tuple[Path, str] | None:
        """The project module and module-level name `dotted` denotes (`api.app`)."""
        if "." not in dotted.lstrip(".") and not dotted.startswith("."):
            return None  # a module, not a name in one
        found = self.locate(origin, dotted)
        if found is None or "." in found[1]:
            return None
        return found

    # -- classes ----------------------------------------------------------------
    def method(self, cls: ClassRef, name: str, _depth: int = 0) -> FunctionRef | None:
        """The method `name` of `cls`, defined there or in a project base class (bases
        searched depth-first in order, close to Python's method resolution order)."""
        key = (cls, name)
        if key in self._methods:
            return self._methods[key]
        self._methods[key] = None  # an inheritance loop ends here
        path, class_key = cls
        facts = self.modules[path]
        found: FunctionRef | None = None
        if f"{class_key}.{name}" in facts.functions:
            found = path, f"{class_key}.{name}"
        elif _depth < _MAX_DEPTH:
            for base in self._project_bases(cls):
                found = self.method(base, name, _depth + 1)
                if found is not None:
                    break
        self._methods[key] = found
        return found

    def _project_bases(self, cls: ClassRef) -> list[ClassRef]:
        path, class_key = cls
        found: list[ClassRef] = []
        for base in self.modules[path].class_bases.get(class_key, ()):
            kind, _, name = base.partition(":")
            if kind == "local":
                found.append((path, name))
            else:
                resolved = self.klass(path, name)
                if resolved is not None:
                    found.append(resolved)
        return found

    def base_names(self, cls: ClassRef, _depth: int = 0) -> frozenset[str]:
        """The imported bases of `cls` and of its project bases, as dotted import paths
        (`aws_lambda_powertools.utilities.batch.BatchProcessor`), whether or not the
        project holds them (Powertools' own repository does)."""
        known = self._external.get(cls)
        if known is not None:
            return known
        self._external[cls] = frozenset()
        path, class_key = cls
        found: set[str] = set()
        for base in self.modules[path].class_bases.get(class_key, ()):
            kind, _, name = base.partition(":")
            resolved = (path, name) if kind == "local" else self.klass(path, name)
            if kind != "local":
                found.add(name)
            if resolved is not None and _depth < _MAX_DEPTH:
                found |= self.base_names(resolved, _depth + 1)
        result = self._external[cls] = frozenset(found)
        return result

    def is_batch_processor(self, cls: ClassRef) -> bool:
        return any(
            base.startswith(_BATCH_PACKAGE) and base.endswith("Processor")
            for base in self.base_names(cls)
        )

    # -- calls ------------------------------------------------------------------
    def callee(self, origin: Path, ref: str) -> _Callee | None:
        """What calling `ref` ("local:<name>" / "ext:<dotted>", as written in module
        `origin`) runs."""
        kind, _, name = ref.partition(":")
        if kind == "local":
            return self._callee_in(origin, name)
        if kind == "ext":
            found = self.locate(origin, name)
            return self._callee_in(*found) if found is not None else None
        return None

    def _callee_in(self, module: Path, name: str) -> _Callee | None:
        facts = self.modules.get(module)
        if facts is None:
            return None
        if _is_class(facts, name):
            cls = (module, name)
            return _Callee(self.method(cls, "__init__"), cls, constructs=True)
        if name in facts.functions:
            owner = name.rpartition(".")[0]
            receiver = (module, owner) if owner and _is_class(facts, owner) else None
            return _Callee((module, name), receiver)
        owner, _, method = name.rpartition(".")
        if owner and _is_class(facts, owner):
            # `Asset.get(key)`: inherited from a project base, or an alternate
            # constructor of a well-known external base.
            cls = (module, owner)
            found = self.method(cls, method)
            if found is not None:
                return _Callee(found, cls)
            constructs = any(
                method in _ALTERNATE_CONSTRUCTORS.get(base, ()) for base in self.base_names(cls)
            )
            return _Callee(None, cls, constructs=constructs)
        return None

    def made_by(self, callee: _Callee, _depth: int = 0) -> frozenset[ClassRef]:
        """The project classes of what calling `callee` returns."""
        if callee.constructs and callee.receiver is not None:
            return frozenset({callee.receiver})
        function = callee.function
        if function is None:
            return frozenset()
        key = (function, callee.receiver)
        known = self._made.get(key)
        if known is not None:
            return known
        self._made[key] = frozenset()  # a recursive factory ends here
        module, function_key = function
        facts = self.modules[module]
        made: set[ClassRef] = set()
        for entry in facts.functions[function_key].returns:
            if entry in ("cls", "self"):
                owner = function_key.rpartition(".")[0]
                if callee.receiver is not None:
                    made.add(callee.receiver)
                elif _is_class(facts, owner):
                    made.add((module, owner))
            elif _depth < _MAX_DEPTH:
                inner = self.callee(module, entry)
                if inner is not None:
                    made |= self.made_by(inner, _depth + 1)
        result = self._made[key] = frozenset(made)
        return result

    def targets(self, module: Path, target: str) -> list[FunctionRef]:
        """The functions one entry of `FunctionFacts.calls` runs."""
        kind, _, value = target.partition(":")
        if kind == "local":
            return [(module, value)]
        if kind == "ext":
            found = self.function(module, value)
            if found is not None:
                return [found]
            # A method inherited from a project base (`Repo().get()`, `Asset.get()`).
            callee = self.callee(module, target)
            return [callee.function] if callee is not None and callee.function else []
        if kind == "chain":
            start, *methods = value.split("#")
            return self._chain(module, start, methods)
        if kind == "hooks":
            return self._hooks(module, value)
        if kind == "star":
            facts = self.modules[module]
            for star in reversed(facts.star_imports):
                found = self.function(module, _join(star, value))
                if found is not None:
                    return [found]
        return []

    def _chain(self, module: Path, start: str, methods: list[str]) -> list[FunctionRef]:
        callee = self.callee(module, start)
        if callee is None:
            return []
        if not methods:
            return [callee.function] if callee.function is not None else []
        classes = self.made_by(callee)
        for name in methods[:-1]:
            following: set[ClassRef] = set()
            for cls in classes:
                method = self.method(cls, name)
                if method is not None:
                    following |= self.made_by(_Callee(method, cls))
            classes = frozenset(following)
        found = (self.method(cls, methods[-1]) for cls in sorted(classes))
        return [method for method in found if method is not None]

    def _hooks(self, module: Path, maker: str) -> list[FunctionRef]:
        """The hook methods of a batch processor made by `maker` (or imported as
        "object:<dotted>") that Powertools runs on every invocation."""
        if maker.startswith("object:"):
            found = self.object(module, maker[len("object:") :])
            if found is None:
                return []
            module, name = found
            made = self.modules[module].imports.get(name, "")
            if not made.endswith("()") or made.count("(") != 1:
                return []
            # `processor = MyProcessor()` there: a class (or factory) of that module, or
            # one it imports.
            made = made[:-2]
            head = made.partition(".")[0]
            facts = self.modules[module]
            local = _is_class(facts, head) or head in facts.functions
            maker = f"{'local' if local else 'ext'}:{made}"
        callee = self.callee(module, maker)
        if callee is None:
            return []
        found_hooks: list[FunctionRef] = []
        for cls in sorted(self.made_by(callee)):
            if self.is_batch_processor(cls):
                for hook in _PROCESSOR_HOOKS:
                    method = self.method(cls, hook)
                    if method is not None:
                        found_hooks.append(method)
        return found_hooks

    # -- dispatch ---------------------------------------------------------------
    def dispatch_targets(self, path: Path, dispatcher: str) -> list[FunctionRef]:
        """The functions registered on a dispatcher (`@app.get`), and on the routers it
        includes (`app.include_router(router)`), in this module or another (also where
        the app is imported: `from api import app` then `@app.get(...)`)."""
        found: list[FunctionRef] = []
        seen: set[tuple[Path, str]] = set()
        pending: list[tuple[Path, str]] = []

        def add(origin: Path, name: str) -> None:
            if name.startswith("ext:"):
                resolved = self.object(origin, name[4:])
                if resolved is not None:
                    pending.append(resolved)
            else:
                pending.append((origin, name))

        add(path, dispatcher)
        routes, includes = self._imported_registrations()
        while pending:
            where, name = pending.pop()
            facts = self.modules.get(where)
            if facts is None or (where, name) in seen:
                continue
            seen.add((where, name))
            found.extend(
                (where, f.key) for f in facts.functions.values() if name in f.decorator_bases
            )
            found.extend(routes.get((where, name), ()))
            for owner, router in facts.routers:
                if owner == name:
                    add(where, router)
            for module, router in includes.get((where, name), ()):
                add(module, router)
        return found

    def _imported_registrations(
        self,
    ) -> tuple[
        dict[tuple[Path, str], list[FunctionRef]], dict[tuple[Path, str], list[tuple[Path, str]]]
    ]:
        """Routes and included routers registered on an app from another module, by the
        app's module and name."""
        if self._routes is None or self._includes is None:
            self._routes, self._includes = {}, {}
            for module, key, dotted in self.project.imported_routes:
                app = self.object(module, dotted)
                if app is not None:
                    self._routes.setdefault(app, []).append((module, key))
            for module, dotted, router in self.project.imported_includes:
                app = self.object(module, dotted)
                if app is not None:
                    self._includes.setdefault(app, []).append((module, router))
        return self._routes, self._includes


# What Node's resolver (and TypeScript's, for sources a build compiles) tries for a
# relative specifier without an extension, in order.
_JAVASCRIPT_EXTENSIONS = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".mts", ".cts", ".jsx")
# TypeScript sources import each other by the name of the JavaScript they compile to.
_COMPILED_FROM = {
    ".js": (".ts", ".tsx"),
    ".jsx": (".tsx",),
    ".mjs": (".mts",),
    ".cjs": (".cts",),
}


def javascript_module(
    origin: Path, specifier: str, modules: Mapping[Path, ModuleFacts]
) -> Path | None:
    """The project module a relative `specifier` imported in `origin` loads (None for a
    package, or a file that is not among `modules`)."""
    if not specifier.startswith(("./", "../", "/")) and specifier not in (".", ".."):
        return None
    base = Path(os.path.normpath(origin.parent / specifier))
    candidates: list[Path] = []
    suffix = base.suffix
    if suffix in _COMPILED_FROM or suffix in _JAVASCRIPT_EXTENSIONS:
        candidates.append(base)
        candidates.extend(base.with_suffix(other) for other in _COMPILED_FROM.get(suffix, ()))
    candidates.extend(base.parent / f"{base.name}{ext}" for ext in _JAVASCRIPT_EXTENSIONS)
    candidates.extend(base / f"index{ext}" for ext in _JAVASCRIPT_EXTENSIONS)
    return next((candidate for candidate in candidates if candidate in modules), None)


def export_target(facts: ModuleFacts, name: str) -> str | None:
    """What the export path `name` of a JavaScript module is (an entry of
    `ModuleFacts.exports`), looked up in the module and then in its default export, as
    Node's runtime looks up a handler; None when the module does not export it."""
    for path in (name, f"default.{name}"):
        target = facts.exports.get(path)
        if target is not None:
            return target
        head, _, rest = path.partition(".")
        if rest:
            target = facts.exports.get(head, "")
            if target.startswith("local:"):
                return f"{target}.{rest}"
    return None


def handler_key(facts: ModuleFacts, name: str) -> str:
    """The key of the function a config's handler name denotes in a module: the name
    itself in Python; in JavaScript the function the export it names is."""
    if facts.language != "javascript":
        return name
    target = export_target(facts, name)
    return target[6:] if target is not None and target.startswith("local:") else name


def _is_class(facts: ModuleFacts, name: str) -> bool:
    return name in facts.class_bases or name in facts.classes


def _join(module: str, name: str) -> str:
    """`from <module> import *` then `name`: the dotted path of the name."""
    return f"{module}{name}" if module.endswith(".") else f"{module}.{name}"


def resolve_import(
    modules: Mapping[Path, ModuleFacts],
    origin: Path,
    dotted: str,
    roots: ImportRoots | None = None,
) -> FunctionRef | None:
    """The project function (or class constructor, or method) that an imported dotted
    name denotes, following re-exports (`from .db import table` in `__init__.py`)."""
    return _Resolver(_Project(modules), roots).function(origin, dotted)


def resolve_object(
    modules: Mapping[Path, ModuleFacts],
    origin: Path,
    dotted: str,
    roots: ImportRoots | None = None,
) -> tuple[Path, str] | None:
    """The project module and module-level name that an imported dotted name denotes
    (`api.app` -> (api.py, "app")), following re-exports."""
    return _Resolver(_Project(modules), roots).object(origin, dotted)


def dispatch_targets(
    modules: Mapping[Path, ModuleFacts], path: Path, dispatcher: str
) -> list[FunctionRef]:
    """The functions registered on a dispatcher, and on the routers it includes."""
    return _Resolver(_Project(modules), None).dispatch_targets(path, dispatcher)


def deployed_roots(functions: Iterable[Function]) -> dict[FunctionRef, tuple[ImportRoots, ...]]:
    """Where the imports of each handler that `functions` deploy resolve: the function's
    code folder and layers (paths resolved, as module paths are)."""
    found: dict[FunctionRef, dict[ImportRoots, None]] = {}
    for function in functions:
        ref = function.handler_ref
        if ref is None or not function.links_python or not isinstance(function.code_dir, Path):
            continue
        roots = ImportRoots(
            code=(function.code_dir.resolve(),),
            layers=tuple(layer.resolve() for layer in function.layers),
        )
        found.setdefault((ref.module_path.resolve(), ref.function), {})[roots] = None
    return {ref: tuple(roots) for ref, roots in found.items()}


def per_invocation(
    modules: Mapping[Path, ModuleFacts],
    handlers: Mapping[Path, tuple[str, ...]],
    deployments: Mapping[FunctionRef, Sequence[ImportRoots]] | None = None,
) -> dict[FunctionRef, Reach]:
    """`Reachability.of_handlers` over `modules`, for a caller that needs nothing else."""
    return Reachability(modules).of_handlers(handlers, deployments)


def _walk(resolver: _Resolver, starts: Iterable[FunctionRef]) -> dict[FunctionRef, Reach]:
    """Breadth first from `starts`: each function with the handler that reaches it first."""
    modules = resolver.modules
    reached: dict[FunctionRef, Reach] = {}
    queue: deque[tuple[FunctionRef, Reach]] = deque((ref, Reach(ref, 0)) for ref in starts)
    while queue:
        ref, reach = queue.popleft()
        if ref in reached:
            continue
        path, key = ref
        facts = modules.get(path)
        function: FunctionFacts | None = facts.functions.get(key) if facts is not None else None
        if function is None:
            continue  # facts from elsewhere (a cache) may name what no longer exists
        if function.cached and reach.depth > 0:
            continue
        reached[ref] = reach
        following = Reach(reach.handler, reach.depth + 1)
        for target in function.calls:
            for found in resolver.targets(path, target):
                if found not in reached:
                    queue.append((found, following))
        for dispatcher in function.dispatches:
            for routed in resolver.dispatch_targets(path, dispatcher):
                if routed not in reached:
                    queue.append((routed, following))
    return reached


class Reachability:
    """What handlers run per invocation, over the modules of one run: for all of them
    at once (which handler reaches a function first) or for one handler (the cross
    rules need each handler's own reach), sharing the name resolution work."""

    def __init__(self, modules: Mapping[Path, ModuleFacts]) -> None:
        self._modules = modules
        self._project = _Project(modules)
        self._resolvers: dict[ImportRoots | None, _Resolver] = {}

    def _resolver(self, roots: ImportRoots | None) -> _Resolver:
        resolver = self._resolvers.get(roots)
        if resolver is None:
            resolver = self._resolvers[roots] = _Resolver(self._project, roots)
        return resolver

    def of_handlers(
        self,
        handlers: Mapping[Path, tuple[str, ...]],
        deployments: Mapping[FunctionRef, Sequence[ImportRoots]] | None = None,
    ) -> dict[FunctionRef, Reach]:
        """Every function that runs on every invocation of one of `handlers`, with the
        handler that reaches it first (fewest calls; then the handler first in path
        order).

        `deployments` says, for a handler a config deploys, where its imports resolve
        (its code folder and layers; several when more than one function deploys it);
        the imports of other handlers resolve from the folders above each module."""
        modules = self._modules
        rank: dict[FunctionRef, int] = {}
        contexts: dict[ImportRoots | None, list[FunctionRef]] = {}
        for path, keys in sorted(handlers.items()):
            for key in keys:
                ref = (path, key)
                if path not in modules or key not in modules[path].functions or ref in rank:
                    continue
                rank[ref] = len(rank)
                for roots in dict.fromkeys((deployments or {}).get(ref) or (None,)):
                    contexts.setdefault(roots, []).append(ref)
        reached: dict[FunctionRef, Reach] = {}
        for roots, starts in contexts.items():
            for ref, reach in _walk(self._resolver(roots), starts).items():
                known = reached.get(ref)
                if known is None or (reach.depth, rank[reach.handler]) < (
                    known.depth,
                    rank[known.handler],
                ):
                    reached[ref] = reach
        return reached

    def loaded_modules(self, module: Path, roots: Sequence[ImportRoots] = ()) -> tuple[Path, ...]:
        """The project modules that importing `module` runs, itself first, then what its
        module-level imports load, breadth first (each once)."""
        seen: dict[Path, None] = {}
        for context in dict.fromkeys(roots or (None,)):
            resolver = self._resolver(context)
            queue: deque[Path] = deque([module])
            while queue:
                path = queue.popleft()
                if path in seen:
                    continue
                seen[path] = None
                facts = self._modules.get(path)
                if facts is None:
                    continue
                for imported in facts.module_imports:
                    for found in resolver.module_files(
                        path, imported.module, imported.level, imported.from_names
                    ):
                        if found not in seen:
                            queue.append(found)
        return tuple(seen)

    def from_handler(
        self, ref: FunctionRef, roots: Sequence[ImportRoots] = ()
    ) -> dict[FunctionRef, Reach]:
        """What one handler runs per invocation (its imports resolved in each of `roots`,
        or from the folders above each module when there are none)."""
        reached: dict[FunctionRef, Reach] = {}
        for context in dict.fromkeys(roots or (None,)):
            for found, reach in _walk(self._resolver(context), [ref]).items():
                known = reached.get(found)
                if known is None or reach.depth < known.depth:
                    reached[found] = reach
        return reached
