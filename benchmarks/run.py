"""slint's benchmark suite: whole-process figures against the issue's targets.

    python -m benchmarks.run [--modules 2000] [--node-modules 0] [--runs 5] [--pairs 150]
                             [--powertools PATH] [--corpus PATH]
                             [--out benchmarks/RESULTS.md] [--quick] [--only js-parse]

Every figure is a separate process (`python -m slint`, libcst, fixit, cfn-lint), timed
from spawn to exit: wall time with `time.perf_counter`, CPU time (user + system) and
peak RSS from `os.wait4`, which also counts the processes the child waited for (slint's
workers). Each figure is the median of `--runs` runs. See benchmarks/README.md.

One measurement is in-process instead: the JavaScript front end (tree-sitter parse and
facts) against libcst's parse, per module, on matched pairs of modules
(`benchmarks.generate.matched_pairs`); `--only js-parse` runs it alone.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path

from benchmarks.generate import Monorepo, generate, write_pairs
from slint.discovery import classify
from slint.settings import DEFAULT_EXCLUDES

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_POWERTOOLS = Path("/work/real/aws-powertools+powertools-lambda-python")
SLINT = [sys.executable, "-m", "slint"]
CHECK_ALL = ["check", "--select", "ALL", "--exit-zero", "-q"]
# The folders slint's walk skips: the Python files we hand to libcst and fixit are
# the ones slint checks.
SKIPPED_DIRS = frozenset(DEFAULT_EXCLUDES)
_TEMPLATE_MARKERS = re.compile(rb"AWS::Serverless|AWSTemplateFormatVersion|AWS::Lambda::Function")

# The targets.
PARSE_RATIO_MAX = 3.0
FIXIT_RATIO_MIN = 15.0
CFN_LINT_RATIO_MIN = 10.0
WARM_RATIO_MIN = 15.0
WARM_SECONDS_MAX = 0.3
CHANGED_SECONDS_MAX = 0.3
JOBS_SPEEDUP_MIN = 1.7
RSS_MB_MAX = 300.0
# Issue 13: parsing and facts of a JavaScript module cost no more than libcst's parse of
# a Python module of the same size.
JS_PARSE_RATIO_MAX = 1.0

# The bare parse: a process that imports libcst and parses every file of a list,
# printing the time of the loop alone (reading included, as slint reads too).
_PARSE_SCRIPT = textwrap.dedent(
    """
    import sys, time
    import libcst
    paths = open(sys.argv[1], encoding="utf-8").read().splitlines()
    start = time.perf_counter()
    for path in paths:
        with open(path, "rb") as handle:
            source = handle.read()
        libcst.parse_module(source)
    print(time.perf_counter() - start)
    """
)


@dataclass(frozen=True)
class Run:
    """One process: wall and CPU seconds, peak RSS in MB, exit code, what it printed."""

    wall: float
    cpu: float
    rss_mb: float
    returncode: int
    stdout: str


@dataclass(frozen=True)
class Figure:
    """The median of several runs of one command."""

    label: str
    runs: tuple[Run, ...]

    @property
    def wall(self) -> float:
        return statistics.median(run.wall for run in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(run.cpu for run in self.runs)

    @property
    def rss_mb(self) -> float:
        return max(run.rss_mb for run in self.runs)


def run_once(
    command: Sequence[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    capture: bool = False,
    ok_codes: Container[int] = (0, 1),
) -> Run:
    """Spawn `command` and wait for it with `os.wait4`, which gives the resources of the
    child and of the descendants it waited for (worker processes). An exit code outside
    `ok_codes` (what the tool returns when it finds problems) is printed as a warning."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(list(command), cwd=cwd, env=environment, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace") if capture else ""
        stderr = err.read().decode("utf-8", "replace")
    # Linux reports ru_maxrss in KiB, macOS in bytes.
    rss = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    if process.returncode not in ok_codes and not capture:
        tail = stderr.strip().splitlines()[-3:]
        print(f"  ! {Path(command[0]).name} exited {process.returncode}: {tail}")
    return Run(wall, usage.ru_utime + usage.ru_stime, rss, process.returncode, stdout or stderr)


def measure(
    label: str,
    command: Sequence[str],
    cwd: Path,
    runs: int,
    env: dict[str, str] | None = None,
    capture: bool = False,
    ok_codes: Container[int] = (0, 1),
) -> Figure:
    results = tuple(run_once(command, cwd, env, capture, ok_codes) for _ in range(runs))
    figure = Figure(label, results)
    print(f"  {label}: {figure.wall:.3f} s wall, {figure.cpu:.3f} s CPU, {figure.rss_mb:.0f} MB")
    return figure


# ---------------------------------------------------------------------------
# What the installed tools can do.


@dataclass(frozen=True)
class Capabilities:
    jobs: bool
    cache_dir: bool
    no_cache: bool
    notes: tuple[str, ...]


def compile_slint() -> None:
    """Byte-compile slint and its rules, as pip does when it installs them. In a
    working copy (an editable install, maybe with PYTHONDONTWRITEBYTECODE set) edited
    modules would otherwise be compiled again by every measured process."""
    import compileall
    from importlib import util

    for package in ("slint", "slint.rules"):
        spec = util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        for folder in spec.submodule_search_locations:
            compileall.compile_dir(folder, quiet=1)


def detect_capabilities() -> Capabilities:
    """Read `slint check --help`: the options this benchmark needs may not exist yet."""
    result = subprocess.run([*SLINT, "check", "--help"], capture_output=True, text=True)
    text = result.stdout
    notes: list[str] = []
    jobs = "--jobs" in text
    cache_dir = "--cache-dir" in text
    no_cache = "--no-cache" in text
    if not jobs:
        notes.append("`slint check` has no `--jobs`: the serial/parallel figures are skipped.")
    if not cache_dir:
        notes.append(
            "`slint check` has no `--cache-dir`: the warm and changed-file figures are skipped."
        )
    return Capabilities(jobs, cache_dir, no_cache, tuple(notes))


def cold_args(caps: Capabilities, jobs: int | None) -> list[str]:
    args = ["--no-cache"] if caps.no_cache else []
    if jobs is not None and caps.jobs:
        args += ["--jobs", str(jobs)]
    return args


