"""SL110 sdk-v2-not-in-runtime beyond its examples: one finding per import, whatever the
number of functions that load it."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, lint, write_tree

SERVERLESS = """\
service: todos
provider:
  name: aws
  runtime: nodejs18.x
functions:
  create:
    handler: todos/handler.create
  list:
    handler: todos/handler.list
  legacy:
    handler: todos/handler.list
    runtime: nodejs16.x
"""
HANDLER = """\
'use strict';
const AWS = require('aws-sdk'); // eslint-disable-line import/no-extraneous-dependencies

const dynamoDb = new AWS.DynamoDB.DocumentClient();

module.exports.create = async (event) => dynamoDb.put({ TableName: 't', Item: {} }).promise();
module.exports.list = async () => dynamoDb.scan({ TableName: 't' }).promise();
"""


def test_an_import_several_functions_load_is_reported_once(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": SERVERLESS,
            "todos/handler.js": HANDLER,
            "package.json": '{"dependencies": {"uuid": "^9.0.0"}}\n',
        },
    )
    result = lint(tmp_path, select=["SL110"])
    assert codes_at(result.diagnostics) == [("todos/handler.js", "SL110", 2, 22)]
    (finding,) = result.diagnostics
    assert "nodejs18.x runtime of function `create`" in finding.message
    assert "no package.json between the module and the code folder" in finding.message
