from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from textwrap import dedent

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.common import logical_id
from slint.app.model import Event, Function, Setting
from slint.app.project import LinkedHandler, ReachedFunction
from slint.app.yamlpos import YMap
from slint.diagnostics import Applicability, Diagnostic, Fix, Location
from slint.facts import Behaviour, Call, Value
from slint.settings import Settings

from .._support.batch import in_javascript, is_javascript
from .._support.config import is_disabled, number, resources_of_type, show
from .._support.dynamodb import update_actions

# -- triggers -------------------------------------------------------------------------------

# Sources that deliver an event at least once: queues and streams hand a batch back after
# a failure or a timeout (and SQS may deliver a message twice anyway); asynchronous
# invocations are retried twice by Lambda and may be delivered twice by the service.
_POLLED = frozenset({"sqs", "stream", "kafka", "mq"})
_ASYNC = frozenset({"s3", "sns", "eventbridge", "schedule", "cloudwatch_logs", "iot", "ses"})
_AT_LEAST_ONCE = _POLLED | _ASYNC
# Synchronous callers: a function invoked by them is not "configured for asynchronous
# invocation" just because a `Globals` DLQ or retry setting reaches it too.
_SYNCHRONOUS = frozenset(
    {"api", "http_api", "websocket", "alb", "cognito", "alexa", "function_url"}
)
_KIND_LABELS = {
    "sqs": "SQS",
    "sns": "SNS",
    "s3": "S3",
    "eventbridge": "EventBridge",
    "schedule": "schedule",
    "cloudwatch_logs": "CloudWatch Logs",
    "iot": "IoT",
    "ses": "SES",
    "kafka": "Kafka",
    "mq": "Amazon MQ",
}
# Function settings that only asynchronous invocation reads.
_SERVERLESS_ASYNC_KEYS = ("destinations", "maximumEventAge", "maximumRetryAttempts", "onError")
_TEMPLATE_ASYNC_KEYS = ("EventInvokeConfig", "DeadLetterQueue", "DeadLetterConfig")
# Powertools batch utilities: a handler that hands its event to them processes a batch
# of queue or stream records.
_BATCH_UTILITIES = frozenset(
    {
        "process_partial_response",
        "async_process_partial_response",
        "batch_processor",
        "processPartialResponse",
        "processPartialResponseSync",
    }
)
_BATCH_PACKAGE = ("aws_lambda_powertools.utilities.batch.", "@aws-lambda-powertools/batch.")


@dataclass(frozen=True)
class _Trigger:
    """What delivers the handler's input at least once, as a finding names it."""

    source: str  # "serverless.yml:28: sqs event, batchSize 10"
    again: str  # "SQS redelivers the message"


def _event_trigger(function: Function, event: Event) -> _Trigger:
    app = function.app
    if app.format == "serverless":
        label = f"{event.type_name} event"
    elif app.format == "sam":
        label = f"{event.type_name} event `{event.name}`"
    else:
        label = f"{_kind_label(event)} source `{event.name}`"
    size = event.batch_size
    if size is not None and size.present and (count := number(size.value)) is not None:
        key = size.key or ("batchSize" if app.format == "serverless" else "BatchSize")
        label += f", {key} {show(count)}"
    if event.kind == "sqs":
        again = "SQS redelivers the message"
    elif event.kind == "mq":
        again = "Amazon MQ redelivers the message"
    elif event.kind == "stream":
        again = f"the {_kind_label(event)} retries the batch"
    elif event.kind == "kafka":
        again = "Lambda retries the Kafka batch"
    else:
        again = f"the {_kind_label(event)} event is retried or delivered twice"
    return _Trigger(f"{event.file}:{event.at.row}: {label}", again)


def _kind_label(event: Event) -> str:
    if event.kind == "stream":
        return "Kinesis stream" if event.stream_type == "kinesis" else "DynamoDB stream"
    return _KIND_LABELS.get(event.kind, event.kind)


def _trigger(function: Function) -> _Trigger | None:
    """The first at-least-once source of a function, or its asynchronous invocation
    settings; None when nothing delivers its input more than once."""
    events = [event for event in function.events if not is_disabled(event)]
    for event in events:
        # IoT fleet provisioning hooks are called synchronously.
        if event.kind in _AT_LEAST_ONCE and event.type_name != "iotFleetProvisioning":
            return _event_trigger(function, event)
    if any(event.kind in _SYNCHRONOUS for event in events):
        return None
    found = _async_setting(function)
    if found is None:
        return None
    file, at, key = found
    return _Trigger(
        f"{file}:{at.row}: `{key}`, asynchronous invocation",
        "Lambda retries the asynchronous invocation",
    )


def _async_setting(function: Function) -> tuple[str, Location, str] | None:
    """Where the config says the function is invoked asynchronously: a destination,
    a retry bound, a dead-letter queue, an `EventInvokeConfig`. Only its own settings
    count: a DLQ that SAM `Globals` give every function says nothing about this one."""
    node = function.node
    for setting in (function.on_failure, function.async_retry_attempts, function.dead_letter):
        if isinstance(setting, Setting) and setting.present and _inside(setting, node):
            return setting.file, setting.at, setting.key or "EventInvokeConfig"
    keys = _SERVERLESS_ASYNC_KEYS if function.app.format == "serverless" else _TEMPLATE_ASYNC_KEYS
    for key in keys:
        if key in node:
            return node.file, node.key_loc[key], key
    resources = function.app.resources
    for logical, _, props in resources_of_type(function.app, "AWS::Lambda::EventInvokeConfig"):
        target = props.get("FunctionName") if props is not None else None
        if function.name in (logical_id(target), target):
            return resources.file, resources.at(logical), str(logical)
    return None


def _inside(setting: Setting[object], node: YMap) -> bool:
    return setting.file == node.file and node.loc <= setting.at <= node.end


def _records_trigger(handler: LinkedHandler) -> _Trigger | None:
    """Without a config: a handler that works through the event's records (a loop over
    `event["Records"]`, a Powertools batch utility) gets them from a queue, a stream or
    an asynchronous source, all of which deliver at least once."""
    for reached in handler.reached:
        if reached.depth > 1:
            break
        behaviour = reached.behaviour
        for loop in behaviour.loops:
            if loop.records:
                return _Trigger(
                    f"{reached.where(loop.span.line)}: a loop over the event's records",
                    "a record is redelivered",
                )
        if reached.depth == 0:
            for call in behaviour.calls:
                if call.method in _BATCH_UTILITIES or call.name.startswith(_BATCH_PACKAGE):
                    return _Trigger(
                        f"{reached.where(call.span.line)}: a Powertools batch of records",
                        "a record is redelivered",
                    )
            for decorator in reached.facts.decorators:
                if _last_name(decorator) in _BATCH_UTILITIES or decorator.startswith(
                    _BATCH_PACKAGE
                ):
                    return _Trigger(
                        f"{handler.location}: a Powertools batch of records",
                        "a record is redelivered",
                    )
    return None


# -- side effects ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Effect:
    what: str  # "`table.put_item` without a `ConditionExpression`"
    result: str  # what happens when it runs twice
    remedy: str  # the fix that belongs to this effect


@dataclass(frozen=True)
class _Syntax:
    """How a remedy is written in the language of the code that makes the call."""

    guard: str  # the Powertools idempotency utility
    condition: str  # a conditional create
    event_invocation: str  # an asynchronous `invoke`
    name: str  # the execution name argument


