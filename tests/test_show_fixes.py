"""`slint check --show-fixes` (and the `show-fixes` setting) through the installed command.

As in ruff: after the findings, set off by blank lines, the fixes that `--fix` applied
(or, without `--fix`, the ones it would apply), per file and rule, then the summary.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import run_cli, write_tree
from test_cli import _run_on_a_terminal

HANDLER = dedent("""\
    import boto3


    def handler(event, context):
        s3 = boto3.client("s3")
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
ENV = {"SLINT_TODAY": "2026-11-27"}
# ruff's sign between a count and a rule code (spelled out: ruff flags it as ambiguous).
X = "\N{MULTIPLICATION SIGN}"

SL101 = (
    "handler.py:5:10: SL101 {marker}`boto3.client(...)` creates a new boto3 client on every "
    "invocation: create it once at module scope so warm invocations reuse it"
)
SL301 = (
    "serverless.yml:6:3: SL301 [*] Function `audit` sets no timeout and inherits none, so it "
    "runs with the Serverless Framework's default 6 s: set `timeout` or `provider.timeout` "
    "to the time the work needs."
)
SL203 = (
    "serverless.yml:9:9: SL203 [*] The DynamoDB stream source of function `audit` has no "
    "`maximumRetryAttempts`: AWS retries a failing batch until its records expire and the "
    "shard stops meanwhile; set `maximumRetryAttempts` (e.g. 3) and "
    "`bisectBatchOnFunctionError: true`."
)


def project(root: Path) -> Path:
    write_tree(root, {"handler.py": HANDLER, "serverless.yml": SERVERLESS})
    return root


def text(*lines: str) -> str:
    return "".join(line + "\n" for line in lines)


def test_without_fix_lists_the_fixes_fix_would_apply(tmp_path: Path) -> None:
    project(tmp_path)
    result = run_cli("check", "--show-fixes", ".", cwd=tmp_path, env=ENV)
    assert result.stdout == text(
        SL101.format(marker=""),
        SL301,
        SL203,
        "",
        "Would fix 2 problems:",
        "- serverless.yml:",
        f"    1 {X} SL203 (unbounded-retries)",
        f"    1 {X} SL301 (missing-timeout)",
        "",
        "Found 3 problems (2 fixable with --fix, 1 fixable with --unsafe-fixes).",
    )
    assert (result.returncode, result.stderr) == (1, "")
    # Nothing was written.
    assert (tmp_path / "serverless.yml").read_text() == SERVERLESS


def test_without_fix_and_with_unsafe_fixes_the_unsafe_ones_are_listed_too(
    tmp_path: Path,
) -> None:
    project(tmp_path)
    result = run_cli("check", "--show-fixes", "--unsafe-fixes", ".", cwd=tmp_path, env=ENV)
    assert result.stdout == text(
        SL101.format(marker="[*] "),
        SL301,
        SL203,
        "",
        "Would fix 3 problems:",
        "- handler.py:",
        f"    1 {X} SL101 (client-in-handler)",
        "- serverless.yml:",
        f"    1 {X} SL203 (unbounded-retries)",
        f"    1 {X} SL301 (missing-timeout)",
        "",
        "Found 3 problems (3 fixable with --fix).",
    )
    assert result.returncode == 1


def test_with_fix_lists_what_every_round_fixed(tmp_path: Path) -> None:
    project(tmp_path)
    # SL203 and SL301 insert at the same point: they are applied in two rounds.
    result = run_cli("check", "--fix", "--show-fixes", ".", cwd=tmp_path, env=ENV)
    assert result.stdout == text(
        SL101.format(marker=""),
        "",
        "Fixed 2 problems:",
        "- serverless.yml:",
        f"    1 {X} SL203 (unbounded-retries)",
        f"    1 {X} SL301 (missing-timeout)",
        "",
        "Found 3 problems (2 fixed, 1 remaining).",
    )
    assert (result.returncode, result.stderr) == (1, "")
    assert "timeout: 10" in (tmp_path / "serverless.yml").read_text()


