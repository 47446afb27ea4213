"""Which files to check: walk the given paths, skip what is excluded or git-ignored.

Like ruff: a file named on the command line is always checked (unless
`--force-exclude` and it is excluded); below a directory named on the command line,
the default excludes, the configured `exclude` patterns and, inside a git work tree,
`.gitignore` decide. A path named on the command line is itself checked whatever
`.gitignore` says of it or of the folders above it (`slint check cdk.out` in a CDK
project), and a directory named on the command line even when its name is
excluded, unless `--force-exclude`. Installed third-party packages below it are
never checked: `site-packages`/`dist-packages`, and packages vendored next to their
`<name>-<version>.dist-info` (`pip install -t .` packaging).

Nothing here runs a program. `.gitignore` files are matched with pathspec rather than
by asking git: git honours the checked repository's own `.git/config`
(`core.fsmonitor = <command>` runs on `git ls-files`), and a linter must never execute
anything from the code it reads. What git would read is read as text: the
`.gitignore` of every folder (its patterns relative to that folder, the deeper file
first), then `.git/info/exclude`; a folder with its own `.git` (a nested repository,
a submodule) starts afresh. Outside a git work tree `.gitignore` means nothing, as
for git and ruff. The user's global excludes file (`core.excludesFile`) and the index
are not read: a tracked file that `.gitignore` lists is skipped, as in ruff. A pattern
with so many wildcards that matching it could stall the run is passed over with a
warning (see `_too_complex`).

Only regular files are read: a FIFO, socket or device, named or found, is passed over
with a warning (opening a FIFO blocks until someone writes to it), and directory
symlinks are not followed while walking, so a link to an ancestor cannot loop.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from slint.app.sniff import CONFIG_SUFFIXES, config_kind
from slint.config import ConfigResolver
from slint.files import DiscoveryError as DiscoveryError
from slint.settings import DEFAULT_EXCLUDES, Settings

PYTHON_SUFFIXES = frozenset({".py"})
# JavaScript and TypeScript handlers (not `.d.ts` declarations, see `classify`).
JAVASCRIPT_SUFFIXES = frozenset({".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx"})
# The kinds of files whose code slint analyses (`classify`).
CODE_KINDS = ("python", "javascript")
_INTERESTING_SUFFIXES = PYTHON_SUFFIXES | JAVASCRIPT_SUFFIXES | CONFIG_SUFFIXES | {".txt"}
# pip requirements files: requirements.txt, requirements-prod.txt, requirements/base.txt.
_REQUIREMENTS = re.compile(r"^requirements(?:[-_.][\w.-]*)?\.txt$", re.I)
_DEFAULT_EXCLUDED_NAMES = frozenset(DEFAULT_EXCLUDES)

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
        if below is not None and below != path and below not in path.parents:
            return False
        # Up the folders (a loop, not recursion: a tree can be thousands deep), until
        # one is an installed package, or its answer is known, or the top is reached.
        undecided: list[tuple[Path, Path | None]] = []
        current = path
        found = False
        while True:
            key = (current, below)
            known = self._installed.get(key)
            if known is not None:
                found = known
                break
            undecided.append(key)
            parent = current.parent
            if parent == current or current == below:
                break
            names = self.vendored(parent)
            if current.name in _INSTALLED_DIRS or (
                bool(names) and (current.name in names or current.stem in names)
            ):
                found = True
                break
            current = parent
        for key in undecided:
            self._installed[key] = found
        return found

    def vendored(self, directory: Path, entries: Sequence[str] | None = None) -> frozenset[str]:
        """The top-level packages and modules installed into `directory` (by name,
        `six.py` as "six"). `entries`: the names in `directory`, when the caller has
        just listed it."""
        known = self._names.get(directory)
        if known is not None:
            return known
        names: set[str] = set()
        if entries is None:
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
    data = _read_regular_file(str(path), _MAX_METADATA_BYTES)
    if data is None:
        return []
    text = data.decode("utf-8", errors="replace")
    return [line.strip() for line in text.splitlines() if line.strip()]


# What slint reads on its own account while looking for files (a `RECORD`, a
# `.gitignore`, `.git/info/exclude`): real ones are a few kilobytes; a bigger one is
# not what it claims to be, and is passed over rather than read into memory.
_MAX_METADATA_BYTES = 4 * 1024 * 1024
# Opening a FIFO for reading blocks until a writer comes; O_NONBLOCK makes the open
# return at once (it changes nothing for a regular file), for the rare file that
# turns into a FIFO between the stat and the open.
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _read_regular_file(path: str, limit: int) -> bytes | None:
    """The bytes of `path` if it is a regular file of at most `limit` bytes, else None.

    The file's type is checked before it is opened (opening a device can have effects
    of its own) and again on the open file (it may have been replaced in between).
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > limit:
            return None
        with os.fdopen(descriptor, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
        return data if len(data) <= limit else None  # it grew while being read
    except OSError:
        return None
    finally:
        os.close(descriptor)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # absolute
    display: str  # as the user will see it: relative paths stay relative
    kind: str  # "python", "javascript", "config" or "requirements"
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
    """`python`, `javascript` (JavaScript or TypeScript), `config` (serverless.yml, a
    SAM or CloudFormation template), `requirements` (a pip requirements file) or None."""
    if path.suffix in PYTHON_SUFFIXES:
        return "python"
    if path.suffix in JAVASCRIPT_SUFFIXES:
        # `.d.ts` files declare types only; minified bundles are build output.
        name = path.name
        if name.endswith((".d.ts", ".d.mts", ".d.cts")) or name.endswith((".min.js", ".min.mjs")):
            return None
        return "javascript"
    if path.suffix == ".txt":
        if _REQUIREMENTS.match(path.name) or path.parent.name == "requirements":
            return "requirements"
        return None
    if config_kind(path) is not None:
        return "config"
    return None


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


# --- .gitignore ------------------------------------------------------------------------

# pathspec's gitignore regexes capture, in this group, the `/` after a part of the path
# that names a folder: `build` compiles to `^(?:.+/)?build(?:(?P<ps_d>/)|$)`, found in
# `build/` and also in `build/x.py`, through its folder.
_DIRECTORY_MARK = "ps_d"
# A pattern's wildcards become backtracking regex loops: `*a*a*a*a*b` against a long
# file name, or `**/a/**/a/**/b` against a deep path, takes minutes to fail in Python's
# `re`, where git's own matcher is quick. A hostile repository must not stall the run,
# so a pattern with more wildcards than this is passed over with a warning: at most one
# that spans folders (a leading or inner `**`, or the implied `**/` of a pattern without
# a `/`) and three in all; a trailing `/**` is free. Real `.gitignore` files stay below
# (`*.py`, `**/node_modules/**`, `.*.sw*`, `/docs/**/*.pyc`); the slowest match allowed
# takes milliseconds on a 4,096-character path.
_MAX_WILDCARDS = 3
_MAX_SPANNING_WILDCARDS = 1
_WILDCARD_RUN = re.compile(r"(?<!\\)\*+")


def _too_complex(line: str) -> bool:
    body = line.rstrip().removeprefix("!")
    if not body or line.startswith("#"):
        return False  # a comment, or a blank line
    segments = body.rstrip("/").split("/")
    spanning = 0 if len(segments) > 1 else 1  # `build` is `**/build`
    single = 0
    for index, segment in enumerate(segments):
        if segment == "**":
            spanning += index != len(segments) - 1
        else:
            single += len(_WILDCARD_RUN.findall(segment))
    return spanning > _MAX_SPANNING_WILDCARDS or spanning + single > _MAX_WILDCARDS


_Rules = tuple[tuple[re.Pattern[str], bool], ...]  # (regex, ignores: False for `!`)


@dataclass(frozen=True)
class _IgnoreFile:
    """One `.gitignore` (or `info/exclude`), compiled once."""

    base: str  # the folder its patterns are relative to (absolute, real, ending in a separator)
    rules: _Rules  # last line first

    def decide(self, path: str, is_dir: bool) -> bool | None:
        """Does this file ignore (True) or re-include (False) `path`, itself? None: it
        says nothing of it.

        Only a pattern that matches the path itself counts, not one that matches it
        through a folder above it: those folders were decided on the way down (the
        walk does not enter an ignored one), and the folder named on the command line
        and those above it are checked whatever `.gitignore` says of them.
        """
        relative = path[len(self.base) :]
        if os.sep != "/":
            relative = relative.replace(os.sep, "/")
        if is_dir:
            relative += "/"
        for regex, ignores in self.rules:
            if regex.search(relative) is not None:
                return ignores
        return None


def _matching_itself(regex: re.Pattern[str]) -> re.Pattern[str]:
    """`regex` (pathspec's, used with `search`), found only where it matches the path
    itself: where it matched through a folder, the `/` after that folder must end the
    path (`build/` is a folder named build; `build/x.py` is not)."""
    if _DIRECTORY_MARK not in regex.groupindex:
        return regex
    return re.compile(f"(?:{regex.pattern})(?({_DIRECTORY_MARK})\\Z)", regex.flags)


_IgnoreChain = tuple[_IgnoreFile, ...]  # what applies in a folder, the deepest file first


def _ignored(chain: _IgnoreChain, path: str, is_dir: bool) -> bool:
    """Like git: the deepest `.gitignore` with a pattern for `path` decides (within a
    file, its last matching line), then `info/exclude`."""
    for ignore_file in chain:
        decision = ignore_file.decide(path, is_dir)
        if decision is not None:
            return decision
    return False


class _GitIgnores:
    """The `.gitignore` and `info/exclude` files of one run, each read and compiled once."""

    def __init__(self, warnings: list[str]) -> None:
        self._warnings = warnings
        self._files: dict[str, _IgnoreFile | None] = {}
        # Projects repeat their ignore files (one per service, per example) and their
        # lines: each is compiled once per run.
        self._by_content: dict[bytes, _Rules] = {}
        self._by_line: dict[str, _Rules] = {}
        self._refused: set[str] = set()

    def chain_for(self, directory: str) -> _IgnoreChain:
        """What applies to the entries of `directory` (absolute, real): nothing outside
        a git work tree; else `info/exclude` and the `.gitignore` of every folder from
        the work tree's top down to `directory`."""
        top = directory
        while not os.path.lexists(os.path.join(top, ".git")):
            parent = os.path.dirname(top)
            if parent == top:
                return ()
            top = parent
        chain = self.repository_start(top)
        below = os.path.relpath(directory, top)
        folder = top
        for part in [] if below == os.curdir else below.split(os.sep):
            folder = os.path.join(folder, part)
            chain = self.with_gitignore(folder, chain)
        return chain

    def repository_start(self, work_tree: str) -> _IgnoreChain:
        """What applies at the top of a work tree: its `info/exclude` and `.gitignore`."""
        chain: _IgnoreChain = ()
        git_dir = _git_dir(work_tree)
        if git_dir is not None:
            exclude = self._load(os.path.join(git_dir, "info", "exclude"), work_tree)
            if exclude is not None:
                chain = (exclude,)
        return self.with_gitignore(work_tree, chain)

    def with_gitignore(self, folder: str, chain: _IgnoreChain) -> _IgnoreChain:
        found = self._load(os.path.join(folder, ".gitignore"), folder)
        return chain if found is None else (found, *chain)

    def _load(self, path: str, base: str) -> _IgnoreFile | None:
        if path in self._files:
            return self._files[path]
        data = _read_regular_file(path, _MAX_METADATA_BYTES)
        if data is None and os.path.lexists(path) and os.path.isfile(path):
            # A regular file that could not be read (too big, no permission): say so,
            # since files it would ignore are going to be checked.
            self._warnings.append(f"{display_path(Path(path))}: cannot be read; not applied")
        self._files[path] = found = None if data is None else self._compile(path, base, data)
        return found

    def _compile(self, path: str, base: str, data: bytes) -> _IgnoreFile | None:
        rules = self._by_content.get(data)
        if rules is None:
            rules = self._by_content[data] = self._rules(path, data)
        if not rules:
            return None
        return _IgnoreFile(base.rstrip(os.sep) + os.sep, rules)

    def _rules(self, path: str, data: bytes) -> _Rules:
        """The rules of one ignore file, last line first. Compiled a line at a time, so
        that a line pathspec refuses costs that line only."""
        rules: list[tuple[re.Pattern[str], bool]] = []
        # Git splits on LF only (`\x85` or `\u2028` inside a pattern are characters)
        # and drops a UTF-8 byte order mark and a CR before the LF.
        lines = data.removeprefix(b"\xef\xbb\xbf").split(b"\n")
        for number, raw in enumerate(lines, start=1):
            line = raw.removesuffix(b"\r").decode("utf-8", "surrogateescape")
            if _too_complex(line):
                if line not in self._refused:  # once a run: templates repeat their lines
                    self._refused.add(line)
                    self._warnings.append(
                        f"{display_path(Path(path))}:{number}: pattern `{line.strip()}` has "
                        "too many wildcards to match safely; not applied"
                    )
                continue
            compiled = self._by_line.get(line)
            if compiled is None:
                compiled = self._by_line[line] = _compile_line(line)
            rules.extend(compiled)
        return tuple(reversed(rules))


def _compile_line(line: str) -> _Rules:
    if line.endswith("/**/") and line.strip("!/*"):
        # pathspec reads `build/**/` as `build/`; for git it is the folders below
        # build, not build itself (so `build/x.py` stays). Pruned as the walk goes,
        # that is the folders right below it.
        line = line.removesuffix("**/") + "*/"
    # Imported on the first ignore line: a run that meets no .gitignore line (pre-commit
    # passing files) never pays for pathspec and what it imports (asyncio).
    from pathspec import GitIgnoreSpec

    try:
        patterns = GitIgnoreSpec.from_lines([line]).patterns
    except (ValueError, re.error):
        return ()  # git, too, passes over a pattern it cannot make sense of
    rules = []
    for pattern in patterns:
        regex = getattr(pattern, "regex", None)
        if pattern.include is not None and isinstance(regex, re.Pattern):
            rules.append((_matching_itself(regex), pattern.include))
    return tuple(rules)


def _git_dir(work_tree: str) -> str | None:
    """The repository folder of a work tree: `.git`, or where a `.git` file
    (`gitdir: ...`, a submodule or a linked work tree) points, or the common folder a
    linked work tree shares with its main one (which holds `info/exclude`)."""
    dot_git = os.path.join(work_tree, ".git")
    if os.path.isdir(dot_git):
        git_dir = dot_git
    else:
        data = _read_regular_file(dot_git, 64 * 1024)
        text = "" if data is None else data.decode("utf-8", "surrogateescape")
        if not text.startswith("gitdir:"):
            return None
        git_dir = os.path.join(work_tree, text[len("gitdir:") :].strip())
    common = _read_regular_file(os.path.join(git_dir, "commondir"), 64 * 1024)
    if common:
        return os.path.join(git_dir, common.decode("utf-8", "surrogateescape").strip())
    return git_dir


# --- walking ---------------------------------------------------------------------------


def _special_kind(mode: int) -> str:
    """What a file that is not a regular file is, for the warning."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    return "not a file"


def _could_be_checked(path: Path) -> bool:
    """Would `path` be checked if it were a regular file? By its name only: telling a
    template from other JSON reads the file."""
    if path.suffix in PYTHON_SUFFIXES or path.suffix in CONFIG_SUFFIXES:
        return True
    if path.suffix in JAVASCRIPT_SUFFIXES:
        return classify(path) is not None
    return path.suffix == ".txt" and (
        _REQUIREMENTS.match(path.name) is not None or path.parent.name == "requirements"
    )


def _walk(
    top: Path,
    shown_as: str,
    resolver: ConfigResolver,
    installed: InstalledPackages,
    ignores: _GitIgnores,
    warnings: list[str],
) -> Iterator[Path]:
    """Files below `top` with a suffix worth a look, not excluded, not git-ignored,
    not in an installed package's folder (files are filtered further by the caller).

    Top-down, each folder's files (sorted) before its subfolders (sorted), like
    `os.walk`; but with a stack rather than recursion, so that a tree thousands of
    folders deep cannot exhaust Python's recursion limit. Directory symlinks are not
    followed: a link to an ancestor would loop, and a link elsewhere leaves the project.
    """
    top_str = str(top)
    real_top = os.path.realpath(top_str)
    # Folders still to visit: (path, real path, the ignore files inherited from the parent).
    pending: list[tuple[str, str, _IgnoreChain | None]] = [(top_str, real_top, None)]
    while pending:
        directory, real_directory, chain = pending.pop()
        try:
            with os.scandir(directory) as listing:
                entries = list(listing)
        except OSError as error:
            where = os.path.relpath(directory, top_str)
            warnings.append(
                f"{os.path.normpath(os.path.join(shown_as, where))}: cannot be read "
                f"({error.strerror or error}); skipped"
            )
            continue
        folders: list[str] = []
        files: list[str] = []
        for entry in entries:
            try:
                # Like `os.walk`: a symlink to a folder is a folder (never descended into).
                is_folder = entry.is_dir()
            except OSError:
                is_folder = False
            if not is_folder:
                files.append(entry.name)
            elif not entry.is_symlink():
                folders.append(entry.name)
        names = [entry.name for entry in entries]
        if chain is None:
            chain = ignores.chain_for(real_directory)
        elif ".git" in names:
            # A nested repository or a submodule: git applies its own ignore files
            # there, not those of the repository around it.
            chain = ignores.repository_start(real_directory)
        elif ".gitignore" in files:
            chain = ignores.with_gitignore(real_directory, chain)
        directory_path = Path(directory)
        vendored = installed.vendored(directory_path, names)
        for name in sorted(files):
            if os.path.splitext(name)[1] not in _INTERESTING_SUFFIXES:
                continue
            if chain and _ignored(chain, os.path.join(real_directory, name), False):
                continue
            yield directory_path / name
        subfolders = []
        for name in sorted(folders):
            if name in _DEFAULT_EXCLUDED_NAMES or name in _INSTALLED_DIRS or name in vendored:
                continue
            real_subfolder = os.path.join(real_directory, name)
            if chain and _ignored(chain, real_subfolder, True):
                continue
            if _is_excluded(directory_path / name, resolver):
                continue
            subfolders.append((os.path.join(directory, name), real_subfolder, chain))
        pending.extend(reversed(subfolders))


def discover(
    paths: Sequence[str],
    resolver: ConfigResolver,
    *,
    force_exclude: bool = False,
    warnings: list[str] | None = None,
) -> list[SourceFile]:
    """The files to check under `paths`; what is passed over with a reason the user
    should hear (a FIFO, an unreadable folder, ...) goes to `warnings`."""
    if warnings is None:
        warnings = []
    found: dict[Path, SourceFile] = {}
    installed = InstalledPackages()
    ignores = _GitIgnores(warnings)
    for given in paths:
        # `os.path.exists` rather than `Path.exists`: Path("") would mean ".".
        if not given or not os.path.exists(given):
            raise DiscoveryError(f"{given or '``'}: no such file or directory")
        path = Path(given)
        absolute = path.resolve()
        if force_exclude and _excluded_with_ancestors(absolute, resolver):
            continue
        try:
            mode = os.stat(given).st_mode
        except OSError as error:  # gone since `exists`
            raise DiscoveryError(f"{given}: {error.strerror or error}") from None
        if not stat.S_ISDIR(mode):
            if not stat.S_ISREG(mode):
                warnings.append(
                    f"{os.path.normpath(given)}: not a regular file ({_special_kind(mode)}); "
                    "skipped"
                )
                continue
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
        for candidate in _walk(top, given, resolver, installed, ignores, warnings):
            if _is_excluded(candidate, resolver) or installed.contains(candidate, below=top):
                continue
            try:
                # `os.stat`, not `open`: it follows a file symlink, and tells a FIFO
                # without blocking on it.
                mode = os.stat(candidate).st_mode
            except OSError:
                continue  # a dangling symlink, or a symlink loop: nothing to read
            display = os.path.normpath(os.path.join(given, os.path.relpath(candidate, top)))
            if not stat.S_ISREG(mode):
                if _could_be_checked(candidate):
                    warnings.append(
                        f"{display}: not a regular file ({_special_kind(mode)}); skipped"
                    )
                continue
            file = candidate.resolve()
            if file in found:
                continue
            kind = classify(candidate)
            if kind is None:
                continue
            found[file] = SourceFile(file, display, kind, resolver.for_path(file), False)
    return sorted(found.values(), key=lambda f: f.display)
