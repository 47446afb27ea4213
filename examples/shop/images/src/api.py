"""GET /images/{key+}: redirects to a short-lived URL for a product thumbnail."""

import functools
import json
import logging
import os

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

THUMBNAIL_BUCKET = os.environ["THUMBNAIL_BUCKET"]
URL_TTL_SECONDS = 300


@functools.lru_cache(maxsize=1)
def _s3():
    """S3 client built on first use, then cached for the environment's lifetime."""
    return boto3.client(
        "s3",
        config=Config(signature_version="s3v4", connect_timeout=2, read_timeout=5),
    )


def _error(status, message):
    return {
        "statusCode": status,
        "headers": {"Content-Type": "application/json"},
        "body": json.dumps({"message": message}),
    }


def handler(event, context):
    """Redirect to a presigned URL for the requested thumbnail, or 404."""
    key = (event.get("pathParameters") or {}).get("key")
    if not key:
        return _error(400, "missing image key")

    try:
        _s3().head_object(Bucket=THUMBNAIL_BUCKET, Key=key)
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("404", "NoSuchKey"):
            return _error(404, f"no thumbnail for {key}")
        raise

    url = _s3().generate_presigned_url(
        "get_object",
        Params={"Bucket": THUMBNAIL_BUCKET, "Key": key},
        ExpiresIn=URL_TTL_SECONDS,
    )
    logger.info("redirecting %s", key)
    return {"statusCode": 302, "headers": {"Location": url, "Cache-Control": "max-age=60"}, "body": ""}