def test_with_everything_fixed_the_list_opens_the_output(tmp_path: Path) -> None:
    project(tmp_path)
    result = run_cli("check", "--fix", "--unsafe-fixes", "--show-fixes", ".", cwd=tmp_path, env=ENV)
    assert result.stdout == text(
        "",
        "Fixed 3 problems:",
        "- handler.py:",
        f"    1 {X} SL101 (client-in-handler)",
        "- serverless.yml:",
        f"    1 {X} SL203 (unbounded-retries)",
        f"    1 {X} SL301 (missing-timeout)",
        "",
        "Found 3 problems (3 fixed, 0 remaining).",
    )
    assert (result.returncode, result.stderr) == (0, "")


def test_quiet_keeps_the_list_and_drops_the_summary(tmp_path: Path) -> None:
    project(tmp_path)
    result = run_cli("check", "--fix", "--show-fixes", "-q", ".", cwd=tmp_path, env=ENV)
    assert result.stdout == text(
        SL101.format(marker=""),
        "",
        "Fixed 2 problems:",
        "- serverless.yml:",
        f"    1 {X} SL203 (unbounded-retries)",
        f"    1 {X} SL301 (missing-timeout)",
        "",
    )
    assert result.returncode == 1


def test_counts_are_aligned_and_sorted_most_frequent_first(tmp_path: Path) -> None:
    # One function with a stream source and no retry bound (SL203), ten without a
    # timeout (SL301); and a second project whose one finding is listed in its own file.
    functions = "".join(f"  f{n}:\n    handler: api.handler\n" for n in range(1, 11))
    write_tree(
        tmp_path,
        {
            "shop/serverless.yml": dedent("""\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  stream:
                    handler: api.handler
                    timeout: 6
                    events:
                      - stream:
                          arn: arn:aws:kinesis:us-east-1:123456789012:stream/s
                          destinations:
                            onFailure: arn:aws:sqs:us-east-1:123456789012:dlq
                """)
            + functions,
            "shop/api.py": "def handler(event, context):\n    return 1\n",
            "audit/serverless.yml": dedent("""\
                service: audit
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  audit:
                    handler: handler.handler
                """),
            "audit/handler.py": "def handler(event, context):\n    return 1\n",
        },
    )
    result = run_cli("check", "--show-fixes", "-q", "shop", "audit", cwd=tmp_path, env=ENV)
    findings, listing = result.stdout.split("\n\n", 1)
    assert len(findings.splitlines()) == 12
    assert listing == text(
        "Would fix 12 problems:",
        "- audit/serverless.yml:",
        f"     1 {X} SL301 (missing-timeout)",
        "- shop/serverless.yml:",
        f"    10 {X} SL301 (missing-timeout)",
        f"     1 {X} SL203 (unbounded-retries)",
        "",
    )


def test_nothing_to_fix_prints_no_list(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER})
    plain = run_cli("check", ".", cwd=tmp_path)
    shown = run_cli("check", "--show-fixes", ".", cwd=tmp_path)
    assert (
        shown.stdout
        == plain.stdout
        == text(SL101.format(marker=""), "Found 1 problem (1 fixable with --unsafe-fixes).")
    )
    fixed_nothing = run_cli("check", "--fix", "--show-fixes", ".", cwd=tmp_path)
    assert fixed_nothing.stdout == plain.stdout
    clean = tmp_path / "clean"
    write_tree(clean, {"app.py": "def handler(event, context):\n    return 1\n"})
    assert run_cli("check", "--show-fixes", ".", cwd=clean).stdout == "All checks passed!\n"


