"""Serverless Framework variables, resolved where the value can be known.

`${self:...}` (nested paths and nested variables), `${opt:stage, 'dev'}` and
`${sls:stage}` with their defaults, `${env:X, default}` from the default only (the
user's real environment is never read, so results are reproducible),
`${file(./x.yml):key}` and `${file(./x.json)}` relative to the config. Everything
else (`${ssm:...}`, `${cf:...}`, `${aws:...}`, unresolvable paths) becomes `Unknown`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slint.app.model import Unknown
from slint.app.yamlpos import YamlError, YList, YMap, load
from slint.diagnostics import Location

_MAX_DEPTH = 12
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FILE = re.compile(r"^file\((?P<path>[^)]*)\)(?::(?P<key>.*))?$", re.S)
_SELF_DEFAULTS = {"provider.stage": "dev", "provider.region": "us-east-1"}


def _innermost(text: str) -> tuple[int, int] | None:
    """Span of the first `${...}` that contains no other `${`."""
    start = text.find("${")
    while start >= 0:
        depth = 0
        index = start + 2
        nested = False
        while index < len(text):
            if text.startswith("${", index):
                nested = True
                break
            if text[index] == "{":
                depth += 1
            elif text[index] == "}":
                if depth == 0:
                    return start, index + 1
                depth -= 1
            index += 1
        if not nested:
            return None
        start = text.find("${", start + 2)
    return None


def _split_top_level(text: str) -> list[str]:
    parts, depth, quote, current = [], 0, "", []
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


class _Undefined:
    """A source that gave nothing: try the next fallback."""


UNDEFINED = _Undefined()


class Resolver:
    def __init__(
        self,
        document: YMap,
        directory: Path,
        display_dir: str,
        note: Callable[[str, Location, str], None],
    ) -> None:
        self.document = document
        self.directory = directory
        self.display_dir = display_dir
        self.note = note
        self.files: dict[Path, Any] = {}
        self.includes: list[Path] = []
        self._active: set[str] = set()

    # -- whole document ------------------------------------------------------
    def resolve_tree(self, value: Any, depth: int = 0) -> Any:
        if depth > 64:
            return value
        if isinstance(value, YMap):
            for key in list(value):
                item = value[key]
                if isinstance(item, str) and "${" in item:
                    value[key] = self.resolve_string(item, value.key_loc.get(key, value.loc), 0)
                    if isinstance(value[key], (YMap, YList)) and value[key] is not item:
                        self.resolve_tree(value[key], depth + 1)
                else:
                    self.resolve_tree(item, depth + 1)
        elif isinstance(value, YList):
            for index, item in enumerate(value):
                if isinstance(item, str) and "${" in item:
                    value[index] = self.resolve_string(item, value.at(index), 0)
                    if isinstance(value[index], (YMap, YList)):
                        self.resolve_tree(value[index], depth + 1)
                else:
                    self.resolve_tree(item, depth + 1)
        return value

    # -- one string ---------------------------------------------------------
    def resolve_string(self, text: str, at: Location, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            return Unknown("variables nested too deeply")
        current: Any = text
        for _ in range(64):
            if not isinstance(current, str):
                return current
            span = _innermost(current)
            if span is None:
                return current
            start, end = span
            value = self._variable(current[start + 2 : end - 1], at, depth)
            if start == 0 and end == len(current):
                current = value
                continue
            if isinstance(value, Unknown):
                return value
            if isinstance(value, (dict, list)) or value is None:
                return Unknown(f"cannot interpolate {current[start:end]} into a string")
            if isinstance(value, bool):
                value = "true" if value else "false"
            current = f"{current[:start]}{value}{current[end:]}"
        return Unknown("too many variables")

    def _variable(self, content: str, at: Location, depth: int) -> Any:
        for candidate in _split_top_level(content):
            value = self._source(candidate, at, depth)
            if value is not UNDEFINED and value is not None:
                return value
        return Unknown(f"${{{content}}}")

    def _source(self, candidate: str, at: Location, depth: int) -> Any:
        if not candidate:
            return UNDEFINED
        if candidate[0] in "'\"" and candidate[-1:] == candidate[0] and len(candidate) >= 2:
            return candidate[1:-1]
        if _NUMBER.match(candidate):
            return float(candidate) if "." in candidate else int(candidate)
        if candidate in ("true", "false"):
            return candidate == "true"
        if candidate.startswith("self:"):
            return self._self(candidate[5:], at, depth)
        if candidate.startswith("file("):
            return self._file(candidate, at, depth)
        if candidate.startswith(("sls:stage", "opt:stage")):
            if candidate.startswith("opt:"):
                return UNDEFINED  # only its fallback is reproducible
            return self._stage(at, depth)
        if candidate.startswith(("opt:", "env:")):
            return UNDEFINED  # never the real environment: only a fallback counts
        return Unknown(f"${{{candidate}}}")

    def _stage(self, at: Location, depth: int) -> Any:
        stage = self._self("provider.stage", at, depth)
        return "dev" if stage is UNDEFINED else stage

    def _self(self, address: str, at: Location, depth: int) -> Any:
        if address in self._active:
            return Unknown(f"circular reference to self:{address}")
        self._active.add(address)
        try:
            return self._walk(self.document, address, at, depth, _SELF_DEFAULTS.get(address))
        finally:
            self._active.discard(address)

    def _walk(self, root: Any, address: str, at: Location, depth: int, default: Any) -> Any:
        value = root
        for part in [p for p in address.split(".") if p] if address else []:
            if isinstance(value, str) and "${" in value:
                value = self.resolve_string(value, at, depth + 1)
            if isinstance(value, Unknown):
                return value
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return default if default is not None else UNDEFINED
        if isinstance(value, str) and "${" in value:
            value = self.resolve_string(value, at, depth + 1)
        return value

    def _file(self, candidate: str, at: Location, depth: int) -> Any:
        match = _FILE.match(candidate)
        if match is None:
            return Unknown(f"${{{candidate}}}")
        raw_path = match.group("path").strip().strip("'\"")
        if "${" in raw_path:
            resolved = self.resolve_string(raw_path, at, depth + 1)
            if not isinstance(resolved, str):
                return Unknown(f"${{{candidate}}}")
            raw_path = resolved
        path = (self.directory / raw_path).resolve()
        if path.suffix not in (".yml", ".yaml", ".json"):
            return Unknown(f"${{{candidate}}} (only YAML and JSON files are read)")
        content = self._load_file(path, raw_path, at)
        if isinstance(content, Unknown):
            return content
        key = match.group("key")
        if not key:
            return content
        return self._walk(content, key.strip(), at, depth, None)

    def _load_file(self, path: Path, raw_path: str, at: Location) -> Any:
        if path in self.files:
            return self.files[path]
        display = (
            f"{self.display_dir}/{raw_path}".removeprefix("./") if self.display_dir else raw_path
        )
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            self.note(
                "missing-include",
                at,
                f"cannot read {raw_path}: {getattr(error, 'strerror', error)}",
            )
            self.files[path] = Unknown(f"file {raw_path}")
            return self.files[path]
        try:
            content: Any = load(text, display)
        except YamlError as error:
            if path.suffix == ".json":
                try:
                    content = json.loads(text)
                except ValueError:
                    content = Unknown(f"file {raw_path}")
            else:
                self.note("bad-include", at, f"{raw_path}:{error.location}: {error.message}")
                content = Unknown(f"file {raw_path}")
        self.files[path] = content
        self.includes.append(path)
        return content
