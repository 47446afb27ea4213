from __future__ import annotations

from slint.api import Invalid, ParseErrorRule, Severity, Valid


class ParseError(ParseErrorRule):
    """
    ## What it does
    Reports a file slint was asked to check that cannot be read or parsed: a Python
    syntax error, a file that is not valid UTF-8 (or the encoding its PEP 263 coding
    line declares), or a binary file. The finding carries the parser's line and column.

    ## Why is this bad?
    A file that does not parse cannot be deployed, and nothing else in it can be
    checked. slint reports it and goes on with the other files, so one broken file
    does not hide the findings in the rest of the project.

    ## Example
    ```python
    def handler(event, context)
        return {"statusCode": 200}
    ```

    ## Use instead
    ```python
    def handler(event, context):
        return {"statusCode": 200}
    ```

    ## Fix
    There is no automatic fix: correct the file at the reported position.
    """

    code = "SL000"
    name = "parse-error"
    severity = Severity.ERROR

    valid = (
        Valid("def handler(event, context):\n    return {'statusCode': 200}\n"),
        Valid("# -*- coding: latin-1 -*-\nNAME = 'caf\xe9'\n"),
    )
    invalid = (
        Invalid(
            "def handler(event, context)\n    return {'statusCode': 200}\n",
            line=1,
            column=28,
            message="syntax error",
        ),
        Invalid("import json\n\nx = (1,\n", line=3, column=5, message="was never closed"),
        Invalid("VALUE = 1\nNAME = '\udcff'\n", line=2, column=9, message="cannot decode"),
    )
