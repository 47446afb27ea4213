from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from textwrap import dedent
from typing import TYPE_CHECKING

import libcst as cst

from slint.analysis import PendingDiagnostic
from slint.api import CodeRule, FixKind, Invalid, Severity, Valid
from slint.diagnostics import Location
from slint.facts import Call, Value
from slint.javascript.behaviour import FUNCTION_NODES, pattern_names
from slint.javascript.behaviour import kids as js_kids
from slint.javascript.behaviour import string_value as js_string
from slint.javascript.behaviour import strip as js_strip
from slint.javascript.grammar import node_text
from slint.python.context import ASSIGNED, DEFINED, ModuleContext

from .._support.dynamodb import update_actions
from .._support.statements import inner_statements

if TYPE_CHECKING:
    from tree_sitter import Node

    from slint.javascript.analyze import JavaScriptModule

# -- DynamoDB update expressions ------------------------------------------------------------

# A clause keyword (SET, REMOVE, ADD, DELETE). They are reserved words, so an attribute of
# that name is written `#set`; a keyword never follows `#`, `:`, `.` or a word character.
_CLAUSE_RE = re.compile(r"(?<![\w#:.])(SET|REMOVE|ADD|DELETE)\b", re.IGNORECASE)
_TOKEN_RE = re.compile(r"[:#]?[A-Za-z_][A-Za-z0-9_]*|\S")
# Stands for the `{...}` parts of an f-string. It reads as a document path, so an
# action whose value is built at run time counts as computed from stored values (not
# reported); inside a placeholder (`:{name}`) it means "any of the values".
DYNAMIC = "__slint_dynamic__"


def plain_set_placeholders(expression: str) -> frozenset[str] | None:
    """The value placeholders (`:v`) that the plain `SET` actions of a DynamoDB
    UpdateExpression write: `SET a = :v` stores a value computed by the caller, while
    `SET n = n + :d`, `SET l = list_append(l, :v)`, `SET a = if_not_exists(a, :v)`,
    `ADD`, `REMOVE` and `DELETE` are computed by DynamoDB from the stored item.

    An empty set: every action is atomic. None: not an update expression slint can read.
    """
    pieces = _CLAUSE_RE.split(expression)
    if pieces[0].strip() or len(pieces) < 3:
        return None
    plain: set[str] = set()
    for keyword, body in zip(pieces[1::2], pieces[2::2], strict=True):
        if not body.strip():
            return None
        if keyword.upper() != "SET":
            continue
        for action in update_actions(body):
            target, equals, value = action.partition("=")
            if not equals or not target.strip() or not value.strip():
                return None
            tokens = _TOKEN_RE.findall(value)
            placeholders: list[str] = []
            from_stored_item = False
            for index, token in enumerate(tokens):
                if token.startswith(":"):
                    placeholders.append(token)
                elif token.startswith("#"):
                    from_stored_item = True
                elif token[0].isalpha() or token[0] == "_":
                    following = tokens[index + 1] if index + 1 < len(tokens) else ""
                    if following != "(":  # a function name is no document path
                        from_stored_item = True
            if not from_stored_item:
                plain.update(placeholders)
    return frozenset(plain)


_READ = "get_item"
_WRITES = frozenset({"put_item", "update_item", "transact_write_items"})
# The argument each DynamoDB operation cannot do without: boto3 methods take keyword
# arguments only, so a call with a positional argument, or without this one, is some
# other object's method that happens to have the same name.
_REQUIRED = {
    "get_item": "Key",
    "put_item": "Item",
    "update_item": "Key",
    "transact_write_items": "TransactItems",
}
# Methods that change the object they are called on: its data now depends on the arguments.
_MUTATORS = frozenset(
    {"update", "append", "extend", "insert", "setdefault", "add", "__setitem__", "appendleft"}
)
# Statements whose body may run zero times or only in some cases.
_BRANCHES = (
    cst.If,
    cst.Else,
    cst.For,
    cst.While,
    cst.Try,
    cst.TryStar,
    cst.ExceptHandler,
    cst.ExceptStarHandler,
    cst.Match,
    cst.MatchCase,
)
_MAX_HOPS = 8
_TEXT_BUDGET = 200
# The type descriptors of the low-level client's attribute values (`{"S": "abc"}`).
_SCALAR_TYPES = frozenset({"S", "N", "B"})

TableKey = tuple[str, str]  # ("name", table name expression) or ("object", Table expression)
Static = tuple[str, bool]  # (known text, whether it is the whole value or only its prefix)


@dataclass
class _Read:
    call: cst.Call
    table: TableKey
    # The item's key attributes (from a `Key={...}` literal) and what is known of their values.
    key: dict[str, Static | None]


@dataclass
class _Write:
    call: cst.Call
    method: str
    keywords: dict[str, cst.Arg]
    splat: bool
    # Reads nested in the call: (read, argument keyword, key of the dict literal entry).
    nested: list[tuple[int, str | None, str | None]] = field(default_factory=list)


@dataclass(eq=False)
class _Flow:
    """Collects the reads whose data reaches an expression while it is visited.

    `kind`: "bind" (an assignment, walrus or `with ... as`, closed on leaving `node`),
    "for" (a `for` target, closed on entering the loop body `node`), "mutate" (a call
    such as `item.update(...)`) and "write" (a DynamoDB write call: what reaches each of
    its arguments is worked out when it closes; `sources` then holds only what nested
    flows passed on, which counts for every argument).
    """

    node: cst.CSTNode
    kind: str
    sources: set[int] = field(default_factory=set)
    write: _Write | None = None
    owner: cst.CSTNode | None = None  # the statement a "for" flow binds for


@dataclass
class _Frame:
    function: cst.FunctionDef
    reads: list[_Read] = field(default_factory=list)
    # Local name -> the reads its value derives from.
    taint: dict[str, frozenset[int]] = field(default_factory=dict)
    # Local name -> the expression it was last assigned (None: bound some other way).
    values: dict[str, cst.BaseExpression | None] = field(default_factory=dict)


# -- JavaScript and TypeScript ---------------------------------------------------------------
_JS_DYNAMODB_SERVICES = frozenset({"dynamodb", "dynamodb.Table"})
_JS_FUNCTIONS = FUNCTION_NODES
# Statements whose body may run zero times or only in some cases.
_JS_BRANCHES = frozenset(
    {
        "if_statement",
        "else_clause",
        "for_statement",
        "for_in_statement",
        "while_statement",
        "do_statement",
        "try_statement",
        "catch_clause",
        "switch_case",
        "switch_default",
        "ternary_expression",
    }
)
# Methods that put their arguments into the object they are called on.
_JS_MUTATORS = frozenset({"push", "unshift", "splice", "set", "add", "concat"})
# Nodes whose value is not made of their children's values (types, functions).
_JS_OPAQUE = frozenset(
    {"type_annotation", "type_arguments", "type_parameters", "formal_parameters", *_JS_FUNCTIONS}
)


def _js_is_dynamodb(call: Call) -> bool:
    receiver = call.receiver
    return receiver is not None and receiver.service in _JS_DYNAMODB_SERVICES


def _js_table(value: Value | None) -> str | None:
    """What identifies a table name expression: the environment variable it reads, else
    its text (`TABLE` and `process.env.TABLE` are the same when `TABLE` holds it)."""
    if value is None:
        return None
    if value.env is not None:
        return f"env:{value.env}"
    if value.is_literal:
        return f"literal:{value.literal}"
    return f"text:{value.text}"


def _js_static(value: Value, depth: int = 0) -> Static | None:
    """What is known of a key attribute's value: all of it, or a prefix (`ORDER#${id}`);
    the low-level client's `{ S: value }` is its value."""
    if depth > _MAX_HOPS:
        return None
    if value.is_literal and value.literal is not None:
        return (str(value.literal), True)
    if len(value.items) == 1 and value.items[0][0] in _SCALAR_TYPES:
        return _js_static(value.items[0][1], depth + 1)
    if value.prefix:
        return (value.prefix, False)
    return None


def _js_key_statics(value: Value | None) -> dict[str, Static | None]:
    if value is None:
        return {}
    return {name: _js_static(item) for name, item in value.items if name != "**"}


@dataclass
class _JsRead:
    call: Call
    key: str  # the function it runs in
    table: str | None
    attributes: dict[str, Static | None]


