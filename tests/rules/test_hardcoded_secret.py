"""SL601 hardcoded-secret: names, values, placeholders, credential pairs, references,
positions and masking, on the config side and the code side."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from config_rule_support import findings
from conftest import codes_at
from slint.rules.security.hardcoded_secret import (
    FAKE_AWS_KEY_ID,
    FAKE_AWS_SECRET_KEY,
    FAKE_SLACK_TOKEN,
    FAKE_STRIPE_KEY,
    code_key_format,
    code_secret_literal,
    fake_pairs,
    in_tests,
    key_format,
    low_entropy,
    placeholder,
    reference_like,
    secret_name,
)

CODE = "SL601"
# More made-up credentials, assembled so that the source holds no scanner-shaped string.
FAKE_GITHUB_TOKEN = "gh" + "p_aB3dE5fG7hJ9kL1mN3pQ5rS7tU9vW1xY3zA5"
PRIVATE_KEY_HEADER = "-----BEGIN " + "EC PRIVATE KEY-----"


@pytest.mark.parametrize(
    "name",
    [
        "SECRET",
        "DB_PASSWORD",
        "dbPassword",
        "SMTP_PASS",
        "MYSQL_PASSWD",
        "GITHUB_TOKEN",
        "slackAuthToken",
        "API_KEY",
        "STRIPE_APIKEY",
        "stripeApiKey",
        "PRIVATE_KEY",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "CLIENT_SECRET",
        "JWT_SIGNING_KEY",
        "WEBHOOK_SECRET",
    ],
)
def test_secret_names(name: str) -> None:
    assert secret_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "TOKEN_TABLE_NAME",
        "SECRET_ARN",
        "DB_SECRET_ARN",
        "PASSWORD_PARAMETER_NAME",
        "API_KEY_SECRET_ID",
        "TOKEN_SSM_PATH",
        "TOKEN_TTL",
        "MAX_TOKENS",
        "TOKENIZER",
        "PASSWORD_MIN_LENGTH",
        "PASSWORD_ITERATIONS",
        "AUTH_TOKEN_URL",
        "TOKEN_HEADER",
        "SECRETS_EXTENSION_HTTP_PORT",
        "PARTITION_KEY",
        "S3_KEY",
        "KMS_KEY_ID",
        "TABLE_NAME",
    ],
)
def test_names_about_secrets_are_not_secrets(name: str) -> None:
    assert not secret_name(name)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "x",
        "changeme",
        "CHANGE_ME",
        "<your-token>",
        "xxxxxxxx",
        "YOUR-SECRET-HERE",
        "{{ cookiecutter.token }}",
        "AIzaXXXX",
        "AKIAIOSFODNN7EXAMPLE",
        "abc123",
        "true",
        "TODO",
    ],
)
def test_placeholders(value: str) -> None:
    assert placeholder(value)


@pytest.mark.parametrize(
    "value", ["sk_live_EXAMPLE_ONLY_not_a_real_key", "KEYEXAMPLE1234", "hunter2hunter2"]
)
def test_fake_looking_literals_still_count(value: str) -> None:
    # slint cannot tell a fake from a real value: a literal is a literal.
    assert not placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
        "/shop/prod/db-password",
        "shop/prod/stripe",
        "https://auth.example.com/token",
        "{{resolve:secretsmanager:db:SecretString:password}}",
    ],
)
def test_references(value: str) -> None:
    assert reference_like(value)


def test_random_path_like_value_is_not_a_reference() -> None:
    assert not reference_like("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzQ8a7bKm2Pq")


@pytest.mark.parametrize(
    ("value", "label", "shown"),
    [
        (FAKE_AWS_KEY_ID, "an AWS access key id", "AKIA"),
        (PRIVATE_KEY_HEADER + "\nMIIE...", "a private key", "BEGIN EC PRIVATE KEY"),
        (FAKE_GITHUB_TOKEN, "a GitHub token", "ghp_"),
        (FAKE_STRIPE_KEY, "a Stripe secret key", "sk_live_"),
        (FAKE_SLACK_TOKEN, "a Slack token", "xoxb-"),
        ("mysql://app:Xk93mzPq@db:3306/app", "a password inside a connection URL", "mysql"),
    ],
)
def test_key_formats(value: str, label: str, shown: str) -> None:
    assert key_format(value) == (label, shown)


@pytest.mark.parametrize(
    "value",
    [
        "AKIAIOSFODNN7EXAMPLE",
        "sk_test_xxxxxxxxxxxxxxxxxxxx",
        "postgres://app:${DB_PASSWORD}@db/app",
        "postgres://app@db/app",
        "pk_live_51Hx9aQ2eZvKYlo2C0fjs8Ryb7",
    ],
)
def test_not_key_formats(value: str) -> None:
    assert key_format(value) is None


PROJECT = {
    "serverless.yml": dedent(
        """\
        service: shop
        provider:
          name: aws
          runtime: python3.12
          environment:
            DB_PASSWORD: 'pr0d-Passw0rd-2024'
            DB_PASSWORD_PARAM: /shop/prod/db-password
            SENTRY_DSN: ${ssm:/shop/sentry-dsn}
        functions:
          api:
            handler: app.handler
            environment:
              STRIPE_KEY: ${env:STRIPE_KEY, '<STRIPE>'}
              JWT_SECRET: ${self:custom.jwt}
              LOCAL_TOKEN: ${env:LOCAL_TOKEN, 'dev-token-123456'}
          worker:
            handler: worker.handler
        custom:
          jwt: ${ssm:/shop/jwt}
        """
    ).replace("<STRIPE>", FAKE_STRIPE_KEY),
    "template.yaml": dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Password:
            Type: String
            Default: defaultpassword1
        Globals:
          Function:
            Environment:
              Variables:
                ADMIN_PASSWORD: !Ref Password
                SIGNING_KEY: |
                  <PRIVATE_KEY_HEADER>
                  MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5HnVwPdpZlbGxoAoGCCqGSM49
                  -----END EC PRIVATE KEY-----
        Resources:
          A:
            Type: AWS::Serverless::Function
            Properties:
              Handler: a.handler
              Runtime: python3.12
          B:
            Type: AWS::Serverless::Function
            Properties:
              Handler: b.handler
              Runtime: python3.12
              Environment:
                Variables:
                  OAUTH_CLIENT_SECRET: "9f8e7d6c5b4a39281706aa"
        """
    ).replace("<PRIVATE_KEY_HEADER>", PRIVATE_KEY_HEADER),
}


