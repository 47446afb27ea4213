// SQS consumer: hands every paid order to the warehouse fulfilment workflow.
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";

import { getOrder, setStatus } from "./db.js";

const STATE_MACHINE_ARN = process.env.FULFILMENT_STATE_MACHINE_ARN;

// Start one fulfilment workflow per order message in the batch.
export const handler = async (event) => {
  const sfn = new SFNClient({});
  for (const record of event.Records) {
    const message = JSON.parse(record.body);
    const orderId = message.orderId;

    const order = await getOrder(orderId);
    if (order === undefined) {
      throw new Error(`order ${orderId} not found`);
    }
    if (order.status !== "PAID") {
      console.info("order needs no fulfilment", { orderId, status: order.status });
      continue;
    }

    try {
      // The execution name is the order id: a redelivered message cannot
      // start a second workflow for the same order.
      await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: STATE_MACHINE_ARN,
          name: `fulfil-${orderId}`,
          input: JSON.stringify({ orderId, items: order.items }),
        }),
      );
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) {
        throw error;
      }
      console.info("fulfilment was already started", { orderId });
    }

    await setStatus(orderId, "FULFILLING");
    console.info("order sent to the warehouse", { orderId });
  }
};
