"""Every rule's own valid/invalid examples, run as tests, and its documentation checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import lint, run_cli, write_tree

from slint.api import DOC_SECTIONS, Invalid, Rule, Valid
from slint.cli import cli
from slint.registry import Registry

RULES = Registry.load().rules


def _examples(kind: str) -> list[pytest.param]:  # type: ignore[valid-type]
    params = []
    for rule in RULES:
        for index, example in enumerate(getattr(rule, kind)):
            params.append(pytest.param(rule, example, id=f"{rule.code}-{kind}-{index}"))
    return params


def _run(rule: type[Rule], example: Valid, tmp_path: Path) -> list:
    files = {example.filename: example.code, **example.files}
    if example.options:
        lines = [f"{key} = {value!r}" for key, value in example.options.items()]
        files["slint.toml"] = "\n".join(lines) + "\n"
    write_tree(tmp_path, files)
    result = lint(tmp_path, select=["ALL"])
    assert not result.errors
    return [d for d in result.diagnostics if d.code == rule.code]


@pytest.mark.parametrize(("rule", "example"), _examples("valid"))
def test_valid_example_has_no_finding(rule: type[Rule], example: Valid, tmp_path: Path) -> None:
    found = _run(rule, example, tmp_path)
    assert found == [], [f"{d.start}: {d.full_message}" for d in found]


@pytest.mark.parametrize(("rule", "example"), _examples("invalid"))
def test_invalid_example_is_reported(rule: type[Rule], example: Invalid, tmp_path: Path) -> None:
    found = _run(rule, example, tmp_path)
    assert found, f"{rule.code} not reported"
    assert not any(d.internal_error for d in found)
    if example.line is not None:
        found = [d for d in found if d.start.row == example.line]
        assert found, f"{rule.code} not reported at line {example.line}"
    if example.column is not None:
        assert any(d.start.column == example.column for d in found), [str(d.start) for d in found]
    if example.message is not None:
        assert any(example.message in d.full_message for d in found), [
            d.full_message for d in found
        ]


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented_with_examples(rule: type[Rule]) -> None:
    assert rule.validate_definition() == []
    doc = rule.documentation()
    positions = [doc.index(f"## {section}") for section in DOC_SECTIONS]
    assert positions == sorted(positions), "documentation sections out of order"
    assert rule.summary()
    assert rule.valid, "a rule needs valid examples (near-misses)"
    assert rule.invalid, "a rule needs invalid examples"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_command_prints_documentation(rule: type[Rule]) -> None:
    result = CliRunner().invoke(cli, ["rule", rule.code])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"# {rule.name} ({rule.code})\n")
    assert "## Why is this bad?" in result.output
    assert rule.documentation() in result.output


def test_rule_command_through_the_installed_command(tmp_path: Path) -> None:
    result = run_cli("rule", "client-in-handler", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("# client-in-handler (SL101)\n")
