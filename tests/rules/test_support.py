"""The helpers the rules share: YAML edits (slint.app.edits), wording and grouping of
findings (rules/_support/report.py), and the model facts rules no longer work around."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from config_rule_support import findings, yaml
from slint.rules._support.config import is_intrinsic, resources_of_type, target_id
from slint.rules._support.report import by_place, names, of_functions

from slint.app.edits import (
    indent_step,
    insert_block,
    insert_entries,
    insert_nested,
    line_text,
    newline_of,
    replace_scalar,
    text_between,
)
from slint.app.model import App, Function, Setting
from slint.app.yamlpos import YMap, load
from slint.diagnostics import Location
from slint.fixes import apply_edits


def _map(text: str) -> YMap:
    document = load(text, "serverless.yml")
    assert isinstance(document, YMap)
    return document


def _inserted(text: str, owner: YMap, entries: list[tuple[str, str]]) -> str:
    edit = insert_entries(text, owner, entries)
    assert edit is not None
    new = apply_edits(text, [edit])
    load(new, "serverless.yml")
    return new


# -- insertions -------------------------------------------------------------------------
def test_insert_after_a_nested_block_that_ends_at_an_indented_token() -> None:
    text = yaml("""\
        functions:
          api:
            handler: app.handler
            environment:
              TABLE: orders
          worker:
            handler: worker.handler
        """)
    api = _map(text)["functions"]["api"]
    assert _inserted(text, api, [("timeout", "6")]) == yaml("""\
        functions:
          api:
            handler: app.handler
            environment:
              TABLE: orders
            timeout: 6
          worker:
            handler: worker.handler
        """)


def test_insert_keeps_deeper_comments_with_the_block_above() -> None:
    text = yaml("""\
        provider:
          name: aws
          iam:
            role: arn:aws:iam::123456789012:role/x
            # about the role
          # about what follows

        functions: {}
        """)
    provider = _map(text)["provider"]
    assert _inserted(text, provider, [("timeout", "6")]) == yaml("""\
        provider:
          name: aws
          iam:
            role: arn:aws:iam::123456789012:role/x
            # about the role
          timeout: 6
          # about what follows

        functions: {}
        """)


def test_insert_goes_after_own_keys_not_into_a_merged_anchor() -> None:
    text = yaml("""\
        base: &base
          memorySize: 128
        functions:
          api:
            <<: *base
            handler: app.handler
          merged:
            <<: *base
        """)
    functions = _map(text)["functions"]
    assert _inserted(text, functions["api"], [("timeout", "6")]) == text.replace(
        "handler: app.handler\n", "handler: app.handler\n    timeout: 6\n"
    )
    # Only merged keys: the mapping has no line of its own to insert after.
    assert insert_entries(text, functions["merged"], [("timeout", "6")]) is None


def test_insert_at_the_end_of_a_file_without_a_final_newline_and_with_crlf() -> None:
    text = "provider:\r\n  name: aws"
    assert newline_of(text) == "\r\n"
    assert _inserted(text, _map(text)["provider"], [("timeout", "6")]) == (
        "provider:\r\n  name: aws\r\n  timeout: 6\r\n"
    )


def test_insertions_into_flow_mappings_and_list_items() -> None:
    text = "provider: {name: aws}\nfunctions:\n  - api: {handler: app.handler}\n"
    document = _map(text)
    assert insert_entries(text, document["provider"], [("timeout", "6")]) is None
    assert _inserted(text, document["functions"][0], [("x", "1")]) == text + "    x: 1\n"


def test_indent_step_and_nested_blocks() -> None:
    text = yaml("""\
        Resources:
            Fn:
                Type: AWS::Serverless::Function
                Properties:
                    Handler: app.handler
        """)
    document = _map(text)
    step = indent_step(document)
    assert step == 4
    props = document["Resources"]["Fn"]["Properties"]
    edit = insert_block(text, props, "EventInvokeConfig", [(1, "A:"), (2, "B: 1")], step)
    assert edit is not None
    assert apply_edits(text, [edit]).endswith(
        "            Handler: app.handler\n"
        "            EventInvokeConfig:\n"
        "                A:\n"
        "                    B: 1\n"
    )
    assert indent_step(_map("a: 1\n")) == 2


def test_insert_nested_adds_to_the_block_or_makes_it() -> None:
    text = yaml("""\
        provider:
          name: aws
          tracing:
            apiGateway: true
        custom:
          name: x
        other:
          tracing: true
        """)
    document = _map(text)
    edit = insert_nested(text, document["provider"], "tracing", [("lambda", "true")], 2)
    assert edit is not None
    assert "    apiGateway: true\n    lambda: true\n" in apply_edits(text, [edit])
    edit = insert_nested(text, document["custom"], "tracing", [("lambda", "true")], 2)
    assert edit is not None
    assert "  name: x\n  tracing:\n    lambda: true\n" in apply_edits(text, [edit])
    # `tracing: true` is not a mapping: a second `tracing:` key would break the file.
    assert insert_nested(text, document["other"], "tracing", [("lambda", "true")], 2) is None


# -- replacements and raw text ----------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("30", "60"),
        ("'30'", "'60'"),
        ('"30"', '"60"'),
        ("!Ref Timeout", None),
        ("${self:custom.timeout}", None),
        ("*timeout", None),
        ("[30]", None),
    ],
)
def test_replace_scalar_keeps_quotes_and_leaves_references(
    written: str, expected: str | None
) -> None:
    text = f"defaults: &timeout 45\nprovider:\n  timeout: {written}\n"
    provider = _map(text)["provider"]
    edit = replace_scalar(text, Setting.read(provider, "timeout"), "60")
    if expected is None:
        assert edit is None
    else:
        assert edit is not None
        assert apply_edits(text, [edit]) == text.replace(written, expected)


def test_text_between_and_line_text() -> None:
    text = "a: |\n  one\n  two\nb: 'x'\n"
    document = _map(text)
    start, end = document.value_range["a"]
    assert text_between(text, start, end) == "|\n  one\n  two\n"
    assert line_text(text, (start, end)) is None
    assert line_text(text, document.value_range["b"]) == "'x'"
    assert text_between(text, Location(9, 1), Location(9, 2)) == ""


# -- findings ---------------------------------------------------------------------------
class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


def _functions(*names_: str) -> list[Function]:
    functions: list[Any] = [_Named(name) for name in names_]
    return functions


def test_function_lists() -> None:
    assert of_functions(_functions("a")) == "function `a`"
    assert of_functions(_functions("a", "b", "c", "d", "e")) == (
        "functions `a`, `b`, `c` and 2 more"
    )
    assert names(_functions("a", "b", "c", "d", "e"), limit=5) == "`a`, `b`, `c`, `d`, `e`"


def test_by_place_reports_a_shared_setting_once() -> None:
    a, b = _functions("a", "b")
    first = ("first", ("serverless.yml", Location(3, 3)))
    second = ("second", ("serverless.yml", Location(3, 3)))
    other = ("other", ("serverless.yml", Location(9, 3)))
    grouped = by_place([(first, a), (second, b), (first, b), (other, a)], lambda item: item[1])
    assert grouped == [(first, [a, b]), (other, [a])]


def test_resource_helpers() -> None:
    text = yaml("""\
        Resources:
          Api:
            Type: AWS::Serverless::Api
          Model:
            Type: AWS::ApiGateway::Model
            Properties:
              Schema: {}
        """)
    app = App(Path("template.yaml"), "template.yaml", "sam", _map(text), text)
    app.resources = app.document["Resources"]
    apis = resources_of_type(app, "AWS::Serverless::Api")
    assert [(logical, props) for logical, _, props in apis] == [("Api", None)]
    assert target_id({"Fn::GetAtt": ["Fn", "Arn"]}) == "Fn"
    assert target_id("my-function") == "my-function"
    assert target_id(3) is None
    assert is_intrinsic({"Fn::If": []}) and not is_intrinsic({"Stream": "x"})


# -- rules on the model facts that replaced their workarounds ----------------------------
def test_intrinsic_event_properties_get_no_inserted_keys(tmp_path: Path) -> None:
    """SL203: SAM event `Properties` written as a long-form `Fn::If` hold no settings to
    add to: the finding comes without a fix (inserting would break the template)."""
    template = yaml("""\
        Transform: AWS::Serverless-2016-10-31
        Conditions:
          Prod: !Equals [!Ref AWS::AccountId, "123456789012"]
        Resources:
          Projector:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Events:
                Orders:
                  Type: DynamoDB
                  Properties:
                    Fn::If:
                      - Prod
                      - Stream: !GetAtt Orders.StreamArn
                        StartingPosition: LATEST
                      - Stream: !GetAtt Orders.StreamArn
                        StartingPosition: TRIM_HORIZON
          Orders:
            Type: AWS::DynamoDB::Table
        """)
    found = findings(tmp_path, "SL203", {"template.yaml": template})
    assert all(d.fix is None for d in found)


def test_synchronous_triggers_need_no_failure_destination(tmp_path: Path) -> None:
    """SL202 reads `Event.is_async`: Cognito triggers and Alexa skills are synchronous."""
    config = dedent("""\
        service: auth
        provider:
          name: aws
          runtime: python3.12
        functions:
          signup:
            handler: auth.signup
            events:
              - cognitoUserPool:
                  pool: users
                  trigger: PreSignUp
          skill:
            handler: skill.handler
            events:
              - alexaSkill: amzn1.ask.skill.00000000-0000-0000-0000-000000000000
          upload:
            handler: upload.handler
            events:
              - s3: uploads
        """)
    found = findings(tmp_path, "SL202", {"serverless.yml": config})
    assert [(d.start.row, d.start.column) for d in found] == [(16, 3)]