_PYTHON = _Syntax(
    guard="Powertools `@idempotent`",
    condition='`ConditionExpression="attribute_not_exists(<key>)"`',
    event_invocation='`InvocationType="Event"`',
    name="`name=`",
)
_JAVASCRIPT = _Syntax(
    guard="Powertools `makeIdempotent`",
    condition='`ConditionExpression: "attribute_not_exists(<key>)"`',
    event_invocation='`InvocationType: "Event"`',
    name="a `name`",
)


_DYNAMODB = frozenset({"dynamodb", "dynamodb.Table"})
_SQS = frozenset({"sqs", "sqs.Queue"})
_SNS = frozenset({"sns", "sns.Topic"})
_SES = {
    "send_email": frozenset({"ses", "sesv2"}),
    "send_raw_email": frozenset({"ses"}),
    "send_templated_email": frozenset({"ses"}),
    "send_bulk_templated_email": frozenset({"ses"}),
    "send_bulk_email": frozenset({"sesv2"}),
}
# The keyword arguments that only the SES operations take (boto3 methods take keywords
# only), for a client whose service slint cannot see.
_SES_KEYWORDS = {
    "send_email": (("Source", "Destination", "Message"), ("Content", "Destination")),
    "send_raw_email": (("RawMessage",),),
    "send_templated_email": (("Source", "Template", "Destination"),),
    "send_bulk_templated_email": (("Source", "Template", "Destinations"),),
    "send_bulk_email": (("BulkEmailEntries",),),
}
_HTTP_METHODS = frozenset({"post", "patch"})
_HTTP_CLIENT = re.compile(
    r"^(?:requests(?:\.api)?|httpx"
    r"|requests(?:\.sessions)?\.(?:Session|session)\(\)"
    r"|httpx\.(?:Client|AsyncClient)\(\)"
    r"|aiohttp(?:\.client)?\.ClientSession\(\)"
    # JavaScript, as the front end names a request by its verb: `fetch(url, {method:
    # "POST"})` -> "fetch.post", an axios instance's `api.post` -> "axios.create().post".
    r"|fetch|node-fetch|cross-fetch|isomorphic-fetch|undici(?:\.fetch)?"
    r"|axios(?:\.create\(\))?|got(?:\.extend\(\))?|ky(?:\.(?:create|extend)\(\))?"
    r")\.(?:post|patch|request)$"
)
# Arguments that make a repeated request a no-op on the receiving side.
_TOKEN_KEYWORDS = frozenset(
    {
        "ClientToken",
        "IdempotencyToken",
        "ClientRequestToken",
        "MessageDeduplicationId",
        "idempotency_key",
    }
)
# What changes on every attempt, so a "deduplication" value built from it deduplicates
# nothing: a fresh UUID, the invocation's request id, the clock, a random value.
_PER_ATTEMPT = re.compile(
    r"\buuid\.|\buuid[1-7]\b|aws_request_id|awsRequestId|\btime\.time|time_ns|\bnow\(|\.now\b"
    r"|utcnow|\brandom\.|randint|token_hex|token_urlsafe|\bulid\.|\bULID\(|ksuid|nanoid"
    # JavaScript: `crypto.randomUUID()`, uuid's `v4()` (imported as `uuid.v4`, also
    # renamed `uuidv4`), `new Date()`, `Math.random()`, `crypto.randomBytes()`.
    r"|randomUUID|\buuidv[1-7]\b|\bnew Date\(\)|\bDate\(\)|Math\.random|randomBytes|\bcuid"
)
_CONTEXT_NAMES = frozenset({"context", "ctx", "lambda_context", "_context", "_ctx", "c"})


def _callee(call: Call) -> str:
    if call.display is not None:
        # As the JavaScript is written: `client.send(new PutItemCommand(...))`.
        return call.display
    receiver = call.receiver
    if receiver is None:
        return call.name
    text = receiver.text if len(receiver.text) <= 60 else receiver.text[:57] + "..."
    return f"{text}.{call.method}"


def _keywords_only(call: Call) -> bool:
    """boto3 operations take keyword arguments only."""
    return all(argument.keyword is not None for argument in call.arguments)


def _service_call(call: Call, services: frozenset[str], *required: tuple[str, ...]) -> bool:
    """A call of an SDK operation on a client or resource of one of `services`; where the
    receiver's service is unknown, one of the `required` keyword sets must be there, so
    that `mqtt.publish(topic, payload)` or `redis.publish(...)` never counts."""
    receiver = call.receiver
    if receiver is None or not _keywords_only(call):
        return False
    if receiver.service is not None:
        return receiver.service in services
    if "batch_writer()" in (receiver.origin or ""):
        return False
    return any(all(call.has_keyword(keyword) for keyword in keys) for keys in required)


def _literal_text(value: Value | None) -> str | None:
    if value is None:
        return None
    if isinstance(value.literal, str):
        return value.literal
    return None


