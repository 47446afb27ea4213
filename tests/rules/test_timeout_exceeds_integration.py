"""SL302 timeout-exceeds-integration: own vs inherited timeouts, fixes, limits."""

from __future__ import annotations

from pathlib import Path

from config_rule_support import apply_and_recheck, findings, where, yaml

SERVERLESS = yaml("""\
    service: search
    provider:
      name: aws
      runtime: python3.12
      timeout: 60  # shared by every function
    functions:
      search:
        handler: search.handler
        events:
          - http: GET /search
      suggest:
        handler: search.suggest
        timeout: "45"
        events:
          - httpApi:
              method: GET
              path: /suggest
      reindex:
        handler: search.reindex
        events:
          - schedule: rate(1 hour)
      quick:
        handler: search.quick
        timeout: 20
        events:
          - http: GET /quick
    """)


def test_positions_own_and_inherited(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL302", {"serverless.yml": SERVERLESS})
    assert where(found) == [("serverless.yml", 7, 3), ("serverless.yml", 13, 5)]
    inherited, own = sorted(found, key=lambda d: d.start)
    assert "inherited from serverless.yml:5" in inherited.message
    assert "REST API, which gives up after 29 s" in inherited.message
    assert "HTTP API, which gives up after 30 s" in own.message
    assert own.end.column == own.start.column + len("timeout")


def test_inherited_timeout_gets_a_function_level_timeout(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL302", {"serverless.yml": SERVERLESS})
    inherited = min(found, key=lambda d: d.start)
    expected = SERVERLESS.replace(
        "      - http: GET /search\n", "      - http: GET /search\n    timeout: 29\n"
    )
    again = apply_and_recheck(tmp_path, inherited, expected)
    # The shared provider timeout is untouched; `reindex` still uses it.
    assert "  timeout: 60  # shared by every function\n" in expected
    assert where(again) == [("serverless.yml", 14, 5)]


def test_own_timeout_is_lowered_keeping_quotes(tmp_path: Path) -> None:
    found = findings(tmp_path, "SL302", {"serverless.yml": SERVERLESS})
    own = max(found, key=lambda d: d.start)
    expected = SERVERLESS.replace('    timeout: "45"\n', '    timeout: "30"\n')
    again = apply_and_recheck(tmp_path, own, expected)
    assert where(again) == [("serverless.yml", 7, 3)]


def test_sam_globals_crlf(tmp_path: Path) -> None:
    text = yaml(
        """\
        AWSTemplateFormatVersion: "2010-09-09"
        Transform: AWS::Serverless-2016-10-31
        Globals:
          Function:
            Runtime: python3.12
            Timeout: 120
        Resources:
          Search:
            Type: AWS::Serverless::Function
            Properties:
              Handler: search.handler
              Events:
                Get:
                  Type: HttpApi
                  Properties:
                    Path: /search
                    Method: get
          Reindex:
            Type: AWS::Serverless::Function
            Properties:
              Handler: search.reindex
        """,
        crlf=True,
    )
    found = findings(tmp_path, "SL302", {"template.yaml": text})
    assert where(found) == [("template.yaml", 8, 3)]
    expected = text.replace(
        "            Method: get\r\n", "            Method: get\r\n      Timeout: 30\r\n"
    )
    assert apply_and_recheck(tmp_path, found[0], expected) == []


def test_cloudformation_permission_and_appsync(tmp_path: Path) -> None:
    text = yaml("""\
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Search:
            Type: AWS::Lambda::Function
            Properties:
              Handler: search.handler
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/search
              Code: {S3Bucket: artifacts, S3Key: search.zip}
              Timeout: 300
          SearchPermission:
            Type: AWS::Lambda::Permission
            Properties:
              Action: lambda:InvokeFunction
              FunctionName: !Ref Search
              Principal: apigateway.amazonaws.com
          Resolve:
            Type: AWS::Lambda::Function
            Properties:
              Handler: search.resolve
              Runtime: python3.12
              Role: arn:aws:iam::123456789012:role/search
              Code: {S3Bucket: artifacts, S3Key: search.zip}
              Timeout: 60
          Source:
            Type: AWS::AppSync::DataSource
            Properties:
              ApiId: abc
              Name: resolve
              Type: AWS_LAMBDA
              LambdaConfig:
                LambdaFunctionArn: !GetAtt Resolve.Arn
        """)
    found = findings(tmp_path, "SL302", {"template.yaml": text})
    assert where(found) == [("template.yaml", 10, 7), ("template.yaml", 24, 7)]
    search, resolve = sorted(found, key=lambda d: d.start)
    assert "HTTP API" in search.message  # no RestApi in the template
    assert "AppSync" in resolve.message
    expected = text.replace("      Timeout: 300\n", "      Timeout: 30\n")
    again = apply_and_recheck(tmp_path, search, expected)
    assert where(again) == [("template.yaml", 24, 7)]


def test_sam_graphql_api_and_timeout_in_millis(tmp_path: Path) -> None:
    text = yaml("""\
        Transform: AWS::Serverless-2016-10-31
        Resources:
          Resolve:
            Type: AWS::Serverless::Function
            Properties:
              Handler: api.resolve
              Runtime: python3.12
              Timeout: 40
          Graph:
            Type: AWS::Serverless::GraphQLApi
            Properties:
              SchemaInline: "type Query { a: String }"
              Auth:
                Type: API_KEY
              DataSources:
                Lambda:
                  Main:
                    FunctionArn: !GetAtt Resolve.Arn
          Fast:
            Type: AWS::Serverless::Function
            Properties:
              Handler: api.fast
              Runtime: python3.12
              Timeout: 8
              Events:
                Get:
                  Type: Api
                  Properties:
                    Path: /fast
                    Method: get
                    TimeoutInMillis: 5000
        """)
    found = findings(tmp_path, "SL302", {"template.yaml": text})
    assert where(found) == [("template.yaml", 8, 7), ("template.yaml", 24, 7)]
    assert "gives up after 5 s" in max(found, key=lambda d: d.start).message


def test_configured_limits_and_unknown_values(tmp_path: Path) -> None:
    files = {
        "serverless.yml": yaml("""\
            service: search
            provider:
              name: aws
              runtime: python3.12
            functions:
              search:
                handler: search.handler
                timeout: 60
                events:
                  - http: GET /search
              other:
                handler: search.other
                timeout: ${ssm:/search/timeout}
                events:
                  - httpApi: GET /other
            """),
        "slint.toml": "api-timeout-rest = 90\n",
    }
    assert findings(tmp_path, "SL302", files) == []


def test_a_timeout_written_as_a_variable_is_not_rewritten(tmp_path: Path) -> None:
    text = yaml("""\
        service: search
        custom:
          timeout: 60
        provider:
          name: aws
          runtime: python3.12
        functions:
          search:
            handler: search.handler
            timeout: ${self:custom.timeout}
            events:
              - http: GET /search
        """)
    found = findings(tmp_path, "SL302", {"serverless.yml": text})
    assert where(found) == [("serverless.yml", 10, 5)]
    assert "timeout 60 s" in found[0].message
    assert found[0].fix is None
