"""slint.python.imports: the module-level imports of a module and where their names are
read (exact spans, function keys, conditional reads, optional imports)."""

from __future__ import annotations

import ast
from textwrap import dedent

from slint.diagnostics import Location
from slint.facts import ImportUse, ModuleImport, Span
from slint.python.imports import module_imports


def imports_of(source: str) -> dict[str, ModuleImport]:
    source = dedent(source)
    return {imported.module: imported for imported in module_imports(source, ast.parse(source))}


def span(row: int, start: int, end: int, end_row: int | None = None) -> Span:
    return Span(Location(row, start), Location(end_row or row, end))


def test_spans_of_plain_from_and_relative_imports() -> None:
    found = imports_of("""\
        import os, json as j
        import pandas.io.json
        from sklearn.ensemble import (
            RandomForestClassifier as RF,
            IsolationForest,
        )
        from . import models
        from .. shared.db import Conn
        from \\
            PIL import Image
        """)
    assert list(found) == [
        "os",
        "json",
        "pandas.io.json",
        "sklearn.ensemble",
        ".",
        "..shared.db",
        "PIL",
    ]
    assert found["os"].span == span(1, 8, 10)
    assert found["os"].statement == span(1, 1, 21)
    assert found["json"].span == span(1, 12, 16)
    assert found["json"].names == ("j",)
    assert found["pandas.io.json"].names == ("pandas",)
    assert found["pandas.io.json"].span == span(2, 8, 22)
    forest = found["sklearn.ensemble"]
    assert forest.span == span(3, 6, 22)
    assert forest.statement == span(3, 1, 2, end_row=6)
    assert forest.names == ("RF", "IsolationForest")
    assert forest.from_names == ("RandomForestClassifier", "IsolationForest")
    assert forest.top_level == "sklearn"
    assert found["."].level == 1
    assert found["."].span == span(7, 6, 7)
    assert found["."].from_names == ("models",)
    assert found["..shared.db"].level == 2
    assert found["..shared.db"].span == span(8, 6, 18)
    assert found["..shared.db"].top_level == ""
    assert found["PIL"].span == span(10, 5, 8)


def test_columns_count_characters_not_bytes() -> None:
    found = imports_of("""\
        x = "é"; import pandas as pd
        """)
    assert found["pandas"].span == span(1, 17, 23)
    assert found["pandas"].statement == span(1, 10, 29)


def test_future_import_is_not_a_module_load() -> None:
    found = imports_of("""\
        from __future__ import annotations
        import yaml
        """)
    assert list(found) == ["yaml"]


def test_uses_with_function_keys() -> None:
    found = imports_of("""\
        import pandas as pd

        @register(pd.api)
        def handler(event, context):
            return pd.DataFrame(event)

        class Repo(pd.Base):
            kind = pd.Kind

            def save(self, frame=pd.NA):
                def inner():
                    return pd.concat([])
                return inner()

        def outer():
            class Local:
                def method(self):
                    return pd.x
            return Local
        """)
    assert found["pandas"].uses == (
        ImportUse(None, 3),
        ImportUse("handler", 5),
        ImportUse(None, 7),
        ImportUse(None, 8),
        ImportUse(None, 10),
        ImportUse("Repo.save.inner", 12),
        ImportUse("outer.Local.method", 18),
    )


def test_conditional_reads() -> None:
    found = imports_of("""\
        import np

        def handler(event, context):
            if np.a:
                np.b
            else:
                np.c
            for x in np.d:
                np.e
            while np.f:
                np.g
            try:
                np.h
            except np.i:
                np.j
            else:
                np.k
            finally:
                np.l
            match np.m:
                case np.n:
                    np.o
            y = np.p if np.q else np.r
            z = np.s and np.t or np.u
            w = [np.v for r in np.w if np.x]
            with np.y():
                np.z
            f = lambda: np.aa
        """)
    uses = {(use.line, use.conditional) for use in found["np"].uses}
    # the test of a ternary, the first operand of `and` and loop bodies run every time
    unconditional = {4, 8, 9, 10, 11, 13, 17, 19, 20, 23, 24, 25, 26, 27}
    assert {line for line, conditional in uses if not conditional} == unconditional
    assert {line for line, conditional in uses if conditional} == {
        5,
        7,
        14,
        15,
        21,
        22,
        23,
        24,
        28,
    }


def test_local_bindings_hide_the_import() -> None:
    found = imports_of("""\
        import pandas as pd
        import numpy as np

        def lazy(event):
            import pandas as pd
            return pd.DataFrame(event)

        def parameter(pd):
            return pd.x

        def assigned():
            np = make()
            return np.x

        def declared_global():
            global pd
            pd = reload()
            return pd.x

        def closure():
            np = 1
            def inner():
                return np
            return inner

        def shadowed_by_lambda():
            return lambda np: np.x
        """)
    assert found["pandas"].uses == (ImportUse("declared_global", 18),)
    assert found["numpy"].uses == ()


def test_annotations() -> None:
    evaluated = imports_of("""\
        import pandas as pd

        def handler(event: pd.DataFrame, context) -> pd.Series:
            local: pd.Index = None
        """)
    assert evaluated["pandas"].uses == (ImportUse(None, 3),)
    deferred = imports_of("""\
        from __future__ import annotations
        import pandas as pd
        from pydantic import BaseModel

        def handler(event: pd.DataFrame, context) -> pd.Series:
            pass

        class Order(BaseModel):
            items: pd.DataFrame
        """)
    # a class attribute's annotation is resolved by pydantic when the class is made
    assert deferred["pandas"].uses == (ImportUse(None, 9),)


def test_optional_imports() -> None:
    found = imports_of("""\
        from typing import TYPE_CHECKING
        import typing
        try:
            import ujson as json
        except ImportError:
            import json
        try:
            import orjson
        except (ValueError, ModuleNotFoundError):
            orjson = None
        try:
            import yaml
        except ValueError:
            yaml = None
        if TYPE_CHECKING:
            import pandas
        elif typing.TYPE_CHECKING:
            import numpy
        else:
            import scipy
        if typing.TYPE_CHECKING:
            import sklearn
        if __name__ == "__main__":
            import argparse
        with suppress():
            import lxml
        """)
    optional = {module: imported.optional for module, imported in found.items()}
    assert optional == {
        "typing": False,
        "ujson": True,
        "json": False,
        "orjson": True,
        "yaml": False,
        "pandas": True,
        "numpy": True,
        "scipy": False,
        "sklearn": True,
        "argparse": True,
        "lxml": False,
    }
    # `from typing import TYPE_CHECKING` and `import typing` are two modules of one name
    assert found["typing"].names == ("typing",)


def test_star_import_binds_nothing() -> None:
    found = imports_of("""\
        from helpers import *
        """)
    assert found["helpers"].names == ()
    assert found["helpers"].from_names == ("*",)


def test_no_imports_and_no_functions() -> None:
    assert imports_of("x = 1\n") == {}
