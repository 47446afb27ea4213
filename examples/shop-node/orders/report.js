// Nightly sales report: yesterday's orders as CSV in S3 and a row in the analytics DB.
"use strict";

const { S3Client, PutObjectCommand } = require("@aws-sdk/client-s3");
const { Client } = require("pg");

const { ordersForDay } = require("./db");

const REPORT_BUCKET = process.env.REPORT_BUCKET ?? "shop-reports";
const CSV_FIELDS = ["orderId", "customerId", "status", "totalCents", "createdAt"];
const DAY_MS = 24 * 60 * 60 * 1000;

// The orders as CSV text with a header row.
function toCsv(orders) {
  const quote = (value) => `"${String(value ?? "").replaceAll('"', '""')}"`;
  const rows = orders.map((order) => CSV_FIELDS.map((field) => quote(order[field])).join(","));
  return [CSV_FIELDS.join(","), ...rows].join("\n") + "\n";
}

// Summarise yesterday's orders and publish the report.
exports.handler = async function (event, context) {
  const day = new Date(Date.now() - DAY_MS).toISOString().slice(0, 10);
  const orders = [];
  for await (const order of ordersForDay(day)) {
    orders.push(order);
  }
  const revenueCents = orders.reduce((sum, order) => sum + Number(order.totalCents), 0);

  const s3 = new S3Client({});
  await s3.send(
    new PutObjectCommand({
      Bucket: REPORT_BUCKET,
      Key: `daily/${day}.csv`,
      Body: toCsv(orders),
      ContentType: "text/csv",
    }),
  );

  const db = new Client({ connectionString: process.env.ANALYTICS_DSN, connectionTimeoutMillis: 5000 });
  await db.connect();
  try {
    await db.query(
      "INSERT INTO daily_sales (day, orders, revenue_cents) VALUES ($1, $2, $3) " +
        "ON CONFLICT (day) DO UPDATE SET orders = EXCLUDED.orders, " +
        "revenue_cents = EXCLUDED.revenue_cents",
      [day, orders.length, revenueCents],
    );
  } finally {
    await db.end();
  }

  console.info("nightly report written", { day, orders: orders.length, revenueCents });
  return { day, orders: orders.length, revenueCents };
};

if (require.main === module) {
  // Local run against a dev account: AWS_PROFILE=shop-dev node orders/report.js
  const { STSClient, GetCallerIdentityCommand } = require("@aws-sdk/client-sts");
  new STSClient({})
    .send(new GetCallerIdentityCommand({}))
    .then(({ Arn }) => {
      console.info("running the nightly report", { as: Arn });
      return exports.handler({}, undefined);
    })
    .then((result) => console.info("result", result));
}
