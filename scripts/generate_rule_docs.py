"""Regenerate the rule documentation in `docs/rules/` from the rule classes:

    python scripts/generate_rule_docs.py

It writes one page per built-in rule (`docs/rules/<CODE>.md`, the Markdown that
`slint rule CODE` prints), the index `docs/rules/README.md`, and removes the pages of
rules that no longer exist. Rerun it after changing a rule's documentation, severity,
default or fix; `tests/test_rule_docs.py` fails until the pages are current.
"""

from __future__ import annotations

from pathlib import Path

from slint.registry import Registry
from slint.ruledocs import write_docs

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs" / "rules"


def main() -> None:
    # Loaded as `slint rule` loads them, so that the pages are what it prints; rules of
    # third-party plugins installed next to slint are left out by `write_docs`.
    written = write_docs(Registry.load(), DOCS)
    print(f"wrote {len(written)} files to {DOCS.relative_to(REPO).as_posix()}/")


if __name__ == "__main__":
    main()
