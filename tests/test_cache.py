"""The findings cache (`slint.cache`) and parallel workers (`--jobs`): a warm run and a
run with workers report exactly what a serial cold run reports; edits invalidate what
they must and nothing more; a damaged cache is rebuilt, never a crash."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURES, loaded, slint_command, slint_with_modules

import slint.isolation
from slint.api import ConfigRule, CrossRule
from slint.cache import CACHEDIR_TAG, FindingsCache
from slint.config import ConfigResolver, Overrides
from slint.engine import Engine, RunResult
from slint.python import analyze
from slint.registry import Registry

REPOSITORY = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Every project of the fixtures and the example, side by side, in one repository:
    serverless.yml, SAM, CloudFormation and CDK configs with handlers, helpers, layers
    and requirements files, with findings of most kinds."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    for name in ("sam_project", "serverless_project", "cfn_project", "cdk_project"):
        shutil.copytree(FIXTURES / name, root / name)
    shutil.copytree(REPOSITORY / "examples" / "shop", root / "shop")
    return root


def engine_run(
    root: Path, *, cache: Path | None = None, jobs: int = 1, paths: tuple[str, ...] = (".",)
) -> RunResult:
    old = Path.cwd()
    os.chdir(root)
    try:
        overrides = Overrides(select=("ALL",))
        engine = Engine(
            Registry.load(),
            ConfigResolver(overrides),
            cache=FindingsCache(cache) if cache is not None else None,
            jobs=jobs,
        )
        return engine.check_paths(list(paths))
    finally:
        os.chdir(old)


def report(run: RunResult) -> list[dict[str, Any]]:
    """Everything a finding says, in the run's order."""
    return [
        {
            "path": d.path,
            "code": d.code,
            "start": (d.start.row, d.start.column),
            "end": (d.end.row, d.end.column),
            "message": d.message,
            "severity": d.severity.value,
            "fix": None if d.fix is None else (d.fix.message, [e.content for e in d.fix.edits]),
        }
        for d in run.diagnostics
    ]


