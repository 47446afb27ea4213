"""slint's built-in rules, registered through the `slint.rules` entry point like any plugin.

Every module of these subpackages is imported and every rule class defined in it is
registered: adding a rule means adding one file.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from slint.api import Rule

_FAMILIES = (
    "project",
    "cold_start",
    "reliability",
    "timeouts",
    "validation",
    "observability",
    "security",
    "deployment",
)


def _collect() -> tuple[type[Rule], ...]:
    found: list[type[Rule]] = []
    for family in _FAMILIES:
        package = importlib.import_module(f"{__name__}.{family}")
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for value in vars(module).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, Rule)
                    and value.__module__ == module.__name__
                    and "code" in vars(value)
                ):
                    found.append(value)
    return tuple(sorted(found, key=lambda rule: rule.code))


RULES = _collect()

__all__ = ["RULES"]
