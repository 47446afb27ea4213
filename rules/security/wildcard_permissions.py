from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from textwrap import dedent
from typing import Any

from slint.api import ConfigRule, FixKind, Invalid, Severity, Valid
from slint.app.cloudformation import lambda_assumable_roles
from slint.app.common import logical_id, statements_from_policy
from slint.app.model import App, Function, Statement, as_list
from slint.app.yamlpos import YList, YMap
from slint.diagnostics import Diagnostic, Location
from slint.settings import Settings

from .._support.config import properties, resources_of_type, target_id
from .._support.report import by_place, of_functions

_SERVICE_WILDCARD = re.compile(r"^(\*|[A-Za-z0-9-]+:\*)$")
# AWS managed policies that are a wildcard statement under another name, with what
# they allow on every resource (the main grant of each; most add related services).
BROAD_MANAGED_POLICIES: dict[str, str] = {
    "AdministratorAccess": "every action",
    "PowerUserAccess": "every action outside IAM and Organizations",
    "IAMFullAccess": "`iam:*`",
    "AmazonS3FullAccess": "`s3:*`",
    "AmazonDynamoDBFullAccess": "`dynamodb:*`",
    "AmazonSQSFullAccess": "`sqs:*`",
    "AmazonSNSFullAccess": "`sns:*`",
    "AmazonKinesisFullAccess": "`kinesis:*`",
    "AmazonKinesisFirehoseFullAccess": "`firehose:*`",
    "AWSLambda_FullAccess": "`lambda:*`",
    "AWSLambdaFullAccess": "`lambda:*`",
    "CloudWatchFullAccess": "`cloudwatch:*`",
    "CloudWatchLogsFullAccess": "`logs:*`",
    "AmazonEC2FullAccess": "`ec2:*`",
    "AmazonRDSFullAccess": "`rds:*`",
    "AmazonSESFullAccess": "`ses:*`",
    "AWSStepFunctionsFullAccess": "`states:*`",
    "AmazonSSMFullAccess": "`ssm:*`",
    "AmazonEventBridgeFullAccess": "`events:*`",
    "AWSXrayFullAccess": "`xray:*`",
    "SecretsManagerReadWrite": "`secretsmanager:*`",
    "AmazonAthenaFullAccess": "`athena:*`",
    "AmazonRekognitionFullAccess": "`rekognition:*`",
}
_MANAGED_POLICY = re.compile(r"(?:^|:iam::aws:policy/(?:[\w+=,.@-]+/)*)([\w+=,.@-]+)$")


@dataclass(frozen=True)
class Finding:
    file: str
    at: Location
    length: int
    what: str
    # What a compromised function could do with it.
    reach: str = "reach every such resource of the account"  # see _reach


def wildcard_actions(actions: list[Any]) -> list[str]:
    return [a for a in actions if isinstance(a, str) and _SERVICE_WILDCARD.match(a.strip())]


def broad_managed_policy(value: Any) -> str | None:
    """`AdministratorAccess` / `...FullAccess` (an AWS managed policy name or ARN, also
    written with `!Sub arn:${AWS::Partition}:iam::aws:policy/...`)."""
    text: Any = value
    if isinstance(value, dict) and len(value) == 1:
        inner = next(iter(value.values()))
        text = inner[0] if isinstance(inner, list) and inner else inner
        if isinstance(text, list):  # !Join ["", [...]]
            text = "".join(p for p in text if isinstance(p, str))
    if not isinstance(text, str):
        return None
    if ":policy/" in text and ":iam::aws:policy/" not in text.replace("${AWS::Partition}", "aws"):
        return None  # a customer managed policy: its statements are not in this file
    match = _MANAGED_POLICY.search(text.replace("${AWS::Partition}", "aws"))
    if match is None:
        return None
    name = match.group(1)
    return name if name in BROAD_MANAGED_POLICIES else None


