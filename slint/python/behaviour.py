"""The Python front end of `slint.facts`: what each function of a module does.

It reads the module with the standard library's `ast`, which gives every node its
position for free (libcst computes positions only by generating the code again, which
costs more than the parse), and is about a tenth of libcst's parse. Names are resolved
the way `slint.python.context` resolves them for code rules: through imports, aliases
and the assignments a function makes before the call.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace

from slint.diagnostics import Location
from slint.facts import (
    Argument,
    Behaviour,
    Call,
    Condition,
    ExceptClause,
    Loop,
    Raise,
    Return,
    Skip,
    Span,
    Try,
    Value,
    placed,
)
from slint.fixes import split_lines

_TEXT_LIMIT = 160
_BROAD = frozenset({"Exception", "BaseException", "builtins.Exception", "builtins.BaseException"})
# Calls that build an SDK client or resource whose first argument names the service.
_SDK_FACTORIES = frozenset({"client", "resource"})
_SDK_ROOTS = ("boto3", "aioboto3", "aiobotocore", "botocore")
# Resource sub-objects: `dynamodb.Table(name)` holds the service "dynamodb.Table".
_RESOURCE_OBJECTS = frozenset({"Table", "Bucket", "Object", "Queue", "Topic", "ObjectSummary"})
_ENV_GETTERS = frozenset({"os.getenv", "os.environ.get"})
# Calls that return their argument in another form.
_DECODERS = frozenset(
    {"urllib.parse.unquote_plus", "urllib.parse.unquote", "str", "urllib.unquote_plus"}
)


# The key of the module's own top-level code in `behaviours`' answer (no function can
# be named so).
MODULE_KEY = "<module>"


def behaviours(source: str, tree: ast.Module | None = None) -> dict[str, Behaviour]:
    """The behaviour of every function of a module, by function key ("handler",
    "Repo.save", "outer.inner"); {} when `ast` cannot read the module. `tree` is the
    module's `ast` when the caller has it already."""
    if tree is None:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return {}
    try:
        return _Module(source, tree).run()
    except RecursionError:
        return {}


@dataclass
class _Scope:
    """Names bound while a function runs, in statement order."""

    values: dict[str, Value] = field(default_factory=dict)
    order: list[tuple[str, Value]] = field(default_factory=list)
    params: set[str] = field(default_factory=set)

    def bind(self, name: str, value: Value) -> None:
        self.values[name] = value
        self.order.append((name, value))