class _Effects:
    """Classifies the calls of the code one function reaches."""

    def __init__(self, function: Function | None) -> None:
        self.function = function
        self.syntax = _PYTHON

    def of(self, call: Call, reached: ReachedFunction) -> _Effect | None:
        behaviour = reached.behaviour
        self.syntax = _JAVASCRIPT if in_javascript(reached) else _PYTHON
        if call.has_unpacked_keywords:
            return None  # any argument may be in there, a condition or a token too
        if _has_token(call, behaviour):
            return None
        method = call.method
        if method == "put_item":
            return self._put_item(call)
        if method == "update_item":
            return self._update_item(call)
        if method in ("send_message", "send_message_batch"):
            return self._send_message(call, behaviour)
        if method in ("publish", "publish_batch"):
            return self._publish(call)
        if method in _SES:
            if _service_call(call, _SES[method], *_SES_KEYWORDS[method]):
                return _Effect(
                    f"`{_callee(call)}`",
                    "the email goes out once per delivery",
                    f"make the handler idempotent with {self.syntax.guard}",
                )
            return None
        if method == "start_execution":
            return self._start_execution(call, reached)
        if method in ("invoke", "invoke_async"):
            return self._invoke(call)
        if method in _HTTP_METHODS or method == "request":
            return self._http(call, behaviour)
        return None

    # DynamoDB --------------------------------------------------------------------------
    def _put_item(self, call: Call) -> _Effect | None:
        if not _service_call(call, _DYNAMODB, ("Item",)) or not call.has_keyword("Item"):
            return None
        if _conditional(call):
            return None
        return _Effect(
            f"`{_callee(call)}` without a `ConditionExpression`",
            "the item is written once per delivery (a generated key stores a duplicate, a "
            "fixed key overwrites what changed since the first delivery)",
            f"add {self.syntax.condition} or make the handler idempotent with {self.syntax.guard}",
        )

    def _update_item(self, call: Call) -> _Effect | None:
        if not _service_call(call, _DYNAMODB, ("Key",)) or not call.has_keyword("Key"):
            return None
        if _conditional(call):
            return None
        action = _accumulating_action(call)
        if action is None:
            return None
        return _Effect(
            f"`{_callee(call)}` with `{action}` and no `ConditionExpression`",
            "the update is applied once per delivery (a counter counts twice, a list grows twice)",
            "record the message id in a `ConditionExpression` or make the handler "
            f"idempotent with {self.syntax.guard}",
        )

    # SQS, SNS ---------------------------------------------------------------------------
    def _send_message(self, call: Call, behaviour: Behaviour) -> _Effect | None:
        batch = call.method == "send_message_batch"
        content = ("QueueUrl", "Entries") if batch else ("QueueUrl", "MessageBody")
        if not _service_call(call, _SQS, content):
            return None
        if batch and _mentions_dedup_id(call.argument("Entries"), behaviour):
            return None
        queue = self._queue(call.argument("QueueUrl"))
        if queue == "fifo" and not call.has_keyword("MessageDeduplicationId"):
            # A FIFO queue takes a message only with a deduplication id or with
            # content-based deduplication turned on: either way it drops the repeat.
            return None
        if call.has_keyword("MessageDeduplicationId"):
            where = "with a `MessageDeduplicationId` that changes on every attempt"
        elif queue == "standard":
            where = "to a standard queue"
        else:
            where = "without a deduplication id"
        return _Effect(
            f"`{_callee(call)}` {where}",
            "the message is sent once per delivery and its consumer runs twice",
            "send to a FIFO queue with a `MessageDeduplicationId` taken from the incoming "
            f"message, or make the handler idempotent with {self.syntax.guard}",
        )

    def _queue(self, url: Value | None) -> str | None:
        """The kind of queue a `QueueUrl` names: fifo, standard, or None (unknown)."""
        if url is None:
            return None
        text = _literal_text(url) or url.suffix
        if text:
            # A URL ends with the queue's name: a known ending tells the kind of queue.
            return "fifo" if text.endswith(".fifo") else "standard"
        if url.env is None or self.function is None:
            return None
        setting = self.function.environment.get(url.env)
        value = setting.value if setting is not None else None
        if isinstance(value, str):
            return "fifo" if value.endswith(".fifo") else "standard"
        target = logical_id(value)
        queue = self.function.app.queues.get(target) if target is not None else None
        if queue is None:
            return None
        name = queue.node.get("QueueName") if isinstance(queue.node, YMap) else None
        if queue.fifo or (isinstance(name, str) and name.endswith(".fifo")):
            return "fifo"
        return "standard"

    def _publish(self, call: Call) -> _Effect | None:
        batch = call.method == "publish_batch"
        if batch:
            required: tuple[tuple[str, ...], ...] = (("TopicArn", "PublishBatchRequestEntries"),)
        else:
            required = (("TopicArn", "Message"), ("TargetArn", "Message"), ("PhoneNumber",))
        if not _service_call(call, _SNS, *required):
            return None
        changing = call.has_keyword("MessageDeduplicationId")
        if not changing and self._fifo_topic(call.argument("TopicArn")):
            return None
        return _Effect(
            f"`{_callee(call)}`"
            + (
                " with a `MessageDeduplicationId` that changes on every attempt" if changing else ""
            ),
            "every subscriber receives the notification once per delivery",
            "publish to a FIFO topic with a `MessageDeduplicationId` taken from the incoming "
            f"message, or make the handler idempotent with {self.syntax.guard}",
        )

    def _fifo_topic(self, arn: Value | None) -> bool:
        if arn is None:
            return False
        text = _literal_text(arn) or arn.suffix
        if text:
            return text.endswith(".fifo")
        if arn.env is None or self.function is None:
            return False
        setting = self.function.environment.get(arn.env)
        value = setting.value if setting is not None else None
        if isinstance(value, str):
            return value.endswith(".fifo")
        target = logical_id(value)
        app = self.function.app
        for logical, _, props in resources_of_type(app, "AWS::SNS::Topic"):
            if logical == target and props is not None:
                name = props.get("TopicName")
                return props.get("FifoTopic") is True or (
                    isinstance(name, str) and name.endswith(".fifo")
                )
        return False

    # Step Functions, Lambda ----------------------------------------------------------
    def _start_execution(self, call: Call, reached: ReachedFunction) -> _Effect | None:
        behaviour = reached.behaviour
        if not _service_call(call, frozenset({"stepfunctions"}), ("stateMachineArn",)):
            return None
        name = call.argument("name")
        if name is None:
            what = f"`{_callee(call)}` without a `name`"
        elif _per_attempt(name, behaviour):
            what = f"`{_callee(call)}` with a `name` that changes on every attempt"
        elif _from_input(name, behaviour, _context_names(reached)) or _computed(name, behaviour):
            # Taken from the message, or computed by a call whose inputs the facts do
            # not show (`body.get("id")`): no evidence that it differs between attempts.
            return None
        else:
            what = f"`{_callee(call)}` with a `name` not taken from the event"
        return _Effect(
            what,
            "a second execution starts (a name taken from the message, such as its id or "
            "the object's key and version, would make Step Functions refuse the repeat)",
            f"pass {self.syntax.name} built from the message id, or make the handler "
            f"idempotent with {self.syntax.guard}",
        )

    def _invoke(self, call: Call) -> _Effect | None:
        if call.method == "invoke_async":
            if not _service_call(call, frozenset({"lambda"}), ("FunctionName", "InvokeArgs")):
                return None
        else:
            if not _service_call(call, frozenset({"lambda"}), ("FunctionName",)):
                return None
            if _literal_text(call.argument("InvocationType")) != "Event":
                return None
        return _Effect(
            f"`{_callee(call)}` with {self.syntax.event_invocation}",
            "the invoked function runs once per delivery",
            f"make this handler (or the invoked one) idempotent with {self.syntax.guard}",
        )

    # HTTP ------------------------------------------------------------------------------
    def _http(self, call: Call, behaviour: Behaviour) -> _Effect | None:
        if not _HTTP_CLIENT.match(call.name):
            return None
        method = call.method
        if method == "request":
            verb = _literal_text(call.argument("method", 0))
            if verb is None or verb.lower() not in _HTTP_METHODS:
                return None
            method = verb.lower()
        if _idempotency_header(call.argument("headers"), behaviour):
            return None
        # The verb, where the call as written does not show it (`fetch(url, {method:
        # "POST"})`, `axios({method: "post"})`, `requests.request("POST", url)`).
        callee = _callee(call)
        shown = call.method == "request" or (
            call.display is not None and f".{method}(" not in call.display
        )
        return _Effect(
            f"`{callee}`" + (f" ({method.upper()})" if shown else ""),
            f"the {method.upper()} request is sent once per delivery"
            + (" and creates a second resource" if method == "post" else ""),
            "send an `Idempotency-Key` header the API honours, or make the handler idempotent "
            f"with {self.syntax.guard}",
        )


def _has_token(call: Call, behaviour: Behaviour) -> bool:
    """An idempotency token or deduplication id that does not change between attempts."""
    for argument in call.arguments:
        if argument.keyword in _TOKEN_KEYWORDS and not _per_attempt(argument.value, behaviour):
            return True
    return False


def _conditional(call: Call) -> bool:
    for keyword in ("ConditionExpression", "Expected"):
        value = call.argument(keyword)
        if value is not None and not (value.is_literal and value.literal is None):
            return True
    return False


