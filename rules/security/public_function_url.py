from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from textwrap import dedent
from typing import Any

from slint.api import CrossRule, FixKind, Invalid, Severity, Valid
from slint.app.model import App, Function, Setting
from slint.app.project import LinkedHandler, ReachedFunction
from slint.app.yamlpos import YMap
from slint.diagnostics import Diagnostic, Location
from slint.facts import Behaviour, Call, Value
from slint.settings import Settings

from .._support.report import of_functions, setting_place

# A GitHub webhook receiver: the signature check is in a helper the handler calls.
_GITHUB_WEBHOOK = dedent(
    """\
    import hashlib
    import hmac
    import os

    SECRET = os.environ["WEBHOOK_SECRET"].encode()


    def handler(event, context):
        if not _signed(event):
            return {"statusCode": 401}
        return {"statusCode": 202}


    def _signed(event):
        digest = hmac.new(SECRET, event["body"].encode(), hashlib.sha256).hexdigest()
        received = event["headers"].get("x-hub-signature-256", "")
        return hmac.compare_digest("sha256=" + digest, received)
    """
)
# A Stripe webhook receiver: the SDK raises on a bad signature.
_STRIPE_WEBHOOK = dedent(
    """\
    import os

    import stripe


    def handler(event, context):
        signature = event["headers"]["stripe-signature"]
        try:
            payment = stripe.Webhook.construct_event(
                event["body"], signature, os.environ["STRIPE_WEBHOOK_SECRET"]
            )
        except stripe.error.SignatureVerificationError:
            return {"statusCode": 400}
        return {"statusCode": 200, "body": payment["id"]}
    """
)
# A Slack receiver, its verifier made once per environment.
_SLACK_WEBHOOK = dedent(
    """\
    import os

    from slack_sdk.signature import SignatureVerifier

    verifier = SignatureVerifier(os.environ["SLACK_SIGNING_SECRET"])


    def handler(event, context):
        if not verifier.is_valid_request(event["body"], event["headers"]):
            return {"statusCode": 401}
        return {"statusCode": 200}
    """
)
# Reads the signature header but never checks it.
_UNCHECKED_WEBHOOK = dedent(
    """\
    import json


    def handler(event, context):
        print("signature", event["headers"].get("x-hub-signature-256"))
        return {"statusCode": 202, "body": json.dumps({"ok": True})}
    """
)


