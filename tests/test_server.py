"""`slint server` driven over stdio by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import pytest_lsp
from conftest import PLUGIN, install_plugin, write_tree
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER_COMMAND = [sys.executable, "-m", "slint", "server"]

HANDLER = (
    "import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client('s3')\n    return s3\n"
)
HOISTED = (
    "import boto3\n\ns3 = boto3.client('s3')\n\n\ndef handler(event, context):\n    return s3\n"
)

WORKER = """\
def process(record):
    return record


def main(event, context):
    for record in event["Records"]:
        process(record)
"""
WORKER_REPORTING = """\
def process(record):
    return record


def main(event, context):
    failed = []
    for record in event["Records"]:
        try:
            process(record)
        except Exception:
            failed.append({"itemIdentifier": record["messageId"]})
    return {"batchItemFailure": failed}
"""
FUNCTION = """\
service: orders
provider:
  name: aws
  runtime: python3.12
functions:
  worker:
    handler: handler.main
    timeout: 10
    events:
"""
SQS_CONFIG = (
    FUNCTION
    + """\
      - sqs:
          arn: arn:aws:sqs:us-east-1:123456789012:orders
          batchSize: 10
"""
)
STREAM_CONFIG = (
    FUNCTION
    + """\
      - stream:
          arn: arn:aws:kinesis:us-east-1:123456789012:stream/orders
          destinations:
            onFailure: arn:aws:sqs:us-east-1:123456789012:orders-dlq
"""
)


def _config(options: Any = None) -> ClientServerConfig:
    return ClientServerConfig(server_command=SERVER_COMMAND)


async def _start(lsp_client: LanguageClient, root: Path, options: Any = None) -> None:
    registrations: list[types.Registration] = []
    lsp_client.registrations = registrations  # type: ignore[attr-defined]

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:  # as VS Code does
        registrations.extend(params.registrations)

    await lsp_client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
            initialization_options=options,
        )
    )


@pytest_lsp.fixture(config=_config())
async def client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await _start(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=_config())
async def unsafe_client(lsp_client: LanguageClient, tmp_path: Path):  # type: ignore[no-untyped-def]
    await _start(lsp_client, tmp_path, {"settings": {"unsafeFixes": True, "ignore": ["SL5"]}})
    yield
    await lsp_client.shutdown_session()


# -- helpers ---------------------------------------------------------------------------
def uri_of(path: Path) -> str:
    return path.resolve().as_uri()


def open_document(client: LanguageClient, path: Path, text: str, language: str) -> str:
    uri = uri_of(path)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(
                uri=uri, language_id=language, version=1, text=text
            )
        )
    )
    return uri


def change_document(client: LanguageClient, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )


async def published(
    client: LanguageClient,
    uri: str,
    holds: Callable[[list[types.Diagnostic]], bool] = lambda found: True,
    timeout: float = 30.0,
) -> list[types.Diagnostic]:
    """The diagnostics published for `uri`, once they satisfy `holds`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        found = client.diagnostics.get(uri)
        if found is not None and holds(list(found)):
            return list(found)
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"no such diagnostics for {uri}: {found}")
        await asyncio.sleep(0.02)


def codes(diagnostics: Sequence[types.Diagnostic]) -> list[str]:
    return sorted(str(d.code) for d in diagnostics)