def tool_command(name: str) -> list[str] | None:
    """A console script installed beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name(name)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(name)
    return [found] if found else None


def version_of(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


# ---------------------------------------------------------------------------
# Datasets.


@dataclass
class Dataset:
    name: str
    root: Path  # slint runs here, on "."
    python_files: list[Path]
    templates: list[Path]  # SAM and CloudFormation (what cfn-lint reads)
    configs: int  # every config slint reads (serverless.yml too)
    monorepo: Monorepo | None = None
    javascript_files: list[Path] = field(default_factory=list)  # and TypeScript

    @property
    def files(self) -> int:
        return len(self.python_files) + len(self.javascript_files) + self.configs


def walk_files(root: Path) -> Iterator[Path]:
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(name for name in dirs if name not in SKIPPED_DIRS)
        for name in sorted(files):
            yield Path(folder) / name


def scan_dataset(name: str, root: Path) -> Dataset:
    python: list[Path] = []
    javascript: list[Path] = []
    templates: list[Path] = []
    configs = 0
    for path in walk_files(root):
        if path.suffix == ".py":
            python.append(path)
        elif classify(path) == "javascript":
            javascript.append(path)
        elif path.suffix in (".yml", ".yaml", ".json"):
            try:
                head = path.read_bytes()[:200_000]
            except OSError:
                continue
            if path.name.startswith("serverless.") and b"provider:" in head:
                configs += 1
            elif _TEMPLATE_MARKERS.search(head):
                templates.append(path)
                configs += 1
    return Dataset(name, root, python, templates, configs, javascript_files=javascript)


def monorepo_dataset(name: str, out: Path, modules: int, node_modules: int = 0) -> Dataset:
    started = time.perf_counter()
    repo = generate(out, modules=modules, node_modules=node_modules)
    node = f" and {node_modules} Node.js" if node_modules else ""
    print(
        f"generated {name} ({modules} Python{node} handler modules) in "
        f"{time.perf_counter() - started:.1f} s"
    )
    return Dataset(
        name,
        out,
        repo.python_files,
        list(repo.sam_templates),
        len(repo.configs),
        repo,
        repo.javascript_files,
    )


# ---------------------------------------------------------------------------
# Measurements of one dataset.


@dataclass
class Results:
    dataset: Dataset
    figures: dict[str, Figure] = field(default_factory=dict)
    parse_loop: float | None = None
    notes: list[str] = field(default_factory=list)
    profiles: dict[str, str] = field(default_factory=dict)  # title -> markdown table


def measure_dataset(
    dataset: Dataset,
    runs: int,
    caps: Capabilities,
    work: Path,
    compare: bool = True,
    changed_file: bool = False,
    fixit_sample: int = 0,
) -> Results:
    javascript = (
        f"{len(dataset.javascript_files)} JavaScript/TypeScript files, "
        if dataset.javascript_files
        else ""
    )
    print(
        f"\n== {dataset.name}: {len(dataset.python_files)} Python files, {javascript}"
        f"{dataset.configs} configs ({len(dataset.templates)} SAM/CloudFormation)"
    )
    results = Results(dataset)
    figures = results.figures
    root = dataset.root
    cpus = os.cpu_count() or 1
    if caps.jobs:
        figures["cold_j1"] = measure(
            "slint cold --jobs 1", [*SLINT, *CHECK_ALL, *cold_args(caps, 1), "."], root, runs
        )
        figures["cold_j2"] = measure(
            "slint cold --jobs 2", [*SLINT, *CHECK_ALL, *cold_args(caps, 2), "."], root, runs
        )
        if cpus not in (1, 2):
            figures["cold_default"] = measure(
                f"slint cold (default jobs, {cpus} CPUs)",
                [*SLINT, *CHECK_ALL, *cold_args(caps, None), "."],
                root,
                runs,
            )
    else:
        figures["cold_j1"] = measure(
            "slint cold", [*SLINT, *CHECK_ALL, *cold_args(caps, None), "."], root, runs
        )
    if caps.cache_dir:
        cache = work / f"cache-{dataset.name}"
        shutil.rmtree(cache, ignore_errors=True)
        warm_command = [*SLINT, *CHECK_ALL, "--cache-dir", str(cache), "."]
        fill = run_once(warm_command, root)
        print(f"  (cache filled in {fill.wall:.3f} s)")
        figures["cache_fill"] = Figure("slint, filling an empty cache", (fill,))
        # Sub-second figures are cheap: at least 5 runs whatever --runs says.
        quick_runs = max(runs, 5)
        figures["warm"] = measure("slint warm", warm_command, root, quick_runs)
        if changed_file and dataset.monorepo is not None:
            figures["changed"] = measure_changed_file(dataset.monorepo, cache, quick_runs)
    if compare and dataset.python_files:
        listing = work / f"files-{dataset.name}.txt"
        listing.write_text("\n".join(str(path) for path in dataset.python_files) + "\n")
        script = work / "bare_parse.py"
        script.write_text(_PARSE_SCRIPT)
        parse = measure(
            "bare libcst parse (whole process)",
            [sys.executable, str(script), str(listing)],
            root,
            runs,
            capture=True,
        )
        figures["parse"] = parse
        results.parse_loop = statistics.median(float(run.stdout.strip()) for run in parse.runs)
        print(f"  bare libcst parse (loop alone): {results.parse_loop:.3f} s")
        if dataset.javascript_files:
            results.notes.append(
                f"The bare parse reads the Python files only; the slint runs also analyse "
                f"the {len(dataset.javascript_files)} JavaScript/TypeScript files, so the "
                "cold / parse ratios count that work too (the JavaScript front end has a "
                "section of its own)."
            )
        fixit = tool_command("fixit")
        if fixit is None:
            results.notes.append("fixit is not installed: `python -m pip install fixit`.")
        else:
            figures["fixit"] = measure_fixit(fixit, dataset, fixit_sample, results)
    if compare and dataset.templates:
        cfn_lint = tool_command("cfn-lint")
        paths = [str(path) for path in dataset.templates]
        # What cfn-lint does: the templates' own rules. slint's config rules alone do
        # not read the handler code the templates name (its cross rules do).
        figures["slint_templates"] = measure(
            "slint's config rules on the SAM/CloudFormation templates",
            [*SLINT, *check_config_rules(), *cold_args(caps, 1), *paths],
            root,
            runs,
        )
        figures["slint_templates_all"] = measure(
            "slint, every rule, on the SAM/CloudFormation templates (with their handlers)",
            [*SLINT, *CHECK_ALL, *cold_args(caps, 1), *paths],
            root,
            runs,
        )
        if cfn_lint is None:
            results.notes.append("cfn-lint is not installed.")
        else:
            # cfn-lint's exit code is a bit mask of the levels it found (2, 4, 8).
            figures["cfn_lint"] = measure(
                "cfn-lint", [*cfn_lint, *paths], root, runs, ok_codes=range(0, 16, 2)
            )
    return results


def check_config_rules() -> list[str]:
    """`slint check` with the config rules only (those that read templates alone)."""
    from slint.api import ConfigRule
    from slint.registry import Registry

    codes = [rule.code for rule in Registry.load().rules if issubclass(rule, ConfigRule)]
    return ["check", "--select", ",".join(codes), "--exit-zero", "-q"]


def measure_fixit(fixit: list[str], dataset: Dataset, sample: int, results: Results) -> Figure:
    """`fixit lint` on the dataset's Python files, once: it is serial and takes about a
    third of a second per 200-line module, so on a large dataset it runs on an evenly
    spaced sample of `sample` files and its time is scaled to all of them."""
    files = dataset.python_files
    chosen = files
    if 0 < sample < len(files):
        step = len(files) / sample
        chosen = [files[int(index * step)] for index in range(sample)]
    run = run_once([*fixit, "lint", *(str(path) for path in chosen)], dataset.root)
    if len(chosen) == len(files):
        figure = Figure("fixit lint", (run,))
        print(f"  fixit lint: {run.wall:.3f} s wall, {run.cpu:.3f} s CPU, {run.rss_mb:.0f} MB")
        return figure
    scale = len(files) / len(chosen)
    scaled = Run(run.wall * scale, run.cpu * scale, run.rss_mb, run.returncode, "")
    results.notes.append(
        f"fixit ran once, on {len(chosen)} of the {len(files)} Python files (every "
        f"{len(files) / len(chosen):.1f}th): {run.wall:.1f} s, scaled to all files "
        f"({scaled.wall:.1f} s). `--fixit-sample 0` runs it on every file."
    )
    print(f"  fixit lint on {len(chosen)} files: {run.wall:.3f} s -> {scaled.wall:.1f} s scaled")
    return Figure("fixit lint (scaled from a sample)", (scaled,))


def measure_changed_file(repo: Monorepo, cache: Path, runs: int) -> Figure:
    """Pre-commit style: one handler changes (a comment with a counter appended), and
    slint is given that file alone, with the warm cache of the whole repository."""
    target = repo.handler_modules[len(repo.handler_modules) // 2]
    original = target.read_bytes()
    relative = str(target.relative_to(repo.root))
    command = [*SLINT, *CHECK_ALL, "--force-exclude", "--cache-dir", str(cache), relative]
    collected: list[Run] = []
    try:
        for counter in range(runs):
            target.write_bytes(original + f"# benchmark edit {counter}\n".encode())
            collected.append(run_once(command, repo.root))
    finally:
        target.write_bytes(original)
    figure = Figure(f"slint, one changed handler ({relative})", tuple(collected))
    print(f"  {figure.label}: {figure.wall:.3f} s wall, {figure.cpu:.3f} s CPU")
    return figure


# ---------------------------------------------------------------------------
# JavaScript parse + facts against libcst (issue 13).

# Runs in a child process of its own, so that the runner's state (imports, garbage)
# does not weigh on it. Times, per module, four things on each pair of modules, after
# a warm-up pass (imports, loading the grammars, first-call caches):
# - "libcst": `libcst.parse_module` of the Python module;
# - "python": slint's analysis of the Python module with no rules (decoding, CPython's
#   ast, libcst's parse, the walk, the facts);
# - "tree_sitter": tree-sitter's parse of the JavaScript/TypeScript twin alone;
# - "javascript": `analyze_javascript` of the twin with no rules (decoding, the parse,
#   the first-error check, the facts).
# The kinds take turns in a different order each run, so that a slow spell of a busy
# machine does not land on one kind only.
_JS_PARSE_SCRIPT = textwrap.dedent(
    """
    import cProfile, gc, json, os, sys, time
    from pathlib import Path

    import libcst
    from slint.javascript.analyze import analyze_javascript
    from slint.javascript.grammar import grammar_of, parse
    from slint.python.analyze import analyze_module
    from slint.settings import Settings

    listing = json.loads(Path(sys.argv[1]).read_text())
    runs = int(sys.argv[2])
    profile_to = sys.argv[3] if len(sys.argv) > 3 else ""
    pairs = [(p, Path(p).read_bytes(), j, Path(j).read_bytes()) for p, j in listing]
    settings = Settings()
    grammars = [grammar_of(j) for _, _, j, _ in pairs]

    def libcst_parse(index):
        libcst.parse_module(pairs[index][1])

    def python_analysis(index):
        path, data = pairs[index][:2]
        return analyze_module(path, data, settings, ())

    def tree_sitter_parse(index):
        parse(pairs[index][3], grammars[index])

    def javascript_analysis(index):
        path, data = pairs[index][2:]
        return analyze_javascript(path, data, settings, ())

    kinds = {
        "libcst": libcst_parse,
        "python": python_analysis,
        "tree_sitter": tree_sitter_parse,
        "javascript": javascript_analysis,
    }
    failures = []
    for index in range(len(pairs)):
        for kind, function in kinds.items():
            result = function(index)
            failure = getattr(result, "failure", None)
            if failure is not None:
                failures.append(f"{kind}: {failure.path}: {failure.message}")
    if failures:
        print(json.dumps({"failures": failures}))
        sys.exit(2)
    if profile_to:
        profiler = cProfile.Profile()
        profiler.enable()
        for index in range(len(pairs)):
            javascript_analysis(index)
        profiler.disable()
        profiler.dump_stats(profile_to)
        sys.exit(0)
    load_before = os.getloadavg()
    times = {kind: [] for kind in kinds}
    cpu_times = {kind: [] for kind in kinds}
    order = list(kinds)
    wall, cpu = time.perf_counter, time.process_time
    for run in range(runs):
        for kind in order[run % len(order):] + order[: run % len(order)]:
            function = kinds[kind]
            gc.collect()
            per_module, per_module_cpu = [], []
            for index in range(len(pairs)):
                start, start_cpu = wall(), cpu()
                function(index)
                per_module_cpu.append(cpu() - start_cpu)
                per_module.append(wall() - start)
            times[kind].append(per_module)
            cpu_times[kind].append(per_module_cpu)
    print(
        json.dumps(
            {
                "times": times,
                "cpu_times": cpu_times,
                "load": [load_before[0], os.getloadavg()[0]],
            }
        )
    )
    """
)
_JS_KINDS = ("libcst", "python", "tree_sitter", "javascript")
_STYLE_NAMES = {
    ".mjs": "ES modules (`.mjs`)",
    ".js": "CommonJS (`.js`)",
    ".ts": "TypeScript (`.ts`)",
}


@dataclass(frozen=True)
class JsParse:
    """The JavaScript front end against libcst on matched pairs of modules: for each
    kind (`_JS_KINDS`), each run's seconds per module, in the order of `pairs`, in wall
    time and in CPU time (which a busy machine inflates less: the process does not
    count the time it waits for a core)."""

    pairs: tuple[tuple[Path, Path], ...]
    times: dict[str, tuple[tuple[float, ...], ...]]
    cpu_times: dict[str, tuple[tuple[float, ...], ...]]
    load: tuple[float, float]  # the 1-minute load average before and after
    lines: int  # lines of one module, on average (the same on both sides)
    python_bytes: int  # bytes of one module, on average
    javascript_bytes: int
    profile: str = ""  # a cProfile table of `analyze_javascript`, when the target is missed

    @property
    def runs(self) -> int:
        return len(self.times["javascript"])

    def totals(self, kind: str, suffix: str | None = None, cpu: bool = False) -> list[float]:
        """Each run's seconds for all modules (or those whose twin has `suffix`)."""
        chosen = [
            index
            for index, (_, javascript) in enumerate(self.pairs)
            if suffix is None or javascript.suffix == suffix
        ]
        runs = self.cpu_times[kind] if cpu else self.times[kind]
        return [sum(run[index] for index in chosen) for run in runs]

    def count(self, suffix: str | None = None) -> int:
        """The pairs (whose twin has `suffix`)."""
        return sum(1 for _, js in self.pairs if suffix is None or js.suffix == suffix)

    def ms(self, kind: str, suffix: str | None = None, cpu: bool = False) -> float:
        """Milliseconds per module: the median run."""
        median = statistics.median(self.totals(kind, suffix, cpu))
        return 1000 * median / max(1, self.count(suffix))

    def spread(self, kind: str) -> tuple[float, float]:
        """The fastest and the slowest run, in milliseconds per module."""
        totals = self.totals(kind)
        count = max(1, len(self.pairs))
        return 1000 * min(totals) / count, 1000 * max(totals) / count

    @property
    def ratio(self) -> float:
        """`analyze_javascript` / libcst's parse: the issue's target is at most 1."""
        return self.ms("javascript") / self.ms("libcst")

    @property
    def cpu_ratio(self) -> float:
        return self.ms("javascript", cpu=True) / self.ms("libcst", cpu=True)

    def cpu_share(self, kind: str) -> float:
        """CPU time / wall time of the kind's timed calls (1: the process never waited
        for a core)."""
        wall = sum(sum(run) for run in self.times[kind])
        return sum(sum(run) for run in self.cpu_times[kind]) / wall if wall else 1.0

    @property
    def suffixes(self) -> list[str]:
        return sorted({javascript.suffix for _, javascript in self.pairs})


