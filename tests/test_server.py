"""`slint server` driven over stdio by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from conftest import write_tree
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

HANDLER = (
    "import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client('s3')\n    return s3\n"
)


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "slint", "server"]),
)
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=tmp_path.as_uri(),
        )
    )
    yield
    await lsp_client.shutdown_session()


async def test_a_client_made_per_invocation_is_reported_on_open(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER})
    uri = (tmp_path / "handler.py").resolve().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=HANDLER
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    (diagnostic,) = client.diagnostics[uri]
    assert (diagnostic.code, diagnostic.source) == ("SL101", "slint")
    assert diagnostic.range == types.Range(
        start=types.Position(line=4, character=9), end=types.Position(line=4, character=27)
    )
    assert diagnostic.severity == types.DiagnosticSeverity.Warning


async def test_an_unsaved_edit_updates_the_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER})
    uri = (tmp_path / "handler.py").resolve().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=HANDLER
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    fixed = (
        "import boto3\n\ns3 = boto3.client('s3')\n\n\ndef handler(event, context):\n    return s3\n"
    )
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=fixed)],
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert list(client.diagnostics[uri]) == []


async def test_hover_on_a_diagnostic_shows_the_rule_documentation(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER})
    uri = (tmp_path / "handler.py").resolve().as_uri()
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id="python", version=1, text=HANDLER
            )
        )
    )
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    document = types.TextDocumentIdentifier(uri=uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=types.Position(line=4, character=12))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("### SL101 client-in-handler\n\n## What it does")
    away = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=types.Position(line=0, character=0))
    )
    assert away is None
