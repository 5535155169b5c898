"""Reading text back from Chromium's screenshots with Tesseract (Debian's tesseract-ocr CLI),
so a test can check what the page shows as pixels, not only what its HTML says.

An element is captured on its own and rendered at a larger scale by Chromium itself (sharp
glyphs, not upscaled pixels), which is what Tesseract reads best."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from typing import Any

import pytest

__all__ = ["TESSERACT", "element_png", "needs_tesseract", "read_text"]

TESSERACT = shutil.which("tesseract")
TIMEOUT = 60.0  # a bound, not an expectation: a busy machine reads slowly

# In CI (.ci/run installs tesseract-ocr) a missing tesseract fails the test rather than hiding it.
needs_tesseract = pytest.mark.skipif(
    TESSERACT is None and not os.environ.get("CI"),
    reason="needs Tesseract (the Debian package tesseract-ocr); .ci/run installs it: "
    "apt-get install tesseract-ocr",
)


def element_png(browser: Any, element: Any, scale: float, margin: float = 6.0) -> bytes:
    """A screenshot of ``element`` and ``margin`` CSS pixels left and right of it (not above
    or below, where the lines next to it begin), rendered at ``scale`` times its CSS size.
    The element must be in the viewport: capturing beyond it would resize the viewport, and
    move the element."""
    rect = element.rect  # CSS pixels, relative to the document
    shot = browser.execute_cdp_cmd(
        "Page.captureScreenshot",
        {
            "format": "png",
            "clip": {
                "x": rect["x"] - margin,
                "y": rect["y"],
                "width": rect["width"] + 2 * margin,
                "height": rect["height"],
                "scale": scale,
            },
        },
    )
    return base64.b64decode(shot["data"])


def read_text(png: bytes, whitelist: str = "") -> list[str]:
    """The lines of text Tesseract reads in ``png`` as one uniform block of text (page
    segmentation mode 6), from the characters of ``whitelist`` only if given, blank lines
    left out."""
    if TESSERACT is None:
        pytest.fail("CI must install tesseract-ocr (no tesseract on PATH)")
    done = subprocess.run(
        [TESSERACT, "stdin", "stdout", "--psm", "6", "-l", "eng"]
        + (["-c", f"tessedit_char_whitelist={whitelist}"] if whitelist else []),
        input=png,
        capture_output=True,
        timeout=TIMEOUT,
        check=True,
        # One thread: on a shared, busy machine OpenMP's threads only wait for each other.
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return [line.strip() for line in done.stdout.decode().splitlines() if line.strip()]
