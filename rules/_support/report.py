"""How the config rules place, word and group their findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from slint.api import ModelRule
from slint.app.model import Event, Function, Setting, deploy_default_origin
from slint.diagnostics import Applicability, Diagnostic, Edit, Fix, Location, Severity

T = TypeVar("T")


def deploy_note(value: Any, *, joined: bool = False) -> str:
    """What to add after a value a deployment can override (a template parameter's
    `Default`, a `${opt:...}` fallback): " (the default of parameter `Runtime`, which a
    deployment can override)"; "" for a value fixed in the config. With `joined`, the
    bare clause, for an aside that already has parentheses."""
    origin = deploy_default_origin(value)
    if origin is None:
        return ""
    clause = f"{origin}, which a deployment can override"
    return clause if joined else f" ({clause})"


def names(functions: Sequence[Function], limit: int = 3) -> str:
    """`` `a`, `b`, `c` and 2 more ``."""
    shown = ", ".join(f"`{function.name}`" for function in functions[:limit])
    more = len(functions) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def of_functions(functions: Sequence[Function], limit: int = 3) -> str:
    """`` function `a` `` / `` functions `a`, `b`, `c` and 2 more ``."""
    noun = "function" if len(functions) == 1 else "functions"
    return f"{noun} {names(functions, limit)}"


def by_place(
    found: Iterable[tuple[T, Function]], place: Callable[[T], tuple[str, Location]]
) -> list[tuple[T, list[Function]]]:
    """Findings reported once per place (a setting that several functions inherit, a
    statement of a shared role), each with the functions it concerns, in order: the
    first finding of a place stands for the others."""
    groups: dict[tuple[str, Location], tuple[T, list[Function]]] = {}
    for item, function in found:
        functions = groups.setdefault(place(item), (item, []))[1]
        if function not in functions:
            functions.append(function)
    return list(groups.values())


def setting_place(setting: Setting[Any]) -> tuple[str, Location]:
    return setting.file, setting.at


def fix_of(applicability: Applicability, message: str, edit: Edit | None) -> Fix | None:
    """A fix of one edit (None when the edit could not be computed)."""
    return Fix(applicability, message, (edit,)) if edit is not None else None


def at_key(
    rule: ModelRule,
    function: Function,
    message: str,
    *,
    event: Event | None = None,
    fix: Fix | None = None,
    severity: Severity | None = None,
) -> Diagnostic:
    """A finding on the key of a function (its name or logical id) or of one of its
    events (serverless: the event's type, e.g. `stream`; else its logical name)."""
    if event is None:
        file, at, length = function.file, function.at, len(function.name)
    else:
        key = event.type_name if function.app.format == "serverless" else str(event.name)
        file, at, length = event.file, event.at, len(key)
    return rule.at(file, at, message, length=length, fix=fix, severity=severity)
