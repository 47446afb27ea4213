"""Which files to check: walk the given paths, skip what is excluded or git-ignored."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from slint.config import ConfigResolver
from slint.settings import DEFAULT_EXCLUDES, Settings

PYTHON_SUFFIXES = frozenset({".py"})


class DiscoveryError(Exception):
    """A path given on the command line that cannot be checked."""


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    display: str  # as the user will see it: relative paths stay relative
    kind: str  # "python"
    settings: Settings
    explicit: bool  # named on the command line (not found by walking)


def classify(path: Path) -> str | None:
    if path.suffix in PYTHON_SUFFIXES:
        return "python"
    return None


def _git_listing(directory: Path) -> list[str] | None:
    """Files below `directory` that git does not ignore, relative to it (None: not in git)."""
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=directory,
            capture_output=True,
            timeout=60,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if result.returncode != 0:
        return None
    return [item for item in result.stdout.decode("utf-8", "surrogateescape").split("\0") if item]


def _walk(directory: Path, resolver: ConfigResolver) -> Iterator[str]:
    for root, dirs, files in os.walk(directory):
        root_path = Path(root)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in DEFAULT_EXCLUDES
            and not resolver.for_path(root_path / d).is_excluded(root_path / d)
        )
        for name in sorted(files):
            yield str((root_path / name).relative_to(directory))


def _excluded_by_parts(relative: str) -> bool:
    parts = Path(relative).parts[:-1]
    return any(part in DEFAULT_EXCLUDES for part in parts)


def discover(
    paths: Sequence[str], resolver: ConfigResolver, *, force_exclude: bool = False
) -> list[SourceFile]:
    found: dict[Path, SourceFile] = {}
    for given in paths:
        path = Path(given)
        if not path.exists():
            raise DiscoveryError(f"{given}: no such file or directory")
        if path.is_file():
            kind = classify(path)
            absolute = path.resolve()
            settings = resolver.for_path(absolute)
            if kind is None or (force_exclude and settings.is_excluded(absolute)):
                continue
            found.setdefault(
                absolute, SourceFile(absolute, os.path.normpath(given), kind, settings, True)
            )
            continue
        listing = _git_listing(path)
        if listing is None:
            relatives: Iterator[str] | list[str] = _walk(path, resolver)
        else:
            relatives = sorted(r for r in listing if not _excluded_by_parts(r))
        for relative in relatives:
            candidate = path / relative
            kind = classify(candidate)
            if kind is None or not candidate.is_file():
                continue
            absolute = candidate.resolve()
            if absolute in found:
                continue
            settings = resolver.for_path(absolute)
            if settings.is_excluded(absolute) or _excluded_dir_above(absolute, path, resolver):
                continue
            display = os.path.normpath(os.path.join(given, relative))
            found[absolute] = SourceFile(absolute, display, kind, settings, False)
    return sorted(found.values(), key=lambda f: f.display)


def _excluded_dir_above(absolute: Path, top: Path, resolver: ConfigResolver) -> bool:
    """Does a configured `exclude` pattern match a directory between `top` and the file?"""
    top = top.resolve()
    for parent in absolute.parents:
        if parent == top or top not in parent.parents:
            return False
        if resolver.for_path(parent).is_excluded(parent):
            return True
    return False
