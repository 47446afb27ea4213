"""slint on the shared corpus of real configs (../shared/corpus): 191 serverless.yml with
their includes and 849 SAM templates, every rule selected.

The corpus is not part of this repository; without it these tests are skipped.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO, SHARED, slint_command

from slint.app.loader import load_config
from slint.app.model import App
from slint.app.sniff import CONFIG_SUFFIXES, config_kind
from slint.app.yamlpos import load

CORPUS = SHARED / "corpus"

pytestmark = pytest.mark.skipif(
    not CORPUS.is_dir(), reason=f"the shared corpus is not there ({CORPUS})"
)


def data_files() -> list[Path]:
    """Every YAML/JSON data file of the corpus (not its licences or notices)."""
    return sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and p.suffix in CONFIG_SUFFIXES and p.name != "MANIFEST.json"
    )


class _CloudFormationLoader(yaml.SafeLoader):
    """PyYAML's safe loader with CloudFormation's short tags allowed (any `!Tag`)."""


def _any_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    assert isinstance(node, yaml.MappingNode)
    return loader.construct_mapping(node)


_CloudFormationLoader.add_multi_constructor("!", _any_tag)


def pyyaml_loads(path: Path) -> bool:
    try:
        yaml.load(path.read_text(encoding="utf-8-sig"), Loader=_CloudFormationLoader)
    except (yaml.YAMLError, UnicodeDecodeError):
        return False
    return True


def cfn_lint_loads(path: Path) -> bool:
    from cfnlint.decode import decode  # slow to import: only when needed

    template, matches = decode(str(path))
    return template is not None and not matches


@pytest.fixture(scope="module")
def corpus_run() -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.perf_counter()
    result = subprocess.run(
        [
            *slint_command(),
            "check",
            "../shared/corpus",
            "--select",
            "ALL",
            "--output-format",
            "json",
            "--no-cache",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result, time.perf_counter() - start


def test_the_corpus_run_finishes_cleanly(
    corpus_run: tuple[subprocess.CompletedProcess[str], float],
) -> None:
    result, seconds = corpus_run
    assert result.returncode in (0, 1), result.stderr
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr
    findings = json.loads(result.stdout)
    internal = [f for f in findings if "internal error" in f["message"]]
    assert internal == []
    counts = Counter(f["code"] for f in findings)
    print(f"\ncorpus: {len(findings)} findings in {seconds:.2f} s: {dict(sorted(counts.items()))}")


def test_no_parse_error_on_files_other_loaders_read(
    corpus_run: tuple[subprocess.CompletedProcess[str], float],
) -> None:
    result, _ = corpus_run
    findings = json.loads(result.stdout)
    broken = sorted({f["filename"] for f in findings if f["code"] == "SL000"})
    readable = [name for name in broken if pyyaml_loads(REPO / name) or cfn_lint_loads(REPO / name)]
    assert readable == [], "SL000 on files that PyYAML or cfn-lint can load"


def test_every_corpus_file_loads_quickly() -> None:
    files = data_files()
    assert len(files) >= 1000
    start = time.perf_counter()
    loaded = Counter[str]()
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        load(text, str(path))
        kind = config_kind(path)
        if kind is None:
            loaded["other"] += 1
            continue
        app = load_config(path.resolve(), str(path), text, kind)
        loaded[app.format if isinstance(app, App) else type(app).__name__] += 1
    seconds = time.perf_counter() - start
    print(f"\n{len(files)} corpus files parsed and loaded in {seconds:.2f} s: {dict(loaded)}")
    assert seconds < 4
    assert loaded["serverless"] == 131  # every serverless.yml with `provider: aws`
    assert loaded["NoneType"] == 60  # other providers, and templates without Resources
    assert loaded["sam"] == 693


def test_function_counts_match_the_manifest() -> None:
    manifest = json.loads((CORPUS / "MANIFEST.json").read_text())
    checked = 0
    for entry in manifest:
        if "functions" not in entry or entry.get("provider", "aws") != "aws":
            continue
        path = CORPUS / entry["path"]
        kind = config_kind(path)
        assert kind is not None, entry["path"]
        app = load_config(path.resolve(), entry["path"], path.read_text(encoding="utf-8-sig"), kind)
        assert isinstance(app, App), entry["path"]
        assert len(app.functions) == entry["functions"], entry["path"]
        checked += 1
    assert checked == 131 + 18


def test_the_reference_loaders_tell_broken_from_sound(tmp_path: Path) -> None:
    sound = (
        CORPUS / "aws__serverless-application-model/tests/translator/input/function_with_dlq.yaml"
    )
    assert sound.is_file()
    assert pyyaml_loads(sound) and cfn_lint_loads(sound)
    broken = tmp_path / "template.yaml"
    broken.write_text("Resources:\n  Fn:\n    Type: [AWS::Lambda::Function\n")
    assert not pyyaml_loads(broken) and not cfn_lint_loads(broken)
