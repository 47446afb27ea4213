"""DynamoDB access for the orders table, shared by every orders handler."""

import logging
import os

import boto3
from boto3.dynamodb.conditions import Key

logger = logging.getLogger(__name__)

ORDERS_TABLE = os.environ.get("ORDERS_TABLE", "shop-orders")
BY_DAY_INDEX = "byDay"

_table = None


def orders_table():
    """Return the orders table, created once per execution environment."""
    global _table
    if _table is None:
        _table = boto3.resource("dynamodb").Table(ORDERS_TABLE)
    return _table


def put_order(order):
    """Store a new order; refuses to overwrite an existing order id."""
    orders_table().put_item(
        Item=order,
        ConditionExpression="attribute_not_exists(orderId)",
    )


def get_order(order_id):
    """Return one order by id, or None when it does not exist."""
    response = orders_table().get_item(Key={"orderId": order_id})
    return response.get("Item")


def set_status(order_id, status):
    """Move an order to ``status`` (a plain SET, so safe to repeat)."""
    orders_table().update_item(
        Key={"orderId": order_id},
        UpdateExpression="SET #status = :status",
        ExpressionAttributeNames={"#status": "status"},
        ExpressionAttributeValues={":status": status},
    )


def orders_for_day(day):
    """Yield every order created on ``day`` (YYYY-MM-DD), page by page."""
    kwargs = {
        "IndexName": BY_DAY_INDEX,
        "KeyConditionExpression": Key("createdDay").eq(day),
    }
    while True:
        page = orders_table().query(**kwargs)
        yield from page["Items"]
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
