"""SL305 call-without-timeout: HTTP clients without a timeout in per-invocation code, the
near-misses from real code that must stay silent, the unsafe fix, and the botocore
`Config` timeouts checked against the function's timeout in serverless.yml, SAM and
CloudFormation."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent

import pytest
from conftest import codes_at, lint, write_tree

from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import apply_edits


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL305"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return result.diagnostics


def found(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int]]:
    return codes_at(run(tmp_path, files))


def handler_only(tmp_path: Path, code: str) -> list[tuple[int, int]]:
    return [(row, column) for _, _, row, column in found(tmp_path, {"handler.py": code})]


# -- calls that wait without limit ---------------------------------------------------------

REPORTED = {
    "requests-every-method": (
        """\
        import requests


        def handler(event, context):
            requests.get(event["u"])
            requests.post(event["u"], json={})
            requests.put(event["u"])
            requests.patch(event["u"])
            requests.delete(event["u"])
            requests.head(event["u"])
            requests.options(event["u"])
            requests.request("GET", event["u"])
        """,
        [(5, 5), (6, 5), (7, 5), (8, 5), (9, 5), (10, 5), (11, 5), (12, 5)],
    ),
    "from-import-alias": (
        """\
        from requests import get as fetch
        import requests as rq


        def handler(event, context):
            fetch(event["u"])
            rq.api.post(event["u"])
        """,
        [(6, 5), (7, 5)],
    ),
    "explicit-none-and-read-none": (
        """\
        import requests


        def handler(event, context):
            requests.get(event["u"], timeout=None)
            requests.get(event["u"], timeout=(3.05, None))
        """,
        [(5, 5), (6, 5)],
    ),
    "session-in-function-and-with": (
        """\
        import requests


        def handler(event, context):
            s = requests.Session()
            s.get(event["u"])
            with requests.session() as other:
                other.post(event["u"])
            requests.Session().delete(event["u"])
        """,
        [(6, 5), (8, 9), (9, 5)],
    ),
    "session-on-self": (
        """\
        import requests


        class Api:
            def __init__(self):
                self.http = requests.Session()

            def fetch(self, url):
                return self.http.get(url)


        def handler(event, context):
            return Api().fetch(event["u"])
        """,
        [(9, 16)],
    ),
    "session-subclass-without-timeout": (
        """\
        import requests


        class Authed(requests.Session):
            def __init__(self, token):
                super().__init__()
                self.headers["Authorization"] = token


        http = Authed("t")


        def handler(event, context):
            return http.get(event["u"])
        """,
        [(14, 12)],
    ),
    "session-with-plain-adapter": (
        """\
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        http = requests.Session()
        http.mount("https://", HTTPAdapter(max_retries=Retry(total=3)))


        def handler(event, context):
            return http.get(event["u"])
        """,
        [(10, 12)],
    ),
    "aliased-session-at-module-level": (
        """\
        from requests import Session as HttpSession

        http = HttpSession()


        def handler(event, context):
            return http.get(event["u"])
        """,
        [(7, 12)],
    ),
    "urlopen-and-opener": (
        """\
        import urllib.request


        def handler(event, context):
            urllib.request.urlopen(event["u"])
            urllib.request.urlopen(event["u"], b"data")
            urllib.request.build_opener().open(event["u"])
        """,
        [(5, 5), (6, 5), (7, 5)],
    ),
    "urllib3-pool-without-timeout": (
        """\
        import urllib3

        http = urllib3.PoolManager()


        def handler(event, context):
            http.request("PUT", event["ResponseURL"], body=b"{}")
            urllib3.request("GET", event["u"])
        """,
        [(7, 5), (8, 5)],
    ),
    "http-client-connection": (
        """\
        import http.client


        def handler(event, context):
            conn = http.client.HTTPSConnection(event["host"])
            conn.request("GET", "/")
            return conn.getresponse().read()
        """,
        [(5, 12)],
    ),
    "httpx-none": (
        """\
        import httpx

        shared = httpx.Client(timeout=None)


        def handler(event, context):
            httpx.get(event["u"], timeout=None)
            httpx.post(event["u"], timeout=httpx.Timeout(None))
            with httpx.Client(timeout=None) as client:
                client.get(event["u"])
            shared.get(event["u"])
        """,
        [(7, 5), (8, 5), (9, 10), (11, 5)],
    ),
    "helper-in-other-module": (
        """\
        import requests


        def notify(url):
            requests.post(url, json={"ok": True})
        """,
        [(5, 5)],
    ),
}


@pytest.mark.parametrize("case", sorted(REPORTED))
def test_reported(tmp_path: Path, case: str) -> None:
    code, expected = REPORTED[case]
    if case == "helper-in-other-module":
        files = {
            "notify.py": code,
            "handler.py": """\
                from notify import notify


                def handler(event, context):
                    notify(event["u"])
                """,
        }
        assert found(tmp_path, files) == [("notify.py", "SL305", row, col) for row, col in expected]
        return
    assert handler_only(tmp_path, code) == expected


def test_message_names_the_call_and_the_consequence(tmp_path: Path) -> None:
    (diagnostic,) = run(
        tmp_path,
        {
            "handler.py": """\
                import requests


                def handler(event, context):
                    return requests.get(event["u"])
                """
        },
    )
    assert diagnostic.message.startswith(
        "`requests.get` is called without a timeout: if the server stops answering, the "
        "invocation hangs until the function's own timeout ends it"
    )
    assert "pass `timeout=10`" in diagnostic.message


# -- near-misses -----------------------------------------------------------------------

SILENT = {
    "timeout-given": """\
        import requests


        def handler(event, context):
            requests.get(event["u"], timeout=5)
            requests.post(event["u"], timeout=(3.05, 27))
            requests.get(event["u"], timeout=TIMEOUT)
        """,
    "kwargs-may-carry-a-timeout": """\
        import requests


        def handler(event, context, **options):
            return requests.get(event["u"], **options)
        """,
    "partial": """\
        import functools

        import requests

        get = functools.partial(requests.get, timeout=5)


        def handler(event, context):
            return get(event["u"])
        """,
    # aws-samples style: a Session subclass that sets the timeout in `request`.
    "session-subclass-with-default": """\
        from requests import Session


        class TimeoutSession(Session):
            def __init__(self, timeout=5):
                super().__init__()
                self.timeout = timeout

            def request(self, method, url, **kwargs):
                kwargs.setdefault("timeout", self.timeout)
                return super().request(method, url, **kwargs)


        class Traced(TimeoutSession):
            pass


        def handler(event, context):
            s = Traced()
            s.get(event["u"])
            return TimeoutSession().post(event["u"])
        """,
    "session-with-timeout-adapter": """\
        import requests
        from requests.adapters import HTTPAdapter


        class TimeoutHTTPAdapter(HTTPAdapter):
            def send(self, request, **kwargs):
                kwargs["timeout"] = kwargs.get("timeout") or 5
                return super().send(request, **kwargs)


        http = requests.Session()
        http.mount("https://", TimeoutHTTPAdapter())


        def handler(event, context):
            return http.get(event["u"])
        """,
    "session-request-with-positional-timeout": """\
        import requests

        s = requests.Session()


        def handler(event, context):
            return s.request("GET", event["u"], None, None, None, None, None, None, 5)
        """,
    "urlopen-with-timeout": """\
        from urllib.request import urlopen


        def handler(event, context):
            urlopen(event["u"], timeout=5)
            urlopen(event["u"], None, 5)
        """,
    "urllib3-pool-with-timeout": """\
        import urllib3

        http = urllib3.PoolManager(timeout=urllib3.Timeout(connect=2, read=5))
        other = urllib3.PoolManager()


        def handler(event, context):
            http.request("GET", event["u"])
            other.request("GET", event["u"], timeout=3)
        """,
    "httpx-default": """\
        import httpx

        client = httpx.Client()


        def handler(event, context):
            httpx.get(event["u"])
            client.get(event["u"])
            with httpx.Client(timeout=10) as c:
                c.get(event["u"])
        """,
    "sessions-from-elsewhere": """\
        from shared.http import session, make_session


        def handler(event, context):
            session.get(event["u"])
            make_session().get(event["u"])
        """,
    "module-level-call": """\
        import requests

        SCHEMA = requests.get("https://example.com/schema.json").json()


        def handler(event, context):
            return SCHEMA
        """,
    "once-guard": """\
        import requests

        _keys = None


        def handler(event, context):
            global _keys
            if _keys is None:
                _keys = requests.get(event["jwks"]).json()
            return _keys
        """,
    "boto3-calls": """\
        import boto3

        s3 = boto3.client("s3")


        def handler(event, context):
            return s3.get_object(Bucket="b", Key="k")
        """,
    "other-objects-with-get": """\
        import os


        def handler(event, context):
            cache = {}
            cache.get("a")
            os.environ.get("X")
            return event.get("body")
        """,
    "powertools-wrappers": """\
        from aws_lambda_powertools.utilities import parameters


        def handler(event, context):
            return parameters.get_parameter("/app/url")
        """,
    "script-not-reached": """\
        import requests


        def main():
            requests.get("https://example.com")


        if __name__ == "__main__":
            main()
        """,
    "local-rebinding": """\
        import requests


        def handler(event, context):
            s = requests.Session()
            s = event["client"]
            return s.get(event["u"])
        """,
}


@pytest.mark.parametrize("case", sorted(SILENT))
def test_silent(tmp_path: Path, case: str) -> None:
    assert handler_only(tmp_path, SILENT[case]) == []


def test_tests_folder_not_reached_by_a_handler_is_silent(tmp_path: Path) -> None:
    files = {
        "serverless.yml": """\
            service: s
            provider:
              name: aws
              runtime: python3.12
            functions:
              api:
                handler: app.handler
            """,
        "app.py": """\
            def handler(event, context):
                return {"ok": True}
            """,
        "tests/test_app.py": """\
            import requests


            def test_endpoint():
                assert requests.get("http://localhost:3000").ok
            """,
    }
    assert found(tmp_path, files) == []


# -- the fix -----------------------------------------------------------------------------


def fixed(tmp_path: Path, code: str) -> str:
    source = dedent(code)
    (diagnostic,) = run(tmp_path, {"handler.py": source})
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.UNSAFE
    result = apply_edits(source, diagnostic.fix.edits)
    ast.parse(result)
    return result


FIXES = {
    "inline": (
        'def handler(event, context):\n    return requests.get(event["u"]).json()\n',
        'def handler(event, context):\n    return requests.get(event["u"], timeout=10).json()\n',
    ),
    "inline-trailing-comma": (
        'def handler(event, context):\n    return requests.get(event["u"],)\n',
        'def handler(event, context):\n    return requests.get(event["u"], timeout=10,)\n',
    ),
    "one-per-line-with-trailing-comma": (
        "def handler(event, context):\n"
        "    return requests.post(\n"
        '        event["u"],\n'
        '        json={"a": 1},  # the payload\n'
        "    )\n",
        "def handler(event, context):\n"
        "    return requests.post(\n"
        '        event["u"],\n'
        '        json={"a": 1},  # the payload\n'
        "        timeout=10,\n"
        "    )\n",
    ),
    "one-per-line-without-comma": (
        'def handler(event, context):\n    return requests.post(\n        event["u"]\n    )\n',
        "def handler(event, context):\n"
        "    return requests.post(\n"
        '        event["u"],\n'
        "        timeout=10\n"
        "    )\n",
    ),
    "comment-after-last-argument": (
        "def handler(event, context):\n"
        "    return requests.post(\n"
        '        event["u"]  # url\n'
        "    )\n",
        "def handler(event, context):\n"
        "    return requests.post(\n"
        '        event["u"],  # url\n'
        "        timeout=10\n"
        "    )\n",
    ),
    "closing-paren-on-last-line": (
        'def handler(event, context):\n    return requests.post(\n        event["u"], json={})\n',
        "def handler(event, context):\n"
        "    return requests.post(\n"
        '        event["u"], json={}, timeout=10)\n',
    ),
    "explicit-none-replaced": (
        'def handler(event, context):\n    return requests.get(event["u"], timeout=None)\n',
        'def handler(event, context):\n    return requests.get(event["u"], timeout=10)\n',
    ),
    "read-none-replaced": (
        'def handler(event, context):\n    return requests.get(event["u"], timeout=(3, None))\n',
        'def handler(event, context):\n    return requests.get(event["u"], timeout=10)\n',
    ),
}


@pytest.mark.parametrize("case", sorted(FIXES))
def test_fix(tmp_path: Path, case: str) -> None:
    before, after = FIXES[case]
    assert fixed(tmp_path, "import requests\n\n\n" + before) == "import requests\n\n\n" + after


def test_fix_for_urlopen_uses_the_configured_default(tmp_path: Path) -> None:
    files = {
        "pyproject.toml": "[tool.slint]\ndefault-timeout = 4\n",
        "handler.py": (
            "from urllib.request import urlopen\n\n\n"
            "def handler(event, context):\n"
            '    return urlopen(event["u"]).read()\n'
        ),
    }
    (diagnostic,) = run(tmp_path, files)
    assert "pass `timeout=4`" in diagnostic.message
    assert diagnostic.fix is not None
    assert diagnostic.fix.message == "Pass `timeout=4` to `urlopen`"
    assert apply_edits(files["handler.py"], diagnostic.fix.edits).endswith(
        'urlopen(event["u"], timeout=4).read()\n'
    )


def test_call_on_a_client_made_with_none_has_no_fix(tmp_path: Path) -> None:
    (diagnostic,) = run(
        tmp_path,
        {
            "handler.py": """\
                import httpx

                client = httpx.Client(timeout=None)


                def handler(event, context):
                    return client.get(event["u"])
                """
        },
    )
    assert "runs on a client created with `timeout=None`" in diagnostic.message
    assert diagnostic.fix is None


# -- botocore Config against the function's timeout ------------------------------------

CONFIG_CODE = """\
    import boto3
    from botocore.config import Config


    def call(name):
        config = Config(connect_timeout=5, read_timeout=120, retries={"max_attempts": 2})
        return boto3.client("lambda", config=config).invoke(FunctionName=name)


    def handler(event, context):
        return call(event["name"])
    """


def test_config_in_a_helper_against_serverless_inherited_timeout(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "serverless.yml": """\
                service: s
                provider:
                  name: aws
                  runtime: python3.12
                  timeout: 60
                functions:
                  start:
                    handler: handler.handler
                """,
            "handler.py": CONFIG_CODE,
        },
    )
    assert codes_at(diagnostics) == [("handler.py", "SL305", 6, 14)]
    assert diagnostics[0].message.startswith(
        "botocore `Config` with `read_timeout=120` lets one SDK call wait 120 s, longer than "
        "function `start`'s timeout 60 s (inherited from serverless.yml:5): a stalled call"
    )


def test_config_against_sam_globals(tmp_path: Path) -> None:
    files = {
        "template.yaml": """\
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Timeout: 100
            Resources:
              Fast:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: handler.handler
                  Runtime: python3.12
                  Timeout: 20
              Slow:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: handler.handler
                  Runtime: python3.12
            """,
        "handler.py": CONFIG_CODE,
    }
    diagnostics = run(tmp_path, files)
    assert codes_at(diagnostics) == [("handler.py", "SL305", 6, 14)] * 2
    assert "function `Fast`'s timeout 20 s (template.yaml:11)" in diagnostics[0].message
    assert "function `Slow`'s timeout 100 s" in diagnostics[1].message


def test_config_against_cloudformation(tmp_path: Path) -> None:
    files = {
        "template.yaml": """\
            AWSTemplateFormatVersion: "2010-09-09"
            Resources:
              Starter:
                Type: AWS::Lambda::Function
                Properties:
                  Handler: handler.handler
                  Runtime: python3.12
                  Role: arn:aws:iam::123456789012:role/starter
                  Code: .
            """,
        "handler.py": CONFIG_CODE,
    }
    diagnostics = run(tmp_path, files)
    assert codes_at(diagnostics) == [("handler.py", "SL305", 6, 14)]
    assert "default timeout 3 s (template.yaml:3)" in diagnostics[0].message
    assert "`connect_timeout=5`" in diagnostics[0].message  # 5 s is above 3 s too


CONFIG_SILENT = {
    "fits": "Config(connect_timeout=2, read_timeout=25)",
    "equal": "Config(read_timeout=30)",
    "not-a-literal": 'Config(read_timeout=int(os.environ["READ"]))',
    "no-timeouts": 'Config(retries={"max_attempts": 10})',
}


@pytest.mark.parametrize("case", sorted(CONFIG_SILENT))
def test_config_that_fits_is_silent(tmp_path: Path, case: str) -> None:
    files = {
        "serverless.yml": """\
            service: s
            provider:
              name: aws
              runtime: python3.12
            functions:
              start:
                handler: handler.handler
                timeout: 30
            """,
        "handler.py": f"""\
            import os

            import boto3
            from botocore.config import Config


            def handler(event, context):
                return boto3.client("s3", config={CONFIG_SILENT[case]}).list_buckets()
            """,
    }
    assert found(tmp_path, files) == []


def test_config_with_unknown_timeout_or_no_config_is_silent(tmp_path: Path) -> None:
    files = {
        "serverless.yml": """\
            service: s
            provider:
              name: aws
              runtime: python3.12
            functions:
              start:
                handler: handler.handler
                timeout: ${ssm:/app/timeout}
            """,
        "handler.py": CONFIG_CODE,
        "other/handler.py": CONFIG_CODE,  # no config names it: its timeout is unknown
    }
    assert found(tmp_path, files) == []


def test_a_module_level_config_is_checked_too(tmp_path: Path) -> None:
    # The usual place: the client and its Config at module scope.
    files = {
        "serverless.yml": """\
            service: s
            provider:
              name: aws
              runtime: python3.12
            functions:
              start:
                handler: handler.handler
                timeout: 10
            """,
        "handler.py": """\
            import boto3
            from botocore.config import Config

            lam = boto3.client("lambda", config=Config(read_timeout=900))


            def handler(event, context):
                return lam.invoke(FunctionName="worker")
            """,
    }
    assert found(tmp_path, files) == [("handler.py", "SL305", 4, 37)]
