"""The text and JSON reporters, on hand-made diagnostics and through the command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_cli, write_tree

from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location, Severity
from slint.reporters import REPORTERS, ReportOptions, get_renderer, is_fixable, statistics
from slint.reporters import json as json_reporter
from slint.reporters import text as text_reporter

HANDLER = (
    'import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3\n'
)


def diagnostic(
    code: str,
    path: str,
    row: int,
    column: int,
    *,
    fix: Fix | None = None,
    severity: Severity = Severity.WARNING,
    message: str = "something is wrong",
    notes: tuple[str, ...] = (),
) -> Diagnostic:
    return Diagnostic(
        code=code,
        name=f"rule-{code.lower()}",
        severity=severity,
        message=message,
        path=path,
        start=Location(row, column),
        end=Location(row, column + 4),
        fix=fix,
        notes=notes,
    )


UNSAFE = Fix(
    Applicability.UNSAFE,
    "Move it",
    (Edit.insertion(Location(2, 1), "x = 1\n"), Edit.deletion(Location(5, 1), Location(6, 1))),
)
SAFE = Fix(Applicability.SAFE, "Insert it", (Edit(Location(3, 5), Location(3, 9), "new"),))
DISPLAY = Fix(Applicability.DISPLAY_ONLY, "Consider it", (Edit.insertion(Location(1, 1), "y"),))
SAFE_WITHOUT_EDITS = Fix(Applicability.SAFE, "Nothing to do")


def render_text(diagnostics: list[Diagnostic], **options: bool) -> str:
    return text_reporter.render(diagnostics, ReportOptions(**options))  # type: ignore[arg-type]


# --- text -----------------------------------------------------------------------------------


def test_text_lines_are_sorted_by_path_position_and_code() -> None:
    found = [
        diagnostic("SL101", "b.py", 5, 10),
        diagnostic("SL102", "a/z.py", 3, 1),
        diagnostic("SL101", "a/z.py", 3, 1),
        diagnostic("SL000", "a/z.py", 1, 28, severity=Severity.ERROR, message="syntax error"),
        diagnostic("SL101", "a/z.py", 2, 30),
        diagnostic("SL101", "a/z.py", 2, 4),
    ]
    assert render_text(found).splitlines() == [
        "a/z.py:1:28: SL000 syntax error",
        "a/z.py:2:4: SL101 something is wrong",
        "a/z.py:2:30: SL101 something is wrong",
        "a/z.py:3:1: SL101 something is wrong",
        "a/z.py:3:1: SL102 something is wrong",
        "b.py:5:10: SL101 something is wrong",
        "Found 6 problems.",
    ]


def test_fixable_marker_and_summary() -> None:
    found = [
        diagnostic("SL203", "a.py", 1, 1, fix=SAFE),
        diagnostic("SL101", "a.py", 2, 1, fix=UNSAFE),
        diagnostic("SL101", "a.py", 3, 1, fix=UNSAFE),
        diagnostic("SL102", "a.py", 4, 1, fix=DISPLAY),
        diagnostic("SL301", "a.py", 5, 1, fix=SAFE_WITHOUT_EDITS),
        diagnostic("SL000", "a.py", 6, 1),
    ]
    assert render_text(found).splitlines() == [
        "a.py:1:1: SL203 [*] something is wrong",
        "a.py:2:1: SL101 something is wrong",
        "a.py:3:1: SL101 something is wrong",
        "a.py:4:1: SL102 something is wrong",
        "a.py:5:1: SL301 something is wrong",
        "a.py:6:1: SL000 something is wrong",
        "Found 6 problems (1 fixable with --fix, 2 fixable with --unsafe-fixes).",
    ]
    with_unsafe = render_text(found, unsafe_fixes=True).splitlines()
    assert with_unsafe[1] == "a.py:2:1: SL101 [*] something is wrong"
    assert with_unsafe[-1] == "Found 6 problems (3 fixable with --fix)."


@pytest.mark.parametrize(
    ("found", "summary"),
    [
        ([], "All checks passed!"),
        ([diagnostic("SL000", "a.py", 1, 1)], "Found 1 problem."),
        (
            [diagnostic("SL101", "a.py", 1, 1, fix=UNSAFE)],
            "Found 1 problem (1 fixable with --unsafe-fixes).",
        ),
        ([diagnostic("SL203", "a.py", 1, 1, fix=SAFE)], "Found 1 problem (1 fixable with --fix)."),
        (
            [diagnostic("SL101", "a.py", 1, 1, fix=UNSAFE), diagnostic("SL000", "b.py", 1, 1)],
            "Found 2 problems (1 fixable with --unsafe-fixes).",
        ),
    ],
)
def test_summary_line(found: list[Diagnostic], summary: str) -> None:
    assert render_text(found).splitlines()[-1] == summary
    assert text_reporter.summary(found, ReportOptions()) == summary


def test_quiet_drops_the_summary() -> None:
    assert render_text([], quiet=True) == ""
    found = [diagnostic("SL101", "a.py", 1, 1)]
    assert render_text(found, quiet=True) == "a.py:1:1: SL101 something is wrong\n"


def test_notes_are_part_of_the_message() -> None:
    found = [diagnostic("SL101", "a.py", 1, 1, notes=("reached from `handler` at h.py:4",))]
    assert render_text(found, quiet=True) == (
        "a.py:1:1: SL101 something is wrong (reached from `handler` at h.py:4)\n"
    )


def test_colour_only_when_asked() -> None:
    found = [
        diagnostic("SL000", "a.py", 1, 1, severity=Severity.ERROR),
        diagnostic("SL101", "a.py", 2, 1),
        diagnostic("SL501", "a.py", 3, 1, severity=Severity.INFO),
    ]
    plain = render_text(found)
    assert "\x1b[" not in plain
    coloured = render_text(found, color=True)
    assert "\x1b[31m\x1b[1mSL000\x1b[0m" in coloured  # errors red
    assert "\x1b[33m\x1b[1mSL101\x1b[0m" in coloured  # warnings yellow
    assert "\x1b[34m\x1b[1mSL501\x1b[0m" in coloured  # info blue
    assert "\x1b[1ma.py:1:1:\x1b[0m" in coloured


def test_text_statistics() -> None:
    found = [
        diagnostic("SL101", "a.py", 1, 1, fix=UNSAFE),
        diagnostic("SL203", "a.py", 2, 1, fix=SAFE),
        diagnostic("SL101", "b.py", 1, 1),
        diagnostic("SL000", "c.py", 1, 1),
        diagnostic("SL203", "d.py", 1, 1),
    ]
    assert statistics(found) == [
        ("SL101", "rule-sl101", 2, False),
        ("SL203", "rule-sl203", 2, True),
        ("SL000", "rule-sl000", 1, False),
    ]
    assert render_text(found, statistics=True).splitlines() == [
        "    2\tSL101\t    rule-sl101",
        "    2\tSL203\t[*] rule-sl203",
        "    1\tSL000\t    rule-sl000",
        "Found 5 problems (1 fixable with --fix, 1 fixable with --unsafe-fixes).",
    ]


def test_is_fixable() -> None:
    assert is_fixable(diagnostic("SL1", "a", 1, 1, fix=SAFE), unsafe_fixes=False)
    assert not is_fixable(diagnostic("SL1", "a", 1, 1, fix=UNSAFE), unsafe_fixes=False)
    assert is_fixable(diagnostic("SL1", "a", 1, 1, fix=UNSAFE), unsafe_fixes=True)
    assert not is_fixable(diagnostic("SL1", "a", 1, 1, fix=DISPLAY), unsafe_fixes=True)
    assert not is_fixable(diagnostic("SL1", "a", 1, 1, fix=SAFE_WITHOUT_EDITS), unsafe_fixes=True)
    assert not is_fixable(diagnostic("SL1", "a", 1, 1), unsafe_fixes=True)


# --- JSON -------------------------------------------------------------------------------------


def test_json_in_ruffs_shape() -> None:
    found = [
        diagnostic("SL101", "src/h.py", 5, 10, fix=UNSAFE, notes=("see h.py:4",)),
        diagnostic("SL000", "a.py", 1, 28, severity=Severity.ERROR, message="syntax error"),
    ]
    data = json.loads(json_reporter.render(found, ReportOptions()))
    assert data == [
        {
            "code": "SL000",
            "name": "rule-sl000",
            "message": "syntax error",
            "severity": "error",
            "filename": "a.py",
            "location": {"row": 1, "column": 28},
            "end_location": {"row": 1, "column": 32},
            "fix": None,
            "url": None,
        },
        {
            "code": "SL101",
            "name": "rule-sl101",
            "message": "something is wrong (see h.py:4)",
            "severity": "warning",
            "filename": "src/h.py",
            "location": {"row": 5, "column": 10},
            "end_location": {"row": 5, "column": 14},
            "fix": {
                "applicability": "unsafe",
                "message": "Move it",
                "edits": [
                    {
                        "content": "x = 1\n",
                        "location": {"row": 2, "column": 1},
                        "end_location": {"row": 2, "column": 1},
                    },
                    {
                        "content": "",
                        "location": {"row": 5, "column": 1},
                        "end_location": {"row": 6, "column": 1},
                    },
                ],
            },
            "url": None,
        },
    ]


def test_json_applicability_values() -> None:
    found = [
        diagnostic("SL1", "a.py", 1, 1, fix=SAFE),
        diagnostic("SL1", "a.py", 2, 1, fix=DISPLAY),
    ]
    data = json.loads(json_reporter.render(found, ReportOptions()))
    assert [item["fix"]["applicability"] for item in data] == ["safe", "display-only"]


def test_json_of_nothing_is_an_empty_array() -> None:
    assert json_reporter.render([], ReportOptions()) == "[]\n"
    assert json_reporter.render([], ReportOptions(quiet=True)) == "[]\n"


def test_json_statistics() -> None:
    found = [diagnostic("SL203", "a.py", 1, 1, fix=SAFE), diagnostic("SL000", "b.py", 1, 1)]
    assert json.loads(json_reporter.render(found, ReportOptions(statistics=True))) == [
        {"code": "SL000", "name": "rule-sl000", "count": 1, "fixable": False},
        {"code": "SL203", "name": "rule-sl203", "count": 1, "fixable": True},
    ]


def test_renderers_by_name() -> None:
    assert list(REPORTERS) == [
        "text",
        "full",
        "json",
        "json-lines",
        "sarif",
        "github",
        "gitlab",
        "junit",
    ]
    assert get_renderer("text") is text_reporter.render
    assert get_renderer("json") is json_reporter.render


# --- through the command --------------------------------------------------------------------


def test_json_output_of_the_command(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": HANDLER, "sub/bad.py": "x = (1,\n"})
    result = run_cli("check", "--output-format", "json", "./h.py", "sub/", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    data = json.loads(result.stdout)
    assert [(d["filename"], d["code"], d["location"], d["severity"]) for d in data] == [
        ("h.py", "SL101", {"row": 5, "column": 10}, "warning"),
        ("sub/bad.py", "SL000", {"row": 1, "column": 5}, "error"),
    ]
    for item in data:
        assert set(item) == {
            "code",
            "name",
            "message",
            "severity",
            "filename",
            "location",
            "end_location",
            "fix",
            "url",
        }
    sl101, sl000 = data
    assert sl101["name"] == "client-in-handler"
    assert sl101["end_location"] == {"row": 5, "column": 28}
    assert sl101["fix"]["applicability"] == "unsafe"
    assert sl101["fix"]["edits"]
    assert sl000["name"] == "parse-error"
    assert sl000["fix"] is None
    assert sl000["message"].startswith("syntax error")


def test_json_keeps_absolute_and_parent_paths(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/h.py": HANDLER, "lib/x.py": HANDLER})
    absolute = run_cli("check", "--output-format", "json", str(tmp_path / "src"), cwd=tmp_path)
    assert [d["filename"] for d in json.loads(absolute.stdout)] == [str(tmp_path / "src/h.py")]
    parent = run_cli("check", "--output-format", "json", "../lib", cwd=tmp_path / "src")
    assert [d["filename"] for d in json.loads(parent.stdout)] == ["../lib/x.py"]


def test_json_of_a_clean_project(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": "x = 1\n"})
    result = run_cli("check", "--output-format", "json", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "[]\n", "")
