"""Finding and reading configuration: `[tool.slint]` in pyproject.toml, slint.toml, .slint.toml.

The nearest configuration file above a checked path wins; `--config` overrides the
search. Every problem is a `ConfigError` whose text is a single line naming the file
and the key.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from slint.settings import NUMERIC_OPTIONS, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILENAMES = (".slint.toml", "slint.toml", "pyproject.toml")
_LIST_KEYS = {"select": "select", "extend-select": "extend_select", "ignore": "ignore"}
KNOWN_KEYS = frozenset({*_LIST_KEYS, "per-file-ignores", "exclude", *NUMERIC_OPTIONS})


class ConfigError(Exception):
    """A configuration problem, reported as one line and exit code 2."""


@dataclass(frozen=True)
class Overrides:
    """What the command line says; it wins over every configuration file."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def apply(self, settings: Settings) -> Settings:
        return replace(
            settings,
            select=self.select if self.select is not None else settings.select,
            extend_select=settings.extend_select + self.extend_select,
            ignore=settings.ignore + self.ignore,
        )


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings")
    return tuple(value)


def parse_settings(table: Mapping[str, Any], source: Path, prefix: str) -> Settings:
    """Validate one `[tool.slint]` table (or a slint.toml document)."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{source}: {prefix}{key}"
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise ConfigError(f"{where}: unknown configuration key (known keys: {known})")
        if key in _LIST_KEYS:
            values[_LIST_KEYS[key]] = tuple(s.strip().upper() for s in _string_list(value, where))
        elif key == "exclude":
            values["exclude"] = _string_list(value, where)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must be a table of glob = [codes]")
            values["per_file_ignores"] = tuple(
                (glob, tuple(s.strip().upper() for s in _string_list(codes, f"{where}.{glob}")))
                for glob, codes in value.items()
            )
        else:
            attribute, _default, low, high = NUMERIC_OPTIONS[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{where} must be an integer, not {value!r}")
            if not low <= value <= high:
                raise ConfigError(f"{where} must be between {low} and {high}, not {value}")
            values[attribute] = value
    return Settings(source=source, root=source.parent.resolve(), **values)


def read_config_file(path: Path, *, explicit: bool = False) -> Settings | None:
    """Read one file; None for a pyproject.toml that has no `[tool.slint]` table."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such configuration file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    if path.name == "pyproject.toml":
        tool = document.get("tool", {})
        table = tool.get("slint") if isinstance(tool, dict) else None
        if table is None:
            if explicit:
                raise ConfigError(f"{path}: no [tool.slint] table")
            return None
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: tool.slint must be a table")
        return parse_settings(table, path, "tool.slint.")
    return parse_settings(document, path, "")


class ConfigResolver:
    """Answers "which settings apply to this path?", reading each directory once."""

    def __init__(self, overrides: Overrides, config_file: Path | None = None) -> None:
        self._overrides = overrides
        self._by_dir: dict[Path, Settings] = {}
        self._fixed: Settings | None = None
        if config_file is not None:
            self._fixed = overrides.apply(
                read_config_file(config_file, explicit=True) or Settings()
            )
        self._default = overrides.apply(Settings())

    def for_path(self, path: Path) -> Settings:
        if self._fixed is not None:
            return self._fixed
        directory = path.resolve()
        if not directory.is_dir():
            directory = directory.parent
        return self._for_dir(directory)

    def _for_dir(self, directory: Path) -> Settings:
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        settings: Settings | None = None
        for name in CONFIG_FILENAMES:
            candidate = directory / name
            if candidate.is_file():
                found = read_config_file(candidate)
                if found is not None:
                    settings = self._overrides.apply(found)
                    break
        if settings is None:
            parent = directory.parent
            settings = self._default if parent == directory else self._for_dir(parent)
        self._by_dir[directory] = settings
        return settings

    def all_settings(self) -> list[Settings]:
        seen = {id(s): s for s in self._by_dir.values()}
        if self._fixed is not None:
            seen[id(self._fixed)] = self._fixed
        seen[id(self._default)] = self._default
        return list(seen.values())
