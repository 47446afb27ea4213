"""SL604 public-function-url: positions per format, shared settings, unknown values."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from config_rule_support import findings
from conftest import codes_at

from slint.diagnostics import Severity

CODE = "SL604"


PROJECT = {
    "serverless.yml": dedent(
        """\
        service: shop
        provider:
          name: aws
          runtime: python3.12
        functions:
          public:
            handler: public.handler
            url: true
          webhook:
            handler: webhook.handler
            url:
              cors: true
              invokeMode: RESPONSE_STREAM
          private:
            handler: private.handler
            url:
              authorizer: aws_iam
          none:
            handler: none.handler
        """
    ),
    "sam/template.yaml": dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            FunctionUrlConfig:
              AuthType: NONE
              Cors:
                AllowOrigins: ["https://shop.example.com"]
        Resources:
          A:
            Type: AWS::Serverless::Function
            Properties: {Handler: a.handler}
          B:
            Type: AWS::Serverless::Function
            Properties:
              Handler: b.handler
              FunctionUrlConfig:
                AuthType: AWS_IAM
          C:
            Type: AWS::Serverless::Function
            Properties: {Handler: c.handler}
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
          FnUrl:
            Type: AWS::Lambda::Url
            Properties:
              TargetFunctionArn: !GetAtt Fn.Arn
              AuthType: "NONE"
          FnUrlPermission:
            Type: AWS::Lambda::Permission
            Properties:
              Action: lambda:InvokeFunctionUrl
              FunctionName: !Ref Fn
              Principal: "*"
              FunctionUrlAuthType: NONE
        """
    ),
}


def test_positions_in_every_format(tmp_path: Path) -> None:
    found = findings(tmp_path, CODE, PROJECT)
    assert codes_at(found) == [
        ("cfn/template.yaml", CODE, 13, 7),
        ("sam/template.yaml", CODE, 6, 7),
        ("serverless.yml", CODE, 8, 5),
        ("serverless.yml", CODE, 11, 5),
    ]
    cfn, sam, public, webhook = found
    assert all(d.severity is Severity.WARNING for d in found)
    assert "function `Fn`" in cfn.message
    # Globals apply to A and C; B overrides them: one finding at the shared key.
    assert "functions `A`, `C`" in sam.message
    assert sam.end.column == 15  # the `AuthType` key
    assert "function `public`" in public.message and "authorizer: aws_iam" in public.message
    assert public.end.column == 8  # the `url` key
    assert "function `webhook`" in webhook.message


def test_crlf_positions(tmp_path: Path) -> None:
    files = {name: text.replace("\n", "\r\n") for name, text in PROJECT.items()}
    found = findings(tmp_path, CODE, files)
    assert [(d.path, d.start.row, d.start.column) for d in found] == [
        ("cfn/template.yaml", 13, 7),
        ("sam/template.yaml", 6, 7),
        ("serverless.yml", 8, 5),
        ("serverless.yml", 11, 5),
    ]


def test_unknown_values_are_silent(tmp_path: Path) -> None:
    files = {
        "serverless.yml": dedent(
            """\
            service: shop
            provider:
              name: aws
            functions:
              a:
                handler: a.handler
                url: ${param:publicUrl}
              b:
                handler: b.handler
                url:
                  authorizer: ${param:auth}
            """
        ),
        "template.yaml": dedent(
            """\
            Resources:
              Fn:
                Type: AWS::Lambda::Function
                Properties:
                  Handler: app.handler
                  Runtime: python3.12
                  Role: arn:aws:iam::123456789012:role/fn
                  Code: {ZipFile: "def handler(e, c): pass"}
              Url:
                Type: AWS::Lambda::Url
                Properties:
                  TargetFunctionArn: !Ref Fn
                  AuthType: !If [IsPublic, NONE, AWS_IAM]
              OtherUrl:
                Type: AWS::Lambda::Url
                Properties:
                  TargetFunctionArn: arn:aws:lambda:eu-west-1:123456789012:function:elsewhere
                  AuthType: NONE
            """
        ),
    }
    assert findings(tmp_path, CODE, files) == []
