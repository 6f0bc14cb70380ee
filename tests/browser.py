"""Headless Chromium for the browser tests: Debian's package, never a downloaded browser."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.backends import BACKEND

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]


def require_chromium() -> Path:
    """The system Chromium, in the SQLite pass only; required in CI, optional on a laptop."""
    if BACKEND == "postgresql":
        pytest.skip("the GraphiQL page does not depend on the database: browser runs on SQLite")
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing and CI requires the browser test")
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    return CHROMIUM


@contextmanager
def launched(chromium: Path) -> Iterator[Browser]:
    """Headless Chromium started with CHROMIUM_ARGS, closed when the block ends."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
