"""The rule plugin API.

A plugin package exposes rule classes through the `slint.rules` entry-point group
(the value may be a rule class, a module, or an iterable of rule classes). The
built-in rules are loaded the same way. Four kinds of rules share one shape:

* `CodeRule`: a libcst visitor over one Python module. All enabled code rules of a
  module share one traversal; each defines `visit_<Node>` / `leave_<Node>` methods
  and reports through its `ModuleContext`. A rule that also reads JavaScript and
  TypeScript overrides `check_javascript`, which gets the module's tree-sitter tree
  and its language-neutral facts.
* `ConfigRule`: checks the application model (serverless.yml, SAM, CloudFormation).
* `CrossRule`: checks one function of the model together with its handler's facts.
* `ParseErrorRule`: turns a file that cannot be read or parsed into a diagnostic.

A class may derive from `CodeRule` and from `ConfigRule` or `CrossRule` at once: one
code, one documentation, both sides (SL601 reads literals in code and in config).

The class docstring is the rule's user documentation, in Markdown, with the
sections `## What it does`, `## Why is this bad?`, `## Example`, `## Use instead`
and `## Fix` (ruff's structure). `valid` and `invalid` hold example projects that
the test suite turns into tests.
"""

from __future__ import annotations

import enum
import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from slint.diagnostics import Applicability, Diagnostic, Fix, Location, Severity

if TYPE_CHECKING:
    from slint.analysis import PendingDiagnostic
    from slint.app.model import App, Function, Setting
    from slint.app.project import LinkedHandler
    from slint.javascript.analyze import JavaScriptModule
    from slint.python.context import ModuleContext
    from slint.settings import Settings

__all__ = [
    "Applicability",
    "CodeRule",
    "ConfigRule",
    "CrossRule",
    "Diagnostic",
    "FixKind",
    "Invalid",
    "Location",
    "ModelRule",
    "ParseErrorRule",
    "ParseFailure",
    "Rule",
    "Severity",
    "UnusedSuppressionRule",
    "Valid",
]

DOC_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead", "Fix")
_CODE_RE = re.compile(r"^[A-Z]{1,4}[0-9]{3}$")
_NAME_RE = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")


class FixKind(str, enum.Enum):
    """What kind of fix a rule can offer (shown by `slint rules`)."""

    NONE = "-"
    SAFE = "safe"
    UNSAFE = "unsafe"
    SUGGEST = "suggest"


@dataclass(frozen=True)
class Valid:
    """An example project on which the rule must report nothing.

    `code` is the content of `filename`; `files` holds the other files of the
    example project (paths relative to its root), for config and cross rules.
    """

    code: str
    filename: str = "handler.py"
    files: Mapping[str, str] = field(default_factory=dict)
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Invalid(Valid):
    """An example project on which the rule must report, at `line`/`column` if given."""

    line: int | None = None
    column: int | None = None
    # A fragment the diagnostic's message must contain, if given.
    message: str | None = None