class _Module:
    def __init__(self, source: str, tree: ast.Module) -> None:
        self.tree = tree
        # Lines as ast numbers them (`str.splitlines` also breaks at \f, \x1c, \u2028...).
        self.lines = split_lines(source)
        self._encoded: dict[int, bytes] = {}
        self.imports: dict[str, str] = {}
        self.globals = _Scope()
        self.found: dict[str, Behaviour] = {}

    # -- positions and text ---------------------------------------------------------
    def _line_bytes(self, row: int) -> bytes:
        encoded = self._encoded.get(row)
        if encoded is None:
            text = self.lines[row - 1] if 0 < row <= len(self.lines) else ""
            encoded = self._encoded[row] = text.encode("utf-8", errors="surrogatepass")
        return encoded

    def _column(self, row: int, offset: int) -> int:
        """ast's UTF-8 byte offset as a 1-based character column."""
        text = self.lines[row - 1] if 0 < row <= len(self.lines) else ""
        if text.isascii():
            return offset + 1
        return len(self._line_bytes(row)[:offset].decode("utf-8", errors="replace")) + 1

    def span(self, node: ast.AST) -> Span:
        row = getattr(node, "lineno", 1)
        end_row = getattr(node, "end_lineno", None) or row
        start = Location(row, self._column(row, getattr(node, "col_offset", 0)))
        end_offset = getattr(node, "end_col_offset", None)
        end = Location(end_row, self._column(end_row, end_offset)) if end_offset else start
        return Span(start, end)

    def text(self, node: ast.AST) -> str:
        row, end_row = getattr(node, "lineno", 0), getattr(node, "end_lineno", 0)
        start, end = getattr(node, "col_offset", 0), getattr(node, "end_col_offset", 0)
        if not row or not end_row:
            return ""
        if row == end_row:
            raw = self._line_bytes(row)[start:end]
        else:
            parts = [self._line_bytes(row)[start:]]
            parts.extend(self._line_bytes(r) for r in range(row + 1, end_row))
            parts.append(self._line_bytes(end_row)[:end])
            raw = b"".join(parts)
        text = " ".join(raw.decode("utf-8", errors="replace").split())
        return text if len(text) <= _TEXT_LIMIT else text[: _TEXT_LIMIT - 3] + "..."

    # -- the module -----------------------------------------------------------------
    def run(self) -> dict[str, Behaviour]:
        body = self.tree.body
        for statement in _module_statements(body):
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                self.imports.update(_import_bindings(statement))
        for statement in _module_statements(body):
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None:
                value = _Function(self, None, self.globals).evaluate(statement.value)
                targets = (
                    statement.targets if isinstance(statement, ast.Assign) else [statement.target]
                )
                for target in targets:
                    if isinstance(target, ast.Name):
                        self.globals.bind(target.id, replace(value, text=target.id))
        self._definitions(body, "", None)
        # What the module does when it is loaded: module-level statements (not the
        # bodies of its functions and classes), as one more "function".
        self.found[MODULE_KEY] = _Function(self, None, _Scope()).run_statements(body)
        return self.found

    def _definitions(
        self, body: Sequence[ast.stmt], prefix: str, attributes: dict[str, Value] | None
    ) -> None:
        for statement in body:
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                key = f"{prefix}{statement.name}"
                self.found[key] = _Function(self, statement, _Scope(), attributes).run()
                self._definitions(statement.body, key + ".", None)
            elif isinstance(statement, ast.ClassDef):
                key = f"{prefix}{statement.name}"
                self._definitions(statement.body, key + ".", self._attributes(statement))
            elif (
                isinstance(
                    statement, (ast.If, ast.Try, ast.With, ast.For, ast.While, ast.AsyncWith)
                )
                or type(statement).__name__ == "TryStar"
            ):
                self._definitions(list(_child_statements(statement)), prefix, attributes)

    def _attributes(self, cls: ast.ClassDef) -> dict[str, Value]:
        """`self.x = ...` in the class's methods (`__init__` first), as "self.x"."""
        found: dict[str, Value] = {}
        methods = [s for s in cls.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))]
        methods.sort(key=lambda method: method.name != "__init__")
        for method in methods:
            reader = _Function(self, method, _Scope(), found)
            for node in ast.walk(method):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if (
                            isinstance(target, ast.Attribute)
                            and isinstance(target.value, ast.Name)
                            and target.value.id == "self"
                            and f"self.{target.attr}" not in found
                        ):
                            value = reader.evaluate(node.value)
                            found[f"self.{target.attr}"] = replace(
                                value, text=f"self.{target.attr}"
                            )
        for statement in cls.body:
            if isinstance(statement, ast.Assign) and statement.value is not None:
                reader = _Function(self, None, _Scope(), found)
                for target in statement.targets:
                    if isinstance(target, ast.Name):
                        found.setdefault(f"self.{target.id}", reader.evaluate(statement.value))
        return found


@dataclass
class _Where:
    loops: tuple[int, ...] = ()
    tries: tuple[int, ...] = ()
    handler: tuple[int, int] | None = None
    conditions: tuple[int, ...] = ()


