"""Configuration: where it is found, what each key does, how selection resolves, errors."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from conftest import codes_at, lint, run_cli, write_tree

from slint.api import CodeRule
from slint.config import (
    KNOWN_KEYS,
    ConfigError,
    ConfigResolver,
    Overrides,
    read_config_file,
)
from slint.registry import Registry
from slint.settings import NUMERIC_OPTIONS, Settings

HANDLER = (
    'import boto3\n\n\ndef handler(event, context):\n    s3 = boto3.client("s3")\n    return s3\n'
)
SYNTAX_ERROR = "def handler(event, context)\n    return 1\n"


def found(root: Path, *paths: str, **kwargs: object) -> list[tuple[str, str, int, int]]:
    result = lint(root, paths or (".",), **kwargs)  # type: ignore[arg-type]
    assert not result.errors
    return codes_at(result.diagnostics)


# --- where configuration is found ----------------------------------------------------------


def test_pyproject_tool_slint_table_is_read(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"pyproject.toml": '[tool.slint]\nignore = ["SL101"]\n', "h.py": HANDLER},
    )
    assert found(tmp_path) == []


def test_slint_toml_and_dot_slint_toml_are_read(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "a/slint.toml": 'ignore = ["SL101"]\n',
            "a/h.py": HANDLER,
            "b/.slint.toml": 'ignore = ["SL1"]\n',
            "b/h.py": HANDLER,
            "c/h.py": HANDLER,
        },
    )
    assert found(tmp_path) == [("c/h.py", "SL101", 5, 10)]


def test_pyproject_without_tool_slint_is_skipped(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "slint.toml": 'ignore = ["SL101"]\n',
            "pkg/pyproject.toml": '[project]\nname = "x"\n\n[tool.ruff]\nline-length = 99\n',
            "pkg/h.py": HANDLER,
        },
    )
    assert found(tmp_path) == []
    assert found(tmp_path / "pkg") == []


def test_nearest_configuration_wins(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "slint.toml": 'ignore = ["SL101"]\n',
            "h.py": HANDLER,
            "sub/pyproject.toml": '[tool.slint]\nselect = ["SL1"]\n',
            "sub/h.py": HANDLER,
            "sub/deeper/h.py": HANDLER,
        },
    )
    expected = [("sub/deeper/h.py", "SL101", 5, 10), ("sub/h.py", "SL101", 5, 10)]
    assert found(tmp_path) == expected
    # The search starts at each checked file, not at the working directory.
    assert found(tmp_path / "sub", "h.py", "../h.py") == [("h.py", "SL101", 5, 10)]


def test_configurations_are_not_merged(tmp_path: Path) -> None:
    # The nearer file does not inherit the outer file's `ignore`.
    write_tree(
        tmp_path,
        {
            "slint.toml": 'ignore = ["SL101"]\n',
            "sub/slint.toml": "heavy-import-ms = 150\n",
            "sub/h.py": HANDLER,
        },
    )
    assert found(tmp_path) == [("sub/h.py", "SL101", 5, 10)]


@pytest.mark.parametrize(
    ("files", "winner"),
    [
        ({".slint.toml": "A", "slint.toml": "B", "pyproject.toml": "C"}, ".slint.toml"),
        ({"slint.toml": "B", "pyproject.toml": "C"}, "slint.toml"),
        ({"pyproject.toml": "C"}, "pyproject.toml"),
    ],
)
def test_precedence_of_files_in_one_directory(
    files: dict[str, str], winner: str, tmp_path: Path
) -> None:
    values = {"A": 101, "B": 102, "C": 103}
    tree = {}
    for name, key in files.items():
        line = f"heavy-import-ms = {values[key]}\n"
        tree[name] = f"[tool.slint]\n{line}" if name == "pyproject.toml" else line
    write_tree(tmp_path, tree)
    settings = ConfigResolver(Overrides()).for_path(tmp_path / "h.py")
    assert settings.source == tmp_path / winner
    assert settings.heavy_import_ms == values[files[winner]]


def test_no_configuration_gives_the_defaults(tmp_path: Path) -> None:
    settings = ConfigResolver(Overrides()).for_path(tmp_path / "h.py")
    assert settings.source is None
    assert (
        settings.heavy_import_ms,
        settings.import_budget_ms,
        settings.default_timeout,
        settings.max_sdk_attempts,
        settings.api_timeout_rest,
        settings.api_timeout_http,
    ) == (100, 500, 10, 10, 29, 30)
    assert settings.select is None


def test_config_option_overrides_the_search(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "slint.toml": 'select = ["SL0"]\n',
            "sub/slint.toml": 'select = ["SL0"]\n',
            "h.py": HANDLER,
            "sub/h.py": HANDLER,
            "elsewhere/custom.toml": (
                'select = ["SL101"]\nper-file-ignores = { "sub/*" = ["SL1"] }\n'
            ),
        },
    )
    assert found(tmp_path) == []
    # Globs in the explicit file are relative to that file's directory.
    result = found(tmp_path, config=tmp_path / "elsewhere" / "custom.toml")
    assert result == [("h.py", "SL101", 5, 10), ("sub/h.py", "SL101", 5, 10)]
    cli = run_cli("check", "--config", "elsewhere/custom.toml", "-q", cwd=tmp_path)
    assert cli.returncode == 1
    assert [line.split(":")[0] for line in cli.stdout.splitlines()] == ["h.py", "sub/h.py"]


def test_config_option_with_a_pyproject(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "cfg/pyproject.toml": '[tool.slint]\nignore = ["SL101"]\n',
            "empty/pyproject.toml": "[project]\nname = 'x'\n",
            "h.py": HANDLER,
        },
    )
    assert found(tmp_path, config=tmp_path / "cfg" / "pyproject.toml") == []
    with pytest.raises(ConfigError, match=r"empty/pyproject\.toml: no \[tool\.slint\] table"):
        lint(tmp_path, config=tmp_path / "empty" / "pyproject.toml")


# --- what the keys do -----------------------------------------------------------------------


def test_every_numeric_option_is_read(tmp_path: Path) -> None:
    lines = [f"{key} = {index + 20}" for index, key in enumerate(NUMERIC_OPTIONS)]
    write_tree(tmp_path, {"slint.toml": "\n".join(lines) + "\n"})
    settings = ConfigResolver(Overrides()).for_path(tmp_path)
    for index, (attribute, _default, _low, _high) in enumerate(NUMERIC_OPTIONS.values()):
        assert getattr(settings, attribute) == index + 20


def test_known_keys_are_exactly_those_of_the_specification() -> None:
    specified = {
        "select",
        "ignore",
        "extend-select",
        "per-file-ignores",
        "exclude",
        "heavy-import-ms",
        "import-budget-ms",
        "default-timeout",
        "max-sdk-attempts",
        "api-timeout-rest",
        "api-timeout-http",
    }
    # ruff's `show-fixes` and `output-format`, issue 7's table of import costs, and
    # issue 10's documentation base, issue 12's workers and cache folder, beyond the list
    beyond = {"show-fixes", "import-costs", "output-format", "rule-docs-url", "jobs", "cache-dir"}
    assert specified | beyond == KNOWN_KEYS


def test_import_costs_are_read_and_checked(tmp_path: Path) -> None:
    write_tree(tmp_path, {"slint.toml": '[import-costs]\nmylib = 250\n"google.cloud" = 0.5\n'})
    settings = ConfigResolver(Overrides()).for_path(tmp_path)
    assert settings.import_costs == (("mylib", 250.0), ("google.cloud", 0.5))
    for table, error in [
        ("import-costs = 3", "must be a table of import name = milliseconds"),
        ('[import-costs]\n"my lib" = 3', '"my lib" is not an importable module name'),
        ("[import-costs]\nx = -1", '"x" must be a number of milliseconds between 0 and 600000'),
        ('[import-costs]\nx = "fast"', "not 'fast'"),
    ]:
        write_tree(tmp_path, {"slint.toml": table + "\n"})
        with pytest.raises(ConfigError, match=re.escape(error)):
            ConfigResolver(Overrides()).for_path(tmp_path)


def test_selectors_in_configuration_are_case_insensitive(tmp_path: Path) -> None:
    write_tree(tmp_path, {"slint.toml": 'select = ["sl1", " all "]\nignore = ["sl0"]\n'})
    settings = ConfigResolver(Overrides()).for_path(tmp_path)
    assert settings.select == ("SL1", "ALL")
    assert settings.ignore == ("SL0",)


def test_select_extend_select_and_ignore_from_configuration(tmp_path: Path) -> None:
    files = {"h.py": HANDLER, "bad.py": SYNTAX_ERROR, "u.py": "x = 1  # slint: ignore[SL1O1]\n"}
    cases = [
        ("", {"SL000", "SL101"}),
        ('select = ["SL1"]\n', {"SL101"}),
        ('select = ["ALL"]\n', {"SL000", "SL005", "SL101"}),
        ('select = ["ALL"]\nignore = ["SL0"]\n', {"SL101"}),
        ('extend-select = ["SL005"]\n', {"SL000", "SL005", "SL101"}),
        ('ignore = ["SL000"]\n', {"SL101"}),
        ('select = ["SL0"]\nignore = ["SL0"]\nextend-select = ["SL000"]\n', {"SL000"}),
    ]
    for index, (config, expected) in enumerate(cases):
        root = tmp_path / str(index)
        write_tree(root, {**files, "slint.toml": config})
        assert {code for _path, code, _row, _col in found(root)} == expected, config


def test_command_line_select_replaces_configured_selection(tmp_path: Path) -> None:
    write_tree(tmp_path, {"slint.toml": 'select = ["SL0"]\n', "h.py": HANDLER})
    assert found(tmp_path) == []
    assert found(tmp_path, select=["SL101"]) == [("h.py", "SL101", 5, 10)]


def test_command_line_ignore_and_extend_select_add_to_configuration(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"slint.toml": 'select = ["SL1"]\n', "h.py": HANDLER, "bad.py": SYNTAX_ERROR},
    )
    assert found(tmp_path) == [("h.py", "SL101", 5, 10)]
    assert found(tmp_path, ignore=["SL101"]) == []
    assert found(tmp_path, extend_select=["SL000"]) == [
        ("bad.py", "SL000", 1, 28),
        ("h.py", "SL101", 5, 10),
    ]


def test_command_line_extend_select_beats_a_configured_ignore(tmp_path: Path) -> None:
    # ruff's layering: what the command line says about a rule decides it.
    write_tree(tmp_path, {"slint.toml": 'ignore = ["SL101"]\n', "h.py": HANDLER})
    assert found(tmp_path) == []
    assert found(tmp_path, extend_select=["SL101"]) == [("h.py", "SL101", 5, 10)]
    assert found(tmp_path, extend_select=["SL1"]) == [("h.py", "SL101", 5, 10)]


def test_report_unused_ignores_beats_a_configured_ignore(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"slint.toml": 'ignore = ["SL005"]\n', "u.py": "x = 1  # slint: ignore[SL101]\n"}
    )
    assert run_cli("check", cwd=tmp_path).returncode == 0
    result = run_cli("check", "--report-unused-ignores", "-q", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == "u.py:1:8: SL005 unused suppression (unused: SL101)\n"


def test_per_file_ignores(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": (
                "[tool.slint.per-file-ignores]\n"
                '"tests/*" = ["SL101"]\n'
                '"legacy.py" = ["SL1"]\n'
                '"src/**/gen_*.py" = ["ALL"]\n'
            ),
            "tests/unit/h.py": HANDLER,
            "legacy.py": HANDLER,
            "pkg/legacy.py": HANDLER,
            "src/a/b/gen_x.py": HANDLER,
            "src/a/b/x.py": HANDLER,
            "h.py": HANDLER,
        },
    )
    assert found(tmp_path) == [("h.py", "SL101", 5, 10), ("src/a/b/x.py", "SL101", 5, 10)]


def test_the_readme_per_file_ignores_example(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "pyproject.toml": (
                '[tool.slint.per-file-ignores]\n"tests/**" = ["SL101"]\n"legacy_*.py" = ["SL1"]\n'
            ),
            "tests/h.py": HANDLER,
            "tests/unit/h.py": HANDLER,
            "src/legacy_api.py": HANDLER,
            "src/tests.py": HANDLER,
        },
    )
    assert found(tmp_path) == [("src/tests.py", "SL101", 5, 10)]


def test_per_file_ignores_win_over_every_selection(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"slint.toml": 'per-file-ignores = { "h.py" = ["SL101"] }\n', "h.py": HANDLER},
    )
    assert found(tmp_path, select=["SL101"]) == []
    assert found(tmp_path, extend_select=["SL101"]) == []
    result = run_cli("check", "--select", "ALL", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "All checks passed!\n")


def test_per_file_ignores_are_relative_to_the_configuration(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "svc/slint.toml": 'per-file-ignores = { "app/h.py" = ["SL101"] }\n',
            "svc/app/h.py": HANDLER,
            "app/h.py": HANDLER,
        },
    )
    assert found(tmp_path) == [("app/h.py", "SL101", 5, 10)]
    assert found(tmp_path / "svc" / "app") == []


def test_per_file_ignores_do_not_make_a_suppression_unused(tmp_path: Path) -> None:
    source = HANDLER.replace('("s3")\n', '("s3")  # slint: ignore[SL101]\n')
    write_tree(
        tmp_path, {"slint.toml": 'per-file-ignores = { "h.py" = ["SL101"] }\n', "h.py": source}
    )
    assert found(tmp_path, extend_select=["SL005"]) == []


# --- selection semantics, on a registry of stand-in rules --------------------------------

_DOC = """
    ## What it does
    Stands in for a rule in the selection tests.

    ## Why is this bad?
    -

    ## Example
    -

    ## Use instead
    -

    ## Fix
    -
    """


def _rule(code: str, name: str, on: bool = True) -> type[CodeRule]:
    attributes = {"__doc__": _DOC, "code": code, "name": name, "enabled_by_default": on}
    return type(name.replace("-", "_"), (CodeRule,), attributes)


STAND_INS = Registry.from_rules(
    [
        _rule("SL005", "unused-thing", on=False),
        _rule("SL101", "rule-a"),
        _rule("SL102", "rule-b"),
        _rule("SL110", "rule-c"),
        _rule("SL201", "rule-d"),
        _rule("SL301", "rule-e", on=False),
    ]
)
DEFAULT_ON = {"SL101", "SL102", "SL110", "SL201"}


def _settings(**values: tuple[str, ...]) -> Settings:
    return Settings(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("config", "cli", "expected"),
    [
        ({}, {}, DEFAULT_ON),
        ({"select": ("SL1",)}, {}, {"SL101", "SL102", "SL110"}),
        ({"select": ("ALL",)}, {}, {*DEFAULT_ON, "SL005", "SL301"}),
        ({"select": ()}, {}, set()),
        ({"extend_select": ("SL3",)}, {}, {*DEFAULT_ON, "SL301"}),
        ({"ignore": ("ALL",)}, {}, set()),
        ({"select": ("SL1",), "ignore": ("SL10",)}, {}, {"SL110"}),
        (
            {"select": ("SL1",), "ignore": ("SL10",), "extend_select": ("SL101",)},
            {},
            {"SL101", "SL110"},
        ),
        ({"select": ("SL1", "SL101"), "ignore": ("SL10",)}, {}, {"SL101", "SL110"}),
        ({"select": ("SL101",), "ignore": ("SL101",)}, {}, set()),
        ({"select": ("ALL",), "ignore": ("SL1",)}, {}, {"SL005", "SL201", "SL301"}),
        # A command-line --select starts afresh (ruff): the file's ignore goes too.
        ({"ignore": ("SL101",)}, {"select": ("SL1",)}, {"SL101", "SL102", "SL110"}),
        ({"select": ("SL2",)}, {"select": ("SL1",)}, {"SL101", "SL102", "SL110"}),
        ({"extend_select": ("SL3",)}, {"select": ("SL2",)}, {"SL201"}),
        ({"select": ("SL2",)}, {"select": ("SL1",), "ignore": ("SL11",)}, {"SL101", "SL102"}),
        # Without it, --ignore and --extend-select adjust the file's selection ...
        ({"select": ("SL1",)}, {"ignore": ("SL102",)}, {"SL101", "SL110"}),
        ({"select": ("SL1",)}, {"extend_select": ("SL201",)}, {"SL101", "SL102", "SL110", "SL201"}),
        # ... and decide every rule they match, however specific the file is.
        ({"ignore": ("SL101",)}, {"extend_select": ("SL101",)}, DEFAULT_ON),
        ({"ignore": ("SL101",)}, {"extend_select": ("SL1",)}, DEFAULT_ON),
        ({"ignore": ("ALL",)}, {"extend_select": ("ALL",)}, {*DEFAULT_ON, "SL005", "SL301"}),
        ({"extend_select": ("SL005",)}, {"ignore": ("SL0",)}, DEFAULT_ON),
        ({"select": ("SL102",)}, {"ignore": ("SL1",)}, set()),
        ({"select": ("SL101",)}, {"ignore": ("ALL",)}, set()),
        (
            {"select": ("ALL",)},
            {"ignore": ("SL1",), "extend_select": ("SL102",)},
            {"SL005", "SL102", "SL201", "SL301"},
        ),
        (
            {"select": ("SL1",), "ignore": ("SL110",)},
            {"extend_select": ("SL005",)},
            {"SL005", "SL101", "SL102"},
        ),
        ({"ignore": ("SL1",)}, {"extend_select": ("SL101",), "ignore": ("SL101",)}, {"SL201"}),
        (
            {"ignore": ("SL1",)},
            {"extend_select": ("SL101",), "ignore": ("SL10",)},
            {"SL101", "SL201"},
        ),
    ],
)
def test_selection_resolves_like_ruff(
    config: dict[str, tuple[str, ...]], cli: dict[str, tuple[str, ...]], expected: set[str]
) -> None:
    settings = Overrides(**cli).apply(_settings(**config))  # type: ignore[arg-type]
    assert STAND_INS.enabled(settings) == expected


def _ruff_layers(
    layers: list[tuple[tuple[str, ...] | None, tuple[str, ...], tuple[str, ...]]],
) -> set[str]:
    """ruff's own algorithm, layer by layer, as a reference for the one-layer folding."""
    enabled = {rule.code for rule in STAND_INS.rules if rule.enabled_by_default}
    for select, extend, ignore in layers:
        decided: dict[str, bool] = {}
        for rule in STAND_INS.rules:
            best: tuple[int, bool] | None = None
            for selectors, verdict in (((*(select or ()), *extend), True), (ignore, False)):
                for selector in selectors:
                    if selector == "ALL" or rule.code.startswith(selector):
                        rank = (0 if selector == "ALL" else len(selector), not verdict)
                        if best is None or rank > (best[0], not best[1]):
                            best = (rank[0], verdict)
            if best is not None:
                decided[rule.code] = best[1]
        if select is not None:
            enabled = {code for code, on in decided.items() if on}
        else:
            enabled = (enabled | {c for c, on in decided.items() if on}) - {
                c for c, on in decided.items() if not on
            }
    return enabled


