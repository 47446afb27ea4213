"""Node.js (JavaScript and TypeScript) handlers in the app model.

Three questions about a function with a Node.js handler:

- **Which file the handler string names** (`link_node_handler`): the file the Lambda
  runtime loads, or, when a declared build step compiles or bundles the code, the source
  file that build starts from (`NodeBuildPlan` says what the config declares).
- **How its deployment package is made** (`NodePackaging`): which build step, which
  packages a bundler leaves out, whether devDependencies reach the package.
- **What that package provides** (`package_provides`, for SL110) and whether a file is
  an ES module (`is_esm`), from `package.json` files (`read_package_json`,
  `nearest_package_json`).

The rules are read from the code of the tools involved:
- aws-lambda-nodejs-runtime-interface-client `src/UserFunction.js`: the handler string
  is split at the last `/` (module root) and the first dot of the rest (module, then
  the export path, itself dotted); a handler containing `..` is rejected; the module is
  loaded from `<module root>/<module>` as it is, then with `.js`, `.mjs`, `.cjs`; the
  `type` of the nearest `package.json` (not crossing a `node_modules` folder) decides
  whether a `.js` file is an ES module.
- aws-sam-cli `samcli/lib/build/app_builder.py` (`_get_build_options`: without
  `EntryPoints` the entry point is the handler up to its first dot) and
  `samcli/lib/build/bundler.py` (`_update_function_handler`: when the built file is not
  at the handler's path, the handler is rewritten to its last path component).
- aws-lambda-builders `workflows/nodejs_npm_esbuild/esbuild.py` (an entry point
  without extension tries `.ts`, then `.js`; `--bundle --outdir`, so esbuild's default
  `outbase`, the lowest common ancestor folder of the entry points, shapes the output
  paths), `workflows/nodejs_npm_esbuild/workflow.py` and `workflows/nodejs_npm/actions.py`
  (dependencies are installed with `npm install --omit=dev` into a copy of the code
  folder without its `node_modules`; only `UseNpmCi` runs `npm ci`, which installs
  devDependencies too), `workflows/nodejs_npm_esbuild/actions.py` (`External:
  ./node_modules/*` leaves every dependency out of the bundle).
- serverless-esbuild `src/helper.ts` (`extractFunctionEntries`: the handler without its
  last dotted part, tried with `.ts`, `.js`, `.jsx`, `.tsx` and as `<path>/index.*`),
  `src/index.ts` (default `exclude: ['aws-sdk']`, replaced by `custom.esbuild.exclude`),
  `src/bundle.ts` and `src/pack.ts` (excluded packages are neither bundled nor packaged;
  `exclude: '*'` packages no `node_modules` at all; `external` ones are packaged from the
  production dependencies). The bundle is built in the service folder, so whatever is
  installed there, devDependencies included, can be bundled.
- Serverless Framework v4 docs ("Building"): TypeScript handlers are built with esbuild
  without a plugin; `build.esbuild.exclude` defaults to `aws-sdk` up to nodejs16.x and
  `@aws-sdk/*` from nodejs18.x.

Everything here reads the file system; nothing raises on a missing file or bad JSON.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from slint.app.model import Function, HandlerRef
from slint.app.yamlpos import YMap

# What the runtime appends to `<module root>/<module>` after trying it as it is.
RUNTIME_SUFFIXES = (".js", ".mjs", ".cjs")
# TypeScript sources a build step compiles into the deployed `.js`.
TYPESCRIPT_SUFFIXES = (".ts", ".mts", ".cts", ".tsx")
# serverless-esbuild's own lookup order for a handler's source (`DEFAULT_EXTENSIONS`).
SERVERLESS_ESBUILD_SUFFIXES = (".ts", ".js", ".jsx", ".tsx")

# Build steps (`NodePackaging.builder`).
SERVERLESS_ESBUILD = "serverless-esbuild"
SERVERLESS_WEBPACK = "serverless-webpack"
SERVERLESS_BUNDLE = "serverless-bundle"
SERVERLESS_OPTIMIZE = "serverless-plugin-optimize"
SERVERLESS_TYPESCRIPT = "serverless-plugin-typescript"
SERVERLESS_FRAMEWORK = "serverless"  # the esbuild build of Serverless Framework v4
SAM_ESBUILD = "sam-esbuild"
SAM_MAKEFILE = "makefile"
CDK_ASSET = "cdk"
TSC = "tsc"  # a tsconfig.json next to the sources: `tsc` compiles them (a script, CI)

# The serverless plugins that build Node.js code, in no particular order: the first one
# the service lists is the one that builds.
SERVERLESS_BUILD_PLUGINS = (
    SERVERLESS_ESBUILD,
    SERVERLESS_WEBPACK,
    SERVERLESS_BUNDLE,
    SERVERLESS_OPTIMIZE,
    SERVERLESS_TYPESCRIPT,
)

# esbuild's External pattern that SAM turns into "every dependency of package.json".
_ALL_DEPENDENCIES = "./node_modules/*"
# package.json files bigger than this are not read (a real one is a few kB).
_MAX_MANIFEST_BYTES = 2_000_000


# -- the handler string ---------------------------------------------------------------
def split_handler(handler: str) -> tuple[str, str, str] | None:
    """`(module root, module, export path)` as the Node.js runtime splits `handler`:
    `src/users.handlers.create` -> `("src", "users", "handlers.create")`. None for a
    handler the runtime rejects (`MalformedHandlerName`): no dot in the last path
    component, nothing before or after that dot, or `..` anywhere."""
    text = handler.strip()
    if ".." in text:
        return None
    root, _, base = text.rpartition("/")
    module, dot, export = base.partition(".")
    if not dot or not module or not export:
        return None
    return root, module, export


def _suffixed(stem: Path, suffix: str) -> Path:
    return stem.with_name(stem.name + suffix)


def is_typescript(path: Path) -> bool:
    return path.suffix.lower() in TYPESCRIPT_SUFFIXES


# -- package.json -----------------------------------------------------------------------
@dataclass(frozen=True)
class PackageJson:
    """The facts slint reads from one package.json."""

    path: Path
    type: str | None  # "module" / "commonjs" as written, None when absent
    # Installed with the production dependencies: `dependencies`, `optionalDependencies`,
    # `peerDependencies` (npm 7+ installs them) and `bundle(d)Dependencies`.
    dependencies: frozenset[str]
    dev_dependencies: frozenset[str]


_MANIFESTS: dict[Path, tuple[tuple[int, int], PackageJson | None]] = {}
_MANIFESTS_LOCK = threading.Lock()


def read_package_json(path: Path) -> PackageJson | None:
    """The package.json at `path`; None when it is missing, unreadable or not a JSON
    object. Memoised per path and modification time (the language server lives long)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    signature = (stat.st_mtime_ns, stat.st_size)
    with _MANIFESTS_LOCK:
        cached = _MANIFESTS.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    parsed = _parse_package_json(path, stat.st_size)
    with _MANIFESTS_LOCK:
        _MANIFESTS[path] = (signature, parsed)
    return parsed