@dataclass
class _JsFrame:
    taint: dict[str, frozenset[int]] = field(default_factory=dict)
    # Name -> the expression it was last given (an object literal the write reads).
    values: dict[str, Node] = field(default_factory=dict)
    parent: _JsFrame | None = None

    def lookup(self, name: str) -> frozenset[int]:
        frame: _JsFrame | None = self
        while frame is not None:
            if name in frame.taint:
                return frame.taint[name]
            frame = frame.parent
        return frozenset()

    def value(self, name: str) -> Node | None:
        frame: _JsFrame | None = self
        while frame is not None:
            if name in frame.values:
                return frame.values[name]
            frame = frame.parent
        return None


class _JavaScriptReadModifyWrite:
    """One post-order walk over a module: the data of each DynamoDB read (the facts say
    which calls read and write, with their inputs, and which function runs them) is
    followed through names, destructuring, in-place changes and loops to the writes of
    the same function."""

    def __init__(self, rule: UnconditionalReadModifyWrite, module: JavaScriptModule) -> None:
        self.rule = rule
        self.module = module
        self.data = module.data
        self.calls: dict[tuple[Location, Location], tuple[str, Call]] = {}
        for key, function in module.facts.functions.items():
            for call in function.behaviour.calls:
                if call.method in ("get_item", *_WRITES) and _js_is_dynamodb(call):
                    self.calls[(call.span.start, call.span.end)] = (key, call)
        self.reads: list[_JsRead] = []
        self.taint: dict[int, frozenset[int]] = {}
        self.found: list[PendingDiagnostic] = []

    def run(self) -> list[PendingDiagnostic]:
        if not any(call.method == "get_item" for _, call in self.calls.values()):
            return []
        positions = self.module.positions
        stack: list[tuple[Node, _JsFrame, bool]] = [(self.module.tree.root_node, _JsFrame(), False)]
        while stack:
            node, frame, leaving = stack.pop()
            kind = node.type
            if not leaving:
                if kind in _JS_FUNCTIONS and not self._is_callback(node):
                    frame = _JsFrame(parent=frame)
                stack.append((node, frame, True))
                stack.extend((child, frame, False) for child in reversed(node.named_children))
                continue
            taint: frozenset[int] = frozenset()
            if kind not in _JS_OPAQUE:
                for child in node.named_children:
                    carried = self.taint.get(child.id)
                    if carried:
                        taint = taint | carried if taint else carried
            if kind in ("identifier", "shorthand_property_identifier"):
                taint = frame.lookup(node_text(node, self.data))
            elif kind == "call_expression":
                found = self.calls.get((positions.start(node), positions.end(node)))
                if found is not None:
                    taint = self._dynamodb_call(node, frame, found, taint)
                self._mutation(node, frame)
            elif kind == "variable_declarator":
                self._declarator(node, frame)
            elif kind in ("assignment_expression", "augmented_assignment_expression"):
                self._assignment(node, frame)
            if taint:
                self.taint[node.id] = taint
            parent = node.parent
            if (
                parent is not None
                and parent.type == "for_in_statement"
                and parent.child_by_field_name("right") == node
            ):
                # `for (const line of item.lines)`: bound before the body runs.
                left = parent.child_by_field_name("left")
                if left is not None:
                    self._bind(left, taint, frame, parent, replace_taint=True)
        return self.found

    @staticmethod
    def _is_callback(function: Node) -> bool:
        """A function passed to a call runs as part of the function that passes it."""
        parent = function.parent
        return parent is not None and parent.type == "arguments"

    def _of(self, node: Node | None) -> frozenset[int]:
        return self.taint.get(node.id, frozenset()) if node is not None else frozenset()

    # -- data flow -----------------------------------------------------------------------
    def _declarator(self, node: Node, frame: _JsFrame) -> None:
        target = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if target is None or value is None:
            return
        self._bind(target, self._of(value), frame, node, replace_taint=True)
        if target.type == "identifier":
            frame.values[node_text(target, self.data)] = js_strip(value)

    def _assignment(self, node: Node, frame: _JsFrame) -> None:
        target = node.child_by_field_name("left")
        value = node.child_by_field_name("right")
        if target is None or value is None:
            return
        target = js_strip(target)
        sources = self._of(value)
        if node.type == "augmented_assignment_expression" or target.type in (
            "member_expression",
            "subscript_expression",
        ):
            # `item.count += 1`, `item.status = "paid"`: the object now holds both.
            root = _js_root(target)
            if root is not None and sources:
                name = node_text(root, self.data)
                frame.taint[name] = frame.lookup(name) | sources
            return
        self._bind(target, sources, frame, node, replace_taint=True)
        if target.type == "identifier":
            frame.values[node_text(target, self.data)] = js_strip(value)

    def _bind(
        self,
        target: Node,
        sources: frozenset[int],
        frame: _JsFrame,
        owner: Node,
        *,
        replace_taint: bool,
    ) -> None:
        if target.type == "identifier":
            names = [node_text(target, self.data)]
        elif target.type in ("object_pattern", "array_pattern"):
            names = pattern_names(target, self.data)
        elif target.type in ("lexical_declaration", "variable_declaration"):
            # `for (const item of items)` in the JavaScript grammar.
            declarators = [d for d in js_kids(target) if d.type == "variable_declarator"]
            names = []
            for declarator in declarators:
                declared = declarator.child_by_field_name("name")
                if declared is not None:
                    names.extend(pattern_names(declared, self.data))
        else:
            return
        branch = _in_branch(owner)
        for name in names:
            previous = frame.lookup(name) if branch or not replace_taint else frozenset()
            combined = sources | previous
            if combined:
                frame.taint[name] = combined
            elif name in frame.taint:
                del frame.taint[name]
            else:
                frame.taint[name] = frozenset()  # hides an outer name of the same spelling

    def _mutation(self, node: Node, frame: _JsFrame) -> None:
        """`lines.push(item.x)`, `Object.assign(order, item)`: the object holds the data."""
        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        if callee is None or arguments is None:
            return
        callee = js_strip(callee)
        found = js_kids(arguments)
        sources = frozenset().union(*(self._of(argument) for argument in found))
        if not sources:
            return
        target: Node | None = None
        if callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            method = node_text(prop, self.data) if prop is not None else ""
            if method in _JS_MUTATORS:
                target = callee.child_by_field_name("object")
            elif node_text(callee, self.data) == "Object.assign" and found:
                target = found[0]
        root = _js_root(js_strip(target)) if target is not None else None
        if root is not None:
            name = node_text(root, self.data)
            frame.taint[name] = frame.lookup(name) | sources

    # -- reads and writes ----------------------------------------------------------------
    def _dynamodb_call(
        self, node: Node, frame: _JsFrame, found: tuple[str, Call], taint: frozenset[int]
    ) -> frozenset[int]:
        key, call = found
        if call.method == "get_item":
            self.reads.append(
                _JsRead(
                    call,
                    key,
                    _js_table(call.argument("TableName")),
                    _js_key_statics(call.argument("Key")),
                )
            )
            return frozenset({len(self.reads) - 1})
        if not call.once:
            self._write(node, frame, key, call)
        return taint

    def _input(self, node: Node, frame: _JsFrame) -> Node | None:
        """The input object literal of an SDK call: `send(new PutCommand({...}))`,
        `put({...})`, or the literal a name holds (`const params = {...}`)."""
        arguments = node.child_by_field_name("arguments")
        found = js_kids(arguments) if arguments is not None else []
        if not found:
            return None
        value = js_strip(found[0])
        if value.type == "new_expression":
            inner = value.child_by_field_name("arguments")
            inner_found = js_kids(inner) if inner is not None else []
            if not inner_found:
                return None
            value = js_strip(inner_found[0])
        if value.type == "identifier":
            held = frame.value(node_text(value, self.data))
            return held if held is not None and held.type == "object" else value
        return value

    def _property(self, literal: Node, name: str) -> Node | None:
        for child in js_kids(literal):
            if child.type == "pair":
                key = child.child_by_field_name("key")
                if key is not None and _js_key_name(key, self.data) == name:
                    return child.child_by_field_name("value")
            elif (
                child.type == "shorthand_property_identifier"
                and node_text(child, self.data) == name
            ):
                return child
        return None

    def _spread(self, literal: Node) -> frozenset[int]:
        return frozenset().union(
            *(self._of(child) for child in js_kids(literal) if child.type == "spread_element")
        )

    def _write(self, node: Node, frame: _JsFrame, key: str, call: Call) -> None:
        if call.has_unpacked_keywords or call.has_keyword("Expected"):
            return
        if call.has_keyword("ConditionExpression"):
            return
        literal = self._input(node, frame)
        if literal is None:
            return
        whole = literal.type != "object"
        sources: frozenset[int] = frozenset()
        tables: set[str | None] = {_js_table(call.argument("TableName"))}
        reads = [i for i, read in enumerate(self.reads) if read.key == key]
        if not reads:
            return
        if call.method == "put_item":
            item = self._of(literal) if whole else None
            if item is None:
                value = self._property(literal, "Item")
                sources = self._item_sources(value, reads, call) | self._spread(literal)
            else:
                sources = item
        elif call.method == "update_item":
            sources = self._update_sources(literal, whole, call)
        elif call.method == "transact_write_items":
            transaction = self._transaction(literal, whole)
            if transaction is None:
                return
            sources, tables = transaction
        fed = [
            index
            for index in reads
            if index in sources
            and self.reads[index].table in tables
            and self.reads[index].table is not None
            and not self._other_item(self.reads[index], call)
        ]
        if fed:
            self._report(call, self.reads[max(fed)].call, key)

    def _item_sources(self, value: Node | None, reads: list[int], call: Call) -> frozenset[int]:
        """What reaches a put's `Item`: for an object literal, its attributes but the
        item's key attributes (those of the reads' `Key`)."""
        if value is None:
            return frozenset()
        value = js_strip(value)
        if value.type != "object":
            return self._of(value)
        key_names = {name for index in reads for name in self.reads[index].attributes}
        sources: frozenset[int] = self._spread(value)
        for child in js_kids(value):
            if child.type == "pair":
                name_node = child.child_by_field_name("key")
                if name_node is not None and _js_key_name(name_node, self.data) in key_names:
                    continue
                sources |= self._of(child.child_by_field_name("value"))
            elif (
                child.type == "shorthand_property_identifier"
                and node_text(child, self.data) not in key_names
            ):
                sources |= self._of(child)
        return sources

    def _update_sources(self, literal: Node, whole: bool, call: Call) -> frozenset[int]:
        """What reaches the values that the plain `SET a = :v` actions store."""
        expression = call.argument("UpdateExpression")
        text = expression.literal if expression is not None and expression.is_literal else None
        if not isinstance(text, str) and not whole:
            node = self._property(literal, "UpdateExpression")
            text = _js_update_text(node, self.data) if node is not None else None
        if not isinstance(text, str):
            return frozenset()
        placeholders = plain_set_placeholders(text)
        if not placeholders:
            return frozenset()  # atomic, or unreadable
        if whole:
            return self._of(literal)
        values = self._property(literal, "ExpressionAttributeValues")
        if values is None:
            return frozenset()
        values = js_strip(values)
        if values.type != "object":
            return self._of(values)
        dynamic = any(DYNAMIC in placeholder for placeholder in placeholders)
        sources = self._spread(values)
        for child in js_kids(values):
            if child.type != "pair":
                continue
            name_node = child.child_by_field_name("key")
            name = _js_key_name(name_node, self.data) if name_node is not None else None
            if dynamic or name in placeholders:
                sources |= self._of(child.child_by_field_name("value"))
        return sources

    def _transaction(
        self, literal: Node, whole: bool
    ) -> tuple[frozenset[int], set[str | None]] | None:
        """(what reaches the actions, the tables written by Put or plain-SET Update
        actions) of a transaction without any condition; None when it has one or its
        actions are not written out."""
        if whole:
            return None
        items = self._property(literal, "TransactItems")
        if items is None or js_strip(items).type != "array":
            return None
        tables: set[str | None] = set()
        for entry in js_kids(js_strip(items)):
            entry = js_strip(entry)
            if entry.type != "object":
                return None
            for action in js_kids(entry):
                if action.type != "pair":
                    return None
                name_node = action.child_by_field_name("key")
                body = action.child_by_field_name("value")
                kind = _js_key_name(name_node, self.data) if name_node is not None else None
                if kind == "ConditionCheck" or body is None or js_strip(body).type != "object":
                    return None
                body = js_strip(body)
                if self._property(body, "ConditionExpression") is not None:
                    return None
                table = self._property(body, "TableName")
                if kind not in ("Put", "Update") or table is None:
                    continue
                if kind == "Update":
                    update = self._property(body, "UpdateExpression")
                    text = _js_update_text(update, self.data) if update is not None else None
                    if not (text is not None and plain_set_placeholders(text)):
                        continue
                tables.add(self._table_text(table))
        return self._of(items), tables

    def _table_text(self, node: Node) -> str:
        """A table name written in a transaction, identified as `_js_table` does."""
        node = js_strip(node)
        literal = js_literal(node, self.data)
        if literal is not None:
            return f"literal:{literal}"
        text = " ".join(node_text(node, self.data).split())
        if text.startswith("process.env."):
            return f"env:{text[len('process.env.') :]}"
        for read in self.reads:
            argument = read.call.argument("TableName")
            if argument is not None and argument.text == text and read.table is not None:
                return read.table
        return f"text:{text}"

    @staticmethod
    def _other_item(read: _JsRead, call: Call) -> bool:
        """The write's item is certainly another one: its key attributes (`Key`, or for a
        put those of its `Item`) differ from the read's (`SK: "NAME#"` read, `SK: "TS#" +
        stamp` written)."""
        written = call.argument("Key") or call.argument("Item")
        return _different_items(read.attributes, _js_key_statics(written))

    def _report(self, write: Call, read: Call, key: str) -> None:
        written = write.display or f"{write.method}"
        reader = read.display or "get_item"
        diagnostic = self.rule.make_diagnostic(
            self.module.path,
            write.span.start,
            write.span.end,
            f"`{written}` without a `ConditionExpression` writes back data that `{reader}` "
            f"reads at line {read.span.start.row}: a concurrent invocation's change in "
            "between is silently lost (check a version attribute)",
        )
        self.found.append(PendingDiagnostic(key, diagnostic))


