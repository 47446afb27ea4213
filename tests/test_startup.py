"""Start-up: `slint check` imports only what its path needs (a pre-commit hook and an
editor run it on one file, where importing is most of the time)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import loaded, slint_with_modules, write_tree

# Never on the path of checking Python modules, whatever the format.
NEVER = ("cfn_lint", "jsonschema", "pygls", "lsprotocol", "slint.server", "slint.cfn_lint")


def modules_after(root: Path, *args: str) -> set[str]:
    return slint_with_modules(root, *args)[1]


@pytest.fixture
def one_file(tmp_path: Path) -> Path:
    handler = "import boto3\n\ndef handler(event, context):\n    return boto3.client('s3')\n"
    write_tree(tmp_path, {"handler.py": handler})
    return tmp_path


def test_checking_one_module_imports_no_config_tooling_server_or_unused_reporter(
    one_file: Path,
) -> None:
    modules = modules_after(one_file, "check", "handler.py", "--no-cache", "--exit-zero")
    assert "slint.engine" in modules and "libcst" in modules  # it did check the file
    assert loaded(modules, *NEVER) == []
    reporters = loaded(modules, "slint.reporters.")
    assert reporters == ["slint.reporters.text"]
    # No .gitignore met: no pathspec (and the asyncio it imports); no fix machinery.
    assert loaded(modules, "pathspec", "asyncio", "slint.fixer") == []


def test_a_report_format_imports_its_own_reporter_only(one_file: Path) -> None:
    args = ("check", "handler.py", "--no-cache", "--exit-zero", "--output-format", "sarif")
    modules = modules_after(one_file, *args)
    assert loaded(modules, *NEVER) == []
    assert loaded(modules, "slint.reporters.") == ["slint.reporters.sarif"]


def test_a_cached_run_imports_no_rule_parser_or_loader(one_file: Path) -> None:
    args = ("check", "handler.py", "--exit-zero")
    modules_after(one_file, *args)  # fills the cache
    modules = modules_after(one_file, *args)
    heavy = ("libcst", "yaml", "pathspec", "slint.engine", "slint.rules", "slint.python")
    assert loaded(modules, *NEVER, *heavy) == []
    assert "slint.cache" in modules
