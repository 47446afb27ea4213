"""The cfn-lint rules of slint: `cfn-lint template.yaml --append-rules slint.cfn_lint.rules`.

cfn-lint imports this module (an `--append-rules` value that is not a folder is
imported as a module) and instantiates every subclass of its `CloudFormationLintRule`
found in it. There is one per cfn-lint id of `slint.cfn_lint.CFN_LINT_IDS`, made from
slint's rule (name, summary) when the module is imported.

Each rule's `match` asks for slint's findings on the template, which come from one run
of slint's engine per template that cfn-lint checks (the first rule to ask runs it; the
others read its result): exactly the run of `slint check <template>`, with the mapped
rules selected, so the findings, their lines and columns, and the handler code linked
through `CodeUri`/`Handler` are those of `slint check`. The project's slint
configuration applies (its settings, `per-file-ignores`, `# slint: ignore` comments)
except its rule selection: cfn-lint's own `--ignore-checks`, `--include-checks` and
template `Metadata` choose the rules. Findings that slint puts in other files (the
handler code) are left to `slint check`.

A finding is passed with its exact position (`RuleMatch.location`, which cfn-lint
prefers to the position of the path: for a SAM template the path would lead into the
template after cfn-lint's transform) and with the path to the node it is on in the
template as written, so that a resource's `Metadata: cfn-lint: config: ignore_checks`
applies to it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, ClassVar

# cfn-lint ships no type information.
from cfnlint.rules import CloudFormationLintRule, RuleMatch  # type: ignore[import-untyped]

from slint.api import Rule
from slint.app.model import App
from slint.app.yamlpos import YList, YMap
from slint.cfn_lint import CFN_LINT_IDS
from slint.diagnostics import Diagnostic, Location
from slint.registry import Registry, RegistryError

# The first link of a rule's `## References` section (a Markdown link or a bare URL).
_REFERENCE = re.compile(r"## References\s*\n.*?(https?://[^\s)>\]]+)", re.S)

# A path into the template: mapping keys and list indexes.
TemplatePath = tuple[Any, ...]


class SlintError(Exception):
    """slint could not check a template (a broken slint configuration, a crash)."""


@dataclass(frozen=True)
class Finding:
    """One slint finding as cfn-lint takes it."""

    message: str
    # 0-based (line, column, end line, end column), as `RuleMatch.location` wants it.
    location: tuple[int, int, int, int]
    path: TemplatePath


@dataclass
class TemplateRun:
    """slint's findings on one template, by cfn-lint id."""

    findings: dict[str, list[Finding]] = field(default_factory=dict)
    # Why slint could not check the template; raised by the first rule that asks, so
    # that cfn-lint reports it once (E0002), not once per rule.
    error: str | None = None
    error_reported: bool = False


@cache
def _registry() -> Registry:
    return Registry.load()


def _cfn_lint_id(diagnostic: Diagnostic, ids: Sequence[str]) -> str:
    """The id a finding is reported under: the one of its own severity, else the rule's
    first (a rule's crash, or a severity the table does not list yet)."""
    if not diagnostic.internal_error:
        wanted = diagnostic.severity.letter + "9" + diagnostic.code[-3:]
        if wanted in ids:
            return wanted
    return ids[0]


def path_at(document: YMap, location: Location) -> TemplatePath:
    """The path to the deepest node of `document` that `location` is on (a key, or a
    value that spans it)."""
    path: list[Any] = []
    node: Any = document
    while True:
        if isinstance(node, YMap):
            for key, value in node.items():
                if node.key_loc.get(key) == location:
                    path.append(key)
                    return tuple(path)
                span = node.value_range.get(key)
                if span is not None and span[0] <= location < span[1]:
                    path.append(key)
                    node = value
                    break
            else:
                return tuple(path)
        elif isinstance(node, YList):
            for index, span in enumerate(node.item_range):
                if span[0] <= location < span[1]:
                    path.append(index)
                    node = node[index]
                    break
            else:
                return tuple(path)
        else:
            return tuple(path)


