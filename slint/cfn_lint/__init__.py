"""slint's config rules as cfn-lint rules: the mapping from SL codes to cfn-lint ids.

`cfn-lint template.yaml --append-rules slint.cfn_lint.rules` loads the rules of
`slint.cfn_lint.rules`, which run slint on the template and report its findings under
these ids (docs/cfn-lint.md). This module is the mapping alone: importing it imports
nothing of cfn-lint (nor of slint's engine), so that `slint rules` can show the ids.

cfn-lint's rule ids are a letter (its severity: E error, W warning, I informational)
and four digits; the range 9xxx is the one cfn-lint's documentation reserves for
rules that are not its own ("(E|W|I)9xxx: Reserved for users rules", docs/rules.md of
cfn-lint). An SL code maps to `<letter>9<its three digits>`: SL301 (a warning) is
W9301. A rule that reports some findings as errors and others as warnings (SL304:
E when AWS refuses the mapping, W below the recommendation) has both ids, as
cfn-lint's own E2531/W2531 do; the first id is the one of the rule's own severity.

Only the rules that report on a SAM or CloudFormation template are mapped: the
config rules, and the cross rules whose findings go in the template. The ids are a
public interface (users write them in `.cfnlintrc` and in template `Metadata`), so
the table is written out rather than computed: a rule whose severity changes keeps
its ids until someone decides otherwise (tests/test_cfn_lint_plugin.py checks the
table against the rules).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["CFN_LINT_IDS", "NOT_IN_CFN_LINT", "PLUGIN_MODULE", "cfn_lint_id", "cfn_lint_ids"]

# What users pass to `cfn-lint --append-rules`.
PLUGIN_MODULE = "slint.cfn_lint.rules"

# SL code -> its cfn-lint ids, the id of the rule's own severity first.
CFN_LINT_IDS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "SL001": ("E9001",),
        "SL004": ("E9004",),
        "SL106": ("W9106",),
        "SL107": ("I9107",),
        "SL108": ("E9108",),
        "SL109": ("E9109", "W9109"),
        "SL202": ("W9202",),
        "SL203": ("E9203", "W9203"),
        "SL205": ("W9205",),
        "SL301": ("W9301",),
        "SL302": ("W9302",),
        "SL303": ("E9303",),
        "SL304": ("E9304", "W9304"),
        "SL401": ("W9401",),
        "SL403": ("W9403",),
        "SL405": ("I9405", "W9405"),
        "SL503": ("I9503",),
        "SL504": ("I9504",),
        "SL601": ("E9601",),
        "SL602": ("W9602",),
        "SL603": ("E9603", "W9603"),
        "SL604": ("W9604",),
        "SL701": ("W9701", "E9701"),
    }
)

# The config and cross rules that have no cfn-lint id, and why.
NOT_IN_CFN_LINT: Mapping[str, str] = MappingProxyType(
    {
        "SL000": "cfn-lint reports the templates it cannot parse itself (E0000)",
        "SL002": "reported in the handler code",
        "SL003": ("cfn-lint checks resource properties against the same schemas itself (E3xxx)"),
        "SL102": "reported in the handler code",
        "SL103": "reported in the handler code",
        "SL110": "reported in the handler code",
        "SL201": "reported in the handler code",
        "SL206": "reported in the handler code",
        "SL207": "reported in the handler code",
        "SL208": "reported in the handler code",
        "SL305": "reported in the handler code",
        "SL402": "reported in the handler code",
        "SL501": "reported in the handler code",
        "SL404": "reported in the handler code",
        "SL505": "reported in the handler code",
    }
)


def cfn_lint_id(code: str) -> str | None:
    """The cfn-lint id of an SL code (of the rule's own severity), None if it has none."""
    ids = CFN_LINT_IDS.get(code.upper())
    return ids[0] if ids else None


def cfn_lint_ids(code: str) -> tuple[str, ...]:
    """Every cfn-lint id of an SL code (two for a rule that reports at two severities)."""
    return CFN_LINT_IDS.get(code.upper(), ())
