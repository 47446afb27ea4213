"""Hostile and odd YAML: alias bombs, deep nesting, odd numbers and tags, unusual line
breaks. Each yields findings or SL000, never a traceback, a crash or a hang.

What could hang or crash runs the installed command in a subprocess, with a timeout
and an address-space limit, so that a regression fails its test instead of blocking
the suite, swapping the machine out or taking pytest down with it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import lint, slint_command, write_tree

from slint.app.yamlpos import (
    EXPANSION_FLOOR,
    MAX_DEPTH,
    YamlError,
    YMap,
    expansion_limit,
    load,
    shared_value_problem,
)
from slint.diagnostics import Location

HANDLER = "def hello(event, context):\n    return 1\n"
MEMORY_LIMIT = 2 * 1024**3  # bytes of address space for the command under test
TIMEOUT = 60  # seconds


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run_guarded(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`slint <args>` with a timeout and (where the platform has it) a memory limit:
    a hang or a blow-up fails the test (TimeoutExpired, a MemoryError exit)."""
    preexec: Callable[[], None] | None = _limit_memory if sys.platform == "linux" else None
    return subprocess.run(
        [*slint_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=TIMEOUT,
        preexec_fn=preexec,
        check=False,
    )


def assert_clean_exit(result: subprocess.CompletedProcess[str]) -> None:
    """No crash (signal), no traceback, no internal error."""
    assert result.returncode in (0, 1), (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stdout + result.stderr


def laughs(indent: str, levels: int = 9) -> list[str]:
    """The "billion laughs": nine lols, then `levels` lists of nine aliases of the
    list before (9**9 = 387 million nodes at nine levels)."""
    lines = [f"{indent}a0: &a0 [" + ", ".join(['"lol"'] * 9) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"{indent}a{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 9) + "]")
    return lines


ALIAS_MESSAGE = (
    "YAML error: YAML alias `*a4` expands the document to more than 100,000 nodes "
    "(the limit: 10 times the nodes written, at least 100,000); not checked"
)


# -- alias bombs ------------------------------------------------------------------------
@pytest.mark.parametrize("reference", [None, "${self:custom.a9}", "${self:custom}"])
def test_an_alias_bomb_in_serverless_yml_is_sl000_at_the_first_offending_alias(
    tmp_path: Path, reference: str | None
) -> None:
    lines = [
        "service: laughs",
        "provider:",
        "  name: aws",
        "  runtime: python3.12",
        "custom:",
        *laughs("  "),
        "functions:",
        "  hello:",
        "    handler: handler.hello",
    ]
    if reference is not None:
        lines += ["    environment:", f"      LOL: {reference}"]
    write_tree(tmp_path, {"serverless.yml": "\n".join(lines) + "\n", "handler.py": HANDLER})
    result = run_guarded(tmp_path, "check", "--select", "ALL", ".")
    assert_clean_exit(result)
    # a4 expands to 66,430 nodes: the first `*a4` (line 11, a5's list) passes 100,000.
    assert result.stdout.splitlines()[0] == f"serverless.yml:11:12: SL000 {ALIAS_MESSAGE}"
    assert result.returncode == 1


@pytest.mark.parametrize("reference", [None, "*a9"])
def test_an_alias_bomb_in_a_sam_template_is_sl000_at_the_first_offending_alias(
    tmp_path: Path, reference: str | None
) -> None:
    lines = [
        "AWSTemplateFormatVersion: '2010-09-09'",
        "Transform: AWS::Serverless-2016-10-31",
        "Metadata:",
        *laughs("  "),
        "Resources:",
        "  Hello:",
        "    Type: AWS::Serverless::Function",
        "    Properties:",
        "      Handler: handler.hello",
        "      Runtime: python3.12",
        "      CodeUri: .",
    ]
    if reference is not None:
        lines += ["      Tags:", f"        Lol: {reference}"]
    write_tree(tmp_path, {"template.yaml": "\n".join(lines) + "\n", "handler.py": HANDLER})
    result = run_guarded(tmp_path, "check", "--select", "ALL", ".")
    assert_clean_exit(result)
    assert result.stdout.splitlines()[0] == f"template.yaml:9:12: SL000 {ALIAS_MESSAGE}"


def test_variables_that_reuse_values_like_aliases_are_bounded_too(tmp_path: Path) -> None:
    # No alias at all: `${self:...}` puts the referenced value in (not a copy), so
    # nine levels of nine references are the same bomb once resolved.
    lines = ["service: laughs", "provider:", "  name: aws", "custom:"]
    lines.append("  a0: [" + ", ".join(['"lol"'] * 9) + "]")
    for level in range(1, 10):
        lines.append(f"  a{level}: [" + ", ".join([f'"${{self:custom.a{level - 1}}}"'] * 9) + "]")
    lines += ["functions:", "  hello:", "    handler: handler.hello"]
    write_tree(tmp_path, {"serverless.yml": "\n".join(lines) + "\n", "handler.py": HANDLER})
    result = run_guarded(tmp_path, "check", "--select", "ALL", ".")
    assert_clean_exit(result)
    assert result.stdout.splitlines()[0] == (
        "serverless.yml:10:8: SL000 variables expand the document to more than 100,000 "
        "nodes (the limit: 10 times the nodes written, at least 100,000) at "
        "`custom.a5[0]`, which repeats a value used before; not checked"
    )


def test_a_merge_key_bomb_is_sl000() -> None:
    lines = ["a0: &a0 {k0: 1, k1: 2, k2: 3}"]
    for level in range(1, 10):
        aliases = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} {{<<: [{aliases}], n{level}: [{aliases}]}}")
    with pytest.raises(YamlError, match=r"YAML alias `\*a3` expands the document") as caught:
        load("\n".join(lines) + "\n")
    assert caught.value.location == Location(5, 20)  # a4's second `*a3`


def test_the_limit_is_counted_exactly_and_reported_at_the_alias_that_passes_it() -> None:
    # 1 mapping + key `a` + a list of 999 (1,000 nodes) + key `b` + a list of aliases:
    # 1,004 + 1,000 per alias, so 98 aliases fit under 100,000 and the 99th does not.
    head = "a: &a [" + ", ".join(["x"] * 999) + "]\nb: ["
    fits = load(head + ", ".join(["*a"] * 98) + "]\n")
    assert len(fits["b"]) == 98
    assert fits["b"][0] is fits["a"]  # shared, never copied
    with pytest.raises(YamlError, match="more than 100,000 nodes") as caught:
        load(head + ", ".join(["*a"] * 99) + "]\n")
    assert caught.value.location == Location(2, 5 + 4 * 98)


def test_the_limit_grows_with_the_document() -> None:
    assert expansion_limit(10) == EXPANSION_FLOOR == 100_000
    assert expansion_limit(20_000) == 200_000


def test_ordinary_anchors_and_merge_keys_still_load(tmp_path: Path) -> None:
    serverless = (
        "service: shop\n"
        "provider:\n"
        "  name: aws\n"
        "  runtime: python3.12\n"
        "  timeout: 10\n"
        "custom:\n"
        "  defaults: &defaults\n"
        "    memorySize: 256\n"
        "    tags: &tags {team: payments}\n"
        "functions:\n"
        "  create:\n"
        "    <<: *defaults\n"
        "    handler: handler.hello\n"
        "  delete:\n"
        "    <<: *defaults\n"
        "    handler: handler.hello\n"
        "    tags: *tags\n"
    )
    write_tree(tmp_path, {"serverless.yml": serverless, "handler.py": HANDLER})
    result = lint(tmp_path, select=["ALL"])
    assert result.errors == []
    assert "SL000" not in {d.code for d in result.diagnostics}


def test_shared_value_problem_is_none_for_a_plain_tree() -> None:
    document = load("a: [1, 2]\nb: {c: 3}\n")
    assert shared_value_problem(document) is None


def test_recursive_and_undefined_aliases_are_sl000() -> None:
    with pytest.raises(YamlError, match="recursive YAML alias") as caught:
        load("a: &a [1, *a]\n")
    assert caught.value.location == Location(1, 4)
    with pytest.raises(YamlError, match="found undefined alias") as caught:
        load("a: 1\nb: *nope\n")
    assert caught.value.location == Location(2, 4)


# -- nesting -----------------------------------------------------------------------------
def test_flow_nesting_past_what_libyaml_survives_is_sl000_not_a_crash(tmp_path: Path) -> None:
    # 100,000 levels crashed the process (SIGSEGV) in libyaml's recursive composer.
    levels = 100_000
    write_tree(
        tmp_path,
        {
            "serverless.yml": "service: deep\nprovider:\n  name: aws\ncustom: "
            + "[" * levels
            + "]" * levels
            + "\n",
            "handler.py": HANDLER,
        },
    )
    result = run_guarded(tmp_path, "check", "--select", "ALL", ".")
    assert_clean_exit(result)
    # The document is level 1; the 100th `[` (column 9 + 99) is level 101.
    assert result.stdout.splitlines()[0] == (
        "serverless.yml:4:108: SL000 YAML error: document too deeply nested (more than 100 levels)"
    )


@pytest.mark.parametrize(
    ("text", "location"),
    [
        ("a: " + "[" * 10_000 + "]" * 10_000, Location(1, 103)),
        ("a: " + "{b: " * 10_000 + "}" * 10_000, Location(1, 400)),
        ("- " * 10_000 + "x\n", Location(1, 201)),
        ("[" * 10_000 + "]" * 10_000, Location(1, 101)),  # as JSON
        ('{"a": ' * 10_000 + "1" + "}" * 10_000, Location(1, 601)),  # as JSON
        (
            "".join(" " * i + f"k{i}:\n" for i in range(150)) + " " * 150 + "v: 1\n",
            Location(101, 101),
        ),
    ],
    ids=[
        "flow-sequences",
        "flow-mappings",
        "block-sequences",
        "json-arrays",
        "json-objects",
        "block-mappings",
    ],
)
def test_deep_nesting_is_an_error_at_the_first_level_too_deep(
    text: str, location: Location
) -> None:
    with pytest.raises(YamlError, match=r"too deeply nested \(more than 100 levels\)") as caught:
        load(text)
    assert caught.value.location == location


def test_nesting_up_to_the_limit_loads() -> None:
    document = load("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    depth = 0
    while isinstance(document, list) and document:
        document = document[0]
        depth += 1
    assert depth == MAX_DEPTH - 1  # the innermost list is empty
    assert load("a: " + "[" * (MAX_DEPTH - 1) + "1" + "]" * (MAX_DEPTH - 1))


def test_nesting_through_aliases_counts_too() -> None:
    # Each alias is shallow where it is written, but readers walk through it.
    lines = ["a0: &a0 " + "[" * 40 + "]" * 40]
    for level in range(1, 4):
        lines.append(f"a{level}: &a{level} " + "[" * 40 + f"*a{level - 1}" + "]" * 40)
    with pytest.raises(YamlError, match="too deeply nested"):
        load("\n".join(lines) + "\n")
    assert load("\n".join(lines[:2]) + "\n")


# -- numbers, dates, tags ------------------------------------------------------------
def test_huge_numbers_stay_as_written_and_cost_no_time() -> None:
    started = time.perf_counter()
    assert load("a: " + "1" * 5_000)["a"] == "1" * 5_000  # over Python's 4,300 digits
    assert load("a: 0x" + "f" * 5_000)["a"] == "0x" + "f" * 5_000
    # Sexagesimal (YAML 1.1 `1:30` is 90): quadratic to convert when long.
    sexagesimal = "1" + ":1" * 500_000
    assert load(f"a: {sexagesimal}")["a"] == sexagesimal
    assert load('{"a": ' + "1" * 5_000 + "}")["a"] == "1" * 5_000  # JSON
    assert time.perf_counter() - started < 10
    assert load("a: 1:30\nb: 12345\nc: 1.5\n") == {"a": 90, "b": 12345, "c": 1.5}


def test_an_impossible_date_is_a_string_and_a_wrong_explicit_tag_an_error() -> None:
    assert load("a: 2001-13-45\n")["a"] == "2001-13-45"
    with pytest.raises(YamlError, match="cannot read !!int value: invalid literal") as caught:
        load("a: 1\nb: !!int abc\n")
    assert caught.value.location == Location(2, 4)


def test_python_tags_never_construct_anything(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    command = f"touch {marker}"
    with pytest.raises(YamlError, match="could not determine a constructor"):
        load(f"a: !!python/object/apply:os.system '{command}'\n")
    with pytest.raises(YamlError, match="could not determine a constructor"):
        load("a: !!python/name:os.system ''\n")
    # On a collection the tag is ignored: plain data, nothing called.
    assert load(f"a: !!python/object/apply:os.system ['{command}']\n") == {"a": [command]}
    assert load("a: !!python/object:os.system {x: 1}\n") == {"a": {"x": 1}}
    assert not marker.exists()


def test_odd_values_in_a_config_reach_the_rules_without_crashing_them(tmp_path: Path) -> None:
    serverless = (
        "service: odd\n"
        "provider:\n"
        "  name: aws\n"
        "  runtime: python3.12\n"
        "  timeout: " + "9" * 5_000 + "\n"
        "  stage: !!binary aGVsbG8=\n"
        "  memorySize: 0x" + "f" * 2_000 + "\n"
        "custom:\n"
        "  when: 2001-13-45\n"
        "  at: 2001-12-14t21:59:43.10-05:00\n"
        "functions:\n"
        "  hello:\n"
        "    handler: handler.hello\n"
        "    description: !!binary aGVsbG8=\n"
        "    timeout: 1:30\n"
    )
    write_tree(tmp_path, {"serverless.yml": serverless, "handler.py": HANDLER})
    result = lint(tmp_path, select=["ALL"])
    assert result.errors == []


def test_duplicate_keys_are_sl000(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": "service: a\nprovider:\n  name: aws\n  name: gcp\n",
            "handler.py": HANDLER,
        },
    )
    result = lint(tmp_path, select=["ALL"])
    assert [(d.code, d.start.row, d.start.column) for d in result.diagnostics] == [("SL000", 4, 3)]
    assert "duplicate key 'name'" in result.diagnostics[0].message


def test_very_long_lines_load_in_linear_time() -> None:
    started = time.perf_counter()
    assert len(load("a: " + "x" * 5_000_000 + "\nb: 1\n")["a"]) == 5_000_000
    assert len(load("a: [" + "1, " * 500_000 + "1]\n")["a"]) == 500_001
    with pytest.raises(YamlError):
        load("x" * 5_000 + ": 1\n")  # a plain key longer than YAML allows
    assert time.perf_counter() - started < 20


def test_a_lone_surrogate_is_an_error_not_a_crash() -> None:
    with pytest.raises(YamlError, match="character not allowed") as caught:
        load("a: 1\r\nb: x\udc80y\n")
    assert caught.value.location == Location(2, 5)


# -- unusual line breaks -----------------------------------------------------------------
# YAML ends lines at \x85, \u2028 and \u2029 too; slint (like libcst and the LSP) does
# not. In a quoted string they are folded into the value; positions after them must
# still be slint's, and fixes must land there and keep them.
UNUSUAL = (
    "service: audit\n"
    "provider:\n"
    "  name: aws\n"
    "  runtime: python3.12\n"
    "  stackTags:\n"
    '    owner: "team\u2028payments"\n'
    "functions:\n"
    "  audit:\n"
    '    description: "first\x85second\u2029third"\n'
    "    handler: handler.hello\n"
    "  other:\n"
    "    handler: handler.hello\n"
)


def test_findings_after_unusual_line_breaks_are_on_the_right_line(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": UNUSUAL, "handler.py": HANDLER})
    result = lint(tmp_path, select=["SL301"])
    assert [(d.code, d.start.row, d.start.column) for d in result.diagnostics] == [
        ("SL301", 8, 3),
        ("SL301", 11, 3),
    ]


def test_fixes_after_unusual_line_breaks_land_in_place_and_keep_them(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": UNUSUAL, "handler.py": HANDLER})
    result = run_guarded(tmp_path, "check", "--select", "SL301", "--fix", ".")
    assert_clean_exit(result)
    expected = UNUSUAL.replace(
        "    handler: handler.hello\n  other:",
        "    handler: handler.hello\n    timeout: 10\n  other:",
    )
    expected += "    timeout: 10\n"
    assert (tmp_path / "serverless.yml").read_bytes() == expected.encode("utf-8")
    assert result.stdout.splitlines()[-1] == "Found 2 problems (2 fixed, 0 remaining)."


def test_an_error_after_an_unusual_line_break_is_on_the_right_line() -> None:
    # In a comment, \u2028 ends the comment (for YAML): the rest is a line of its own.
    with pytest.raises(YamlError, match="did not find expected key") as caught:
        load("a: 1\n# note\u2028 more\nb: 2\n")
    assert caught.value.location == Location(2, 9)  # `more`
    with pytest.raises(YamlError, match="duplicate key") as caught:
        load('a: "x\u2028y"\nb: 1\nb: 2\n')
    assert caught.value.location == Location(3, 1)


def test_values_and_positions_around_unusual_line_breaks() -> None:
    document = load(UNUSUAL)
    assert isinstance(document, YMap)
    # YAML 1.1 folds \x85 in a quoted scalar into a space and keeps \u2028, \u2029.
    assert document["provider"]["stackTags"]["owner"] == "team\u2028payments"
    audit = document["functions"]["audit"]
    assert isinstance(audit, YMap)
    assert audit["description"] == "first second\u2029third"
    assert document["functions"].key_loc == {"audit": Location(8, 3), "other": Location(11, 3)}
    assert audit.value_range["description"] == (Location(9, 18), Location(9, 38))
    assert audit.value_range["handler"] == (Location(10, 14), Location(10, 27))
    assert isinstance(document["functions"]["other"], YMap)
