from __future__ import annotations

from slint.api import Invalid, UnusedSuppressionRule, Valid


class UnusedSuppression(UnusedSuppressionRule):
    """
    ## What it does
    Reports a `# slint: ignore[...]` comment that suppresses nothing: no finding of
    the listed codes is reported on the line it covers, or a listed code is not a
    slint rule at all. Off by default; turn it on with `--report-unused-ignores` or
    by selecting `SL005`.

    ## Why is this bad?
    Suppressions outlive the code they were written for. A stale one hides the next
    real finding on that line, and an unknown code (a typo such as `SL1O1`) never
    suppressed anything in the first place.

    ## Example
    ```python
    import boto3

    s3 = boto3.client("s3")  # slint: ignore[SL101]
    ```

    ## Use instead
    ```python
    import boto3

    s3 = boto3.client("s3")
    ```

    ## Fix
    There is no automatic fix yet: delete the comment, or the codes it lists that
    are unused.
    """

    code = "SL005"
    name = "unused-suppression"

    valid = (
        Valid(
            "import boto3\n\n\ndef handler(event, context):\n"
            "    s3 = boto3.client('s3')  # slint: ignore[SL101]\n    return s3\n"
        ),
    )
    invalid = (
        Invalid(
            "import boto3\n\ns3 = boto3.client('s3')  # slint: ignore[SL101]\n",
            line=3,
            column=26,
            message="unused: SL101",
        ),
        Invalid("x = 1  # slint: ignore[SL1O1]\n", line=1, column=8, message="unknown: SL1O1"),
        Invalid("# slint: ignore\nx = 1\n", line=1, column=1),
    )
