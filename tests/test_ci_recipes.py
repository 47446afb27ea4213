"""The CI recipes of docs/ci (shown in the README's "CI" section), checked by their consumers.

- The GitHub Actions workflow and the GitLab CI job are validated against the schemas
  that check-jsonschema vendors (SchemaStore's GitHub workflow schema, GitLab's own CI
  schema). (actionlint has no installable build on the package index.)
- The slint commands in both are run as the CI runner would, on a small project.
- The pre-commit recipe is pasted into a project's `.pre-commit-config.yaml` with its
  `repo:` and `rev:` pointed at a snapshot of this work tree, installed, and exercised by
  real `git commit`s through the real pre-commit, once as written and once with its
  `args: [--fix]` line uncommented.
- The README shows each file verbatim.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
import yaml
from conftest import REPO, run_cli, slint_command, write_tree

import slint

RECIPES = REPO / "docs" / "ci"
GITHUB_WORKFLOW = RECIPES / "github-actions.yml"
GITLAB_CI = RECIPES / "gitlab-ci.yml"
PRE_COMMIT_CONFIG = RECIPES / "pre-commit-config.yaml"

# The README's "## CI" section has one subsection per recipe; the first code block of
# each is the recipe file, verbatim.
README_CI_HEADING = "## CI"
README_BLOCKS = {
    "### GitHub Actions": GITHUB_WORKFLOW,
    "### GitLab CI": GITLAB_CI,
    "### pre-commit": PRE_COMMIT_CONFIG,
}

HANDLER = dedent("""\
    import boto3


    def handler(event, context):
        s3 = boto3.client("s3")
        return s3.list_buckets()
    """)
SERVERLESS = dedent("""\
    service: shop
    provider:
      name: aws
      runtime: python3.12
      timeout: 10
    functions:
      api:
        handler: api.handler
    """)
# The one finding of the project above: the client built on every invocation.
HANDLER_FINDING = "api.py:5:10: SL101"

STREAM_HANDLER = dedent("""\
    def handler(event, context):
        for record in event["Records"]:
            print(record["eventID"])
    """)
# A DynamoDB stream whose failed batches are kept, but retried until they expire: SL203,
# whose fix (safe, so `--fix` applies it) bounds the retries. Nothing else is reported.
STREAM_SERVERLESS = dedent("""\
    service: audit
    provider:
      name: aws
      runtime: python3.12
      timeout: 10
    functions:
      audit:
        handler: stream.handler
        events:
          - stream:
              type: dynamodb
              arn: arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2026-01-01T00:00:00
              destinations:
                onFailure:
                  arn: arn:aws:sqs:us-east-1:123456789012:audit-failures
                  type: sqs
    """)
STREAM_FINDING = "serverless.yml:10:9: SL203"

# git without the machine's global and system configuration (a `core.hooksPath` there
# would make `pre-commit install` refuse; a signing setup would break the commits).
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "slint tests",
    "GIT_AUTHOR_EMAIL": "tests@example.invalid",
    "GIT_COMMITTER_NAME": "slint tests",
    "GIT_COMMITTER_EMAIL": "tests@example.invalid",
}


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    # The installed slint first on PATH, as `pip install slint-lambda` leaves it in CI.
    path = os.pathsep.join([str(Path(slint_command()[0]).parent), os.environ.get("PATH", "")])
    return {**os.environ, "PATH": path, "NO_COLOR": "1", **GIT_ENV, **(extra or {})}


# --- the workflow files, checked by their schemas --------------------------------------


def _check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_github_workflow_is_valid_for_the_github_workflow_schema() -> None:
    result = _check_jsonschema("vendor.github-workflows", GITHUB_WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_workflow(tmp_path: Path) -> None:
    # The validation above means something: a misspelt permission is refused.
    broken = tmp_path / "workflow.yml"
    text = GITHUB_WORKFLOW.read_text(encoding="utf-8")
    assert "security-events: write" in text
    broken.write_text(text.replace("security-events: write", "security-events: writ"))
    result = _check_jsonschema("vendor.github-workflows", broken)
    assert result.returncode == 1
    assert "'writ' is not one of" in result.stdout


def test_the_github_workflow_uploads_sarif_with_the_permission_it_needs() -> None:
    jobs = _load(GITHUB_WORKFLOW)["jobs"]
    check_steps = jobs["check"]["steps"]
    scan = jobs["code-scanning"]
    scan_steps = scan["steps"]
    # The check job fails on findings; it needs to read the code and nothing else.
    assert jobs["check"]["permissions"] == {"contents": "read"}
    assert [step["run"] for step in check_steps if "run" in step][-1] == (
        "slint check --output-format github ."
    )
    # The code scanning job uploads every finding whatever the exit code would be.
    assert scan["permissions"] == {"contents": "read", "security-events": "write"}
    uses = [step["uses"] for step in scan_steps if "uses" in step]
    assert uses[-1] == "github/codeql-action/upload-sarif@v4"
    upload = scan_steps[-1]["with"]
    sarif_run = [step["run"] for step in scan_steps if "run" in step][-1]
    assert "--exit-zero" in sarif_run.split()
    assert f"-o {upload['sarif_file']}" in sarif_run


def test_the_gitlab_job_is_valid_for_gitlab_s_ci_schema() -> None:
    result = _check_jsonschema("vendor.gitlab-ci", GITLAB_CI)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_gitlab_job_uploads_its_code_quality_report_even_when_it_fails() -> None:
    config = _load(GITLAB_CI)
    (name,) = config
    job = config[name]
    report = job["artifacts"]["reports"]["codequality"]
    # GitLab uploads `reports` whatever the job's result, but the browsable copy under
    # `paths` only on success by default, and findings fail the job.
    assert job["artifacts"]["paths"] == [report]
    assert job["artifacts"]["when"] == "always"
    assert f"--output-format gitlab -o {report} ." in job["script"][-1]


# --- the slint commands of the recipes, run as the CI runner would ----------------------


def _ci_commands(commands: list[str]) -> list[str]:
    # Everything but the installation: the slint under test is installed already.
    return [command for command in commands if "pip install" not in command]


def _run_like_ci(commands: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # GitHub runs each `run:` with `bash --noprofile --norc -eo pipefail`; a GitLab
    # script stops at its first failing line. The same for both: stop at the first failure.
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", "\n".join(commands)],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _job_runs(job: Mapping[str, Any]) -> list[str]:
    return _ci_commands([step["run"] for step in job["steps"] if "run" in step])


def test_the_github_check_job_fails_with_an_annotation_per_finding(tmp_path: Path) -> None:
    write_tree(tmp_path, {"api.py": HANDLER, "serverless.yml": SERVERLESS})
    result = _run_like_ci(_job_runs(_load(GITHUB_WORKFLOW)["jobs"]["check"]), tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 1, result.stdout
    assert annotations[0].startswith("::warning file=api.py,line=5,col=10,")


def test_the_github_code_scanning_job_writes_the_sarif_it_uploads(tmp_path: Path) -> None:
    write_tree(tmp_path, {"api.py": HANDLER, "serverless.yml": SERVERLESS})
    job = _load(GITHUB_WORKFLOW)["jobs"]["code-scanning"]
    result = _run_like_ci(_job_runs(job), tmp_path)
    # The findings do not stop the job before its upload step.
    assert result.returncode == 0, result.stdout + result.stderr
    sarif = json.loads((tmp_path / job["steps"][-1]["with"]["sarif_file"]).read_text())
    (run,) = sarif["runs"]
    locations = [
        (
            result["ruleId"],
            result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            result["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for result in run["results"]
    ]
    assert locations == [("SL101", "api.py", 5)]


def test_the_gitlab_job_fails_and_leaves_its_code_quality_report(tmp_path: Path) -> None:
    write_tree(tmp_path, {"api.py": HANDLER, "serverless.yml": SERVERLESS})
    job = next(iter(_load(GITLAB_CI).values()))
    result = _run_like_ci(_ci_commands(job["script"]), tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    report = json.loads((tmp_path / job["artifacts"]["reports"]["codequality"]).read_text())
    assert [
        (issue["check_name"], issue["location"]["path"], issue["location"]["lines"]["begin"])
        for issue in report
    ] == [("SL101", "api.py", 5)]


# --- the pre-commit recipe, through the real pre-commit and real commits ----------------


def _git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )


def _snapshot_of_this_work_tree(dest: Path) -> str:
    """Commit this work tree as it is (edits and new files included) in a repository at
    `dest`, read-only for this one; return the commit, the `rev:` pre-commit installs."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        env=_environment(),
        capture_output=True,
        timeout=120,
        check=True,
    ).stdout
    for name in filter(None, listed.split(b"\0")):
        relative = os.fsdecode(name)
        source = REPO / relative
        # A tracked file deleted in the work tree is not part of it.
        if not source.is_file():
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "--no-verify", "-m", "snapshot")
    return _git(dest, "rev-parse", "HEAD").stdout.strip()