class _Function:
    """Reads one function body, statement by statement, in order."""

    def __init__(
        self,
        module: _Module,
        node: ast.FunctionDef | ast.AsyncFunctionDef | None,
        scope: _Scope,
        attributes: dict[str, Value] | None = None,
    ) -> None:
        self.module = module
        self.node = node
        self.scope = scope
        self.attributes = attributes or {}
        self.calls: list[Call] = []
        self.loops: list[Loop] = []
        self.tries: list[Try] = []
        self.returns: list[Return] = []
        self.raises: list[Raise] = []
        self.skips: list[Skip] = []
        self.conditions: list[Condition] = []
        self._awaited: set[int] = set()
        if node is not None:
            args = node.args
            for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
                if arg is not None:
                    scope.params.add(arg.arg)
                    scope.values[arg.arg] = Value(text=arg.arg, event_path=arg.arg)

    def run_statements(self, body: Sequence[ast.stmt]) -> Behaviour:
        """The behaviour of statements outside any function (a module's top level)."""
        self._block(body, _Where())
        return Behaviour(
            calls=tuple(self.calls),
            loops=tuple(self.loops),
            tries=tuple(self.tries),
            skips=tuple(self.skips),
            conditions=tuple(self.conditions),
            locals=tuple(self.scope.order),
        )

    def run(self) -> Behaviour:
        node = self.node
        assert node is not None
        self._block(node.body, _Where())
        args = node.args
        parameters = tuple(a.arg for a in (*args.posonlyargs, *args.args))
        name_span = self._name_span(node)
        return Behaviour(
            span=name_span,
            parameters=parameters,
            calls=tuple(self.calls),
            loops=tuple(self.loops),
            tries=tuple(self.tries),
            returns=tuple(self.returns),
            raises=tuple(self.raises),
            skips=tuple(self.skips),
            conditions=tuple(self.conditions),
            locals=tuple(self.scope.order),
        )

    def _name_span(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> Span:
        """The span of the function's name (`def` line, after `def ` / `async def `)."""
        row = node.lineno
        text = self.module.lines[row - 1] if 0 < row <= len(self.module.lines) else ""
        column = text.find(node.name, node.col_offset if text.isascii() else 0)
        start = Location(row, 1) if column < 0 else Location(row, column + 1)
        return Span(start, Location(row, start.column + len(node.name)))

    # -- names ------------------------------------------------------------------------
    def qualify(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            bound = self.scope.values.get(node.id)
            if bound is None and node.id not in self.scope.params:
                imported = self.module.imports.get(node.id)
                if imported is not None:
                    return imported
                bound = self.module.globals.values.get(node.id)
            if bound is not None and bound.origin is not None:
                return bound.origin
            return node.id
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                held = self.attributes.get(f"self.{node.attr}")
                if held is not None and held.origin is not None:
                    return held.origin
            base = self.qualify(node.value)
            return f"{base}.{node.attr}" if base is not None else None
        if isinstance(node, ast.Call):
            func = self.qualify(node.func)
            return f"{func}()" if func is not None else None
        if isinstance(node, ast.Await):
            return self.qualify(node.value)
        return None

    def lookup(self, name: str) -> Value | None:
        value = self.scope.values.get(name)
        if value is None and name not in self.scope.params:
            value = self.module.globals.values.get(name)
        return value

    # -- values ------------------------------------------------------------------------
    def evaluate(self, node: ast.expr) -> Value:
        module = self.module
        text = module.text(node)
        if isinstance(node, ast.Constant):
            literal = node.value if isinstance(node.value, (str, int, float, bool)) else None
            string = node.value if isinstance(node.value, str) else None
            return Value(text, literal, True, string, string)
        if isinstance(node, ast.Await):
            return replace(self.evaluate(node.value), text=text)
        if isinstance(node, ast.Name):
            bound = self.lookup(node.id)
            if bound is not None:
                return replace(bound, text=node.id, names=(node.id, *bound.names))
            imported = module.imports.get(node.id)
            return Value(node.id, names=(imported or node.id,))
        if isinstance(node, ast.JoinedStr):
            return self._joined(node, text)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Mod)):
            left, right = self.evaluate(node.left), self.evaluate(node.right)
            prefix = left.prefix
            suffix = right.suffix if isinstance(node.op, ast.Add) else None
            if isinstance(node.op, ast.Mod) and prefix is not None:
                prefix = prefix.partition("%")[0]  # `"thumbs/%s" % key`
            return Value(text, prefix=prefix, suffix=suffix, names=(*left.names, *right.names))
        if isinstance(node, ast.Dict):
            items: list[tuple[str, Value]] = []
            read: list[str] = []
            for key, item in zip(node.keys, node.values, strict=True):
                value = self.evaluate(item)
                read.extend(value.names)
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    items.append((key.value, replace(value, span=module.span(item))))
            return Value(
                text, keys=tuple(k for k, _ in items), items=tuple(items), names=tuple(read)
            )
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            elements = tuple(
                replace(self.evaluate(element), span=module.span(element))
                for element in node.elts
                if not isinstance(element, ast.Starred)
            )
            # What it reads, as before elements were kept (rules match on these names).
            return Value(text, elements=elements, names=tuple(self._names(node)))
        if isinstance(node, ast.Subscript):
            base = self.evaluate(node.value)
            key = node.slice
            qualified = self.qualify(node.value)
            if qualified == "os.environ" and isinstance(key, ast.Constant):
                return Value(text, env=str(key.value), names=("os.environ",))
            path = None
            if base.event_path is not None:
                if isinstance(key, ast.Constant) and isinstance(key.value, str):
                    path = f"{base.event_path}.{key.value}"
                elif isinstance(key, ast.Constant) and isinstance(key.value, int):
                    path = f"{base.event_path}[]"
            return Value(text, event_path=path, names=(*base.names, *self._names(key)))
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
                held = self.attributes.get(f"self.{node.attr}")
                if held is not None:
                    return replace(held, text=text)
            base = self.evaluate(node.value)
            path = f"{base.event_path}.{node.attr}" if base.event_path is not None else None
            qualified = self.qualify(node)
            return Value(
                text, event_path=path, names=(qualified or text,), service=None, origin=None
            )
        if isinstance(node, ast.Call):
            return self._call_value(node, text)
        if isinstance(node, (ast.BoolOp, ast.IfExp)):
            parts = node.values if isinstance(node, ast.BoolOp) else [node.body, node.orelse]
            values = [self.evaluate(part) for part in parts]
            first = values[0]
            return Value(
                text,
                env=first.env,
                event_path=first.event_path,
                service=first.service,
                origin=first.origin,
                names=tuple(name for value in values for name in value.names),
            )
        return Value(text, names=tuple(self._names(node)))

    def _joined(self, node: ast.JoinedStr, text: str) -> Value:
        pieces = node.values
        prefix = ""
        for piece in pieces:
            if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                prefix += piece.value
            else:
                break
        suffix = ""
        for piece in reversed(pieces):
            if isinstance(piece, ast.Constant) and isinstance(piece.value, str):
                suffix = piece.value + suffix
            else:
                break
        names: list[str] = []
        for piece in pieces:
            if isinstance(piece, ast.FormattedValue):
                names.extend(self.evaluate(piece.value).names)
        return Value(text, prefix=prefix, suffix=suffix, names=tuple(names))

    def _call_value(self, node: ast.Call, text: str) -> Value:
        func = node.func
        qualified = self.qualify(func)
        origin = f"{qualified}()" if qualified is not None else None
        arguments = [self.evaluate(arg) for arg in node.args]
        keywords = {
            kw.arg: replace(self.evaluate(kw.value), span=self.module.span(kw.value))
            for kw in node.keywords
            if kw.arg
        }
        names = tuple(name for value in (*arguments, *keywords.values()) for name in value.names)
        if qualified in _ENV_GETTERS and arguments and isinstance(arguments[0].literal, str):
            return Value(text, env=arguments[0].literal, names=(qualified,))
        service = None
        event_path = None
        if isinstance(func, ast.Attribute):
            receiver = self.evaluate(func.value)
            method = func.attr
            if method in _SDK_FACTORIES and _is_sdk(qualified):
                named = keywords.get("service_name") or (arguments[0] if arguments else None)
                if named is not None and isinstance(named.literal, str):
                    service = named.literal
            elif method in _RESOURCE_OBJECTS and receiver.service in (
                "dynamodb",
                "s3",
                "sqs",
                "sns",
            ):
                service = f"{receiver.service}.{method}"
            elif method == "Object" and receiver.service == "s3.Bucket":
                service = "s3.Object"  # `s3.Bucket(b).Object(k)`
            elif (
                method == "get"
                and receiver.event_path is not None
                and arguments
                and isinstance(arguments[0].literal, str)
            ):
                event_path = f"{receiver.event_path}.{arguments[0].literal}"
            # What the call reads: its receiver too (`body.get("id")` reads `body`).
            names = (*receiver.names, *names)
        elif qualified is not None and qualified.rpartition(".")[2].endswith("Event"):
            # Powertools data classes wrap the event: `SQSEvent(event).records`.
            for argument in arguments:
                if argument.event_path is not None:
                    event_path = argument.event_path
        elif qualified in _DECODERS and len(arguments) == 1:
            # `unquote_plus(record["s3"]["object"]["key"])` is still that key.
            event_path = arguments[0].event_path
        if qualified is not None:
            names = (*names, qualified)
        return Value(
            text,
            origin=origin,
            service=service,
            event_path=event_path,
            names=names,
            keywords=tuple(keywords.items()),
        )

    def _names(self, node: ast.AST) -> list[str]:
        found: list[str] = []
        for child in ast.walk(node):
            if isinstance(child, (ast.Name, ast.Attribute)):
                qualified = self.qualify(child)
                if qualified is not None:
                    found.append(qualified)
        return found

    # -- statements -------------------------------------------------------------------
    def _block(self, body: Sequence[ast.stmt], where: _Where) -> None:
        for statement in body:
            self._statement(statement, where)

    def _statement(self, statement: ast.stmt, where: _Where) -> None:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for decorator in statement.decorator_list:
                self._expression(decorator, where)
            return
        if isinstance(statement, (ast.For, ast.AsyncFor)):
            self._expression(statement.iter, where)
            iterable = self.evaluate(statement.iter)
            target = statement.target.id if isinstance(statement.target, ast.Name) else None
            index = len(self.loops)
            self.loops.append(
                Loop(
                    "for",
                    self.module.span(statement),
                    target,
                    iterable,
                    _iterates_records(iterable),
                    False,
                    where.loops,
                    where.tries,
                    where.handler,
                )
            )
            if iterable.event_path is not None:
                item = Value(target or "", event_path=f"{iterable.event_path}[]")
            else:
                item = Value(target or "")
            for name in _target_names(statement.target):
                self.scope.bind(name, item if name == target else Value(name))
            inner = replace(where, loops=(*where.loops, index))
            self._block(statement.body, inner)
            self._block(statement.orelse, where)
            return
        if isinstance(statement, ast.While):
            self._expression(statement.test, where)
            infinite = isinstance(statement.test, ast.Constant) and bool(statement.test.value)
            index = len(self.loops)
            self.loops.append(
                Loop(
                    "while",
                    self.module.span(statement),
                    infinite=infinite,
                    loops=where.loops,
                    tries=where.tries,
                    handler=where.handler,
                )
            )
            self._block(statement.body, replace(where, loops=(*where.loops, index)))
            self._block(statement.orelse, where)
            return
        if isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            self._try(statement, where)  # type: ignore[arg-type]
            return
        if isinstance(statement, ast.If):
            self._expression(statement.test, where)
            self._skip(statement, where)
            body, orelse = self._conditions(statement)
            self._block(statement.body, replace(where, conditions=(*where.conditions, body)))
            if statement.orelse:
                branch = replace(where, conditions=(*where.conditions, orelse))
                self._block(statement.orelse, branch)
            return
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            for with_item in statement.items:
                self._expression(with_item.context_expr, where)
                if isinstance(with_item.optional_vars, ast.Name):
                    held = self.evaluate(with_item.context_expr)
                    self.scope.bind(
                        with_item.optional_vars.id,
                        replace(held, text=with_item.optional_vars.id),
                    )
            self._block(statement.body, where)
            return
        if isinstance(statement, ast.Match):
            self._expression(statement.subject, where)
            for case in statement.cases:
                self._block(case.body, where)
            return
        if isinstance(statement, ast.Return):
            if statement.value is not None:
                self._expression(statement.value, where)
            returned = self.evaluate(statement.value) if statement.value is not None else None
            self.returns.append(
                Return(
                    self.module.span(statement), returned, where.loops, where.tries, where.handler
                )
            )
            return
        if isinstance(statement, ast.Raise):
            for part in (statement.exc, statement.cause):
                if part is not None:
                    self._expression(part, where)
            self.raises.append(
                Raise(
                    self.module.span(statement),
                    statement.exc is None,
                    where.loops,
                    where.tries,
                    where.handler,
                )
            )
            return
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            if statement.value is not None:
                self._expression(statement.value, where)
            self._assign(statement)
            return
        for child in ast.iter_child_nodes(statement):
            if isinstance(child, ast.expr):
                self._expression(child, where)

    def _assign(self, statement: ast.Assign | ast.AnnAssign | ast.AugAssign) -> None:
        if statement.value is None:
            return
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        value = self.evaluate(statement.value)
        for target in targets:
            if isinstance(target, ast.Name):
                if isinstance(statement, ast.AugAssign):
                    self.scope.bind(target.id, Value(target.id, names=value.names))
                else:
                    self.scope.bind(target.id, replace(value, text=target.id))
            elif isinstance(target, (ast.Tuple, ast.List)):
                for name in _target_names(target):
                    self.scope.bind(name, Value(name))
            elif (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and isinstance(target.slice, ast.Constant)
                and isinstance(target.slice.value, str)
            ):
                # `response["batchItemFailures"] = failures` adds to a dict literal.
                held = self.scope.values.get(target.value.id)
                if held is not None and held.origin is None and held.event_path is None:
                    key = target.slice.value
                    placed = replace(value, span=self.module.span(statement.value))
                    items = (*(i for i in held.items if i[0] != key), (key, placed))
                    self.scope.bind(
                        target.value.id,
                        replace(held, keys=tuple(k for k, _ in items), items=items),
                    )
            elif isinstance(target, ast.Subscript) and not isinstance(statement, ast.AugAssign):
                self._assign_nested(target, replace(value, span=self.module.span(statement.value)))

    def _assign_nested(self, target: ast.Subscript, value: Value) -> None:
        """`policy["policyDocument"]["Statement"][0]["Resource"] = arn` changes the item
        of a dict (or element of a list) literal held by a local name, at any depth."""
        path: list[str | int] = []
        node: ast.expr = target
        while isinstance(node, ast.Subscript):
            key = node.slice
            if not isinstance(key, ast.Constant) or not isinstance(key.value, (str, int)):
                return
            if isinstance(key.value, bool):
                return
            path.append(key.value)
            node = node.value
        if not isinstance(node, ast.Name):
            return
        held = self.scope.values.get(node.id)
        if held is None or held.origin is not None or held.event_path is not None:
            return
        changed = placed(held, path[::-1], value)
        if changed is not None:
            self.scope.bind(node.id, changed)

    def _try(self, statement: ast.Try, where: _Where) -> None:
        index = len(self.tries)
        clauses = [self._clause(handler) for handler in statement.handlers]
        body_end = statement.body[-1].end_lineno or statement.lineno if statement.body else 0
        self.tries.append(
            Try(
                self.module.span(statement),
                body_end,
                tuple(clauses),
                bool(statement.finalbody),
                where.loops,
                where.tries,
                where.handler,
            )
        )
        self._block(statement.body, replace(where, tries=(*where.tries, index)))
        for number, handler in enumerate(statement.handlers):
            if handler.name:
                self.scope.bind(handler.name, Value(handler.name))
            self._block(handler.body, replace(where, handler=(index, number)))
        self._block(statement.orelse, where)
        self._block(statement.finalbody, where)

    def _clause(self, handler: ast.ExceptHandler) -> ExceptClause:
        caught = handler.type
        names: list[str] = []
        if caught is not None:
            for element in caught.elts if isinstance(caught, ast.Tuple) else [caught]:
                qualified = self.qualify(element)
                names.append(qualified or self.module.text(element))
        broad = caught is None or any(name in _BROAD for name in names)
        body = handler.body
        last = body[-1] if body else None
        raises = any(isinstance(node, ast.Raise) for node in _walk_body(body))
        exits = None
        if isinstance(last, ast.Return):
            exits = "return"
        elif isinstance(last, ast.Break):
            exits = "break"
        elif isinstance(last, ast.Continue):
            exits = "continue"
        reraises = isinstance(last, ast.Raise) and not any(
            isinstance(node, (ast.Return, ast.Break, ast.Continue)) for node in _walk_body(body)
        )
        return ExceptClause(self.module.span(handler), tuple(names), broad, reraises, raises, exits)

    def _conditions(self, statement: ast.If) -> tuple[int, int]:
        """The two branches of an `if` as `Condition`s: (body index, else index)."""
        test = statement.test
        negated_test = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
        names, methods, strings = _test_parts(test)
        span = self.module.span(statement)
        first = len(self.conditions)
        for negated in (False, True):
            self.conditions.append(Condition(span, names, methods, strings, negated, negated_test))
        return first, first + 1

    def _skip(self, statement: ast.If, where: _Where) -> None:
        body = statement.body
        last = body[-1] if body else None
        if len(body) > 4 or not isinstance(last, (ast.Return, ast.Continue)):
            return
        names, methods, strings = _test_parts(statement.test)
        exit_kind = "return" if isinstance(last, ast.Return) else "continue"
        self.skips.append(
            Skip(
                self.module.span(statement),
                names,
                methods,
                strings,
                exit_kind,
                where.loops,
            )
        )

    # -- expressions ------------------------------------------------------------------
    def _expression(self, node: ast.expr, where: _Where) -> None:
        for child in _walk_expression(node):
            if isinstance(child, ast.Await):
                self._awaited.add(id(child.value))
            elif isinstance(child, ast.Call):
                self._call(child, where)

    def _call(self, node: ast.Call, where: _Where) -> None:
        func = node.func
        qualified = self.qualify(func)
        if qualified is None:
            qualified = self.module.text(func)
        receiver = None
        method = qualified.rpartition(".")[2]
        if isinstance(func, ast.Attribute):
            receiver = self.evaluate(func.value)
            method = func.attr
        arguments: list[Argument] = []
        for position, arg in enumerate(node.args):
            arguments.append(Argument(None, position, self.evaluate(arg)))
        for keyword in node.keywords:
            value = self.evaluate(keyword.value)
            arguments.append(Argument(keyword.arg or "**", -1, value))
        self.calls.append(
            Call(
                qualified,
                method,
                receiver,
                tuple(arguments),
                self.module.span(node),
                where.loops,
                where.tries,
                where.handler,
                id(node) in self._awaited,
                where.conditions,
            )
        )


