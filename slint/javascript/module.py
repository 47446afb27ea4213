"""Module facts of a JavaScript or TypeScript module: its functions and their keys,
imports, exports, module-level imports with where they are read, and what each
function does (`slint.javascript.behaviour`).

Keys are what a handler string or a call names:
- a declaration or a function bound to a name: `handler` (`function handler`,
  `const handler = async () => {}`, also wrapped at its binding: `export const handler =
  middy(async (event) => {...}).use(validator(...))`, whose wrappers become its
  `decorators`: "@middy/core()", "@middy/validator()");
- a method: `Repo.save`, `Repo.constructor`; a function of a module-level object
  literal: `service.create`;
- a function exported without a name of its own: its export name (`exports.handler =
  async function () {}`, `module.exports = { async create(event) {} }`), "default" for
  an anonymous default export (with "default." before a name another function has);
- a function declared inside another one: `outer.inner`.
Any other function (a callback) belongs to the function that passes it.

`exports` maps dotted export paths to what they are (see `ModuleFacts.exports`):
"local:<key>", "ext:<export path>@<specifier>" (a re-export; path "*" is the whole
module namespace of <specifier>), or "value:<kind>" (object, class, string, number,
array, boolean, null, undefined, instance, call, member, ...). Members of exported
objects and classes have entries of their own ("default.put", "Repo.save"), and so
does "default.<name>" for every named export of a CommonJS module (where
`module.exports` is both the namespace and the default export).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from slint.facts import FunctionFacts, ImportUse, ModuleFacts, ModuleImport, Span
from slint.javascript.behaviour import (
    CLASS_DECLARATIONS,
    FUNCTION_DECLARATIONS,
    Binding,
    Definition,
    ModuleContext,
    Reader,
    destructured,
    is_function,
    kids,
    parameter_names,
    passthrough_argument,
    pattern_names,
    require_specifier,
    string_value,
    strip,
    strip_await,
)
from slint.javascript.grammar import Positions, grammar_of, node_text

if TYPE_CHECKING:
    import tree_sitter
    from tree_sitter import Node


# Methods of a middy-style wrapper chain: `middy(fn).use(mw)`, `middy().handler(fn)`.
_CHAIN_METHODS = frozenset({"use", "before", "after", "onError", "handler"})
# What an export of a TypeScript type resolves to: no export at run time.
_TYPE_ONLY = "type"
# The value kinds `exports` names for what is not a function.
_VALUE_KINDS = {
    "object": "object",
    "class": "class",
    "string": "string",
    "template_string": "string",
    "number": "number",
    "array": "array",
    "true": "boolean",
    "false": "boolean",
    "null": "null",
    "undefined": "undefined",
    "new_expression": "instance",
    "call_expression": "call",
    "member_expression": "member",
    "regex": "regex",
    "ternary_expression": "expression",
    "binary_expression": "expression",
    "await_expression": "expression",
    "assignment_expression": "expression",
    "unary_expression": "expression",
}


def module_facts(
    path: str, data: bytes, tree: tree_sitter.Tree, positions: Positions
) -> ModuleFacts:
    """The facts of one module (`data`, UTF-8 without a BOM, parsed without errors as
    `tree`)."""
    grammar = grammar_of(path) or "javascript"
    context = ModuleContext(data, positions, grammar)
    scanner = _Scanner(context)
    program = tree.root_node
    statements = kids(program)
    scanner.declarations(statements)
    scanner.exports_of(statements)
    context.module_instanced = _module_instanced(context, program)
    module_behaviour = Reader(context, None).read_module(program)
    scanner.late_imports()
    # Exports are resolved before the functions are read: an export through a wrapper
    # (`export const handler = middy(baseHandler)`) gives `baseHandler` its decorators.
    exports = scanner.resolved_exports()
    functions: dict[str, FunctionFacts] = {}
    pending = list(context.definitions.values())
    read: set[str] = set()
    while pending:
        definition = pending.pop(0)
        if definition.key in read:
            continue
        read.add(definition.key)
        functions[definition.key] = _function_facts(context, definition)
        pending.extend(context.pending)
        context.pending.clear()
    ordered = {
        key: functions[key] for key in sorted(functions, key=lambda k: (functions[k].line, k))
    }
    return ModuleFacts(
        path=path,
        functions=ordered,
        classes=tuple(sorted(context.classes)),
        imports=scanner.import_names(),
        module_imports=scanner.module_imports(),
        module_behaviour=module_behaviour,
        language="javascript",
        exports=exports,
    )


# Where code runs later (per call), not while the module loads.
_DEFERRED = frozenset(
    {
        "function_declaration",
        "generator_function_declaration",
        "function_expression",
        "function",
        "generator_function",
        "arrow_function",
        "method_definition",
        "class_body",
    }
)
_NAME_NODES = frozenset(
    {"identifier", "shorthand_property_identifier", "shorthand_property_identifier_pattern"}
)


def _module_instanced(context: ModuleContext, program: Node) -> frozenset[str]:
    """The module's classes made (`new C()`) only in module-level code and read nowhere
    else (not exported, extended, handed over or made in a function): the instances
    live once per execution environment. One walk over the module."""
    classes = context.classes
    if not classes:
        return frozenset()
    data = context.data
    escaped: set[str] = set()
    made: set[str] = set()
    pending: list[tuple[Node, bool]] = [(program, False)]
    while pending:
        node, deferred = pending.pop()
        kind = node.type
        if kind in _NAME_NODES:
            name = node_text(node, data)
            if name in classes:
                parent = node.parent
                field_of = None
                if parent is not None:
                    if parent.child_by_field_name("constructor") == node:
                        field_of = "constructor"
                    elif parent.child_by_field_name("name") == node:
                        field_of = "name"
                if field_of == "constructor" and parent is not None:
                    if parent.type == "new_expression" and not deferred:
                        made.add(name)
                    else:
                        escaped.add(name)
                elif not (
                    field_of == "name"
                    and parent is not None
                    and parent.type in ("variable_declarator", *CLASS_DECLARATIONS, "class")
                ):
                    escaped.add(name)
            continue
        if kind in (*CLASS_DECLARATIONS, "class") and (
            node.parent is not None and node.parent.type == "export_statement"
        ):
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                escaped.add(data[name_node.start_byte : name_node.end_byte].decode())
        inner = deferred or kind in _DEFERRED
        pending.extend((child, inner) for child in node.children)
    return frozenset(made - escaped)


def _function_facts(context: ModuleContext, definition: Definition) -> FunctionFacts:
    node = definition.node
    prelude: list[Node] = []
    if definition.class_key is not None and definition.name == "constructor":
        prelude = _instance_initializers(context.classes.get(definition.class_key))
    result = Reader(context, definition).read_function(prelude)
    positional, required, rest = parameter_names(node, context.data)
    name_node = definition.name_node or node
    return FunctionFacts(
        key=definition.key,
        name=definition.name,
        line=context.positions.start(name_node).row,
        is_async=any(child.type == "async" for child in node.children),
        positional=positional,
        required_positional=required,
        has_varargs=rest,
        required_keyword_only=0,
        decorators=tuple(definition.decorators),
        calls=result.calls,
        behaviour=result.behaviour,
    )


def _instance_initializers(cls: Node | None) -> list[Node]:
    """The initializers of a class's instance fields: they run in its constructor."""
    if cls is None:
        return []
    body = cls.child_by_field_name("body")
    found: list[Node] = []
    for member in kids(body) if body is not None else []:
        if member.type not in ("field_definition", "public_field_definition"):
            continue
        if any(child.type == "static" for child in member.children):
            continue
        value = member.child_by_field_name("value")
        if value is not None and not is_function(strip(value)):
            found.append(value)
    return found


