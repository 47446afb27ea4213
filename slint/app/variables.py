"""Serverless Framework variables, resolved where the value can be known.

`${self:...}` (nested paths and nested variables), `${opt:stage, 'dev'}` and
`${sls:stage}` with their defaults, `${env:X, default}` from the default only (the
user's real environment is never read, so results are reproducible),
`${file(./x.yml):key}` and `${file(./x.json)}` relative to the config. Everything
else (`${ssm:...}`, `${cf:...}`, `${aws:...}`, unresolvable paths) becomes `Unknown`.

A `${...}` with no source (`${AWS::Region}`, `${BucketName}` in an `Fn::Sub`) is not a
Serverless variable: it is left as written, as the Serverless Framework leaves it.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from slint.app.model import Unknown, deploy_default
from slint.app.yamlpos import YamlError, YList, YMap, load
from slint.diagnostics import Location
from slint.files import FileTooBig, read_text_limited

_MAX_DEPTH = 12  # variables inside variables inside ...
_MAX_STEPS = 20_000  # variables resolved per config: bounds self-referencing blow-ups
_MAX_LENGTH = 100_000  # characters of an interpolated string
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
_FILE = re.compile(r"^file\((?P<path>[^)]*)\)(?::(?P<key>.*))?$", re.S)
# A variable names its source: `self:`, `opt:`, `file(`, `ssm:`, `strToBool(` ...
_SOURCE = re.compile(r"\s*(?:[A-Za-z][\w-]*:(?!:)|[A-Za-z][\w-]*\(|['\"]|\$\{)")
_SELF_DEFAULTS = {"provider.stage": "dev", "provider.region": "us-east-1"}


class _Undefined:
    """A source that gave nothing (an unset option or environment variable, a missing
    path): try the next fallback."""

    def __repr__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Any = _Undefined()
_NULL: Any = object()  # the `null` fallback


def _closing(text: str, start: int) -> int | None:
    """The index just after the `}` that closes the `${` at `start` (None: unbalanced)."""
    depth = 0
    quote = ""
    index = start + 2
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index + 1
            depth -= 1
        index += 1
    if quote:  # an apostrophe in free text, not a quote: count braces only
        return _closing_unquoted(text, start)
    return None


def _closing_unquoted(text: str, start: int) -> int | None:
    depth = 0
    for index in range(start + 2, len(text)):
        char = text[index]
        if char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return index + 1
            depth -= 1
    return None


def variable_spans(text: str) -> list[tuple[int, int]]:
    """The top-level `${...}` variables of `text` (start, end), sources only."""
    spans: list[tuple[int, int]] = []
    start = text.find("${")
    while start >= 0:
        end = _closing(text, start)
        if end is None:
            break
        if _SOURCE.match(text, start + 2):
            spans.append((start, end))
            start = text.find("${", end)
        else:
            start = text.find("${", start + 2)
    return spans


def has_plain_reference(text: str) -> bool:
    """Does `text` hold a `${...}` that names no source (`${AWS::Region}`, `${Bucket}`)?"""
    start = text.find("${")
    while start >= 0:
        end = _closing(text, start)
        if end is None:
            return False
        if not _SOURCE.match(text, start + 2):
            return True
        start = text.find("${", end)
    return False


def _split_parameters(text: str) -> list[str]:
    """`opt:stage, self:x, 'dev'` -> its comma-separated parts (not inside quotes,
    brackets or nested variables)."""
    parts: list[str] = []
    depth = 0
    quote = ""
    current: list[str] = []
    for char in text:
        if quote:
            current.append(char)
            if char == quote:
                quote = ""
            continue
        if char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


def _is_container(value: Any) -> bool:
    return isinstance(value, (YMap, YList))


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
        self.include_displays: list[str] = []
        self._active: set[str] = set()
        self._steps = 0
        self._done: set[int] = set()

    # -- whole document ------------------------------------------------------
    def resolve_tree(self, value: Any) -> Any:
        """Resolve every variable in `value`, in place (the document, or a part of it)."""
        if _is_container(value):
            self._resolve_container(value, [value])
        return value

    def _resolve_container(
        self, container: YMap | YList, stack: list[Any], sub_list: bool = False
    ) -> None:
        if id(container) in self._done or len(stack) > 100:
            return
        self._done.add(id(container))
        if isinstance(container, YMap):
            keys: list[Any] = list(container)
        else:
            keys = list(range(len(container)))
        for key in keys:
            item = container[key]
            # The template of an `Fn::Sub` (`!Sub "...${Param}"` or its list form).
            in_sub = (isinstance(container, YMap) and key == "Fn::Sub") or (sub_list and key == 0)
            if isinstance(item, str) and "${" in item:
                at = container.at(key)
                item = self.resolve_string(item, at, 0, substitution=in_sub)
                if _is_container(item) and self._reaches(item, stack):
                    item = Unknown("circular reference")
                container[key] = item
            if _is_container(item):
                stack.append(item)
                self._resolve_container(item, stack, sub_list=in_sub and isinstance(item, YList))
                stack.pop()

    @staticmethod
    def _reaches(value: Any, stack: list[Any]) -> bool:
        """Does `value` hold (or is it) one of the containers in `stack`?"""
        targets = {id(item) for item in stack}
        seen: set[int] = set()
        pending = [value]
        while pending:
            item = pending.pop()
            if id(item) in targets:
                return True
            if id(item) in seen:
                continue
            seen.add(id(item))
            if isinstance(item, YMap):
                pending.extend(v for v in item.values() if _is_container(v))
            elif isinstance(item, YList):
                pending.extend(v for v in item if _is_container(v))
        return False

    # -- one string ---------------------------------------------------------
    def resolve_string(
        self, text: str, at: Location, depth: int, *, substitution: bool = False
    ) -> Any:
        """The value of `text`: itself when it holds no variable, the variable's value
        (any type) when it is one variable, else the interpolated string.

        A `${Name}` with no source is CloudFormation's, not the framework's: kept as
        written in an `Fn::Sub` template (`substitution`), unknown anywhere else."""
        if not substitution and has_plain_reference(text):
            return Unknown(text)
        value = self._string(text, at, depth)
        if value is UNDEFINED:
            return Unknown(text)
        return None if value is _NULL else value

    def _string(self, text: str, at: Location, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            return Unknown("variables nested too deeply")
        spans = variable_spans(text)
        if not spans:
            return text
        if len(spans) == 1 and spans[0] == (0, len(text)):
            return self._variable(text[2:-1], at, depth)
        pieces: list[str] = []
        last = 0
        for start, end in spans:
            value = self._variable(text[start + 2 : end - 1], at, depth)
            if value is UNDEFINED:
                return Unknown(text[start:end])
            if isinstance(value, Unknown):
                return value
            if value is _NULL or value is None or isinstance(value, (dict, list)):
                return Unknown(f"cannot interpolate {text[start:end]} into a string")
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, float) and value.is_integer():
                value = int(value)
            pieces.append(text[last:start])
            pieces.append(str(value))
            last = end
            if sum(len(piece) for piece in pieces) > _MAX_LENGTH:
                return Unknown("interpolated string too long")
        pieces.append(text[last:])
        return "".join(pieces)

    def _variable(self, content: str, at: Location, depth: int) -> Any:
        """A variable's value; UNDEFINED when no source nor fallback gives one."""
        self._steps += 1
        if self._steps > _MAX_STEPS:
            return Unknown("too many variables")
        null = False
        deploy_time: str | None = None
        for parameter in _split_parameters(content):
            value = self._parameter(parameter, at, depth)
            if value is _NULL:
                null = True
            elif value is not UNDEFINED and value is not None:
                if deploy_time is None:
                    return value
                # A fallback that a command-line option or the environment overrides.
                return deploy_default(value, f"the fallback of `${{{deploy_time}}}`")
            elif deploy_time is None and parameter.strip().startswith(("opt:", "env:")):
                deploy_time = parameter.strip()
        return _NULL if null else UNDEFINED

    def _parameter(self, text: str, at: Location, depth: int) -> Any:
        if not text:
            return UNDEFINED
        if text.startswith("${") and _closing(text, 0) == len(text):
            # A nested variable as a fallback: its value, not its text.
            return self._string(text, at, depth + 1)
        if "${" in text:
            text_value = self._string(text, at, depth + 1)
            if not isinstance(text_value, str):
                return text_value if isinstance(text_value, Unknown) else Unknown(text)
            text = text_value
        if text[0] in "'\"" and text[-1:] == text[0] and len(text) >= 2:
            return text[1:-1]
        if _NUMBER.match(text):
            return float(text) if "." in text else int(text)
        if text in ("true", "false"):
            return text == "true"
        if text == "null":
            return _NULL
        if text.startswith("self:"):
            return self._self(text[5:].strip(), at, depth)
        if text.startswith("file("):
            return self._file(text, at, depth)
        if text == "sls:stage":
            return self._stage(at, depth)
        if text.startswith(("opt:", "env:")):
            return UNDEFINED  # never the real environment or command line: only fallbacks
        if text.startswith("param:"):
            return self._param(text[6:].strip(), at, depth)
        return Unknown(f"${{{text}}}")

    def _stage(self, at: Location, depth: int) -> Any:
        stage = self._self("provider.stage", at, depth)
        return "dev" if stage is UNDEFINED or stage is _NULL else stage

    def _param(self, name: str, at: Location, depth: int) -> Any:
        """`${param:x}` from the config's own parameters, the stage's then the default
        ones (v4 `stages.<stage>.params`, v3 `params.<stage>`); parameters kept in the
        Serverless Dashboard are unknown."""
        stage = self._stage(at, depth)
        for block in (stage, "default"):
            if not isinstance(block, str):
                continue
            for address in (f"stages.{block}.params.{name}", f"params.{block}.{name}"):
                value = self._self(address, at, depth)
                if value is not UNDEFINED:
                    return value
        return Unknown(f"${{param:{name}}}")

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
        for part in [p for p in address.split(".") if p]:
            if isinstance(value, str) and "${" in value:
                value = self._string(value, at, depth + 1)
            if isinstance(value, Unknown):
                return value
            if isinstance(value, dict) and part in value:
                value = value[part]
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return default if default is not None else UNDEFINED
        if isinstance(value, str) and "${" in value:
            value = self._string(value, at, depth + 1)
        if value is None:
            return default if default is not None else UNDEFINED
        return value

    def _file(self, candidate: str, at: Location, depth: int) -> Any:
        match = _FILE.match(candidate)
        if match is None:
            return Unknown(f"${{{candidate}}}")
        raw_path = match.group("path").strip().strip("'\"").strip()
        path = (self.directory / raw_path).resolve()
        if path.suffix not in (".yml", ".yaml", ".json"):
            return Unknown(f"${{{candidate}}} (only YAML and JSON files are read)")
        content = self._load_file(path, raw_path, at)
        if content is UNDEFINED or isinstance(content, Unknown):
            return content
        key = match.group("key")
        if not key or not key.strip():
            return content
        return self._walk(content, key.strip(), at, depth, None)

    def _load_file(self, path: Path, raw_path: str, at: Location) -> Any:
        if path in self.files:
            return self.files[path]
        display = os.path.normpath(os.path.join(self.display_dir, raw_path))
        try:
            text = read_text_limited(path)
        except (OSError, UnicodeDecodeError, FileTooBig) as error:
            reason = getattr(error, "strerror", None) or str(error)
            if isinstance(error, FileTooBig):
                reason = f"{error.size} bytes, over slint's limit for one file"
            self.note("missing-include", at, f"cannot read {raw_path}: {reason}")
            # Like the Serverless Framework: a file that is not there gives nothing,
            # so a fallback (`${file(./x.yml), 'default'}`) applies.
            self.files[path] = UNDEFINED
            return UNDEFINED
        try:
            content: Any = load(text, display)
        except YamlError as error:
            self.note("bad-include", at, f"{raw_path}:{error.location}: {error.message}")
            content = Unknown(f"file {raw_path}")
        self.files[path] = content
        self.includes.append(path)
        self.include_displays.append(display)
        return content
