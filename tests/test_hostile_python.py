"""Hostile Python modules cost that file an SL000, never the run (issue 8): nesting that
CPython refuses, chains deep enough to crash libcst's native parser, a parser crash
nobody predicted (contained in a child process), and files over the size limit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

import slint.python.analyze as analyze
from slint.api import CodeRule
from slint.files import MAX_FILE_BYTES, read_limited
from slint.isolation import ModuleAnalyzer
from slint.python.analyze import (
    MAX_NESTING_DEPTH,
    RISKY_NESTING_DEPTH,
    ModuleResult,
    analyze_module,
    nesting_depth,
    read_module,
)
from slint.registry import Registry
from slint.settings import Settings
from tests.conftest import codes_at, lint, run_cli, write_tree

GOOD = """\
import boto3


def handler(event, context):
    client = boto3.client("s3")
    return client.list_buckets()
"""
GOOD_OUTPUT = (
    "good.py:5:14: SL101 `boto3.client(...)` creates a new boto3 client on every "
    "invocation: create it once at module scope so warm invocations reuse it"
)
PARENS_1500 = "x = " + "(" * 1500 + "1" + ")" * 1500 + "\n"
BRACKETS_3000 = "x = " + "[" * 3000 + "]" * 3000 + "\n"
PLUS_9000 = "x = " + "+".join(["a"] * 9000) + "\n"
TOO_DEEP = (
    "module too deeply nested for slint to analyse (more than 2,500 levels of "
    "operators, calls or brackets)"
)
CRASH = "slint's Python parser crashed on this file (signal 11, SIGSEGV); nothing in it was checked"


def code_rules() -> list[type[CodeRule]]:
    registry = Registry.load()
    return registry.of_kind(registry.enabled(Settings(), ()), CodeRule)


def run(source: str) -> ModuleResult:
    return analyze_module("m.py", source.encode(), Settings(), code_rules())


def failure_of(result: ModuleResult) -> tuple[str, int, int]:
    assert result.failure is not None
    return (result.failure.message, result.failure.location.row, result.failure.location.column)


def deep_chain_handler(terms: int, marker: str = "") -> str:
    """A handler whose client call ends a chain of `terms` additions (risky, not too deep)."""
    chain = " + ".join(["1"] * terms)
    return (
        f"import boto3\n{marker}\n\ndef handler(event, context):\n"
        f"    return {chain} + boto3.client('s3')\n"
    )


# -- what CPython refuses for its nesting ---------------------------------------------


def test_1500_nested_parentheses_are_cpythons_syntax_error() -> None:
    """libcst's parser segfaults on this; CPython stops at the 201st bracket."""
    assert failure_of(run(PARENS_1500)) == ("syntax error: too many nested parentheses", 1, 205)


def test_3000_nested_brackets_are_cpythons_syntax_error() -> None:
    assert failure_of(run(BRACKETS_3000)) == ("syntax error: too many nested parentheses", 1, 205)


def test_200_nested_parentheses_are_analysed() -> None:
    source = "import boto3\n\n\ndef handler(event, context):\n    return "
    source += "(" * 199 + "boto3.client('s3')" + ")" * 199 + "\n"
    result = run(source)
    assert result.failure is None
    assert [(p.function_key, p.diagnostic.start.column) for p in result.pending] == [
        ("handler", 12 + 199)
    ]


def test_too_many_indentation_levels_is_cpythons_syntax_error() -> None:
    lines = [" " * level + "if x:" for level in range(101)] + [" " * 101 + "pass"]
    message, row, _ = failure_of(run("\n".join(lines) + "\n"))
    assert (message, row) == ("syntax error: too many levels of indentation", 101)


def test_other_syntax_errors_keep_cpythons_message_and_position() -> None:
    assert failure_of(run("def handler(event, context):\n    return (1,\n")) == (
        "syntax error: '(' was never closed",
        2,
        12,
    )


def test_compiler_errors_are_still_reported() -> None:
    assert failure_of(run("x = 1\nreturn x\n")) == ("syntax error: 'return' outside function", 2, 1)


def test_syntax_libcst_accepts_and_this_python_does_not_is_still_analysed() -> None:
    """PEP 695 (3.12): libcst parses it whatever Python runs slint; CPython's verdict
    alone must not turn it into an SL000."""
    source = "import boto3\n\ntype Alias = int\n\n\ndef handler(event, context):\n"
    source += "    return boto3.client('s3')\n"
    result = run(source)
    assert result.failure is None
    assert [p.diagnostic.start.row for p in result.pending] == [7]


