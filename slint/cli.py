"""The command line: `slint check`, `slint rules`, `slint rule CODE`.

Exit codes: 0 no findings, 1 findings, 2 usage, configuration or internal error.
Every usage or configuration error is one line on stderr; no traceback reaches a user.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from slint import __version__
from slint.reporters import REPORTERS as OUTPUT_FORMATS

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
# Reports that describe the rules themselves (SARIF's `tool.driver.rules`, the full
# format's documentation excerpts): a cached run loads the rules for them only.
_FORMATS_WITH_RULES = frozenset({"full", "sarif"})


def _show_diff(diagnostics: Sequence[Any], paths: dict[str, Path], unsafe: bool) -> int:
    """`--diff`: one round of fixes as a unified diff; exit 1 when there is anything to fix."""
    from slint.fixer import fix_round

    results, problems = fix_round(diagnostics, paths, unsafe)
    for display in sorted(results):
        click.echo(results[display].diff(display), nl=False)
    for message in problems:
        _fail(message)
    count = sum(len(r.applied) for r in results.values())
    noun = "fix" if count == 1 else "fixes"
    click.echo(f"Would apply {count} {noun}.", err=True)
    return EXIT_FINDINGS if results else EXIT_OK


def _one_line(message: str) -> str:
    # One line, whatever the message holds: scripts and editors read stderr by line.
    return " ".join(part.strip() for part in message.splitlines() if part.strip())


def _fail(message: str) -> None:
    click.echo(f"slint: error: {_one_line(message)}", err=True)


def _warn(message: str) -> None:
    click.echo(f"slint: warning: {_one_line(message)}", err=True)


def _selectors(values: Sequence[str]) -> tuple[str, ...]:
    return tuple(
        part.strip().upper() for value in values for part in value.split(",") if part.strip()
    )


def _load_registry() -> Any:
    from slint.registry import Registry

    return Registry.load()


_config_option = click.option(
    "--config",
    "config_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Use this configuration file instead of searching for one.",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, "--version", "-V", prog_name="slint", message="slint %(version)s"
)
def cli() -> None:
    """slint: a linter for AWS Lambda applications in Python.

    It reads handler code and deployment config (serverless.yml, SAM, CloudFormation)
    together and reports what makes serverless systems slow, flaky or expensive.
    """


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Rules to enable (codes, prefixes like SL1, or ALL); replaces the configured selection.",
)
@click.option(
    "--extend-select",
    multiple=True,
    metavar="CODES",
    help="Rules to enable on top of the selection.",
)
@click.option("--ignore", multiple=True, metavar="CODES", help="Rules to disable.")
@click.option(
    "--output-format",
    type=click.Choice(list(OUTPUT_FORMATS)),
    default=None,
    help="How to print findings (default: `output-format` in the config, else text).",
)
@click.option(
    "-o",
    "--output-file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the report to FILE; the summary still goes to the terminal.",
)
@_config_option
@click.option("--no-cache", is_flag=True, help="Do not read or write the findings cache.")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="Keep the findings cache in DIR (default: $SLINT_CACHE_DIR, `cache-dir` in the "
    "config, else .slint_cache in the project).",
)
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(1, 256),
    help="Worker processes that analyse modules (default: `jobs` in the config, else one "
    "per CPU; few files are analysed in one process whatever this says).",
)
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option(
    "--statistics",
    is_flag=True,
    help="Print the number of findings per rule instead of the findings.",
)
@click.option(
    "--report-unused-ignores",
    is_flag=True,
    help="Report `# slint: ignore` comments that suppress nothing (SL005).",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    help="Apply `exclude` to paths given on the command line too (for pre-commit).",
)
@click.option(
    "--fix", is_flag=True, help="Apply the safe fixes (and, with --unsafe-fixes, the unsafe ones)."
)
@click.option(
    "--unsafe-fixes", is_flag=True, help="Also apply (or show) fixes that may change behaviour."
)
@click.option("--diff", is_flag=True, help="Show the fixes as a unified diff; change no file.")
@click.option(
    "--show-fixes/--no-show-fixes",
    default=None,
    help="After the findings, list the fixes applied (with --fix) or available, per file and rule.",
)
def check(
    paths: tuple[str, ...],
    select: tuple[str, ...],
    extend_select: tuple[str, ...],
    ignore: tuple[str, ...],
    output_format: str | None,
    output_file: Path | None,
    config_file: Path | None,
    no_cache: bool,
    cache_dir: Path | None,
    jobs: int | None,
    exit_zero: bool,
    quiet: bool,
    statistics: bool,
    report_unused_ignores: bool,
    force_exclude: bool,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    show_fixes: bool | None,
) -> int:
    """Check files and directories (default: the current directory)."""
    from slint.config import ConfigError, ConfigResolver, Overrides, selector_check
    from slint.diagnostics import Diagnostic
    from slint.files import DiscoveryError
    from slint.registry import RegistryError
    from slint.reporters import ReportOptions, count_fixes, get_renderer, repository_root

    # A run allocates many small objects that live until it ends (syntax trees, facts)
    # and few reference cycles: the default collector would scan them over and over.
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)
    targets = paths or (".",)
    registry: Any = None
    fixed: int | None = None
    applied: list[Diagnostic] = []  # the findings the fixes removed, over every round
    try:
        extend = _selectors(extend_select) + (("SL005",) if report_unused_ignores else ())
        overrides = Overrides(
            select=_selectors(select) or None,
            extend_select=extend,
            ignore=_selectors(ignore),
        )
        # Settings of the whole run come from one configuration, as in ruff: the one
        # `--config` names, else the one that applies to the current directory.
        # Selectors are checked against the rules when the run is not in the cache (a
        # cached run was checked when it ran); loading the rules here would cost that.
        run_settings = ConfigResolver(
            overrides, config_file, known_selector=lambda selector: True
        ).for_path(Path.cwd())
        cache = None if no_cache else _findings_cache(cache_dir, run_settings)
        key = None
        run: Any = None
        if cache is not None and not fix and not diff:
            # A run that changes nothing comes back whole from the cache, before any rule,
            # parser or YAML loader is imported (slint.cache says when it is valid).
            from slint.cache import load_run, run_key

            command = (select, extend_select, ignore, report_unused_ignores, force_exclude)
            skip = [cache.directory.resolve()]
            if output_file is not None:
                skip.append(output_file.resolve())
            key = run_key(command, targets, config_file, skip)
            run = load_run(cache, key) if key is not None else None
        if run is not None:
            codes_enabled = run.codes
        else:
            from slint.engine import Engine
            from slint.isolation import available_cpus

            registry = _load_registry()
            known_selector = selector_check(rule.code for rule in registry.rules)
            options_given = {
                "--select": select,
                "--extend-select": extend_select,
                "--ignore": ignore,
            }
            for option, values in options_given.items():
                for selector in _selectors(values):
                    if not known_selector(selector):
                        raise ConfigError(f"{option}: unknown rule selector `{selector}`")
            resolver = ConfigResolver(overrides, config_file, known_selector=known_selector)
            run_settings = resolver.for_path(Path.cwd())
            engine = Engine(
                registry,
                resolver,
                cache=cache,
                jobs=jobs or run_settings.jobs or available_cpus(),
            )
            run = engine.check_paths(targets, force_exclude=force_exclude)
            if key is not None:
                from slint.cache import store_run

                assert cache is not None
                store_run(cache, key, run, engine.codes_enabled(), engine.read_paths)
            if diff:
                return _show_diff(run.diagnostics, run.paths, unsafe_fixes)
            if fix:
                from slint.fixer import MAX_ROUNDS, fix_round, write_atomically

                for _ in range(MAX_ROUNDS):
                    results, problems = fix_round(run.diagnostics, run.paths, unsafe_fixes)
                    for message in problems:
                        _fail(message)
                    if not results:
                        break
                    for result in results.values():
                        write_atomically(result.source.path, result.source.encoded(result.fixed))
                        applied.extend(result.applied)
                    run = engine.check_paths(targets, force_exclude=force_exclude)
                fixed = len(applied)
            codes_enabled = engine.codes_enabled()
        if show_fixes is None:
            show_fixes = run_settings.show_fixes
        output_format = output_format or run_settings.output_format or "text"
        if statistics and output_format not in ("text", "full", "json", "json-lines"):
            raise ConfigError(
                f"--statistics cannot be shown as {output_format} "
                "(use text, full, json or json-lines)"
            )
        if registry is None and output_format in _FORMATS_WITH_RULES:
            registry = _load_registry()
    except (ConfigError, DiscoveryError, RegistryError) as error:
        _fail(str(error))
        return EXIT_ERROR
    except OSError as error:
        _fail(f"cannot write a fixed file: {error}")
        return EXIT_ERROR
    options = ReportOptions(
        # NO_COLOR: https://no-color.org
        color=sys.stdout.isatty() and not os.environ.get("NO_COLOR"),
        # "All checks passed!" would be a lie when slint itself failed on a file.
        quiet=quiet or bool(run.errors),
        statistics=statistics,
        files_checked=run.files_checked,
        unsafe_fixes=unsafe_fixes,
        fixed=fixed,
        show_fixes=show_fixes,
        fixed_counts=count_fixes(applied),
        rules=tuple(r for r in registry.rules if r.code in codes_enabled) if registry else (),
        docs_url=run_settings.rule_docs_url,
        paths=run.paths,
        root=repository_root(Path.cwd()),
    )
    for message in run.warnings:
        _warn(message)
    if run.files_checked == 0 and not run.errors:
        # Nothing matched: "All checks passed!" would claim a check that never happened.
        if run.warnings:
            _warn("no file was checked")
        else:
            _warn("no files to check (no Python module, Lambda config or requirements file found)")
        if output_format in ("text", "full") and output_file is None:
            return EXIT_OK
    output = get_renderer(output_format)(run.diagnostics, options)
    if output_file is None:
        click.echo(output, nl=False)
    else:
        from slint.fixer import write_atomically

        try:
            write_atomically(output_file, output.encode("utf-8"))
        except OSError as error:
            _fail(f"cannot write the report to {output_file}: {error.strerror or error}")
            return EXIT_ERROR
        if not options.quiet:
            from slint.reporters.text import summary

            click.echo(summary(run.diagnostics, options))
    for message in run.errors:
        _fail(message)
    if run.internal_error:
        return EXIT_ERROR
    if run.diagnostics and not exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _cache_directory(option: Path | None, settings: Any) -> Path:
    """--cache-dir, else $SLINT_CACHE_DIR, else `cache-dir` of the config, else
    `.slint_cache` in the project (the folder of the config, else the current one)."""
    from slint.cache import ENV_VAR, default_directory

    if option is not None:
        return option
    if not os.environ.get(ENV_VAR) and settings.cache_dir is not None:
        return Path(settings.cache_dir)
    return default_directory(settings.root if settings.source is not None else Path.cwd())


def _findings_cache(option: Path | None, settings: Any) -> Any:
    from slint.cache import FindingsCache

    return FindingsCache(_cache_directory(option, settings))


@cli.command("clean")
@click.option(
    "--cache-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="The cache to delete (default: as `slint check` finds it).",
)
@_config_option
def clean_command(cache_dir: Path | None, config_file: Path | None) -> int:
    """Delete the findings cache."""
    import shutil

    from slint.cache import is_cache_directory
    from slint.config import ConfigError, ConfigResolver, Overrides

    try:
        settings = ConfigResolver(Overrides(), config_file).for_path(Path.cwd())
    except ConfigError as error:
        _fail(str(error))
        return EXIT_ERROR
    folder = _cache_directory(cache_dir, settings)
    if not folder.exists():
        return EXIT_OK
    # Only what slint created: a mistyped --cache-dir must not delete someone's files.
    if not is_cache_directory(folder):
        _fail(f"{folder} is not a slint cache (it has no slint CACHEDIR.TAG); not deleted")
        return EXIT_ERROR
    try:
        shutil.rmtree(folder)
    except OSError as error:
        _fail(f"cannot delete {folder}: {error.strerror or error}")
        return EXIT_ERROR
    click.echo(f"Removed cache at {folder}", err=True)
    return EXIT_OK


@cli.command("server")
def server_command() -> int:
    """Run the Language Server over stdio (for editors)."""
    try:
        from slint.server.lsp import serve
    except ImportError as error:
        _fail(f"the language server needs pygls: {error}")
        return EXIT_ERROR
    serve()
    return EXIT_OK


@cli.command("rules")
@click.option(
    "--output-format", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules_command(output_format: str) -> int:
    """List every rule: code, name, default severity, whether it is on by default, fix,
    and its ids in cfn-lint (`cfn-lint --append-rules slint.cfn_lint.rules`)."""
    from slint.registry import RegistryError

    try:
        registry = _load_registry()
    except RegistryError as error:
        _fail(str(error))
        return EXIT_ERROR
    from slint.cfn_lint import cfn_lint_ids

    rows = [
        (
            r.code,
            r.name,
            r.severity.value,
            "yes" if r.enabled_by_default else "no",
            r.fix.value,
            "/".join(cfn_lint_ids(r.code)) or "-",
        )
        for r in registry.rules
    ]
    if output_format == "json":
        import json

        keys = ("code", "name", "severity", "enabled_by_default", "fix", "cfn_lint")
        data = [dict(zip(keys, row, strict=True)) for row in rows]
        for item, rule in zip(data, registry.rules, strict=True):
            item["enabled_by_default"] = rule.enabled_by_default
            item["cfn_lint"] = list(cfn_lint_ids(rule.code))
            item["summary"] = rule.summary()
        click.echo(json.dumps(data, indent=2))
        return EXIT_OK
    header = ("code", "name", "severity", "default", "fix", "cfn-lint")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        click.echo(
            "  ".join(
                str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
            ).rstrip()
        )
    return EXIT_OK


@cli.command("rule")
@click.argument("code")
def rule_command(code: str) -> int:
    """Print a rule's documentation (Markdown). CODE may also be the rule's name."""
    from slint.registry import RegistryError

    try:
        registry = _load_registry()
    except RegistryError as error:
        _fail(str(error))
        return EXIT_ERROR
    rule = registry.get(code)
    if rule is None:
        _fail(f"unknown rule `{code}` (see `slint rules`)")
        return EXIT_ERROR
    from slint.ruledocs import rule_markdown

    click.echo(rule_markdown(rule), nl=False)
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> None:
    args = list(argv) if argv is not None else sys.argv[1:]
    if not args:
        # click would print the whole help as the "error"; a usage error is one line.
        _fail("missing command: use `slint check [PATH ...]`, `slint rules` or `slint --help`")
        sys.exit(EXIT_ERROR)
    try:
        code = cli.main(args=args, prog_name="slint", standalone_mode=False)
    except click.UsageError as error:
        _fail(error.format_message())
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        _fail(error.format_message())
        sys.exit(EXIT_ERROR)
    except click.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # a bug in slint: one line, never a traceback
        _fail(f"internal error: {type(error).__name__}: {error}")
        sys.exit(EXIT_ERROR)
    sys.exit(code if isinstance(code, int) else EXIT_OK)