class PublicFunctionUrl(CrossRule):
    """
    ## What it does
    Reports a Lambda function URL without IAM authentication (`AuthType: NONE`): SAM
    `FunctionUrlConfig` (on the function or in `Globals.Function`), CloudFormation
    `AWS::Lambda::Url`, serverless `url: true` or a `url:` map without
    `authorizer: aws_iam`. The finding sits on the `AuthType` key (serverless: on the
    `url` key), once per setting however many functions share it. A value slint cannot
    know (`!Ref AuthType` without a default, `${param:...}`) is not reported.

    A webhook receiver must be public, so a function whose handler checks the request's
    signature on every invocation is not reported: in the handler or the functions it
    runs per invocation, a vendor verifier (Stripe `Webhook.construct_event` or
    `WebhookSignature.verify_header`, Twilio `RequestValidator().validate`, Slack
    `SignatureVerifier().is_valid` / `is_valid_request`, Svix `Webhook().verify`, PyNaCl
    `VerifyKey().verify` for Discord), or `hmac.compare_digest` (or an HMAC computed with
    `hmac.new`) in a handler that reads a signature header (`X-Hub-Signature-256`,
    `Stripe-Signature`, `X-Twilio-Signature`, `X-Slack-Signature`, any header whose name
    contains `signature`). A check inside one route of a router covers that route only:
    it counts when every route makes one. A handler slint cannot read (missing, another
    language) is reported as before.

    ## Why is this bad?
    A URL with `AuthType: NONE` can be invoked by anyone who finds it: scanners,
    crawlers, a link in a log or a browser history. Every request runs the function
    and is billed, nothing throttles it but the function's concurrency, and whatever
    the handler can reach is one request away unless the code checks a token itself.

    ## Example
    ```yaml
    # template.yaml (SAM)
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Handler: app.handler
        Runtime: python3.12
        FunctionUrlConfig:
          AuthType: NONE
    ```

    ## Use instead
    ```yaml
    # template.yaml (SAM)
    ApiFunction:
      Type: AWS::Serverless::Function
      Properties:
        Handler: app.handler
        Runtime: python3.12
        FunctionUrlConfig:
          AuthType: AWS_IAM  # put CloudFront with origin access control in front for browsers
    ```
    ```yaml
    # serverless.yml
    functions:
      api:
        handler: app.handler
        url:
          authorizer: aws_iam
    ```
    ```python
    # app.py of a webhook: the URL stays public, the handler checks GitHub's signature
    def handler(event, context):
        expected = "sha256=" + hmac.new(SECRET, event["body"].encode(), sha256).hexdigest()
        signature = event["headers"].get("x-hub-signature-256", "")
        if not hmac.compare_digest(signature, expected):
            return {"statusCode": 401}
        ...
    ```

    ## Fix
    There is no automatic fix: switching to `AWS_IAM` breaks every caller that does
    not sign its requests. Sign the calls (SigV4), or put CloudFront with origin access
    control or API Gateway with an authorizer in front. If the URL must stay public
    (a webhook), verify the caller's signature in the handler before doing any work
    (the vendor SDK's verifier, or `hmac.compare_digest` against the signature header);
    slint then stays silent. A check slint does not recognise (a bearer token, a
    signature in the body) is suppressed with a comment that says so.

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
    - https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-lambda-url.html
    - https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-function-functionurlconfig.html
    - https://www.serverless.com/framework/docs/providers/aws/guide/functions#lambda-function-urls
    - https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries
    - https://docs.stripe.com/webhooks#verify-events
    """

    code = "SL604"
    name = "public-function-url"
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
                functions:
                  api:
                    handler: app.handler
                    url:
                      authorizer: aws_iam
                      cors: true
                  worker:
                    handler: worker.handler
                    url: false
                  other:
                    handler: other.handler
                    url: ${param:otherUrl}
                """
            ),
            filename="serverless.yml",
        ),
        Valid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  UrlAuth:
                    Type: String
                Globals:
                  Function:
                    Runtime: python3.12
                    FunctionUrlConfig:
                      AuthType: AWS_IAM
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                  WebFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: web.handler
                      FunctionUrlConfig:
                        AuthType: !Ref UrlAuth
                """
            ),
            filename="template.yaml",
        ),
        Valid(
            dedent(
                """\
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt Role.Arn
                      Code: {ZipFile: "def handler(e, c): pass"}
                  FnUrl:
                    Type: AWS::Lambda::Url
                    Properties:
                      TargetFunctionArn: !GetAtt Fn.Arn
                      AuthType: AWS_IAM
                """
            ),
            filename="template.yaml",
        ),
        # Webhook receivers: public on purpose, each checks the sender's signature.
        Valid(
            _GITHUB_WEBHOOK,
            filename="webhook.py",
            files={
                "serverless.yml": dedent(
                    """\
                    service: hooks
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      github:
                        handler: webhook.handler
                        url: true
                    """
                )
            },
        ),
        Valid(
            _STRIPE_WEBHOOK,
            filename="src/app.py",
            files={
                "template.yaml": dedent(
                    """\
                    Transform: AWS::Serverless-2016-10-31
                    Resources:
                      StripeFunction:
                        Type: AWS::Serverless::Function
                        Properties:
                          CodeUri: src/
                          Handler: app.handler
                          Runtime: python3.12
                          FunctionUrlConfig:
                            AuthType: NONE
                    """
                )
            },
        ),
        Valid(
            _SLACK_WEBHOOK,
            filename="slack.py",
            files={
                "template.yaml": dedent(
                    """\
                    Resources:
                      SlackFunction:
                        Type: AWS::Lambda::Function
                        Properties:
                          Handler: slack.handler
                          Runtime: python3.12
                          Role: arn:aws:iam::123456789012:role/slack
                          Code: .  # packaged by `aws cloudformation package`
                      SlackUrl:
                        Type: AWS::Lambda::Url
                        Properties:
                          TargetFunctionArn: !GetAtt SlackFunction.Arn
                          AuthType: NONE
                    """
                )
            },
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
                functions:
                  api:
                    handler: app.handler
                    url: true
                """
            ),
            filename="serverless.yml",
            line=8,
            column=5,
            message="function `api`",
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
                    url:
                      cors:
                        allowedOrigins: ["https://shop.example.com"]
                """
            ),
            filename="serverless.yml",
            line=7,
            column=5,
            message="authorizer: aws_iam",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Globals:
                  Function:
                    Runtime: python3.12
                    FunctionUrlConfig:
                      AuthType: NONE
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                  WebFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: web.handler
                """
            ),
            filename="template.yaml",
            line=6,
            column=7,
            message="functions `ApiFunction`, `WebFunction`",
        ),
        Invalid(
            dedent(
                """\
                Transform: AWS::Serverless-2016-10-31
                Parameters:
                  UrlAuth:
                    Type: String
                    Default: NONE
                Resources:
                  ApiFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      FunctionUrlConfig: {AuthType: !Ref UrlAuth, InvokeMode: BUFFERED}
                """
            ),
            filename="template.yaml",
            line=12,
            column=27,
            message="`AuthType: NONE`",
        ),
        Invalid(
            dedent(
                """\
                AWSTemplateFormatVersion: "2010-09-09"
                Resources:
                  Fn:
                    Type: AWS::Lambda::Function
                    Properties:
                      Handler: app.handler
                      Runtime: python3.12
                      Role: !GetAtt Role.Arn
                      Code:
                        ZipFile: "def handler(e, c): pass"
                  FnUrl:
                    Type: AWS::Lambda::Url
                    Properties:
                      AuthType: NONE
                      TargetFunctionArn: !Ref Fn
                """
            ),
            filename="template.yaml",
            line=14,
            column=7,
            message="function `Fn`",
        ),
        # The handler reads the signature header and logs it, but checks nothing.
        Invalid(
            _UNCHECKED_WEBHOOK,
            filename="webhook.py",
            files={
                "serverless.yml": dedent(
                    """\
                    service: hooks
                    provider:
                      name: aws
                      runtime: python3.12
                    functions:
                      github:
                        handler: webhook.handler
                        url: true
                    """
                )
            },
            line=8,
            column=5,
            message="function `github`",
        ),
        # Two functions share the Globals URL; only the webhook checks a signature.
        Invalid(
            _GITHUB_WEBHOOK,
            filename="webhook.py",
            files={
                "template.yaml": dedent(
                    """\
                    Transform: AWS::Serverless-2016-10-31
                    Globals:
                      Function:
                        Runtime: python3.12
                        FunctionUrlConfig:
                          AuthType: NONE
                    Resources:
                      HookFunction:
                        Type: AWS::Serverless::Function
                        Properties:
                          Handler: webhook.handler
                      ApiFunction:
                        Type: AWS::Serverless::Function
                        Properties:
                          Handler: api.handler
                    """
                ),
                "api.py": "def handler(event, context):\n    return {'statusCode': 200}\n",
            },
            line=6,
            column=7,
            message="function `ApiFunction` has",
        ),
        # The Stripe check runs in the handler of another function: this one has none.
        Invalid(
            _UNCHECKED_WEBHOOK,
            filename="app.py",
            files={
                "template.yaml": dedent(
                    """\
                    AWSTemplateFormatVersion: "2010-09-09"
                    Resources:
                      Fn:
                        Type: AWS::Lambda::Function
                        Properties:
                          Handler: app.handler
                          Runtime: python3.12
                          Role: arn:aws:iam::123456789012:role/fn
                          Code: .
                      FnUrl:
                        Type: AWS::Lambda::Url
                        Properties:
                          AuthType: NONE
                          TargetFunctionArn: !GetAtt Fn.Arn
                    """
                ),
                "stripe_hook.py": _STRIPE_WEBHOOK,
            },
            line=13,
            column=7,
            message="function `Fn`",
        ),
    )

    def __init__(self) -> None:
        # The engine runs one instance over the functions of an app, in order. A setting
        # that several functions share (SAM `Globals`) is reported once, naming the
        # functions whose handlers do not verify a signature: it is decided when the last
        # function that shares it has been seen.
        self._pending: dict[tuple[int, str, Location], _Shared] = {}

    def check_function(
        self, function: Function, handler: LinkedHandler | None, settings: Settings
    ) -> Iterable[Diagnostic]:
        app = function.app
        setting = function.url_auth
        if setting is None or not _public(app, function, setting):
            return
        key = (id(app), *setting_place(setting))
        shared = self._pending.get(key)
        if shared is None or shared.app is not app:
            members = [
                other
                for other in app.functions
                if other.url_auth is not None
                and _public(app, other, other.url_auth)
                and setting_place(other.url_auth) == setting_place(setting)
            ]
            shared = self._pending[key] = _Shared(app, {id(other) for other in members})
        shared.waiting.discard(id(function))
        if verified_signature(handler) is None:
            shared.open.append(function)
        if shared.waiting:
            return
        del self._pending[key]
        if shared.open:
            yield self._finding(app, setting, shared.open)

    def _finding(self, app: App, setting: Setting[Any], functions: list[Function]) -> Diagnostic:
        if app.format == "serverless":
            what = (
                f"The function URL of {of_functions(functions)} has no IAM auth (`AuthType: NONE`)"
            )
            how = "add `authorizer: aws_iam` under `url`"
        else:
            what = f"The function URL of {of_functions(functions)} has `AuthType: NONE`"
            how = "use `AuthType: AWS_IAM`"
        return self.at_setting(
            setting,
            f"{what}: anyone who finds the URL can invoke it and run up the bill; {how} "
            "(with CloudFront origin access control for browsers) or verify a signature "
            "in the handler.",
        )


@dataclass
class _Shared:
    """The public functions of one URL setting not yet seen, and those seen unverified."""

    app: App
    waiting: set[int]
    open: list[Function] = field(default_factory=list)


def _public(app: App, function: Function, setting: Setting[Any]) -> bool:
    if setting.value != "NONE":
        return False
    if app.format != "serverless":
        return True
    # The loader reads any `url:` that is not false as a URL; only `true` and a map
    # are known to create one (a `${param:...}` may resolve to false).
    url = function.node.get("url")
    return url is True or isinstance(url, YMap)


# Vendor SDK calls that check a webhook request's signature (they raise or return False
# when it does not match), by qualified name: an object made by a call shows as `X()`.
_VERIFIERS = frozenset(
    {
        # Stripe: construct_event raises SignatureVerificationError on a bad signature.
        "stripe.Webhook.construct_event",
        "stripe.WebhookSignature.verify_header",
        "stripe.StripeClient().construct_event",
        # Twilio
        "twilio.request_validator.RequestValidator().validate",
        # Slack
        "slack_sdk.signature.SignatureVerifier().is_valid",
        "slack_sdk.signature.SignatureVerifier().is_valid_request",
        "slack.signature.SignatureVerifier().is_valid",
        "slack.signature.SignatureVerifier().is_valid_request",
        # Svix (and the providers that sign through it: Clerk, Resend, ...)
        "svix.webhooks.Webhook().verify",
        "svix.Webhook().verify",
        # Discord interactions: Ed25519 with PyNaCl.
        "nacl.signing.VerifyKey().verify",
    }
)
# A signature check when the handler also reads a signature header.
_COMPARISONS = frozenset(
    {
        "hmac.compare_digest",
        "secrets.compare_digest",
        # An HMAC of the body, computed where a signature header is read, is compared
        # with it (with `==` too, which the facts do not record).
        "hmac.new().hexdigest",
        "hmac.new().digest",
        "hmac.digest",
    }
)
# A header read from the event: `event.headers.x-hub-signature-256`.
_HEADER_PATH = re.compile(r"(?:^|\.)headers\.[^.]*signature", re.IGNORECASE)
# A header name written as a string: `headers.get("Stripe-Signature")`.
_HEADER_NAME = re.compile(r"""["'][\w-]*signature[\w-]*["']""", re.IGNORECASE)
_HEADER_WORD = re.compile(r"[\w-]*signature[\w-]*", re.IGNORECASE)


@dataclass(frozen=True)
class Verification:
    """Where a handler checks a request's signature."""

    reached: ReachedFunction
    call: Call

    @property
    def where(self) -> str:
        return self.reached.where(self.call.span.line)


def verified_signature(handler: LinkedHandler | None) -> Verification | None:
    """The signature check a handler makes on every request, if slint can see one.

    A vendor SDK's verifier, or a constant-time comparison (`hmac.compare_digest`) in a
    handler that reads a signature header, in the handler or the functions it runs per
    invocation, outside `except` clauses. A check inside one route of a router (a
    Powertools `@app.post(...)`) covers that route only: it counts when every route the
    handler dispatches to makes one.
    """
    reached = handler.reached if handler is not None else ()
    if not reached:
        return None  # the handler cannot be read: nothing says the URL is guarded
    reads_header = any(_reads_signature_header(r.behaviour) for r in reached)
    found: Verification | None = None
    routes: list[Verification | None] = []
    for function in reached:
        check = _check_in(function, reads_header)
        if _is_route(function):
            routes.append(check)
        elif check is not None and found is None:
            found = check
    if found is None and routes and all(check is not None for check in routes):
        found = routes[0]
    return found


def _check_in(function: ReachedFunction, reads_header: bool) -> Verification | None:
    for call in function.behaviour.calls:
        if call.handler is not None:
            continue  # in an `except` clause: runs only after something failed
        if call.name in _VERIFIERS or (reads_header and call.name in _COMPARISONS):
            return Verification(function, call)
    return None


def _is_route(function: ReachedFunction) -> bool:
    """Registered on a router by a decorator (`@app.post("/hook")`): it runs for some
    requests only."""
    facts = function.facts
    return function.depth > 0 and bool(facts.decorator_bases or facts.decorator_imports)


def _reads_signature_header(behaviour: Behaviour) -> bool:
    values: list[Value] = [value for _, value in behaviour.locals]
    for call in behaviour.calls:
        values.extend(argument.value for argument in call.arguments)
        if call.receiver is not None:
            values.append(call.receiver)
    values.extend(ret.value for ret in behaviour.returns if ret.value is not None)
    if any(_signature_header(value) for value in values):
        return True
    # `if "x-hub-signature-256" not in headers: return`
    strings = [text for skip in behaviour.skips for text in skip.strings]
    strings.extend(text for condition in behaviour.conditions for text in condition.strings)
    return any(_HEADER_WORD.fullmatch(text) for text in strings)


def _signature_header(value: Value) -> bool:
    if value.event_path is not None and _HEADER_PATH.search(value.event_path):
        return True
    return _HEADER_NAME.search(value.text) is not None
