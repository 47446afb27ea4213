"""The language server: the same engine as `slint check`, on the unsaved text of every
open document.

Checks run in one worker thread, so that typing never waits for them: an edit is
checked once the user pauses (`DEBOUNCE` seconds), a newer edit makes a queued or
running check of the same document stale (its result is dropped), and every message
to the client is sent from the event loop. A check covers the edited file and the
files on the other side of it (the handler modules a config names, the configs that
name a module; `Engine.linked_files`), read from disk when they are not open, and
publishes complete diagnostics for each of them, so that cross findings follow an
edit on either side. Settings come from the project's `[tool.slint]` / `slint.toml`,
read afresh for every check, and from the client's `initializationOptions` (or
`workspace/didChangeConfiguration`).
"""

from __future__ import annotations

import asyncio
import bisect
import io
import logging
import os
import sys
import tokenize
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import PositionCodec

from slint import __version__
from slint.config import CONFIG_FILENAMES, ConfigError, ConfigResolver, Overrides
from slint.diagnostics import Applicability, Diagnostic, Edit, Location, Severity
from slint.discovery import DiscoveryError
from slint.engine import Engine
from slint.files import MAX_FILE_BYTES
from slint.fixer import MAX_ROUNDS, FixBreaksParse, Source, fix_text, still_parses
from slint.fixes import apply_edits, line_offsets, text_lines
from slint.registry import Registry, RegistryError
from slint.suppression import comment_language, suppression_edit

LOG = logging.getLogger("slint.server")

# Seconds after the last change before a document is checked.
DEBOUNCE = 0.2
FIX_ALL = "source.fixAll.slint"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
# The files a check may concern; any other document is left alone.
_CHECKED_SUFFIXES = (
    ".py",
    ".pyi",
    ".yml",
    ".yaml",
    ".json",
    ".template",
    ".txt",
    ".js",
    ".mjs",
    ".cjs",
    ".jsx",
    ".ts",
    ".mts",
    ".cts",
    ".tsx",
)
# Files whose change on disk may change findings of open documents.
_WATCHED = (
    "**/pyproject.toml",
    "**/slint.toml",
    "**/.slint.toml",
    "**/*.{yml,yaml,json,template}",
)


# -- settings ------------------------------------------------------------------------
@dataclass(frozen=True)
class Options:
    """What the client says (`initializationOptions`), over the project's settings."""

    overrides: Overrides = field(default_factory=Overrides)
    unsafe_fixes: bool = False


_OPTION_KEYS = {
    "select": "select",
    "extendselect": "extend_select",
    "ignore": "ignore",
    "unsafefixes": "unsafe_fixes",
}


def parse_options(raw: Any, known: Any) -> tuple[Options, list[str]]:
    """Client settings, as ruff's server takes them: `select`, `extendSelect`,
    `ignore` and `unsafeFixes`, at the top level or under `settings` or `slint`
    (kebab-case and snake_case spellings too). Returns the options and a line for
    each problem (the option is then left out)."""
    if raw is None:
        return Options(), []
    if not isinstance(raw, Mapping):
        return Options(), ["slint: settings must be an object"]
    for nested in ("settings", "slint"):
        if isinstance(raw.get(nested), Mapping):
            raw = raw[nested]
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in raw.items():
        name = _OPTION_KEYS.get(str(key).replace("-", "").replace("_", "").lower())
        if name is None:
            problems.append(f"slint: unknown setting `{key}`")
        elif name == "unsafe_fixes":
            if isinstance(value, bool):
                values[name] = value
            else:
                problems.append(f"slint: setting `{key}` must be true or false")
        elif not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            problems.append(f"slint: setting `{key}` must be a list of rule selectors")
        else:
            selectors = tuple(v.strip().upper() for v in value)
            unknown = [s for s in selectors if not s or not known(s)]
            if unknown:
                problems.append(f"slint: setting `{key}`: unknown rule selector `{unknown[0]}`")
            else:
                values[name] = selectors
    overrides = Overrides(
        select=values.get("select"),
        extend_select=values.get("extend_select", ()),
        ignore=values.get("ignore", ()),
    )
    return Options(overrides, values.get("unsafe_fixes", False)), problems