def _js_root(node: Node) -> Node | None:
    """The name an access chain starts from (`order` of `order.lines[0].qty`)."""
    while node.type in ("member_expression", "subscript_expression"):
        inner = node.child_by_field_name("object")
        if inner is None:
            return None
        node = js_strip(inner)
    return node if node.type == "identifier" else None


def _js_key_name(node: Node, data: bytes) -> str:
    if node.type == "string":
        return js_string(node, data)
    return node_text(node, data)


def js_literal(node: Node, data: bytes) -> str | None:
    """A string literal's text (also a template literal without `${}`)."""
    node = js_strip(node)
    if node.type == "string":
        return js_string(node, data)
    if node.type == "template_string" and not any(
        child.type == "template_substitution" for child in node.named_children
    ):
        return js_string(node, data)
    return None


def _js_update_text(node: Node, data: bytes, depth: int = 0) -> str | None:
    """The text of an UpdateExpression written as a literal, a template literal (its
    `${}` parts as DYNAMIC) or a `+` of them."""
    if depth > _MAX_HOPS:
        return None
    node = js_strip(node)
    if node.type == "string":
        return js_string(node, data)
    if node.type == "template_string":
        parts: list[str] = []
        for child in node.named_children:
            if child.type == "template_substitution":
                parts.append(DYNAMIC)
            else:
                parts.append(node_text(child, data))
        return "".join(parts)
    if node.type == "binary_expression":
        operator = node.child_by_field_name("operator")
        left = node.child_by_field_name("left")
        right = node.child_by_field_name("right")
        if operator is None or operator.type != "+" or left is None or right is None:
            return None
        first = _js_update_text(left, data, depth + 1)
        second = _js_update_text(right, data, depth + 1)
        return first + second if first is not None and second is not None else None
    return None


def _in_branch(node: Node) -> bool:
    """Is `node` inside a branch (an `if`, a loop, a `try`) of its function?"""
    current = node.parent
    while current is not None and current.type not in _JS_FUNCTIONS:
        if current.type in _JS_BRANCHES:
            return True
        current = current.parent
    return False


