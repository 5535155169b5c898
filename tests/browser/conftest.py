"""The browser tests share test_inbox.py's headless Chromium (one per module)."""

from browser.test_inbox import browser  # noqa: F401 - a fixture, found here by every module