def _parse_package_json(path: Path, size: int) -> PackageJson | None:
    if size > _MAX_MANIFEST_BYTES:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, RecursionError):
        return None
    if not isinstance(data, dict):
        return None
    kind = data.get("type")
    dependencies: set[str] = set()
    for key in ("dependencies", "optionalDependencies", "peerDependencies"):
        dependencies.update(_names(data.get(key)))
    for key in ("bundleDependencies", "bundledDependencies"):
        bundled = data.get(key)
        if isinstance(bundled, list):
            dependencies.update(item for item in bundled if isinstance(item, str))
    return PackageJson(
        path=path,
        type=kind if isinstance(kind, str) else None,
        dependencies=frozenset(dependencies),
        dev_dependencies=frozenset(_names(data.get("devDependencies"))),
    )


def _names(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        yield from (name for name in value if isinstance(name, str))


def _folders_up(start: Path, stop: Path | None) -> Iterator[Path]:
    """`start` and its parents, up to `stop` included when it is one of them, else up
    to the file system root."""
    folder = start
    while True:
        yield folder
        if folder == stop or folder.parent == folder:
            return
        folder = folder.parent


def nearest_package_json(start: Path, stop: Path | None = None) -> Path | None:
    """The package.json of the nearest folder from `start` up to `stop` (the service
    folder or CodeUri; without it, up to the file system root). Like Node.js, the
    search does not leave a `node_modules` folder."""
    for folder in _folders_up(_absolute(start), _absolute(stop) if stop is not None else None):
        if folder.name == "node_modules":
            return None
        candidate = folder / "package.json"
        if candidate.is_file():
            return candidate
    return None


def _package_jsons(start: Path, stop: Path) -> list[PackageJson]:
    """Every readable package.json from `start` up to `stop`, nearest first."""
    found: list[PackageJson] = []
    for folder in _folders_up(start, stop):
        manifest = read_package_json(folder / "package.json")
        if manifest is not None:
            found.append(manifest)
    return found


def _package_jsons_above(root: Path) -> list[PackageJson]:
    """The package.json files above `root`, up to the repository root (a folder that
    holds `.git`): a bundler that runs in `root` resolves packages installed there."""
    found: list[PackageJson] = []
    for folder in _folders_up(root.parent, None) if root.parent != root else ():
        manifest = read_package_json(folder / "package.json")
        if manifest is not None:
            found.append(manifest)
        if (folder / ".git").exists():
            break
    return found


def is_esm(module_path: Path, stop: Path | None = None) -> bool:
    """The runtime loads `module_path` as an ES module: `.mjs` / `.mts`, or a `.js` file
    whose nearest package.json (up to `stop`, the root of the deployed code, when
    given) says `"type": "module"`. A TypeScript source is compiled by its build, whose
    output format `NodePackaging.format` gives."""
    suffix = module_path.suffix.lower()
    if suffix in (".mjs", ".mts"):
        return True
    if suffix != ".js":
        return False
    found = nearest_package_json(module_path.parent, stop)
    manifest = read_package_json(found) if found is not None else None
    return manifest is not None and manifest.type == "module"


def _absolute(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


# -- how the deployment package is made -------------------------------------------------
@dataclass(frozen=True)
class NodePackaging:
    """How the deployment package of a Node.js function is made from the project.

    Package patterns (`exclude`, `external`) are esbuild's: a name, `name/*`, `@scope/*`
    or `*`.
    """

    # The build step: one of the constants above (SERVERLESS_ESBUILD, SAM_ESBUILD, ...);
    # None when the files are deployed as they are in the project.
    builder: str | None = None
    # The build bundles the imports into one file per handler (esbuild, webpack...);
    # False for a compiler that only turns TypeScript into JavaScript.
    bundles: bool = False
    # The bundle's module format ("esm" / "cjs") when the config sets one.
    format: str | None = None
    # Packages neither bundled nor deployed (serverless-esbuild `exclude`, SAM
    # `External`, webpack `forceExclude`).
    exclude: tuple[str, ...] = ()
    # Packages left out of the bundle and installed into the package from the
    # production dependencies instead (serverless-esbuild / v4 `external`).
    external: tuple[str, ...] = ()
    # Whether those `external` packages are deployed: True, False (serverless-esbuild
    # `exclude: '*'` packages no node_modules), None (SAM `External: ./node_modules/*`,
    # where `sam sync` may put them in a dependency layer).
    external_deployed: bool | None = True
    # devDependencies reach the package: True (a bundler that runs where they are
    # installed; serverless `excludeDevDependencies: false`), False (SAM and the
    # serverless default install production dependencies only), None (cannot tell).
    dev_dependencies: bool | None = False
    # The build's settings are in code slint does not run (a webpack config, an esbuild
    # config file, a Makefile): which packages it leaves out is unknown.
    settings_known: bool = True
    # The bundler runs in the project and also resolves packages installed above the
    # code folder (a monorepo's root node_modules).
    resolves_above_root: bool = False


# Deployed as written, devDependencies left out (the serverless and SAM defaults).
PLAIN = NodePackaging()


@dataclass(frozen=True)
class NodeBuildPlan:
    """What a config declares about building a Node.js function's code, known before
    its handler is resolved (the loaders make one per function)."""

    # The packaging of a handler whose file is JavaScript.
    packaging: NodePackaging = PLAIN
    # The packaging of a handler whose file is a TypeScript source; None when nothing
    # compiles TypeScript (then TypeScript sources are not handler candidates).
    typescript: NodePackaging | None = None
    # The build's own lookup order for a handler's source, tried before the runtime's
    # files (serverless-esbuild tries `.ts` before `.js`).
    source_suffixes: tuple[str, ...] = ()
    # The build also takes `<path>/index.<suffix>` for a handler `<path>.<export>`.
    folder_index: bool = False
    # SAM `BuildMethod: esbuild`: the handler names an output of esbuild.
    sam_esbuild: bool = False
    # Its `BuildProperties.EntryPoints` as written (empty: SAM makes one from the
    # handler) and `Outbase`.
    entry_points: tuple[str, ...] = ()
    outbase: str | None = None
    # The code folder holds build output (a CDK asset).
    bundled_output: bool = False


PLAIN_PLAN = NodeBuildPlan()


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,) if value.strip() else ()
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str) and item.strip())
    return ()


