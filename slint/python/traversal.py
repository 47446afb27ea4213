"""The one libcst traversal per module: keeps the `ModuleContext` current, collects
module facts, and dispatches every node to the enabled code rules' visit/leave methods."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst

from slint.api import CodeRule
from slint.python.context import DEFINED, ModuleContext, Scope, dotted_name, import_bindings
from slint.python.facts import FunctionFacts, ModuleFacts, definition_lines

CACHE_DECORATORS = frozenset(
    {
        "functools.cache",
        "functools.lru_cache",
        "functools.cached_property",
        "cachetools.cached",
        "cachetools.func.ttl_cache",
        "cachetools.func.lru_cache",
        "cachetools.func.lfu_cache",
        "cachetools.func.fifo_cache",
        "cachetools.func.rr_cache",
    }
)

# Node types the bookkeeping looks at (by exact type: isinstance on libcst's abstract
# node classes is slow, and it runs for every node).
_BLOCK_OWNERS = frozenset({cst.FunctionDef, cst.ClassDef, cst.If, cst.ExceptHandler})
_VISIT_BOOKKEEPING = frozenset(
    {cst.Import, cst.ImportFrom, cst.Global, cst.FunctionDef, cst.ClassDef, cst.Call}
)
_LEAVE_BOOKKEEPING = frozenset({cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For, cst.WithItem})

# Methods through which a module-level object dispatches an event to the functions
# registered on it with its decorators (Powertools' `app.resolve(event, context)`).
_DISPATCH_METHODS = frozenset({"resolve", "dispatch", "handle", "handle_event", "__call__"})

# Names whose truthiness, by convention, marks code that runs once per environment.
_COLD_START_HINTS = ("cold", "first", "init")

Callback = Callable[[Any], object]


@dataclass
class RuleCrash:
    rule: CodeRule
    error: BaseException
    node: cst.CSTNode
    top: cst.CSTNode | None = None  # the top-level statement that holds `node`


@dataclass
class _FunctionState:
    key: str
    node: cst.FunctionDef
    event_param: str | None
    decorators: tuple[str, ...]
    decorator_bases: tuple[str, ...]
    # (kind, value): ("local", name) / ("method", "Class.m") / ("ext", dotted)
    calls: list[tuple[str, str]] = field(default_factory=list)
    dispatches: list[str] = field(default_factory=list)


def _dispatch_table(rules: Sequence[CodeRule], prefix: str) -> dict[str, list[Callback]]:
    table: dict[str, list[Callback]] = {}
    for rule in rules:
        for attr in dir(type(rule)):
            if attr.startswith(prefix):
                table.setdefault(attr[len(prefix) :], []).append(getattr(rule, attr))
    return table


def _params(node: cst.FunctionDef) -> tuple[tuple[str, ...], int, bool, int]:
    params = node.params
    positional = [*params.posonly_params, *params.params]
    names = tuple(p.name.value for p in positional)
    required = sum(1 for p in positional if p.default is None)
    has_varargs = isinstance(params.star_arg, cst.Param)
    required_kwonly = sum(1 for p in params.kwonly_params if p.default is None)
    return names, required, has_varargs, required_kwonly


class Traversal(cst.CSTVisitor):
    def __init__(self, ctx: ModuleContext, rules: Sequence[CodeRule]) -> None:
        super().__init__()
        self.ctx = ctx
        self.rules = list(rules)
        self._visit = _dispatch_table(self.rules, "visit_")
        self._leave = _dispatch_table(self.rules, "leave_")
        self.crashes: list[RuleCrash] = []
        self._crashed: set[int] = set()
        self._functions: list[_FunctionState] = []
        self._done_functions: list[_FunctionState] = []
        self._classes: list[str] = []
        self._guarded_nodes: set[int] = set()
        self._guard_pops: list[int] = []
        self._scope_pops: list[int] = []
        self._pending_function: _FunctionState | None = None
        self._defined: list[_FunctionState] = []  # in source order
        self._routers: list[tuple[str, str]] = []

    # -- dispatch ------------------------------------------------------------
    def _call(self, callbacks: list[Callback], node: cst.CSTNode) -> None:
        for callback in callbacks:
            rule = callback.__self__  # type: ignore[attr-defined]
            if id(rule) in self._crashed:
                continue
            try:
                callback(node)
            except RecursionError:
                raise  # the module is too deep for the traversal itself: retried higher up
            except Exception as error:  # one rule's bug must not stop the others
                self._crashed.add(id(rule))
                parents = self.ctx.parents
                top = parents[1] if len(parents) > 1 else None
                self.crashes.append(RuleCrash(rule, error, node, top))

    def on_visit(self, node: cst.CSTNode) -> bool:
        ctx = self.ctx
        parents = ctx.parents
        kind = type(node)
        if parents:
            parent = parents[-1]
            if type(parent) in _BLOCK_OWNERS or kind is cst.IndentedBlock:
                self._enter_blocks(node, parent)
        if self._guarded_nodes and id(node) in self._guarded_nodes:
            ctx.guard_depth += 1
            self._guard_pops.append(id(node))
        if kind in _VISIT_BOOKKEEPING:
            self._bookkeep_visit(node)
        callbacks = self._visit.get(kind.__name__)
        if callbacks:
            self._call(callbacks, node)
        parents.append(node)
        return True

    # libcst looks up a `visit_<Node>_<attribute>` method for every attribute of every
    # node by default; nothing here uses those hooks (rules get `visit_<Node>` and
    # `leave_<Node>` only), and skipping the lookups saves a fifth of the traversal.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave(self, original_node: cst.CSTNode) -> None:
        ctx = self.ctx
        ctx.parents.pop()
        kind = type(original_node)
        callbacks = self._leave.get(kind.__name__)
        if callbacks:
            self._call(callbacks, original_node)
        if kind in _LEAVE_BOOKKEEPING:
            self._bookkeep_leave(original_node)
        node_id = id(original_node)
        if self._scope_pops and self._scope_pops[-1] == node_id:
            self._scope_pops.pop()
            scope = ctx.scopes.pop()
            if scope.kind == "function":
                self._done_functions.append(self._functions.pop())
            elif scope.kind == "class":
                self._classes.pop()
        while self._guard_pops and self._guard_pops[-1] == node_id:
            self._guard_pops.pop()
            ctx.guard_depth -= 1

    # -- scopes and guards -----------------------------------------------------
    def _enter_blocks(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        ctx = self.ctx
        if isinstance(parent, cst.FunctionDef) and node is parent.body:
            state = self._pending_function
            assert state is not None and state.node is parent
            scope = Scope("function", state.key)
            for name in _params(parent)[0]:
                scope.bindings[name] = None
            star = parent.params.star_arg
            for param in [*parent.params.kwonly_params, star, parent.params.star_kwarg]:
                if isinstance(param, cst.Param):
                    scope.bindings[param.name.value] = None
            ctx.scopes.append(scope)
            self._functions.append(state)
            self._scope_pops.append(id(node))
        elif isinstance(parent, cst.ClassDef) and node is parent.body:
            key = self._qualify(parent.name.value)
            ctx.scopes.append(Scope("class", key))
            self._classes.append(key)
            self._scope_pops.append(id(node))
        elif self._runs_once(node, parent):
            self._push_guard(node)
        if isinstance(node, cst.IndentedBlock) and ctx.scopes[-1].kind == "function":
            self._mark_after_early_return(node.body)

    def _runs_once(self, node: cst.CSTNode, parent: cst.CSTNode) -> bool:
        """Is `node`, a block of `parent`, behind a once-per-environment guard?"""
        if isinstance(parent, cst.If):
            return (node is parent.body and self._guards(parent.test, node, negative=True)) or (
                node is parent.orelse and self._guards(parent.test, node, negative=False)
            )
        parents = self.ctx.parents
        return (
            isinstance(parent, cst.ExceptHandler)
            and node is parent.body
            and len(parents) >= 2
            and isinstance(parents[-2], cst.Try)
            and self._is_cache_miss(parents[-2], parent)
        )

    def _is_cache_miss(self, statement: cst.Try, handler: cst.ExceptHandler) -> bool:
        """`try: return _cache[k]` / `except KeyError: _cache[k] = make()`: the handler
        runs once per key."""
        caught = handler.type
        names = (
            [element.value for element in caught.elements]
            if isinstance(caught, cst.Tuple)
            else [caught]
        )
        if not any(
            isinstance(n, cst.Name) and n.value in ("KeyError", "LookupError") for n in names
        ):
            return False
        reads = _StateReads(self)
        statement.body.visit(reads)
        if not reads.roots:
            return False
        writes = _StateWrites(reads.roots)
        handler.body.visit(writes)
        return writes.found

    def _push_guard(self, node: cst.CSTNode) -> None:
        self.ctx.guard_depth += 1
        self._guard_pops.append(id(node))

    def _mark_after_early_return(self, body: Sequence[cst.BaseStatement]) -> None:
        """`if _client is not None: return _client` guards the rest of the block."""
        for index, statement in enumerate(body):
            if (
                isinstance(statement, cst.If)
                and statement.orelse is None
                and _ends_with_return(statement.body)
                and self._guards(statement.test, body[index + 1 :], negative=False)
            ):
                self._guarded_nodes.update(id(s) for s in body[index + 1 :])
                return

    def _guards(
        self,
        test: cst.BaseExpression,
        guarded: cst.CSTNode | Sequence[cst.CSTNode],
        *,
        negative: bool,
    ) -> bool:
        """Does `test` make `guarded` run once per environment? It must test module-level
        state and `guarded` must set that state (else the branch runs again next time),
        unless the state is a cold-start flag, which is often reset elsewhere."""
        roots = self._guard_roots(test, negative=negative)
        if roots is None:
            return False
        if any(hint in root.lower() for root in roots for hint in _COLD_START_HINTS):
            return True
        finder = _StateWrites(roots)
        for node in guarded if isinstance(guarded, Sequence) else (guarded,):
            node.visit(finder)
            if finder.found:
                return True
        return False

    def _is_state(self, node: cst.BaseExpression) -> bool:
        """Is `node` a reference to module-level state (a global, or something in one)?"""
        if isinstance(node, cst.Name):
            # A module-level import counts: `from .clients import CACHE` shares the
            # dict of another module, which lives as long as the environment too. The
            # process environment (`os.environ`, `sys.argv`) is no cache.
            if not self.ctx.is_module_level_name(node.value):
                return False
            if self.ctx.is_import_bound(node.value):
                qualified = self.ctx.qualified_name(node) or ""
                return qualified.partition(".")[0] not in _PROCESS_MODULES
            return True
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            return self._is_state(node.value)
        if isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute):
            return node.func.attr.value == "get" and self._is_state(node.func.value)
        return False

    def _guard_roots(self, test: cst.BaseExpression, *, negative: bool) -> set[str] | None:
        """The module-level names whose state `test` checks, when it is a once-guard test;
        None otherwise. `negative`: the branch runs when the state is missing (`x is None`,
        `not x`, `k not in x`); otherwise when it is present (`x is not None`, `x`, `k in x`).
        """
        if isinstance(test, cst.BooleanOperation):
            left = self._guard_roots(test.left, negative=negative)
            other = self._guard_roots(test.right, negative=negative)
            if left is None or other is None:
                return left if other is None else other
            return left | other
        if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
            return self._guard_roots(test.expression, negative=not negative)
        if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
            target = test.comparisons[0]
            operator = target.operator
            right = target.comparator
            if isinstance(right, cst.Name) and right.value == "None":
                missing = isinstance(operator, (cst.Is, cst.Equal))
                present = isinstance(operator, (cst.IsNot, cst.NotEqual))
                if (missing if negative else present) and self._is_state(test.left):
                    return _roots(test.left)
            if isinstance(operator, (cst.In, cst.NotIn)):
                missing = isinstance(operator, cst.NotIn)
                if missing == negative and self._is_state(right):
                    return _roots(right)
            return None
        if not negative and self._is_state(test):
            return _roots(test)
        if negative and isinstance(test, cst.Name):
            lowered = test.value.lower()
            if any(hint in lowered for hint in _COLD_START_HINTS) and self._is_state(test):
                return {test.value}
        return None

    # -- facts -------------------------------------------------------------------
    def _qualify(self, name: str) -> str:
        scope_key = next((s.key for s in reversed(self.ctx.scopes) if s.kind != "module"), "")
        return f"{scope_key}.{name}" if scope_key else name

    def _bookkeep_visit(self, node: cst.CSTNode) -> None:
        ctx = self.ctx
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            for name, qualified in import_bindings(node):
                self._bind_import(name, qualified)
        elif isinstance(node, cst.Global):
            for item in node.names:
                ctx.scope.global_names.add(item.name.value)
        elif isinstance(node, cst.FunctionDef):
            self._pending_function = self._function_state(node)
            self._defined.append(self._pending_function)
            ctx.scope.local_defs.add(node.name.value)
            self._bind(node.name.value, None)
        elif isinstance(node, cst.ClassDef):
            ctx.scope.local_defs.add(node.name.value)
            self._bind(node.name.value, None)
        elif isinstance(node, cst.Call) and self._functions and ctx.guard_depth == 0:
            self._record_call(node)
        elif isinstance(node, cst.Call) and not self._functions:
            self._record_router(node)

    def _record_router(self, node: cst.Call) -> None:
        """`app.include_router(orders.router)` at module level: `app` dispatches to the
        routes registered on that router too (Powertools' split routers)."""
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "include_router"
            and isinstance(func.value, cst.Name)
            and node.args
        ):
            return
        ctx = self.ctx
        router = node.args[0].value
        root = _root_name(router)
        if root is None:
            return
        if ctx.is_import_bound(root):
            qualified = ctx.qualified_name(router)
            if qualified is not None and "(" not in qualified:
                self._routers.append((func.value.value, f"ext:{qualified}"))
        elif isinstance(router, cst.Name):
            self._routers.append((func.value.value, router.value))

    def _bookkeep_leave(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Assign):
            value = self.ctx.qualified_name(node.value)
            bound = value if value is not None and value != _bare(node.value) else None
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self._bind(target.target.value, bound)
        elif isinstance(node, (cst.AnnAssign, cst.AugAssign)):
            if isinstance(node.target, cst.Name):
                self._bind(node.target.value, None)
        elif isinstance(node, cst.For) and isinstance(node.target, cst.Name):
            self._bind(node.target.value, None)
        elif isinstance(node, cst.WithItem) and node.asname is not None:
            alias_target = node.asname.name
            if isinstance(alias_target, cst.Name):
                self._bind(alias_target.value, self.ctx.qualified_name(node.item))

    def _bind(self, name: str, value: str | None) -> None:
        scope = self.ctx.scope
        if name in scope.global_names:
            scope = self.ctx.module_scope
        scope.bindings[name] = value
        scope.imported.discard(name)

    def _bind_import(self, name: str, qualified: str) -> None:
        scope = self.ctx.scope
        scope.bindings[name] = qualified
        scope.imported.add(name)

    def _local_classes(self, cls: str) -> set[str]:
        """{the first part of `cls`} if it names a class defined in this module."""
        head = cls.split(".")[0]
        return {head} if self.ctx.module_final.get(head) == DEFINED else set()

    def _function_state(self, node: cst.FunctionDef) -> _FunctionState:
        ctx = self.ctx
        decorators: list[str] = []
        bases: list[str] = []
        for decorator in node.decorators:
            expression = decorator.decorator
            qualified = ctx.qualified_name(expression)
            if qualified is not None:
                decorators.append(qualified)
            target = expression.func if isinstance(expression, cst.Call) else expression
            if isinstance(target, cst.Attribute):
                root = target
                while isinstance(root, cst.Attribute):
                    root = root.value  # type: ignore[assignment]
                if isinstance(root, cst.Name) and not ctx.is_import_bound(root.value):
                    bases.append(root.value)
        positional = _params(node)[0]
        event = positional[0] if positional else None
        # Callbacks handed to a decorator run with the function
        # (`@batch_processor(record_handler=process, processor=p)`).
        callbacks: list[tuple[str, str]] = [
            ("local", arg.value.value)
            for decorator in node.decorators
            if isinstance(decorator.decorator, cst.Call)
            for arg in decorator.decorator.args
            if isinstance(arg.value, cst.Name)
        ]
        if event in ("self", "cls") and len(positional) > 1:
            event = positional[1]
        return _FunctionState(
            self._qualify(node.name.value),
            node,
            event,
            tuple(decorators),
            tuple(bases),
            calls=callbacks,
        )

    def _record_call(self, node: cst.Call) -> None:
        ctx = self.ctx
        state = self._functions[-1]
        func = node.func
        if isinstance(func, cst.Name):
            bound = ctx.lookup(func.value)
            if bound is not None and ctx.is_import_bound(func.value):
                state.calls.append(("ext", bound))
            else:
                state.calls.append(("local", func.value))
        elif isinstance(func, cst.Attribute):
            base = func.value
            if isinstance(base, cst.Name) and base.value in ("self", "cls") and self._classes:
                state.calls.append(("method", f"{self._classes[-1]}.{func.attr.value}"))
            else:
                root_name = _root_name(func)
                qualified = ctx.qualified_name(func)
                instance = _instance_method(qualified)
                if qualified is None:
                    pass
                elif (
                    "(" not in qualified
                    and root_name is not None
                    and ctx.is_import_bound(root_name)
                ):
                    state.calls.append(("ext", qualified))
                elif instance is not None:
                    # `Repo().get()`, `repo = Repo(...); repo.get()`: the method runs.
                    cls = instance.rpartition(".")[0]
                    if cls.split(".")[0] in self._local_classes(cls):
                        state.calls.append(("instance", instance))
                    else:
                        state.calls.append(("ext", instance))
        # Dispatch through a module-level object that is handed the event
        # (`app.resolve(event, context)`, crhelper's `helper(event, context)`).
        root = func
        if isinstance(func, cst.Attribute) and func.attr.value in _DISPATCH_METHODS:
            root = func.value
        if (
            isinstance(root, cst.Name)
            and state.event_param is not None
            and ctx.is_module_level_name(root.value)
            and any(
                isinstance(arg.value, cst.Name) and arg.value.value == state.event_param
                for arg in node.args
            )
        ):
            if not ctx.is_import_bound(root.value):
                state.dispatches.append(root.value)
            else:
                # `from api import app` ... `app.resolve(event, context)`
                bound = ctx.lookup(root.value)
                if bound is not None:
                    state.dispatches.append(f"ext:{bound}")
        # Functions handed over as callbacks (`record_handler=process`, `map(f, xs)`).
        for arg in node.args:
            if isinstance(arg.value, cst.Name):
                state.calls.append(("local", arg.value.value))
            elif (
                isinstance(arg.value, cst.Attribute)
                and isinstance(arg.value.value, cst.Name)
                and arg.value.value.value == "self"
                and self._classes
            ):
                state.calls.append(("method", f"{self._classes[-1]}.{arg.value.attr.value}"))

    def facts(self) -> ModuleFacts:
        states = {state.key: state for state in self._done_functions}
        classes = set(self._class_keys())
        shapes = [("." not in state.key, state.node.name.value) for state in self._defined]
        lines = dict(
            zip(
                (id(state) for state in self._defined),
                definition_lines(self.ctx.source, shapes),
                strict=True,
            )
        )
        functions: dict[str, FunctionFacts] = {}
        for key, state in states.items():
            resolved: list[str] = []
            for kind, value in state.calls:
                target = self._resolve_call(kind, value, key, states, classes)
                if target is not None and target not in resolved:
                    resolved.append(target)
            names, required, varargs, kwonly = _params(state.node)
            functions[key] = FunctionFacts(
                key=key,
                name=state.node.name.value,
                line=lines.get(id(state), 0),
                is_async=state.node.asynchronous is not None,
                positional=names,
                required_positional=required,
                has_varargs=varargs,
                required_keyword_only=kwonly,
                decorators=state.decorators,
                calls=tuple(resolved),
                dispatches=tuple(dict.fromkeys(state.dispatches)),
                decorator_bases=state.decorator_bases,
                cached=any(d.removesuffix("()") in CACHE_DECORATORS for d in state.decorators),
            )
        # Imports, and module-level names bound to what an import makes (`app =
        # Resolver()` -> "pkg.Resolver()"): rules use both to know what a name is.
        imports = {k: v for k, v in self.ctx.module_scope.bindings.items() if v is not None}
        return ModuleFacts(
            path=self.ctx.path,
            functions=functions,
            classes=tuple(sorted(c for c in classes if "." not in c)),
            imports=imports,
            routers=tuple(self._routers),
        )

    def _class_keys(self) -> list[str]:
        keys: list[str] = []

        def walk(body: Sequence[cst.CSTNode], prefix: str) -> None:
            for statement in body:
                if isinstance(statement, cst.ClassDef):
                    key = f"{prefix}{statement.name.value}"
                    keys.append(key)
                    if isinstance(statement.body, cst.IndentedBlock):
                        walk(statement.body.body, key + ".")

        walk(self.ctx.module.body, "")
        return keys

    @staticmethod
    def _resolve_call(
        kind: str,
        value: str,
        caller: str,
        states: dict[str, _FunctionState],
        classes: set[str],
    ) -> str | None:
        if kind == "ext":
            return f"ext:{value}"
        if kind == "method":
            return f"local:{value}" if value in states else None
        if kind == "instance":
            cls = value.rpartition(".")[0]
            return f"local:{value}" if cls in classes and value in states else None
        # A bare name: a function nested in the caller (or an enclosing function),
        # then a module-level function, then a class (its __init__ runs).
        prefix = caller
        while prefix:
            candidate = f"{prefix}.{value}"
            if candidate in states:
                return f"local:{candidate}"
            prefix = prefix.rpartition(".")[0]
        if value in states:
            return f"local:{value}"
        if value in classes and f"{value}.__init__" in states:
            return f"local:{value}.__init__"
        return None


