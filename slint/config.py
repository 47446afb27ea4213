"""Finding and reading configuration: `[tool.slint]` in pyproject.toml, slint.toml, .slint.toml.

The nearest configuration file above a checked path wins; `--config` overrides the
search. Every problem is a `ConfigError` whose text is a single line naming the file
and the key.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from slint.files import FileTooBig, read_limited
from slint.settings import NUMERIC_OPTIONS, Settings

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CONFIG_FILENAMES = (".slint.toml", "slint.toml", "pyproject.toml")
_LIST_KEYS = {"select": "select", "extend-select": "extend_select", "ignore": "ignore"}
KNOWN_KEYS = frozenset(
    {
        *_LIST_KEYS,
        "per-file-ignores",
        "exclude",
        "show-fixes",
        "import-costs",
        "output-format",
        "rule-docs-url",
        "jobs",
        "cache-dir",
        *NUMERIC_OPTIONS,
    }
)
# A top-level import name as Python spells it (`PIL`, `yaml`, `google.cloud`).
_IMPORT_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")
# An npm package or a subpath of one, as a JavaScript module imports it
# (`aws-sdk`, `@aws-sdk/client-s3`, `lodash/get`).
_NPM_NAME = re.compile(r"^(?:@[\w.-]+/)?[\w.-]+(?:/[\w.-]+)*$")


class ConfigError(Exception):
    """A configuration problem, reported as one line and exit code 2."""


def _within(selector: str, scope: str) -> bool:
    """Does every code that `selector` matches also match `scope`?"""
    return scope == "ALL" or (selector != "ALL" and selector.startswith(scope))


@dataclass(frozen=True)
class Overrides:
    """What the command line says; it wins over every configuration file.

    The selection follows ruff's layering: a configuration file is one layer and the
    command line the next. A command-line `--select` starts the selection afresh
    (the file's `select`, `extend-select` and `ignore` no longer count); without it,
    the command line's `--extend-select` and `--ignore` adjust the file's selection,
    and decide every rule they match. Inside one layer the most specific selector
    wins. `Registry.enabled` evaluates a single layer, so `apply` folds the two into
    one: it drops the file's selectors that a command-line selector overrules (those
    inside its scope), which leaves exactly the layered result.
    """

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    def apply(self, settings: Settings) -> Settings:
        if self.select is not None:
            return replace(
                settings, select=self.select, extend_select=self.extend_select, ignore=self.ignore
            )

        def keep(selector: str, overruled_by: tuple[str, ...]) -> bool:
            return not any(_within(selector, scope) for scope in overruled_by)

        select = settings.select
        if select is not None:
            select = tuple(s for s in select if keep(s, self.ignore))
        return replace(
            settings,
            select=select,
            extend_select=tuple(s for s in settings.extend_select if keep(s, self.ignore))
            + self.extend_select,
            ignore=tuple(s for s in settings.ignore if keep(s, self.extend_select)) + self.ignore,
        )


SelectorCheck = Callable[[str], bool]


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ConfigError(f"{where} must be a list of strings, not {_toml_repr(value)}")
    return tuple(value)


def _toml_repr(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _selector_list(value: Any, where: str, known: SelectorCheck | None) -> tuple[str, ...]:
    selectors = tuple(s.strip().upper() for s in _string_list(value, where))
    for selector in selectors:
        if not selector:
            raise ConfigError(f"{where}: empty rule selector")
        if known is not None and not known(selector):
            raise ConfigError(f"{where}: unknown rule selector `{selector}`")
    return selectors


def parse_settings(
    table: Mapping[str, Any],
    source: Path,
    prefix: str,
    known_selector: SelectorCheck | None = None,
) -> Settings:
    """Validate one `[tool.slint]` table (or a slint.toml document).

    `known_selector`, when given, says whether a rule selector names any rule, so
    that an unknown one is reported with the key it appears under.
    """
    values: dict[str, Any] = {}
    for key, value in table.items():
        where = f"{source}: {prefix}{key}"
        if key not in KNOWN_KEYS:
            known = ", ".join(sorted(KNOWN_KEYS))
            raise ConfigError(f"{where}: unknown configuration key (known keys: {known})")
        if key in _LIST_KEYS:
            values[_LIST_KEYS[key]] = _selector_list(value, where, known_selector)
        elif key == "exclude":
            values["exclude"] = _string_list(value, where)
        elif key == "per-file-ignores":
            if not isinstance(value, dict):
                raise ConfigError(f"{where} must be a table of glob = [codes]")
            values["per_file_ignores"] = tuple(
                (glob, _selector_list(codes, f'{where}."{glob}"', known_selector))
                for glob, codes in value.items()
            )
        elif key == "import-costs":
            values["import_costs"] = _import_costs(value, where)
        elif key == "show-fixes":
            if not isinstance(value, bool):
                raise ConfigError(f"{where} must be true or false, not {_toml_repr(value)}")
            values["show_fixes"] = value
        elif key == "output-format":
            from slint.reporters import REPORTERS

            if value not in REPORTERS:
                choices = ", ".join(REPORTERS)
                raise ConfigError(f"{where} must be one of {choices}, not {_toml_repr(value)}")
            values["output_format"] = value
        elif key == "rule-docs-url":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where} must be a URL, not {_toml_repr(value)}")
            values["rule_docs_url"] = value.strip()
        elif key == "jobs":
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 256:
                raise ConfigError(
                    f"{where} must be an integer between 1 and 256, not {_toml_repr(value)}"
                )
            values["jobs"] = value
        elif key == "cache-dir":
            if not isinstance(value, str) or not value.strip():
                raise ConfigError(f"{where} must be a folder path, not {_toml_repr(value)}")
            # Relative to the configuration file, as `exclude` globs are.
            values["cache_dir"] = source.parent.resolve() / Path(value.strip()).expanduser()
        else:
            attribute, _default, low, high = NUMERIC_OPTIONS[key]
            if isinstance(value, bool) or not isinstance(value, int):
                raise ConfigError(f"{where} must be an integer, not {_toml_repr(value)}")
            if not low <= value <= high:
                raise ConfigError(f"{where} must be between {low} and {high}, not {value}")
            values[attribute] = value
    return Settings(source=source, root=source.parent.resolve(), **values)


def _import_costs(value: Any, where: str) -> tuple[tuple[str, float], ...]:
    """`import-costs = { mylib = 250, pandas = 0, "aws-sdk" = 0 }`: measured milliseconds
    per import name (a Python module, or an npm package as JavaScript imports it), added
    to (or overriding) the tables slint ships; 0 marks a package as cheap."""
    if not isinstance(value, dict):
        raise ConfigError(f"{where} must be a table of import name = milliseconds")
    costs = []
    for name, ms in value.items():
        if not (_IMPORT_NAME.match(name) or _NPM_NAME.match(name)):
            raise ConfigError(f'{where}."{name}" is not an importable module name')
        if isinstance(ms, bool) or not isinstance(ms, (int, float)) or not 0 <= ms <= 600_000:
            raise ConfigError(
                f'{where}."{name}" must be a number of milliseconds between 0 and 600000, '
                f"not {_toml_repr(ms)}"
            )
        costs.append((name, float(ms)))
    return tuple(costs)


def read_config_file(
    path: Path, *, explicit: bool = False, known_selector: SelectorCheck | None = None
) -> Settings | None:
    """Read one file; None for a pyproject.toml that has no `[tool.slint]` table."""
    try:
        document = tomllib.loads(read_limited(path).decode("utf-8"))
    except FileTooBig as big:
        raise ConfigError(f"{path}: {big.size} bytes, too big for a configuration file") from None
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
        return parse_settings(table, path, "tool.slint.", known_selector)
    return parse_settings(document, path, "", known_selector)


def selector_check(codes: Iterable[str]) -> SelectorCheck:
    """Whether a selector (`ALL`, a code or a prefix) names any of these rule codes."""
    known = tuple(codes)
    return lambda selector: selector == "ALL" or any(c.startswith(selector) for c in known)


def installed_rule_selectors() -> SelectorCheck:
    """Whether a selector names any installed rule (built-in or plugin)."""
    from slint.registry import Registry  # late: the registry imports this module

    return selector_check(rule.code for rule in Registry.load().rules)


class ConfigResolver:
    """Answers "which settings apply to this path?", reading each directory once.

    `known_selector` says whether a rule selector names a rule, so that a file's
    unknown selector is reported with its key; by default it asks the installed
    rules (pass the check of the registry you run with if that is another one).
    """

    def __init__(
        self,
        overrides: Overrides,
        config_file: Path | None = None,
        *,
        known_selector: SelectorCheck | None = None,
    ) -> None:
        self._overrides = overrides
        self._known_selector = known_selector
        self._by_dir: dict[Path, Settings] = {}
        self._by_path: dict[Path, Settings] = {}
        self._fixed: Settings | None = None
        if config_file is not None:
            found = read_config_file(
                config_file, explicit=True, known_selector=self._selector_check()
            )
            self._fixed = overrides.apply(found or Settings())
        self._default = overrides.apply(Settings())

    def _selector_check(self) -> SelectorCheck:
        if self._known_selector is None:
            self._known_selector = installed_rule_selectors()
        return self._known_selector

    def for_path(self, path: Path) -> Settings:
        if self._fixed is not None:
            return self._fixed
        known = self._by_path.get(path)
        if known is not None:
            return known
        directory = path.resolve()
        if not directory.is_dir():
            directory = directory.parent
        settings = self._by_path[path] = self._for_dir(directory)
        return settings

    def _for_dir(self, directory: Path) -> Settings:
        cached = self._by_dir.get(directory)
        if cached is not None:
            return cached
        settings: Settings | None = None
        for name in CONFIG_FILENAMES:
            candidate = directory / name
            if candidate.is_file():
                found = read_config_file(candidate, known_selector=self._selector_check())
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