@dataclass
class _Import:
    module: str
    names: list[str]
    from_names: list[str]
    span: Span
    statement: Span
    optional: bool
    type_only: bool = False  # TypeScript: erased when compiled
    uses: dict[ImportUse, None] = field(default_factory=dict)

    def freeze(self, typescript: bool) -> ModuleImport:
        # TypeScript erases an import whose names are only used as types.
        erased = self.type_only or (typescript and bool(self.names) and not self.uses)
        return ModuleImport(
            module=self.module,
            level=1 if self.module.startswith((".", "/")) else 0,
            names=tuple(self.names),
            span=self.span,
            statement=self.statement,
            from_names=tuple(self.from_names),
            uses=tuple(self.uses),
            optional=self.optional or erased,
        )


@dataclass
class _PendingExport:
    name: str
    node: Node | None  # the exported expression (or a declared name's identifier)
    target: str | None = None  # already resolved


class _Scanner:
    """The module's top-level statements: imports, definitions, exports."""

    def __init__(self, context: ModuleContext) -> None:
        self.context = context
        self.data = context.data
        self.imports: list[_Import] = []
        self.bound: dict[str, list[int]] = {}  # name -> indices into `imports`
        self.exports: list[_PendingExport] = []
        self.star_count = 0
        # Module-level names bound to something other than an import or a function
        # (the value node), for what an export of that name is.
        self.values: dict[str, Node] = {}
        # `const handler = middy(baseHandler)`: name -> (wrapped name, wrappers).
        self.wrapped: dict[str, tuple[str, list[str]]] = {}
        self.common_js = False
        # TypeScript types and interfaces: erased, so never exports at run time.
        self.types: set[str] = set()
        self.enums: set[str] = set()
        # Classes whose `this.x` values are read once every import is known.
        self._pending_attributes: list[tuple[str, dict[str, Node]]] = []
        # Entries for the functions of exported objects and classes ("default.put").
        self._members: list[tuple[str, str]] = []

    # -- text and positions ----------------------------------------------------------
    def raw(self, node: Node) -> str:
        return node_text(node, self.data)

    def span(self, node: Node) -> Span:
        return self.context.span(node)

    def _specifier_span(self, string: Node) -> Span:
        """The specifier inside its quotes."""
        positions = self.context.positions
        start = positions.location(min(string.start_byte + 1, string.end_byte))
        end = positions.location(max(string.end_byte - 1, string.start_byte))
        return Span(start, end)

    # -- imports -----------------------------------------------------------------------
    def _add_import(
        self,
        specifier: str,
        string: Node,
        statement: Node,
        bindings: Sequence[tuple[str, tuple[str, ...]]],
        from_names: Sequence[str],
        *,
        optional: bool = False,
        type_only: bool = False,
    ) -> None:
        index = len(self.imports)
        names = [name for name, _ in bindings]
        self.imports.append(
            _Import(
                specifier,
                names,
                list(from_names),
                self._specifier_span(string),
                self.span(statement),
                optional,
                type_only,
            )
        )
        for name, path in bindings:
            self.context.bindings[name] = Binding(specifier, path)
            self.bound.setdefault(name, []).append(index)

    def _import_statement(self, node: Node) -> None:
        source = node.child_by_field_name("source")
        type_only = any(child.type == "type" for child in node.children)
        bindings: list[tuple[str, tuple[str, ...]]] = []
        from_names: list[str] = []
        erased_specifiers = 0
        for child in kids(node):
            if child.type == "import_require_clause":
                source = child.child_by_field_name("source")
                for part in kids(child):
                    if part.type == "identifier":
                        bindings.append((self.raw(part), ()))
            elif child.type == "import_clause":
                for part in kids(child):
                    if part.type == "identifier":
                        bindings.append((self.raw(part), ("default",)))
                        from_names.append("default")
                    elif part.type == "namespace_import":
                        for name in kids(part):
                            if name.type == "identifier":
                                bindings.append((self.raw(name), ()))
                    elif part.type == "named_imports":
                        for specifier in kids(part):
                            if specifier.type != "import_specifier":
                                continue
                            if any(c.type == "type" for c in specifier.children):
                                erased_specifiers += 1
                                continue
                            imported = specifier.child_by_field_name("name")
                            alias = specifier.child_by_field_name("alias")
                            if imported is None:
                                continue
                            exported = self._name(imported)
                            local = self.raw(alias) if alias is not None else exported
                            bindings.append((local, (exported,)))
                            from_names.append(exported)
        if source is None or source.type != "string":
            return
        if type_only:
            bindings = []
        erased = type_only or (erased_specifiers > 0 and not bindings)
        self._add_import(
            string_value(source, self.data), source, node, bindings, from_names, type_only=erased
        )

    # -- the first pass: what the module defines and imports -----------------------------------
    def declarations(self, statements: Sequence[Node]) -> None:
        for statement in statements:
            kind = statement.type
            if kind == "import_statement":
                self._import_statement(statement)
            elif kind == "export_statement":
                declaration = statement.child_by_field_name("declaration")
                if declaration is not None:
                    self._declaration(declaration, statement)
                elif statement.child_by_field_name("source") is not None:
                    self._re_export_import(statement)
            elif kind == "expression_statement":
                self._require_statement(statement)
            else:
                self._declaration(statement, statement)

    def _declaration(self, node: Node, statement: Node) -> None:
        context = self.context
        kind = node.type
        if kind in FUNCTION_DECLARATIONS:
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                name = self.raw(name_node)
                context.define(Definition(name, name, node, name_node))
        elif kind in CLASS_DECLARATIONS:
            self._class(node)
        elif kind in ("lexical_declaration", "variable_declaration"):
            for declarator in kids(node):
                if declarator.type == "variable_declarator":
                    self._declarator(declarator, statement)
        elif kind in ("type_alias_declaration", "interface_declaration"):
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                self.types.add(self.raw(name_node))
        elif kind == "enum_declaration":
            name_node = node.child_by_field_name("name")
            if name_node is not None:
                self.enums.add(self.raw(name_node))

    def _declarator(self, node: Node, statement: Node) -> None:
        context = self.context
        name_node = node.child_by_field_name("name")
        value = node.child_by_field_name("value")
        if name_node is None or value is None:
            return
        stripped = strip(value)
        if self._require_declarator(node, name_node, stripped, statement):
            return
        if name_node.type != "identifier":
            return
        name = self.raw(name_node)
        if is_function(stripped):
            context.define(Definition(name, name, stripped, name_node))
            return
        if stripped.type == "class":
            self._class(stripped, name)
            return
        if stripped.type == "call_expression":
            target, decorators = self._unwrap(stripped)
            if target is not None and is_function(target):
                context.define(Definition(name, name, target, name_node, decorators))
                return
            if target is not None and target.type == "identifier":
                self.wrapped[name] = (self.raw(target), decorators)
                context.wrapped[name] = self.raw(target)
        if stripped.type == "object":
            self._object_functions(stripped, f"{name}.")
        self.values[name] = stripped

    def _class(self, node: Node, name: str | None = None) -> None:
        context = self.context
        name_node = node.child_by_field_name("name")
        if name is None:
            if name_node is None:
                return
            name = self.raw(name_node)
        context.classes[name] = node
        body = node.child_by_field_name("body")
        decorators: list[str] = []
        for member in kids(body) if body is not None else []:
            if member.type == "decorator":
                decorators.append(self._decorator(member))
                continue
            own = [self._decorator(c) for c in member.named_children if c.type == "decorator"]
            function: Node | None = None
            key_node: Node | None = None
            if member.type == "method_definition":
                function, key_node = member, member.child_by_field_name("name")
            elif member.type in ("field_definition", "public_field_definition"):
                value = member.child_by_field_name("value")
                key_node = member.child_by_field_name("property") or member.child_by_field_name(
                    "name"
                )
                if value is not None and is_function(strip(value)):
                    function = strip(value)
            if function is not None and key_node is not None:
                method = self.raw(key_node)
                context.define(
                    Definition(
                        f"{name}.{method}",
                        method,
                        function,
                        key_node,
                        [*decorators, *own],
                        class_key=name,
                    )
                )
            decorators = []
        key = f"{name}.constructor"
        if key not in context.definitions and _instance_initializers(node):
            # No constructor of its own: the field initializers run in the implicit one,
            # on every `new` (the class node stands for it; it is no function node).
            context.definitions[key] = Definition(
                key, "constructor", node, name_node, class_key=name
            )
        self._attributes(name, node)

    def _decorator(self, node: Node) -> str:
        """A TypeScript decorator as Python's are recorded: qualified, "()" for a call."""
        inner = kids(node)
        if not inner:
            return ""
        expression = strip(inner[0])
        called = expression.type == "call_expression"
        callee = expression.child_by_field_name("function") if called else expression
        qualified = self._qualify(callee) if callee is not None else None
        shown = qualified or self.context.text(callee or expression)
        return f"{shown}()" if called else shown

    def _attributes(self, class_key: str, node: Node) -> None:
        """`this.x = ...` in the constructor and the instance fields: what `this.x`
        holds in the class's methods."""
        context = self.context
        body = node.child_by_field_name("body")
        found: dict[str, Node] = {}
        constructor: Node | None = None
        for member in kids(body) if body is not None else []:
            if member.type in ("field_definition", "public_field_definition"):
                key = member.child_by_field_name("property") or member.child_by_field_name("name")
                value = member.child_by_field_name("value")
                if key is not None and value is not None and not is_function(strip(value)):
                    found[f"this.{self.raw(key)}"] = value
            elif member.type == "method_definition":
                name = member.child_by_field_name("name")
                if name is not None and self.raw(name) == "constructor":
                    constructor = member
        block = constructor.child_by_field_name("body") if constructor is not None else None
        for statement in kids(block) if block is not None else []:
            if statement.type != "expression_statement":
                continue
            inner = kids(statement)
            expression = strip(inner[0]) if inner else None
            if expression is None or expression.type != "assignment_expression":
                continue
            left = expression.child_by_field_name("left")
            right = expression.child_by_field_name("right")
            if left is None or right is None or left.type != "member_expression":
                continue
            target = left.child_by_field_name("object")
            prop = left.child_by_field_name("property")
            if target is not None and prop is not None and strip(target).type == "this":
                found.setdefault(f"this.{self.raw(prop)}", right)
        if not found:
            return
        context.attributes[class_key] = {}
        context.attribute_instances[class_key] = {}
        self._pending_attributes.append((class_key, found))

    def _object_functions(self, node: Node, prefix: str, *, exported: str | None = None) -> None:
        """Functions of a module-level object literal: `service.create` (or, for an
        exported object, the export name)."""
        context = self.context
        for child in kids(node):
            function: Node | None = None
            key_node: Node | None = None
            decorators: list[str] = []
            if child.type == "method_definition":
                function, key_node = child, child.child_by_field_name("name")
            elif child.type == "pair":
                key_node = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if value is None:
                    continue
                stripped = strip(value)
                if stripped.type == "call_expression":
                    target, decorators = self._unwrap(stripped)
                    stripped = target if target is not None else stripped
                if is_function(stripped) and stripped.id not in context.definition_nodes:
                    function = stripped
            if function is None or key_node is None or key_node.type == "computed_property_name":
                continue
            name = (
                string_value(key_node, self.data)
                if key_node.type == "string"
                else self.raw(key_node)
            )
            key = f"{prefix}{name}"
            if exported is not None and key in context.definitions:
                key = f"{exported}.{name}"
            # `this.update()` in a function of the object calls its `update`.
            owner = prefix.rstrip(".")
            context.define(Definition(key, name, function, key_node, decorators, owner))

    # -- CommonJS requires -----------------------------------------------------------------
    def _require_path(self, node: Node) -> tuple[Node, str, tuple[str, ...]] | None:
        """`require("m")`, `require("m").a.b`, `captureAWS(require("aws-sdk"))`: (the
        call, the specifier, the member path)."""
        node = strip_await(node)
        members: list[str] = []
        while node.type == "member_expression":
            prop = node.child_by_field_name("property")
            inner = node.child_by_field_name("object")
            if prop is None or inner is None:
                return None
            members.append(self.raw(prop))
            node = strip(inner)
        inner_call = passthrough_argument(node, self.data)
        if inner_call is not None and not members:
            node = strip(inner_call)
        specifier = require_specifier(node, self.data)
        if specifier is None:
            return None
        return node, specifier, tuple(reversed(members))

    def _require_declarator(
        self, declarator: Node, name_node: Node, value: Node, statement: Node
    ) -> bool:
        found = self._require_path(value)
        if found is None:
            return False
        call, specifier, path = found
        arguments = call.child_by_field_name("arguments")
        string = kids(arguments)[0] if arguments is not None else call
        if name_node.type == "identifier":
            bindings = [(self.raw(name_node), path)]
            from_names = list(path[:1])
        elif name_node.type == "object_pattern":
            pairs = destructured(name_node, self.data)
            bindings = [(local, (*path, key)) for key, local in pairs]
            from_names = [key for key, _ in pairs]
        else:
            bindings = [(name, ()) for name in pattern_names(name_node, self.data)]
            from_names = []
        self._add_import(specifier, string, statement, bindings, from_names)
        self.context.known_requires.update((declarator.id, call.id))
        return True

    def _require_statement(self, statement: Node) -> None:
        """`require("./setup")` as a statement: a module loaded for its side effects."""
        inner = kids(statement)
        expression = strip(inner[0]) if inner else None
        if expression is None:
            return
        specifier = require_specifier(expression, self.data)
        if specifier is not None:
            arguments = expression.child_by_field_name("arguments")
            string = kids(arguments)[0] if arguments is not None else expression
            self._add_import(specifier, string, statement, [], [])
            self.context.known_requires.add(expression.id)

    def _re_export_import(self, statement: Node) -> None:
        """`export { a } from "./b"` loads `./b` (and binds nothing here)."""
        source = statement.child_by_field_name("source")
        if source is None or source.type != "string":
            return
        if any(child.type == "type" for child in statement.children):
            return
        from_names: list[str] = []
        for child in kids(statement):
            if child.type == "export_clause":
                for specifier in kids(child):
                    name = specifier.child_by_field_name("name")
                    if name is not None:
                        from_names.append(self.raw(name))
        self._add_import(string_value(source, self.data), source, statement, [], from_names)

    def late_imports(self) -> None:
        """`require()`s the module code runs that the first pass did not see (in a
        module-level `if` or `try`, inside an expression)."""
        for call, specifier, optional in self.context.late_requires:
            arguments = call.child_by_field_name("arguments")
            string = kids(arguments)[0] if arguments is not None else call
            # The statement that holds the call (`sharp = require("sharp");`).
            statement = call
            while statement.parent is not None and not statement.type.endswith(
                ("_statement", "_declaration")
            ):
                statement = statement.parent
            self._add_import(specifier, string, statement, [], [], optional=optional)
        self.imports.sort(key=lambda made: (made.statement.start, made.span.start))

    # -- wrappers ------------------------------------------------------------------------
    def _qualify(self, node: Node) -> str | None:
        """A module-level dotted name resolved through imports (`middy` -> "@middy/core")."""
        node = strip(node)
        if node.type == "identifier":
            name = self.raw(node)
            binding = self.context.bindings.get(name)
            return binding.qualified if binding is not None else name
        if node.type == "member_expression":
            target = node.child_by_field_name("object")
            prop = node.child_by_field_name("property")
            if target is None or prop is None:
                return None
            base = self._qualify(target)
            return f"{base}.{self.raw(prop)}" if base is not None else None
        if node.type == "call_expression":
            callee = node.child_by_field_name("function")
            base = self._qualify(callee) if callee is not None else None
            return f"{base}()" if base is not None else None
        if node.type == "new_expression":
            constructor = node.child_by_field_name("constructor")
            base = self._qualify(constructor) if constructor is not None else None
            return f"{base}()" if base is not None else None
        if node.type == "this":
            return "this"
        return None

    def _wrapper_name(self, callee: Node) -> str:
        qualified = self._qualify(callee)
        return f"{qualified or self.context.text(callee)}()"

    def _unwrap(self, node: Node) -> tuple[Node | None, list[str]]:
        """The function a wrapper call wraps (a function node, or an identifier naming
        one), with the wrappers as decorators, outermost first:
        `middy(fn).use(validator({...}))` -> (fn, ["@middy/core()", "@middy/validator()"]),
        `makeIdempotent(fn, {...})`, `awslambda.streamifyResponse(fn)`,
        `middy().handler(fn)`."""
        node = strip(node)
        if is_function(node) or node.type == "identifier":
            return node, []
        if node.type != "call_expression":
            return None, []
        callee = node.child_by_field_name("function")
        arguments = node.child_by_field_name("arguments")
        found = kids(arguments) if arguments is not None else []
        if callee is None:
            return None, []
        callee = strip(callee)
        if callee.type == "member_expression":
            prop = callee.child_by_field_name("property")
            target = callee.child_by_field_name("object")
            method = self.raw(prop) if prop is not None else ""
            if target is not None and method == "bind":
                held = strip(target)
                return (held if held.type in ("member_expression", "identifier") else None), []
            if (
                target is not None
                and method in _CHAIN_METHODS
                and strip(target).type == ("call_expression")
            ):
                inner, decorators = self._unwrap(target)
                if method == "handler" and found:
                    handled, more = self._unwrap(found[0])
                    if handled is not None:
                        inner = handled
                    decorators = [*decorators, *more]
                else:
                    for argument in found:
                        stripped = strip(argument)
                        if stripped.type == "call_expression":
                            middleware = stripped.child_by_field_name("function")
                            if middleware is not None:
                                decorators.append(self._wrapper_name(middleware))
                        elif stripped.type in ("identifier", "member_expression"):
                            decorators.append(self._qualify(stripped) or self.raw(stripped))
                return inner, decorators
        for argument in found:
            stripped = strip(argument)
            if is_function(stripped) or stripped.type in ("identifier", "call_expression"):
                target_node, decorators = self._unwrap(stripped)
                if target_node is not None:
                    return target_node, [self._wrapper_name(callee), *decorators]
        return None, [self._wrapper_name(callee)]

    # -- the second pass: exports --------------------------------------------------------
    def exports_of(self, statements: Sequence[Node]) -> None:
        for statement in statements:
            if statement.type == "export_statement":
                self._export_statement(statement)
            elif statement.type == "expression_statement":
                inner = kids(statement)
                expression = strip(inner[0]) if inner else None
                if expression is not None and expression.type == "assignment_expression":
                    self._common_js_export(expression)
        self._read_attributes()

    def _export(self, name: str, node: Node | None, target: str | None = None) -> None:
        self.exports.append(_PendingExport(name, node, target))

    def _star(self, target: str) -> None:
        self.star_count += 1
        self._export("*" if self.star_count == 1 else f"*{self.star_count}", None, target)

    def _export_statement(self, node: Node) -> None:
        context = self.context
        declaration = node.child_by_field_name("declaration")
        value = node.child_by_field_name("value")
        source = node.child_by_field_name("source")
        default = any(child.type == "default" for child in node.children)
        if any(child.type == "type" for child in node.children):
            return  # `export type { T }`
        if declaration is not None:
            name_node = declaration.child_by_field_name("name")
            if declaration.type in FUNCTION_DECLARATIONS or declaration.type in CLASS_DECLARATIONS:
                if name_node is None:
                    return
                self._export("default" if default else self.raw(name_node), name_node)
            elif declaration.type == "enum_declaration" and name_node is not None:
                self._export(self.raw(name_node), None, "value:object")
            elif declaration.type in ("lexical_declaration", "variable_declaration"):
                for declarator in kids(declaration):
                    pattern = declarator.child_by_field_name("name")
                    if pattern is None:
                        continue
                    if pattern.type == "identifier":
                        self._export(self.raw(pattern), pattern)
                    else:
                        for name in pattern_names(pattern, self.data):
                            self._export(name, None, "value:destructured")
            return
        if value is not None:
            self._default_export("default", value)
            return
        if source is not None and source.type == "string":
            specifier = string_value(source, self.data)
            clause = [
                child for child in kids(node) if child.type in ("export_clause", "namespace_export")
            ]
            if not clause:
                self._star(f"ext:*@{specifier}")
            for part in clause:
                if part.type == "namespace_export":
                    names = [c for c in kids(part) if c.type in ("identifier", "string")]
                    if names:
                        self._export(self._name(names[0]), None, f"ext:*@{specifier}")
                    continue
                for specifier_node in kids(part):
                    original = specifier_node.child_by_field_name("name")
                    alias = specifier_node.child_by_field_name("alias")
                    if original is None:
                        continue
                    exported = self._name(alias if alias is not None else original)
                    self._export(exported, None, f"ext:{self._name(original)}@{specifier}")
            return
        for child in kids(node):
            if child.type == "export_clause":
                for specifier_node in kids(child):
                    original = specifier_node.child_by_field_name("name")
                    alias = specifier_node.child_by_field_name("alias")
                    if any(c.type == "type" for c in specifier_node.children):
                        continue  # `export { type Order }`
                    if original is not None:
                        exported = self._name(alias if alias is not None else original)
                        self._export(exported, original)
            elif child.type not in ("type_annotation",):
                # TypeScript `export = handler`: the CommonJS `module.exports`.
                self.common_js = True
                self._default_export("default", child)
        del context

    def _name(self, node: Node) -> str:
        return string_value(node, self.data) if node.type == "string" else self.raw(node)

    def _default_export(self, name: str, value: Node) -> None:
        """`export default <value>` / `module.exports = <value>` / `exports.x = <value>`:
        an inline function gets the export name as its key."""
        context = self.context
        stripped = strip(value)
        if is_function(stripped) and stripped.id not in context.definition_nodes:
            own = stripped.child_by_field_name("name")
            key = self.raw(own) if own is not None and name == "default" else name
            self._define_exported(key, stripped, own, [])
        elif stripped.type == "call_expression":
            target, decorators = self._unwrap(stripped)
            if (
                target is not None
                and is_function(target)
                and target.id not in context.definition_nodes
            ):
                self._define_exported(name, target, None, decorators)
        elif stripped.type == "object":
            self._object_functions(stripped, "", exported="default")
        elif stripped.type == "class":
            own = stripped.child_by_field_name("name")
            self._class(stripped, self.raw(own) if own is not None else name)
        self._export(name, value)

    def _define_exported(
        self, key: str, function: Node, name_node: Node | None, decorators: list[str]
    ) -> None:
        context = self.context
        if key in context.definitions:
            key = f"default.{key}"
        context.define(Definition(key, key.rpartition(".")[2], function, name_node, decorators))

    def _common_js_export(self, assignment: Node) -> None:
        """`module.exports = ...`, `module.exports.x = ...`, `exports.x = ...`."""
        left = assignment.child_by_field_name("left")
        right = assignment.child_by_field_name("right")
        if left is None or right is None:
            return
        target = self._common_js_target(strip(left))
        if target is None:
            return
        self.common_js = True
        value = strip(right)
        if target == "":
            found = self._require_path(value)
            if found is not None:
                _, specifier, path = found
                if path:
                    self._export("default", None, f"ext:{'.'.join(path)}@{specifier}")
                else:
                    self._star(f"ext:*@{specifier}")
                return
            if value.type == "object":
                self._object_functions(value, "", exported="default")
                self._export("default", None, "value:object")
                for child in kids(value):
                    self._common_js_property(child)
                return
            self._default_export("default", right)
            return
        if value.type in (
            "function_expression",
            "arrow_function",
            "function",
            "generator_function",
        ):
            if value.id not in self.context.definition_nodes:
                name_node = left.child_by_field_name("property")
                self._define_exported(target, value, name_node, [])
            self._export(target, value)
            return
        self._default_export(target, right)

    def _common_js_property(self, child: Node) -> None:
        if child.type == "pair":
            key = child.child_by_field_name("key")
            value = child.child_by_field_name("value")
            if key is not None and value is not None and key.type != "computed_property_name":
                self._export(self._name(key), value)
        elif child.type == "shorthand_property_identifier":
            self._export(self.raw(child), child)
        elif child.type == "method_definition":
            key = child.child_by_field_name("name")
            if key is not None:
                self._export(self._name(key), child)
        elif child.type == "spread_element":
            inner = kids(child)
            found = self._require_path(inner[0]) if inner else None
            if found is not None:
                _, specifier, path = found
                self._star(f"ext:{'.'.join(path) or '*'}@{specifier}")

    def _common_js_target(self, left: Node) -> str | None:
        """ "" for `module.exports`, "x" for `exports.x` / `module.exports.x` /
        `module.exports["x"]`; None for anything else."""
        text = self.raw(left)
        if text == "module.exports":
            return ""
        if left.type == "member_expression":
            target = left.child_by_field_name("object")
            prop = left.child_by_field_name("property")
            if (
                target is not None
                and prop is not None
                and self.raw(target)
                in (
                    "exports",
                    "module.exports",
                )
            ):
                return self.raw(prop)
        if left.type == "subscript_expression":
            target = left.child_by_field_name("object")
            index = left.child_by_field_name("index")
            if (
                target is not None
                and index is not None
                and index.type == "string"
                and self.raw(target) in ("exports", "module.exports")
            ):
                return string_value(index, self.data)
        return None

    def _read_attributes(self) -> None:
        """Evaluates what the classes' `this.x` hold (after every import is known)."""
        context = self.context
        for class_key, found in self._pending_attributes:
            reader = Reader(context, None)
            reader.scope = context.globals.child()
            attributes = context.attributes[class_key]
            instances = context.attribute_instances[class_key]
            for key, node in found.items():
                value = reader.evaluate(node)
                attributes[key] = replace(value, text=key)
                target = reader._class_target(node)
                if target is not None:
                    instances[key] = target

    # -- results -------------------------------------------------------------------------
    def import_names(self) -> dict[str, str]:
        """Import bindings, and module-level names bound to what an import makes
        (`const ddb = new DynamoDBClient({})` -> "@aws-sdk/client-dynamodb.DynamoDBClient()")."""
        context = self.context
        found = {name: binding.qualified for name, binding in context.bindings.items()}
        reader = Reader(context, None)
        for name, node in self.values.items():
            if name in found:
                continue
            made = strip_await(node)
            if made.type not in ("call_expression", "new_expression"):
                continue
            field_name = "function" if made.type == "call_expression" else "constructor"
            callee = made.child_by_field_name(field_name)
            root = callee
            while root is not None and root.type in (
                "member_expression",
                "call_expression",
                "new_expression",
            ):
                inner_field = (
                    "object"
                    if root.type == "member_expression"
                    else ("function" if root.type == "call_expression" else "constructor")
                )
                root = root.child_by_field_name(inner_field)
            if root is None or root.type != "identifier" or self.raw(root) not in context.bindings:
                continue
            qualified = reader.qualify(made)
            if qualified is not None:
                found[name] = qualified
        return found

    def module_imports(self) -> tuple[ModuleImport, ...]:
        for name, use in self.context.uses:
            for index in self.bound.get(name, ()):
                self.imports[index].uses.setdefault(use, None)
        typescript = self.context.typescript
        return tuple(made.freeze(typescript) for made in self.imports)

    def resolved_exports(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for pending in self.exports:
            target = pending.target
            if target is None:
                target = self._resolve(pending.node, pending.name)
            if target != _TYPE_ONLY:
                found[pending.name] = target
        for name, target in self._members:
            found.setdefault(name, target)
        if self.common_js:
            for name, target in list(found.items()):
                if name != "default" and not name.startswith(("*", "default.")):
                    found.setdefault(f"default.{name}", target)
        return found

    def _object_members(self, name: str, node: Node, depth: int) -> None:
        """Entries for the functions of an exported object literal (`export default {
        handler }` -> "default.handler")."""
        for child in kids(node):
            if child.type == "pair":
                key = child.child_by_field_name("key")
                value = child.child_by_field_name("value")
                if key is None or value is None or key.type == "computed_property_name":
                    continue
                target = self._resolve(value, self._name(key), depth + 1)
                member = self._name(key)
            elif child.type == "shorthand_property_identifier":
                member = self.raw(child)
                target = self._resolve_name(member, depth + 1)
            elif child.type == "method_definition":
                key = child.child_by_field_name("name")
                if key is None or key.type == "computed_property_name":
                    continue
                member = self._name(key)
                target = self._resolve(child, member, depth + 1)
            else:
                continue
            if target.startswith(("local:", "ext:")):
                self._members.append((f"{name}.{member}", target))

    def _class_members(self, name: str, class_key: str) -> None:
        for key, definition in self.context.definitions.items():
            if definition.class_key == class_key:
                self._members.append((f"{name}.{definition.name}", f"local:{key}"))

    def _resolve(self, node: Node | None, name: str, depth: int = 0) -> str:
        """What the export `name` of an expression is (see the module docstring)."""
        context = self.context
        if node is None or depth > 8:
            return "value:unknown"
        stripped = strip(node)
        definition = context.definition_nodes.get(stripped.id)
        if definition is not None:
            return f"local:{definition.key}"
        kind = stripped.type
        if kind == "method_definition":
            return "value:unknown"
        if kind in ("identifier", "shorthand_property_identifier", "type_identifier"):
            return self._resolve_name(self.raw(stripped), depth, name)
        found = (
            self._require_path(stripped)
            if kind in ("call_expression", "member_expression")
            else None
        )
        if found is not None:
            _, specifier, path = found
            return f"ext:{'.'.join(path) or '*'}@{specifier}"
        if kind == "call_expression":
            target, decorators = self._unwrap(stripped)
            if target is not None and (is_function(target) or target.type == "identifier"):
                resolved = self._resolve(target, name, depth + 1)
                if resolved.startswith("local:") and target.type == "identifier":
                    # `export default middy(baseHandler)`: the wrappers decorate it.
                    self._decorate(resolved[len("local:") :], decorators)
                if resolved.startswith(("local:", "ext:")):
                    return resolved
            if target is not None and target.type == "member_expression":
                member = self._resolve_member(target)
                if member is not None:
                    return member
            return "value:call"
        if kind == "member_expression":
            member = self._resolve_member(stripped)
            return member if member is not None else "value:member"
        if kind == "class":
            own = stripped.child_by_field_name("name")
            self._class_members(name, self.raw(own) if own is not None else name)
            return "value:class"
        if kind == "object":
            self._object_members(name, stripped, depth)
            return "value:object"
        return f"value:{_VALUE_KINDS.get(kind, kind)}"

    def _resolve_name(self, name: str, depth: int, exported: str | None = None) -> str:
        """What a module-level name is, for the export `exported` of it."""
        context = self.context
        exported = exported or name
        if name in context.classes:
            self._class_members(exported, name)
            return "value:class"
        if name in context.definitions:
            return f"local:{name}"
        binding = context.bindings.get(name)
        if binding is not None:
            path = ".".join(binding.path) or "*"
            return f"ext:{path}@{binding.specifier}"
        wrapped = self.wrapped.get(name)
        if wrapped is not None and depth < 8:
            inner, decorators = wrapped
            resolved = self._resolve_name(inner, depth + 1)
            if resolved.startswith("local:"):
                self._decorate(resolved[len("local:") :], decorators)
                return resolved
        value = self.values.get(name)
        if value is not None and depth < 8:
            return self._resolve(value, exported, depth + 1)
        if name in self.enums:
            return "value:object"
        if name in self.types:
            return _TYPE_ONLY
        return "value:unknown"

    def _resolve_member(self, node: Node) -> str | None:
        """`handlerClass.handler` (an instance of a class of the module), `Repo.create`
        (a static method), `service.create` (an object literal's function),
        `db.handler` of an import."""
        context = self.context
        target = node.child_by_field_name("object")
        prop = node.child_by_field_name("property")
        if target is None or prop is None:
            return None
        target = strip(target)
        method = self.raw(prop)
        if target.type != "identifier":
            return None
        root = self.raw(target)
        binding = context.bindings.get(root)
        if binding is not None:
            return f"ext:{'.'.join((*binding.path, method))}@{binding.specifier}"
        key = f"{root}.{method}"
        if key in context.definitions:
            return f"local:{key}"
        instance = context.globals.instances.get(root)
        if instance is not None:
            kind, path, specifier = instance
            if kind == "local":
                key = f"{path}.{method}"
                return f"local:{key}" if key in context.definitions else None
            return f"ext:{path}.{method}@{specifier}"
        return None

    def _decorate(self, key: str, decorators: list[str]) -> None:
        definition = self.context.definitions.get(key)
        if definition is not None:
            for decorator in decorators:
                if decorator not in definition.decorators:
                    definition.decorators.append(decorator)


class Source(Positions):
    """A module's text at the spans its facts give (`Call.span`, `Value.span`), and the
    tree-sitter node written there: what a code rule needs besides the facts to say how
    a finding is written and where its fix goes."""

    def __init__(self, data: bytes, tree: tree_sitter.Tree) -> None:
        super().__init__(data)
        self.tree = tree

    def span_text(self, span: Span) -> str:
        return self.data[self.offset(span.start) : self.offset(span.end)].decode("utf-8", "replace")

    def node(self, span: Span) -> Node | None:
        """The outermost node that covers exactly `span` (None when none does)."""
        start, end = self.offset(span.start), self.offset(span.end)
        node = self.tree.root_node.descendant_for_byte_range(start, end)
        if node is None or node.start_byte != start or node.end_byte != end:
            return None
        while (
            node.parent is not None
            and node.parent.start_byte == start
            and node.parent.end_byte == end
            and node.parent.type not in ("expression_statement", "program")
        ):
            node = node.parent
        return node
