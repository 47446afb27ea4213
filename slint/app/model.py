"""The one normalized picture of a Lambda application, whatever format it came from.

Loaders (serverless.yml, SAM, CloudFormation) build it; rules never read raw YAML
for what the model answers. Every value keeps where it came from (file and key
position) so that findings and fixes point at an exact line. A value slint cannot
know (an unresolved `${ssm:...}`, an `!If`, a parameter without a default) is an
`Unknown`, and rules stay silent on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from slint.app.yamlpos import YList, YMap
from slint.diagnostics import Location

if TYPE_CHECKING:
    # slint.app.node reads the model; the model only names its packaging record.
    from slint.app.node import NodePackaging

T = TypeVar("T")


class Unknown:
    """A value that cannot be known before deployment."""

    __slots__ = ("reason",)

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unknown) and other.reason == self.reason

    def __hash__(self) -> int:
        return hash(("Unknown", self.reason))


def is_known(value: object) -> bool:
    """Neither Unknown nor containing an Unknown nor an unresolved intrinsic function."""
    if isinstance(value, Unknown):
        return False
    if isinstance(value, dict):
        if len(value) == 1 and next(iter(value), "") in INTRINSIC_KEYS:
            return False
        return all(is_known(v) for v in value.values())
    if isinstance(value, list):
        return all(is_known(v) for v in value)
    return True


class _DeployDefault:
    """Mixin of a value that a deployment can override: a template parameter's
    `Default`, or the fallback of a serverless `${opt:...}` / `${env:...}` variable.
    It behaves as the plain value; `origin` says where it comes from."""

    origin: str


class DeployDefaultStr(_DeployDefault, str):
    pass


class DeployDefaultInt(_DeployDefault, int):
    pass


class DeployDefaultFloat(_DeployDefault, float):
    pass


def deploy_default(value: Any, origin: str) -> Any:
    """`value` marked as a default a deployment can override (`origin`: "the default of
    parameter `Runtime`"). Booleans, containers and Unknowns are returned unmarked."""
    marked: Any
    if isinstance(value, (bool, _DeployDefault)):
        return value
    if isinstance(value, str):
        marked = DeployDefaultStr(value)
    elif isinstance(value, int):
        marked = DeployDefaultInt(value)
    elif isinstance(value, float):
        marked = DeployDefaultFloat(value)
    else:
        return value
    marked.origin = origin
    return marked


def deploy_default_origin(value: object) -> str | None:
    """Where a deploy-time default comes from; None for a value fixed in the config."""
    return value.origin if isinstance(value, _DeployDefault) else None


INTRINSIC_KEYS = frozenset(
    {
        "Ref",
        "Condition",
        "Fn::And",
        "Fn::Base64",
        "Fn::Cidr",
        "Fn::Contains",
        "Fn::Equals",
        "Fn::FindInMap",
        "Fn::ForEach",
        "Fn::GetAtt",
        "Fn::GetAZs",
        "Fn::If",
        "Fn::ImportValue",
        "Fn::Join",
        "Fn::Length",
        "Fn::Not",
        "Fn::Or",
        "Fn::Select",
        "Fn::Split",
        "Fn::Sub",
        "Fn::ToJsonString",
        "Fn::Transform",
    }
)


@dataclass(frozen=True)
class Setting(Generic[T]):
    """One setting of the model: its value and where it was written.

    `value` is None when the setting is absent (then `owner` is the mapping that lacks
    it, so a finding can point at it and a fix can insert into it). When present,
    `file`/`at` are the key's position and `span` the value's text range.
    """

    value: T | Unknown | None
    file: str
    at: Location
    span: tuple[Location, Location] | None = None
    owner: YMap | None = field(default=None, repr=False, compare=False)
    key: str | None = None

    @property
    def present(self) -> bool:
        return self.value is not None

    @property
    def known(self) -> bool:
        return self.value is not None and is_known(self.value)

    @classmethod
    def absent(cls, owner: YMap | None, file: str, at: Location) -> Setting[Any]:
        return cls(None, file, at, None, owner, None)

    @classmethod
    def read(cls, owner: YMap, key: str, default_at: Location | None = None) -> Setting[Any]:
        """The value of `key` in `owner`, positioned at the key (absent: at `owner`)."""
        if key in owner:
            return cls(
                owner[key], owner.file, owner.key_loc[key], owner.value_range[key], owner, key
            )
        return cls(None, owner.file, default_at or owner.loc, None, owner, None)


@dataclass
class Event:
    """One event source of a function.

    `kind` is normalized: api (REST), http_api, websocket, alb, sqs, sns, s3, stream
    (DynamoDB / Kinesis; see `stream_type`), kafka, mq, schedule, eventbridge,
    cloudwatch_logs, iot, cognito, alexa, function_url, other.
    """

    kind: str
    type_name: (
        str  # as written: "http", "sqs", "Api", "DynamoDB", "AWS::Lambda::EventSourceMapping"
    )
    name: str  # the event's logical name (SAM) or its index (serverless)
    file: str
    at: Location
    properties: YMap | None  # the event's own settings, as written
    stream_type: str | None = None  # "dynamodb" / "kinesis" for kind == "stream"
    # Normalized settings (absent ones are Setting(None, ...) positioned at the event).
    batch_size: Setting[Any] | None = None
    maximum_retry_attempts: Setting[Any] | None = None
    maximum_record_age: Setting[Any] | None = None
    bisect_on_error: Setting[Any] | None = None
    on_failure: Setting[Any] | None = None
    report_batch_item_failures: Setting[Any] | None = None
    enabled: Setting[Any] | None = None
    # The queue / stream / topic / bucket the event reads, as a logical id of the same
    # template (str) or an ARN / unknown value.
    source: Any = None
    method: str | None = None  # HTTP method, upper case, for api/http_api
    path: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def is_async(self) -> bool:
        """Invoked asynchronously by AWS (failures go to the function's DLQ/destination)."""
        return self.kind in ASYNC_KINDS

    @property
    def is_poll_based(self) -> bool:
        return self.kind in ("sqs", "stream", "kafka", "mq")


ASYNC_KINDS = frozenset({"s3", "sns", "schedule", "eventbridge", "cloudwatch_logs", "iot", "ses"})


@dataclass
class Statement:
    """An IAM policy statement that applies to a function's role."""

    effect: Any
    actions: list[Any]  # Action, or NotAction when `not_action`
    resources: list[Any]
    file: str
    at: Location
    node: YMap | None = field(default=None, repr=False, compare=False)  # as written
    not_action: bool = False


@dataclass
class HandlerRef:
    """Where a function's handler lives: a module file and a function in it."""

    module_path: Path  # absolute; may not exist (that is SL001's business)
    function: str  # may be dotted for a method-less nested name; normally one name
    # All candidate files tried, for messages (a package may hold the module or
    # the module may be a package's __init__.py).
    candidates: tuple[Path, ...] = ()
    # Node.js: `module_path` is build output, not source: a CDK asset (NodejsFunction's
    # esbuild bundle, minified and holding its dependencies, or a staged copy of code
    # that lives elsewhere). SL001 checks that it exists; code rules must not lint it.
    bundled: bool = False
    # Node.js with SAM `BuildMethod: esbuild`: the source files of
    # `BuildProperties.EntryPoints` (absolute). A handler that names none of their
    # outputs has `module_path` = the output it names (`<CodeUri>/<path>.js`, not built)
    # and `candidates` = these entry points, for SL001's message.
    entry_points: tuple[Path, ...] = ()


@dataclass
class Function:
    name: str  # serverless function key / CloudFormation logical id
    app: App
    file: str  # display path of the file where the function is defined
    at: Location  # its key
    node: YMap  # its settings (serverless) / Properties (SAM, CFN) mapping, for fixes
    runtime: Setting[Any]
    handler: Setting[Any]
    timeout: Setting[Any]  # own, else inherited (then positioned where inherited from)
    memory: Setting[Any]
    package_type: str = "Zip"  # "Zip" or "Image"
    inline_code: bool = False
    code_dir: Path | Unknown | None = None  # the folder the handler path is relative to
    # Import roots of the layers the config gives it and builds from a local folder
    # (the layer's `python/` folder, /opt/python at run time), in the config's order.
    layers: tuple[Path, ...] = ()
    tracing: Setting[Any] | None = None
    log_retention: Setting[Any] | None = None
    log_group: Setting[Any] | None = None  # LoggingConfig.LogGroup (SAM/CFN)
    environment: dict[str, Setting[Any]] = field(default_factory=dict)
    dead_letter: Setting[Any] | None = None
    on_failure: Setting[Any] | None = None  # async on-failure destination
    async_retry_attempts: Setting[Any] | None = None
    url_auth: Setting[Any] | None = None  # function URL AuthType, if it has a URL
    events: list[Event] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    handler_ref: HandlerRef | None = None
    # Node.js: how its deployment package is made from the project (build step,
    # bundler exclusions, devDependencies); set when its handler is linked as Node.js
    # code (slint.app.node), None otherwise.
    node_packaging: NodePackaging | None = None
    # Layers it lists that slint cannot look into (as written): ARNs, parameters,
    # layers of other stacks. `layers` holds the local ones.
    other_layers: tuple[Any, ...] = ()
    requirements: Path | None = None  # requirements.txt deployed with it, if found
    timeout_inherited: bool = False
    # SAM: the `Globals.Function` settings it inherits, less those its `IgnoreGlobals`
    # opts out of (slint.app.sam_globals); None when it inherits none.
    globals: YMap | None = field(default=None, repr=False, compare=False)
    # A function deployed elsewhere, known only by the name (or ARN, or import) that a
    # resource of this template gives: an `AWS::Lambda::EventSourceMapping` or
    # `EventInvokeConfig` of another stack's function. Its runtime, handler, timeout
    # and memory are Unknown, it has no code link, and it is not in `App.functions`
    # (only in `App.external_functions`), so that rules about settings and code never
    # see it; rules about the wiring (retries, failure destinations) read both lists.
    external: bool = False

    @property
    def is_python(self) -> bool:
        runtime = self.runtime.value
        return isinstance(runtime, str) and runtime.startswith("python")

    @property
    def language(self) -> str | None:
        """The language of its handler code: "python" or "node" (JavaScript and
        TypeScript), from the runtime, or with no known runtime from the handler
        module that exists; None for other runtimes (and for no code)."""
        runtime = self.runtime.value
        # A template placeholder (`{{ cookiecutter.runtime }}`) says nothing either.
        if isinstance(runtime, str) and "{{" not in runtime:
            if runtime.startswith("python"):
                return "python"
            if runtime.startswith("nodejs"):
                return "node"
            return None
        ref = self.handler_ref
        if ref is None or not ref.module_path.is_file():
            return None
        return "python" if ref.module_path.suffix == ".py" else "node"

    @property
    def links_python(self) -> bool:
        """Its handler is Python code: a Python runtime, or no known runtime and a `.py`
        handler module that exists."""
        return self.language == "python"

    @property
    def has_code_link(self) -> bool:
        return self.package_type != "Image" and not self.inline_code and not self.external


@dataclass
class Queue:
    logical_id: str
    file: str
    at: Location
    node: YMap  # Properties (absent: the resource mapping)
    visibility_timeout: Setting[Any]
    redrive_policy: Setting[Any]
    fifo: bool = False


@dataclass
class App:
    """One deployment unit: a serverless.yml service or a SAM / CloudFormation template."""

    path: Path  # absolute path of the config file
    file: str  # as displayed
    format: str  # "serverless", "sam" or "cloudformation"
    document: YMap
    text: str
    functions: list[Function] = field(default_factory=list)
    # Functions of other stacks that this template wires up (Function.external).
    external_functions: list[Function] = field(default_factory=list)
    queues: dict[str, Queue] = field(default_factory=dict)
    # CloudFormation resources by logical id (serverless: resources.Resources).
    resources: YMap = field(default_factory=lambda: YMap(Location(1, 1), Location(1, 1), False))
    plugins: tuple[str, ...] = ()
    # Other files the config pulled in (serverless ${file(...)}), absolute.
    includes: tuple[Path, ...] = ()
    # How each of `includes` is displayed (the `file` of the values that come from it).
    include_displays: tuple[str, ...] = ()
    # Problems found while loading that are not fatal (an include that is missing).
    notes: list[tuple[str, Location, str]] = field(default_factory=list)

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def all_functions(self) -> list[Function]:
        """The functions it defines, then those of other stacks it wires up."""
        return [*self.functions, *self.external_functions]


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return list(value)
    return [value]


__all__ = [
    "App",
    "Event",
    "Function",
    "HandlerRef",
    "Queue",
    "Setting",
    "Statement",
    "Unknown",
    "YList",
    "YMap",
    "as_list",
    "is_known",
]
