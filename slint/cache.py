"""The findings cache: what a run found, kept so that the next run can skip the work.

Two kinds of entries, each one file under the cache folder (`.slint_cache/` by
default; `--cache-dir`, `SLINT_CACHE_DIR` or the `cache-dir` setting move it,
`--no-cache` leaves it alone, `slint clean` deletes it):

- **modules**: the analysis of one Python module (`ModuleResult`: its findings, the
  per-invocation findings waiting for the project's call graph, and its facts, which
  the cross rules read). Named after the module's path and the settings and rules it
  was analysed with, so that one file holds one entry per configuration however often
  it changes; valid while the module's bytes hash the same. Files with findings are
  cached too: their findings are the entry.
- **runs**: the whole result of one command (`slint check` of some paths with some
  options), for the run that changes nothing. Valid while every file under the
  project's folders is as it was (path, size, modification time: a snapshot of the
  tree) and the files the run read outside them are too. Configs and their cross
  findings therefore come back without reading a YAML file; an edit anywhere in the
  tree re-runs the command, whose modules come from their own entries, so that only
  the edited module is parsed again and the config that names it is read again.

Every entry also depends on slint itself: its version and the files of its package and
of every rule plugin (size and modification time), so that an upgrade, an editable
install being edited, or a changed plugin never reads an old entry.

Entries are written atomically (a temporary file, then a rename), so concurrent runs
never see half an entry; the last writer wins. An entry that cannot be read, is
truncated, corrupt, or was written for another key or by another version is ignored
and rebuilt: the cache can make a run faster, never wrong or failing. The folder holds
a `CACHEDIR.TAG` (backup tools skip it) and a `.gitignore` of `*`.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from slint import __version__
from slint.diagnostics import Diagnostic

CACHE_DIR_NAME = ".slint_cache"
ENV_VAR = "SLINT_CACHE_DIR"
# Bumped when the layout of entries changes (a new slint version changes keys anyway).
LAYOUT = 1
_MAGIC = b"slint-cache-%d\n" % LAYOUT
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by slint.\n"
    "# For information about cache directory tags, see:\n"
    "#\thttps://bford.info/cachedir/\n"
)
GITIGNORE = "# Created by slint automatically.\n*\n"
# Folders whose contents never change what slint finds: version control, caches,
# virtual environments and installed packages. Everything else under a project's folder
# is part of a run's snapshot (a handler module that appears, a requirements file).
SNAPSHOT_SKIPPED = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        CACHE_DIR_NAME,
        "__pycache__",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
        ".hypothesis",
        ".tox",
        ".nox",
        ".venv",
        "venv",
        "node_modules",
    }
)
# A tree bigger than this is not worth a snapshot (a home folder): no run entry then.
SNAPSHOT_MAX_ENTRIES = 300_000


def digest(*parts: Any) -> str:
    """A short, stable hash of `parts` (their reprs: str, bytes, ints, tuples)."""
    hasher = hashlib.blake2b(digest_size=20)
    for part in parts:
        hasher.update(part if isinstance(part, bytes) else repr(part).encode("utf-8"))
        hasher.update(b"\0")
    return hasher.hexdigest()


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


_code_fingerprint: str | None = None


def code_fingerprint() -> str:
    """What the code that finds things is: slint's version, the size and modification
    time of every file of its package and of every rule plugin's package (the built-in
    rules are one), and the plugins' distributions. Computed once per process, without
    importing the plugins' rule modules (a cached run imports none of them)."""
    global _code_fingerprint
    if _code_fingerprint is not None:
        return _code_fingerprint
    from importlib import metadata, util

    from slint.registry import ENTRY_POINT_GROUP

    folders = [Path(__file__).resolve().parent]
    plugins: list[tuple[str, str, str]] = []
    for entry_point in sorted(
        metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: (e.name, e.value)
    ):
        dist = entry_point.dist
        version = f"{dist.name} {dist.version}" if dist is not None else ""
        plugins.append((entry_point.name, entry_point.value, version))
        module = entry_point.value.split(":", 1)[0].strip()
        try:
            spec = util.find_spec(module)
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None:
            continue
        origin = Path(spec.origin).resolve()
        # A package: all of its files (its rules are submodules); a module: itself.
        folders.append(origin.parent if spec.submodule_search_locations else origin)
    stats: list[tuple[str, int, int]] = []
    for folder in dict.fromkeys(folders):
        files = [folder] if folder.is_file() else _files_below(folder, (".py", ".json"))
        for path in files:
            with contextlib.suppress(OSError):
                info = path.stat()
                stats.append((str(path), info.st_size, info.st_mtime_ns))
    stats.sort()
    _code_fingerprint = digest(__version__, sys.version_info[:2], plugins, stats)
    return _code_fingerprint


