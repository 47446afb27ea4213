"""Discovery over trees slint did not write: it never runs anything from them, never
blocks on a special file, never loops, never stalls, and never checks nothing silently."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import run_cli, slint_command, write_tree

from slint.config import ConfigResolver, Overrides
from slint.discovery import discover

HANDLER = (
    'import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3\n'
)
# What `cdk synth` writes: a template naming a Lambda function, next to its code asset.
CDK_TEMPLATE = """\
{
  "Resources": {
    "Fn": {
      "Type": "AWS::Lambda::Function",
      "Properties": {
        "Runtime": "python3.12",
        "Handler": "index.handler",
        "Code": {"S3Bucket": "b", "S3Key": "k.zip"}
      }
    }
  }
}
"""
# The `.gitignore` of `cdk init app --language python`.
CDK_GITIGNORE = """\
*.swp
package-lock.json
__pycache__
.pytest_cache
.venv
*.egg-info

# CDK asset staging directory
.cdk.staging
cdk.out
"""
posix_only = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")


def make_repository(root: Path, config: str = "") -> None:
    """What `git init` leaves, enough for git to take `root` for a work tree; written by
    hand, as slint must not need git (nor run it)."""
    git_dir = root / ".git"
    (git_dir / "objects").mkdir(parents=True)
    (git_dir / "refs" / "heads").mkdir(parents=True)
    (git_dir / "info").mkdir()
    (git_dir / "HEAD").write_text("ref: refs/heads/main\n")
    (git_dir / "config").write_text(
        "[core]\n\trepositoryformatversion = 0\n\tbare = false\n" + config
    )


def check(root: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """`slint check -q` through the installed command; a run that blocks fails the test
    instead of hanging the suite."""
    try:
        return subprocess.run(
            [*slint_command(), "check", "-q", *args],
            cwd=root,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_COLOR": "1"},
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`slint check {' '.join(args)}` did not finish in {timeout} s")


def found(root: Path, *paths: str) -> tuple[list[str], list[str]]:
    """The display paths `discover` returns from `root`, and its warnings."""
    warnings: list[str] = []
    old = Path.cwd()
    os.chdir(root)
    try:
        files = discover(paths or (".",), ConfigResolver(Overrides()), warnings=warnings)
    finally:
        os.chdir(old)
    return [f.display for f in files], warnings


@contextmanager
def unix_socket(path: Path) -> Iterator[None]:
    """A listening socket at `path` (bound from its folder: socket paths are short)."""
    old = Path.cwd()
    os.chdir(path.parent)
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(path.name)
        yield
    finally:
        server.close()
        os.chdir(old)


# --- no program from the checked tree ever runs ---------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="shell scripts")
def test_a_command_planted_in_the_checked_repository_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    script = tmp_path / "payload.sh"
    script.write_text(f'#!/bin/sh\necho "$0 $*" >> "{marker}"\n')
    script.chmod(0o755)
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    for hook in ("post-checkout", "pre-commit", "post-index-change", "fsmonitor-watchman"):
        (hooks / hook).symlink_to(script)
    project = tmp_path / "project"
    write_tree(
        project,
        {
            "h.py": HANDLER,
            ".gitignore": "ignored/\n",
            "ignored/h.py": HANDLER,
            ".gitattributes": "* filter=evil diff=evil\n",
        },
    )
    # Each of these makes git run `payload.sh` on some command; `core.fsmonitor` on
    # `git ls-files` and `git status`, which a linter that asks git would run.
    make_repository(
        project,
        f"\tfsmonitor = {script}\n\thooksPath = {hooks}\n\tpager = {script}\n"
        f"\teditor = {script}\n\tsshCommand = {script}\n\taskPass = {script}\n"
        f'[filter "evil"]\n\tclean = {script}\n\tsmudge = {script}\n\tprocess = {script}\n'
        f'[diff "evil"]\n\ttextconv = {script}\n\tcommand = {script}\n'
        f"[alias]\n\tls-files = !{script}\n\tstatus = !{script}\n",
    )
    result = check(project)
    assert result.returncode == 1, result.stderr
    # .gitignore still applies, read as text.
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["h.py"]
    assert not marker.exists(), marker.read_text()


def test_discovery_imports_no_process_module() -> None:
    # The guarantee, kept from regressing: discovery has no way to start a program.
    source = Path(sys.modules[discover.__module__].__file__ or "").read_text()
    for name in ("subprocess", "os.system", "os.popen", "Popen", "os.exec", "os.spawn"):
        assert name not in source


# --- named paths that .gitignore lists -----------------------------------------------


def test_a_named_directory_is_checked_even_when_git_ignores_it(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(
        tmp_path,
        {
            ".gitignore": CDK_GITIGNORE,
            "app.py": "",
            "cdk.out/Stack.template.json": CDK_TEMPLATE,
            "cdk.out/asset.1a2b/index.py": HANDLER,
            "cdk.out/asset.1a2b/__pycache__/index.py": HANDLER,
            "cdk.out/asset.1a2b/lib.egg-info/x.py": HANDLER,
        },
    )
    # Walking the project, git's word holds: cdk.out is ignored.
    assert found(tmp_path) == (["app.py"], [])
    # Named, it is checked; below it .gitignore (and the default excludes) still apply.
    expected = ["cdk.out/Stack.template.json", "cdk.out/asset.1a2b/index.py"]
    assert found(tmp_path, "cdk.out") == (expected, [])
    assert found(tmp_path, "cdk.out/") == (expected, [])
    assert found(tmp_path / "cdk.out", ".") == (["Stack.template.json", "asset.1a2b/index.py"], [])
    assert found(tmp_path, "cdk.out/asset.1a2b") == (["cdk.out/asset.1a2b/index.py"], [])
    assert found(tmp_path, str(tmp_path / "cdk.out")) == (
        [str(tmp_path / "cdk.out" / p) for p in ("Stack.template.json", "asset.1a2b/index.py")],
        [],
    )
    # A file named in an ignored folder is checked too.
    assert found(tmp_path, "cdk.out/asset.1a2b/index.py") == (["cdk.out/asset.1a2b/index.py"], [])
    result = check(tmp_path, "cdk.out")
    assert result.returncode == 1, result.stderr
    assert [line.split(" ")[:2] for line in result.stdout.splitlines()] == [
        ["cdk.out/Stack.template.json:3:5:", "SL301"],
        ["cdk.out/asset.1a2b/index.py:5:10:", "SL101"],
    ]


def test_a_named_directory_in_an_ignored_folder_keeps_the_patterns_for_its_files(
    tmp_path: Path,
) -> None:
    make_repository(tmp_path)
    write_tree(
        tmp_path,
        {
            ".gitignore": "generated/\n*_gen.py\nout/*\n!out/keep/\n",
            "generated/a.py": HANDLER,
            "generated/a_gen.py": HANDLER,
            "generated/generated/b.py": HANDLER,  # the pattern names this folder itself
            "out/x/a.py": HANDLER,
            "out/keep/a.py": HANDLER,
        },
    )
    assert found(tmp_path) == (["out/keep/a.py"], [])
    assert found(tmp_path, "generated") == (["generated/a.py"], [])
    assert found(tmp_path, "out/x") == (["out/x/a.py"], [])


# --- special files ---------------------------------------------------------------------


@posix_only
def test_a_fifo_named_on_the_command_line_is_skipped_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.py")
    os.mkfifo(tmp_path / "serverless.yml")
    write_tree(tmp_path, {"h.py": HANDLER})
    result = check(tmp_path, "pipe.py", timeout=30)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == (
        "slint: warning: pipe.py: not a regular file (a FIFO); skipped\n"
        "slint: warning: no file was checked\n"
    )
    result = check(tmp_path, "./serverless.yml", "h.py", timeout=30)
    assert result.returncode == 1
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["h.py"]
    assert result.stderr == (
        "slint: warning: serverless.yml: not a regular file (a FIFO); skipped\n"
    )


@posix_only
def test_special_files_found_while_walking_are_skipped_with_a_warning(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "h.py": HANDLER,
            "src/requests-2.31.0.dist-info/top_level.txt": "requests\n",
        },
    )
    make_repository(tmp_path)
    for name in (
        "pipe.py",
        "src/template.yaml",
        "requirements.txt",
        "notes.fifo",  # not a file slint would look at: nothing to say
        "src/.gitignore",  # files slint reads for itself are passed over silently
        "src/requests-2.31.0.dist-info/RECORD",
    ):
        os.mkfifo(tmp_path / name)
    with unix_socket(tmp_path / "src" / "app.py"):
        result = check(tmp_path, ".", timeout=30)
        assert result.returncode == 1, result.stderr
        assert [line.split(":")[0] for line in result.stdout.splitlines()] == ["h.py"]
        assert result.stderr.splitlines() == [
            "slint: warning: pipe.py: not a regular file (a FIFO); skipped",
            "slint: warning: requirements.txt: not a regular file (a FIFO); skipped",
            "slint: warning: src/app.py: not a regular file (a socket); skipped",
            "slint: warning: src/template.yaml: not a regular file (a FIFO); skipped",
        ]
        # Named, a socket is passed over like a FIFO.
        assert found(tmp_path, "src/app.py") == (
            [],
            ["src/app.py: not a regular file (a socket); skipped"],
        )


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="needs /dev/null")
def test_a_device_named_on_the_command_line_is_skipped(tmp_path: Path) -> None:
    assert found(tmp_path, "/dev/null") == (
        [],
        ["/dev/null: not a regular file (a character device); skipped"],
    )


def test_a_symlink_to_a_regular_file_is_still_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, {"real/h.py": HANDLER})
    (tmp_path / "link.py").symlink_to(tmp_path / "real" / "h.py")
    assert found(tmp_path, "link.py") == (["link.py"], [])


# --- loops, depth, and patterns that would stall the run ------------------------------


def test_symlink_loops_are_cut(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/h.py": HANDLER, "src/sub/g.py": HANDLER})
    # Folders linking back up the tree, and file links that lead nowhere but to
    # themselves (resolving one raised "Symlink loop" and ended the run).
    (tmp_path / "src" / "sub" / "up").symlink_to(tmp_path / "src", target_is_directory=True)
    (tmp_path / "src" / "root").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "src" / "self.py").symlink_to(tmp_path / "src" / "self.py")
    (tmp_path / "src" / "ping.py").symlink_to(tmp_path / "src" / "pong.py")
    (tmp_path / "src" / "pong.py").symlink_to(tmp_path / "src" / "ping.py")
    assert found(tmp_path) == (["src/h.py", "src/sub/g.py"], [])
    # A named link to an ancestor is walked once, its own links not followed.
    assert found(tmp_path, "src/sub/up") == (["src/sub/up/h.py", "src/sub/up/sub/g.py"], [])
    # The same file reached twice, through a link and directly, is checked once.
    assert found(tmp_path, "src", "src/sub/up") == (["src/h.py", "src/sub/g.py"], [])
    result = check(tmp_path, ".", timeout=60)
    assert result.returncode == 1, result.stderr
    assert [line.split(":")[0] for line in result.stdout.splitlines()] == [
        "src/h.py",
        "src/sub/g.py",
    ]


def stack_depth() -> int:
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    return depth


def test_a_tree_deeper_than_the_recursion_limit_is_walked(tmp_path: Path) -> None:
    # A recursive walk (`os.walk` before Python 3.12) ended the run with
    # RecursionError on a tree deeper than Python's recursion limit (1,000 frames, a
    # tree 1,500 folders deep). The limit is lowered here to keep the tree small:
    # building and walking thousands of folders takes half a minute.
    depth = 300
    write_tree(tmp_path, {"/".join(["d"] * depth) + "/h.py": HANDLER})
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(stack_depth() + 150)
    try:
        files, warnings = found(tmp_path)
    finally:
        sys.setrecursionlimit(limit)
    assert (files, warnings) == (["/".join(["d"] * depth) + "/h.py"], [])


def test_a_gitignore_pattern_that_would_backtrack_for_minutes_is_passed_over(
    tmp_path: Path,
) -> None:
    make_repository(tmp_path)
    long_name = "a" * 200 + ".py"
    write_tree(
        tmp_path,
        {
            ".gitignore": "ignored_*.py\n*a*a*a*a*a*a*a*a*a*a*b\n**/a/**/a/**/a/**/b\n\\*a*a*b\n",
            "ignored_x.py": HANDLER,
            long_name: HANDLER,
            # Said once, though repeated.
            "a/.gitignore": "*a*a*a*a*a*a*a*a*a*a*b\n",
            "a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/a/" + long_name: HANDLER,
        },
    )
    started = time.monotonic()
    files, warnings = found(tmp_path)
    assert time.monotonic() - started < 10
    # The other patterns still apply.
    assert files == ["a/" * 24 + long_name, long_name]
    assert warnings == [
        ".gitignore:2: pattern `*a*a*a*a*a*a*a*a*a*a*b` has too many wildcards to match "
        "safely; not applied",
        ".gitignore:3: pattern `**/a/**/a/**/a/**/b` has too many wildcards to match "
        "safely; not applied",
    ]


def test_an_unreadable_folder_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_tree(tmp_path, {"h.py": HANDLER, "locked/g.py": HANDLER})
    # As `chmod 0 locked` does for any user but root (who runs this suite in CI).
    scandir = os.scandir

    def refusing(path: str) -> object:
        if os.path.basename(path) == "locked":
            raise PermissionError(13, "Permission denied", path)
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refusing)
    assert found(tmp_path) == (["h.py"], ["locked: cannot be read (Permission denied); skipped"])
    assert found(tmp_path, "locked") == (
        [],
        ["locked: cannot be read (Permission denied); skipped"],
    )


def test_a_gitignore_too_big_to_be_real_is_not_read(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(tmp_path, {"h.py": HANDLER, "gen.py": HANDLER})
    (tmp_path / ".gitignore").write_bytes(b"gen.py\n" + b"#" * (5 * 1024 * 1024))
    assert found(tmp_path) == (["gen.py", "h.py"], [".gitignore: cannot be read; not applied"])


def test_run_cli_reports_no_files_under_an_ignored_walk(tmp_path: Path) -> None:
    # Everything below `.` is ignored: slint says it found nothing, not "All checks passed!".
    make_repository(tmp_path)
    write_tree(tmp_path, {".gitignore": "*.py\n", "h.py": HANDLER})
    result = run_cli("check", ".", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert "no files to check" in result.stderr
