"""Write a synthetic but realistic Lambda monorepo for slint's benchmarks.

    python -m benchmarks.generate OUT [--modules 2000] [--templates N] [--sam N] [--seed 0]
                                      [--node-modules 0]
    python -m benchmarks.generate OUT --pairs N [--seed 0]

The layout is the one teams grow into:

    layers/shared/python/shared/      ~50 helper modules, deployed as a Lambda layer
    services/<name>/serverless.yml    Serverless Framework services (handlers/*.py)
    services/<name>/template.yaml     SAM services (src/<package>/*.py, CodeUri: src/)

Every service has a `common.py` of its own, imported with relative imports, and its
handlers import the shared layer with absolute imports, so that slint's reachability
has real work. Handlers follow their trigger (API, SQS, SNS, DynamoDB streams,
schedules, S3) and have the everyday mistakes at realistic rates: a few findings per
module, not hundreds. Everything is deterministic for a seed.

`--node-modules` adds Node.js services (`src/handlers/`, `src/lib/`, package.json) in
ES modules, CommonJS or TypeScript, whose code mirrors the Python handlers block for
block; they come from a random stream of their own, so the Python part is unchanged.
`--pairs` writes matched pairs instead: Python handler modules and their JavaScript or
TypeScript twins of the same length (`matched_pairs`), which `benchmarks.run` times.
"""

from __future__ import annotations

import argparse
import json
import random
import re
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


# The keys of lookup tables (`_labels`).
_LABEL_WORDS = [
    "new",
    "pending",
    "active",
    "paused",
    "failed",
    "done",
    "archived",
    "held",
    "review",
    *(f"state_{index}" for index in range(40)),
]


def _labels(rng: random.Random, noun: str, name: str, entries: int) -> _Block:
    """A lookup table: also fills the last few lines up to a module's size."""
    words = rng.sample(_LABEL_WORDS, entries)
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


