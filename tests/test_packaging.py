"""The built-in rules ship inside the package, and a third-party plugin loads the same way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import PLUGIN, REPO, install_plugin, run_cli, write_tree


@pytest.mark.slow
def test_non_editable_install_ships_rules_as_slint_rules(tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--target",
            str(target),
            str(REPO),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    assert (target / "slint" / "rules" / "cold_start" / "client_in_handler.py").is_file()
    assert not (target / "rules").exists()
    for data in ("runtimes.json", "serverless-schema.json", "serverless-plugins.json"):
        assert (target / "slint" / "data" / data).is_file(), data
    env = {**os.environ, "PYTHONPATH": str(target)}

    def python(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, *args], cwd=tmp_path, env=env, capture_output=True, text=True
        )

    where = python("-c", "import slint, slint.rules; print(slint.rules.__file__)")
    assert where.stdout.strip().startswith(str(target)), where.stdout + where.stderr
    missing = python("-c", "import rules")
    assert missing.returncode == 1
    assert "No module named 'rules'" in missing.stderr
    listed = python("-m", "slint", "rules")
    assert listed.returncode == 0, listed.stderr
    assert "SL101  client-in-handler" in listed.stdout


def test_third_party_plugin_is_loaded_through_the_entry_point(tmp_path: Path) -> None:
    env = install_plugin(tmp_path / "plugins", PLUGIN)
    write_tree(tmp_path / "project", {"app.py": "x = 1\nprint(x)\n"})
    listed = run_cli("rules", cwd=tmp_path, env=env)
    assert "ACM001  no-print" in listed.stdout
    result = run_cli("check", "project", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[0] == "project/app.py:2:1: ACM001 print call"


def test_a_crashing_rule_is_a_finding_and_exit_code_2(tmp_path: Path) -> None:
    env = install_plugin(tmp_path / "plugins", PLUGIN)
    write_tree(tmp_path / "project", {"app.py": "x = 1\nprint(x)\n", "b.py": "print(2)\n"})
    result = run_cli("check", "--extend-select", "ACM002", "project", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert (
        "project/app.py:1:1: ACM002 internal error in rule ACM002 (crashes): "
        "ZeroDivisionError: boom" in lines
    )
    # The other rule still ran on both files.
    assert "project/app.py:2:1: ACM001 print call" in lines
    assert "project/b.py:1:1: ACM001 print call" in lines


def test_a_plugin_that_breaks_the_contract_is_one_line_and_exit_2(tmp_path: Path) -> None:
    env = install_plugin(
        tmp_path / "plugins",
        "from slint.api import CodeRule\n\nclass Bad(CodeRule):\n    code = 'SL101'\n"
        "    name = 'Not Kebab'\n",
    )
    result = run_cli("check", ".", cwd=tmp_path, env=env)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1
    assert result.stderr.startswith("slint: error: ")
    assert "kebab-case" in result.stderr
