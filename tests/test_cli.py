"""The command line: exit codes, streams, options, `rules`, `rule`, `--version`.

Exit codes and streams are checked through the installed `slint` command; the
option matrix runs `slint.cli.main` in-process (the same function the command
calls), which is much faster.
"""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import run_cli, slint_command, write_tree

from slint import __version__
from slint.cli import main

HANDLER = (
    'import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3\n'
)
CLEAN = 'def handler(event, context):\n    return {"statusCode": 200}\n'
SYNTAX_ERROR = "def handler(event, context)\n    return 1\n"
UNUSED_IGNORE = "x = 1  # slint: ignore[SL1O1]\n"

FINDING = re.compile(
    r"^(?P<path>.+?):(?P<row>\d+):(?P<column>\d+): (?P<code>[A-Z]+\d{3}) "
    r"(?P<fixable>\[\*\] )?(?P<message>\S.*)$"
)


def findings(stdout: str) -> list[tuple[str, int, int, str]]:
    """(path, row, column, code) of every finding line of text output, in order."""
    found = []
    for line in stdout.splitlines():
        match = FINDING.match(line)
        if match:
            found.append((match["path"], int(match["row"]), int(match["column"]), match["code"]))
    return found


def invoke(
    args: list[str], cwd: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str]:
    """`slint ARGS` in-process: (exit code, stdout, stderr)."""
    monkeypatch.chdir(cwd)
    with pytest.raises(SystemExit) as exit_info:
        main(args)
    captured = capsys.readouterr()
    code = exit_info.value.code
    return (code if isinstance(code, int) else 0), captured.out, captured.err


# --- exit codes and the text format -------------------------------------------------