def _lower_keys(mapping: Any) -> dict[str, Any]:
    """A mapping's keys compared without case and underscores (SAM normalises
    `EntryPoints` to `entry_points`; both spellings appear in templates)."""
    if not isinstance(mapping, dict):
        return {}
    return {str(key).replace("_", "").lower(): value for key, value in mapping.items()}


def _format(value: Any) -> str | None:
    return value.strip().lower() if isinstance(value, str) and value.strip() else None


def node_major(runtime: Any) -> int | None:
    """The major version of a `nodejsNN.x` runtime (None for any other value)."""
    if not isinstance(runtime, str):
        return None
    match = re.fullmatch(r"nodejs(\d+)(?:\.x)?", runtime.strip())
    return int(match.group(1)) if match else None


# -- serverless.yml -----------------------------------------------------------------------
_COMPARATOR = re.compile(r"(>=|<=|>|<|=|\^|~)?\s*v?(\d+|[*xX])(?:\.(\d+|[*xX]))?(?:\.(\d+|[*xX]))?")


def may_be_v4(framework_version: Any) -> bool:
    """`frameworkVersion` admits Serverless Framework v4 (which builds TypeScript
    handlers itself): v4 ranges, open ranges such as `>=3`, and no version at all
    (whatever is installed: v4 today). `'3'`, `^3.0.0`, `>=2 <4` do not."""
    if framework_version is None or not isinstance(framework_version, (str, int, float)):
        return True
    text = str(framework_version).strip()
    if not text:
        return True
    for alternative in text.split("||"):
        low, high = 0, 10**6
        for operator, major, minor, patch in _COMPARATOR.findall(alternative):
            if not major.isdigit():
                continue
            number = int(major)
            rest_zero = all(part in ("", "0") for part in (minor, patch))
            if operator in ("", "=", "^", "~"):
                low, high = max(low, number), min(high, number)
            elif operator in (">=", ">"):
                low = max(low, number)
            elif operator == "<=":
                high = min(high, number)
            elif operator == "<":
                high = min(high, number - 1 if rest_zero else number)
        if low <= 4 <= high:
            return True
    return False


