"""Write a synthetic but realistic Lambda monorepo for slint's benchmarks.

    python -m benchmarks.generate OUT [--modules 2000] [--templates N] [--sam N] [--seed 0]

The layout is the one teams grow into:

    layers/shared/python/shared/      ~50 helper modules, deployed as a Lambda layer
    services/<name>/serverless.yml    Serverless Framework services (handlers/*.py)
    services/<name>/template.yaml     SAM services (src/<package>/*.py, CodeUri: src/)

Every service has a `common.py` of its own, imported with relative imports, and its
handlers import the shared layer with absolute imports, so that slint's reachability
has real work. Handlers follow their trigger (API, SQS, SNS, DynamoDB streams,
schedules, S3) and have the everyday mistakes at realistic rates: a few findings per
module, not hundreds. Everything is deterministic for a seed.
"""

from __future__ import annotations

import argparse
import random
import shutil
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

MIN_LINES = 100
MAX_LINES = 400
_MAX_BLOCK_LINES = 40  # no block is longer: a module stops growing once past its target
MODULES_PER_SERVICE = 10  # the default number of services is modules / 10
SHARED_MODULE_COUNT = 50

ENTITIES = (
    "order",
    "invoice",
    "customer",
    "payment",
    "shipment",
    "product",
    "review",
    "cart",
    "refund",
    "coupon",
    "ticket",
    "booking",
    "subscription",
    "report",
    "notification",
    "account",
    "inventory",
    "delivery",
    "upload",
    "document",
    "message",
    "session",
    "audit",
    "lead",
    "quote",
    "contract",
    "device",
    "reading",
    "claim",
    "policy",
)
AREAS = ("api", "worker", "sync", "ingest", "billing", "ops", "events", "admin", "public", "batch")
VERBS = {
    "http_post": ("create", "update", "submit", "approve", "cancel", "register"),
    "http_get": ("get", "list", "search", "export", "lookup", "describe"),
    "sqs": ("process", "fulfil", "enrich", "index", "import", "settle"),
    "sns": ("notify", "fanout", "broadcast", "relay", "dispatch", "announce"),
    "stream": ("replicate", "project", "aggregate", "mirror", "track", "audit"),
    "schedule": ("cleanup", "rollup", "reconcile", "expire", "snapshot", "remind"),
    "s3": ("ingest", "transcode", "scan", "thumbnail", "parse", "catalog"),
}
# How often each trigger appears among the functions of a service.
EVENT_WEIGHTS = {
    "http_post": 22,
    "http_get": 18,
    "sqs": 20,
    "sns": 9,
    "stream": 10,
    "schedule": 11,
    "s3": 10,
}
ASYNC_EVENTS = ("sns", "schedule", "s3")

# The shared layer: module name and the noun its helpers deal with.
SHARED_MODULES = (
    ("aws_clients", "client"),
    ("http_client", "request"),
    ("db", "record"),
    ("dynamo_repo", "item"),
    ("s3_store", "object"),
    ("sqs_publisher", "message"),
    ("sns_events", "event"),
    ("secrets", "secret"),
    ("settings", "setting"),
    ("logging_setup", "log"),
    ("responses", "response"),
    ("validation", "payload"),
    ("models", "model"),
    ("errors", "error"),
    ("retry", "attempt"),
    ("pagination", "page"),
    ("dates", "date"),
    ("money", "amount"),
    ("ids", "identifier"),
    ("serialization", "document"),
    ("tracing", "segment"),
    ("metrics", "metric"),
    ("feature_flags", "flag"),
    ("auth", "principal"),
    ("jwt_tools", "token"),
    ("cache", "entry"),
    ("rate_limit", "quota"),
    ("notifications", "notice"),
    ("emails", "email"),
    ("templates", "template"),
    ("geo", "location"),
    ("search_client", "query"),
    ("batch", "chunk"),
    ("idempotency", "key"),
    ("locks", "lock"),
    ("audit_log", "trail"),
    ("events_bus", "envelope"),
    ("step_functions", "execution"),
    ("reports", "summary"),
    ("csv_export", "row"),
    ("currency", "rate"),
    ("tax", "charge"),
    ("addresses", "address"),
    ("phone", "number"),
    ("i18n", "locale"),
    ("permissions", "grant"),
    ("tenants", "tenant"),
    ("webhooks", "hook"),
    ("queue_consumer", "receipt"),
    ("health", "check"),
)

# Import lines by key, in the groups an import sorter writes them.
_STDLIB = {
    "future": "from __future__ import annotations",
    "hashlib": "import hashlib",
    "json": "import json",
    "logging": "import logging",
    "os": "import os",
    "re": "import re",
    "time": "import time",
    "uuid": "import uuid",
    "iterator": "from collections.abc import Iterator",
    "dataclass": "from dataclasses import asdict, dataclass, field",
    "datetime": "from datetime import datetime, timedelta, timezone",
    "decimal": "from decimal import Decimal, InvalidOperation",
    "any": "from typing import Any",
    "unquote": "from urllib.parse import unquote_plus",
}
_THIRD_PARTY = {
    "boto3": "import boto3",
    "requests": "import requests",
    "clienterror": "from botocore.exceptions import ClientError",
}
# Module-level AWS clients a block may need (created once per environment).
_CLIENTS = {
    "s3": 's3 = boto3.client("s3")',
    "sqs": 'sqs = boto3.client("sqs")',
    "sns": 'sns = boto3.client("sns")',
    "ssm": 'ssm = boto3.client("ssm")',
    "cloudwatch": 'cloudwatch = boto3.client("cloudwatch")',
    "dynamodb": 'dynamodb = boto3.resource("dynamodb")',
}


def _render(text: str, **values: object) -> str:
    """A block of code from an indented template (`$name` placeholders)."""
    return Template(textwrap.dedent(text).strip("\n")).substitute(values) + "\n"


def _camel(words: str) -> str:
    parts = words.replace("-", "_").split("_")
    return parts[0] + "".join(part.title() for part in parts[1:])


def _pascal(words: str) -> str:
    return "".join(part.title() for part in words.replace("-", "_").split("_"))


@dataclass
class _Block:
    text: str
    needs: frozenset[str] = frozenset()  # keys of _STDLIB / _THIRD_PARTY / "client:<x>"
    callable_name: str | None = None  # a function taking `data: dict[str, Any]`

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1  # with the blank line before it


@dataclass
class _ModuleText:
    """The parts of one module, put together by `render`."""

    docstring: str
    needs: set[str] = field(default_factory=set)
    extra_imports: list[str] = field(default_factory=list)  # shared and relative imports
    constants: list[str] = field(default_factory=list)
    blocks: list[_Block] = field(default_factory=list)

    def add(self, block: _Block) -> None:
        self.blocks.append(block)
        self.needs |= block.needs

    def render(self) -> str:
        needs = set(self.needs)
        clients = sorted(key.split(":", 1)[1] for key in needs if key.startswith("client:"))
        if clients:
            needs.add("boto3")
        stdlib = [line for key, line in _STDLIB.items() if key in needs and key != "future"]
        third = [line for key, line in _THIRD_PARTY.items() if key in needs]
        head = [f'"""{self.docstring}"""', "", _STDLIB["future"], ""]
        head += sorted(stdlib, key=lambda line: (line.startswith("from"), line))
        if third:
            head += ["", *sorted(third, key=lambda line: (line.startswith("from"), line))]
        if self.extra_imports:
            head += ["", *self.extra_imports]
        head += ["", "logger = logging.getLogger(__name__)", *self.constants]
        head += [_CLIENTS[name] for name in clients]
        text = "\n".join(head) + "\n"
        for block in self.blocks:
            text += "\n\n" + block.text
        return text

    @property
    def line_count(self) -> int:
        return self.render().count("\n")


