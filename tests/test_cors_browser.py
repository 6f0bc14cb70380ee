"""A browser app on another origin calls the API: a listed origin reads it, another cannot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser

from tests.browser import launched, require_chromium
from tests.processes import free_port, serving

MASTHEAD = Path(sys.executable).parent / "masthead"
BROWSER_TIMEOUT_MS = 15_000
# The app's script: a POST with a token (so the browser asks first: a preflight), its
# answer or its failure written into the page.
APP_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>App</title></head>
<body>
<pre id="result"></pre><pre id="error"></pre>
<script>
fetch(%(api)s, {
  method: "POST",
  headers: {"Content-Type": "application/json", "Authorization": "Bearer " + %(token)s},
  body: JSON.stringify({query: "{ posts { totalCount } }"}),
})
  .then((response) => response.json())
  .then((body) => { document.getElementById("result").textContent = JSON.stringify(body); })
  .catch((error) => { document.getElementById("error").textContent = String(error); });
</script>
</body></html>
"""


@dataclass(frozen=True)
class Api:
    """A running `masthead serve`, the origin it lists and a token for it."""

    url: str
    listed_origin: str
    token: str


def _masthead(*args: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run([str(MASTHEAD), *args], env=env, cwd=cwd, check=True, capture_output=True)
    return done.stdout.decode()


@pytest.fixture(scope="module")
def chromium() -> Path:
    """The system Chromium (see tests/browser.py)."""
    return require_chromium()


@contextmanager
def app_origin(api_url: str, token: str, port: int = 0) -> Iterator[str]:
    """A second web server on its own port (its own origin), serving the app's page."""
    page = APP_PAGE % {"api": json.dumps(f"{api_url}/graphql"), "token": json.dumps(token)}

    class AppPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            """Quiet: the test's output is the assertions."""

    server = ThreadingHTTPServer(("127.0.0.1", port), AppPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def api(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """`masthead serve` listing one other local origin in MASTHEAD_CORS_ORIGINS."""
    directory = tmp_path_factory.mktemp("cors")
    listed_origin = f"http://127.0.0.1:{free_port()}"
    env = {
        **os.environ,
        "MASTHEAD_DATABASE_URL": f"sqlite+aiosqlite:///{directory / 'masthead.db'}",
        "MASTHEAD_MEDIA_DIR": str(directory / "media"),
        "MASTHEAD_CORS_ORIGINS": listed_origin,
    }
    _masthead("migrate", env=env, cwd=directory)
    created = _masthead("token", "create", "--role", "editor", env=env, cwd=directory)
    port = free_port()
    with serving([str(MASTHEAD), "serve", "--port", str(port)], env=env, cwd=directory):
        yield Api(f"http://127.0.0.1:{port}", listed_origin, created.splitlines()[-1])


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """Headless Chromium, shared by this module's tests."""
    with launched(chromium) as browser:
        yield browser


def _open(browser: Browser, origin: str, element: str) -> str:
    """The text the app's page writes into `element` once it has an answer or an error."""
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.goto(origin)
        page.wait_for_function(
            "() => document.getElementById('result').textContent"
            " || document.getElementById('error').textContent"
        )
        return page.locator(f"#{element}").inner_text()
    finally:
        context.close()


def test_a_page_from_a_listed_origin_reads_the_api(browser: Browser, api: Api) -> None:
    port = int(api.listed_origin.rsplit(":", 1)[1])

    with app_origin(api.url, api.token, port=port) as origin:
        result = _open(browser, origin, "result")

    assert json.loads(result)["data"] == {"posts": {"totalCount": 0}}


def test_a_page_from_an_unlisted_origin_is_refused(browser: Browser, api: Api) -> None:
    with app_origin(api.url, api.token) as origin:
        error = _open(browser, origin, "error")
        preflight = httpx.options(
            f"{api.url}/graphql",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
        )

    assert "Failed to fetch" in error
    assert [name for name in preflight.headers if name.startswith("access-control-")] == []