@dataclass(frozen=True)
class ServerlessNodeBuild:
    """The Node.js build settings of a serverless.yml service."""

    plugin: str | None  # the first build plugin it lists (SERVERLESS_BUILD_PLUGINS)
    settings: YMap | None  # that plugin's `custom` block (custom.esbuild, custom.webpack...)
    framework_builds: bool  # Serverless Framework v4 may build (not `build.esbuild: false`)
    esbuild: Any  # v4 `build.esbuild` as written (None when absent)
    exclude_dev_dependencies: bool  # package.excludeDevDependencies (default true)

    def plan(self, function_node: YMap, runtime: Any) -> NodeBuildPlan:
        """The build plan of one function of the service."""
        plain = NodePackaging(dev_dependencies=not self.exclude_dev_dependencies)
        if self.plugin == SERVERLESS_ESBUILD:
            if function_node.get("skipEsbuild") is True:
                return NodeBuildPlan(packaging=plain)
            packaging = self._esbuild_plugin_packaging()
            settings = self.settings if self.settings is not None else {}
            suffixes = _strings(settings.get("resolveExtensions")) or SERVERLESS_ESBUILD_SUFFIXES
            return NodeBuildPlan(
                packaging=packaging,
                typescript=packaging,
                source_suffixes=suffixes,
                folder_index=True,
            )
        if self.plugin is not None:
            packaging = self._plugin_packaging(self.plugin, plain)
            return NodeBuildPlan(packaging=packaging, typescript=packaging)
        if not self.framework_builds:
            return NodeBuildPlan(packaging=plain)
        framework = self._framework_packaging(runtime)
        # v4 builds a TypeScript handler always, a JavaScript one when `build.esbuild`
        # is configured.
        configured = isinstance(self.esbuild, dict) or self.esbuild is True
        return NodeBuildPlan(packaging=framework if configured else plain, typescript=framework)

    def _esbuild_plugin_packaging(self) -> NodePackaging:
        settings = self.settings if self.settings is not None else {}
        exclude = _strings(settings.get("exclude")) if "exclude" in settings else ("aws-sdk",)
        external = _strings(settings.get("external"))
        # A JavaScript config file (`custom.esbuild.config`) replaces these settings;
        # without bundling, what is packaged is the packager's business.
        bundles = settings.get("bundle") is not False
        settings_known = bundles and not isinstance(settings.get("config"), str)
        if not settings_known:
            exclude, external = (), ()
        deployed: bool | None = True
        if "*" in exclude:
            # `exclude: '*'`: nothing is made external by `exclude`, and no node_modules
            # are packaged (so `external` packages are missing at run time).
            exclude, deployed = (), False
        return NodePackaging(
            builder=SERVERLESS_ESBUILD,
            bundles=bundles,
            format=_format(settings.get("format")),
            exclude=exclude,
            external=external,
            external_deployed=deployed,
            dev_dependencies=True,
            settings_known=settings_known,
            resolves_above_root=True,
        )

    def _plugin_packaging(self, plugin: str, plain: NodePackaging) -> NodePackaging:
        settings = self.settings if self.settings is not None else {}
        if plugin == SERVERLESS_TYPESCRIPT:
            # tsc compiles in place; node_modules are packaged as without a plugin.
            return NodePackaging(builder=plugin, dev_dependencies=plain.dev_dependencies)
        exclude: tuple[str, ...] = ()
        if plugin == SERVERLESS_WEBPACK:
            modules = settings.get("includeModules")
            if isinstance(modules, dict):
                exclude = _strings(modules.get("forceExclude"))
        elif plugin == SERVERLESS_BUNDLE:
            exclude = _strings(settings.get("forceExclude"))
        elif plugin == SERVERLESS_OPTIMIZE:
            exclude = _strings(settings.get("exclude"))
        # The externals live in a webpack/browserify configuration slint does not run.
        return NodePackaging(
            builder=plugin,
            bundles=True,
            exclude=exclude,
            dev_dependencies=None,
            settings_known=False,
            resolves_above_root=True,
        )

    def _framework_packaging(self, runtime: Any) -> NodePackaging:
        settings = self.esbuild if isinstance(self.esbuild, dict) else {}
        if "exclude" in settings:
            exclude = _strings(settings.get("exclude"))
        else:
            major = node_major(runtime)
            exclude = ("aws-sdk",) if major is not None and major <= 16 else ("@aws-sdk/*",)
        external = _strings(settings.get("external"))
        if settings.get("packages") == "external":
            external = ("*",)
        # `build.esbuild.configFile`: a JavaScript file holds the options; without
        # bundling, what is packaged is the packager's business.
        bundles = settings.get("bundle") is not False
        settings_known = bundles and not isinstance(settings.get("configFile"), str)
        if not settings_known:
            exclude, external = (), ()
        return NodePackaging(
            builder=SERVERLESS_FRAMEWORK,
            bundles=bundles,
            format=_format(settings.get("format")),
            exclude=exclude,
            external=external,
            dev_dependencies=True,
            settings_known=settings_known,
            resolves_above_root=True,
        )