# ---------------------------------------------------------------------------
# Helper blocks: functions and classes of ordinary Lambda code.
# Every function block takes `data: dict[str, Any]` first, so that the code that
# calls helpers (handlers, services' common modules) can call any of them.


def _summarize(rng: random.Random, noun: str, name: str) -> _Block:
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> dict[str, Any]:
            """Totals per status of the ${noun}s in `data["items"]`."""
            totals: dict[str, Decimal] = {}
            count = 0
            for item in data.get("items", []):
                status = str(item.get("status", "UNKNOWN")).upper()
                amount = Decimal(str(item.get("amount", "0")))
                totals[status] = totals.get(status, Decimal("0")) + amount
                count += 1
            logger.debug("summarised %d ${noun}s", count)
            return {
                "count": count,
                "totals": {status: str(total) for status, total in sorted(totals.items())},
            }
        ''',
        name=name,
        noun=noun,
    )
    return _Block(text, frozenset({"any", "decimal", "logging"}), name)


def _validate(rng: random.Random, noun: str, name: str) -> _Block:
    fields = rng.sample(["id", "tenant_id", "email", "amount", "currency", "status", "sku"], 3)
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> list[str]:
            """The problems of a ${noun} payload, empty when it is valid."""
            problems: list[str] = []
            for key in ($fields):
                if key not in data or data[key] in (None, ""):
                    problems.append(f"{key} is required")
            if "amount" in data:
                try:
                    if Decimal(str(data["amount"])) < 0:
                        problems.append("amount must not be negative")
                except (InvalidOperation, ValueError):
                    problems.append("amount is not a number")
            if "email" in data and "@" not in str(data["email"]):
                problems.append("email is not an address")
            return problems
        ''',
        name=name,
        noun=noun,
        fields=", ".join(f'"{item}"' for item in fields) + ",",
    )
    return _Block(text, frozenset({"any", "decimal"}), name)


def _normalize(rng: random.Random, noun: str, name: str) -> _Block:
    text = _render(
        '''
        _${upper}_KEY = re.compile(r"[^a-z0-9]+")


        def $name(data: dict[str, Any]) -> dict[str, Any]:
            """The ${noun} with snake_case keys and trimmed strings."""
            cleaned: dict[str, Any] = {}
            for key, value in data.items():
                normal = _${upper}_KEY.sub("_", str(key).lower()).strip("_")
                if isinstance(value, str):
                    value = value.strip()
                elif isinstance(value, dict):
                    value = $name(value)
                cleaned[normal] = value
            return cleaned
        ''',
        name=name,
        noun=noun,
        upper=name.upper(),
    )
    return _Block(text, frozenset({"any", "re"}), name)


def _fetch_remote(rng: random.Random, noun: str, name: str) -> _Block:
    # One outbound call in five has no timeout: SL305 when it runs per invocation.
    timeout = "" if rng.random() < 0.2 else f",\n        timeout={rng.choice((3, 5, 10))}"
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> dict[str, Any]:
            """The ${noun} details the partner API holds for `data["id"]`."""
            base_url = os.environ.get("PARTNER_API_URL", "https://partner.example.com")
            response = requests.get(
                f"{base_url}/${noun}s/{data.get('id', '')}",
                headers={"Accept": "application/json"}$timeout,
            )
            if response.status_code == 404:
                return {}
            response.raise_for_status()
            return dict(response.json())
        ''',
        name=name,
        noun=noun,
        timeout=timeout,
    )
    return _Block(text, frozenset({"any", "os", "requests"}), name)


def _publish_sqs(rng: random.Random, noun: str, name: str) -> _Block:
    dedup = (
        '\n        MessageGroupId=str(data.get("tenant_id", "default")),'
        '\n        MessageDeduplicationId=str(data["id"]),'
        if rng.random() < 0.5
        else ""
    )
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> str:
            """Queue the ${noun} for the next stage; the message id."""
            queue_url = os.environ["${upper}_QUEUE_URL"]
            response = sqs.send_message(
                QueueUrl=queue_url,
                MessageBody=json.dumps(data, default=str),$dedup
            )
            return str(response["MessageId"])
        ''',
        name=name,
        noun=noun,
        upper=noun.upper(),
        dedup=dedup,
    )
    return _Block(text, frozenset({"any", "os", "json", "client:sqs"}), name)


def _notify_sns(rng: random.Random, noun: str, name: str) -> _Block:
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> None:
            """Tell subscribers that a ${noun} changed."""
            sns.publish(
                TopicArn=os.environ["${upper}_TOPIC_ARN"],
                Subject="${noun} updated",
                Message=json.dumps({"id": data.get("id"), "status": data.get("status")}),
                MessageAttributes={
                    "kind": {"DataType": "String", "StringValue": "${noun}"},
                },
            )
        ''',
        name=name,
        noun=noun,
        upper=noun.upper(),
    )
    return _Block(text, frozenset({"any", "os", "json", "client:sns"}), name)


def _store_s3(rng: random.Random, noun: str, name: str) -> _Block:
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> str:
            """Archive the ${noun} as JSON under a dated key; the key."""
            now = datetime.now(timezone.utc)
            key = f"${noun}s/{now:%Y/%m/%d}/{data.get('id', uuid.uuid4().hex)}.json"
            s3.put_object(
                Bucket=os.environ["ARCHIVE_BUCKET"],
                Key=key,
                Body=json.dumps(data, default=str).encode("utf-8"),
                ContentType="application/json",
            )
            return key
        ''',
        name=name,
        noun=noun,
    )
    return _Block(text, frozenset({"any", "os", "json", "datetime", "uuid", "client:s3"}), name)


def _paginate(rng: random.Random, noun: str, name: str) -> _Block:
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> Iterator[dict[str, Any]]:
            """Every ${noun} of the tenant, page by page."""
            table = dynamodb.Table(os.environ["TABLE_NAME"])
            kwargs: dict[str, Any] = {
                "KeyConditionExpression": "pk = :pk",
                "ExpressionAttributeValues": {":pk": f"TENANT#{data.get('tenant_id', '')}"},
                "Limit": 100,
            }
            while True:
                page = table.query(**kwargs)
                yield from page.get("Items", [])
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        ''',
        name=name,
        noun=noun,
    )
    return _Block(text, frozenset({"any", "os", "iterator", "client:dynamodb"}), name)


def _conditional_put(rng: random.Random, noun: str, name: str) -> _Block:
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> bool:
            """Store a new ${noun}; False when it already exists."""
            table = dynamodb.Table(os.environ["TABLE_NAME"])
            try:
                table.put_item(
                    Item={"pk": f"${upper}#{data['id']}", **data},
                    ConditionExpression="attribute_not_exists(pk)",
                )
            except ClientError as error:
                if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                    return False
                raise
            return True
        ''',
        name=name,
        noun=noun,
        upper=noun.upper(),
    )
    return _Block(text, frozenset({"any", "os", "client:dynamodb", "clienterror"}), name)


