// HTTP API for placing orders: POST /orders.
"use strict";

const { randomUUID } = require("node:crypto");
const { SQSClient, SendMessageCommand } = require("@aws-sdk/client-sqs");

const { putOrder } = require("./db");

const STRIPE_PAYMENT_INTENTS_URL = "https://api.stripe.com/v1/payment_intents";
const FULFILMENT_QUEUE_URL = process.env.FULFILMENT_QUEUE_URL;

// Built once per execution environment and reused by every invocation.
const sqs = new SQSClient({});

// Create and confirm a Stripe payment intent; return its id.
async function charge(orderId, amountCents, currency, paymentMethodId) {
  const response = await fetch(STRIPE_PAYMENT_INTENTS_URL, {
    method: "POST",
    headers: {
      Authorization: `Bearer ${process.env.STRIPE_API_KEY}`,
      "Idempotency-Key": orderId,
    },
    body: new URLSearchParams({
      amount: String(amountCents),
      currency,
      payment_method: paymentMethodId,
      confirm: "true",
      "metadata[order_id]": orderId,
    }),
  });
  if (!response.ok) {
    throw new Error(`Stripe answered ${response.status} for order ${orderId}`);
  }
  const intent = await response.json();
  return intent.id;
}

// Price the basket, charge the customer and queue the order for fulfilment.
exports.handler = async function (event, context) {
  const body = JSON.parse(event.body);
  const items = body.items;
  const totalCents = items.reduce((sum, item) => sum + item.quantity * item.unitPriceCents, 0);

  const orderId = randomUUID();
  const paymentId = await charge(orderId, totalCents, body.currency ?? "eur", body.paymentMethodId);

  const now = new Date();
  await putOrder({
    orderId,
    customerId: body.customerId,
    items,
    totalCents,
    paymentId,
    status: "PAID",
    createdAt: now.toISOString(),
    createdDay: now.toISOString().slice(0, 10),
  });
  await sqs.send(
    new SendMessageCommand({ QueueUrl: FULFILMENT_QUEUE_URL, MessageBody: JSON.stringify({ orderId }) }),
  );
  console.info("order created", { orderId, totalCents, paymentId });

  return {
    statusCode: 201,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ orderId, totalCents }),
  };
};
