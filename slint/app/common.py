"""Helpers shared by the loaders: logical-id references, IAM statements, handler paths."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from slint.app.model import Function, HandlerRef, Queue, Setting, Statement, Unknown, as_list
from slint.app.node import PLAIN_PLAN, NodeBuildPlan, link_node_handler
from slint.app.yamlpos import YList, YMap
from slint.diagnostics import Location


def logical_id(value: Any) -> str | None:
    """`{"Ref": X}` / `{"Fn::GetAtt": [X, ...]}` / `"X.Arn"` GetAtt -> X."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, inner),) = value.items()
        if key == "Ref" and isinstance(inner, str):
            return inner
        if key == "Fn::GetAtt":
            if isinstance(inner, list) and inner and isinstance(inner[0], str):
                return inner[0]
            if isinstance(inner, str):
                return inner.split(".", 1)[0]
    return None


def statements_from_policy(document: Any, file: str, fallback: Location) -> list[Statement]:
    """IAM statements of a policy document (`{Statement: [...]}`) or a statement list."""
    if isinstance(document, dict) and "Statement" in document:
        items = document["Statement"]
    else:
        items = document
    found = []
    for item in as_list(items):
        if not isinstance(item, dict):
            continue
        at = item.loc if isinstance(item, YMap) else fallback
        not_action = "Action" not in item and "NotAction" in item
        actions = as_list(item.get("NotAction") if not_action else item.get("Action"))
        found.append(
            Statement(
                effect=item.get("Effect", "Allow"),
                actions=actions,
                resources=as_list(item.get("Resource")),
                file=getattr(item, "file", file) or file,
                at=at,
                node=item if isinstance(item, YMap) else None,
                not_action=not_action,
            )
        )
    return found


def handler_ref(
    code_dir: Path, handler: str, *, path_style: bool, fallback_dirs: Sequence[Path] = ()
) -> HandlerRef | None:
    """Where `handler` ("pkg/mod.func" or "pkg.mod.func") lives below `code_dir`.

    The module may be a file (`pkg/mod.py`) or a package (`pkg/mod/__init__.py`), and
    the Python runtime accepts both separators. `fallback_dirs` are tried after
    `code_dir` (a serverless `module` folder falls back to the service folder)."""
    handler = handler.strip()
    module, dot, function = handler.rpartition(".")
    if not dot or not module or not function:
        return None
    module = module.removeprefix("./").strip("/")
    if not module:
        return None
    stems = []
    if path_style:
        stems.append(module)
    stems.append(module.replace(".", "/"))
    candidates: list[Path] = []
    for directory in (code_dir, *fallback_dirs):
        for stem in dict.fromkeys(stems):
            candidates.append(directory / f"{stem}.py")
            candidates.append(directory / stem / "__init__.py")
    candidates = list(dict.fromkeys(candidates))
    for candidate in candidates:
        if candidate.is_file():
            return HandlerRef(candidate.resolve(), function, tuple(candidates))
    return HandlerRef(candidates[0].resolve(), function, tuple(candidates))


def link_handler(
    function: Function,
    code_dir: Path,
    handler: str,
    *,
    path_style: bool,
    fallback_dirs: Sequence[Path] = (),
    node_plan: NodeBuildPlan = PLAIN_PLAN,
) -> None:
    """Set `function.handler_ref` (and `node_packaging` for Node.js code) the way its
    runtime reads `handler`: a `nodejs*` runtime as Node.js (slint.app.node, with the
    build the config declares in `node_plan`), any other known runtime as Python. With
    no known runtime (a parameter, a template placeholder), the Python module when it
    exists, else the Node.js one when that exists, else the Python candidates as before:
    `Function.language` then reads the suffix of the file found."""
    runtime = function.runtime.value
    known = isinstance(runtime, str) and "{{" not in runtime
    if known and str(runtime).startswith("nodejs"):
        function.handler_ref, function.node_packaging = link_node_handler(
            code_dir, handler, node_plan, fallback_dirs
        )
        return
    python = handler_ref(code_dir, handler, path_style=path_style, fallback_dirs=fallback_dirs)
    if not known and (python is None or not python.module_path.is_file()):
        node, packaging = link_node_handler(code_dir, handler, node_plan, fallback_dirs)
        if node is not None and node.module_path.is_file():
            function.handler_ref, function.node_packaging = node, packaging
            return
    function.handler_ref = python


def requirements_of(
    function: Function, code_dir: Path, name: str = "requirements.txt"
) -> Path | None:
    """The requirements file packaged with a function: at the root of its code folder,
    else next to its handler module."""
    folders = [code_dir]
    if function.handler_ref is not None:
        folders.append(function.handler_ref.module_path.parent)
    for folder in folders:
        candidate = folder / name
        if candidate.is_file():
            return candidate.resolve()
    return None


def setting(owner: YMap, key: str, fallback: Setting[Any] | None = None) -> Setting[Any]:
    """`key` of `owner` if present, else `fallback` (an inherited setting), else absent."""
    if key in owner:
        return Setting.read(owner, key)
    if fallback is not None and fallback.present:
        return fallback
    return Setting.absent(owner, owner.file, owner.loc)


def first_key_loc(owner: YMap) -> Location:
    return owner.loc


def unknown_if_intrinsic(value: Any) -> Any:
    """An intrinsic function left after resolution is a deploy-time value."""
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        if isinstance(key, str) and (key == "Ref" or key.startswith("Fn::")):
            return Unknown(f"intrinsic {key}")
    return value


def is_map(value: Any) -> bool:
    return isinstance(value, YMap)


def is_list(value: Any) -> bool:
    return isinstance(value, YList)


def queues_of(resources: YMap, file: str) -> dict[str, Queue]:
    queues = {}
    for logical, resource in resources.items():
        if not isinstance(resource, YMap) or resource.get("Type") != "AWS::SQS::Queue":
            continue
        properties = resource.get("Properties")
        node = properties if isinstance(properties, YMap) else resource
        queues[logical] = Queue(
            logical_id=logical,
            file=resource.file or file,
            at=resources.at(logical),
            node=node,
            visibility_timeout=Setting.read(node, "VisibilityTimeout", resource.loc),
            redrive_policy=Setting.read(node, "RedrivePolicy", resource.loc),
            fifo=node.get("FifoQueue") is True,
        )
    return queues
