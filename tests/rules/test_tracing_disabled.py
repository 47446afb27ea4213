"""SL503 tracing-disabled: positions per format, fixes applied and re-linted, CRLF."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import apply_all, findings
from conftest import codes_at, lint, write_tree

from slint.diagnostics import Applicability
from slint.fixes import apply_edits

CODE = "SL503"


SERVERLESS = dedent(
    """\
    service: shop
    # comment before provider
    provider:
      name: aws
      runtime: python3.12
      environment:
        TABLE: orders  # a comment

    functions:
      api:
        handler: app.handler
      worker:
        handler: worker.handler
    """
)


def test_serverless_reports_once_at_provider_and_fix_enables_tracing(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, {"serverless.yml": SERVERLESS})
    assert codes_at(found) == [("serverless.yml", CODE, 3, 1)]
    assert found[0].end.column == 9  # the `provider` key
    assert "functions `api`, `worker`" in found[0].message
    fix = found[0].fix
    assert fix is not None and fix.applicability is Applicability.SAFE
    fixed = apply_all(tmp_path, "serverless.yml", found)
    assert fixed == SERVERLESS.replace(
        "    TABLE: orders  # a comment\n",
        "    TABLE: orders  # a comment\n  tracing:\n    lambda: true\n",
    )
    assert findings(tmp_path, CODE, {}) == []


def test_serverless_four_space_indentation_and_existing_tracing_map(tmp_path: Path) -> None:
    text = dedent(
        """\
        service: shop
        provider:
            name: aws
            tracing:
                apiGateway: true
        functions:
            api:
                handler: app.handler
        """
    )
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    assert codes_at(found) == [("serverless.yml", CODE, 2, 1)]
    fixed = apply_all(tmp_path, "serverless.yml", found)
    assert fixed == text.replace(
        "        apiGateway: true\n", "        apiGateway: true\n        lambda: true\n"
    )
    assert findings(tmp_path, CODE, {}) == []


def test_serverless_new_tracing_block_uses_the_file_indentation(tmp_path: Path) -> None:
    text = "service: s\nprovider:\n    name: aws\nfunctions:\n    api:\n        handler: a.h\n"
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    fixed = apply_all(tmp_path, "serverless.yml", found)
    assert fixed == text.replace(
        "    name: aws\n", "    name: aws\n    tracing:\n        lambda: true\n"
    )


def test_serverless_per_function_when_some_function_sets_its_own(tmp_path: Path) -> None:
    text = dedent(
        """\
        service: shop
        provider:
          name: aws
          role: arn:aws:iam::123456789012:role/custom
        functions:
          api:
            handler: app.handler
            tracing: Active
          worker:
            handler: worker.handler
          cron:
            handler: cron.handler
            tracing: false
        """
    )
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    assert codes_at(found) == [
        ("serverless.yml", CODE, 9, 3),
        ("serverless.yml", CODE, 13, 5),
    ]
    worker, cron = found
    # A custom role gets no X-Ray permission from the framework: unsafe.
    assert worker.fix is not None and worker.fix.applicability is Applicability.UNSAFE
    assert cron.fix is None and "switched off" in cron.message
    fixed = apply_edits(text, worker.fix.edits)
    assert "  worker:\n    handler: worker.handler\n    tracing: Active\n" in fixed


def test_sam_globals_fix_and_positions(tmp_path: Path) -> None:
    text = dedent(
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Timeout: 10
          Api:
            TracingEnabled: true
        Resources:
          ApiFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
          WorkerFunction:
            Type: AWS::Serverless::Function
            Properties:
              Handler: worker.handler
              Tracing: Active
          Plain:
            Type: AWS::Lambda::Function
            Properties:
              Handler: plain.handler
              Runtime: python3.12
              Role: !GetAtt PlainRole.Arn
              Code:
                ZipFile: "def handler(e, c): pass"
          PlainRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {}
              ManagedPolicyArns:
                - arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [
        ("template.yaml", CODE, 4, 3),  # Globals.Function, for ApiFunction
        ("template.yaml", CODE, 19, 3),  # the plain CloudFormation function
    ]
    globals_finding, plain = found
    assert "function `ApiFunction`" in globals_finding.message
    assert plain.fix is not None and plain.fix.applicability is Applicability.SAFE
    fixed = apply_all(tmp_path, "template.yaml", found)
    assert "    Timeout: 10\n    Tracing: Active\n  Api:\n" in fixed
    assert (
        '        ZipFile: "def handler(e, c): pass"\n      TracingConfig:\n        Mode: Active\n'
        in fixed
    )
    assert findings(tmp_path, CODE, {}) == []


def test_sam_globals_without_function_section(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Api:
            Cors: "'*'"
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 2, 1)]
    fixed = apply_all(tmp_path, "template.yaml", found)
    assert "  Api:\n    Cors: \"'*'\"\n  Function:\n    Tracing: Active\nResources:" in fixed
    assert findings(tmp_path, CODE, {}) == []


def test_sam_without_globals_fixes_each_function(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
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
              Role: !GetAtt BRole.Arn
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 3, 3), ("template.yaml", CODE, 8, 3)]
    assert [d.fix.applicability for d in found if d.fix] == [
        Applicability.SAFE,
        Applicability.UNSAFE,
    ]
    apply_all(tmp_path, "template.yaml", found)
    assert findings(tmp_path, CODE, {}) == []


def test_cloudformation_role_without_xray_permission_makes_the_fix_unsafe(
    tmp_path: Path,
) -> None:
    text = dedent(
        """\
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/fn
              Code: {ZipFile: "def handler(e, c): pass"}
              TracingConfig: {}
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 2, 3)]
    # `TracingConfig: {}` is a flow mapping: no safe place to insert into.
    assert found[0].fix is None


