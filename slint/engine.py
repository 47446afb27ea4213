"""The run: discover -> load configs and analyse modules -> link handlers -> rules ->
resolve per-invocation findings -> suppress -> select."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from slint.analysis import ModuleResult, PendingDiagnostic
from slint.api import (
    CodeRule,
    ConfigRule,
    CrossRule,
    ParseErrorRule,
    ParseFailure,
    UnusedSuppressionRule,
)
from slint.app.model import App, Function
from slint.app.project import (
    ConfigFinder,
    LinkedHandler,
    LoadedModule,
    ReachedFunction,
    handler_targets,
)
from slint.app.sniff import config_kind
from slint.cache import FindingsCache, code_fingerprint, content_hash, digest
from slint.config import ConfigResolver
from slint.diagnostics import Diagnostic, Location, location_of_offset
from slint.discovery import CODE_KINDS, SourceFile, classify, discover, display_path
from slint.facts import ModuleFacts
from slint.files import FileTooBig, read_limited, too_big_warning
from slint.isolation import ModuleTask, analyze_in_workers, shared_analyzer, workers_for
from slint.reachability import ImportRoots, Reachability, deployed_roots, handler_key
from slint.registry import Registry
from slint.settings import Settings
from slint.suppression import (
    Suppression,
    apply_suppressions,
    comment_language,
    parse_suppressions,
)


@dataclass
class RunResult:
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # Crashes of slint itself (not of one rule), one line each.
    errors: list[str] = field(default_factory=list)
    # Files passed over (special files, too big, ...), one line each, for stderr.
    warnings: list[str] = field(default_factory=list)
    files_checked: int = 0
    # Functions linked to an existing handler module, of those whose config names one.
    linked: int = 0
    apps: list[App] = field(default_factory=list)
    # The files of the run as displayed -> their paths (what `--fix` may write).
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def internal_error(self) -> bool:
        return bool(self.errors) or any(d.internal_error for d in self.diagnostics)


@dataclass
class _FileState:
    source_file: SourceFile
    codes: frozenset[str]
    result: ModuleResult = field(default_factory=ModuleResult)  # Python modules
    app: App | None = None  # config files
    text: str | None = None  # config files
    diagnostics: list[Diagnostic] = field(default_factory=list)
    # A file read for context that a cross finding of a checked config lands in (a
    # handler module the config names): its findings are shown too.
    shown: bool = False

    @property
    def path(self) -> Path:
        return self.source_file.path

    @property
    def display(self) -> str:
        return self.source_file.display


class Engine:
    def __init__(
        self,
        registry: Registry,
        resolver: ConfigResolver,
        documents: Mapping[Path, bytes] | None = None,
        *,
        cache: FindingsCache | None = None,
        jobs: int = 1,
    ) -> None:
        self.registry = registry
        self.resolver = resolver
        # Where module analyses and whole runs are kept between runs (None: nowhere).
        self.cache = cache
        # Worker processes for the analysis of modules (`--jobs`); 1 is this process.
        self.jobs = jobs
        # Every file the current run read (for the run's cache entry).
        self._read_paths: set[Path] = set()
        self._settings_fingerprints: dict[int, tuple[Settings, str]] = {}
        # Unsaved contents of files (an editor's open documents), by resolved path:
        # read instead of the disk, for the files themselves and as context of others.
        self.documents: Mapping[Path, bytes] = documents or {}
        self._codes: dict[tuple[int, tuple[str, ...]], frozenset[str]] = {}
        self._validated: set[int] = set()
        self._finder = ConfigFinder()

    def enabled_codes(self, source_file: SourceFile) -> frozenset[str]:
        settings = source_file.settings
        if id(settings) not in self._validated:
            self.registry.validate(settings)
            self._validated.add(id(settings))
        extra = settings.ignored_for_file(source_file.path)
        key = (id(settings), extra)
        codes = self._codes.get(key)
        if codes is None:
            codes = self._codes[key] = self.registry.enabled(settings, extra)
        return codes

    def codes_enabled(self) -> frozenset[str]:
        """Every rule code enabled for some file of the runs so far."""
        return frozenset().union(*self._codes.values())

    def check_paths(self, paths: Sequence[str], *, force_exclude: bool = False) -> RunResult:
        warnings: list[str] = []
        files = discover(paths, self.resolver, force_exclude=force_exclude, warnings=warnings)
        run = self.check_files(files)
        run.warnings[:0] = warnings
        return run

    @property
    def read_paths(self) -> frozenset[Path]:
        """Every file the last run read (a cached run is valid while they are as read)."""
        return frozenset(self._read_paths)

    def _settings_fingerprint(self, settings: Settings) -> str:
        known = self._settings_fingerprints.get(id(settings))
        if known is None or known[0] is not settings:
            known = (settings, digest(settings.analysis_key()))
            self._settings_fingerprints[id(settings)] = known
        return known[1]

    def linked_files(self, path: Path) -> list[Path]:
        """The files on the other side of `path`: the handler modules a config names,
        or the configs that name a module (all the configs above a requirements file).
        Checked together with `path`, they show every finding an edit of `path` may
        change (the language server re-checks them on each edit)."""
        path = path.resolve()
        kind = classify(path)
        if kind == "config":
            app = self._load_app(path)
            if app is None:
                return []
            return sorted(
                module
                for module in (p.resolve() for p in handler_targets(app.functions))
                if module != path and module.is_file()
            )
        found: list[Path] = []
        if kind in (*CODE_KINDS, "requirements"):
            for config in self._finder.configs_above(path):
                app = self._load_app(config)
                if app is None:
                    continue
                named = {p.resolve() for p in handler_targets(app.functions)}
                if kind == "requirements" or path in named:
                    found.append(config.resolve())
        return found

    def _load_app(self, path: Path) -> App | None:
        from slint.app.loader import load_config

        kind = config_kind(path)
        if kind is None:
            return None
        try:
            text = self._read(path).decode("utf-8-sig")
            loaded = load_config(path, display_path(path), text, kind)
        except Exception:  # unreadable or a loader bug: the run itself reports it
            return None
        return None if isinstance(loaded, ParseFailure) else loaded

    # -- the run --------------------------------------------------------------
    def check_files(self, files: Sequence[SourceFile]) -> RunResult:
        run = RunResult(files_checked=len(files))
        self._read_paths = set()
        states: dict[Path, _FileState] = {}
        for source_file in files:
            states[source_file.path] = _FileState(source_file, self.enabled_codes(source_file))
        # Configs that name the Python files asked for (pre-commit passes single files).
        for source_file in files:
            if source_file.kind in (*CODE_KINDS, "requirements"):
                for config in self._finder.configs_above(source_file.path):
                    self._add_context(states, config, "config")
            if source_file.kind == "requirements":
                self._read_text(states[source_file.path], run)
        for state in list(states.values()):
            if state.source_file.kind == "config":
                self._load_config(state, run)
        apps = [s.app for s in states.values() if s.app is not None]
        run.apps = apps
        functions = [f for app in apps for f in app.functions]
        # Handler modules (and the modules they import) are analysed for their facts,
        # which the cross rules read and through which per-invocation findings of the
        # checked modules are resolved; a run with neither (config rules on templates,
        # as cfn-lint runs) leaves them alone.
        targets = handler_targets(functions)
        if self._needs_handler_facts(states):
            for module_path in targets:
                kind = classify(module_path)
                if kind in CODE_KINDS and module_path.is_file():
                    self._add_context(states, module_path, kind)
        self._analyze_modules([s for s in states.values() if s.source_file.kind in CODE_KINDS], run)
        modules = {s.path: s.result.facts for s in states.values() if s.result.facts is not None}
        # One name resolution for the run: per-invocation findings and cross rules share it.
        reachability = Reachability(modules)
        self._resolve_pending(states, modules, targets, reachability)
        self._run_model_rules(states, apps, _HandlerLinks(states, modules, reachability), run)
        for state in states.values():
            if not state.source_file.context:
                run.diagnostics.extend(self._finish(state))
                run.paths[state.display] = state.path
            elif state.shown:
                run.diagnostics.extend(self._finish(state, only_cross=True))
                run.paths[state.display] = state.path
        run.diagnostics.sort(key=lambda d: d.sort_key)
        return run

    def _needs_handler_facts(self, states: dict[Path, _FileState]) -> bool:
        checked = [s for s in states.values() if not s.source_file.context]
        if any(s.source_file.kind in CODE_KINDS for s in checked):
            return True
        codes = frozenset().union(*(s.codes for s in states.values()))
        return bool(self.registry.of_kind(codes, CrossRule))

    def _add_context(self, states: dict[Path, _FileState], path: Path, kind: str) -> None:
        path = path.resolve()
        if path in states:
            return
        settings = self.resolver.for_path(path)
        source_file = SourceFile(path, display_path(path), kind, settings, False, context=True)
        states[path] = _FileState(source_file, self.enabled_codes(source_file))

    # -- configs ----------------------------------------------------------------
    def _load_config(self, state: _FileState, run: RunResult) -> None:
        from slint.app.loader import load_config

        kind = config_kind(state.path)
        if kind is None:
            return
        data = self._read_checked(state, run)
        if data is None:
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            location = location_of_offset(data, error.start)
            self._parse_failure(state, "cannot decode file as UTF-8", location)
            return
        state.text = text
        try:
            loaded = load_config(state.path, state.display, text, kind)
        except Exception as error:  # a bug in slint: report it, go on with the rest
            if not state.source_file.context:
                run.errors.append(
                    f"{state.display}: internal error: {type(error).__name__}: {error}"
                )
            return
        if isinstance(loaded, ParseFailure):
            self._parse_failure(state, loaded.message, loaded.location)
        else:
            state.app = loaded

    def _read_text(self, state: _FileState, run: RunResult) -> None:
        """A requirements file: its text, for suppression comments."""
        try:
            state.text = self._read(state.path).decode("utf-8-sig", "replace")
        except FileTooBig as big:
            run.warnings.append(too_big_warning(state.display, big.size))
            self._skipped(state, run)
            state.text = None
        except OSError:
            state.text = None

    def _read_checked(self, state: _FileState, run: RunResult) -> bytes | None:
        """A checked file's bytes; None when it is too big (a warning) or unreadable (an
        SL000 on it)."""
        try:
            return self._read(state.path)
        except FileTooBig as big:
            run.warnings.append(too_big_warning(state.display, big.size))
            self._skipped(state, run)
        except OSError as error:
            self._parse_failure(
                state, f"cannot read file: {error.strerror or error}", Location(1, 1)
            )
        return None

    def _read(self, path: Path) -> bytes:
        """A file's bytes: the unsaved document if there is one, else the disk (within
        the size limit: FileTooBig)."""
        resolved = path.resolve()
        self._read_paths.add(resolved)
        document = self.documents.get(resolved) if self.documents else None
        return document if document is not None else read_limited(path)

    @staticmethod
    def _skipped(state: _FileState, run: RunResult) -> None:
        """A file asked for that was not read after all (too big): not checked."""
        if not state.source_file.context:
            run.files_checked -= 1

    def _parse_failure(self, state: _FileState, message: str, location: Location) -> None:
        failure = ParseFailure(state.display, message, location)
        for rule in self.registry.of_kind(state.codes, ParseErrorRule):
            state.diagnostics.append(rule().diagnose(failure))

    # -- code -------------------------------------------------------------------
    def _analyze_modules(self, states: Sequence[_FileState], run: RunResult) -> None:
        """Analyse the code modules (Python, JavaScript, TypeScript) of a run: from the
        cache where it has them, the others in worker processes when `jobs` and the
        amount of work warrant it, else here. The results, and so the findings, are the
        same either way."""
        todo: list[tuple[_FileState, ModuleTask, tuple[str, str] | None]] = []
        for state in states:
            source_file = state.source_file
            data = self._read_checked(state, run)
            if data is None:
                continue
            rules = tuple(self.registry.of_kind(state.codes, CodeRule))
            key: tuple[str, str] | None = None
            if self.cache is not None:
                key = (
                    digest(
                        "module",
                        code_fingerprint(),
                        str(source_file.path),
                        state.display,
                        self._settings_fingerprint(source_file.settings),
                        tuple(sorted(state.codes)),
                    ),
                    content_hash(data),
                )
                cached = self.cache.get("modules", *key)
                if isinstance(cached, ModuleResult):
                    self._take_result(state, cached)
                    continue
            task = ModuleTask(state.display, data, source_file.settings, rules, source_file.kind)
            todo.append((state, task, key))
        tasks = [task for _, task, _ in todo]
        workers = workers_for(self.jobs, tasks) if self.jobs > 1 and len(tasks) > 1 else 1
        outcomes: list[ModuleResult | BaseException]
        if workers > 1:
            outcomes = analyze_in_workers(tasks, workers)
        else:
            outcomes = [self._analyze_here(task) for task in tasks]
        for (state, _, key), outcome in zip(todo, outcomes, strict=True):
            if isinstance(outcome, BaseException):  # a bug in slint: report, go on
                if not state.source_file.context:
                    run.errors.append(
                        f"{state.display}: internal error: {type(outcome).__name__}: {outcome}"
                    )
                continue
            self._take_result(state, outcome)
            if key is not None and not any(d.internal_error for d in outcome.diagnostics):
                assert self.cache is not None
                self.cache.put("modules", *key, outcome)

    @staticmethod
    def _analyze_here(task: ModuleTask) -> ModuleResult | BaseException:
        try:
            # Risky modules (deeply nested) are analysed in a child process, whose
            # crash costs that module an SL000 instead of the run (slint.isolation).
            return shared_analyzer().analyze(
                task.path, task.data, task.settings, task.rule_classes, task.language
            )
        except Exception as error:
            return error

    def _take_result(self, state: _FileState, result: ModuleResult) -> None:
        state.result = result
        state.diagnostics.extend(result.diagnostics)
        if result.failure is not None:
            self._parse_failure(state, result.failure.message, result.failure.location)

    def _resolve_pending(
        self,
        states: dict[Path, _FileState],
        modules: dict[Path, ModuleFacts],
        targets: dict[Path, set[str]],
        reachability: Reachability,
    ) -> None:
        if not any(state.result.pending for state in states.values()):
            return
        handlers: dict[Path, tuple[str, ...]] = {}
        for path, facts in modules.items():
            # Where a config names a module's handlers, they are its only entry points;
            # elsewhere the naming convention decides.
            named = targets.get(path)
            handlers[path] = (
                tuple(sorted({handler_key(facts, name) for name in named}))
                if named
                else facts.convention_handlers
            )
        # A deployed handler's imports resolve in its own code folder and layers.
        functions = [f for s in states.values() if s.app is not None for f in s.app.functions]
        reached = reachability.of_handlers(handlers, deployed_roots(functions))
        displays = {path: state.display for path, state in states.items()}
        for state in states.values():
            for pending in state.result.pending:
                reach = reached.get((state.path, pending.function_key))
                if reach is not None:
                    state.diagnostics.append(
                        _with_reach(pending, reach.handler, state.path, modules, displays)
                    )

    # -- config and cross rules ----------------------------------------------------
    def _run_model_rules(
        self,
        states: dict[Path, _FileState],
        apps: list[App],
        links: _HandlerLinks,
        run: RunResult,
    ) -> None:
        by_display = {state.display: state for state in states.values()}
        # A config read for context still has findings for a checked requirements file.
        requirements = any(
            s.source_file.kind == "requirements" and not s.source_file.context
            for s in states.values()
        )
        for app in apps:
            config_state = states[app.path.resolve()]
            self._add_includes(states, by_display, app, config_state, run)
            settings = config_state.source_file.settings
            codes = config_state.codes
            if not config_state.source_file.context or requirements:
                for config_rule in self.registry.of_kind(codes, ConfigRule):
                    rule = config_rule()
                    self._collect(rule, partial(rule.check, app, settings), by_display, app.file)
            cross_codes = codes | {
                code for s in states.values() if not s.source_file.context for code in s.codes
            }
            cross_rules = [r() for r in self.registry.of_kind(frozenset(cross_codes), CrossRule)]
            # Findings of a checked config's cross rules in the handlers it names are
            # shown even when those modules were not asked for (a commit that only adds
            # a trigger); a config read for context shows nothing of its own.
            show = not config_state.source_file.context
            for function in app.functions:
                linked = links.of_function(function)
                if linked is not None and linked.function is not None:
                    run.linked += 1
                for cross_rule in cross_rules:
                    self._collect(
                        cross_rule,
                        partial(cross_rule.check_function, function, linked, settings),
                        by_display,
                        function.file,
                        show_context=show,
                    )
        self._run_convention_handlers(states, links, by_display, apps)

    def _run_convention_handlers(
        self,
        states: dict[Path, _FileState],
        links: _HandlerLinks,
        by_display: dict[str, _FileState],
        apps: list[App],
    ) -> None:
        """Cross rules on the handlers of checked modules that no config names (found by
        the naming convention): what the code alone tells."""
        named = handler_targets([f for app in apps for f in app.functions])
        for state in states.values():
            facts = state.result.facts
            if state.source_file.context or facts is None or state.path in named:
                continue
            rules = [r() for r in self.registry.of_kind(state.codes, CrossRule)]
            if not rules:
                continue
            for key in facts.convention_handlers:
                linked = links.of_handler(state.path, key)
                for rule in rules:
                    self._collect(
                        rule,
                        partial(rule.check_handler, linked, state.source_file.settings),
                        by_display,
                        state.display,
                    )

    def _add_includes(
        self,
        states: dict[Path, _FileState],
        by_display: dict[str, _FileState],
        app: App,
        config_state: _FileState,
        run: RunResult,
    ) -> None:
        """Files a serverless.yml pulls in with `${file(...)}`: findings on the functions
        and resources written there belong to them (and their suppressions apply)."""
        for path, display in zip(app.includes, app.include_displays, strict=True):
            path = path.resolve()
            if display in by_display or path in states:
                continue
            try:
                text = self._read(path).decode("utf-8-sig")
            except FileTooBig as big:
                run.warnings.append(too_big_warning(display, big.size))
                continue
            except (OSError, UnicodeDecodeError):
                continue
            config = config_state.source_file
            source_file = SourceFile(
                path, display, "config", config.settings, False, context=config.context
            )
            state = _FileState(source_file, config_state.codes, text=text)
            states[path] = by_display[display] = state

    def _collect(
        self,
        rule: ConfigRule | CrossRule,
        produce: Callable[[], Iterable[Diagnostic]],
        by_display: dict[str, _FileState],
        fallback: str,
        *,
        show_context: bool = False,
    ) -> None:
        """Run one rule, sending each diagnostic to the file it is about (with
        `show_context`, also to a Python module read for context, which is then shown)."""
        try:
            found: Iterable[Diagnostic] = list(produce())
        except Exception as error:  # one rule's bug must not stop the others
            found = [rule.internal_error(fallback, error)]
        for diagnostic in found:
            target = by_display.get(diagnostic.path)
            if (target is None or target.source_file.context) and diagnostic.fallback:
                diagnostic = diagnostic.fallback
                target = by_display.get(diagnostic.path)
            if target is None:
                continue
            if not target.source_file.context:
                target.diagnostics.append(replace(diagnostic, fallback=None))
            elif show_context and target.source_file.kind in CODE_KINDS:
                target.diagnostics.append(replace(diagnostic, fallback=None))
                target.shown = True

    # -- suppressions and selection --------------------------------------------------
    def _finish(self, state: _FileState, *, only_cross: bool = False) -> list[Diagnostic]:
        codes = state.codes
        if only_cross:
            # A module read for context: only the cross findings a checked config put here.
            cross = {rule.code for rule in self.registry.of_kind(codes, CrossRule)}
            codes = codes & frozenset(cross)
        diagnostics = [d for d in state.diagnostics if d.code in codes or d.internal_error]
        if state.source_file.kind in CODE_KINDS:
            source, language = state.result.source, comment_language(state.path)
        else:
            source, language = state.text, "yaml"
        if source is None:
            return _dedupe(diagnostics)
        suppressions = parse_suppressions(source, language)
        kept = apply_suppressions(_dedupe(diagnostics), suppressions)
        unused_rules = self.registry.of_kind(codes, UnusedSuppressionRule)
        if unused_rules and suppressions:
            kept.extend(self._unused(state, suppressions, unused_rules[0]()))
        return kept

    def _unused(
        self, state: _FileState, suppressions: list[Suppression], rule: UnusedSuppressionRule
    ) -> list[Diagnostic]:
        found = []
        display = state.display
        for suppression in suppressions:
            if suppression.codes is None:
                if not suppression.used:
                    message = "unused `slint: ignore` comment: nothing to suppress on that line"
                    found.append(rule.diagnose(display, suppression.location, message))
                continue
            unknown: list[str] = []
            unused: list[str] = []
            for selector in suppression.codes:
                matching = self.registry.matching(selector)
                if not matching:
                    unknown.append(selector)
                elif selector not in suppression.used and matching & state.codes:
                    unused.append(selector)
            parts = []
            if unused:
                parts.append("unused: " + ", ".join(unused))
            if unknown:
                parts.append("unknown: " + ", ".join(unknown))
            if parts:
                message = f"unused suppression ({'; '.join(parts)})"
                found.append(rule.diagnose(display, suppression.location, message))
        return found


def _dedupe(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One finding per (code, place, message): two configs may both name a handler."""
    seen: set[tuple[str, Location, str]] = set()
    unique = []
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.start, diagnostic.message)
        if key not in seen:
            seen.add(key)
            unique.append(diagnostic)
    return unique


