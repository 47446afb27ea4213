"""Containment: one hostile file costs that file a finding or a warning, never the run.

Two guarantees live here.

**The size limit.** slint reads no file bigger than `MAX_FILE_BYTES` (Python modules,
configs, requirements files, included files): `read_limited` refuses it before reading
it, and the caller turns `FileTooBig` into a one-line warning (`too_big_warning`).

**Crashes of libcst's native parser.** libcst parses in Rust, and a stack overflow
there kills the whole process (a segmentation fault), which no `try` can catch.
`slint.python.analyze.read_module` first lets CPython read the module: what CPython
refuses for its nesting, or what nests beyond `MAX_NESTING_DEPTH`, is an SL000 there
and never reaches libcst. What remains is analysed

- in this process when it is ordinary (`SourceModule.risky` is false: nesting under
  `RISKY_NESTING_DEPTH`, far from any known crash): nearly every module, at no cost;
- in a child process (`Worker`) when it is risky. A child that dies (a signal, or any
  exit) costs the module it was analysing an SL000 ("slint's Python parser crashed on
  this file ..."); the next risky module gets a fresh child.

The protocol is the one that parallel runs (`--jobs N`) are to use, so that the
containment and the workers are one mechanism: a `ModuleTask` (the module's bytes,
settings and code rules, all picklable) goes down a pipe, the child runs
`run_task` (which is `analyze_module`, the same function as in-process) and sends
back a `Reply`; the parent tells a crash from an answer by the pipe's end of file.
A pool of N `Worker`s, each with one task in flight, is all `--jobs` needs; it may
keep sending only risky modules to a worker, or send everything.

A child is started with "fork" on Linux (it shares the parent's imported modules:
milliseconds to start) and the platform's default elsewhere ("spawn" on macOS and
Windows, where forking is unsafe or impossible: the child imports slint first).
It is a daemon, so it ends with the run; it also ends when the parent's end of the
pipe closes.
"""

from __future__ import annotations

import collections
import contextlib
import faulthandler
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from slint.analysis import ModuleResult
from slint.api import CodeRule, ParseFailure
from slint.diagnostics import Location
from slint.python.analyze import (
    analyze_module,
    analyze_source,
    decode_source,
    read_module,
)
from slint.settings import Settings

# -- the protocol ------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleTask:
    """One module to analyse, as sent to a worker (everything in it pickles; rule
    classes pickle by reference to their module)."""

    path: str  # as displayed
    data: bytes
    settings: Settings
    rule_classes: tuple[type[CodeRule], ...]
    language: str = "python"  # `SourceFile.kind`: "python" or "javascript"


@dataclass(frozen=True)
class Reply:
    """A worker's answer: the module's result, or the exception analysing it raised
    (a bug in slint, re-raised in the parent, as if the analysis had run there)."""

    result: ModuleResult | None = None
    error: BaseException | None = None


def run_task(task: ModuleTask) -> ModuleResult:
    """What a worker does with a task: exactly the in-process analysis."""
    if task.language == "javascript":
        from slint.javascript.analyze import analyze_javascript

        return analyze_javascript(task.path, task.data, task.settings, task.rule_classes)
    return analyze_module(task.path, task.data, task.settings, task.rule_classes)


def _worker_main(connection: Connection) -> None:
    """A worker's loop: a task in, a reply out, until the pipe closes or a None comes."""
    # A crash is reported by the parent, as a finding; a traceback dump of the dying
    # child (faulthandler, which pytest and PYTHONFAULTHANDLER enable) is noise.
    faulthandler.disable()
    # Ctrl-C is the parent's to handle; the child ends when the parent closes the pipe.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        try:
            reply = Reply(result=run_task(task))
        except Exception as error:
            reply = Reply(error=error)
        try:
            connection.send(reply)
        except Exception as error:  # the result or the error does not pickle
            connection.send(Reply(error=RuntimeError(f"{type(error).__name__}: {error}")))


def _context() -> Any:  # a multiprocessing context; typeshed's types differ per method
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


class WorkerDied(Exception):
    """The worker ended while analysing a task."""

    def __init__(self, exitcode: int | None) -> None:
        super().__init__(f"exit code {exitcode}")
        self.exitcode = exitcode


class Worker:
    """One child process that analyses modules, one at a time (started on first use).
    After it dies, `analyze` raises `WorkerDied` for the task it was on, and the next
    call starts a fresh child."""

    def __init__(self) -> None:
        self._process: BaseProcess | None = None
        self._connection: Connection | None = None
        # One task in flight per worker, whichever thread asks (an editor's server).
        self._lock = threading.Lock()

    def analyze(self, task: ModuleTask) -> ModuleResult:
        with self._lock:
            connection = self._start()
            try:
                connection.send(task)
                reply: Reply = connection.recv()
            except (EOFError, OSError):
                raise WorkerDied(self._reap()) from None
        if reply.error is not None:
            raise reply.error
        assert reply.result is not None
        return reply.result

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                with contextlib.suppress(OSError):
                    self._connection.send(None)
            self._reap()

    def _start(self) -> Connection:
        if self._connection is not None:
            return self._connection
        self._process, self._connection = _start_child()
        return self._connection

    def _reap(self) -> int | None:
        """Wait for the child to end (it has, or is about to) and forget it."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if connection is not None:
            connection.close()
        return _join(process) if process is not None else None


def _start_child() -> tuple[BaseProcess, Connection]:
    """A worker process and the parent's end of its pipe."""
    context = _context()
    parent_end: Connection
    child_end: Connection
    parent_end, child_end = context.Pipe()
    process: BaseProcess = context.Process(
        target=_worker_main, args=(child_end,), name="slint-worker", daemon=True
    )
    process.start()
    # Only the child holds its end now: its death is an end of file for the parent.
    child_end.close()
    return process, parent_end


