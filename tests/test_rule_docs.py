"""The generated rule documentation in docs/rules/: current, equal to `slint rule`, and
an index whose rows and links match the built-in rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REPO, run_cli
from slint.rules import RULES

from slint.api import CodeRule
from slint.registry import Registry
from slint.ruledocs import (
    INDEX_NAME,
    builtin_rules,
    index_markdown,
    is_builtin,
    rule_markdown,
    write_docs,
)

DOCS = REPO / "docs" / "rules"
REGENERATE = "docs/rules/ is out of date: run `python scripts/generate_rule_docs.py`"


def _markdown_files(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.glob("*.md"))}


def test_repository_docs_are_current(registry: Registry, tmp_path: Path) -> None:
    fresh = tmp_path / "rules"
    write_docs(registry, fresh)
    expected = _markdown_files(fresh)
    committed = _markdown_files(DOCS)
    assert sorted(committed) == sorted(expected), REGENERATE
    for name, content in expected.items():
        assert committed[name] == content, f"{name}: {REGENERATE}"


# An off-by-default rule without a fix, one with an unsafe fix and a `|` in its text,
# and an off-by-default rule with a safe fix: every variant of the severity line.
@pytest.mark.parametrize("code", ["SL005", "SL105", "SL503"])
def test_page_is_what_slint_rule_prints(registry: Registry, code: str, tmp_path: Path) -> None:
    result = run_cli("rule", code, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    page = (DOCS / f"{code}.md").read_text(encoding="utf-8")
    assert result.stdout == page
    rule = registry.get(code)
    assert rule is not None
    assert rule_markdown(rule) == page


def test_page_by_rule_name_is_the_same_page(tmp_path: Path) -> None:
    result = run_cli("rule", "client-in-handler", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (DOCS / "SL101.md").read_text(encoding="utf-8")


def _table_rows(index: str) -> list[list[str]]:
    """The body rows of the index's table, cells split on unescaped `|` and unescaped."""
    lines = [line for line in index.splitlines() if line.startswith("| [")]
    rows = []
    for line in lines:
        cells = re.split(r"(?<!\\)\|", line)
        assert cells[0] == "" and cells[-1] == "", line
        rows.append([cell.strip().replace("\\|", "|") for cell in cells[1:-1]])
    return rows


def test_index_lists_every_builtin_rule_with_resolving_links(registry: Registry) -> None:
    index = (DOCS / INDEX_NAME).read_text(encoding="utf-8")
    assert index.startswith("# Rules\n")
    assert "| code | name | severity | default | fix | summary |" in index
    rows = _table_rows(index)
    rules = builtin_rules(registry.rules)
    assert [row[0] for row in rows] == [f"[{rule.code}]({rule.code}.md)" for rule in rules]
    for row, rule in zip(rows, rules, strict=True):
        assert len(row) == 6, row
        link = re.fullmatch(r"\[(\w+)\]\(([^)]+)\)", row[0])
        assert link is not None
        assert (DOCS / link.group(2)).is_file(), f"{row[0]} links to a missing page"
        default = "on" if rule.enabled_by_default else "off"
        assert row[1:] == [rule.name, rule.severity.value, default, rule.fix.value, rule.summary()]


class AcmeRule(CodeRule):
    """
    ## What it does
    Reports nothing; a third-party plugin's rule.

    ## Why is this bad?
    It is not.

    ## Example
    Nothing.

    ## Use instead
    Nothing.

    ## Fix
    None.
    """

    code = "ACME001"
    name = "acme-rule"


def test_plugin_rules_get_no_page_and_stale_pages_are_removed(
    registry: Registry, tmp_path: Path
) -> None:
    assert not is_builtin(AcmeRule)
    assert all(is_builtin(rule) for rule in RULES)
    folder = tmp_path / "rules"
    folder.mkdir()
    # A page of a rule that was removed, a plugin's page, and a hand-written file.
    (folder / "SL999.md").write_text("# gone\n", encoding="utf-8")
    (folder / "ACME001.md").write_text("# plugin\n", encoding="utf-8")
    (folder / "notes.md").write_text("kept\n", encoding="utf-8")
    with_plugin = Registry.from_rules([*registry.rules, AcmeRule])
    written = write_docs(with_plugin, folder)
    builtins = builtin_rules(registry.rules)
    assert [path.name for path in written] == [
        *(f"{rule.code}.md" for rule in builtins),
        INDEX_NAME,
    ]
    names = {path.name for path in folder.iterdir()}
    assert names == {path.name for path in written} | {"notes.md"}
    assert "ACME001" not in (folder / INDEX_NAME).read_text(encoding="utf-8")


def test_index_escapes_pipes_in_cells() -> None:
    class Piped(AcmeRule):
        """
        ## What it does
        Reports `X |= {...}` in a loop.
        """

        code = "ACM002"

    (row,) = [line for line in index_markdown([Piped]).splitlines() if "ACM002" in line]
    # Unescaped, that `|` would start a seventh cell.
    assert "`X \\|= {...}` in a loop" in row
    assert len(re.split(r"(?<!\\)\|", row)) == 8