def serverless_node_build(document: YMap, plugins: Sequence[str]) -> ServerlessNodeBuild:
    """The Node.js build settings of a serverless.yml (`plugins` as the loader read
    them)."""
    # Forks keep the name under a scope (`@hewmen/serverless-plugin-typescript`).
    plugin = next(
        (
            short
            for short in (name.strip().rsplit("/", 1)[-1] for name in plugins)
            if short in SERVERLESS_BUILD_PLUGINS
        ),
        None,
    )
    custom = document.get("custom")
    settings_key = {
        SERVERLESS_ESBUILD: "esbuild",
        SERVERLESS_WEBPACK: "webpack",
        SERVERLESS_BUNDLE: "bundle",
        SERVERLESS_OPTIMIZE: "optimize",
    }.get(plugin or "")
    settings = custom.get(settings_key) if isinstance(custom, YMap) and settings_key else None
    build = document.get("build")
    esbuild = build.get("esbuild") if isinstance(build, dict) else None
    # A `build` block only exists in v4.
    v4 = may_be_v4(document.get("frameworkVersion")) or isinstance(build, dict)
    package = document.get("package")
    exclude_dev = package.get("excludeDevDependencies") if isinstance(package, dict) else None
    return ServerlessNodeBuild(
        plugin=plugin,
        settings=settings if isinstance(settings, YMap) else None,
        framework_builds=v4 and esbuild is not False,
        esbuild=esbuild,
        exclude_dev_dependencies=exclude_dev is not False,
    )


# -- SAM / CloudFormation / CDK ---------------------------------------------------------
def template_node_plan(
    resource: YMap, *, sam: bool, asset: bool, code_dir: Path | None = None
) -> NodeBuildPlan:
    """The build plan of a SAM (`sam`) or CloudFormation function resource; `asset`: its
    code is a CDK asset (`Metadata.aws:asset:path`); `code_dir`: its CodeUri folder."""
    if asset:
        bundle = NodePackaging(builder=CDK_ASSET, bundles=True, settings_known=False)
        return NodeBuildPlan(packaging=bundle, bundled_output=True)
    metadata = resource.get("Metadata")
    method = metadata.get("BuildMethod") if isinstance(metadata, dict) else None
    if method == "esbuild" and isinstance(metadata, dict):
        properties = _lower_keys(metadata.get("BuildProperties"))
        external = _strings(properties.get("external"))
        every_dependency = _ALL_DEPENDENCIES in external
        packaging = NodePackaging(
            builder=SAM_ESBUILD,
            bundles=True,
            format=_format(properties.get("format")),
            # The artifact holds the bundle only: what esbuild leaves out is not deployed.
            exclude=tuple(item for item in external if item != _ALL_DEPENDENCIES),
            external=("*",) if every_dependency else (),
            external_deployed=None if every_dependency else True,
            # `npm install --omit=dev`, except `npm ci` (UseNpmCi, with a lock file),
            # which installs devDependencies too.
            dev_dependencies=properties.get("usenpmci") is True and _has_lock_file(code_dir),
        )
        outbase = properties.get("outbase")
        return NodeBuildPlan(
            packaging=packaging,
            typescript=packaging,
            sam_esbuild=True,
            entry_points=_strings(properties.get("entrypoints")),
            outbase=outbase.strip() if isinstance(outbase, str) and outbase.strip() else None,
        )
    if method == SAM_MAKEFILE:
        custom = NodePackaging(builder=SAM_MAKEFILE, dev_dependencies=None, settings_known=False)
        return NodeBuildPlan(packaging=custom, typescript=custom)
    # SAM's npm build installs production dependencies; `aws cloudformation package`
    # zips the folder with whatever node_modules it holds.
    return NodeBuildPlan(packaging=NodePackaging(dev_dependencies=False if sam else None))


def _has_lock_file(code_dir: Path | None) -> bool:
    return code_dir is not None and any(
        (code_dir / name).is_file() for name in ("package-lock.json", "npm-shrinkwrap.json")
    )


