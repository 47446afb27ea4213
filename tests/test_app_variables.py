"""Serverless Framework variables (slint.app.variables)."""

from __future__ import annotations

import json
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import write_tree

from slint.app.model import Unknown, deploy_default_origin, is_known
from slint.app.variables import Resolver, variable_spans
from slint.app.yamlpos import YMap, load
from slint.diagnostics import Location


class Resolved:
    def __init__(self, root: Path, text: str, files: dict[str, str] | None = None) -> None:
        write_tree(root, {"serverless.yml": textwrap.dedent(text), **(files or {})})
        self.document: YMap = load((root / "serverless.yml").read_text(), "serverless.yml")
        self.notes: list[tuple[str, Location, str]] = []
        self.resolver = Resolver(
            self.document,
            root,
            "",
            lambda kind, at, message: self.notes.append((kind, at, message)),
        )
        self.resolver.resolve_tree(self.document)

    def __getitem__(self, key: str) -> Any:
        return self.document["custom"][key]


def resolve(root: Path, custom: str, files: dict[str, str] | None = None) -> Resolved:
    text = "service: shop\nprovider:\n  name: aws\ncustom:\n" + textwrap.indent(
        textwrap.dedent(custom), "  "
    )
    return Resolved(root, text, files)


def test_self_references_with_nested_paths_and_nested_variables(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        stage: ${opt:stage, 'prod'}
        tables:
          dev: orders-dev
          prod: orders-prod
        table: ${self:custom.tables.${self:custom.stage}}
        list: [a, b, c]
        second: ${self:custom.list.1}
        service: ${self:service}
        whole: ${self:custom.tables}
        mixed: ${self:service}-${self:custom.table}-v${self:custom.version}
        version: 2
        """,
    )
    assert found["table"] == "orders-prod"
    assert found["second"] == "b"
    assert found["service"] == "shop"
    assert found["whole"] is found["tables"]
    assert found["mixed"] == "shop-orders-prod-v2"


def test_stage_options_and_their_defaults(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        a: ${opt:stage, 'dev'}
        b: ${sls:stage}
        c: ${opt:stage, self:provider.stage}
        d: ${opt:stage, ${self:provider.stage}}
        e: ${opt:stage, env:AWS_STAGE, "qa"}
        f: ${opt:stage}
        g: ${self:provider.region}
        h: ${opt:region, self:provider.region}
        """,
    )
    assert [found[k] for k in "abcde"] == ["dev", "dev", "dev", "dev", "qa"]
    assert found["f"] == Unknown("${opt:stage}")
    assert found["g"] == found["h"] == "us-east-1"


def test_the_stage_written_in_the_provider_wins(tmp_path: Path) -> None:
    found = Resolved(
        tmp_path,
        """
        provider:
          name: aws
          stage: ${opt:stage, 'staging'}
        custom:
          a: ${sls:stage}
          b: ${self:provider.stage}
          c: orders-${opt:stage, self:provider.stage}
        """,
    )
    assert [found[k] for k in "abc"] == ["staging", "staging", "orders-staging"]


def test_environment_variables_come_from_defaults_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ORDERS_TABLE", "from-the-real-environment")
    found = resolve(
        tmp_path,
        """
        a: ${env:ORDERS_TABLE, 'orders'}
        b: ${env:ORDERS_TABLE}
        c: ${env:ORDERS_TABLE, 30}
        d: ${env:ORDERS_TABLE, null}
        e: ${env:ORDERS_TABLE, true}
        f: prefix-${env:ORDERS_TABLE}
        """,
    )
    assert found["a"] == "orders"
    assert found["b"] == Unknown("${env:ORDERS_TABLE}")
    assert found["c"] == 30
    assert found["d"] is None
    assert found["e"] is True
    assert not is_known(found["f"])


@pytest.mark.parametrize(
    "source",
    [
        "${ssm:/orders/api-key}",
        "${ssm:/orders/${sls:stage}/api-key}",
        "${cf:network-stack.VpcId}",
        "${aws:accountId}",
        "${aws:region}",
        "${s3:bucket/key}",
        "${sls:instanceId}",
        "${strToBool(${env:FLAG, 'true'})}",
        "${param:dashboardOnly}",
        "${construct:queue.queueUrl}",
        "${self:custom.nowhere}",
        "${file(./handler.js):value}",
        "${bareword}x${self:nowhere}",
    ],
)
def test_everything_else_is_unknown(tmp_path: Path, source: str) -> None:
    found = resolve(tmp_path, f"value: {json.dumps(source)}\n")
    assert isinstance(found["value"], Unknown)