# -- chains: too deep (SL000) or risky (a child process) ----------------------------------


def test_9000_chained_additions_are_too_deep() -> None:
    """libcst's parser segfaults at about 7,000; CPython 3.11 and 3.12 raise
    RecursionError, 3.10 and 3.13 parse it: SL000 on every version."""
    assert failure_of(run(PLUS_9000)) == (TOO_DEEP, 1, 1)


def test_what_overflows_cpythons_parser_stack_is_a_syntax_error() -> None:
    """The same MemoryError on CPython 3.10 to 3.13: Lambda cannot import it either."""
    source = "x = " + "(lambda: " * 199 + "lambda: " * 190 + "a" + ")" * 199 + "\n"
    assert failure_of(run(source)) == ("syntax error: Python source too complex to parse", 1, 1)


@pytest.mark.parametrize(
    "expression",
    [
        " + ".join(["a"] * 2600),
        " or ".join(["a"] * 2600),
        "not " * 2600 + "a",
        "a" + ".b" * 2600,
        "a" + "()" * 2600,
        "a" + "[0]" * 2600,
    ],
    ids=["plus", "or", "not", "attribute", "call", "subscript"],
)
def test_chains_beyond_the_limit_are_too_deep_on_every_version(expression: str) -> None:
    """Under CPython's own recursion limits (about 2,980), over slint's."""
    assert failure_of(run(f"x = {expression}\n")) == (TOO_DEEP, 1, 1)


@pytest.mark.parametrize(
    ("source", "low", "high"),
    [
        ("x = 1\n", 1, 1 + 64),
        ("x = " + " + ".join(["a"] * 1000) + "\n", 1000, 1000 + 64),
        ("x = " + " or ".join(["a"] * 1000) + "\n", 1000, 1000 + 64),
        ("x = (a +\n" + " +\n".join(["a"] * 1000) + ")\n", 1000, 1000 + 64),
        ("x = [\n" + "".join(f"    {i},\n" for i in range(5000)) + "]\n", 1, 70),
    ],
    ids=["tiny", "one-line-chain", "or-chain", "multi-line-chain", "long-flat-list"],
)
def test_nesting_depth_is_close_to_the_truth(source: str, low: int, high: int) -> None:
    import ast

    assert low <= nesting_depth(ast.parse(source)) <= high


def test_only_deep_modules_are_risky() -> None:
    ordinary = read_module("m.py", GOOD.encode())
    deep = read_module("m.py", deep_chain_handler(RISKY_NESTING_DEPTH + 10).encode())
    assert not isinstance(ordinary, ModuleResult) and not ordinary.risky
    assert not isinstance(deep, ModuleResult) and deep.risky
    assert MAX_NESTING_DEPTH > RISKY_NESTING_DEPTH


@pytest.fixture
def analyzer() -> Iterator[ModuleAnalyzer]:
    """A fresh analyzer, so its worker forks after each test's monkeypatching."""
    made = ModuleAnalyzer()
    yield made
    made.close()


def test_a_risky_module_gets_the_same_result_in_the_child(analyzer: ModuleAnalyzer) -> None:
    data = deep_chain_handler(1500).encode()
    in_child = analyzer.analyze("m.py", data, Settings(), code_rules())
    assert in_child.failure is None
    assert [(p.function_key, p.diagnostic.code) for p in in_child.pending] == [("handler", "SL101")]
    assert in_child == analyze_module("m.py", data, Settings(), code_rules())


def crash_on_marker(monkeypatch: pytest.MonkeyPatch) -> None:
    """libcst's parser 'segfaults' on a module containing CRASH_HERE (in any process)."""
    real_parse = analyze.parse_source

    def parse(path: str, text: str, error: SyntaxError | None = None) -> object:
        if "CRASH_HERE" in text:
            os.kill(os.getpid(), signal.SIGSEGV)
        return real_parse(path, text, error)

    monkeypatch.setattr(analyze, "parse_source", parse)