class UnconditionalReadModifyWrite(CodeRule):
    """
    ## What it does
    Reports a DynamoDB write that stores data the same function read from the same table
    moments before, without a `ConditionExpression` that checks the item has not changed
    in between: `get_item`, then `put_item` (or `update_item` with a plain `SET a = :v`,
    or `transact_write_items`) whose values come from the item that was read, in code
    that runs on every invocation (the handler and the functions it calls).

    Same table means the same `Table` object (the same receiver text once names are
    followed to what they were assigned: a module-level `table`, a local name,
    `self._table`, an inline `dynamodb.Table(name)`, a getter call such as
    `orders_table()`), or the same table name expression (`TableName=TABLE` on a client,
    or the name a `Table(...)` was made with; `TABLE = os.environ["T"]` and
    `os.environ["T"]` are the same). Calls on other objects that happen to have these
    method names are told apart by their arguments: boto3 takes keywords only and
    needs `Key=` (`get_item`, `update_item`), `Item=` (`put_item`) or `TransactItems=`.

    "Values come from the item" is followed through the function: the response, names
    assigned from it (`item = resp["Item"]`, `count = item["count"] + 1`, `new =
    merge(item, event)`), items changed in place (`item["status"] = "paid"`,
    `item.update(changes)`, `lines.append(item["x"])`), loops over it, and a read
    nested in the write itself. For a dict literal `Item={...}` the item's key
    attributes do not count, and for `update_item` only the placeholders that plain
    `SET` actions store do: `SET total = total + :d` with `:d` taken from the read is
    computed by DynamoDB and loses nothing. A name assigned anew on the function's
    main path stops deriving from the read; assigned in a branch (`if not item: item =
    {...}`), it keeps deriving from it too.

    The finding is on the write method's name (`put_item`, `update_item`,
    `transact_write_items`) and names the line of the read.

    Not reported:
    - a write with a `ConditionExpression` (any condition, e.g. `attribute_not_exists`
      for an idempotency key) or the legacy `Expected`, or arguments passed through
      `**kwargs` (slint cannot see whether they carry one);
    - `transact_write_items` with a `ConditionCheck` or a `ConditionExpression` in any
      of its actions, or whose actions are not written out as literals;
    - an `update_item` whose expression changes values only atomically (`ADD`,
      `REMOVE`, `DELETE`, `SET n = n + :d`, `SET l = list_append(l, :v)`,
      `if_not_exists`), or whose `UpdateExpression` slint cannot read (it follows
      string literals, implicit and `+` concatenation, f-strings and names assigned
      from them in the function or at module level);
    - a read that only decides what to do (whether to skip a duplicate, return 404,
      reject a state change) while the written values come from the event or are new:
      no data of the read reaches the write. That check-then-write race is real too,
      but it is a duplicate-processing problem (SL201) or a business rule, and flagging
      every "load, 404 if missing, then update from the request" would bury the
      lost updates;
    - a write to another table, or to an item that is certainly another one (its key
      attributes have different literal values or prefixes: `sk="PROFILE"` read,
      `sk=f"ORDER#{id}"` written, in a single-table design);
    - reads and writes in different functions (each function is checked on its own),
      and `batch_writer()` writes (they cannot carry conditions at all).


    In JavaScript and TypeScript the same reads and writes go through SDK v3 commands
    (`GetItemCommand`, `PutItemCommand`, `UpdateItemCommand`, `TransactWriteItemsCommand`
    of `@aws-sdk/client-dynamodb`; `GetCommand`, `PutCommand`, `UpdateCommand`,
    `TransactWriteCommand` of `@aws-sdk/lib-dynamodb`) and the SDK v2 `DocumentClient`
    (`get`, `put`, `update`, `transactWrite`) and `DynamoDB` methods. Same table means
    the same `TableName` (a name and the `process.env` variable it holds are the same).
    The read's data is followed through names, destructuring (`const { Item } = await
    ...`), in-place changes (`item.status = "paid"`, `lines.push(...)`,
    `Object.assign`), spreads (`{ ...item, status }`), `for...of` loops and callbacks;
    the write's input may be an object literal or a name holding one (`const params =
    {...}`). The finding is on the write call and names the read's line.

    ## Why is this bad?
    Lambda runs invocations concurrently, and SQS, streams and retries make two
    invocations touch the same item at the same moment more often than one thinks. Both
    read version 7 of the item, both compute a new item from it, both write: the second
    write silently replaces the first, and the first invocation's change (a cart line,
    a payment, a counter increment, a status transition) is lost without an error
    anywhere. This is the lost update problem, and DynamoDB's answer is optimistic
    locking: keep a `version` attribute, write only if it still holds the value that
    was read (`ConditionExpression="version = :expected"`, with `SET version = version
    + :one` or the incremented version in the new item), and on
    `ConditionalCheckFailedException` read again and retry (or let the invocation fail
    and be retried). Where the change can be expressed in DynamoDB itself, an atomic
    update (`ADD n :d`, `SET n = n + :d`, `list_append`) needs no read at all; several
    items changed together belong in `transact_write_items` with a `ConditionCheck`
    or conditions on its actions.

    ## Example
    ```python
    import os

    import boto3

    table = boto3.resource("dynamodb").Table(os.environ["CARTS_TABLE"])


    def handler(event, context):
        cart = table.get_item(Key={"id": event["cart_id"]})["Item"]
        cart["lines"].append(event["line"])
        table.put_item(Item=cart)
    ```

    ## Use instead
    ```python
    import os

    import boto3

    table = boto3.resource("dynamodb").Table(os.environ["CARTS_TABLE"])


    def handler(event, context):
        cart = table.get_item(Key={"id": event["cart_id"]})["Item"]
        expected = cart["version"]
        cart["lines"].append(event["line"])
        cart["version"] = expected + 1
        table.put_item(
            Item=cart,
            ConditionExpression="version = :expected",
            ExpressionAttributeValues={":expected": expected},
        )
    ```

    ## Fix
    There is no automatic fix: what to do when the condition fails (read again and
    retry, report a conflict, let the invocation fail so that it is retried) is the
    application's decision. Add a version attribute and a `ConditionExpression` on it,
    or replace the read and write with one atomic `update_item`, or write several
    items with `transact_write_items` and conditions.

    ## References
    - [DynamoDB: optimistic locking with a version number](https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/DynamoDBMapper.OptimisticLocking.html)
    - [DynamoDB condition expressions](https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html)
    - [DynamoDB update expressions (atomic counters, list_append)](https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html)
    """

    code = "SL210"
    name = "unconditional-read-modify-write"
    severity = Severity.WARNING
    fix = FixKind.NONE

    valid = (
        # The version check: the write only succeeds if nobody wrote in between.
        Valid(
            dedent(
                """\
                import os

                import boto3

                table = boto3.resource("dynamodb").Table(os.environ["CARTS_TABLE"])


                def handler(event, context):
                    cart = table.get_item(Key={"id": event["cart_id"]})["Item"]
                    expected = cart["version"]
                    cart["lines"].append(event["line"])
                    cart["version"] = expected + 1
                    table.put_item(
                        Item=cart,
                        ConditionExpression="version = :expected",
                        ExpressionAttributeValues={":expected": expected},
                    )
                """
            ),
        ),
        # Atomic: DynamoDB adds to the stored value, whatever the read saw.
        Valid(
            dedent(
                """\
                import boto3

                table = boto3.resource("dynamodb").Table("visits")


                def handler(event, context):
                    page = table.get_item(Key={"page": event["page"]})["Item"]
                    step = 2 if page.get("featured") else 1
                    table.update_item(
                        Key={"page": event["page"]},
                        UpdateExpression="SET visits = visits + :step",
                        ExpressionAttributeValues={":step": step},
                    )
                """
            ),
        ),
        # The read only decides whether to skip a duplicate; the item comes from the event.
        Valid(
            dedent(
                """\
                import boto3

                table = boto3.resource("dynamodb").Table("payments")


                def handler(event, context):
                    if "Item" in table.get_item(Key={"id": event["id"]}):
                        return {"duplicate": True}
                    table.put_item(
                        Item={"id": event["id"], "amount": event["amount"]},
                        ConditionExpression="attribute_not_exists(id)",
                    )
                """
            ),
        ),
        # Read one table, write another.
        Valid(
            dedent(
                """\
                import boto3

                client = boto3.client("dynamodb")


                def handler(event, context):
                    user = client.get_item(TableName="users", Key={"id": {"S": event["id"]}})
                    client.put_item(TableName="audit", Item=user["Item"])
                """
            ),
        ),
        # A transaction that checks the version of what it read.
        Valid(
            dedent(
                """\
                import boto3

                client = boto3.client("dynamodb")


                def handler(event, context):
                    key = {"id": {"S": event["id"]}}
                    order = client.get_item(TableName="orders", Key=key)["Item"]
                    client.transact_write_items(
                        TransactItems=[
                            {
                                "Put": {
                                    "TableName": "orders",
                                    "Item": {**order, "status": {"S": "paid"}},
                                    "ConditionExpression": "version = :v",
                                    "ExpressionAttributeValues": {":v": order["version"]},
                                }
                            }
                        ]
                    )
                """
            ),
        ),
        # JavaScript: the version check; an atomic update; a read that only decides.
        Valid(
            dedent(
                """\
                import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
                import {
                  DynamoDBDocumentClient,
                  GetCommand,
                  PutCommand,
                  UpdateCommand,
                } from "@aws-sdk/lib-dynamodb";

                const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
                const TABLE = process.env.CARTS_TABLE;

                export const handler = async (event) => {
                  const { Item: cart } = await doc.send(
                    new GetCommand({ TableName: TABLE, Key: { id: event.cartId } }),
                  );
                  if (event.visit) {
                    return doc.send(
                      new UpdateCommand({
                        TableName: TABLE,
                        Key: { id: event.cartId },
                        UpdateExpression: "SET visits = visits + :step",
                        ExpressionAttributeValues: { ":step": cart.featured ? 2 : 1 },
                      }),
                    );
                  }
                  const expected = cart.version;
                  cart.lines.push(event.line);
                  await doc.send(
                    new PutCommand({
                      TableName: TABLE,
                      Item: { ...cart, version: expected + 1 },
                      ConditionExpression: "version = :expected",
                      ExpressionAttributeValues: { ":expected": expected },
                    }),
                  );
                };
                """
            ),
            filename="handler.mjs",
        ),
        # TypeScript: a duplicate check, then a conditional put of the event's data.
        Valid(
            dedent(
                """\
                import {
                  DynamoDBClient,
                  GetItemCommand,
                  PutItemCommand,
                } from "@aws-sdk/client-dynamodb";

                const client = new DynamoDBClient({});

                export const handler = async (event: { id: string; amount: string }) => {
                  const seen = await client.send(
                    new GetItemCommand({ TableName: "payments", Key: { id: { S: event.id } } }),
                  );
                  if (seen.Item) {
                    return { duplicate: true };
                  }
                  await client.send(
                    new PutItemCommand({
                      TableName: "payments",
                      Item: { id: { S: event.id }, amount: { N: event.amount } },
                      ConditionExpression: "attribute_not_exists(id)",
                    }),
                  );
                  return { duplicate: false };
                };
                """
            ),
            filename="handler.ts",
        ),
        # CommonJS, SDK v2: read one table, write another; another item of the same table.
        Valid(
            dedent(
                """\
                const AWS = require("aws-sdk");

                const db = new AWS.DynamoDB.DocumentClient();

                exports.handler = async (event) => {
                  const user = await db
                    .get({ TableName: "users", Key: { id: event.id } })
                    .promise();
                  await db.put({ TableName: "audit", Item: user.Item }).promise();
                  const profile = await db
                    .get({ TableName: "app", Key: { pk: event.id, sk: "PROFILE" } })
                    .promise();
                  await db
                    .put({
                      TableName: "app",
                      Item: { pk: event.id, sk: `LOGIN#${Date.now()}`, name: profile.Item.name },
                    })
                    .promise();
                };
                """
            ),
            filename="handler.js",
        ),
    )
    invalid = (
        # The visitor counter: two concurrent invocations both write count + 1.
        Invalid(
            dedent(
                """\
                import boto3

                dynamodb = boto3.resource("dynamodb")
                table = dynamodb.Table("visitors")


                def lambda_handler(event, context):
                    response = table.get_item(Key={"id": "home"})
                    count = response["Item"]["count"] + 1
                    table.put_item(Item={"id": "home", "count": count})
                    return {"count": count}
                """
            ),
            line=10,
            column=11,
            message="reads at line 8",
        ),
        # A plain SET of a value computed in Python from the read, through a client.
        Invalid(
            dedent(
                """\
                import os

                import boto3

                client = boto3.client("dynamodb")
                TABLE = os.environ["ACCOUNTS_TABLE"]


                def handler(event, context):
                    key = {"id": {"S": event["account"]}}
                    account = client.get_item(TableName=TABLE, Key=key)["Item"]
                    balance = int(account["balance"]["N"]) - event["amount"]
                    client.update_item(
                        TableName=os.environ["ACCOUNTS_TABLE"],
                        Key=key,
                        UpdateExpression="SET balance = :balance",
                        ExpressionAttributeValues={":balance": {"N": str(balance)}},
                    )
                """
            ),
            line=13,
            column=12,
            message="`update_item`",
        ),
        # A status transition on an object held by the class.
        Invalid(
            dedent(
                """\
                import boto3


                class Orders:
                    def __init__(self):
                        self._table = boto3.resource("dynamodb").Table("orders")

                    def ship(self, order_id):
                        order = self._table.get_item(Key={"id": order_id})["Item"]
                        if order["status"] != "paid":
                            raise ValueError(order["status"])
                        order["status"] = "shipped"
                        self._table.put_item(Item=order)


                def handler(event, context):
                    Orders().ship(event["id"])
                """
            ),
            line=13,
            column=21,
            message="reads at line 9",
        ),
        # JavaScript: lib-dynamodb, the item changed in place and put back.
        Invalid(
            dedent(
                """\
                import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
                import { DynamoDBDocumentClient, GetCommand } from "@aws-sdk/lib-dynamodb";
                import { PutCommand } from "@aws-sdk/lib-dynamodb";

                const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
                const TABLE = process.env.CARTS_TABLE;

                export const handler = async (event) => {
                  const key = { id: event.cartId };
                  const { Item } = await doc.send(new GetCommand({ TableName: TABLE, Key: key }));
                  Item.lines.push(event.line);
                  await doc.send(new PutCommand({ TableName: TABLE, Item }));
                };
                """
            ),
            filename="handler.mjs",
            line=12,
            column=9,
            message="`doc.send(new PutCommand(...))` without a `ConditionExpression` writes back "
            "data that `doc.send(new GetCommand(...))` reads at line 10",
        ),
        # TypeScript: a plain SET of a value computed from the read, through the client.
        Invalid(
            dedent(
                """\
                import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
                import { UpdateItemCommand } from "@aws-sdk/client-dynamodb";
                const client = new DynamoDBClient({});
                const TABLE = process.env.ACCOUNTS_TABLE;

                export const handler = async (event: { account: string; amount: number }) => {
                  const key = { id: { S: event.account } };
                  const res = await client.send(new GetItemCommand({ TableName: TABLE, Key: key }));
                  const balance = Number(res.Item?.balance.N) - event.amount;
                  await client.send(
                    new UpdateItemCommand({
                      TableName: process.env.ACCOUNTS_TABLE,
                      Key: key,
                      UpdateExpression: "SET balance = :balance",
                      ExpressionAttributeValues: { ":balance": { N: String(balance) } },
                    }),
                  );
                };
                """
            ),
            filename="handler.ts",
            line=10,
            column=9,
            message="`client.send(new UpdateItemCommand(...))`",
        ),
        # CommonJS, SDK v2 DocumentClient, through a params object.
        Invalid(
            dedent(
                """\
                const AWS = require("aws-sdk");

                const db = new AWS.DynamoDB.DocumentClient();

                exports.handler = async (event) => {
                  const { Item: order } = await db
                    .get({ TableName: "orders", Key: { id: event.id } })
                    .promise();
                  order.status = "shipped";
                  const params = { TableName: "orders", Item: order };
                  await db.put(params).promise();
                };
                """
            ),
            filename="handler.js",
            line=11,
            column=9,
            message="reads at line 6",
        ),
    )

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        super().__init__(ctx)
        self._module_values: dict[str, cst.BaseExpression] = {}
        self._frames: list[_Frame] = []
        self._flows: list[_Flow] = []
        # Nodes of closed flows: their variables were counted when they closed.
        self._counted: set[int] = set()

    # -- JavaScript and TypeScript ---------------------------------------------------
    def check_javascript(self, module: JavaScriptModule) -> list[PendingDiagnostic]:
        """The same reads and writes through SDK v3 commands (`GetItemCommand`,
        lib-dynamodb `GetCommand`/`PutCommand`/`UpdateCommand`/`TransactWriteCommand`)
        and the SDK v2 `DocumentClient` / `DynamoDB` methods, as the facts name them."""
        return _JavaScriptReadModifyWrite(self, module).run()

    # -- module-level names -------------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        """Remember the expression of each module-level name assigned exactly once, so that
        `table` and `TABLE` can be followed to what they stand for."""
        counts: dict[str, int] = {}
        values: dict[str, cst.BaseExpression] = {}

        def count(target: cst.BaseExpression) -> None:
            if isinstance(target, cst.Name):
                counts[target.value] = counts.get(target.value, 0) + 1
            elif isinstance(target, (cst.Tuple, cst.List)):
                for element in target.elements:
                    count(element.value)
            elif isinstance(target, cst.StarredElement):
                count(target.value)

        pending: list[cst.CSTNode] = list(node.body)
        while pending:
            statement = pending.pop()
            if isinstance(statement, cst.SimpleStatementLine):
                pending.extend(statement.body)
            elif isinstance(statement, cst.Assign):
                for target in statement.targets:
                    count(target.target)
                    if len(statement.targets) == 1 and isinstance(target.target, cst.Name):
                        values[target.target.value] = statement.value
            elif isinstance(statement, cst.AnnAssign):
                count(statement.target)
                if statement.value is not None and isinstance(statement.target, cst.Name):
                    values[statement.target.value] = statement.value
            elif isinstance(statement, cst.AugAssign):
                count(statement.target)
            elif isinstance(statement, (cst.If, cst.Try, cst.TryStar, cst.With, cst.For)):
                if isinstance(statement, cst.For):
                    count(statement.target)
                pending.extend(inner_statements(statement))
        final = self.ctx.module_final
        self._module_values = {
            name: value
            for name, value in values.items()
            if counts.get(name) == 1
            and final.get(name) == ASSIGNED
            # `_table = None`, set later by a getter's `global _table`: not what it holds.
            and not (isinstance(value, cst.Name) and value.value == "None")
        }

    # -- functions ------------------------------------------------------------------------------
    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._frames.append(_Frame(node))

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        if self._frames and self._frames[-1].function is original_node:
            self._frames.pop()
            if not self._frames:
                self._counted.clear()

    @property
    def _frame(self) -> _Frame | None:
        return self._frames[-1] if self._frames else None

    # -- data flow: where the read's data goes ----------------------------------------------------
    def _uses(self, frame: _Frame, roots: Iterable[cst.CSTNode]) -> set[int]:
        """The reads whose data the variables used in `roots` hold.

        Walked on demand, only in a function that holds read data, instead of a
        `visit_Name` on every name of every module. Nested flows already counted their
        part (`self._counted`); names that are not variables read here (an attribute
        name, a keyword, a comprehension or walrus target, a lambda parameter) are not
        followed."""
        taint = frame.taint
        found: set[int] = set()
        counted = self._counted
        pending = list(roots)
        while pending:
            node = pending.pop()
            if id(node) in counted:
                continue
            if isinstance(node, cst.Name):
                sources = taint.get(node.value)
                if sources:
                    found.update(sources)
            elif isinstance(node, (cst.Attribute, cst.Arg, cst.NamedExpr)):
                pending.append(node.value)
            elif isinstance(node, cst.CompFor):
                pending.append(node.iter)
                pending.extend(node.ifs)
                if node.inner_for_in is not None:
                    pending.append(node.inner_for_in)
            elif isinstance(node, cst.Lambda):
                pending.append(node.body)
            else:
                pending.extend(node.children)
        return found

    def _open(self, flow: _Flow) -> None:
        self._flows.append(flow)

    def _close(
        self, node: cst.CSTNode, kind: str, roots: Iterable[cst.CSTNode] = ()
    ) -> _Flow | None:
        """Close the flow `node` opened (if it did): add the read data that the variables
        used in `roots` (its own expressions) hold, and pass what it collected outwards."""
        flows = self._flows
        if not flows or flows[-1].node is not node or flows[-1].kind != kind:
            return None
        flow = flows.pop()
        frame = self._frames[-1] if self._frames else None
        if frame is not None and frame.taint:
            flow.sources |= self._uses(frame, roots)
        self._counted.add(id(node))
        if flows and flow.sources:
            flows[-1].sources.update(flow.sources)
        return flow

    def visit_Assign(self, node: cst.Assign) -> None:
        if self._frames:
            self._open(_Flow(node, "bind"))

    def leave_Assign(self, original_node: cst.Assign) -> None:
        flow = self._close(original_node, "bind", (original_node.value,))
        if flow is None:
            return
        single = len(original_node.targets) == 1
        for target in original_node.targets:
            self._bind(target.target, flow.sources, original_node.value if single else None)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if self._frames and node.value is not None:
            self._open(_Flow(node, "bind"))

    def leave_AnnAssign(self, original_node: cst.AnnAssign) -> None:
        value = original_node.value
        flow = self._close(original_node, "bind", (value,) if value is not None else ())
        if flow is not None:
            self._bind(original_node.target, flow.sources, original_node.value)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        if self._frames:
            self._open(_Flow(node, "bind"))

    def leave_AugAssign(self, original_node: cst.AugAssign) -> None:
        # `total += line["price"]`: the target's own data stays in it.
        flow = self._close(original_node, "bind", (original_node.target, original_node.value))
        if flow is not None:
            self._bind(original_node.target, flow.sources, None)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if self._frames:
            self._open(_Flow(node, "bind"))

    def leave_NamedExpr(self, original_node: cst.NamedExpr) -> None:
        flow = self._close(original_node, "bind", (original_node.value,))
        if flow is not None:
            self._bind(original_node.target, flow.sources, original_node.value)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if self._frames and node.asname is not None:
            self._open(_Flow(node, "bind"))

    def leave_WithItem(self, original_node: cst.WithItem) -> None:
        flow = self._close(original_node, "bind", (original_node.item,))
        if flow is not None and original_node.asname is not None:
            self._bind(original_node.asname.name, flow.sources, None)

    def visit_For(self, node: cst.For) -> None:
        if self._frames:
            self._open(_Flow(node.body, "for", owner=node))

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self._enter_loop_body(node)

    def visit_SimpleStatementSuite(self, node: cst.SimpleStatementSuite) -> None:
        self._enter_loop_body(node)

    def _enter_loop_body(self, node: cst.CSTNode) -> None:
        """The loop's iterable has been visited: its data goes to the loop target."""
        flows = self._flows
        if not flows or flows[-1].node is not node:
            return
        owner = flows[-1].owner
        roots = (owner.iter,) if isinstance(owner, cst.For) else ()
        flow = self._close(node, "for", roots)
        if flow is not None and isinstance(flow.owner, cst.For):
            self._bind(flow.owner.target, flow.sources, None)

    def _bind(
        self,
        target: cst.BaseExpression,
        sources: set[int],
        value: cst.BaseExpression | None,
    ) -> None:
        frame = self._frame
        if frame is None:
            return
        if isinstance(target, cst.Name):
            name = target.value
            frame.values[name] = value
            previous = frame.taint.get(name)
            if previous is not None and self._in_branch(frame):
                # Assigned in a branch: on the other path it still holds the read's data.
                sources = sources | previous
            if sources:
                frame.taint[name] = frozenset(sources)
            else:
                frame.taint.pop(name, None)
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value, sources, None)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value, sources, None)
        elif isinstance(target, cst.Subscript) and sources:
            self._taint_in_place(frame, target, sources)

    @staticmethod
    def _taint_in_place(frame: _Frame, changed: cst.BaseExpression, sources: set[int]) -> None:
        """`item["status"] = ...`, `item["lines"].append(...)`: the object named at the
        root now holds data of the read too. (Attributes, `self.x`, are not followed.)"""
        while isinstance(changed, cst.Subscript):
            changed = changed.value
        if isinstance(changed, cst.Name):
            name = changed.value
            frame.taint[name] = frame.taint.get(name, frozenset()) | sources

    def _in_branch(self, frame: _Frame) -> bool:
        for parent in reversed(self.ctx.parents):
            if parent is frame.function:
                return False
            if isinstance(parent, _BRANCHES):
                return True
        return False

    # -- calls ------------------------------------------------------------------------------------
    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if not self._frames or type(func) is not cst.Attribute:
            return
        method = func.attr.value
        if method in _WRITES:
            keywords = _keywords(node, method)
            if keywords is not None:
                write = _Write(node, method, keywords[0], keywords[1])
                self._open(_Flow(node, "write", write=write))
        elif method in _MUTATORS:
            self._open(_Flow(node, "mutate"))

    def leave_Call(self, original_node: cst.Call) -> None:
        func = original_node.func
        if not self._frames or type(func) is not cst.Attribute:
            return
        frame = self._frames[-1]
        method = func.attr.value
        if method == _READ:
            self._record_read(frame, original_node)
        elif method in _WRITES:
            flow = self._close(original_node, "write")
            if flow is not None and flow.write is not None:
                self._check_write(frame, flow.write, flow.sources)
        elif method in _MUTATORS:
            flow = self._close(original_node, "mutate", original_node.args)
            if flow is not None and flow.sources:
                self._taint_in_place(frame, func.value, flow.sources)

    # -- reads ------------------------------------------------------------------------------------
    def _record_read(self, frame: _Frame, call: cst.Call) -> None:
        found = _keywords(call, _READ)
        if found is None:
            return
        keywords, splat = found
        table = self._table_of(call, keywords)
        if table is None or (splat and "Key" not in keywords and table[0] != "name"):
            # `x.get_item(**params)`: DynamoDB only if x is visibly a Table.
            return
        key_arg = keywords.get("Key")
        key = self._dict_statics(key_arg.value) if key_arg is not None else {}
        frame.reads.append(_Read(call, table, key))
        index = len(frame.reads) - 1
        flows = self._flows
        if not flows:
            return
        write = flows[-1].write
        if flows[-1].kind == "write" and write is not None:
            write.nested.append((index, *self._place_in(write.call)))
        else:  # the response goes wherever the call's value goes
            flows[-1].sources.add(index)

    def _place_in(self, call: cst.Call) -> tuple[str | None, str | None]:
        """Where the node being left sits in `call`: the argument's keyword and, in a dict
        literal argument, the entry's key."""
        parents = self.ctx.parents
        for index in range(len(parents) - 1, -1, -1):
            if parents[index] is not call:
                continue
            below = parents[index + 1 : index + 4]
            arg = below[0] if below else None
            if not isinstance(arg, cst.Arg) or arg.keyword is None:
                return None, None
            entry = below[2] if len(below) > 2 and isinstance(below[1], cst.Dict) else None
            label = _string(entry.key) if isinstance(entry, cst.DictElement) else None
            return arg.keyword.value, label
        return None, None

    # -- writes -------------------------------------------------------------------------------
    def _check_write(self, frame: _Frame, write: _Write, passed_on: set[int]) -> None:
        """`passed_on`: reads that nested flows (a walrus, `x.update(...)`) passed to the
        write; they count for every argument."""
        if not frame.reads or write.splat:
            return
        keywords = write.keywords
        if write.method == "transact_write_items":
            self._check_transaction(frame, write, passed_on)
            return
        if _has_condition(keywords):
            return
        table = self._table_of(write.call, keywords)
        if table is None:
            return
        candidates = [index for index, read in enumerate(frame.reads) if read.table == table]
        if not candidates:
            return
        if write.method == "put_item":
            item = keywords["Item"]
            written_key = self._dict_statics(item.value)
        else:
            written_key = self._dict_statics(keywords["Key"].value)
        fed: list[int] = []
        for index in candidates:
            read = frame.reads[index]
            if _different_items(read.key, written_key):
                continue
            if index in passed_on or index in self._value_sources(frame, write, read):
                fed.append(index)
        if fed:
            self._report(frame, write, frame.reads[max(fed)])

    def _value_sources(self, frame: _Frame, write: _Write, read: _Read) -> set[int]:
        """The reads whose data reaches the values `write` stores (not its key)."""
        if write.method == "put_item":
            return self._argument_sources(frame, write, "Item", exclude=set(read.key))
        sources: set[int] = set()
        expression = write.keywords.get("UpdateExpression")
        if expression is not None:
            text = self._string_value(expression.value)
            plain = plain_set_placeholders(text) if text is not None else None
            if plain:
                if any(DYNAMIC in placeholder for placeholder in plain):
                    sources |= self._argument_sources(frame, write, "ExpressionAttributeValues")
                else:
                    sources |= self._argument_sources(
                        frame, write, "ExpressionAttributeValues", only=plain
                    )
        updates = write.keywords.get("AttributeUpdates")
        if updates is not None and not self._only_atomic_updates(updates.value):
            sources |= self._argument_sources(frame, write, "AttributeUpdates")
        return sources

    def _argument_sources(
        self,
        frame: _Frame,
        write: _Write,
        keyword: str,
        *,
        exclude: set[str] | None = None,
        only: frozenset[str] | None = None,
    ) -> set[int]:
        """The reads whose data reaches argument `keyword`; of a dict literal, only the
        entries whose key is not in `exclude` and (if given) is in `only`."""

        def counts(label: str | None) -> bool:
            if label is None:  # `**other`, a computed key: it may be anything
                return True
            return (exclude is None or label not in exclude) and (only is None or label in only)

        sources = {
            index
            for index, nested_keyword, label in write.nested
            if nested_keyword == keyword and counts(label)
        }
        arg = write.keywords.get(keyword)
        if arg is None or not frame.taint:
            return sources
        value = arg.value
        if not isinstance(value, cst.Dict):  # not a dict literal: all of it counts
            return sources | self._uses(frame, (value,))
        roots = [
            element.value
            for element in value.elements
            if counts(_string(element.key) if isinstance(element, cst.DictElement) else None)
        ]
        return sources | self._uses(frame, roots)

    def _only_atomic_updates(self, node: cst.BaseExpression) -> bool:
        """Legacy `AttributeUpdates={"n": {"Action": "ADD", "Value": 1}}`: only ADD and
        DELETE actions (PUT, the default, stores a value computed by the caller)."""
        node = self._follow(node)[0]
        if not isinstance(node, cst.Dict):
            return False
        for element in node.elements:
            if not isinstance(element, cst.DictElement):
                return False
            update = self._follow(element.value)[0]
            if not isinstance(update, cst.Dict):
                return False
            action = next(
                (
                    _string(entry.value)
                    for entry in update.elements
                    if isinstance(entry, cst.DictElement) and _string(entry.key) == "Action"
                ),
                "PUT",
            )
            if action not in ("ADD", "DELETE"):
                return False
        return True

    def _check_transaction(self, frame: _Frame, write: _Write, passed_on: set[int]) -> None:
        """`transact_write_items` with Put/Update actions that store data of a read of the
        same table, and no condition anywhere in the transaction."""
        items = self._follow(write.keywords["TransactItems"].value)[0]
        if not isinstance(items, (cst.List, cst.Tuple)):
            return
        tables: set[TableKey] = set()
        for element in items.elements:
            entry = self._follow(element.value)[0]
            if not isinstance(entry, cst.Dict):
                return  # actions built elsewhere: cannot tell whether they are conditional
            for action in entry.elements:
                if not isinstance(action, cst.DictElement):
                    return
                kind = _string(action.key)
                if kind == "ConditionCheck":
                    return
                body = self._follow(action.value)[0]
                if not isinstance(body, cst.Dict):
                    return
                fields = _dict_fields(body)
                if fields is None or "ConditionExpression" in fields:
                    return
                name = fields.get("TableName")
                if kind not in ("Put", "Update") or name is None:
                    continue
                if kind == "Update":
                    expression = fields.get("UpdateExpression")
                    text = self._string_value(expression) if expression is not None else None
                    if not (text is not None and plain_set_placeholders(text)):
                        continue
                tables.add(("name", self._text(name)))
        sources = passed_on | self._argument_sources(frame, write, "TransactItems")
        fed = [
            index
            for index, read in enumerate(frame.reads)
            if read.table in tables and index in sources
        ]
        if fed:
            self._report(frame, write, frame.reads[max(fed)])

    def _report(self, frame: _Frame, write: _Write, read: _Read) -> None:
        ctx = self.ctx
        func = write.call.func
        read_func = read.call.func
        assert isinstance(func, cst.Attribute) and isinstance(read_func, cst.Attribute)
        parents = ctx.parents
        if len(parents) > 1:
            ctx.positions.prepare(parents[1])
        line = ctx.positions.start(read_func.attr).row
        ctx.report(
            self,
            func.attr,
            f"`{write.method}` without a `ConditionExpression` writes back data that "
            f"`get_item` reads at line {line}: a concurrent invocation's change in between "
            "is silently lost (check a version attribute)",
            per_invocation=True,
        )

    # -- which table ------------------------------------------------------------------------------
    def _table_of(self, call: cst.Call, keywords: dict[str, cst.Arg]) -> TableKey | None:
        table_name = keywords.get("TableName")
        if table_name is not None:
            return ("name", self._text(table_name.value))
        receiver = _receiver(call)
        resolved, module_only = self._follow(receiver)
        # `dynamodb.Table(name)`: the table is known by its name.
        if (
            isinstance(resolved, cst.Call)
            and isinstance(resolved.func, cst.Attribute)
            and resolved.func.attr.value == "Table"
            and len(resolved.args) == 1
            and (resolved.args[0].keyword is None or resolved.args[0].keyword.value == "name")
        ):
            return ("name", self._text(resolved.args[0].value, module_only))
        return ("object", self._text(receiver))

    def _follow(
        self, node: cst.BaseExpression, module_only: bool = False
    ) -> tuple[cst.BaseExpression, bool]:
        """Follow a name to the expression it was assigned (in this function, else at
        module level); `module_only` says the result's own names are module-level ones."""
        for _ in range(_MAX_HOPS):
            if not isinstance(node, cst.Name):
                break
            bound, inner = self._bound_value(node.value, module_only)
            if bound is None:
                break
            node, module_only = bound, inner
        return node, module_only

    def _bound_value(self, name: str, module_only: bool) -> tuple[cst.BaseExpression | None, bool]:
        if not module_only:
            frame = self._frame
            if frame is not None and name in frame.values:
                return frame.values[name], False
            scope = self.ctx.binding_scope(name)
            if scope is not None and scope.kind == "function":
                return None, False  # a parameter, or bound in a way not followed
        return self._module_values.get(name), True

    def _text(self, node: cst.BaseExpression, module_only: bool = False) -> str:
        """The text of an expression with names replaced by what they stand for, so that
        `TABLE` and `os.environ["T"]`, `'t'` and `"t"` compare equal. A name is followed
        at most _MAX_HOPS deep and at most _TEXT_BUDGET nodes are spelt out (`x = f(x, x)`
        would otherwise grow exponentially)."""
        budget = [_TEXT_BUDGET]

        def text(node: cst.BaseExpression, module_only: bool, hops: int) -> str:
            budget[0] -= 1
            if budget[0] < 0 or hops > _MAX_HOPS:
                return "..."
            if isinstance(node, cst.Name):
                bound, inner = self._bound_value(node.value, module_only)
                if bound is not None:
                    return text(bound, inner, hops + 1)
                return self._imported_as(node.value, module_only) or node.value
            if isinstance(node, cst.Attribute):
                return f"{text(node.value, module_only, hops)}.{node.attr.value}"
            if isinstance(node, cst.Call):
                arguments = ", ".join(
                    (f"{arg.keyword.value}=" if arg.keyword is not None else arg.star)
                    + text(arg.value, module_only, hops)
                    for arg in node.args
                )
                return f"{text(node.func, module_only, hops)}({arguments})"
            if isinstance(node, cst.Subscript):
                indexes = ", ".join(
                    text(element.slice.value, module_only, hops)
                    if isinstance(element.slice, cst.Index)
                    else self.ctx.module.code_for_node(element.slice)
                    for element in node.slice
                )
                return f"{text(node.value, module_only, hops)}[{indexes}]"
            value = _string(node)
            if value is not None:
                return repr(value)
            return " ".join(self.ctx.module.code_for_node(node).split())

        return text(node, module_only, 0)

    def _imported_as(self, name: str, module_only: bool) -> str | None:
        ctx = self.ctx
        if module_only:
            final = ctx.module_final.get(name)
            return final if final not in (None, DEFINED, ASSIGNED) else None
        return ctx.lookup(name) if ctx.is_import_bound(name) else None

    # -- which item --------------------------------------------------------------------------
    def _dict_statics(self, node: cst.BaseExpression) -> dict[str, Static | None]:
        """For a dict literal: each string key -> what is statically known of its value."""
        resolved = self._follow(node)[0]
        if not isinstance(resolved, cst.Dict):
            return {}
        found: dict[str, Static | None] = {}
        for element in resolved.elements:
            if isinstance(element, cst.DictElement):
                key = _string(element.key)
                if key is not None:
                    found[key] = self._static(element.value)
        return found

    def _static(self, node: cst.BaseExpression, depth: int = 0) -> Static | None:
        """What is known of a key value's text: all of it, or a prefix (`f"ORDER#{id}"`,
        `"DT#" + stamp`, `"DT#%s" % stamp`, `"DT#{}".format(stamp)` -> "...#")."""
        if depth > _MAX_HOPS:
            return None
        node = self._follow(node)[0]
        if isinstance(node, cst.Integer):
            return (node.value, True)
        if isinstance(node, cst.Dict) and len(node.elements) == 1:
            # The low-level client's `{"S": value}`.
            element = node.elements[0]
            if isinstance(element, cst.DictElement) and _string(element.key) in _SCALAR_TYPES:
                return self._static(element.value, depth + 1)
            return None
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                left = self._static(node.left, depth + 1)
                if left is None or not left[1]:
                    return left
                right = self._static(node.right, depth + 1)
                if right is None:
                    return (left[0], False) if left[0] else None
                return (left[0] + right[0], right[1])
            if isinstance(node.operator, cst.Modulo):
                return _prefix_before(_string(node.left), "%")
            return None
        if (
            isinstance(node, cst.Call)
            and isinstance(node.func, cst.Attribute)
            and node.func.attr.value == "format"
        ):
            return _prefix_before(_string(node.func.value), "{")
        text = _string_parts(node)
        if text is None:
            return None
        value, complete = text
        return (value, complete) if complete or value else None

    def _string_value(self, node: cst.BaseExpression, depth: int = 0) -> str | None:
        """The text of a string expression, with `{...}` parts of f-strings as DYNAMIC."""
        node = self._follow(node)[0]
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            if depth > _MAX_HOPS:
                return None
            left = self._string_value(node.left, depth + 1)
            right = self._string_value(node.right, depth + 1)
            return left + right if left is not None and right is not None else None
        if isinstance(node, cst.FormattedString):
            return "".join(
                part.value if isinstance(part, cst.FormattedStringText) else DYNAMIC
                for part in node.parts
            )
        if isinstance(node, cst.ConcatenatedString):
            left = self._string_value(node.left, depth + 1)
            right = self._string_value(node.right, depth + 1)
            return left + right if left is not None and right is not None else None
        return _string(node)


