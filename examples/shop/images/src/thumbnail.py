"""S3 trigger: writes a 256 px JPEG thumbnail for every uploaded product image."""

import io
import logging
import os

import boto3
from PIL import Image

logger = logging.getLogger()
logger.setLevel(os.environ.get("LOG_LEVEL", "INFO"))

THUMBNAIL_BUCKET = os.environ["THUMBNAIL_BUCKET"]
THUMBNAIL_SIZE = (256, 256)

# Module scope: one client per execution environment, reused by every invocation.
s3 = boto3.client("s3")


def _make_thumbnail(data):
    """Return JPEG bytes of the image scaled to fit THUMBNAIL_SIZE."""
    with Image.open(io.BytesIO(data)) as original:
        image = original.convert("RGB")
    image.thumbnail(THUMBNAIL_SIZE)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()


def handler(event, context):
    """Create a thumbnail for each object in the S3 notification."""
    for record in event["Records"]:
        bucket = record["s3"]["bucket"]["name"]
        key = record["s3"]["object"]["key"]

        original = s3.get_object(Bucket=bucket, Key=key)
        thumbnail = _make_thumbnail(original["Body"].read())

        thumbnail_key = os.path.splitext(key)[0] + ".jpg"
        s3.put_object(
            Bucket=THUMBNAIL_BUCKET,
            Key=thumbnail_key,
            Body=thumbnail,
            ContentType="image/jpeg",
            CacheControl="public, max-age=31536000",
        )
        logger.info("thumbnail s3://%s/%s written for s3://%s/%s", THUMBNAIL_BUCKET, thumbnail_key, bucket, key)
