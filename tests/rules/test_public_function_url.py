"""SL604 public-function-url: positions per format, shared settings, unknown values, and
webhook handlers that verify the sender's signature."""

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


# -- the linked handler: webhook receivers that verify the sender's signature ----------

SERVERLESS_URL = dedent(
    """\
    service: hooks
    provider:
      name: aws
      runtime: python3.12
    functions:
      hook:
        handler: hook.handler
        url: true
    """
)


def _hook(tmp_path: Path, code: str, config: str = SERVERLESS_URL) -> list[tuple[int, int]]:
    found = findings(tmp_path, CODE, {"serverless.yml": config, "hook.py": dedent(code)})
    return [(d.start.row, d.start.column) for d in found]


VERIFIED = {
    "github-compare-digest-inline": """\
        import hashlib, hmac, os

        def handler(event, context):
            expected = hmac.new(os.environ["K"].encode(), event["body"].encode(), hashlib.sha256)
            if not hmac.compare_digest(
                "sha256=" + expected.hexdigest(), event["headers"]["X-Hub-Signature-256"]
            ):
                return {"statusCode": 401}
            return {"statusCode": 202}
        """,
    # The header is read in the handler and handed to a helper that compares it.
    "stripe-hand-rolled": """\
        import hmac, hashlib

        def handler(event, context):
            headers = event.get("headers")
            if not valid(event["body"], headers.get("stripe-signature")):
                return {"statusCode": 401}
            return {"statusCode": 200}

        def valid(body, header):
            parts = dict(item.split("=") for item in header.split(","))
            mac = hmac.new(b"secret", (parts["t"] + "." + body).encode(), hashlib.sha256)
            return hmac.compare_digest(mac.hexdigest(), parts["v1"])
        """,
    # `==` is not recorded, but an HMAC computed beside a signature header read is.
    "github-equality": """\
        import hashlib, hmac

        def handler(event, context):
            signature = event["headers"]["x-hub-signature-256"]
            digest = hmac.new(b"k", event["body"].encode(), hashlib.sha256).hexdigest()
            if signature != "sha256=" + digest:
                return {"statusCode": 401}
            return {"statusCode": 202}
        """,
    # Headers copied with lower-cased names: the header name is only a string.
    "lower-cased-headers": """\
        import hmac

        def handler(event, context):
            headers = {k.lower(): v for k, v in event["headers"].items()}
            if "x-slack-signature" not in headers:
                return {"statusCode": 401}
            if not hmac.compare_digest(headers["x-slack-signature"], sign(event)):
                return {"statusCode": 401}
            return {"statusCode": 200}

        def sign(event):
            return "v0=" + event["body"]
        """,
    "stripe-verify-header": """\
        import stripe

        def handler(event, context):
            stripe.WebhookSignature.verify_header(
                event["body"], event["headers"]["Stripe-Signature"], "whsec", 300
            )
            return {"statusCode": 200}
        """,
    "twilio": """\
        from twilio.request_validator import RequestValidator

        def handler(event, context):
            validator = RequestValidator("token")
            url = "https://" + event["headers"]["host"] + event["rawPath"]
            if not validator.validate(url, {}, event["headers"]["x-twilio-signature"]):
                return {"statusCode": 403}
            return {"statusCode": 200}
        """,
    "slack": """\
        from slack_sdk.signature import SignatureVerifier

        def handler(event, context):
            verifier = SignatureVerifier("secret")
            if not verifier.is_valid(
                event["body"],
                event["headers"]["x-slack-request-timestamp"],
                event["headers"]["x-slack-signature"],
            ):
                return {"statusCode": 401}
            return {"statusCode": 200}
        """,
    "svix": """\
        from svix.webhooks import Webhook

        hook = Webhook("whsec_secret")

        def handler(event, context):
            message = hook.verify(event["body"], event["headers"])
            return {"statusCode": 204, "body": message["type"]}
        """,
    "discord-nacl": """\
        from nacl.signing import VerifyKey

        KEY = VerifyKey(bytes.fromhex("00" * 32))

        def handler(event, context):
            headers = event["headers"]
            KEY.verify(
                (headers["x-signature-timestamp"] + event["body"]).encode(),
                bytes.fromhex(headers["x-signature-ed25519"]),
            )
            return {"statusCode": 200}
        """,
}


def test_a_handler_that_verifies_a_signature_is_silent(tmp_path: Path) -> None:
    for name, code in VERIFIED.items():
        assert _hook(tmp_path / name, code) == [], name