def _mentions_dedup_id(entries: Value | None, behaviour: Behaviour) -> bool:
    """The entries of a batch carry deduplication ids: written in the call, or in a
    dictionary the function builds (`entries.append({..., "MessageDeduplicationId": ...})`)."""
    if entries is not None and "MessageDeduplicationId" in entries.text:
        return True
    for call in behaviour.calls:
        for argument in call.arguments:
            if "MessageDeduplicationId" in argument.value.keys:
                return True
    return any("MessageDeduplicationId" in value.keys for _, value in behaviour.locals)


def _idempotency_header(headers: Value | None, behaviour: Behaviour) -> bool:
    if headers is None:
        return False
    return any(
        "idempotency" in key.lower() and not _per_attempt(value, behaviour)
        for key, value in headers.items
    )


# -- values ---------------------------------------------------------------------------------


def _bound(name: str, behaviour: Behaviour | None) -> Value | None:
    if behaviour is None:
        return None
    return behaviour.local(name.split(".")[0])


def _per_attempt(value: Value, behaviour: Behaviour | None, depth: int = 0) -> bool:
    """Built from something that changes on every attempt (a UUID, the request id, the
    clock), so it cannot recognise a repeat."""
    for text in (value.text, value.origin or "", *value.names):
        if _PER_ATTEMPT.search(text):
            return True
    if depth < 3:
        for name in value.names:
            bound = _bound(name, behaviour)
            if (
                bound is not None
                and bound is not value
                and _per_attempt(bound, behaviour, depth + 1)
            ):
                return True
    return False


def _context_names(reached: ReachedFunction) -> frozenset[str]:
    """The names of the Lambda context in a function: the handler's second parameter,
    and the usual names elsewhere."""
    parameters = reached.behaviour.parameters
    if reached.depth == 0 and len(parameters) == 2:
        return _CONTEXT_NAMES | {parameters[1]}
    return _CONTEXT_NAMES


def _from_input(
    value: Value, behaviour: Behaviour, context: frozenset[str], depth: int = 0
) -> bool:
    """Taken from the function's input (the event, a record, a parameter holding part
    of it) or a fixed literal: the same on every delivery of the same message."""
    if value.is_literal:
        return True
    if value.event_path is not None:
        return value.event_path.split(".")[0] not in context
    for name in value.names:
        root = name.split(".")[0]
        if root in context:
            continue
        if root in behaviour.parameters:
            return True
        bound = behaviour.local(root)
        if (
            depth < 3
            and bound is not None
            and bound is not value
            and _from_input(bound, behaviour, context, depth + 1)
        ):
            return True
    return False


def _computed(value: Value, behaviour: Behaviour, depth: int = 0) -> bool:
    """Built by a call (directly or through the locals it reads)."""
    if value.origin is not None or "(" in value.text:
        return True
    if depth < 3:
        for name in value.names:
            bound = behaviour.local(name.split(".")[0])
            if bound is not None and bound is not value and _computed(bound, behaviour, depth + 1):
                return True
    return False


# DynamoDB update expressions: clause keywords are reserved words (an attribute of that
# name is written `#set`), so a keyword never follows `#`, `:`, `.` or a word character.
_CLAUSE = re.compile(r"(?<![\w#:.])(SET|REMOVE|ADD|DELETE)\b", re.IGNORECASE)
# A document path in an expression (`n`, `#n`, `a.b[0]`), not a value placeholder (`:n`).
_PATH = re.compile(r"(?<![\w:#])[#A-Za-z_][\w#.\[\]]*")


def _accumulating_action(call: Call) -> str | None:
    """The first action of an update that adds to what is stored (`ADD n :d`,
    `SET n = n + :d`, `SET l = list_append(l, :v)`), as written; None when every action
    sets, removes or deletes a value (running it twice changes nothing more) or when the
    update cannot be read."""
    legacy = call.argument("AttributeUpdates")
    if legacy is not None:
        for attribute, update in legacy.items:
            if _literal_text(update.item("Action")) == "ADD":
                return f"AttributeUpdates {attribute}: ADD"
    expression = _literal_text(call.argument("UpdateExpression"))
    if expression is None:
        return None
    values = call.argument("ExpressionAttributeValues")
    pieces = _CLAUSE.split(expression)
    for keyword, body in zip(pieces[1::2], pieces[2::2], strict=False):
        clause = keyword.upper()
        for action in update_actions(body):
            text = " ".join(action.split())
            if clause == "ADD" and not _adds_to_a_set(text, values):
                return f"ADD {text}"
            if clause == "SET" and _set_accumulates(text):
                return f"SET {text}"
    return None


def _set_accumulates(action: str) -> bool:
    """`n = n + :d`, `l = list_append(l, :v)`: the new value is computed from the stored
    one, so each run moves it further. `a = :v`, `a = if_not_exists(a, :v)` and
    `total = price + :tax` (another attribute) end in the same state however often
    they run."""
    target, equals, value = action.partition("=")
    target = target.strip()
    if not equals or not target:
        return False
    if "+" not in value and "-" not in value and "list_append" not in value:
        return False
    return target in _PATH.findall(value)


def _adds_to_a_set(action: str, values: Value | None) -> bool:
    """`ADD tags :t` with a set value is a union: repeating it changes nothing. A number
    (the usual case) is incremented again."""
    placeholder = action.split()[-1] if action.split() else ""
    value = values.item(placeholder) if values is not None else None
    if value is None:
        return False
    if value.keys and set(value.keys) <= {"SS", "NS", "BS"}:
        return True
    text = value.text.strip()
    return (text.startswith("{") and ":" not in text and text != "{}") or (
        value.origin in ("set()", "frozenset()")
    )


def _last_name(dotted: str) -> str:
    return dotted.removesuffix("()").rpartition(".")[2]


# -- guards ---------------------------------------------------------------------------------

# Python's decorators, and Powertools for TypeScript's: the `@idempotent()` method
# decorator, `makeIdempotent(fn, ...)` (a wrapper the front end records as the wrapped
# function's decorator where it is bound: `export const handler = makeIdempotent(...)`),
# and the middy middleware `makeHandlerIdempotent`.
_IDEMPOTENT_DECORATORS = frozenset(
    {"idempotent", "idempotent_function", "makeIdempotent", "makeHandlerIdempotent"}
)
# Wrappers that make the function passed to them idempotent where they are called
# (`processPartialResponse(event, makeIdempotent(recordHandler, {...}), processor)`).
_IDEMPOTENT_WRAPPERS = frozenset({"makeIdempotent"})
# Words of a check that skips a message already handled (`if already_processed(id): continue`,
# `if table.get_item(Key={"id": message_id}).get("Item"): continue`).
_SEEN_CHECK = re.compile(r"idempot|processed|duplicate|dedup|already|seen|^get_item$", re.I)


def _decorated_idempotent(reached: ReachedFunction) -> bool:
    return any(_last_name(d) in _IDEMPOTENT_DECORATORS for d in reached.facts.decorators)


def _wrapped_idempotent(reached: tuple[ReachedFunction, ...]) -> set[str]:
    """The names of the functions the reached code hands to `makeIdempotent`."""
    found: set[str] = set()
    for function in reached:
        for call in function.behaviour.calls:
            if _last_name(call.name) not in _IDEMPOTENT_WRAPPERS:
                continue
            wrapped = call.argument("", 0)
            if wrapped is not None and wrapped.text.isidentifier():
                found.add(wrapped.text)
    return found