# -- resolving a handler ------------------------------------------------------------------
def link_node_handler(
    code_dir: Path,
    handler: str,
    plan: NodeBuildPlan = PLAIN_PLAN,
    fallback_dirs: Sequence[Path] = (),
) -> tuple[HandlerRef | None, NodePackaging]:
    """Where the Node.js handler `handler` lives below `code_dir` (then `fallback_dirs`),
    and the packaging of the function (the plan's, or its TypeScript one when the
    handler resolves to a TypeScript source). The ref is None for a handler the runtime
    rejects. When no file exists, `module_path` is the first candidate."""
    parts = split_handler(handler)
    if parts is None:
        return None, plan.packaging
    root, module, export = parts
    if plan.sam_esbuild:
        ref = _esbuild_ref(code_dir, handler, root, module, export, plan)
    else:
        ref = _runtime_ref((code_dir, *fallback_dirs), root, module, export, plan)
    packaging = plan.packaging
    if is_typescript(ref.module_path):
        if plan.typescript is not None:
            packaging = plan.typescript
        elif ref.module_path.is_file():
            # Found through a tsconfig.json: `tsc` compiles it before deployment.
            packaging = NodePackaging(builder=TSC, dev_dependencies=plan.packaging.dev_dependencies)
    return ref, packaging


def _runtime_ref(
    directories: Sequence[Path], root: str, module: str, export: str, plan: NodeBuildPlan
) -> HandlerRef:
    candidates: list[Path] = []
    found: Path | None = None
    for directory in directories:
        stem = directory / root / module
        if plan.typescript is not None:
            sources = [_suffixed(stem, suffix) for suffix in TYPESCRIPT_SUFFIXES]
        elif plan.bundled_output:
            sources = []
        else:
            sources = _tsc_sources(stem, directory)
        shown, located = _lookup(stem, plan, sources)
        candidates.extend(shown)
        if found is None:
            found = located
    candidates = list(dict.fromkeys(candidates))
    module_path = found if found is not None else candidates[0]
    return HandlerRef(
        module_path.resolve(),
        export,
        tuple(path.resolve() for path in candidates),
        bundled=plan.bundled_output,
    )


def _lookup(
    stem: Path, plan: NodeBuildPlan, sources: Sequence[Path]
) -> tuple[list[Path], Path | None]:
    """The files tried for `stem`, in order, and the first that exists: the build's
    own sources first when it has its own order (serverless-esbuild), then the
    runtime's files, then the TypeScript `sources` a build compiles. The list shown in
    messages leaves out the extensionless path and folder index files (too rare to
    name)."""
    shown: list[Path] = []
    ordered: list[Path] = []
    for suffix in plan.source_suffixes:
        ordered.append(_suffixed(stem, suffix))
    shown.extend(ordered)
    if plan.folder_index:
        ordered.extend(stem / f"index{suffix}" for suffix in plan.source_suffixes)
    # The runtime: the path as it is (a file, or a folder `require` loads), then the
    # suffixes.
    ordered.append(stem)
    for suffix in RUNTIME_SUFFIXES:
        runtime_file = _suffixed(stem, suffix)
        ordered.append(runtime_file)
        shown.append(runtime_file)
    ordered.extend(sources)
    shown.extend(sources)
    for candidate in dict.fromkeys(ordered):
        if candidate == stem:
            located = _required(stem)
            if located is not None:
                return shown, located
        elif candidate.is_file():
            return shown, candidate
    return shown, None


# -- tsc ----------------------------------------------------------------------------------
def _tsc_sources(stem: Path, code_dir: Path) -> list[Path]:
    """The TypeScript sources `tsc` compiles into `<stem>.js`, by the nearest
    tsconfig.json between `stem`'s folder and `code_dir`: next to it without an
    `outDir`; with one, below `rootDir` (else the tsconfig's `src/` or own folder) when
    `stem` is below `outDir`. None without a tsconfig.json: a TypeScript file alone is
    not deployable."""
    found = _nearest_file(stem.parent, code_dir, "tsconfig.json")
    if found is None:
        return []
    options = _compiler_options(found)
    folder = found.parent
    out_dir = options.get("outdir")
    if not isinstance(out_dir, str) or not out_dir.strip() or options.get("noemit") is True:
        return [_suffixed(stem, suffix) for suffix in TYPESCRIPT_SUFFIXES]
    output = _absolute(folder / out_dir.strip())
    try:
        relative = _absolute(stem.parent).relative_to(output) / stem.name
    except ValueError:
        return []
    root_dir = options.get("rootdir")
    roots = (
        [folder / root_dir.strip()]
        if isinstance(root_dir, str) and root_dir.strip()
        else [folder / "src", folder]
    )
    return [_suffixed(root / relative, suffix) for root in roots for suffix in TYPESCRIPT_SUFFIXES]


def _nearest_file(start: Path, stop: Path, name: str) -> Path | None:
    for folder in _folders_up(_absolute(start), _absolute(stop)):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


_TSCONFIGS: dict[Path, tuple[tuple[int, int], dict[str, Any]]] = {}


