"""Linking config to code: every Python function a config names resolves to a module
file and a function in it, and a single handler file checked alone (as pre-commit
passes it) still finds the config that names it.

`RunResult.linked` counts the functions linked to an existing handler function.
"""

from __future__ import annotations

import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from conftest import FIXTURES, SHARED, codes_at, lint, run_cli, write_tree

from slint.app.model import App
from slint.app.project import ConfigFinder
from slint.engine import RunResult

# fixture project -> (paths to check, functions linked to an existing handler function)
PROJECTS = {
    "serverless_project": (["."], 5),
    "sam_project": (["."], 3),
    "cfn_project": (["."], 2),
    # cdk.out is excluded from directory walks by default: name it.
    "cdk_project": (["cdk.out"], 2),
}


def functions_with_a_handler_file(apps: list[App]) -> list[str]:
    found = []
    for app in apps:
        for function in app.functions:
            ref = function.handler_ref
            if ref is not None and function.links_python and ref.module_path.is_file():
                found.append(f"{app.file}:{function.name}")
    return found


def check_project(root: Path, paths: list[str]) -> RunResult:
    run = lint(root, paths, select=["ALL"])
    assert not run.internal_error, run.errors
    return run


@pytest.fixture
def projects(tmp_path: Path) -> Path:
    """The fixture projects, copied outside this repository's git work tree."""
    for name in PROJECTS:
        shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path


def test_fixture_projects_link_every_handler(projects: Path) -> None:
    total = 0
    for name, (paths, expected) in PROJECTS.items():
        run = check_project(projects / name, paths)
        with_file = functions_with_a_handler_file(run.apps)
        print(f"{name}: {run.linked} of {len(with_file)} functions linked")
        assert run.linked == len(with_file) == expected, name
        # The rule that reports unresolved handlers agrees.
        assert [d for d in run.diagnostics if d.code == "SL001"] == [], name
        total += run.linked
    print(f"fixture projects: {total} functions linked")
    assert total == 12


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="the shared corpus is not there")
def test_on_the_corpus_every_function_with_a_handler_file_is_linked() -> None:
    run = check_project(SHARED, ["corpus"])
    with_file = functions_with_a_handler_file(run.apps)
    functions = sum(len(app.functions) for app in run.apps)
    print(f"\ncorpus: {run.linked} of {len(with_file)} functions with a handler file linked")
    print(f"(the corpus holds configs only: {functions} functions in {len(run.apps)} apps)")
    assert run.linked == len(with_file)


# -- one file at a time (pre-commit) -------------------------------------------------------
SERVERLESS = """
service: shop
provider:
  name: aws
  runtime: python3.12
functions:
  createOrder:
    handler: src/orders/api.create_order
    events:
      - http: POST /orders
  noisy:
    handler: src/orders/other.handler
"""
API = """
import boto3


def create_order(event, context):
    table = boto3.resource("dynamodb").Table("orders")
    table.put_item(Item={"id": event["id"]})
    return {"statusCode": 201}
"""
OTHER = """
import boto3


def handler(event, context):
    return boto3.client("s3").list_buckets()
"""


def shop(root: Path, config: dict[str, str]) -> None:
    write_tree(
        root,
        {
            **{name: textwrap.dedent(text).lstrip("\n") for name, text in config.items()},
            "src/__init__.py": "",
            "src/orders/__init__.py": "",
            "src/orders/api.py": API.lstrip("\n"),
            "src/orders/other.py": OTHER.lstrip("\n"),
        },
    )
    (root / ".git").mkdir()


SAM = """
Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    CodeUri: src/
Resources:
  CreateOrder:
    Type: AWS::Serverless::Function
    Properties:
      Handler: orders.api.create_order
"""
CFN = """
{
  "Resources": {
    "CreateOrder": {
      "Type": "AWS::Lambda::Function",
      "Properties": {"Runtime": "python3.12", "Handler": "orders/api.create_order", "Code": "src"}
    }
  }
}
"""


