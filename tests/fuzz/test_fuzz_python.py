"""Generated handler modules (and mutations that break them) through the real engine."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from fuzz.properties import check_project
from fuzz.strategies import encode, python_modules

SERVERLESS = b"""\
service: fuzz
provider:
  name: aws
  runtime: python3.12
functions:
  main:
    handler: handler.handler
    events:
      - sqs:
          arn: arn:aws:sqs:us-east-1:123456789012:queue
          functionResponseType: ReportBatchItemFailures
  api:
    handler: handler.lambda_handler
    events:
      - http: GET /orders
"""


@given(python_modules(mutations=0))
def test_modules_alone(text: str) -> None:
    check_project({"handler.py": encode(text)})


@given(python_modules(mutations=0), python_modules(mutations=0))
def test_modules_named_by_a_config(handler: str, helper: str) -> None:
    check_project(
        {"handler.py": encode(handler), "helpers.py": encode(helper), "serverless.yml": SERVERLESS}
    )


@given(python_modules(mutations=3), st.booleans())
def test_broken_modules(text: str, with_config: bool) -> None:
    files = {"handler.py": encode(text)}
    if with_config:
        files["serverless.yml"] = SERVERLESS
    check_project(files)