def _files_below(folder: Path, suffixes: tuple[str, ...]) -> Iterator[Path]:
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if entry.name != "__pycache__":
                    pending.append(Path(entry.path))
            elif entry.name.endswith(suffixes):
                yield Path(entry.path)


def tree_snapshot(folders: Sequence[Path], skip: frozenset[str] = frozenset()) -> str | None:
    """A hash of every file and folder under `folders` (path, size, modification time,
    inode), skipping `SNAPSHOT_SKIPPED` and the paths in `skip` (the cache itself, the
    report being written); None when a tree is too big to be worth it."""
    hasher = hashlib.blake2b(digest_size=20)
    count = 0
    for root in sorted(set(folders)):
        pending = [str(root)]
        while pending:
            current = pending.pop()
            try:
                with os.scandir(current) as listing:
                    entries = sorted(
                        (
                            entry
                            for entry in listing
                            if entry.path not in skip
                            and not (entry.name in SNAPSHOT_SKIPPED and entry.is_dir())
                        ),
                        key=lambda entry: entry.name,
                    )
            except OSError as error:
                hasher.update(f"{current}\0!{error.errno}\n".encode())
                continue
            hasher.update(f"{current}\0{len(entries)}\n".encode("utf-8", "surrogateescape"))
            for entry in entries:
                count += 1
                if count > SNAPSHOT_MAX_ENTRIES:
                    return None
                try:
                    if entry.is_dir(follow_symlinks=False):
                        pending.append(entry.path)
                        continue
                    info = entry.stat(follow_symlinks=True)
                    line = f"{entry.name}\0{info.st_size}\0{info.st_mtime_ns}\0{info.st_ino}\n"
                except OSError:
                    line = f"{entry.name}\0?\n"
                hasher.update(line.encode("utf-8", "surrogateescape"))
    return hasher.hexdigest()


def file_state(path: Path) -> tuple[int, int, int] | None:
    """(size, modification time, inode) of a file; None when it does not exist."""
    try:
        info = path.stat()
    except OSError:
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ino)


def listing_state(folder: Path) -> tuple[str, ...] | None:
    """The names in a folder; None when it cannot be listed."""
    try:
        return tuple(sorted(os.listdir(folder)))
    except OSError:
        return None


def project_root(path: Path) -> Path:
    """The folder a run's snapshot covers for `path`: the repository holding it (the
    folder with `.git`), else the folder itself (a file's folder)."""
    from slint.reporters import repository_root

    return repository_root(path if path.is_dir() else path.parent)


def default_directory(start: Path) -> Path:
    """`SLINT_CACHE_DIR`, else `.slint_cache` in `start` (the project's folder)."""
    from_env = os.environ.get(ENV_VAR)
    if from_env:
        return Path(from_env).expanduser()
    return start / CACHE_DIR_NAME


