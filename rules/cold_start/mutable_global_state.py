from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from textwrap import dedent

import libcst as cst

from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.python.context import ModuleContext, dotted_name

from .._support.statements import inner_statements

# Constructors of growable containers (qualified) -> what the message calls them.
_CONTAINER_CALLS: dict[str, str] = {
    "list": "list",
    "dict": "dict",
    "set": "set",
    "collections.defaultdict": "defaultdict",
    "collections.OrderedDict": "dict",
    "collections.Counter": "Counter",
    "collections.deque": "deque",
}
# Containers that add a key when a missing one is read: `d[k].append(v)`, `d[k] += 1`.
_AUTO_KEYS = frozenset({"defaultdict", "Counter"})

# Methods that make a container grow.
_GROWERS = frozenset(
    {"append", "extend", "insert", "update", "add", "setdefault", "appendleft", "extendleft"}
)
_ELEMENT_GROWERS = frozenset({"append", "extend", "insert", "add", "update", "appendleft"})
# Methods whose key argument reads a dict without changing it.
_KEY_READS = frozenset({"get", "__contains__", "__getitem__"})

# Request-unique values: a key built from one makes a cache that grows on every request.
_UNIQUE_HINTS = re.compile(
    r"aws_request_id|request_?id|requestId|message_?id|messageId|eventID|event_id|uuid|"
    r"time\.time|datetime\.now|utcnow",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Container:
    kind: str  # "list", "dict", "set", "defaultdict", ...
    definition: cst.CSTNode  # the assignment
    top: cst.CSTNode  # the module-level statement that holds it


class MutableGlobalState(CodeRule):
    """
    ## What it does
    Reports a module-level list, dict or set (a literal, a comprehension,
    `list()`, `dict()`, `set()`, `collections.defaultdict(...)`, `OrderedDict()`,
    `Counter()`, `deque()` without `maxlen`) that per-invocation code makes grow:
    `append`, `extend`, `insert`, `update`, `add`, `setdefault`, item assignment
    `X[k] = v`, `X[k].append(...)` and `X[k] += n` on a `defaultdict` or `Counter`,
    and `X += [...]` / `X |= {...}` under `global X`, when nothing in the module ever
    empties or shrinks it. The finding is on the mutating call or assignment and
    names the global and the line that defines it.

    Not reported: mutations at module level (registries filled at import time, by
    decorators or loops); in functions no handler reaches (a decorator that
    registers routes at import); under a once-per-environment guard (`if key not in
    _cache: _cache[key] = ...`); a local variable of the same name; item
    assignments, `update`s, `setdefault`s and `add`s with literal keys only
    (`STATE["token"] = token`: the container does not grow); a memoising cache,
    whose function reads the same key before writing it (`hit = _cache.get(name)`
    ... `_cache[name] = value`), unless the key is unique per request (a request or
    message id, `uuid`, a timestamp): a cache keyed by configuration names is
    bounded, one keyed by request ids is a leak; containers that the module clears
    or shrinks anywhere (`X.clear()`, `X.pop(...)`, `X.popitem()`, `X.remove(...)`,
    `X.discard(...)`, `del X[...]`, `X[:] = ...`, a size check `len(X) > n`, or
    `global X` with `X = ...` in a function); `deque(maxlen=n)`; containers of
    other modules (`from state import CACHE`).

    A once-guarded write whose key is unique per request (`if rid not in _seen:
    _seen[rid] = ...`) is left alone with the other once-guarded code: slint treats
    the guarded branch as running once per environment.

    ## Why is this bad?
    A Lambda execution environment serves many invocations one after another and
    keeps module-level objects between them. A list that every invocation appends
    to holds the data of every earlier request (which then leaks into later
    responses, possibly another tenant's) and grows until the environment runs out
    of memory and is killed, failing the invocation that was running then.

    ## Example
    ```python
    results = []


    def handler(event, context):
        for record in event["Records"]:
            results.append(record["body"])
        return {"count": len(results)}
    ```

    ## Use instead
    ```python
    def handler(event, context):
        results = []
        for record in event["Records"]:
            results.append(record["body"])
        return {"count": len(results)}
    ```

    ## Fix
    None: whether the data should live for one invocation (make it a local) or be
    a bounded cache (`functools.lru_cache`, a TTL, a `maxlen`) is a design decision.
    """

    code = "SL105"
    name = "mutable-global-state"
    severity = Severity.WARNING
    fix = FixKind.NONE

    valid = (
        Valid(
            dedent(
                """\
                results = []


                def handler(event, context):
                    results = []
                    results.append(event['body'])
                    return results
                """
            ),
        ),
        Valid(
            dedent(
                """\
                seen = set()


                def handler(event, context):
                    seen.clear()
                    for record in event['Records']:
                        seen.add(record['messageId'])
                    return len(seen)
                """
            ),
        ),
        Valid(
            dedent(
                """\
                import boto3

                _cache = {}


                def parameter(name):
                    if name not in _cache:
                        _cache[name] = boto3.client('ssm').get_parameter(Name=name)
                    return _cache[name]


                def handler(event, context):
                    return parameter('/app/url')
                """
            ),
        ),
        Valid(
            dedent(
                """\
                ROUTES = {}


                def route(path):
                    def register(function):
                        ROUTES[path] = function
                        return function
                    return register


                @route('/items')
                def items(event):
                    return []


                def handler(event, context):
                    return ROUTES[event['path']](event)
                """
            ),
        ),
        Valid(
            dedent(
                """\
                STATE = {}


                def handler(event, context):
                    STATE['last_request'] = context.aws_request_id
                    return STATE
                """
            ),
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                results = []


                def handler(event, context):
                    for record in event['Records']:
                        results.append(record['body'])
                    return {'count': len(results)}
                """
            ),
            line=6,
            column=9,
            message="`results` (module-level list, line 1)",
        ),
        Invalid(
            dedent(
                """\
                from collections import defaultdict

                counts = defaultdict(int)


                def lambda_handler(event, context):
                    counts[event['user']] += 1
                    return counts[event['user']]
                """
            ),
            line=7,
            column=5,
            message="defaultdict",
        ),
        Invalid(
            dedent(
                """\
                _responses = {}


                def remember(request_id, body):
                    _responses[request_id] = body


                def handler(event, context):
                    remember(context.aws_request_id, event['body'])
                    return 'ok'
                """
            ),
            line=5,
            column=5,
            message="`_responses`",
        ),
    )

    def __init__(self, ctx: ModuleContext) -> None:
        super().__init__(ctx)
        self._containers: dict[str, _Container] = {}
        # Per function key: per container name, the key expressions (as code) the
        # function has read from it so far (`X.get(k)`, `k in X`, `X[k]`).
        self._reads: dict[tuple[str, str], set[str]] = {}
        # Per function key and local name: the last value assigned to it (to see where
        # a memoised key comes from: `rid = context.aws_request_id`).
        self._local_values: dict[tuple[str, str], cst.BaseExpression] = {}

    def visit_Module(self, node: cst.Module) -> None:
        ctx = self.ctx
        final = ctx.module_final
        found: dict[str, _Container] = {}
        for top, statement in _module_assignments(node.body):
            if isinstance(statement, cst.Assign):
                targets = [t.target for t in statement.targets]
                value: cst.BaseExpression | None = statement.value
            else:
                targets, value = [statement.target], statement.value
            kind = _container_kind(value, final) if value is not None else None
            for target in targets:
                if not isinstance(target, cst.Name):
                    continue
                name = target.value
                if kind is None:
                    found.pop(name, None)  # the last module-level binding decides
                else:
                    found[name] = _Container(kind, statement, top)
        if found:
            managed = _managed_names(ctx.source, found)
            for name in managed:
                del found[name]
        self._containers = found

    # -- reads that make a write a memoisation ---------------------------------------
    def visit_Comparison(self, node: cst.Comparison) -> None:
        if not self._containers or self.ctx.function_key is None:
            return
        for target in node.comparisons:
            if isinstance(target.operator, (cst.In, cst.NotIn)):
                name = self._tracked(target.comparator)
                if name is not None:
                    self._note_read(name, node.left)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        if not self._containers or self.ctx.function_key is None:
            return
        name = self._tracked(node.value)
        if name is not None and len(node.slice) == 1:
            index = node.slice[0].slice
            if isinstance(index, cst.Index) and not self._is_store(node):
                self._note_read(name, index.value)

    def _is_store(self, node: cst.Subscript) -> bool:
        parent = self.ctx.parent
        return isinstance(parent, cst.AssignTarget) and parent.target is node

    def _note_read(self, name: str, key: cst.BaseExpression) -> None:
        function_key = self.ctx.function_key
        if function_key is not None:
            code = self.ctx.module.code_for_node(key)
            self._reads.setdefault((function_key, name), set()).add(code)

    # -- mutations ---------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        if not self._containers or self.ctx.function_key is None:
            return
        func = node.func
        if not isinstance(func, cst.Attribute):
            return
        method = func.attr.value
        receiver = func.value
        name = self._tracked(receiver)
        if name is not None:
            if method in _KEY_READS and node.args:
                self._note_read(name, node.args[0].value)
                return
            if method not in _GROWERS:
                return
            if method == "setdefault" and node.args:
                if self._bounded_key(name, node.args[0].value):
                    return
            elif method in ("update", "add") and _literal_keys_only(method, node.args):
                return
            self._report(name, node, f"`{_short(self.ctx.module.code_for_node(func))}(...)`")
            return
        # `X[k].append(v)` on a defaultdict adds the key k.
        if (
            method in _ELEMENT_GROWERS
            and isinstance(receiver, cst.Subscript)
            and len(receiver.slice) == 1
        ):
            name = self._tracked(receiver.value)
            index = receiver.slice[0].slice
            if (
                name is not None
                and self._containers[name].kind in _AUTO_KEYS
                and isinstance(index, cst.Index)
                and not self._bounded_key(name, index.value)
            ):
                self._report(name, node, f"`{_short(self.ctx.module.code_for_node(func))}(...)`")

    def visit_Assign(self, node: cst.Assign) -> None:
        function_key = self.ctx.function_key
        if not self._containers or function_key is None:
            return
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self._local_values[(function_key, target.target.value)] = node.value
            subscript = target.target
            if not isinstance(subscript, cst.Subscript) or len(subscript.slice) != 1:
                continue
            name = self._tracked(subscript.value)
            index = subscript.slice[0].slice
            if name is None or not isinstance(index, cst.Index):
                continue
            if self._bounded_key(name, index.value):
                continue
            code = _short(self.ctx.module.code_for_node(subscript))
            self._report(name, subscript, f"`{code} = ...`")

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if not self._containers or self.ctx.function_key is None:
            return
        target = node.target
        ctx = self.ctx
        if isinstance(target, cst.Name):
            name = target.value
            container = self._containers.get(name)
            if (
                container is not None
                and name in ctx.scope.global_names
                and container.kind in ("list", "set", "deque", "Counter")
            ):
                operator = ctx.module.code_for_node(node.operator).strip()
                self._report(name, node, f"`{name} {operator} ...`")
        elif isinstance(target, cst.Subscript) and len(target.slice) == 1:
            tracked = self._tracked(target.value)
            index = target.slice[0].slice
            if (
                tracked is not None
                and self._containers[tracked].kind in _AUTO_KEYS
                and isinstance(index, cst.Index)
                and not self._bounded_key(tracked, index.value)
            ):
                operator = ctx.module.code_for_node(node.operator).strip()
                code = _short(ctx.module.code_for_node(target))
                self._report(tracked, node, f"`{code} {operator} ...`")

    # -- helpers ------------------------------------------------------------------------
    def _tracked(self, node: cst.BaseExpression) -> str | None:
        """The tracked module-level container `node` names here (not a local of the
        same name)."""
        if not isinstance(node, cst.Name):
            return None
        name = node.value
        if name not in self._containers or not self.ctx.is_module_level_name(name):
            return None
        return name

    def _bounded_key(self, name: str, key: cst.BaseExpression) -> bool:
        """Does a write with `key` not make the container grow with the requests: a
        literal key, or a memoised one (read before) that is not unique per request?"""
        if _is_literal(key):
            return True
        function_key = self.ctx.function_key
        code = self.ctx.module.code_for_node(key)
        if function_key is None or code not in self._reads.get((function_key, name), ()):
            return False
        if isinstance(key, cst.Name):
            origin = self._local_values.get((function_key, key.value))
            if origin is not None:
                code += " " + self.ctx.module.code_for_node(origin)
        return not _UNIQUE_HINTS.search(code)

    def _report(self, name: str, node: cst.CSTNode, what: str) -> None:
        ctx = self.ctx
        container = self._containers[name]
        positions = ctx.positions
        positions.prepare(container.top)
        row = positions.start(container.definition).row
        message = (
            f"`{name}` (module-level {container.kind}, line {row}) grows on every invocation: "
            f"{what} adds to it and nothing in the module clears it, so data leaks between "
            "invocations and memory grows until the environment is recycled; keep it local "
            "to the invocation or bound it"
        )
        ctx.report(self, node, message, per_invocation=True)


def _module_assignments(
    body: Sequence[cst.CSTNode], top: cst.CSTNode | None = None
) -> Iterator[tuple[cst.CSTNode, cst.Assign | cst.AnnAssign]]:
    """(module-level statement, assignment) for the assignments that run at module
    level, also inside module-level if/try/with blocks, in order."""
    for statement in body:
        holder = top if top is not None else statement
        if isinstance(statement, cst.SimpleStatementLine):
            for small in statement.body:
                if isinstance(small, (cst.Assign, cst.AnnAssign)):
                    yield holder, small
        elif isinstance(statement, (cst.If, cst.Try, cst.With)):
            yield from _module_assignments(inner_statements(statement), holder)


def _container_kind(value: cst.BaseExpression, final: dict[str, str]) -> str | None:
    if isinstance(value, (cst.List, cst.ListComp)):
        return "list"
    if isinstance(value, (cst.Dict, cst.DictComp)):
        return "dict"
    if isinstance(value, (cst.Set, cst.SetComp)):
        return "set"
    if not isinstance(value, cst.Call):
        return None
    written = dotted_name(value.func)
    if written is None:
        return None
    head, _, rest = written.partition(".")
    bound = final.get(head)
    if bound is not None and not bound.startswith("<"):
        qualified = f"{bound}.{rest}" if rest else bound
    elif bound is None:
        qualified = written  # a builtin
    else:
        return None  # a name the module binds to something of its own
    kind = _CONTAINER_CALLS.get(qualified)
    if kind == "deque":
        # `deque(items, maxlen)` / `deque(maxlen=n)` is bounded.
        positional = [a for a in value.args if a.keyword is None]
        if len(positional) > 1 or any(
            a.keyword is not None and a.keyword.value == "maxlen" for a in value.args
        ):
            return None
    return kind


def _managed_names(source: str, containers: dict[str, _Container]) -> set[str]:
    """The containers the module empties, shrinks, size-checks or replaces in a
    function (found in the text: the traversal has not reached those lines yet)."""
    names = "|".join(re.escape(name) for name in containers)
    shrink = re.compile(
        rf"\b({names})\s*\.\s*(?:clear|pop|popitem|popleft|remove|discard|"
        rf"difference_update|intersection_update)\s*\("
        rf"|\bdel\s+({names})\b"
        rf"|\b({names})\s*\[\s*:?\s*\]\s*=(?!=)"
        rf"|\blen\s*\(\s*({names})\s*\)\s*(?:[<>]=?|==)"
    )
    managed: set[str] = set()
    for match in shrink.finditer(source):
        managed.update(group for group in match.groups() if group)
    global_names: set[str] = set()
    for line in re.finditer(r"^[ \t]+global\s+([^\n#]*)", source, re.MULTILINE):
        for word in re.split(r"[\s,]+", line.group(1)):
            if word in containers:
                global_names.add(word)
    if global_names:
        rebound = re.compile(
            rf"^[ \t]+({'|'.join(re.escape(n) for n in global_names)})\s*(?::[^=\n]*)?=(?!=)",
            re.MULTILINE,
        )
        managed.update(match.group(1) for match in rebound.finditer(source))
    return managed


def _is_literal(node: cst.BaseExpression) -> bool:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(node, cst.Name):
        return node.value in ("True", "False", "None")
    if isinstance(node, cst.Tuple):
        return all(_is_literal(element.value) for element in node.elements)
    return False


def _literal_keys_only(method: str, args: Sequence[cst.Arg]) -> bool:
    """`X.update({"a": 1}, b=2)`, `X.add("x")`: a fixed set of keys."""
    if not args:
        return True
    for arg in args:
        if arg.keyword is not None:
            continue  # `update(key=value)`: a literal key
        value = arg.value
        if method == "add" and _is_literal(value):
            continue
        if (
            method == "update"
            and isinstance(value, cst.Dict)
            and all(isinstance(e, cst.DictElement) and _is_literal(e.key) for e in value.elements)
        ):
            continue
        return False
    return True


def _short(code: str, limit: int = 60) -> str:
    lines = code.strip().splitlines()
    text = lines[0].rstrip() + (" ..." if len(lines) > 1 else "") if lines else code
    return text if len(text) <= limit else text[: limit - 3] + "..."