@pytest.mark.parametrize(
    "config",
    [{"serverless.yml": SERVERLESS}, {"infra.yaml": SAM}, {"stack.json": CFN}],
    ids=["serverless", "sam", "cloudformation"],
)
def test_a_handler_named_only_by_config_is_checked_alone(
    tmp_path: Path, config: dict[str, str]
) -> None:
    shop(tmp_path, config)
    run = lint(tmp_path, ["src/orders/api.py"], select=["SL101"])
    # `create_order` is no handler by naming convention: only the config says so.
    assert codes_at(run.diagnostics) == [("src/orders/api.py", "SL101", 5, 13)]
    # Every function of the config is linked (the other handler module is read as context).
    assert run.linked == (2 if "serverless.yml" in config else 1)
    assert run.files_checked == 1


def test_without_a_config_the_naming_convention_decides(tmp_path: Path) -> None:
    shop(tmp_path, {})
    run = lint(tmp_path, ["src/orders/api.py", "src/orders/other.py"], select=["SL101"])
    assert codes_at(run.diagnostics) == [("src/orders/other.py", "SL101", 5, 12)]


def test_only_the_given_files_are_reported(tmp_path: Path) -> None:
    shop(tmp_path, {"serverless.yml": SERVERLESS})
    run = lint(tmp_path, ["src/orders/api.py"], select=["ALL"])
    assert {d.path for d in run.diagnostics} == {"src/orders/api.py"}
    everything = lint(tmp_path, select=["ALL"])
    assert {"serverless.yml", "src/orders/other.py"} <= {d.path for d in everything.diagnostics}


def test_the_command_as_pre_commit_runs_it(tmp_path: Path) -> None:
    shop(tmp_path, {"serverless.yml": SERVERLESS})
    result = run_cli(
        "check", "--force-exclude", "--select", "SL101", "src/orders/api.py", cwd=tmp_path
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith("src/orders/api.py:5:13: SL101 ")
    assert "serverless.yml" not in result.stdout


def test_configs_are_found_by_walking_up_to_the_repository_root(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "outer/serverless.yml": "service: outer\n",
            "outer/repo/.git/HEAD": "ref: refs/heads/main\n",
            "outer/repo/service/template.yaml": SAM,
            "outer/repo/service/src/orders/api.py": API,
            "outer/repo/lib/util.py": "",
            "outer/repo/lib/deep/er/x.py": "",
        },
    )
    finder = ConfigFinder()
    service = tmp_path / "outer/repo/service"
    assert finder.configs_above(service / "src/orders/api.py") == (
        (service / "template.yaml").resolve(),
    )
    # Not above the repository root, and nothing in between.
    assert finder.configs_above(tmp_path / "outer/repo/lib/deep/er/x.py") == ()
    assert finder.configs_above(tmp_path / "outer/x.py") == (
        (tmp_path / "outer/serverless.yml").resolve(),
    )


def test_cdk_output_inside_a_git_work_tree(tmp_path: Path) -> None:
    root = tmp_path / "p"
    shutil.copytree(FIXTURES / "cdk_project", root)
    subprocess.run(["git", "init", "-q", str(root)], check=True, capture_output=True)
    run = check_project(root, ["cdk.out"])
    assert run.linked == 2


def test_a_pytest_test_named_like_a_handler_is_no_handler(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "tests/test_app.py": (
                "import boto3\n\n\n"
                "def test_lambda_handler(apigw_event, mocker):\n"
                "    s3 = boto3.client('s3')\n"
                "    assert s3\n\n\n"
                "def lambda_handler(event, context):\n"
                "    return boto3.client('s3')\n"
            )
        },
    )
    run = lint(tmp_path, select=["SL101"])
    assert codes_at(run.diagnostics) == [("tests/test_app.py", "SL101", 10, 12)]


def test_a_templated_runtime_links_an_existing_python_handler(tmp_path: Path) -> None:
    # Cookiecutter templates (sam init) write `Runtime: "{{ cookiecutter.runtime }}"`.
    write_tree(
        tmp_path,
        {
            "template.yaml": (
                "Transform: AWS::Serverless-2016-10-31\n"
                "Resources:\n"
                "  Fn:\n"
                "    Type: AWS::Serverless::Function\n"
                "    Properties:\n"
                '      Runtime: "{{ cookiecutter.runtime }}"\n'
                "      Handler: app.work\n"
            ),
            "app.py": "import boto3\n\n\ndef work(payload, ctx):\n    return boto3.client('s3')\n",
        },
    )
    run = lint(tmp_path, select=["SL101"])
    assert codes_at(run.diagnostics) == [("app.py", "SL101", 5, 12)]