def test_findings_are_printed_one_per_line_and_exit_1(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    match = FINDING.match(lines[0])
    assert match, lines[0]
    assert (match["path"], match["row"], match["column"], match["code"]) == (
        "h.py",
        "5",
        "10",
        "SL101",
    )
    # The fix is unsafe: no `[*]` (that marks what `--fix` would apply).
    assert match["fixable"] is None
    assert "boto3" in match["message"]
    assert lines[1] == "Found 1 problem (1 fixable with --unsafe-fixes)."
    assert result.stdout.endswith("\n")


def test_clean_project_passes_with_exit_0(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": CLEAN})
    result = run_cli("check", cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "All checks passed!\n", "")


def test_default_path_is_the_current_directory(tmp_path: Path) -> None:
    write_tree(tmp_path, {"src/h.py": HANDLER, "src/ok.py": CLEAN})
    implicit = run_cli("check", cwd=tmp_path / "src")
    explicit = run_cli("check", ".", cwd=tmp_path / "src")
    assert implicit.returncode == explicit.returncode == 1
    assert implicit.stdout == explicit.stdout
    assert findings(implicit.stdout) == [("h.py", 5, 10, "SL101")]


def test_exit_zero_keeps_the_output_and_exits_0(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    result = run_cli("check", "--exit-zero", cwd=tmp_path)
    assert result.returncode == 0
    assert findings(result.stdout) == [("h.py", 5, 10, "SL101")]
    assert result.stdout.splitlines()[-1] == "Found 1 problem (1 fixable with --unsafe-fixes)."


def test_exit_zero_does_not_hide_usage_errors(tmp_path: Path) -> None:
    result = run_cli("check", "--exit-zero", "missing.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "slint: error: missing.py: no such file or directory\n"


@pytest.mark.parametrize("flag", ["-q", "--quiet"])
def test_quiet_prints_findings_only(
    flag: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"h.py": HANDLER, "clean/ok.py": CLEAN})
    code, out, err = invoke(["check", flag], tmp_path, monkeypatch, capsys)
    assert (code, err) == (1, "")
    assert len(out.splitlines()) == 1
    assert findings(out) == [("h.py", 5, 10, "SL101")]
    code, out, err = invoke(["check", flag, "clean"], tmp_path, monkeypatch, capsys)
    assert (code, out, err) == (0, "", "")


def test_statistics_counts_findings_per_rule(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.py": HANDLER, "b.py": HANDLER, "c.py": SYNTAX_ERROR})
    result = run_cli("check", "--statistics", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "    2\tSL101\t    client-in-handler",
        "    1\tSL000\t    parse-error",
        "Found 3 problems (2 fixable with --unsafe-fixes).",
    ]


def test_statistics_as_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"a.py": HANDLER, "b.py": HANDLER, "c.py": SYNTAX_ERROR})
    code, out, _ = invoke(
        ["check", "--statistics", "--output-format", "json"], tmp_path, monkeypatch, capsys
    )
    assert code == 1
    assert json.loads(out) == [
        {"code": "SL101", "name": "client-in-handler", "count": 2, "fixable": False},
        {"code": "SL000", "name": "parse-error", "count": 1, "fixable": False},
    ]


def test_no_cache_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    code, out, err = invoke(["check", "--no-cache"], tmp_path, monkeypatch, capsys)
    assert (code, err) == (1, "")
    assert findings(out) == [("h.py", 5, 10, "SL101")]


def test_files_with_parse_errors_are_reported_and_the_run_goes_on(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a.py": SYNTAX_ERROR,
            # 0xff is not UTF-8; write_tree turns the lone surrogate into that byte.
            "b.py": 'x = 1\ny = "\udcff"\n',
            "c.py": "x = 1\ny = 2\0\n",
            "d.py": HANDLER,
            "e.py": CLEAN,
        },
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""
    assert findings(result.stdout) == [
        ("a.py", 1, 28, "SL000"),
        ("b.py", 2, 6, "SL000"),
        ("c.py", 2, 6, "SL000"),
        ("d.py", 5, 10, "SL101"),
    ]
    lines = result.stdout.splitlines()
    assert lines[0] == "a.py:1:28: SL000 syntax error: expected ':'"
    assert lines[1] == "b.py:2:6: SL000 cannot decode file as utf-8: invalid byte 0xff"
    assert lines[2] == "c.py:2:6: SL000 file contains NUL bytes; is it a binary file?"
    assert lines[-1] == "Found 4 problems (1 fixable with --unsafe-fixes)."


def test_output_is_sorted_by_path_and_position(tmp_path: Path) -> None:
    two = (
        "import boto3\n\n\ndef handler(event, context):\n"
        '    a = boto3.client("s3"); b = boto3.client("sqs")\n    return a, b\n'
    )
    write_tree(tmp_path, {"z.py": HANDLER, "a/b.py": two, "m.py": SYNTAX_ERROR})
    result = run_cli("check", "z.py", "m.py", "a", cwd=tmp_path)
    assert findings(result.stdout) == [
        ("a/b.py", 5, 9, "SL101"),
        ("a/b.py", 5, 33, "SL101"),
        ("m.py", 1, 28, "SL000"),
        ("z.py", 5, 10, "SL101"),
    ]


# --- rule selection on the command line ----------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"SL000", "SL101"}),
        (["--select", "SL101"], {"SL101"}),
        (["--select", "SL1"], {"SL101"}),
        (["--select", "sl000"], {"SL000"}),
        (["--select", "SL0"], {"SL000", "SL005"}),
        (["--select", "SL000,SL101"], {"SL000", "SL101"}),
        (["--select", " SL000 , SL101 "], {"SL000", "SL101"}),
        (["--select", "SL000", "--select", "SL101"], {"SL000", "SL101"}),
        (["--select", "ALL"], {"SL000", "SL005", "SL101"}),
        (["--select", "all"], {"SL000", "SL005", "SL101"}),
        (["--select", "ALL", "--ignore", "SL0"], {"SL101"}),
        (["--select", "SL0", "--ignore", "SL000"], {"SL005"}),
        (["--select", "SL1", "--ignore", "SL1", "--extend-select", "SL101"], {"SL101"}),
        (["--ignore", "SL101"], {"SL000"}),
        (["--ignore", "SL000,SL101"], set()),
        (["--ignore", "SL000", "--ignore", "SL101"], set()),
        (["--ignore", "ALL"], set()),
        (["--extend-select", "SL005"], {"SL000", "SL005", "SL101"}),
        (["--extend-select", "SL005", "--ignore", "SL0"], {"SL005", "SL101"}),
        (["--select", "SL101", "--extend-select", "SL000"], {"SL000", "SL101"}),
        (["--report-unused-ignores"], {"SL000", "SL005", "SL101"}),
        (["--select", "SL1", "--report-unused-ignores"], {"SL005", "SL101"}),
    ],
)
def test_select_ignore_extend_select(
    args: list[str],
    expected: set[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_tree(tmp_path, {"h.py": HANDLER, "bad.py": SYNTAX_ERROR, "s.py": UNUSED_IGNORE})
    code, out, err = invoke(["check", *args], tmp_path, monkeypatch, capsys)
    assert err == ""
    assert {f[3] for f in findings(out)} == expected
    assert code == (1 if expected else 0)


# --- usage errors: one line on stderr, exit 2 ------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--bogus"], None),
        (["check", "-x"], None),
        (["--bogus"], None),
        (["bogus"], None),
        ([], "slint: error: missing command"),
        (["check", "--output-format", "xml"], None),
        (["check", "--output-format"], None),
        (["check", "--select"], None),
        (["rules", "--output-format", "yaml"], None),
        (["rule"], None),
        (["rule", "SL101", "SL000"], None),
        (["rule", "SL999"], "slint: error: unknown rule `SL999` (see `slint rules`)"),
        (["check", "--select", "XX"], "slint: error: --select: unknown rule selector `XX`"),
        (["check", "--select", "SL1O1"], "slint: error: --select: unknown rule selector `SL1O1`"),
        (["check", "--select", "SL101,SL9"], "slint: error: --select: unknown rule selector `SL9`"),
        (["check", "--ignore", "sl9"], "slint: error: --ignore: unknown rule selector `SL9`"),
        (
            ["check", "--extend-select", "nope"],
            "slint: error: --extend-select: unknown rule selector `NOPE`",
        ),
        (["check", "missing.py"], "slint: error: missing.py: no such file or directory"),
        (["check", "h.py", "gone/"], "slint: error: gone/: no such file or directory"),
        (["check", ""], "slint: error: ``: no such file or directory"),
        (["check", "--config", "nope.toml"], "slint: error: nope.toml: no such configuration file"),
        (["check", "--config", "."], None),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(
    args: list[str],
    message: str | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    code, out, err = invoke(args, tmp_path, monkeypatch, capsys)
    _assert_one_line_error(code, out, err, message)


def _assert_one_line_error(code: int, out: str, err: str, message: str | None) -> None:
    assert code == 2, (out, err)
    assert out == ""
    assert err.startswith("slint: error: ")
    assert err.endswith("\n")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert "Usage:" not in err
    if message is not None:
        assert err.startswith(message), err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "--bogus"], "slint: error: No such option"),
        (["bogus"], "slint: error: No such command"),
        ([], "slint: error: missing command"),
        (["check", "--output-format", "xml"], "slint: error: Invalid value for '--output-format'"),
        (["check", "--select", "XX"], "slint: error: --select: unknown rule selector `XX`"),
        (["check", "missing.py"], "slint: error: missing.py: no such file or directory"),
    ],
)
def test_usage_errors_through_the_installed_command(
    args: list[str], message: str, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    result = run_cli(*args, cwd=tmp_path)
    _assert_one_line_error(result.returncode, result.stdout, result.stderr, message)


def test_help_goes_to_stdout_with_exit_0(tmp_path: Path) -> None:
    result = run_cli("check", "--help", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == ""
    for option in (
        "--select",
        "--ignore",
        "--extend-select",
        "--output-format",
        "--config",
        "--no-cache",
        "--exit-zero",
        "--quiet",
        "--statistics",
        "--report-unused-ignores",
        "--force-exclude",
    ):
        assert option in result.stdout


# --- rules, rule, --version, python -m slint -------------------------------------------


def test_rules_prints_an_aligned_table(tmp_path: Path) -> None:
    result = run_cli("rules", cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "name", "severity", "default", "fix", "cfn-lint"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["SL000"] == ["SL000", "parse-error", "error", "yes", "-", "-"]
    assert rows["SL005"] == ["SL005", "unused-suppression", "warning", "no", "-", "-"]
    assert rows["SL101"] == ["SL101", "client-in-handler", "warning", "yes", "unsafe", "-"]
    # The ids under which the cfn-lint plugin reports a config rule.
    assert rows["SL301"] == ["SL301", "missing-timeout", "warning", "yes", "safe", "W9301"]
    assert rows["SL304"][-1] == "E9304/W9304"
    codes = [line.split()[0] for line in lines[1:]]
    assert codes == sorted(codes)
    # Every column starts where its header does.
    titles = ("name", "severity", "default", "fix", "cfn-lint")
    starts = [lines[0].index(title) for title in titles]
    for line in lines[1:]:
        cells = line.split()
        assert [
            line.index(cell, start) for cell, start in zip(cells[1:], starts, strict=True)
        ] == starts


def test_rules_as_json(tmp_path: Path) -> None:
    result = run_cli("rules", "--output-format", "json", cwd=tmp_path)
    assert result.returncode == 0
    data = json.loads(result.stdout)
    by_code = {item["code"]: item for item in data}
    sl101 = by_code["SL101"]
    assert set(sl101) == {
        "code",
        "name",
        "severity",
        "enabled_by_default",
        "fix",
        "cfn_lint",
        "summary",
    }
    assert sl101["cfn_lint"] == []
    assert by_code["SL203"]["cfn_lint"] == ["E9203", "W9203"]
    assert (sl101["name"], sl101["severity"], sl101["enabled_by_default"], sl101["fix"]) == (
        "client-in-handler",
        "warning",
        True,
        "unsafe",
    )
    assert sl101["summary"]
    assert by_code["SL005"]["enabled_by_default"] is False
    assert [item["code"] for item in data] == sorted(by_code)


@pytest.mark.parametrize("name", ["SL101", "sl101", "client-in-handler", "CLIENT-IN-HANDLER"])
def test_rule_prints_markdown_documentation(name: str, tmp_path: Path) -> None:
    result = run_cli("rule", name, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith(
        "# client-in-handler (SL101)\n\nSeverity: warning; on by default; fix: unsafe.\n\n"
    )
    for section in ("## What it does", "## Why is this bad?", "## Example", "## Use instead"):
        assert section in result.stdout


def test_rule_of_an_off_by_default_rule(tmp_path: Path) -> None:
    result = run_cli("rule", "unused-suppression", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.startswith(
        "# unused-suppression (SL005)\n\n"
        "Severity: warning; off by default (enable with select); no automatic fix.\n"
    )


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version(flag: str, tmp_path: Path) -> None:
    result = run_cli(flag, cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, f"slint {__version__}\n", "")


def test_python_dash_m_slint(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    environment = {**os.environ, "NO_COLOR": "1"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "slint", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=environment,
            timeout=120,
            check=False,
        )

    version = run("--version")
    assert (version.returncode, version.stdout) == (0, f"slint {__version__}\n")
    check = run("check")
    assert check.returncode == 1
    assert check.stdout == run_cli("check", cwd=tmp_path).stdout
    bad = run("check", "--bogus")
    assert bad.returncode == 2
    assert bad.stderr.startswith("slint: error: ")
    assert bad.stderr.count("\n") == 1


# --- colour ------------------------------------------------------------------------------


def _run_on_a_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, str]:
    """Run slint with stdout on a pseudo-terminal; (exit code, what it printed)."""
    controller, terminal = pty.openpty()
    try:
        process = subprocess.run(
            [*slint_command(), *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=terminal,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO once the terminal side is closed and drained
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    return process.returncode, output.decode()


def test_no_colour_when_not_a_terminal(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    result = subprocess.run(
        [*slint_command(), "check"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout
    assert findings(result.stdout) == [("h.py", 5, 10, "SL101")]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_colour_on_a_terminal_unless_no_color(tmp_path: Path) -> None:
    write_tree(tmp_path, {"h.py": HANDLER})
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    code, coloured = _run_on_a_terminal(["check"], tmp_path, environment)
    assert code == 1
    assert "\x1b[" in coloured
    assert "SL101" in coloured
    code, plain = _run_on_a_terminal(["check"], tmp_path, {**environment, "NO_COLOR": "1"})
    assert code == 1
    assert "\x1b[" not in plain
    assert findings(plain.replace("\r\n", "\n")) == [("h.py", 5, 10, "SL101")]