def _serverless_provider(rng: random.Random, runtime: str, layer: bool) -> tuple[list[str], bool]:
    """The `provider:` block (Python services deploy the shared layer); whether it sets
    a timeout every function inherits."""
    out: list[str] = [
        "provider:",
        "  name: aws",
        f"  runtime: {runtime}",
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
    if layer:
        out += ["  layers:", "    - Ref: SharedLambdaLayer"]
    out += [
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
    ]
    return out, provider_timeout


def _serverless_functions(
    rng: random.Random,
    service: _ServiceSpec,
    provider_timeout: bool,
    handler_of: Callable[[FunctionSpec], str],
) -> tuple[list[str], list[str]]:
    """The `functions:` entries and the `resources:` they need (queues, the table)."""
    out: list[str] = []
    resources: list[str] = []
    has_stream = any(spec.event == "stream" for spec in service.functions)
    resources += _table_block("MainTable", has_stream, "    ")
    for spec in service.functions:
        timeout = None
        if not provider_timeout and rng.random() < 0.7:
            timeout = rng.choice((5, 10, 15, 30, 60))
            if spec.event.startswith("http") and rng.random() < 0.9:
                timeout = min(timeout, 28)
        out += [f"  {spec.name}:", f"    handler: {handler_of(spec)}"]
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
    return out, resources


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
    ]
    provider, provider_timeout = _serverless_provider(rng, _runtime(rng), layer=True)
    out += provider
    out += [
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
    functions, resources = _serverless_functions(
        rng, service, provider_timeout, lambda spec: f"handlers/{spec.module}.{spec.handler}"
    )
    out += functions
    out += ["resources:", "  Resources:", *resources, ""]
    return "\n".join(out)


def _sam_globals(rng: random.Random, runtime: str) -> tuple[list[str], bool]:
    """The template's head and `Globals.Function` up to its environment; whether the
    globals set a timeout."""
    out: list[str] = [
        'AWSTemplateFormatVersion: "2010-09-09"',
        "Transform: AWS::Serverless-2016-10-31",
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
    return out, global_timeout


def _sam_functions(
    rng: random.Random,
    service: _ServiceSpec,
    global_timeout: bool,
    code_of: Callable[[FunctionSpec, str], list[str]],
) -> list[str]:
    """The functions of a SAM template and the resources they need; `code_of(spec,
    logical)` writes the lines that say where the code is (`Metadata`, `CodeUri`,
    `Handler`), from the function's `Type` line on."""
    out: list[str] = []
    wildcard = rng.random() < 0.15
    for spec in service.functions:
        logical = _pascal(spec.name) + "Function"
        out += [f"  {logical}:", "    Type: AWS::Serverless::Function", *code_of(spec, logical)]
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
    return out


def _sam_resources_head(has_stream: bool) -> list[str]:
    """The bucket and table every SAM service has."""
    return [
        "  ArchiveBucket:",
        "    Type: AWS::S3::Bucket",
        "",
        *_table_block("MainTable", has_stream, "  "),
        "",
    ]


def _sam_yaml(rng: random.Random, service: _ServiceSpec, package: str) -> str:
    runtime = _runtime(rng)
    head, global_timeout = _sam_globals(rng, runtime)
    out = [*head[:2], f"Description: {service.name} - generated benchmark service", *head[2:]]
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
    ]
    has_stream = any(spec.event == "stream" for spec in service.functions)
    out += _sam_resources_head(has_stream)

    def code(spec: FunctionSpec, logical: str) -> list[str]:
        return [
            "    Properties:",
            "      CodeUri: src/",
            f"      Handler: {package}.{spec.module}.{spec.handler}",
        ]

    out += _sam_functions(rng, service, global_timeout, code)
    return "\n".join(out)


def _requirements(rng: random.Random) -> str:
    lines = ["requests>=2.31", "boto3>=1.34"]
    if rng.random() < 0.4:
        lines.append("pydantic>=2.6")
    if rng.random() < 0.15:  # SL106: a test tool deployed with the function
        lines.append(rng.choice(("pytest>=8", "moto>=5", "black")))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Node.js services: the same kinds of code in JavaScript (ES modules `.mjs`, CommonJS
# `.js`) and TypeScript (`.ts`, built with esbuild), with the AWS SDK v3.
#
# Templates use `@name` placeholders (JavaScript's template literals need `$`), `@@`
# for a literal `@`, `«...»` around what only TypeScript has (type annotations), and
# lines that start with `%TS%` (after their indentation) exist only in TypeScript.

NODE_STYLES = ("esm", "cjs", "ts")
_NODE_STYLE_WEIGHTS = (40, 25, 35)
NODE_SUFFIXES = {"esm": ".mjs", "cjs": ".js", "ts": ".ts"}


class _JsTemplate(Template):
    delimiter = "@"


_TYPE_ONLY = re.compile(r"«([^»]*)»")


def _js(text: str, ts: bool, **values: object) -> str:
    """A block of JavaScript or TypeScript from an indented template."""
    body = _JsTemplate(textwrap.dedent(text).strip("\n")).substitute(values)
    body = _TYPE_ONLY.sub(lambda match: match.group(1) if ts else "", body)
    lines: list[str] = []
    for line in body.split("\n"):
        stripped = line.lstrip()
        if stripped.startswith("%TS%"):
            if ts:
                kept = line[: len(line) - len(stripped)] + stripped[4:]
                lines.append(kept if kept.strip() else "")
            continue
        lines.append(line)
    return "\n".join(lines) + "\n"


def _constant_name(name: str) -> str:
    """`validateOrder` -> `VALIDATE_ORDER`."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).upper()


# What each imported name comes from (named imports unless the value is "default:").
_JS_IMPORTS = {
    "DynamoDBClient": "@aws-sdk/client-dynamodb",
    "GetItemCommand": "@aws-sdk/client-dynamodb",
    "PutItemCommand": "@aws-sdk/client-dynamodb",
    "QueryCommand": "@aws-sdk/client-dynamodb",
    "UpdateItemCommand": "@aws-sdk/client-dynamodb",
    "ConditionalCheckFailedException": "@aws-sdk/client-dynamodb",
    "DynamoDBDocumentClient": "@aws-sdk/lib-dynamodb",
    "GetCommand": "@aws-sdk/lib-dynamodb",
    "PutCommand": "@aws-sdk/lib-dynamodb",
    "UpdateCommand": "@aws-sdk/lib-dynamodb",
    "marshall": "@aws-sdk/util-dynamodb",
    "unmarshall": "@aws-sdk/util-dynamodb",
    "SQSClient": "@aws-sdk/client-sqs",
    "SendMessageCommand": "@aws-sdk/client-sqs",
    "SNSClient": "@aws-sdk/client-sns",
    "PublishCommand": "@aws-sdk/client-sns",
    "S3Client": "@aws-sdk/client-s3",
    "GetObjectCommand": "@aws-sdk/client-s3",
    "PutObjectCommand": "@aws-sdk/client-s3",
    "SSMClient": "@aws-sdk/client-ssm",
    "GetParameterCommand": "@aws-sdk/client-ssm",
    "CloudWatchClient": "@aws-sdk/client-cloudwatch",
    "PutMetricDataCommand": "@aws-sdk/client-cloudwatch",
    "EventBridgeClient": "@aws-sdk/client-eventbridge",
    "PutEventsCommand": "@aws-sdk/client-eventbridge",
    "Logger": "@aws-lambda-powertools/logger",
    "createHash": "node:crypto",
    "randomUUID": "node:crypto",
    "axios": "default:axios",
    "AWS": "default:aws-sdk",
}
# Module-level SDK clients (one per execution environment): the constructor's name
# and the declaration.
_JS_CLIENTS = {
    "dynamodb": ("DynamoDBClient", "const dynamodb = new DynamoDBClient({});"),
    "sqs": ("SQSClient", "const sqs = new SQSClient({});"),
    "sns": ("SNSClient", "const sns = new SNSClient({});"),
    "s3": ("S3Client", "const s3 = new S3Client({});"),
    "ssm": ("SSMClient", "const ssm = new SSMClient({});"),
    "cloudwatch": ("CloudWatchClient", "const cloudwatch = new CloudWatchClient({});"),
}
_JS_CONSTANTS = {
    "TABLE_NAME": 'const TABLE_NAME = process.env.TABLE_NAME ?? "table";',
}
# TypeScript's event and result types, from @types/aws-lambda.
_LAMBDA_TYPES = frozenset(
    {
        "APIGatewayProxyEvent",
        "APIGatewayProxyResult",
        "Context",
        "SQSEvent",
        "SQSBatchResponse",
        "SNSEvent",
        "DynamoDBStreamEvent",
        "DynamoDBBatchResponse",
        "ScheduledEvent",
        "S3Event",
    }
)


@dataclass(frozen=True)
class _Flavour:
    """How a Node.js module is written: `esm`, `cjs` or `ts`; `exported`: its helpers
    are exported (a `lib/` module) rather than local to a handler module."""

    style: str
    exported: bool = False

    @property
    def ts(self) -> bool:
        return self.style == "ts"

    @property
    def export(self) -> str:
        """What goes before an exported declaration (CommonJS exports at the end)."""
        return "export " if self.exported and self.style != "cjs" else ""

    @property
    def suffix(self) -> str:
        return NODE_SUFFIXES[self.style]

    def specifier(self, stem: str) -> str:
        """How a module of the same service is imported: `./lib/db.mjs` for ES modules
        (Node needs the extension), `./lib/db` for CommonJS and for TypeScript (esbuild
        resolves it)."""
        return stem + ".mjs" if self.style == "esm" else stem


@dataclass(frozen=True)
class JsCallable:
    """A helper a handler may call with its payload, and whether it is awaited."""

    name: str
    is_async: bool

    def call(self, argument: str) -> str:
        return f"await {self.name}({argument})" if self.is_async else f"{self.name}({argument})"


@dataclass
class _JsBlock:
    text: str
    # Imported names (keys of _JS_IMPORTS), "client:<x>", "const:<NAME>", "logger",
    # "type:<aws-lambda type>".
    needs: frozenset[str] = frozenset()
    callable: JsCallable | None = None
    exports: tuple[str, ...] = ()  # names a CommonJS module lists in `module.exports`

    @property
    def lines(self) -> int:
        return self.text.count("\n") + 1


@dataclass
class _JsModuleText:
    """The parts of one Node.js module, put together by `render`."""

    header: str  # the comment on its first line
    flavour: _Flavour
    logger_specifier: str  # where `logger` comes from ("" when it is made here)
    needs: set[str] = field(default_factory=set)
    relative_imports: list[tuple[str, str]] = field(default_factory=list)  # (specifier, binding)
    constants: list[str] = field(default_factory=list)
    blocks: list[_JsBlock] = field(default_factory=list)
    exports: list[str] = field(default_factory=list)

    def add(self, block: _JsBlock) -> None:
        self.blocks.append(block)
        self.needs |= block.needs
        self.exports += block.exports

    def packages(self) -> set[str]:
        """The npm packages the module imports (what its package.json must list)."""
        found: set[str] = set()
        for need in self._expanded():
            source = _JS_IMPORTS.get(need, "")
            source = source.removeprefix("default:")
            if source and not source.startswith("node:"):
                found.add(source)
        return found

    def _expanded(self) -> set[str]:
        needs = set(self.needs)
        for need in self.needs:
            if need.startswith("client:"):
                needs.add(_JS_CLIENTS[need.split(":", 1)[1]][0])
        return needs

    def _import_lines(self) -> list[str]:
        ts, cjs = self.flavour.ts, self.flavour.style == "cjs"
        needs = self._expanded()
        named: dict[str, list[str]] = {}
        defaults: dict[str, str] = {}
        for need in sorted(needs):
            source = _JS_IMPORTS.get(need)
            if source is None:
                continue
            if source.startswith("default:"):
                defaults[source.split(":", 1)[1]] = need
            else:
                named.setdefault(source, []).append(need)
        types = sorted(need.split(":", 1)[1] for need in needs if need.startswith("type:"))
        sources = sorted(set(named) | set(defaults), key=lambda s: (not s.startswith("node:"), s))
        lines: list[str] = []
        for source in sources:
            if source in defaults:
                binding = defaults[source]
                lines.append(
                    f'const {binding} = require("{source}");'
                    if cjs
                    else f'import {binding} from "{source}";'
                )
            if source in named:
                lines.append(_js_import(named[source], source, cjs))
        if ts and types:
            lines.append(_js_import(types, "aws-lambda", False, "import type"))
        local: list[str] = []
        relative = list(self.relative_imports)
        if "logger" in needs and self.logger_specifier:
            relative.append((self.logger_specifier, "{ logger }"))
        for specifier, binding in sorted(relative):
            if binding.startswith("{"):
                names = [name.strip() for name in binding.strip("{} ").split(",")]
                local.append(_js_import(names, specifier, cjs))
            elif cjs:
                local.append(f'const {binding} = require("{specifier}");')
            else:
                local.append(f'import * as {binding} from "{specifier}";')
        if local:
            lines += ["", *local] if lines else local
        return lines

    def render(self) -> str:
        head = [f"// {self.header}"]
        if self.flavour.style == "cjs":
            head.append('"use strict";')
        head.append("")
        head += self._import_lines()
        needs = self._expanded()
        declarations: list[str] = []
        if self.flavour.ts:
            declarations.append("type Payload = Record<string, any>;")
        declarations += [line for key, line in _JS_CONSTANTS.items() if f"const:{key}" in needs]
        declarations += self.constants
        declarations += [
            _JS_CLIENTS[key][1] for key in sorted(_JS_CLIENTS) if f"client:{key}" in needs
        ]
        if declarations:
            head += ["", *declarations]
        text = "\n".join(head) + "\n"
        for block in self.blocks:
            text += "\n" + block.text
        if self.flavour.style == "cjs" and self.exports:
            text += "\n" + _js_exports(self.exports)
        return text

    @property
    def line_count(self) -> int:
        return self.render().count("\n")


def _js_import(names: Sequence[str], source: str, cjs: bool, keyword: str = "import") -> str:
    """One import of named bindings, wrapped one name a line when it is too long (as
    Prettier writes it)."""
    listed = ", ".join(names)
    if cjs:
        line = f'const {{ {listed} }} = require("{source}");'
        if len(line) <= 100:
            return line
        inner = "".join(f"  {name},\n" for name in names)
        return f'const {{\n{inner}}} = require("{source}");'
    line = f'{keyword} {{ {listed} }} from "{source}";'
    if len(line) <= 100:
        return line
    inner = "".join(f"  {name},\n" for name in names)
    return f'{keyword} {{\n{inner}}} from "{source}";'


def _js_exports(names: Sequence[str]) -> str:
    line = f"module.exports = {{ {', '.join(names)} }};"
    if len(line) <= 100:
        return line + "\n"
    inner = "".join(f"  {name},\n" for name in names)
    return f"module.exports = {{\n{inner}}};\n"


def _js_function(
    flavour: _Flavour, text: str, needs: set[str], name: str, is_async: bool
) -> _JsBlock:
    """A helper function block: callable with a payload, exported from `lib/` modules."""
    exports = (name,) if flavour.exported and flavour.style == "cjs" else ()
    return _JsBlock(text, frozenset(needs), JsCallable(name, is_async), exports)


def _js_summarize(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // Totals per status of the @{noun}s in `data.items`.
        @{export}function @name(data«: Payload»)«: Payload» {
          const totals«: Record<string, number>» = {};
          let count = 0;
          for (const item of data.items ?? []) {
            const status = String(item.status ?? "UNKNOWN").toUpperCase();
            const amount = Number(item.amount ?? 0);
            totals[status] = (totals[status] ?? 0) + amount;
            count += 1;
          }
          logger.debug("summarised @{noun}s", { count });
          const statuses = Object.keys(totals).sort();
          return {
            count,
            totals: Object.fromEntries(
              statuses.map((status) => [status, totals[status].toFixed(2)]),
            ),
          };
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        export=flavour.export,
    )
    return _js_function(flavour, text, {"logger"}, name, False)


def _js_validate(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    fields = rng.sample(["id", "tenantId", "email", "amount", "currency", "status", "sku"], 3)
    text = _js(
        """
        const @{upper}_REQUIRED = [@fields];

        // The problems of a @{noun} payload, empty when it is valid.
        @{export}function @name(data«: Payload»)«: string[]» {
          const problems«: string[]» = [];
          for (const key of @{upper}_REQUIRED) {
            if (data[key] === undefined || data[key] === null || data[key] === "") {
              problems.push(`${key} is required`);
            }
          }
          if ("amount" in data) {
            const amount = Number(data.amount);
            if (Number.isNaN(amount)) {
              problems.push("amount is not a number");
            } else if (amount < 0) {
              problems.push("amount must not be negative");
            }
          }
          if ("email" in data && !String(data.email).includes("@@")) {
            problems.push("email is not an address");
          }
          return problems;
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        upper=_constant_name(name),
        fields=", ".join(f'"{item}"' for item in fields),
        export=flavour.export,
    )
    return _js_function(flavour, text, set(), name, False)


def _js_normalize(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        const @{upper}_KEY = /[^a-z0-9]+/g;

        // The @{noun} with snake_case keys and trimmed strings.
        @{export}function @name(data«: Payload»)«: Payload» {
          const cleaned«: Payload» = {};
          for (const [key, raw] of Object.entries(data)) {
            const normal = key.toLowerCase().replace(@{upper}_KEY, "_").replace(/^_+|_+$/g, "");
            let value = raw;
            if (typeof value === "string") {
              value = value.trim();
            } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
              value = @name(value);
            }
            cleaned[normal] = value;
          }
          return cleaned;
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        upper=_constant_name(name),
        export=flavour.export,
    )
    return _js_function(flavour, text, set(), name, False)


def _js_fetch_remote(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    # One outbound call in five has no timeout: SL305 when it runs per invocation.
    bounded = rng.random() >= 0.2
    milliseconds = rng.choice((3000, 5000, 10000))
    if rng.random() < 0.6:
        signal = f"\n    signal: AbortSignal.timeout({milliseconds})," if bounded else ""
        text = _js(
            """
            // The @{noun} details the partner API holds for `data.id`.
            @{export}async function @name(data«: Payload»)«: Promise<Payload>» {
              const baseUrl = process.env.PARTNER_API_URL ?? "https://partner.example.com";
              const url = `${baseUrl}/@{noun}s/${encodeURIComponent(data.id ?? "")}`;
              const response = await fetch(url, {
                headers: { Accept: "application/json" },@signal
              });
              if (response.status === 404) {
                return {};
              }
              if (!response.ok) {
                throw new Error(`partner API answered ${response.status}`);
              }
              return await response.json();
            }
            """,
            flavour.ts,
            name=name,
            noun=noun,
            signal=signal,
            export=flavour.export,
        )
        return _js_function(flavour, text, set(), name, True)
    timeout = f"\n      timeout: {milliseconds}," if bounded else ""
    text = _js(
        """
        // The @{noun} details the partner API holds for `data.id`.
        @{export}async function @name(data«: Payload»)«: Promise<Payload>» {
          const baseUrl = process.env.PARTNER_API_URL ?? "https://partner.example.com";
          try {
            const response = await axios.get(`${baseUrl}/@{noun}s/${data.id ?? ""}`, {
              headers: { Accept: "application/json" },@timeout
            });
            return response.data;
          } catch (error) {
            if (axios.isAxiosError(error) && error.response?.status === 404) {
              return {};
            }
            throw error;
          }
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        timeout=timeout,
        export=flavour.export,
    )
    return _js_function(flavour, text, {"axios"}, name, True)


def _js_publish_sqs(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    dedup = (
        '\n      MessageGroupId: String(data.tenantId ?? "default"),'
        "\n      MessageDeduplicationId: String(data.id),"
        if rng.random() < 0.5
        else ""
    )
    text = _js(
        """
        // Queue the @{noun} for the next stage; the message id.
        @{export}async function @name(data«: Payload»)«: Promise<string>» {
          const output = await sqs.send(
            new SendMessageCommand({
              QueueUrl: process.env.@{upper}_QUEUE_URL,
              MessageBody: JSON.stringify(data),@dedup
            }),
          );
          return String(output.MessageId);
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        upper=noun.upper(),
        dedup=dedup,
        export=flavour.export,
    )
    return _js_function(flavour, text, {"client:sqs", "SendMessageCommand"}, name, True)


def _js_notify_sns(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // Tell subscribers that a @{noun} changed.
        @{export}async function @name(data«: Payload»)«: Promise<void>» {
          await sns.send(
            new PublishCommand({
              TopicArn: process.env.@{upper}_TOPIC_ARN,
              Subject: "@{noun} updated",
              Message: JSON.stringify({ id: data.id, status: data.status }),
              MessageAttributes: {
                kind: { DataType: "String", StringValue: "@{noun}" },
              },
            }),
          );
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        upper=noun.upper(),
        export=flavour.export,
    )
    return _js_function(flavour, text, {"client:sns", "PublishCommand"}, name, True)


def _js_store_s3(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // Archive the @{noun} as JSON under a dated key; the key.
        @{export}async function @name(data«: Payload»)«: Promise<string>» {
          const day = new Date().toISOString().slice(0, 10).replaceAll("-", "/");
          const key = `@{noun}s/${day}/${data.id ?? randomUUID()}.json`;
          await s3.send(
            new PutObjectCommand({
              Bucket: process.env.ARCHIVE_BUCKET,
              Key: key,
              Body: JSON.stringify(data),
              ContentType: "application/json",
            }),
          );
          return key;
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        export=flavour.export,
    )
    return _js_function(flavour, text, {"client:s3", "PutObjectCommand", "randomUUID"}, name, True)


def _js_paginate(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // Every @{noun} of the tenant, page by page.
        @{export}async function @name(data«: Payload»)«: Promise<Payload[]>» {
          const items«: Payload[]» = [];
          let startKey«: Record<string, any> | undefined»;
          do {
            const page = await dynamodb.send(
              new QueryCommand({
                TableName: TABLE_NAME,
                KeyConditionExpression: "pk = :pk",
                ExpressionAttributeValues: { ":pk": { S: `TENANT#${data.tenantId ?? ""}` } },
                Limit: 100,
                ExclusiveStartKey: startKey,
              }),
            );
            for (const item of page.Items ?? []) {
              items.push(unmarshall(item));
            }
            startKey = page.LastEvaluatedKey;
          } while (startKey);
          return items;
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        export=flavour.export,
    )
    needs = {"client:dynamodb", "QueryCommand", "unmarshall", "const:TABLE_NAME"}
    return _js_function(flavour, text, needs, name, True)


def _js_conditional_put(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // Store a new @{noun}; false when it already exists.
        @{export}async function @name(data«: Payload»)«: Promise<boolean>» {
          const item = { pk: `@{upper}#${data.id}`, ...data };
          try {
            await dynamodb.send(
              new PutItemCommand({
                TableName: TABLE_NAME,
                Item: marshall(item, { removeUndefinedValues: true }),
                ConditionExpression: "attribute_not_exists(pk)",
              }),
            );
          } catch (error) {
            if (error instanceof ConditionalCheckFailedException) {
              return false;
            }
            throw error;
          }
          return true;
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        upper=noun.upper(),
        export=flavour.export,
    )
    needs = {
        "client:dynamodb",
        "PutItemCommand",
        "ConditionalCheckFailedException",
        "marshall",
        "const:TABLE_NAME",
    }
    return _js_function(flavour, text, needs, name, True)


def _js_bounded_retry(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // Read the @{noun}, retrying throttling a few times with backoff.
        @{export}async function @name(data«: Payload», attempts = @attempts)«: Promise<Payload>» {
          for (let attempt = 0; attempt < attempts; attempt += 1) {
            try {
              const response = await dynamodb.send(
                new GetItemCommand({
                  TableName: TABLE_NAME,
                  Key: { pk: { S: `@{upper}#${data.id}` } },
                }),
              );
              return response.Item ? unmarshall(response.Item) : {};
            } catch (error) {
              const code = error instanceof Error ? error.name : "";
              if (code !== "ProvisionedThroughputExceededException" || attempt === attempts - 1) {
                throw error;
              }
              await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
            }
          }
          return {};
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        upper=noun.upper(),
        attempts=rng.choice((3, 4, 5)),
        export=flavour.export,
    )
    needs = {"client:dynamodb", "GetItemCommand", "unmarshall", "const:TABLE_NAME"}
    return _js_function(flavour, text, needs, name, True)


def _js_signature(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // A stable fingerprint of the @{noun}, to detect changes.
        @{export}function @name(data«: Payload»)«: string» {
          const canonical = JSON.stringify(data, Object.keys(data).sort());
          const digest = createHash("sha256").update(canonical, "utf8").digest("hex");
          return `@{noun}:${digest.slice(0, 32)}`;
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        export=flavour.export,
    )
    return _js_function(flavour, text, {"createHash"}, name, False)


def _js_date_window(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // The ISO start and end of the @{noun} window ending at `data.until`.
        @{export}function @name(data«: Payload»)«: [string, string]» {
          const raw = data.until;
          const until = typeof raw === "string" ? new Date(raw) : new Date();
          if (Number.isNaN(until.getTime())) {
            throw new RangeError(`not a date: ${raw}`);
          }
          const start = new Date(until.getTime() - @days * 24 * 60 * 60 * 1000);
          return [start.toISOString(), until.toISOString()];
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        days=rng.choice((1, 7, 30, 90)),
        export=flavour.export,
    )
    return _js_function(flavour, text, set(), name, False)


def _js_chunks(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    text = _js(
        """
        // The @{noun}s of `data.items` in batches the API accepts.
        @{export}function @name(data«: Payload», size = @size)«: Payload[][]» {
          const items = Array.from(data.items ?? []);
          const batches«: Payload[][]» = [];
          for (let start = 0; start < items.length; start += size) {
            batches.push(items.slice(start, start + size));
          }
          return batches;
        }
        """,
        flavour.ts,
        name=name,
        noun=noun,
        size=rng.choice((10, 25, 100)),
        export=flavour.export,
    )
    return _js_function(flavour, text, set(), name, False)


def _js_class(flavour: _Flavour, text: str, needs: set[str], cls: str) -> _JsBlock:
    exports = (cls,) if flavour.exported and flavour.style == "cjs" else ()
    return _JsBlock(text, frozenset(needs), None, exports)


def _js_entity_class(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    cls = _pascal(name)
    text = _js(
        """
        // A @{noun} as the table stores it.
        @{export}class @cls {
          %TS%id: string;
          %TS%tenantId: string;
          %TS%status: string;
          %TS%amount: number;
          %TS%tags: string[];
          %TS%createdAt: string;
          %TS%
          constructor(fields«: Payload») {
            this.id = String(fields.id);
            this.tenantId = String(fields.tenantId);
            this.status = fields.status ?? "NEW";
            this.amount = Number(fields.amount ?? 0);
            this.tags = Array.from(fields.tags ?? []);
            this.createdAt = fields.createdAt ?? new Date().toISOString();
          }

          toItem()«: Payload» {
            return {
              ...this,
              pk: `TENANT#${this.tenantId}`,
              sk: `@{upper}#${this.id}`,
              amount: this.amount.toFixed(2),
            };
          }

          static fromItem(item«: Payload»)«: @cls» {
            return new @cls({
              id: String(item.sk).split("#")[1],
              tenantId: String(item.pk).split("#")[1],
              status: item.status,
              amount: Number(item.amount ?? 0),
              tags: item.tags,
              createdAt: item.createdAt,
            });
          }
        }
        """,
        flavour.ts,
        cls=cls,
        noun=noun,
        upper=noun.upper(),
        export=flavour.export,
    )
    return _js_class(flavour, text, set(), cls)


def _js_error_class(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    cls = _pascal(name) + "Error"
    text = _js(
        """
        // A @{noun} cannot be processed; `retryable` says whether a retry may help.
        @{export}class @cls extends Error {
          %TS%readonly @{noun}Id: string;
          %TS%readonly reason: string;
          %TS%readonly retryable: boolean;
          %TS%
          constructor(@{noun}Id«: string», reason«: string», retryable = false) {
            super(`@{noun} ${@{noun}Id}: ${reason}`);
            this.name = "@cls";
            this.@{noun}Id = @{noun}Id;
            this.reason = reason;
            this.retryable = retryable;
          }
        }
        """,
        flavour.ts,
        cls=cls,
        noun=noun,
        export=flavour.export,
    )
    return _js_class(flavour, text, set(), cls)


def _js_repository_class(rng: random.Random, noun: str, name: str, flavour: _Flavour) -> _JsBlock:
    cls = _pascal(name) + "Repository"
    text = _js(
        """
        // Reads and writes @{noun}s in one DynamoDB table.
        @{export}class @cls {
          %TS%private readonly tableName: string;
          %TS%
          constructor(tableName = TABLE_NAME) {
            this.tableName = tableName;
          }

          async get(@{noun}Id«: string»)«: Promise<Payload | undefined>» {
            const response = await dynamodb.send(
              new GetItemCommand({
                TableName: this.tableName,
                Key: { pk: { S: `@{upper}#${@{noun}Id}` } },
              }),
            );
            return response.Item ? unmarshall(response.Item) : undefined;
          }

          async putNew(item«: Payload»)«: Promise<void>» {
            await dynamodb.send(
              new PutItemCommand({
                TableName: this.tableName,
                Item: marshall(item, { removeUndefinedValues: true }),
                ConditionExpression: "attribute_not_exists(pk)",
              }),
            );
          }

          async setStatus(@{noun}Id«: string», status«: string»)«: Promise<void>» {
            await dynamodb.send(
              new UpdateItemCommand({
                TableName: this.tableName,
                Key: { pk: { S: `@{upper}#${@{noun}Id}` } },
                UpdateExpression: "SET #s = :s",
                ExpressionAttributeNames: { "#s": "status" },
                ExpressionAttributeValues: { ":s": { S: status } },
              }),
            );
          }
        }
        """,
        flavour.ts,
        cls=cls,
        noun=noun,
        upper=noun.upper(),
        export=flavour.export,
    )
    needs = {
        "client:dynamodb",
        "GetItemCommand",
        "PutItemCommand",
        "UpdateItemCommand",
        "marshall",
        "unmarshall",
        "const:TABLE_NAME",
    }
    return _js_class(flavour, text, needs, cls)


def _js_labels(rng: random.Random, noun: str, name: str, entries: int) -> _JsBlock:
    """A lookup table: also fills the last few lines up to a module's size."""
    words = rng.sample(_LABEL_WORDS, entries)
    body = "\n".join(f'  {word}: "{word.replace("_", " ").title()}",' for word in words)
    return _JsBlock(f"const {_constant_name(name)}_LABELS = {{\n{body}\n}};\n")


_JsMaker = Callable[[random.Random, str, str, _Flavour], _JsBlock]
# The twin of each Python helper block, with the prefix of its name.
_JS_TWINS: dict[Callable[[random.Random, str, str], _Block], tuple[_JsMaker, str]] = {
    _summarize: (_js_summarize, "summarize"),
    _validate: (_js_validate, "validate"),
    _normalize: (_js_normalize, "normalize"),
    _fetch_remote: (_js_fetch_remote, "fetch"),
    _publish_sqs: (_js_publish_sqs, "enqueue"),
    _notify_sns: (_js_notify_sns, "announce"),
    _store_s3: (_js_store_s3, "archive"),
    _paginate: (_js_paginate, "list"),
    _conditional_put: (_js_conditional_put, "store"),
    _bounded_retry: (_js_bounded_retry, "load"),
    _signature: (_js_signature, "fingerprint"),
    _date_window: (_js_date_window, "window"),
    _chunks: (_js_chunks, "batch"),
    _entity_class: (_js_entity_class, ""),
    _error_class: (_js_error_class, ""),
    _repository_class: (_js_repository_class, ""),
}


def _js_fill(rng: random.Random, module: _JsModuleText, noun: str, target: int) -> list[JsCallable]:
    """Add helper blocks until the module reaches `target` lines (as `_fill` does for
    Python); the callable helpers."""
    callables: list[JsCallable] = []
    used: set[str] = set()
    while module.line_count < target:
        block = _js_next_block(rng, rng, noun, used, module.flavour)
        if block is None:
            continue
        module.add(block)
        if block.callable is not None:
            callables.append(block.callable)
    return callables


def _next_kind(
    rng: random.Random, used: set[str]
) -> Callable[[random.Random, str, str], _Block] | None:
    """The next kind of helper block: each kind once before any comes back; None for a
    class kind already used (one of each per module)."""
    kinds = _CLASS_BLOCKS if rng.random() < 0.2 else _FUNCTION_BLOCKS
    fresh = [make for make in kinds if make.__name__ not in used]
    make = rng.choice(fresh or kinds)
    if make in _CLASS_BLOCKS and make.__name__ in used:
        return None
    used.add(make.__name__)
    return make


def _unique_name(stem: str, used: set[str], separator: str) -> str:
    name = stem
    suffix = 2
    while name in used:
        name = f"{stem}{separator}{suffix}"
        suffix += 1
    used.add(name)
    return name


def _js_next_block(
    rng: random.Random, block_rng: random.Random, noun: str, used: set[str], flavour: _Flavour
) -> _JsBlock | None:
    make = _next_kind(rng, used)
    if make is None:
        return None
    js_make, prefix = _JS_TWINS[make]
    name = noun if make in _CLASS_BLOCKS else _unique_name(prefix + _pascal(noun), used, "")
    return js_make(block_rng, noun, name, flavour)


# ---------------------------------------------------------------------------
# Node.js handlers, one per function of a config.


@dataclass
class _JsHandlerContext:
    rng: random.Random
    spec: FunctionSpec
    flavour: _Flavour
    helpers: list[JsCallable]  # local helpers the handler may call
    lib_calls: list[JsCallable]  # functions of the service's `lib/` modules
    forced: list[str]  # calls every handler of the module makes (`logIncoming(event)`)
    emitted: set[str]  # module-level support already written (`response`)
    callback_style: bool = False  # a callback handler (SL002 on nodejs24.x)


def _js_call_lines(context: _JsHandlerContext, argument: str, indent: str) -> str:
    """Calls of a few helpers: local ones and those of the service's `lib/` modules."""
    rng = context.rng
    calls: list[str] = []
    for helper in rng.sample(context.helpers, min(len(context.helpers), rng.randint(1, 3))):
        calls.append(helper.call(argument))
    for helper in rng.sample(context.lib_calls, min(len(context.lib_calls), rng.randint(1, 2))):
        calls.append(helper.call(argument))
    rng.shuffle(calls)
    calls += context.forced
    return "\n".join(f"{indent}results.push({call});" for call in calls)


def _js_handler(
    context: _JsHandlerContext,
    comment: str,
    params: str,
    returns: str,
    body: str,
    needs: set[str],
    support: str = "",
) -> _JsBlock:
    """The handler around `body` (statements indented by two spaces), exported the way
    its module's style does it; `support`: module-level code written before it."""
    rng, spec, flavour = context.rng, context.spec, context.flavour
    name = spec.handler
    exports: tuple[str, ...] = ()
    if flavour.style == "cjs":
        form = rng.random()
        if form < 0.4:
            head, tail = f"exports.{name} = async ({params}) => {{", "};"
        elif form < 0.7:
            head, tail = f"module.exports.{name} = async function ({params}) {{", "};"
        else:
            head, tail = f"async function {name}({params}) {{", "}"
            exports = (name,)
    elif rng.random() < 0.7:
        head, tail = f"export const {name} = async ({params}){returns} => {{", "};"
    else:
        head, tail = f"export async function {name}({params}){returns} {{", "}"
    head = _TYPE_ONLY.sub(lambda match: match.group(1) if flavour.ts else "", head)
    if len(head) > 100:  # one parameter a line, as Prettier writes it
        before, _, rest = head.partition("(")
        inside, _, after = rest.partition(")")
        listed = "".join(f"  {parameter.strip()},\n" for parameter in inside.split(","))
        head = f"{before}(\n{listed}){after}"
    text = f"{support}// {comment}\n{head}\n{body}{tail}\n"
    text = _TYPE_ONLY.sub(lambda match: match.group(1) if flavour.ts else "", text)
    return _JsBlock(text, frozenset(needs | {"logger", "type:Context"}), None, exports)


def _js_callback_handler(context: _JsHandlerContext, comment: str, body: str) -> _JsBlock:
    """A CommonJS handler that answers through its callback, around an async runner."""
    spec = context.spec
    runner = f"run{spec.module[:1].upper()}{spec.module[1:]}"
    text = _js(
        """
        async function @runner(event, context) {
        @body}

        // @comment
        exports.@name = function (event, context, callback) {
          @runner(event, context).then(
            (result) => callback(null, result),
            (error) => callback(error),
          );
        };
        """,
        False,
        runner=runner,
        body=body,
        comment=comment,
        name=spec.handler,
    )
    return _JsBlock(text, frozenset({"logger"}))


def _js_response_helper(context: _JsHandlerContext) -> str:
    if "response" in context.emitted:
        return ""
    context.emitted.add("response")
    return (
        _js(
            """
        function response(statusCode«: number», body«: unknown»)«: APIGatewayProxyResult» {
          return {
            statusCode,
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify(body),
          };
        }
        """,
            context.flavour.ts,
        )
        + "\n"
    )


def _js_handler_http_post(context: _JsHandlerContext) -> _JsBlock:
    rng, spec, ts = context.rng, context.spec, context.flavour.ts
    needs = {"type:APIGatewayProxyEvent", "type:APIGatewayProxyResult"}
    if rng.random() < 0.35:  # SL402: the body is parsed outside a try
        parse = "  const payload«: Payload» = JSON.parse(event.body«!»);\n"
    else:
        parse = _js(
            """
              let payload«: Payload»;
              try {
                payload = JSON.parse(event.body ?? "{}");
              } catch {
                return response(400, { message: "the body is not JSON" });
              }
            """,
            ts,
        )
        parse = textwrap.indent(parse, "  ")
    client = emit = ""
    if rng.random() < 0.15:  # SL101: a client built on every invocation
        client = "  const eventBridge = new EventBridgeClient({});\n"
        emit = _js(
            """
              await eventBridge.send(
                new PutEventsCommand({
                  Entries: [
                    { Source: "@svc", DetailType: "@noun", Detail: JSON.stringify(payload) },
                  ],
                }),
              );
            """,
            ts,
            svc=spec.module,
            noun=spec.noun,
        )
        emit = textwrap.indent(emit, "  ")
        needs |= {"EventBridgeClient", "PutEventsCommand"}
    body = _js(
        """
          logger.info("request", { requestId: context.awsRequestId });
        @client@parse  payload.tenantId ??= event.requestContext?.accountId ?? "";
          const results«: unknown[]» = [];
        @calls
          if (results.some((result) => Array.isArray(result) && result.length > 0)) {
            return response(400, { errors: results.filter((result) => Array.isArray(result)) });
          }
        @emit  logger.info("@noun accepted", { id: payload.id });
          return response(201, { id: payload.id, status: "ACCEPTED" });
        """,
        ts,
        client=client,
        parse=parse,
        calls=_js_call_lines(context, "payload", "  "),
        emit=emit,
        noun=spec.noun,
    )
    return _js_handler(
        context,
        f"{spec.verb.title()} a {spec.noun} from the JSON body of the request.",
        "event«: APIGatewayProxyEvent», context«: Context»",
        "«: Promise<APIGatewayProxyResult>»",
        body,
        needs,
        _js_response_helper(context),
    )


def _js_handler_http_get(context: _JsHandlerContext) -> _JsBlock:
    rng, spec, ts = context.rng, context.spec, context.flavour.ts
    needs = {
        "type:APIGatewayProxyEvent",
        "type:APIGatewayProxyResult",
        "client:dynamodb",
        "GetItemCommand",
        "unmarshall",
        "const:TABLE_NAME",
    }
    secret = ""
    if rng.random() < 0.08:  # SL104: a parameter fetched on every invocation
        secret = textwrap.indent(
            _js(
                """
                  const parameter = await ssm.send(
                    new GetParameterCommand({ Name: "/app/api-key", WithDecryption: true }),
                  );
                  logger.debug("key loaded", { length: parameter.Parameter?.Value?.length ?? 0 });
                """,
                ts,
            ),
            "  ",
        )
        needs |= {"client:ssm", "GetParameterCommand"}
    body = _js(
        """
          const params = event.pathParameters ?? {};
          const query = event.queryStringParameters ?? {};
        @secret  const key = params.id;
          if (!key) {
            return { statusCode: 400, body: JSON.stringify({ message: "id is required" }) };
          }
          const output = await dynamodb.send(
            new GetItemCommand({ TableName: TABLE_NAME, Key: { pk: { S: `@upper#${key}` } } }),
          );
          if (output.Item === undefined) {
            return { statusCode: 404, body: JSON.stringify({ message: "not found" }) };
          }
          const payload«: Payload» = {
            id: key,
            limit: Number(query.limit ?? "20"),
            ...unmarshall(output.Item),
          };
          const results«: unknown[]» = [];
        @calls
          logger.info("helpers ran", { count: results.length, key });
          return { statusCode: 200, body: JSON.stringify(payload) };
        """,
        ts,
        secret=secret,
        upper=spec.noun.upper(),
        calls=_js_call_lines(context, "payload", "  "),
    )
    return _js_handler(
        context,
        f"{spec.verb.title()} {spec.noun}s by the path and query parameters.",
        "event«: APIGatewayProxyEvent», context«: Context»",
        "«: Promise<APIGatewayProxyResult>»",
        body,
        needs,
    )


# Per trigger with records: the event type, the batch response type, how a record's
# payload is read and what identifies the record in a partial batch response.
_RECORD_SOURCES = {
    "sqs": ("SQSEvent", "SQSBatchResponse", "JSON.parse(record.body)", "record.messageId"),
    "sns": ("SNSEvent", "", "JSON.parse(record.Sns.Message)", "record.Sns.MessageId"),
    "stream": (
        "DynamoDBStreamEvent",
        "DynamoDBBatchResponse",
        "unmarshall(«(»record.dynamodb?.NewImage ?? {}«) as Record<string, any>»)",
        'record.dynamodb?.SequenceNumber ?? ""',
    ),
}


def _js_record_loop(context: _JsHandlerContext, comment: str) -> _JsBlock:
    """A handler that loops over `event.Records`, in one of four shapes."""
    rng, spec, ts = context.rng, context.spec, context.flavour.ts
    event_type, batch_type, parse, identifier = _RECORD_SOURCES[spec.event]
    needs = {f"type:{event_type}"}
    if spec.event == "stream":
        needs.add("unmarshall")
    shape = rng.random()
    calls = _js_call_lines(context, "payload", "      ")
    if shape < 0.55:  # reports the failed records: a working partial batch response
        if batch_type:
            needs.add(f"type:{batch_type}")
        returns = f"«: Promise<{batch_type or 'Payload'}>»"
        body = _js(
            """
              const batchItemFailures«: { itemIdentifier: string }[]» = [];
              for (const record of event.Records) {
                try {
                  const payload = @parse;
                  const results«: unknown[]» = [];
            @calls
                } catch (error) {
                  logger.error("record failed", { id: @identifier, error });
                  batchItemFailures.push({ itemIdentifier: @identifier });
                }
              }
              return { batchItemFailures };
            """,
            ts,
            parse=parse,
            identifier=identifier,
            calls=calls,
        )
    elif shape < 0.72:  # lets a failure escape: the whole batch is retried
        returns = "«: Promise<void>»"
        body = _js(
            """
              for (const record of event.Records) {
                const payload = @parse;
                if (!payload) {
                  logger.warn("empty record", { id: @identifier });
                  continue;
                }
                const results«: unknown[]» = [];
            @calls
              }
              logger.info("records done", { count: event.Records.length });
            """,
            ts,
            parse=parse,
            identifier=identifier,
            calls=textwrap.indent(textwrap.dedent(calls), "    "),
        )
    elif shape < 0.85:  # every record at once: one rejected promise fails the batch
        returns = "«: Promise<void>»"
        body = _js(
            """
              await Promise.all(
                event.Records.map(async (record) => {
                  const payload = @parse;
                  const results«: unknown[]» = [];
            @calls
                }),
              );
              logger.info("records done", { count: event.Records.length });
            """,
            ts,
            parse=parse,
            calls=calls,
        )
    else:  # SL207: every failure is logged and dropped
        returns = "«: Promise<{ processed: number }>»"
        body = _js(
            """
              let done = 0;
              for (const record of event.Records) {
                try {
                  const payload = @parse;
                  const results«: unknown[]» = [];
            @calls
                  done += 1;
                } catch (error) {
                  logger.error("skipping record", { error });
                }
              }
              return { processed: done };
            """,
            ts,
            parse=parse,
            calls=calls,
        )
    return _js_handler(
        context, comment, f"event«: {event_type}», context«: Context»", returns, body, needs
    )


def _js_handler_sqs(context: _JsHandlerContext) -> _JsBlock:
    spec = context.spec
    return _js_record_loop(context, f"{spec.verb.title()} each queued {spec.noun}.")


def _js_handler_sns(context: _JsHandlerContext) -> _JsBlock:
    spec = context.spec
    return _js_record_loop(context, f"{spec.verb.title()} each {spec.noun} notification.")


def _js_handler_stream(context: _JsHandlerContext) -> _JsBlock:
    spec = context.spec
    return _js_record_loop(
        context, f"{spec.verb.title()} {spec.noun} changes from the table stream."
    )


def _js_handler_schedule(context: _JsHandlerContext) -> _JsBlock:
    rng, spec, ts = context.rng, context.spec, context.flavour.ts
    needs = {"type:ScheduledEvent"}
    metric = ""
    if rng.random() < 0.3:  # SL505 when it runs per invocation
        metric = textwrap.indent(
            _js(
                """
                  await cloudwatch.send(
                    new PutMetricDataCommand({
                      Namespace: "@svc",
                      MetricData: [{ MetricName: "@{noun}sProcessed", Value: results.length }],
                    }),
                  );
                """,
                ts,
                svc=spec.module,
                noun=spec.noun,
            ),
            "  ",
        )
        needs |= {"client:cloudwatch", "PutMetricDataCommand"}
    body = _js(
        """
          const started = new Date();
          const payload«: Payload» = { until: started.toISOString(), items: [] };
          const results«: unknown[]» = [];
        @calls
          if (context.getRemainingTimeInMillis() < 10_000) {
            logger.warn("stopping early: little time left");
          }
        @metric  logger.info("run finished", { ms: Date.now() - started.getTime() });
          return { ranAt: started.toISOString(), steps: results.length };
        """,
        ts,
        calls=_js_call_lines(context, "payload", "  "),
        metric=metric,
    )
    comment = f"{spec.verb.title()} {spec.noun}s on a schedule."
    if context.callback_style:
        block = _js_callback_handler(context, comment, body)
        return _JsBlock(block.text, frozenset(needs | block.needs))
    return _js_handler(
        context,
        comment,
        "event«: ScheduledEvent», context«: Context»",
        "«: Promise<Payload>»",
        body,
        needs,
    )


def _js_handler_s3(context: _JsHandlerContext) -> _JsBlock:
    rng, spec, ts = context.rng, context.spec, context.flavour.ts
    needs = {"type:S3Event", "client:s3", "GetObjectCommand"}
    if rng.random() < 0.4:  # SL209: the key is used as it arrives, URL-encoded
        key = "record.s3.object.key"
    else:
        key = 'decodeURIComponent(record.s3.object.key.replace(/\\+/g, " "))'
    body = _js(
        """
          for (const record of event.Records) {
            const bucket = record.s3.bucket.name;
            const key = @key;
            const object = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
            const body = await object.Body«!».transformToString();
            const payload«: Payload» = key.endsWith(".json")
              ? JSON.parse(body)
              : { size: body.length };
            payload.source = `s3://${bucket}/${key}`;
            const results«: unknown[]» = [];
        @calls
            logger.info("file done", { key, steps: results.length });
          }
        """,
        ts,
        key=key,
        calls=_js_call_lines(context, "payload", "    "),
    )
    comment = f"{spec.verb.title()} each uploaded {spec.noun} file."
    if context.callback_style:
        block = _js_callback_handler(context, comment, body)
        return _JsBlock(block.text, frozenset(needs | block.needs))
    return _js_handler(
        context,
        comment,
        "event«: S3Event», context«: Context»",
        "«: Promise<void>»",
        body,
        needs,
    )


_JS_HANDLERS: dict[str, Callable[[_JsHandlerContext], _JsBlock]] = {
    "http_post": _js_handler_http_post,
    "http_get": _js_handler_http_get,
    "sqs": _js_handler_sqs,
    "sns": _js_handler_sns,
    "stream": _js_handler_stream,
    "schedule": _js_handler_schedule,
    "s3": _js_handler_s3,
}


def _js_occasional_flaws(
    rng: random.Random, module: _JsModuleText, spec: FunctionSpec
) -> list[str]:
    """The rarer mistakes (as `_occasional_flaws` for Python); the calls of their
    helpers that the handlers make."""
    ts = module.flavour.ts
    noun = _pascal(spec.noun)
    forced: list[str] = []
    if rng.random() < 0.05:  # SL105: module-level state that grows per invocation
        module.constants.append("const seenIds: string[] = [];" if ts else "const seenIds = [];")
        module.add(
            _JsBlock(
                _js(
                    """
                    // Keep the ids seen by this environment (never cleared).
                    function remember@noun(data«: Payload»)«: void» {
                      seenIds.push(String(data.id));
                    }
                    """,
                    ts,
                    noun=noun,
                )
            )
        )
        forced.append(f"remember{noun}(payload)")
    if rng.random() < 0.02:  # SL601: a literal credential
        token = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(36))
        module.constants.append(f'const PARTNER_API_TOKEN = "{token}";')
    if rng.random() < 0.06:  # SL502: the whole event in the log
        module.add(
            _JsBlock(
                _js(
                    """
                    function logIncoming(event«: unknown»)«: void» {
                      console.log(JSON.stringify(event));
                    }
                    """,
                    ts,
                )
            )
        )
        forced.append("logIncoming(event)")
    if not ts and rng.random() < 0.04:  # SL110 unless package.json deploys `aws-sdk`
        module.constants.append("const documents = new AWS.DynamoDB.DocumentClient();")
        module.add(
            _JsBlock(
                _js(
                    """
                    // The audit trail entry, written with the SDK v2 document client.
                    async function audit@noun(data) {
                      await documents
                        .put({
                          TableName: TABLE_NAME,
                          Item: { pk: `AUDIT#${data.id}`, at: Date.now() },
                        })
                        .promise();
                    }
                    """,
                    ts,
                    noun=noun,
                ),
                frozenset({"AWS", "const:TABLE_NAME"}),
            )
        )
        forced.append(f"await audit{noun}(payload)")
    return forced


def _js_handler_module(
    rng: random.Random,
    specs: Sequence[FunctionSpec],
    flavour: _Flavour,
    lib_api: dict[str, list[JsCallable]],
    callback_style: bool,
) -> _JsModuleText:
    """A handler module of a Node.js service (`src/handlers/<stem>`), importing the
    service's `src/lib/` modules."""
    first = specs[0]
    module = _JsModuleText(
        f"{first.verb.title()} {first.noun}s: the Lambda entry point.",
        flavour,
        flavour.specifier("../lib/logger"),
    )
    target = rng.randint(MIN_LINES, MAX_LINES - _MAX_BLOCK_LINES)
    # Imports of the service's lib modules: as a namespace or as names.
    lib_calls: list[JsCallable] = []
    for stem in rng.sample(sorted(lib_api), rng.randint(1, min(2, len(lib_api)))):
        functions = lib_api[stem]
        if not functions:
            continue
        specifier = flavour.specifier(f"../lib/{stem}")
        if rng.random() < 0.5:
            module.relative_imports.append((specifier, stem))
            lib_calls += [JsCallable(f"{stem}.{f.name}", f.is_async) for f in functions[:3]]
        else:
            chosen = functions[: rng.randint(1, 2)]
            names = ", ".join(sorted(f.name for f in chosen))
            module.relative_imports.append((specifier, f"{{ {names} }}"))
            lib_calls += chosen
    module.needs.add("logger")
    helpers = _js_fill(rng, module, first.noun, max(MIN_LINES, target - 30 * len(specs)))
    if not helpers:
        block = _js_summarize(rng, first.noun, f"summarize{_pascal(first.noun)}", flavour)
        module.add(block)
        assert block.callable is not None
        helpers.append(block.callable)
    forced = _js_occasional_flaws(rng, module, first)
    emitted: set[str] = set()
    for spec in specs:
        context = _JsHandlerContext(
            rng,
            spec,
            flavour,
            helpers,
            lib_calls,
            forced,
            emitted,
            callback_style and flavour.style == "cjs" and spec.event in ("schedule", "s3"),
        )
        module.add(_JS_HANDLERS[spec.event](context))
    if rng.random() < 0.1:  # SL501 (info): a formatted console message, not the logger
        module.add(
            _JsBlock(
                _js(
                    """
                    function debugDump(data«: Payload»)«: void» {
                      console.log(`debug ${Object.keys(data).sort().join(",")}`);
                    }
                    """,
                    flavour.ts,
                )
            )
        )
    _js_pad_to_minimum(rng, module, first.noun)
    return module


def _js_pad_to_minimum(rng: random.Random, module: _JsModuleText, noun: str) -> None:
    missing = MIN_LINES - module.line_count
    if missing > 0:
        module.add(_js_labels(rng, noun, f"{noun}Extra", min(missing + 1, 49)))


def _js_helper_module(
    rng: random.Random,
    header: str,
    noun: str,
    flavour: _Flavour,
    imports: Sequence[tuple[str, list[JsCallable]]],
) -> tuple[_JsModuleText, list[JsCallable]]:
    """A `lib/` module of helpers; one of them calls helpers of `imports`."""
    module = _JsModuleText(header, flavour, flavour.specifier("./logger"))
    module.needs.add("logger")
    target = rng.randint(MIN_LINES, MAX_LINES - _MAX_BLOCK_LINES)
    calls: list[JsCallable] = []
    for stem, functions in imports:
        if functions:
            module.relative_imports.append((flavour.specifier(f"./{stem}"), stem))
            calls += [JsCallable(f"{stem}.{f.name}", f.is_async) for f in functions[:2]]
    callables = _js_fill(rng, module, noun, target - (25 if calls else 0))
    if calls:
        name = f"prepare{_pascal(noun)}"
        lines = "\n".join(f"  steps.push({call.call('data')});" for call in calls)
        text = _js(
            """
            // Run the @noun through the helpers it depends on.
            @{export}async function @name(data«: Payload»)«: Promise<unknown[]>» {
              const steps«: unknown[]» = [];
            @lines
              logger.debug("prepared", { id: data.id, steps: steps.length });
              return steps;
            }
            """,
            flavour.ts,
            noun=noun,
            name=name,
            lines=lines,
            export=flavour.export,
        )
        module.add(_js_function(flavour, text, {"logger"}, name, True))
        callables.insert(0, JsCallable(name, True))
    _js_pad_to_minimum(rng, module, noun)
    return module, callables


def _js_logger_module(flavour: _Flavour, service: str) -> _JsModuleText:
    module = _JsModuleText(
        "The service's structured logger: JSON lines with the request id.", flavour, ""
    )
    text = (
        f"{flavour.export}const logger = new Logger({{ serviceName: "
        f'process.env.SERVICE_NAME ?? "{service}" }});\n'
    )
    exports = ("logger",) if flavour.style == "cjs" else ()
    module.add(_JsBlock(text, frozenset({"Logger"}), None, exports))
    return module


# Versions a package.json asks for.
_NPM_VERSIONS = {
    "@aws-lambda-powertools/logger": "^2.11.0",
    "axios": "^1.7.9",
    "aws-sdk": "^2.1692.0",
    "@types/aws-lambda": "^8.10.145",
    "@types/node": "^22.10.0",
    "esbuild": "^0.24.0",
    "typescript": "^5.7.0",
    "serverless": "^3.39.0",
    "serverless-esbuild": "^1.54.0",
    "jest": "^29.7.0",
    "aws-sdk-client-mock": "^4.1.0",
}


def _npm_version(package: str) -> str:
    return _NPM_VERSIONS.get(package, "^3.700.0")  # the SDK v3 clients


def _package_json(
    rng: random.Random, service: str, style: str, kind: str, packages: set[str]
) -> str:
    """The service's package.json: what its modules import as dependencies (the SDK v2,
    when a module uses it, often only as a devDependency: SL110), build and test tools
    as devDependencies."""
    dependencies = set(packages)
    development = {"jest", "aws-sdk-client-mock"}
    if "aws-sdk" in dependencies and rng.random() < 0.6:
        dependencies.discard("aws-sdk")
        development.add("aws-sdk")
    if style == "ts":
        development |= {"@types/aws-lambda", "@types/node", "esbuild", "typescript"}
        if kind == "serverless":
            development.add("serverless-esbuild")
    if kind == "serverless":
        development.add("serverless")
    if rng.random() < 0.1:  # SL106: a test tool deployed with the functions
        development.discard("jest")
        dependencies.add("jest")
    scripts = {"test": "jest"}
    if style == "ts":
        scripts["typecheck"] = "tsc --noEmit"
    manifest: dict[str, object] = {
        "name": service,
        "version": "1.0.0",
        "private": True,
        "description": f"{service} - generated benchmark service",
    }
    if style != "cjs":
        manifest["type"] = "module"
    manifest["scripts"] = scripts
    manifest["dependencies"] = {name: _npm_version(name) for name in sorted(dependencies)}
    manifest["devDependencies"] = {name: _npm_version(name) for name in sorted(development)}
    return json.dumps(manifest, indent=2) + "\n"


_TSCONFIG = """{
  "compilerOptions": {
    "target": "ES2022",
    "module": "ESNext",
    "moduleResolution": "Bundler",
    "strict": true,
    "esModuleInterop": true,
    "skipLibCheck": true,
    "noEmit": true
  },
  "include": ["src/**/*.ts"]
}
"""


def _node_runtime(rng: random.Random) -> str:
    # One service in ten is still on a runtime AWS deprecated (SL603).
    if rng.random() < 0.1:
        return "nodejs16.x"
    return rng.choice(("nodejs20.x", "nodejs22.x", "nodejs22.x", "nodejs24.x"))


def _node_serverless_yaml(
    rng: random.Random, service: _ServiceSpec, style: str, runtime: str
) -> str:
    out: list[str] = [f"service: {service.name}", 'frameworkVersion: "3"', ""]
    if style == "ts":
        out += [
            "plugins:",
            "  - serverless-esbuild",
            "",
            "custom:",
            "  esbuild:",
            "    bundle: true",
            "    minify: false",
            "    sourcemap: true",
            f"    target: node{runtime.removeprefix('nodejs').split('.')[0]}",
            "    exclude:",
            '      - "@aws-sdk/*"',
            "",
            "package:",
            "  individually: true",
            "",
        ]
    provider, provider_timeout = _serverless_provider(rng, runtime, layer=False)
    out += provider
    if rng.random() < 0.5:
        out += ["  logs:", "    lambda:", "      logFormat: JSON"]
    out += ["", "functions:"]
    functions, resources = _serverless_functions(
        rng, service, provider_timeout, lambda spec: f"src/handlers/{spec.module}.{spec.handler}"
    )
    out += functions
    out += ["resources:", "  Resources:", *resources, ""]
    return "\n".join(out)


def _node_sam_yaml(rng: random.Random, service: _ServiceSpec, style: str, runtime: str) -> str:
    head, global_timeout = _sam_globals(rng, runtime)
    out = [*head[:2], f"Description: {service.name} - generated benchmark service", *head[2:]]
    if rng.random() < 0.5:
        out += ["    LoggingConfig:", "      LogFormat: JSON"]
    out += [
        "    Environment:",
        "      Variables:",
        "        LOG_LEVEL: INFO",
        "        TABLE_NAME: !Ref MainTable",
        "        ARCHIVE_BUCKET: !Ref ArchiveBucket",
    ]
    if style == "ts":
        out.append("        NODE_OPTIONS: --enable-source-maps")
    out += ["", "Resources:"]
    has_stream = any(spec.event == "stream" for spec in service.functions)
    out += _sam_resources_head(has_stream)

    def code(spec: FunctionSpec, logical: str) -> list[str]:
        if style != "ts":
            return [
                "    Properties:",
                "      CodeUri: src/",
                f"      Handler: handlers/{spec.module}.{spec.handler}",
            ]
        # esbuild writes the entry point under its folder's name: `<module>.js` at the
        # root of the package, which the handler names.
        return [
            "    Metadata:",
            "      BuildMethod: esbuild",
            "      BuildProperties:",
            "        Minify: true",
            "        Target: es2022",
            "        Sourcemap: true",
            "        EntryPoints:",
            f"          - handlers/{spec.module}.ts",
            "    Properties:",
            "      CodeUri: src/",
            f"      Handler: {spec.module}.{spec.handler}",
        ]

    out += _sam_functions(rng, service, global_timeout, code)
    return "\n".join(out)


def _plan_node_service(rng: random.Random, name: str, kind: str, size: int) -> _ServiceSpec:
    """As `_plan_service`, with camelCase module stems and export names."""
    planned = _plan_service(rng, name, kind, size)
    stems = {stem: _camel(stem) for stem in planned.modules}
    functions = [
        FunctionSpec(
            spec.name,
            stems[spec.module],
            "handler" if spec.handler == "handler" else _camel(spec.handler),
            spec.event,
            spec.noun,
            spec.verb,
        )
        for spec in planned.functions
    ]
    return _ServiceSpec(name, kind, functions, [stems[stem] for stem in planned.modules])


# The `lib/` modules of a Node.js service besides `db` and `logger`: one of these.
_NODE_LIB_MODULES = ("http", "notify", "validation", "format", "audit")


def _write_node_service(
    rng: random.Random, out: Path, repo: Monorepo, name: str, kind: str, size: int, style: str
) -> None:
    """One Node.js service in `style`: handlers in `src/handlers/`, helpers in
    `src/lib/`, its package.json and its serverless.yml or SAM template."""
    runtime = _node_runtime(rng)
    service = _plan_node_service(rng, name, kind, size)
    root = out / "services" / name
    source = root / "src"
    suffix = NODE_SUFFIXES[style]
    lib = _Flavour(style, exported=True)
    packages: set[str] = set()

    def write(path: Path, module: _JsModuleText, helper: bool) -> None:
        _write_module(path, module.render())
        packages.update(module.packages())
        (repo.node_helper_modules if helper else repo.node_handler_modules).append(path)

    write(source / "lib" / f"logger{suffix}", _js_logger_module(lib, name), True)
    db, db_api = _js_helper_module(
        rng, f"Storage helpers of the {name} service.", "record", lib, []
    )
    write(source / "lib" / f"db{suffix}", db, True)
    other = rng.choice(_NODE_LIB_MODULES)
    noun = service.functions[0].noun
    helpers, helpers_api = _js_helper_module(
        rng, f"{other.title()} helpers of the {name} service.", noun, lib, [("db", db_api)]
    )
    write(source / "lib" / f"{other}{suffix}", helpers, True)
    lib_api = {"db": db_api, other: helpers_api}
    # Older CommonJS code answers through the callback; Lambda refuses such handlers
    # from nodejs24.x on (SL002).
    callback_style = style == "cjs" and rng.random() < 0.3
    for stem in service.modules:
        specs = [spec for spec in service.functions if spec.module == stem]
        module = _js_handler_module(rng, specs, _Flavour(style), lib_api, callback_style)
        write(source / "handlers" / f"{stem}{suffix}", module, False)
    manifest = (root if kind == "serverless" else source) / "package.json"
    manifest.write_text(_package_json(rng, name, style, kind, packages))
    repo.package_manifests.append(manifest)
    if style == "ts":
        (manifest.parent / "tsconfig.json").write_text(_TSCONFIG)
    if kind == "serverless":
        config = root / "serverless.yml"
        config.write_text(_node_serverless_yaml(rng, service, style, runtime))
        repo.serverless_configs.append(config)
    else:
        config = root / "template.yaml"
        config.write_text(_node_sam_yaml(rng, service, style, runtime))
        repo.sam_templates.append(config)


# ---------------------------------------------------------------------------
# Matched pairs: a Python handler module and its JavaScript or TypeScript twin, made of
# the same kinds of helpers and the same handler, padded to the same number of lines.
# What `benchmarks.run` times the JavaScript front end against libcst on.


@dataclass(frozen=True)
class ModulePair:
    stem: str
    style: str  # "esm", "cjs" or "ts" (the twin's)
    python: str
    javascript: str

    @property
    def suffix(self) -> str:
        return NODE_SUFFIXES[self.style]


@dataclass
class _Twins:
    """A pair being written: both modules, the random streams of their blocks, and the
    names used in both."""

    rng: random.Random
    python_rng: random.Random
    javascript_rng: random.Random
    python: _ModuleText
    javascript: _JsModuleText
    noun: str
    used: set[str] = field(default_factory=set)

    def add_kind(
        self, python_side: bool, javascript_side: bool
    ) -> tuple[str | None, JsCallable | None]:
        """A helper of the next kind on either side or both; the callables added."""
        make = _next_kind(self.rng, self.used)
        if make is None:
            return None, None
        js_make, prefix = _JS_TWINS[make]
        noun = self.noun
        python_callable: str | None = None
        javascript_callable: JsCallable | None = None
        if python_side:
            name = noun if make in _CLASS_BLOCKS else f"{_PREFIXES[make]}_{noun}"
            block = make(self.python_rng, noun, _unique_name(name, self.used, "_"))
            self.python.add(block)
            python_callable = block.callable_name
        if javascript_side:
            name = noun if make in _CLASS_BLOCKS else prefix + _pascal(noun)
            js_block = js_make(
                self.javascript_rng,
                noun,
                _unique_name(name, self.used, ""),
                self.javascript.flavour,
            )
            self.javascript.add(js_block)
            javascript_callable = js_block.callable
        return python_callable, javascript_callable


def _pad_pair(twins: _Twins) -> None:
    """Bring both modules to the same number of lines: helpers on the shorter side while
    the gap is wide (at most four), then lookup tables."""
    python, javascript, rng, noun = twins.python, twins.javascript, twins.rng, twins.noun
    for _ in range(4):
        gap = javascript.line_count - python.line_count
        if abs(gap) <= 12:
            break
        twins.add_kind(gap > 0, gap < 0)
    # Lines a table of n entries adds: n + 4 in Python (two blank lines, the braces),
    # n + 3 in JavaScript (one blank line).
    overhead = {True: 4, False: 3}
    tables = 0
    while python.line_count != javascript.line_count:
        tables += 1
        pad_python = python.line_count < javascript.line_count
        missing = abs(python.line_count - javascript.line_count) - overhead[pad_python]
        if missing < 1:  # too few lines for a table: grow the longer one first
            pad_python = not pad_python
            missing = 8
        entries = min(missing, len(_LABEL_WORDS))
        if pad_python:
            python.add(_labels(rng, noun, f"{noun}_pad{tables}", entries))
        else:
            javascript.add(_js_labels(rng, noun, f"{noun}Pad{tables}", entries))


def _twin(rng: random.Random, style: str) -> ModulePair:
    event = rng.choices(list(EVENT_WEIGHTS), weights=list(EVENT_WEIGHTS.values()))[0]
    noun = rng.choice(ENTITIES)
    verb = rng.choice(VERBS[event])
    stem = f"{verb}_{noun}"
    flavour = _Flavour(style)
    python = _ModuleText(f"{verb.title()} {noun}s: the Lambda entry point.")
    python.needs.add("logging")
    python.extra_imports += [
        "from shared import dynamo_repo",
        "from shared.events_bus import publish_envelope",
        "from .common import prepare_record",
    ]
    javascript = _JsModuleText(
        f"{verb.title()} {noun}s: the Lambda entry point.",
        flavour,
        flavour.specifier("./lib/logger"),
    )
    javascript.needs.add("logger")
    javascript.relative_imports += [
        (flavour.specifier("./lib/db"), "db"),
        (flavour.specifier("./lib/events"), "{ prepareRecord, publishEnvelope }"),
    ]
    twins = _Twins(
        rng, random.Random(rng.random()), random.Random(rng.random()), python, javascript, noun
    )
    # The same helpers on both sides, up to a size for the longer side (JavaScript:
    # closing braces, one argument a line); the handler comes on top.
    target = rng.randint(MIN_LINES, MAX_LINES - 2 * _MAX_BLOCK_LINES)
    python_helpers: list[str] = []
    javascript_helpers: list[JsCallable] = []
    while javascript.line_count < target or not python_helpers:
        python_callable, javascript_callable = twins.add_kind(True, True)
        if python_callable is not None and javascript_callable is not None:
            python_helpers.append(python_callable)
            javascript_helpers.append(javascript_callable)
    spec = FunctionSpec(_camel(stem), stem, "handler", event, noun, verb)
    python.add(
        _HANDLERS[event](
            _HandlerContext(
                twins.python_rng,
                spec,
                python_helpers,
                ["dynamo_repo.store_item", "publish_envelope"],
                ["prepare_record"],
                [],
                set(),
            )
        )
    )
    lib_calls = [
        JsCallable("db.storeItem", True),
        JsCallable("publishEnvelope", True),
        JsCallable("prepareRecord", True),
    ]
    javascript.add(
        _JS_HANDLERS[event](
            _JsHandlerContext(
                twins.javascript_rng,
                FunctionSpec(_camel(stem), _camel(stem), "handler", event, noun, verb),
                flavour,
                javascript_helpers,
                lib_calls,
                [],
                set(),
            )
        )
    )
    _pad_pair(twins)
    return ModulePair(stem, style, python.render(), javascript.render())


def matched_pairs(count: int, seed: int = 0) -> list[ModulePair]:
    """`count` Python handler modules and their twins, the styles in turn (ES module,
    CommonJS, TypeScript); the same for the same seed."""
    rng = random.Random(f"pairs:{seed}")
    return [_twin(rng, NODE_STYLES[index % len(NODE_STYLES)]) for index in range(count)]


def write_pairs(out: Path, count: int, seed: int = 0) -> list[tuple[Path, Path]]:
    """Write `matched_pairs` under `out/python/` and `out/javascript/` (emptied first);
    the (Python, JavaScript) paths."""
    if out.exists():
        shutil.rmtree(out)
    written: list[tuple[Path, Path]] = []
    for index, pair in enumerate(matched_pairs(count, seed)):
        python = out / "python" / f"{pair.stem}_{index:04d}.py"
        javascript = out / "javascript" / f"{_camel(pair.stem)}{index:04d}{pair.suffix}"
        _write_module(python, pair.python)
        _write_module(javascript, pair.javascript)
        written.append((python, javascript))
    return written


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
    # Node.js services (`--node-modules`): handlers, `lib/` modules, package.json files.
    node_handler_modules: list[Path] = field(default_factory=list)
    node_helper_modules: list[Path] = field(default_factory=list)
    package_manifests: list[Path] = field(default_factory=list)

    @property
    def python_files(self) -> list[Path]:
        return sorted([*self.handler_modules, *self.helper_modules, *self.package_inits])

    @property
    def javascript_files(self) -> list[Path]:
        """JavaScript and TypeScript modules."""
        return sorted([*self.node_handler_modules, *self.node_helper_modules])

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
    node_modules: int = 0,
) -> Monorepo:
    """Write the monorepo into `out` (emptied first); what was written.

    `templates` serverless.yml services and `sam` SAM services share the `modules`
    Python handler modules; by default there is one service per 10 modules, half of
    each kind. `node_modules` Node.js handler modules come on top, in services of their
    own (one per 10, half serverless.yml, half SAM), drawn from a random stream of
    their own: the Python part is the same with or without them.
    """
    if node_modules < 0:
        raise ValueError("node_modules must not be negative")
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
    node_services = 0
    if node_modules:
        node_rng = random.Random(f"node:{seed}")
        node_services = max(1, round(node_modules / MODULES_PER_SERVICE))
        node_serverless = (node_services + 1) // 2
        node_sizes = _service_sizes(node_rng, node_modules, node_services)
        # Each style once first (a small monorepo has all three), then by their weights.
        styles = node_rng.sample(NODE_STYLES, len(NODE_STYLES))
        for offset, size in enumerate(node_sizes):
            kind = "serverless" if offset < node_serverless else "sam"
            index = templates + sam + offset
            name = f"{node_rng.choice(ENTITIES)}-{node_rng.choice(AREAS)}-{index:04d}"
            style = (
                styles[offset]
                if offset < len(styles)
                else node_rng.choices(NODE_STYLES, weights=_NODE_STYLE_WEIGHTS)[0]
            )
            _write_node_service(node_rng, out, repo, name, kind, size, style)
    summary = (
        f"Generated by `python -m benchmarks.generate` (seed {seed}): {modules} handler "
        f"modules, {templates} serverless.yml and {sam} SAM services."
    )
    if node_modules:
        summary += (
            f" Node.js: {node_modules} handler modules in {node_services} services "
            "(ES modules, CommonJS and TypeScript)."
        )
    (out / "README.md").write_text(summary + "\n")
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
    parser.add_argument(
        "--node-modules",
        type=int,
        default=0,
        help="Node.js handler modules, in services of their own, on top of --modules (0)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=0,
        help="write this many Python/JavaScript module pairs of equal length instead",
    )
    args = parser.parse_args(argv)
    if args.pairs:
        pairs = write_pairs(args.out, args.pairs, args.seed)
        lines = sum(python.read_text().count("\n") for python, _ in pairs)
        average = lines // max(1, len(pairs))
        print(f"wrote {len(pairs)} module pairs of {average} lines on average to {args.out}")
        return 0
    repo = generate(
        args.out, args.modules, args.templates, args.sam, args.seed, node_modules=args.node_modules
    )
    lines = sum(path.read_text().count("\n") for path in repo.python_files)
    print(
        f"wrote {len(repo.handler_modules)} handler modules, {len(repo.helper_modules)} helper "
        f"modules ({lines:,} lines of Python), {len(repo.serverless_configs)} serverless.yml "
        f"and {len(repo.sam_templates)} SAM templates to {repo.root}"
    )
    if repo.javascript_files:
        node_lines = sum(path.read_text().count("\n") for path in repo.javascript_files)
        print(
            f"  of which Node.js: {len(repo.node_handler_modules)} handler modules, "
            f"{len(repo.node_helper_modules)} lib modules ({node_lines:,} lines), "
            f"{len(repo.package_manifests)} package.json"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
