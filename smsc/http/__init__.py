"""The HTTP side of the simulator: the REST API, server-sent events and /metrics."""

from .resources import HttpApi, listen_http

__all__ = ["HttpApi", "listen_http"]