class FindingsCache:
    """One cache folder. `get` and `put` never raise: a cache that cannot be read or
    written makes a run slower, nothing else."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._prepared = False

    # -- entries ------------------------------------------------------------------
    def get(self, kind: str, identity: str, check: str) -> Any | None:
        """The payload stored for `identity` if it was stored with `check`, else None."""
        path = self._path(kind, identity)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        if not data.startswith(_MAGIC):
            return None
        # An entry is thousands of small acyclic objects: the cyclic collector, run
        # again and again while they are created, would cost more than the loading.
        collecting = gc.isenabled()
        gc.disable()
        try:
            stored_identity, stored_check, payload = pickle.loads(data[len(_MAGIC) :])
        except Exception:  # truncated, corrupt or foreign: rebuilt by this run
            return None
        finally:
            if collecting:
                gc.enable()
        if stored_identity != identity or stored_check != check:
            return None
        return payload

    def put(self, kind: str, identity: str, check: str, payload: Any) -> None:
        try:
            data = _MAGIC + pickle.dumps(
                (identity, check, payload), protocol=pickle.HIGHEST_PROTOCOL
            )
        except Exception:  # something in the payload does not pickle: not cached
            return
        path = self._path(kind, identity)
        try:
            self._prepare()
            path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
            try:
                with os.fdopen(descriptor, "wb") as stream:
                    stream.write(data)
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError:
            return

    def _path(self, kind: str, identity: str) -> Path:
        return self.directory / f"v{LAYOUT}" / kind / identity[:2] / identity

    def _prepare(self) -> None:
        """Create the folder with its CACHEDIR.TAG and .gitignore (once per run)."""
        if self._prepared:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        for name, text in (("CACHEDIR.TAG", CACHEDIR_TAG), (".gitignore", GITIGNORE)):
            target = self.directory / name
            if not target.exists():
                with contextlib.suppress(OSError):
                    target.write_text(text, encoding="utf-8")
        self._prepared = True


def is_cache_directory(folder: Path) -> bool:
    """A folder slint created (its CACHEDIR.TAG says so): safe for `slint clean`."""
    try:
        tag = (folder / "CACHEDIR.TAG").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return tag.startswith("Signature: 8a477f597d28d172789f06886806bc55") and "slint" in tag


# -- whole runs ------------------------------------------------------------------------


@dataclass(frozen=True)
class RunKey:
    identity: str  # the command: slint's code, the folder, the paths and options
    check: str  # the inputs: a snapshot of the project folders and the configs above them
    roots: tuple[Path, ...]


@dataclass
class CachedRun:
    """A run as kept in the cache: everything `slint check` reports of it."""

    diagnostics: list[Diagnostic]
    warnings: list[str]
    files_checked: int
    linked: int
    paths: dict[str, Path]
    codes: frozenset[str]
    # Files the run read outside the project folders (not in the snapshot) with their
    # state, and the listings of their folders (a file that appears there may be read).
    outside_files: tuple[tuple[Path, tuple[int, int, int] | None], ...] = ()
    outside_folders: tuple[tuple[Path, tuple[str, ...] | None], ...] = ()
    errors: list[str] = field(default_factory=list)  # never stored: always empty

    @property
    def internal_error(self) -> bool:
        return False


def run_key(
    command: Sequence[Any],
    paths: Sequence[str],
    config_file: Path | None,
    skip: Iterable[Path] = (),
) -> RunKey | None:
    """The cache entry of `slint check PATHS` with the options in `command`, taken
    before the run; None when the project is too big for a snapshot."""
    from slint.config import CONFIG_FILENAMES

    cwd = Path.cwd()
    roots = tuple(sorted({project_root((cwd / path).resolve()) for path in paths}))
    skipped = frozenset(os.fspath(path) for path in skip)
    snapshot = tree_snapshot(roots, skipped)
    if snapshot is None:
        return None
    # Settings may come from a configuration file above a project folder.
    above = [
        (candidate, file_state(candidate))
        for root in roots
        for folder in root.parents
        for candidate in (folder / name for name in CONFIG_FILENAMES)
    ]
    if config_file is not None:
        above.append((config_file.resolve(), file_state(config_file)))
    identity = digest("run", code_fingerprint(), str(cwd), tuple(command), tuple(paths))
    return RunKey(identity, digest(roots, snapshot, above), roots)


def load_run(cache: FindingsCache, key: RunKey) -> CachedRun | None:
    payload = cache.get("runs", key.identity, key.check)
    if not isinstance(payload, CachedRun):
        return None
    if any(file_state(path) != state for path, state in payload.outside_files):
        return None
    if any(listing_state(folder) != names for folder, names in payload.outside_folders):
        return None
    return payload


def store_run(
    cache: FindingsCache,
    key: RunKey,
    run: Any,
    codes: frozenset[str],
    read_paths: Iterable[Path],
) -> None:
    """Keep a run (an `engine.RunResult`) that slint completed without an internal
    error."""
    if run.internal_error:
        return
    outside = sorted(
        path
        for path in read_paths
        if not any(path == root or root in path.parents for root in key.roots)
    )
    payload = CachedRun(
        diagnostics=list(run.diagnostics),
        warnings=list(run.warnings),
        files_checked=run.files_checked,
        linked=run.linked,
        paths=dict(run.paths),
        codes=codes,
        outside_files=tuple((path, file_state(path)) for path in outside),
        outside_folders=tuple(
            (folder, listing_state(folder)) for folder in sorted({p.parent for p in outside})
        ),
    )
    cache.put("runs", key.identity, key.check, payload)
