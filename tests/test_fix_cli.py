"""`slint check --fix`, `--unsafe-fixes` and `--diff` through the installed command."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from textwrap import dedent

from conftest import install_plugin, run_cli, write_tree

HANDLER = dedent("""\
    import boto3


    def handler(event, context):
        s3 = boto3.client("s3")
        return s3.list_buckets()
    """)
HOISTED = dedent("""\
    import boto3

    s3 = boto3.client("s3")


    def handler(event, context):
        return s3.list_buckets()
    """)
SERVERLESS = dedent("""\
    service: audit
    provider:
      name: aws
      runtime: python3.12
    functions:
      audit:
        handler: handler.handler
        events:
          - stream:
              arn: arn:aws:dynamodb:us-east-1:123456789012:table/t/stream/1
              destinations:
                onFailure: arn:aws:sqs:us-east-1:123456789012:dlq
    """)
SERVERLESS_FIXED = (
    SERVERLESS
    + "          maximumRetryAttempts: 3\n"
    + "          bisectBatchOnFunctionError: true\n"
    + "    timeout: 10\n"
)
ENV = {"SLINT_TODAY": "2026-11-27"}


def test_fix_applies_safe_fixes_until_stable_and_leaves_unsafe_ones(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER, "serverless.yml": SERVERLESS})
    result = run_cli("check", "--fix", ".", cwd=tmp_path, env=ENV)
    # SL203 and SL301 both insert at the end of the function: two rounds.
    assert (tmp_path / "serverless.yml").read_text() == SERVERLESS_FIXED
    assert (tmp_path / "handler.py").read_text() == HANDLER
    assert result.stdout.splitlines() == [
        "handler.py:5:10: SL101 `boto3.client(...)` creates a new boto3 client on every "
        "invocation: create it once at module scope so warm invocations reuse it",
        "Found 3 problems (2 fixed, 1 remaining).",
    ]
    assert result.returncode == 1


def test_unsafe_fixes_hoist_the_client(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER})
    result = run_cli("check", "--fix", "--unsafe-fixes", "handler.py", cwd=tmp_path)
    assert (tmp_path / "handler.py").read_text() == HOISTED
    assert result.stdout == "Found 1 problem (1 fixed, 0 remaining).\n"
    assert result.returncode == 0


def test_fix_keeps_line_endings_bom_encoding_and_mode(tmp_path: Path) -> None:
    latin = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + HANDLER
    crlf_yaml = "\ufeff" + SERVERLESS.replace("\n", "\r\n")
    (tmp_path / "handler.py").write_bytes(latin.replace("\n", "\r\n").encode("latin-1"))
    (tmp_path / "serverless.yml").write_bytes(crlf_yaml.encode("utf-8"))
    os.chmod(tmp_path / "serverless.yml", 0o640)
    result = run_cli("check", "--fix", "--unsafe-fixes", ".", cwd=tmp_path, env=ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    expected_py = "# -*- coding: latin-1 -*-\n# caf\xe9\n" + HOISTED
    assert (tmp_path / "handler.py").read_bytes() == expected_py.replace("\n", "\r\n").encode(
        "latin-1"
    )
    expected_yaml = "\ufeff" + SERVERLESS_FIXED.replace("\n", "\r\n")
    assert (tmp_path / "serverless.yml").read_bytes() == expected_yaml.encode("utf-8")
    assert stat.S_IMODE((tmp_path / "serverless.yml").stat().st_mode) == 0o640
    # No temporary file is left behind (the findings cache is slint's own folder).
    left = sorted(p.name for p in tmp_path.iterdir() if p.name != ".slint_cache")
    assert left == ["handler.py", "serverless.yml"]


def test_diff_shows_one_round_and_writes_nothing(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER})
    result = run_cli("check", "--diff", "--unsafe-fixes", "handler.py", cwd=tmp_path)
    assert (tmp_path / "handler.py").read_text() == HANDLER
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "--- a/handler.py",
        "+++ b/handler.py",
        "@@ -1,6 +1,7 @@",
        " import boto3",
        "+",
        '+s3 = boto3.client("s3")',
        " ",
        " ",
        " def handler(event, context):",
        '-    s3 = boto3.client("s3")',
        "     return s3.list_buckets()",
    ]
    assert result.stderr == "Would apply 1 fix.\n"
    safe_only = run_cli("check", "--diff", "handler.py", cwd=tmp_path)
    assert (safe_only.returncode, safe_only.stdout) == (0, "")


BREAKS = '''\
import libcst as cst

from slint.api import CodeRule, Invalid, Valid
from slint.diagnostics import Applicability, Edit, Fix, Location


class Breaks(CodeRule):
    """
    ## What it does
    Offers a fix that does not parse.

    ## Why is this bad?
    -

    ## Example
    -

    ## Use instead
    -

    ## Fix
    -
    """

    code = "ACM009"
    name = "breaks"
    valid = (Valid("x = 1\\n"),)
    invalid = (Invalid("pass\\n"),)

    def visit_Pass(self, node: cst.Pass) -> None:
        at = Location(1, 1)
        fix = Fix(Applicability.SAFE, "break it", (Edit(at, at, "(("),))
        self.ctx.report(self, node, "pass", fix=fix)
'''


def test_a_fix_that_would_not_parse_is_not_written(tmp_path: Path) -> None:
    env = install_plugin(tmp_path / "plugins", BREAKS)
    write_tree(tmp_path / "project", {"app.py": "pass\n"})
    result = run_cli("check", "--fix", "project", cwd=tmp_path, env=env)
    assert (tmp_path / "project" / "app.py").read_text() == "pass\n"
    assert (
        "slint: error: project/app.py: fixes not applied: the result would not parse"
        in result.stderr.splitlines()
    )
    assert result.returncode == 1
