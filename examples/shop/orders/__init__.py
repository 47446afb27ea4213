"""Order handling for the shop backend.

Each module holds the Lambda handler for one function in ``serverless.yml``;
``orders.db`` is the shared DynamoDB access layer.
"""
