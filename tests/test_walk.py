"""The traversal's walk visits what libcst's `visit` visits, in the same order, on the
original nodes; whitespace and punctuation only when a rule asks for them."""

from __future__ import annotations

import libcst as cst
import pytest
from conftest import FIXTURES, REPO

from slint.python.walk import TRIVIAL_TYPES, walk

EVERY_CONSTRUCT = '''\
from __future__ import annotations
import os, sys as system
from . import sibling
from ..pkg import (a as b, c)
from m import *

@decorator(arg=1)
class Model(Base, metaclass=Meta):
    """Doc."""
    field: int = 0  # comment

    async def method(self, /, x, *args, y: int = 2, **kwargs) -> "Model":
        async with open(x) as f, other():
            async for item in f:
                yield item
        await thing
        return self

def generator(items):
    global counter
    counter += 1
    del items[0], items[1:2]
    assert items, "message"
    lam = lambda q=1, *r: q if r else -q
    values = [x ** 2 for x in items if x not in (1, 2) and not x is None]
    pairs = {k: v for k, v in zip("ab", b"cd")}
    unique = {*items, *range(3)}
    gen = (i for i in items)
    text = f"{counter!r:>{10}} {values=}" 'implicit' "concatenation"
    try:
        raise ValueError("x") from None
    except (ValueError, TypeError) as error:
        pass
    except* OSError:
        pass
    else:
        pass
    finally:
        pass
    while counter > 0:
        counter -= 1
        if counter == 5:
            break
        elif counter:
            continue
        else:
            ...
    match values:
        case [1, *rest] | {"k": 2, **others} if rest:
            pass
        case Model(x=1) as m:
            pass
        case _:
            pass
    with (open("a") as a, open("b")):
        pass
    x = y = (yield from gen)
    items[::2] = z = w if (v := 1) else ~+-x @ y // 2 << 1 >> 1 & 1 | 1 ^ 1 % 1
    nonlocal_free = lambda: None; print(x, *items, sep="", **pairs)
    return ...
'''


class Recorder(cst.CSTVisitor):
    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, cst.CSTNode]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.events.append(("visit", node))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.events.append(("leave", original_node))


def _sources() -> list[tuple[str, str]]:
    found = [("every construct", EVERY_CONSTRUCT)]
    for folder in (FIXTURES, REPO / "slint", REPO / "examples"):
        for path in sorted(folder.rglob("*.py")):
            found.append((str(path.relative_to(REPO)), path.read_text(encoding="utf-8")))
    return found


def _events(recorder: Recorder) -> list[tuple[str, int]]:
    return [(event, id(node)) for event, node in recorder.events]


@pytest.mark.parametrize(("name", "source"), _sources(), ids=lambda value: value[:60])
def test_walk_visits_what_libcst_visits_in_the_same_order(name: str, source: str) -> None:
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError:
        pytest.skip("a fixture that does not parse on purpose")
    expected, walked = Recorder(), Recorder()
    module.visit(expected)
    walk(module, walked, wanted=TRIVIAL_TYPES)
    # The original nodes (not rebuilt copies), in the same order.
    assert _events(walked) == _events(expected)


def test_walk_skips_whitespace_and_punctuation_unless_wanted() -> None:
    module = cst.parse_module("f(a, b)  # note\n")
    skipping, wanting = Recorder(), Recorder()
    walk(module, skipping)
    walk(module, wanting, wanted={cst.Comma, cst.Comment})
    visited = [type(node).__name__ for event, node in skipping.events if event == "visit"]
    assert visited == [
        "Module",
        "SimpleStatementLine",
        "Expr",
        "Call",
        "Name",
        "Arg",
        "Name",
        "Arg",
        "Name",
    ]
    kinds = {type(node) for _, node in wanting.events}
    assert cst.Comma in kinds and cst.Comment in kinds
    # Punctuation alone does not need whitespace walked.
    commas = Recorder()
    walk(module, commas, wanted={cst.Comma})
    kinds = {type(node) for _, node in commas.events}
    assert cst.Comma in kinds
    assert cst.SimpleWhitespace not in kinds and cst.LeftParen not in kinds