NOT_VERIFIED = {
    # Reads the signature header and logs it.
    "logged-only": """\
        def handler(event, context):
            print(event["headers"].get("x-hub-signature-256"))
            return {"statusCode": 202}
        """,
    # A constant-time comparison of an API key: not a signature (RULES.md speaks of
    # signatures; a static key leaks more easily than a signing secret).
    "api-key": """\
        import hmac, os

        def handler(event, context):
            if not hmac.compare_digest(event["headers"]["x-api-key"], os.environ["KEY"]):
                return {"statusCode": 403}
            return {"statusCode": 200}
        """,
    # The check is defined but never called by the handler.
    "never-called": """\
        import hmac

        def handler(event, context):
            return {"statusCode": 200, "body": event["body"]}

        def verify(event):
            return hmac.compare_digest(event["headers"]["x-hub-signature-256"], "x")
        """,
    # The verifier runs only after something failed.
    "in-except-clause": """\
        import json
        import stripe

        def handler(event, context):
            try:
                body = json.loads(event["body"])
            except ValueError:
                stripe.Webhook.construct_event(
                    event["body"], event["headers"]["stripe-signature"], "whsec"
                )
                return {"statusCode": 400}
            return {"statusCode": 200, "body": body["id"]}
        """,
    # A method of the same name on an unrelated object.
    "unrelated-verify": """\
        import jwt_helpers

        def handler(event, context):
            jwt_helpers.Token().verify(event["headers"].get("authorization"))
            return {"statusCode": 200}
        """,
}


def test_a_handler_that_verifies_nothing_is_reported(tmp_path: Path) -> None:
    for name, code in NOT_VERIFIED.items():
        assert _hook(tmp_path / name, code) == [(8, 5)], name


def test_a_handler_that_cannot_be_read_keeps_the_finding(tmp_path: Path) -> None:
    # No module at all (SL001's case), and a Node.js handler beside a verifying
    # Python file of the same name.
    assert findings(tmp_path / "missing", CODE, {"serverless.yml": SERVERLESS_URL}) != []
    node = SERVERLESS_URL.replace("python3.12", "nodejs20.x")
    assert _hook(tmp_path / "node", VERIFIED["svix"], node) == [(8, 5)]


ROUTER = """\
    import hmac
    from aws_lambda_powertools.event_handler import LambdaFunctionUrlResolver

    app = LambdaFunctionUrlResolver()

    def handler(event, context):
        return app.resolve(event, context)

    @app.post("/github")
    def github():
        headers = app.current_event.headers
        if not hmac.compare_digest(headers["x-hub-signature-256"], "sha256=x"):
            return {"statusCode": 401}
        return {"statusCode": 202}

    @app.get("/admin")
    def admin():
        return {"users": []}
    """


def test_a_check_in_one_route_does_not_cover_the_others(tmp_path: Path) -> None:
    assert _hook(tmp_path / "one", ROUTER) == [(8, 5)]
    both = ROUTER.replace(
        'return {"users": []}',
        'hmac.compare_digest(app.current_event.headers["x-hub-signature-256"], "x")\n'
        '        return {"users": []}',
    )
    assert _hook(tmp_path / "both", both) == []


SHARED = {
    "template.yaml": dedent(
        """\
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            FunctionUrlConfig:
              AuthType: NONE
        Resources:
          Stripe:
            Type: AWS::Serverless::Function
            Properties: {Handler: stripe_hook.handler}
          Api:
            Type: AWS::Serverless::Function
            Properties: {Handler: api.handler}
          Admin:
            Type: AWS::Serverless::Function
            Properties: {Handler: admin.handler}
        """
    ),
    "stripe_hook.py": dedent(VERIFIED["stripe-verify-header"]),
    "api.py": "def handler(event, context):\n    return {}\n",
    "admin.py": "def handler(event, context):\n    return {}\n",
}


def test_a_shared_setting_names_only_the_functions_that_verify_nothing(tmp_path: Path) -> None:
    found = findings(tmp_path / "some", CODE, SHARED)
    assert [(d.path, d.start.row, d.start.column) for d in found] == [("template.yaml", 6, 7)]
    assert "The function URL of functions `Api`, `Admin` has" in found[0].message
    all_verified = {
        **SHARED,
        "api.py": dedent(VERIFIED["svix"]),
        "admin.py": dedent(VERIFIED["twilio"]),
    }
    assert findings(tmp_path / "all", CODE, all_verified) == []


def test_a_public_url_of_a_cloudformation_webhook(tmp_path: Path) -> None:
    template = dedent(
        """\
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Handler: hook.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/fn
              Code: .
          FnUrl:
            Type: AWS::Lambda::Url
            Properties:
              TargetFunctionArn: !GetAtt Fn.Arn
              AuthType: NONE
        """
    )
    files = {"template.yaml": template, "hook.py": dedent(VERIFIED["slack"])}
    assert findings(tmp_path / "verified", CODE, files) == []
    files["hook.py"] = dedent(NOT_VERIFIED["logged-only"])
    found = findings(tmp_path / "open", CODE, files)
    assert [(d.path, d.start.row, d.start.column) for d in found] == [("template.yaml", 13, 7)]
