"""SQS consumer: hands every paid order to the warehouse fulfilment workflow."""

import json
import logging
import os

from boto3 import client

from orders import db

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

STATE_MACHINE_ARN = os.environ["FULFILMENT_STATE_MACHINE_ARN"]


def fulfil_order_handler(event, context):
    """Start one fulfilment workflow per order message in the batch."""
    sfn = client("stepfunctions")
    for record in event["Records"]:
        message = json.loads(record["body"])
        order_id = message["orderId"]

        order = db.get_order(order_id)
        if order is None:
            raise LookupError(f"order {order_id} not found")
        if order["status"] != "PAID":
            logger.info("order %s is %s, nothing to do", order_id, order["status"])
            continue

        try:
            # The execution name is the order id: a redelivered message cannot
            # start a second workflow for the same order.
            sfn.start_execution(
                stateMachineArn=STATE_MACHINE_ARN,
                name=f"fulfil-{order_id}",
                input=json.dumps({"orderId": order_id, "items": order["items"]}, default=str),
            )
        except sfn.exceptions.ExecutionAlreadyExists:
            logger.info("fulfilment for order %s was already started", order_id)

        db.set_status(order_id, "FULFILLING")
        logger.info("order %s sent to the warehouse", order_id)
