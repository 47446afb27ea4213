"""SL204 unbounded-retry-loop: `while` retry loops, recursion on error, tenacity,
backoff, retrying and botocore retry settings, with exact positions, through every
import form; and the near-misses (bounded loops, polling, iterator and worker loops,
bounded decorators) that must stay silent."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import lint, write_tree

from slint.diagnostics import Diagnostic, Severity

CODE = "SL204"


def run(
    tmp_path: Path, code: str, options: str = "", filename: str = "handler.py"
) -> list[Diagnostic]:
    files = {filename: dedent(code)}
    if options:
        files["slint.toml"] = options
    write_tree(tmp_path, files)
    result = lint(tmp_path, select=[CODE])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics), [
        d.message for d in result.diagnostics
    ]
    return [d for d in result.diagnostics if d.code == CODE]


def positions(tmp_path: Path, code: str, options: str = "") -> list[tuple[int, int]]:
    return [(d.start.row, d.start.column) for d in run(tmp_path, code, options)]


# -- while loops that retry without a bound ------------------------------------------------

LOOPS = {
    "while-true-return": (
        """\
        import time

        import boto3

        table = boto3.resource("dynamodb").Table("orders")


        def handler(event, context):
            while True:
                try:
                    return table.get_item(Key={"id": event["id"]})["Item"]
                except Exception:
                    time.sleep(1)
        """,
        [(9, 5)],
    ),
    "while-1-break-some-errors-reraised": (
        """\
        import time

        import boto3
        from botocore.exceptions import ClientError

        sqs = boto3.client("sqs")


        def handler(event, context):
            while 1:
                try:
                    sqs.send_message(QueueUrl=event["queue"], MessageBody="x")
                    break
                except ClientError as error:
                    if error.response["Error"]["Code"] != "ThrottlingException":
                        raise
                    time.sleep(0.5)
        """,
        [(10, 5)],
    ),
    "flag-loop": (
        """\
        import requests


        def handler(event, context):
            sent = False
            while not sent:
                try:
                    requests.post(event["hook"], json=event, timeout=3)
                    sent = True
                except requests.RequestException:
                    continue
        """,
        [(6, 5)],
    ),
    "else-break": (
        """\
        import requests


        def handler(event, context):
            while True:
                try:
                    response = requests.get(event["url"], timeout=3)
                except requests.Timeout:
                    continue
                else:
                    break
            return response.json()
        """,
        [(5, 5)],
    ),
    # The counter grows but nothing compares it with a limit.
    "counter-never-tested": (
        """\
        import time

        import boto3

        dynamodb = boto3.client("dynamodb")


        def handler(event, context):
            attempt = 0
            while True:
                try:
                    dynamodb.put_item(TableName="t", Item=event["item"])
                    return
                except dynamodb.exceptions.ProvisionedThroughputExceededException:
                    attempt += 1
                    time.sleep(2**attempt)
        """,
        [(10, 5)],
    ),
    # The page is retried with the same key until it works: the key changes only on success.
    "pagination-retry": (
        """\
        import time

        import boto3
        from botocore.exceptions import ClientError

        table = boto3.resource("dynamodb").Table("orders")


        def handler(event, context):
            kwargs = {}
            items = []
            while True:
                try:
                    page = table.scan(**kwargs)
                except ClientError:
                    time.sleep(1)
                    continue
                items.extend(page["Items"])
                if "LastEvaluatedKey" not in page:
                    break
                kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
            return items
        """,
        [(12, 5)],
    ),
    "async": (
        """\
        import asyncio

        import httpx


        async def fetch(client: httpx.AsyncClient, url: str):
            while True:
                try:
                    response = await client.get(url)
                    response.raise_for_status()
                    return response.json()
                except httpx.HTTPError:
                    await asyncio.sleep(1)
        """,
        [(7, 5)],
    ),
    # The exit is after the `try`, on the success path.
    "exit-after-try": (
        """\
        import time

        import requests


        def handler(event, context):
            while True:
                try:
                    response = requests.get(event["url"], timeout=3)
                except requests.RequestException:
                    response = None
                if response is not None and response.ok:
                    return response.json()
                time.sleep(2)
        """,
        [(7, 5)],
    ),
    "bare-except-inside-with": (
        """\
        import threading

        lock = threading.Lock()


        def handler(event, context):
            while True:
                with lock:
                    try:
                        return context.client.invoke(FunctionName="f")
                    except:
                        pass
        """,
        [(7, 5)],
    ),
    # The inner loop retries; the outer one walks the records.
    "nested-in-record-loop": (
        """\
        import time


        def handler(event, context):
            for record in event["Records"]:
                while True:
                    try:
                        context.sink.put(record)
                        break
                    except OSError:
                        time.sleep(1)
        """,
        [(6, 9)],
    ),
    # Scripts too: a loop at module level.
    "module-level": (
        """\
        import time
        import urllib.request

        while True:
            try:
                urllib.request.urlopen("http://localhost:8080/health", timeout=1)
                break
            except OSError:
                time.sleep(1)
        """,
        [(4, 1)],
    ),
    # The payload is computed again on each pass, but it is the same payload.
    "same-payload-each-pass": (
        """\
        import json
        import time

        import boto3

        kinesis = boto3.client("kinesis")


        def handler(event, context):
            while True:
                response = None
                payload = json.dumps(event)
                try:
                    response = kinesis.put_record(StreamName="s", Data=payload, PartitionKey="k")
                    break
                except kinesis.exceptions.ProvisionedThroughputExceededException as error:
                    errors = [error]
                    time.sleep(1)
            return response
        """,
        [(10, 5)],
    ),
    # Failures are collected but never counted against a limit.
    "errors-collected-never-tested": (
        """\
        import time


        def handler(event, context):
            errors = []
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception as error:
                    errors.append(error)
                    time.sleep(1)
        """,
        [(6, 5)],
    ),
    # A `match` that leaves for one status and goes round for the others.
    "match": (
        """\
        import requests


        def handler(event, context):
            while True:
                try:
                    status = requests.get(event["url"], timeout=3).status_code
                except requests.RequestException:
                    continue
                match status:
                    case 200:
                        return True
                    case _:
                        pass
        """,
        [(5, 5)],
    ),
}


@pytest.mark.parametrize("name", list(LOOPS))
def test_unbounded_while_loop(tmp_path: Path, name: str) -> None:
    code, expected = LOOPS[name]
    assert positions(tmp_path, code) == expected


def test_loop_message_names_the_loop_and_the_handler(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, LOOPS["flag-loop"][0])
    assert finding.message.startswith(
        "`while not sent` retries a failing call with no bound: its "
        "`except requests.RequestException` handler goes back to the loop"
    )
    assert finding.severity is Severity.WARNING


def test_loop_is_reported_in_any_module(tmp_path: Path) -> None:
    """Not only per invocation: init code, helpers no handler calls and scripts too."""
    code = """\
        import time


        def wait_for_database(connect):
            while True:
                try:
                    return connect()
                except ConnectionError:
                    time.sleep(1)
        """
    found = run(tmp_path, code, filename="scripts/wait.py")
    assert [(d.path, d.start.row, d.start.column) for d in found] == [("scripts/wait.py", 5, 5)]


# -- recursion on error --------------------------------------------------------------------

RECURSION = {
    "same-arguments": (
        """\
        import requests


        def fetch(url):
            try:
                return requests.get(url, timeout=3).json()
            except requests.RequestException:
                return fetch(url)
        """,
        [(8, 16)],
    ),
    "method": (
        """\
        import boto3


        class Tokens:
            def __init__(self):
                self.sts = boto3.client("sts")

            def get(self, role):
                try:
                    return self.sts.assume_role(RoleArn=role, RoleSessionName="s")
                except self.sts.exceptions.ClientError:
                    return self.get(role)
        """,
        [(12, 20)],
    ),
    "counter-never-tested": (
        """\
        def save(table, item, attempt=0):
            try:
                table.put_item(Item=item)
            except Exception:
                save(table, item, attempt + 1)
        """,
        [(5, 9)],
    ),
    "counter-bumped-before": (
        """\
        def save(table, item, attempt=0):
            try:
                table.put_item(Item=item)
            except Exception:
                attempt += 1
                save(table, item, attempt=attempt)
        """,
        [(6, 9)],
    ),
    "async-nested-handler": (
        """\
        import asyncio


        async def publish(client, message):
            try:
                await client.publish(message)
            except ConnectionError as error:
                try:
                    await asyncio.sleep(1)
                finally:
                    await publish(client, message)
        """,
        [(11, 19)],
    ),
    "keyword-literal-untested": (
        """\
        def load(client, key, strict=True):
            try:
                return client.get(key)
            except KeyError:
                return load(client, key, strict=False)
        """,
        [(5, 16)],
    ),
}


@pytest.mark.parametrize("name", list(RECURSION))
def test_recursion_on_error(tmp_path: Path, name: str) -> None:
    code, expected = RECURSION[name]
    assert positions(tmp_path, code) == expected


def test_recursion_messages(tmp_path: Path) -> None:
    (same,) = run(tmp_path, RECURSION["same-arguments"][0])
    assert same.message.startswith(
        "`fetch()` calls itself from its `except` handler with the same arguments"
    )
    (counter,) = run(tmp_path, RECURSION["counter-never-tested"][0])
    assert "with `attempt + 1` but never tests `attempt`" in counter.message
    (reset,) = run(tmp_path, RECURSION["keyword-literal-untested"][0])
    assert "with `strict` set again but never tests it" in reset.message


# -- retry libraries --------------------------------------------------------------------------

LIBRARIES = {
    "tenacity-bare": (
        """\
        from tenacity import retry


        @retry
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 2)],
        "`@retry` without arguments retries forever (tenacity's default)",
    ),
    "tenacity-module-bare": (
        """\
        import tenacity


        class Publisher:
            @tenacity.retry
            def publish(self, body):
                self.client.publish(Message=body)
        """,
        [(5, 6)],
        "`@tenacity.retry` without arguments",
    ),
    "tenacity-empty-call": (
        """\
        import tenacity


        @tenacity.retry()
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 2)],
        "`tenacity.retry(...)` sets no `stop`",
    ),
    "tenacity-alias": (
        """\
        import tenacity as t


        @t.retry(wait=t.wait_exponential(max=10), retry=t.retry_if_exception_type(IOError))
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 2)],
        "`t.retry(...)` sets no `stop`",
    ),
    "tenacity-renamed": (
        """\
        from tenacity import retry as with_retries


        @with_retries
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 2)],
        "`@with_retries` without arguments",
    ),
    "tenacity-call-not-decorator": (
        """\
        from tenacity import retry, wait_fixed


        def handler(event, context):
            publish = retry(wait=wait_fixed(1))(context.client.publish)
            return publish(Message="x")
        """,
        [(5, 15)],
        "`retry(...)` sets no `stop`",
    ),
    "tenacity-retrying": (
        """\
        from tenacity import Retrying, wait_fixed


        def handler(event, context):
            for attempt in Retrying(wait=wait_fixed(1)):
                with attempt:
                    return context.client.get(event["key"])
        """,
        [(5, 20)],
        "`Retrying(...)` sets no `stop`",
    ),
    "tenacity-async-retrying": (
        """\
        import tenacity


        async def fetch(client, key):
            async for attempt in tenacity.AsyncRetrying(reraise=True):
                with attempt:
                    return await client.get(key)
        """,
        [(5, 26)],
        "`tenacity.AsyncRetrying(...)` sets no `stop`",
    ),
    "tenacity-stop-never": (
        """\
        import tenacity


        @tenacity.retry(stop=tenacity.stop_never, wait=tenacity.wait_fixed(1))
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 22)],
        "`tenacity.retry(stop=tenacity.stop_never)` retries forever",
    ),
    "tenacity-stop-none": (
        """\
        from tenacity import retry


        @retry(stop=None)
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 2)],
        "sets no `stop`",
    ),
    "backoff-on-exception": (
        """\
        import backoff
        import requests


        @backoff.on_exception(backoff.expo, requests.RequestException)
        def post(url, body):
            return requests.post(url, json=body, timeout=3)
        """,
        [(5, 2)],
        "`backoff.on_exception(...)` sets no `max_tries` or `max_time`",
    ),
    "backoff-on-predicate-alias": (
        """\
        import backoff as bo


        @bo.on_predicate(bo.constant, interval=2)
        def ready(client, job):
            return client.describe(job)["done"]
        """,
        [(4, 2)],
        "backoff retries forever by default",
    ),
    "backoff-max-tries-none": (
        """\
        from backoff import expo, on_exception


        @on_exception(expo, ConnectionError, max_tries=None)
        def post(client, body):
            return client.post(body)
        """,
        [(4, 2)],
        "sets no `max_tries` or `max_time`",
    ),
    "retrying-bare": (
        """\
        from retrying import retry


        @retry
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 2)],
        "(retrying's default)",
    ),
    "retrying-no-stop": (
        """\
        import retrying


        @retrying.retry(wait_fixed=2000)
        def publish(client, body):
            client.publish(Message=body)
        """,
        [(4, 2)],
        "`stop_max_attempt_number`",
    ),
}