def _is_claim(call: Call) -> bool:
    """A write that succeeds only the first time: a conditional create on an idempotency
    key (`ConditionExpression="attribute_not_exists(pk)"`, `Attr("pk").not_exists()`,
    also inside a transaction), or a Redis `SET ... NX`."""
    if call.method in ("put_item", "update_item", "put", "transact_write_items"):
        for keyword in ("ConditionExpression", "TransactItems"):
            value = call.argument(keyword)
            if value is not None and "not_exists" in f"{value.text} {value.origin or ''}":
                return True
        return False
    if call.method in ("setnx", "setNX"):
        return True
    if call.method == "set":
        nx = call.argument("nx")
        if nx is not None and nx.literal is True:
            return True
        # node-redis `set(key, value, { NX: true })`, ioredis `set(key, value, "EX", 60, "NX")`.
        return any(
            "NX" in argument.value.keys or argument.value.literal in ("NX", "nx")
            for argument in call.arguments
            if argument.keyword is None
        )
    return False


def _skips_seen(behaviour: Behaviour, before: Location | None) -> bool:
    for skip in behaviour.skips:
        if before is not None and skip.span.start >= before:
            continue
        words = (*skip.names, *skip.methods, *skip.strings)
        if any(_SEEN_CHECK.search(word) for word in words):
            return True
    return False


class _Guards:
    """Which reached functions run only behind an idempotency guard."""

    def __init__(self, reached: tuple[ReachedFunction, ...]) -> None:
        self.reached = reached
        self.everything = bool(reached) and _decorated_idempotent(reached[0])
        self._behind: set[int] = set()
        wrapped = _wrapped_idempotent(reached)
        decorated = {
            i
            for i, r in enumerate(reached)
            if i and (_decorated_idempotent(r) or r.facts.name in wrapped)
        }
        if decorated and not self.everything:
            self._behind = _only_through(reached, decorated)
        # Functions that claim an idempotency key: an effect elsewhere runs after the
        # claim failed or succeeded once (the order between functions is not known, so
        # a claim anywhere in the reached code counts).
        self._claims: dict[int, list[Location]] = {}
        self._seen_checks: set[int] = set()
        for index, function in enumerate(reached):
            behaviour = function.behaviour
            claims = [call.span.start for call in behaviour.calls if _is_claim(call)]
            if claims:
                self._claims[index] = claims
            if _skips_seen(behaviour, None):
                self._seen_checks.add(index)

    def guarded(self, index: int, call: Call) -> bool:
        if self.everything or index in self._behind:
            return True
        start = call.span.start
        behaviour = self.reached[index].behaviour
        for other, claims in self._claims.items():
            if other == index:
                if any(claim < start for claim in claims):
                    return True
                continue
            # A claim in another function: where this function calls it, the call must
            # come first; elsewhere (the handler calls both) the order is not known.
            name = self.reached[other].facts.name
            sites = [site.span.start for site in behaviour.calls if site.method == name]
            if not sites or any(site < start for site in sites):
                return True
        if index in self._seen_checks and _skips_seen(behaviour, start):
            return True
        depth = self.reached[index].depth
        return any(
            other != index and self.reached[other].depth < depth for other in self._seen_checks
        )


def _only_through(reached: tuple[ReachedFunction, ...], guards: set[int]) -> set[int]:
    """The reached functions that the handler reaches only through a function decorated
    with `@idempotent_function` (the decorated ones included).

    Call edges are matched by name among the reached functions (the facts record what a
    function calls and which callbacks it hands on, not which reached function that is);
    a function the name match does not connect at all counts as guarded only by its own
    decorator."""
    by_name: dict[str, list[int]] = {}
    for index, function in enumerate(reached):
        by_name.setdefault(function.facts.name, []).append(index)
    edges: list[set[int]] = []
    for index, function in enumerate(reached):
        targets: set[int] = set()
        for name in _called_names(function):
            for target in by_name.get(name, ()):
                if target != index:
                    targets.add(target)
        edges.append(targets)
    everywhere = _walk(edges, set())
    around = _walk(edges, guards)
    return {i for i in range(len(reached)) if i in guards or (i in everywhere and i not in around)}


def _walk(edges: list[set[int]], blocked: set[int]) -> set[int]:
    seen = {0}
    pending = [0]
    while pending:
        for target in edges[pending.pop()]:
            if target not in seen and target not in blocked:
                seen.add(target)
                pending.append(target)
    return seen


def _called_names(function: ReachedFunction) -> Iterator[str]:
    for target in function.facts.calls:
        kind, _, rest = target.partition(":")
        if kind == "chain":
            yield from re.split(r"[#.:]", rest)
        elif kind in ("local", "ext", "star"):
            yield rest.rpartition(".")[2]
    for call in function.behaviour.calls:
        yield call.method
        for argument in call.arguments:
            for name in argument.value.names:
                yield name.rpartition(".")[2]


# -- the rule -------------------------------------------------------------------------------

_SERVERLESS_SQS = dedent("""\
    service: orders
    provider:
      name: aws
      runtime: python3.12
    functions:
      worker:
        handler: handler.handler
        events:
          - sqs:
              arn: arn:aws:sqs:us-east-1:123456789012:orders
              batchSize: 10
    """)
_SERVERLESS_NODE_SQS = _SERVERLESS_SQS.replace("python3.12", "nodejs22.x")
# A TypeScript handler that SAM builds with esbuild (`src/app.ts` -> `app.handler`).
_SAM_NODE_SQS = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.handler
          Runtime: nodejs22.x
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: arn:aws:sqs:us-east-1:123456789012:orders
                FunctionResponseTypes:
                  - ReportBatchItemFailures
        Metadata:
          BuildMethod: esbuild
          BuildProperties:
            EntryPoints:
              - app.ts
    """)
_NEXT_QUEUE_ENV = dedent("""\
    handler: handler.handler
        environment:
          NEXT_QUEUE: !Ref Next""")
_SAM_SQS = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Handler: handler.handler
          Runtime: python3.12
          Events:
            Orders:
              Type: SQS
              Properties:
                Queue: arn:aws:sqs:us-east-1:123456789012:orders
    """)
