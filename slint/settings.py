"""Resolved settings: what one configuration file (plus command-line overrides) says."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# The numeric options of RULES.md: config key -> (attribute, default, minimum, maximum).
NUMERIC_OPTIONS: dict[str, tuple[str, int, int, int]] = {
    "heavy-import-ms": ("heavy_import_ms", 100, 1, 60_000),
    "import-budget-ms": ("import_budget_ms", 500, 1, 600_000),
    "default-timeout": ("default_timeout", 10, 1, 900),
    "max-sdk-attempts": ("max_sdk_attempts", 10, 1, 1_000),
    "api-timeout-rest": ("api_timeout_rest", 29, 1, 900),
    "api-timeout-http": ("api_timeout_http", 30, 1, 900),
}

# Directories never worth descending into.
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".git",
    ".hg",
    ".svn",
    "node_modules",
    ".venv",
    "venv",
    ".serverless",
    ".aws-sam",
    "cdk.out",
    "__pycache__",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".slint_cache",
    "build",
    "dist",
)


def glob_match(pattern: str, relative: PurePosixPath) -> bool:
    """Match a config glob against a path relative to the config's directory.

    A pattern without a slash matches any path component's name (like .gitignore);
    `**/` at the start also matches at the top level; `*` crosses directories.
    """
    text = relative.as_posix()
    pattern = pattern.rstrip("/")
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in relative.parts) or (
            fnmatch.fnmatchcase(text, pattern)
        )
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if fnmatch.fnmatchcase(text, pattern):
        return True
    if pattern.startswith("**/") and fnmatch.fnmatchcase(text, pattern[3:]):
        return True
    # A directory pattern also matches everything below it.
    return any(
        fnmatch.fnmatchcase(PurePosixPath(*relative.parts[:i]).as_posix(), pattern)
        for i in range(1, len(relative.parts))
    )


@dataclass(frozen=True)
class Settings:
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    heavy_import_ms: int = 100
    import_budget_ms: int = 500
    default_timeout: int = 10
    max_sdk_attempts: int = 10
    api_timeout_rest: int = 29
    api_timeout_http: int = 30
    # Where the settings came from (None: defaults) and what relative globs are relative to.
    source: Path | None = None
    root: Path = field(default_factory=Path.cwd)

    def relative(self, path: Path) -> PurePosixPath | None:
        try:
            return PurePosixPath(path.resolve().relative_to(self.root).as_posix())
        except ValueError:
            return None

    def is_excluded(self, path: Path) -> bool:
        if path.name in DEFAULT_EXCLUDES and path.is_dir():
            return True
        if not self.exclude:
            return False
        relative = self.relative(path)
        target = relative if relative is not None else PurePosixPath(path.name)
        return any(glob_match(pattern, target) for pattern in self.exclude)

    def ignored_for_file(self, path: Path) -> tuple[str, ...]:
        """The selectors that `per-file-ignores` switches off for `path`."""
        if not self.per_file_ignores:
            return ()
        relative = self.relative(path)
        target = relative if relative is not None else PurePosixPath(path.name)
        found: list[str] = []
        for pattern, codes in self.per_file_ignores:
            if glob_match(pattern, target):
                found.extend(codes)
        return tuple(found)
