"""Module-level imports of a Python module and where their names are read (the facts
SL102 and SL103 reason over: `slint.facts.ModuleImport`).

One walk over the module's `ast`: every read of a name that a module-level import
binds is recorded with the key of the function that reads it (the keys of
`slint.python.behaviour`: "handler", "Repo.save", "outer.inner"; None for code that
runs when the module is imported) and whether it runs on every call of that function.
A function that binds the same name itself (a parameter, an assignment, the lazy
`import pandas as pd` inside the function) reads its own name, not the import's:
reads are settled against each function's own bindings when its body has been read,
and what is left goes up to the enclosing function, then to the module.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from slint.diagnostics import Location
from slint.facts import ImportUse, ModuleImport, Span
from slint.fixes import split_lines

_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def module_imports(source: str, tree: ast.Module) -> tuple[ModuleImport, ...]:
    """The module-level imports of `tree` (parsed from `source`), in source order."""
    statements: list[tuple[ast.Import | ast.ImportFrom, bool]] = []
    future_annotations = False
    for statement, optional in _module_imports(tree.body, optional=False):
        if isinstance(statement, ast.ImportFrom) and statement.module == "__future__":
            # A compiler directive, not a module load.
            future_annotations |= any(alias.name == "annotations" for alias in statement.names)
            continue
        statements.append((statement, optional))
    if not statements:
        return ()
    positions = _Positions(source)
    bound: dict[str, list[int]] = {}  # name -> indices into `found`
    found: list[_Import] = []
    for statement, optional in statements:
        for made in _imports_of(statement, optional, positions):
            for name in made.names:
                bound.setdefault(name, []).append(len(found))
            found.append(made)
    reader = _Reader(frozenset(bound), future_annotations)
    try:
        reader.module(tree.body)
    except RecursionError:
        return ()  # as `behaviours` does: a tree too deep to read is not judged
    for name, use in reader.uses:
        for index in bound[name]:
            found[index].uses.setdefault(use, None)
    return tuple(made.freeze() for made in found)


# -- the import statements ---------------------------------------------------------------


def _module_imports(
    body: Sequence[ast.stmt], *, optional: bool
) -> Iterable[tuple[ast.Import | ast.ImportFrom, bool]]:
    """Import statements that run when the module is loaded (also in module-level
    blocks), each with whether it is optional: under `if TYPE_CHECKING:` or `if __name__
    == "__main__":` (never runs when Lambda imports the module), or in a `try` whose
    handler catches `ImportError` (a missing package does not fail the import)."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement, optional
        elif isinstance(statement, ast.If):
            skipped = _never_runs_on_lambda(statement.test)
            yield from _module_imports(statement.body, optional=optional or skipped)
            yield from _module_imports(statement.orelse, optional=optional)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            handlers: list[ast.ExceptHandler] = getattr(statement, "handlers", [])
            guarded = any(_catches_import_error(handler) for handler in handlers)
            yield from _module_imports(getattr(statement, "body", []), optional=optional or guarded)
            for handler in handlers:
                yield from _module_imports(handler.body, optional=optional)
            yield from _module_imports(getattr(statement, "orelse", []), optional=optional)
            yield from _module_imports(getattr(statement, "finalbody", []), optional=optional)
        elif isinstance(statement, (ast.With, ast.For, ast.While)):
            yield from _module_imports(statement.body, optional=optional)
            yield from _module_imports(getattr(statement, "orelse", []), optional=optional)


def _never_runs_on_lambda(test: ast.expr) -> bool:
    """`TYPE_CHECKING` / `typing.TYPE_CHECKING`, or `__name__ == "__main__"`."""
    if isinstance(test, ast.Name) and test.id == "TYPE_CHECKING":
        return True
    if isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING":
        return True
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and len(test.comparators) == 1
    ):
        sides = (test.left, test.comparators[0])
        has_name = any(isinstance(side, ast.Name) and side.id == "__name__" for side in sides)
        has_main = any(
            isinstance(side, ast.Constant) and side.value == "__main__" for side in sides
        )
        return has_name and has_main
    return False


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True  # a bare `except:` catches it too
    caught = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    for node in caught:
        name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)
        if name in _IMPORT_ERRORS or name in {"Exception", "BaseException"}:
            return True
    return False


