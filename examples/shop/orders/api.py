"""HTTP API for placing orders: POST /orders."""

import json
import logging
import os
import uuid
from datetime import datetime, timezone

import boto3
import requests

from orders import db

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

STRIPE_PAYMENT_INTENTS_URL = "https://api.stripe.com/v1/payment_intents"
FULFILMENT_QUEUE_URL = os.environ["FULFILMENT_QUEUE_URL"]

# Built once per execution environment and reused by every invocation.
sqs = boto3.client("sqs")


def _charge(order_id, amount_cents, currency, payment_method_id):
    """Create and confirm a Stripe payment intent; return its id."""
    response = requests.post(
        STRIPE_PAYMENT_INTENTS_URL,
        auth=(os.environ["STRIPE_API_KEY"], ""),
        headers={"Idempotency-Key": order_id},
        data={
            "amount": amount_cents,
            "currency": currency,
            "payment_method": payment_method_id,
            "confirm": "true",
            "metadata[order_id]": order_id,
        },
    )
    response.raise_for_status()
    return response.json()["id"]


def create_order_handler(event, context):
    """Price the basket, charge the customer and queue the order for fulfilment."""
    body = json.loads(event["body"])
    items = body["items"]
    total_cents = sum(item["quantity"] * item["unitPriceCents"] for item in items)

    order_id = str(uuid.uuid4())
    payment_id = _charge(order_id, total_cents, body.get("currency", "eur"), body["paymentMethodId"])

    now = datetime.now(timezone.utc)
    db.put_order(
        {
            "orderId": order_id,
            "customerId": body["customerId"],
            "items": items,
            "totalCents": total_cents,
            "paymentId": payment_id,
            "status": "PAID",
            "createdAt": now.isoformat(),
            "createdDay": now.date().isoformat(),
        }
    )
    sqs.send_message(QueueUrl=FULFILMENT_QUEUE_URL, MessageBody=json.dumps({"orderId": order_id}))
    logger.info("order %s created: %d cents, payment %s", order_id, total_cents, payment_id)

    return {
        "statusCode": 201,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"orderId": order_id, "totalCents": total_cents}),
    }