def test_selection_matches_ruffs_layering_on_many_combinations() -> None:
    pool = ["ALL", "SL", "SL0", "SL005", "SL1", "SL10", "SL101", "SL102", "SL11", "SL110"]
    pool += ["SL2", "SL201", "SL3", "SL301"]
    generator = random.Random(20240611)

    def pick() -> tuple[str, ...]:
        return tuple(generator.sample(pool, generator.randint(0, 3)))

    for _ in range(3000):
        config = (pick() if generator.random() < 0.5 else None, pick(), pick())
        cli = (pick() if generator.random() < 0.3 else None, pick(), pick())
        settings = Overrides(select=cli[0], extend_select=cli[1], ignore=cli[2]).apply(
            Settings(select=config[0], extend_select=config[1], ignore=config[2])
        )
        assert STAND_INS.enabled(settings) == _ruff_layers([config, cli]), (config, cli)


def test_per_file_ignores_win_over_the_most_specific_select() -> None:
    settings = Overrides(select=("SL101",)).apply(Settings())
    assert STAND_INS.enabled(settings, ("SL1",)) == set()
    assert STAND_INS.enabled(settings, ("ALL",)) == set()
    assert STAND_INS.enabled(settings, ("SL102",)) == {"SL101"}


# --- errors: one line naming the file and the key, exit 2 ---------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("selct = []\n", "selct: unknown configuration key (known keys: api-timeout-http, "),
        ("lint = { select = [] }\n", "lint: unknown configuration key"),
        ('select = "SL101"\n', "select must be a list of strings, not 'SL101'"),
        ("ignore = [1]\n", "ignore must be a list of strings, not [1]"),
        ("extend-select = {}\n", "extend-select must be a list of strings, not {}"),
        ('exclude = "build"\n', "exclude must be a list of strings, not 'build'"),
        ('per-file-ignores = ["x"]\n', "per-file-ignores must be a table of glob = [codes]"),
        (
            'per-file-ignores = { "*.py" = "SL101" }\n',
            "per-file-ignores.\"*.py\" must be a list of strings, not 'SL101'",
        ),
        ('select = ["SL1O1"]\n', "select: unknown rule selector `SL1O1`"),
        ('ignore = ["XX"]\n', "ignore: unknown rule selector `XX`"),
        ('extend-select = ["SL9"]\n', "extend-select: unknown rule selector `SL9`"),
        ('select = [""]\n', "select: empty rule selector"),
        (
            'per-file-ignores = { "*.py" = ["SL9"] }\n',
            'per-file-ignores."*.py": unknown rule selector `SL9`',
        ),
        ('heavy-import-ms = "100"\n', "heavy-import-ms must be an integer, not '100'"),
        ("import-budget-ms = 1.5\n", "import-budget-ms must be an integer, not 1.5"),
        ("default-timeout = true\n", "default-timeout must be an integer, not True"),
        ("default-timeout = 0\n", "default-timeout must be between 1 and 900, not 0"),
        ("default-timeout = 901\n", "default-timeout must be between 1 and 900, not 901"),
        ("max-sdk-attempts = -1\n", "max-sdk-attempts must be between 1 and 1000, not -1"),
        ("api-timeout-rest = [29]\n", "api-timeout-rest must be an integer, not [29]"),
        ("api-timeout-http = 0\n", "api-timeout-http must be between 1 and 900, not 0"),
    ],
)
def test_bad_keys_and_values(text: str, message: str, tmp_path: Path) -> None:
    write_tree(tmp_path, {"slint.toml": text, "pyproject.toml": "[tool.slint]\n" + text})
    for name, prefix in (("slint.toml", ""), ("pyproject.toml", "tool.slint.")):
        path = tmp_path / name
        with pytest.raises(ConfigError) as error:
            ConfigResolver(Overrides(), path)
        assert str(error.value).startswith(f"{path}: {prefix}{message}"), str(error.value)
        assert "\n" not in str(error.value)