def test_unknown_values_propagate(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        secret: ${ssm:/x}
        a: ${self:custom.secret}
        b: prefix-${self:custom.secret}
        c: ${self:custom.tables.${self:custom.secret}}
        d: ${self:custom.secret, 'fallback'}
        e: ${opt:stage, ${ssm:/stage}}
        f:
          - nested: ${self:custom.secret}
        """,
    )
    for key in "abcde":
        assert isinstance(found[key], Unknown), key
    assert not is_known(found["f"])
    assert is_known(found["f"]) is False


def test_fallbacks_with_commas_quotes_and_numbers(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        a: ${opt:list, 'a,b'}
        b: ${opt:x, "it's"}
        c: ${opt:x, -1.5}
        d: "${opt:memory, 512}MB"
        e: "${opt:enabled, false}"
        f: ${self:custom.missing, self:custom.also.missing, 'last'}
        """,
    )
    assert found["a"] == "a,b"
    assert found["b"] == "it's"
    assert found["c"] == -1.5
    assert found["d"] == "512MB"
    assert found["e"] is False
    assert found["f"] == "last"


def test_params_of_the_stage_then_the_default(tmp_path: Path) -> None:
    found = Resolved(
        tmp_path,
        """
        provider:
          name: aws
          stage: prod
        params:
          prod:
            domain: shop.example.com
          default:
            domain: dev.example.com
            retries: 3
        custom:
          a: ${param:domain}
          b: ${param:retries}
          c: ${param:missing, 'x'}
        """,
    )
    assert found["a"] == "shop.example.com"
    assert found["b"] == 3
    assert isinstance(found["c"], Unknown)  # a dashboard parameter: unknown, no fallback


def test_v4_stage_params(tmp_path: Path) -> None:
    found = Resolved(
        tmp_path,
        """
        provider:
          name: aws
        stages:
          default:
            params:
              table: orders-${sls:stage}
          prod:
            params:
              table: orders
        custom:
          table: ${param:table}
        """,
    )
    assert found["table"] == "orders-dev"


def test_cloudformation_substitutions_are_left_alone(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        bucket: uploads
        arn: !Sub "arn:${AWS::Partition}:s3:::${self:custom.bucket}/${Prefix}/*"
        listed: !Sub
          - "${Name}-${self:custom.bucket}"
          - Name: ${self:custom.bucket}
        long:
          Fn::Sub: "${AWS::StackName}-x"
        ref: ${AWS::Region}
        mixed: ${self:custom.bucket}-${Bucket}
        """,
    )
    assert found["arn"] == {"Fn::Sub": "arn:${AWS::Partition}:s3:::uploads/${Prefix}/*"}
    assert found["listed"] == {"Fn::Sub": ["${Name}-uploads", {"Name": "uploads"}]}
    assert found["long"] == {"Fn::Sub": "${AWS::StackName}-x"}
    # Outside a substitution a reference with no source is not something slint can know.
    assert found["ref"] == Unknown("${AWS::Region}")
    assert isinstance(found["mixed"], Unknown)


def test_variable_spans() -> None:
    text = "a-${self:x.${opt:y}}-${AWS::Region}-${file(./c.yml):k}"
    assert [text[s:e] for s, e in variable_spans(text)] == [
        "${self:x.${opt:y}}",
        "${file(./c.yml):k}",
    ]
    assert variable_spans("${unclosed") == []


# -- files ----------------------------------------------------------------------------
def test_file_includes_relative_to_the_config(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        stage: dev
        timeout: ${file(./config/${self:custom.stage}.yml):timeout}
        nested: ${file(./config/dev.yml):limits.memory}
        whole: ${file(config/settings.json)}
        key: ${file(./config/settings.json):queues.0.name}
        missing_key: ${file(./config/dev.yml):nope, 'fallback'}
        """,
        {
            "config/dev.yml": "timeout: 20\nlimits:\n  memory: 1024\n",
            "config/settings.json": '{"queues": [{"name": "orders"}], "retries": 2}',
        },
    )
    assert found["timeout"] == 20
    assert found["nested"] == 1024
    assert found["whole"] == {"queues": [{"name": "orders"}], "retries": 2}
    assert found["key"] == "orders"
    assert found["missing_key"] == "fallback"
    assert found.notes == []
    assert sorted(p.name for p in found.resolver.includes) == ["dev.yml", "settings.json"]


