"""The one libcst traversal per module: keeps the `ModuleContext` current, collects
module facts, and dispatches every node to the enabled code rules' visit/leave methods."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any, cast

import libcst as cst

from slint.api import CodeRule
from slint.python.context import (
    ASSIGNED,
    DEFINED,
    ModuleContext,
    Scope,
    dotted_name,
    import_bindings,
)
from slint.python.facts import FunctionFacts, ModuleFacts, definition_lines
from slint.python.walk import TRIVIAL_TYPES

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
    {cst.Import, cst.ImportFrom, cst.Global, cst.FunctionDef, cst.ClassDef, cst.Call, cst.Return}
)
_LEAVE_BOOKKEEPING = frozenset({cst.Assign, cst.AnnAssign, cst.AugAssign, cst.For, cst.WithItem})

# Methods through which a module-level object dispatches an event to the functions
# registered on it with its decorators (Powertools' `app.resolve(event, context)`).
_DISPATCH_METHODS = frozenset({"resolve", "dispatch", "handle", "handle_event", "__call__"})

# Powertools' batch utilities (`process_partial_response`, `batch_processor`, ...): a
# processor handed to them, called (`with processor(records, handler):`) or run
# (`processor.process()`) runs its hook methods on every invocation.
_BATCH_UTILITIES = "aws_lambda_powertools.utilities.batch."
_PROCESSOR_RUNS = frozenset({"process", "async_process"})

# Names no `from m import *` is looked up for.
_BUILTINS = frozenset(dir(builtins))

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
    # (kind, value): ("local", name) / ("method", "Class.m") / ("ext", dotted), and
    # the other kinds `_References` lists.
    calls: list[tuple[str, str]] = field(default_factory=list)
    dispatches: list[str] = field(default_factory=list)
    decorator_imports: tuple[str, ...] = ()
    returns: list[str] = field(default_factory=list)  # see FunctionFacts.returns


@lru_cache(maxsize=256)
def _hooks(rule_class: Hashable, prefix: str) -> tuple[tuple[str, str], ...]:
    """(node type name, method name) of a rule class's `visit_`/`leave_` methods: looked
    up once per class, not once per module (`dir` walks the whole class hierarchy)."""
    return tuple((attr[len(prefix) :], attr) for attr in dir(rule_class) if attr.startswith(prefix))


def _dispatch_table(rules: Sequence[CodeRule], prefix: str) -> dict[str, list[Callback]]:
    table: dict[str, list[Callback]] = {}
    for rule in rules:
        # (mypy does not see that a class is hashable: say it)
        for node_type, attr in _hooks(cast(Hashable, type(rule)), prefix):
            table.setdefault(node_type, []).append(getattr(rule, attr))
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

    @property
    def wanted_trivial_types(self) -> frozenset[type[cst.CSTNode]]:
        """Whitespace and punctuation node types some rule has a hook for (the walk
        skips the others)."""
        hooked = self._visit.keys() | self._leave.keys()
        return frozenset(kind for kind in TRIVIAL_TYPES if kind.__name__ in hooked)

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
        elif isinstance(node, cst.Return) and self._functions:
            self._record_return(node)

    def _record_router(self, node: cst.Call) -> None:
        """`app.include_router(orders.router)` at module level: `app` dispatches to the
        routes registered on that router too (Powertools' split routers). `app` may be
        imported from the module that makes it (`from api import app`)."""
        func = node.func
        if not (
            isinstance(func, cst.Attribute)
            and func.attr.value == "include_router"
            and isinstance(func.value, cst.Name)
            and node.args
        ):
            return
        ctx = self.ctx
        owner = func.value.value
        if ctx.is_import_bound(owner):
            bound = ctx.lookup(owner)
            if bound is None or "(" in bound:
                return
            owner = f"ext:{bound}"
        router = node.args[0].value
        root = _root_name(router)
        if root is None:
            return
        if ctx.is_import_bound(root):
            qualified = ctx.qualified_name(router)
            if qualified is not None and "(" not in qualified:
                self._routers.append((owner, f"ext:{qualified}"))
        elif isinstance(router, cst.Name):
            self._routers.append((owner, router.value))

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
        imported: list[str] = []
        # Callbacks handed to a decorator run with the function
        # (`@batch_processor(record_handler=process, processor=p)`), and so do the
        # hooks of a batch processor handed to one.
        callbacks: list[tuple[str, str]] = []
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
                elif isinstance(root, cst.Name):
                    # `from api import app` then `@app.get("/")`: a route of that app.
                    bound = ctx.lookup(root.value)
                    if bound is not None and "(" not in bound:
                        imported.append(bound)
            if isinstance(expression, cst.Call):
                batch = self._is_batch_utility(expression.func)
                for arg in expression.args:
                    if isinstance(arg.value, cst.Name):
                        callbacks.append(self._name_ref(arg.value.value))
                        if batch or (arg.keyword is not None and arg.keyword.value == "processor"):
                            hooks = self._hooks_ref(arg.value)
                            if hooks is not None:
                                callbacks.append(hooks)
        positional = _params(node)[0]
        event = positional[0] if positional else None
        if event in ("self", "cls") and len(positional) > 1:
            event = positional[1]
        return _FunctionState(
            self._qualify(node.name.value),
            node,
            event,
            tuple(decorators),
            tuple(bases),
            calls=callbacks,
            decorator_imports=tuple(imported),
        )

    def _record_call(self, node: cst.Call) -> None:
        ctx = self.ctx
        state = self._functions[-1]
        func = node.func
        if isinstance(func, cst.Name):
            state.calls.append(self._name_ref(func.value))
            # `with processor(records, record_handler):` runs the processor's hooks.
            hooks = self._hooks_ref(func, objects=False)
            if hooks is not None:
                state.calls.append(hooks)
        elif isinstance(func, cst.Attribute):
            base = func.value
            if isinstance(base, cst.Name) and base.value in ("self", "cls") and self._classes:
                state.calls.append(("method", f"{self._classes[-1]}.{func.attr.value}"))
            else:
                target = self._attribute_ref(func)
                if target is not None:
                    state.calls.append(target)
                if func.attr.value in _PROCESSOR_RUNS:
                    hooks = self._hooks_ref(base)
                    if hooks is not None:
                        state.calls.append(hooks)
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
        # Functions handed over as callbacks (`record_handler=process`, `map(f, xs)`),
        # and batch processors handed to Powertools (`processor=processor`).
        batch: bool | None = None  # looked up for the first name handed over
        for arg in node.args:
            value = arg.value
            if isinstance(value, cst.Name):
                state.calls.append(self._name_ref(value.value))
                if batch is None:
                    batch = self._is_batch_utility(func)
                if batch or (arg.keyword is not None and arg.keyword.value == "processor"):
                    hooks = self._hooks_ref(value)
                    if hooks is not None:
                        state.calls.append(hooks)
            elif (
                isinstance(value, cst.Attribute)
                and isinstance(value.value, cst.Name)
                and value.value.value == "self"
                and self._classes
            ):
                state.calls.append(("method", f"{self._classes[-1]}.{value.attr.value}"))

    def _name_ref(self, name: str) -> tuple[str, str]:
        """What calling (or handing over) the bare name `name` here refers to."""
        ctx = self.ctx
        if ctx.is_import_bound(name):
            bound = ctx.lookup(name)
            return ("ext", bound) if bound is not None else ("local", name)
        if ctx.binding_scope(name) is None and name not in ctx.module_names:
            return ("free", name)  # bound by nothing visible: perhaps a `from m import *`
        if ctx.module_final.get(name) == ASSIGNED and ctx.is_module_level_name(name):
            return ("alias", name)  # `mk = utils.make_client` at module level
        return ("local", name)

    def _attribute_ref(self, func: cst.Attribute) -> tuple[str, str] | None:
        """What calling `func` (`utils.make()`, `Repo.get()`, `repo.put()`) refers to."""
        ctx = self.ctx
        qualified = ctx.qualified_name(func)
        if qualified is None:
            return None
        if "(" not in qualified:
            root_name = _root_name(func)
            if root_name is not None and ctx.is_import_bound(root_name):
                return ("ext", qualified)
            # `Repo.get(...)`: a classmethod or staticmethod of a class of this module.
            base = func.value
            if (
                isinstance(base, cst.Name)
                and qualified == f"{base.value}.{func.attr.value}"
                and self._local_classes(base.value)
            ):
                return ("member", qualified)
            return None
        instance = _instance_method(qualified)
        if instance is not None:
            # `Repo().get()`, `repo = Repo(...); repo.get()`: the method runs.
            cls = instance.rpartition(".")[0]
            if cls.split(".")[0] in self._local_classes(cls):
                return ("instance", instance)
            return ("ext", instance)
        # `repo = make_repo(); repo.put()`, `Asset.get(key).save()`: a method of what a
        # function or classmethod returns.
        parts = qualified.split("()")
        methods = [part[1:] for part in parts[1:]]
        if not all(part[:1] == "." and part[1:].isidentifier() for part in parts[1:]):
            return None
        start = self._origin(parts[0])
        if start is None:
            return None
        return ("chain", "#".join([start, *methods]))

    def _hooks_ref(
        self, node: cst.BaseExpression, *, objects: bool = True
    ) -> tuple[str, str] | None:
        """`processor` handed to a batch utility: the callable that made it (its class,
        or a factory), or the object imported from another module. `objects=False` for
        an object that is called (`processor(records, handler)`): only an instance of a
        class made in this module counts then."""
        qualified = self.ctx.qualified_name(node)
        if qualified is None:
            return None
        if qualified.endswith("()") and qualified.count("(") == 1:
            made_by = qualified[:-2]
            if not objects and not made_by.rpartition(".")[2][:1].isupper():
                return None  # a called object is a processor instance, not a factory's
            maker = self._origin(made_by)
            return ("hooks", maker) if maker is not None else None
        if (
            objects
            and "(" not in qualified
            and isinstance(node, cst.Name)
            and self.ctx.is_import_bound(node.value)
        ):
            return ("hooks", f"object:{qualified}")
        return None

    def _is_batch_utility(self, func: cst.BaseExpression) -> bool:
        if "aws_lambda_powertools" not in self._module_import_heads:
            return False  # most modules: no need to resolve the callee
        qualified = self.ctx.qualified_name(func)
        return qualified is not None and qualified.startswith(_BATCH_UTILITIES)

    def _origin(self, dotted: str) -> str | None:
        """`dotted`, a qualified name without calls, as "local:<name>" when its first part
        is a def or class of this module, "ext:<dotted>" when it comes from an import;
        None for anything else (a parameter, a local variable)."""
        if dotted.startswith("."):
            return f"ext:{dotted}"
        head = dotted.partition(".")[0]
        if self.ctx.module_final.get(head) == DEFINED:
            return f"local:{dotted}"
        if head in self._module_import_heads or any(
            (scope.bindings.get(name) or "").partition(".")[0] == head
            for scope in self.ctx.scopes[1:]
            for name in scope.imported
        ):
            return f"ext:{dotted}"
        return None

    @cached_property
    def _module_import_heads(self) -> frozenset[str]:
        """The first parts of what module-level imports bind (`from a.b import c` -> a)."""
        return frozenset(
            value.partition(".")[0]
            for value in self.ctx.module_final.values()
            if value not in (DEFINED, ASSIGNED)
        )

    def _record_return(self, node: cst.Return) -> None:
        """What the function returns an instance of (`return cls(...)`, `return Repo()`,
        `repo = Repo(); return repo`): a method later called on it runs."""
        value = node.value
        if value is None:
            return
        state = self._functions[-1]
        in_method = bool(self._classes) and state.key.rpartition(".")[0] == self._classes[-1]
        if isinstance(value, cst.Name) and value.value == "self" and in_method:
            state.returns.append("self")
            return
        if isinstance(value, cst.Call):
            if isinstance(value.func, cst.Name) and value.func.value == "cls" and in_method:
                state.returns.append("cls")
                return
            qualified = self.ctx.qualified_name(value.func)
        else:
            made = self.ctx.qualified_name(value)
            if made is None or not made.endswith("()") or made.count("(") != 1:
                return
            qualified = made[:-2]
        if qualified is not None and "(" not in qualified:
            maker = self._origin(qualified)
            if maker is not None:
                state.returns.append(maker)

    def facts(self) -> ModuleFacts:
        states = {state.key: state for state in self._done_functions}
        class_nodes = self._class_definitions()
        classes = set(class_nodes)
        shapes = [("." not in state.key, state.node.name.value) for state in self._defined]
        lines = dict(
            zip(
                (id(state) for state in self._defined),
                definition_lines(self.ctx.source, shapes),
                strict=True,
            )
        )
        statements = list(_module_statements(self.ctx.module.body))
        star_imports = tuple(
            dict.fromkeys(
                "." * len(statement.relative)
                + (dotted_name(statement.module) or "" if statement.module is not None else "")
                for statement in statements
                if isinstance(statement, cst.ImportFrom)
                and isinstance(statement.names, cst.ImportStar)
            )
        )
        references = _References(states, classes, self._module_aliases(statements))
        functions: dict[str, FunctionFacts] = {}
        for key, state in states.items():
            resolved: list[str] = []
            for kind, value in state.calls:
                target = references.resolve(kind, value, key, star=bool(star_imports))
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
                decorator_imports=tuple(dict.fromkeys(state.decorator_imports)),
                returns=tuple(
                    dict.fromkeys(
                        made
                        for made in (references.returned(value, key) for value in state.returns)
                        if made is not None
                    )
                ),
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
            class_bases={
                key: self._class_bases(node, classes) for key, node in class_nodes.items()
            },
            star_imports=star_imports,
        )

    def _class_definitions(self) -> dict[str, cst.ClassDef]:
        """The classes of the module and the classes nested in them, by key."""
        found: dict[str, cst.ClassDef] = {}

        def walk(body: Sequence[cst.CSTNode], prefix: str) -> None:
            for statement in body:
                if isinstance(statement, cst.ClassDef):
                    key = f"{prefix}{statement.name.value}"
                    found[key] = statement
                    if isinstance(statement.body, cst.IndentedBlock):
                        walk(statement.body.body, key + ".")

        walk(self.ctx.module.body, "")
        return found

    def _class_bases(self, node: cst.ClassDef, classes: set[str]) -> tuple[str, ...]:
        """A class's bases as "local:<class key>" / "ext:<dotted import path>" (read
        after the traversal: names as the module binds them in the end)."""
        ctx = self.ctx
        found: list[str] = []
        for arg in node.bases:
            if arg.keyword is not None:
                continue  # metaclass=...
            written = dotted_name(arg.value)
            root = _root_name(arg.value)
            if written is None or root is None:
                continue
            if ctx.is_import_bound(root):
                qualified = ctx.qualified_name(arg.value)
                if qualified is not None and "(" not in qualified:
                    found.append(f"ext:{qualified}")
            elif written in classes:
                found.append(f"local:{written}")
        return tuple(found)

    def _module_aliases(
        self, statements: list[cst.BaseSmallStatement]
    ) -> dict[str, tuple[str, str]]:
        """Module-level names bound to a function (`mk = utils.make_client`, `mk =
        make_client`, `put = repo.put`, `mk = functools.partial(make_client, "s3")`):
        what calling them calls. Read after the traversal, so names resolve as the
        module binds them in the end; the last assignment wins."""
        ctx = self.ctx
        aliases: dict[str, tuple[str, str]] = {}
        for statement in statements:
            if not isinstance(statement, cst.Assign):
                continue
            names = [t.target.value for t in statement.targets if isinstance(t.target, cst.Name)]
            value = statement.value
            if (
                isinstance(value, cst.Call)
                and ctx.qualified_name(value.func) == "functools.partial"
                and value.args
            ):
                value = value.args[0].value
            target: tuple[str, str] | None = None
            if isinstance(value, cst.Name):
                final = ctx.module_final.get(value.value)
                if ctx.is_import_bound(value.value):
                    bound = ctx.lookup(value.value)
                    target = ("ext", bound) if bound is not None else None
                elif final == DEFINED:
                    target = ("local", value.value)
                elif final == ASSIGNED:
                    target = ("alias", value.value)
            elif isinstance(value, cst.Attribute):
                target = self._attribute_ref(value)
            for name in names:
                if target is not None and ctx.module_final.get(name) == ASSIGNED:
                    aliases[name] = target
                else:
                    aliases.pop(name, None)
        return aliases


class _References:
    """Turns what a function's body refers to into the strings of
    `FunctionFacts.calls` and `FunctionFacts.returns`, once the whole module is known.

    Kinds recorded during the traversal: "local" (a name bound in the module or an
    enclosing function), "free" (a name nothing visible binds), "alias" (a module-level
    name assigned a function), "method" (`self.m` in class C: "C.m"), "member"
    (`Repo.get` on a class of this module), "instance" (`Repo().get`: "Repo.get"),
    "chain" (a method of what a callable returns), "hooks" (a batch processor's maker),
    "ext" (a dotted import path)."""

    def __init__(
        self,
        states: dict[str, _FunctionState],
        classes: set[str],
        aliases: dict[str, tuple[str, str]],
    ) -> None:
        self.states = states
        self.classes = classes
        self.aliases = aliases

    def resolve(
        self, kind: str, value: str, caller: str, *, star: bool = False, _depth: int = 0
    ) -> str | None:
        states = self.states
        classes = self.classes
        if kind == "ext":
            return f"ext:{value}"
        if kind == "method":
            return f"local:{value}" if value in states else None
        if kind == "member":
            # Not defined in the class itself: perhaps in a base (found by the reach).
            if value in states:
                return f"local:{value}"
            return f"chain:local:{value}" if value.rpartition(".")[0] in classes else None
        if kind == "instance":
            cls, _, method = value.rpartition(".")
            if cls not in classes:
                return None
            return f"local:{value}" if value in states else f"chain:local:{cls}#{method}"
        if kind in ("chain", "hooks"):
            return f"{kind}:{value}"
        if kind == "alias":
            target = self.aliases.get(value)
            if target is not None and _depth <= 8:
                # Module level: a bare name there is a module-level function or class.
                return self.resolve(*target, "", _depth=_depth + 1)
            # Assigned something else (`handler = wrap(handler)`): a def of that name
            # still counts, as it always has.
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
        if value in classes:
            if f"{value}.__init__" in states:
                return f"local:{value}.__init__"
            return f"chain:local:{value}"  # its __init__ may come from a project base
        if kind == "free" and star and value not in _BUILTINS and not value.startswith("_"):
            return f"star:{value}"
        return None

    def returned(self, value: str, caller: str) -> str | None:
        """A `returns` entry: "local:<name>" must name a function or class of the module."""
        kind, _, name = value.partition(":")
        if kind != "local":
            return value
        prefix = caller
        while prefix:
            if f"{prefix}.{name}" in self.states:
                return f"local:{prefix}.{name}"
            prefix = prefix.rpartition(".")[0]
        if name in self.states or name in self.classes:
            return value
        cls, _, method = name.rpartition(".")
        return value if cls in self.classes and method else None


def _module_statements(
    body: Sequence[cst.BaseStatement | cst.BaseSmallStatement],
) -> Iterator[cst.BaseSmallStatement]:
    """The small statements that run at module level, also inside module-level
    if/try/with blocks, in order."""
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            yield from statement.body
        elif isinstance(statement, (cst.If, cst.Try, cst.With)):
            blocks: list[cst.BaseSuite] = [statement.body]
            if isinstance(statement, cst.If) and statement.orelse is not None:
                orelse = statement.orelse
                # `elif`: an If of its own, whose body and branches follow in order.
                blocks.append(
                    cst.IndentedBlock(body=[orelse]) if isinstance(orelse, cst.If) else orelse.body
                )
            if isinstance(statement, cst.Try):
                blocks.extend(handler.body for handler in statement.handlers)
                if statement.orelse is not None:
                    blocks.append(statement.orelse.body)
                if statement.finalbody is not None:
                    blocks.append(statement.finalbody.body)
            for block in blocks:
                if isinstance(block, cst.IndentedBlock):
                    yield from _module_statements(block.body)
                elif isinstance(block, cst.SimpleStatementSuite):
                    yield from block.body


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
