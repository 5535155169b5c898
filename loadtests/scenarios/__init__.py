"""Locust scenarios (locustfiles) against the simulator; see docs/load-testing.md."""
