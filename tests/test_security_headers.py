"""Security headers: a Content-Security-Policy per kind of answer, `nosniff`, no referrer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Page, sync_playwright

from masthead.settings import Settings
from tests.browser import CHROMIUM_ARGS, require_chromium
from tests.processes import free_port, serving

MASTHEAD = Path(sys.executable).parent / "masthead"
BROWSER_TIMEOUT_MS = 15_000
# Collected in the page from its first script on: every CSP violation the page reports.
VIOLATION_LISTENER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _directives(policy: str) -> dict[str, list[str]]:
    """`default-src 'none'; sandbox` as {"default-src": ["'none'"], "sandbox": []}."""
    parsed = {}
    for directive in filter(None, (part.strip() for part in policy.split(";"))):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


def _assert_common_headers(response: httpx.Response) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert _directives(response.headers["content-security-policy"])["frame-ancestors"] == ["'none'"]


async def test_the_graphiql_page_may_load_only_masthead_s_own_assets(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/graphql", headers={"Accept": "text/html"})

    _assert_common_headers(response)
    policy = _directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    sources = {source for values in policy.values() for source in values}
    assert {s for s in sources if not s.startswith("'nonce-")} <= {"'self'", "'none'", "data:"}


async def test_each_graphiql_page_trusts_only_its_own_style_nonce(
    client: httpx.AsyncClient,
) -> None:
    pages = [await client.get("/graphql", headers={"Accept": "text/html"}) for _ in range(2)]

    nonces = []
    for page in pages:
        (style_source,) = _directives(page.headers["content-security-policy"])["style-src"][1:]
        nonce = style_source.removeprefix("'nonce-").removesuffix("'")
        assert f'<style id="masthead-graphiql-style" nonce="{nonce}">' in page.text
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


async def test_graphql_answers_are_not_sniffed_and_load_nothing(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/graphql", json={"query": "{ posts { totalCount } }"})

    assert response.headers["content-type"] == "application/json"
    _assert_common_headers(response)
    assert _directives(response.headers["content-security-policy"])["default-src"] == ["'none'"]


@pytest.fixture
def html_in_media(settings: Settings) -> str:
    """The URL of an HTML file with a script, lying in the media folder."""
    media = Path(settings.media_dir)
    media.mkdir(parents=True, exist_ok=True)
    (media / "note.html").write_text("<script>alert(document.domain)</script>")
    return f"{settings.media_url_path}/note.html"


async def test_an_html_file_in_media_is_served_sandboxed(
    client: httpx.AsyncClient, html_in_media: str
) -> None:
    response = await client.get(html_in_media)

    assert response.status_code == 200
    _assert_common_headers(response)
    policy = _directives(response.headers["content-security-policy"])
    assert policy["default-src"] == ["'none'"]
    assert policy["sandbox"] == []


async def test_a_missing_media_file_carries_the_headers_too(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    response = await client.get(f"{settings.media_url_path}/missing.png")

    assert response.status_code == 404
    _assert_common_headers(response)


# GraphiQL under its Content-Security-Policy, in headless Chromium on a real server.


@pytest.fixture(scope="module")
def served_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`masthead serve` in development mode (GraphiQL on) on a migrated, empty database."""
    require_chromium()
    directory = tmp_path_factory.mktemp("csp")
    env = {
        **os.environ,
        "MASTHEAD_ENV": "development",
        "MASTHEAD_DATABASE_URL": f"sqlite+aiosqlite:///{directory / 'masthead.db'}",
        "MASTHEAD_MEDIA_DIR": str(directory / "media"),
    }
    subprocess.run([str(MASTHEAD), "migrate"], env=env, cwd=directory, check=True)
    port = free_port()
    with serving([str(MASTHEAD), "serve", "--port", str(port)], env=env, cwd=directory):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture
def graphiql(served_url: str) -> Iterator[Page]:
    """GraphiQL opened in headless Chromium, counting CSP violations from the start."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(require_chromium()), args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.add_init_script(VIOLATION_LISTENER)
        page.goto(f"{served_url}/graphql")
        page.locator(".graphiql-tab").first.wait_for()
        yield page
        browser.close()


def _violations(page: Page) -> list[str]:
    found: list[str] = page.evaluate("window.__violations")
    return found


def test_graphiql_runs_a_query_without_a_csp_violation(graphiql: Page) -> None:
    graphiql.locator(".graphiql-execute-button").click()
    graphiql.wait_for_function(
        "() => document.querySelector('.result-window')?.innerText.includes('\"data\"')"
    )

    assert _violations(graphiql) == []


def test_graphiql_s_docs_and_dialogs_open_without_a_csp_violation(graphiql: Page) -> None:
    graphiql.locator("button[aria-label='Show Documentation Explorer']").click()
    graphiql.locator(".graphiql-doc-explorer").wait_for()
    graphiql.locator("button[aria-label='Open settings dialog']").click()
    graphiql.locator(".graphiql-dialog").wait_for()
    graphiql.keyboard.press("Escape")
    graphiql.locator("button[aria-label='Open short keys dialog']").click()
    graphiql.locator(".graphiql-dialog").wait_for()

    assert _violations(graphiql) == []