# -- positions -----------------------------------------------------------------------
class _Text:
    """One file's text, converting slint's 1-based character positions to the client's
    0-based line and code units (UTF-16 unless the client chose otherwise)."""

    def __init__(self, text: str, codec: PositionCodec) -> None:
        self.text = text
        self.lines = text_lines(text)
        self.codec = codec

    def position(self, location: Location) -> types.Position:
        line = max(location.row - 1, 0)
        character = max(location.column - 1, 0)
        return self.codec.position_to_client_units(self.lines, types.Position(line, character))

    def range(self, start: Location, end: Location) -> types.Range:
        return types.Range(start=self.position(start), end=self.position(end))

    def location(self, position: types.Position) -> Location:
        server = self.codec.position_from_client_units(self.lines, position)
        return Location(server.line + 1, server.character + 1)

    def text_edits(self, edits: Iterable[Edit]) -> list[types.TextEdit]:
        return [types.TextEdit(range=self.range(e.start, e.end), new_text=e.content) for e in edits]


@dataclass
class Published:
    """What was last published for one document, with the text it was computed on."""

    path: Path
    version: int | None
    text: _Text
    findings: list[tuple[types.Diagnostic, Diagnostic]]


@dataclass
class _Snapshot:
    """The open documents when a check starts (taken on the event loop)."""

    documents: dict[Path, bytes]
    texts: dict[Path, str]
    versions: dict[Path, int | None]
    uris: dict[Path, str]


@dataclass
class _Outcome:
    published: dict[str, Published] = field(default_factory=dict)
    linked: set[Path] = field(default_factory=set)
    log: list[str] = field(default_factory=list)
    error: str | None = None


class SlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("slint", __version__)
        self._registry: Registry | None = None
        self.options = Options()
        self.published: dict[str, Published] = {}
        # The files on the other side of each checked document at its last check: the
        # next check publishes them too, so that a link removed takes its findings along.
        self._linked: dict[str, set[Path]] = {}
        self._generation: dict[str, int] = {}
        self._waiting: dict[str, asyncio.Task[None]] = {}
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slint-check")
        self._messages_shown: set[str] = set()
        self.shut_down = False  # `shutdown` came before `exit` (exit code 0, else 1)

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = Registry.load()
        return self._registry

    def known_selector(self, selector: str) -> bool:
        try:
            return bool(self.registry.matching(selector))
        except RegistryError:  # every check says so; settings are not the problem
            return True

    def say(self, message: str, kind: types.MessageType = types.MessageType.Warning) -> None:
        """Show a message once per server (settings problems are not news twice)."""
        LOG.warning("%s", message)
        if message not in self._messages_shown:
            self._messages_shown.add(message)
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))

    # -- scheduling (event loop) ------------------------------------------------------
    def schedule(self, uri: str, delay: float = 0.0) -> None:
        """Check `uri` after `delay` seconds, superseding any check of it not yet done."""
        if not _checkable(uri):
            return
        generation = self._generation[uri] = self._generation.get(uri, 0) + 1
        waiting = self._waiting.pop(uri, None)
        if waiting is not None:
            waiting.cancel()
        task = asyncio.get_running_loop().create_task(self._check_later(uri, generation, delay))
        self._waiting[uri] = task
        task.add_done_callback(lambda done: self._forget(uri, done))

    def _forget(self, uri: str, task: asyncio.Task[None]) -> None:
        if self._waiting.get(uri) is task:
            del self._waiting[uri]

    def schedule_open_documents(self, delay: float = 0.0) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, delay)

    async def idle(self) -> None:
        """Wait for every scheduled check (the tests' and shutdown's way to settle)."""
        while self._waiting:
            await asyncio.gather(*self._waiting.values(), return_exceptions=True)

    async def _check_later(self, uri: str, generation: int, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        snapshot = self.snapshot()
        options = self.options
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(
            self._executor, self._check, uri, generation, snapshot, options
        )
        if outcome is None or self._generation.get(uri) != generation:
            return  # superseded by a newer edit
        self._publish(uri, outcome)

    def snapshot(self) -> _Snapshot:
        snapshot = _Snapshot({}, {}, {}, {})
        for uri, document in self.workspace.text_documents.items():
            name = to_fs_path(uri)
            if name is None:
                continue
            path = Path(name).resolve()
            text = document.source
            snapshot.texts[path] = text
            snapshot.versions[path] = document.version
            snapshot.uris[path] = uri
            data = _document_bytes(path, text)
            # A document too big to check is left to the engine, which says so.
            if len(data) <= MAX_FILE_BYTES:
                snapshot.documents[path] = data
        return snapshot

    def _publish(self, uri: str, outcome: _Outcome) -> None:
        for line in outcome.log:
            self.window_log_message(types.LogMessageParams(types.MessageType.Warning, line))
        if outcome.error is not None:
            self.say(outcome.error, types.MessageType.Error)
            return
        self._linked[uri] = outcome.linked
        for target, published in outcome.published.items():
            self.published[target] = published
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(
                    uri=target,
                    diagnostics=[lsp for lsp, _ in published.findings],
                    version=published.version,
                )
            )

    # -- the check (worker thread) ------------------------------------------------------
    def _engine(self, snapshot: _Snapshot, options: Options) -> Engine:
        resolver = ConfigResolver(options.overrides, known_selector=self.known_selector)
        return Engine(self.registry, resolver, snapshot.documents)

    def _check(
        self, uri: str, generation: int, snapshot: _Snapshot, options: Options
    ) -> _Outcome | None:
        if self._generation.get(uri) != generation:
            return None  # a newer edit is queued: this check would be stale
        name = to_fs_path(uri)
        if name is None:
            return None
        path = Path(name).resolve()
        try:
            return self._run(uri, path, snapshot, options)
        except Exception:  # the server goes on; the log says why
            LOG.exception("checking %s failed", path)
            return _Outcome(log=[f"slint: checking {path} failed (see the server's log)"])

    def _run(self, uri: str, path: Path, snapshot: _Snapshot, options: Options) -> _Outcome:
        try:
            engine = self._engine(snapshot, options)
            linked = engine.linked_files(path) if path.exists() else []
            targets = [path, *linked]
            targets += sorted(self._linked.get(uri, set()) - set(targets))
            existing = [p for p in targets if p.exists()]
            run = engine.check_paths([_shown(p) for p in existing], force_exclude=True)
        except (ConfigError, RegistryError) as error:
            return _Outcome(error=f"slint: {error}")
        except DiscoveryError as error:  # the file went away meanwhile
            return _Outcome(log=[f"slint: {error}"])
        outcome = _Outcome(linked=set(linked), log=[f"slint: {w}" for w in run.warnings])
        outcome.log += [f"slint: {e}" for e in run.errors]
        by_path: dict[Path, list[Diagnostic]] = {p: [] for p in targets}
        resolved = {display: checked.resolve() for display, checked in run.paths.items()}
        for checked in resolved.values():
            by_path.setdefault(checked, [])
        for diagnostic in run.diagnostics:
            by_path.setdefault(resolved[diagnostic.path], []).append(diagnostic)
        codec = self.workspace.position_codec
        for target, diagnostics in by_path.items():
            text = snapshot.texts.get(target)
            if text is None:
                text = _disk_text(target) if diagnostics else ""
            converted = _Text(text, codec)
            findings = [(self.to_lsp(d, converted), d) for d in diagnostics]
            target_uri = uri if target == path else snapshot.uris.get(target, target.as_uri())
            outcome.published[target_uri] = Published(
                target, snapshot.versions.get(target), converted, findings
            )
        return outcome

    def to_lsp(self, diagnostic: Diagnostic, text: _Text) -> types.Diagnostic:
        href = documentation_uri(self.registry, diagnostic.code)
        return types.Diagnostic(
            range=text.range(diagnostic.start, diagnostic.end),
            message=diagnostic.full_message,
            severity=_SEVERITIES.get(diagnostic.severity, types.DiagnosticSeverity.Warning),
            code=diagnostic.code,
            code_description=types.CodeDescription(href=href) if href else None,
            source="slint",
            data={"name": diagnostic.name},
        )

    # -- code actions --------------------------------------------------------------------
    def current(self, uri: str) -> Published | None:
        """What was published for `uri`, if it still matches the document's text."""
        published = self.published.get(uri)
        if published is None:
            return None
        document = self.workspace.text_documents.get(uri)
        if document is not None and document.source != published.text.text:
            return None  # edited since: its positions no longer hold
        return published

    def quick_fixes(
        self, uri: str, published: Published, wanted: types.Range
    ) -> list[types.CodeAction]:
        actions: list[types.CodeAction] = []
        ignores: set[tuple[str, int]] = set()
        disabled_support = _supports_disabled(self.client_capabilities)
        for lsp, diagnostic in published.findings:
            if not _overlaps(lsp.range, wanted):
                continue
            fix = diagnostic.fix
            if fix is not None and fix.edits:
                fixed = apply_edits(published.text.text, fix.edits)
                if still_parses(published.path, fixed):
                    actions.append(
                        types.CodeAction(
                            title=_fix_title(diagnostic),
                            kind=types.CodeActionKind.QuickFix,
                            diagnostics=[lsp],
                            is_preferred=fix.applicability is Applicability.SAFE,
                            edit=self._edit(uri, published, published.text.text_edits(fix.edits)),
                        )
                    )
            elif fix is not None and disabled_support:
                # Advice slint cannot apply itself: listed, greyed out, with the reason.
                actions.append(
                    types.CodeAction(
                        title=f"{diagnostic.code}: {fix.message}",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        disabled=types.CodeActionDisabled(
                            reason="a suggestion: slint cannot make this change itself"
                        ),
                    )
                )
            language = _comment_language(published.path)
            key = (diagnostic.code, diagnostic.start.row)
            if language is None or key in ignores:
                continue
            ignores.add(key)
            edit = suppression_edit(
                published.text.text, diagnostic.start.row, diagnostic.code, language
            )
            if edit is not None:
                actions.append(
                    types.CodeAction(
                        title=f"Ignore {diagnostic.code} for this line",
                        kind=types.CodeActionKind.QuickFix,
                        diagnostics=[lsp],
                        edit=self._edit(uri, published, published.text.text_edits([edit])),
                    )
                )
        return actions

    def fix_all(self, published: Published, options: Options) -> str | None:
        """The document with every applicable fix applied, round after round as
        `--fix` does (None: nothing to fix). Runs in the worker thread."""
        path = published.path
        text = published.text.text
        diagnostics = [d for _, d in published.findings]
        snapshot = self.snapshot_for(path, text)
        for _ in range(MAX_ROUNDS):
            try:
                fixed, applied = fix_text(path, text, diagnostics, options.unsafe_fixes)
            except FixBreaksParse:
                break
            if not applied:
                break
            text = fixed
            snapshot.documents[path] = _document_bytes(path, text)
            try:
                run = self._engine(snapshot, options).check_paths([_shown(path)])
            except (ConfigError, DiscoveryError):
                break
            diagnostics = [d for d in run.diagnostics if run.paths[d.path].resolve() == path]
        return None if text == published.text.text else text

    def snapshot_for(self, path: Path, text: str) -> _Snapshot:
        snapshot = self.snapshot()
        snapshot.documents[path] = _document_bytes(path, text)
        return snapshot

    def _edit(
        self, uri: str, published: Published, edits: Sequence[types.TextEdit]
    ) -> types.WorkspaceEdit:
        capabilities = self.client_capabilities
        workspace_edit = capabilities.workspace.workspace_edit if capabilities.workspace else None
        if workspace_edit is not None and workspace_edit.document_changes:
            return types.WorkspaceEdit(
                document_changes=[
                    types.TextDocumentEdit(
                        text_document=types.OptionalVersionedTextDocumentIdentifier(
                            uri=uri, version=published.version
                        ),
                        edits=list(edits),
                    )
                ]
            )
        return types.WorkspaceEdit(changes={uri: list(edits)})

    @property
    def client_capabilities(self) -> types.ClientCapabilities:
        return self.protocol.client_capabilities


