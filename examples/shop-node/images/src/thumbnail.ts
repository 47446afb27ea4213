// S3 trigger: writes a 256 px JPEG thumbnail for every uploaded product image.
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import type { S3Event } from "aws-lambda";
import { Jimp } from "jimp";

const THUMBNAIL_BUCKET = process.env.THUMBNAIL_BUCKET as string;
const THUMBNAIL_SIZE = 256;

// Module scope: one client per execution environment, reused by every invocation.
const s3 = new S3Client({});

// JPEG bytes of the image scaled to fit THUMBNAIL_SIZE x THUMBNAIL_SIZE.
async function makeThumbnail(data: Uint8Array): Promise<Buffer> {
  const image = await Jimp.read(Buffer.from(data));
  image.scaleToFit({ w: THUMBNAIL_SIZE, h: THUMBNAIL_SIZE });
  return image.getBuffer("image/jpeg", { quality: 85 });
}

// Create a thumbnail for each object in the S3 notification.
export const handler = async (event: S3Event): Promise<void> => {
  for (const record of event.Records) {
    const bucket = record.s3.bucket.name;
    const key = record.s3.object.key;

    const original = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (original.Body === undefined) {
      throw new Error(`s3://${bucket}/${key} has no body`);
    }
    const thumbnail = await makeThumbnail(await original.Body.transformToByteArray());

    const thumbnailKey = key.replace(/\.[^/.]+$/, "") + ".jpg";
    await s3.send(
      new PutObjectCommand({
        Bucket: THUMBNAIL_BUCKET,
        Key: thumbnailKey,
        Body: thumbnail,
        ContentType: "image/jpeg",
        CacheControl: "public, max-age=31536000",
      }),
    );
    console.log(`thumbnail s3://${THUMBNAIL_BUCKET}/${thumbnailKey} written for s3://${bucket}/${key}`);
  }
};
