"""Rule documentation as Markdown: the page `slint rule CODE` prints, and the
repository's generated `docs/rules/` (one page per built-in rule, and an index).

`scripts/generate_rule_docs.py` writes `docs/rules/`; `tests/test_rule_docs.py` fails
when the committed pages no longer match the rule classes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from slint.api import FixKind, Rule

if TYPE_CHECKING:
    from slint.registry import Registry

# The package the built-in rules are loaded from (pyproject maps `rules/` onto it);
# plugin rules live in their own distributions and get no page in slint's repository.
BUILTIN_PACKAGE = "slint.rules"
INDEX_NAME = "README.md"
# A page is named after its rule's code; only files named like that are ever removed.
_PAGE_RE = re.compile(r"[A-Z]{1,4}[0-9]{3}\.md")


def page_name(code: str) -> str:
    """The file name of a rule's page, relative to the documentation folder."""
    return f"{code}.md"


def is_builtin(rule: type[Rule]) -> bool:
    """Whether a rule ships with slint (as opposed to a third-party plugin's)."""
    module = rule.__module__
    return module == BUILTIN_PACKAGE or module.startswith(BUILTIN_PACKAGE + ".")


def builtin_rules(rules: Iterable[type[Rule]]) -> list[type[Rule]]:
    return sorted((rule for rule in rules if is_builtin(rule)), key=lambda rule: rule.code)


def severity_line(rule: type[Rule]) -> str:
    """`Severity: warning; on by default; fix: unsafe.`"""
    default = "on by default" if rule.enabled_by_default else "off by default (enable with select)"
    fix = "no automatic fix" if rule.fix == FixKind.NONE else f"fix: {rule.fix.value}"
    return f"Severity: {rule.severity.value}; {default}; {fix}."


def rule_markdown(rule: type[Rule]) -> str:
    """A rule's page: exactly what `slint rule CODE` prints, final newline included."""
    return f"# {rule.name} ({rule.code})\n\n{severity_line(rule)}\n\n{rule.documentation()}\n"


def _cell(text: str) -> str:
    # A table row is one line, and an unescaped `|` (even inside backticks) ends a
    # cell in GitHub's tables.
    return " ".join(text.split()).replace("|", "\\|")


def index_markdown(rules: Iterable[type[Rule]]) -> str:
    """The index of `docs/rules/`: one table row per rule, in code order, linking its page."""
    lines = [
        "# Rules",
        "",
        "slint's built-in rules, generated from the rule classes by "
        "`python scripts/generate_rule_docs.py` (do not edit by hand); each page is "
        "what `slint rule CODE` prints.",
        "",
        "| code | name | severity | default | fix | summary |",
        "|---|---|---|---|---|---|",
    ]
    for rule in sorted(rules, key=lambda rule: rule.code):
        cells = (
            f"[{rule.code}]({page_name(rule.code)})",
            rule.name,
            rule.severity.value,
            "on" if rule.enabled_by_default else "off",
            rule.fix.value,
            rule.summary(),
        )
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def write_docs(registry: Registry, folder: Path) -> list[Path]:
    """Write a page per built-in rule and the index into `folder`, and remove the pages
    of rules that no longer exist. Returns the files written, pages first (code order)."""
    rules = builtin_rules(registry.rules)
    folder.mkdir(parents=True, exist_ok=True)
    contents = {page_name(rule.code): rule_markdown(rule) for rule in rules}
    contents[INDEX_NAME] = index_markdown(rules)
    for stale in sorted(folder.iterdir()):
        if _PAGE_RE.fullmatch(stale.name) and stale.name not in contents and stale.is_file():
            stale.unlink()
    written = []
    for name, text in contents.items():
        path = folder / name
        # Bytes, so that the pages keep `\n` line ends on every platform.
        path.write_bytes(text.encode("utf-8"))
        written.append(path)
    return written
