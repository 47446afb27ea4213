"""The JavaScript/TypeScript front end's plumbing: grammars, positions, SL000,
`// slint: ignore`, discovery and the fixer's re-parse, with the real tree-sitter."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import codes_at, lint, write_tree

from slint.discovery import classify
from slint.fixer import still_parses
from slint.fixes import apply_edits
from slint.javascript.analyze import analyze_javascript
from slint.javascript.grammar import Positions, first_error, grammar_of, parse
from slint.settings import Settings
from slint.suppression import parse_suppressions, suppression_edit


@pytest.mark.parametrize(
    ("name", "grammar"),
    [
        ("handler.js", "javascript"),
        ("handler.mjs", "javascript"),
        ("handler.cjs", "javascript"),
        ("view.jsx", "javascript"),
        ("handler.ts", "typescript"),
        ("handler.mts", "typescript"),
        ("handler.cts", "typescript"),
        ("view.tsx", "tsx"),
        ("types.d.ts", None),
        ("handler.py", None),
        ("template.yaml", None),
    ],
)
def test_grammar_by_suffix(name: str, grammar: str | None) -> None:
    assert grammar_of(name) == grammar


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("handler.js", "javascript"),
        ("handler.ts", "javascript"),
        ("view.tsx", "javascript"),
        ("types.d.ts", None),
        ("vendor.min.js", None),
        ("handler.py", "python"),
    ],
)
def test_discovery_classifies_javascript(name: str, kind: str | None) -> None:
    assert classify(Path(name)) == kind


def failure(source: bytes, name: str = "handler.js") -> tuple[int, int, str]:
    result = analyze_javascript(name, source, Settings(), ())
    assert result.failure is not None and result.facts is None
    location = result.failure.location
    return location.row, location.column, result.failure.message


def test_missing_token_is_reported_where_it_is_missing() -> None:
    assert failure(b"foo(1, 2;\n") == (1, 9, "syntax error: missing `)`")


def test_rows_count_lone_carriage_returns_as_slint_does() -> None:
    # tree-sitter counts rows at "\n" only; slint and editors also break at "\r".
    assert failure(b"a();\rb();\r\nc(;\n")[:2] == (3, 3)


def test_columns_count_characters_not_bytes() -> None:
    source = "const é = 'ü'; const b = ) ;\n".encode()
    row, column, message = failure(source)
    assert (row, column) == (1, 24)
    assert message.startswith("syntax error: unexpected `")


def test_byte_order_mark_is_not_a_column() -> None:
    assert failure(b"\xef\xbb\xbffoo(1, 2;\n")[:2] == (1, 9)


def test_typescript_syntax_in_a_javascript_file_is_an_error() -> None:
    assert failure(b"const x: number = 1;\n")[:2] == (1, 7)
    assert analyze_javascript("h.ts", b"const x: number = 1;\n", Settings(), ()).failure is None


def test_tsx_is_parsed_with_its_own_grammar() -> None:
    source = b"export const View = () => <div className='x'>hi</div>;\n"
    assert analyze_javascript("view.tsx", source, Settings(), ()).failure is None
    assert failure(source, "view.ts")[2].startswith("syntax error")


def test_undecodable_and_binary_files() -> None:
    assert failure(b"const a = 1;\nconst b = '\xff';\n") == (
        2,
        12,
        "cannot decode file as UTF-8: invalid byte 0xff",
    )
    assert failure(b"const a = 1;\0\n") == (1, 13, "file contains NUL bytes; is it a binary file?")


def test_positions_end_of_file_and_multibyte() -> None:
    data = "a\r\nbé\rc".encode()
    positions = Positions(data)
    assert positions.location(0).row == 1
    assert positions.location(3) == positions.location(data.index(b"b"))
    assert (positions.location(data.index(b"c")).row, positions.location(len(data)).column) == (
        3,
        2,
    )
    assert positions.location(data.index(b"\r", 3)).column == 3  # after "bé": 2 characters


def test_first_error_of_a_clean_tree_is_none() -> None:
    assert (
        first_error(parse(b"export const handler = async () => 1;\n", "javascript").root_node)
        is None
    )


SUPPRESSED = """\
import { S3Client } from "@aws-sdk/client-s3"; // slint: ignore[SL102]
// slint: ignore
// a note in between
foo();
const s = "// slint: ignore[SL101]";
const t = `
// slint: ignore[SL101]
`;
/* slint: ignore[SL2] */ bar();
/* slint: ignore[SL5] */
baz();
"""


def test_javascript_suppression_comments() -> None:
    found = [
        (s.target_line, s.location.row, s.location.column, s.codes)
        for s in parse_suppressions(SUPPRESSED, "javascript")
    ]
    assert found == [
        (1, 1, 48, ("SL102",)),
        (4, 2, 1, None),  # alone on its line: the next line with code, past comments
        (9, 9, 1, ("SL2",)),  # a block comment before code on the same line
        (11, 10, 1, ("SL5",)),
    ]


@pytest.mark.parametrize("grammar", ["javascript", "typescript", "tsx"])
def test_suppression_edit_for_javascript(grammar: str) -> None:
    source = "const a = 1;\nconst client = new S3Client({});\n"
    edit = suppression_edit(source, 2, "SL101", grammar)
    assert edit is not None
    fixed = apply_edits(source, [edit])
    assert fixed == "const a = 1;\nconst client = new S3Client({});  // slint: ignore[SL101]\n"
    assert [s.target_line for s in parse_suppressions(fixed, grammar)] == [2]


def test_suppression_edit_inside_a_template_literal_goes_above() -> None:
    # A trailing `//` inside the template would change the string: the comment goes
    # on a line of its own above the statement's line only if that means the same.
    source = "const t = `a\nb ${client}\n`;\n"
    edit = suppression_edit(source, 2, "SL101", "javascript")
    assert edit is None or _same_tokens(source, apply_edits(source, [edit]))


def _same_tokens(before: str, after: str) -> bool:
    from slint.suppression import _javascript_tokens

    return _javascript_tokens(before, "javascript") == _javascript_tokens(after, "javascript")


def test_fixer_reparses_javascript_with_its_grammar(tmp_path: Path) -> None:
    assert still_parses(tmp_path / "h.ts", "const x: number = 1;\n")
    assert not still_parses(tmp_path / "h.js", "const x: number = 1;\n")
    assert not still_parses(tmp_path / "h.mjs", "export const = ;\n")


def test_syntax_error_is_sl000_and_the_run_goes_on(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "broken.mjs": "export const handler = async (event => {\n  return 1;\n};\n",
            "broken.py": "def f(:\n",
        },
    )
    result = lint(tmp_path, select=["SL000"])
    assert not result.errors
    found = codes_at(result.diagnostics)
    assert [(path, code) for path, code, _, _ in found] == [
        ("broken.mjs", "SL000"),
        ("broken.py", "SL000"),
    ]


def test_bundler_output_is_not_discovered(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            ".esbuild/.build/handler.js": "export const = ;\n",
            ".webpack/service/handler.js": "export const = ;\n",
            "node_modules/pkg/index.js": "export const = ;\n",
            "dist/handler.js": "export const = ;\n",
            "src/ok.js": "export const = ;\n",
        },
    )
    found = codes_at(lint(tmp_path, select=["SL000"]).diagnostics)
    assert [path for path, _, _, _ in found] == ["src/ok.js"]


@pytest.mark.parametrize(
    "source",
    [
        b"const x = " + b"a(" * 3000 + b"1" + b")" * 3000 + b";\n",
        b"const x = " + b" + ".join([b"x"] * 6000) + b";\n",
        b"const x = " + b"[" * 3000 + b"]" * 3000 + b";\n",
    ],
    ids=["calls", "concatenation", "arrays"],
)
def test_deeply_nested_code_is_analysed_with_room(source: bytes) -> None:
    # Beyond Python's default recursion limit: retried in a thread with a deep stack.
    result = analyze_javascript("generated.js", source, Settings(), ())
    assert result.failure is None and result.facts is not None


def test_main_is_not_a_conventional_handler_by_name_alone(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "script.mjs": "export async function main(args) {\n  return args;\n}\n",
            "handler.mjs": "export const handler = async (event) => event;\n",
        },
    )
    from slint.javascript.analyze import analyze_javascript as analyze

    script = analyze("script.mjs", (tmp_path / "script.mjs").read_bytes(), Settings(), ())
    handler = analyze("handler.mjs", (tmp_path / "handler.mjs").read_bytes(), Settings(), ())
    assert script.facts is not None and script.facts.convention_handlers == ()
    assert handler.facts is not None and handler.facts.convention_handlers == ("handler",)


def test_a_crashing_javascript_rule_costs_only_its_own_findings() -> None:
    from collections.abc import Iterator

    from slint.api import CodeRule
    from slint.diagnostics import Diagnostic
    from slint.javascript.analyze import JavaScriptModule

    class Crashing(CodeRule):
        code = "SL999"
        name = "crashing"

        def check_javascript(self, module: JavaScriptModule) -> Iterator[Diagnostic]:
            raise KeyError("boom")

    class Counting(CodeRule):
        code = "SL998"
        name = "counting"

        def check_javascript(self, module: JavaScriptModule) -> Iterator[Diagnostic]:
            start = module.positions.location(0)
            yield self.make_diagnostic(module.path, start, start, f"{len(module.facts.functions)}")

    result = analyze_javascript(
        "h.mjs", b"export const handler = async () => 1;\n", Settings(), (Crashing, Counting)
    )
    crash, counted = result.diagnostics
    assert crash.internal_error and crash.code == "SL999"
    assert crash.message == "internal error in rule SL999 (crashing): KeyError: 'boom'"
    assert (counted.code, counted.message) == ("SL998", "1")
