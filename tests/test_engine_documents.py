"""Unsaved documents (an editor's buffers) are read instead of the disk: for the files
checked and for the files read as their context (what the language server builds on)."""

from __future__ import annotations

from pathlib import Path

from conftest import codes_at, write_tree

from slint.config import ConfigResolver, Overrides
from slint.diagnostics import Diagnostic
from slint.engine import Engine
from slint.registry import Registry

SAVED_HANDLER = (
    "import boto3\n\ns3 = boto3.client('s3')\n\n\ndef main(event, context):\n    return s3\n"
)
EDITED_HANDLER = "import boto3\n\n\ndef main(event, context):\n    return boto3.client('s3')\n"
CONFIG = (
    "service: s\nprovider:\n  name: aws\n  runtime: python3.12\nfunctions:\n"
    "  f:\n    handler: handler.main\n"
)
STREAM = CONFIG + (
    "    events:\n      - stream:\n          type: dynamodb\n"
    "          arn: arn:aws:dynamodb:us-east-1:1:table/t/stream/1\n"
)


def _check(root: Path, documents: dict[str, str], paths: list[str]) -> list[Diagnostic]:
    engine = Engine(
        Registry.load(),
        ConfigResolver(Overrides(select=("SL101", "SL203"))),
        {(root / name).resolve(): text.encode() for name, text in documents.items()},
    )
    return engine.check_paths([str(root / path) for path in paths]).diagnostics


def _places(root: Path, found: list[Diagnostic]) -> list[tuple[str, str, int, int]]:
    return [
        (Path(path).relative_to(root).as_posix(), code, row, column)
        for path, code, row, column in codes_at(found)
    ]


def test_an_unsaved_module_is_checked_as_it_is_in_the_editor(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": SAVED_HANDLER, "serverless.yml": CONFIG})
    assert _check(tmp_path, {}, ["handler.py"]) == []
    found = _check(tmp_path, {"handler.py": EDITED_HANDLER}, ["handler.py"])
    assert _places(tmp_path, found) == [("handler.py", "SL101", 5, 12)]


def test_an_unsaved_config_is_read_for_the_module_and_checked_itself(tmp_path: Path) -> None:
    write_tree(tmp_path, {"handler.py": SAVED_HANDLER, "serverless.yml": CONFIG})
    assert _check(tmp_path, {}, ["serverless.yml"]) == []
    found = _check(tmp_path, {"serverless.yml": STREAM}, ["serverless.yml"])
    assert _places(tmp_path, found) == [("serverless.yml", "SL203", 9, 9)]


def _linked(root: Path, documents: dict[str, str], path: str) -> list[str]:
    engine = Engine(
        Registry.load(),
        ConfigResolver(Overrides()),
        {(root / name).resolve(): text.encode() for name, text in documents.items()},
    )
    return [p.relative_to(root.resolve()).as_posix() for p in engine.linked_files(root / path)]


def test_linked_files_are_the_other_side_of_a_config_or_a_module(tmp_path: Path) -> None:
    two = CONFIG + "  g:\n    handler: jobs/nightly.run\n  h:\n    handler: missing.main\n"
    write_tree(
        tmp_path,
        {
            "serverless.yml": two,
            "handler.py": SAVED_HANDLER,
            "jobs/nightly.py": "def run(event, context):\n    return 1\n",
            "jobs/helpers.py": "x = 1\n",
            "requirements.txt": "boto3\n",
        },
    )
    # A config: the handler modules it names that exist.
    assert _linked(tmp_path, {}, "serverless.yml") == ["handler.py", "jobs/nightly.py"]
    # A module: the configs that name it (read from the editor when open there).
    assert _linked(tmp_path, {}, "jobs/nightly.py") == ["serverless.yml"]
    assert _linked(tmp_path, {}, "jobs/helpers.py") == []
    assert _linked(tmp_path, {"serverless.yml": CONFIG}, "jobs/nightly.py") == []
    assert _linked(tmp_path, {}, "requirements.txt") == ["serverless.yml"]
    # A config that does not parse links nothing (its check reports why).
    assert _linked(tmp_path, {"serverless.yml": "functions: [\n"}, "serverless.yml") == []
