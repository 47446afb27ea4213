"""What a SAM resource inherits from `Globals`, honouring its `IgnoreGlobals`.

`IgnoreGlobals` is a resource attribute (next to `Type` and `Properties`, as SAM's
translator reads it): `'*'` inherits nothing, a list of property names inherits all but
those. Every reader of `Globals` (the loader, rules that look at `Globals.Api`) goes
through here, so that a resource that opts out is never credited with a global value.
"""

from __future__ import annotations

from typing import Any

from slint.app.yamlpos import YMap

ALL = "*"


def globals_section(document: YMap, section: str) -> YMap | None:
    """`Globals.<section>` of a SAM template (`Function`, `Api`, `HttpApi`, ...)."""
    globals_block = document.get("Globals")
    found = globals_block.get(section) if isinstance(globals_block, YMap) else None
    return found if isinstance(found, YMap) else None


def ignored_globals(resource: Any) -> frozenset[str] | str:
    """The property names `resource` does not inherit from Globals, or `ALL`.

    A value SAM refuses (neither `'*'` nor a list) ignores nothing here: SL003 reports
    it, and guessing an opt-out would silence other rules."""
    if not isinstance(resource, YMap):
        return frozenset()
    value = resource.get("IgnoreGlobals")
    if isinstance(value, str):
        return ALL if value.strip() == ALL else frozenset()
    if isinstance(value, list):
        return frozenset(item for item in value if isinstance(item, str))
    return frozenset()


def ignores(resource: Any, key: str) -> bool:
    """`resource` does not inherit `key` from Globals."""
    ignored = ignored_globals(resource)
    return ignored == ALL or (isinstance(ignored, frozenset) and key in ignored)


def inherited_globals(resource: Any, section: YMap | None) -> YMap | None:
    """The part of a Globals `section` that `resource` (the whole resource mapping, not
    its Properties) inherits: None when it inherits nothing, else `section` itself or a
    copy without the ignored keys (keeping every kept key's position)."""
    if section is None:
        return None
    ignored = ignored_globals(resource)
    if ignored == ALL:
        return None
    if not ignored or not any(key in section for key in ignored):
        return section
    view = YMap(section.loc, section.end, section.flow, section.file)
    for key, value in section.items():
        if key in ignored:
            continue
        view[key] = value
        if key in section.key_loc:
            view.key_loc[key] = section.key_loc[key]
        if key in section.value_range:
            view.value_range[key] = section.value_range[key]
    return view


def function_globals(resource: Any, document: YMap) -> YMap | None:
    """The `Globals.Function` settings an `AWS::Serverless::Function` inherits."""
    return inherited_globals(resource, globals_section(document, "Function"))