@pytest.mark.parametrize("name", list(LIBRARIES))
def test_retry_library_without_bound(tmp_path: Path, name: str) -> None:
    code, expected, message = LIBRARIES[name]
    found = run(tmp_path, code)
    assert [(d.start.row, d.start.column) for d in found] == expected
    assert message in found[0].message


# -- botocore retry settings -----------------------------------------------------------------

CONFIGS = {
    "botocore-config": (
        """\
        import boto3
        from botocore.config import Config

        s3 = boto3.client("s3", config=Config(retries={"max_attempts": 50}))
        """,
        "",
        [(4, 64)],
    ),
    "botocore-module": (
        """\
        import boto3
        import botocore.config

        CONFIG = botocore.config.Config(
            connect_timeout=2,
            retries={
                "mode": "adaptive",
                "total_max_attempts": 30,
            },
        )
        """,
        "",
        [(8, 31)],
    ),
    "botocore-client-config": (
        """\
        from botocore.client import Config as BotoConfig

        CONFIG = BotoConfig(retries=dict(max_attempts=11))
        """,
        "",
        [(3, 47)],
    ),
    "boto3-session-config": (
        """\
        from boto3.session import Config

        CONFIG = Config(retries={"max_attempts": 12, "total_max_attempts": 13})
        """,
        "",
        [(3, 42), (3, 68)],
    ),
    "aiobotocore": (
        """\
        from aiobotocore.config import AioConfig

        CONFIG = AioConfig(retries={"max_attempts": 100})
        """,
        "",
        [(3, 45)],
    ),
    "configured-limit": (
        """\
        from botocore.config import Config

        CONFIG = Config(retries={"max_attempts": 4})
        """,
        "max-sdk-attempts = 3\n",
        [(3, 42)],
    ),
}


