"""What a code rule knows about the module it is visiting, kept up to date by the traversal.

Instead of libcst's QualifiedNameProvider, ScopeProvider and ParentNodeProvider
(which together cost several times the parse), the shared traversal keeps an
import/alias table per scope, a parent stack and the enclosing function, and
positions are computed only for modules that have something to report.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import CodeRange

from slint.diagnostics import Fix, Location, Severity

if TYPE_CHECKING:
    from slint.api import CodeRule
    from slint.settings import Settings


class Positions:
    """Node positions for one module, computed on first use."""

    def __init__(self, module: cst.Module) -> None:
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        self._ranges = wrapper.resolve(PositionProvider)

    def range(self, node: cst.CSTNode) -> CodeRange:
        return self._ranges[node]

    def start(self, node: cst.CSTNode) -> Location:
        position = self._ranges[node].start
        return Location(position.line, position.column + 1)

    def end(self, node: cst.CSTNode) -> Location:
        position = self._ranges[node].end
        return Location(position.line, position.column + 1)


FixBuilder = Callable[[Positions], "Fix | None"]


@dataclass
class Report:
    rule: CodeRule
    node: cst.CSTNode
    message: str
    fix: Fix | FixBuilder | None
    severity: Severity | None
    # The function whose invocation makes this finding real (None: always real).
    function_key: str | None


@dataclass
class Scope:
    kind: str  # "module", "class" or "function"
    key: str  # "" for the module, else the function/class key
    bindings: dict[str, str | None] = field(default_factory=dict)
    global_names: set[str] = field(default_factory=set)
    imported: set[str] = field(default_factory=set)  # bound by an import statement
    local_defs: set[str] = field(default_factory=set)


def dotted_name(node: cst.BaseExpression) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        base = dotted_name(node.value)
        return f"{base}.{node.attr.value}" if base is not None else None
    return None


def module_level_names(module: cst.Module) -> set[str]:
    """Names bound at module scope (also inside module-level if/try/with blocks)."""
    names: set[str] = set()

    def targets(node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Name):
            names.add(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                targets(element.value)

    def walk(statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                walk(statement.body)
            elif isinstance(statement, cst.Assign):
                for target in statement.targets:
                    targets(target.target)
            elif isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
                targets(statement.target)
            elif isinstance(statement, cst.Import):
                for alias in statement.names:
                    if alias.asname is not None:
                        targets(alias.asname.name)
                    else:
                        names.add(dotted_name(alias.name).split(".")[0])  # type: ignore[union-attr]
            elif isinstance(statement, cst.ImportFrom):
                if not isinstance(statement.names, cst.ImportStar):
                    for alias in statement.names:
                        bound = alias.asname.name if alias.asname else alias.name
                        if isinstance(bound, cst.Name):
                            names.add(bound.value)
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                names.add(statement.name.value)
            elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
                for block in _blocks(statement):
                    walk(block)

    walk(module.body)
    return names


def _blocks(statement: cst.CSTNode) -> list[Sequence[cst.BaseStatement]]:
    blocks: list[Sequence[cst.BaseStatement]] = []
    body = getattr(statement, "body", None)
    if isinstance(body, cst.IndentedBlock):
        blocks.append(body.body)
    for attr in ("orelse", "finalbody"):
        other = getattr(statement, attr, None)
        if isinstance(other, (cst.Else, cst.Finally)) and isinstance(other.body, cst.IndentedBlock):
            blocks.append(other.body.body)
        elif isinstance(other, cst.If):
            blocks.extend(_blocks(other))
    for handler in getattr(statement, "handlers", ()):
        if isinstance(handler.body, cst.IndentedBlock):
            blocks.append(handler.body.body)
    return blocks


class ModuleContext:
    """The state shared by all code rules during the traversal of one module."""

    def __init__(self, path: str, source: str, module: cst.Module, settings: Settings) -> None:
        self.path = path
        self.source = source
        self.module = module
        self.settings = settings
        self.module_names = module_level_names(module)
        self.parents: list[cst.CSTNode] = []
        self.scopes: list[Scope] = [Scope("module", "")]
        self.guard_depth = 0
        self.reports: list[Report] = []
        self._positions: Positions | None = None
        self._lines: list[str] | None = None

    # -- names -------------------------------------------------------------
    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    @property
    def module_scope(self) -> Scope:
        return self.scopes[0]

    def binding_scope(self, name: str) -> Scope | None:
        """The scope whose binding of `name` is visible here."""
        innermost = self.scopes[-1]
        for scope in reversed(self.scopes):
            if scope.kind == "class" and scope is not innermost:
                continue  # class bodies are not enclosing scopes for their methods
            if name in scope.global_names:
                return self.module_scope
            if name in scope.bindings:
                return scope
        return None

    def lookup(self, name: str) -> str | None:
        """The qualified name a bare name is bound to by imports or assignments."""
        scope = self.binding_scope(name)
        return scope.bindings.get(name) if scope is not None else None

    def qualified_name(self, node: cst.BaseExpression) -> str | None:
        """The dotted name `node` refers to, through imports, aliases and assignments.

        `import boto3 as b; b.client` -> "boto3.client"; `from boto3 import client`
        -> "boto3.client"; `s = boto3.Session(); s.client` -> "boto3.Session().client".
        A name bound by nothing known resolves to itself.
        """
        if isinstance(node, cst.Name):
            bound = self.lookup(node.value)
            return bound if bound is not None else node.value
        if isinstance(node, cst.Attribute):
            base = self.qualified_name(node.value)
            return f"{base}.{node.attr.value}" if base is not None else None
        if isinstance(node, cst.Call):
            func = self.qualified_name(node.func)
            return f"{func}()" if func is not None else None
        return None

    def is_import_bound(self, name: str) -> bool:
        """Is `name` (as visible here) bound by an import statement?"""
        scope = self.binding_scope(name)
        return scope is not None and name in scope.imported

    def is_module_level_name(self, name: str) -> bool:
        """Whether `name` refers to a module-level binding from the current scope."""
        for scope in reversed(self.scopes):
            if scope.kind == "module":
                return name in self.module_names
            if name in scope.global_names:
                return True
            if scope.kind == "function" and (name in scope.bindings or name in scope.local_defs):
                return False
        return name in self.module_names

    # -- where we are ------------------------------------------------------
    @property
    def parent(self) -> cst.CSTNode | None:
        """The parent of the node being visited (the node itself is not on the stack)."""
        return self.parents[-1] if self.parents else None

    @property
    def function_key(self) -> str | None:
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                return scope.key
        return None

    @property
    def in_once_guard(self) -> bool:
        """Inside code that runs once per execution environment (`if client is None:`)."""
        return self.guard_depth > 0

    # -- reporting -----------------------------------------------------------
    def report(
        self,
        rule: CodeRule,
        node: cst.CSTNode,
        message: str,
        *,
        fix: Fix | FixBuilder | None = None,
        severity: Severity | None = None,
        per_invocation: bool = False,
    ) -> None:
        """Report `node`.

        With `per_invocation`, the finding is kept only if the enclosing function
        runs on every invocation of a handler (decided once the whole project is
        known); code at module level or under a once-per-environment guard is dropped.
        """
        function_key = None
        if per_invocation:
            function_key = self.function_key
            if function_key is None or self.in_once_guard:
                return
        self.reports.append(Report(rule, node, message, fix, severity, function_key))

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = Positions(self.module)
        return self._positions

    @property
    def lines(self) -> list[str]:
        """The source lines, with their line endings."""
        if self._lines is None:
            self._lines = self.source.splitlines(keepends=True)
        return self._lines
