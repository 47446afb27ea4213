"""SL104 init-per-invocation: configuration, secrets and package files fetched on every
invocation; the caches, request-derived names and Powertools calls that must stay
silent (near-misses from real projects); and the Powertools replacement fix."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import codes_at, lint, write_tree

from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import apply_edits


def run(tmp_path: Path, files: dict[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL104"])
    assert not result.errors
    assert not any(d.internal_error for d in result.diagnostics)
    return result.diagnostics


def found(tmp_path: Path, files: dict[str, str]) -> list[tuple[int, int]]:
    return [(row, column) for _, _, row, column in codes_at(run(tmp_path, files))]


HITS = {
    "module-client": (
        """\
        import boto3

        ssm = boto3.client("ssm")


        def handler(event, context):
            return ssm.get_parameter(Name="/app/url")["Parameter"]["Value"]
        """,
        [(7, 12)],
    ),
    "inline-client": (
        """\
        import boto3


        def handler(event, context):
            return boto3.client("ssm").get_parameters_by_path(Path="/app/")
        """,
        [(5, 12)],
    ),
    "session-client": (
        """\
        import boto3

        session = boto3.session.Session()
        client = session.client(service_name="secretsmanager", region_name="eu-west-1")


        def lambda_handler(event, context):
            secret = client.get_secret_value(SecretId="db")["SecretString"]
            return secret == event["headers"]["x-token"]
        """,
        [(8, 14)],
    ),
    # The common real shape: a helper called with an environment variable.
    "helper-with-env-name": (
        """\
        import os

        import boto3


        def get_secret(secret_arn):
            client = boto3.client("secretsmanager")
            return client.get_secret_value(SecretId=secret_arn)["SecretString"]


        def handler(event, context):
            return get_secret(os.environ["SECRET_ARN"])
        """,
        [(8, 12)],
    ),
    "client-parameter-keywords": (
        """\
        def read(ssm):
            return ssm.get_parameters(Names=["/a", "/b"], WithDecryption=True)


        def handler(event, context):
            import boto3
            return read(boto3.client("ssm"))
        """,
        [(2, 12)],
    ),
    "constant-names-in-a-loop": (
        """\
        import boto3

        ssm = boto3.client("ssm")


        def handler(event, context):
            values = {}
            for name in ("/app/a", "/app/b"):
                values[name] = ssm.get_parameter(Name=name)["Parameter"]["Value"]
            return values
        """,
        [(9, 24)],
    ),
    "appconfig": (
        """\
        import boto3

        appconfig = boto3.client("appconfig")


        def handler(event, context):
            return appconfig.get_configuration(
                Application="app", Environment="prod", Configuration="flags", ClientId="x"
            )["Content"].read()
        """,
        [(7, 12)],
    ),
    "powertools-route": (
        """\
        import boto3
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver

        app = APIGatewayRestResolver()
        ssm = boto3.client("ssm")


        @app.get("/config")
        def config():
            return {"v": ssm.get_parameter(Name="/app/v")["Parameter"]["Value"]}


        def handler(event, context):
            return app.resolve(event, context)
        """,
        [(10, 18)],
    ),
    "open-beside-the-module": (
        """\
        import json
        import os

        HERE = os.path.dirname(os.path.abspath(__file__))


        def handler(event, context):
            with open(os.path.join(HERE, "config.json")) as f:
                return json.load(f)[event["key"]]
        """,
        [(8, 10)],
    ),
    "json-load-open": (
        """\
        import json


        def handler(event, context):
            return json.load(open("settings.json", "r"))
        """,
        [(5, 22)],
    ),
    "pathlib-parents": (
        """\
        from pathlib import Path


        def handler(event, context):
            return (Path(__file__).parents[1] / "templates" / "mail.html").read_text()
        """,
        [(5, 12)],
    ),
    "task-root": (
        """\
        import os


        def handler(event, context):
            with open(os.environ["LAMBDA_TASK_ROOT"] + "/prompt.txt") as f:
                return f.read()
        """,
        [(5, 10)],
    ),
    "model-load": (
        """\
        import joblib


        def handler(event, context):
            model = joblib.load("model.pkl")
            return model.predict([event["x"]]).tolist()
        """,
        [(5, 13)],
    ),
    # Stored into a local only: nothing keeps it.
    "local-only": (
        """\
        import boto3

        ssm = boto3.client("ssm")


        def handler(event, context):
            cache = {}
            cache["url"] = ssm.get_parameter(Name="/app/url")
            return cache
        """,
        [(8, 20)],
    ),
}


@pytest.mark.parametrize("name", sorted(HITS))
def test_reports(tmp_path: Path, name: str) -> None:
    code, expected = HITS[name]
    assert found(tmp_path, {"handler.py": code}) == expected


SILENT = {
    "module-scope": """\
        import boto3

        URL = boto3.client("ssm").get_parameter(Name="/app/url")["Parameter"]["Value"]


        def handler(event, context):
            return URL
        """,
    "once-guard": """\
        import boto3

        ssm = boto3.client("ssm")
        CONFIG = None


        def handler(event, context):
            global CONFIG
            if CONFIG is None:
                CONFIG = ssm.get_parameter(Name="/app/config")["Parameter"]["Value"]
            return CONFIG
        """,
    "dict-cache-guard": """\
        import boto3

        ssm = boto3.client("ssm")
        _cache = {}


        def parameter(name):
            if name not in _cache:
                _cache[name] = ssm.get_parameter(Name=name)["Parameter"]["Value"]
            return _cache[name]


        def handler(event, context):
            return parameter("/app/url")
        """,
    # (aws-samples: a cache read into a local, then filled): stored into module state.
    "cache-through-a-local": """\
        import time

        import boto3

        sm = boto3.client("secretsmanager")
        _cache = {}


        def secret(name):
            hit = _cache.get(name)
            if hit and hit[1] > time.time():
                return hit[0]
            value = sm.get_secret_value(SecretId=name)["SecretString"]
            _cache[name] = (value, time.time() + 300)
            return value


        def handler(event, context):
            return secret("db")
        """,
    "global-with-ttl": """\
        import json
        import time

        CONFIG = None
        LOADED = 0.0


        def handler(event, context):
            global CONFIG, LOADED
            if time.time() - LOADED > 60:
                with open("config.json") as f:
                    CONFIG = json.load(f)
                LOADED = time.time()
            return CONFIG
        """,
    "lru-cache": """\
        from functools import lru_cache

        import boto3


        @lru_cache
        def secret(name):
            return boto3.client("secretsmanager").get_secret_value(SecretId=name)


        def handler(event, context):
            return secret("db")["SecretString"]
        """,
    "powertools-parameters": """\
        from aws_lambda_powertools.utilities import parameters


        def handler(event, context):
            url = parameters.get_parameter("/app/url", max_age=300)
            secret = parameters.get_secret("db")
            flags = parameters.get_app_config(name="f", environment="e", application="a")
            return url, secret, flags
        """,
    "powertools-provider": """\
        from aws_lambda_powertools.utilities import parameters

        ssm_provider = parameters.SSMProvider()


        def handler(event, context):
            return ssm_provider.get("/app/url", max_age=60)
        """,
    "name-from-the-event": """\
        import boto3

        ssm = boto3.client("ssm")


        def handler(event, context):
            name = event["queryStringParameters"]["name"]
            return ssm.get_parameter(Name=f"/public/{name}")["Parameter"]["Value"]
        """,
    "name-from-a-record": """\
        import boto3

        sm = boto3.client("secretsmanager")


        def handler(event, context):
            for record in event["Records"]:
                sm.get_secret_value(SecretId=record["body"])
        """,
    "name-from-current-event": """\
        import boto3
        from aws_lambda_powertools.event_handler import APIGatewayRestResolver

        app = APIGatewayRestResolver()
        ssm = boto3.client("ssm")


        @app.get("/p")
        def read():
            return ssm.get_parameter(Name=app.current_event.get_query_string_value("n"))


        def handler(event, context):
            return app.resolve(event, context)
        """,
    # aws-samples secret rotation functions: they read versions of the secret they write.
    "rotation-function": """\
        import boto3


        def handler(event, context):
            client = boto3.client("secretsmanager")
            arn, token = event["SecretId"], event["ClientRequestToken"]
            create_secret(client, arn, token)


        def create_secret(client, arn, token):
            current = client.get_secret_value(SecretId=arn, VersionStage="AWSCURRENT")
            client.put_secret_value(SecretId=arn, ClientRequestToken=token, SecretString="x")
            return current
        """,
    # serverless/examples-style store: the module writes the parameter it reads.
    "parameter-as-a-store": """\
        import os

        import boto3

        ssm = boto3.client("ssm")
        NAME = os.environ["PARAMETER_NAME"]


        def get(event, context):
            return ssm.get_parameter(Name=NAME)["Parameter"]["Value"]


        def put(event, context):
            ssm.put_parameter(Name=NAME, Value=event["body"], Overwrite=True)
        """,
    "tmp-file": """\
        def handler(event, context):
            with open("/tmp/cache.json") as f:
                return f.read()
        """,
    "written-file": """\
        def handler(event, context):
            with open("report.csv", "w") as f:
                f.write(event["body"])
        """,
    "path-from-the-event": """\
        import os


        def handler(event, context):
            with open(os.path.join("data", event["file"])) as f:
                return f.read()
        """,
    "path-from-another-variable": """\
        import os


        def handler(event, context):
            with open(os.environ["DATA_FILE"]) as f:
                return f.read()
        """,
    "own-open": """\
        def open(name):
            return name


        def handler(event, context):
            return open("config.json")
        """,
    # Powertools examples and the SAM templates' tests: a pytest fixture.
    "pytest-fixture": """\
        import json

        import pytest


        @pytest.fixture()
        def apigw_event():
            with open("events/event.json") as f:
                return json.load(f)


        def test_lambda_handler(apigw_event, mocker):
            return apigw_event
        """,
    "not-reached": """\
        import boto3


        def rotate_keys():
            return boto3.client("ssm").get_parameter(Name="/keys")


        def handler(event, context):
            return {"ok": True}
        """,
    "other-get-parameter": """\
        from myapp import settings


        def handler(event, context):
            return settings.get_parameter("timeout")
        """,
    "main-guard": """\
        import json


        def handler(event, context):
            return event


        if __name__ == "__main__":
            print(handler(json.load(open("event.json")), None))
        """,
}


@pytest.mark.parametrize("name", sorted(SILENT))
def test_silent(tmp_path: Path, name: str) -> None:
    assert found(tmp_path, {"handler.py": SILENT[name]}) == []


def test_reached_across_modules(tmp_path: Path) -> None:
    diagnostics = run(
        tmp_path,
        {
            "config.py": """\
                import boto3

                _ssm = boto3.client("ssm")


                def table_name():
                    return _ssm.get_parameter(Name="/app/table")["Parameter"]["Value"]
                """,
            "handler.py": """\
                from config import table_name


                def handler(event, context):
                    return table_name()
                """,
        },
    )
    assert codes_at(diagnostics) == [("config.py", "SL104", 7, 12)]
    assert "handler `handler`" in diagnostics[0].full_message


def _fixed(tmp_path: Path, code: str) -> tuple[Diagnostic, str]:
    (diagnostic,) = run(tmp_path, {"handler.py": code})
    fix = diagnostic.fix
    assert fix is not None and fix.applicability is Applicability.DISPLAY_ONLY
    source = (tmp_path / "handler.py").read_text()
    return diagnostic, apply_edits(source, list(fix.edits))


def test_fix_parameter_with_powertools(tmp_path: Path) -> None:
    _, fixed = _fixed(
        tmp_path,
        """\
        import boto3

        ssm = boto3.client("ssm")


        def handler(event, context):
            key = ssm.get_parameter(Name="/app/key", WithDecryption=True)["Parameter"]["Value"]
            return key
        """,
    )
    assert fixed == dedent(
        """\
        import boto3
        from aws_lambda_powertools.utilities import parameters

        ssm = boto3.client("ssm")


        def handler(event, context):
            key = parameters.get_parameter("/app/key", max_age=300, decrypt=True)
            return key
        """
    )


def test_fix_secret_reuses_the_import(tmp_path: Path) -> None:
    _, fixed = _fixed(
        tmp_path,
        """\
        import os

        import boto3
        from aws_lambda_powertools.utilities import parameters as params

        sm = boto3.client("secretsmanager")


        def handler(event, context):
            return sm.get_secret_value(SecretId=os.environ["ARN"])["SecretString"]
        """,
    )
    assert 'return params.get_secret(os.environ["ARN"], max_age=300)\n' in fixed
    assert fixed.count("import parameters") == 1


def test_fix_without_an_exact_edit_shows_the_code(tmp_path: Path) -> None:
    (diagnostic,) = run(
        tmp_path,
        {
            "handler.py": """\
                import boto3

                ssm = boto3.client("ssm")


                def handler(event, context):
                    return ssm.get_parameters_by_path(Path="/app/", Recursive=True)
                """
        },
    )
    fix = diagnostic.fix
    assert fix is not None and fix.edits == ()
    assert "parameters.get_parameters(path, max_age=300)" in fix.message
    assert '_CACHE[key] = ssm.get_parameters_by_path(Path="/app/", Recursive=True)' in fix.message


def test_file_fix_names_the_with_block(tmp_path: Path) -> None:
    (diagnostic,) = run(
        tmp_path,
        {
            "handler.py": """\
                def handler(event, context):
                    with open("prompt.txt") as f:
                        template = f.read()
                    return template.format(**event)
                """
        },
    )
    assert diagnostic.fix is not None
    assert 'move `with open("prompt.txt") as f:`' in diagnostic.fix.message
    assert "package file" in diagnostic.message
