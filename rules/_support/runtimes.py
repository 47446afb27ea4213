"""The Lambda runtime table and the SnapStart settings of a function.

`slint/data/runtimes.json` is the one dated file of runtime facts: deprecation dates
(SL603) and which runtimes have SnapStart (SL108), so that adding a runtime updates
both. The SnapStart helpers read what the app model does not carry (SnapStart,
provisioned concurrency, `AutoPublishAlias`, EFS, ephemeral storage) from the
function's own settings and, for SAM, from `Globals.Function` unless the resource's
`IgnoreGlobals` opts out of it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

from slint.app.common import logical_id
from slint.app.model import App, Function, Setting, is_known
from slint.app.yamlpos import YList, YMap

from .config import number


@dataclass(frozen=True)
class Runtime:
    identifier: str
    family: str
    deprecation: date | None
    block_update: date | None
    container_only: bool = False
    snapstart: bool = False


@dataclass(frozen=True)
class RuntimeTable:
    runtimes: dict[str, Runtime]
    newest: dict[str, str | None]
    as_of: str

    def snapstart_floor(self) -> dict[str, Runtime]:
        """The oldest runtime of each family that has SnapStart (`java11`, `python3.12`,
        `dotnet8`): "this or later" is what the messages advise."""
        floors: dict[str, Runtime] = {}
        for runtime in self.runtimes.values():
            if not runtime.snapstart:
                continue
            current = floors.get(runtime.family)
            # `java11` before `java11.al2023`: the plain identifier reads best.
            if current is None or (_version(runtime), len(runtime.identifier)) < (
                _version(current),
                len(current.identifier),
            ):
                floors[runtime.family] = runtime
        return floors

    def snapstart_summary(self) -> str:
        """`Java 11+, Python 3.12+ and .NET 8+`, from the table."""
        parts = [
            f"{_FAMILY_NAMES.get(family, family)} {_version_text(runtime)}+"
            for family, runtime in sorted(
                self.snapstart_floor().items(), key=lambda item: _FAMILY_ORDER.get(item[0], 99)
            )
        ]
        return ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]


_FAMILY_NAMES = {"java": "Java", "python": "Python", "dotnet": ".NET", "nodejs": "Node.js"}
_FAMILY_ORDER = {"java": 0, "python": 1, "dotnet": 2}
# `java11.al2023` -> "11", `python3.12` -> "3.12", `dotnet8` -> "8".
_VERSION = re.compile(r"^[a-z]+(?P<version>\d+(?:\.\d+)?)")


def _version_text(runtime: Runtime) -> str:
    match = _VERSION.match(runtime.identifier)
    return match.group("version") if match else runtime.identifier


def _version(runtime: Runtime) -> tuple[int, ...]:
    text = _version_text(runtime)
    return tuple(int(part) for part in text.split(".")) if text[:1].isdigit() else (1 << 30,)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else None


@lru_cache(maxsize=1)
def runtime_table() -> RuntimeTable:
    """slint/data/runtimes.json: AWS's deprecation dates and SnapStart support, with the
    sources they came from."""
    text = (resources.files("slint") / "data" / "runtimes.json").read_text("utf-8")
    data = json.loads(text)
    table = {
        name: Runtime(
            name,
            str(entry["family"]),
            _date(entry.get("deprecation")),
            _date(entry.get("block_update")),
            bool(entry.get("container_only", False)),
            bool(entry.get("snapstart", False)),
        )
        for name, entry in data["runtimes"].items()
    }
    newest = {str(k): (str(v) if v else None) for k, v in data["newest"].items()}
    return RuntimeTable(table, newest, str(data.get("as_of", "")))


def runtime_of(function: Function) -> Runtime | None:
    """The table's entry for the function's runtime; None when the runtime is not known
    (absent, an unresolved parameter) or not in the table (a newer one, a typo)."""
    value = function.runtime.value
    if not isinstance(value, str):
        return None
    return runtime_table().runtimes.get(value.strip())


# The settings are read as written: a SAM key and its serverless spelling.
SERVERLESS_KEYS = {
    "SnapStart": "snapStart",
    "ProvisionedConcurrencyConfig": "provisionedConcurrency",
    "FileSystemConfigs": "fileSystemConfig",
    "EphemeralStorage": "ephemeralStorageSize",
}


def function_setting(function: Function, key: str) -> Setting[Any]:
    """The function's `key` (SAM/CFN spelling; serverless: its camelCase counterpart),
    its own or, for SAM, inherited from `Globals.Function` when `IgnoreGlobals` does not
    exclude it. Positioned at the key as written; absent: at the function."""
    app = function.app
    props = function.node
    name = SERVERLESS_KEYS.get(key, key) if app.format == "serverless" else key
    if name in props:
        return Setting.read(props, name)
    # The loader's view of `Globals.Function`, less what `IgnoreGlobals` opts out of.
    shared = function.globals
    if shared is not None and key in shared:
        return Setting.read(shared, key)
    return Setting.absent(props, function.file, function.at)


def snapstart_setting(function: Function) -> Setting[Any] | None:
    """The setting that turns SnapStart on for the function (SAM/CFN
    `SnapStart: {ApplyOn: PublishedVersions}`, serverless `snapStart: true`); None when
    it is off, absent or cannot be known (`ApplyOn: !Ref Param` without a default)."""
    setting = function_setting(function, "SnapStart")
    value = setting.value
    if function.app.format == "serverless":
        on = value is True or (isinstance(value, str) and value.strip().lower() == "true")
        return setting if on else None
    if isinstance(value, YMap) and value.get("ApplyOn") == "PublishedVersions":
        return setting
    return None


def provisioned_concurrency(function: Function) -> Setting[Any] | None:
    """The function's own provisioned concurrency setting when it is known to provision
    some (SAM `ProvisionedConcurrencyConfig` on the function or in Globals; serverless
    `provisionedConcurrency: N` or `{executions: N}` with N > 0). CloudFormation puts it
    on versions and aliases: see `versions_and_aliases`."""
    setting = function_setting(function, "ProvisionedConcurrencyConfig")
    value = setting.value
    if function.app.format == "serverless":
        if isinstance(value, YMap):
            value = value.get("executions")
        amount = number(value)
        return setting if amount is not None and amount > 0 else None
    if isinstance(value, YMap) and is_known(value):
        amount = number(value.get("ProvisionedConcurrentExecutions"))
        # Lambda's minimum is 1; an unknown amount (a parameter without a default)
        # still provisions some.
        if amount is None or amount > 0:
            return setting
    return None


def file_systems(function: Function) -> Setting[Any] | None:
    """An EFS file system mounted by the function (SAM/CFN `FileSystemConfigs`, a known
    non-empty list; serverless `fileSystemConfig`)."""
    setting = function_setting(function, "FileSystemConfigs")
    value = setting.value
    if function.app.format == "serverless":
        return setting if isinstance(value, YMap) and value else None
    if isinstance(value, YList) and value:
        return setting
    return None


def ephemeral_storage(function: Function) -> tuple[Setting[Any], int | float] | None:
    """The function's `/tmp` size in MB when it is known (SAM/CFN `EphemeralStorage.Size`,
    serverless `ephemeralStorageSize`), with its setting."""
    setting = function_setting(function, "EphemeralStorage")
    value = setting.value
    if isinstance(value, YMap):
        value = value.get("Size")
    size = number(value)
    return (setting, size) if size is not None else None


@dataclass(frozen=True)
class Published:
    """The `AWS::Lambda::Version` and `AWS::Lambda::Alias` resources of one function."""

    versions: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def ids(self) -> tuple[str, ...]:
        return self.versions + self.aliases


def versions_and_aliases(app: App, function: Function) -> Published:
    """The versions and aliases of the template that belong to `function`: a version or
    alias whose `FunctionName` is `!Ref`/`!GetAtt` of it or its literal `FunctionName`,
    and an alias whose `FunctionVersion` is one of those versions."""
    own_name = function.node.get("FunctionName")

    def names_function(value: Any) -> bool:
        target = logical_id(value)
        if target is not None:
            return target == function.name
        return isinstance(own_name, str) and value == own_name

    versions: list[str] = []
    aliases: list[tuple[str, YMap]] = []
    for logical, resource in app.resources.items():
        if not isinstance(resource, YMap):
            continue
        kind = resource.get("Type")
        props = resource.get("Properties")
        if kind not in ("AWS::Lambda::Version", "AWS::Lambda::Alias") or not isinstance(
            props, YMap
        ):
            continue
        if kind == "AWS::Lambda::Version":
            if names_function(props.get("FunctionName")):
                versions.append(str(logical))
        else:
            aliases.append((str(logical), props))
    own_aliases = [
        logical
        for logical, props in aliases
        if names_function(props.get("FunctionName"))
        or logical_id(props.get("FunctionVersion")) in versions
    ]
    return Published(tuple(versions), tuple(own_aliases))


def provisioned_versions(app: App, published: Published) -> list[Setting[Any]]:
    """The `ProvisionedConcurrencyConfig` keys of the given versions and aliases."""
    found: list[Setting[Any]] = []
    for logical in published.ids:
        resource = app.resources.get(logical)
        props = resource.get("Properties") if isinstance(resource, YMap) else None
        if isinstance(props, YMap) and isinstance(props.get("ProvisionedConcurrencyConfig"), YMap):
            found.append(Setting.read(props, "ProvisionedConcurrencyConfig"))
    return found


_SUB_NAME = re.compile(r"\$\{(?P<id>[A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")


def referenced_ids(value: Any) -> Iterator[str]:
    """The logical ids a value refers to: `Ref`, `Fn::GetAtt`, and `${Id}` / `${Id.Attr}`
    in `Fn::Sub` strings. Iterative: templates can be large."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            target = logical_id(item)
            if target is not None:
                yield target
                continue
            sub = item.get("Fn::Sub") if len(item) == 1 else None
            text = sub[0] if isinstance(sub, list) and sub else sub
            if isinstance(text, str):
                yield from (match.group("id") for match in _SUB_NAME.finditer(text))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