def test_a_crash_in_the_child_costs_that_module_an_sl000(
    analyzer: ModuleAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    crash_on_marker(monkeypatch)
    rules = code_rules()
    crashing = deep_chain_handler(1500, "# CRASH_HERE").encode()
    fine = deep_chain_handler(1500).encode()
    assert analyzer.analyze("fine.py", fine, Settings(), rules).pending
    crashed = analyzer.analyze("crash.py", crashing, Settings(), rules)
    assert failure_of(crashed) == (CRASH, 1, 1)
    assert crashed.source == crashing.decode()  # its suppression comments still apply
    # A fresh child takes the next risky module; ordinary modules stay in-process.
    assert analyzer.analyze("fine.py", fine, Settings(), rules).pending
    assert analyzer.analyze("good.py", GOOD.encode(), Settings(), rules).pending
    assert failure_of(analyzer.analyze("again.py", crashing, Settings(), rules)) == (CRASH, 1, 1)


def test_a_bug_in_the_child_is_raised_in_the_parent(
    analyzer: ModuleAnalyzer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> object:
        raise ValueError("a bug")

    monkeypatch.setattr(analyze, "_analyze_parsed", broken)
    data = deep_chain_handler(1500).encode()
    with pytest.raises(ValueError, match="a bug"):
        analyzer.analyze("m.py", data, Settings(), code_rules())
    # The worker survives a bug: the next module is analysed by the same child.
    monkeypatch.undo()
    with pytest.raises(ValueError, match="a bug"):  # the child forked with the bug
        analyzer.analyze("m.py", data, Settings(), code_rules())


def test_the_deep_recursion_retry_still_works_in_process() -> None:
    """`_DEEP_RECURSION_LIMIT`: chains deeper than Python's recursion limit are analysed."""
    result = run(deep_chain_handler(1500))
    assert result.failure is None
    assert [p.diagnostic.start.column for p in result.pending] == [12 + 4 * 1500]


def test_the_retry_runs_on_a_thread_with_a_deep_stack_and_restores_the_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On CPython 3.10 every Python call also recurses in C: 30,000 levels on the main
    thread's 8 MB stack would kill the process before any RecursionError. The retry
    runs on a thread of its own, with `_DEEP_STACK_BYTES` of stack, on every version."""
    seen: list[tuple[str, int]] = []
    real = analyze._analyze_parsed

    def spy(*args: object, **kwargs: object) -> ModuleResult:
        seen.append((threading.current_thread().name, sys.getrecursionlimit()))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(analyze, "_analyze_parsed", spy)
    limit = sys.getrecursionlimit()
    thread_stack = threading.stack_size()
    assert run(deep_chain_handler(1500)).pending
    assert seen == [
        (threading.current_thread().name, limit),
        ("slint-deep-analysis", analyze._DEEP_RECURSION_LIMIT),
    ]
    assert (sys.getrecursionlimit(), threading.stack_size()) == (limit, thread_stack)


def test_nesting_beyond_the_retrys_limit_is_an_sl000(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze, "_DEEP_RECURSION_LIMIT", 1200)
    assert failure_of(run(deep_chain_handler(1500))) == (
        "module too deeply nested to analyse",
        1,
        1,
    )


def test_no_thread_for_the_retry_is_an_sl000(monkeypatch: pytest.MonkeyPatch) -> None:
    """A platform that refuses the stack size, or no memory for it: that module's SL000."""
    monkeypatch.setattr(analyze, "_DEEP_STACK_BYTES", 1)  # threading: "size not valid"
    assert failure_of(run(deep_chain_handler(1500))) == (
        "module too deeply nested to analyse",
        1,
        1,
    )
    assert run(GOOD).pending  # ordinary modules never need the thread


def test_a_bug_in_the_retry_is_raised_in_the_callers_thread(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[str] = []

    def deep_then_broken(*args: object, **kwargs: object) -> ModuleResult:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            raise RecursionError("maximum recursion depth exceeded")
        raise ValueError("a bug")

    monkeypatch.setattr(analyze, "_analyze_parsed", deep_then_broken)
    with pytest.raises(ValueError, match="a bug"):
        run(GOOD)
    assert calls[1] == "slint-deep-analysis"


# -- the command line ---------------------------------------------------------------------


def test_cli_reports_hostile_modules_and_the_good_one(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "good.py": GOOD,
            "parens.py": PARENS_1500,
            "plus.py": PLUS_9000,
            "brackets.py": BRACKETS_3000,
            "chain.py": deep_chain_handler(1500),
        },
    )
    done = run_cli("check", "--select", "SL000,SL101", ".", cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[:-1] == [
        "brackets.py:1:205: SL000 syntax error: too many nested parentheses",
        "chain.py:5:6012: SL101 `boto3.client(...)` creates a new boto3 client on every "
        "invocation: create it once at module scope so warm invocations reuse it",
        GOOD_OUTPUT,
        "parens.py:1:205: SL000 syntax error: too many nested parentheses",
        f"plus.py:1:1: SL000 {TOO_DEEP}",
    ]


CRASHING_CLI = """\
import os, signal, sys
import slint.python.analyze as analyze
real_parse = analyze.parse_source
def parse(path, text, error=None):
    if "CRASH_HERE" in text:
        os.kill(os.getpid(), signal.SIGSEGV)
    return real_parse(path, text, error)
analyze.parse_source = parse
from slint.cli import main
main(sys.argv[1:])
"""


def test_cli_survives_a_parser_crash(tmp_path: Path) -> None:
    """A crash nobody predicted, in a risky module: that module gets an SL000, the run
    goes on and reports the others (today the whole run dies with exit code 139)."""
    project = tmp_path / "project"
    write_tree(
        project,
        {
            "good.py": GOOD,
            "crash.py": deep_chain_handler(1500, "# CRASH_HERE"),
            "chain.py": deep_chain_handler(1500),
        },
    )
    # Outside the checked tree: its own text names the marker.
    (tmp_path / "crashing_slint.py").write_text(CRASHING_CLI)
    done = subprocess.run(
        [sys.executable, "../crashing_slint.py", "check", "--select", "SL000,SL101", "."],
        cwd=project,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    assert done.stdout.splitlines()[:-1] == [
        "chain.py:5:6012: SL101 `boto3.client(...)` creates a new boto3 client on every "
        "invocation: create it once at module scope so warm invocations reuse it",
        f"crash.py:1:1: SL000 {CRASH}",
        GOOD_OUTPUT,
    ]


# -- the size limit -----------------------------------------------------------------------


def sparse(path: Path, size: int) -> None:
    """A file of `size` bytes that costs no disk (and no time) to write."""
    with path.open("wb") as stream:
        stream.truncate(size)


BIG = 50 * 1024 * 1024


def test_read_limited_refuses_big_files_without_reading_them(tmp_path: Path) -> None:
    from slint.files import FileTooBig

    sparse(tmp_path / "big.py", BIG)
    with pytest.raises(FileTooBig) as raised:
        read_limited(tmp_path / "big.py")
    assert raised.value.size == BIG
    sparse(tmp_path / "limit.py", MAX_FILE_BYTES)
    assert len(read_limited(tmp_path / "limit.py")) == MAX_FILE_BYTES


def test_big_files_are_skipped_with_a_warning(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "good.py": GOOD,
            "serverless.yml": textwrap.dedent(
                """\
                service: s
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  f:
                    handler: handler.handler
                """
            ),
            "requirements.txt": "boto3\n",
        },
    )
    sparse(tmp_path / "big.py", BIG)
    sparse(tmp_path / "handler.py", BIG)
    sparse(tmp_path / "requirements.txt", BIG)
    result = lint(tmp_path, select=["SL000", "SL101"])
    assert codes_at(result.diagnostics) == [("good.py", "SL101", 5, 14)]
    assert sorted(result.warnings) == [
        "big.py: 52.4 MB, over slint's 10 MB limit for one file; skipped",
        "handler.py: 52.4 MB, over slint's 10 MB limit for one file; skipped",
        "requirements.txt: 52.4 MB, over slint's 10 MB limit for one file; skipped",
    ]
    sparse(tmp_path / "serverless.yml", BIG)
    result = lint(tmp_path, select=["SL000", "SL101"])
    assert "serverless.yml: 52.4 MB, over slint's 10 MB limit for one file; skipped" in (
        result.warnings
    )


def test_cli_warns_of_a_big_file_and_checks_the_rest(tmp_path: Path) -> None:
    write_tree(tmp_path, {"good.py": GOOD})
    sparse(tmp_path / "big.py", BIG)
    done = run_cli("check", "--select", "SL000,SL101", ".", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "slint: warning: big.py: 52.4 MB, over slint's 10 MB limit for one file; skipped"
    ]
    assert done.stdout.splitlines()[0] == GOOD_OUTPUT


def test_a_big_generated_template_is_named_too_big_not_passed_over(tmp_path: Path) -> None:
    # A 50 MB template.json: recognised as a template from its start, then skipped with
    # a warning; the run checked nothing, so it does not say "All checks passed!".
    path = tmp_path / "template.json"
    with path.open("wb") as stream:
        stream.write(b'{"Resources": {"F": {"Type": "AWS::Lambda::Function"')
        stream.truncate(BIG)
    done = run_cli("check", ".", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "")
    assert done.stderr.splitlines() == [
        "slint: warning: template.json: 52.4 MB, over slint's 10 MB limit for one file; skipped",
        "slint: warning: no file was checked",
    ]
