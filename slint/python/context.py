"""What a code rule knows about the module it is visiting, kept up to date by the traversal.

Instead of libcst's QualifiedNameProvider, ScopeProvider and ParentNodeProvider
(which together cost several times the parse), the shared traversal keeps an
import/alias table per scope, a parent stack and the enclosing function, and
positions are computed only for modules that have something to report.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst
from libcst.metadata import CodeRange

from slint.diagnostics import Fix, Location, Severity
from slint.fixes import split_lines

if TYPE_CHECKING:
    from slint.api import CodeRule
    from slint.settings import Settings


_LINE_BREAK = re.compile(r"\r\n?|\n")


class Positions:
    """Node positions for one module, computed on demand, one top-level statement at a time.

    libcst's PositionProvider regenerates the whole module's code with position
    tracking, which costs more than parsing it. A finding only needs the positions in
    the top-level statement that holds it: that statement's code is generated with the
    same tracking, found in the source (the module's code is its statements' code, in
    order) and its rows shifted. Where that fails (a statement whose code occurs twice)
    the whole module is computed, as libcst does.
    """

    def __init__(self, module: cst.Module, source: str | None = None) -> None:
        self._module = module
        self._source = source if source is not None else module.code
        self._ranges: dict[cst.CSTNode, CodeRange] = {}
        self._tops: set[int] | None = None
        self._prepared: set[int] = set()
        self._full = False

    @property
    def whole_module(self) -> bool:
        """Whether the positions of the whole module had to be computed."""
        return self._full

    def prepare(self, top: cst.CSTNode) -> None:
        """Compute the positions of the nodes in `top`, a statement of `module.body`."""
        if self._full or id(top) in self._prepared:
            return
        self._prepared.add(id(top))
        if not self._statement_positions(top):
            self._compute_all()

    def range(self, node: cst.CSTNode) -> CodeRange:
        found = self._ranges.get(node)
        if found is None:
            if self._tops is None:
                self._tops = {id(statement) for statement in self._module.body}
            if id(node) in self._tops:
                self.prepare(node)
                found = self._ranges.get(node)
            if found is None:
                self._compute_all()
                found = self._ranges[node]
        return found

    def start(self, node: cst.CSTNode) -> Location:
        position = self.range(node).start
        return Location(position.line, position.column + 1)

    def end(self, node: cst.CSTNode) -> Location:
        position = self.range(node).end
        return Location(position.line, position.column + 1)

    def _compute_all(self) -> None:
        if self._full:
            return
        from libcst.metadata import MetadataWrapper, PositionProvider

        wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)
        self._ranges.update(wrapper.resolve(PositionProvider))
        self._full = True

    def _statement_positions(self, top: cst.CSTNode) -> bool:
        from libcst._position import CodePosition
        from libcst.metadata.position_provider import (
            PositionProvider,
            PositionProvidingCodegenState,
        )

        module = self._module
        provider = PositionProvider()
        state = PositionProvidingCodegenState(
            default_indent=module.default_indent,
            default_newline=module.default_newline,
            provider=provider,
        )
        try:
            top._codegen(state)
        except Exception:  # libcst internals changed: do it the documented way
            return False
        text = "".join(state.tokens)
        source = self._source
        offset = source.find(text)
        if offset < 0 and top is module.body[-1] and not module.has_trailing_newline:
            text = text[: len(text) - len(module.default_newline)]
            offset = source.find(text)
        if not text or offset < 0 or source.find(text, offset + 1) >= 0:
            return False
        shift = len(_LINE_BREAK.findall(source, 0, offset))
        for node, code_range in provider._computed.items():
            if not isinstance(code_range, CodeRange):
                return False
            if shift:
                start, end = code_range.start, code_range.end
                code_range = CodeRange(
                    CodePosition(start.line + shift, start.column),
                    CodePosition(end.line + shift, end.column),
                )
            self._ranges[node] = code_range
        return True


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
    # The top-level statement that holds `node` (its positions are computed together).
    top: cst.CSTNode | None = None


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


def import_bindings(node: cst.Import | cst.ImportFrom) -> list[tuple[str, str]]:
    """(bound name, qualified name) for each name an import statement binds.

    `import a.b` binds `a` to "a"; `import a.b as c` binds `c` to "a.b";
    `from .m import f as g` binds `g` to ".m.f".
    """
    found: list[tuple[str, str]] = []
    if isinstance(node, cst.Import):
        for alias in node.names:
            full = dotted_name(alias.name)
            if full is None:
                continue
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                found.append((alias.asname.name.value, full))
            else:
                head = full.split(".")[0]
                found.append((head, head))
        return found
    if isinstance(node.names, cst.ImportStar):
        return found
    base = "." * len(node.relative)
    if node.module is not None:
        base += dotted_name(node.module) or ""
    joiner = "" if base.endswith(".") or not base else "."
    for alias in node.names:
        imported = dotted_name(alias.name)
        bound = alias.asname.name if alias.asname else alias.name
        if imported is not None and isinstance(bound, cst.Name):
            found.append((bound.value, f"{base}{joiner}{imported}"))
    return found


# How a module-level name is bound by the last statement that binds it.
DEFINED = "<def>"  # a def or class statement
ASSIGNED = "<assigned>"  # anything else (assignment, for target, with target...)


def module_bindings(module: cst.Module) -> dict[str, str]:
    """The last binding of each module-level name, in statement order (also inside
    module-level if/try/with/for blocks): the qualified name for an import, else
    DEFINED or ASSIGNED. Function bodies run after the module has been executed,
    so they see these bindings, not the ones before their `def`."""
    final: dict[str, str] = {}

    def targets(node: cst.BaseExpression) -> None:
        if isinstance(node, cst.Name):
            final[node.value] = ASSIGNED
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                targets(element.value)
        elif isinstance(node, cst.StarredElement):
            targets(node.value)

    def walk(statements: Sequence[cst.BaseStatement | cst.BaseSmallStatement]) -> None:
        for statement in statements:
            if isinstance(statement, cst.SimpleStatementLine):
                walk(statement.body)
            elif isinstance(statement, cst.Assign):
                for target in statement.targets:
                    targets(target.target)
            elif isinstance(statement, (cst.AnnAssign, cst.AugAssign)):
                targets(statement.target)
            elif isinstance(statement, (cst.Import, cst.ImportFrom)):
                for name, qualified in import_bindings(statement):
                    final[name] = qualified
            elif isinstance(statement, (cst.FunctionDef, cst.ClassDef)):
                final[statement.name.value] = DEFINED
            elif isinstance(statement, (cst.If, cst.Try, cst.With, cst.For, cst.While)):
                if isinstance(statement, cst.For):
                    targets(statement.target)
                elif isinstance(statement, cst.With):
                    for item in statement.items:
                        if item.asname is not None:
                            targets(item.asname.name)
                for block in _blocks(statement):
                    walk(block)

    walk(module.body)
    return final


def module_level_names(module: cst.Module) -> set[str]:
    """Names bound at module scope (also inside module-level if/try/with blocks)."""
    return set(module_bindings(module))


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
        self.module_final = module_bindings(module)
        self.module_names = set(self.module_final)
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
        if (scope is None or scope is self.module_scope) and self._in_function():
            final = self.module_final.get(name)
            if final == DEFINED:
                return None
            if final is not None and final != ASSIGNED:
                return final
        return scope.bindings.get(name) if scope is not None else None

    def _in_function(self) -> bool:
        return any(scope.kind == "function" for scope in self.scopes)

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
        if (scope is None or scope is self.module_scope) and self._in_function():
            final = self.module_final.get(name)
            return final is not None and final not in (DEFINED, ASSIGNED)
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
        top = self.parents[1] if len(self.parents) > 1 else None
        self.reports.append(Report(rule, node, message, fix, severity, function_key, top))

    @property
    def positions(self) -> Positions:
        if self._positions is None:
            self._positions = Positions(self.module, self.source)
        return self._positions

    @property
    def lines(self) -> list[str]:
        """The source lines, with their line endings."""
        if self._lines is None:
            self._lines = split_lines(self.source)
        return self._lines
