"""`# slint: ignore[...]` comments: where they apply, and SL005 for those that do nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import codes_at, lint, run_cli, write_tree

from slint.diagnostics import Location
from slint.fixes import apply_edits
from slint.suppression import parse_suppressions, suppression_edit

IMPORTS = "import boto3\n\n\ndef handler(event, context):\n"


def handler(*body: str) -> str:
    """A handler module whose body lines start at line 5."""
    return IMPORTS + "".join(f"    {line}\n" for line in body) + "    return None\n"


def check(tmp_path: Path, source: str, **kwargs: object) -> list[tuple[str, int, int]]:
    write_tree(tmp_path, {"h.py": source})
    result = lint(tmp_path, **kwargs)  # type: ignore[arg-type]
    assert not result.errors
    return [(code, row, column) for _path, code, row, column in codes_at(result.diagnostics)]


def messages(tmp_path: Path, source: str) -> list[tuple[str, int, int, str]]:
    write_tree(tmp_path, {"h.py": source})
    result = lint(tmp_path, extend_select=["SL005"])
    return [(d.code, d.start.row, d.start.column, d.message) for d in result.diagnostics]


CLIENT = 's3 = boto3.client("s3")'


def test_unsuppressed_finding(tmp_path: Path) -> None:
    assert check(tmp_path, handler(CLIENT)) == [("SL101", 5, 10)]


@pytest.mark.parametrize(
    "comment",
    [
        "# slint: ignore[SL101]",
        "# slint: ignore",
        "# slint: ignore[SL1]",
        "# slint: ignore[SL]",
        "# slint: ignore[ALL]",
        "# slint: ignore[client-in-handler]",
        "# slint: ignore[sl101]",
        "# SLINT: IGNORE[SL101]",
        "#slint:ignore[SL101]",
        "# slint: ignore [SL101]",
        "# slint: ignore[SL000, SL101]",
        "# slint: ignore[SL000,SL101,]",
        "# slint: ignore[ SL101 ]",
        "# slint: ignore[SL101] -- the client is cheap here",
        "# noqa: E501  # slint: ignore[SL101]",
    ],
)
def test_end_of_line_suppression(comment: str, tmp_path: Path) -> None:
    assert check(tmp_path, handler(f"{CLIENT}  {comment}")) == []


@pytest.mark.parametrize(
    "comment",
    [
        "# slint: ignore[SL000]",
        "# slint: ignore[SL102]",
        "# slint: ignore[SL1010]",
        "# slint: ignore[parse-error]",
        "# slint ignore[SL101]",
        "# slint: ignored-on-purpose",
        "# see slint docs: ignore[SL101]",
    ],
)
def test_comments_that_do_not_suppress(comment: str, tmp_path: Path) -> None:
    assert check(tmp_path, handler(f"{CLIENT}  {comment}")) == [("SL101", 5, 10)]


def test_comment_alone_on_the_line_above(tmp_path: Path) -> None:
    source = handler("# slint: ignore[SL101]", CLIENT)
    assert check(tmp_path, source) == []
    # A blanket ignore, written for other rules, does not hide that the file is broken.
    blanket = "x = 1\ny = (1,  # slint: ignore\nz = 2\n"
    assert check(tmp_path, blanket) == [("SL000", 2, 5)]


def test_comment_above_skips_blank_and_comment_lines(tmp_path: Path) -> None:
    source = handler("# slint: ignore[SL101]", "", "# why: warmed by a cache", CLIENT)
    assert check(tmp_path, source) == []


def test_comment_above_applies_to_the_next_code_line_only(tmp_path: Path) -> None:
    source = handler("# slint: ignore[SL101]", "x = 1", CLIENT)
    assert check(tmp_path, source) == [("SL101", 7, 10)]
    source = handler("# slint: ignore[SL101]", CLIENT, CLIENT.replace("s3 =", "t ="))
    assert check(tmp_path, source) == [("SL101", 7, 9)]


def test_end_of_line_comment_applies_to_its_own_line_only(tmp_path: Path) -> None:
    source = handler("x = 1  # slint: ignore[SL101]", CLIENT)
    assert check(tmp_path, source) == [("SL101", 6, 10)]


def test_comment_above_at_module_level(tmp_path: Path) -> None:
    source = (
        "import boto3\n\n\n# slint: ignore[SL101]\n"
        "def handler(event, context):\n"
        '    return boto3.client("s3")\n'
    )
    # It covers the `def` line, not the body.
    assert check(tmp_path, source) == [("SL101", 6, 12)]


def test_suppression_text_inside_strings_does_not_count(tmp_path: Path) -> None:
    source = handler(f'{CLIENT}; note = "# slint: ignore[SL101]"')
    assert check(tmp_path, source) == [("SL101", 5, 10)]
    source = handler('"""', "# slint: ignore[SL101]", '"""', CLIENT)
    assert check(tmp_path, source) == [("SL101", 8, 10)]
    source = handler("doc = '# slint: ignore'", CLIENT)
    assert check(tmp_path, source) == [("SL101", 6, 10)]


def test_only_the_listed_codes_are_suppressed(tmp_path: Path) -> None:
    # One line with two findings; the suppression names the one code.
    two = 'a = boto3.client("s3"); b = boto3.client("sqs")'
    assert check(tmp_path, handler(two)) == [("SL101", 5, 9), ("SL101", 5, 33)]
    assert check(tmp_path, handler(f"{two}  # slint: ignore[SL101]")) == []


def test_suppressing_a_parse_error(tmp_path: Path) -> None:
    source = "x = 1\ny = (1,  # slint: ignore[SL000]\nz = 2\n"
    assert check(tmp_path, "x = 1\ny = (1,\nz = 2\n") == [("SL000", 2, 5)]
    assert check(tmp_path, source) == []


# --- unused suppressions (SL005) -------------------------------------------------------------


def test_unused_suppressions_are_not_reported_by_default(tmp_path: Path) -> None:
    assert check(tmp_path, "x = 1  # slint: ignore[SL101]\ny = 2  # slint: ignore\n") == []


def test_unused_suppressions_are_reported_on_request(tmp_path: Path) -> None:
    source = (
        "import boto3\n"
        "x = 1  # slint: ignore[SL101]\n"
        "# slint: ignore\n"
        "y = 2\n"
        "\n"
        "\n"
        "def handler(event, context):\n"
        '    a = boto3.client("s3")  # slint: ignore[SL101, SL1O1]\n'
        '    b = boto3.client("s3")  # slint: ignore[SL101, SL000]\n'
        '    c = boto3.client("s3")  # slint: ignore\n'
        "    return a, b, c\n"
        "# slint: ignore[SL101]\n"
    )
    assert messages(tmp_path, source) == [
        ("SL005", 2, 8, "unused suppression (unused: SL101)"),
        ("SL005", 3, 1, "unused `slint: ignore` comment: nothing to suppress on that line"),
        ("SL005", 8, 29, "unused suppression (unknown: SL1O1)"),
        ("SL005", 9, 29, "unused suppression (unused: SL000)"),
        ("SL005", 12, 1, "unused suppression (unused: SL101)"),
    ]


def test_unused_suppressions_through_the_command(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"h.py": handler(f"{CLIENT}  # slint: ignore[SL101]"), "u.py": "x = 1  # slint: ignore\n"},
    )
    quiet = run_cli("check", cwd=tmp_path)
    assert (quiet.returncode, quiet.stdout) == (0, "All checks passed!\n")
    result = run_cli("check", "--report-unused-ignores", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "u.py:1:8: SL005 unused `slint: ignore` comment: nothing to suppress on that line",
        "Found 1 problem.",
    ]


def test_a_suppression_for_a_rule_that_is_not_selected_is_not_unused(tmp_path: Path) -> None:
    source = handler(f"{CLIENT}  # slint: ignore[SL101]")
    write_tree(tmp_path, {"h.py": source})
    result = lint(tmp_path, select=["SL0"])
    assert codes_at(result.diagnostics) == []
    # An unknown code is reported whatever is selected.
    write_tree(tmp_path, {"h.py": "x = 1  # slint: ignore[SL9]\n"})
    assert codes_at(lint(tmp_path, select=["SL005"]).diagnostics) == [("h.py", "SL005", 1, 8)]


def test_the_column_of_sl005_is_that_of_the_directive(tmp_path: Path) -> None:
    source = "x = 'é'  # type: ignore  # slint: ignore[SL101]\n"
    assert messages(tmp_path, source) == [("SL005", 1, 26, "unused suppression (unused: SL101)")]


# --- the parser itself, for Python and YAML --------------------------------------------------


def test_parse_python_suppressions() -> None:
    source = (
        "a = 1  # slint: ignore[SL101, sl2]\n"
        "# slint: ignore\n"
        "\n"
        "b = '# slint: ignore[SL3]'\n"
        "c = 3  # slint: ignore[]\n"
    )
    found = parse_suppressions(source, "python")
    assert [(s.target_line, s.location, s.codes) for s in found] == [
        (1, Location(1, 8), ("SL101", "SL2")),
        (4, Location(2, 1), None),
        (5, Location(5, 8), None),
    ]


def test_parse_yaml_suppressions() -> None:
    source = (
        "functions:\n"
        "  api:  # slint: ignore[SL301]\n"
        "    # slint: ignore[SL302]\n"
        "\n"
        "    timeout: 60\n"
        '    description: "# slint: ignore[SL1]"\n'
        "    name: 'it''s # slint: ignore[SL2]'\n"
        "    url: http://example.com/#slint: ignore[SL3]\n"
        '    note: "a \\" # slint: ignore[SL4]"  # slint: ignore[SL5]\n'
    )
    found = parse_suppressions(source, "yaml")
    assert [(s.target_line, s.location, s.codes) for s in found] == [
        (2, Location(2, 9), ("SL301",)),
        (5, Location(3, 5), ("SL302",)),
        (9, Location(9, 40), ("SL5",)),
    ]


def test_source_without_directives_has_no_suppressions() -> None:
    assert parse_suppressions("x = 1  # noqa\n", "python") == []
    assert parse_suppressions("", "yaml") == []


@pytest.mark.parametrize("odd", ["\u2028", "\x85", "\u2029", "\x0c", "\x1c"])
def test_characters_that_splitlines_breaks_at_do_not_shift_suppressions(odd: str) -> None:
    # Rows end only at \r\n, \r and \n (as the parsers and LSP count them).
    yaml_text = f'name: "team{odd}payments"\naudit:  # slint: ignore[SL301]\n'
    (found,) = parse_suppressions(yaml_text, "yaml")
    assert found.location.row == 2
    python_text = f"x = 'a{odd}b'\nclient()  # slint: ignore[SL101]\n"
    (found,) = parse_suppressions(python_text, "python")
    assert found.location.row == 2


# -- the editor's "Ignore SLxxx for this line" -------------------------------------------
@pytest.mark.parametrize(
    ("source", "row", "code", "language", "expected"),
    [
        # A trailing comment; trailing blanks give way to it; the line ending is kept.
        (
            "def h(e, c):\n    s3 = boto3.client('s3')   \r\n",
            2,
            "SL101",
            "python",
            "def h(e, c):\n    s3 = boto3.client('s3')  # slint: ignore[SL101]\r\n",
        ),
        # The code joins the line's own suppression.
        (
            "x = 1  # slint: ignore[SL102]\n",
            1,
            "SL101",
            "python",
            "x = 1  # slint: ignore[SL102, SL101]\n",
        ),
        # After another tool's comment.
        (
            "x = 1  # noqa: E501\n",
            1,
            "SL101",
            "python",
            "x = 1  # noqa: E501  # slint: ignore[SL101]\n",
        ),
        # A comment after a line continuation would be a syntax error: above it instead.
        (
            "x = a + \\\n    b\n",
            1,
            "SL101",
            "python",
            "# slint: ignore[SL101]\nx = a + \\\n    b\n",
        ),
        # YAML, with CRLF endings.
        ("a:\r\n  b: 1\r\n", 2, "SL601", "yaml", "a:\r\n  b: 1  # slint: ignore[SL601]\r\n"),
        # A file that does not parse can still silence its parse error.
        ("def f(:\n", 1, "SL000", "python", "def f(:  # slint: ignore[SL000]\n"),
    ],
)
def test_suppression_edit(source: str, row: int, code: str, language: str, expected: str) -> None:
    edit = suppression_edit(source, row, code, language)
    assert edit is not None
    fixed = apply_edits(source, [edit])
    assert fixed == expected
    assert any(s.target_line in (row, row + 1) for s in parse_suppressions(fixed, language))


@pytest.mark.parametrize(
    ("source", "row", "language"),
    [
        # Inside a string a `#` is text: no comment can reach the line.
        ('x = """\nsecret\n"""\n', 2, "python"),
        # Inside a YAML block scalar likewise.
        ("a: |\n  text\n  more\nb: 1\n", 2, "yaml"),
        # Already silenced.
        ("x = 1  # slint: ignore\n", 1, "python"),
        ("x = 1  # slint: ignore[SL1]\n", 1, "python"),
        # No such line.
        ("x = 1\n", 3, "python"),
    ],
)
def test_no_suppression_edit_where_a_comment_cannot_do_it(
    source: str, row: int, language: str
) -> None:
    assert suppression_edit(source, row, "SL101", language) is None