def _join(process: BaseProcess) -> int | None:
    """Wait for a worker whose pipe is closed to end (killed after 5 s): its exit code."""
    process.join(timeout=5)
    if process.is_alive():
        process.kill()
        process.join()
    return process.exitcode


# A worker process pays for itself only with enough source to analyse: about 0.2 s of
# serial work (libcst analyses roughly 0.5 MB of handler code per second here).
MIN_BYTES_PER_WORKER = 100_000


def available_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, where the OS has one)."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return max(1, os.cpu_count() or 1)


def workers_for(jobs: int, tasks: Sequence[ModuleTask]) -> int:
    """How many worker processes `--jobs N` gets for these tasks: never more than the
    CPUs or the tasks, and one (the serial path, no process at all) unless each worker
    has enough source to analyse to repay its start and the results' transfer."""
    total = sum(len(task.data) for task in tasks)
    return max(1, min(jobs, available_cpus(), len(tasks), total // MIN_BYTES_PER_WORKER))


class _PoolWorker:
    """One child of `analyze_in_workers`, with the tasks sent to it and not yet
    answered, in the order it works on them."""

    def __init__(self) -> None:
        self.process, self.connection = _start_child()
        self.in_flight: collections.deque[int] = collections.deque()

    def close(self) -> int | None:
        with contextlib.suppress(OSError):
            self.connection.send(None)
        self.connection.close()
        return _join(self.process)


def analyze_in_workers(
    tasks: Sequence[ModuleTask], workers: int
) -> list[ModuleResult | BaseException]:
    """Analyse `tasks` in `workers` child processes, the results in the order of the
    tasks (exactly what `run_task` gives in this process: a run with workers reports
    what a serial run reports). An exception raised in a worker (a bug in slint) takes
    its task's place, for the caller to report as the serial path does.

    Each worker has up to two tasks in flight, so that it never waits for the parent.
    A worker that dies costs the task it was on an SL000 (`crash_message`), as the
    serial path's containment does; the tasks queued behind it go to a fresh worker."""
    results: list[ModuleResult | BaseException | None] = [None] * len(tasks)
    queue = collections.deque(range(len(tasks)))
    pool = [_PoolWorker() for _ in range(max(1, min(workers, len(tasks))))]

    def feed(worker: _PoolWorker) -> None:
        while queue and len(worker.in_flight) < 2:
            index = queue.popleft()
            try:
                worker.connection.send(tasks[index])
            except OSError:  # the worker is gone: its reply loop sees the end of file
                queue.appendleft(index)
                return
            worker.in_flight.append(index)

    try:
        for worker in pool:
            feed(worker)
        while any(worker.in_flight for worker in pool):
            busy = {worker.connection: worker for worker in pool if worker.in_flight}
            for ready in multiprocessing.connection.wait(list(busy)):
                worker = busy[ready]  # type: ignore[index]
                try:
                    reply: Reply = worker.connection.recv()
                except (EOFError, OSError):
                    # It died on its oldest task; the others go back to the queue.
                    crashed = worker.in_flight.popleft()
                    queue.extendleft(reversed(worker.in_flight))
                    worker.in_flight.clear()
                    task = tasks[crashed]
                    text = decode_source(task.path, task.data)
                    results[crashed] = crash_result(
                        task.path, worker.close(), text if isinstance(text, str) else None
                    )
                    pool[pool.index(worker)] = worker = _PoolWorker()
                else:
                    index = worker.in_flight.popleft()
                    results[index] = reply.error if reply.error is not None else reply.result
                feed(worker)
    finally:
        for worker in pool:
            worker.close()
    return [result if result is not None else ModuleResult() for result in results]


def crash_result(path: str, exitcode: int | None, source: str | None) -> ModuleResult:
    """What a module gets when its worker died analysing it: an SL000, and its text
    (so that its suppression comments still apply)."""
    failure = ParseFailure(path, crash_message(exitcode), Location(1, 1))
    return ModuleResult(failure=failure, source=source)


def crash_message(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = f", {signal.Signals(-exitcode).name}"
        except ValueError:
            name = ""
        cause = f"signal {-exitcode}{name}"
    else:
        cause = f"exit code {exitcode}"
    return f"slint's Python parser crashed on this file ({cause}); nothing in it was checked"


class ModuleAnalyzer:
    """Analyses modules, each where it is safe: ordinary ones in this process, risky
    ones (`SourceModule.risky`) in a `Worker`, whose death costs that module an SL000."""

    def __init__(self) -> None:
        self._worker = Worker()

    def analyze(
        self,
        path: str,
        data: bytes,
        settings: Settings,
        rule_classes: Sequence[type[CodeRule]],
        language: str = "python",
    ) -> ModuleResult:
        if language == "javascript":
            # tree-sitter's parser recovers from any input without recursing in C:
            # JavaScript and TypeScript are analysed here.
            from slint.javascript.analyze import analyze_javascript

            return analyze_javascript(path, data, settings, rule_classes)
        source = read_module(path, data)
        if isinstance(source, ModuleResult):
            return source
        if not source.risky:
            return analyze_source(source, settings, rule_classes)
        task = ModuleTask(path, data, settings, tuple(rule_classes))
        try:
            return self._worker.analyze(task)
        except WorkerDied as died:
            return crash_result(path, died.exitcode, source.text)

    def close(self) -> None:
        self._worker.close()


_shared: ModuleAnalyzer | None = None


def shared_analyzer() -> ModuleAnalyzer:
    """The process's analyzer: its worker, once started, serves every later run
    (`--fix` checks again after writing; an editor's server checks again and again)."""
    global _shared
    if _shared is None:
        _shared = ModuleAnalyzer()
    return _shared