def apply_text_edits(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Apply LSP edits (ASCII text: characters are UTF-16 units) as an editor would."""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line))

    def offset(position: types.Position) -> int:
        if position.line >= len(lines):
            return len(text)
        return starts[position.line] + position.character

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


def edits_of(action: types.CodeAction, uri: str) -> list[types.TextEdit]:
    assert action.edit is not None
    if action.edit.document_changes:
        (change,) = action.edit.document_changes
        assert isinstance(change, types.TextDocumentEdit)
        assert change.text_document.uri == uri
        return [e for e in change.edits if isinstance(e, types.TextEdit)]
    assert action.edit.changes is not None
    return list(action.edit.changes[uri])


async def code_actions(
    client: LanguageClient,
    uri: str,
    at: types.Range,
    only: Sequence[str] | None = None,
    diagnostics: Sequence[types.Diagnostic] = (),
) -> list[types.CodeAction]:
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            range=at,
            context=types.CodeActionContext(diagnostics=list(diagnostics), only=only),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def position(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def open_handler(client: LanguageClient, root: Path) -> tuple[str, types.Diagnostic]:
    """HANDLER written and opened: its URI and its one finding (SL101)."""
    write_tree(root, {"handler.py": HANDLER})
    uri = open_document(client, root / "handler.py", HANDLER, "python")
    (diagnostic,) = await published(client, uri, bool)
    return uri, diagnostic


# -- diagnostics -------------------------------------------------------------------------
async def test_a_client_made_per_invocation_is_reported_on_open(
    client: LanguageClient, tmp_path: Path
) -> None:
    _, diagnostic = await open_handler(client, tmp_path)
    assert (diagnostic.code, diagnostic.source) == ("SL101", "slint")
    assert diagnostic.range == types.Range(start=position(4, 9), end=position(4, 27))
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    assert diagnostic.message.startswith("`boto3.client(...)` creates a new boto3 client")
    # The rule's documentation, linked from the diagnostic.
    assert diagnostic.code_description is not None
    href = diagnostic.code_description.href
    assert href.startswith("file://") and href.endswith("/SL101.md")
    document = Path(href[len("file://") :]).read_text(encoding="utf-8")
    assert document.startswith("# client-in-handler (SL101)\n\nSeverity: warning;")


async def test_an_unsaved_edit_updates_the_diagnostics(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, _ = await open_handler(client, tmp_path)
    change_document(client, uri, 2, HOISTED)
    assert await published(client, uri, lambda found: not found) == []
    # The file on disk was never changed: what counts is the editor's text.
    assert (tmp_path / "handler.py").read_text() == HANDLER


async def test_a_broken_document_gets_a_parse_error_and_the_server_goes_on(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, _ = await open_handler(client, tmp_path)
    change_document(client, uri, 2, "def handler(event, context:\n    return 1\n")
    (diagnostic,) = await published(client, uri, lambda found: codes(found) == ["SL000"])
    assert diagnostic.range.start == position(0, 11)
    assert diagnostic.message == "syntax error: '(' was never closed"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    # A broken YAML config as well.
    config = tmp_path / "serverless.yml"
    write_tree(tmp_path, {"serverless.yml": SQS_CONFIG})
    config_uri = open_document(client, config, "service: [orders\n", "yaml")
    (broken,) = await published(client, config_uri, bool)
    assert broken.code == "SL000"
    # The server still answers, and still checks.
    change_document(client, uri, 3, HANDLER)
    assert codes(await published(client, uri, lambda found: codes(found) == ["SL101"])) == ["SL101"]


NODE_CONFIG = """\
service: hooks
provider:
  name: aws
  runtime: nodejs24.x
  timeout: 10
functions:
  status:
    handler: status.handler
"""
NODE_HANDLER = """\
exports.handler = function (event, context, callback) {
  callback(null, { statusCode: 200 });
};
"""


async def test_a_javascript_handler_gets_findings_ignore_actions_and_parse_errors(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"serverless.yml": NODE_CONFIG, "status.js": NODE_HANDLER})
    uri = open_document(client, tmp_path / "status.js", NODE_HANDLER, "javascript")
    # A callback handler on nodejs24.x, which the config (never opened) says.
    (diagnostic,) = await published(client, uri, bool)
    assert diagnostic.code == "SL002"
    assert diagnostic.range.start == position(0, 8)
    assert "serverless.yml:8" in diagnostic.message
    actions = await code_actions(client, uri, diagnostic.range)
    (ignore,) = [a for a in actions if a.title == "Ignore SL002 for this line"]
    fixed = apply_text_edits(NODE_HANDLER, edits_of(ignore, uri))
    assert fixed.splitlines()[0].endswith("{  // slint: ignore[SL002]")
    change_document(client, uri, 2, fixed)
    await published(client, uri, lambda found: not found)
    # A syntax error is an SL000 where tree-sitter finds it.
    change_document(client, uri, 3, "exports.handler = async (event => {\n};\n")
    (broken,) = await published(client, uri, lambda found: codes(found) == ["SL000"])
    assert broken.range.start == position(0, 24)
    assert broken.severity == types.DiagnosticSeverity.Error


# -- cross findings follow edits on either side ----------------------------------------------
async def test_a_config_change_updates_the_findings_of_the_handler_it_names(
    client: LanguageClient, tmp_path: Path
) -> None:
    reporting = SQS_CONFIG + "          functionResponseType: ReportBatchItemFailures\n"
    write_tree(tmp_path, {"handler.py": WORKER_REPORTING, "serverless.yml": SQS_CONFIG})
    handler_uri = uri_of(tmp_path / "handler.py")  # never opened: read from disk
    config_uri = open_document(client, tmp_path / "serverless.yml", SQS_CONFIG, "yaml")
    await published(client, config_uri)
    # Without a partial batch response, a caught failure is a lost message (SL207).
    assert codes(await published(client, handler_uri)) == ["SL207"]
    # ReportBatchItemFailures on, and the handler returns a misspelt key.
    change_document(client, config_uri, 2, reporting)
    found = await published(client, handler_uri, lambda found: "SL206" in codes(found))
    (reported,) = [d for d in found if d.code == "SL206"]
    assert reported.range == types.Range(start=position(4, 4), end=position(4, 8))
    assert "(handler.py:10)" in reported.message and "serverless.yml:10" in reported.message
    # Off again: back as it was.
    change_document(client, config_uri, 3, SQS_CONFIG)
    await published(client, handler_uri, lambda found: codes(found) == ["SL207"])


async def test_a_handler_change_updates_the_findings_in_its_config(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": WORKER, "serverless.yml": SQS_CONFIG})
    config_uri = uri_of(tmp_path / "serverless.yml")  # never opened: read from disk
    handler_uri = open_document(client, tmp_path / "handler.py", WORKER, "python")
    (finding,) = await published(client, config_uri, bool)
    assert finding.code == "SL205"
    assert finding.range.start == position(9, 8)
    assert "handler.py:7" in finding.message
    # The handler now catches each record's failure: nothing escapes the loop.
    change_document(client, handler_uri, 2, WORKER_REPORTING)
    await published(client, config_uri, lambda found: not found)


# -- code actions ------------------------------------------------------------------------
async def test_the_hoist_is_offered_as_a_quick_fix_and_applies(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, diagnostic = await open_handler(client, tmp_path)
    actions = await code_actions(
        client, uri, diagnostic.range, [types.CodeActionKind.QuickFix], [diagnostic]
    )
    titles = [a.title for a in actions]
    assert titles == [
        "SL101: Move `s3 = boto3.client('s3')` to module scope (unsafe fix)",
        "Ignore SL101 for this line",
    ]
    hoist = actions[0]
    assert hoist.kind == types.CodeActionKind.QuickFix and not hoist.is_preferred
    assert list(hoist.diagnostics or ()) == [diagnostic]
    fixed = apply_text_edits(HANDLER, edits_of(hoist, uri))
    assert fixed == HOISTED
    change_document(client, uri, 2, fixed)
    await published(client, uri, lambda found: not found)


async def test_the_ignore_action_inserts_a_suppression_that_silences_the_finding(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, diagnostic = await open_handler(client, tmp_path)
    actions = await code_actions(client, uri, diagnostic.range)
    (ignore,) = [a for a in actions if a.title == "Ignore SL101 for this line"]
    fixed = apply_text_edits(HANDLER, edits_of(ignore, uri))
    assert fixed.splitlines()[4] == "    s3 = boto3.client('s3')  # slint: ignore[SL101]"
    change_document(client, uri, 2, fixed)
    await published(client, uri, lambda found: not found)


async def test_a_stream_without_retry_bounds_is_fixed_from_the_editor(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": WORKER_REPORTING, "serverless.yml": STREAM_CONFIG})
    uri = open_document(client, tmp_path / "serverless.yml", STREAM_CONFIG, "yaml")
    found = await published(client, uri, bool)
    (unbounded,) = [d for d in found if d.code == "SL203"]
    assert unbounded.range.start == position(9, 8)
    actions = await code_actions(client, uri, unbounded.range, None, [unbounded])
    (fix,) = [a for a in actions if a.title.startswith("SL203: ")]
    assert fix.is_preferred
    fixed = apply_text_edits(STREAM_CONFIG, edits_of(fix, uri))
    assert "          maximumRetryAttempts: 3\n" in fixed
    # The YAML ignore action is offered too, as a trailing comment.
    (ignore,) = [a for a in actions if a.title == "Ignore SL203 for this line"]
    ignored = apply_text_edits(STREAM_CONFIG, edits_of(ignore, uri))
    assert ignored.splitlines()[9] == "      - stream:  # slint: ignore[SL203]"
    change_document(client, uri, 2, fixed)
    await published(client, uri, lambda found: "SL203" not in codes(found))


async def test_fix_all_applies_the_safe_fixes_of_the_document(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": WORKER_REPORTING, "serverless.yml": STREAM_CONFIG})
    uri = open_document(client, tmp_path / "serverless.yml", STREAM_CONFIG, "yaml")
    await published(client, uri, lambda found: "SL203" in codes(found))
    everywhere = types.Range(start=position(0, 0), end=position(0, 0))
    (action,) = await code_actions(client, uri, everywhere, ["source.fixAll"])
    assert action.kind == "source.fixAll.slint"
    fixed = apply_text_edits(STREAM_CONFIG, edits_of(action, uri))
    change_document(client, uri, 2, fixed)
    remaining = await published(client, uri, lambda found: "SL203" not in codes(found))
    assert not [d for d in remaining if d.code in ("SL203", "SL205")]
    # Only what was asked: no quick fixes in a fix-all request.
    again = await code_actions(client, uri, everywhere, ["source.fixAll.slint"])
    assert all(a.kind == "source.fixAll.slint" for a in again)


async def test_fix_all_on_a_handler_applies_unsafe_fixes_only_when_asked(
    unsafe_client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER})
    uri = open_document(unsafe_client, tmp_path / "handler.py", HANDLER, "python")
    await published(unsafe_client, uri, bool)
    everywhere = types.Range(start=position(0, 0), end=position(0, 0))
    (action,) = await code_actions(unsafe_client, uri, everywhere, ["source.fixAll.slint"])
    assert apply_text_edits(HANDLER, edits_of(action, uri)) == HOISTED


async def test_fix_all_offers_nothing_when_only_unsafe_fixes_exist(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, _ = await open_handler(client, tmp_path)
    everywhere = types.Range(start=position(0, 0), end=position(0, 0))
    assert await code_actions(client, uri, everywhere, ["source.fixAll.slint"]) == []


# -- hover ------------------------------------------------------------------------------
async def test_hover_on_a_diagnostic_shows_the_rule_documentation(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, _ = await open_handler(client, tmp_path)
    document = types.TextDocumentIdentifier(uri=uri)
    hover = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position(4, 12))
    )
    assert hover is not None and isinstance(hover.contents, types.MarkupContent)
    assert hover.contents.value.startswith("### SL101 client-in-handler\n\n## What it does")
    away = await client.text_document_hover_async(
        types.HoverParams(text_document=document, position=position(0, 0))
    )
    assert away is None


# -- settings ---------------------------------------------------------------------------
async def test_initialization_options_select_and_ignore_rules(
    unsafe_client: LanguageClient, tmp_path: Path
) -> None:
    source = "def handler(event, context):\n    print(event)\n    return 1\n"
    write_tree(tmp_path, {"slint.toml": 'extend-select = ["SL501"]\n', "handler.py": source})
    uri = open_document(unsafe_client, tmp_path / "handler.py", source, "python")
    # The project selects SL501 and SL502; the client's `ignore = ["SL5"]` wins.
    assert await published(unsafe_client, uri) == []


async def test_project_settings_are_read_again_when_they_change(
    client: LanguageClient, tmp_path: Path
) -> None:
    uri, _ = await open_handler(client, tmp_path)
    settings = tmp_path / "pyproject.toml"
    settings.write_text('[tool.slint]\nignore = ["SL101"]\n')
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uri_of(settings), type=types.FileChangeType.Created)]
        )
    )
    await published(client, uri, lambda found: not found)


async def test_a_bad_setting_is_shown_to_the_user_and_the_rest_goes_on(
    client: LanguageClient, tmp_path: Path
) -> None:
    write_tree(tmp_path, {"handler.py": HANDLER, "slint.toml": 'select = ["SL999"]\n'})
    uri = open_document(client, tmp_path / "handler.py", HANDLER, "python")
    deadline = asyncio.get_running_loop().time() + 30
    while not client.messages and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.02)
    (message,) = client.messages
    assert message.type == types.MessageType.Error
    assert "unknown rule selector `SL999`" in message.message
    (tmp_path / "slint.toml").write_text('select = ["SL1"]\n')
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert codes(await published(client, uri, bool)) == ["SL101"]


# -- robustness -------------------------------------------------------------------------
async def test_a_crashing_rule_is_shown_and_the_other_rules_still_report(tmp_path: Path) -> None:
    env = {**os.environ, **install_plugin(tmp_path / "plugins", PLUGIN)}
    project = tmp_path / "project"
    source = "import boto3\n\n\ndef handler(event, context):\n    print(boto3.client('s3'))\n"
    write_tree(project, {"handler.py": source})
    client = pytest_lsp.make_test_lsp_client()
    await client.start_io(*SERVER_COMMAND, env=env)
    try:
        await _start(client, project, {"extendSelect": ["ACM002"]})
        uri = open_document(client, project / "handler.py", source, "python")
        found = await published(client, uri, bool)
        assert codes(found) == ["ACM001", "ACM002", "SL101"]
        (crash,) = [d for d in found if d.code == "ACM002"]
        assert crash.message == "internal error in rule ACM002 (crashes): ZeroDivisionError: boom"
        assert crash.severity == types.DiagnosticSeverity.Error
        # The server goes on: an edit is checked as before.
        change_document(client, uri, 2, "x = 1\n")
        await published(client, uri, lambda found: codes(found) == ["ACM002"])
        await client.shutdown_session()
    finally:
        await client.stop()


# -- the process ------------------------------------------------------------------------
def _frame(message: dict[str, Any]) -> bytes:
    body = json.dumps(message).encode()
    return f"Content-Length: {len(body)}\r\n\r\n".encode() + body


def _replies(output: bytes) -> list[dict[str, Any]]:
    found = []
    while output:
        header, _, rest = output.partition(b"\r\n\r\n")
        length = int(header.split(b"Content-Length: ")[1].split(b"\r\n")[0])
        found.append(json.loads(rest[:length]))
        output = rest[length:]
    return found


@pytest.mark.parametrize(("shutdown", "code"), [(True, 0), (False, 1)])
def test_exit_ends_the_process_with_the_protocol_exit_code(
    shutdown: bool, code: int, tmp_path: Path
) -> None:
    messages = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
        },
        {"jsonrpc": "2.0", "method": "initialized", "params": {}},
    ]
    if shutdown:
        messages.append({"jsonrpc": "2.0", "id": 2, "method": "shutdown"})
    messages.append({"jsonrpc": "2.0", "method": "exit"})
    # stdin stays open: the process must end because of `exit`, not of end of input.
    process = subprocess.Popen(
        SERVER_COMMAND, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None
    try:
        process.stdin.write(b"".join(_frame(m) for m in messages))
        process.stdin.flush()
        returncode = process.wait(timeout=60)
        output, errors = process.communicate()
    finally:
        process.kill()
    assert returncode == code, errors.decode()
    replies = {reply["id"]: reply for reply in _replies(output) if "id" in reply}
    assert "codeActionProvider" in replies[1]["result"]["capabilities"]
    assert ("result" in replies.get(2, {})) is shutdown
