"""The README's Quick start: two one-line commands that work on a stock machine, and .ci/run
runs exactly those commands.

.ci/run reads the commands from README.md at run time (`.ci/run --print-quickstart`); these
tests parse the README independently and check that the extraction agrees, then run .ci/run
itself on a copy whose Quick start commands are cheap stand-ins, to see that it runs them
verbatim, in a fresh copy of the tree, and then the linters from the `.venv` they made.
scripts/check_quickstart_debian.sh runs the real commands in a fresh Debian (root only).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import REPO

CI_RUN = REPO / ".ci" / "run"

needs_bash = pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("awk") is None,
    reason=".ci/run is a bash script using awk",
)


def quickstart_blocks(markdown: str) -> list[list[str]]:
    """The lines of each ```sh block of the "## Quick start" section."""
    blocks: list[list[str]] = []
    in_section = False
    fence: str | None = None  # "sh" or "other" while inside a fenced block
    for line in markdown.splitlines():
        if fence is None and line.startswith("## "):
            in_section = line == "## Quick start"
            continue
        if not in_section:
            continue
        if line.startswith("```"):
            if fence is None:
                fence = "sh" if line == "```sh" else "other"
                if fence == "sh":
                    blocks.append([])
            else:
                fence = None
            continue
        if fence == "sh":
            blocks[-1].append(line)
    return blocks


def readme_commands() -> list[str]:
    blocks = quickstart_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert len(blocks) == 2, f"the Quick start must have two sh blocks, it has {len(blocks)}"
    for number, block in enumerate(blocks, start=1):
        assert len(block) == 1, f"Quick start block {number} must be one line: {block}"
    return [block[0] for block in blocks]


def print_quickstart(readme: Path | None = None) -> subprocess.CompletedProcess[str]:
    extra = [str(readme)] if readme is not None else []
    return subprocess.run(
        ["bash", str(CI_RUN), "--print-quickstart", *extra],
        capture_output=True,
        text=True,
        timeout=30,
    )


@needs_bash
def test_ci_run_extracts_exactly_the_readme_commands() -> None:
    printed = print_quickstart()
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines() == readme_commands()


def steps_of(command: str) -> list[list[str]]:
    return [shlex.split(step) for step in command.split(" && ")]


def test_each_command_works_from_a_fresh_clone_without_touching_the_system_python() -> None:
    """Debian and Ubuntu have `python3` but maybe no `python`, and refuse `pip install`
    into the system Python (PEP 668): each command makes its own virtual environment and
    runs everything else from it, so either can be pasted first."""
    for command in readme_commands():
        first, *rest = steps_of(command)
        assert first == ["python3", "-m", "venv", ".venv"], command
        for step in rest:
            assert step[0].startswith(".venv/bin/"), f"{step[0]} does not come from .venv"


def test_the_commands_do_what_the_readme_says() -> None:
    """The last step decides the exit code .ci/run checks: slint's own (1: the example has
    findings), then pytest's."""
    install_and_check, install_and_test = map(steps_of, readme_commands())
    assert [".venv/bin/python", "-m", "pip", "install", "."] in install_and_check
    assert install_and_check[-1] == [".venv/bin/slint", "check", "examples/shop"]
    assert [".venv/bin/python", "-m", "pip", "install", "-e", ".[test]"] in install_and_test
    assert install_and_test[-1] == [".venv/bin/python", "-m", "pytest"]


def test_the_virtual_environment_is_git_ignored() -> None:
    ignored = (REPO / ".gitignore").read_text(encoding="utf-8").splitlines()
    folders = {
        match.group(1)
        for command in readme_commands()
        for match in re.finditer(r"python3 -m venv (\S+)", command)
    }
    assert folders == {".venv"}
    assert ".venv/" in ignored


