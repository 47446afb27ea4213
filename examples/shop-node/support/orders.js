// Support back office: order look-ups the support console invokes directly.
// This folder is deployed with its own dependencies (support/package.json),
// among them the AWS SDK v2 it was written for.
"use strict";

const AWS = require("aws-sdk");

const ORDERS_TABLE = process.env.ORDERS_TABLE ?? "shop-orders";
const RECEIPT_SENDER = process.env.RECEIPT_SENDER;

const documents = new AWS.DynamoDB.DocumentClient();
const ses = new AWS.SES();

// {"orderId": "..."} -> the order's status, or found: false.
exports.status = function (event, context, callback) {
  documents
    .get({ TableName: ORDERS_TABLE, Key: { orderId: event.orderId } })
    .promise()
    .then(({ Item }) => {
      if (!Item) {
        callback(null, { orderId: event.orderId, found: false });
        return;
      }
      callback(null, { orderId: Item.orderId, found: true, status: Item.status, createdAt: Item.createdAt });
    })
    .catch((error) => callback(error));
};

// The Stripe receipt link of a payment intent.
async function receiptUrl(paymentId) {
  const url = `https://api.stripe.com/v1/payment_intents/${encodeURIComponent(paymentId)}?expand[]=latest_charge`;
  const response = await fetch(url, {
    headers: { Authorization: `Bearer ${process.env.STRIPE_API_KEY}` },
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) {
    throw new Error(`Stripe answered ${response.status} for payment ${paymentId}`);
  }
  const intent = await response.json();
  return intent.latest_charge.receipt_url;
}

// {"orderId": "...", "email": "..."} -> e-mails the order's receipt link again.
exports.resendReceipt = async function (event, context) {
  const { Item: order } = await documents
    .get({ TableName: ORDERS_TABLE, Key: { orderId: event.orderId } })
    .promise();
  if (!order) {
    return { orderId: event.orderId, sent: false };
  }
  const link = await receiptUrl(order.paymentId);
  await ses
    .sendEmail({
      Source: RECEIPT_SENDER,
      Destination: { ToAddresses: [event.email] },
      Message: {
        Subject: { Data: `Your receipt for order ${order.orderId}` },
        Body: { Text: { Data: `Your receipt: ${link}` } },
      },
    })
    .promise();
  console.info("receipt sent again", { orderId: order.orderId });
  return { orderId: order.orderId, sent: true };
};
