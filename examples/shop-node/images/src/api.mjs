// GET /images/{key+}: redirects to a short-lived URL for a product thumbnail.
import { GetObjectCommand, HeadObjectCommand, NotFound, S3Client } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { NodeHttpHandler } from "@smithy/node-http-handler";

const THUMBNAIL_BUCKET = process.env.THUMBNAIL_BUCKET;
const URL_TTL_SECONDS = 300;

let s3;

// The S3 client, built on first use, then kept for the environment's lifetime.
function s3Client() {
  if (!s3) {
    s3 = new S3Client({
      requestHandler: new NodeHttpHandler({ connectionTimeout: 2000, requestTimeout: 5000 }),
    });
  }
  return s3;
}

function error(statusCode, message) {
  return {
    statusCode,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ message }),
  };
}

// Redirect to a presigned URL for the requested thumbnail, or 404.
export async function handler(event, context) {
  const key = event.pathParameters?.key;
  if (!key) {
    return error(400, "missing image key");
  }

  try {
    await s3Client().send(new HeadObjectCommand({ Bucket: THUMBNAIL_BUCKET, Key: key }));
  } catch (err) {
    if (err instanceof NotFound || err.name === "NoSuchKey") {
      return error(404, `no thumbnail for ${key}`);
    }
    throw err;
  }

  const url = await getSignedUrl(s3Client(), new GetObjectCommand({ Bucket: THUMBNAIL_BUCKET, Key: key }), {
    expiresIn: URL_TTL_SECONDS,
  });
  console.log(`redirecting ${key}`);
  return { statusCode: 302, headers: { Location: url, "Cache-Control": "max-age=60" }, body: "" };
}
