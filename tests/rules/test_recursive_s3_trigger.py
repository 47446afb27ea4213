"""SL208 recursive-s3-trigger: a function triggered by `ObjectCreated` on a bucket writes
to that bucket. The triggers of every format, the ways code names the same bucket, the
filters and guards that keep the written keys out, and the near-misses that stay silent."""

from __future__ import annotations

import ast
from pathlib import Path
from textwrap import dedent, indent

import pytest
from conftest import lint, write_tree

from slint.diagnostics import Diagnostic, Severity


def run(tmp_path: Path, files: dict[str, str], paths: tuple[str, ...] = (".",)) -> list[Diagnostic]:
    files = {name: dedent(text) for name, text in files.items()}
    for name, text in files.items():
        if name.endswith(".py"):
            ast.parse(text)  # a test whose handler does not parse would prove nothing
    write_tree(tmp_path, files)
    result = lint(tmp_path, paths, select=["SL208", "SL000"])
    assert not result.errors
    # A config that does not parse would prove nothing either.
    assert [d.message for d in result.diagnostics if d.code == "SL000"] == []
    assert not any(d.internal_error for d in result.diagnostics), [
        d.message for d in result.diagnostics
    ]
    return [d for d in result.diagnostics if d.code == "SL208"]


def where(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return sorted((d.path, d.start.row, d.start.column) for d in found)


def serverless(events: str, environment: str = "", custom: str = "") -> str:
    """A serverless.yml with one function `thumbnail` (handler.thumbnail)."""
    env = f"    environment:\n{indent(dedent(environment), ' ' * 6)}" if environment else ""
    extra = f"custom:\n{indent(dedent(custom), '  ')}" if custom else ""
    return (
        "service: photos\n"
        "provider:\n"
        "  name: aws\n"
        "  runtime: python3.12\n"
        f"{extra}"
        "functions:\n"
        "  thumbnail:\n"
        "    handler: handler.thumbnail\n"
        f"{env}"
        "    events:\n"
        f"{indent(dedent(events), ' ' * 6)}"
    )


# The classic thumbnail function: writes next to the upload, in the bucket the event names.
EVENT_BUCKET = """\
    import boto3

    s3 = boto3.client("s3")


    def thumbnail(event, context):
        for record in event["Records"]:
            bucket = record["s3"]["bucket"]["name"]
            key = record["s3"]["object"]["key"]
            s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}", Body=b"")
    """
# The same, with the bucket from the environment.
ENV_BUCKET = """\
    import os

    import boto3

    s3 = boto3.client("s3")
    OUTPUT = os.environ["OUTPUT_BUCKET"]


    def thumbnail(event, context):
        for record in event["Records"]:
            key = record["s3"]["object"]["key"]
            s3.put_object(Bucket=OUTPUT, Key=f"thumbnails/{key}", Body=b"")
    """


# -- serverless.yml ------------------------------------------------------------------
def test_serverless_shorthand_event_position_and_message(tmp_path: Path) -> None:
    found = run(
        tmp_path, {"serverless.yml": serverless("- s3: photos\n"), "handler.py": EVENT_BUCKET}
    )
    assert where(found) == [("handler.py", 10, 9)]
    (diagnostic,) = found
    assert diagnostic.severity is Severity.ERROR
    assert diagnostic.end.row == 10 and diagnostic.end.column == 72
    assert diagnostic.message.startswith(
        "`s3.put_object` writes to the bucket the event came from (`bucket`), whose "
        "`ObjectCreated` events invoke function `thumbnail` (serverless.yml:9: s3 event on "
        "bucket `photos`, no prefix/suffix filter): every write invokes the function again"
    )


@pytest.mark.parametrize(
    ("event", "reported"),
    [
        ("s3:ObjectCreated:*", True),
        ("s3:ObjectCreated:Put", True),
        # A single `put_object` never fires these.
        ("s3:ObjectCreated:Copy", False),
        ("s3:ObjectCreated:CompleteMultipartUpload", False),
        ("s3:ObjectRemoved:*", False),
        ("s3:ObjectRestore:Completed", False),
        # Not known before deployment.
        ("${ssm:/photos/event}", False),
    ],
)
def test_serverless_event_types(tmp_path: Path, event: str, reported: bool) -> None:
    config = serverless(f"- s3:\n    bucket: photos\n    event: {event}\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": EVENT_BUCKET})
    assert bool(found) is reported