# -- helpers ---------------------------------------------------------------------------
def _checkable(uri: str) -> bool:
    name = to_fs_path(uri)
    return name is not None and name.endswith(_CHECKED_SUFFIXES)


def _shown(path: Path) -> str:
    """A path as messages show it: relative to the project root (the working folder)
    when it is inside it."""
    try:
        relative = path.relative_to(Path.cwd().resolve())
    except ValueError:
        return os.fspath(path)
    return os.fspath(relative)


def _comment_language(path: Path) -> str | None:
    """How a suppression comment is written in the file (JSON has no comments)."""
    if path.suffix in (".py", ".pyi"):
        return "python"
    if path.suffix == ".json":
        return None
    return comment_language(path)


def _document_bytes(path: Path, text: str) -> bytes:
    """An open document's text as the file would hold it: a Python module in the
    encoding its coding cookie declares."""
    data = text.encode("utf-8", "surrogatepass")
    if path.suffix not in (".py", ".pyi"):
        return data
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data if encoding in ("utf-8", "utf-8-sig") else text.encode(encoding)
    except (SyntaxError, LookupError, UnicodeEncodeError):
        return data


def _disk_text(path: Path) -> str:
    try:
        return Source.read(path).text
    except (OSError, UnicodeDecodeError, SyntaxError):
        return ""


