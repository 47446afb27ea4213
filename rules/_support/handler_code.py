"""What the handler rules (SL001, SL002, SL106, SL107) need to know about a handler
module beyond its module facts, and how they show the paths of files slint found.

Module facts describe the functions of a module. A config may also name a module-level
binding that is not a `def`: a class, an instance of a class, an alias of another
function, a lambda, an imported name (`handler = Mangum(app)`, `from .api import
handler`). For those the module is read again with `ast`: this happens only for the
rare handler that is not a plain function, so it costs nothing on ordinary projects.
"""

from __future__ import annotations

import ast
import re
import tokenize
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from slint.app.model import Function
from slint.discovery import display_path
from slint.facts import FunctionFacts

from .config import function_resource

# Handlers that live in a layer or are generated when the service is packaged: the
# project does not hold their module (Datadog, New Relic, Lumigo, Thundra and Epsagon
# wrappers; serverless-wsgi's generated `wsgi_handler.py`).
PROVIDED_MODULES = frozenset(
    {
        "datadog_lambda",
        "newrelic_lambda_wrapper",
        "lumigo_tracer",
        "thundra",
        "epsagon",
        "wsgi_handler",
        "serverless_wsgi",
        "serverless_sdk",
    }
)
# Folders that hold build output: a CodeUri below one of them is created by a build step.
BUILD_FOLDERS = frozenset(
    {"build", "dist", ".build", "target", "out", "cdk.out", ".aws-sam", "artifacts", ".serverless"}
)


def relative_display(path: Path, base: Path) -> str:
    """A path as a config writes it: relative to the config's folder `base` when below
    it, else as `display` shows it."""
    try:
        return path.relative_to(base.resolve()).as_posix()
    except ValueError:
        return display_path(path)


def read_source(path: Path) -> str | None:
    """A module's text, decoded as Python decodes it; None when it cannot be read."""
    try:
        with tokenize.open(path) as stream:
            return stream.read()
    except (OSError, SyntaxError, UnicodeDecodeError, LookupError):
        return None


def parse_module(path: Path) -> ast.Module | None:
    source = read_source(path)
    if source is None:
        return None
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


# -- which functions have a Python handler in the project ---------------------------------
def _packaged_elsewhere(function: Function) -> bool:
    """The code comes from somewhere the handler path does not describe: a prebuilt
    artifact, a custom build, an S3 object."""
    app = function.app
    if app.format == "serverless":
        for owner in (function.node, app.document):
            package = owner.get("package")
            if isinstance(package, dict) and package.get("artifact") is not None:
                return True
        return False
    resource = function_resource(function)
    metadata = resource.get("Metadata") if resource is not None else None
    has_asset = isinstance(metadata, dict) and isinstance(metadata.get("aws:asset:path"), str)
    if isinstance(metadata, dict) and metadata.get("BuildMethod") == "makefile":
        return True
    if resource is not None and resource.get("Type") == "AWS::Lambda::Function":
        code = function.node.get("Code")
        # `Code: {S3Bucket, S3Key}` is an uploaded zip (the loader falls back to the
        # template's folder when a Metadata block without an asset path is present).
        if not has_asset and not isinstance(code, str):
            return True
    return False


def _web_adapter(function: Function) -> bool:
    """Lambda Web Adapter runs a web server: the handler is its start script (`run.sh`)."""
    wrapper = function.environment.get("AWS_LAMBDA_EXEC_WRAPPER")
    handler = function.handler.value
    return (wrapper is not None and wrapper.value == "/opt/bootstrap") or (
        isinstance(handler, str) and handler.endswith(".sh")
    )


def code_dir_of(function: Function) -> Path | None:
    """The folder the handler path is relative to, when it is a folder of the project."""
    code_dir = function.code_dir
    if not isinstance(code_dir, Path):
        return None
    if code_dir.suffix.lower() in (".zip", ".jar") or code_dir.is_file():
        return None
    if not code_dir.exists():
        try:
            parts = code_dir.resolve().relative_to(function.app.directory.resolve()).parts
        except ValueError:
            parts = code_dir.parts
        if any(part in BUILD_FOLDERS for part in parts):
            return None
    return code_dir


def has_project_handler(function: Function) -> bool:
    """A zip-packaged function with a known Python runtime whose handler module should
    be in the project (not an image, inline code, an S3 object or a layer's wrapper)."""
    if not function.is_python or not function.has_code_link:
        return False
    if not isinstance(function.handler.value, str):
        return False
    if _packaged_elsewhere(function) or code_dir_of(function) is None:
        return False
    if _web_adapter(function):
        return False
    module = function.handler.value.rpartition(".")[0].replace("/", ".").lstrip(".")
    return module.split(".")[0] not in PROVIDED_MODULES