@pytest.mark.parametrize(
    ("method", "event", "reported"),
    [
        # Managed transfers switch to multipart uploads above 8 MB.
        ('upload_file("/tmp/t.jpg", bucket, key + ".t")', "CompleteMultipartUpload", True),
        ('upload_file("/tmp/t.jpg", bucket, key + ".t")', "Put", True),
        ('upload_fileobj(body, bucket, key + ".t")', "Copy", False),
        ('copy_object(Bucket=bucket, Key=key + ".t", CopySource=source)', "Copy", True),
        ('copy_object(Bucket=bucket, Key=key + ".t", CopySource=source)', "Put", False),
        ('copy(source, bucket, key + ".t")', "Copy", True),
        ('copy(source, bucket, key + ".t")', "CompleteMultipartUpload", True),
        ('copy(source, bucket, key + ".t")', "Put", False),
    ],
)
def test_client_writes_and_the_event_types_they_fire(
    tmp_path: Path, method: str, event: str, reported: bool
) -> None:
    handler = f"""\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = record["s3"]["object"]["key"]
                source = {{"Bucket": bucket, "Key": key}}
                body = open("/tmp/t.jpg", "rb")
                s3.{method}
        """
    config = serverless(f"- s3:\n    bucket: photos\n    event: s3:ObjectCreated:{event}\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == ([("handler.py", 12, 9)] if reported else [])


def test_serverless_environment_names_the_trigger_bucket(tmp_path: Path) -> None:
    config = serverless(
        "- s3: ${self:custom.bucket}\n",
        environment="OUTPUT_BUCKET: ${self:custom.bucket}\n",
        custom="bucket: photos-${sls:stage}\n",
    )
    found = run(tmp_path, {"serverless.yml": config, "handler.py": ENV_BUCKET})
    assert where(found) == [("handler.py", 12, 9)]
    assert (
        "writes to bucket `photos-dev` (`OUTPUT_BUCKET` in the function's environment, "
        "serverless.yml:11)"
    ) in found[0].message


def test_serverless_environment_refers_to_the_generated_bucket(tmp_path: Path) -> None:
    # The framework creates `bucket: my-photos` as the resource `S3BucketMyphotos`.
    config = serverless(
        "- s3: my-photos\n", environment="OUTPUT_BUCKET:\n  Ref: S3BucketMyphotos\n"
    )
    found = run(tmp_path, {"serverless.yml": config, "handler.py": ENV_BUCKET})
    assert where(found) == [("handler.py", 12, 9)]


def test_serverless_provider_environment_counts(tmp_path: Path) -> None:
    config = serverless("- s3: photos\n").replace(
        "  runtime: python3.12\n",
        "  runtime: python3.12\n  environment:\n    OUTPUT_BUCKET: photos\n",
    )
    found = run(tmp_path, {"serverless.yml": config, "handler.py": ENV_BUCKET})
    assert where(found) == [("handler.py", 12, 9)]


@pytest.mark.parametrize(
    "environment",
    [
        "OUTPUT_BUCKET: thumbnails\n",  # another bucket
        "OUTPUT_BUCKET: ${ssm:/photos/output}\n",  # not known
        "OTHER: photos\n",  # the variable the code reads is not set here
        "OUTPUT_BUCKET:\n  Fn::GetAtt: [S3BucketPhotos, Arn]\n",  # an ARN, not the name
    ],
)
def test_serverless_environment_near_misses(tmp_path: Path, environment: str) -> None:
    config = serverless("- s3: photos\n", environment=environment)
    assert run(tmp_path, {"serverless.yml": config, "handler.py": ENV_BUCKET}) == []


def test_unresolved_variable_written_the_same_way_is_the_same_bucket(tmp_path: Path) -> None:
    config = serverless(
        "- s3:\n    bucket: ${ssm:/photos/bucket}\n    existing: true\n",
        environment="OUTPUT_BUCKET: ${ssm:/photos/bucket}\n",
    )
    found = run(tmp_path, {"serverless.yml": config, "handler.py": ENV_BUCKET})
    assert where(found) == [("handler.py", 12, 9)]


@pytest.mark.parametrize(
    ("bucket", "output", "reported"),
    [
        ('"${ssm:/photos/bucket}"', "${ssm:/photos/bucket}", True),
        # The loader's `Unknown` names only the variable that failed: both would be
        # `${ssm:/photos}`; the text as written tells them apart.
        ("${ssm:/photos}-uploads", "${ssm:/photos}-thumbnails", False),
        ("${ssm:/photos/bucket}", "${ssm:/photos/output}", False),
    ],
)
def test_unresolved_variables_compare_as_written(
    tmp_path: Path, bucket: str, output: str, reported: bool
) -> None:
    config = serverless(
        f"- s3:\n    bucket: {bucket}\n    existing: true\n",
        environment=f"OUTPUT_BUCKET: {output}\n",
    )
    found = run(tmp_path, {"serverless.yml": config, "handler.py": ENV_BUCKET})
    assert where(found) == ([("handler.py", 12, 9)] if reported else [])


@pytest.mark.parametrize(
    ("literal", "reported"), [('"photos"', True), ('"thumbnails"', False), ("name()", False)]
)
def test_bucket_written_out_in_the_code(tmp_path: Path, literal: str, reported: bool) -> None:
    handler = f"""\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            s3.put_object(Bucket={literal}, Key="report.csv", Body=b"")
        """
    config = serverless("- s3: photos\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == ([("handler.py", 7, 5)] if reported else [])


# -- filters -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("rules", "key", "reported"),
    [
        # The written keys are outside the filter.
        ("- prefix: uploads/\n", 'f"thumbnails/{key}"', False),
        ("- suffix: .jpg\n", 'f"thumbnails/{key}.png"', False),
        ("- prefix: uploads/\n- suffix: .jpg\n", 'f"uploads/{key}.png"', False),
        # Inside it.
        ("- prefix: uploads/\n", 'f"uploads/small/{key}"', True),
        ("- prefix: uploads/\n", '"uploads/" + key', True),
        ("- suffix: .jpg\n", 'f"thumbnails/{key}.jpg"', True),
        ("- prefix: uploads/\n- suffix: .jpg\n", 'f"uploads/{key}.jpg"', True),
        ('- prefix: ""\n', "make_key(key)", True),
        # Written back under the key that fired the trigger (which passed the filter).
        ("- prefix: uploads/\n", 'record["s3"]["object"]["key"]', True),
        # ... also once decoded (`key = unquote_plus(record[...]["key"])`).
        ("- prefix: uploads/\n", "key", True),
        # The key cannot be told: the filter may keep it out.
        ("- prefix: uploads/\n", "make_key(key)", False),
        ("- prefix: uploads/\n", 'f"{folder}/{key}"', False),
        # The filter cannot be told.
        ("- prefix: ${ssm:/photos/prefix}\n", 'f"uploads/{key}"', False),
    ],
)
def test_serverless_filters(tmp_path: Path, rules: str, key: str, reported: bool) -> None:
    handler = f"""\
        from urllib.parse import unquote_plus

        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = unquote_plus(record["s3"]["object"]["key"])
                folder = "out"
                s3.put_object(Bucket=bucket, Key={key}, Body=b"")


        def make_key(key):
            return key
        """
    config = serverless(
        "- s3:\n    bucket: photos\n    event: s3:ObjectCreated:*\n    rules:\n"
        + indent(rules, "      ")
    )
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == ([("handler.py", 13, 9)] if reported else [])


def test_filter_message_names_the_filter_and_the_key(tmp_path: Path) -> None:
    handler = EVENT_BUCKET.replace('f"thumbnails/{key}"', 'f"uploads/thumbnails/{key}"')
    config = serverless("- s3:\n    bucket: photos\n    rules:\n      - prefix: uploads/\n")
    (found,) = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert (
        "(serverless.yml:9: s3 event on bucket `photos`, filter prefix `uploads/`, which the "
        'written key `f"uploads/thumbnails/{key}"` passes)'
    ) in found.message


# -- guards in the code --------------------------------------------------------------
@pytest.mark.parametrize(
    "guard",
    [
        'if key.startswith("thumbnails/"):\n    continue',
        'if "thumbnails" in key:\n    continue',
        'if key.endswith(".thumb.jpg"):\n    continue',
        'if not key.startswith("uploads/"):\n    continue',
        'if record["s3"]["object"]["key"].startswith(PREFIX):\n    return',
        "if key.startswith(PREFIX):\n    return {'skipped': key}",
    ],
)
def test_guard_that_skips_keys(tmp_path: Path, guard: str) -> None:
    handler = f"""\
        import boto3

        s3 = boto3.client("s3")
        PREFIX = "thumbnails/"


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = record["s3"]["object"]["key"]
                {indent(guard, " " * 16).lstrip()}
                s3.put_object(Bucket=bucket, Key=f"thumbnails/{{key}}.thumb.jpg", Body=b"")
        """
    config = serverless("- s3: photos\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


@pytest.mark.parametrize(
    "guard",
    [
        # Folder markers, not the written keys.
        'if key.endswith("/"):\n    continue',
        # The event type, not the key.
        'if record["eventName"].startswith("ObjectRemoved"):\n    continue',
        'if record["s3"]["object"]["size"] == 0:\n    continue',
    ],
)
def test_guards_that_do_not_test_the_key(tmp_path: Path, guard: str) -> None:
    handler = f"""\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = record["s3"]["object"]["key"]
                {indent(guard, " " * 16).lstrip()}
                s3.put_object(Bucket=bucket, Key=f"thumbnails/{{key}}", Body=b"")
        """
    config = serverless("- s3: photos\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 12, 9)]


def test_guard_after_the_write_does_not_stop_it(tmp_path: Path) -> None:
    handler = """\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = record["s3"]["object"]["key"]
                s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}", Body=b"")
                if key.startswith("thumbnails/"):
                    continue
                print(key)
        """
    config = serverless("- s3: photos\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 10, 9)]


def test_write_inside_an_if_that_tests_the_key(tmp_path: Path) -> None:
    handler = """\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = record["s3"]["object"]["key"]
                if not key.startswith("thumbnails/"):
                    s3.put_object(Bucket=bucket, Key=f"thumbnails/{key}", Body=b"")
        """
    config = serverless("- s3: photos\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


def test_guard_in_the_caller_of_the_writer(tmp_path: Path) -> None:
    handler = """\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            record = event["Records"][0]
            key = record["s3"]["object"]["key"]
            if key.startswith("thumbnails/"):
                return
            save(record["s3"]["bucket"]["name"], f"thumbnails/{key}")


        def save(bucket, key):
            s3.put_object(Bucket=bucket, Key=key, Body=b"")
        """
    config = serverless("- s3: photos\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


# -- what the code writes with -------------------------------------------------------
def test_resource_objects(tmp_path: Path) -> None:
    handler = """\
        import os

        import boto3

        s3 = boto3.resource("s3")
        module_bucket = s3.Bucket(os.environ["OUTPUT_BUCKET"])


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = record["s3"]["object"]["key"]
                s3.Object(bucket, key + ".json").put(Body=b"{}")
                target = s3.Object(bucket, key + ".txt")
                target.put(Body=b"")
                s3.Bucket(bucket).put_object(Key=key + ".csv", Body=b"")
                s3.Bucket(bucket).upload_file("/tmp/a", key + ".a")
                s3.Object(bucket_name=bucket, key=key + ".b").upload_file("/tmp/b")
                s3.Object(bucket, key + ".c").copy_from(CopySource={"Bucket": bucket, "Key": key})
                s3.meta.client.upload_file("/tmp/d", bucket, key + ".d")
                # Reads and other buckets.
                s3.Object(bucket, key).get()
                s3.Object("archive", key).put(Body=b"")
                s3.Bucket(bucket).download_file(key, "/tmp/e")
        """
    config = serverless("- s3: photos\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [
        ("handler.py", 13, 9),
        ("handler.py", 15, 9),
        ("handler.py", 16, 9),
        ("handler.py", 17, 9),
        ("handler.py", 18, 9),
        ("handler.py", 19, 9),
        ("handler.py", 20, 9),
    ]


def test_object_variable_held_for_another_bucket(tmp_path: Path) -> None:
    handler = """\
        import boto3

        s3 = boto3.resource("s3")


        def thumbnail(event, context):
            for record in event["Records"]:
                bucket = record["s3"]["bucket"]["name"]
                key = record["s3"]["object"]["key"]
                source = s3.Object(bucket, key)
                target = s3.Object("thumbnails", key)
                target.put(Body=source.get()["Body"].read())
        """
    config = serverless("- s3: photos\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


def test_client_of_unknown_service_with_bucket_keyword(tmp_path: Path) -> None:
    handler = """\
        from helpers import client


        def thumbnail(event, context):
            s3 = client("s3")
            record = event["Records"][0]
            s3.put_object(Bucket=record["s3"]["bucket"]["name"], Key="x/done", Body=b"")
            data = {"a": 1}
            data.copy()
        """
    config = serverless("- s3: photos\n")
    found = run(
        tmp_path,
        {
            "serverless.yml": config,
            "handler.py": handler,
            "helpers.py": "import boto3\n\ndef client(name):\n    return boto3.client(name)\n",
        },
    )
    assert where(found) == [("handler.py", 7, 5)]


def test_other_services_are_not_writes(tmp_path: Path) -> None:
    handler = """\
        import shutil

        import boto3

        store = boto3.client("mediastore-data")
        table = boto3.resource("dynamodb").Table("photos")


        def thumbnail(event, context):
            record = event["Records"][0]
            bucket = record["s3"]["bucket"]["name"]
            store.put_object(Path="photos/a", Body=b"")
            table.put_item(Item={"bucket": bucket})
            shutil.copy("/tmp/a", "/tmp/b")
        """
    config = serverless("- s3: photos\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


def test_write_in_a_function_the_handler_calls(tmp_path: Path) -> None:
    handler = """\
        import os

        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            for record in event["Records"]:
                key = record["s3"]["object"]["key"]
                resize(os.environ["OUTPUT_BUCKET"], key)


        def resize(bucket, key):
            save(bucket, f"thumbnails/{key}")
            save(bucket, f"uploads/small/{key}")


        def save(target, name):
            s3.upload_file("/tmp/small.jpg", target, name)
        """
    config = serverless(
        "- s3:\n    bucket: photos\n    rules:\n      - prefix: uploads/\n",
        environment="OUTPUT_BUCKET: photos\n",
    )
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 20, 5)]
    assert "passed in at handler.py:11" in found[0].message
    assert '`f"uploads/small/{key}"` passes' in found[0].message


def test_method_of_a_project_class(tmp_path: Path) -> None:
    handler = """\
        import boto3


        class Store:
            def __init__(self):
                self.s3 = boto3.client("s3")

            def save(self, bucket, key, body):
                self.s3.put_object(Bucket=bucket, Key=key, Body=body)


        def thumbnail(event, context):
            record = event["Records"][0]
            key = "done/" + record["s3"]["object"]["key"]
            Store().save(record["s3"]["bucket"]["name"], key, b"")
        """
    config = serverless("- s3: photos\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 9, 9)]


def test_project_wrapper_named_like_the_sdk_method(tmp_path: Path) -> None:
    handler = """\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            record = event["Records"][0]
            put_object("thumbnails", "x/" + record["s3"]["object"]["key"])


        def put_object(bucket, key):
            s3.put_object(Bucket=bucket, Key=key, Body=b"")
        """
    config = serverless("- s3: thumbnails\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 12, 5)]
    assert "bucket `thumbnails` (passed in at handler.py:8)" in found[0].message


def test_text_to_speech_written_next_to_the_text(tmp_path: Path) -> None:
    # The shape of a public SAM pattern (S3 -> Lambda -> Polly) that defines an output
    # bucket and then writes the audio into the input bucket.
    handler = """\
        from contextlib import closing

        import boto3

        s3 = boto3.client("s3")
        polly = boto3.client("polly")


        def thumbnail(event, context):
            bucket_name = event["Records"][0]["s3"]["bucket"]["name"]
            file_name = event["Records"][0]["s3"]["object"]["key"]
            text = s3.get_object(Bucket=bucket_name, Key=file_name)["Body"].read().decode()
            response = polly.synthesize_speech(Text=text, OutputFormat="mp3", VoiceId="Joanna")
            audio_file_name = file_name.split(".")[0] + ".mp3"
            with closing(response["AudioStream"]) as stream:
                s3.put_object(Key=audio_file_name, Body=stream.read(), Bucket=bucket_name)
        """
    config = serverless("- s3: texttospeechinputbucket\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 16, 9)]
    # With a suffix filter on the text files, `.mp3` keys stay out.
    config = serverless(
        "- s3:\n    bucket: texttospeechinputbucket\n    rules:\n      - suffix: .txt\n"
    )
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


def test_parameter_passed_another_bucket(tmp_path: Path) -> None:
    handler = """\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            record = event["Records"][0]
            save("thumbnails", record["s3"]["object"]["key"])


        def save(bucket, key):
            s3.put_object(Bucket=bucket, Key=key, Body=b"")
        """
    config = serverless("- s3: photos\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


def test_powertools_data_class(tmp_path: Path) -> None:
    handler = """\
        import boto3
        from aws_lambda_powertools.utilities.data_classes import S3Event

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            event = S3Event(event)
            for record in event.records:
                s3.put_object(Bucket=record.s3.bucket.name, Key="thumbs/x", Body=b"")
            s3.put_object(Bucket=event.bucket_name, Key="thumbs/y", Body=b"")
        """
    config = serverless("- s3: photos\n")
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 10, 9), ("handler.py", 11, 5)]


def test_payload_field_named_like_the_data_class_property(tmp_path: Path) -> None:
    # A function also invoked directly with its own payload: `event["bucket_name"]` is
    # that payload's, not the S3 record's.
    handler = """\
        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            s3.put_object(Bucket=event["bucket_name"], Key="reports/x", Body=b"")
        """
    config = serverless("- s3: photos\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": handler}) == []


def test_no_config_no_finding(tmp_path: Path) -> None:
    # Without a config the trigger is unknown.
    handler = EVENT_BUCKET.replace("def thumbnail", "def handler")
    assert run(tmp_path, {"handler.py": handler}) == []


def test_several_triggers(tmp_path: Path) -> None:
    config = serverless(
        "- s3:\n    bucket: archive\n    event: s3:ObjectRemoved:*\n"
        "- s3:\n    bucket: photos\n    event: s3:ObjectCreated:*\n",
        environment="ARCHIVE: archive\n",
    )
    handler = """\
        import os

        import boto3

        s3 = boto3.client("s3")


        def thumbnail(event, context):
            record = event["Records"][0]
            s3.put_object(Bucket=os.environ["ARCHIVE"], Key="log", Body=b"")
            s3.put_object(Bucket=record["s3"]["bucket"]["name"], Key="log", Body=b"")
        """
    found = run(tmp_path, {"serverless.yml": config, "handler.py": handler})
    assert where(found) == [("handler.py", 11, 5)]
    assert "serverless.yml:14: s3 event on bucket `photos`" in found[0].message


def test_sqs_triggered_function_is_not_checked(tmp_path: Path) -> None:
    config = serverless("- sqs: arn:aws:sqs:us-east-1:123456789012:jobs\n")
    assert run(tmp_path, {"serverless.yml": config, "handler.py": EVENT_BUCKET}) == []


# -- SAM -----------------------------------------------------------------------------
SAM = """\
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Resize:
        Type: AWS::Serverless::Function
        Properties:
          CodeUri: src/
          Handler: app.thumbnail
          Runtime: python3.12
          Environment:
            Variables:
              OUTPUT_BUCKET: {output}
          Events:
            Upload:
              Type: S3
              Properties:
                Bucket: !Ref Photos
                Events: {events}
    {filter}
      Photos:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: photos-bucket
      Thumbnails:
        Type: AWS::S3::Bucket
    """


def sam(output: str, events: str = "s3:ObjectCreated:*", filter: str = "") -> str:
    text = dedent(SAM).format(output=output, events=events, filter=indent(dedent(filter), " " * 12))
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


@pytest.mark.parametrize(
    ("output", "events", "reported"),
    [
        ("!Ref Photos", "s3:ObjectCreated:*", True),
        ("!Ref Photos", "[s3:ObjectCreated:Put, s3:ObjectRemoved:*]", True),
        ("photos-bucket", "s3:ObjectCreated:*", True),
        ('!Sub "${Photos}"', "s3:ObjectCreated:*", True),
        ("!Ref Thumbnails", "s3:ObjectCreated:*", False),
        ("other-bucket", "s3:ObjectCreated:*", False),
        ("!Ref Photos", "s3:ObjectRemoved:*", False),
        ("!Ref Photos", "[s3:ObjectRemoved:*, s3:ObjectRestore:*]", False),
    ],
)
def test_sam_events(tmp_path: Path, output: str, events: str, reported: bool) -> None:
    found = run(tmp_path, {"template.yaml": sam(output, events), "src/app.py": ENV_BUCKET})
    assert where(found) == ([("src/app.py", 12, 9)] if reported else [])
    if reported:
        assert "(template.yaml:13: S3 event `Upload` on bucket `photos-bucket`" in found[0].message


@pytest.mark.parametrize(
    ("rules", "reported"),
    [
        ("- Name: prefix\n  Value: uploads/\n", False),
        ("- Name: suffix\n  Value: .png\n", False),
        ("- Name: prefix\n  Value: thumbnails/\n", True),
        ("- Name: Prefix\n  Value: thumb\n", True),
        ("- Name: prefix\n  Value: !Ref Prefix\n", False),
    ],
)
def test_sam_filters(tmp_path: Path, rules: str, reported: bool) -> None:
    filter = "Filter:\n  S3Key:\n    Rules:\n" + indent(rules, "      ")
    config = sam("!Ref Photos", filter=filter)
    found = run(tmp_path, {"template.yaml": config, "src/app.py": ENV_BUCKET})
    assert where(found) == ([("src/app.py", 12, 9)] if reported else [])


def test_sam_globals_environment(tmp_path: Path) -> None:
    config = sam("!Ref Thumbnails").replace(
        "Resources:\n",
        "Globals:\n  Function:\n    Environment:\n      Variables:\n        SOURCE: !Ref Photos\n"
        "Resources:\n",
        1,
    )
    handler = ENV_BUCKET.replace('os.environ["OUTPUT_BUCKET"]', 'os.getenv("SOURCE")')
    found = run(tmp_path, {"template.yaml": config, "src/app.py": handler})
    assert where(found) == [("src/app.py", 12, 9)]


# -- CloudFormation and CDK ----------------------------------------------------------
CLOUDFORMATION = """\
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Indexer:
        Type: AWS::Lambda::Function
        Properties:
          Code: src/
          Handler: app.thumbnail
          Runtime: python3.12
          Role: arn:aws:iam::123456789012:role/indexer
          Environment:
            Variables:
              OUTPUT_BUCKET: {output}
      Photos:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub "${{AWS::StackName}}-photos"
          NotificationConfiguration:
            LambdaConfigurations:
              - Event: {event}
                Function: !GetAtt Indexer.Arn
    {filter}
    """


def cloudformation(output: str, event: str = "s3:ObjectCreated:*", filter: str = "") -> str:
    text = dedent(CLOUDFORMATION).format(
        output=output, event=event, filter=indent(dedent(filter), " " * 12)
    )
    return "\n".join(line for line in text.splitlines() if line.strip()) + "\n"


@pytest.mark.parametrize(
    ("output", "event", "filter", "reported"),
    [
        ("!Ref Photos", "s3:ObjectCreated:*", "", True),
        ('!Sub "${AWS::StackName}-photos"', "s3:ObjectCreated:*", "", True),
        ('!Sub "${AWS::StackName}-thumbnails"', "s3:ObjectCreated:*", "", False),
        ("!GetAtt Photos.Arn", "s3:ObjectCreated:*", "", False),
        ("!Ref Photos", "s3:ObjectRemoved:Delete", "", False),
        (
            "!Ref Photos",
            "s3:ObjectCreated:*",
            "Filter:\n  S3Key:\n    Rules:\n      - Name: suffix\n        Value: .jpg\n",
            False,
        ),
        (
            "!Ref Photos",
            "s3:ObjectCreated:*",
            "Filter:\n  S3Key:\n    Rules:\n      - Name: prefix\n        Value: thumbnails/\n",
            True,
        ),
    ],
)
def test_cloudformation_notifications(
    tmp_path: Path, output: str, event: str, filter: str, reported: bool
) -> None:
    config = cloudformation(output, event, filter)
    found = run(tmp_path, {"template.yaml": config, "src/app.py": ENV_BUCKET})
    assert where(found) == ([("src/app.py", 12, 9)] if reported else [])
    if reported:
        assert "(template.yaml:19: notification of bucket `Photos`" in found[0].message


def test_cloudformation_parameter_without_default(tmp_path: Path) -> None:
    config = (
        cloudformation("!Ref BucketName")
        .replace('!Sub "${AWS::StackName}-photos"', "!Ref BucketName")
        .replace("Resources:\n", "Parameters:\n  BucketName:\n    Type: String\nResources:\n", 1)
    )
    found = run(tmp_path, {"template.yaml": config, "src/app.py": ENV_BUCKET})
    assert where(found) == [("src/app.py", 12, 9)]
    other = config.replace("OUTPUT_BUCKET: !Ref BucketName", "OUTPUT_BUCKET: !Ref Other").replace(
        "Parameters:\n", "Parameters:\n  Other:\n    Type: String\n", 1
    )
    assert run(tmp_path, {"template.yaml": other, "src/app.py": ENV_BUCKET}) == []


def test_cloudformation_filter_that_cannot_be_read(tmp_path: Path) -> None:
    config = cloudformation(
        "!Ref Photos",
        filter=(
            "Filter: !If [Filtered, {S3Key: {Rules: [{Name: prefix, Value: in/}]}},"
            " !Ref AWS::NoValue]\n"
        ),
    )
    assert run(tmp_path, {"template.yaml": config, "src/app.py": ENV_BUCKET}) == []


def test_cdk_bucket_notifications(tmp_path: Path) -> None:
    template = """\
        {
          "Resources": {
            "Uploads1A2B3C4D": {"Type": "AWS::S3::Bucket"},
            "UploadsNotifications5E6F": {
              "Type": "Custom::S3BucketNotifications",
              "Properties": {
                "ServiceToken": {"Fn::GetAtt": ["Handler886CB40B", "Arn"]},
                "BucketName": {"Ref": "Uploads1A2B3C4D"},
                "NotificationConfiguration": {
                  "LambdaFunctionConfigurations": [
                    {
                      "Events": ["s3:ObjectCreated:*"],
                      "LambdaFunctionArn": {"Fn::GetAtt": ["Resize9A8B7C6D", "Arn"]}%s
                    }
                  ]
                }
              }
            },
            "Resize9A8B7C6D": {
              "Type": "AWS::Lambda::Function",
              "Properties": {
                "Code": {"S3Bucket": "cdk-assets", "S3Key": "abc.zip"},
                "Handler": "app.thumbnail",
                "Runtime": "python3.12",
                "Role": "arn:aws:iam::123456789012:role/resize",
                "Environment": {"Variables": {"OUTPUT_BUCKET": {"Ref": "Uploads1A2B3C4D"}}}
              },
              "Metadata": {"aws:asset:path": "asset.abc"}
            }
          }
        }
        """
    no_filter = template % ""
    found = run(
        tmp_path,
        {"cdk.out/Stack.template.json": no_filter, "cdk.out/asset.abc/app.py": ENV_BUCKET},
        paths=("cdk.out",),
    )
    assert where(found) == [("cdk.out/asset.abc/app.py", 12, 9)]
    assert "Stack.template.json:11: notification of bucket `Uploads1A2B3C4D`" in found[0].message
    filtered = template % (
        ',\n"Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "uploads/"}]}}'
    )
    assert (
        run(
            tmp_path,
            {"cdk.out/Stack.template.json": filtered, "cdk.out/asset.abc/app.py": ENV_BUCKET},
            paths=("cdk.out",),
        )
        == []
    )
