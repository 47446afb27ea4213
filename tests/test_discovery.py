"""Which files `slint check` looks at, and how their paths are shown."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import codes_at, lint, run_cli, write_tree

from slint.config import ConfigResolver, Overrides
from slint.discovery import DiscoveryError, discover

HANDLER = (
    'import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3\n'
)

SPEC_EXCLUDES = (
    ".git",
    "node_modules",
    ".venv",
    "venv",
    ".serverless",
    ".aws-sam",
    "cdk.out",
    "__pycache__",
    ".tox",
    "build",
    "dist",
)

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def paths_found(root: Path, *paths: str, force_exclude: bool = False) -> list[str]:
    """The display paths `discover` returns, run from `root`."""
    old = Path.cwd()
    os.chdir(root)
    try:
        files = discover(paths or (".",), ConfigResolver(Overrides()), force_exclude=force_exclude)
    finally:
        os.chdir(old)
    return [f.display for f in files]


def cli_paths(root: Path, *args: str) -> list[str]:
    """The files with findings, through the installed command (`-q`: one line each)."""
    result = run_cli("check", "-q", *args, cwd=root)
    assert result.returncode in (0, 1), result.stderr
    return [line.split(":")[0] for line in result.stdout.splitlines()]


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.email=dev@example.com", "-c", "user.name=dev", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={**os.environ, "GIT_CONFIG_NOSYSTEM": "1"},
    )


# --- walking directories ----------------------------------------------------------------


def test_default_excluded_directories_are_skipped(tmp_path: Path) -> None:
    tree = {f"{name}/h.py": HANDLER for name in SPEC_EXCLUDES}
    tree.update({f"src/{name}/deep/h.py": HANDLER for name in SPEC_EXCLUDES})
    tree["src/h.py"] = HANDLER
    tree["src/builder/h.py"] = HANDLER  # a name that only starts like an excluded one
    write_tree(tmp_path, tree)
    assert paths_found(tmp_path) == ["src/builder/h.py", "src/h.py"]
    assert codes_at(lint(tmp_path).diagnostics) == [
        ("src/builder/h.py", "SL101", 5, 10),
        ("src/h.py", "SL101", 5, 10),
    ]


def test_only_python_files_are_checked(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"h.py": HANDLER, "notes.txt": HANDLER, "h.pyc": "x", "README.md": "# x\n", "py": "x"},
    )
    assert paths_found(tmp_path) == ["h.py"]
    # A non-Python file named on the command line is passed over, not an error; with
    # nothing left to check, slint says so instead of "All checks passed!".
    result = run_cli("check", "README.md", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "")
    assert result.stderr == (
        "slint: warning: no files to check "
        "(no Python module, Lambda config or requirements file found)\n"
    )


def test_a_directory_named_on_the_command_line_is_checked_even_if_excluded(
    tmp_path: Path,
) -> None:
    write_tree(tmp_path, {"build/h.py": HANDLER, "build/dist/h.py": HANDLER})
    assert paths_found(tmp_path) == []
    # Like ruff: below a directory you name, the default excludes still apply.
    assert paths_found(tmp_path, "build") == ["build/h.py"]
    assert paths_found(tmp_path, "build", force_exclude=True) == []
    assert cli_paths(tmp_path, "build") == ["build/h.py"]
    assert cli_paths(tmp_path, "--force-exclude", "build") == []


def test_a_file_named_on_the_command_line_is_checked_unless_force_exclude(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "slint.toml": 'exclude = ["generated", "*_pb2.py"]\n',
            "generated/h.py": HANDLER,
            "api_pb2.py": HANDLER,
            "node_modules/pkg/h.py": HANDLER,
            "h.py": HANDLER,
        },
    )
    named = ["generated/h.py", "api_pb2.py", "node_modules/pkg/h.py", "h.py"]
    assert paths_found(tmp_path) == ["h.py"]
    assert paths_found(tmp_path, *named) == sorted(named)
    assert paths_found(tmp_path, *named, force_exclude=True) == ["h.py"]
    assert cli_paths(tmp_path, *named) == sorted(named)
    assert cli_paths(tmp_path, "--force-exclude", *named) == ["h.py"]


def test_force_exclude_looks_only_inside_the_project(tmp_path: Path) -> None:
    # A project that itself lives in a directory called `build` is not excluded.
    project = tmp_path / "build" / "project"
    write_tree(project, {"h.py": HANDLER, "dist/h.py": HANDLER})
    assert paths_found(project, "h.py", force_exclude=True) == ["h.py"]
    assert paths_found(project, ".", force_exclude=True) == ["h.py"]
    assert paths_found(project, "dist/h.py", force_exclude=True) == []


def test_configured_exclude_patterns(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.slint]\n"
                'exclude = ["generated", "*_pb2.py", "src/legacy", "src/*/tmp_*.py", "fixtures/"]\n'
            ),
            "generated/h.py": HANDLER,
            "src/generated/h.py": HANDLER,
            "api_pb2.py": HANDLER,
            "src/deep/api_pb2.py": HANDLER,
            "src/legacy/h.py": HANDLER,
            "src/legacy/old/h.py": HANDLER,
            "other/src/legacy/h.py": HANDLER,
            "src/a/tmp_x.py": HANDLER,
            "src/a/b/tmp_y.py": HANDLER,
            "src/a/x.py": HANDLER,
            "tests/fixtures/h.py": HANDLER,
            "h.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == ["h.py", "other/src/legacy/h.py", "src/a/x.py"]


def test_the_readme_exclude_example(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": '[tool.slint]\nexclude = ["scripts/", "**/generated_*.py"]\n',
            "scripts/h.py": HANDLER,
            "src/scripts/h.py": HANDLER,
            "generated_a.py": HANDLER,
            "src/deep/generated_b.py": HANDLER,
            "src/generated.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == ["src/generated.py"]


def test_exclude_patterns_are_relative_to_their_configuration(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "svc/slint.toml": 'exclude = ["app/gen"]\n',
            "svc/app/gen/h.py": HANDLER,
            "svc/app/h.py": HANDLER,
            "app/gen/h.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == ["app/gen/h.py", "svc/app/h.py"]
    assert paths_found(tmp_path / "svc" / "app") == ["h.py"]


def test_walking_does_not_follow_directory_symlinks(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/h.py": HANDLER})
    (tmp_path / "src" / "loop").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "alias.py").symlink_to(tmp_path / "src" / "h.py")
    # The file link and its target are one file, reported once.
    assert paths_found(tmp_path) == ["alias.py"]


# --- paths as given ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        (".", "src/h.py"),
        ("./src", "src/h.py"),
        ("src/", "src/h.py"),
        ("src", "src/h.py"),
        ("./src/h.py", "src/h.py"),
        ("src/../src/h.py", "src/h.py"),
        ("src//h.py", "src/h.py"),
    ],
)
def test_paths_are_shown_as_given(given: str, shown: str, tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/h.py": HANDLER})
    assert paths_found(tmp_path, given) == [shown]


def test_absolute_and_parent_paths_stay_as_given(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/h.py": HANDLER, "lib/x.py": HANDLER})
    assert paths_found(tmp_path, str(tmp_path / "src")) == [str(tmp_path / "src" / "h.py")]
    assert paths_found(tmp_path / "src", "../lib") == ["../lib/x.py"]
    assert cli_paths(tmp_path / "src", "..") == ["../lib/x.py", "../src/h.py"]


def test_a_file_named_twice_is_checked_once(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": HANDLER, "sub/g.py": HANDLER})
    assert paths_found(tmp_path, "h.py", ".", "./h.py", "sub", "sub/g.py") == ["h.py", "sub/g.py"]
    result = lint(tmp_path, ["h.py", ".", "./h.py"])
    assert codes_at(result.diagnostics) == [
        ("h.py", "SL101", 5, 10),
        ("sub/g.py", "SL101", 5, 10),
    ]


def test_files_come_sorted_and_say_whether_they_were_named(tmp_path: Path) -> None:
    write_tree(tmp_path, {"b.py": "", "a/z.py": "", "a/b/c.py": "", "c.py": ""})
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        files = discover(["c.py", "."], ConfigResolver(Overrides()))
    finally:
        os.chdir(old)
    assert [(f.display, f.explicit, f.kind) for f in files] == [
        ("a/b/c.py", False, "python"),
        ("a/z.py", False, "python"),
        ("b.py", False, "python"),
        ("c.py", True, "python"),
    ]
    assert all(f.path.is_absolute() for f in files)


@pytest.mark.parametrize("given", ["missing.py", "missing/", "", "src/nope.py"])
def test_a_missing_path_is_an_error(given: str, tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/h.py": HANDLER})
    with pytest.raises(DiscoveryError) as error:
        paths_found(tmp_path, "src", given)
    assert str(error.value) == f"{given or '``'}: no such file or directory"


def test_a_broken_symlink_is_a_missing_path(tmp_path: Path) -> None:
    (tmp_path / "gone.py").symlink_to(tmp_path / "nowhere.py")
    result = run_cli("check", "gone.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "slint: error: gone.py: no such file or directory\n"


# --- installed third-party packages ---------------------------------------------------

VENDORED = {
    # `pip install -t src/ requests PyYAML six` next to the function's own code.
    "src/app.py": HANDLER,
    "src/requests/__init__.py": HANDLER,
    "src/requests/sessions.py": HANDLER,
    "src/requests-2.31.0.dist-info/RECORD": "requests/__init__.py,sha256=x,1\n",
    # The distribution's name is not its package's: top_level.txt says which it is.
    "src/yaml/__init__.py": HANDLER,
    "src/PyYAML-6.0.1.dist-info/top_level.txt": "_yaml\nyaml\n",
    # A single module, named by RECORD.
    "src/six.py": HANDLER,
    "src/six-1.16.0.dist-info/RECORD": "six.py,sha256=z,3\n",
    # An old-style install.
    "src/attr/__init__.py": HANDLER,
    "src/attrs-19.3.0-py3.8.egg-info/top_level.txt": "attr\n",
    "env/lib/python3.12/site-packages/boto3/session.py": HANDLER,
    "deb/usr/lib/python3/dist-packages/botocore/client.py": HANDLER,
    # An editable install's metadata (no version) lies next to the project's own code.
    "lib/shop/__init__.py": HANDLER,
    "lib/shop.egg-info/top_level.txt": "shop\n",
    # A project folder merely named like a distribution.
    "src/requests_helpers/__init__.py": HANDLER,
}


def test_installed_packages_are_skipped(tmp_path: Path) -> None:
    write_tree(tmp_path, VENDORED)
    expected = ["lib/shop/__init__.py", "src/app.py", "src/requests_helpers/__init__.py"]
    assert paths_found(tmp_path) == expected
    assert [path for path, *_ in codes_at(lint(tmp_path).diagnostics)] == expected


@needs_git
def test_installed_packages_are_skipped_inside_a_git_work_tree(tmp_path: Path) -> None:
    write_tree(tmp_path, VENDORED)
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "init")
    assert paths_found(tmp_path) == [
        "lib/shop/__init__.py",
        "src/app.py",
        "src/requests_helpers/__init__.py",
    ]


def test_installed_packages_named_on_the_command_line_are_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, VENDORED)
    assert paths_found(tmp_path, "src/six.py", "src/requests/sessions.py") == [
        "src/requests/sessions.py",
        "src/six.py",
    ]
    # A folder named on the command line is walked whatever it is; what pip installed
    # below it is still skipped.
    assert paths_found(tmp_path, "env/lib/python3.12/site-packages") == [
        "env/lib/python3.12/site-packages/boto3/session.py"
    ]
    assert paths_found(tmp_path, "src") == [
        "src/app.py",
        "src/requests_helpers/__init__.py",
    ]


# --- .gitignore ----------------------------------------------------------------------------


@needs_git
def test_gitignore_is_honoured_inside_a_git_work_tree(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".gitignore": "ignored/\n*_gen.py\n/top_only.py\n",
            "src/h.py": HANDLER,
            "src/api_gen.py": HANDLER,
            "src/top_only.py": HANDLER,
            "top_only.py": HANDLER,
            "ignored/h.py": HANDLER,
            "src/ignored/h.py": HANDLER,
            "untracked.py": HANDLER,
        },
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "src/h.py", ".gitignore")
    git(tmp_path, "commit", "-q", "-m", "init")
    assert paths_found(tmp_path) == ["src/h.py", "src/top_only.py", "untracked.py"]
    assert paths_found(tmp_path / "src") == ["h.py", "top_only.py"]
    assert cli_paths(tmp_path) == ["src/h.py", "src/top_only.py", "untracked.py"]
    # A file named on the command line is checked even if git ignores it.
    assert paths_found(tmp_path, "ignored/h.py", "src/api_gen.py") == [
        "ignored/h.py",
        "src/api_gen.py",
    ]


@needs_git
def test_tracked_and_untracked_files_in_excluded_directories_are_skipped(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "src/h.py": HANDLER,
            "build/tracked.py": HANDLER,
            "node_modules/pkg/untracked.py": HANDLER,
            "src/.venv/lib/x.py": HANDLER,
        },
    )
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-f", "build/tracked.py", "src/h.py")
    assert paths_found(tmp_path) == ["src/h.py"]


@needs_git
def test_a_deleted_tracked_file_is_not_an_error(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": HANDLER, "b.py": HANDLER})
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "a.py", "b.py")
    (tmp_path / "a.py").unlink()
    assert paths_found(tmp_path) == ["b.py"]


@needs_git
def test_nested_repositories_are_checked_with_their_own_gitignore(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "h.py": HANDLER,
            "vendor/lib/.gitignore": "skip.py\n",
            "vendor/lib/a.py": HANDLER,
            "vendor/lib/skip.py": HANDLER,
        },
    )
    git(tmp_path, "init", "-q")
    git(tmp_path / "vendor" / "lib", "init", "-q")
    assert paths_found(tmp_path) == ["h.py", "vendor/lib/a.py"]


def test_gitignore_is_not_read_outside_a_git_work_tree(tmp_path: Path) -> None:
    project = tmp_path / "project"
    write_tree(project, {".gitignore": "ignored/\n", "ignored/h.py": HANDLER, "h.py": HANDLER})
    assert paths_found(project) == ["h.py", "ignored/h.py"]


@needs_git
def test_exclude_applies_inside_a_git_work_tree(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "slint.toml": 'exclude = ["gen", "src/old/*.py"]\n',
            "gen/h.py": HANDLER,
            "src/gen/h.py": HANDLER,
            "src/old/h.py": HANDLER,
            "src/h.py": HANDLER,
        },
    )
    git(tmp_path, "init", "-q")
    assert paths_found(tmp_path) == ["src/h.py"]
    assert paths_found(tmp_path, "gen") == ["gen/h.py"]
    assert paths_found(tmp_path, "gen", force_exclude=True) == []


# --- .gitignore, read as git reads it (without running git) ----------------------------


def make_repository(root: Path) -> None:
    """What `git init` leaves that matters here, written by hand: slint never runs git."""
    for folder in ("info", "objects", "refs/heads"):
        (root / ".git" / folder).mkdir(parents=True)
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")


def test_each_gitignore_applies_to_its_own_folder_and_below(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(
        tmp_path,
        {
            ".gitignore": "*_gen.py\n",
            "h.py": HANDLER,
            "a_gen.py": HANDLER,
            # Anchored patterns are relative to the folder of their .gitignore.
            "svc/.gitignore": "/local.py\n/out\nfixtures/data/\n",
            "svc/local.py": HANDLER,
            "svc/deep/local.py": HANDLER,
            "svc/out/h.py": HANDLER,
            "svc/deep/out/h.py": HANDLER,
            "svc/tests/fixtures/data/h.py": HANDLER,  # `a/b` patterns are anchored too
            "svc/fixtures/data/h.py": HANDLER,
            "svc/b_gen.py": HANDLER,  # the root's patterns still apply below
            "local.py": HANDLER,  # a deeper .gitignore says nothing of its parent folder
            "out/h.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == [
        "h.py",
        "local.py",
        "out/h.py",
        "svc/deep/local.py",
        "svc/deep/out/h.py",
        "svc/tests/fixtures/data/h.py",
    ]
    # The same, walking from inside: the .gitignore files above still count.
    assert paths_found(tmp_path / "svc") == [
        "deep/local.py",
        "deep/out/h.py",
        "tests/fixtures/data/h.py",
    ]


def test_negation_and_precedence(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(
        tmp_path,
        {
            ".gitignore": "*.py\n!keep.py\ngen/\n!gen/keep.py\n",
            "drop.py": HANDLER,
            "keep.py": HANDLER,
            "src/keep.py": HANDLER,
            "src/drop.py": HANDLER,
            # A deeper .gitignore wins over the root's; within a file, the last line.
            "src/handlers/.gitignore": "!*.py\nold_*.py\n",
            "src/handlers/a.py": HANDLER,
            "src/handlers/old_a.py": HANDLER,
            # A file cannot be re-included from an ignored folder (git does not look in).
            "gen/keep.py": HANDLER,
            "src/gen/keep.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == ["keep.py", "src/handlers/a.py", "src/keep.py"]


def test_directory_patterns_match_folders_only(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(
        tmp_path,
        {
            ".gitignore": "cache.py/\nlogs/\n**/tmp/**\ndocs/**/*.py\n",
            "cache.py": HANDLER,  # a file: `cache.py/` names folders
            "src/cache.py/h.py": HANDLER,
            "src/logs/h.py": HANDLER,
            "src/tmp/h.py": HANDLER,
            "docs/a/b/conf.py": HANDLER,
            "docs/conf.py": HANDLER,
            "src/h.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == ["cache.py", "src/h.py"]


def test_info_exclude_applies_below_every_gitignore(tmp_path: Path) -> None:
    make_repository(tmp_path)
    (tmp_path / ".git" / "info" / "exclude").write_text("# local\nscratch/\n*.local.py\n")
    write_tree(
        tmp_path,
        {
            ".gitignore": "!keep.local.py\n",
            "scratch/h.py": HANDLER,
            "src/scratch/h.py": HANDLER,
            "a.local.py": HANDLER,
            "keep.local.py": HANDLER,
            "h.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == ["h.py", "keep.local.py"]


def test_a_nested_repository_starts_afresh(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(
        tmp_path,
        {
            ".gitignore": "*_gen.py\nignored_lib/\n",
            "a_gen.py": HANDLER,
            # A submodule: `.git` is a file pointing into the parent's .git/modules.
            "lib/.git": "gitdir: ../.git/modules/lib\n",
            ".git/modules/lib/info/exclude": "excluded.py\n",
            "lib/b_gen.py": HANDLER,  # the outer .gitignore stops at the submodule
            "lib/excluded.py": HANDLER,
            "lib/.gitignore": "skip.py\n",
            "lib/skip.py": HANDLER,
            "lib/sub/skip.py": HANDLER,
            # A nested repository with a .git folder; the outer .gitignore may still
            # ignore the folder as a whole.
            "vendor/.git/HEAD": "ref: refs/heads/main\n",
            "vendor/c_gen.py": HANDLER,
            "ignored_lib/.git/HEAD": "ref: refs/heads/main\n",
            "ignored_lib/h.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == ["lib/b_gen.py", "vendor/c_gen.py"]
    assert paths_found(tmp_path / "lib") == ["b_gen.py"]


def test_a_repository_below_a_folder_outside_git_has_its_gitignore_applied(
    tmp_path: Path,
) -> None:
    # `slint check ~/src` over several clones: each applies its own .gitignore, as
    # in ruff; the folder above them, outside any work tree, applies none.
    write_tree(
        tmp_path,
        {
            ".gitignore": "*.py\n",
            "top.py": HANDLER,
            "clone/.gitignore": "*_gen.py\n",
            "clone/a_gen.py": HANDLER,
            "clone/a.py": HANDLER,
        },
    )
    make_repository(tmp_path / "clone")
    assert paths_found(tmp_path) == ["clone/a.py", "top.py"]


def test_gitignore_files_with_crlf_and_byte_order_mark(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(tmp_path, {"a.py": HANDLER, "b.py": HANDLER, "c\u2028.py": HANDLER, "h.py": HANDLER})
    # Lines end at LF only: a U+2028 inside a pattern is part of the name.
    (tmp_path / ".gitignore").write_bytes("\ufeffa.py\r\nb.py  \r\nc\u2028.py\n".encode())
    assert paths_found(tmp_path) == ["h.py"]


def test_a_named_directory_is_checked_whatever_gitignore_says_of_it(tmp_path: Path) -> None:
    make_repository(tmp_path)
    write_tree(
        tmp_path,
        {
            ".gitignore": "*.py\n!*/\n!handler.py\ncdk.out\nbuild-output/\n",
            "cdk.out/asset.1/handler.py": HANDLER,
            "cdk.out/asset.1/other.py": HANDLER,
            "build-output/handler.py": HANDLER,
        },
    )
    assert paths_found(tmp_path) == []
    assert paths_found(tmp_path, "cdk.out") == ["cdk.out/asset.1/handler.py"]
    assert paths_found(tmp_path, "build-output", "cdk.out/asset.1/other.py") == [
        "build-output/handler.py",
        "cdk.out/asset.1/other.py",
    ]
    assert cli_paths(tmp_path / "cdk.out", ".") == ["asset.1/handler.py"]
