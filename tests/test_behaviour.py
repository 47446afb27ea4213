"""The Python front end of the language-neutral facts (`slint.facts`): what cross rules
read about calls, values, loops, try/except, returns and skips, at exact positions."""

from __future__ import annotations

import pickle
from textwrap import dedent

from slint.diagnostics import Location
from slint.facts import Behaviour, Call
from slint.python.behaviour import MODULE_KEY, behaviours

MODULE = dedent("""\
    import os
    import boto3
    from urllib.parse import unquote_plus as uq

    s3 = boto3.client("s3")
    table = boto3.resource("dynamodb").Table(os.environ["TABLE"])
    OUT = os.getenv("OUT_BUCKET")


    def handler(event, context):
        failed = []
        for record in event.get("Records", []):
            bucket = record["s3"]["bucket"]["name"]
            key = uq(record["s3"]["object"]["key"])
            if key.startswith("thumbs/"):
                continue
            try:
                table.put_item(Item={"pk": key}, ConditionExpression="attribute_not_exists(pk)")
                s3.put_object(Bucket=bucket, Key=f"thumbs/{key}.png", Body=b"")
                s3.upload_file("/tmp/x", OUT, "out/" + key)
            except Exception as error:
                failed.append({"itemIdentifier": record["messageId"]})
        response = {"ok": True}
        response["batchItemFailures"] = failed
        return response


    class Repo:
        def __init__(self):
            self._queue = boto3.client("sqs")

        def send(self, body):
            try:
                self._queue.send_message(QueueUrl="https://q.fifo", MessageBody=body)
            except ValueError:
                raise

        def outer(self):
            def inner():
                while True:
                    pass
            return inner
    """)


def _call(behaviour: Behaviour, method: str) -> Call:
    [found] = [call for call in behaviour.calls if call.method == method]
    return found


def test_functions_are_keyed_as_module_facts_are() -> None:
    found = behaviours(MODULE)
    assert set(found) == {
        "handler",
        "Repo.__init__",
        "Repo.send",
        "Repo.outer",
        "Repo.outer.inner",
        MODULE_KEY,
    }
    handler = found["handler"]
    assert handler.parameters == ("event", "context")
    assert handler.span is not None and handler.span.start == Location(10, 5)


def test_calls_carry_receivers_services_and_arguments() -> None:
    handler = behaviours(MODULE)["handler"]
    put = _call(handler, "put_item")
    assert put.name == "boto3.resource().Table().put_item"
    assert put.receiver is not None and put.receiver.service == "dynamodb.Table"
    assert put.span.start == Location(18, 13)
    condition = put.argument("ConditionExpression")
    assert condition is not None and condition.literal == "attribute_not_exists(pk)"
    item = put.argument("Item")
    assert item is not None and item.keys == ("pk",)

    write = _call(handler, "put_object")
    assert write.receiver is not None and write.receiver.service == "s3"
    bucket = write.argument("Bucket")
    assert bucket is not None and bucket.event_path == "event.Records[].s3.bucket.name"
    key = write.argument("Key")
    assert key is not None and (key.prefix, key.suffix) == ("thumbs/", ".png")

    upload = _call(handler, "upload_file")
    target = upload.argument("Bucket", 1)
    assert target is not None and target.env == "OUT_BUCKET"
    name = upload.argument("Key", 2)
    assert name is not None and name.prefix == "out/"

    decode = _call(handler, "unquote_plus")
    assert decode.name == "urllib.parse.unquote_plus"


def test_loops_tries_returns_and_skips() -> None:
    handler = behaviours(MODULE)["handler"]
    [loop] = handler.loops
    assert loop.records and loop.target == "record" and loop.span.start == Location(12, 5)
    [block] = handler.tries
    assert block.loops == (0,) and block.span.start == Location(17, 9)
    [clause] = block.clauses
    assert clause.broad and not clause.raises and clause.catches == ("Exception",)
    assert _call(handler, "put_item").tries == (0,)
    append = _call(handler, "append")
    assert append.handler == (0, 0) and append.tries == ()
    added = append.arguments[0].value
    assert added.keys == ("itemIdentifier",)
    [returned] = handler.returns
    assert returned.value is not None
    failures = returned.value.item("batchItemFailures")
    assert failures is not None and "failed" in failures.names
    [skip] = handler.skips
    assert (skip.names, skip.methods, skip.strings, skip.exit) == (
        ("key",),
        ("startswith",),
        ("thumbs/",),
        "continue",
    )


def test_attributes_set_in_init_give_the_receiver_service() -> None:
    found = behaviours(MODULE)
    send = _call(found["Repo.send"], "send_message")
    assert send.receiver is not None and send.receiver.service == "sqs"
    assert send.name == "boto3.client().send_message"
    [block] = found["Repo.send"].tries
    assert block.clauses[0].reraises and not block.clauses[0].broad
    [loop] = found["Repo.outer.inner"].loops
    assert loop.kind == "while" and loop.infinite


def test_columns_count_characters_not_bytes() -> None:
    source = 'def handler(event, context):\n    x = "é"; send(event["é"])\n'
    call = behaviours(source)["handler"].calls[0]
    assert call.span.start == Location(2, 14)
    assert call.span.end == Location(2, 30)