def test_realistic_project_positions_and_masking(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, PROJECT)
    assert codes_at(found) == [
        ("serverless.yml", CODE, 6, 5),
        ("serverless.yml", CODE, 13, 7),
        ("template.yaml", CODE, 11, 9),
        ("template.yaml", CODE, 28, 11),
    ]
    password, stripe, key, client = found
    assert "functions `api`, `worker`" in password.message
    assert "18-character literal" in password.message
    assert "a Stripe secret key (`sk_live_…`)" in stripe.message
    assert "functions `A`, `B`" in key.message and "a private key" in key.message
    assert "function `B`" in client.message
    for diagnostic, secret in zip(
        found,
        ["pr0d-Passw0rd", "51Hx9aQ2eZvKYlo2C0fjs8Ryb7", "MHcCAQEEIBkg4", "9f8e7d6c5b4a"],
        strict=True,
    ):
        assert secret not in diagnostic.message
        assert diagnostic.start.row == diagnostic.end.row
        assert diagnostic.severity.value == "error"


def test_crlf_and_json_positions(tmp_path: Path) -> None:
    files = {
        "serverless.yml": PROJECT["serverless.yml"].replace("\n", "\r\n"),
        "cfn/template.json": dedent(
            """\
            {"Resources": {"Fn": {"Type": "AWS::Lambda::Function", "Properties": {
              "Handler": "app.handler", "Runtime": "python3.12",
              "Role": "arn:aws:iam::123456789012:role/fn",
              "Code": {"ZipFile": "def handler(e, c): pass"},
              "Environment": {"Variables": {"API_TOKEN": "tK9#mQ2$vL7pX4zR",
                                            "OTHER_TOKEN": {"Ref": "Token"}}}}}}}
            """
        ),
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [
        ("cfn/template.json", CODE, 5, 33),
        ("serverless.yml", CODE, 6, 5),
        ("serverless.yml", CODE, 13, 7),
    ]


def test_values_from_included_files_are_left_alone(tmp_path: Path) -> None:
    files = {
        "serverless.yml": dedent(
            """\
            service: shop
            provider:
              name: aws
              environment: ${file(./env.yml)}
            functions:
              api:
                handler: app.handler
                environment:
                  API_TOKEN: ${file(./secrets.json):apiToken}
            """
        ),
        "env.yml": "DB_PASSWORD: pr0d-Passw0rd-2024\n",
        "secrets.json": '{"apiToken": "tK9mQ2vL7pX4zRaa"}\n',
    }
    assert findings(tmp_path, CODE, files) == []


# -- placeholders (both sides) ------------------------------------------------------------
@pytest.mark.parametrize(
    "value",
    [
        "DUMMYEXAMPLEKEY",
        "DUMMYIDEXAMPLE",
        "testpassword",
        "my-secret-example",
        "TestPassword123!",
        "fake-token",
        "mock_api_key_12345",
        "SecretKeyForLocalDev-test",
        "your_api_key_here",
        "samplesecret",
        "REDACTED",
        "localpassword",
        "secretkeyplaceholder",
    ],
)
def test_placeholder_words_as_prefix_or_suffix(value: str) -> None:
    assert placeholder(value)


@pytest.mark.parametrize(
    "value",
    [
        "testXk93mzPq7LwR2vB",  # a random string after `test` is a real value
        "test9f8e7d6c5b4a39281706",
        "Xk93mzPq7LwR2vB_example",
        "test83920174",
        "s3cr3t-Passw0rd!",
        "KEYEXAMPLE1234",  # the word is in the middle: slint cannot tell
    ],
)
def test_placeholder_words_beside_random_text_still_count(value: str) -> None:
    assert not placeholder(value)


@pytest.mark.parametrize(
    ("text", "low"),
    [
        ("EXAMPLEKEY", True),
        ("IDEXAMPLE", True),
        ("-my-secret-", True),
        ("KEY1234", True),
        ("12345678", True),
        ("Xk93mzPq7LwR", False),
        ("9f8e7d6c5b4a", False),
        ("kqzjvmxwplrt", False),
        ("wJalrXUtnFEMI/K7MDENG", False),
        ("4839201746", False),
    ],
)
def test_low_entropy(text: str, low: bool) -> None:
    assert low_entropy(text) is low


def test_credential_pairs_are_judged_as_one() -> None:
    both = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}
    assert (
        fake_pairs(
            [("AWS_ACCESS_KEY_ID", "DUMMYIDEXAMPLE"), ("AWS_SECRET_ACCESS_KEY", "Zq8vN3kLm2Pw7RtX")]
        )
        == both
    )
    # A real-looking id beside a placeholder secret: the pair is made up.
    assert (
        fake_pairs([("AWS_ACCESS_KEY_ID", FAKE_AWS_KEY_ID), ("AWS_SECRET_ACCESS_KEY", "testing")])
        == both
    )
    real = [("AWS_ACCESS_KEY_ID", FAKE_AWS_KEY_ID), ("AWS_SECRET_ACCESS_KEY", FAKE_AWS_SECRET_KEY)]
    assert fake_pairs(real) == set()
    # Halves of different pairs (other prefixes) are not judged together.
    assert fake_pairs([("AWS_ACCESS_KEY_ID", "x"), ("MINIO_SECRET_ACCESS_KEY", "y")]) == set()


