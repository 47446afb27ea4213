"""Shared helpers: run slint in-process on a small project, or as the installed command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from slint.config import ConfigResolver, Overrides
from slint.diagnostics import Diagnostic
from slint.engine import Engine, RunResult
from slint.registry import Registry

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def registry() -> Registry:
    return Registry.load()


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    """Write files; lone surrogates in the text stand for raw (non-UTF-8) bytes."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8", errors="surrogateescape"))


def lint(
    root: Path,
    paths: Sequence[str] = (".",),
    *,
    select: Sequence[str] | None = None,
    ignore: Sequence[str] = (),
    extend_select: Sequence[str] = (),
    config: Path | None = None,
) -> RunResult:
    """Run the engine in-process, with `root` as the working directory."""
    overrides = Overrides(
        select=tuple(select) if select is not None else None,
        extend_select=tuple(extend_select),
        ignore=tuple(ignore),
    )
    old = Path.cwd()
    os.chdir(root)
    try:
        engine = Engine(Registry.load(), ConfigResolver(overrides, config))
        return engine.check_paths(list(paths))
    finally:
        os.chdir(old)


def codes_at(diagnostics: Sequence[Diagnostic]) -> list[tuple[str, str, int, int]]:
    return [(d.path, d.code, d.start.row, d.start.column) for d in diagnostics]


def slint_command() -> list[str]:
    """The installed `slint` console script (next to this Python, else on PATH)."""
    beside = Path(sys.executable).with_name("slint")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("slint")
    assert found, "the slint command is not installed"
    return [found]


def run_cli(
    *args: str, cwd: Path, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [*slint_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def install_plugin(root: Path, module_source: str) -> dict[str, str]:
    """A third-party plugin distribution on PYTHONPATH, found through its entry point."""
    write_tree(
        root,
        {
            "acme_rules.py": module_source,
            "acme_rules-1.0.dist-info/METADATA": (
                "Metadata-Version: 2.1\nName: acme-rules\nVersion: 1.0\n"
            ),
            "acme_rules-1.0.dist-info/entry_points.txt": "[slint.rules]\nacme = acme_rules\n",
        },
    )
    pythonpath = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": pythonpath}


PLUGIN = '''\
import libcst as cst

from slint.api import CodeRule, Invalid, Valid


class NoPrint(CodeRule):
    """
    ## What it does
    Reports `print` calls.

    ## Why is this bad?
    Because.

    ## Example
    `print(1)`

    ## Use instead
    `logger.info(1)`

    ## Fix
    None.
    """

    code = "ACM001"
    name = "no-print"
    valid = (Valid("x = 1\\n"),)
    invalid = (Invalid("print(1)\\n", line=1, column=1),)

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "print":
            self.ctx.report(self, node, "print call")


class Crashes(CodeRule):
    """
    ## What it does
    Crashes on every name.

    ## Why is this bad?
    -

    ## Example
    -

    ## Use instead
    -

    ## Fix
    -
    """

    code = "ACM002"
    name = "crashes"
    enabled_by_default = False

    def visit_Name(self, node: cst.Name) -> None:
        raise ZeroDivisionError("boom")
'''


_PROBE = """
import json, sys
sys.argv = ["slint", *json.loads(sys.argv[1])]
from slint.cli import main
try:
    main()
except SystemExit:
    pass
print("MODULES " + json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def slint_with_modules(root: Path, *args: str) -> tuple[str, set[str]]:
    """Run `slint ARGS` in a fresh interpreter in `root`: what it printed on stdout and
    every module it had imported when it finished."""
    result = subprocess.run(
        [sys.executable, "-c", _PROBE, json.dumps(list(args))],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=300,
    )
    line = next(x for x in result.stderr.splitlines() if x.startswith("MODULES "))
    return result.stdout, set(json.loads(line.removeprefix("MODULES ")))


def loaded(modules: set[str], *prefixes: str) -> list[str]:
    """The modules that are, or are below, one of `prefixes`."""
    return sorted(m for m in modules if m.split(".")[0] in prefixes or m.startswith(prefixes))