class Rule:
    code: ClassVar[str]
    name: ClassVar[str]
    severity: ClassVar[Severity] = Severity.WARNING
    enabled_by_default: ClassVar[bool] = True
    fix: ClassVar[FixKind] = FixKind.NONE
    valid: ClassVar[tuple[Valid, ...]] = ()
    invalid: ClassVar[tuple[Invalid, ...]] = ()

    @classmethod
    def documentation(cls) -> str:
        return inspect.cleandoc(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """One line on what the rule reports: the "What it does" section's first clause
        (up to its first `.`, `:` or `;`), without its parenthesised asides."""
        doc = cls.documentation()
        match = re.search(r"## What it does\s*\n(.+?)(?:\n\n|\n##|$)", doc, re.S)
        text = " ".join(match.group(1).split()) if match else ""
        return _first_clause(text)

    @classmethod
    def validate_definition(cls) -> list[str]:
        """Problems with the rule's own definition (used by the registry and the tests)."""
        problems = []
        if not _CODE_RE.match(getattr(cls, "code", "")):
            problems.append(f"{cls.__name__}: code must look like SL123")
        if not _NAME_RE.match(getattr(cls, "name", "")):
            problems.append(f"{cls.__name__}: name must be kebab-case")
        doc = cls.documentation()
        for section in DOC_SECTIONS:
            if f"## {section}" not in doc:
                problems.append(f"{cls.__name__}: documentation lacks '## {section}'")
        return problems

    def internal_error(
        self, path: str, error: BaseException, at: Location | None = None
    ) -> Diagnostic:
        """The diagnostic that says this rule crashed on a file (the other rules go on)."""
        where = at or Location(1, 1)
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=Severity.ERROR,
            message=(
                f"internal error in rule {self.code} ({self.name}): {type(error).__name__}: {error}"
            ),
            path=path,
            start=where,
            end=where,
            internal_error=True,
        )

    def make_diagnostic(
        self,
        path: str,
        start: Location,
        end: Location,
        message: str,
        fix: Any = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        return Diagnostic(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            path=path,
            start=start,
            end=end,
            fix=fix,
        )


class CodeRule(Rule):
    """A libcst visitor over one module, run in the traversal shared by all code rules.

    Define `visit_<NodeType>(self, node)` and `leave_<NodeType>(self, node)` methods;
    a `visit_` method's return value is ignored (children are always visited, since
    the traversal is shared). Use `self.ctx` to resolve names and to report.

    One rule may look at both sides under one code: a class that derives from
    `CodeRule` and from `ConfigRule` (or `CrossRule`) is run on every module with a
    context, and on every config without one (`self.ctx` is then unset).
    """

    ctx: ModuleContext

    def __init__(self, ctx: ModuleContext | None = None) -> None:
        if ctx is not None:
            self.ctx = ctx

    @property
    def settings(self) -> Settings:
        return self.ctx.settings

    def check_javascript(
        self, module: JavaScriptModule
    ) -> Iterable[Diagnostic | PendingDiagnostic]:
        """The rule's reading of a JavaScript or TypeScript module (RULES.md, "Node.js
        and TypeScript handlers"): its tree-sitter tree and its facts. A
        `PendingDiagnostic` is kept only if its function runs on every invocation.
        Rules without a JavaScript reading leave this alone (and are not run there)."""
        return ()


class ModelRule(Rule):
    """What config and cross rules share: diagnostics at positions of the app model."""

    def at(
        self,
        file: str,
        location: Location,
        message: str,
        *,
        length: int = 0,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """A diagnostic at `location` of `file`, `length` characters long on its line."""
        end = Location(location.row, location.column + length)
        return self.make_diagnostic(file, location, end, message, fix=fix, severity=severity)

    def at_setting(
        self,
        setting: Setting[Any],
        message: str,
        *,
        fix: Fix | None = None,
        severity: Severity | None = None,
    ) -> Diagnostic:
        """A diagnostic on a setting's key (or, when it is absent, where it is missing)."""
        length = len(setting.key) if setting.key else 0
        return self.at(setting.file, setting.at, message, length=length, fix=fix, severity=severity)


class ConfigRule(ModelRule):
    """Checks the application model built from serverless.yml / SAM / CloudFormation.

    `check` receives one `slint.app.model.App` (a serverless service or a template) and
    the settings that apply to its file, and yields diagnostics (`self.at(...)` builds
    one at a model setting or position). Values that are `Unknown` mean "cannot tell":
    report nothing for them.
    """

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        raise NotImplementedError


class CrossRule(ModelRule):
    """Checks one function of the application model together with its handler's code.

    `check_function` receives a `slint.app.model.Function` and what the code side
    knows of its handler (`slint.app.project.LinkedHandler`, None when the config names
    no Python handler). A finding is reported where its fix goes (in the config or in
    the code) and its message names the other side. `LinkedHandler.reached` lists the
    functions the handler runs per invocation, with their `slint.facts.Behaviour`:
    language-neutral facts, so that the rule works for every front end.
    """

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        raise NotImplementedError

    def check_handler(self, handler: LinkedHandler, settings: Settings) -> Iterable[Diagnostic]:
        """A handler that no config names, found by the naming convention (RULES.md:
        `handler`, `lambda_handler`, `*_handler` taking `(event, context)`). Rules that can
        judge the code without knowing its trigger override this; the default is silent."""
        return ()


@dataclass(frozen=True)
class ParseFailure:
    """A file that could not be read, decoded or parsed."""

    path: str
    message: str
    location: Location


class ParseErrorRule(Rule):
    """Turns a file that cannot be read or parsed into a diagnostic."""

    severity: ClassVar[Severity] = Severity.ERROR

    def diagnose(self, failure: ParseFailure) -> Diagnostic:
        return self.make_diagnostic(
            failure.path, failure.location, failure.location, failure.message
        )


class UnusedSuppressionRule(Rule):
    """Reports `# slint: ignore[...]` comments that suppress nothing."""

    enabled_by_default: ClassVar[bool] = False

    def diagnose(self, path: str, location: Location, message: str) -> Diagnostic:
        return self.make_diagnostic(path, location, location, message)


_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "vs.", "cf.")


def _first_clause(text: str) -> str:
    """`text` up to its first `.`, `:` or `;` that ends a clause (outside backticks and
    brackets), with the parenthesised asides at that level left out."""
    kept: list[str] = []
    stack: list[str] = []  # the open brackets around the current character
    tick = False
    for index, char in enumerate(text):
        aside = bool(stack) and stack[0] == "("
        if char == "`":
            tick = not tick
        elif not tick and char in "([{":
            if not stack and char == "(":
                while kept and kept[-1] == " ":
                    kept.pop()  # the space before the aside goes with it
            stack.append(char)
            if stack[0] == "(":
                continue
        elif not tick and char in ")]}" and stack:
            stack.pop()
            if aside:
                continue
        elif (
            not tick
            and not stack
            and char in ".:;"
            and text[index + 1 : index + 2] in ("", " ")
            and not any(text[: index + 1].endswith(a) for a in _ABBREVIATIONS)
        ):
            break
        if not aside:
            kept.append(char)
    return "".join(kept).rstrip(" ,")