# Node.js handlers that a layer provides (`/opt/nodejs/node_modules/datadog-lambda-js/
# handler.handler`) or that the runtime finds in `node_modules` through `require.resolve`.
PROVIDED_NODE_PACKAGES = frozenset(
    {"datadog-lambda-js", "newrelic-lambda-wrapper", "@lumigo/tracer", "@thundra/core"}
)


def has_project_node_handler(function: Function) -> bool:
    """A zip-packaged function with a Node.js runtime whose handler module should be in
    the project (not a layer's wrapper, a package in node_modules, or build output)."""
    if function.language != "node" or not function.has_code_link:
        return False
    handler = function.handler.value
    if not isinstance(handler, str) or handler.startswith("/opt/"):
        return False
    if _packaged_elsewhere(function) or code_dir_of(function) is None:
        return False
    if _web_adapter(function):
        return False
    folders = handler.replace("\\", "/").split("/")[:-1]
    if "node_modules" in folders or any(folder in BUILD_FOLDERS for folder in folders):
        return False
    return not any(package in handler for package in PROVIDED_NODE_PACKAGES)


# -- module-level bindings ----------------------------------------------------------------
@dataclass(frozen=True)
class Binding:
    """How a module binds a name at module level.

    kind: "function", "class", "instance" (of `target`, a class of the module), "alias"
    (of `target`, a function of the module), "lambda", "import", or "other".
    """

    kind: str
    line: int
    column: int  # 1-based
    target: str | None = None
    node: ast.AST | None = None


