"""The language server's pure parts: client settings and the fix-all edit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pygls.workspace import PositionCodec

from slint.config import Overrides
from slint.server.lsp import Options, _Text, _whole_document_edit, parse_options


def _known(selector: str) -> bool:
    return selector.startswith("SL")


@pytest.mark.parametrize(
    "raw",
    [
        {"select": ["sl1"], "extendSelect": ["SL501"], "ignore": ["SL105"], "unsafeFixes": True},
        {
            "settings": {
                "select": ["SL1"],
                "extend-select": ["SL501"],
                "ignore": ["SL105"],
                "unsafe-fixes": True,
            }
        },
        {
            "slint": {
                "select": ["SL1"],
                "extend_select": ["SL501"],
                "ignore": ["SL105"],
                "unsafe_fixes": True,
            }
        },
    ],
)
def test_client_settings_in_each_spelling(raw: object) -> None:
    assert parse_options(raw, _known) == (
        Options(Overrides(("SL1",), ("SL501",), ("SL105",)), unsafe_fixes=True),
        [],
    )


def test_bad_client_settings_are_named_and_left_out() -> None:
    options, problems = parse_options(
        {"select": "SL1", "ignore": ["XX1"], "unsafeFixes": "yes", "colour": 1}, _known
    )
    assert options == Options()
    assert problems == [
        "slint: setting `select` must be a list of rule selectors",
        "slint: setting `ignore`: unknown rule selector `XX1`",
        "slint: setting `unsafeFixes` must be true or false",
        "slint: unknown setting `colour`",
    ]
    assert parse_options(None, _known) == (Options(), [])
    assert parse_options([1], _known) == (Options(), ["slint: settings must be an object"])


@pytest.mark.parametrize(
    ("old", "new", "start", "end", "text"),
    [
        ("a\nb\nc\n", "a\nB\nc\n", (1, 0), (1, 1), "B"),
        ("a\nb\n", "a\nb\nc\n", (2, 0), (2, 0), "c\n"),
        ("x 😀 y\n", "x 😀 z\n", (0, 5), (0, 6), "z"),  # UTF-16: the emoji is 2 units
        ("same\n", "same\n", (1, 0), (1, 0), ""),
    ],
)
def test_the_fix_all_edit_is_the_changed_middle(
    old: str, new: str, start: tuple[int, int], end: tuple[int, int], text: str
) -> None:
    edit = _whole_document_edit(_Text(old, PositionCodec()), new)
    assert (edit.range.start.line, edit.range.start.character) == start
    assert (edit.range.end.line, edit.range.end.character) == end
    assert edit.new_text == text


def test_slint_check_does_not_load_the_server_libraries(tmp_path: Path) -> None:
    (tmp_path / "handler.py").write_text("def handler(event, context):\n    return 1\n")
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['slint', 'check', 'handler.py']\n"
        "try:\n"
        "    runpy.run_module('slint', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('pygls', 'lsprotocol') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-1] == "[]", done.stdout + done.stderr