def test_invalid_toml(tmp_path: Path) -> None:
    write_tree(tmp_path, {"slint.toml": 'select = ["SL1"]\nignore = [SL101]\n', "h.py": HANDLER})
    with pytest.raises(
        ConfigError, match=r"slint\.toml: invalid TOML: .*\(at line 2, column 11\)$"
    ):
        lint(tmp_path)
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"slint: error: {tmp_path / 'slint.toml'}: invalid TOML: ")
    assert result.stderr.count("\n") == 1


def test_tool_slint_that_is_not_a_table(tmp_path: Path) -> None:
    write_tree(tmp_path, {"pyproject.toml": '[tool]\nslint = "on"\n'})
    with pytest.raises(ConfigError, match=r"pyproject\.toml: tool\.slint must be a table$"):
        read_config_file(tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("files", "key"),
    [
        ({"pyproject.toml": '[tool.slint]\nselct = ["SL1"]\n'}, "tool.slint.selct"),
        ({"sub/slint.toml": "default-timeout = 0\n"}, "default-timeout"),
        ({".slint.toml": 'select = ["NOPE"]\n'}, "select"),
    ],
)
def test_configuration_errors_through_the_command(
    files: dict[str, str], key: str, tmp_path: Path
) -> None:
    write_tree(tmp_path, {**files, "sub/h.py": HANDLER, "h.py": HANDLER})
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    config = tmp_path / next(iter(files))
    assert result.stderr.startswith(f"slint: error: {config}: {key}")
    assert result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_an_error_message_stays_on_one_line(tmp_path: Path) -> None:
    # A TOML key may hold a newline; the error that quotes it is still one line.
    write_tree(
        tmp_path, {"slint.toml": 'per-file-ignores = { "a\\nb" = ["SL9"] }\n', "h.py": HANDLER}
    )
    result = run_cli("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"slint: error: {tmp_path / 'slint.toml'}: per-file-ignores.")
    assert result.stderr.endswith(": unknown rule selector `SL9`\n")
