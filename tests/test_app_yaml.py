"""The position-carrying YAML/JSON loader (slint.app.yamlpos)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from conftest import lint

from slint.app.edits import insert_entries
from slint.app.yamlpos import YamlError, YList, YMap, load, load_json, looks_like_json
from slint.diagnostics import Location
from slint.fixes import apply_edits


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


# -- positions ---------------------------------------------------------------------
def test_every_key_and_value_knows_where_it_is() -> None:
    document = load(
        dedent(
            """
            service: orders
            provider:
              name: aws
              timeout: 10
            functions:
              create:
                handler: src/api.create
                events:
                  - http: POST /orders
            """
        ),
        "serverless.yml",
    )
    assert isinstance(document, YMap)
    assert document.file == "serverless.yml"
    assert document.key_loc["provider"] == Location(2, 1)
    provider = document["provider"]
    assert provider.loc == Location(3, 3)
    assert provider.key_loc["timeout"] == Location(4, 3)
    assert provider.value_range["timeout"] == (Location(4, 12), Location(4, 14))
    assert provider.at("missing") == provider.loc
    function = document["functions"]["create"]
    assert function.key_loc["handler"] == Location(7, 5)
    events = function["events"]
    assert isinstance(events, YList)
    assert events.at(0) == Location(9, 9)
    assert events[0].key_loc["http"] == Location(9, 9)
    assert events[0].file == "serverless.yml"


def test_flow_mappings_and_sequences_are_marked_and_positioned() -> None:
    document = load("a: {b: 1, c: [x, {d: 2}]}\ne: [1, 2]\n")
    inner = document["a"]
    assert inner.flow is True
    assert inner.key_loc["c"] == Location(1, 11)
    assert inner["c"].flow is True
    assert inner["c"][1].key_loc["d"] == Location(1, 19)
    assert document["e"].item_range[1] == (Location(2, 8), Location(2, 9))
    assert document.flow is False


def test_crlf_files_keep_the_same_rows_and_columns() -> None:
    document = load("a: 1\r\nb:\r\n  c: 2\r\n")
    assert document["b"].key_loc["c"] == Location(3, 3)
    assert document["b"].value_range["c"] == (Location(3, 6), Location(3, 7))


@pytest.mark.parametrize("separator", ["\x85", "\u2028", "\u2029"])
def test_positions_are_counted_in_slints_lines_not_yamls(separator: str) -> None:
    # YAML ends a line at \x85, \u2028 and \u2029 too; slint, libcst and the LSP do not.
    document = load(f'a: "x{separator}y{separator}z"\nb:\n  c: [1, 2]\n')
    assert document.key_loc["b"] == Location(2, 1)
    assert document.value_range["a"] == (Location(1, 4), Location(1, 11))
    assert document["b"].key_loc["c"] == Location(3, 3)
    assert document["b"]["c"].item_range[1] == (Location(3, 10), Location(3, 11))
    assert document["b"].end == Location(4, 1)
    with pytest.raises(YamlError, match="duplicate key") as caught:
        load(f'a: "x{separator}y"\r\nb: 1\rb: 2\n')
    assert caught.value.location == Location(3, 1)


def test_json_counts_a_lone_carriage_return_as_a_line_end() -> None:
    document = load('{\r  "a": 1,\r  "b": [true]\r}')
    assert document.key_loc["b"] == Location(3, 3)
    assert document.value_range["b"] == (Location(3, 8), Location(3, 14))


def test_edits_count_lines_as_slint_does() -> None:
    text = 'a:\n  b: "x\u2028y"\n  c: 1\nd: 2\n'
    document = load(text)
    edit = insert_entries(text, document["a"], [("e", "3")])
    assert edit is not None
    assert apply_edits(text, [edit]) == 'a:\n  b: "x\u2028y"\n  c: 1\n  e: 3\nd: 2\n'


# -- CloudFormation short tags --------------------------------------------------------
def test_short_tags_become_their_long_form() -> None:
    document = load(
        dedent(
            """
            a: !Ref Param
            b: !GetAtt Queue.Arn
            c: !GetAtt [Table, StreamArn]
            d: !Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"
            e: !If [IsProd, 30, !Ref AWS::NoValue]
            f: !Join
              - ""
              - - "arn:aws:s3:::"
                - !Ref Bucket
            g: !Sub
              - "${Name}-x"
              - Name: !Ref Stage
            h: !Base64 |
              #!/bin/sh
            i: !Condition IsProd
            """
        )
    )
    assert document["a"] == {"Ref": "Param"}
    assert document["b"] == {"Fn::GetAtt": ["Queue", "Arn"]}
    assert document["c"] == {"Fn::GetAtt": ["Table", "StreamArn"]}
    assert document["d"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/*"}
    assert document["e"] == {"Fn::If": ["IsProd", 30, {"Ref": "AWS::NoValue"}]}
    assert document["f"] == {"Fn::Join": ["", ["arn:aws:s3:::", {"Ref": "Bucket"}]]}
    assert document["g"] == {"Fn::Sub": ["${Name}-x", {"Name": {"Ref": "Stage"}}]}
    assert document["h"] == {"Fn::Base64": "#!/bin/sh\n"}
    assert document["i"] == {"Condition": "IsProd"}
    # The tagged value is a flow mapping positioned at the tag.
    assert document["a"].loc == Location(1, 4)
    assert document["a"].flow is True


def test_a_tagged_value_behind_an_alias_is_shared() -> None:
    document = load("a: &arn !GetAtt Q.Arn\nb: *arn\n")
    assert document["b"] == {"Fn::GetAtt": ["Q", "Arn"]}


# -- errors ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ("a: 1\nb:\n  c: 1\n  c: 2\n", Location(4, 3), "duplicate key 'c'"),
        ("a: 1\na: 2\n", Location(2, 1), "duplicate key 'a'"),
        ("a:\n  b: !Foo x\n", Location(2, 6), "unknown tag !Foo"),
        ("a:\n  b: !Ref\n    - 1\n  c: !GetAZz ''\n", Location(4, 6), "unknown tag !GetAZz"),
        ("a: [1, 2\nb: 3\n", Location(2, 2), "did not find expected ',' or ']'"),
        ("a:\n  b: 1\n c: 2\n", Location(3, 2), "did not find expected key"),
        ("a: 'unterminated\n", Location(2, 1), "found unexpected end of stream"),
        ("a:\n\t- b\n", Location(2, 1), "cannot start any token"),
        ("a: *missing\n", Location(1, 4), "found undefined alias"),
        ("{a: 1}: 2\n", Location(1, 1), "a mapping key must be a scalar"),
        ("a: 1\n---\nb: 2\n", Location(2, 1), "expected a single document"),
        ("a:\n  <<: [1, 2]\n", Location(2, 3), "a merge key (<<) needs a mapping"),
    ],
)
def test_errors_carry_their_position(text: str, location: Location, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        load(text, "serverless.yml")
    assert caught.value.location == location
    assert message in caught.value.message
    assert caught.value.syntax == "YAML"


def test_tags_can_be_refused() -> None:
    with pytest.raises(YamlError, match="unknown tag !Ref"):
        load("a: !Ref B\n", allow_tags=False)


def test_a_deeply_nested_document_is_an_error_not_a_crash() -> None:
    with pytest.raises(YamlError, match="too deeply nested"):
        load("[" * 5000 + "]" * 5000)


def test_an_empty_document_is_none() -> None:
    assert load("") is None
    assert load("# only a comment\n") is None


# -- anchors and merge keys -----------------------------------------------------------
def test_merge_keys_and_anchors() -> None:
    document = load(
        dedent(
            """
            defaults: &defaults
              timeout: 10
              memorySize: 256
            extra: &extra
              memorySize: 512
              tracing: Active
            functions:
              a:
                <<: *defaults
                handler: a.main
                timeout: 20
              b:
                <<: [*extra, *defaults]
                handler: b.main
              c: *defaults
            """
        )
    )
    a = document["functions"]["a"]
    assert a == {"timeout": 20, "handler": "a.main", "memorySize": 256}
    # An own key wins and keeps its own position; a merged one points where it is written.
    assert a.key_loc["timeout"] == Location(11, 5)
    assert a.key_loc["memorySize"] == Location(3, 3)
    b = document["functions"]["b"]
    # The first mapping of a merge list wins.
    assert b == {"handler": "b.main", "memorySize": 512, "tracing": "Active", "timeout": 10}
    assert b.key_loc["memorySize"] == Location(5, 3)
    assert b.key_loc["timeout"] == Location(2, 3)
    assert document["functions"]["c"] is document["defaults"]


def test_a_key_merged_twice_is_not_a_duplicate() -> None:
    document = load("base: &b {x: 1}\nc:\n  <<: *b\n  x: 2\n")
    assert document["c"]["x"] == 2


# -- JSON ------------------------------------------------------------------------
JSON_TEMPLATE = (
    '{\n  "Resources": {\n    "Fn": {\n      "Type": "AWS::Lambda::Function",\n'
    '      "Properties": {"Timeout": 30, "Handler": "app.handler"}\n    }\n  }\n}\n'
)


def test_json_documents_keep_positions_and_are_flow_mappings() -> None:
    document = load(JSON_TEMPLATE, "stack.json")
    props = document["Resources"]["Fn"]["Properties"]
    assert props == {"Timeout": 30, "Handler": "app.handler"}
    assert props.key_loc["Timeout"] == Location(5, 22)
    assert props.value_range["Timeout"] == (Location(5, 33), Location(5, 35))
    assert props.file == "stack.json"
    assert document["Resources"].key_loc["Fn"] == Location(3, 5)
    assert all(m.flow for m in (document, document["Resources"], props))
    # A flow mapping cannot take YAML lines: fixes that insert keys decline.
    assert insert_entries(JSON_TEMPLATE, props, [("MemorySize", "512")]) is None


def test_json_is_read_as_json() -> None:
    document = load('{"a": "\\ud83d\\ude00\\/", "b": 1e3, "c": 1.5E3, "d": -0, "e": [true, null]}')
    assert document == {"a": "\U0001f600/", "b": 1000.0, "c": 1500.0, "d": 0, "e": [True, None]}


def test_json_with_tabs_and_a_bom() -> None:
    document = load('\ufeff{\n\t"Resources": {\n\t\t"A": {"Type": "AWS::SQS::Queue"}\n\t}\n}\n')
    assert document["Resources"].key_loc["A"] == Location(3, 3)


def test_minified_json() -> None:
    document = load('{"Resources":{"A":{"Type":"X","Properties":{"B":[1,{"C":2}]}}}}')
    assert document["Resources"]["A"]["Properties"]["B"][1].key_loc["C"] == Location(1, 53)


@pytest.mark.parametrize(
    ("text", "location", "message"),
    [
        ('{\n  "a": 1\n  "b": 2\n}\n', Location(3, 3), "expecting ',' or '}'"),
        ('{\n  "a": 1,\n  "a": 2\n}\n', Location(3, 3), "duplicate key 'a'"),
        ('{"a": [1, 2}\n', Location(1, 12), "expecting ',' or ']'"),
        ('{"a": @}\n', Location(1, 7), "expecting a value"),
        ('{"a": "x}\n', Location(1, 7), "unterminated string"),
        ('{"a": 1}\n{"b": 2}\n', Location(2, 1), "extra data"),
        ('{"a" 1}', Location(1, 6), "expecting ':'"),
    ],
)
def test_json_errors_carry_their_position(text: str, location: Location, message: str) -> None:
    with pytest.raises(YamlError) as caught:
        load(text, "stack.json")
    assert caught.value.syntax == "JSON"
    assert caught.value.location == location
    assert message in caught.value.message


def test_what_json_refuses_but_yaml_reads_is_read_as_yaml() -> None:
    # cfn-lint reads templates as YAML first: a trailing comma is fine there.
    assert load('{"a": 1, "b": [1, 2,],}') == {"a": 1, "b": [1, 2]}
    # A YAML flow mapping that starts like JSON.
    assert load('{"a": !Ref B}') == {"a": {"Ref": "B"}}


def test_load_json_alone_does_not_fall_back() -> None:
    with pytest.raises(YamlError):
        load_json('{"a": 1,}')


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', True),
        ("  \n{\n}", True),
        ("[1]", True),
        ("{a: 1}", False),
        ("a: {}", False),
        ("# {\nA: 1", False),
    ],
)
def test_what_looks_like_json(text: str, expected: bool) -> None:
    assert looks_like_json(text) is expected


def test_undecodable_config_is_sl000_at_the_character_column(tmp_path: Path) -> None:
    # "café" is 4 characters but 5 bytes: the column counts characters, as everywhere.
    (tmp_path / "serverless.yml").write_bytes("service: café ".encode() + b"\xff\n")
    found = [(d.code, d.start) for d in lint(tmp_path).diagnostics]
    assert found == [("SL000", Location(1, 15))]
