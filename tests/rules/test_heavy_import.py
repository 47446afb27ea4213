"""SL102 heavy-import: where the names of a heavy import are used, per handler; the
suggested move; project modules; user costs; near-misses from real code. Also the
shape of the shipped import-cost table."""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from textwrap import dedent

from conftest import lint, write_tree

from slint.diagnostics import Applicability, Diagnostic
from slint.fixes import apply_edits

SERVERLESS = dedent("""\
    service: rows
    provider:
      name: aws
      runtime: python3.12
    functions:
      api:
        handler: handler.handler
        events:
          - httpApi: GET /rows
    """)


def findings(tmp_path: Path, files: Mapping[str, str]) -> list[Diagnostic]:
    write_tree(tmp_path, {name: dedent(text) for name, text in files.items()})
    result = lint(tmp_path, select=["SL102"])
    assert not result.errors
    found = [d for d in result.diagnostics if d.code == "SL102"]
    assert not any(d.internal_error for d in found)
    return sorted(found, key=lambda d: (d.path, d.start))


def places(found: list[Diagnostic]) -> list[tuple[str, int, int]]:
    return [(d.path, d.start.row, d.start.column) for d in found]


def fixed(tmp_path: Path, diagnostic: Diagnostic) -> str:
    assert diagnostic.fix is not None
    assert diagnostic.fix.applicability is Applicability.DISPLAY_ONLY
    text = (tmp_path / diagnostic.path).read_text()
    return apply_edits(text, list(diagnostic.fix.edits))


def test_two_handlers_reported_for_the_one_that_does_not_use_it(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                import json
                import pandas as pd


                def handler(event, context):
                    return json.dumps(event["rows"])


                def export_handler(event, context):
                    \"\"\"Rows as CSV.\"\"\"
                    return pd.DataFrame(event["rows"]).to_csv()
                """,
            "serverless.yml": SERVERLESS + "  export:\n    handler: handler.export_handler\n",
        },
    )
    assert places(found) == [("handler.py", 2, 8)]
    assert "handler `handler` (handler.py:5)" in found[0].message
    assert "`export_handler` (line 11), which the handler does not run" in found[0].message
    assert fixed(tmp_path, found[0]) == dedent("""\
        import json


        def handler(event, context):
            return json.dumps(event["rows"])


        def export_handler(event, context):
            \"\"\"Rows as CSV.\"\"\"
            import pandas as pd
            return pd.DataFrame(event["rows"]).to_csv()
        """)


def test_several_modules_in_one_statement_keep_the_others(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                import os, pandas as pd


                def handler(event, context):
                    if event.get("csv"):
                        return to_csv(event)
                    return os.environ["X"]


                class Export:
                    def run(self, rows):
                        return pd.DataFrame(rows)


                def to_csv(event):
                    return Export().run(event["rows"])
                """,
        },
    )
    assert places(found) == [("handler.py", 1, 12)]
    assert fixed(tmp_path, found[0]).splitlines()[0] == "import os"
    assert "        import pandas as pd" in fixed(tmp_path, found[0])


def test_branch_of_the_handler_has_no_edit(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                from sklearn.ensemble import RandomForestClassifier as Forest


                def handler(event, context):
                    if event.get("train"):
                        Forest().fit(event["rows"])
                """,
        },
    )
    assert places(found) == [("handler.py", 1, 6)]
    assert "in a branch of `handler` (line 6)" in found[0].message
    assert found[0].fix is None


def test_a_use_in_the_record_loop_is_a_use_on_every_invocation(tmp_path: Path) -> None:
    # The loop over the records runs whenever there are records: every invocation.
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                from sklearn.ensemble import RandomForestClassifier as Forest


                def handler(event, context):
                    for record in event["Records"]:
                        Forest().fit(record["body"])
                """,
        },
    )
    assert found == []