# -- config side: placeholders and pairs ---------------------------------------------------
PAIRS_TEMPLATE = dedent(
    """\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Local:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Environment:
            Variables:
              AWS_ACCESS_KEY_ID: DUMMYIDEXAMPLE
              AWS_SECRET_ACCESS_KEY: DUMMYEXAMPLEKEY
              REGION: us-east-1
      HalfFake:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Environment:
            Variables:
              AWS_ACCESS_KEY_ID: NOTANACCESSKEY
              AWS_SECRET_ACCESS_KEY: <SECRET>
      Real:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Environment:
            Variables:
              AWS_ACCESS_KEY_ID: <KEY_ID>
              AWS_SECRET_ACCESS_KEY: <SECRET>
      Alone:
        Type: AWS::Serverless::Function
        Properties:
          Handler: app.handler
          Runtime: python3.12
          Environment:
            Variables:
              AWS_ACCESS_KEY_ID: NOTANACCESSKEY
              API_TOKEN: testtoken
              DB_PASSWORD: my-secret-example
              SERVICE_PASSWORD: DUMMYPASSWORD
    """
)


def test_config_pair_of_placeholders_is_silent_and_real_pair_is_reported(tmp_path: Path) -> None:
    files = {
        "template.yaml": PAIRS_TEMPLATE.replace("<KEY_ID>", FAKE_AWS_KEY_ID).replace(
            "<SECRET>", FAKE_AWS_SECRET_KEY
        )
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [("template.yaml", CODE, 29, 11), ("template.yaml", CODE, 30, 11)]
    assert "an AWS access key id (`AKIA…`)" in found[0].message
    assert "a 40-character literal" in found[1].message


# -- code side -----------------------------------------------------------------------------
def code_findings(tmp_path: Path, files: dict[str, str]) -> list[tuple[str, str, int, int]]:
    return codes_at(findings(tmp_path, CODE, files))


HANDLER = dedent(
    """\
    import os

    import jwt
    import pymysql
    from boto3 import Session

    DB_PASSWORD = "s3cr3t-Passw0rd!"
    API_KEY: str = "9f8e7d6c5b4a39281706aa"
    os.environ["STRIPE_API_KEY"] = "tK9mQ2vL7pX4zRaa"
    os.environ.setdefault("SLACK_TOKEN", "tK9mQ2vL7pX4zRbb")
    GITHUB = "<GITHUB>"


    class Settings:
        SECRET_KEY = "Xk93mzPq7LwR2vB"


    def handler(event, context, password="hunter22"):
        conn = pymysql.connect(host="db", user="app", password="hunter2")
        body = {"api_key": "Zq8vN3kLm2Pw7RtX", "user": "bob"}
        token = jwt.encode({"sub": "bob"}, "Zq8vN3kLm2Pw7RtY", algorithm="HS256")
        session = Session("<KEY_ID>", "<SECRET>")
        self_url = "postgres://app:Xk93mzPq@db.internal:5432/app"
        return conn, body, token, session, self_url
    """
)


def test_code_side_positions_and_messages(tmp_path: Path) -> None:
    files = {
        "handler.py": HANDLER.replace("<GITHUB>", FAKE_GITHUB_TOKEN)
        .replace("<KEY_ID>", FAKE_AWS_KEY_ID)
        .replace("<SECRET>", FAKE_AWS_SECRET_KEY)
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [
        ("handler.py", CODE, 7, 15),
        ("handler.py", CODE, 8, 16),
        ("handler.py", CODE, 9, 32),
        ("handler.py", CODE, 10, 38),
        ("handler.py", CODE, 11, 10),
        ("handler.py", CODE, 15, 18),
        ("handler.py", CODE, 18, 38),
        ("handler.py", CODE, 19, 60),
        ("handler.py", CODE, 20, 24),
        ("handler.py", CODE, 21, 40),
        ("handler.py", CODE, 22, 23),
        ("handler.py", CODE, 22, 47),
        ("handler.py", CODE, 23, 16),
    ]
    messages = [d.message for d in found]
    assert "`DB_PASSWORD` is a literal secret (a 16-character string)" in messages[0]
    assert "`STRIPE_API_KEY`" in messages[2] and "`SLACK_TOKEN`" in messages[3]
    assert "a GitHub token (`ghp_…`)" in messages[4]
    assert "`password` is a literal secret (an 8-character string)" in messages[6]
    assert "`jwt.encode` is a literal JSON Web Token signing secret" in messages[9]
    assert "an AWS access key id" in messages[10]
    assert "an AWS secret access key (40 characters beside an access key id)" in messages[11]
    assert "a password inside a connection URL" in messages[12]
    for diagnostic in found:
        assert "Secrets Manager" in diagnostic.message
        assert "s3cr3t" not in diagnostic.message and "hunter" not in diagnostic.message
        assert diagnostic.severity.value == "error"
        assert diagnostic.fix is None


NEAR_MISSES = dedent(
    '''\
    """Module docs: `DB_PASSWORD = "s3cr3t-Passw0rd!"` and <KEY_ID> are examples."""
    import os

    import boto3
    import jwt
    from aws_lambda_powertools.utilities import parameters

    SECRET_NAME = "prod/db"
    TOKEN_HEADER = "Authorization"
    DB_PASSWORD_PARAM = "/shop/prod/db-password"
    DB_SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
    API_KEY_ENV = "API_KEY"
    ACCESS_TOKEN = "access_token"
    AUTH_TOKEN = "X-Auth-Token"
    PASSWORD_TEMPLATE = "{password}"
    PASSWORD_FORMAT = "%s"
    PASSWORD_PROMPT = "Enter your password: "
    EMPTY_TOKEN = ""
    SHORT_PASSWORD = "admin"
    TOKEN_TYPE = "Bearer"
    PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"
    LOCAL_DB = "postgres://postgres:postgres@localhost:5432/app"
    SECRET_KEY = "changeme"
    CLIENT_SECRET = "DUMMYEXAMPLEKEY"
    SERVICE_TOKEN = "testtoken"
    AWS_ACCESS_KEY_ID = "DUMMYIDEXAMPLE"
    AWS_SECRET_ACCESS_KEY = "DUMMYEXAMPLEKEY"
    api_key = os.environ["API_KEY"]
    db_password = os.getenv("DB_PASSWORD", "localdevpw")
    token = os.environ.get("TOKEN", "local-dev-token")
    secret = parameters.get_secret("prod/api")
    password = f"{secret}-suffix"
    local = boto3.client(
        "dynamodb",
        endpoint_url="http://localhost:8000",
        aws_access_key_id="DUMMYIDEXAMPLE",
        aws_secret_access_key="DUMMYEXAMPLEKEY",
    )
    moto = boto3.client("s3", aws_access_key_id="testing", aws_secret_access_key="testing")
    half_fake = boto3.client("s3", aws_access_key_id="<KEY_ID>", aws_secret_access_key="testing")


    def handler(event, context, token: str = ""):
        """Docs: `jwt.encode(payload, "Zq8vN3kLm2Pw7RtX")`."""
        signing_key = parameters.get_secret("prod/jwt")
        encoded = jwt.encode({"sub": event["user"]}, signing_key, algorithm="HS256")
        weak = jwt.encode({"sub": "x"}, "secret", algorithm="HS256")
        if secret.startswith("-----BEGIN PRIVATE KEY-----"):
            pass
        # Powertools' examples/parameters: a status in a response body.
        return {"access_token": "updated", "token": encoded, "password": "", "weak": weak}
    '''
)


def test_code_side_near_misses(tmp_path: Path) -> None:
    files = {"handler.py": NEAR_MISSES.replace("<KEY_ID>", FAKE_AWS_KEY_ID)}
    assert code_findings(tmp_path, files) == []


def test_code_pair_in_a_block_is_judged_as_one(tmp_path: Path) -> None:
    files = {
        "app.py": dedent(
            """\
            AWS_ACCESS_KEY_ID = "<KEY_ID>"
            AWS_SECRET_ACCESS_KEY = "<SECRET>"


            def configure():
                aws_access_key_id = "<KEY_ID>"
                aws_secret_access_key = "DUMMYEXAMPLEKEY"
                return aws_access_key_id, aws_secret_access_key
            """
        )
        .replace("<KEY_ID>", FAKE_AWS_KEY_ID)
        .replace("<SECRET>", FAKE_AWS_SECRET_KEY)
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [("app.py", CODE, 1, 21), ("app.py", CODE, 2, 25)]
    assert "an AWS access key id" in found[0].message
    assert "`AWS_SECRET_ACCESS_KEY` is an AWS secret access key" in found[1].message


def test_private_key_block_in_code(tmp_path: Path) -> None:
    body = "MHcCAQEEIBkg4LVWM9nuwNSk3yByxZpYRTBnVJk5HnVwPdpZlbGxoAoGCCqGSM49"
    files = {
        "keys.py": (
            f'SIGNING = """{PRIVATE_KEY_HEADER}\n{body}\n-----END EC PRIVATE KEY-----"""\n'
            f'OTHER = (\n    "{PRIVATE_KEY_HEADER}\\n"\n    "{body}\\n"\n)\n'
        )
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [("keys.py", CODE, 1, 11), ("keys.py", CODE, 5, 5)]
    assert all("a private key (`BEGIN EC PRIVATE KEY…`)" in d.message for d in found)
    assert all(body[:12] not in d.message for d in found)


def test_test_modules_report_only_key_formats(tmp_path: Path) -> None:
    fixture = dedent(
        """\
        PASSWORD = "Xk93mzPq7LwR2vB"
        client = connect(password="hunter22")
        KEY = "<KEY_ID>"
        """
    ).replace("<KEY_ID>", FAKE_AWS_KEY_ID)
    files = {
        "tests/unit/fixtures.py": fixture,
        "src/test_app.py": fixture,
        "src/app_test.py": fixture,
        "src/conftest.py": fixture,
        "src/app.py": fixture,
    }
    assert code_findings(tmp_path, files) == [
        ("src/app.py", CODE, 1, 12),
        ("src/app.py", CODE, 2, 27),
        ("src/app.py", CODE, 3, 7),
        ("src/app_test.py", CODE, 3, 7),
        ("src/conftest.py", CODE, 3, 7),
        ("src/test_app.py", CODE, 3, 7),
        ("tests/unit/fixtures.py", CODE, 3, 7),
    ]


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("tests/test_app.py", True),
        ("src/tests/helpers.py", True),
        ("app_test.py", True),
        ("conftest.py", True),
        ("src/testing_utils.py", False),
        ("src/contest.py", False),
        ("app.py", False),
    ],
)
def test_in_tests(path: str, expected: bool) -> None:
    assert in_tests(path) is expected


@pytest.mark.parametrize(
    "value",
    ["access_token", "X-Api-Key", "DB_PASSWORD", "updated", "{password}", "%s", "admin", "a b c d"],
)
def test_code_values_that_are_not_secrets(value: str) -> None:
    assert not code_secret_literal(value)


@pytest.mark.parametrize(
    "value", ["hunter2", "s3cr3t-Passw0rd!", "Xk93mzPq", "9f8e7d6c5b4a39281706"]
)
def test_code_values_that_are_secrets(value: str) -> None:
    assert code_secret_literal(value)


def test_code_key_formats_need_more_than_config() -> None:
    assert code_key_format(PRIVATE_KEY_HEADER) is None
    assert key_format(PRIVATE_KEY_HEADER) is not None  # config values: the header is enough
    assert code_key_format("postgres://postgres:postgres@localhost:5432/app") is None
    assert code_key_format("postgres://app:Xk93mzPq@db.internal/app") == (
        "a password inside a connection URL",
        "postgres",
    )