def measure_js_parse(work: Path, count: int, runs: int, seed: int = 0) -> JsParse:
    """Write `count` matched pairs and time them (`_JS_PARSE_SCRIPT`); a cProfile of the
    JavaScript analysis when it misses the target."""
    print(f"\n== JavaScript parse + facts vs libcst: {count} matched pairs, {runs} runs")
    pairs = write_pairs(work / "pairs", count, seed)
    listing = work / "pairs.json"
    listing.write_text(json.dumps([[str(python), str(js)] for python, js in pairs]))
    script = work / "js_parse.py"
    script.write_text(_JS_PARSE_SCRIPT)
    result = subprocess.run(
        [sys.executable, str(script), str(listing), str(runs)],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        failed = result.stderr.strip()[-2000:]
        raise RuntimeError(f"the JavaScript timing failed: {failed}") from None
    if "failures" in data:
        raise RuntimeError("modules did not parse: " + "; ".join(data["failures"][:5]))
    python_sizes = [len(python.read_bytes()) for python, _ in pairs]
    javascript_sizes = [len(js.read_bytes()) for _, js in pairs]
    lines = sum(python.read_text().count("\n") for python, _ in pairs)
    measured = JsParse(
        tuple(pairs),
        {kind: tuple(tuple(run) for run in data["times"][kind]) for kind in _JS_KINDS},
        {kind: tuple(tuple(run) for run in data["cpu_times"][kind]) for kind in _JS_KINDS},
        (data["load"][0], data["load"][1]),
        lines // max(1, len(pairs)),
        sum(python_sizes) // max(1, len(pairs)),
        sum(javascript_sizes) // max(1, len(pairs)),
    )
    for kind in _JS_KINDS:
        print(
            f"  {kind}: {measured.ms(kind):.2f} ms a module "
            f"({measured.ms(kind, cpu=True):.2f} ms CPU)"
        )
    print(
        f"  analyze_javascript / libcst parse: {measured.ratio:.2f}x "
        f"({measured.cpu_ratio:.2f}x in CPU time)"
    )
    if measured.ratio > JS_PARSE_RATIO_MAX:
        output = work / "js_parse.prof"
        subprocess.run(
            [sys.executable, str(script), str(listing), "1", str(output)],
            cwd=REPO,
            capture_output=True,
        )
        table = _profile_table(output) if output.exists() else "(no profile)"
        measured = replace(measured, profile=table)
    return measured


def js_parse_target(measured: JsParse) -> Target:
    met, gap = _at_most(measured.ratio, JS_PARSE_RATIO_MAX, "x")
    return Target(
        "JS parse+facts vs libcst parse (same-shaped modules)",
        f"<= {JS_PARSE_RATIO_MAX:g}x libcst's parse",
        f"{measured.ratio:.2f}x ({measured.ms('javascript'):.2f} ms vs "
        f"{measured.ms('libcst'):.2f} ms a module; {measured.cpu_ratio:.2f}x in CPU time)",
        met,
        gap,
        "js",
    )


def js_parse_section(measured: JsParse) -> list[str]:
    """The report's section on the JavaScript front end."""
    libcst_ms = measured.ms("libcst")
    count = len(measured.pairs)
    labels = {
        "libcst": "`libcst.parse_module` of the Python module",
        "python": "slint's Python analysis, no rules (`analyze_module`: decode, ast, "
        "libcst parse, walk, facts)",
        "tree_sitter": "tree-sitter's parse of the JavaScript/TypeScript twin alone",
        "javascript": "`analyze_javascript`, no rules (decode, parse, facts)",
    }
    styles = ", ".join(
        f"{measured.count(suffix)} {_STYLE_NAMES.get(suffix, suffix)}"
        for suffix in measured.suffixes
    )
    lines = [
        "## JavaScript parse + facts vs libcst (issue 13)",
        "",
        f"{count} generated Python handler modules and their JavaScript/TypeScript twins "
        f"({styles}): the same helpers and the same handler, padded to the same number of "
        f"lines ({measured.lines} on average; {measured.python_bytes / 1024:.1f} kB of "
        f"Python, {measured.javascript_bytes / 1024:.1f} kB of JavaScript a module). "
        f"In one process, after a warm-up pass; each figure is the median of "
        f"{measured.runs} runs, per module, in wall time and in CPU time.",
        "",
        "| what | ms/module | fastest - slowest run | µs/line | vs libcst parse | "
        "CPU ms/module | vs libcst, CPU |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    libcst_cpu = measured.ms("libcst", cpu=True)
    for kind in _JS_KINDS:
        value = measured.ms(kind)
        cpu_value = measured.ms(kind, cpu=True)
        fastest, slowest = measured.spread(kind)
        per_line = 1000 * value / max(1, measured.lines)
        lines.append(
            f"| {labels[kind]} | {value:.2f} | {fastest:.2f} - {slowest:.2f} | "
            f"{per_line:.1f} | {value / libcst_ms:.2f}x | {cpu_value:.2f} | "
            f"{cpu_value / libcst_cpu:.2f}x |"
        )
    lines += [
        "",
        "By the twin's style (libcst's parse of their Python twins alongside):",
        "",
        "| style | modules | `analyze_javascript` ms | tree-sitter parse ms | "
        "libcst parse ms | ratio |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for suffix in measured.suffixes:
        modules = measured.count(suffix)
        javascript = measured.ms("javascript", suffix)
        parse = measured.ms("tree_sitter", suffix)
        python = measured.ms("libcst", suffix)
        lines.append(
            f"| {_STYLE_NAMES.get(suffix, suffix)} | {modules} | {javascript:.2f} | "
            f"{parse:.2f} | {python:.2f} | {javascript / python:.2f}x |"
        )
    cpu = min(measured.cpu_share(kind) for kind in _JS_KINDS)
    slowest = max(measured.spread(kind)[1] / measured.ms(kind) - 1 for kind in _JS_KINDS)
    lines += [
        "",
        f"Noise: the 1-minute load average was {measured.load[0]:.2f} before and "
        f"{measured.load[1]:.2f} after ({os.cpu_count()} logical cores); the timed calls "
        f"got at least {100 * cpu:.0f}% of their wall time as CPU time (less means the "
        f"process waited for a core: CPU time is then the steadier figure); the slowest "
        f"run of any kind was {100 * slowest:.0f}% above its median.",
        "",
    ]
    if measured.profile:
        lines += [
            "cProfile of `analyze_javascript` over the same modules (one pass), top "
            "functions by cumulative time:",
            "",
            measured.profile,
            "",
        ]
    return lines


# ---------------------------------------------------------------------------
# Import time and profiles.


def import_table(work: Path, top: int = 15) -> tuple[str, float, list[str]]:
    """`python -X importtime -m slint check <one small file>`: the heaviest imports by
    cumulative time (a markdown table), the whole import time, and the heavy packages
    that should not be on this path but are."""
    folder = work / "importtime"
    folder.mkdir(exist_ok=True)
    small = folder / "handler.py"
    small.write_text(
        "import json\n\n\ndef handler(event, context):\n"
        '    return {"statusCode": 200, "body": json.dumps(event)}\n'
    )
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "slint", *CHECK_ALL, "--no-cache", "handler.py"],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    rows: list[tuple[int, int, str]] = []
    for line in result.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|(.*)$", line)
        if match:
            rows.append((int(match.group(1)), int(match.group(2)), match.group(3)))
    top_level = [row for row in rows if not row[2].startswith("  ")]
    total = sum(row[1] for row in top_level) / 1e6
    heaviest = sorted(rows, key=lambda row: row[1], reverse=True)[:top]
    table = ["| cumulative ms | self ms | module |", "|---:|---:|---|"]
    for self_us, cumulative_us, name in heaviest:
        depth = (len(name) - len(name.lstrip())) // 2
        table.append(
            f"| {cumulative_us / 1000:.1f} | {self_us / 1000:.1f} | "
            f"{'· ' * depth}`{name.strip()}` |"
        )
    loaded = {row[2].strip() for row in rows}
    unwanted: list[str] = sorted(
        name for name in ("cfnlint", "jsonschema", "pygls", "lsprotocol") if name in loaded
    )
    return "\n".join(table), total, unwanted


def profile(command_args: Sequence[str], cwd: Path, work: Path, name: str, top: int = 35) -> str:
    """A cProfile of `python -m slint <args>` in `cwd`: the top functions by cumulative
    time, as a markdown table (worker processes are not profiled: serial runs only)."""
    output = work / f"{name}.prof"
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(output), "-m", "slint", *command_args],
        cwd=cwd,
        capture_output=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    if not output.exists():
        return "(the profile could not be taken)"
    return _profile_table(output, top)


def _profile_table(output: Path, top: int = 35) -> str:
    """A cProfile dump as markdown: the top functions by cumulative and by own time."""
    stats = pstats.Stats(str(output))
    entries = stats.stats  # type: ignore[attr-defined]
    total = max((value[3] for value in entries.values()), default=0.0)
    ranked = sorted(entries.items(), key=lambda item: item[1][3], reverse=True)[:top]
    table = ["| cumulative s | % | own s | calls | function |", "|---:|---:|---:|---:|---|"]
    for (filename, line, function), (_, calls, own, cumulative, _) in ranked:
        where = _short_path(filename)
        label = f"{where}:{line}({function})" if line else function
        share = 100 * cumulative / total if total else 0.0
        table.append(f"| {cumulative:.3f} | {share:.0f} | {own:.3f} | {calls} | `{label}` |")
    own_ranked = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:10]
    table += [
        "",
        "Top functions by own time:",
        "",
        "| own s | calls | function |",
        "|---:|---:|---|",
    ]
    for (filename, line, function), (_, calls, own, _, _) in own_ranked:
        where = _short_path(filename)
        label = f"{where}:{line}({function})" if line else function
        table.append(f"| {own:.3f} | {calls} | `{label}` |")
    return "\n".join(table)


