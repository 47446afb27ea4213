"""Applying text edits: rows and columns as libcst, the tokenizer and editors count them."""

from __future__ import annotations

import pytest

from slint.diagnostics import Edit, Location
from slint.fixes import OverlappingEdits, apply_edits, split_lines


def at(row: int, column: int) -> Location:
    return Location(row, column)


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        ("", []),
        ("a", ["a"]),
        ("a\n", ["a\n"]),
        ("\n\n", ["\n", "\n"]),
        ("a\r\nb\rc\nd", ["a\r\n", "b\r", "c\n", "d"]),
        # Not line breaks for Python (nor for libcst's positions).
        (
            "x\x0cy\x0b\x1c\x1d\x1e\x85\u2028\u2029z\n",
            ["x\x0cy\x0b\x1c\x1d\x1e\x85\u2028\u2029z\n"],
        ),
    ],
)
def test_split_lines(text: str, lines: list[str]) -> None:
    assert split_lines(text) == lines
    assert "".join(split_lines(text)) == text


def test_replacement_insertion_and_deletion() -> None:
    text = "one\ntwo\nthree\n"
    edits = [
        Edit(at(1, 1), at(1, 4), "ONE"),
        Edit.insertion(at(2, 1), "inserted\n"),
        Edit.deletion(at(3, 1), at(4, 1)),
    ]
    assert apply_edits(text, edits) == "ONE\ninserted\ntwo\n"


def test_edits_in_any_order() -> None:
    text = "a = 1\nb = 2\n"
    edits = [Edit(at(2, 5), at(2, 6), "20"), Edit(at(1, 5), at(1, 6), "10")]
    assert apply_edits(text, edits) == "a = 10\nb = 20\n"


def test_insertions_at_one_place_keep_their_order() -> None:
    text = "x\n"
    edits = [
        Edit.insertion(at(1, 1), "first\n"),
        Edit.insertion(at(1, 1), "second\n"),
        Edit.deletion(at(1, 1), at(2, 1)),
    ]
    assert apply_edits(text, edits) == "first\nsecond\n"


def test_crlf_and_lone_cr() -> None:
    text = "a\r\nb\rc\r\n"
    assert apply_edits(text, [Edit(at(2, 1), at(2, 2), "B")]) == "a\r\nB\rc\r\n"
    assert apply_edits(text, [Edit(at(3, 1), at(3, 2), "C")]) == "a\r\nb\rC\r\n"
    assert apply_edits(text, [Edit.deletion(at(2, 1), at(3, 1))]) == "a\r\nc\r\n"


def test_rows_after_form_feed_and_unicode_separators() -> None:
    text = "# \x0c page\nx = '\u2028'\ny = 1\n"
    assert (
        apply_edits(text, [Edit(at(3, 1), at(3, 2), "z")]) == "# \x0c page\nx = '\u2028'\nz = 1\n"
    )


def test_columns_count_characters() -> None:
    text = "s = 'ünïcode'  # ✓\nt = 1\n"
    assert apply_edits(text, [Edit.deletion(at(1, 17), at(1, 19))]) == "s = 'ünïcode'  #\nt = 1\n"


def test_past_the_end() -> None:
    text = "a\nb"
    assert apply_edits(text, [Edit.insertion(at(3, 1), "\nc")]) == "a\nb\nc"
    assert apply_edits(text, [Edit.deletion(at(2, 1), at(9, 9))]) == "a\n"
    assert apply_edits("", [Edit.insertion(at(1, 1), "x\n")]) == "x\n"


def test_no_edits() -> None:
    assert apply_edits("same\n", []) == "same\n"


def test_overlapping_edits_are_refused() -> None:
    text = "abcdef\n"
    with pytest.raises(OverlappingEdits):
        apply_edits(text, [Edit(at(1, 1), at(1, 4), "x"), Edit(at(1, 3), at(1, 5), "y")])
    # Touching edits do not overlap.
    edits = [Edit(at(1, 1), at(1, 4), "x"), Edit(at(1, 4), at(1, 5), "y")]
    assert apply_edits(text, edits) == "xyef\n"


def test_reversed_range_is_refused() -> None:
    with pytest.raises(ValueError, match="ends"):
        apply_edits("abc\n", [Edit(at(1, 3), at(1, 1), "x")])