def _roots(node: cst.BaseExpression) -> set[str]:
    """The name at the root of `x`, `x.a`, `x[k]`, `x.get(k)`."""
    while True:
        if isinstance(node, (cst.Attribute, cst.Subscript)):
            node = node.value
        elif isinstance(node, cst.Call):
            node = node.func
        else:
            break
    return {node.value} if isinstance(node, cst.Name) else set()


_PROCESS_MODULES = frozenset({"os", "sys"})


class _StateWrites(cst.CSTVisitor):
    """Finds an assignment to (or a mutating call on) one of `roots`."""

    _MUTATORS = frozenset({"setdefault", "update", "__setitem__", "append", "add", "extend"})

    def __init__(self, roots: set[str]) -> None:
        self.roots = roots
        self.found = False

    def _target(self, target: cst.BaseExpression) -> None:
        if isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._target(element.value)
        elif _roots(target) & self.roots:
            self.found = True

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._target(node.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None:
            self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in self._MUTATORS:
            self._target(func.value)


def _instance_method(qualified: str | None) -> str | None:
    """`pkg.Repo().get` -> "pkg.Repo.get": a method called on a fresh instance of a
    class (by its CapWords name; `boto3.client().get_object` is no such call)."""
    if qualified is None or qualified.count("(") != 1:
        return None
    cls, _, method = qualified.rpartition("().")
    if not cls or not method or "." in method or not cls.rpartition(".")[2][:1].isupper():
        return None
    return f"{cls}.{method}"


class _StateReads(cst.CSTVisitor):
    """The module-level state subscripted in a block (`_cache[key]`)."""

    def __init__(self, traversal: Traversal) -> None:
        self.traversal = traversal
        self.roots: set[str] = set()

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if isinstance(node.value, cst.Name) and self.traversal._is_state(node.value):
            self.roots.add(node.value.value)


def _root_name(node: cst.BaseExpression) -> str | None:
    while isinstance(node, cst.Attribute):
        node = node.value
    return node.value if isinstance(node, cst.Name) else None


def _bare(node: cst.BaseExpression) -> str | None:
    """The dotted text of a Name/Attribute chain as written (no import resolution)."""
    return dotted_name(node)


def _ends_with_return(block: cst.BaseSuite) -> bool:
    if isinstance(block, cst.IndentedBlock):
        last = block.body[-1] if block.body else None
        if isinstance(last, cst.SimpleStatementLine):
            return isinstance(last.body[-1], (cst.Return, cst.Raise))
        return False
    if isinstance(block, cst.SimpleStatementSuite):
        return isinstance(block.body[-1], (cst.Return, cst.Raise))
    return False
