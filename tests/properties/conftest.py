"""Hypothesis profiles for the property-based tests: `ci` is derandomised (the same examples on
every run, so a red CI is reproducible) and `dev` explores new examples each run. Both keep the
directory well under 90 s on the 2-core CI machine. Pick one with HYPOTHESIS_PROFILE."""

import os

from hypothesis import HealthCheck, settings

COMMON = dict(
    deadline=None,  # a shared 2-core machine: timing varies, correctness does not
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("ci", derandomize=True, database=None, **COMMON)
settings.register_profile("dev", **COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))