@dataclass
class _Import:
    module: str
    level: int
    names: tuple[str, ...]
    span: Span
    statement: Span
    from_names: tuple[str, ...]
    optional: bool
    # insertion-ordered set of uses
    uses: dict[ImportUse, None] = field(default_factory=dict)

    def freeze(self) -> ModuleImport:
        return ModuleImport(
            module=self.module,
            level=self.level,
            names=self.names,
            span=self.span,
            statement=self.statement,
            from_names=self.from_names,
            uses=tuple(self.uses),
            optional=self.optional,
        )


def _imports_of(
    statement: ast.Import | ast.ImportFrom, optional: bool, positions: _Positions
) -> Iterable[_Import]:
    whole = positions.span(statement)
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            # `import a.b` binds `a`; `import a.b as c` binds `c`.
            name = alias.asname or alias.name.split(".", 1)[0]
            start = positions.location(alias.lineno, alias.col_offset)
            span = Span(start, Location(start.row, start.column + len(alias.name)))
            yield _Import(alias.name, 0, (name,), span, whole, (), optional)
        return
    module = "." * statement.level + (statement.module or "")
    names = tuple(alias.asname or alias.name for alias in statement.names if alias.name != "*")
    from_names = tuple(alias.name for alias in statement.names)
    span = positions.find_after_from(statement, module)
    yield _Import(module, statement.level, names, span, whole, from_names, optional)


class _Positions:
    """ast's (row, UTF-8 byte offset) as 1-based rows and character columns."""

    def __init__(self, source: str) -> None:
        self.lines = split_lines(source)

    def _text(self, row: int) -> str:
        return self.lines[row - 1] if 0 < row <= len(self.lines) else ""

    def location(self, row: int, offset: int) -> Location:
        text = self._text(row)
        if text.isascii():
            return Location(row, offset + 1)
        encoded = text.encode("utf-8", errors="surrogatepass")
        return Location(row, len(encoded[:offset].decode("utf-8", errors="replace")) + 1)

    def span(self, node: ast.stmt) -> Span:
        start = self.location(node.lineno, node.col_offset)
        end_row = node.end_lineno or node.lineno
        end_offset = node.end_col_offset
        end = self.location(end_row, end_offset) if end_offset is not None else start
        return Span(start, end)

    def find_after_from(self, statement: ast.ImportFrom, module: str) -> Span:
        """The module name of `from <module> import ...`, which ast does not place: the
        first non-blank text after `from` (possibly on a continuation line)."""
        start = self.location(statement.lineno, statement.col_offset)
        row, column = start.row, start.column - 1 + len("from")
        wanted = module.replace(" ", "")
        while row <= (statement.end_lineno or statement.lineno):
            text = self._text(row).rstrip("\r\n")
            while column < len(text) and text[column] in " \t\\(":
                column += 1
            if column < len(text) and not text.startswith("#", column):
                # The name as written may hold blanks (`from . models import x`): measure
                # it up to ` import`.
                end = column
                taken = 0
                while end < len(text) and taken < len(wanted):
                    if text[end] not in " \t":
                        taken += 1
                    end += 1
                return Span(Location(row, column + 1), Location(row, end + 1))
            row, column = row + 1, 0
        return Span(start, start)


# -- reads of the bound names --------------------------------------------------------------


@dataclass
class _Scope:
    """A function (or lambda) being read: what it binds and what it reads."""

    key: str | None  # the key reads inside it are recorded with
    prefix: str  # the key prefix of functions defined inside it
    bound: set[str] = field(default_factory=set)
    declared_global: set[str] = field(default_factory=set)
    # reads of imported names not yet settled: (name, use)
    reads: list[tuple[str, ImportUse]] = field(default_factory=list)


