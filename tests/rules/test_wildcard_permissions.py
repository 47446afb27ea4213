"""SL602 wildcard-permissions: statements found in every format, reported once each."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from config_rule_support import findings
from conftest import codes_at
from slint.rules.security.wildcard_permissions import broad_managed_policy, wildcard_actions

CODE = "SL602"


def test_wildcard_actions() -> None:
    assert wildcard_actions(
        ["*", "s3:*", "DynamoDB:*", "s3:Get*", "s3:GetObject", {"Ref": "X"}]
    ) == [
        "*",
        "s3:*",
        "DynamoDB:*",
    ]


@pytest.mark.parametrize(
    ("value", "name"),
    [
        ("AdministratorAccess", "AdministratorAccess"),
        ("arn:aws:iam::aws:policy/AmazonS3FullAccess", "AmazonS3FullAccess"),
        ({"Fn::Sub": "arn:${AWS::Partition}:iam::aws:policy/PowerUserAccess"}, "PowerUserAccess"),
        (
            {"Fn::Join": ["", ["arn:", "aws", ":iam::aws:policy/AmazonDynamoDBFullAccess"]]},
            None,  # a Join of parts: only the literal parts are read
        ),
        ("arn:aws:iam::123456789012:policy/AmazonS3FullAccess", None),  # customer managed
        ("AmazonS3ReadOnlyAccess", None),
        ("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole", None),
    ],
)
def test_broad_managed_policies(value: object, name: str | None) -> None:
    assert broad_managed_policy(value) == name


def test_serverless_provider_function_and_resource_roles(tmp_path: Path) -> None:
    text = dedent(
        """\
        service: shop
        provider:
          name: aws
          iam:
            role:
              managedPolicies:
                - arn:aws:iam::aws:policy/AdministratorAccess
              statements:
                - Effect: Allow
                  Action:
                    - "s3:*"
                    - "sqs:SendMessage"
                  Resource: "*"
                - Effect: Deny
                  Action: "*"
                  Resource: "*"
        functions:
          api:
            handler: app.handler
          worker:
            handler: worker.handler
            iamRoleStatements:
              - Effect: Allow
                Action: "dynamodb:*"
                Resource:
                  - "*"
          custom:
            handler: custom.handler
            role: CustomRole
        resources:
          Resources:
            CustomRole:
              Type: AWS::IAM::Role
              Properties:
                AssumeRolePolicyDocument: {}
                Policies:
                  - PolicyName: all
                    PolicyDocument:
                      Version: "2012-10-17"
                      Statement:
                        - Effect: Allow
                          Action: "*"
                          Resource: "*"
        """
    )
    found = findings(tmp_path, CODE, {"serverless.yml": text})
    assert codes_at(found) == [
        ("serverless.yml", CODE, 7, 11),
        ("serverless.yml", CODE, 10, 11),
        ("serverless.yml", CODE, 24, 9),
        ("serverless.yml", CODE, 42, 19),
    ]
    admin, s3, dynamodb, everything = found
    assert "`AdministratorAccess`" in admin.message
    # The provider statement is shared by every function: one finding naming them.
    assert "functions `api`, `worker`, `custom`" in s3.message
    assert "`s3:*`" in s3.message and "sqs" not in s3.message
    assert s3.end.column == 17  # the `Action` key
    assert "function `worker`" in dynamodb.message
    assert "every action on every resource" in everything.message
    assert "function `custom`" in everything.message


def test_sam_policies_and_role_shared_by_two_functions(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          SharedRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument: {}
              ManagedPolicyArns:
                - !Sub arn:${AWS::Partition}:iam::aws:policy/AmazonSQSFullAccess
          Extra:
            Type: AWS::IAM::Policy
            Properties:
              PolicyName: extra
              Roles: [!Ref SharedRole]
              PolicyDocument:
                Statement:
                  - {Effect: Allow, Action: ["kms:*"], Resource: "*"}
          A:
            Type: AWS::Serverless::Function
            Properties:
              Handler: a.handler
              Runtime: python3.12
              Role: !GetAtt SharedRole.Arn
          B:
            Type: AWS::Serverless::Function
            Properties:
              Handler: b.handler
              Runtime: python3.12
              Role: !GetAtt SharedRole.Arn
          C:
            Type: AWS::Serverless::Function
            Properties:
              Handler: c.handler
              Runtime: python3.12
              Policies: AmazonS3FullAccess
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [
        ("template.yaml", CODE, 8, 11),
        ("template.yaml", CODE, 16, 29),
        ("template.yaml", CODE, 34, 17),
    ]
    sqs, kms, s3 = found
    assert "functions `A`, `B`" in sqs.message and "`sqs:*`" in sqs.message
    assert "functions `A`, `B`" in kms.message and "`kms:*`" in kms.message
    assert "function `C`" in s3.message


def test_unknown_and_conditional_values_are_silent(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Parameters:
          Actions:
            Type: CommaDelimitedList
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: a.handler
              Runtime: python3.12
              Policies:
                - Statement:
                    - Effect: !If [IsProd, Deny, Allow]
                      Action: "*"
                      Resource: "*"
                    - Effect: Allow
                      Action: !Ref Actions
                      Resource: "*"
                    - Effect: Allow
                      Action: "s3:*"
                      Resource: !Sub "arn:${AWS::Partition}:s3:::bucket/*"
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []


def test_every_action_and_not_action_on_named_resources_in_every_format(
    tmp_path: Path,
) -> None:
    """`Action: "*"` and `Allow` + `NotAction` are reported whatever the resource;
    `service:*` on a named resource is not (near-miss); a `Statement` may be written as
    one mapping instead of a list."""
    files = {
        "sls/serverless.yml": dedent(
            """\
            service: shop
            provider:
              name: aws
              iam:
                role:
                  statements:
                    - Effect: Allow
                      Action: "*"
                      Resource: arn:aws:s3:::shop-uploads/*
                    - Effect: Allow
                      Action: "s3:*"
                      Resource: arn:aws:s3:::shop-uploads/*
            functions:
              api:
                handler: app.handler
            """
        ),
        "sls_old/serverless.yml": dedent(
            """\
            service: shop
            provider:
              name: aws
              iamRoleStatements:
                - Effect: Allow
                  NotAction: [iam:*, organizations:*]
                  Resource: !GetAtt Orders.Arn
            functions:
              api:
                handler: app.handler
            """
        ),
        "sam/template.yaml": dedent(
            """\
            Transform: AWS::Serverless-2016-10-31
            Resources:
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: app.handler
                  Runtime: python3.12
                  Policies:
                    - Statement:
                        Effect: Allow
                        Action: ["*"]
                        Resource: !GetAtt Orders.Arn
                    - Statement:
                        Effect: Allow
                        Action: dynamodb:*
                        Resource: !GetAtt Orders.Arn
            """
        ),
        "cfn/template.yaml": dedent(
            """\
            Resources:
              FnRole:
                Type: AWS::IAM::Role
                Properties:
                  AssumeRolePolicyDocument: {}
                  Policies:
                    - PolicyName: app
                      PolicyDocument:
                        Statement:
                          Effect: Allow
                          NotAction: s3:DeleteBucket
                          Resource: arn:aws:s3:::shop-uploads
              Fn:
                Type: AWS::Lambda::Function
                Properties:
                  Handler: app.handler
                  Runtime: python3.12
                  Role: !GetAtt FnRole.Arn
                  Code: {ZipFile: "def handler(e, c): pass"}
            """
        ),
    }
    found = findings(tmp_path, CODE, files)
    assert codes_at(found) == [
        ("cfn/template.yaml", CODE, 11, 15),
        ("sam/template.yaml", CODE, 11, 13),
        ("sls/serverless.yml", CODE, 8, 11),
        ("sls_old/serverless.yml", CODE, 6, 7),
    ]
    cfn, sam, sls, sls_old = found
    assert "every action except `s3:DeleteBucket` on `arn:aws:s3:::shop-uploads`" in cfn.message
    assert "function `Fn`" in cfn.message and "do anything IAM allows" in cfn.message
    assert 'every action on its resources (`Action: "*"`)' in sam.message
    assert 'every action on `arn:aws:s3:::shop-uploads/*` (`Action: "*"`)' in sls.message
    assert "every action except `iam:*`, `organizations:*`" in sls_old.message


def test_single_mapping_statement_on_every_resource(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Policies:
                Statement:
                  Effect: Allow
                  Action: "sqs:*"
                  Resource: "*"
        """
    )
    found = findings(tmp_path, CODE, {"template.yaml": text})
    assert codes_at(found) == [("template.yaml", CODE, 11, 11)]
    assert "`sqs:*` on every resource" in found[0].message


def test_deny_and_scoped_service_wildcards_stay_silent(tmp_path: Path) -> None:
    text = dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Fn:
            Type: AWS::Serverless::Function
            Properties:
              Handler: app.handler
              Runtime: python3.12
              Policies:
                - Statement:
                    - Effect: Deny
                      NotAction: s3:GetObject
                      Resource: arn:aws:s3:::shop-uploads/*
                    - Effect: Deny
                      Action: "*"
                      Resource: arn:aws:s3:::shop-uploads/*
                    - Effect: Allow
                      Action: [s3:*, sqs:*]
                      Resource: [arn:aws:s3:::shop-uploads/*, !GetAtt Queue.Arn]
        """
    )
    assert findings(tmp_path, CODE, {"template.yaml": text}) == []
