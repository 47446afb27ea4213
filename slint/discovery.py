"""Which files to check: walk the given paths, skip what is excluded or git-ignored.

Like ruff: a file named on the command line is always checked (unless
`--force-exclude` and it is excluded); below a directory named on the command line,
the default excludes, the configured `exclude` patterns and, inside a git work tree,
`.gitignore` decide. A directory named on the command line is itself checked even
when its name is excluded, unless `--force-exclude`. Installed third-party packages
below it are never checked: `site-packages`/`dist-packages`, and packages vendored
next to their `<name>-<version>.dist-info` (`pip install -t .` packaging).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from slint.app.sniff import CONFIG_SUFFIXES, config_kind
from slint.config import ConfigResolver
from slint.settings import DEFAULT_EXCLUDES, Settings

PYTHON_SUFFIXES = frozenset({".py"})
_INTERESTING_SUFFIXES = PYTHON_SUFFIXES | CONFIG_SUFFIXES | {".txt"}
# pip requirements files: requirements.txt, requirements-prod.txt, requirements/base.txt.
_REQUIREMENTS = re.compile(r"^requirements(?:[-_.][\w.-]*)?\.txt$", re.I)

# Handed to git so that it does not even list what lies below these directories.
_GIT_EXCLUDES = tuple(f"--exclude={name}/" for name in DEFAULT_EXCLUDES)


# Folders Python installs third-party packages into.
_INSTALLED_DIRS = frozenset({"site-packages", "dist-packages"})
# The metadata folder pip (or setuptools) writes next to an installed distribution. An
# editable install's `<name>.egg-info` (no version) lies next to the project's own
# source, so a version is required.
_DIST_INFO = re.compile(r"^(?P<name>[\w.]+)-(?P<version>\d[^-]*)(?:-[^-]+)*\.(?:dist|egg)-info$")


class InstalledPackages:
    """Which files belong to installed third-party packages: anything below a
    `site-packages` or `dist-packages` folder, and the packages and modules that pip
    installed into a project folder (`pip install -t .`), as the `*.dist-info` /
    `*.egg-info` folders next to them name them (their own name, `top_level.txt`,
    the top-level entries of `RECORD`). Memoised per folder."""

    def __init__(self) -> None:
        self._names: dict[Path, frozenset[str]] = {}
        self._installed: dict[tuple[Path, Path | None], bool] = {}

    def contains(self, path: Path, below: Path | None = None) -> bool:
        """Is `path` (a file or folder) part of an installed package? With `below`,
        only folders below `below` count (a folder named on the command line is
        checked whatever it is)."""
        key = (path, below)
        known = self._installed.get(key)
        if known is not None:
            return known
        parent = path.parent
        if parent == path or (below is not None and (path == below or below not in path.parents)):
            found = False
        else:
            names = self.vendored(parent)
            found = (
                path.name in _INSTALLED_DIRS
                or (bool(names) and (path.name in names or path.stem in names))
                or self.contains(parent, below)
            )
        self._installed[key] = found
        return found

    def vendored(self, directory: Path) -> frozenset[str]:
        """The top-level packages and modules installed into `directory` (by name,
        `six.py` as "six")."""
        known = self._names.get(directory)
        if known is not None:
            return known
        names: set[str] = set()
        try:
            entries = os.listdir(directory)
        except OSError:
            entries = []
        for entry in entries:
            match = _DIST_INFO.match(entry)
            if match is None:
                continue
            names.add(match.group("name"))
            names.add(match.group("name").lower())
            info = directory / entry
            names.update(_lines(info / "top_level.txt"))
            for line in _lines(info / "RECORD"):
                first = line.split(",", 1)[0].replace("\\", "/").split("/", 1)[0]
                if first and first not in ("..", "__pycache__", entry) and ":" not in first:
                    names.add(first.removesuffix(".py"))
        found = self._names[directory] = frozenset(names)
        return found


def _lines(path: Path) -> list[str]:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


class DiscoveryError(Exception):
    """A path given on the command line that cannot be checked."""


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    display: str  # as the user will see it: relative paths stay relative
    kind: str  # "python", "config" or "requirements"
    settings: Settings
    explicit: bool  # named on the command line (not found by walking)
    # Read only for what it tells about the files that were asked for (the config
    # that names a handler, a module a handler calls); never reported on.
    context: bool = False


def display_path(path: Path) -> str:
    """How a file found by slint itself (not named by the user) is shown."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def classify(path: Path) -> str | None:
    """`python`, `config` (serverless.yml, a SAM or CloudFormation template),
    `requirements` (a pip requirements file) or None."""
    if path.suffix in PYTHON_SUFFIXES:
        return "python"
    if path.suffix == ".txt":
        if _REQUIREMENTS.match(path.name) or path.parent.name == "requirements":
            return "requirements"
        return None
    if config_kind(path) is not None:
        return "config"
    return None