@pytest.fixture
def count_analyses(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The modules analysed in this process (parsed by libcst), by displayed path."""
    analysed: list[str] = []
    real = analyze.analyze_source

    def counting(source: Any, *args: Any) -> Any:
        analysed.append(source.path)
        return real(source, *args)

    monkeypatch.setattr(slint.isolation, "analyze_source", counting)
    yield analysed


@pytest.fixture
def workers_always(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers even for a small project and on a one-CPU machine (the decision by the
    amount of work is tested on its own)."""
    monkeypatch.setattr(slint.isolation, "MIN_BYTES_PER_WORKER", 1)
    monkeypatch.setattr(slint.isolation, "available_cpus", lambda: 4)


def test_workers_and_a_warm_cache_report_exactly_what_a_serial_cold_run_reports(
    project: Path, tmp_path: Path, workers_always: None
) -> None:
    serial = engine_run(project)
    assert len(serial.diagnostics) > 30
    assert len({d.code for d in serial.diagnostics}) > 12
    with_workers = engine_run(project, jobs=2)
    assert report(with_workers) == report(serial)
    assert with_workers.files_checked == serial.files_checked
    assert with_workers.linked == serial.linked
    cache = tmp_path / "cache"
    cold = engine_run(project, cache=cache, jobs=2)
    warm = engine_run(project, cache=cache)
    assert report(cold) == report(warm) == report(serial)
    assert warm.linked == serial.linked


def test_a_warm_run_analyses_nothing_and_an_edit_only_the_edited_module(
    project: Path, tmp_path: Path, count_analyses: list[str]
) -> None:
    cache = tmp_path / "cache"
    engine_run(project, cache=cache)
    analysed_cold = len(count_analyses)
    assert analysed_cold > 15
    count_analyses.clear()
    engine_run(project, cache=cache)
    assert count_analyses == []  # files with findings are cached too
    handler = project / "sam_project" / "src" / "orders" / "api.py"
    handler.write_text(handler.read_text() + "\n# edited\n")
    edited = engine_run(project, cache=cache)
    assert count_analyses == ["sam_project/src/orders/api.py"]
    assert report(edited) == report(engine_run(project))


def test_editing_a_config_reads_the_modules_again_from_the_cache_and_its_findings_change(
    project: Path, tmp_path: Path, count_analyses: list[str]
) -> None:
    cache = tmp_path / "cache"
    before = engine_run(project, cache=cache)
    count_analyses.clear()
    config = project / "serverless_project" / "serverless.yml"
    text = config.read_text()
    assert "      timeout: 20\n" in text
    config.write_text(text.replace("      timeout: 20\n", "      timeout: 40\n"), "utf-8")
    after = engine_run(project, cache=cache)
    assert count_analyses == []  # the handlers it names come from the cache
    assert report(after) == report(engine_run(project))

    def sl302(run: RunResult) -> list[tuple[str, int]]:
        return [(d.path, d.start.row) for d in run.diagnostics if d.code == "SL302"]

    assert ("serverless_project/serverless.yml", 41) not in sl302(before)
    assert ("serverless_project/serverless.yml", 41) in sl302(after)


def test_a_damaged_cache_is_rebuilt_never_a_crash(
    project: Path, tmp_path: Path, count_analyses: list[str]
) -> None:
    cache = tmp_path / "cache"
    expected = report(engine_run(project, cache=cache))
    entries = [p for p in (cache / "v1").rglob("*") if p.is_file()]
    assert entries
    damage = [
        b"",  # empty
        b"garbage",  # not an entry
        b"slint-cache-1\n\x80\x05",  # truncated pickle
    ]
    for index, entry in enumerate(entries):
        data = entry.read_bytes()
        if index % 4 == 3:
            entry.write_bytes(data[: len(data) // 2])  # truncated
        else:
            entry.write_bytes(damage[index % 3])
    count_analyses.clear()
    assert report(engine_run(project, cache=cache)) == expected
    assert count_analyses  # rebuilt...
    count_analyses.clear()
    assert report(engine_run(project, cache=cache)) == expected
    assert count_analyses == []  # ...and used again


def test_an_entry_of_another_module_is_not_taken(tmp_path: Path) -> None:
    """An entry's file holds its own identity: one copied over another's (or written by
    another version under the same name) is ignored."""
    cache = FindingsCache(tmp_path / "cache")
    cache.put("modules", "a" * 40, "check", {"payload": 1})
    cache.put("modules", "b" * 40, "check", {"payload": 2})
    first = tmp_path / "cache" / "v1" / "modules" / "aa" / ("a" * 40)
    second = tmp_path / "cache" / "v1" / "modules" / "bb" / ("b" * 40)
    shutil.copyfile(second, first)
    assert cache.get("modules", "a" * 40, "check") is None
    assert cache.get("modules", "b" * 40, "check") == {"payload": 2}
    assert cache.get("modules", "b" * 40, "other content") is None


def test_the_cache_folder_is_tagged_and_ignored_by_git(project: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    engine_run(project, cache=cache)
    assert (cache / "CACHEDIR.TAG").read_text() == CACHEDIR_TAG
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_crash_in_a_worker_costs_that_module_an_sl000_and_the_run_goes_on(
    project: Path, workers_always: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The containment of native-parser crashes holds with workers: the module being
    analysed when a worker dies gets SL000, the modules queued behind it still get
    their findings (from a fresh worker)."""
    expected = report(engine_run(project))
    handler = project / "shop" / "orders" / "fulfil.py"
    handler.write_text(handler.read_text() + "\n# CRASH_HERE\n")
    real_parse = analyze.parse_source

    def parse(path: str, text: str, error: SyntaxError | None = None) -> object:
        if "CRASH_HERE" in text:
            os.kill(os.getpid(), 11)
        return real_parse(path, text, error)

    monkeypatch.setattr(analyze, "parse_source", parse)
    crashed = engine_run(project, jobs=2)
    sl000 = [d for d in crashed.diagnostics if d.code == "SL000"]
    assert [(d.path, d.start.row, d.start.column) for d in sl000] == [
        ("shop/orders/fulfil.py", 1, 1)
    ]
    assert "crashed on this file (signal 11, SIGSEGV)" in sl000[0].message
    # The other projects' findings are all there, exactly.
    unaffected = [f for f in expected if not f["path"].startswith("shop/")]
    assert [f for f in report(crashed) if not f["path"].startswith("shop/")] == unaffected
    assert len(unaffected) > 15


def test_few_files_are_analysed_in_this_process() -> None:
    """Workers only when the work repays them: never for a handful of small modules,
    never more than the CPUs or the modules."""
    task = slint.isolation.ModuleTask("m.py", b"x = 1\n" * 100, None, ())  # type: ignore[arg-type]
    assert slint.isolation.workers_for(8, [task] * 5) == 1
    big = slint.isolation.ModuleTask("m.py", b"x = 1\n" * 50_000, None, ())  # type: ignore[arg-type]
    assert slint.isolation.workers_for(1, [big] * 10) == 1
    cpus = slint.isolation.available_cpus()
    assert slint.isolation.workers_for(64, [big] * 10) == min(cpus, 10)
    assert slint.isolation.workers_for(64, [big]) == 1


# -- the command line --------------------------------------------------------------------


def run_cli(
    root: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*slint_command(), *args],
        cwd=root,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=300,
    )


def test_cli_warm_run_reports_the_same_without_loading_rules_or_parsers(
    project: Path, tmp_path: Path
) -> None:
    args = ("check", "--select", "ALL", "--output-format", "json", "--exit-zero")
    cold = run_cli(project, *args, "--no-cache")
    assert cold.returncode == 0, cold.stderr
    assert not (project / ".slint_cache").exists()  # --no-cache writes nothing
    first = run_cli(project, *args)
    assert (project / ".slint_cache" / "CACHEDIR.TAG").is_file()
    warm, modules = slint_with_modules(project, *args)
    assert json.loads(warm) == json.loads(first.stdout) == json.loads(cold.stdout)
    heavy = ("libcst", "yaml", "pathspec", "jsonschema", "cfn_lint", "pygls")
    assert loaded(modules, *heavy, "slint.rules", "slint.engine", "slint.python") == []
    # SARIF describes the rules: a cached run loads them for it.
    sarif = run_cli(project, "check", "--select", "ALL", "--output-format", "sarif")
    assert sarif.returncode == 1
    assert json.loads(sarif.stdout)["runs"][0]["tool"]["driver"]["rules"]


def test_cli_cache_dir_env_and_config_and_clean(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    result = run_cli(project, "check", "--cache-dir", str(elsewhere), "--exit-zero", "-q")
    assert result.returncode == 0, result.stderr
    assert (elsewhere / "CACHEDIR.TAG").is_file()
    assert not (project / ".slint_cache").exists()
    from_env = tmp_path / "from-env"
    run_cli(project, "check", "--exit-zero", "-q", env={"SLINT_CACHE_DIR": str(from_env)})
    assert (from_env / "CACHEDIR.TAG").is_file()
    (project / "slint.toml").write_text('cache-dir = "build/lint-cache"\njobs = 2\n')
    run_cli(project, "check", "--exit-zero", "-q")
    assert (project / "build" / "lint-cache" / "CACHEDIR.TAG").is_file()
    cleaned = run_cli(project, "clean")
    assert cleaned.returncode == 0, cleaned.stderr
    assert not (project / "build" / "lint-cache").exists()
    assert run_cli(project, "clean").returncode == 0  # nothing to delete
    # Never a folder slint did not create.
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "keep.txt").write_text("keep")
    refused = run_cli(project, "clean", "--cache-dir", str(tmp_path / "mine"))
    assert refused.returncode == 2
    assert refused.stderr.startswith("slint: error: ") and "not a slint cache" in refused.stderr
    assert (tmp_path / "mine" / "keep.txt").is_file()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("jobs = 0\n", "jobs must be an integer between 1 and 256, not 0"),
        ('jobs = "2"\n', "jobs must be an integer between 1 and 256"),
        ("cache-dir = 3\n", "cache-dir must be a folder path, not 3"),
    ],
)
def test_bad_jobs_and_cache_dir_settings_are_one_line_errors(
    project: Path, text: str, message: str
) -> None:
    (project / "slint.toml").write_text(text)
    result = run_cli(project, "check")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert run_cli(project, "check", "--jobs", "0").returncode == 2


def test_concurrent_runs_share_a_cache_safely(project: Path, tmp_path: Path) -> None:
    """Four runs at once on one cache folder (pre-commit and an editor, say): each
    reports the serial result, and the cache they leave serves the next run."""
    args = [*slint_command(), "check", "--select", "ALL", "--output-format", "json"]
    args += ["--exit-zero", "--cache-dir", str(tmp_path / "shared-cache")]
    expected = json.loads(run_cli(project, *args[len(slint_command()) :], "--no-cache").stdout)
    runs = [
        subprocess.Popen(args, cwd=project, stdout=subprocess.PIPE, text=True) for _ in range(4)
    ]
    outputs = [run.communicate(timeout=300)[0] for run in runs]
    assert all(json.loads(output) == expected for output in outputs)
    assert json.loads(run_cli(project, *args[len(slint_command()) :]).stdout) == expected
    leftovers = [p for p in (tmp_path / "shared-cache").rglob(".tmp-*")]
    assert leftovers == []


def test_a_run_checks_again_when_a_file_outside_the_project_it_read_changes(
    tmp_path: Path,
) -> None:
    """A serverless.yml that takes its timeout from a file outside the repository: the
    run's entry records that file, and an edit of it is seen although nothing in the
    repository changed."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "serverless.yml").write_text(
        "service: s\nprovider:\n  name: aws\n  runtime: python3.12\n"
        "  timeout: ${file(../shared/settings.yml):timeout}\n"
        "functions:\n  api:\n    handler: handler.main\n"
        "    events:\n      - httpApi: GET /\n"
    )
    (repo / "handler.py").write_text("def main(event, context):\n    return 1\n")
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "settings.yml").write_text("timeout: 10\n")
    args = ("check", "--select", "SL302", "--output-format", "json", "--exit-zero")
    assert json.loads(run_cli(repo, *args).stdout) == []
    assert json.loads(run_cli(repo, *args).stdout) == []  # from the cache
    (shared / "settings.yml").write_text("timeout: 60\n")
    codes = [f["code"] for f in json.loads(run_cli(repo, *args).stdout)]
    assert codes == ["SL302"]


def test_config_rules_alone_read_no_handler_code(project: Path, count_analyses: list[str]) -> None:
    """Config rules on templates (what cfn-lint does) parse no module; their findings
    are those of a run that also reads the handlers."""
    config_codes = [
        rule.code
        for rule in Registry.load().rules
        if issubclass(rule, ConfigRule) and not issubclass(rule, CrossRule)
    ]
    templates = ("sam_project/template.yaml", "serverless_project/serverless.yml")
    old = Path.cwd()
    os.chdir(project)
    try:
        alone = Engine(Registry.load(), ConfigResolver(Overrides(select=tuple(config_codes))))
        found = alone.check_paths(list(templates))
    finally:
        os.chdir(old)
    assert count_analyses == []
    everything = engine_run(project, paths=templates)
    assert count_analyses  # cross rules read the handlers
    expected = [f for f in report(everything) if f["code"] in config_codes]
    assert report(found) == expected
    assert len(expected) >= 4