def test_lines_break_where_python_breaks_them() -> None:
    # A form feed or U+2028 inside a string is no line break for Python (nor for ast's
    # line numbers); the text of what follows must still come from the right line.
    source = 'def handler(event, context):\n    x = "a\x0cb\u2028c"\n    send(event["k"])\n'
    [call] = behaviours(source)["handler"].calls
    assert call.span.start == Location(3, 5)
    assert call.arguments[0].value.text == 'event["k"]'


def test_facts_are_picklable_and_bad_input_gives_nothing() -> None:
    found = behaviours(MODULE)
    assert pickle.loads(pickle.dumps(found)) == found
    assert behaviours("def broken(:\n") == {}
    deep = "def f(event, context):\n    return " + "(" * 150 + "1" + ")" * 150 + "\n"
    assert "f" in behaviours(deep)


def test_conditions_that_hold_a_call_and_values_through_calls() -> None:
    source = dedent("""\
        import uuid
        from urllib.parse import unquote_plus


        def handler(event, context):
            key = unquote_plus(event["Records"][0]["s3"]["object"]["key"])
            if not key.startswith("thumbs/"):
                put(key, "out/%s.png" % key)
            else:
                skip(str(uuid.uuid4()))
        """)
    behaviour = behaviours(source)["handler"]
    put, skip = _call(behaviour, "put"), _call(behaviour, "skip")
    body, orelse = (behaviour.conditions[i] for i in (*put.conditions, *skip.conditions))
    assert (body.negated, orelse.negated) == (False, True)
    assert body.negated_test and body.methods == ("startswith",) and body.names == ("key",)
    assert body.span.start == Location(7, 5)
    key = put.arguments[0].value
    assert key.event_path == "event.Records[].s3.object.key"
    assert put.arguments[1].value.prefix == "out/"
    assert "uuid.uuid4" in skip.arguments[0].value.names


def test_list_elements_nested_items_and_spans() -> None:
    """Literals keep their elements and nested items with where each is written; a
    nested subscript assignment changes the literal a local name holds."""
    source = dedent("""\
        HEADERS = {"Access-Control-Allow-Origin": "*"}


        def handler(event, context):
            arn = event["methodArn"]
            policy = {"Statement": [{"Effect": "Deny", "Resource": "x"}], "Other": (1, *rest)}
            policy["Statement"][0]["Resource"] = arn
            policy["Missing"]["Deep"] = arn
            policy["Statement"][5]["Resource"] = arn
            return {"headers": HEADERS, "policy": policy}
        """)
    behaviour = behaviours(source)["handler"]
    returned = behaviour.returns[0].value
    assert returned is not None
    headers = returned.item("headers")
    assert headers is not None
    origin = headers.item("Access-Control-Allow-Origin")
    assert origin is not None and origin.literal == "*"
    # The `"*"` of the module constant, not the name that reads it.
    assert origin.span is not None and origin.span.start == Location(1, 43)
    policy = returned.item("policy")
    assert policy is not None and set(policy.keys) == {"Statement", "Other"}
    statement_list = policy.item("Statement")
    assert statement_list is not None and len(statement_list.elements) == 1
    statement = statement_list.elements[0]
    assert statement.keys == ("Effect", "Resource")
    resource = statement.item("Resource")
    assert resource is not None and resource.event_path == "event.methodArn"
    assert resource.span is not None and resource.span.start == Location(7, 42)
    other = policy.item("Other")
    assert other is not None and [e.literal for e in other.elements] == [1]
    assert other.names == ("rest",)  # what a tuple reads is unchanged by `elements`


def test_call_values_keep_their_keywords() -> None:
    source = dedent("""\
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver, CORSConfig

        app = APIGatewayRestResolver(cors=CORSConfig(allow_origin="*", max_age=300))


        def handler(event, context):
            return app.resolve(event, context)
        """)
    behaviour = behaviours(source)["handler"]
    receiver = behaviour.calls[0].receiver
    assert receiver is not None
    assert receiver.origin == "aws_lambda_powertools.event_handler.APIGatewayRestResolver()"
    cors = receiver.keyword("cors")
    assert cors is not None and cors.origin == "aws_lambda_powertools.event_handler.CORSConfig()"
    allow = cors.keyword("allow_origin")
    assert allow is not None and allow.literal == "*"
    assert allow.span is not None and allow.span.start == Location(3, 59)
    assert cors.keyword("missing") is None
    # Spans are not part of a value's identity, and the facts still pickle.
    assert pickle.loads(pickle.dumps(behaviour)) == behaviour


def test_the_module_top_level_has_its_own_behaviour() -> None:
    module = behaviours(
        dedent("""\
            import boto3
            from botocore.config import Config

            CONFIG = Config(read_timeout=900, retries={"max_attempts": 2})
            lam = boto3.client("lambda", config=CONFIG)

            def handler(event, context):
                return lam.invoke(FunctionName="x")
            """)
    )[MODULE_KEY]
    assert [call.name for call in module.calls] == ["botocore.config.Config", "boto3.client"]
    config = module.calls[0]
    assert config.span.start == Location(4, 10)
    read = config.argument("read_timeout")
    assert read is not None and read.literal == 900
    assert [name for name, _ in module.locals] == ["CONFIG", "lam"]
    # The function's body is not the module's.
    assert "invoke" not in {call.method for call in module.calls}
