"""Nightly sales report: yesterday's orders as CSV in S3 and a row in the analytics DB."""

import csv
import io
import logging
import os
from datetime import datetime, timedelta, timezone

import boto3
import psycopg2

from orders import db

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

REPORT_BUCKET = os.environ.get("REPORT_BUCKET", "shop-reports")
CSV_FIELDS = ["orderId", "customerId", "status", "totalCents", "createdAt"]


def _to_csv(orders):
    """Render the orders as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(orders)
    return buffer.getvalue()


def nightly_report_handler(event, context):
    """Summarise yesterday's orders and publish the report."""
    day = (datetime.now(timezone.utc).date() - timedelta(days=1)).isoformat()
    orders = list(db.orders_for_day(day))
    revenue_cents = sum(int(order["totalCents"]) for order in orders)

    s3 = boto3.client("s3")
    s3.put_object(
        Bucket=REPORT_BUCKET,
        Key=f"daily/{day}.csv",
        Body=_to_csv(orders).encode("utf-8"),
        ContentType="text/csv",
    )

    conn = psycopg2.connect(os.environ["ANALYTICS_DSN"], connect_timeout=5)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(
                "INSERT INTO daily_sales (day, orders, revenue_cents) VALUES (%s, %s, %s) "
                "ON CONFLICT (day) DO UPDATE SET orders = EXCLUDED.orders, "
                "revenue_cents = EXCLUDED.revenue_cents",
                (day, len(orders), revenue_cents),
            )
    finally:
        conn.close()

    logger.info("report for %s: %d orders, %d cents", day, len(orders), revenue_cents)
    return {"day": day, "orders": len(orders), "revenueCents": revenue_cents}


if __name__ == "__main__":
    # Local run against a dev account: AWS_PROFILE=shop-dev python -m orders.report
    logging.basicConfig(level=logging.INFO)
    identity = boto3.client("sts").get_caller_identity()
    logger.info("running the nightly report as %s", identity["Arn"])
    logger.info("result: %s", nightly_report_handler({}, None))
