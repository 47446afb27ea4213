from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from textwrap import dedent

from slint.api import ConfigRule, Invalid, Severity, Valid
from slint.app.model import App, Function
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic, Location
from slint.discovery import display_path
from slint.files import FileTooBig, read_text_limited
from slint.fixes import text_lines
from slint.settings import Settings

from .._support.config import function_resource, resources_of_type
from .._support.handler_code import code_dir_of

# Normalized name -> what it is. Prefix families are in _DEV_PREFIXES.
_TEST = "test tool"
_LINT = "linter or formatter"
_TYPES = "type-checking stub package"
_DEBUG = "debugger or notebook tool"
_BUILD = "build or release tool"
DEV_PACKAGES: dict[str, str] = {
    **dict.fromkeys(
        (
            "pytest",
            "moto",
            "hypothesis",
            "freezegun",
            "responses",
            "faker",
            "localstack",
            "localstack-client",
            "awscli-local",
            "mock",
            "requests-mock",
            "httpretty",
            "vcrpy",
            "time-machine",
            "factory-boy",
            "model-bakery",
            "mongomock",
            "fakeredis",
            "testfixtures",
            "nose",
            "nose2",
            "behave",
            "locust",
            "coverage",
            "coveralls",
            "codecov",
            "tox",
            "nox",
        ),
        _TEST,
    ),
    **dict.fromkeys(
        (
            "black",
            "ruff",
            "flake8",
            "pylint",
            "mypy",
            "isort",
            "autopep8",
            "yapf",
            "bandit",
            "pyflakes",
            "pycodestyle",
            "pydocstyle",
            "pyright",
            "pytype",
            "pre-commit",
            "safety",
        ),
        _LINT,
    ),
    **dict.fromkeys(("boto3-stubs", "botocore-stubs", "types-boto3"), _TYPES),
    **dict.fromkeys(
        (
            "ipython",
            "ipdb",
            "pdbpp",
            "pudb",
            "debugpy",
            "jupyter",
            "jupyterlab",
            "notebook",
            "ipykernel",
        ),
        _DEBUG,
    ),
    **dict.fromkeys(
        (
            "aws-sam-cli",
            "cfn-lint",
            "pip-tools",
            "pipdeptree",
            "twine",
            "poetry",
            "pipenv",
            "virtualenv",
            "sphinx",
            "mkdocs",
        ),
        _BUILD,
    ),
}
_DEV_PREFIXES: tuple[tuple[str, str], ...] = (
    ("pytest-", _TEST),
    ("flake8-", _LINT),
    ("pylint-", _LINT),
    ("mypy-boto3-", _TYPES),
    ("types-", _TYPES),
    ("sphinx-", _BUILD),
    ("mkdocs-", _BUILD),
)


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them."""
    return re.sub(r"[-_.]+", "-", name).lower()


def dev_kind(name: str) -> str | None:
    """What kind of development tool the distribution `name` is, if it is one."""
    normalized = normalize(name)
    kind = DEV_PACKAGES.get(normalized)
    if kind is not None:
        return kind
    for prefix, prefix_kind in _DEV_PREFIXES:
        if normalized.startswith(prefix) and len(normalized) > len(prefix):
            return prefix_kind
    return None


# -- requirements files --------------------------------------------------------------
@dataclass(frozen=True)
class Requirement:
    name: str  # as written
    path: Path  # the requirements file it is in
    line: int  # 1-based, of the line where the requirement starts
    included_from: tuple[tuple[Path, int], ...] = ()  # the `-r` chain that reached it


_COMMENT = re.compile(r"(^|\s+)#.*$")
_NAME = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")
_EGG = re.compile(r"#(?:.*&)?egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_OPTION_TAIL = re.compile(r"\s+--?[A-Za-z][\w-]*(?:[=\s].*)?$")
_INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*=\s*|\s+|(?=[^\s=]))(?P<path>\S.*)$")
_EDITABLE = re.compile(r"^(?:-e|--editable)(?:\s*=\s*|\s+)(?P<target>\S.*)$")
_WHEEL = re.compile(r"([A-Za-z0-9][A-Za-z0-9._]*)-\d[^/]*\.(?:whl|tar\.gz|zip|tar\.bz2)$")


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, content) with `\\` continuations joined and comments removed."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text_lines(text), start=1):
        if not pending:
            start = number
        line = _COMMENT.sub("", raw)
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        yield start, " ".join(part.strip() for part in pending).strip()
        pending = []
    if pending:
        yield start, " ".join(part.strip() for part in pending).strip()


def _name_of_url(target: str) -> str | None:
    egg = _EGG.search(target)
    if egg is not None:
        return egg.group(1)
    wheel = _WHEEL.search(target.split("#", 1)[0].split("?", 1)[0])
    return wheel.group(1) if wheel is not None else None


def requirement_name(line: str) -> str | None:
    """The distribution a requirement line names (PEP 508, a URL or path with `#egg=`,
    a wheel or sdist file name); None for options and what names nothing."""
    line = _OPTION_TAIL.sub("", line).strip()  # --hash=..., --config-settings ...
    if not line:
        return None
    editable = _EDITABLE.match(line)
    if editable is not None:
        return _name_of_url(editable.group("target"))
    if line.startswith("-"):
        return None
    if "://" in line.split("@", 1)[0] or line.startswith((".", "/", "~")):
        return _name_of_url(line)
    match = _NAME.match(line)
    if match is None:
        return None
    rest = line[match.end() :].lstrip()
    if rest and rest[0] not in "[<>=!~;@(,":
        return _name_of_url(line) if ("/" in line or "\\" in line) else None
    return match.group(1)


def parse_requirements(
    path: Path, chain: tuple[tuple[Path, int], ...] = (), depth: int = 0
) -> list[Requirement]:
    """The requirements a pip requirements file installs, following `-r` includes
    (`-c` constraints install nothing)."""
    try:
        text = read_text_limited(path, errors="replace")
    except (OSError, FileTooBig):
        return []
    found: list[Requirement] = []
    visited = {p for p, _ in chain} | {path.resolve()}
    for number, line in _logical_lines(text):
        if not line:
            continue
        include = _INCLUDE.match(line)
        if include is not None:
            target = include.group("path").strip().strip("'\"")
            nested = (path.parent / target).resolve()
            if depth < 8 and nested not in visited and "$" not in target:
                found.extend(
                    parse_requirements(nested, (*chain, (path.resolve(), number)), depth + 1)
                )
            continue
        name = requirement_name(line)
        if name is not None:
            found.append(Requirement(name, path, number, chain))
    return found


# -- which requirements file each function deploys --------------------------------------
@dataclass
class _Deployment:
    requirements: Path
    consumers: list[tuple[str, str, Location]] = field(default_factory=list)  # name, file, at
    excluded: frozenset[str] = frozenset()  # serverless-python-requirements `noDeploy`
    packager: str = "sam build"


def _python_zip(function: Function) -> bool:
    return function.is_python and function.has_code_link


def _serverless_deployments(app: App) -> list[_Deployment]:
    if not any("serverless-python-requirements" in plugin for plugin in app.plugins):
        return []  # without the plugin, nothing installs requirements.txt
    custom = app.document.get("custom")
    options = custom.get("pythonRequirements") if isinstance(custom, YMap) else None
    options = (
        options if isinstance(options, YMap) else YMap(app.document.loc, app.document.loc, False)
    )
    file_name = options.get("fileName")
    file_name = file_name if isinstance(file_name, str) and file_name else "requirements.txt"
    no_deploy = options.get("noDeploy")
    excluded = frozenset(
        normalize(item)
        for item in (no_deploy if isinstance(no_deploy, list) else [])
        if isinstance(item, str)
    )
    use_poetry = options.get("usePoetry", True) is not False
    use_pipenv = options.get("usePipenv", True) is not False
    deployments: dict[Path, _Deployment] = {}
    service_individually = _individually(app.document)
    for function in app.functions:
        if not _python_zip(function):
            continue
        folder = app.directory
        at, file = function.at, function.file
        module = function.node.get("module")
        # The plugin installs a `module` folder's requirements only when functions are
        # packaged one by one.
        individually = service_individually or _individually(function.node)
        if individually and isinstance(module, str) and module not in (".", "./"):
            folder = folder / module
            at, file = function.node.key_loc["module"], function.node.file or file
        requirements = (folder / file_name).resolve()
        if use_poetry and _is_poetry_project(requirements.parent):
            continue  # the plugin exports the poetry lock (without dev groups) instead
        if use_pipenv and (app.directory / "Pipfile").is_file():
            continue
        deployment = deployments.setdefault(
            requirements,
            _Deployment(requirements, excluded=excluded, packager="serverless-python-requirements"),
        )
        deployment.consumers.append((function.name, file, at))
    return list(deployments.values())


def _individually(owner: YMap) -> bool:
    package = owner.get("package")
    return isinstance(package, YMap) and package.get("individually") is True


def _is_poetry_project(folder: Path) -> bool:
    try:
        text = read_text_limited(folder / "pyproject.toml", errors="replace")
    except (OSError, FileTooBig):
        return False
    return "[tool.poetry" in text


def _sam_deployments(app: App) -> list[_Deployment]:
    deployments: dict[Path, _Deployment] = {}
    for function in app.functions:
        resource = function_resource(function)
        if resource is None or resource.get("Type") != "AWS::Serverless::Function":
            continue  # plain CloudFormation code is uploaded as it is: nothing installs
        metadata = resource.get("Metadata")
        build = metadata.get("BuildMethod") if isinstance(metadata, YMap) else None
        if build is not None and not str(build).startswith("python"):
            continue  # a makefile or other custom build decides what is installed
        if not _python_zip(function):
            continue
        code_dir = code_dir_of(function)
        if code_dir is None:
            continue
        requirements = (code_dir / "requirements.txt").resolve()
        props = function.node
        if "CodeUri" in props:
            file, at = props.file or function.file, props.key_loc["CodeUri"]
        else:
            file, at = function.file, function.at
        deployments.setdefault(requirements, _Deployment(requirements)).consumers.append(
            (function.name, file, at)
        )
    for logical, resource, layer_props in resources_of_type(app, "AWS::Serverless::LayerVersion"):
        layer_metadata = resource.get("Metadata")
        build = layer_metadata.get("BuildMethod") if isinstance(layer_metadata, YMap) else None
        if not (isinstance(build, str) and build.startswith("python")) or layer_props is None:
            continue
        content = layer_props.get("ContentUri")
        if not isinstance(content, str) or content.startswith("s3://"):
            continue
        folder = app.directory / content
        if not folder.is_dir():
            continue
        requirements = (folder / "requirements.txt").resolve()
        deployments.setdefault(requirements, _Deployment(requirements)).consumers.append(
            (f"layer {logical}", layer_props.file or app.file, layer_props.key_loc["ContentUri"])
        )
    return list(deployments.values())


def _placed(on_requirements: Diagnostic, on_config: Diagnostic) -> Diagnostic:
    """Where a finding goes: on the requirements line (where the fix goes) when that
    file is checked, else on the function in the config, naming the requirements line."""
    return replace(on_requirements, fallback=on_config)


def _names(consumers: list[tuple[str, str, Location]]) -> str:
    names = [f"`{name}`" if not name.startswith("layer ") else name for name, _, _ in consumers]
    if len(names) > 4:
        names = [*names[:3], f"{len(names) - 3} more"]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


class DevDependencyPackaged(ConfigRule):
    """
    ## What it does
    Finds test and development tools (pytest and its plugins, moto, black, ruff,
    flake8, pylint, mypy and type stubs, ipython, ipdb, pre-commit, tox, nox,
    coverage, hypothesis, freezegun, responses, faker, localstack, ...) in the
    requirements file that is installed into a function's deployment package: for SAM,
    `requirements.txt` at the root of the function's `CodeUri` (the template's folder
    when there is none) or of a Python layer's `ContentUri`; for the Serverless
    Framework with serverless-python-requirements, the service's `requirements.txt`
    (or `custom.pythonRequirements.fileName`), or the one in the function's `module`
    folder. Files included with `-r` count too; packages listed in `noDeploy` do not.
    The finding names the requirements file and line, and the functions it ships with.

    ## Why is this bad?
    Everything in that file is downloaded, unpacked and shipped with every function.
    Test and lint tools are never imported by the handler, yet they grow the package
    (moto alone pulls in dozens of packages), slow every deployment and make cold
    starts longer, and can push the package over Lambda's 250 MB limit.

    ## Example
    ```text
    # requirements.txt, next to template.yaml (CodeUri: .)
    requests==2.32.3
    pytest==8.3.3
    moto==5.0.18
    ```

    ## Use instead
    ```text
    # requirements.txt: what the handler imports
    requests==2.32.3
    ```
    ```text
    # requirements-dev.txt: for the developer and CI
    -r requirements.txt
    pytest==8.3.3
    moto==5.0.18
    ```

    ## Fix
    There is no automatic fix: move the line to a development requirements file (or
    list the package in `custom.pythonRequirements.noDeploy` for serverless).

    ## References
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/building-python.html
    - https://www.serverless.com/plugins/serverless-python-requirements
    - https://docs.aws.amazon.com/lambda/latest/dg/python-package.html
    """

    code = "SL106"
    name = "dev-dependency-packaged"
    severity = Severity.WARNING

    def check(self, app: App, settings: Settings) -> Iterator[Diagnostic]:
        if app.format == "serverless":
            deployments = _serverless_deployments(app)
        elif app.format == "sam":
            deployments = _sam_deployments(app)
        else:
            return
        for deployment in deployments:
            if not deployment.consumers or not deployment.requirements.is_file():
                continue
            for requirement in parse_requirements(deployment.requirements):
                kind = dev_kind(requirement.name)
                if kind is None or normalize(requirement.name) in deployment.excluded:
                    continue
                yield self._report(requirement, kind, deployment)

    def _report(self, requirement: Requirement, kind: str, deployment: _Deployment) -> Diagnostic:
        name, packager = requirement.name, deployment.packager
        functions = _names(deployment.consumers)
        _, file, at = deployment.consumers[0]
        why = (
            "it grows the package, the deployment and the cold start; move it to a "
            "development requirements file"
        )
        where = f"{display_path(requirement.path)}:{requirement.line}"
        if requirement.included_from:
            parent, line = requirement.included_from[0]
            where += f" (included from {display_path(parent)}:{line})"
        on_config = self.at(
            file,
            at,
            f"`{name}` ({where}) is a {kind}, yet {packager} installs it into the deployment "
            f"package of {functions}: {why}",
        )
        on_requirements = self.at(
            display_path(requirement.path),
            Location(requirement.line, 1),
            f"`{name}` is a {kind}, yet {packager} installs it into the deployment package "
            f"of {functions} ({file}:{at.row}): {why}",
            length=len(name),
        )
        return _placed(on_requirements, on_config)

    valid = (
        # Only what the handler imports; tools in requirements-dev.txt.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                Resources:
                  Api:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Handler: app.handler
                """),
            filename="template.yaml",
            files={
                "src/app.py": "def handler(event, context):\n    return {}\n",
                "src/requirements.txt": dedent("""\
                    # runtime dependencies only
                    requests==2.32.3
                    pydantic[email]>=2 ; python_version >= "3.9"
                    aws-lambda-powertools[tracer]==3.2.0 \\
                        --hash=sha256:0123456789abcdef
                    mypy-extensions==1.0.0
                    pytesseract==0.3.13
                    """),
                "requirements-dev.txt": "-r src/requirements.txt\npytest==8.3.3\nmoto==5.0.18\n",
            },
        ),
        # serverless: noDeploy keeps the tool out; without the plugin nothing is installed.
        Valid(
            dedent("""\
                service: orders
                plugins:
                  - serverless-python-requirements
                custom:
                  pythonRequirements:
                    noDeploy:
                      - pytest
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                """),
            filename="serverless.yml",
            files={"requirements.txt": "requests\npytest\n"},
        ),
        Valid(
            dedent("""\
                service: orders
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                """),
            filename="serverless.yml",
            files={"requirements.txt": "requests\npytest\n"},
        ),
        # A poetry project: the plugin exports the lock without the dev group.
        Valid(
            dedent("""\
                service: orders
                plugins:
                  - serverless-python-requirements
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                """),
            filename="serverless.yml",
            files={
                "requirements.txt": "requests\npytest\n",
                "pyproject.toml": "[tool.poetry]\nname = 'orders'\n",
            },
        ),
        # Not Python, an image, code in S3, plain CloudFormation: nothing installs it.
        Valid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Node:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: nodejs20.x
                      Handler: index.handler
                      CodeUri: .
                  Image:
                    Type: AWS::Serverless::Function
                    Properties:
                      PackageType: Image
                      ImageUri: !Sub ${AWS::AccountId}.dkr.ecr.eu-west-1.amazonaws.com/app:1
                  Stored:
                    Type: AWS::Serverless::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      CodeUri: s3://bucket/app.zip
                  Plain:
                    Type: AWS::Lambda::Function
                    Properties:
                      Runtime: python3.12
                      Handler: app.handler
                      Role: !GetAtt Role.Arn
                      Code: .
                """),
            filename="template.yaml",
            files={"requirements.txt": "pytest\n"},
        ),
    )
    invalid = (
        # SAM: CodeUri from Globals defaults to the template's folder.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    Handler: app.handler
                Resources:
                  Orders:
                    Type: AWS::Serverless::Function
                    Properties:
                      Timeout: !Ref Timeout
                """),
            filename="template.yaml",
            files={
                "app.py": "def handler(event, context):\n    return {}\n",
                "requirements.txt": "requests==2.32.3\npytest==8.3.3  # tests\n",
            },
            line=2,
            column=1,
            message="`pytest` is a test tool, yet sam build installs it into the deployment "
            "package of `Orders` (template.yaml:8)",
        ),
        # SAM: the function's own CodeUri; a tool reached through `-r`.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Thumbnails:
                    Type: AWS::Serverless::Function
                    Properties:
                      CodeUri: src/
                      Handler: app.handler
                      Runtime: python3.11
                """),
            filename="template.yaml",
            files={
                "src/requirements.txt": "Pillow==10.4.0\n-r ../requirements-test.txt\n",
                "requirements-test.txt": "# tools\nblack==24.8.0\n",
            },
            line=2,
            column=1,
            message="`black` is a linter or formatter, yet sam build installs it into the "
            "deployment package of `Thumbnails` (template.yaml:7)",
        ),
        # SAM: a Python layer built from its ContentUri.
        Invalid(
            dedent("""\
                AWSTemplateFormatVersion: "2010-09-09"
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  Deps:
                    Type: AWS::Serverless::LayerVersion
                    Properties:
                      ContentUri: layer/
                      CompatibleRuntimes: [python3.12]
                    Metadata:
                      BuildMethod: python3.12
                """),
            filename="template.yaml",
            files={"layer/requirements.txt": "boto3-stubs[s3]==1.35.0\n"},
            line=1,
            column=1,
            message="`boto3-stubs` is a type-checking stub package",
        ),
        # serverless-python-requirements with a custom file name.
        Invalid(
            dedent("""\
                service: orders
                plugins:
                  - serverless-python-requirements
                custom:
                  pythonRequirements:
                    fileName: requirements/prod.txt
                provider:
                  name: aws
                  runtime: python3.12
                functions:
                  create:
                    handler: api.create
                  report:
                    handler: report.run
                """),
            filename="serverless.yml",
            files={
                "requirements/prod.txt": "requests\n--index-url https://pypi.org/simple\n"
                "pytest-cov>=5 ; python_version >= '3.9'\n"
            },
            line=3,
            column=1,
            message="`pytest-cov` is a test tool, yet serverless-python-requirements installs "
            "it into the deployment package of `create` and `report` (serverless.yml:11)",
        ),
        # serverless: a function's `module` folder has its own requirements.txt.
        Invalid(
            dedent("""\
                service: orders
                plugins:
                  - serverless-python-requirements
                provider:
                  name: aws
                  runtime: python3.12
                package:
                  individually: true
                functions:
                  create:
                    module: orders
                    handler: api.create
                """),
            filename="serverless.yml",
            files={"orders/requirements.txt": "-e git+https://github.com/getmoto/moto#egg=moto\n"},
            line=1,
            column=1,
            message="`moto` is a test tool",
        ),
    )