@pytest.mark.parametrize("name", list(CONFIGS))
def test_sdk_attempts_above_limit(tmp_path: Path, name: str) -> None:
    code, options, expected = CONFIGS[name]
    assert positions(tmp_path, code, options) == expected


def test_sdk_attempts_message(tmp_path: Path) -> None:
    (finding,) = run(tmp_path, CONFIGS["botocore-config"][0])
    assert finding.message.startswith(
        "`max_attempts: 50` lets the SDK retry a call up to 50 times with backoff, more "
        "than the `max-sdk-attempts` limit (10)"
    )


# -- near-misses: all silent ----------------------------------------------------------------

NEAR_MISSES = {
    "for-range": """\
        import time


        def handler(event, context):
            for attempt in range(3):
                try:
                    return context.client.get(event["key"])
                except Exception:
                    time.sleep(2**attempt)
            raise RuntimeError("gave up")
        """,
    "while-counter-test": """\
        MAX = 3


        def handler(event, context):
            attempt = 0
            while attempt < MAX:
                attempt += 1
                try:
                    return context.client.get(event["key"])
                except Exception:
                    continue
        """,
    "while-retries-left": """\
        def handler(event, context):
            retries = 3
            while retries:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    retries -= 1
        """,
    "counter-checked-in-handler": """\
        import time


        def handler(event, context):
            attempts = 0
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    attempts += 1
                    if attempts >= 5:
                        raise
                    time.sleep(attempts)
        """,
    # The check sends the loop round (`continue`) and the `raise` comes after it.
    "counter-check-continues": """\
        def handler(event, context):
            attempt = 0
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    attempt = attempt + 1
                    if attempt < 3:
                        continue
                    raise
        """,
    "counter-assert": """\
        def handler(event, context):
            tries = 0
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    tries += 1
                    assert tries < 5, "gave up"
        """,
    "errors-collected": """\
        def handler(event, context):
            errors = []
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception as error:
                    errors.append(error)
                    if len(errors) > 3:
                        raise
        """,
    "bound-named-elsewhere": """\
        def handler(event, context):
            state = context.state
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    if state.attempts > state.MAX_ATTEMPTS:
                        break
                    state.bump()
        """,
    "deadline-monotonic": """\
        import time


        def handler(event, context):
            deadline = time.monotonic() + 10
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(1)
        """,
    "deadline-alias-and-elapsed": """\
        from time import time as now


        def handler(event, context):
            start = now()
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    elapsed = now() - start
                    if elapsed > 30:
                        return None
        """,
    "deadline-clock-alias": """\
        from time import monotonic as clock


        def handler(event, context):
            finish = clock() + 20
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    if clock() > finish:
                        raise
        """,
    "deadline-datetime": """\
        import datetime


        def handler(event, context):
            stop_at = context.stop_at
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    if datetime.datetime.now() >= stop_at:
                        raise
        """,
    "deadline-in-test": """\
        import time


        def handler(event, context):
            end = time.time() + 10
            while time.time() < end:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    time.sleep(1)
        """,
    "remaining-time-test": """\
        import time


        def handler(event, context):
            while context.get_remaining_time_in_millis() > 5000:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    time.sleep(1)
        """,
    "remaining-time-in-handler": """\
        def handler(event, context):
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    if context.get_remaining_time_in_millis() < 2000:
                        raise
        """,
    "poll-without-try": """\
        import time


        def wait(client, arn):
            while True:
                status = client.describe_execution(executionArn=arn)["status"]
                if status != "RUNNING":
                    return status
                time.sleep(3)
        """,
    "handler-reraises": """\
        import logging


        def handler(event, context):
            while True:
                try:
                    return context.client.get(event["key"])
                except Exception:
                    logging.exception("get failed")
                    raise
        """,
    "handler-returns-or-breaks": """\
        def handler(event, context):
            result = None
            while True:
                try:
                    result = context.client.get(event["key"])
                    break
                except KeyError:
                    break
                except ValueError:
                    return None
            return result
        """,
    "handler-exits-process": """\
        import sys


        while True:
            try:
                import_job = open("job.json").read()
                break
            except OSError:
                sys.exit(1)
        """,
    "flag-set-in-handler": """\
        def handler(event, context):
            done = False
            while not done:
                try:
                    context.client.put(event)
                    done = True
                except Exception:
                    done = True
        """,
    "generator-next": """\
        def items(source):
            iterator = iter(source)
            while True:
                try:
                    value = next(iterator)
                except StopIteration:
                    break
                yield value
        """,
    "generator-yield-in-try": """\
        def values(client):
            while True:
                try:
                    yield client.get()
                except Exception:
                    continue
        """,
    # A worker takes a new job on each pass: a failure moves on to the next one.
    "worker-fresh-input": """\
        import json


        def work(jobs):
            while True:
                job = jobs.get()
                try:
                    result = json.loads(job)
                    if result.get("last"):
                        break
                except ValueError:
                    continue
        """,
    "worker-without-exit": """\
        import logging


        def work(queue_client):
            while True:
                messages = queue_client.receive()
                try:
                    queue_client.process(messages)
                except Exception:
                    logging.exception("failed")
        """,
    "readline": """\
        def header(stream):
            while True:
                try:
                    line = stream.readline()
                    return line.decode()
                except UnicodeDecodeError:
                    continue
        """,
    "interactive-input": """\
        def ask():
            while True:
                try:
                    return int(input("number: "))
                except ValueError:
                    print("not a number")
        """,
    # Signals, not failures.
    "keyboard-interrupt": """\
        def wait(process):
            while True:
                try:
                    process.wait()
                    break
                except KeyboardInterrupt:
                    pass
        """,
    "queue-empty": """\
        import queue


        def take(jobs: queue.Queue):
            while True:
                try:
                    return jobs.get(timeout=1)
                except queue.Empty:
                    continue
        """,
    "interrupted-system-call": """\
        import os


        def read_all(fd):
            while True:
                try:
                    return os.read(fd, 1024)
                except (InterruptedError, BlockingIOError):
                    continue
        """,
    # The handler changes the call's input: the next pass makes a different call.
    "handler-changes-input": """\
        import os


        def find_archive(path):
            while True:
                try:
                    return os.stat(path)
                except OSError:
                    parent = os.path.dirname(path)
                    if parent == path:
                        raise
                    path = parent
        """,
    "fresh-name-each-pass": """\
        import os
        import uuid


        def create(directory):
            while True:
                name = os.path.join(directory, uuid.uuid4().hex)
                try:
                    return open(name, "x")
                except FileExistsError:
                    continue
        """,
    # Loops that work through their state: the handler or the pass consumes it.
    "handler-pops-state": """\
        def import_longest(parts):
            while parts:
                try:
                    return __import__(".".join(parts))
                except ImportError:
                    parts.pop()
        """,
    "handler-deletes-state": """\
        def lookup(table, path):
            while path:
                try:
                    return table[".".join(path)]
                except KeyError:
                    del path[-1]
        """,
    "pass-consumes-state": """\
        import os


        def resolve(rest):
            while rest:
                name, _, rest = rest.partition("/")
                try:
                    return os.lstat(name)
                except OSError:
                    continue
        """,
    "try-without-call": """\
        def first(mapping, keys):
            while True:
                try:
                    return mapping[keys[0]]
                except KeyError:
                    keys = keys[1:]
        """,
    # The retry's own loop is a `for`: the `while` around it is not retrying.
    "retry-inside-for": """\
        def handler(event, context):
            while True:
                for attempt in range(3):
                    try:
                        return context.client.get(event["key"])
                    except Exception:
                        continue
                break
        """,
    # Bounded retry libraries.
    "tenacity-stop": """\
        from tenacity import retry, retry_if_exception_type, stop_after_attempt


        @retry(retry=retry_if_exception_type(IOError), stop=stop_after_attempt(5))
        def fetch(client, key):
            return client.get(key)
        """,
    "tenacity-combined-stop": """\
        import tenacity as t


        @t.retry(stop=(t.stop_after_delay(10) | t.stop_after_attempt(3)))
        def fetch(client, key):
            return client.get(key)


        def handler(event, context):
            for attempt in t.Retrying(stop=t.stop_after_attempt(2)):
                with attempt:
                    return fetch(context.client, event["key"])
        """,
    "tenacity-options-spread": """\
        from tenacity import retry

        RETRY = {"reraise": True}


        @retry(**RETRY)
        def fetch(client, key):
            return client.get(key)
        """,
    "backoff-bounded": """\
        import backoff


        @backoff.on_exception(backoff.expo, ConnectionError, max_tries=4)
        def post(client, body):
            return client.post(body)


        @backoff.on_predicate(backoff.fibo, max_time=30)
        def ready(client, job):
            return client.describe(job)["done"]
        """,
    "retrying-bounded": """\
        from retrying import retry


        @retry(stop_max_attempt_number=3)
        def post(client, body):
            return client.post(body)
        """,
    # A `retry` that is not tenacity's.
    "local-retry-decorator": """\
        def retry(function):
            return function


        @retry
        def post(client, body):
            return client.post(body)
        """,
    "project-retry-module": """\
        from .utils import retry


        @retry
        def post(client, body):
            return client.post(body)
        """,
    # botocore settings within the limit, or not literal.
    "config-within-limit": """\
        import os

        from botocore.config import Config

        A = Config(retries={"max_attempts": 5, "mode": "standard"})
        B = Config(retries={"max_attempts": 10})
        C = Config(retries={"max_attempts": int(os.environ["ATTEMPTS"])})
        D = Config(retries={"total_max_attempts": 2, "max_attempts": 5})
        """,
    "other-config": """\
        from myapp.config import Config

        SETTINGS = Config(retries={"max_attempts": 50})
        """,
    # Recursion that is bounded, or that is no retry.
    "recursion-counter-tested": """\
        def fetch(client, key, attempt=1):
            try:
                return client.get(key)
            except ConnectionError:
                if attempt >= 3:
                    raise
                return fetch(client, key, attempt + 1)
        """,
    "recursion-retries-left": """\
        def fetch(client, key, retries=3):
            if not retries:
                raise RuntimeError("gave up")
            try:
                return client.get(key)
            except ConnectionError:
                return fetch(client, key, retries - 1)
        """,
    "recursion-deadline": """\
        import time


        def fetch(client, key, deadline):
            try:
                return client.get(key)
            except ConnectionError:
                if time.monotonic() > deadline:
                    raise
                return fetch(client, key, deadline)
        """,
    "recursion-flag-tested": """\
        import os


        def make_dirs(path, parents=False):
            try:
                os.mkdir(path)
            except FileNotFoundError:
                if not parents:
                    raise
                make_dirs(os.path.dirname(path), parents=True)
                make_dirs(path, parents=False)
        """,
    "recursion-over-data": """\
        import os


        def sizes(path):
            try:
                return [os.path.getsize(path)]
            except IsADirectoryError:
                children = [os.path.join(path, name) for name in os.listdir(path)]
                return [size for child in children for size in sizes(child)]
        """,
    "recursion-outside-handler": """\
        def depth(node):
            try:
                children = node.children
            except AttributeError:
                return 0
            return 1 + max(depth(child) for child in children)
        """,
    "same-name-module-function-in-method": """\
        def fetch(client):
            return client.get()


        class Cache:
            def fetch(self, client):
                try:
                    return self.value
                except AttributeError:
                    return fetch(client)
        """,
}


