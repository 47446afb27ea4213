"""One rule class may read both sides: code (a libcst visitor) and config (the app model)."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

import libcst as cst
from conftest import write_tree

from slint.api import CodeRule, ConfigRule, CrossRule
from slint.app.model import App, Function
from slint.app.project import LinkedHandler
from slint.config import ConfigResolver, Overrides
from slint.diagnostics import Diagnostic
from slint.engine import Engine
from slint.registry import Registry
from slint.settings import Settings

_DOC = """
## What it does
Test rule.

## Why is this bad?
-

## Example
-

## Use instead
-

## Fix
-
"""


class BothSides(CodeRule, ConfigRule):
    __doc__ = _DOC
    code = "TST001"
    name = "both-sides"

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name) and node.func.value == "print":
            self.ctx.report(self, node, "print in code")

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        for function in app.functions:
            yield self.at(function.file, function.at, f"function {function.name}", length=1)


class CodeAndCross(CodeRule, CrossRule):
    __doc__ = _DOC
    code = "TST002"
    name = "code-and-cross"

    def visit_Pass(self, node: cst.Pass) -> None:
        self.ctx.report(self, node, "pass in code")

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        if handler is not None and handler.function is not None:
            yield self.make_diagnostic(
                handler.display,
                handler.behaviour.span.start if handler.behaviour.span else function.at,
                handler.behaviour.span.end if handler.behaviour.span else function.at,
                f"handler of {function.name}",
            )


def _run(root: Path, *rules: type[CodeRule]) -> list[tuple[str, int, int, str]]:
    old = Path.cwd()
    os.chdir(root)
    try:
        resolver = ConfigResolver(Overrides(select=("ALL",)), None)
        result = Engine(Registry.from_rules(rules), resolver).check_paths(["."])
    finally:
        os.chdir(old)
    assert not result.errors
    return [(d.path, d.start.row, d.start.column, d.message) for d in result.diagnostics]


FILES = {
    "serverless.yml": "service: s\nprovider:\n  name: aws\nfunctions:\n  hello:\n"
    "    handler: handler.main\n",
    "handler.py": "def main(event, context):\n    print(event)\n    pass\n",
}


def test_a_rule_that_is_a_code_rule_and_a_config_rule_runs_on_both_sides(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    assert _run(tmp_path, BothSides) == [
        ("handler.py", 2, 5, "print in code"),
        ("serverless.yml", 5, 3, "function hello"),
    ]


def test_a_rule_that_is_a_code_rule_and_a_cross_rule_runs_on_both_sides(tmp_path: Path) -> None:
    write_tree(tmp_path, FILES)
    assert _run(tmp_path, CodeAndCross) == [
        ("handler.py", 1, 5, "handler of hello"),
        ("handler.py", 3, 5, "pass in code"),
    ]
