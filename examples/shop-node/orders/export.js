// Support tool: every order of one customer as a CSV file, for data subject access
// requests. The support console invokes it with {"customerId": "..."}.
"use strict";

const AWS = require("aws-sdk");

const ORDERS_TABLE = process.env.ORDERS_TABLE ?? "shop-orders";
const REPORT_BUCKET = process.env.REPORT_BUCKET ?? "shop-reports";
const URL_TTL_SECONDS = 3600;

const documents = new AWS.DynamoDB.DocumentClient();
const s3 = new AWS.S3({ signatureVersion: "v4" });

// Every order of `customerId`; the table has no index by customer, so this scans.
async function ordersOf(customerId) {
  const orders = [];
  let ExclusiveStartKey;
  do {
    const page = await documents
      .scan({
        TableName: ORDERS_TABLE,
        FilterExpression: "customerId = :customerId",
        ExpressionAttributeValues: { ":customerId": customerId },
        ExclusiveStartKey,
      })
      .promise();
    orders.push(...page.Items);
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return orders;
}

// Write the CSV to the report bucket and return a link the support agent can send.
exports.handler = async function (event, context) {
  const orders = await ordersOf(event.customerId);
  const rows = orders.map((order) => [order.orderId, order.status, order.totalCents, order.createdAt].join(","));
  const key = `exports/${event.customerId}/${context.awsRequestId}.csv`;
  await s3
    .putObject({
      Bucket: REPORT_BUCKET,
      Key: key,
      Body: ["orderId,status,totalCents,createdAt", ...rows].join("\n") + "\n",
      ContentType: "text/csv",
    })
    .promise();
  const url = await s3.getSignedUrlPromise("getObject", {
    Bucket: REPORT_BUCKET,
    Key: key,
    Expires: URL_TTL_SECONDS,
  });
  console.info("orders exported", { customerId: event.customerId, orders: orders.length });
  return { orders: orders.length, url };
};