def test_statistics_and_json_are_unchanged(tmp_path: Path) -> None:
    project(tmp_path)
    for options in (("--statistics",), ("--output-format", "json"), ("--diff",)):
        plain = run_cli("check", *options, ".", cwd=tmp_path, env=ENV)
        shown = run_cli("check", *options, "--show-fixes", ".", cwd=tmp_path, env=ENV)
        assert (shown.stdout, shown.stderr, shown.returncode) == (
            plain.stdout,
            plain.stderr,
            plain.returncode,
        )
    assert (tmp_path / "serverless.yml").read_text() == SERVERLESS


LISTING = text(
    "",
    "Would fix 2 problems:",
    "- serverless.yml:",
    f"    1 {X} SL203 (unbounded-retries)",
    f"    1 {X} SL301 (missing-timeout)",
    "",
)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("pyproject.toml", "[tool.slint]\nshow-fixes = true\n"),
        ("slint.toml", "show-fixes = true\n"),
        (".slint.toml", "show-fixes = true\n"),
    ],
)
def test_the_show_fixes_setting(name: str, content: str, tmp_path: Path) -> None:
    project(tmp_path)
    write_tree(tmp_path, {name: content})
    result = run_cli("check", "-q", ".", cwd=tmp_path, env=ENV)
    assert result.stdout == text(SL101.format(marker=""), SL301, SL203) + LISTING
    # The command line wins.
    off = run_cli("check", "-q", "--no-show-fixes", ".", cwd=tmp_path, env=ENV)
    assert off.stdout == text(SL101.format(marker=""), SL301, SL203)


def test_the_setting_comes_from_the_current_directory_or_config(tmp_path: Path) -> None:
    project(tmp_path / "app")
    write_tree(tmp_path, {"settings/slint.toml": "show-fixes = true\n"})
    # No configuration applies to the current directory: off.
    result = run_cli("check", "-q", "app", cwd=tmp_path, env=ENV)
    assert LISTING not in result.stdout
    # `--config` names the configuration of the whole run.
    named = run_cli("check", "-q", "--config", "settings/slint.toml", "app", cwd=tmp_path, env=ENV)
    assert named.stdout.endswith(LISTING.replace("serverless.yml", "app/serverless.yml"))
    # `show-fixes = false` in the current directory turns it off; `--show-fixes` on.
    write_tree(tmp_path, {"slint.toml": "show-fixes = false\n"})
    assert LISTING not in run_cli("check", "-q", "app", cwd=tmp_path, env=ENV).stdout
    shown = run_cli("check", "-q", "--show-fixes", "app", cwd=tmp_path, env=ENV)
    assert shown.stdout.endswith(LISTING.replace("serverless.yml", "app/serverless.yml"))


@pytest.mark.parametrize(
    ("value", "shown"),
    [('"yes"', "'yes'"), ("1", "1"), ("[true]", "[True]")],
)
def test_a_bad_setting_is_one_line(value: str, shown: str, tmp_path: Path) -> None:
    project(tmp_path)
    write_tree(tmp_path, {"pyproject.toml": f"[tool.slint]\nshow-fixes = {value}\n"})
    result = run_cli("check", ".", cwd=tmp_path, env=ENV)
    config = tmp_path.resolve() / "pyproject.toml"
    assert result.stderr == (
        f"slint: error: {config}: tool.slint.show-fixes must be true or false, not {shown}\n"
    )
    assert (result.returncode, result.stdout) == (2, "")


def test_help_lists_the_option(tmp_path: Path) -> None:
    result = run_cli("check", "--help", cwd=tmp_path)
    assert "--show-fixes / --no-show-fixes" in result.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_the_list_is_coloured_on_a_terminal(tmp_path: Path) -> None:
    project(tmp_path)
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    code, coloured = _run_on_a_terminal(
        ["check", "-q", "--show-fixes", "."], tmp_path, {**environment, **ENV}
    )
    assert code == 1
    listing = coloured.replace("\r\n", "\n").split("\n\n")[1]
    assert "\x1b[" in listing
    assert re.sub(r"\x1b\[[0-9;]*m", "", listing) + "\n" == LISTING.strip("\n") + "\n"
