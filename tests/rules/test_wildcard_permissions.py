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
