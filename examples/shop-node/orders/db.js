// DynamoDB access for the orders table, shared by every orders handler.
"use strict";

const { DynamoDBClient } = require("@aws-sdk/client-dynamodb");
const {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
} = require("@aws-sdk/lib-dynamodb");

const ORDERS_TABLE = process.env.ORDERS_TABLE ?? "shop-orders";
const BY_DAY_INDEX = "byDay";

let client;

// The orders table's document client, created once per execution environment.
function table() {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}));
  return client;
}

// Store a new order; refuses to overwrite an existing order id.
async function putOrder(order) {
  await table().send(
    new PutCommand({
      TableName: ORDERS_TABLE,
      Item: order,
      ConditionExpression: "attribute_not_exists(orderId)",
    }),
  );
}

// One order by id, or undefined when it does not exist.
async function getOrder(orderId) {
  const { Item } = await table().send(new GetCommand({ TableName: ORDERS_TABLE, Key: { orderId } }));
  return Item;
}

// Move an order to `status` (a plain SET, so safe to repeat).
async function setStatus(orderId, status) {
  await table().send(
    new UpdateCommand({
      TableName: ORDERS_TABLE,
      Key: { orderId },
      UpdateExpression: "SET #status = :status",
      ExpressionAttributeNames: { "#status": "status" },
      ExpressionAttributeValues: { ":status": status },
    }),
  );
}

// Every order created on `day` (YYYY-MM-DD), page by page.
async function* ordersForDay(day) {
  let ExclusiveStartKey;
  do {
    const page = await table().send(
      new QueryCommand({
        TableName: ORDERS_TABLE,
        IndexName: BY_DAY_INDEX,
        KeyConditionExpression: "createdDay = :day",
        ExpressionAttributeValues: { ":day": day },
        ExclusiveStartKey,
      }),
    );
    yield* page.Items ?? [];
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
}

module.exports = { table, putOrder, getOrder, setStatus, ordersForDay };
