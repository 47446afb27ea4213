"""Regressions found by running slint on public serverless projects."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from conftest import codes_at, lint, write_tree


def test_compiler_errors_libcst_accepts_are_parse_errors(tmp_path: Path) -> None:
    # serverless-test-samples fargate-lambda-stepfunction-async: an `async with` that lost
    # its indentation sits at module level. libcst parses it, CPython refuses to compile
    # it, and Lambda fails with Runtime.UserCodeSyntaxError on the first invocation.
    write_tree(
        tmp_path,
        {
            "worker.py": dedent(
                """\
                import aiohttp


                async def call(url, payload):
                    api_url = url

                async with aiohttp.ClientSession() as session:
                    async with session.post(api_url, json=payload) as response:
                        data = await response.json()


                def lambda_handler(event, context):
                    return {"statusCode": 200}
                """
            ),
            "report.py": dedent(
                """\
                def handler(event, context):
                    total = sum(event["values"])
                return {"total": total}
                """
            ),
            "dup.py": dedent(
                """\
                def handler(event, event):
                    return event
                """
            ),
            # Valid code around the checked errors stays silent, warnings included.
            "ok.py": dedent(
                """\
                import re

                PATTERN = re.compile("\\d+")


                async def fetch(session):
                    async with session.get("https://example.com") as response:
                        return [line async for line in response.content]


                def handler(event, context):
                    for record in event["Records"]:
                        if not record:
                            continue
                        break
                    return PATTERN.findall(str(event))
                """
            ),
        },
    )
    result = lint(tmp_path, select=["SL000"])
    assert codes_at(result.diagnostics) == [
        ("dup.py", "SL000", 1, 20),
        ("report.py", "SL000", 3, 1),
        ("worker.py", "SL000", 7, 1),
    ]
    messages = sorted(d.message for d in result.diagnostics)
    assert messages == [
        "syntax error: 'async with' outside async function",
        "syntax error: 'return' outside function",
        "syntax error: duplicate argument 'event' in function definition",
    ]