@pytest.fixture(scope="module")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    repository = tmp_path_factory.mktemp("slint-repository")
    return repository, _snapshot_of_this_work_tree(repository)


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    # One hook environment for the module: pre-commit builds it on first use.
    yield tmp_path_factory.mktemp("pre-commit-home")


def _recipe_for(repository: Path, rev: str, *, fix: bool = False) -> str:
    """The recipe as a user pastes it, with only `repo:` and `rev:` pointing at `repository`
    (and, for `fix`, the `args: [--fix]` line uncommented, as its comment says to)."""
    text = PRE_COMMIT_CONFIG.read_text(encoding="utf-8")
    text, repos = re.subn(r"(?m)^(\s*- repo: ).*$", lambda m: m[1] + str(repository), text)
    text, revs = re.subn(r"(?m)^(\s*rev: ).*$", lambda m: m[1] + rev, text)
    assert (repos, revs) == (1, 1), text
    if fix:
        text, uncommented = re.subn(r"(?m)^(\s*)# (args: \[--fix\])$", r"\1\2", text)
        assert uncommented == 1, text
    return text


def _project_with_hook(
    root: Path, files: Mapping[str, str], config: str, home: Path
) -> dict[str, str]:
    write_tree(root, {**files, ".pre-commit-config.yaml": config})
    env = _environment({"PRE_COMMIT_HOME": str(home), "SLINT_TODAY": "2026-11-27"})
    _git(root, "init", "-q")
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    _git(root, "add", "-A")
    return env