def _with_reach(
    pending: PendingDiagnostic,
    handler: tuple[Path, str],
    path: Path,
    modules: dict[Path, ModuleFacts],
    displays: dict[Path, str],
) -> Diagnostic:
    diagnostic = pending.diagnostic
    handler_path, handler_key = handler
    if handler == (path, pending.function_key):
        return diagnostic
    line = modules[handler_path].functions[handler_key].line
    where = displays.get(handler_path, os.fspath(handler_path))
    return diagnostic.with_note(
        f"`{pending.function_key}` runs on every invocation of handler "
        f"`{handler_key}` at {where}:{line}"
    )


class _HandlerLinks:
    """One run's links from configs and conventions to handler code: each handler with
    what it runs per invocation (`LinkedHandler.reached`), computed once per handler
    and deployment. Made anew for every run, since the modules change between runs
    (`--fix` checks again after writing)."""

    def __init__(
        self,
        states: dict[Path, _FileState],
        modules: dict[Path, ModuleFacts],
        reachability: Reachability,
    ) -> None:
        self._states = states
        self._modules = modules
        self._reachability = reachability
        # (module, handler, where its imports resolve) -> what it reaches
        self._reached: dict[
            tuple[Path, str, tuple[ImportRoots, ...]], tuple[ReachedFunction, ...]
        ] = {}
        self._modules_loaded: dict[
            tuple[Path, tuple[ImportRoots, ...]], tuple[LoadedModule, ...]
        ] = {}

    def of_function(self, function: Function) -> LinkedHandler | None:
        """The handler a config's function names (None: it names no handler code)."""
        ref = function.handler_ref
        if ref is None or function.language is None or ref.bundled:
            return None
        # Its imports resolve in the code folder and layers of this function.
        roots = next(iter(deployed_roots([function]).values()), ())
        facts = self._modules.get(ref.module_path)
        key = handler_key(facts, ref.function) if facts is not None else ref.function
        return self.of_handler(ref.module_path, key, roots)

    def of_handler(
        self, module: Path, key: str, roots: tuple[ImportRoots, ...] = ()
    ) -> LinkedHandler:
        facts = self._modules.get(module)
        function = facts.functions.get(key) if facts is not None else None
        return LinkedHandler(
            module_path=module,
            display=self._display(module),
            exists=facts is not None or module.is_file(),
            facts=facts,
            function=function,
            reached=self._reach(module, key, roots) if function is not None else (),
            modules=self._loaded(module, roots) if facts is not None else (),
        )

    def _loaded(self, module: Path, roots: tuple[ImportRoots, ...]) -> tuple[LoadedModule, ...]:
        cached = self._modules_loaded.get((module, roots))
        if cached is None:
            cached = self._modules_loaded[(module, roots)] = tuple(
                LoadedModule(path, self._display(path), self._modules[path])
                for path in self._reachability.loaded_modules(module, roots)
                if path in self._modules
            )
        return cached

    def _reach(
        self, module: Path, key: str, roots: tuple[ImportRoots, ...]
    ) -> tuple[ReachedFunction, ...]:
        """The handler and the functions it runs per invocation, nearest first."""
        cached = self._reached.get((module, key, roots))
        if cached is not None:
            return cached
        reach = self._reachability.from_handler((module, key), roots)
        found = tuple(
            ReachedFunction(
                path,
                self._display(path),
                self._modules[path].functions[function_key],
                where.depth,
            )
            for (path, function_key), where in sorted(
                reach.items(), key=lambda item: (item[1].depth, str(item[0][0]), item[0][1])
            )
        )
        self._reached[(module, key, roots)] = found
        return found

    def _display(self, path: Path) -> str:
        state = self._states.get(path)
        return state.display if state is not None else display_path(path)
