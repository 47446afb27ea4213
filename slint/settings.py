"""Resolved settings: what one configuration file (plus command-line overrides) says."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field, fields
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
    # Bundler output: serverless-esbuild, serverless-webpack, serverless-plugin-typescript.
    ".esbuild",
    ".webpack",
    ".build",
)


def glob_match(pattern: str, relative: PurePosixPath) -> bool:
    """Match a `per-file-ignores` glob against a path relative to the config's directory.

    A pattern without a slash matches any path component's name (like .gitignore);
    `**/` at the start also matches at the top level; `*` crosses directories.
    """
    text = relative.as_posix()
    pattern = pattern.rstrip("/")
    if "/" not in pattern:
        return any(fnmatch.fnmatchcase(part, pattern) for part in relative.parts) or (
            fnmatch.fnmatchcase(text, pattern)
        )
    return _anchored_match(pattern, relative)


def _anchored_match(pattern: str, relative: PurePosixPath) -> bool:
    text = relative.as_posix()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    pattern = pattern.lstrip("/")
    if fnmatch.fnmatchcase(text, pattern):
        return True
    if pattern.startswith("**/") and fnmatch.fnmatchcase(text, pattern[3:]):
        return True
    # A directory pattern also matches everything below it.
    return any(
        fnmatch.fnmatchcase(PurePosixPath(*relative.parts[:i]).as_posix(), pattern)
        for i in range(1, len(relative.parts))
    )


def exclude_match(pattern: str, relative: PurePosixPath) -> bool:
    """Match an `exclude` glob against one path (file or directory), as ruff does.

    A pattern without a slash matches the path's own name; a pattern with a slash
    matches the path relative to the config's directory (`*` crosses directories).
    Callers check every directory they descend into, so matching the name alone
    is enough to exclude a whole tree, and a directory named on the command line
    is checked even when its name is excluded (unless `--force-exclude`).
    """
    pattern = pattern.rstrip("/")
    if not pattern:
        return False
    if "/" not in pattern:
        return bool(relative.parts) and fnmatch.fnmatchcase(relative.parts[-1], pattern)
    return _anchored_match(pattern, relative)


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
    # `import-costs`: milliseconds per import name, over the table slint ships (SL102/SL103).
    import_costs: tuple[tuple[str, float], ...] = ()
    # `show-fixes`: list the fixes after the findings (a setting of the whole run).
    show_fixes: bool = False
    # `output-format`: the report's format when the command line does not say.
    output_format: str | None = None
    # `rule-docs-url`: the base of the rules' documentation pages (JSON's `url`,
    # SARIF's `helpUri`): `<base><CODE>.md`, e.g. the repository's `docs/rules/`.
    rule_docs_url: str | None = None
    # `jobs`: worker processes that analyse modules (None: one per CPU).
    jobs: int | None = None
    # `cache-dir`: where the findings cache lives (None: `.slint_cache` of the project).
    cache_dir: Path | None = None
    # Where the settings came from (None: defaults) and what relative globs are relative to.
    source: Path | None = None
    root: Path = field(default_factory=lambda: Path.cwd().resolve())

    def analysis_key(self) -> tuple[object, ...]:
        """What these settings change in what slint finds (not how it reports or how
        fast it runs): the part of the settings the cache keys its entries by."""
        run_only = {"show_fixes", "output_format", "rule_docs_url", "jobs", "cache_dir"}
        return tuple((name, getattr(self, name)) for name in _FIELD_NAMES if name not in run_only)

    def relative(self, path: Path) -> PurePosixPath | None:
        try:
            return PurePosixPath(path.resolve().relative_to(self.root).as_posix())
        except ValueError:
            return None

    def is_excluded(self, path: Path) -> bool:
        """Is this one path (not its parents) excluded by default or by `exclude`?"""
        if path.name in DEFAULT_EXCLUDES and path.is_dir():
            return True
        if not self.exclude:
            return False
        relative = self.relative(path)
        target = relative if relative is not None else PurePosixPath(path.name)
        return any(exclude_match(pattern, target) for pattern in self.exclude)

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


_FIELD_NAMES = tuple(f.name for f in fields(Settings))
