"""SL106 dev-dependency-packaged: the requirements parser, placement and positions."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from conftest import REPO, codes_at, lint, run_cli, write_tree
from slint.rules.cold_start.dev_dependency_packaged import (
    dev_kind,
    parse_requirements,
    requirement_name,
)

from slint.discovery import classify


@pytest.mark.parametrize(
    ("line", "name"),
    [
        ("pytest", "pytest"),
        ("pytest==8.3.3", "pytest"),
        ("pytest[testing] >= 8, < 9", "pytest"),
        ('pytest ; python_version < "3.13"', "pytest"),
        ("pytest@https://example.com/pytest-8.3.3-py3-none-any.whl", "pytest"),
        ("pytest-mock --hash=sha256:0123 --hash=sha256:4567", "pytest-mock"),
        ("https://example.com/wheels/moto-5.0.18-py3-none-any.whl", "moto"),
        ("./vendor/black-24.8.0.tar.gz", "black"),
        ("git+https://github.com/getmoto/moto.git@5.0.18#egg=moto", "moto"),
        ("-e git+https://github.com/pytest-dev/pytest#egg=pytest&subdirectory=src", "pytest"),
        ("--editable=git+https://github.com/astral-sh/ruff#egg=ruff", "ruff"),
        ("-e .", None),
        ("-i https://pypi.org/simple", None),
        ("--extra-index-url https://example.com/simple", None),
        ("--only-binary=:all:", None),
        ("Django (>=4)", "Django"),
        ("not a requirement", None),
    ],
)
def test_requirement_name(line: str, name: str | None) -> None:
    assert requirement_name(line) == name


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("pytest", "test tool"),
        ("PyTest_Cov", "test tool"),
        ("pytest-", None),
        ("pytesseract", None),
        ("moto", "test tool"),
        ("mypy", "linter or formatter"),
        ("mypy-extensions", None),
        ("mypy-boto3-dynamodb", "type-checking stub package"),
        ("types-requests", "type-checking stub package"),
        ("boto3-stubs", "type-checking stub package"),
        ("boto3", None),
        ("ipython", "debugger or notebook tool"),
        ("pre_commit", "linter or formatter"),
        ("requests", None),
    ],
)
def test_dev_kind(name: str, kind: str | None) -> None:
    assert dev_kind(name) == kind


def test_parse_requirements_follows_includes_and_continuations(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "requirements.txt": dedent("""\
                # runtime
                requests==2.32.3 \\
                    --hash=sha256:abc
                -r base.txt
                -c constraints.txt
                --requirement=loop.txt
                pytest  # oops
                """),
            "base.txt": "boto3-stubs[s3]\n",
            "constraints.txt": "moto==5.0.18\n",
            "loop.txt": "-r requirements.txt\nruff\n",
        },
    )
    found = parse_requirements(tmp_path / "requirements.txt")
    assert [(r.name, r.path.name, r.line) for r in found] == [
        ("requests", "requirements.txt", 2),
        ("boto3-stubs", "base.txt", 1),
        ("ruff", "loop.txt", 2),
        ("pytest", "requirements.txt", 7),
    ]
    assert found[1].included_from == ((tmp_path / "requirements.txt", 4),)


PROJECT = {
    "serverless.yml": dedent("""\
        service: shop
        plugins:
          - serverless-python-requirements
        provider:
          name: aws
          runtime: python3.12
        functions:
          create:
            handler: orders/api.create
          fulfil:
            handler: orders/fulfil.handler
          resize:
            image: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/resize:1
        """),
    "requirements.txt": "requests==2.32.3\r\npytest==8.3.3\r\nmoto[s3]==5.0.18\r\n",
    "images/template.yaml": dedent("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            CodeUri: src/
        Resources:
          Thumbnail:
            Type: AWS::Serverless::Function
            Properties:
              Handler: thumbnail.handler
          Api:
            Type: AWS::Serverless::Function
            Properties:
              Handler: api.handler
          Admin:
            Type: AWS::Serverless::Function
            Properties:
              CodeUri: admin/
              Handler: app.handler
        """),
    "images/src/requirements.txt": "Pillow==10.4.0\nipdb\n",
    "images/admin/requirements.txt": "# nothing but runtime needs\nrequests\n",
}


