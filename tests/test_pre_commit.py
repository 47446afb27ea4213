"""The hook in .pre-commit-hooks.yaml, run by the real pre-commit (`pre-commit try-repo`)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import REPO, write_tree

HANDLER = dedent("""\
    import boto3


    def create_order(event, context):
        s3 = boto3.client("s3")
        return s3.list_buckets()
    """)
SERVERLESS = dedent("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
    functions:
      create:
        handler: api.create_order
    """)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # One hook environment for the whole module: pre-commit builds it on first use.
    yield tmp_path_factory.mktemp("pre-commit-home")


def _project(root: Path, files: dict[str, str]) -> Path:
    write_tree(root, files)
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    return root


def _try_repo(project: Path, home: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "SLINT_TODAY": "2026-11-27"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "slint", "--files", *files],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _findings(output: str) -> list[str]:
    return [
        line.split(" ", 2)[0] + " " + line.split(" ", 2)[1]
        for line in output.splitlines()
        if line.count(":") >= 3 and " SL" in line
    ]


def test_a_handler_named_only_by_config_is_checked_with_its_config(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    project = _project(tmp_path, {"api.py": HANDLER, "serverless.yml": SERVERLESS})
    result = _try_repo(project, pre_commit_home, "api.py")
    assert result.returncode == 1, result.stdout + result.stderr
    # `create_order` is not a conventional handler name: only the config makes it one,
    # and the config is found by walking up, yet only api.py is reported on.
    assert _findings(result.stdout) == ["api.py:5:10: SL101"]


def test_a_config_passed_alone_gets_config_findings(tmp_path: Path, pre_commit_home: Path) -> None:
    project = _project(tmp_path, {"api.py": HANDLER, "serverless.yml": SERVERLESS})
    result = _try_repo(project, pre_commit_home, "serverless.yml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert _findings(result.stdout) == ["serverless.yml:6:3: SL301"]


def test_clean_files_pass_and_excluded_ones_are_skipped(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    clean = HANDLER.replace("    s3 = boto3.client", "    s3 = S3  # boto3.client").replace(
        "import boto3\n", 'import boto3\n\nS3 = boto3.client("s3")\n'
    )
    project = _project(
        tmp_path,
        {
            "api.py": clean,
            "serverless.yml": SERVERLESS.replace(
                "runtime: python3.12", "runtime: python3.12\n  timeout: 10"
            ),
            "build/gen.py": HANDLER.replace("create_order", "handler"),
        },
    )
    result = _try_repo(project, pre_commit_home, "api.py", "serverless.yml", "build/gen.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout


WORKER = dedent("""\
    def handle_orders(event, context):
        failed = []
        for record in event["Records"]:
            try:
                print(record["body"])
            except Exception:
                failed.append({"itemIdentifier": record["messageId"]})
        return {"batchItemFailure": failed}
    """)
WORKER_CONFIG = dedent("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
      timeout: 10
    functions:
      worker:
        handler: worker.handle_orders
        events:
          - sqs:
              arn: arn:aws:sqs:us-east-1:123456789012:orders
              functionResponseType: ReportBatchItemFailures
    """)


def test_a_config_alone_shows_the_cross_findings_it_causes_in_its_handlers(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    # A commit that only adds the SQS trigger: the handler it names never reports its
    # failures under the right key, so the new trigger loses messages. The finding is in
    # the handler, which the commit did not touch, and is shown all the same.
    project = _project(tmp_path, {"worker.py": WORKER, "serverless.yml": WORKER_CONFIG})
    result = _try_repo(project, pre_commit_home, "serverless.yml")
    assert result.returncode == 1, result.stdout + result.stderr
    assert _findings(result.stdout) == ["worker.py:1:5: SL206"]
    # The handler alone gets the same finding from the config found above it.
    result = _try_repo(project, pre_commit_home, "worker.py")
    assert _findings(result.stdout) == ["worker.py:1:5: SL206"]


NODE_CONFIG = dedent("""\
    service: hooks
    provider:
      name: aws
      runtime: nodejs24.x
      timeout: 10
    functions:
      status:
        handler: src/status.handler
    """)


def test_javascript_handlers_are_checked_with_their_config(
    tmp_path: Path, pre_commit_home: Path
) -> None:
    # The hook passes JavaScript and TypeScript files: a callback handler on nodejs24.x
    # (SL002 with the config's runtime) and a syntax error in a TypeScript file.
    project = _project(
        tmp_path,
        {
            "serverless.yml": NODE_CONFIG,
            "src/status.js": (
                "exports.handler = function (event, context, callback) {\n"
                "  callback(null, { statusCode: 200 });\n"
                "};\n"
            ),
            "src/util.ts": "export const f = (x: number => x;\n",
        },
    )
    result = _try_repo(project, pre_commit_home, "src/status.js", "src/util.ts")
    assert result.returncode == 1, result.stdout + result.stderr
    assert _findings(result.stdout) == ["src/status.js:1:9: SL002", "src/util.ts:1:16: SL000"]
