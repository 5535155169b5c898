"""The web inbox's files: plain HTML, CSS and JS shipped in the package (no build step, no
CDN: the simulator often runs where there is no internet).

``GET /`` is the page; ``/ui/<name>`` its assets. Only names listed in the package's
``static/ui`` folder are served, so a path can never climb out of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
PREFIX = "/ui/"
INDEX = "index.html"


@dataclass(frozen=True, slots=True)
class Asset:
    content_type: str
    body: bytes


@cache
def _assets() -> dict[str, Asset]:
    folder = resources.files("smsc.http") / "static" / "ui"
    found: dict[str, Asset] = {}
    for entry in folder.iterdir():
        suffix = "." + entry.name.rpartition(".")[2]
        if entry.is_file() and suffix in CONTENT_TYPES:
            found[entry.name] = Asset(CONTENT_TYPES[suffix], entry.read_bytes())
    return found


def is_ui_path(path: str) -> bool:
    return path == "/" or path.startswith(PREFIX)


def asset(path: str) -> Asset | None:
    """The file for a UI path (``/`` is the inbox page), or None when there is none."""
    name = INDEX if path == "/" else path.removeprefix(PREFIX)
    return _assets().get(name)