def _bounded_retry(rng: random.Random, noun: str, name: str) -> _Block:
    attempts = rng.choice((3, 4, 5))
    text = _render(
        '''
        def $name(data: dict[str, Any], attempts: int = $attempts) -> dict[str, Any]:
            """Read the ${noun}, retrying throttling a few times with backoff."""
            table = dynamodb.Table(os.environ["TABLE_NAME"])
            for attempt in range(attempts):
                try:
                    response = table.get_item(Key={"pk": f"${upper}#{data['id']}"})
                    return dict(response.get("Item", {}))
                except ClientError as error:
                    code = error.response["Error"]["Code"]
                    if code != "ProvisionedThroughputExceededException" or attempt == attempts - 1:
                        raise
                    time.sleep(0.05 * 2**attempt)
            return {}
        ''',
        name=name,
        noun=noun,
        upper=noun.upper(),
        attempts=attempts,
    )
    return _Block(text, frozenset({"any", "os", "time", "client:dynamodb", "clienterror"}), name)


def _signature(rng: random.Random, noun: str, name: str) -> _Block:
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> str:
            """A stable fingerprint of the ${noun}, to detect changes."""
            canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
            digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
            return f"${noun}:{digest[:32]}"
        ''',
        name=name,
        noun=noun,
    )
    return _Block(text, frozenset({"any", "json", "hashlib"}), name)


def _date_window(rng: random.Random, noun: str, name: str) -> _Block:
    days = rng.choice((1, 7, 30, 90))
    text = _render(
        '''
        def $name(data: dict[str, Any]) -> tuple[str, str]:
            """The ISO start and end of the ${noun} window ending at `data["until"]`."""
            raw = data.get("until")
            now = datetime.now(timezone.utc)
            until = datetime.fromisoformat(raw) if isinstance(raw, str) else now
            if until.tzinfo is None:
                until = until.replace(tzinfo=timezone.utc)
            start = until - timedelta(days=$days)
            return start.isoformat(), until.isoformat()
        ''',
        name=name,
        noun=noun,
        days=days,
    )
    return _Block(text, frozenset({"any", "datetime"}), name)


def _chunks(rng: random.Random, noun: str, name: str) -> _Block:
    size = rng.choice((10, 25, 100))
    text = _render(
        '''
        def $name(data: dict[str, Any], size: int = $size) -> list[list[Any]]:
            """The ${noun}s of `data["items"]` in batches the API accepts."""
            items = list(data.get("items", []))
            batches: list[list[Any]] = []
            for start in range(0, len(items), size):
                batches.append(items[start : start + size])
            return batches
        ''',
        name=name,
        noun=noun,
        size=size,
    )
    return _Block(text, frozenset({"any"}), name)


def _entity_class(rng: random.Random, noun: str, name: str) -> _Block:
    cls = _pascal(name)
    text = _render(
        '''
        @dataclass
        class $cls:
            """A ${noun} as the table stores it."""

            id: str
            tenant_id: str
            status: str = "NEW"
            amount: Decimal = Decimal("0")
            tags: list[str] = field(default_factory=list)
            created_at: str = field(default_factory=lambda: datetime.now(timezone.utc).isoformat())

            def to_item(self) -> dict[str, Any]:
                item = asdict(self)
                item["pk"] = f"TENANT#{self.tenant_id}"
                item["sk"] = f"${upper}#{self.id}"
                item["amount"] = str(self.amount)
                return item

            @classmethod
            def from_item(cls, item: dict[str, Any]) -> $cls:
                return cls(
                    id=str(item["sk"]).split("#", 1)[1],
                    tenant_id=str(item["pk"]).split("#", 1)[1],
                    status=str(item.get("status", "NEW")),
                    amount=Decimal(str(item.get("amount", "0"))),
                    tags=list(item.get("tags", [])),
                    created_at=str(item.get("created_at", "")),
                )
        ''',
        cls=cls,
        noun=noun,
        upper=noun.upper(),
    )
    return _Block(text, frozenset({"any", "dataclass", "datetime", "decimal"}))


def _error_class(rng: random.Random, noun: str, name: str) -> _Block:
    cls = _pascal(name) + "Error"
    text = _render(
        '''
        class $cls(Exception):
            """A ${noun} cannot be processed; `retryable` says whether a retry may help."""

            def __init__(self, ${noun}_id: str, reason: str, retryable: bool = False) -> None:
                super().__init__(f"${noun} {${noun}_id}: {reason}")
                self.${noun}_id = ${noun}_id
                self.reason = reason
                self.retryable = retryable
        ''',
        cls=cls,
        noun=noun,
    )
    return _Block(text, frozenset())


def _repository_class(rng: random.Random, noun: str, name: str) -> _Block:
    cls = _pascal(name) + "Repository"
    text = _render(
        '''
        class $cls:
            """Reads and writes ${noun}s in one DynamoDB table."""

            def __init__(self, table_name: str | None = None) -> None:
                self._table = dynamodb.Table(table_name or os.environ["TABLE_NAME"])

            def get(self, ${noun}_id: str) -> dict[str, Any] | None:
                response = self._table.get_item(Key={"pk": f"${upper}#{${noun}_id}"})
                item = response.get("Item")
                return dict(item) if item else None

            def put_new(self, item: dict[str, Any]) -> None:
                self._table.put_item(Item=item, ConditionExpression="attribute_not_exists(pk)")

            def set_status(self, ${noun}_id: str, status: str) -> None:
                self._table.update_item(
                    Key={"pk": f"${upper}#{${noun}_id}"},
                    UpdateExpression="SET #s = :s",
                    ExpressionAttributeNames={"#s": "status"},
                    ExpressionAttributeValues={":s": status},
                )
        ''',
        cls=cls,
        noun=noun,
        upper=noun.upper(),
    )
    return _Block(text, frozenset({"any", "os", "client:dynamodb"}))


def _labels(rng: random.Random, noun: str, name: str, entries: int) -> _Block:
    """A lookup table: also fills the last few lines up to a module's size."""
    words = rng.sample(
        ["new", "pending", "active", "paused", "failed", "done", "archived", "held", "review"]
        + [f"state_{index}" for index in range(40)],
        entries,
    )
    body = "\n".join(f'    "{word}": "{word.replace("_", " ").title()}",' for word in words)
    text = f"{name.upper()}_LABELS = {{\n{body}\n}}\n"
    return _Block(text)


_FUNCTION_BLOCKS: tuple[Callable[[random.Random, str, str], _Block], ...] = (
    _summarize,
    _validate,
    _normalize,
    _fetch_remote,
    _publish_sqs,
    _notify_sns,
    _store_s3,
    _paginate,
    _conditional_put,
    _bounded_retry,
    _signature,
    _date_window,
    _chunks,
)
_CLASS_BLOCKS: tuple[Callable[[random.Random, str, str], _Block], ...] = (
    _entity_class,
    _error_class,
    _repository_class,
)
_PREFIXES: dict[Callable[[random.Random, str, str], _Block], str] = {
    _summarize: "summarize",
    _validate: "validate",
    _normalize: "normalize",
    _fetch_remote: "fetch",
    _publish_sqs: "enqueue",
    _notify_sns: "announce",
    _store_s3: "archive",
    _paginate: "iter",
    _conditional_put: "store",
    _bounded_retry: "load",
    _signature: "fingerprint",
    _date_window: "window",
    _chunks: "batch",
    _entity_class: "",
    _error_class: "",
    _repository_class: "",
}


def _fill(rng: random.Random, module: _ModuleText, noun: str, target: int) -> list[str]:
    """Add helper blocks until the module reaches `target` lines; the callable helpers."""
    callables: list[str] = []
    used: set[str] = set()
    while module.line_count < target:
        kinds = _CLASS_BLOCKS if rng.random() < 0.2 else _FUNCTION_BLOCKS
        # Each kind of helper once, before any comes back under another name.
        fresh = [make for make in kinds if make.__name__ not in used]
        make = rng.choice(fresh or kinds)
        if make in _CLASS_BLOCKS:
            # Classes are named after the noun (`Order`, `OrderError`): one of each kind.
            if make.__name__ in used:
                continue
            used.add(make.__name__)
            name = noun
        else:
            used.add(make.__name__)
            stem = name = f"{_PREFIXES[make]}_{noun}"
            suffix = 2
            while name in used:
                name = f"{stem}_{suffix}"
                suffix += 1
            used.add(name)
        block = make(rng, noun, name)
        module.add(block)
        if block.callable_name is not None:
            callables.append(block.callable_name)
    return callables


def _pad_to_minimum(rng: random.Random, module: _ModuleText, noun: str) -> None:
    missing = MIN_LINES - module.line_count
    if missing > 0:
        module.add(_labels(rng, noun, f"{noun}_extra", min(missing + 1, 49)))


# ---------------------------------------------------------------------------
# Handlers, one per function of a config.


@dataclass
class FunctionSpec:
    """One function of a service: its config name, its module and trigger."""

    name: str
    module: str  # the module stem in the service's package
    handler: str  # the Python function
    event: str  # a key of EVENT_WEIGHTS
    noun: str
    verb: str


@dataclass
class _HandlerContext:
    rng: random.Random
    spec: FunctionSpec
    helpers: list[str]  # local helpers the handler may call
    shared_calls: list[str]  # `module.function` of the shared layer
    common_calls: list[str]  # functions of the service's common module
    forced: list[str]  # calls every handler of the module makes (`log_incoming(event)`)
    emitted: set[str]  # module-level support already written (`_response`, `_TABLE`)


def _call_lines(context: _HandlerContext, argument: str, indent: str) -> str:
    """Calls of a few helpers: local, common and shared ones."""
    rng = context.rng
    calls: list[str] = []
    for name in rng.sample(context.helpers, min(len(context.helpers), rng.randint(1, 3))):
        calls.append(f"{name}({argument})")
    for name in rng.sample(context.common_calls, min(len(context.common_calls), 1)):
        calls.append(f"{name}({argument})")
    for name in rng.sample(context.shared_calls, min(len(context.shared_calls), rng.randint(1, 2))):
        calls.append(f"{name}({argument})")
    rng.shuffle(calls)
    calls += context.forced
    return "\n".join(f"{indent}results.append({call})" for call in calls)


def _handler_http_post(context: _HandlerContext) -> _Block:
    rng, spec = context.rng, context.spec
    needs = {"any", "json", "logging"}
    if rng.random() < 0.35:  # SL402: the body is parsed outside a try
        parse = '    payload = json.loads(event["body"])'
    else:
        parse = _render(
            """
            try:
                payload = json.loads(event.get("body") or "{}")
            except json.JSONDecodeError:
                return _response(400, {"message": "the body is not JSON"})
            """
        )
        parse = textwrap.indent(parse.rstrip("\n"), "    ")
    client = ""
    if rng.random() < 0.15:  # SL101: a client built on every invocation
        client = '    events = boto3.client("events")\n'
        needs.add("boto3")
    emit = (
        '    events.put_events(Entries=[{"Source": "$svc", "DetailType": "${noun}", '
        '"Detail": json.dumps(payload)}])\n'
        if client
        else ""
    )
    support = ""
    if "_response" not in context.emitted:
        context.emitted.add("_response")
        support = _render(
            """
            def _response(status: int, body: Any) -> dict[str, Any]:
                return {
                    "statusCode": status,
                    "headers": {"Content-Type": "application/json"},
                    "body": json.dumps(body, default=str),
                }
            """
        )
        support += "\n\n"
    text = support + _render(
        '''
        def $handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            """$verb a ${noun} from the JSON body of the request."""
            logger.info("request %s", context.aws_request_id)
        $client$parse
            payload.setdefault("tenant_id", event.get("requestContext", {}).get("accountId", ""))
            results: list[Any] = []
        $calls
            if any(isinstance(result, list) and result for result in results):
                return _response(400, {"errors": [r for r in results if isinstance(r, list)]})
        $emit    logger.info("${noun} %s accepted", payload.get("id"))
            return _response(201, {"id": payload.get("id"), "status": "ACCEPTED"})
        ''',
        handler=spec.handler,
        verb=spec.verb.title(),
        noun=spec.noun,
        client=client,
        parse=parse,
        calls=_call_lines(context, "payload", "    "),
        emit=Template(emit).safe_substitute(svc=spec.module, noun=spec.noun),
    )
    return _Block(text, frozenset(needs))


def _handler_http_get(context: _HandlerContext) -> _Block:
    rng, spec = context.rng, context.spec
    needs = {"any", "json", "logging", "client:dynamodb"}
    secret = ""
    if rng.random() < 0.08:  # SL104: a parameter fetched on every invocation
        secret = (
            '    api_key = ssm.get_parameter(Name="/app/api-key", WithDecryption=True)'
            '["Parameter"]["Value"]\n'
            '    logger.debug("key of %d characters", len(api_key))\n'
        )
        needs.add("client:ssm")
    support = ""
    if "_TABLE" not in context.emitted:
        context.emitted.add("_TABLE")
        support = '_TABLE = dynamodb.Table(os.environ.get("TABLE_NAME", "table"))\n\n\n'
    text = support + _render(
        '''
        def $handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            """$verb ${noun}s by the path and query parameters."""
            params = event.get("pathParameters") or {}
            query = event.get("queryStringParameters") or {}
        $secret    key = params.get("id")
            if not key:
                return {"statusCode": 400, "body": json.dumps({"message": "id is required"})}
            response = _TABLE.get_item(Key={"pk": f"${upper}#{key}"})
            item = response.get("Item")
            if item is None:
                return {"statusCode": 404, "body": json.dumps({"message": "not found"})}
            payload = {"id": key, "limit": int(query.get("limit", "20")), **item}
            results: list[Any] = []
        $calls
            logger.info("%d helpers ran for %s", len(results), key)
            return {"statusCode": 200, "body": json.dumps(payload, default=str)}
        ''',
        handler=spec.handler,
        verb=spec.verb.title(),
        noun=spec.noun,
        upper=spec.noun.upper(),
        secret=secret,
        calls=_call_lines(context, "payload", "    "),
    )
    return _Block(text, frozenset(needs | {"os"}))


def _record_loop(context: _HandlerContext, parse: str, docstring: str) -> _Block:
    """A handler that loops over `event["Records"]`, in one of three shapes."""
    rng, spec = context.rng, context.spec
    shape = rng.random()
    calls = _call_lines(context, "payload", "            ")
    if shape < 0.55:  # reports the failed records: a working partial batch response
        body = _render(
            '''
            def $handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
                """$doc"""
                failures: list[dict[str, str]] = []
                for record in event["Records"]:
                    try:
                        payload = $parse
                        results: list[Any] = []
            $calls
                    except Exception:
                        logger.exception("record %s failed", record.get("messageId"))
                        failures.append({"itemIdentifier": record.get("messageId", "")})
                return {"batchItemFailures": failures}
            ''',
            handler=spec.handler,
            doc=docstring,
            parse=parse,
            calls=calls,
        )
    elif shape < 0.85:  # lets a failure escape: the whole batch is retried
        body = _render(
            '''
            def $handler(event: dict[str, Any], context: Any) -> None:
                """$doc"""
                for record in event["Records"]:
                    payload = $parse
                    if not payload:
                        logger.warning("empty record %s", record.get("messageId"))
                        continue
                    results: list[Any] = []
            $calls
                logger.info("%d records done", len(event["Records"]))
            ''',
            handler=spec.handler,
            doc=docstring,
            parse=parse,
            calls=textwrap.indent(textwrap.dedent(calls), "        "),
        )
    else:  # SL207: every failure is logged and dropped
        body = _render(
            '''
            def $handler(event: dict[str, Any], context: Any) -> dict[str, int]:
                """$doc"""
                done = 0
                for record in event["Records"]:
                    try:
                        payload = $parse
                        results: list[Any] = []
            $calls
                        done += 1
                    except Exception as error:
                        logger.error("skipping record: %s", error)
                return {"processed": done}
            ''',
            handler=spec.handler,
            doc=docstring,
            parse=parse,
            calls=calls,
        )
    return _Block(body, frozenset({"any", "json", "logging"}))


def _handler_sqs(context: _HandlerContext) -> _Block:
    return _record_loop(
        context,
        'json.loads(record["body"])',
        f"{context.spec.verb.title()} each queued {context.spec.noun}.",
    )


def _handler_sns(context: _HandlerContext) -> _Block:
    return _record_loop(
        context,
        'json.loads(record["Sns"]["Message"])',
        f"{context.spec.verb.title()} each {context.spec.noun} notification.",
    )


def _handler_stream(context: _HandlerContext) -> _Block:
    return _record_loop(
        context,
        "{key: next(iter(value.values())) for key, value in "
        'record["dynamodb"].get("NewImage", {}).items()}',
        f"{context.spec.verb.title()} {context.spec.noun} changes from the table stream.",
    )


def _handler_schedule(context: _HandlerContext) -> _Block:
    rng, spec = context.rng, context.spec
    needs = {"any", "logging", "datetime"}
    metric = ""
    if rng.random() < 0.3:
        metric = textwrap.indent(
            _render(
                """
                cloudwatch.put_metric_data(
                    Namespace="$svc",
                    MetricData=[{"MetricName": "${noun}sProcessed", "Value": len(results)}],
                )
                """,
                svc=spec.module,
                noun=spec.noun,
            ),
            "    ",
        )
        needs.add("client:cloudwatch")
    text = _render(
        '''
        def $handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
            """$verb ${noun}s on a schedule."""
            started = datetime.now(timezone.utc)
            payload: dict[str, Any] = {"until": started.isoformat(), "items": []}
            results: list[Any] = []
        $calls
            if context.get_remaining_time_in_millis() < 10_000:
                logger.warning("stopping early: little time left")
        $metric    logger.info("run took %s", datetime.now(timezone.utc) - started)
            return {"ran_at": started.isoformat(), "steps": len(results)}
        ''',
        handler=spec.handler,
        verb=spec.verb.title(),
        noun=spec.noun,
        calls=_call_lines(context, "payload", "    "),
        metric=metric,
    )
    return _Block(text, frozenset(needs))


def _handler_s3(context: _HandlerContext) -> _Block:
    rng, spec = context.rng, context.spec
    needs = {"any", "json", "logging", "client:s3"}
    if rng.random() < 0.4:  # SL209: the key is used as it arrives, URL-encoded
        key = 'record["s3"]["object"]["key"]'
    else:
        key = 'unquote_plus(record["s3"]["object"]["key"])'
        needs.add("unquote")
    text = _render(
        '''
        def $handler(event: dict[str, Any], context: Any) -> None:
            """$verb each uploaded ${noun} file."""
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = $key
                body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
                payload = json.loads(body) if key.endswith(".json") else {"size": len(body)}
                payload["source"] = f"s3://{bucket}/{key}"
                results: list[Any] = []
        $calls
                logger.info("%s done with %d steps", key, len(results))
        ''',
        handler=spec.handler,
        verb=spec.verb.title(),
        noun=spec.noun,
        key=key,
        calls=_call_lines(context, "payload", "        "),
    )
    return _Block(text, frozenset(needs))


_HANDLERS: dict[str, Callable[[_HandlerContext], _Block]] = {
    "http_post": _handler_http_post,
    "http_get": _handler_http_get,
    "sqs": _handler_sqs,
    "sns": _handler_sns,
    "stream": _handler_stream,
    "schedule": _handler_schedule,
    "s3": _handler_s3,
}


def _occasional_flaws(rng: random.Random, module: _ModuleText, spec: FunctionSpec) -> list[str]:
    """The rarer mistakes, at module scope or in a small helper of their own; the calls
    of those helpers that the handlers make."""
    forced: list[str] = []
    if rng.random() < 0.05:  # SL105: module-level state that grows per invocation
        module.constants.append("_SEEN_IDS: list[str] = []")
        module.add(
            _Block(
                _render(
                    '''
                    def remember_${noun}(data: dict[str, Any]) -> None:
                        """Keep the ids seen by this environment (never cleared)."""
                        _SEEN_IDS.append(str(data.get("id")))
                    ''',
                    noun=spec.noun,
                ),
                frozenset({"any"}),
            )
        )
        forced.append(f"remember_{spec.noun}(payload)")
    if rng.random() < 0.02:  # SL601: a literal credential
        token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(36))
        module.constants.append(f'PARTNER_API_TOKEN = "{token}"')
    if rng.random() < 0.06:  # SL502: the whole event in the log
        module.add(
            _Block(
                _render(
                    """
                    def log_incoming(event: dict[str, Any]) -> None:
                        logger.info("incoming event: %s", json.dumps(event))
                    """
                ),
                frozenset({"any", "json"}),
            )
        )
        forced.append("log_incoming(event)")
    return forced


def _write_module(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _handler_module(
    rng: random.Random,
    specs: Sequence[FunctionSpec],
    shared_api: dict[str, list[str]],
    common_api: list[str],
) -> str:
    first = specs[0]
    module = _ModuleText(f"{first.verb.title()} {first.noun}s: the Lambda entry point.")
    target = rng.randint(MIN_LINES, MAX_LINES - _MAX_BLOCK_LINES)
    # Imports of the shared layer: absolute, as a module or as names.
    shared_calls: list[str] = []
    for name in rng.sample(sorted(shared_api), rng.randint(2, 4)):
        functions = shared_api[name]
        if not functions:
            continue
        if rng.random() < 0.5:
            module.extra_imports.append(f"from shared import {name}")
            shared_calls += [f"{name}.{function}" for function in functions[:3]]
        else:
            chosen = functions[: rng.randint(1, 2)]
            module.extra_imports.append(f"from shared.{name} import {', '.join(chosen)}")
            shared_calls += chosen
    common_calls = rng.sample(common_api, min(len(common_api), 2))
    if common_calls:
        module.extra_imports.append(f"from .common import {', '.join(sorted(common_calls))}")
    # Absolute imports of the layer first, then the relative ones, as isort does.
    module.extra_imports.sort(key=lambda line: (line.startswith("from ."), line))
    module.needs.add("logging")
    # The handlers' own helpers come before them, as people write modules.
    helpers = _fill(rng, module, first.noun, max(MIN_LINES, target - 30 * len(specs)))
    if not helpers:
        helpers.append(f"summarize_{first.noun}")
        module.add(_summarize(rng, first.noun, helpers[0]))
    forced = _occasional_flaws(rng, module, first)
    emitted: set[str] = set()
    for spec in specs:
        context = _HandlerContext(rng, spec, helpers, shared_calls, common_calls, forced, emitted)
        module.add(_HANDLERS[spec.event](context))
    if rng.random() < 0.1:  # SL501 (info): print instead of the logger
        module.add(
            _Block(
                _render(
                    """
                    def debug_dump(data: dict[str, Any]) -> None:
                        print("debug", sorted(data))
                    """
                ),
                frozenset({"any"}),
            )
        )
    _pad_to_minimum(rng, module, first.noun)
    return module.render()


def _helper_module(
    rng: random.Random,
    docstring: str,
    noun: str,
    imports: Sequence[tuple[str, list[str]]],
) -> tuple[str, list[str]]:
    """A module of helpers; some of them call helpers of `imports` (module, functions)."""
    module = _ModuleText(docstring)
    module.needs.add("logging")
    target = rng.randint(MIN_LINES, MAX_LINES - _MAX_BLOCK_LINES)
    calls: list[str] = []
    for name, functions in imports:
        if functions:
            module.extra_imports.append(f"from . import {name}")
            calls += [f"{name}.{function}" for function in functions[:2]]
    callables = _fill(rng, module, noun, target - (25 if calls else 0))
    if calls:
        lines = "\n".join(f"    steps.append({call}(data))" for call in calls)
        module.add(
            _Block(
                _render(
                    '''
                    def prepare_${noun}(data: dict[str, Any]) -> list[Any]:
                        """Run the ${noun} through the helpers it depends on."""
                        steps: list[Any] = []
                    $lines
                        logger.debug("prepared %s in %d steps", data.get("id"), len(steps))
                        return steps
                    ''',
                    noun=noun,
                    lines=lines,
                ),
                frozenset({"any", "logging"}),
                f"prepare_{noun}",
            )
        )
        callables.insert(0, f"prepare_{noun}")
    _pad_to_minimum(rng, module, noun)
    return module.render(), callables


# ---------------------------------------------------------------------------
# Configs.


@dataclass
class _ServiceSpec:
    name: str
    kind: str  # "serverless" or "sam"
    functions: list[FunctionSpec]
    modules: list[str]  # module stems, in order


def _queue_block(
    rng: random.Random, logical: str, redrive: bool, visibility: int, indent: str
) -> list[str]:
    lines = [
        f"{logical}:",
        "  Type: AWS::SQS::Queue",
        "  Properties:",
        f"    VisibilityTimeout: {visibility}",
    ]
    if redrive:
        lines += [
            "    RedrivePolicy:",
            f"      deadLetterTargetArn: !GetAtt {logical}DeadLetter.Arn",
            f"      maxReceiveCount: {rng.choice((3, 5, 10))}",
        ]
    lines += [
        f"{logical}DeadLetter:" if redrive else "",
        "  Type: AWS::SQS::Queue" if redrive else "",
        "  Properties:" if redrive else "",
        "    MessageRetentionPeriod: 1209600" if redrive else "",
    ]
    return [indent + line if line else "" for line in lines if line]


def _table_block(logical: str, stream: bool, indent: str) -> list[str]:
    lines = [
        f"{logical}:",
        "  Type: AWS::DynamoDB::Table",
        "  Properties:",
        "    BillingMode: PAY_PER_REQUEST",
        "    AttributeDefinitions:",
        "      - AttributeName: pk",
        "        AttributeType: S",
        "    KeySchema:",
        "      - AttributeName: pk",
        "        KeyType: HASH",
    ]
    if stream:
        lines += ["    StreamSpecification:", "      StreamViewType: NEW_AND_OLD_IMAGES"]
    return [indent + line for line in lines]


def _runtime(rng: random.Random) -> str:
    # One service in ten is still on a runtime AWS deprecated (SL603).
    return "python3.8" if rng.random() < 0.1 else rng.choice(("python3.11", "python3.12"))


def _serverless_yaml(rng: random.Random, service: _ServiceSpec) -> str:
    out: list[str] = [
        f"service: {service.name}",
        'frameworkVersion: "3"',
        "",
        "plugins:",
        "  - serverless-python-requirements",
        "",
        "custom:",
        "  pythonRequirements:",
        "    slim: true",
        "",
        "provider:",
        "  name: aws",
        f"  runtime: {_runtime(rng)}",
        "  stage: ${opt:stage, 'dev'}",
        f"  region: {rng.choice(('eu-west-1', 'us-east-1', 'eu-central-1'))}",
        f"  memorySize: {rng.choice((256, 512, 1024))}",
    ]
    provider_timeout = rng.random() < 0.4
    if provider_timeout:
        out.append(f"  timeout: {rng.choice((10, 20, 25))}")
    if rng.random() < 0.5:
        out.append(f"  logRetentionInDays: {rng.choice((7, 14, 30))}")
    if rng.random() < 0.5:
        out += ["  tracing:", "    lambda: true"]
    out += [
        "  layers:",
        "    - Ref: SharedLambdaLayer",
        "  environment:",
        "    LOG_LEVEL: INFO",
        "    TABLE_NAME: !Ref MainTable",
        "    ARCHIVE_BUCKET: ${self:service}-archive-${sls:stage}",
    ]
    if rng.random() < 0.03:  # SL601 in config
        token = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(32))
        out.append(f"    PARTNER_API_KEY: {token}")
    out += ["  iam:", "    role:", "      statements:"]
    if rng.random() < 0.15:  # SL602
        out += [
            "        - Effect: Allow",
            '          Action: "dynamodb:*"',
            '          Resource: "*"',
        ]
    else:
        out += [
            "        - Effect: Allow",
            "          Action:",
            "            - dynamodb:GetItem",
            "            - dynamodb:PutItem",
            "            - dynamodb:Query",
            "            - dynamodb:UpdateItem",
            "          Resource: !GetAtt MainTable.Arn",
        ]
    out += [
        "        - Effect: Allow",
        "          Action:",
        "            - s3:PutObject",
        "            - s3:GetObject",
        "          Resource: arn:aws:s3:::${self:service}-archive-${sls:stage}/*",
        "",
        "layers:",
        "  shared:",
        "    path: ../../layers/shared",
        "    compatibleRuntimes:",
        "      - python3.11",
        "      - python3.12",
        "",
        "functions:",
    ]
    resources: list[str] = []
    has_stream = any(spec.event == "stream" for spec in service.functions)
    resources += _table_block("MainTable", has_stream, "    ")
    for spec in service.functions:
        timeout = None
        if not provider_timeout and rng.random() < 0.7:
            timeout = rng.choice((5, 10, 15, 30, 60))
            if spec.event.startswith("http") and rng.random() < 0.9:
                timeout = min(timeout, 28)
        out += [f"  {spec.name}:", f"    handler: handlers/{spec.module}.{spec.handler}"]
        if timeout is not None:
            out.append(f"    timeout: {timeout}")
        if spec.event in ASYNC_EVENTS and rng.random() < 0.5:
            out += [
                "    destinations:",
                "      onFailure:",
                "        type: sqs",
                f"        arn: !GetAtt {_pascal(spec.name)}Failures.Arn",
            ]
            resources += [
                f"    {_pascal(spec.name)}Failures:",
                "      Type: AWS::SQS::Queue",
                "      Properties:",
                "        MessageRetentionPeriod: 1209600",
            ]
        out.append("    events:")
        if spec.event in ("http_post", "http_get"):
            method = "post" if spec.event == "http_post" else "get"
            out += [
                "      - http:",
                f"          path: {spec.noun}s" + ("" if method == "post" else "/{id}"),
                f"          method: {method}",
            ]
            if method == "post" and rng.random() < 0.5:
                out += [
                    "          request:",
                    "            schemas:",
                    "              application/json:",
                    "                type: object",
                    "                required: [id]",
                    "                properties:",
                    "                  id: {type: string}",
                ]
        elif spec.event == "sqs":
            queue = f"{_pascal(spec.name)}Queue"
            out += [
                "      - sqs:",
                f"          arn: !GetAtt {queue}.Arn",
                f"          batchSize: {rng.choice((1, 10, 10, 25))}",
            ]
            if rng.random() < 0.6:
                out.append("          functionResponseType: ReportBatchItemFailures")
            visibility = rng.choice((30, 60, 180, 360, 900))
            resources += _queue_block(rng, queue, rng.random() < 0.7, visibility, "    ")
        elif spec.event == "sns":
            out += ["      - sns:", f"          topicName: {service.name}-{spec.noun}-events"]
        elif spec.event == "stream":
            out += [
                "      - stream:",
                "          type: dynamodb",
                "          arn: !GetAtt MainTable.StreamArn",
                f"          batchSize: {rng.choice((10, 100))}",
                "          startingPosition: LATEST",
            ]
            if rng.random() < 0.6:
                out += [
                    f"          maximumRetryAttempts: {rng.choice((2, 3, 5))}",
                    "          bisectBatchOnFunctionError: true",
                    "          functionResponseType: ReportBatchItemFailures",
                    "          destinations:",
                    "            onFailure:",
                    "              arn: !GetAtt MainTableStreamFailures.Arn",
                    "              type: sqs",
                ]
                if "    MainTableStreamFailures:" not in resources:
                    resources += [
                        "    MainTableStreamFailures:",
                        "      Type: AWS::SQS::Queue",
                    ]
        elif spec.event == "schedule":
            out.append(f"      - schedule: {rng.choice(('rate(1 hour)', 'cron(0 3 * * ? *)'))}")
        else:
            out += [
                "      - s3:",
                f"          bucket: {service.name}-{spec.noun}-uploads",
                "          event: s3:ObjectCreated:*",
                "          rules:",
                "            - prefix: incoming/",
            ]
        out.append("")
    out += ["resources:", "  Resources:", *resources, ""]
    return "\n".join(out)


def _sam_yaml(rng: random.Random, service: _ServiceSpec, package: str) -> str:
    runtime = _runtime(rng)
    out: list[str] = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Transform: AWS::Serverless-2016-10-31",
        f"Description: {service.name} - generated benchmark service",
        "",
        "Globals:",
        "  Function:",
        f"    Runtime: {runtime}",
        f"    MemorySize: {rng.choice((256, 512, 1024))}",
    ]
    global_timeout = rng.random() < 0.4
    if global_timeout:
        out.append(f"    Timeout: {rng.choice((10, 20, 25))}")
    if rng.random() < 0.5:
        out.append("    Tracing: Active")
    out += [
        "    Layers:",
        "      - !Ref SharedLayer",
        "    Environment:",
        "      Variables:",
        "        LOG_LEVEL: INFO",
        "        TABLE_NAME: !Ref MainTable",
        "        ARCHIVE_BUCKET: !Ref ArchiveBucket",
        "",
        "Resources:",
        "  SharedLayer:",
        "    Type: AWS::Serverless::LayerVersion",
        "    Properties:",
        "      ContentUri: ../../layers/shared/",
        "      CompatibleRuntimes:",
        "        - python3.11",
        "        - python3.12",
        "    Metadata:",
        f"      BuildMethod: {runtime}",
        "",
        "  ArchiveBucket:",
        "    Type: AWS::S3::Bucket",
        "",
    ]
    has_stream = any(spec.event == "stream" for spec in service.functions)
    out += _table_block("MainTable", has_stream, "  ")
    out.append("")
    wildcard = rng.random() < 0.15
    for spec in service.functions:
        logical = _pascal(spec.name) + "Function"
        out += [
            f"  {logical}:",
            "    Type: AWS::Serverless::Function",
            "    Properties:",
            "      CodeUri: src/",
            f"      Handler: {package}.{spec.module}.{spec.handler}",
        ]
        if not global_timeout and rng.random() < 0.7:
            timeout = rng.choice((5, 10, 15, 30, 60))
            if spec.event.startswith("http") and rng.random() < 0.9:
                timeout = min(timeout, 28)
            out.append(f"      Timeout: {timeout}")
        out += [
            "      Policies:",
            "        - DynamoDBCrudPolicy:",
            "            TableName: !Ref MainTable",
        ]
        if wildcard:  # SL602
            out += [
                "        - Statement:",
                "            - Effect: Allow",
                '              Action: "s3:*"',
                '              Resource: "*"',
            ]
        if spec.event in ASYNC_EVENTS and rng.random() < 0.5:
            out += [
                "      DeadLetterQueue:",
                "        Type: SQS",
                f"        TargetArn: !GetAtt {logical}DeadLetter.Arn",
            ]
            out_dlq = [
                f"  {logical}DeadLetter:",
                "    Type: AWS::SQS::Queue",
                "    Properties:",
                "      MessageRetentionPeriod: 1209600",
            ]
        else:
            out_dlq = []
        extra: list[str] = []
        out += ["      Events:", "        Trigger:"]
        if spec.event in ("http_post", "http_get"):
            method = "post" if spec.event == "http_post" else "get"
            out += [
                "          Type: Api",
                "          Properties:",
                f"            Path: /{spec.noun}s" + ("" if method == "post" else "/{id}"),
                f"            Method: {method}",
            ]
        elif spec.event == "sqs":
            queue = f"{logical}Queue"
            out += [
                "          Type: SQS",
                "          Properties:",
                f"            Queue: !GetAtt {queue}.Arn",
                f"            BatchSize: {rng.choice((1, 10, 10, 25))}",
            ]
            if rng.random() < 0.6:
                out += [
                    "            FunctionResponseTypes:",
                    "              - ReportBatchItemFailures",
                ]
            visibility = rng.choice((30, 60, 180, 360, 900))
            extra = _queue_block(rng, queue, rng.random() < 0.7, visibility, "  ")
        elif spec.event == "sns":
            out += [
                "          Type: SNS",
                "          Properties:",
                f"            Topic: !Ref {logical}Topic",
            ]
            extra = [f"  {logical}Topic:", "    Type: AWS::SNS::Topic"]
        elif spec.event == "stream":
            out += [
                "          Type: DynamoDB",
                "          Properties:",
                "            Stream: !GetAtt MainTable.StreamArn",
                "            StartingPosition: LATEST",
                f"            BatchSize: {rng.choice((10, 100))}",
            ]
            if rng.random() < 0.6:
                out += [
                    f"            MaximumRetryAttempts: {rng.choice((2, 3, 5))}",
                    "            BisectBatchOnFunctionError: true",
                    "            FunctionResponseTypes:",
                    "              - ReportBatchItemFailures",
                    "            DestinationConfig:",
                    "              OnFailure:",
                    f"                Destination: !GetAtt {logical}StreamFailures.Arn",
                ]
                extra = [f"  {logical}StreamFailures:", "    Type: AWS::SQS::Queue"]
        elif spec.event == "schedule":
            out += [
                "          Type: Schedule",
                "          Properties:",
                f"            Schedule: {rng.choice(('rate(1 hour)', 'cron(0 3 * * ? *)'))}",
            ]
        else:
            out += [
                "          Type: S3",
                "          Properties:",
                f"            Bucket: !Ref {logical}Uploads",
                "            Events: s3:ObjectCreated:*",
                "            Filter:",
                "              S3Key:",
                "                Rules:",
                "                  - Name: prefix",
                "                    Value: incoming/",
            ]
            extra = [f"  {logical}Uploads:", "    Type: AWS::S3::Bucket"]
        out += ["", *out_dlq]
        if out_dlq:
            out.append("")
        if extra:
            out += [*extra, ""]
        if rng.random() < 0.5:
            out += [
                f"  {logical}Logs:",
                "    Type: AWS::Logs::LogGroup",
                "    Properties:",
                f"      LogGroupName: !Sub /aws/lambda/${{{logical}}}",
                f"      RetentionInDays: {rng.choice((7, 14, 30))}",
                "",
            ]
    return "\n".join(out)


def _requirements(rng: random.Random) -> str:
    lines = ["requests>=2.31", "boto3>=1.34"]
    if rng.random() < 0.4:
        lines.append("pydantic>=2.6")
    if rng.random() < 0.15:  # SL106: a test tool deployed with the function
        lines.append(rng.choice(("pytest>=8", "moto>=5", "black")))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# The whole repository.


@dataclass
class Monorepo:
    """What `generate` wrote, by kind."""

    root: Path
    handler_modules: list[Path] = field(default_factory=list)
    helper_modules: list[Path] = field(default_factory=list)  # shared layer + common.py
    package_inits: list[Path] = field(default_factory=list)
    serverless_configs: list[Path] = field(default_factory=list)
    sam_templates: list[Path] = field(default_factory=list)
    requirements: list[Path] = field(default_factory=list)

    @property
    def python_files(self) -> list[Path]:
        return sorted([*self.handler_modules, *self.helper_modules, *self.package_inits])

    @property
    def configs(self) -> list[Path]:
        return sorted([*self.serverless_configs, *self.sam_templates])


def _service_sizes(rng: random.Random, modules: int, services: int) -> list[int]:
    """Handler modules per service: at least one each, the rest spread unevenly."""
    sizes = [1] * services
    weights = [rng.uniform(0.5, 1.5) for _ in range(services)]
    for index in rng.choices(range(services), weights=weights, k=modules - services):
        sizes[index] += 1
    return sizes


def _plan_service(rng: random.Random, name: str, kind: str, size: int) -> _ServiceSpec:
    events = list(EVENT_WEIGHTS)
    weights = list(EVENT_WEIGHTS.values())
    functions: list[FunctionSpec] = []
    stems: list[str] = []
    for index in range(size):
        event = rng.choices(events, weights=weights)[0]
        noun = rng.choice(ENTITIES)
        verb = rng.choice(VERBS[event])
        stem = f"{verb}_{noun}"
        if stem in stems:
            stem = f"{stem}_{index}"
        stems.append(stem)
        handler = rng.choice(("handler", "lambda_handler", "main", f"{verb}_{noun}_handler"))
        functions.append(FunctionSpec(_camel(stem), stem, handler, event, noun, verb))
        if rng.random() < 0.1:  # a second function in the same module
            second = rng.choices(events, weights=weights)[0]
            functions.append(
                FunctionSpec(
                    _camel(f"{stem}_{second}"),
                    stem,
                    f"{second}_handler",
                    second,
                    noun,
                    rng.choice(VERBS[second]),
                )
            )
    return _ServiceSpec(name, kind, functions, stems)


def generate(
    out: Path,
    modules: int = 2000,
    templates: int | None = None,
    sam: int | None = None,
    seed: int = 0,
) -> Monorepo:
    """Write the monorepo into `out` (emptied first); what was written.

    `templates` serverless.yml services and `sam` SAM services share the `modules`
    handler modules; by default there is one service per 10 modules, half of each kind.
    """
    if modules < 1:
        raise ValueError("modules must be at least 1")
    services_total = max(1, round(modules / MODULES_PER_SERVICE))
    if templates is None and sam is None:
        templates = (services_total + 1) // 2
        sam = services_total // 2
    elif templates is None:
        templates = max(0, services_total - (sam or 0))
    elif sam is None:
        sam = max(0, services_total - templates)
    assert templates is not None and sam is not None
    if templates + sam < 1:
        raise ValueError("at least one serverless.yml or SAM template is needed")
    if templates + sam > modules:
        raise ValueError("more services than handler modules")
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    repo = Monorepo(out)

    # The shared layer: each module may use the ones written before it (no cycles).
    layer = out / "layers" / "shared"
    package = layer / "python" / "shared"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text('"""Helpers shared by every service."""\n')
    repo.package_inits.append(package / "__init__.py")
    (layer / "requirements.txt").write_text("requests>=2.31\n")
    repo.requirements.append(layer / "requirements.txt")
    shared_api: dict[str, list[str]] = {}
    for name, noun in SHARED_MODULES[:SHARED_MODULE_COUNT]:
        written = sorted(shared_api)
        imports = [
            (other, shared_api[other])
            for other in rng.sample(written, min(len(written), rng.randint(0, 2)))
        ]
        text, callables = _helper_module(rng, f"Shared {noun} helpers.", noun, imports)
        _write_module(package / f"{name}.py", text)
        repo.helper_modules.append(package / f"{name}.py")
        shared_api[name] = callables

    sizes = _service_sizes(rng, modules, templates + sam)
    for index, size in enumerate(sizes):
        kind = "serverless" if index < templates else "sam"
        name = f"{rng.choice(ENTITIES)}-{rng.choice(AREAS)}-{index:04d}"
        service = _plan_service(rng, name, kind, size)
        root = out / "services" / name
        python_package = name.replace("-", "_")
        code = root / "handlers" if kind == "serverless" else root / "src" / python_package
        code.mkdir(parents=True)
        (code / "__init__.py").write_text("")
        repo.package_inits.append(code / "__init__.py")
        common_text, common_api = _helper_module(
            rng, f"Helpers of the {name} service.", f"{service.functions[0].noun}_record", []
        )
        _write_module(code / "common.py", common_text)
        repo.helper_modules.append(code / "common.py")
        for stem in service.modules:
            specs = [spec for spec in service.functions if spec.module == stem]
            text = _handler_module(rng, specs, shared_api, common_api)
            _write_module(code / f"{stem}.py", text)
            repo.handler_modules.append(code / f"{stem}.py")
        requirements = root / (
            "requirements.txt" if kind == "serverless" else "src/requirements.txt"
        )
        requirements.write_text(_requirements(rng))
        repo.requirements.append(requirements)
        if kind == "serverless":
            config = root / "serverless.yml"
            config.write_text(_serverless_yaml(rng, service))
            repo.serverless_configs.append(config)
        else:
            config = root / "template.yaml"
            config.write_text(_sam_yaml(rng, service, python_package))
            repo.sam_templates.append(config)
    (out / "README.md").write_text(
        f"Generated by `python -m benchmarks.generate` (seed {seed}): {modules} handler "
        f"modules, {templates} serverless.yml and {sam} SAM services.\n"
    )
    return repo


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.generate",
        description="Write a synthetic Lambda monorepo for slint's benchmarks.",
    )
    parser.add_argument("out", type=Path, help="the folder to write (emptied first)")
    parser.add_argument("--modules", type=int, default=2000, help="handler modules (2000)")
    parser.add_argument(
        "--templates", type=int, default=None, help="serverless.yml services (modules / 20)"
    )
    parser.add_argument("--sam", type=int, default=None, help="SAM services (modules / 20)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    repo = generate(args.out, args.modules, args.templates, args.sam, args.seed)
    lines = sum(path.read_text().count("\n") for path in repo.python_files)
    print(
        f"wrote {len(repo.handler_modules)} handler modules, {len(repo.helper_modules)} helper "
        f"modules ({lines:,} lines of Python), {len(repo.serverless_configs)} serverless.yml "
        f"and {len(repo.sam_templates)} SAM templates to {repo.root}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