def _git_listing(directory: Path) -> list[str] | None:
    """Paths below `directory` that git does not ignore, relative to it (None: not in git).

    An entry ending in `/` is a directory git does not descend into: a nested
    repository, or a submodule.
    """
    try:
        result = subprocess.run(
            [
                "git",
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
                # Not the names of the directory itself or of those above it: git
                # matches them against the whole path, and a directory named on the
                # command line (`slint check cdk.out`) is checked even when excluded.
                *(
                    option
                    for name, option in zip(DEFAULT_EXCLUDES, _GIT_EXCLUDES, strict=True)
                    if name not in directory.resolve().parts
                ),
            ],
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


def _is_excluded(path: Path, resolver: ConfigResolver) -> bool:
    """Is `path` itself excluded, by the settings of the directory that holds it?"""
    return resolver.for_path(path.parent).is_excluded(path)


def _excluded_with_ancestors(absolute: Path, resolver: ConfigResolver) -> bool:
    """For `--force-exclude`: is the path, or a directory above it, excluded?

    Directories are looked at up to the root of the settings that apply (the
    configuration's directory, else the working directory): a project that lives
    under a directory called `build` is not excluded as a whole.
    """
    root = resolver.for_path(absolute).root
    path = absolute
    while True:
        if _is_excluded(path, resolver):
            return True
        parent = path.parent
        if parent in (path, root) or root not in parent.parents:
            return False
        path = parent


class _ExcludedDirs:
    """Is a directory between `top` (not included) and a file excluded? Memoised:
    a project has few directories and many files."""

    def __init__(self, top: Path, resolver: ConfigResolver) -> None:
        self._top = top
        self._resolver = resolver
        self._known: dict[Path, bool] = {}

    def __call__(self, directory: Path) -> bool:
        if directory == self._top or self._top not in directory.parents:
            return False
        known = self._known.get(directory)
        if known is None:
            known = _is_excluded(directory, self._resolver) or self(directory.parent)
            self._known[directory] = known
        return known


def _candidates(
    directory: Path, resolver: ConfigResolver, installed: InstalledPackages
) -> Iterator[Path]:
    """Files below `directory` (absolute, not yet filtered by `exclude`)."""
    listing = _git_listing(directory)
    if listing is None:
        yield from _walk(directory, resolver, installed)
        return
    for relative in sorted(listing):
        parts = Path(relative).parts
        if any(part in DEFAULT_EXCLUDES for part in parts[:-1]):
            continue
        candidate = directory / relative
        if relative.endswith("/") or (candidate.is_dir() and not candidate.is_symlink()):
            # A nested repository or a submodule: its own .gitignore applies.
            if parts[-1] not in DEFAULT_EXCLUDES and not _is_excluded(candidate, resolver):
                yield from _candidates(candidate, resolver, installed)
            continue
        yield candidate


def _walk(
    directory: Path, resolver: ConfigResolver, installed: InstalledPackages
) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory):
        root_path = Path(root)
        vendored = installed.vendored(root_path)
        dirs[:] = sorted(
            d
            for d in dirs
            if d not in DEFAULT_EXCLUDES
            and d not in _INSTALLED_DIRS
            and d not in vendored
            and not _is_excluded(root_path / d, resolver)
        )
        for name in sorted(files):
            yield root_path / name


def discover(
    paths: Sequence[str],
    resolver: ConfigResolver,
    *,
    force_exclude: bool = False,
    warnings: list[str] | None = None,
) -> list[SourceFile]:
    """The files to check under `paths`; what is passed over with a reason the user
    should hear (a FIFO named on the command line, ...) goes to `warnings`."""
    found: dict[Path, SourceFile] = {}
    installed = InstalledPackages()
    for given in paths:
        # `os.path.exists` rather than `Path.exists`: Path("") would mean ".".
        if not given or not os.path.exists(given):
            raise DiscoveryError(f"{given or '``'}: no such file or directory")
        path = Path(given)
        absolute = path.resolve()
        if force_exclude and _excluded_with_ancestors(absolute, resolver):
            continue
        if not path.is_dir():
            kind = classify(path)
            if kind is None:
                continue
            found.setdefault(
                absolute,
                SourceFile(
                    absolute, os.path.normpath(given), kind, resolver.for_path(absolute), True
                ),
            )
            continue
        top = Path(os.path.abspath(path))
        excluded_dir = _ExcludedDirs(top, resolver)
        for candidate in _candidates(top, resolver, installed):
            if candidate.suffix not in _INTERESTING_SUFFIXES:
                continue
            file = candidate.resolve()
            if file in found or excluded_dir(candidate.parent) or _is_excluded(candidate, resolver):
                continue
            if installed.contains(candidate, below=top):
                continue
            kind = classify(candidate)
            if kind is None or not candidate.is_file():
                continue
            display = os.path.normpath(os.path.join(given, os.path.relpath(candidate, top)))
            found[file] = SourceFile(file, display, kind, resolver.for_path(file), False)
    return sorted(found.values(), key=lambda f: f.display)