def _overlaps(a: types.Range, b: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return (position.line, position.character)

    return key(a.start) <= key(b.end) and key(b.start) <= key(a.end)


def _fix_title(diagnostic: Diagnostic) -> str:
    fix = diagnostic.fix
    assert fix is not None
    title = f"{diagnostic.code}: {fix.message}"
    if fix.applicability is Applicability.UNSAFE:
        return f"{title} (unsafe fix)"
    if fix.applicability is Applicability.DISPLAY_ONLY:
        return f"{title} (suggestion: review it)"
    return title


def _supports_disabled(capabilities: types.ClientCapabilities) -> bool:
    document = capabilities.text_document
    code_action = document.code_action if document else None
    return bool(code_action and code_action.disabled_support)


def _whole_document_edit(text: _Text, new: str) -> types.TextEdit:
    """One edit from `text` to `new`: the part between their common prefix and suffix."""
    old = text.text
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    end = 0
    while end < limit - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    offsets = line_offsets(old)
    begin = _location(offsets, start)
    finish = _location(offsets, len(old) - end)
    return types.TextEdit(range=text.range(begin, finish), new_text=new[start : len(new) - end])


def _location(offsets: list[int], offset: int) -> Location:
    row = bisect.bisect_right(offsets, offset) - 1
    row = min(row, len(offsets) - 1)
    return Location(row + 1, offset - offsets[row] + 1)


_DOCS: dict[str, str | None] = {}


def documentation_uri(registry: Registry, code: str) -> str | None:
    """A `file:` URI of the rule's documentation (the Markdown `slint rule` prints),
    written once per slint version under the user's cache folder."""
    if code in _DOCS:
        return _DOCS[code]
    rule = registry.get(code)
    uri = None
    if rule is not None:
        folder = _cache_home() / "slint" / __version__ / "rules"
        target = folder / f"{rule.code}.md"
        from slint.ruledocs import rule_markdown

        content = rule_markdown(rule).encode()
        try:
            if not target.is_file() or target.read_bytes() != content:
                from slint.fixer import write_atomically

                folder.mkdir(parents=True, exist_ok=True)
                write_atomically(target, content)
            uri = target.as_uri()
        except OSError:
            uri = None
    _DOCS[code] = uri
    return uri


def _cache_home() -> Path:
    if sys.platform == "win32":
        return Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")


# -- the protocol ----------------------------------------------------------------------
SERVER = SlintServer()


@SERVER.feature(types.INITIALIZE)
def initialize(server: SlintServer, params: types.InitializeParams) -> None:
    options, problems = parse_options(params.initialization_options, server.known_selector)
    server.options = options
    for problem in problems:
        server.say(problem)
    # Paths in messages ("handler `main` at src/app.py:3") read from the project root.
    root = server.workspace.root_path
    if root and os.path.isdir(root):
        os.chdir(root)


@SERVER.feature(types.INITIALIZED)
async def initialized(server: SlintServer, params: types.InitializedParams) -> None:
    workspace = server.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if watched is None or not watched.dynamic_registration:
        return
    options = types.DidChangeWatchedFilesRegistrationOptions(
        watchers=[types.FileSystemWatcher(glob_pattern=glob) for glob in _WATCHED]
    )
    registration = types.Registration(
        id="slint-watched-files",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=options,
    )
    try:
        await server.client_register_capability_async(
            types.RegistrationParams(registrations=[registration])
        )
    except Exception:  # a client that says it can and then cannot: saves still count
        LOG.warning("the client refused to watch slint's settings files")


@SERVER.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(server: SlintServer, params: types.DidOpenTextDocumentParams) -> None:
    server.schedule(params.text_document.uri)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(server: SlintServer, params: types.DidChangeTextDocumentParams) -> None:
    server.schedule(params.text_document.uri, DEBOUNCE)


@SERVER.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(server: SlintServer, params: types.DidSaveTextDocumentParams) -> None:
    uri = params.text_document.uri
    name = to_fs_path(uri)
    if name is not None and Path(name).name in CONFIG_FILENAMES:
        server.schedule_open_documents()
    else:
        server.schedule(uri)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(server: SlintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    server._generation[uri] = server._generation.get(uri, 0) + 1  # drop a pending check
    if server.published.pop(uri, None) is not None:
        server.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=[])
        )
    server._linked.pop(uri, None)