def test_crlf_file_keeps_its_line_endings(tmp_path: Path) -> None:
    text = SERVERLESS.replace("\n", "\r\n")
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    assert codes_at(found) == [("serverless.yml", CODE, 3, 1)]
    fixed = apply_all(tmp_path, "serverless.yml", found)
    assert "\r\n  tracing:\r\n    lambda: true\r\n" in fixed
    assert "\n" not in fixed.replace("\r\n", "")
    assert findings(tmp_path, CODE, {}) == []


def test_unknown_values_are_silent(tmp_path: Path) -> None:
    files = {
        "serverless.yml": dedent(
            """\
            service: shop
            provider:
              name: aws
            functions:
              api:
                handler: app.handler
                tracing: ${param:tracing}
            """
        ),
        "sam/template.yaml": dedent(
            """\
            Transform: AWS::Serverless-2016-10-31
            Parameters:
              Mode: {Type: String}
            Globals:
              Function:
                Tracing: !Ref Mode
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties: {Handler: app.handler, Runtime: python3.12}
            """
        ),
        "cfn/template.yaml": dedent(
            """\
            Resources:
              Fn:
                Type: AWS::Lambda::Function
                Properties:
                  Handler: app.handler
                  Runtime: python3.12
                  Role: arn:aws:iam::123456789012:role/fn
                  Code: {ZipFile: "def handler(e, c): pass"}
                  TracingConfig: !If [IsProd, {Mode: Active}, !Ref AWS::NoValue]
            """
        ),
    }
    assert findings(tmp_path, CODE, files) == []


def test_rule_is_off_by_default(tmp_path: Path) -> None:
    write_tree(tmp_path, {"serverless.yml": SERVERLESS})
    result = lint(tmp_path)
    assert not [d for d in result.diagnostics if d.code == CODE]


def test_passthrough_counts_as_no_tracing_in_every_format(tmp_path: Path) -> None:
    """`PassThrough` only traces what an upstream service sampled: reported on its key,
    with no fix (like an explicit `false`, the choice is the user's to change)."""
    files = {
        "sls/serverless.yml": dedent(
            """\
            service: shop
            provider:
              name: aws
              tracing:
                lambda: PassThrough
            functions:
              api:
                handler: app.handler
            """
        ),
        "sls_fn/serverless.yml": dedent(
            """\
            service: shop
            provider:
              name: aws
              tracing:
                lambda: true
            functions:
              worker:
                handler: worker.handler
                tracing: PassThrough
            """
        ),
        "sam/template.yaml": dedent(
            """\
            Transform: AWS::Serverless-2016-10-31
            Globals:
              Function:
                Tracing: PassThrough
            Resources:
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: worker.handler
                  Runtime: python3.12
            """
        ),
        "sam_fn/template.yaml": dedent(
            """\
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Worker:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: worker.handler
                  Runtime: python3.12
                  Tracing: PassThrough
            """
        ),
        "cfn/template.yaml": dedent(
            """\
            Resources:
              Worker:
                Type: AWS::Lambda::Function
                Properties:
                  Handler: worker.handler
                  Runtime: python3.12
                  Role: arn:aws:iam::123456789012:role/worker
                  Code: {ZipFile: "def handler(e, c): pass"}
                  TracingConfig:
                    Mode: PassThrough
            """
        ),
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [
        ("cfn/template.yaml", CODE, 10, 9),
        ("sam/template.yaml", CODE, 4, 5),
        ("sam_fn/template.yaml", CODE, 8, 7),
        ("sls/serverless.yml", CODE, 5, 5),
        ("sls_fn/serverless.yml", CODE, 9, 5),
    ]
    for diagnostic in found:
        assert "only `PassThrough`" in diagnostic.message
        assert "queue, stream, schedule and S3 invocations" in diagnostic.message
        assert diagnostic.fix is None


def test_active_and_true_stay_silent_next_to_passthrough_near_misses(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Tracing: PassThrough
        Resources:
          Worker:
            Type: AWS::Serverless::Function
            Properties:
              Handler: worker.handler
              Runtime: python3.12
              Tracing: Active
          Chosen:
            Type: AWS::Serverless::Function
            Properties:
              Handler: chosen.handler
              Runtime: python3.12
              Tracing: !If [IsProd, Active, PassThrough]
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []


def test_sam_ignore_globals_tracing_is_reported_on_the_function(tmp_path: Path) -> None:
    """Globals.Function.Tracing does not reach a function whose `IgnoreGlobals` names it
    (or is `'*'`): that function is reported, and fixed, on its own."""
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Tracing: Active
        Resources:
          Traced:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [Runtime]
            Properties:
              Handler: traced.handler
              Runtime: python3.13
          OptsOut:
            Type: AWS::Serverless::Function
            IgnoreGlobals: [Tracing]
            Properties:
              Handler: out.handler
          IgnoresAll:
            Type: AWS::Serverless::Function
            IgnoreGlobals: "*"
            Properties:
              Handler: all.handler
              Runtime: python3.12
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [
        ("template.yaml", CODE, 13, 3),
        ("template.yaml", CODE, 18, 3),
    ]
    assert "function `OptsOut`" in found[0].message
    fixed = apply_all(tmp_path, "template.yaml", found)
    assert "      Handler: out.handler\n      Tracing: Active\n" in fixed
    assert "      Runtime: python3.12\n      Tracing: Active\n" in fixed
    assert findings(tmp_path, CODE, {}) == []
