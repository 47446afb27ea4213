"""SL601 hardcoded-secret (config side): names, values, references, positions, masking."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from config_rule_support import findings
from conftest import codes_at
from slint.rules.security.hardcoded_secret import (
    FAKE_AWS_KEY_ID,
    FAKE_SLACK_TOKEN,
    FAKE_STRIPE_KEY,
    key_format,
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