@SERVER.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(
    server: SlintServer, params: types.DidChangeWatchedFilesParams
) -> None:
    server.schedule_open_documents(DEBOUNCE)


@SERVER.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(
    server: SlintServer, params: types.DidChangeConfigurationParams
) -> None:
    settings = params.settings
    if isinstance(settings, Mapping) and settings:
        options, problems = parse_options(settings, server.known_selector)
        for problem in problems:
            server.say(problem)
        server.options = options
    server.schedule_open_documents()


@SERVER.feature(types.TEXT_DOCUMENT_HOVER)
def hover(server: SlintServer, params: types.HoverParams) -> types.Hover | None:
    """The documentation of the rules whose diagnostics cover the position."""
    published = server.published.get(params.text_document.uri)
    if published is None or not published.findings:
        return None
    here = types.Range(start=params.position, end=params.position)
    codes: list[str] = []
    for lsp, diagnostic in published.findings:
        if _overlaps(lsp.range, here) and diagnostic.code not in codes:
            codes.append(diagnostic.code)
    parts = []
    for code in codes:
        rule = server.registry.get(code)
        if rule is not None:
            parts.append(f"### {rule.code} {rule.name}\n\n{rule.documentation()}")
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
        )
    )


@SERVER.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, FIX_ALL],
        resolve_provider=False,
    ),
)
async def code_action(
    server: SlintServer, params: types.CodeActionParams
) -> list[types.CodeAction] | None:
    uri = params.text_document.uri
    published = server.current(uri)
    if published is None:
        return None
    only = params.context.only
    actions: list[types.CodeAction] = []
    if _wanted(only, types.CodeActionKind.QuickFix):
        actions += server.quick_fixes(uri, published, params.range)
    if _wanted(only, FIX_ALL):
        options = server.options
        loop = asyncio.get_running_loop()
        fixed = await loop.run_in_executor(server._executor, server.fix_all, published, options)
        if fixed is not None and server.current(uri) is published:
            edit = _whole_document_edit(published.text, fixed)
            actions.append(
                types.CodeAction(
                    title="slint: fix all auto-fixable problems",
                    kind=FIX_ALL,
                    edit=server._edit(uri, published, [edit]),
                )
            )
    return actions


def _wanted(only: Sequence[str] | None, kind: str) -> bool:
    """Does the request's `only` list ask for `kind` (a kind asks for its sub-kinds)?"""
    if only is None:
        return True
    return any(kind == wanted or kind.startswith(f"{wanted}.") for wanted in only)


@SERVER.feature(types.SHUTDOWN)
def shutdown(server: SlintServer, params: None) -> None:
    server.shut_down = True
    for task in server._waiting.values():
        task.cancel()
    server._executor.shutdown(wait=False, cancel_futures=True)


def serve(**_: Any) -> None:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    SERVER.start_io()
    # The protocol's exit code: 0 after `shutdown`, 1 for an `exit` (or a closed
    # connection) without one.
    sys.exit(0 if SERVER.shut_down else 1)