@needs_bash
@pytest.mark.parametrize(
    ("markdown", "error"),
    [
        (
            "## Quick start\n\n```sh\na && b\n```\n\n```sh\nc\nd\n```\n",
            "Quick start sh block 2 has 2 lines, not 1",
        ),
        (
            "## Quick start\n\n```sh\na\n```\n\n## Usage\n\n```sh\nb\n```\n",
            "the Quick start has 1 sh blocks, not 2",
        ),
        (
            "## Quick start\n\n```sh\na\n```\n\n```sh\nb\n```\n\n```sh\nc\n```\n",
            "the Quick start has 3 sh blocks, not 2",
        ),
    ],
)
def test_ci_run_refuses_a_quick_start_it_cannot_run_as_written(
    tmp_path: Path, markdown: str, error: str
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(markdown, encoding="utf-8")
    printed = print_quickstart(readme)
    assert printed.returncode == 2
    assert printed.stderr.strip() == error


@needs_bash
def test_other_blocks_and_sections_are_not_commands(tmp_path: Path) -> None:
    markdown = (
        "# x\n\n```sh\nbefore\n```\n\n## Quick start\n\ntext\n\n"
        "```text\n## not a heading\n```\n\n```sh\nfirst && one\n```\n\nmore\n\n"
        "```sh\nsecond\n```\n\n## Usage\n\n```sh\nafter\n```\n"
    )
    assert quickstart_blocks(markdown) == [["first && one"], ["second"]]
    readme = tmp_path / "README.md"
    readme.write_text(markdown, encoding="utf-8")
    printed = print_quickstart(readme)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.splitlines() == ["first && one", "second"]


# --- .ci/run itself, on a tree whose Quick start commands are cheap stand-ins ---------------

# Stand-ins for pip, slint and the linters: each step appends to ../shared/calls.log (the
# link .ci/run makes beside its copy), so the test sees what ran, where and in what order.
FAKE_TOOLS = """\
set -e
mkdir -p .venv/bin
for tool in ruff mypy; do
    printf '#!/bin/sh\\necho "%s $*" >> ../shared/calls.log\\n' "$tool" > ".venv/bin/$tool"
    chmod +x ".venv/bin/$tool"
done
"""


def fake_repo(tmp_path: Path, first: str, second: str) -> Path:
    repo = tmp_path / "repo"
    (repo / ".ci").mkdir(parents=True)
    shutil.copy(CI_RUN, repo / ".ci" / "run")
    (repo / "fake_tools.sh").write_text(FAKE_TOOLS, encoding="utf-8")
    # A virtual environment of the developer's own, which the run must neither use nor see.
    (repo / ".venv" / "bin").mkdir(parents=True)
    (repo / ".venv" / "mine").write_text("", encoding="utf-8")
    (repo / "README.md").write_text(
        f"# demo\n\n## Quick start\n\n```sh\n{first}\n```\n\nthen\n\n```sh\n{second}\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "shared").mkdir()
    return repo


def run_ci(repo: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "tmp").mkdir(exist_ok=True)
    return subprocess.run(
        ["bash", str(repo / ".ci" / "run")],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TMPDIR": str(tmp_path / "tmp")},
    )


FIRST = (
    'test ! -e .venv/mine && echo "one $(basename "$PWD")" >> ../shared/calls.log'
    " && sh fake_tools.sh && echo 'Found 2 problems (1 fixable with --fix).' && exit 1"
)
SECOND = "echo 'two' >> ../shared/calls.log && test -x .venv/bin/ruff"


@needs_bash
def test_ci_run_runs_the_two_commands_in_a_fresh_copy_then_the_linters(tmp_path: Path) -> None:
    repo = fake_repo(tmp_path, FIRST, SECOND)
    result = run_ci(repo, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"== Quick start 1: {FIRST}\n" in result.stdout
    assert f"== Quick start 2: {SECOND}\n" in result.stdout
    assert (tmp_path / "shared" / "calls.log").read_text(encoding="utf-8").splitlines() == [
        "one slint",  # the copy, which has no .venv/mine
        "two",
        "ruff check slint rules tests scripts",
        "ruff format --check slint rules tests scripts",
        "mypy ",
    ]
    assert list((tmp_path / "tmp").iterdir()) == []  # the copy is removed
    assert not (repo / ".venv" / "bin" / "ruff").exists()


@needs_bash
@pytest.mark.parametrize(
    "first",
    [
        # pip failing exits 1 too, but prints no findings summary
        "sh fake_tools.sh && echo 'ERROR: externally-managed-environment' && exit 1",
        # no findings on the example: the example or the rules are broken
        "sh fake_tools.sh && echo 'All checks passed!'",
        "sh fake_tools.sh && echo 'Found 2 problems.' && exit 2",
    ],
)
def test_ci_run_fails_unless_the_first_command_reports_findings(tmp_path: Path, first: str) -> None:
    repo = fake_repo(tmp_path, first, SECOND)
    result = run_ci(repo, tmp_path)
    assert result.returncode == 1
    assert "expected slint's findings on the example and exit code 1" in result.stderr
    assert not (tmp_path / "shared" / "calls.log").exists()  # nothing after it ran


@needs_bash
def test_ci_run_stops_when_the_second_command_fails(tmp_path: Path) -> None:
    repo = fake_repo(tmp_path, "sh fake_tools.sh && echo 'Found 1 problem.' && exit 1", "exit 3")
    result = run_ci(repo, tmp_path)
    assert result.returncode == 3
    assert not (tmp_path / "shared" / "calls.log").exists()  # no linter ran