def test_unused_import_fix_removes_it(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                import json
                import pandas


                def handler(event, context):
                    return json.dumps(event)
                """,
        },
    )
    assert "never uses `pandas`" in found[0].message
    assert fixed(tmp_path, found[0]) == dedent("""\
        import json


        def handler(event, context):
            return json.dumps(event)
        """)


def test_near_misses(tmp_path: Path) -> None:
    # Lazy import inside the function that needs it; a model loaded at import; pandas
    # used on every invocation; boto3; TYPE_CHECKING and optional imports; Powertools
    # utilities (cheap); a heavy import under `if __name__ == "__main__"`.
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                import boto3
                import numpy as np
                import pandas as pd
                from typing import TYPE_CHECKING
                from aws_lambda_powertools import Logger, Metrics, Tracer
                from aws_lambda_powertools.utilities import parameters
                from aws_lambda_powertools.utilities.validation import validator

                try:
                    import orjson as fastjson
                except ImportError:
                    fastjson = None
                if TYPE_CHECKING:
                    from sklearn.base import BaseEstimator

                logger = Logger()
                WEIGHTS = np.load("weights.npy")
                s3 = boto3.client("s3")


                @validator(inbound_schema={})
                def handler(event, context):
                    if event.get("plot"):
                        import matplotlib.pyplot as plt

                        plt.plot(event["x"])
                    secret = parameters.get_secret("name")
                    if fastjson is not None:
                        return fastjson.dumps(event)
                    return pd.DataFrame(event["rows"]).dot(WEIGHTS).to_json()


                if __name__ == "__main__":
                    import scipy.stats
                    print(scipy.stats.norm(0, 1))
                """,
        },
    )
    assert found == []


def test_project_module_loaded_by_the_handler(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                from lib import report, load


                def handler(event, context):
                    return load(event)
                """,
            "lib/__init__.py": """\
                from .reports import report
                from .db import load
                """,
            "lib/reports.py": """\
                import pandas as pd


                def report(rows):
                    return pd.DataFrame(rows)
                """,
            "lib/db.py": """\
                import numpy as np
                from .shared import pd


                def load(event):
                    return np.asarray(event["rows"])
                """,
            "lib/shared.py": """\
                import pandas as pd
                """,
        },
    )
    # numpy is used by `load` on every invocation; `lib/shared.py`'s pandas is taken by
    # `lib/db.py` (a re-export); `lib/reports.py`'s is used only by `report`.
    assert places(found) == [("lib/reports.py", 1, 8)]
    assert "handler `handler` (handler.py:4)" in found[0].message


def test_user_costs_from_pyproject(tmp_path: Path) -> None:
    code = """\
        import pandas as pd
        import mylib


        def handler(event, context):
            return None


        def unused():
            return pd, mylib
        """
    found = findings(
        tmp_path,
        {
            "handler.py": code,
            "pyproject.toml": """\
                [tool.slint.import-costs]
                mylib = 250
                pandas = 0
                """,
        },
    )
    assert places(found) == [("handler.py", 2, 8)]
    assert "250 ms" in found[0].message and "your `import-costs` setting" in found[0].message


def test_threshold_setting(tmp_path: Path) -> None:
    found = findings(
        tmp_path,
        {
            "handler.py": """\
                import pandas as pd


                def handler(event, context):
                    return None
                """,
            "slint.toml": "heavy-import-ms = 60000\n",
        },
    )
    assert found == []


def test_shipped_table_shape() -> None:
    text = (resources.files("slint") / "data" / "import_costs.json").read_text("utf-8")
    table = json.loads(text)
    assert table["generated_by"] == "scripts/measure_import_costs.py"
    assert table["python"].count(".") == 2
    assert table["machine"]["cpu"] and table["machine"]["platform"]
    assert table["date"][:2] == "20" and table["runs"] >= 3
    packages = table["packages"]
    for name in ("boto3", "botocore", "pandas", "numpy", "requests", "sklearn", "PIL.Image"):
        assert name in packages, name
    for name, entry in packages.items():
        assert set(entry) == {"ms", "includes", "distribution", "version"}, name
        assert isinstance(entry["ms"], float) and entry["ms"] > 0, name
        assert entry["distribution"] and entry["version"], name
        assert all(other in packages and other != name for other in entry["includes"]), name
    assert "botocore" in packages["boto3"]["includes"]
    assert "numpy" in packages["pandas"]["includes"]
    assert packages["pandas"]["ms"] > packages["json" if "json" in packages else "yaml"]["ms"]