def _compiler_options(path: Path) -> dict[str, Any]:
    """`compilerOptions` of a tsconfig.json (JSON with comments and trailing commas),
    keys in lower case; empty when it cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return {}
    signature = (stat.st_mtime_ns, stat.st_size)
    with _MANIFESTS_LOCK:
        cached = _TSCONFIGS.get(path)
    if cached is not None and cached[0] == signature:
        return cached[1]
    options: dict[str, Any] = {}
    if stat.st_size <= _MAX_MANIFEST_BYTES:
        try:
            data = json.loads(_strip_jsonc(path.read_text(encoding="utf-8-sig")))
        except (OSError, ValueError, RecursionError):
            data = None
        compiler = data.get("compilerOptions") if isinstance(data, dict) else None
        options = _lower_keys(compiler)
    with _MANIFESTS_LOCK:
        _TSCONFIGS[path] = (signature, options)
    return options


_JSONC_TOKEN = re.compile(r'"(?:\\.|[^"\\])*"|//[^\n]*|/\*.*?\*/', re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _strip_jsonc(text: str) -> str:
    """JSON from JSONC: comments removed (not inside strings), trailing commas dropped."""
    without_comments = _JSONC_TOKEN.sub(
        lambda match: match.group(0) if match.group(0).startswith('"') else "", text
    )
    return _TRAILING_COMMA.sub(r"\1", without_comments)


def _required(path: Path) -> Path | None:
    """The file `require(path)` loads when `path` itself exists: the file; for a folder,
    `<path>.js` first (require tries files before folders), else the folder's
    package.json `main` or `index.js`."""
    if path.is_file():
        return path
    if not path.is_dir():
        return None
    sibling = _suffixed(path, ".js")
    if sibling.is_file():
        return sibling
    manifest = path / "package.json"
    if manifest.is_file():
        try:
            data = json.loads(manifest.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError, RecursionError):
            data = None
        main = data.get("main") if isinstance(data, dict) else None
        if isinstance(main, str) and main.strip():
            target = path / main.strip()
            for candidate in (target, _suffixed(target, ".js"), target / "index.js"):
                if candidate.is_file():
                    return candidate
    index = path / "index.js"
    return index if index.is_file() else None


def _entry_source(code_dir: Path, entry: str) -> Path:
    """The file of a SAM esbuild entry point: as written when it has an extension, else
    with `.ts`, then `.js` (the `.ts` path when neither exists)."""
    path = code_dir / entry.strip()
    if Path(entry.strip()).suffix:
        return path
    for suffix in (".ts", ".js"):
        candidate = _suffixed(path, suffix)
        if candidate.is_file():
            return candidate
    return _suffixed(path, ".ts")


def _esbuild_ref(
    code_dir: Path, handler: str, root: str, module: str, export: str, plan: NodeBuildPlan
) -> HandlerRef:
    named = posixpath.normpath(posixpath.join(root, module)) if root else module
    if not plan.entry_points:
        # SAM makes the entry point from the handler up to its first dot.
        stem = code_dir / handler.strip().removeprefix("./").split(".")[0]
        candidates = [_suffixed(stem, ".ts"), _suffixed(stem, ".js")]
        found = next((path for path in candidates if path.is_file()), candidates[0])
        return HandlerRef(found.resolve(), export, tuple(path.resolve() for path in candidates))
    sources = [_entry_source(code_dir, entry).resolve() for entry in plan.entry_points]
    base = _outbase(code_dir, sources, plan.outbase)
    outputs: dict[str, Path] = {}
    for source in sources:
        stem = source.with_suffix("")
        try:
            output = Path(os.path.relpath(stem, base)).as_posix()
        except ValueError:  # another drive (Windows)
            continue
        outputs.setdefault(output, source)
    # The handler names the output at its path; when no output is there, SAM rewrites
    # it to its last path component (`functions/put-item.handler` -> `put-item.handler`).
    # A handler in a layer (`/opt/...`) is left as it is.
    hit = outputs.get(named)
    if hit is None and not root.startswith("/"):
        hit = outputs.get(module)
    entries = tuple(dict.fromkeys(sources))
    if hit is not None:
        return HandlerRef(hit, export, entries, entry_points=entries)
    return HandlerRef((code_dir / f"{named}.js").resolve(), export, entries, entry_points=entries)


def _outbase(code_dir: Path, sources: Sequence[Path], outbase: str | None) -> Path:
    """esbuild's `outbase`: as configured, else the lowest common ancestor folder of
    the entry points."""
    if outbase is not None:
        return (code_dir / outbase).resolve()
    try:
        return Path(os.path.commonpath([str(source.parent) for source in sources]))
    except ValueError:
        return code_dir.resolve()


# -- what the deployment package provides ------------------------------------------------
def package_name(specifier: str) -> str:
    """The package an import specifier names: `aws-sdk/clients/s3` -> `aws-sdk`,
    `@aws-sdk/client-s3/dist` -> `@aws-sdk/client-s3`."""
    parts = specifier.strip().split("/")
    if parts[0].startswith("@") and len(parts) > 1:
        return "/".join(parts[:2])
    return parts[0]


def _matches(pattern: str, name: str) -> bool:
    """esbuild's external matching: the name, its subpaths, or a `*` wildcard."""
    pattern = pattern.strip()
    if pattern in (name, f"{name}/*", "*"):
        return True
    if "*" in pattern:
        prefix, _, suffix = pattern.partition("*")
        long_enough = len(name) >= len(prefix) + len(suffix)
        return long_enough and name.startswith(prefix) and name.endswith(suffix)
    return False


