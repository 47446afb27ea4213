"""SL105 mutable-global-state: module-level containers that per-invocation code makes
grow, and the caches, registries, resets and shadows that must stay silent."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import codes_at, lint, write_tree

from slint.diagnostics import Diagnostic


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL105"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return result.diagnostics


def found(tmp_path: Path, code: str) -> list[tuple[int, int]]:
    return [(row, column) for _, _, row, column in codes_at(run(tmp_path, {"handler.py": code}))]


HITS = {
    "list-append": (
        """\
        results = []


        def handler(event, context):
            results.append(event["body"])
            return len(results)
        """,
        [(5, 5)],
    ),
    "set-add": (
        """\
        seen = set()


        def handler(event, context):
            for record in event["Records"]:
                seen.add(record["messageId"])
        """,
        [(6, 9)],
    ),
    "dict-item": (
        """\
        sessions: dict[str, dict] = {}


        def handler(event, context):
            sessions[event["session"]] = event["body"]
            return sessions
        """,
        [(5, 5)],
    ),
    "defaultdict-element": (
        """\
        import collections

        by_user = collections.defaultdict(list)


        def handler(event, context):
            by_user[event["user"]].append(event["item"])
            return by_user[event["user"]]
        """,
        [(7, 5)],
    ),
    "counter-augmented": (
        """\
        from collections import Counter

        hits = Counter()


        def handler(event, context):
            hits[event["path"]] += 1
        """,
        [(7, 5)],
    ),
    "global-plus-equals": (
        """\
        log_lines = []


        def handler(event, context):
            global log_lines
            log_lines += [event["line"]]
        """,
        [(6, 5)],
    ),
    "deque-without-maxlen": (
        """\
        from collections import deque

        recent = deque()


        def handler(event, context):
            recent.appendleft(event)
        """,
        [(7, 5)],
    ),
    "extend-and-setdefault": (
        """\
        items = []
        groups = {}


        def handler(event, context):
            items.extend(event["items"])
            groups.setdefault(event["group"], []).append(event["id"])
        """,
        [(6, 5), (7, 5)],
    ),
    # A "cache" keyed by the request id: read first, but every key is new.
    "cache-keyed-by-request-id": (
        """\
        _responses = {}


        def handler(event, context):
            rid = context.aws_request_id
            cached = _responses.get(rid)
            if cached is None:
                cached = {"id": rid}
                _responses[rid] = cached
            return cached
        """,
        [(9, 9)],
    ),
    "comprehension-container": (
        """\
        INDEX = {k: [] for k in ("a", "b")}


        def handler(event, context):
            INDEX[event["key"]] = event["value"]
        """,
        [(5, 5)],
    ),
    "helper-reached": (
        """\
        audit = []


        def remember(entry):
            audit.append(entry)


        def handler(event, context):
            remember(event)
        """,
        [(5, 5)],
    ),
}


@pytest.mark.parametrize("name", sorted(HITS))
def test_reports(tmp_path: Path, name: str) -> None:
    code, expected = HITS[name]
    assert found(tmp_path, code) == expected


def test_message_names_the_global_and_its_line(tmp_path: Path) -> None:
    (diagnostic,) = run(
        tmp_path,
        {
            "handler.py": """\
                import json

                # results of every request
                RESULTS = list()


                def handler(event, context):
                    RESULTS.append(json.loads(event["body"]))
                """
        },
    )
    assert diagnostic.message.startswith("`RESULTS` (module-level list, line 4) grows")
    assert "`RESULTS.append(...)`" in diagnostic.message


def test_reached_in_another_module(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "state.py": """\
                _events = []


                def record(event):
                    _events.append(event)
                """,
            "handler.py": """\
                from state import record


                def handler(event, context):
                    record(event)
                """,
        },
    )
    assert codes_at(diagnostics) == [("state.py", "SL105", 5, 5)]


SILENT = {
    "cleared-at-start": """\
        results = []


        def handler(event, context):
            results.clear()
            results.append(event)
            return results
        """,
    "cleared-at-end": """\
        batch = []


        def handler(event, context):
            for record in event["Records"]:
                batch.append(record)
            flush(batch)
            batch.clear()


        def flush(items):
            return len(items)
        """,
    "reset-under-global": """\
        errors = []


        def handler(event, context):
            global errors
            errors = []
            errors.append(event)
            return errors
        """,
    "reset-in-another-function": """\
        pending = {}


        def reset():
            global pending
            pending = {}


        def handler(event, context):
            pending[event["id"]] = event
            reset()
        """,
    "popped": """\
        queue = []


        def handler(event, context):
            queue.append(event)
            while queue:
                queue.pop(0)
        """,
    "deleted": """\
        inflight = {}


        def handler(event, context):
            inflight[event["id"]] = True
            try:
                return event
            finally:
                del inflight[event["id"]]
        """,
    "size-bounded": """\
        recent = []


        def handler(event, context):
            recent.append(event["id"])
            if len(recent) > 100:
                recent[:] = recent[-50:]
        """,
    "local-shadow": """\
        results = []


        def handler(event, context):
            results = []
            results.append(event)
            return results
        """,
    "parameter-shadow": """\
        items = []


        def add(items, item):
            items.append(item)


        def handler(event, context):
            add([], event)
        """,
    "module-level-mutation": """\
        NAMES = []
        for n in ("a", "b"):
            NAMES.append(n)


        def handler(event, context):
            return NAMES
        """,
    "decorator-registry": """\
        HANDLERS = {}


        def on(kind):
            def register(function):
                HANDLERS[kind] = function
                return function
            return register


        @on("created")
        def created(event):
            return event


        def handler(event, context):
            return HANDLERS[event["kind"]](event)
        """,
    "once-guarded-cache": """\
        import boto3

        _clients = {}


        def client(name):
            if name not in _clients:
                _clients[name] = boto3.client(name)
            return _clients[name]


        def handler(event, context):
            return client("s3").list_buckets()
        """,
    # A memoising cache keyed by a configuration name (read, then filled).
    "memoised-by-name": """\
        import boto3

        _secrets = {}


        def secret(name):
            value = _secrets.get(name)
            if value is None:
                value = boto3.client("secretsmanager").get_secret_value(SecretId=name)
                _secrets[name] = value
            return value


        def handler(event, context):
            return secret("db")
        """,
    "literal-keys": """\
        STATE = {}
        FLAGS = set()


        def handler(event, context):
            STATE["last"] = event["id"]
            STATE.update({"count": 1}, source="api")
            FLAGS.add("warm")
            STATE.setdefault("first", event["id"])
        """,
    "bounded-deque": """\
        from collections import deque

        recent = deque(maxlen=10)


        def handler(event, context):
            recent.append(event)
        """,
    "lru-cache": """\
        from functools import lru_cache

        _made = []


        @lru_cache(maxsize=None)
        def make(name):
            _made.append(name)
            return name


        def handler(event, context):
            return make("x")
        """,
    "not-reached": """\
        collected = []


        def collect(item):
            collected.append(item)


        def handler(event, context):
            return event
        """,
    "rebound-to-a-non-container": """\
        cache = []
        cache = object()


        def handler(event, context):
            cache.append(event)
        """,
    "imported-container": """\
        from state import CACHE


        def handler(event, context):
            CACHE.append(event)
        """,
    "plain-dict-augmented": """\
        totals = {"a": 0, "b": 0}


        def handler(event, context):
            totals[event["k"]] += 1
        """,
}


@pytest.mark.parametrize("name", sorted(SILENT))
def test_silent(tmp_path: Path, name: str) -> None:
    assert found(tmp_path, SILENT[name]) == []
