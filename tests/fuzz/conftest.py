"""Hypothesis profiles of the fuzzing harness (see tests/fuzz/README.md).

`fuzz-ci` (the default) is small and derandomized, so a CI run is reproducible and
quick; `fuzz-long` is for local runs that hunt for new bugs.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, settings

settings.register_profile(
    "fuzz-ci",
    max_examples=35,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "fuzz-long",
    max_examples=5_000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Bug hunting without shrinking: many examples quickly, the failing input saved as it is
# (with SLINT_FUZZ_SAVE) to be shrunk by hand or replayed under fuzz-long.
settings.register_profile(
    "fuzz-hunt",
    parent=settings.get_profile("fuzz-long"),
    max_examples=20_000,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)


def pytest_configure(config: pytest.Config) -> None:
    # `--hypothesis-profile NAME` (Hypothesis's own option) wins over the environment.
    if not config.getoption("hypothesis_profile", default=None):
        settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-ci"))
