"""Test-suite settings shared by every test module."""

import os

from hypothesis import HealthCheck, settings

# The machines are shared and noisy: no per-example deadlines. In CI, examples are derived
# from the test names (derandomize) so a run is reproducible; locally they vary run to run,
# which keeps finding new cases.
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("ci" if os.environ.get("CI") else "dev")