class _Reader:
    """Walks the module once, recording reads of the imported names."""

    def __init__(self, imported: frozenset[str], future_annotations: bool) -> None:
        self.imported = imported
        self.future_annotations = future_annotations
        self.uses: list[tuple[str, ImportUse]] = []
        self.scope = _Scope(None, "")
        # Within a class body (its statements run in the enclosing function, or at import).
        self.in_class = False

    def module(self, body: Sequence[ast.stmt]) -> None:
        self.block(body, False)
        # Module-level bindings (`pd = None` after the import) do not hide the import
        # from the functions that read the name: the import still runs.
        self.uses.extend(self.scope.reads)

    # -- statements ------------------------------------------------------------------
    def block(self, body: Sequence[ast.stmt], conditional: bool) -> None:
        for statement in body:
            self.statement(statement, conditional)

    def statement(self, node: ast.stmt, conditional: bool) -> None:
        if isinstance(node, _FUNCTIONS):
            self.function(node, conditional)
        elif isinstance(node, ast.ClassDef):
            self.class_(node, conditional)
        elif isinstance(node, ast.If):
            self.expression(node.test, conditional)
            self.block(node.body, True)
            self.block(node.orelse, True)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            # A loop body runs whenever there is something to loop over (the records of
            # the event): for an import's cost that is every time.
            self.expression(node.iter, conditional)
            self.target(node.target, conditional)
            self.block(node.body, conditional)
            self.block(node.orelse, True)
        elif isinstance(node, ast.While):
            self.expression(node.test, conditional)
            self.block(node.body, conditional)
            self.block(node.orelse, True)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            self.block(getattr(node, "body", []), conditional)
            for handler in getattr(node, "handlers", []):
                if handler.type is not None:
                    self.expression(handler.type, True)
                if handler.name:
                    self.bind(handler.name)
                self.block(handler.body, True)
            # `else` runs whenever the body did not fail: the ordinary path.
            self.block(getattr(node, "orelse", []), conditional)
            self.block(getattr(node, "finalbody", []), conditional)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.expression(item.context_expr, conditional)
                if item.optional_vars is not None:
                    self.target(item.optional_vars, conditional)
            self.block(node.body, conditional)
        elif isinstance(node, ast.Match):
            self.expression(node.subject, conditional)
            for case in node.cases:
                self.pattern(case.pattern)
                if case.guard is not None:
                    self.expression(case.guard, True)
                self.block(case.body, True)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if self.scope.key is not None or self.in_class:
                for alias in node.names:
                    if alias.name != "*":
                        self.bind(alias.asname or alias.name.split(".", 1)[0])
        elif isinstance(node, ast.Global):
            self.scope.declared_global.update(node.names)
        elif isinstance(node, ast.Nonlocal):
            pass  # bound in an enclosing function: settled there
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.expression(node.value, conditional)
            self.target(node.target, conditional)
            if self.annotation_evaluated(local=self.scope.key is not None and not self.in_class):
                self.expression(node.annotation, conditional)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.statement(child, conditional)
                elif isinstance(child, ast.expr):
                    self.expression(child, conditional)

    def annotation_evaluated(self, *, local: bool) -> bool:
        """A local variable's annotation is never evaluated; a class attribute's is read
        by pydantic, dataclasses and attrs when the class is made even under `from
        __future__ import annotations` (they resolve the strings in the module), so it
        counts as a read; other annotations are evaluated unless the module defers them."""
        if local:
            return False
        return self.in_class or not self.future_annotations

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, conditional: bool) -> None:
        # Decorators, defaults and (unless deferred) annotations run where the `def` is.
        for decorator in node.decorator_list:
            self.expression(decorator, conditional)
        arguments = node.args
        for default in [*arguments.defaults, *arguments.kw_defaults]:
            if default is not None:
                self.expression(default, conditional)
        if not self.future_annotations:
            for argument in _all_arguments(arguments):
                if argument.annotation is not None:
                    self.expression(argument.annotation, conditional)
            if node.returns is not None:
                self.expression(node.returns, conditional)
        self.bind(node.name)
        key = f"{self.scope.prefix}{node.name}"
        inner = _Scope(key, key + ".", bound={a.arg for a in _all_arguments(arguments)})
        self.enter(inner, node.body)

    def class_(self, node: ast.ClassDef, conditional: bool) -> None:
        for decorator in node.decorator_list:
            self.expression(decorator, conditional)
        for base in node.bases:
            self.expression(base, conditional)
        for keyword in node.keywords:
            self.expression(keyword.value, conditional)
        self.bind(node.name)
        # The class body runs right away, in the enclosing function (or at import); its
        # methods get keys under the class's name.
        outer_prefix, outer_in_class = self.scope.prefix, self.in_class
        self.scope.prefix = f"{outer_prefix}{node.name}."
        self.in_class = True
        try:
            self.block(node.body, conditional)
        finally:
            self.scope.prefix, self.in_class = outer_prefix, outer_in_class

    def enter(self, inner: _Scope, body: Sequence[ast.stmt] | ast.expr) -> None:
        outer, outer_in_class = self.scope, self.in_class
        self.scope, self.in_class = inner, False
        try:
            if isinstance(body, ast.expr):
                self.expression(body, True)  # a lambda's body runs when it is called
            else:
                self.block(body, False)
        finally:
            self.scope, self.in_class = outer, outer_in_class
        local = inner.bound - inner.declared_global
        outer.reads.extend((name, use) for name, use in inner.reads if name not in local)

    def bind(self, name: str) -> None:
        if self.scope.key is not None and not self.in_class:
            self.scope.bound.add(name)

    def target(self, node: ast.expr, conditional: bool) -> None:
        """An assignment target: names it binds, expressions it reads (`a[pd.x] = 1`)."""
        if isinstance(node, ast.Name):
            self.bind(node.id)
        elif isinstance(node, (ast.Tuple, ast.List)):
            for element in node.elts:
                self.target(element, conditional)
        elif isinstance(node, ast.Starred):
            self.target(node.value, conditional)
        else:
            self.expression(node, conditional)

    def pattern(self, node: ast.pattern) -> None:
        for child in ast.walk(node):
            if isinstance(child, (ast.MatchAs, ast.MatchStar)) and child.name:
                self.bind(child.name)
            elif isinstance(child, ast.MatchMapping) and child.rest:
                self.bind(child.rest)
            elif isinstance(child, ast.MatchValue):
                self.expression(child.value, True)
            elif isinstance(child, ast.MatchClass):
                self.expression(child.cls, True)

    # -- expressions -----------------------------------------------------------------
    def expression(self, node: ast.expr, conditional: bool) -> None:
        if isinstance(node, ast.Name):
            if isinstance(node.ctx, ast.Load):
                if node.id in self.imported:
                    use = ImportUse(self.scope.key, node.lineno, conditional)
                    self.scope.reads.append((node.id, use))
            else:
                self.bind(node.id)
        elif isinstance(node, ast.Constant):
            return
        elif isinstance(node, ast.IfExp):
            self.expression(node.test, conditional)
            self.expression(node.body, True)
            self.expression(node.orelse, True)
        elif isinstance(node, ast.BoolOp):
            self.expression(node.values[0], conditional)
            for value in node.values[1:]:
                self.expression(value, True)
        elif isinstance(node, ast.Lambda):
            arguments = node.args
            for default in [*arguments.defaults, *arguments.kw_defaults]:
                if default is not None:
                    self.expression(default, conditional)
            # Reads in the body belong to the enclosing function, when the lambda is
            # called: on some paths at most.
            inner = _Scope(
                self.scope.key,
                self.scope.prefix,
                bound={a.arg for a in _all_arguments(arguments)},
            )
            self.enter(inner, node.body)
        elif isinstance(node, ast.NamedExpr):
            self.expression(node.value, conditional)
            self.bind(node.target.id)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.expr):
                    self.expression(child, conditional)
                elif isinstance(child, ast.comprehension):
                    # Its loop variable is the comprehension's own; binding it in the
                    # function would at worst hide a read of a same-named import.
                    self.expression(child.iter, conditional)
                    self.target(child.target, conditional)
                    for test in child.ifs:
                        self.expression(test, conditional)
                elif isinstance(child, ast.keyword):
                    self.expression(child.value, conditional)
                elif isinstance(child, ast.arguments):
                    pass  # lambdas are handled above


def _all_arguments(arguments: ast.arguments) -> list[ast.arg]:
    found = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    if arguments.vararg is not None:
        found.append(arguments.vararg)
    if arguments.kwarg is not None:
        found.append(arguments.kwarg)
    return found