def _module_statements(body: Sequence[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at module level, through `if`/`try`/`with`/loops."""
    for statement in body:
        yield statement
        if isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While)):
            yield from _module_statements(statement.body)
            yield from _module_statements(statement.orelse)
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            yield from _module_statements(statement.body)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            yield from _module_statements(statement.body)  # type: ignore[attr-defined]
            for handler in statement.handlers:  # type: ignore[attr-defined]
                yield from _module_statements(handler.body)
            yield from _module_statements(statement.orelse)  # type: ignore[attr-defined]
            yield from _module_statements(statement.finalbody)  # type: ignore[attr-defined]


def _names_in_target(target: ast.expr) -> Iterator[ast.Name]:
    if isinstance(target, ast.Name):
        yield target
    elif isinstance(target, (ast.Tuple, ast.List)):
        for element in target.elts:
            yield from _names_in_target(element)
    elif isinstance(target, ast.Starred):
        yield from _names_in_target(target.value)


def _value_binding(name: ast.Name, value: ast.expr | None, tree: ast.Module) -> Binding:
    line, column = name.lineno, name.col_offset + 1
    classes = {s.name for s in tree.body if isinstance(s, ast.ClassDef)}
    functions = {
        s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))
    }
    if isinstance(value, ast.Lambda):
        return Binding("lambda", line, column, node=value)
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Name)
        and value.func.id in classes
    ):
        return Binding("instance", line, column, value.func.id, value)
    if isinstance(value, ast.Name) and value.id in functions:
        return Binding("alias", line, column, value.id, value)
    if isinstance(value, ast.Name) and value.id in classes:
        return Binding("class", line, column, value.id, value)
    return Binding("other", line, column, node=value)


def module_bindings(tree: ast.Module, name: str) -> list[Binding]:
    """Every module-level binding of `name`; [Binding("other")] when the module binds
    names dynamically (`from x import *`, a module `__getattr__`, `globals()`)."""
    found: list[Binding] = []
    dynamic: Binding | None = None
    for statement in _module_statements(tree.body):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if statement.name == name:
                found.append(Binding("function", statement.lineno, statement.col_offset + 1))
            elif statement.name == "__getattr__":
                dynamic = Binding("other", statement.lineno, statement.col_offset + 1)
        elif isinstance(statement, ast.ClassDef) and statement.name == name:
            found.append(Binding("class", statement.lineno, statement.col_offset + 1, name))
        elif isinstance(statement, (ast.Import, ast.ImportFrom)):
            for alias in statement.names:
                if alias.name == "*":
                    dynamic = Binding("other", statement.lineno, statement.col_offset + 1)
                    continue
                bound = alias.asname or alias.name.split(".")[0]
                if bound == name:
                    found.append(Binding("import", statement.lineno, statement.col_offset + 1))
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                for target_name in _names_in_target(target):
                    if target_name.id == name:
                        single = isinstance(target, ast.Name)
                        value = statement.value if single else None
                        found.append(_value_binding(target_name, value, tree))
        elif isinstance(statement, (ast.AnnAssign, ast.AugAssign)):
            if isinstance(statement.target, ast.Name) and statement.target.id == name:
                value = statement.value if isinstance(statement, ast.AnnAssign) else None
                found.append(_value_binding(statement.target, value, tree))
        elif isinstance(statement, (ast.For, ast.AsyncFor)):
            for target_name in _names_in_target(statement.target):
                if target_name.id == name:
                    found.append(Binding("other", target_name.lineno, target_name.col_offset + 1))
        elif isinstance(statement, (ast.With, ast.AsyncWith)):
            for item in statement.items:
                if item.optional_vars is not None:
                    for target_name in _names_in_target(item.optional_vars):
                        if target_name.id == name:
                            found.append(
                                Binding("other", target_name.lineno, target_name.col_offset + 1)
                            )
        elif isinstance(statement, ast.Expr) and _writes_globals(statement.value):
            dynamic = Binding("other", statement.lineno, statement.col_offset + 1)
    if not found and dynamic is not None:
        return [dynamic]
    return found


def _writes_globals(value: ast.expr) -> bool:
    """`globals().update(...)`, `setattr(sys.modules[__name__], ...)` and the like."""
    text = ast.dump(value)
    return "id='globals'" in text or "id='setattr'" in text or "attr='__dict__'" in text


def find_class(tree: ast.Module, name: str) -> ast.ClassDef | None:
    found = None
    for statement in _module_statements(tree.body):
        if isinstance(statement, ast.ClassDef) and statement.name == name:
            found = statement
    return found


def find_function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    found = None
    for statement in _module_statements(tree.body):
        if (
            isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
            and statement.name == name
        ):
            found = statement
    return found


# -- signatures ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Signature:
    """What a call `handler(event, context)` needs to know about a callable."""

    positional: tuple[str, ...]
    required_positional: int
    has_varargs: bool
    required_keyword_only: tuple[str, ...] | int  # names when known, else a count
    is_async: bool
    decorators: tuple[str, ...]

    @classmethod
    def of_facts(cls, facts: FunctionFacts) -> Signature:
        return cls(
            facts.positional,
            facts.required_positional,
            facts.has_varargs,
            facts.required_keyword_only,
            facts.is_async,
            facts.decorators,
        )

    @classmethod
    def of_ast(
        cls, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, *, drop_first: bool = False
    ) -> Signature:
        args = node.args
        positional = [a.arg for a in (*args.posonlyargs, *args.args)]
        required = len(positional) - len(args.defaults)
        if drop_first and positional:
            positional = positional[1:]
            required = max(required - 1, 0)
        keyword_only = tuple(
            a.arg
            for a, default in zip(args.kwonlyargs, args.kw_defaults, strict=True)
            if default is None
        )
        decorators: tuple[str, ...] = ()
        if not isinstance(node, ast.Lambda):
            decorators = tuple(_decorator_name(d) for d in node.decorator_list)
        return cls(
            tuple(positional),
            required,
            args.vararg is not None,
            keyword_only,
            isinstance(node, ast.AsyncFunctionDef),
            decorators,
        )


def _decorator_name(node: ast.expr) -> str:
    if isinstance(node, ast.Call):
        return _decorator_name(node.func) + "()"
    try:
        return ast.unparse(node)
    except Exception:  # ast.unparse handles every expression; be safe anyway
        return "?"


# Decorators that keep the (event, context) signature of the function they wrap.
_KEEPING_METHODS = frozenset(
    {
        "inject_lambda_context",
        "capture_lambda_handler",
        "log_metrics",
        "datadog_lambda_wrapper",
        "lumigo_tracer",
    }
)
_KEEPING_PACKAGES = (
    "aws_lambda_powertools.",
    "newrelic.",
    "aws_xray_sdk.",
    "datadog_lambda.",
    "epsagon.",
    "thundra.",
    "lumigo_tracer.",
)
# Decorators that pass extra keyword arguments to the function they wrap.
_SUPPLYING = {"metric_scope": ("metrics",)}


def decorator_effect(qualified: str) -> tuple[str, ...] | None:
    """The parameters a decorator supplies (() when it keeps the signature); None when
    its effect on the signature is unknown."""
    plain = qualified.removesuffix("()")
    last = plain.rsplit(".", 1)[-1]
    if last in _SUPPLYING and (plain == last or plain.startswith("aws_embedded_metrics.")):
        return _SUPPLYING[last]
    if last in _KEEPING_METHODS:
        return ()
    if plain.startswith(_KEEPING_PACKAGES):
        return ()
    return None


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def signature_problem(signature: Signature) -> str | None:
    """Why `handler(event, context)` cannot work with this callable, if it cannot."""
    supplied: set[str] = set()
    for decorator in signature.decorators:
        effect = decorator_effect(decorator)
        if effect is None:
            return None  # a decorator we do not know may build any signature
        supplied.update(effect)
    if signature.is_async:
        return (
            "is `async def`: the Python runtime calls it without awaiting, gets a coroutine "
            "back and fails to serialise it"
        )
    required = [
        name
        for name in signature.positional[: signature.required_positional]
        if name not in supplied
    ]
    accepted = [name for name in signature.positional if name not in supplied]
    if len(required) > 2:
        return (
            f"requires {_plural(len(required), 'positional parameter')} "
            f"({', '.join(required)}), but Lambda passes only (event, context)"
        )
    if len(accepted) < 2 and not signature.has_varargs:
        if not accepted:
            taken = "takes no positional parameter"
        else:
            taken = f"takes only {_plural(len(accepted), 'positional parameter')} ({accepted[0]})"
        return f"{taken}, but Lambda calls it with two (event, context): it fails with a TypeError"
    keyword_only = signature.required_keyword_only
    if isinstance(keyword_only, int):
        missing = keyword_only - len(supplied)
        if missing > 0:
            return f"requires {_plural(missing, 'keyword-only parameter')} that Lambda never passes"
    else:
        names = [name for name in keyword_only if name not in supplied]
        if names:
            return (
                f"requires the keyword-only parameter{'s' if len(names) > 1 else ''} "
                f"{', '.join(names)}, which Lambda never passes"
            )
    return None


# -- code that returns early for a warming call -------------------------------------------
_WARM_TEXT = re.compile(
    r"(?i)(?<![a-z])(?:pre)?warm(?:er|up|_up|-up|ing)?(?![a-z])|keep[-_ ]?(?:alive|warm)"
)
# Warming a shared cache or search index is a real job.
_WARM_WORK = re.compile(
    r"(?i)\w*warm\w*[-_ ]+(?:\w+[-_ ]+){0,3}(?:cache|index)\w*|(?:cache|index)\w*[-_ ]+\w*warm\w*"
)
SCHEDULE_MARKERS = frozenset({"aws.events", "Scheduled Event"})


_LOG_METHODS = frozenset({"debug", "info", "warning", "warn", "error", "critical", "log"})


def _is_log_line(statement: ast.stmt) -> bool:
    """A docstring, `print(...)` or `logger.info(...)`: nothing the handler works on."""
    if not isinstance(statement, ast.Expr):
        return False
    value = statement.value
    if isinstance(value, ast.Constant):
        return True
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    if isinstance(func, ast.Name):
        return func.id == "print"
    return isinstance(func, ast.Attribute) and func.attr in _LOG_METHODS


def _does_nothing(body: Sequence[ast.stmt]) -> bool:
    """Only `return`, `pass` and log lines."""
    return (
        bool(body)
        and isinstance(body[-1], ast.Return)
        and all(isinstance(s, (ast.Return, ast.Pass)) or _is_log_line(s) for s in body)
    )


def early_returns(tree: ast.Module, name: str) -> list[tuple[int, frozenset[str]]]:
    """`if` statements near the top of handler `name` that return at once (a log line
    aside), with the string constants their test compares with: `if event.get("source")
    == "aws.events": return` -> (line, {"source", "aws.events"})."""
    function = find_function(tree, name)
    if function is None:
        return []
    found = []
    for statement in function.body[:6]:
        if isinstance(statement, ast.If) and _does_nothing(statement.body):
            strings = frozenset(
                node.value
                for node in ast.walk(statement.test)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            )
            found.append((statement.lineno, strings))
    return found


def is_warming_text(text: str) -> bool:
    """Does a name, description or input speak of warming (`warmer`, `WarmUp`,
    `keep-warm`, `serverless-plugin-warmup`)? camelCase counts as separate words."""
    words = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", text)
    # Warming a cache is real work, not a keep-alive ping.
    words = _WARM_WORK.sub(" ", words)
    return _WARM_TEXT.search(words) is not None