# -- small helpers ---------------------------------------------------------------------------------
def _keywords(call: cst.Call, method: str) -> tuple[dict[str, cst.Arg], bool] | None:
    """The keyword arguments of a boto3-shaped call (and whether it has `**kwargs`), or
    None when the call cannot be the DynamoDB operation."""
    keywords: dict[str, cst.Arg] = {}
    splat = False
    for arg in call.args:
        if arg.star == "**":
            splat = True
        elif arg.keyword is None:
            return None
        else:
            keywords[arg.keyword.value] = arg
    if _REQUIRED[method] not in keywords and not splat:
        return None
    return keywords, splat


def _has_condition(keywords: dict[str, cst.Arg]) -> bool:
    if "Expected" in keywords:
        return True
    condition = keywords.get("ConditionExpression")
    return condition is not None and not (
        isinstance(condition.value, cst.Name) and condition.value.value == "None"
    )


def _receiver(call: cst.Call) -> cst.BaseExpression:
    func = call.func
    assert isinstance(func, cst.Attribute)
    return func.value


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _string_parts(node: cst.BaseExpression) -> Static | None:
    """A string literal's text (complete), or an f-string's text up to its first `{...}`."""
    value = _string(node)
    if value is not None:
        return (value, True)
    if isinstance(node, cst.FormattedString):
        prefix: list[str] = []
        for part in node.parts:
            if not isinstance(part, cst.FormattedStringText):
                return ("".join(prefix), False)
            prefix.append(part.value)
        return ("".join(prefix), True)
    return None


def _prefix_before(template: str | None, marker: str) -> Static | None:
    """The fixed start of a `%` or `.format` template (a shorter prefix claims less)."""
    if template is None:
        return None
    prefix = template.split(marker, 1)[0]
    return (prefix, False) if prefix else None


def _different_items(read: dict[str, Static | None], written: dict[str, Static | None]) -> bool:
    """Do the key attributes certainly differ (`"PROFILE"` against `f"ORDER#{id}"`)?"""
    for name, known in read.items():
        other = written.get(name)
        if known is None or other is None:
            continue
        (text, whole), (other_text, other_whole) = known, other
        if whole and other_whole:
            if text != other_text:
                return True
        elif whole:
            if not text.startswith(other_text):
                return True
        elif other_whole:
            if not other_text.startswith(text):
                return True
        elif not (text.startswith(other_text) or other_text.startswith(text)):
            return True
    return False


def _dict_fields(node: cst.Dict) -> dict[str, cst.BaseExpression] | None:
    fields: dict[str, cst.BaseExpression] = {}
    for element in node.elements:
        if not isinstance(element, cst.DictElement):
            return None
        key = _string(element.key)
        if key is None:
            return None
        fields[key] = element.value
    return fields
