"""Loading rules from the `slint.rules` entry-point group, and rule selection."""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import metadata
from types import ModuleType
from typing import TypeVar

from slint.api import Rule
from slint.config import ConfigError
from slint.settings import Settings

ENTRY_POINT_GROUP = "slint.rules"
_R = TypeVar("_R", bound=Rule)


class RegistryError(Exception):
    """A plugin that cannot be loaded or that breaks the rule contract."""


def _rules_in(value: object, origin: str) -> list[type[Rule]]:
    if inspect.isclass(value) and issubclass(value, Rule):
        return [value]
    if isinstance(value, ModuleType):
        return [
            obj
            for obj in vars(value).values()
            if inspect.isclass(obj)
            and issubclass(obj, Rule)
            and obj.__module__ == value.__name__
            and "code" in vars(obj)
        ]
    if isinstance(value, Iterable):
        found: list[type[Rule]] = []
        for item in value:
            found.extend(_rules_in(item, origin))
        return found
    raise RegistryError(f"entry point {origin} does not name rules: {value!r}")


@dataclass(frozen=True)
class Registry:
    rules: tuple[type[Rule], ...]

    @classmethod
    def from_rules(cls, rules: Iterable[type[Rule]]) -> Registry:
        seen: dict[str, type[Rule]] = {}
        problems: list[str] = []
        for rule in rules:
            problems.extend(rule.validate_definition())
            other = seen.get(rule.code)
            if other is not None and other is not rule:
                problems.append(
                    f"rule code {rule.code} is defined twice "
                    f"({other.__module__}.{other.__name__}, {rule.__module__}.{rule.__name__})"
                )
            seen[rule.code] = rule
        if problems:
            raise RegistryError("; ".join(problems))
        return cls(tuple(sorted(seen.values(), key=lambda r: r.code)))

    @classmethod
    def load(cls) -> Registry:
        found: list[type[Rule]] = []
        for entry_point in metadata.entry_points(group=ENTRY_POINT_GROUP):
            try:
                value = entry_point.load()
            except Exception as error:
                raise RegistryError(
                    f"cannot load rule plugin {entry_point.name} ({entry_point.value}): "
                    f"{type(error).__name__}: {error}"
                ) from None
            found.extend(_rules_in(value, entry_point.value))
        return cls.from_rules(found)

    @cached_property
    def by_code(self) -> dict[str, type[Rule]]:
        return {rule.code: rule for rule in self.rules}

    def get(self, code: str) -> type[Rule] | None:
        code = code.upper()
        rule = self.by_code.get(code)
        if rule is None:
            rule = next((r for r in self.rules if r.name == code.lower()), None)
        return rule

    def matching(self, selector: str) -> frozenset[str]:
        """The codes a selector (code, prefix, `ALL` or rule name) stands for."""
        selector = selector.upper()
        if selector == "ALL":
            return frozenset(self.by_code)
        return frozenset(
            rule.code
            for rule in self.rules
            if rule.code.startswith(selector) or rule.name.upper() == selector
        )

    def check_selectors(self, selectors: Sequence[str], where: str) -> None:
        for selector in selectors:
            if selector == "ALL":
                continue
            if not any(rule.code.startswith(selector) for rule in self.rules):
                raise ConfigError(f"{where}: unknown rule selector `{selector}`")

    def validate(self, settings: Settings) -> None:
        where = str(settings.source) if settings.source else "command line"
        self.check_selectors(settings.select or (), where)
        self.check_selectors(settings.extend_select, where)
        self.check_selectors(settings.ignore, where)
        for _glob, codes in settings.per_file_ignores:
            self.check_selectors(codes, where)

    def enabled(self, settings: Settings, extra_ignores: Sequence[str] = ()) -> frozenset[str]:
        """The codes that `settings` turns on.

        Without `select`, the rules that are on by default are selected. The most
        specific selector wins (`SL101` beats `SL1` beats `ALL`); on a tie, ignore wins.
        """
        selected = settings.select
        enabled = set()
        for rule in self.rules:
            best_select = _specificity(rule.code, (*(selected or ()), *settings.extend_select))
            if selected is None and rule.enabled_by_default:
                best_select = max(best_select, 0)
            best_ignore = _specificity(rule.code, settings.ignore)
            if best_select >= 0 and best_select > best_ignore:
                enabled.add(rule.code)
        if extra_ignores:
            # per-file-ignores always win, whatever `select` says.
            enabled = {c for c in enabled if _specificity(c, extra_ignores) < 0}
        return frozenset(enabled)

    def of_kind(self, codes: frozenset[str], kind: type[_R]) -> list[type[_R]]:
        """The enabled rules (of `codes`) that are of one kind (CodeRule, ConfigRule, ...)."""
        return [r for r in self.rules if r.code in codes and issubclass(r, kind)]


def _specificity(code: str, selectors: Iterable[str]) -> int:
    """Length of the longest selector matching `code` (ALL counts 0); -1 if none."""
    best = -1
    for selector in selectors:
        if selector == "ALL":
            best = max(best, 0)
        elif code.startswith(selector):
            best = max(best, len(selector))
    return best