_CENSUS = """
import collections, gc, json, sys
from pathlib import Path
from slint.api import CodeRule
from slint.python.analyze import analyze_module
from slint.registry import Registry
from slint.settings import Settings

rules = [r for r in Registry.load().rules if issubclass(r, CodeRule)]
paths = json.loads(sys.argv[1])
results = [analyze_module(p, Path(p).read_bytes(), Settings(), rules) for p in paths]
gc.collect()
seen, counts, sizes = set(), collections.Counter(), collections.Counter()
stack = [results]
while stack:
    item = stack.pop()
    if id(item) in seen:
        continue
    seen.add(id(item))
    kind = type(item).__name__
    counts[kind] += 1
    sizes[kind] += sys.getsizeof(item)
    if hasattr(item, "__dict__"):
        stack.extend(vars(item).values())
    elif isinstance(item, (list, tuple, set, frozenset)):
        stack.extend(item)
    elif isinstance(item, dict):
        stack.extend(item.keys())
        stack.extend(item.values())
print(json.dumps({"modules": len(paths), "counts": counts, "sizes": sizes}))
"""


def memory_census(modules: Sequence[Path], top: int = 12) -> str:
    """What the analysis of modules keeps for the rest of the run (the facts the cross
    rules and the call graph read, the findings, the text for suppressions), by type:
    objects and bytes per module (`sys.getsizeof`, instance dicts not counted)."""
    result = subprocess.run(
        [sys.executable, "-c", _CENSUS, json.dumps([str(path) for path in modules])],
        capture_output=True,
        text=True,
    )
    try:
        data = json.loads(result.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return "(the census could not be taken)"
    count = max(1, data["modules"])
    sizes: dict[str, int] = data["sizes"]
    total = sum(sizes.values())
    table = [
        f"{count} handler modules of the monorepo, analysed and kept as a run keeps them: "
        f"{total / count / 1024:.0f} KB per module in {sum(data['counts'].values()) // count} "
        "objects (resident memory is about twice that, with instance dictionaries and "
        "allocator overhead).",
        "",
        "| type | objects per module | KB per module |",
        "|---|---:|---:|",
    ]
    for kind, size in sorted(sizes.items(), key=lambda item: item[1], reverse=True)[:top]:
        table.append(
            f"| `{kind}` | {data['counts'][kind] / count:.0f} | {size / count / 1024:.1f} |"
        )
    return "\n".join(table)


def _short_path(filename: str) -> str:
    for marker in ("/site-packages/", "/lib/python3"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    with contextlib.suppress(ValueError):
        return str(Path(filename).relative_to(REPO))
    return filename


# ---------------------------------------------------------------------------
# Targets and the report.


@dataclass(frozen=True)
class Target:
    name: str
    wanted: str
    measured: str
    met: bool | None  # None: not measured
    gap: str = ""
    profile_key: str | None = None  # which profile explains a miss


def _ratio_min(value: float, minimum: float) -> tuple[bool, str]:
    if value >= minimum:
        return True, f"met ({value / minimum:.2f}x the target)"
    return False, f"missed: {value:.2f}x, {minimum / value:.2f}x short of {minimum:g}x"


def _at_most(value: float, maximum: float, unit: str) -> tuple[bool, str]:
    if value <= maximum:
        return True, f"met ({maximum - value:.3g} {unit} to spare)"
    return False, f"missed by {value - maximum:.3g} {unit} ({value / maximum:.1f}x the limit)"


def evaluate(
    main: Results,
    caps: Capabilities,
    others: Sequence[Results] = (),
    js: JsParse | None = None,
) -> list[Target]:
    figures = main.figures
    targets: list[Target] = []
    cold = figures["cold_j1"]
    if "parse" in figures and main.parse_loop:
        ratio = cold.wall / main.parse_loop
        met, gap = _at_most(ratio, PARSE_RATIO_MAX, "x")
        whole = cold.wall / figures["parse"].wall
        targets.append(
            Target(
                "cold serial vs bare libcst parse",
                f"<= {PARSE_RATIO_MAX:g}x the parse",
                f"{ratio:.2f}x the parse loop ({whole:.2f}x the whole parse process)",
                met,
                gap,
                "cold",
            )
        )
    if "fixit" in figures:
        ratio = figures["fixit"].wall / cold.wall
        met, gap = _ratio_min(ratio, FIXIT_RATIO_MIN)
        cpu = figures["fixit"].cpu / cold.cpu
        targets.append(
            Target(
                "cold serial vs fixit lint",
                f">= {FIXIT_RATIO_MIN:g}x faster",
                f"{ratio:.2f}x faster in wall time ({cpu:.2f}x in CPU time)",
                met,
                gap,
                "cold",
            )
        )
    for results in (main, *others):
        if "cfn_lint" not in results.figures:
            continue
        # The same work as cfn-lint: the templates' own rules, not the handler code.
        ratio = results.figures["cfn_lint"].wall / results.figures["slint_templates"].wall
        met, gap = _ratio_min(ratio, CFN_LINT_RATIO_MIN)
        targets.append(
            Target(
                f"templates vs cfn-lint ({results.dataset.name})",
                f">= {CFN_LINT_RATIO_MIN:g}x faster",
                f"{ratio:.2f}x faster",
                met,
                gap,
                "templates" if results is main else None,
            )
        )
    if "warm" in figures:
        reference = figures.get("cold_default") or figures.get("cold_j2") or cold
        ratio = reference.wall / figures["warm"].wall
        met, gap = _ratio_min(ratio, WARM_RATIO_MIN)
        targets.append(
            Target(
                "warm vs cold (default jobs)",
                f">= {WARM_RATIO_MIN:g}x faster",
                f"{ratio:.1f}x faster",
                met,
                gap,
                "warm",
            )
        )
        met, gap = _at_most(figures["warm"].wall, WARM_SECONDS_MAX, "s")
        targets.append(
            Target(
                "warm, whole process",
                f"< {WARM_SECONDS_MAX:g} s",
                f"{figures['warm'].wall:.3f} s",
                met,
                gap,
                "warm",
            )
        )
    else:
        targets.append(Target("warm cache", "see the notes", "not measured", None))
    if "changed" in figures:
        met, gap = _at_most(figures["changed"].wall, CHANGED_SECONDS_MAX, "s")
        targets.append(
            Target(
                "one changed handler (pre-commit)",
                f"< {CHANGED_SECONDS_MAX:g} s",
                f"{figures['changed'].wall:.3f} s",
                met,
                gap,
                "changed",
            )
        )
    if "cold_j2" in figures:
        speedup = cold.wall / figures["cold_j2"].wall
        met, gap = _ratio_min(speedup, JOBS_SPEEDUP_MIN)
        targets.append(
            Target(
                "--jobs 2 vs --jobs 1, cold",
                f">= {JOBS_SPEEDUP_MIN:g}x faster",
                f"{speedup:.2f}x faster",
                met,
                gap,
                "cold",
            )
        )
    peak = max(figure.rss_mb for key, figure in figures.items() if key.startswith("cold"))
    met, gap = _at_most(peak, RSS_MB_MAX, "MB")
    targets.append(
        Target(
            "peak RSS (largest process)",
            f"< {RSS_MB_MAX:g} MB",
            f"{peak:.0f} MB",
            met,
            gap,
            "memory",
        )
    )
    if js is not None:
        targets.append(js_parse_target(js))
    return targets


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    ram = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return [
        f"- CPU: {cpu}, {os.cpu_count()} logical cores",
        f"- RAM: {ram}",
        f"- OS: {platform.platform()}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
    ]


def _figure_row(label: str, figure: Figure, files: int) -> str:
    rate = files / figure.wall if figure.wall else 0.0
    return (
        f"| {label} | {figure.wall:.3f} | {figure.cpu:.3f} | {figure.rss_mb:.0f} | "
        f"{rate:,.0f} | {len(figure.runs)} |"
    )


def dataset_section(results: Results) -> list[str]:
    dataset = results.dataset
    figures = results.figures
    javascript = (
        f"{len(dataset.javascript_files)} JavaScript/TypeScript files, "
        if dataset.javascript_files
        else ""
    )
    lines = [
        f"### {dataset.name}",
        "",
        f"{len(dataset.python_files)} Python files, {javascript}{dataset.configs} configs "
        f"({len(dataset.templates)} SAM/CloudFormation templates).",
        "",
        "| what | wall s | CPU s | peak RSS MB | files/s | runs |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "cold_j1": "slint cold, `--no-cache --jobs 1`",
        "cold_j2": "slint cold, `--no-cache --jobs 2`",
        "cold_default": "slint cold, default jobs",
        "cache_fill": "slint filling an empty cache",
        "warm": "slint warm (nothing changed)",
        "changed": "slint, one changed handler (`--force-exclude FILE`)",
        "parse": "bare `libcst.parse_module`, whole process",
        "fixit": f"`fixit lint` {version_of('fixit')}, default rules",
    }
    for key, label in labels.items():
        if key in figures:
            files = (
                1
                if key == "changed"
                else (len(dataset.python_files) if key in ("parse", "fixit") else dataset.files)
            )
            lines.append(_figure_row(label, figures[key], files))
    if results.parse_loop is not None:
        rate = len(dataset.python_files) / results.parse_loop
        lines.append(
            f"| bare `libcst.parse_module`, the loop alone | {results.parse_loop:.3f} | - | - | "
            f"{rate:,.0f} | {len(figures['parse'].runs)} |"
        )
    if "slint_templates" in figures:
        count = len(dataset.templates)
        lines.append(
            _figure_row(
                "slint's config rules on the templates alone (as cfn-lint)",
                figures["slint_templates"],
                count,
            )
        )
    if "slint_templates_all" in figures:
        count = len(dataset.templates)
        lines.append(
            _figure_row(
                "slint, every rule, on the templates (reads the handlers they name)",
                figures["slint_templates_all"],
                count,
            )
        )
    if "cfn_lint" in figures:
        count = len(dataset.templates)
        lines.append(
            _figure_row(f"`cfn-lint` {version_of('cfn-lint')}", figures["cfn_lint"], count)
        )
    lines.append("")
    cold = figures["cold_j1"]
    ratios: list[str] = []
    if results.parse_loop:
        ratios.append(f"cold serial / parse loop: {cold.wall / results.parse_loop:.2f}x")
    if "parse" in figures:
        ratios.append(f"cold serial / parse process: {cold.wall / figures['parse'].wall:.2f}x")
    if "fixit" in figures:
        ratios.append(f"fixit / cold serial: {figures['fixit'].wall / cold.wall:.1f}x")
    if "cfn_lint" in figures:
        ratios.append(
            f"cfn-lint / slint (templates): "
            f"{figures['cfn_lint'].wall / figures['slint_templates'].wall:.1f}x"
        )
    if "cold_j2" in figures:
        ratios.append(f"`--jobs 1` / `--jobs 2`: {cold.wall / figures['cold_j2'].wall:.2f}x")
    if "warm" in figures:
        reference = figures.get("cold_default") or figures.get("cold_j2") or cold
        ratios.append(f"cold (default jobs) / warm: {reference.wall / figures['warm'].wall:.1f}x")
    if ratios:
        lines += ["Ratios: " + "; ".join(ratios) + ".", ""]
    lines += [f"- {note}" for note in results.notes]
    if results.notes:
        lines.append("")
    return lines


def write_report(
    out: Path,
    command: str,
    caps: Capabilities,
    main: Results,
    others: Sequence[Results],
    growth: Sequence[tuple[int, Figure, int]],
    targets: Sequence[Target],
    imports: tuple[str, float, list[str]],
    profiles: dict[str, str],
    skipped: Sequence[str],
    elapsed: float,
    js: JsParse | None = None,
) -> None:
    now = datetime.datetime.now().astimezone()
    lines = [
        "# slint benchmark results",
        "",
        f"Written by `benchmarks/run.py` on {now:%Y-%m-%d %H:%M %Z}; the whole run took "
        f"{elapsed / 60:.1f} minutes. See benchmarks/README.md for what each figure means.",
        "",
        f"Command: `{command}`",
        "",
        "## Machine and versions",
        "",
        *machine(),
        f"- slint {version_of('slint-lambda')}, libcst {version_of('libcst')}, "
        f"fixit {version_of('fixit')}, cfn-lint {version_of('cfn-lint')}, "
        f"tree-sitter {version_of('tree-sitter')}",
        "",
        "Each figure is the median of the runs shown, whole process (spawn to exit); CPU is "
        "user + system time of the process and the workers it waited for; peak RSS is the "
        "largest single process (a worker or the parent), not their sum.",
        "",
    ]
    if caps.notes or skipped:
        lines += ["Skipped:", "", *[f"- {note}" for note in (*caps.notes, *skipped)], ""]
    lines += ["## Targets", "", "| target | wanted | measured | verdict |", "|---|---|---|---|"]
    for target in targets:
        verdict = target.gap if target.met is not None else "not measured"
        lines.append(f"| {target.name} | {target.wanted} | {target.measured} | {verdict} |")
    lines += ["", "## Datasets", ""]
    for results in (main, *others):
        lines += dataset_section(results)
    if js is not None:
        lines += js_parse_section(js)
    if growth:
        lines += [
            "## Growth with the size of the monorepo",
            "",
            "Cold, `--no-cache`, serial (`--jobs 1`), one run per size.",
            "",
            "| handler modules | files | wall s | CPU s | peak RSS MB | files/s |",
            "|---:|---:|---:|---:|---:|---:|",
        ]
        for modules, figure, files in growth:
            lines.append(
                f"| {modules:,} | {files:,} | {figure.wall:.2f} | {figure.cpu:.2f} | "
                f"{figure.rss_mb:.0f} | {files / figure.wall:,.0f} |"
            )
        lines.append("")
    table, total, unwanted = imports
    lines += [
        "## Start-up: `python -X importtime -m slint check <one small file>`",
        "",
        f"All imports together: {total * 1000:.0f} ms. "
        + (
            f"Loaded although not needed on this path: {', '.join(unwanted)}."
            if unwanted
            else "None of cfn-lint, jsonschema, pygls, lsprotocol is imported."
        ),
        "",
        "The 15 heaviest imports by cumulative time (nested imports are marked with dots):",
        "",
        table,
        "",
    ]
    lines += [
        "",
        "Why each missed target is missed, and what would close it: benchmarks/ANALYSIS.md.",
    ]
    if profiles:
        lines += [
            "## Profiles of the missed targets",
            "",
            "cProfile of the slint process (serial runs: `--jobs 1`, so that the work is in "
            "the profiled process), top functions by cumulative time.",
            "",
        ]
        for title, body in profiles.items():
            lines += [f"### {title}", "", body, ""]
    out.write_text("\n".join(lines))
    print(f"\nwrote {out}")


# ---------------------------------------------------------------------------


def main_js_parse(pairs: int, runs: int, out: Path | None) -> int:
    """`--only js-parse`: the JavaScript measurement alone; its section of the report is
    printed, and written to `out` when one is given."""
    with tempfile.TemporaryDirectory(prefix="slint-bench-") as temporary:
        measured = measure_js_parse(Path(temporary), pairs, runs)
    target = js_parse_target(measured)
    section = [
        "# slint benchmark: JavaScript parse + facts vs libcst",
        "",
        *machine(),
        f"- slint {version_of('slint-lambda')}, libcst {version_of('libcst')}, "
        f"tree-sitter {version_of('tree-sitter')}, tree-sitter-javascript "
        f"{version_of('tree-sitter-javascript')}, tree-sitter-typescript "
        f"{version_of('tree-sitter-typescript')}",
        "",
        f"Target: {target.name}, {target.wanted}: {target.measured}, {target.gap}.",
        "",
        *js_parse_section(measured),
    ]
    text = "\n".join(section)
    print("\n" + text)
    if out is not None:
        out.write_text(text)
        print(f"wrote {out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run", description="slint's benchmark suite."
    )
    parser.add_argument("--modules", type=int, default=2000, help="handler modules (2000)")
    parser.add_argument(
        "--node-modules",
        type=int,
        default=0,
        help="Node.js handler modules added to the monorepo, in services of their own (0)",
    )
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median; 5)")
    parser.add_argument("--powertools", type=Path, default=None, help="Powertools checkout")
    parser.add_argument("--corpus", type=Path, default=None, help="the templates corpus")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="the report (benchmarks/RESULTS.md; with --only, written only when given)",
    )
    parser.add_argument(
        "--sizes",
        default="500,2000,8000",
        help="monorepo sizes for the memory growth table (comma-separated; '' to skip)",
    )
    parser.add_argument(
        "--fixit-sample",
        type=int,
        default=400,
        help="run fixit (once) on at most this many files and scale its time (0: all)",
    )
    parser.add_argument(
        "--pairs",
        type=int,
        default=150,
        help="matched Python/JavaScript module pairs for the JS parse measurement (150; "
        "0 skips it)",
    )
    parser.add_argument("--quick", action="store_true", help="a smoke test: few modules, 1 run")
    parser.add_argument(
        "--only",
        choices=("js-parse",),
        default=None,
        help="run one measurement alone: js-parse (JavaScript parse + facts vs libcst)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.modules = min(args.modules, 40)
        args.node_modules = min(args.node_modules, 40)
        args.runs = 1
        args.sizes = "20,40"
        args.pairs = min(args.pairs, 12)
    # The per-module JavaScript figures are cheap: at least 5 runs whatever --runs says.
    js_runs = max(args.runs, 5)
    started = time.perf_counter()
    compile_slint()
    if args.only == "js-parse":
        return main_js_parse(args.pairs or 150, js_runs, args.out)
    caps = detect_capabilities()
    for note in caps.notes:
        print(f"note: {note}")
    skipped: list[str] = []
    profiles: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="slint-bench-") as temporary:
        work = Path(temporary)
        main_dataset = monorepo_dataset(
            f"monorepo-{args.modules}", work / "monorepo", args.modules, args.node_modules
        )
        main_results = measure_dataset(
            main_dataset, args.runs, caps, work, changed_file=True, fixit_sample=args.fixit_sample
        )
        others: list[Results] = []
        corpus = args.corpus or DEFAULT_CORPUS
        if args.corpus is None and args.quick:
            skipped.append("the corpus (--quick)")
        elif corpus.is_dir():
            others.append(
                measure_dataset(scan_dataset("shared corpus", corpus), args.runs, caps, work)
            )
        else:
            skipped.append(f"the corpus: {corpus} does not exist")
        powertools = args.powertools or DEFAULT_POWERTOOLS
        examples = powertools / "examples"
        if args.powertools is None and args.quick:
            skipped.append("Powertools' examples (--quick)")
        elif examples.is_dir():
            others.append(
                measure_dataset(
                    scan_dataset("Powertools examples", examples),
                    args.runs,
                    caps,
                    work,
                    fixit_sample=args.fixit_sample,
                )
            )
        else:
            skipped.append(f"Powertools' examples: {examples} does not exist")
        growth: list[tuple[int, Figure, int]] = []
        sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
        for size in sizes:
            if size == args.modules:
                dataset = main_dataset
                figure = main_results.figures["cold_j1"]
            else:
                # Node.js modules in the same proportion as in the main monorepo.
                node = round(args.node_modules * size / args.modules)
                dataset = monorepo_dataset(
                    f"monorepo-{size}", work / f"monorepo-{size}", size, node
                )
                print(f"\n== growth: {size} handler modules")
                figure = measure(
                    f"slint cold --jobs 1 ({size} modules)",
                    [*SLINT, *CHECK_ALL, *cold_args(caps, 1), "."],
                    dataset.root,
                    1,
                )
                shutil.rmtree(dataset.root, ignore_errors=True)
            growth.append((size, figure, dataset.files))
        js = measure_js_parse(work, args.pairs, js_runs) if args.pairs > 0 else None
        if js is None:
            skipped.append("the JavaScript parse measurement (--pairs 0)")
        print("\n== start-up")
        imports = import_table(work)
        print(f"  imports: {imports[1] * 1000:.0f} ms")
        targets = evaluate(main_results, caps, others, js)
        missed = {target.profile_key for target in targets if target.met is False}
        root = main_dataset.root
        if "cold" in missed:
            print("  profiling the cold serial run")
            profiles["Cold serial run of the monorepo (`--no-cache --jobs 1`)"] = profile(
                [*CHECK_ALL, *cold_args(caps, 1), "."], root, work, "cold"
            )
        if "templates" in missed:
            print("  profiling slint on the templates")
            templates = [str(path) for path in main_dataset.templates]
            profiles["slint's config rules on the monorepo's SAM templates"] = profile(
                [*check_config_rules(), *cold_args(caps, 1), *templates], root, work, "templates"
            )
        if "memory" in missed and main_dataset.monorepo is not None:
            print("  counting what the analysis of modules keeps in memory")
            profiles["What a run keeps in memory per module (object census)"] = memory_census(
                main_dataset.monorepo.handler_modules[:100]
            )
        if "warm" in missed and caps.cache_dir:
            print("  profiling the warm run")
            cache = work / f"cache-{main_dataset.name}"
            profiles["Warm run of the monorepo (`--jobs 1`, cache filled)"] = profile(
                [
                    *CHECK_ALL,
                    *(["--jobs", "1"] if caps.jobs else []),
                    "--cache-dir",
                    str(cache),
                    ".",
                ],
                root,
                work,
                "warm",
            )
        if "changed" in missed and caps.cache_dir and main_dataset.monorepo is not None:
            print("  profiling the changed-file run")
            cache = work / f"cache-{main_dataset.name}"
            handlers = main_dataset.monorepo.handler_modules
            target = handlers[len(handlers) // 2]
            original = target.read_bytes()
            target.write_bytes(original + b"# benchmark edit for the profile\n")
            try:
                profiles["One changed handler (`--force-exclude FILE`, warm cache)"] = profile(
                    [
                        *CHECK_ALL,
                        "--force-exclude",
                        "--cache-dir",
                        str(cache),
                        str(target.relative_to(root)),
                    ],
                    root,
                    work,
                    "changed",
                )
            finally:
                target.write_bytes(original)
        command = "python -m benchmarks.run " + " ".join(argv if argv is not None else sys.argv[1:])
        write_report(
            args.out or REPO / "benchmarks" / "RESULTS.md",
            command.strip(),
            caps,
            main_results,
            others,
            growth,
            targets,
            imports,
            profiles,
            skipped,
            time.perf_counter() - started,
            js,
        )
    for result in targets:
        verdict = result.gap if result.met is not None else "not measured"
        print(f"{result.name}: {result.measured} -> {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