def check_template(filename: str) -> TemplateRun:
    """Run slint on one template, as `slint check <filename>` with the mapped rules."""
    from slint.config import ConfigError, ConfigResolver, Overrides, selector_check
    from slint.discovery import DiscoveryError
    from slint.engine import Engine

    registry = _registry()
    codes = tuple(code for code in CFN_LINT_IDS if code in registry.by_code)
    try:
        resolver = ConfigResolver(
            Overrides(select=codes),
            known_selector=selector_check(rule.code for rule in registry.rules),
        )
        run = Engine(registry, resolver).check_paths([filename])
    except (ConfigError, DiscoveryError, RegistryError) as error:
        return TemplateRun(error=f"slint cannot check {filename}: {error}")
    if run.errors:
        return TemplateRun(error="; ".join(run.errors))
    resolved = Path(filename).resolve()
    app: App | None = next((a for a in run.apps if a.path.resolve() == resolved), None)
    result = TemplateRun()
    if app is None:  # not a template slint reads (no Lambda function in it)
        return result
    for diagnostic in run.diagnostics:
        ids = CFN_LINT_IDS.get(diagnostic.code)
        if diagnostic.path != app.file or not ids:
            continue
        start, end = diagnostic.start, diagnostic.end
        cfn_lint_id = _cfn_lint_id(diagnostic, ids)
        result.findings.setdefault(cfn_lint_id, []).append(
            Finding(
                message=f"[{diagnostic.code}] {diagnostic.full_message}",
                location=(start.row - 1, start.column - 1, end.row - 1, end.column - 1),
                path=path_at(app.document, start),
            )
        )
    return result


class _CurrentTemplate:
    """slint's run on the template cfn-lint is checking. cfn-lint passes all its rules
    the same `Template` object for one check of one template, and checks one template
    after the other: the run is kept for that object only (a new check of the same
    file, in a process that lives on, sees the files as they are then)."""

    def __init__(self) -> None:
        self._template: object = None
        self._run = TemplateRun()

    def run(self, template: object, filename: str) -> TemplateRun:
        if template is not self._template:
            self._run = check_template(filename)
            self._template = template
        return self._run


_CURRENT = _CurrentTemplate()


class SlintRule(CloudFormationLintRule):  # type: ignore[misc]  # cfn-lint is untyped
    """What the rules of one cfn-lint id share. Its `id` is empty: cfn-lint registers
    only the subclasses made below."""

    slint_code: ClassVar[str] = ""
    tags: ClassVar[list[str]] = ["slint"]

    def match(self, cfn: Any) -> list[Any]:
        filename = getattr(cfn, "filename", None)
        if not filename:  # a template piped to cfn-lint: slint reads files only
            return []
        run = _CURRENT.run(cfn, str(filename))
        if run.error is not None:
            if not run.error_reported:
                run.error_reported = True
                raise SlintError(run.error)
            return []
        return [
            RuleMatch(list(finding.path), finding.message, location=finding.location)
            for finding in run.findings.get(self.id, ())
        ]


def _source_url(rule: type[Rule]) -> str:
    """Where cfn-lint's reports send readers (`Source` in JSON, `helpUri` in SARIF):
    the first reference of the rule's documentation, as cfn-lint's own rules point at
    the AWS documentation."""
    match = _REFERENCE.search(rule.documentation())
    return match.group(1) if match else ""


def _description(rule: type[Rule]) -> str:
    """The rule's summary as one sentence (a summary may lead into a list with `:`)."""
    summary = rule.summary().rstrip(" :;,")
    if summary and not summary.endswith((".", "!", "?")):
        summary += "."
    return f"{summary} `slint rule {rule.code}` prints its documentation.".lstrip()


def _define_rules() -> dict[str, type[SlintRule]]:
    try:
        registry = _registry()
    except RegistryError as error:
        # cfn-lint reports an ImportError of a rules module as one line.
        raise ImportError(f"slint: {error}") from None
    defined: dict[str, type[SlintRule]] = {}
    for code, ids in CFN_LINT_IDS.items():
        rule = registry.by_code.get(code)
        if rule is None:
            continue
        for cfn_lint_id in ids:
            defined[cfn_lint_id] = type(
                cfn_lint_id,
                (SlintRule,),
                {
                    "__module__": __name__,
                    "__doc__": f"slint {code} ({rule.name}) as cfn-lint rule {cfn_lint_id}.",
                    "id": cfn_lint_id,
                    "slint_code": code,
                    "shortdesc": f"{rule.name} (slint {code})",
                    "description": _description(rule),
                    "source_url": _source_url(rule),
                },
            )
    return defined


RULES = _define_rules()
# cfn-lint finds the rules among the module's attributes.
globals().update(RULES)