@pytest.mark.parametrize("name", list(NEAR_MISSES))
def test_near_miss_is_silent(tmp_path: Path, name: str) -> None:
    found = run(tmp_path, NEAR_MISSES[name])
    assert found == [], [f"{d.start}: {d.message}" for d in found]


def test_config_limit_setting_silences(tmp_path: Path) -> None:
    code = CONFIGS["botocore-config"][0]
    assert positions(tmp_path, code, "max-sdk-attempts = 50\n") == []


# -- precision regressions: shapes from real code -------------------------------------------

# Each of these was reported by an earlier version of the rule on real code (CPython's
# standard library and its tests, installed packages, libraries vendored into the
# functions of aws-samples/serverless-patterns); none retries the same failing call
# without end.
REGRESSIONS = {
    # asyncio REPL: Ctrl-C cancels the running input and goes on.
    "repl-keyboard-interrupt": """\
        def run(loop, repl_future):
            while True:
                try:
                    loop.run_forever()
                except KeyboardInterrupt:
                    if repl_future and not repl_future.done():
                        repl_future.cancel()
                    continue
                else:
                    break
        """,
    # asyncio.Condition.wait: re-acquire the lock after a cancellation.
    "cancelled-error": """\
        from asyncio import exceptions


        async def reacquire(lock):
            cancelled = False
            while True:
                try:
                    await lock.acquire()
                    break
                except exceptions.CancelledError:
                    cancelled = True
            return cancelled
        """,
    # distutils' build_py: shorten the package path until it is known.
    "shorten-path-in-handler": """\
        def get_package_dir(package_dir, path):
            tail = []
            while path:
                try:
                    pdir = package_dir[".".join(path)]
                except KeyError:
                    tail.insert(0, path[-1])
                    del path[-1]
                else:
                    tail.insert(0, pdir)
                    return "/".join(tail)
        """,
    # unittest's loader: drop the last part of a dotted name until it imports.
    "pop-in-handler-assignment": """\
        def import_prefix(parts_copy):
            while parts_copy:
                try:
                    module = __import__(".".join(parts_copy))
                    break
                except ImportError:
                    next_attribute = parts_copy.pop()
                    if not parts_copy:
                        return None
            return module, next_attribute
        """,
    # zipfile: fall back to the next open mode.
    "next-mode-in-handler": """\
        import io

        MODES = {"r+b": "w+b", "w+b": "wb"}


        def open_archive(file, filemode):
            while True:
                try:
                    fp = io.open(file, filemode)
                except OSError:
                    if filemode in MODES:
                        filemode = MODES[filemode]
                        continue
                    raise
                break
            return fp
        """,
    # socket.sendfile: a non-blocking socket that is not ready yet.
    "blocking-io": """\
        def send_all(sock_send, data):
            total = 0
            while True:
                try:
                    sent = sock_send(data)
                except BlockingIOError:
                    continue
                else:
                    total += sent
                    if sent < len(data):
                        data = data[sent:]
                    else:
                        break
            return total
        """,
    # uu: each pass reads a line, and the `try` works on what is computed from it.
    "derived-from-fresh-line": """\
        def find_begin(in_file):
            while True:
                hdr = in_file.readline()
                if not hdr:
                    raise ValueError("No valid begin line found in input file")
                if not hdr.startswith(b"begin"):
                    continue
                hdrfields = hdr.split(b" ", 2)
                if len(hdrfields) == 3 and hdrfields[0] == b"begin":
                    try:
                        int(hdrfields[1], 8)
                        break
                    except ValueError:
                        pass
            return hdrfields
        """,
    # multiprocessing.shared_memory: a fresh random name on each pass.
    "random-name": """\
        import secrets


        def create(shm_open, flags):
            while True:
                name = "/psm_" + secrets.token_hex(4)
                try:
                    fd = shm_open(name, flags)
                except FileExistsError:
                    continue
                break
            return fd, name
        """,
    # idlelib's rpc: an empty queue is no failure.
    "queue-empty-poll": """\
        import queue


        def serve(response_queue, poll):
            while True:
                try:
                    qmsg = response_queue.get(0)
                except queue.Empty:
                    pass
                else:
                    print(qmsg)
                message = poll()
                if message is None:
                    return None
        """,
    # urllib3's pyOpenSSL support: wait for the socket, then read again.
    "want-read-recursion": """\
        import OpenSSL


        class WrappedSocket:
            def recv(self, *args, **kwargs):
                try:
                    return self.connection.recv(*args, **kwargs)
                except OpenSSL.SSL.WantReadError:
                    if not self.wait_for_read(self.socket):
                        raise TimeoutError("read timed out")
                    return self.recv(*args, **kwargs)

            def _send_until_done(self, data):
                while True:
                    try:
                        return self.connection.send(data)
                    except OpenSSL.SSL.WantWriteError:
                        if not self.wait_for_write(self.socket):
                            raise TimeoutError()
                        continue
        """,
    # PyMySQL, pika: a system call interrupted by a signal is made again.
    "eintr": """\
        import errno
        import socket


        def connect(host, port, timeout):
            while True:
                try:
                    sock = socket.create_connection((host, port), timeout)
                    break
                except OSError as e:
                    if e.errno == errno.EINTR:
                        continue
                    raise
            return sock


        def poll(kqueue, wait, is_resumable):
            while True:
                try:
                    events = kqueue.control(None, 1000, wait)
                    break
                except OSError as error:
                    if is_resumable(error):
                        continue
                    raise
            return events
        """,
    # urllib3's SSLTransport: WANT_READ / WANT_WRITE are expected, others are not.
    "ssl-want-errno": """\
        import ssl


        def ssl_io_loop(func, outgoing, sock):
            should_loop = True
            ret = None
            while should_loop:
                errno = None
                try:
                    ret = func()
                except ssl.SSLError as e:
                    if e.errno not in (ssl.SSL_ERROR_WANT_READ, ssl.SSL_ERROR_WANT_WRITE):
                        raise e
                    errno = e.errno
                sock.sendall(outgoing.read())
                if errno is None:
                    should_loop = False
            return ret
        """,
    # s3transfer's bandwidth limiter: another thread ends the loop through its flag.
    "flag-set-elsewhere": """\
        class Limiter:
            def consume(self, amount):
                while not self._coordinator.exception:
                    try:
                        self._bucket.consume(amount)
                        return
                    except RequestExceededException as e:
                        self._time.sleep(e.retry_time)
        """,
    # cfn-lint: `cls.__init__(self)` of a base class is no recursion.
    "base-class-init": """\
        def node_class(cls):
            class Node(cls):
                def __init__(self, x, mark=None):
                    try:
                        cls.__init__(self, x)
                    except TypeError:
                        cls.__init__(self)
                    self.mark = mark

            return Node
        """,
    # pygments: the name is rebound to another function in the handler.
    "rebound-name": """\
        def iter_entry_points(group_name):
            try:
                from importlib.metadata import entry_points
            except ImportError:
                from pkg_resources import iter_entry_points

                return iter_entry_points(group_name)
            return entry_points(group=group_name)
        """,
    # rich: the fallback becomes the argument, and without a fallback it raises.
    "fallback-argument": """\
        class Console:
            def get_style(self, name, default=None):
                try:
                    return self._theme.get(name) or parse(name)
                except StyleSyntaxError as error:
                    if default is not None:
                        return self.get_style(default)
                    raise MissingStyle(name) from error
        """,
    # click's prompt: each pass asks again (in a nested loop) before the `try`.
    "prompt-in-nested-loop": """\
        def prompt(prompt_func, value_proc, text):
            while True:
                while True:
                    value = prompt_func(text)
                    if value:
                        break
                try:
                    result = value_proc(value)
                except UsageError as e:
                    print(e.message)
                    continue
                return result
        """,
    # jedi's generator cache: the handler takes the next element itself.
    "handler-takes-next": """\
        def cached(generator, cached_lst):
            i = 0
            while True:
                try:
                    element = cached_lst[i]
                    if element is None:
                        return
                except IndexError:
                    element = next(generator, None)
                    if element is None:
                        return
                    cached_lst.append(element)
                yield element
                i += 1
        """,
    # antlr's lexer: the loop ends on the lexer's state, not on the call's success.
    "exit-on-other-state": """\
        def next_token(self):
            while True:
                self._type = INVALID
                ttype = SKIP
                try:
                    ttype = self._interp.match(self._input, self._mode)
                except LexerNoViableAltException as e:
                    self.recover(e)
                if self._input.LA(1) == EOF:
                    self._hit_eof = True
                if self._type == INVALID:
                    self._type = ttype
                if self._type != MORE:
                    break
        """,
    # mrab-regex: the handler records the error, which is raised after the `try`.
    "error-raised-after-try": """\
        def compile_pattern(pattern, flags, parse):
            global_flags = flags
            while True:
                caught_exception = None
                try:
                    parsed = parse(pattern, global_flags)
                    break
                except UnscopedFlagSet as e:
                    global_flags = e.global_flags
                except ValueError as e:
                    caught_exception = e
                if caught_exception:
                    raise RuntimeError(str(caught_exception))
            return parsed
        """,
    # trio: each `accept()` takes a new connection.
    "accept-loop": """\
        async def accept(listener):
            while True:
                try:
                    sock, _ = await listener.socket.accept()
                except OSError as exc:
                    if exc.errno not in IGNORABLE:
                        raise
                else:
                    return sock
        """,
    # prompt_toolkit: a full queue is back-pressure, not a failure.
    "queue-full": """\
        import queue


        def feed(q, item, quitting):
            while True:
                try:
                    q.put(item, timeout=1)
                except queue.Full:
                    if quitting():
                        return
                    continue
                else:
                    break
        """,
    # SymPy: a state flag set in the handler and tested before recursing.
    "recursion-state-flag": """\
        class Lambdified:
            def __call__(self, *args):
                try:
                    return self.func(*args)
                except ValueError:
                    if self.failure:
                        raise
                    self.failure = True
                    self.func = self.fallback
                    return self.__call__(*args)
        """,
    # SymPy's uniq: the handler grows the argument it passes again, and tests it.
    "recursion-grown-argument": """\
        def uniq(seq, result=None):
            result = result or []
            try:
                seen = set()
                for s in seq:
                    if s not in seen:
                        seen.add(s)
                        yield s
            except TypeError:
                if s not in result:
                    yield s
                    result.append(s)
                yield from uniq(seq, result)
        """,
    # SymPy's interactive traversal: a bad answer asks again.
    "recursion-interactive": """\
        def traverse(expr):
            choice = input("choice: ")
            try:
                index = int(choice)
            except ValueError:
                print("Choice must be a number")
                return traverse(expr)
            return expr.args[index]
        """,
    # pre-commit: `os.read` reads the next chunk of a pseudo-terminal.
    "os-read": """\
        import errno
        import os


        def read_all(fd):
            buf = b""
            while True:
                try:
                    chunk = os.read(fd, 4096)
                except OSError as e:
                    if e.errno == errno.EIO:
                        chunk = b""
                    else:
                        raise
                else:
                    buf += chunk
                if not chunk:
                    break
            return buf
        """,
}


@pytest.mark.parametrize("name", list(REGRESSIONS))
def test_precision_regression_is_silent(tmp_path: Path, name: str) -> None:
    found = run(tmp_path, REGRESSIONS[name])
    assert found == [], [f"{d.start}: {d.message}" for d in found]