_SAM_S3 = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Ingest:
        Type: AWS::Serverless::Function
        Properties:
          Handler: handler.handler
          Runtime: python3.12
          Events:
            Upload:
              Type: S3
              Properties:
                Bucket: !Ref Uploads
                Events: s3:ObjectCreated:*
      Uploads:
        Type: AWS::S3::Bucket
    """)
_CFN_KINESIS = dedent("""\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Counter:
        Type: AWS::Lambda::Function
        Properties:
          Handler: handler.handler
          Runtime: python3.12
          Role: arn:aws:iam::123456789012:role/counter
          Code: .
      Clicks:
        Type: AWS::Kinesis::Stream
        Properties:
          ShardCount: 1
      ClicksMapping:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          FunctionName: !Ref Counter
          EventSourceArn: !GetAtt Clicks.Arn
          StartingPosition: LATEST
    """)

_FIX = (
    "Make the handler idempotent with Powertools: `@idempotent(persistence_store="
    "DynamoDBPersistenceLayer(table_name=...))` on the handler, or "
    '`@idempotent_function(data_keyword_argument="record", ...)` on the function that '
    "handles one record"
)
_JAVASCRIPT_FIX = (
    "Make the handler idempotent with Powertools for TypeScript: `export const handler = "
    "makeIdempotent(async (event, context) => {...}, { persistenceStore: new "
    "DynamoDBPersistenceLayer({ tableName: ... }) })`, or wrap the function that handles "
    "one record in `makeIdempotent` (`@idempotent()` on a class method)"
)


class MissingIdempotency(CrossRule):
    """
    ## What it does
    Reports a side effect that is not idempotent, in code that a handler triggered by
    an at-least-once source runs, when nothing guards it against a second delivery.

    Triggers: SQS, SNS, S3, EventBridge and schedules, DynamoDB and Kinesis streams,
    Kafka/MSK, Amazon MQ, CloudWatch Logs, IoT and SES sources, and a function the
    config sets up for asynchronous invocation (`destinations`, `maximumRetryAttempts`,
    `onError`, `EventInvokeConfig`, a dead-letter queue). Where no config names the
    handler, a handler that loops over the event's records (or hands them to a
    Powertools batch utility) counts as triggered by such a source.

    Side effects (in the handler and every function it runs per invocation):

    - DynamoDB `put_item` without a `ConditionExpression` (client or `Table`);
    - DynamoDB `update_item` without a condition whose update adds to the stored
      value: `ADD` to a number, `SET n = n + :d`, `SET l = list_append(l, :v)`
      (`SET a = :v`, `if_not_exists`, `REMOVE` and `ADD` of a set are idempotent);
    - SQS `send_message` / `send_message_batch` to a standard queue or one slint
      cannot tell is FIFO, without a `MessageDeduplicationId`;
    - SNS `publish` / `publish_batch`, except to a FIFO topic;
    - SES `send_email`, `send_raw_email`, `send_templated_email` (and SES v2);
    - Step Functions `start_execution` without a `name` taken from the event (a
      name from `uuid4()` or `context.aws_request_id` changes on every attempt);
    - Lambda `invoke` with `InvocationType="Event"`;
    - `requests`, `httpx` (and `aiohttp`) `post` and `patch`, also on a session.

    Not reported, because a guard makes the repeat harmless: Powertools
    `@idempotent` on the handler; `@idempotent_function` on the function that makes
    the call or on every way the handler reaches it (the record handler of a batch
    processor); a conditional create of an idempotency key (`attribute_not_exists`,
    `Attr(...).not_exists()`, Redis `SET NX`) in the reached code before the effect; a
    check that skips a message already processed (`if already_processed(id):
    continue`); a `ClientToken`, `IdempotencyToken` or `MessageDeduplicationId`
    argument (unless it is a fresh UUID); an `Idempotency-Key` HTTP header.
    Also not reported: `Table.batch_writer()` puts (a batch write cannot carry a
    condition, and it is how keyed data is loaded, where a repeat rewrites the same
    items); work in an `except` clause (an alert or an error record belongs to each
    failed attempt); a call with `**kwargs` (a condition may be in there); an execution
    `name` computed by a call slint cannot see into (`body.get("id")`).

    Node.js handlers (JavaScript and TypeScript) are read the same way: the SDK v3
    commands (`client.send(new PutItemCommand(...))`, lib-dynamodb's `PutCommand` and
    `UpdateCommand`, `SendMessageCommand`, `PublishCommand`, `SendEmailCommand`,
    `StartExecutionCommand`, `InvokeCommand` with `InvocationType: "Event"`), SDK v2
    calls (`docClient.put(params).promise()`), and `fetch` / `node-fetch` / axios (also an
    `axios.create()` instance) / got / ky requests whose method is POST or PATCH. Their
    guards: Powertools for TypeScript's `makeIdempotent` (around the handler, or around
    the record handler handed to `processPartialResponse`), the `@idempotent()` method
    decorator, the middy middleware `makeHandlerIdempotent`, a `ConditionExpression`, a
    Redis `SET ... NX` claim; a name from `crypto.randomUUID()`, uuid's `v4()`,
    `Date.now()` or `context.awsRequestId` changes on every attempt.

    The finding is on the call, once however many handlers reach it, and names the
    trigger from the config (`serverless.yml:28: sqs event, batchSize 10`).

    ## Why is this bad?
    These sources deliver at least once. SQS delivers a message again when the
    function fails, times out or the batch partly fails, and occasionally even when it
    succeeded; a stream retries the whole batch; Lambda retries a failed asynchronous
    invocation twice, and S3, SNS and EventBridge may deliver the same event twice. A
    handler that charges, emails, enqueues or increments on each delivery does it
    twice: duplicate orders and emails, counters that drift, workflows started twice.

    ## Example
    ```python
    # orders.py, `handler: orders.handler` with an `sqs` event in serverless.yml
    import json
    import boto3

    table = boto3.resource("dynamodb").Table("orders")
    sns = boto3.client("sns")

    def handler(event, context):
        for record in event["Records"]:
            order = json.loads(record["body"])
            table.update_item(
                Key={"pk": order["customer"]},
                UpdateExpression="ADD order_count :one",
                ExpressionAttributeValues={":one": 1},
            )
            sns.publish(TopicArn=TOPIC, Message=record["body"])
    ```

    ## Use instead
    ```python
    import json
    from aws_lambda_powertools.utilities.batch import (
        BatchProcessor, EventType, process_partial_response,
    )
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer, IdempotencyConfig, idempotent_function,
    )

    processor = BatchProcessor(event_type=EventType.SQS)
    persistence = DynamoDBPersistenceLayer(table_name="idempotency")
    config = IdempotencyConfig(event_key_jmespath="messageId")

    @idempotent_function(data_keyword_argument="record", config=config,
                         persistence_store=persistence)
    def record_handler(record):
        order = json.loads(record["body"])
        table.update_item(
            Key={"pk": order["customer"]},
            UpdateExpression="ADD order_count :one",
            ExpressionAttributeValues={":one": 1},
        )
        sns.publish(TopicArn=TOPIC, Message=record["body"])

    def handler(event, context):
        config.register_lambda_context(context)
        return process_partial_response(event=event, context=context,
                                        processor=processor, record_handler=record_handler)
    ```

    Or make each effect safe to repeat: a conditional write
    (`ConditionExpression="attribute_not_exists(pk)"`), a FIFO queue or topic with a
    `MessageDeduplicationId` taken from the message, a Step Functions execution
    `name` built from the message id, an `Idempotency-Key` header.

    ## Fix
    A suggestion, never applied: it shows how to wrap the handler with Powertools
    `@idempotent` (or the per-record function with `@idempotent_function`; for a Node.js
    handler, `makeIdempotent`). It needs a persistence table and a choice of idempotency
    key, so it is left to you.

    ## References
    - https://docs.powertools.aws.dev/lambda/python/latest/utilities/idempotency/
    - https://docs.powertools.aws.dev/lambda/typescript/latest/features/idempotency/
    - https://docs.aws.amazon.com/lambda/latest/dg/invocation-retries.html
    - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues-at-least-once-delivery.html
    - https://repost.aws/knowledge-center/lambda-function-idempotent
    """

    code = "SL201"
    name = "missing-idempotency"
    severity = Severity.WARNING
    fix = FixKind.SUGGEST

    def __init__(self) -> None:
        # One instance per config: a call that several handlers reach is reported once.
        self._reported: set[tuple[str, Location]] = set()

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is None or not handler.reached:
            return
        trigger = _trigger(function)
        if trigger is None:
            return
        yield from self._check(handler, trigger, function)

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterable[Diagnostic]:
        if not handler.reached:
            return
        trigger = _records_trigger(handler)
        if trigger is None:
            return
        yield from self._check(handler, trigger, None)

    def _check(
        self, handler: LinkedHandler, trigger: _Trigger, function: Function | None
    ) -> Iterator[Diagnostic]:
        guards = _Guards(handler.reached)
        if guards.everything:
            return
        effects = _Effects(function)
        fix = _JAVASCRIPT_FIX if is_javascript(handler) else _FIX
        for index, reached in enumerate(handler.reached):
            behaviour = reached.behaviour
            for call in behaviour.calls:
                place = (reached.display, call.span.start)
                if place in self._reported:
                    continue
                if call.handler is not None:
                    # Work in an `except` clause handles a failed attempt (an alert, a
                    # record of the error): each attempt that fails should do it.
                    continue
                effect = effects.of(call, reached)
                if effect is None or guards.guarded(index, call):
                    continue
                self._reported.add(place)
                yield self.make_diagnostic(
                    reached.display,
                    call.span.start,
                    call.span.end,
                    f"{effect.what} runs again when {trigger.again} ({trigger.source}): "
                    f"{effect.result}; {effect.remedy}.",
                    fix=Fix(Applicability.DISPLAY_ONLY, fix),
                )

    valid = (
        # Powertools `@idempotent` on the handler guards everything it runs.
        Valid(
            dedent("""\
                import json
                import boto3
                from aws_lambda_powertools.utilities.idempotency import (
                    DynamoDBPersistenceLayer,
                    idempotent,
                )

                table = boto3.resource("dynamodb").Table("orders")
                persistence = DynamoDBPersistenceLayer(table_name="idempotency")


                @idempotent(persistence_store=persistence)
                def handler(event, context):
                    for record in event["Records"]:
                        table.put_item(Item=json.loads(record["body"]))
                """),
            files={"serverless.yml": _SERVERLESS_SQS},
        ),
        # `@idempotent_function` on the record handler of a batch processor (SAM SQS).
        Valid(
            dedent("""\
                import os
                import boto3
                from aws_lambda_powertools.utilities.batch import (
                    BatchProcessor,
                    EventType,
                    process_partial_response,
                )
                from aws_lambda_powertools.utilities.idempotency import (
                    DynamoDBPersistenceLayer,
                    IdempotencyConfig,
                    idempotent_function,
                )

                processor = BatchProcessor(event_type=EventType.SQS)
                persistence = DynamoDBPersistenceLayer(table_name="idempotency")
                config = IdempotencyConfig(event_key_jmespath="messageId")
                sns = boto3.client("sns")


                @idempotent_function(
                    data_keyword_argument="record", config=config, persistence_store=persistence
                )
                def record_handler(record):
                    sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])


                def handler(event, context):
                    config.register_lambda_context(context)
                    return process_partial_response(
                        event=event,
                        context=context,
                        processor=processor,
                        record_handler=record_handler,
                    )
                """),
            files={"template.yaml": _SAM_SQS},
        ),
        # A conditional create of an idempotency key first: a repeat fails there.
        Valid(
            dedent("""\
                import boto3

                processed = boto3.resource("dynamodb").Table("processed")
                ses = boto3.client("ses")


                def handler(event, context):
                    for record in event["Records"]:
                        processed.put_item(
                            Item={"id": record["messageId"]},
                            ConditionExpression="attribute_not_exists(id)",
                        )
                        ses.send_email(
                            Source="shop@example.com",
                            Destination={"ToAddresses": ["a@example.com"]},
                            Message={"Subject": {"Data": "Hi"}, "Body": {"Text": {"Data": "Hi"}}},
                        )
                """),
            files={"serverless.yml": _SERVERLESS_SQS},
        ),
        # Setting a value, a FIFO queue with a deduplication id, a PUT, an execution
        # named after the message: each one is harmless when repeated.
        Valid(
            dedent("""\
                import os
                import boto3
                import requests

                table = boto3.resource("dynamodb").Table("orders")
                sqs = boto3.client("sqs")
                sfn = boto3.client("stepfunctions")


                def handler(event, context):
                    for record in event["Records"]:
                        table.update_item(
                            Key={"id": record["messageId"]},
                            UpdateExpression="SET order_status = :s",
                            ExpressionAttributeValues={":s": "received"},
                        )
                        sqs.send_message(
                            QueueUrl=os.environ["NEXT_QUEUE"],
                            MessageBody=record["body"],
                            MessageGroupId="orders",
                            MessageDeduplicationId=record["messageId"],
                        )
                        url = f"https://api.example.com/orders/{record['messageId']}"
                        requests.put(url, data=record["body"], timeout=5)
                        sfn.start_execution(
                            stateMachineArn=os.environ["MACHINE"],
                            name=f"order-{record['messageId']}",
                            input=record["body"],
                        )
                """),
            files={"serverless.yml": _SERVERLESS_SQS},
        ),
        # A FIFO queue of the same config with content-based deduplication.
        Valid(
            dedent("""\
                import os
                import boto3

                sqs = boto3.client("sqs")


                def handler(event, context):
                    for record in event["Records"]:
                        sqs.send_message(
                            QueueUrl=os.environ["NEXT_QUEUE"],
                            MessageBody=record["body"],
                            MessageGroupId="orders",
                        )
                """),
            files={
                "serverless.yml": _SERVERLESS_SQS.replace(
                    "functions:",
                    dedent("""\
                        resources:
                          Resources:
                            Next:
                              Type: AWS::SQS::Queue
                              Properties:
                                FifoQueue: true
                                ContentBasedDeduplication: true
                        functions:"""),
                ).replace("handler: handler.handler", _NEXT_QUEUE_ENV)
            },
        ),
        # A Redis `SET NX` claim on the message id, and an `Idempotency-Key` header.
        Valid(
            dedent("""\
                import os
                import boto3
                import redis
                import requests

                cache = redis.Redis(host=os.environ["REDIS_HOST"])
                sns = boto3.client("sns")


                def handler(event, context):
                    for record in event["Records"]:
                        requests.post(
                            "https://payments.example.com/charges",
                            data=record["body"],
                            headers={"Idempotency-Key": record["messageId"]},
                            timeout=5,
                        )
                        if not cache.set(f"seen:{record['messageId']}", 1, nx=True, ex=86400):
                            continue
                        sns.publish(TopicArn=os.environ["TOPIC"], Message=record["body"])
                """),
            files={"serverless.yml": _SERVERLESS_SQS},
        ),
        # An API-triggered function is called once per request; `mqtt.publish` is no
        # SNS call.
        Valid(
            dedent("""\
                import json
                import boto3
                import paho.mqtt.publish as mqtt

                table = boto3.resource("dynamodb").Table("orders")


                def handler(event, context):
                    table.put_item(Item=json.loads(event["body"]))
                    mqtt.single("orders/new", event["body"], hostname="broker")
                    return {"statusCode": 201}
                """),
            files={
                "serverless.yml": dedent("""\
                    service: orders
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      create:
                        handler: handler.handler
                        events:
                          - httpApi: POST /orders
                    """)
            },
        ),
        # Node.js: a conditional create of an idempotency key before the email, and a
        # FIFO queue with a deduplication id from the message (JavaScript, SDK v3).
        Valid(
            dedent("""\
                import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
                import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";
                import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
                import { SQSClient, SendMessageCommand } from "@aws-sdk/client-sqs";

                const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));
                const ses = new SESClient({});
                const sqs = new SQSClient({});

                export const handler = async (event) => {
                  for (const record of event.Records) {
                    await sqs.send(
                      new SendMessageCommand({
                        QueueUrl: process.env.NEXT_QUEUE,
                        MessageBody: record.body,
                        MessageGroupId: "orders",
                        MessageDeduplicationId: record.messageId,
                      }),
                    );
                    await doc.send(
                      new PutCommand({
                        TableName: "processed",
                        Item: { id: record.messageId },
                        ConditionExpression: "attribute_not_exists(id)",
                      }),
                    );
                    await ses.send(
                      new SendEmailCommand({
                        Source: "shop@example.com",
                        Destination: { ToAddresses: ["a@example.com"] },
                        Message: { Subject: { Data: "Hi" }, Body: { Text: { Data: "Hi" } } },
                      }),
                    );
                  }
                };
                """),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE_SQS},
        ),
        # TypeScript: Powertools `makeIdempotent` around the record handler of
        # `processPartialResponse`.
        Valid(
            dedent("""\
                import {
                  BatchProcessor,
                  EventType,
                  processPartialResponse,
                } from "@aws-lambda-powertools/batch";
                import { makeIdempotent } from "@aws-lambda-powertools/idempotency";
                import {
                  DynamoDBPersistenceLayer,
                } from "@aws-lambda-powertools/idempotency/dynamodb";
                import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

                const processor = new BatchProcessor(EventType.SQS);
                const persistenceStore = new DynamoDBPersistenceLayer({ tableName: "idempotency" });

                const recordHandler = async (record: SQSRecord): Promise<void> => {
                  await fetch("https://payments.example.com/charges", {
                    method: "POST",
                    body: record.body,
                  });
                };

                export const handler = async (event: SQSEvent, context: Context) =>
                  processPartialResponse(
                    event,
                    makeIdempotent(recordHandler, { persistenceStore }),
                    processor,
                    { context },
                  );
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE_SQS},
        ),
    )
    invalid = (
        Invalid(
            dedent("""\
                import json
                import boto3

                table = boto3.resource("dynamodb").Table("orders")


                def handler(event, context):
                    for record in event["Records"]:
                        table.put_item(Item=json.loads(record["body"]))
                """),
            files={"serverless.yml": _SERVERLESS_SQS},
            line=9,
            column=9,
            message=(
                "`table.put_item` without a `ConditionExpression` runs again when SQS "
                "redelivers the message (serverless.yml:9: sqs event, batchSize 10)"
            ),
        ),
        # SAM S3 trigger; the request id changes on every retry.
        Invalid(
            dedent("""\
                import json
                import os
                import boto3

                sfn = boto3.client("stepfunctions")


                def handler(event, context):
                    sfn.start_execution(
                        stateMachineArn=os.environ["MACHINE"],
                        name=context.aws_request_id,
                        input=json.dumps(event),
                    )
                """),
            files={"template.yaml": _SAM_S3},
            line=9,
            column=5,
            message=(
                "`sfn.start_execution` with a `name` that changes on every attempt runs again "
                "when the S3 event is retried or delivered twice (template.yaml:10: S3 event "
                "`Upload`)"
            ),
        ),
        # CloudFormation Kinesis mapping; the counter is incremented once per retry.
        Invalid(
            dedent("""\
                import boto3

                table = boto3.resource("dynamodb").Table("clicks")


                def handler(event, context):
                    for record in event["Records"]:
                        table.update_item(
                            Key={"page": record["kinesis"]["partitionKey"]},
                            UpdateExpression="SET clicks = clicks + :one",
                            ExpressionAttributeValues={":one": 1},
                        )
                """),
            files={"template.yaml": _CFN_KINESIS},
            line=8,
            column=9,
            message="`SET clicks = clicks + :one`",
        ),
        # Asynchronous invocation configured on the function; a fire-and-forget invoke.
        Invalid(
            dedent("""\
                import json
                import boto3

                lambda_client = boto3.client("lambda")


                def handler(event, context):
                    lambda_client.invoke(
                        FunctionName="thumbnail",
                        InvocationType="Event",
                        Payload=json.dumps(event),
                    )
                """),
            files={
                "serverless.yml": dedent("""\
                    service: photos
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      fanout:
                        handler: handler.handler
                        maximumRetryAttempts: 2
                    """)
            },
            line=8,
            column=5,
            message="(serverless.yml:8: `maximumRetryAttempts`, asynchronous invocation)",
        ),
        # No config: a loop over the event's records; a POST per record.
        Invalid(
            dedent("""\
                import requests

                HOOK = "https://hooks.example.com/orders"


                def lambda_handler(event, context):
                    for record in event["Records"]:
                        requests.post(HOOK, data=record["body"], timeout=5)
                """),
            line=8,
            column=9,
            message="when a record is redelivered (handler.py:7: a loop over the event's records)",
        ),
        # Node.js (JavaScript, SDK v3): a put without a condition.
        Invalid(
            dedent("""\
                import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
                import { DynamoDBDocumentClient, PutCommand } from "@aws-sdk/lib-dynamodb";

                const doc = DynamoDBDocumentClient.from(new DynamoDBClient({}));

                export const handler = async (event) => {
                  for (const record of event.Records) {
                    const order = JSON.parse(record.body);
                    await doc.send(new PutCommand({ TableName: "orders", Item: order }));
                  }
                };
                """),
            filename="handler.mjs",
            files={"serverless.yml": _SERVERLESS_NODE_SQS},
            line=9,
            column=11,
            message=(
                "`doc.send(new PutCommand(...))` without a `ConditionExpression` runs again when "
                "SQS redelivers the message (serverless.yml:9: sqs event, batchSize 10): the item "
                "is written once per delivery (a generated key stores a duplicate, a fixed key "
                "overwrites what changed since the first delivery); add `ConditionExpression: "
                '"attribute_not_exists(<key>)"` or make the handler idempotent with Powertools '
                "`makeIdempotent`."
            ),
        ),
        # TypeScript: a POST per record from the record handler of a batch processor.
        Invalid(
            dedent("""\
                import {
                  BatchProcessor,
                  EventType,
                  processPartialResponse,
                } from "@aws-lambda-powertools/batch";
                import type { Context, SQSEvent, SQSRecord } from "aws-lambda";

                const processor = new BatchProcessor(EventType.SQS);

                const recordHandler = async (record: SQSRecord): Promise<void> => {
                  await fetch("https://payments.example.com/charges", {
                    method: "POST",
                    body: record.body,
                  });
                };

                export const handler = async (event: SQSEvent, context: Context) =>
                  processPartialResponse(event, recordHandler, processor, { context });
                """),
            filename="src/app.ts",
            files={"template.yaml": _SAM_NODE_SQS},
            line=11,
            column=9,
            message=(
                "`fetch(...)` (POST) runs again when SQS redelivers the message (template.yaml:11: "
                "SQS event `Orders`): the POST request is sent once per delivery and creates a "
                "second resource"
            ),
        ),
    )
