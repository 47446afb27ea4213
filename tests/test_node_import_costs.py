"""The measured load-cost table for npm packages (SL102/SL103 on Node.js handlers): its
shape, its sanity, and its agreement with the script that measures it. Nothing here
runs npm or node; the numbers are the committed measurements."""

from __future__ import annotations

import importlib.util
import json
import re
import statistics
from importlib import resources
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from conftest import REPO

SCRIPT = REPO / "scripts" / "measure_node_import_costs.py"

# The keys each entry has; the first four are those of the Python table
# (slint/data/import_costs.json), so one loader can read both.
ENTRY_KEYS = {"ms", "includes", "distribution", "version", "mode", "files", "loads"}


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("measure_node_import_costs", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def table() -> dict[str, Any]:
    # read the way the package ships it, not from the source tree
    text = (resources.files("slint") / "data" / "node_import_costs.json").read_text("utf-8")
    document: dict[str, Any] = json.loads(text)
    return document


@pytest.fixture(scope="module")
def packages(table: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = table["packages"]
    return result


def test_metadata_says_how_where_and_when(table: dict[str, Any]) -> None:
    assert table["generated_by"] == "scripts/measure_node_import_costs.py"
    assert re.fullmatch(r"20\d\d-\d\d-\d\d", table["date"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", table["node"])
    assert re.fullmatch(r"\d+\.\d+\.\d+", table["npm"])
    machine = table["machine"]
    assert machine["cpu"] and machine["platform"] and machine["cpus"] >= 1
    assert "hrtime" in table["method"] and "median" in table["method"]
    assert table["runs"] >= 7
    baseline = table["baseline"]
    assert set(baseline) == {"node_start_ms", "empty_require_ms", "empty_import_ms"}
    assert all(isinstance(value, float) and value > 0 for value in baseline.values())
    # an empty node process takes tens of milliseconds; loading an empty file far less
    assert baseline["node_start_ms"] > 10 * baseline["empty_require_ms"]


def test_every_entry_is_well_formed(packages: dict[str, dict[str, Any]]) -> None:
    assert len(packages) >= 60
    assert list(packages) == sorted(packages)
    for name, entry in packages.items():
        assert set(entry) == ENTRY_KEYS, name
        assert isinstance(entry["ms"], float) and entry["ms"] >= 0, name
        assert entry["mode"] in {"require", "import"}, name
        assert isinstance(entry["files"], int) and entry["files"] >= 1, name
        assert entry["version"] and re.match(r"\d+\.\d+\.\d+", entry["version"]), name
        assert entry["includes"] == sorted(entry["includes"]), name
        assert all(other in packages and other != name for other in entry["includes"]), name
        assert entry["loads"] == sorted(set(entry["loads"])), name
        assert entry["distribution"] not in entry["loads"], name


def test_table_and_script_list_the_same_entries(
    script: ModuleType, table: dict[str, Any], packages: dict[str, dict[str, Any]]
) -> None:
    skipped: dict[str, str] = table["skipped"]
    assert set(packages) | set(skipped) == set(script.TABLE)
    assert not set(packages) & set(skipped)
    assert all(isinstance(reason, str) and reason for reason in skipped.values())
    for name, entry in packages.items():
        assert entry["distribution"] == script.TABLE[name], name
    # entries the rules' examples and messages rely on were measured, not skipped
    for name in ("aws-sdk", "@aws-sdk/client-dynamodb", "@aws-sdk/client-s3", "ms", "uuid"):
        assert name in packages, name


def test_script_names_each_entrys_package(script: ModuleType) -> None:
    for specifier, package in script.TABLE.items():
        assert script.package_of(specifier) == package, specifier
        assert specifier == package or specifier.startswith(package + "/"), specifier
    assert set(script.TOOLS).isdisjoint(script.TABLE.values())


def test_whole_sdk_v2_costs_clearly_more_than_one_v3_client(
    packages: dict[str, dict[str, Any]],
) -> None:
    # RULES.md SL102/SL103 for Node.js: `aws-sdk` where one v3 client would do
    clients = {
        name: entry["ms"] for name, entry in packages.items() if name.startswith("@aws-sdk/client-")
    }
    assert len(clients) >= 10
    whole = packages["aws-sdk"]["ms"]
    assert whole > max(clients.values())
    assert whole > 1.5 * statistics.median(clients.values())
    # v2's own advice, a deep import of one client, loads less than the whole SDK
    assert packages["aws-sdk/clients/dynamodb"]["ms"] < whole
    assert {"aws-sdk/clients/dynamodb", "aws-sdk/clients/s3"} <= set(
        packages["aws-sdk"]["includes"]
    )


def test_includes_follow_what_a_load_reads(packages: dict[str, dict[str, Any]]) -> None:
    lib = packages["@aws-sdk/lib-dynamodb"]
    assert {"@aws-sdk/client-dynamodb", "@aws-sdk/util-dynamodb"} <= set(lib["includes"])
    assert "zod" in packages["@aws-lambda-powertools/parser/schemas"]["includes"]
    # mongoose reads its own nested copy of mongodb: still counted as mongodb
    assert "mongodb" in packages["mongoose"]["includes"]
    # a package does not include what only loads it
    assert "@aws-sdk/lib-dynamodb" not in packages["@aws-sdk/client-dynamodb"]["includes"]
    assert "lodash" not in packages["lodash/get"]["includes"]


def test_v3_clients_share_the_sdk_core_and_not_each_other(
    packages: dict[str, dict[str, Any]],
) -> None:
    # Every client reads all of @aws-sdk/core (but its re-exporting root index.js): the
    # part two clients in one handler load once.
    core = packages["@aws-sdk/core"]["ms"]
    for name, entry in packages.items():
        if name.startswith("@aws-sdk/client-"):
            assert "@aws-sdk/core" in entry["includes"], name
            assert entry["ms"] > core, name
            others = {other for other in entry["includes"] if other.startswith("@aws-sdk/client-")}
            assert not others, name
    # a utility that reads a small part of a shared package does not include it
    assert (
        "@aws-lambda-powertools/commons" not in packages["@aws-lambda-powertools/batch"]["includes"]
    )
    assert "@aws-lambda-powertools/commons" in packages["@aws-lambda-powertools/logger"]["includes"]


def test_light_packages_read_as_cheap_and_heavy_ones_as_heavy(
    packages: dict[str, dict[str, Any]],
) -> None:
    for name in ("ms", "dayjs", "@aws-sdk/util-dynamodb"):
        assert packages[name]["ms"] < 5, name
    assert packages["uuid"]["ms"] < 25
    # well above the 100 ms default of `heavy-import-ms`
    for name in ("googleapis", "jsdom"):
        assert packages[name]["ms"] > 200, name
    assert packages["googleapis"]["ms"] > 10 * packages["lodash"]["ms"]


def test_builtins_are_listed_apart_and_cheap(
    table: dict[str, Any], packages: dict[str, dict[str, Any]]
) -> None:
    builtins: dict[str, float] = table["builtins"]
    assert table["builtins_note"]
    assert {"fs", "path", "crypto", "http", "https", "stream", "events"} <= set(builtins)
    assert not any(name.startswith(("node:", "_")) for name in builtins)
    assert set(builtins).isdisjoint(packages)
    assert all(0 <= ms < 25 for ms in builtins.values())
    assert builtins["fs"] < 1 and builtins["path"] < 1


def test_inclusion_needs_the_entry_point_or_nearly_all_the_code(script: ModuleType) -> None:
    core = {("@aws-sdk/core", "index.js"): 2_000, ("@aws-sdk/core", "client.js"): 300_000}
    client = {("@aws-sdk/client-sqs", "index.js"): 40_000, ("@aws-sdk/core", "client.js"): 300_000}
    other_client = {
        ("@aws-sdk/client-sns", "index.js"): 30_000,
        ("@aws-sdk/core", "client.js"): 300_000,
    }
    core_entry = {("@aws-sdk/core", "index.js"): 2_000}
    sqs_entry = {("@aws-sdk/client-sqs", "index.js"): 40_000}
    assert script.includes(client, core_entry, core)  # 99% of core's code
    assert not script.includes(other_client, sqs_entry, client)  # 88% of the client's
    assert script.includes(core, core_entry, core)
    assert not script.includes({}, core_entry, core)
    assert not script.includes(client, {("x", "index.js"): 0}, {})


@pytest.mark.parametrize(
    ("path", "package"),
    [
        ("/tmp/x/node_modules/lodash/get.js", "lodash"),
        ("/tmp/x/node_modules/@aws-sdk/core/dist-cjs/index.js", "@aws-sdk/core"),
        ("/tmp/x/node_modules/a/node_modules/@smithy/types/index.js", "@smithy/types"),
        ("/tmp/x/node_modules/.prisma/client/default.js", None),
        ("/tmp/x/measure.cjs", None),
    ],
)
def test_loaded_files_belong_to_the_innermost_package(
    script: ModuleType, path: str, package: str | None
) -> None:
    assert script.package_of_file(str(Path(path))) == package