def test_included_values_say_which_file_they_come_from(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        "settings: ${file(./config/dev.yml)}\n",
        {"config/dev.yml": "# settings\ntimeout: 20\n"},
    )
    settings = found["settings"]
    assert isinstance(settings, YMap)
    assert settings.file == "config/dev.yml"
    assert settings.key_loc["timeout"] == Location(2, 1)


def test_variables_inside_included_files_are_resolved(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        "settings: ${file(./config/dev.yml)}\n",
        {"config/dev.yml": "table: ${self:service}-orders\nkey: ${ssm:/k}\n"},
    )
    assert found["settings"]["table"] == "shop-orders"
    assert isinstance(found["settings"]["key"], Unknown)


def test_a_missing_include_is_unknown_and_noted(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        a: ${file(./nope.yml)}
        b: ${file(./nope.yml):key}
        c: ${file(./nope.yml):key, 'fallback'}
        """,
    )
    assert isinstance(found["a"], Unknown)
    assert isinstance(found["b"], Unknown)
    assert found["c"] == "fallback"
    kinds = {(kind, at.row) for kind, at, _ in found.notes}
    assert kinds == {("missing-include", 6)}  # noted once, where it is first read


def test_a_broken_include_is_unknown_and_noted(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        "a: ${file(./bad.yml):x}\n",
        {"bad.yml": "x: [1,\n"},
    )
    assert isinstance(found["a"], Unknown)
    assert [kind for kind, _, _ in found.notes] == ["bad-include"]


# -- recursion -------------------------------------------------------------------------
def test_circular_references_are_unknown(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        """
        a: ${self:custom.b}
        b: ${self:custom.a}
        c: ${self:custom.c}
        d:
          inner: ${self:custom.d}
        e:
          p: ${self:custom.f}
        f:
          q: ${self:custom.e}
        g: ${self:}
        """,
    )
    for key in "abcg":
        assert isinstance(found[key], Unknown), key
    assert isinstance(found["d"]["inner"], Unknown)
    # No cycle is left in the data: every walker terminates.
    json.dumps(found.document, default=repr)
    assert is_known(found.document) is False


def test_files_that_include_each_other(tmp_path: Path) -> None:
    found = resolve(
        tmp_path,
        "a: ${file(./a.yml)}\nself: ${file(./self.yml):x}\n",
        {
            "a.yml": "b: ${file(./b.yml)}\nvalue: 1\n",
            "b.yml": "a: ${file(./a.yml)}\n",
            "self.yml": "x: ${file(./self.yml):x}\n",
        },
    )
    assert found["a"]["value"] == 1
    assert isinstance(found["a"]["b"]["a"], Unknown)
    assert isinstance(found["self"], Unknown)
    json.dumps(found.document, default=repr)


def test_self_referencing_blow_up_is_bounded(tmp_path: Path) -> None:
    lines = ["l0: xxxxxxxxxx"] + [
        f"l{i}: ${{self:custom.l{i - 1}}}${{self:custom.l{i - 1}}}" for i in range(1, 40)
    ]
    start = time.perf_counter()
    found = resolve(tmp_path, "\n".join(lines) + "\n")
    assert time.perf_counter() - start < 2
    assert isinstance(found["l39"], Unknown)
    assert found["l3"] == "x" * 80


def test_fallbacks_of_deploy_time_sources_are_marked_as_overridable(tmp_path: Path) -> None:
    """`${opt:...}` and `${env:...}` are never read; the fallback used in their place is
    marked so that messages say a deployment can override it. A fallback after a source
    that the config itself answers is not marked, and neither is a plain value."""
    found = resolve(
        tmp_path,
        """
        timeout: ${opt:timeout, 900}
        runtime: ${env:RUNTIME, 'python3.8'}
        ratio: ${env:RATIO, 0.5}
        flag: ${env:FLAG, true}
        plain: 30
        local: ${self:custom.plain, 60}
        through: ${self:custom.timeout}
        """,
    )
    assert found["timeout"] == 900
    assert deploy_default_origin(found["timeout"]) == "the fallback of `${opt:timeout}`"
    assert deploy_default_origin(found["runtime"]) == "the fallback of `${env:RUNTIME}`"
    assert found["runtime"] == "python3.8"
    assert deploy_default_origin(found["ratio"]) == "the fallback of `${env:RATIO}`"
    assert found["flag"] is True  # booleans cannot be marked: kept as the plain value
    assert deploy_default_origin(found["plain"]) is None
    assert found["local"] == 30 and deploy_default_origin(found["local"]) is None
    # A reference to a marked value carries the mark.
    assert deploy_default_origin(found["through"]) == "the fallback of `${opt:timeout}`"