class WildcardPermissions(ConfigRule):
    """
    ## What it does
    Reports an IAM statement that applies to the functions and allows every action
    (`Action: "*"`, on any resource), every action of a service (`s3:*`, `dynamodb:*`)
    on every resource (`Resource: "*"`), or every action but a few (`Effect: Allow`
    with `NotAction`, on any resource): serverless `provider.iam.role.statements`,
    `provider.iamRoleStatements` and per-function `iamRoleStatements`
    (serverless-iam-roles-per-function), policies of a role in `resources` that a
    function's `role:` names; SAM inline `Policies` statements; the inline policies of
    the function's `AWS::IAM::Role` and the `AWS::IAM::Policy` /
    `AWS::IAM::ManagedPolicy` resources attached to it (a `Statement` may be one
    mapping instead of a list). A template that defines no function but roles that
    `lambda.amazonaws.com` may assume (execution roles of functions deployed by
    another stack) has those roles checked the same way. The AWS managed policies that
    amount to the same (`AdministratorAccess`, `PowerUserAccess`, `IAMFullAccess`,
    `AmazonS3FullAccess`, `AmazonDynamoDBFullAccess` and the other service-wide
    `...FullAccess` policies) in SAM `Policies`, a role's `ManagedPolicyArns` or
    serverless `iam.role.managedPolicies` are reported too, on the list item.

    The finding sits on the statement's `Action` key (on the statement itself when it
    has none), once per statement however many functions share it; the message names
    them. `Deny` statements, `service:*` on named resources (common and scoped), and
    values slint cannot know (`!If`, parameters without defaults) are not reported.

    ## Why is this bad?
    A function's role is what an attacker gets when the function is tricked (an
    injection, a dependency that is compromised, a leaked session token). With
    `s3:*` on `*` that is every bucket of the account, including deleting them; with
    `*` on `*` it is the account. Least privilege keeps a bug in one function from
    becoming an incident for the whole account, and IAM Access Analyzer and security
    reviews flag these statements.

    ## Example
    ```yaml
    # serverless.yml
    provider:
      name: aws
      iam:
        role:
          statements:
            - Effect: Allow
              Action: "dynamodb:*"
              Resource: "*"
    ```

    ## Use instead
    ```yaml
    # serverless.yml
    provider:
      name: aws
      iam:
        role:
          statements:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:PutItem]
              Resource: !GetAtt OrdersTable.Arn
    ```
    ```yaml
    # template.yaml (SAM): a policy template scoped to one table
    Policies:
      - DynamoDBCrudPolicy:
          TableName: !Ref OrdersTable
    ```

    ## Fix
    There is no automatic fix: only you know which actions the code calls. IAM Access
    Analyzer can generate a policy from the function's CloudTrail activity.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html
    - https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/serverless-policy-templates.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/iam
    """

    code = "SL602"
    name = "wildcard-permissions"
    severity = Severity.WARNING
    fix = FixKind.NONE

    valid = (
        Valid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                  iam:
                    role:
                      statements:
                        - Effect: Allow
                          Action: [dynamodb:GetItem, dynamodb:PutItem]
                          Resource: !GetAtt OrdersTable.Arn
                        - Effect: Allow
                          Action: "s3:*"
                          Resource: arn:aws:s3:::shop-uploads/*
                        - Effect: Deny
                          Action: "*"
                          Resource: "*"
                        - Effect: Allow
                          Action: [xray:PutTraceSegments, cloudwatch:PutMetricData]
                          Resource: "*"
                functions:
                  api:
                    handler: app.handler
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Policies:
                        - DynamoDBCrudPolicy:
                            TableName: !Ref Orders
                        - AWSLambdaBasicExecutionRole
                        - Statement:
                            - Effect: Allow
                              Action: "sqs:*"
                              Resource: !GetAtt Queue.Arn
                            - Effect: Allow
                              Action: "sns:*"
                              Resource: !If [IsProd, "*", !Ref Topic]
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Resources:
                  AdminRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: {}
                      Policies:
                        - PolicyName: admin
                          PolicyDocument:
                            Statement:
                              - Effect: Allow
                                Action: "*"
                                Resource: "*"
                  FnRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: {}
                      ManagedPolicyArns:
                        - arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt FnRole.Arn
                      Code: {ZipFile: "def handler(e, c): pass"}
                """
            ),
            filename="template.yaml",
        ),
    )
    invalid = (
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                  iam:
                    role:
                      statements:
                        - Effect: Allow
                          Action: "dynamodb:*"
                          Resource: "*"
                functions:
                  api:
                    handler: app.handler
                  worker:
                    handler: worker.handler
                """
            ),
            filename="serverless.yml",
            line=9,
            column=11,
            message="`dynamodb:*` on every resource",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                plugins:
                  - serverless-iam-roles-per-function
                provider:
                  name: aws
                  iamRoleStatements:
                    - Effect: Allow
                      Resource: "*"
                      Action:
                        - s3:GetObject
                        - "*"
                functions:
                  api:
                    handler: app.handler
                    iamRoleStatements:
                      - {Effect: Allow, Action: "sqs:*", Resource: "*"}
                """
            ),
            filename="serverless.yml",
            line=9,
            column=7,
            message="every action on every resource",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                functions:
                  api:
                    handler: app.handler
                    iamRoleStatements:
                      - {Effect: Allow, Action: "sqs:*", Resource: "*"}
                """
            ),
            filename="serverless.yml",
            line=8,
            column=25,
            message="`sqs:*`",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Policies:
                        - Version: "2012-10-17"
                          Statement:
                            - Effect: Allow
                              Resource: "*"
                              Action: s3:*
                """
            ),
            filename="template.yaml",
            line=15,
            column=15,
            message="`ApiFunction`",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Policies:
                        - AmazonDynamoDBFullAccess
                """
            ),
            filename="template.yaml",
            line=9,
            column=11,
            message="AmazonDynamoDBFullAccess",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  FnRole:
                    Type: AWS::IAM::Role
                    Properties:
                      AssumeRolePolicyDocument: {}
                  FnPolicy:
                    Type: AWS::IAM::Policy
                    Properties:
                      PolicyName: fn
                      Roles: [!Ref FnRole]
                      PolicyDocument:
                        Statement:
                          - Effect: Allow
                            NotAction: iam:*
                            Resource: "*"
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt FnRole.Arn
                      Code:
                        ZipFile: "def handler(e, c): pass"
                """
            ),
            filename="template.yaml",
            line=15,
            column=13,
            message="every action except",
        ),
        Invalid(
            dedent(
                """\
                service: shop
                provider:
                  name: aws
                  runtime: python3.12
                  iam:
                    role:
                      statements:
                        - Effect: Allow
                          Action: "*"
                          Resource: arn:aws:s3:::shop-uploads/*
                functions:
                  api:
                    handler: app.handler
                """
            ),
            filename="serverless.yml",
            line=9,
            column=11,
            message='every action on `arn:aws:s3:::shop-uploads/*` (`Action: "*"`)',
        ),
    )

    def check(self, app: App, settings: Settings) -> Iterable[Diagnostic]:
        found: list[tuple[Finding, Function]] = []
        for function in app.functions:
            statements = list(function.statements)
            if app.format == "serverless":
                statements.extend(_serverless_role_statements(app, function))
            for statement in statements:
                finding = _statement_finding(statement)
                if finding is not None:
                    found.append((finding, function))
            found.extend((finding, function) for finding in _managed_policy_findings(app, function))
        for finding, functions in by_place(found, lambda f: (f.file, f.at)):
            yield self._report(finding, of_functions(functions))
        if app.format != "serverless" and not app.functions:
            yield from self._external_roles(app)

    def _report(self, finding: Finding, whom: str) -> Diagnostic:
        return self.at(
            finding.file,
            finding.at,
            f"{finding.what} for {whom}: a bug or an injected request "
            f"in the code can then {finding.reach}; grant only "
            "the actions the code calls on the ARNs it uses.",
            length=finding.length,
        )

    def _external_roles(self, app: App) -> Iterator[Diagnostic]:
        """A template that defines no function but execution roles for functions
        deployed elsewhere (that `lambda.amazonaws.com` may assume)."""
        found: dict[tuple[str, Location], tuple[Finding, list[str]]] = {}
        for role in lambda_assumable_roles(app):
            findings = [_statement_finding(s) for s in _role_statements(app, role)]
            props = _role_properties(app, role)
            if props is not None:
                findings.extend(_managed_list_findings(app, props.get("ManagedPolicyArns")))
            for finding in findings:
                if finding is not None:
                    roles = found.setdefault((finding.file, finding.at), (finding, []))[1]
                    if role not in roles:
                        roles.append(role)
        for finding, roles in found.values():
            shown = ", ".join(f"`{role}`" for role in roles)
            noun = "role" if len(roles) == 1 else "roles"
            yield self._report(finding, f"the functions that assume {noun} {shown}")


def _statement_finding(statement: Statement) -> Finding | None:
    """`Action: "*"` or an `Allow` with `NotAction`, whatever the resource; `service:*`
    only on every resource (on named resources it is common and scoped)."""
    if statement.effect != "Allow":
        return None
    everywhere = any(isinstance(r, str) and r.strip() == "*" for r in statement.resources)
    where = "every resource" if everywhere else _resources_shown(statement.resources)
    node = statement.node
    if node is not None and statement.not_action:
        excluded = ", ".join(f"`{a}`" for a in statement.actions if isinstance(a, str))
        at = node.key_loc["NotAction"]
        scope = 'with `Resource: "*"`' if everywhere else "on named resources"
        return Finding(
            statement.file,
            at,
            len("NotAction"),
            f"IAM statement allows every action except {excluded or 'a few'} on {where} "
            f"(`Effect: Allow` with `NotAction`, {scope})",
            _reach(everywhere),
        )
    wildcards = wildcard_actions(statement.actions)
    every_action = any(a.strip() == "*" for a in wildcards)
    if not every_action and not (wildcards and everywhere):
        return None
    if node is not None and "Action" in node:
        at, length = node.key_loc["Action"], len("Action")
    else:
        at, length = statement.at, 0
    if every_action:
        what = f'IAM statement allows every action on {where} (`Action: "*"`)'
    else:
        shown = ", ".join(f"`{a.strip()}`" for a in wildcards)
        what = f'IAM statement allows {shown} on every resource (`Resource: "*"`)'
    return Finding(statement.file, at, length, what, _reach(everywhere))


def _reach(everywhere: bool) -> str:
    if everywhere:
        return "reach every such resource of the account"
    # IAM actions are many services' worth: on a named resource too, `*` / `NotAction`
    # grants deleting it, changing its policy, and whatever new actions AWS adds.
    return "do anything IAM allows on those resources, now and as AWS adds actions"


def _resources_shown(resources: list[Any]) -> str:
    """The statement's resources as a message shows them: the literal ARNs, else "its
    resources" (intrinsic functions say little once printed)."""
    literal = [r.strip() for r in resources if isinstance(r, str) and r.strip()]
    if literal and len(literal) == len(resources):
        shown = ", ".join(f"`{r}`" for r in literal[:2])
        return shown + (" and others" if len(literal) > 2 else "")
    return "its resources"


def _serverless_role_statements(app: App, function: Function) -> list[Statement]:
    """Statements of a role defined in `resources` that the function uses by name."""
    provider = app.document.get("provider")
    role: Any = function.node.get("role")
    if role is None and isinstance(provider, YMap):
        role = provider.get("role")
        iam = provider.get("iam")
        if role is None and isinstance(iam, YMap) and not isinstance(iam.get("role"), YMap):
            role = iam.get("role")
    target = role if isinstance(role, str) and role in app.resources else logical_id(role)
    if target is None:
        return []
    return _role_statements(app, target)


def _role_statements(app: App, target: str) -> list[Statement]:
    found: list[Statement] = []
    props = _role_properties(app, target)
    if props is not None:
        for policy in as_list(props.get("Policies")):
            if isinstance(policy, YMap):
                found.extend(
                    statements_from_policy(policy.get("PolicyDocument"), app.file, policy.loc)
                )
    for _, _, props in resources_of_type(app, "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        if props is not None and any(target_id(r) == target for r in as_list(props.get("Roles"))):
            found.extend(statements_from_policy(props.get("PolicyDocument"), app.file, props.loc))
    return found


def _role_properties(app: App, target: str | None) -> YMap | None:
    """The `Properties` of the `AWS::IAM::Role` of this template with logical id `target`."""
    resource = app.resources.get(target) if target else None
    if isinstance(resource, YMap) and resource.get("Type") == "AWS::IAM::Role":
        return properties(resource)
    return None


def _managed_policy_findings(app: App, function: Function) -> Iterator[Finding]:
    lists: list[Any] = []
    if app.format == "serverless":
        provider = app.document.get("provider")
        iam = provider.get("iam") if isinstance(provider, YMap) else None
        role = iam.get("role") if isinstance(iam, YMap) else None
        if isinstance(role, YMap):
            lists.append(role.get("managedPolicies"))
        if isinstance(provider, YMap):
            lists.append(provider.get("iamManagedPolicies"))
        role_ref: Any = function.node.get("role")
    else:
        lists.append(function.node.get("Policies"))
        role_ref = function.node.get("Role")
    role = _role_properties(app, target_id(role_ref))
    if role is not None:
        lists.append(role.get("ManagedPolicyArns"))
    for items in lists:
        if isinstance(items, YList):
            yield from _managed_list_findings(app, items)
        elif isinstance(items, str):
            name = broad_managed_policy(items)
            if name is not None and function.node.file == app.file and "Policies" in function.node:
                yield _managed_finding(
                    function.node.file, function.node.value_range["Policies"][0], name
                )


def _managed_list_findings(app: App, items: Any) -> Iterator[Finding]:
    """The broad AWS managed policies of a list (`ManagedPolicyArns`, `Policies`)."""
    if not isinstance(items, YList):
        return
    for index, item in enumerate(items):
        name = broad_managed_policy(item)
        if name is not None:
            yield _managed_finding(items.file or app.file, items.at(index), name)


def _managed_finding(file: str, at: Location, name: str) -> Finding:
    return Finding(
        file,
        at,
        0,
        f"AWS managed policy `{name}` allows {BROAD_MANAGED_POLICIES[name]} on every resource",
    )
