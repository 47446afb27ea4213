"""The language server: diagnostics for open documents, computed by the same engine as
`slint check`, from the unsaved text of every open document."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from slint import __version__
from slint.config import ConfigResolver, Overrides
from slint.diagnostics import Diagnostic, Severity
from slint.engine import Engine
from slint.registry import Registry

LOG = logging.getLogger("slint.server")

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}
_CHECKED_SUFFIXES = (".py", ".yml", ".yaml", ".json", ".template", ".txt")


class SlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("slint", __version__)
        self._registry: Registry | None = None
        # What was last published for each document (hover reads it).
        self.published: dict[str, list[types.Diagnostic]] = {}

    @property
    def registry(self) -> Registry:
        if self._registry is None:
            self._registry = Registry.load()
        return self._registry

    def documents(self) -> dict[Path, bytes]:
        found: dict[Path, bytes] = {}
        for uri, document in self.workspace.text_documents.items():
            path = to_fs_path(uri)
            if path is not None:
                found[Path(path).resolve()] = document.source.encode("utf-8")
        return found

    def check(self, uri: str) -> None:
        """Check the file behind `uri` (with every open document's unsaved text) and
        publish the diagnostics of every file the run reports on."""
        path = to_fs_path(uri)
        if path is None or not path.endswith(_CHECKED_SUFFIXES) or not Path(path).exists():
            return
        try:
            engine = Engine(self.registry, ConfigResolver(Overrides()), self.documents())
            run = engine.check_paths([path])
        except Exception:  # the server goes on; the log says why
            LOG.exception("checking %s failed", path)
            return
        by_uri: dict[str, list[types.Diagnostic]] = {uri: []}
        for diagnostic in run.diagnostics:
            target = Path(diagnostic.path).resolve().as_uri()
            by_uri.setdefault(target, []).append(to_lsp(diagnostic))
        for target, diagnostics in by_uri.items():
            self.published[target] = diagnostics
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=target, diagnostics=diagnostics)
            )


def to_lsp(diagnostic: Diagnostic) -> types.Diagnostic:
    """slint's 1-based rows and character columns as LSP's 0-based positions."""
    start = types.Position(diagnostic.start.row - 1, diagnostic.start.column - 1)
    end = types.Position(diagnostic.end.row - 1, diagnostic.end.column - 1)
    return types.Diagnostic(
        range=types.Range(start=start, end=end),
        message=diagnostic.message,
        severity=_SEVERITIES.get(diagnostic.severity, types.DiagnosticSeverity.Warning),
        code=diagnostic.code,
        source="slint",
        data={"name": diagnostic.name},
    )


SERVER = SlintServer()


@SERVER.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(server: SlintServer, params: types.DidOpenTextDocumentParams) -> None:
    server.check(params.text_document.uri)


@SERVER.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(server: SlintServer, params: types.DidChangeTextDocumentParams) -> None:
    server.check(params.text_document.uri)


@SERVER.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(server: SlintServer, params: types.DidSaveTextDocumentParams) -> None:
    server.check(params.text_document.uri)


@SERVER.feature(types.TEXT_DOCUMENT_HOVER)
def hover(server: SlintServer, params: types.HoverParams) -> types.Hover | None:
    """The documentation of the rules whose diagnostics cover the position."""
    position = params.position
    found: list[str] = []
    for diagnostic in server.published.get(params.text_document.uri, ()):
        start, end = diagnostic.range.start, diagnostic.range.end
        if (
            (start.line, start.character)
            <= (position.line, position.character)
            <= (
                end.line,
                end.character,
            )
        ):
            rule = server.registry.get(str(diagnostic.code))
            if rule is not None and rule.code not in found:
                found.append(rule.code)
    if not found:
        return None
    parts = []
    for code in found:
        rule = server.registry.get(code)
        assert rule is not None
        parts.append(f"### {rule.code} {rule.name}\n\n{rule.documentation()}")
    return types.Hover(
        contents=types.MarkupContent(
            kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts)
        )
    )


def serve(**_: Any) -> None:
    SERVER.start_io()