def _matches_any(patterns: Iterable[str], name: str) -> bool:
    return any(_matches(pattern, name) for pattern in patterns)


def package_provides(function: Function, name: str, importer: Path | None = None) -> bool | None:
    """Whether package `name` (an import specifier is reduced to its package) is
    deployed with `function` where `importer` (the module that imports it; default: the
    handler module) resolves it: True, False, or None when slint cannot tell (a bundler
    configured in code, a layer slint cannot look into, a bundle from a CDK asset).

    Provided: a dependency of a package.json between the importer's folder and the code
    folder (the service folder or CodeUri; every one of them, since packaging keeps each
    node_modules and Node.js resolves upwards), not left out by the bundler (serverless-
    esbuild's default `exclude: ['aws-sdk']`, SAM `External`...). devDependencies count
    only when they reach the package (`NodePackaging.dev_dependencies`). Else a layer
    the config names: a local one with `nodejs/node_modules/<name>` or listing it in its
    package.json (True), one given by ARN or parameter (None)."""
    package = package_name(name)
    packaging = function.node_packaging
    ref = function.handler_ref
    code_dir = function.code_dir
    if packaging is None or ref is None or ref.bundled or not isinstance(code_dir, Path):
        return None
    root = _absolute(code_dir)
    start = _absolute(importer).parent if importer is not None else ref.module_path.parent
    if not start.is_relative_to(root):
        # A serverless `module` function whose handler is in the service folder.
        root = _absolute(function.app.directory)
    manifests = _package_jsons(start, root)
    answer = _package_provides(packaging, package, manifests, start, root)
    if answer is True:
        return True
    layers = _layers_provide(function, package)
    if layers is True:
        return True
    if answer is None or layers is None:
        return None
    return False


def _package_provides(
    packaging: NodePackaging, package: str, manifests: list[PackageJson], start: Path, root: Path
) -> bool | None:
    dependencies = frozenset().union(*(manifest.dependencies for manifest in manifests))
    dev = frozenset().union(*(manifest.dev_dependencies for manifest in manifests))
    if _matches_any(packaging.exclude, package):
        return False
    if packaging.bundles and _matches_any(packaging.external, package):
        if packaging.external_deployed is not True:
            return packaging.external_deployed
        return package in dependencies
    # Without a package.json at the CodeUri, SAM runs esbuild in the source folder.
    searches_above = packaging.bundles and (
        packaging.resolves_above_root
        or (packaging.builder == SAM_ESBUILD and not (root / "package.json").is_file())
    )
    if not packaging.settings_known:
        listed = (
            package in dependencies
            or package in dev
            or _installed(package, start, root)
            or (searches_above and _listed_above(package, root))
        )
        return None if listed else False
    if package in dependencies:
        return True
    if package in dev:
        return packaging.dev_dependencies
    if packaging.bundles:
        return searches_above and _listed_above(package, root)
    # A project without a package.json may ship its node_modules as they are.
    return not manifests and _installed(package, start, root)


def _listed_above(package: str, root: Path) -> bool:
    """A package.json above `root` (up to the repository root) lists it: a bundler
    running in `root` finds it where the monorepo installs it."""
    return any(
        package in manifest.dependencies or package in manifest.dev_dependencies
        for manifest in _package_jsons_above(root)
    )


def _installed(package: str, start: Path, root: Path) -> bool:
    return any((folder / "node_modules" / package).is_dir() for folder in _folders_up(start, root))


def _layers_provide(function: Function, package: str) -> bool | None:
    for import_root in function.layers:
        # Function.layers holds import roots: a layer's `python/` folder when it has one.
        folder = import_root.parent if import_root.name == "python" else import_root
        for base in (folder / "nodejs", folder):
            if (base / "node_modules" / package).is_dir():
                return True
            manifest = read_package_json(base / "package.json")
            if manifest is not None and package in manifest.dependencies:
                return True
        # /opt/nodejs/node<major>/node_modules is on NODE_PATH too.
        nodejs = folder / "nodejs"
        if nodejs.is_dir():
            try:
                versioned = [entry for entry in nodejs.iterdir() if entry.name.startswith("node")]
            except OSError:
                versioned = []
            if any((entry / "node_modules" / package).is_dir() for entry in versioned):
                return True
    if function.other_layers:
        return None
    return False


__all__ = [
    "CDK_ASSET",
    "PLAIN",
    "PLAIN_PLAN",
    "RUNTIME_SUFFIXES",
    "SAM_ESBUILD",
    "SAM_MAKEFILE",
    "SERVERLESS_BUILD_PLUGINS",
    "SERVERLESS_ESBUILD",
    "SERVERLESS_FRAMEWORK",
    "TYPESCRIPT_SUFFIXES",
    "NodeBuildPlan",
    "NodePackaging",
    "PackageJson",
    "ServerlessNodeBuild",
    "is_esm",
    "is_typescript",
    "link_node_handler",
    "may_be_v4",
    "nearest_package_json",
    "node_major",
    "package_name",
    "package_provides",
    "read_package_json",
    "serverless_node_build",
    "split_handler",
    "template_node_plan",
]