# Until the engine checks requirements files, a finding goes on the function in the
# config; once it does, it goes on the requirements line when that file is checked, and
# still on the function when only the configs are. Linting the configs by name tests the
# placement on the config with either engine.
CONFIGS = ("serverless.yml", "images/template.yaml")


def test_requirements_files_are_checked_files() -> None:
    assert classify(Path("requirements.txt")) == "requirements"
    assert classify(Path("requirements-prod.txt")) == "requirements"
    assert classify(Path("requirements/base.txt")) == "requirements"
    assert classify(Path("notes.txt")) is None


def test_positions_on_a_multi_function_project(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    found = lint(tmp_path, CONFIGS, select=["SL106"]).diagnostics
    # One finding per package, on the first function that deploys the file.
    assert codes_at(found) == [
        ("images/template.yaml", "SL106", 8, 3),
        ("serverless.yml", "SL106", 8, 3),
        ("serverless.yml", "SL106", 8, 3),
    ]
    ipdb, pytest_, moto = found
    assert ipdb.message.startswith(
        "`ipdb` (images/src/requirements.txt:2) is a debugger or notebook tool, yet sam build "
        "installs it into the deployment package of `Thumbnail` and `Api`"
    )
    assert "`pytest` (requirements.txt:2) is a test tool" in pytest_.message
    assert (
        "serverless-python-requirements installs it into the deployment package of "
        "`create` and `fulfil`:" in pytest_.message
    )
    assert "`moto` (requirements.txt:3)" in moto.message


def test_on_the_requirements_line_when_that_file_is_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, PROJECT)
    found = lint(tmp_path, select=["SL106"]).diagnostics
    assert codes_at(found) == [
        ("images/src/requirements.txt", "SL106", 2, 1),
        ("requirements.txt", "SL106", 2, 1),
        ("requirements.txt", "SL106", 3, 1),
    ]
    assert found[1].message.startswith(
        "`pytest` is a test tool, yet serverless-python-requirements installs it into the "
        "deployment package of `create` and `fulfil` (serverless.yml:8)"
    )
    # pre-commit passes the changed requirements file alone.
    alone = lint(tmp_path, ["requirements.txt"], select=["SL106"]).diagnostics
    assert codes_at(alone) == [
        ("requirements.txt", "SL106", 2, 1),
        ("requirements.txt", "SL106", 3, 1),
    ]


def test_yaml_suppression_on_the_function(tmp_path: Path) -> None:
    files = dict(PROJECT)
    files["serverless.yml"] = PROJECT["serverless.yml"].replace(
        "  create:\n", "  create:  # slint: ignore[SL106]\n"
    )
    write_tree(tmp_path, files)
    assert codes_at(lint(tmp_path, CONFIGS, select=["SL106"]).diagnostics) == [
        ("images/template.yaml", "SL106", 8, 3)
    ]


def test_pipfile_and_unknown_code_locations_are_silent(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "serverless.yml": PROJECT["serverless.yml"],
            "requirements.txt": "pytest\n",
            "Pipfile": "[dev-packages]\npytest = '*'\n",
            "sam/template.yaml": dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  Code:
                    Type: String
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: !Ref Code
                  Made:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: .
                    Metadata:
                      BuildMethod: makefile
                """),
            "sam/requirements.txt": "pytest\n",
        },
    )
    assert lint(tmp_path, select=["SL106"]).diagnostics == []


def test_example_project_reports_the_planted_tools() -> None:
    result = run_cli("check", "--select", "SL106", "examples/shop/serverless.yml", cwd=REPO)
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.stdout
    assert lines[0].startswith(
        "examples/shop/serverless.yml:51:3: SL106 `pytest` (examples/shop/requirements.txt:5) "
    )
    assert lines[1].startswith(
        "examples/shop/serverless.yml:51:3: SL106 `moto` (examples/shop/requirements.txt:6) "
    )
    assert lines[2] == "Found 2 problems."


def test_example_project_findings_where_findings_md_puts_them() -> None:
    result = run_cli("check", "--select", "SL106", "examples/shop", cwd=REPO)
    assert [line.split(" ", 2)[:2] for line in result.stdout.splitlines()[:-1]] == [
        ["examples/shop/requirements.txt:5:1:", "SL106"],
        ["examples/shop/requirements.txt:6:1:", "SL106"],
    ]
