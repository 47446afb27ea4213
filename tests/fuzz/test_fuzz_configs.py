"""Generated serverless.yml, SAM and CloudFormation projects through the real engine."""

from __future__ import annotations

from hypothesis import given

from fuzz.properties import check_project
from fuzz.strategies import Project, serverless_projects, template_projects


@given(serverless_projects())
def test_serverless_projects(files: Project) -> None:
    check_project(files)


@given(template_projects(sam=True))
def test_sam_projects(files: Project) -> None:
    check_project(files)


@given(template_projects(sam=False))
def test_cloudformation_projects(files: Project) -> None:
    check_project(files)


@given(serverless_projects(mutations=3))
def test_mutated_serverless_projects(files: Project) -> None:
    check_project(files)


@given(template_projects(sam=True, mutations=3))
def test_mutated_templates(files: Project) -> None:
    check_project(files)
