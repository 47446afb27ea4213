// DynamoDB stream consumer: ships every order change to the audit log.
import { FirehoseClient, PutRecordCommand } from "@aws-sdk/client-firehose";
import { unmarshall } from "@aws-sdk/util-dynamodb";

const DELIVERY_STREAM = process.env.AUDIT_DELIVERY_STREAM;

// A Firehose client for the audit delivery stream.
function firehose() {
  return new FirehoseClient({});
}

// One stream record as a flat audit entry.
function auditEntry(record) {
  const change = record.dynamodb;
  const order = unmarshall(change.NewImage ?? change.OldImage ?? {});
  return {
    eventId: record.eventID,
    eventName: record.eventName,
    orderId: order.orderId,
    status: order.status,
    changedAt: change.ApproximateCreationDateTime,
  };
}

// Forward order changes to Firehose, stopping at the first failure.
export const handler = async (event) => {
  console.log(event);
  const client = firehose();
  for (const record of event.Records) {
    try {
      const entry = auditEntry(record);
      await client.send(
        new PutRecordCommand({
          DeliveryStreamName: DELIVERY_STREAM,
          Record: { Data: Buffer.from(`${JSON.stringify(entry)}\n`) },
        }),
      );
    } catch (error) {
      console.error("could not audit stream record", { eventId: record.eventID, error });
      // Stream records are ordered: report the first failure and Lambda
      // retries the batch from that record on.
      return { batchItemFailures: [{ itemIdentifier: record.dynamodb.SequenceNumber }] };
    }
  }
  console.info("audited order changes", { count: event.Records.length });
  return { batchItemFailures: [] };
};