def _test_parts(test: ast.expr) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The names, called methods and string literals of an `if` test."""
    names: list[str] = []
    methods: list[str] = []
    strings: list[str] = []
    for node in ast.walk(test):
        if isinstance(node, ast.Name):
            names.append(node.id)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            methods.append(node.func.attr)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            strings.append(node.value)
    return tuple(names), tuple(methods), tuple(strings)


def _iterates_records(iterable: Value) -> bool:
    path = iterable.event_path
    if path is None:
        return False
    last = path.rpartition(".")[2]
    return last in ("Records", "records") or path.endswith(("Records[]", "records[]"))


def _is_sdk(qualified: str | None) -> bool:
    if qualified is None:
        return False
    return qualified.split(".")[0] in _SDK_ROOTS or ".Session()." in qualified


def _walk_expression(node: ast.AST) -> Iterator[ast.AST]:
    """Every node of an expression, not entering lambdas (they run when called)."""
    pending = [node]
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, ast.Lambda):
            continue
        children = list(ast.iter_child_nodes(current))
        pending.extend(reversed(children))


def _walk_body(body: Sequence[ast.stmt]) -> Iterator[ast.AST]:
    """Every node of a block, not entering nested functions or classes."""
    pending: list[ast.AST] = list(reversed(body))
    while pending:
        current = pending.pop()
        yield current
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        pending.extend(reversed(list(ast.iter_child_nodes(current))))


def _target_names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _target_names(element)]
    if isinstance(target, ast.Starred):
        return _target_names(target.value)
    return []


def _import_bindings(node: ast.Import | ast.ImportFrom) -> dict[str, str]:
    found: dict[str, str] = {}
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                found[alias.asname] = alias.name
            else:
                head = alias.name.split(".")[0]
                found[head] = head
        return found
    base = "." * node.level + (node.module or "")
    joiner = "" if base.endswith(".") or not base else "."
    for alias in node.names:
        if alias.name != "*":
            found[alias.asname or alias.name] = f"{base}{joiner}{alias.name}"
    return found


def _module_statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, ast.Try, ast.With)) or type(statement).__name__ == (
            "TryStar"
        ):
            yield from _module_statements(list(_child_statements(statement)))


def _child_statements(statement: ast.stmt) -> Iterator[ast.stmt]:
    for attr in ("body", "orelse", "finalbody"):
        yield from getattr(statement, attr, ())
    for handler in getattr(statement, "handlers", ()):
        yield from handler.body