def _commit(root: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "commit", "-m", "change"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


def _has_commits(root: Path) -> bool:
    head = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", "HEAD"],
        cwd=root,
        env=_environment(),
        capture_output=True,
        check=False,
    )
    return head.returncode == 0


def _hook_result(output: str) -> str:
    # pre-commit's status line for the hook: `slint.........Failed`.
    (status,) = re.findall(r"(?m)^slint\.+(Passed|Failed)$", output)
    return str(status)


def _findings(output: str) -> list[str]:
    return re.findall(r"(?m)^(\S+:\d+:\d+: SL\d{3}) ", output)


def test_the_pre_commit_recipe_uses_this_repository_s_hook_at_the_released_tag() -> None:
    hooks = {hook["id"] for hook in _load(REPO / ".pre-commit-hooks.yaml")}
    (repo,) = _load(PRE_COMMIT_CONFIG)["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == ["slint"]
    assert "slint" in hooks
    assert repo["rev"] == f"v{slint.__version__}"


@pytest.mark.slow
def test_the_pre_commit_recipe_stops_a_commit_with_a_finding(
    tmp_path: Path, hook_source: tuple[Path, str], pre_commit_home: Path
) -> None:
    config = _recipe_for(*hook_source)
    files = {"api.py": HANDLER, "serverless.yml": SERVERLESS}
    env = _project_with_hook(tmp_path, files, config, pre_commit_home)
    result = _commit(tmp_path, env)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert _hook_result(output) == "Failed"
    assert _findings(output) == [HANDLER_FINDING]
    assert not _has_commits(tmp_path)


@pytest.mark.slow
def test_the_pre_commit_recipe_with_fix_fixes_then_lets_the_commit_through(
    tmp_path: Path, hook_source: tuple[Path, str], pre_commit_home: Path
) -> None:
    config = _recipe_for(*hook_source, fix=True)
    files = {"stream.py": STREAM_HANDLER, "serverless.yml": STREAM_SERVERLESS}
    env = _project_with_hook(tmp_path, files, config, pre_commit_home)
    unfixed = run_cli("check", ".", cwd=tmp_path)
    assert unfixed.returncode == 1, unfixed.stdout + unfixed.stderr
    assert STREAM_FINDING in unfixed.stdout

    first = _commit(tmp_path, env)
    output = first.stdout + first.stderr
    # The hook fixed the file: the commit stops for the change to be reviewed and staged.
    assert first.returncode == 1, output
    assert _hook_result(output) == "Failed"
    assert "files were modified by this hook" in output
    assert _findings(output) == []
    assert not _has_commits(tmp_path)
    # The two settings appended to the stream event's, at their indentation.
    assert (tmp_path / "serverless.yml").read_text(encoding="utf-8") == STREAM_SERVERLESS + (
        "          maximumRetryAttempts: 3\n          bisectBatchOnFunctionError: true\n"
    )

    _git(tmp_path, "add", "-A")
    second = _commit(tmp_path, env)
    assert second.returncode == 0, second.stdout + second.stderr
    assert _hook_result(second.stdout + second.stderr) == "Passed"
    assert _has_commits(tmp_path)


# --- the README shows the recipes verbatim ---------------------------------------------


def _readme_section(text: str, heading: str, level: int) -> str:
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\n") == heading]
    assert len(starts) == 1, f"README.md needs exactly one {heading!r} heading"
    section: list[str] = []
    in_code = False
    for line in lines[starts[0] + 1 :]:
        if line.startswith("```"):
            in_code = not in_code
        # A heading of this level or above ends the section; `#` in code blocks does not.
        marks = len(line) - len(line.lstrip("#"))
        if not in_code and 0 < marks <= level and line[marks : marks + 1] == " ":
            break
        section.append(line)
    return "".join(section)


def _first_code_block(section: str) -> str:
    match = re.search(r"^```[a-z]*\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)
    assert match, section
    return match[1]


@pytest.mark.parametrize("heading", README_BLOCKS)
def test_the_readme_shows_the_recipe_verbatim(heading: str) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    ci = _readme_section(readme, README_CI_HEADING, 2)
    block = _first_code_block(_readme_section(ci, heading, 3))
    assert block == README_BLOCKS[heading].read_text(encoding="utf-8")
