"""The properties every input must have, checked by running the real engine in-process
on a project written to a temporary folder, then every fix it offers.

- the engine raises nothing, reports no `internal_error` diagnostic and no RunResult.errors;
- a config or module that does not parse (by an independent oracle: `ast.parse`, UTF-8
  decoding and slint's YAML loader) gets SL000;
- every diagnostic and every edit points inside its file;
- each fix (safe and unsafe) applied alone keeps a parsing file parsing, keeps its line
  endings and stays encodable in the file's encoding; all fixes applied round after round
  as `slint check --fix --unsafe-fixes` does never produce a file that stops parsing.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from slint.app.sniff import config_kind
from slint.app.yamlpos import YamlError, YMap, load
from slint.config import ConfigResolver, Overrides
from slint.diagnostics import Diagnostic, Edit, Location
from slint.engine import Engine, RunResult
from slint.fixer import Source, applicable, choose, fix_round
from slint.fixes import apply_edits, split_lines
from slint.registry import Registry

_REGISTRY: Registry | None = None
FIX_ROUNDS = 3
# Where a failing input is saved (as a project folder) when SLINT_FUZZ_SAVE is set: copy
# the minimal one into tests/fixtures/fuzz/ to keep it as a regression file.
SAVE_DIR = os.environ.get("SLINT_FUZZ_SAVE")


def registry() -> Registry:
    global _REGISTRY
    if _REGISTRY is None:
        _REGISTRY = Registry.load()
    return _REGISTRY


@contextmanager
def project_dir(files: Mapping[str, bytes]) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="slint-fuzz-") as name:
        root = Path(name).resolve()
        for relative, data in files.items():
            path = root / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        yield root


def run_engine(root: Path) -> RunResult:
    old = Path.cwd()
    os.chdir(root)
    try:
        engine = Engine(registry(), ConfigResolver(Overrides(select=("ALL",)), None))
        with warnings.catch_warnings():
            # A generated module may hold invalid escapes: CPython's warning is not ours.
            warnings.simplefilter("ignore", SyntaxWarning)
            return engine.check_paths(["."])
    finally:
        os.chdir(old)


# -- oracles --------------------------------------------------------------------------------
def python_parses(data: bytes | str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        try:
            ast.parse(data)
        except (SyntaxError, ValueError, UnicodeError, MemoryError, RecursionError):
            return False
    return True


def yaml_parses(text: str, *, serverless: bool) -> bool:
    try:
        document = load(text)
    except YamlError:
        return False
    return not serverless or isinstance(document, YMap)


def config_parses(data: bytes, *, serverless: bool) -> bool:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return yaml_parses(text, serverless=serverless)


def parses(path: Path, text: str) -> bool:
    if path.suffix == ".py":
        return python_parses(text)
    return yaml_parses(text, serverless=path.name.startswith("serverless."))


# -- properties ---------------------------------------------------------------------------------
_BLANKET_IGNORE = re.compile(rb"slint: ignore(?!\[)|slint: ignore\[[^\]]*SL000")


def _line_endings(text: str) -> set[str]:
    return set(re.findall(r"\r\n|\r|\n", text))


def _check_location(where: str, location: Location, lines: list[str]) -> None:
    assert location.row >= 1 and location.column >= 1, f"{where}: {location}"
    assert location.row <= len(lines) + 1, f"{where}: row {location.row} of {len(lines)} lines"
    if location.row <= len(lines):
        content = lines[location.row - 1].rstrip("\r\n")
        assert location.column <= len(content) + 1, (
            f"{where}: column {location.column} past the end of line {location.row} "
            f"({len(content)} characters: {content!r})"
        )


def _check_edit(where: str, edit: Edit, lines: list[str]) -> None:
    _check_location(f"{where} edit start", edit.start, lines)
    _check_location(f"{where} edit end", edit.end, lines)
    assert (edit.start.row, edit.start.column) <= (edit.end.row, edit.end.column), where


def check_run(root: Path, run: RunResult, written: Mapping[str, bytes]) -> None:
    assert not run.errors, run.errors
    crashes = [d for d in run.diagnostics if d.internal_error]
    assert not crashes, [f"{d.path}:{d.start}: {d.message}" for d in crashes]
    by_path: dict[str, list[Diagnostic]] = {}
    for diagnostic in run.diagnostics:
        by_path.setdefault(diagnostic.path, []).append(diagnostic)
    for relative, data in written.items():
        path = root / relative
        if not path.is_file():
            continue
        found = by_path.get(relative, [])
        codes = {d.code for d in found}
        if _BLANKET_IGNORE.search(data):
            continue  # SL000 is suppressible like any finding
        if path.suffix == ".py" and relative in run.paths and not python_parses(data):
            assert "SL000" in codes, f"{relative}: does not parse, yet no SL000 ({sorted(codes)})"
        kind = config_kind(path)
        if (
            kind is not None
            and relative in run.paths
            and not config_parses(data, serverless=kind == "serverless")
        ):
            assert "SL000" in codes, f"{relative}: does not parse, yet no SL000 ({sorted(codes)})"
    for display, path in run.paths.items():
        try:
            source = Source.read(path)
        except (OSError, UnicodeError, SyntaxError):
            continue
        lines = split_lines(source.text)
        for diagnostic in by_path.get(display, []):
            where = f"{display}: {diagnostic.code} {diagnostic.message!r}"
            _check_location(f"{where} start", diagnostic.start, lines)
            _check_location(f"{where} end", diagnostic.end, lines)
            fix = diagnostic.fix
            if fix is not None and applicable(fix, unsafe=True):
                for edit in fix.edits:
                    _check_edit(where, edit, lines)
                check_fix_alone(where, path, source, fix.edits)


def check_fix_alone(where: str, path: Path, source: Source, edits: tuple[Edit, ...]) -> None:
    fixed = apply_edits(source.text, edits)
    if parses(path, source.text):
        assert parses(path, fixed), f"{where}: the fix makes the file stop parsing:\n{fixed}"
    endings = _line_endings(source.text)
    if endings:
        added = _line_endings(fixed) - endings
        assert not added, f"{where}: the fix adds line endings {added!r} to a file with {endings!r}"
    try:
        encoded = source.encoded(fixed)
    except UnicodeEncodeError as error:
        raise AssertionError(f"{where}: the fixed file cannot be written: {error}") from None
    assert encoded.decode(source.encoding) == fixed, where


def check_project(files: Mapping[str, bytes]) -> None:
    """Every property on one project; on failure the input is saved if asked."""
    try:
        _check_project(files)
    except BaseException:
        if SAVE_DIR:
            save_failure(files, Path(SAVE_DIR))
        raise


def _check_project(files: Mapping[str, bytes]) -> None:
    with project_dir(files) as root:
        run = run_engine(root)
        check_run(root, run, files)
        before = {d: p.read_bytes() for d, p in run.paths.items()}
        for _ in range(FIX_ROUNDS):
            results, problems = fix_round(run.diagnostics, run.paths, unsafe=True)
            for problem in problems:
                if "would not parse" in problem:
                    check_refused_fix(problem, run)
            if not results:
                break
            for display, result in results.items():
                original = before.get(display)
                if original is not None:
                    # Bytes outside the edits: the BOM and encoding survive the round trip.
                    assert original.startswith(b"\xef\xbb\xbf") == result.source.encoded(
                        result.fixed
                    ).startswith(b"\xef\xbb\xbf"), display
                result.source.path.write_bytes(result.source.encoded(result.fixed))
            run = run_engine(root)
            check_run(root, run, files)
        for display, path in run.paths.items():
            data = before.get(display)
            if data is None or data == path.read_bytes():
                continue
            fixed_text = Source.read(path).text
            if path.suffix == ".py":
                if python_parses(data):
                    assert python_parses(fixed_text), f"{display}: fixes broke the file"
            else:
                kind = config_kind(path) or "template"
                if config_parses(data, serverless=kind == "serverless"):
                    assert yaml_parses(fixed_text, serverless=kind == "serverless"), display


def check_refused_fix(problem: str, run: RunResult) -> None:
    """The fixer refused a file's fixes because the result would not parse: check that
    it really would not (by the loader the engine itself used) — else the fixer's own
    parse check disagrees with the engine (it once checked a `.json` file holding YAML,
    which the engine loads as YAML, as strict JSON)."""
    display = problem.split(": fixes not applied", 1)[0]
    path = run.paths[display]
    source = Source.read(path)
    found = [d for d in run.diagnostics if d.path == display and applicable(d.fix, unsafe=True)]
    chosen = choose(source.text, (d.fix for d in found if d.fix is not None))
    fixed = apply_edits(source.text, [edit for fix in chosen for edit in fix.edits])
    if parses(path, fixed):
        raise AssertionError(f"{problem}, yet the engine's loader parses it")
    elif parses(path, source.text):
        raise AssertionError(f"{problem}: the fixes make the file stop parsing:\n{fixed}")


def save_failure(files: Mapping[str, bytes], directory: Path) -> None:
    digest = hashlib.sha256(repr(sorted(files.items())).encode()).hexdigest()[:12]
    target = directory / digest
    for relative, data in files.items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def read_project(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
