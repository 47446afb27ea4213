"""SL210 unconditional-read-modify-write: a DynamoDB item read, changed in Python and
written back to the same table with no `ConditionExpression`; the ways the same table and
the read's data are recognised, and the near-misses that must stay silent."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, write_tree
from slint.rules.reliability.unconditional_read_modify_write import plain_set_placeholders

from slint.diagnostics import Diagnostic


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL210"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return result.diagnostics


def positions(tmp_path: Path, source: str) -> list[tuple[int, int]]:
    return [(d.start.row, d.start.column) for d in run(tmp_path, {"handler.py": source})]


# -- findings: (source, [(line, column) of the write method's name], read line in message) --

HITS: dict[str, tuple[str, list[tuple[int, int]], int]] = {
    # The visitor counter of countless tutorials.
    "counter-resource": (
        """\
        import boto3

        dynamodb = boto3.resource("dynamodb")
        table = dynamodb.Table("visitors")


        def lambda_handler(event, context):
            response = table.get_item(Key={"id": "home"})
            count = response["Item"]["count"]
            count = count + 1
            table.put_item(Item={"id": "home", "count": count})
            return count
        """,
        [(11, 11)],
        8,
    ),
    # The item changed in place and written back.
    "item-changed-in-place": (
        """\
        import os

        import boto3

        table = boto3.resource("dynamodb").Table(os.environ["ORDERS"])


        def handler(event, context):
            order = table.get_item(Key={"id": event["id"]})["Item"]
            order["status"] = event["status"]
            table.put_item(Item=order)
        """,
        [(11, 11)],
        9,
    ),
    # A fresh item when there is none: on the other path the read's item is written.
    "default-in-a-branch": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("counters")


        def handler(event, context):
            item = table.get_item(Key={"name": event["name"]}).get("Item")
            if not item:
                item = {"name": event["name"], "value": 0}
            item["value"] += 1
            table.put_item(Item=item)
        """,
        [(11, 11)],
        7,
    ),
    "default-with-or": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("counters")


        def handler(event, context):
            resp = table.get_item(Key={"name": "n"})
            item = resp.get("Item") or {"name": "n", "value": 0}
            item["value"] = item["value"] + 1
            table.put_item(Item=item)
        """,
        [(10, 11)],
        7,
    ),
    # The low-level client, the table named by the same text.
    "client-same-table-name": (
        """\
        import os

        import boto3

        client = boto3.client("dynamodb")


        def handler(event, context):
            key = {"id": {"S": event["id"]}}
            found = client.get_item(TableName=os.environ["T"], Key=key)
            item = found["Item"]
            item["hits"] = {"N": str(int(item["hits"]["N"]) + 1)}
            client.put_item(TableName=os.environ["T"], Item=item)
        """,
        [(13, 12)],
        10,
    ),
    # `TABLE` and `os.environ["T"]` are the same table name.
    "client-constant-and-environ": (
        """\
        import os

        import boto3

        client = boto3.client("dynamodb")
        TABLE = os.environ["T"]


        def handler(event, context):
            item = client.get_item(TableName=TABLE, Key={"id": {"S": "x"}})["Item"]
            client.put_item(TableName=os.environ['T'], Item={**item, "seen": {"BOOL": True}})
        """,
        [(11, 12)],
        10,
    ),
    # `dynamodb.Table(name)` inline, twice.
    "table-inline": (
        """\
        import boto3

        dynamodb = boto3.resource("dynamodb")


        def handler(event, context):
            name = event["table"]
            item = dynamodb.Table(name).get_item(Key={"id": event["id"]})["Item"]
            item["n"] = item["n"] + 1
            dynamodb.Table(name).put_item(Item=item)
        """,
        [(10, 26)],
        8,
    ),
    # A module-level Table and an inline one of the same table.
    "module-table-and-inline-table": (
        """\
        import os

        import boto3

        dynamodb = boto3.resource("dynamodb")
        table = dynamodb.Table(os.environ["T"])


        def handler(event, context):
            item = table.get_item(Key={"id": "x"})["Item"]
            item["n"] += 1
            dynamodb.Table(os.environ["T"]).put_item(Item=item)
        """,
        [(12, 37)],
        10,
    ),
    # The Table made in the handler (SL101's concern; here the same local name).
    "local-table": (
        """\
        import boto3


        def handler(event, context):
            table = boto3.resource("dynamodb").Table("carts")
            cart = table.get_item(Key={"id": event["cart"]})["Item"]
            cart["lines"].append(event["line"])
            table.put_item(Item=cart)
        """,
        [(8, 11)],
        6,
    ),
    # A Table held by an object, in a method the handler calls.
    "self-table": (
        """\
        import boto3


        class Wallets:
            def __init__(self):
                self._table = boto3.resource("dynamodb").Table("wallets")

            def pay(self, wallet_id, amount):
                wallet = self._table.get_item(Key={"id": wallet_id})["Item"]
                balance = wallet["balance"] - amount
                self._table.update_item(
                    Key={"id": wallet_id},
                    UpdateExpression="SET balance = :b",
                    ExpressionAttributeValues={":b": balance},
                )


        def handler(event, context):
            Wallets().pay(event["wallet"], event["amount"])
        """,
        [(11, 21)],
        9,
    ),
    # The update expression in a module constant; one atomic action, one plain one.
    "update-expression-constant": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("orders")
        TRANSITION = "SET #s = :next, changes = changes + :one"


        def handler(event, context):
            order = table.get_item(Key={"id": event["id"]})["Item"]
            following = {"new": "paid", "paid": "shipped"}[order["status"]]
            table.update_item(
                Key={"id": event["id"]},
                UpdateExpression=TRANSITION,
                ExpressionAttributeNames={"#s": "status"},
                ExpressionAttributeValues={":next": following, ":one": 1},
            )
        """,
        [(10, 11)],
        8,
    ),
    # Lower-case keywords, an f-string without expressions, values in a local dict.
    "update-f-string-and-local-values": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("docs")


        def handler(event, context):
            doc = table.get_item(Key={"id": "d"})["Item"]
            v = {":body": doc["body"] + event["suffix"]}
            table.update_item(
                Key={"id": "d"}, UpdateExpression=f"set body = :body", ExpressionAttributeValues=v
            )
        """,
        [(9, 11)],
        7,
    ),
    # The read nested in the write itself.
    "read-inside-the-write": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("profiles")


        def handler(event, context):
            key = {"id": event["id"]}
            table.put_item(Item={**table.get_item(Key=key)["Item"], "seen": True})
        """,
        [(8, 11)],
        8,
    ),
    # A transaction with no condition in it.
    "transaction-without-condition": (
        """\
        import boto3

        client = boto3.client("dynamodb")


        def handler(event, context):
            key = {"id": {"S": event["id"]}}
            order = client.get_item(TableName="orders", Key=key)["Item"]
            order["status"] = {"S": "paid"}
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "orders", "Item": order}},
                    {"Put": {"TableName": "payments", "Item": {"id": key["id"]}}},
                ]
            )
        """,
        [(10, 12)],
        8,
    ),
    # A walrus, a loop over the item's list, and a total written with a plain SET.
    "walrus-and-loop": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("carts")


        def handler(event, context):
            if "Item" not in (resp := table.get_item(Key={"id": event["id"]})):
                return None
            total = 0
            for line in resp["Item"]["lines"]:
                total += line["price"] * line["quantity"]
            table.update_item(
                Key={"id": event["id"]},
                UpdateExpression="SET total = :total",
                ExpressionAttributeValues={":total": total},
            )
        """,
        [(12, 11)],
        7,
    ),
    # A list filled from the item by a method call.
    "list-filled-from-the-item": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("carts")


        def handler(event, context):
            cart = table.get_item(Key={"id": event["id"]})["Item"]
            kept = []
            for line in cart["lines"]:
                if line["sku"] != event["sku"]:
                    kept.append(line)
            table.put_item(Item={"id": event["id"], "lines": kept})
        """,
        [(12, 11)],
        7,
    ),
    "async-aioboto3": (
        """\
        import aioboto3

        session = aioboto3.Session()


        async def work(event):
            async with session.resource("dynamodb") as dynamodb:
                table = await dynamodb.Table("jobs")
                job = (await table.get_item(Key={"id": event["id"]}))["Item"]
                job["attempts"] += 1
                await table.put_item(Item=job)
        """,
        [],  # not reached by a handler: checked below with one
        9,
    ),
    # The legacy AttributeUpdates with a PUT action.
    "attribute-updates-put": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("stock")


        def handler(event, context):
            stock = table.get_item(Key={"sku": event["sku"]})["Item"]
            left = stock["count"] - event["quantity"]
            table.update_item(
                Key={"sku": event["sku"]},
                AttributeUpdates={"count": {"Value": left, "Action": "PUT"}},
            )
        """,
        [(9, 11)],
        7,
    ),
    # `ConditionExpression=None` is no condition.
    "condition-none": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            item["n"] += 1
            table.put_item(Item=item, ConditionExpression=None)
        """,
        [(9, 11)],
        7,
    ),
    # Two reads of the table; the message names the one whose data is written.
    "two-reads": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            first = table.get_item(Key={"id": "a"})["Item"]
            second = table.get_item(Key={"id": "b"})["Item"]
            first["n"] = first["n"] + 1
            table.put_item(Item=first)
        """,
        [(10, 11)],
        7,
    ),
    # Equal key prefixes may be the same item: reported.
    "same-key-prefix": (
        """\
        import boto3

        table = boto3.resource("dynamodb").Table("app")


        def handler(event, context):
            order = event["order"]
            found = table.get_item(Key={"pk": "ORDER#" + order, "sk": "META"})["Item"]
            found["lines"] = found["lines"] + [event["line"]]
            table.put_item(Item={**found, "pk": "ORDER#{}".format(order), "sk": "META"})
        """,
        [(10, 11)],
        8,
    ),
    # A getter that returns the cached Table: the same call text is the same table.
    "getter-call": (
        """\
        import boto3

        _table = None


        def orders_table():
            global _table
            if _table is None:
                _table = boto3.resource("dynamodb").Table("orders")
            return _table


        def handler(event, context):
            order = orders_table().get_item(Key={"id": event["id"]})["Item"]
            order["notes"] = order.get("notes", []) + [event["note"]]
            orders_table().put_item(Item=order)
        """,
        [(16, 20)],
        14,
    ),
}


@pytest.mark.parametrize("case", sorted(HITS))
def test_finding(tmp_path: Path, case: str) -> None:
    source, expected, read_line = HITS[case]
    found = run(tmp_path, {"handler.py": source})
    assert [(d.start.row, d.start.column) for d in found] == expected
    for diagnostic in found:
        assert diagnostic.code == "SL210"
        assert f"reads at line {read_line}" in diagnostic.message
        assert "ConditionExpression" in diagnostic.message


def test_async_handler_reaching_the_read_modify_write(tmp_path: Path) -> None:
    source = dedent(HITS["async-aioboto3"][0]) + dedent(
        """\


        def handler(event, context):
            import asyncio

            asyncio.run(work(event))
        """
    )
    found = run(tmp_path, {"handler.py": source})
    assert [(d.start.row, d.start.column) for d in found] == [(11, 21)]
    assert "reads at line 9" in found[0].message


def test_finding_is_on_the_method_name_and_spans_it(tmp_path: Path) -> None:
    found = run(tmp_path, {"handler.py": HITS["counter-resource"][0]})
    assert [(d.start.row, d.start.column, d.end.row, d.end.column) for d in found] == [
        (11, 11, 11, 19)
    ]
    assert found[0].message.startswith("`put_item` without a `ConditionExpression`")


def test_helper_reached_from_a_handler_in_another_module(tmp_path: Path) -> None:
    found = run(
        tmp_path,
        {
            "app/__init__.py": "",
            "app/store.py": """\
                import boto3

                table = boto3.resource("dynamodb").Table("scores")


                def add_points(player, points):
                    score = table.get_item(Key={"player": player})["Item"]
                    score["points"] += points
                    table.put_item(Item=score)
                """,
            "app/handler.py": """\
                from app.store import add_points


                def handler(event, context):
                    add_points(event["player"], event["points"])
                """,
        },
    )
    assert [(d.path, d.start.row, d.start.column) for d in found] == [("app/store.py", 9, 11)]


# -- near-misses: must stay silent ---------------------------------------------------------

SILENT: dict[str, str] = {
    "version-check": """\
        import boto3

        table = boto3.resource("dynamodb").Table("carts")


        def handler(event, context):
            cart = table.get_item(Key={"id": event["id"]})["Item"]
            version = cart["version"]
            cart["lines"].append(event["line"])
            cart["version"] = version + 1
            table.put_item(
                Item=cart,
                ConditionExpression="version = :v",
                ExpressionAttributeValues={":v": version},
            )
        """,
    "update-with-version-check": """\
        import boto3

        table = boto3.resource("dynamodb").Table("wallets")


        def handler(event, context):
            wallet = table.get_item(Key={"id": "w"})["Item"]
            table.update_item(
                Key={"id": "w"},
                UpdateExpression="SET balance = :b, version = version + :one",
                ConditionExpression="version = :expected",
                ExpressionAttributeValues={
                    ":b": wallet["balance"] - event["amount"],
                    ":one": 1,
                    ":expected": wallet["version"],
                },
            )
        """,
    "legacy-expected": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            item["n"] += 1
            table.put_item(Item=item, Expected={"n": {"Value": item["n"] - 1}})
        """,
    # Whatever `params` holds, slint cannot see whether it has a condition.
    "write-with-kwargs": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            item["n"] += 1
            params = {"ConditionExpression": "n = :old", "ExpressionAttributeValues": {":old": 1}}
            table.put_item(Item=item, **params)
        """,
    "add-is-atomic": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            table.update_item(
                Key={"id": "a"},
                UpdateExpression="ADD visits :inc",
                ExpressionAttributeValues={":inc": item["weight"]},
            )
        """,
    "set-from-the-stored-value": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            table.update_item(
                Key={"id": "a"},
                UpdateExpression="SET #n = #n + :d, updated = :now",
                ExpressionAttributeNames={"#n": "count"},
                ExpressionAttributeValues={":d": item["step"], ":now": event["time"]},
            )
        """,
    "list-append-and-if-not-exists": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            table.update_item(
                Key={"id": "a"},
                UpdateExpression=(
                    "SET history = list_append(if_not_exists(history, :empty), :entry), "
                    "created = if_not_exists(created, :now) REMOVE draft"
                ),
                ExpressionAttributeValues={
                    ":entry": [item["status"]],
                    ":empty": [],
                    ":now": event["time"],
                },
            )
        """,
    # The idempotency check: the read only decides whether to skip, the put is conditional.
    "idempotency-check-then-conditional-put": """\
        import boto3

        table = boto3.resource("dynamodb").Table("processed")


        def handler(event, context):
            resp = table.get_item(Key={"id": event["id"]})
            if "Item" in resp:
                return resp["Item"]["result"]
            table.put_item(
                Item={"id": event["id"], "result": "done"},
                ConditionExpression="attribute_not_exists(id)",
            )
        """,
    # No data of the read reaches the write: it only decides (404 / skip).
    "read-decides-write-from-event": """\
        import json

        import boto3

        table = boto3.resource("dynamodb").Table("todos")


        def handler(event, context):
            key = {"id": event["pathParameters"]["id"]}
            existing = table.get_item(Key=key).get("Item")
            if existing is None:
                return {"statusCode": 404}
            body = json.loads(event["body"])
            table.update_item(
                Key=key,
                UpdateExpression="SET #t = :t, done = :d",
                ExpressionAttributeNames={"#t": "text"},
                ExpressionAttributeValues={":t": body["text"], ":d": body["done"]},
            )
            return {"statusCode": 200, "body": json.dumps(existing, default=str)}
        """,
    "skip-then-unconditional-put-of-event-data": """\
        import boto3

        table = boto3.resource("dynamodb").Table("processed")


        def handler(event, context):
            if "Item" in table.get_item(Key={"id": event["id"]}):
                return None
            table.put_item(Item={"id": event["id"], "payload": event["payload"]})
        """,
    "different-tables": """\
        import boto3

        dynamodb = boto3.resource("dynamodb")
        users = dynamodb.Table("users")
        audit = dynamodb.Table("audit")


        def handler(event, context):
            user = users.get_item(Key={"id": event["id"]})["Item"]
            user["seen"] = True
            audit.put_item(Item=user)
        """,
    "different-table-names": """\
        import os

        import boto3

        client = boto3.client("dynamodb")


        def handler(event, context):
            item = client.get_item(TableName=os.environ["SOURCE"], Key={"id": {"S": "a"}})
            client.put_item(TableName=os.environ["TARGET"], Item=item["Item"])
        """,
    # A single-table design: the profile is read, an order (another item) is written.
    "another-item-of-the-same-table": """\
        import boto3

        table = boto3.resource("dynamodb").Table("app")


        def handler(event, context):
            user = event["user"]
            profile = table.get_item(Key={"pk": f"USER#{user}", "sk": "PROFILE"})["Item"]
            table.put_item(
                Item={
                    "pk": f"USER#{user}",
                    "sk": f"ORDER#{event['order']}",
                    "shipTo": profile["address"],
                }
            )
        """,
    "another-item-by-literal-key": """\
        import boto3

        table = boto3.resource("dynamodb").Table("app")


        def handler(event, context):
            config = table.get_item(Key={"pk": "CONFIG"})["Item"]
            table.update_item(
                Key={"pk": "STATS"},
                UpdateExpression="SET rate = :r",
                ExpressionAttributeValues={":r": config["rate"]},
            )
        """,
    # Precision fix (aws-samples/serverless-test-samples, apigw-lambda-dynamodb): the
    # name item `SK="NAME#"` is read, a log entry `SK="DT#" + stamp` written from it.
    "log-entry-with-a-concatenated-sort-key": """\
        from datetime import datetime

        import boto3

        table = boto3.resource("dynamodb").Table("greetings")


        def handler(event, context):
            user = event["pathParameters"]["id"]
            found = table.get_item(Key={"PK": f"{user}", "SK": "NAME#"})
            message = f"Hello {found['Item']['data']}!"
            stamp = "DT#" + datetime.now().strftime("%Y%m%dT%H%M%S.%f")
            table.put_item(Item={"PK": user, "SK": stamp, "data": message})
            table.put_item(Item={"PK": user, "SK": "LOG#%s" % stamp, "data": message})
            table.put_item(Item={"PK": user, "SK": "AUDIT#{}".format(stamp), "data": message})
        """,
    # The read's data feeds only the key of what is written.
    "read-feeds-only-the-key": """\
        import boto3

        table = boto3.resource("dynamodb").Table("nodes")


        def handler(event, context):
            node = table.get_item(Key={"id": event["id"]})["Item"]
            table.put_item(Item={"id": node["id"], "label": event["label"]})
            table.update_item(
                Key={"id": node["parent"]},
                UpdateExpression="SET label = :l",
                ExpressionAttributeValues={":l": event["label"]},
            )
        """,
    # A read nested in the write's key, or in a value added atomically.
    "read-nested-in-the-key-or-an-atomic-value": """\
        import boto3

        table = boto3.resource("dynamodb").Table("nodes")


        def handler(event, context):
            table.update_item(
                Key={"id": table.get_item(Key={"id": event["id"]})["Item"]["parent"]},
                UpdateExpression="SET label = :l, size = size + :s",
                ExpressionAttributeValues={
                    ":l": event["label"],
                    ":s": table.get_item(Key={"id": event["id"]})["Item"]["size"],
                },
            )
        """,
    # Read and write in different functions: each is checked on its own.
    "different-functions": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def load(key):
            return table.get_item(Key=key)["Item"]


        def handler(event, context):
            item = load({"id": "a"})
            item["n"] += 1
            table.put_item(Item=item)
        """,
    # A write in a nested function is not this function's write.
    "write-in-a-nested-function": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]

            def save(other):
                table.put_item(Item=other)

            return item
        """,
    # Methods of another object that share the names (positional arguments).
    "not-dynamodb": """\
        class Cache:
            def get_item(self, key):
                return {}

            def put_item(self, key, value):
                pass


        cache = Cache()


        def handler(event, context):
            item = cache.get_item(event["id"])
            item["n"] = 1
            cache.put_item(event["id"], item)
        """,
    # Not per invocation: module level, and a function no handler reaches.
    "module-level-and-unreached": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")
        item = table.get_item(Key={"id": "seed"})["Item"]
        item["n"] += 1
        table.put_item(Item=item)


        def migrate():
            old = table.get_item(Key={"id": "a"})["Item"]
            old["v"] = 2
            table.put_item(Item=old)
        """,
    "item-replaced-by-a-new-one": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"}).get("Item")
            print(item)
            item = {"id": "a", "n": event["n"]}
            table.put_item(Item=item)
        """,
    "transaction-with-condition-check": """\
        import boto3

        client = boto3.client("dynamodb")


        def handler(event, context):
            key = {"id": {"S": "a"}}
            order = client.get_item(TableName="orders", Key=key)["Item"]
            client.transact_write_items(
                TransactItems=[
                    {
                        "ConditionCheck": {
                            "TableName": "orders",
                            "Key": key,
                            "ConditionExpression": "version = :v",
                            "ExpressionAttributeValues": {":v": order["version"]},
                        }
                    },
                    {"Put": {"TableName": "orders", "Item": {**order, "x": {"S": "y"}}}},
                ]
            )
        """,
    "transaction-built-elsewhere": """\
        import boto3

        client = boto3.client("dynamodb")


        def actions(order):
            return [{"Put": {"TableName": "orders", "Item": order}}]


        def handler(event, context):
            order = client.get_item(TableName="orders", Key={"id": {"S": "a"}})["Item"]
            client.transact_write_items(TransactItems=actions(order))
        """,
    # A batch writer cannot carry a condition; it is another object anyway.
    "batch-writer": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            with table.batch_writer() as batch:
                batch.put_item(Item={**item, "copy": True})
        """,
    # An expression slint cannot read: assume nothing.
    "dynamic-update-expression": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": "a"})["Item"]
            names = [name for name in item if name != "id"]
            table.update_item(
                Key={"id": "a"},
                UpdateExpression="SET " + ", ".join(f"{n} = :{n}" for n in names),
                ExpressionAttributeValues={f":{n}": item[n] for n in names},
            )
        """,
    # An f-string part in the value position reads as a stored attribute.
    "f-string-value-part": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            field = event["field"]
            item = table.get_item(Key={"id": "a"})["Item"]
            table.update_item(
                Key={"id": "a"},
                UpdateExpression=f"SET total = {field} + :d",
                ExpressionAttributeValues={":d": item["d"]},
            )
        """,
    # The table name rebound between the read and the write: another table.
    "table-rebound": """\
        import boto3

        dynamodb = boto3.resource("dynamodb")


        def handler(event, context):
            t = dynamodb.Table("live")
            item = t.get_item(Key={"id": "a"})["Item"]
            t = dynamodb.Table("archive")
            t.put_item(Item=item)
        """,
    # Unresolvable objects with different names: not known to be the same table.
    "different-parameters": """\
        def copy(source, target, key):
            item = source.get_item(Key=key)["Item"]
            target.put_item(Item=item)


        def handler(event, context):
            copy(event["a"], event["b"], {"id": "x"})
        """,
    # An attribute or keyword that happens to share a tainted name is not the variable.
    "same-name-as-attribute-or-keyword": """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")


        def handler(event, context):
            item = table.get_item(Key={"id": event.id})["Item"]
            print(item)
            table.put_item(Item={"id": event.id, "item": event.item, "n": dict(item=1)})
        """,
    # The read's data goes only to `self`: attributes are not followed.
    "attribute-not-followed": """\
        import boto3


        class Job:
            def __init__(self):
                self.table = boto3.resource("dynamodb").Table("jobs")

            def run(self, event):
                self.state = self.table.get_item(Key={"id": "j"})["Item"]
                self.table.put_item(Item={"id": "j", "owner": event["owner"]})


        def handler(event, context):
            Job().run(event)
        """,
}


@pytest.mark.parametrize("case", sorted(SILENT))
def test_near_miss_is_silent(tmp_path: Path, case: str) -> None:
    assert positions(tmp_path, SILENT[case]) == []


def test_once_per_environment_code_is_not_reported(tmp_path: Path) -> None:
    source = """\
        import boto3

        table = boto3.resource("dynamodb").Table("t")
        _settings = None


        def handler(event, context):
            global _settings
            if _settings is None:
                _settings = table.get_item(Key={"id": "settings"})["Item"]
                _settings["loaded"] = _settings.get("loaded", 0) + 1
                table.put_item(Item=_settings)
            return _settings
        """
    assert positions(tmp_path, source) == []


# -- the update expression reader -------------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "plain"),
    [
        ("SET a = :v", {":v"}),
        ("set #a = :v, b = :w", {":v", ":w"}),
        ("SET n = n + :d", set()),
        ("SET #n = #n - :d", set()),
        ("SET l = list_append(l, :v)", set()),
        ("SET l = list_append(:v, :w)", {":v", ":w"}),
        ("SET a = if_not_exists(a, :v)", set()),
        ("SET a.b[0] = :v REMOVE c ADD d :one DELETE s :gone", {":v"}),
        ("ADD n :one", set()),
        ("REMOVE a, b", set()),
        ("SET #set = :v", {":v"}),
        (f"SET total = {'__slint_dynamic__'} + :d", set()),
        ("SET", None),
        ("a = :v", None),
        ("SET a :v", None),
        ("", None),
    ],
)
def test_plain_set_placeholders(expression: str, plain: set[str] | None) -> None:
    found = plain_set_placeholders(expression)
    assert (None if found is None else set(found)) == plain


def test_names_that_refer_to_themselves_terminate(tmp_path: Path) -> None:
    source = """\
        import boto3


        def handler(event, context):
            t = boto3.resource("dynamodb").Table("x")
            t = wrap(t, t, t, t, t)
            item = t.get_item(Key={"id": 1})["Item"]
            a = a + a
            item["n"] = a
            t.put_item(Item=item)
        """
    assert positions(tmp_path, source) == [(10, 7)]
