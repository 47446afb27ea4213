"""DynamoDB stream consumer: ships every order change to the audit log."""

import json
import logging
import os

import boto3
from boto3.dynamodb.types import TypeDeserializer

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

DELIVERY_STREAM = os.environ["AUDIT_DELIVERY_STREAM"]
_deserializer = TypeDeserializer()


def _firehose():
    """Return a Firehose client for the audit delivery stream."""
    return boto3.client("firehose")


def _audit_entry(record):
    """Turn one stream record into a flat audit entry."""
    change = record["dynamodb"]
    image = change.get("NewImage") or change.get("OldImage") or {}
    order = {name: _deserializer.deserialize(value) for name, value in image.items()}
    return {
        "eventId": record["eventID"],
        "eventName": record["eventName"],
        "orderId": order.get("orderId"),
        "status": order.get("status"),
        "changedAt": change["ApproximateCreationDateTime"],
    }


def audit_orders_handler(event, context):
    """Forward order changes to Firehose, stopping at the first failure."""
    print(event)
    firehose = _firehose()
    for record in event["Records"]:
        try:
            entry = _audit_entry(record)
            firehose.put_record(
                DeliveryStreamName=DELIVERY_STREAM,
                Record={"Data": (json.dumps(entry, default=str) + "\n").encode()},
            )
        except Exception:
            logger.exception("could not audit stream record %s", record["eventID"])
            # Stream records are ordered: report the first failure and Lambda
            # retries the batch from that record on.
            return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
    logger.info("audited %d order changes", len(event["Records"]))
    return {"batchItemFailures": []}
