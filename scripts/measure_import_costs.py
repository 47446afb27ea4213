"""Measure what importing the packages Lambda code uses costs, for SL102 and SL103.

Builds a clean virtual environment in a temporary folder with the interpreter that runs
this script, pip-installs the packages of `TABLE` into it, and times
`python -X importtime -I -c "import X"` for each import name: one warm-up run (it writes
the bytecode caches, as a deployment package built with compiled files has them), then
the median of `--runs` runs (default 5) of the cumulative microseconds of every
top-level line of the importtime report that the interpreter's own start-up does not
print (for `import scipy.stats` that is the `scipy` line plus the `scipy.stats` line).
It also records which other entries of the table each import loads (pandas loads
numpy), so that a budget counts a package once.

Run it from the repository root (it takes several minutes; it downloads about 1 GB):

    python scripts/measure_import_costs.py            # all entries
    python scripts/measure_import_costs.py --runs 9   # steadier medians
    python scripts/measure_import_costs.py --venv /tmp/costs-venv  # keep and reuse a venv

It writes `slint/data/import_costs.json`, which `rules/_support/imports.py` loads.
The numbers depend on the machine (CPU, disk, file cache), the Python version and the
package versions: the file records all three. They are meant to rank imports and to
tell a 300 ms import from a 3 ms one, not to predict a cold start to the millisecond:
Lambda's CPU share grows with the memory setting, so a function with 128 MB imports
several times slower than this table says. Users override entries in their config
(`[tool.slint.import-costs]`).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "slint" / "data" / "import_costs.json"

# import name -> the requirement pip installs it from. Dotted names are submodules
# that handlers import directly and that cost much more than their package alone
# (`import PIL` loads almost nothing; `from PIL import Image` loads the library).
# Left out: torch, tensorflow, transformers and other packages above ~500 MB, which
# do not fit a zip deployment package anyway.
TABLE: dict[str, str] = {
    # AWS
    "boto3": "boto3",
    "botocore": "botocore",
    "aioboto3": "aioboto3",
    "aws_lambda_powertools": "aws-lambda-powertools",
    "aws_lambda_powertools.event_handler": "aws-lambda-powertools",
    "aws_lambda_powertools.utilities.parser": "aws-lambda-powertools",
    "aws_lambda_powertools.utilities.data_classes": "aws-lambda-powertools",
    "aws_lambda_powertools.utilities.batch": "aws-lambda-powertools",
    "aws_lambda_powertools.utilities.idempotency": "aws-lambda-powertools",
    "aws_lambda_powertools.utilities.parameters": "aws-lambda-powertools",
    "aws_lambda_powertools.utilities.validation": "aws-lambda-powertools",
    # Powertools validation imports it; pip does not install it with the package
    "fastjsonschema": "fastjsonschema",
    "aws_lambda_powertools.logging": "aws-lambda-powertools",
    "aws_lambda_powertools.metrics": "aws-lambda-powertools",
    "aws_lambda_powertools.tracing": "aws-lambda-powertools",
    "aws_xray_sdk": "aws-xray-sdk",
    "aws_xray_sdk.core": "aws-xray-sdk",
    "awswrangler": "awswrangler",
    "pynamodb": "pynamodb",
    "pynamodb.models": "pynamodb",
    "s3fs": "s3fs",
    "smart_open": "smart-open",
    "requests_aws4auth": "requests-aws4auth",
    "opensearchpy": "opensearch-py",
    "elasticsearch": "elasticsearch",
    "jmespath": "jmespath",
    # data and science
    "pandas": "pandas",
    "numpy": "numpy",
    "scipy": "scipy",
    "scipy.stats": "scipy",
    "sklearn": "scikit-learn",
    "sklearn.ensemble": "scikit-learn",
    "sklearn.linear_model": "scikit-learn",
    "matplotlib": "matplotlib",
    "matplotlib.pyplot": "matplotlib",
    "PIL": "Pillow",
    "PIL.Image": "Pillow",
    "pyarrow": "pyarrow",
    "pyarrow.parquet": "pyarrow",
    "polars": "polars",
    "xgboost": "xgboost-cpu",
    "nltk": "nltk",
    # web, HTTP and APIs
    "requests": "requests",
    "urllib3": "urllib3",
    "httpx": "httpx",
    "aiohttp": "aiohttp",
    "fastapi": "fastapi",
    "mangum": "mangum",
    "flask": "flask",
    "django": "django",
    "jinja2": "jinja2",
    "openai": "openai",
    "anthropic": "anthropic",
    "langchain": "langchain",
    "langchain_core": "langchain-core",
    "langchain_core.prompts": "langchain-core",
    "stripe": "stripe",
    "twilio": "twilio",
    "twilio.rest": "twilio",
    "slack_sdk": "slack-sdk",
    "sendgrid": "sendgrid",
    "googleapiclient": "google-api-python-client",
    "googleapiclient.discovery": "google-api-python-client",
    "google.protobuf": "protobuf",
    "google.protobuf.json_format": "protobuf",
    "grpc": "grpcio",
    # validation and serialisation
    "pydantic": "pydantic",
    "pydantic.BaseModel": "pydantic",
    "pydantic_core": "pydantic-core",
    "pydantic_settings": "pydantic-settings",
    "marshmallow": "marshmallow",
    "jsonschema": "jsonschema",
    "yaml": "pyyaml",
    "simplejson": "simplejson",
    "ujson": "ujson",
    "orjson": "orjson",
    "dateutil": "python-dateutil",
    "dateutil.parser": "python-dateutil",
    "pytz": "pytz",
    "arrow": "arrow",
    "dotenv": "python-dotenv",
    "markdown": "markdown",
    # databases and queues
    "sqlalchemy": "sqlalchemy",
    "sqlalchemy.orm": "sqlalchemy",
    "psycopg2": "psycopg2-binary",
    "psycopg": "psycopg[binary]",
    "pymysql": "pymysql",
    "mysql.connector": "mysql-connector-python",
    "redis": "redis",
    "pymongo": "pymongo",
    "kafka": "kafka-python",
    "confluent_kafka": "confluent-kafka",
    # security
    "cryptography": "cryptography",
    "cryptography.fernet": "cryptography",
    "cryptography.hazmat.primitives.serialization": "cryptography",
    "jwt": "pyjwt",
    "jose": "python-jose",
    "jose.jwt": "python-jose",
    "passlib": "passlib",
    "passlib.context": "passlib",
    "bcrypt": "bcrypt",
    "nacl": "pynacl",
    "nacl.signing": "pynacl",
    "Crypto": "pycryptodome",
    "paramiko": "paramiko",
    # documents
    "lxml": "lxml",
    "lxml.etree": "lxml",
    "bs4": "beautifulsoup4",
    "openpyxl": "openpyxl",
    "xlsxwriter": "xlsxwriter",
    "docx": "python-docx",
    "reportlab": "reportlab",
    "reportlab.pdfgen.canvas": "reportlab",
    "fitz": "pymupdf",
    "pypdf": "pypdf",
    "qrcode": "qrcode",
    # observability
    "sentry_sdk": "sentry-sdk",
    "datadog": "datadog",
    "datadog_lambda": "datadog-lambda",
    "newrelic": "newrelic",
    "newrelic.agent": "newrelic",
    "structlog": "structlog",
    "loguru": "loguru",
}


# Entries that are not modules but names a package loads lazily on first access
# (pydantic 2 builds `BaseModel` on demand): measured with this statement instead.
STATEMENTS: dict[str, str] = {
    "pydantic.BaseModel": "from pydantic import BaseModel",
}
# The module whose loading shows that another import loaded such an entry too.
STATEMENT_MODULES: dict[str, str] = {
    "pydantic.BaseModel": "pydantic.main",
}


def distribution_name(requirement: str) -> str:
    return requirement.split("[", 1)[0]


def run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, check=False, text=True, capture_output=True)


def install(python: str, requirements: list[str]) -> None:
    """One resolver run for everything (consistent versions); if the resolver cannot
    satisfy them together, each requirement on its own, skipping those that fail."""
    base = [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    done = run([*base, *requirements])
    if done.returncode == 0:
        return
    print("installing all at once failed; installing one by one", file=sys.stderr)
    print(done.stderr[-2000:], file=sys.stderr)
    for requirement in requirements:
        done = run([*base, requirement])
        if done.returncode != 0:
            print(f"  could not install {requirement}", file=sys.stderr)


def importtime(python: str, statement: str) -> list[tuple[int, int, str]]:
    """The lines of `-X importtime` as (depth, cumulative microseconds, module)."""
    done = run([python, "-X", "importtime", "-I", "-c", statement])
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip().splitlines()[-1] if done.stderr else "failed")
    lines = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "|" not in line:
            continue
        _, cumulative, name = line[len("import time:") :].split("|", 2)
        if not cumulative.strip().isdigit():
            continue  # the header line
        stripped = name.lstrip(" ")
        depth = (len(name) - len(stripped) - 1) // 2
        lines.append((depth, int(cumulative), stripped.strip()))
    return lines


def measure(python: str, name: str, startup: set[str], runs: int) -> tuple[float, list[str]]:
    """Median cost of `import name` in milliseconds, and the modules it loads."""
    statement = STATEMENTS.get(name, f"import {name}")
    importtime(python, statement)  # warm-up: bytecode caches, file cache
    totals = []
    loaded: set[str] = set()
    for _ in range(runs):
        lines = importtime(python, statement)
        totals.append(
            sum(
                cumulative
                for depth, cumulative, module in lines
                if depth == 0 and module not in startup
            )
        )
        loaded.update(module for _, _, module in lines if module not in startup)
    return statistics.median(totals) / 1000, sorted(loaded)


def versions(python: str, distributions: list[str]) -> dict[str, str]:
    script = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for d in sys.argv[1:]:\n"
        "    try: out[d] = m.version(d)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))\n"
    )
    done = run([python, "-I", "-c", script, *distributions])
    result: dict[str, str] = json.loads(done.stdout)
    return result


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--venv", type=Path, help="build (or reuse) the venv here")
    parser.add_argument("--out", type=Path, default=OUT)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="slint-import-costs-") as temporary:
        venv = options.venv or Path(temporary) / "venv"
        python = str(venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python"))
        if not Path(python).exists():
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        requirements = sorted(set(TABLE.values()))
        install(python, requirements)
        installed = versions(python, sorted({distribution_name(r) for r in requirements}))

        startup = {module for _, _, module in importtime(python, "pass")}
        measured: dict[str, tuple[float, list[str]]] = {}
        for name in TABLE:
            if distribution_name(TABLE[name]) not in installed:
                continue
            try:
                measured[name] = measure(python, name, startup, options.runs)
            except RuntimeError as error:
                print(f"  import {name} failed: {error}", file=sys.stderr)
                continue
            print(f"{name:48} {measured[name][0]:9.1f} ms", file=sys.stderr)
        python_version = run([python, "-I", "-c", "import sys; print(sys.version)"]).stdout

    packages = {}
    for name, (milliseconds, loaded) in sorted(measured.items(), key=lambda item: item[0].lower()):
        loaded_set = set(loaded)
        distribution = distribution_name(TABLE[name])
        packages[name] = {
            "ms": round(milliseconds, 1),
            # other entries of the table that `import name` loads (their cost is part of
            # this one's); a parent package counts too ("scipy" for "scipy.stats")
            "includes": sorted(
                other
                for other in measured
                if other != name and STATEMENT_MODULES.get(other, other) in loaded_set
            ),
            "distribution": distribution,
            "version": installed[distribution],
        }
    document = {
        "generated_by": "scripts/measure_import_costs.py",
        "date": datetime.date.today().isoformat(),
        "python": python_version.split()[0],
        "implementation": platform.python_implementation(),
        "machine": {
            "platform": platform.platform(),
            "cpu": cpu_name(),
            "cpus": os.cpu_count(),
        },
        "method": (
            f"python -X importtime -I -c 'import X' in a clean venv: one warm-up run, then "
            f"the median of {options.runs} runs of the cumulative time of the top-level "
            "lines that interpreter start-up does not print"
        ),
        "runs": options.runs,
        "packages": packages,
    }
    options.out.write_text(json.dumps(document, indent=2) + "\n")
    print(f"wrote {options.out} ({len(packages)} packages)", file=sys.stderr)


if __name__ == "__main__":
    main()
