"""GraphiQL at `/graphql`: its local assets, and the page in headless Chromium on a real server."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from masthead.graphiql.examples import Example, graphiql_examples
from masthead.graphiql.page import render_page
from tests.browser import launched, require_chromium
from tests.processes import free_port, serving

MASTHEAD = Path(sys.executable).parent / "masthead"
BROWSER_TIMEOUT_MS = 15_000
WELCOME_TITLE = "Welcome to Masthead"  # the demo seed's newest post
# The editor of the variables/headers pane that is showing (the other is hidden).
VISIBLE_TOOL_EDITOR = ".graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror"


class _AssetLinks(HTMLParser):
    """The URLs of a page's scripts and stylesheets."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("rel") == "stylesheet":
            self.urls.append(values.get("href") or "")


async def _asset_urls(client: httpx.AsyncClient) -> list[str]:
    response = await client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    links = _AssetLinks()
    links.feed(response.text)
    return links.urls


async def test_graphiql_page_loads_only_assets_masthead_serves(client: httpx.AsyncClient) -> None:
    urls = await _asset_urls(client)

    assert len(urls) >= 4
    assert [url for url in urls if not url.startswith("/graphiql/assets/")] == []


async def test_graphiql_assets_answer_with_a_year_long_cache(client: httpx.AsyncClient) -> None:
    for url in await _asset_urls(client):
        response = await client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
        assert "max-age=31536000" in response.headers["cache-control"], url


async def test_unknown_graphiql_asset_is_not_found(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphiql/assets/package.json")

    assert response.status_code == 404


def test_a_closing_script_tag_in_an_example_cannot_end_the_config() -> None:
    example = Example(name="x", title="X", query="{ a } # </script><b>", variables={})

    html = render_page(endpoint="/graphql", examples=[example])

    assert "</script><b>" not in html


# The browser tests below run against a real `masthead serve` process.


@pytest.fixture(scope="module")
def chromium() -> Path:
    """The system Chromium (see tests/browser.py)."""
    return require_chromium()


def _masthead(*args: str, env: dict[str, str], cwd: Path) -> str:
    done = subprocess.run([str(MASTHEAD), *args], env=env, cwd=cwd, check=True, capture_output=True)
    return done.stdout.decode()


@dataclass(frozen=True)
class Served:
    """A running `masthead serve` and an editor token for it."""

    url: str
    editor_token: str


@pytest.fixture(scope="module")
def served(chromium: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """A migrated, seeded SQLite database behind `masthead serve` on a free port."""
    directory = tmp_path_factory.mktemp("served")
    env = {
        **os.environ,
        "MASTHEAD_DATABASE_URL": f"sqlite+aiosqlite:///{directory / 'masthead.db'}",
        "MASTHEAD_MEDIA_DIR": str(directory / "media"),
    }
    _masthead("migrate", env=env, cwd=directory)
    _masthead("seed", "--posts", "30", env=env, cwd=directory)
    created = _masthead("token", "create", "--role", "editor", env=env, cwd=directory)
    port = free_port()
    command = [str(MASTHEAD), "serve", "--port", str(port)]
    with serving(command, env=env, cwd=directory):
        yield Served(f"http://127.0.0.1:{port}", created.splitlines()[-1])


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Browser]:
    """Headless Chromium, shared by this module's tests."""
    with launched(chromium) as browser:
        yield browser


@pytest.fixture
def graphiql(browser: Browser, served: Served) -> Iterator[Page]:
    """GraphiQL opened in a fresh browser context (no saved tabs), its tabs rendered."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(BROWSER_TIMEOUT_MS)
    page.goto(f"{served.url}/graphql")
    page.locator(".graphiql-tab").first.wait_for()
    yield page
    context.close()


def _result_text(page: Page) -> str:
    return page.locator(".result-window").inner_text()


# Predicates are functions: the page's Content-Security-Policy forbids `eval`, which
# Playwright needs to poll a predicate written as a bare expression.
def _run_active_tab(page: Page) -> None:
    page.locator(".graphiql-execute-button").click()
    page.wait_for_function(
        "() => document.querySelector('.result-window')?.innerText.includes('\"data\"')"
    )


def test_graphiql_opens_with_one_tab_per_example_query_and_mutation(graphiql: Page) -> None:
    operation_names = [
        re.search(r"(?:query|mutation) (\w+)", example.query).group(1)  # type: ignore[union-attr]
        for example in graphiql_examples()
    ]

    tabs = graphiql.locator(".graphiql-tab").all_inner_texts()

    assert [tab.strip() for tab in tabs] == operation_names


def test_running_the_first_example_shows_the_latest_posts(graphiql: Page) -> None:
    _run_active_tab(graphiql)

    result = _result_text(graphiql)
    assert WELCOME_TITLE in result
    assert '"errors"' not in result


def test_another_example_tab_runs_with_its_own_variables(graphiql: Page) -> None:
    graphiql.locator(".graphiql-tab", has_text="PostPage").click()
    graphiql.locator(".graphiql-tab-active", has_text="PostPage").wait_for()
    graphiql.wait_for_function(
        "() => document.querySelector('.graphiql-query-editor .CodeMirror')"
        "?.CodeMirror.getValue().includes('query PostPage')"
    )

    _run_active_tab(graphiql)

    result = _result_text(graphiql)
    assert WELCOME_TITLE in result
    assert '"errors"' not in result


def test_the_header_editor_is_open_when_graphiql_starts(graphiql: Page) -> None:
    headers_button = graphiql.locator(".graphiql-editor-tools button[data-name=headers]")

    assert "active" in (headers_button.get_attribute("class") or "")
    assert graphiql.locator(VISIBLE_TOOL_EDITOR).is_visible()


def test_headers_typed_in_the_header_editor_are_sent(graphiql: Page) -> None:
    headers = {"X-Masthead-Probe": "from-the-header-editor"}
    graphiql.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [VISIBLE_TOOL_EDITOR, json.dumps(headers)],
    )

    with graphiql.expect_request(lambda request: "HomePage" in (request.post_data or "")) as sent:
        graphiql.locator(".graphiql-execute-button").click()

    assert sent.value.headers.get("x-masthead-probe") == "from-the-header-editor"


def test_an_editor_token_in_the_header_editor_creates_a_draft(
    graphiql: Page, served: Served
) -> None:
    headers = {"Authorization": f"Bearer {served.editor_token}"}
    graphiql.locator(".graphiql-tab", has_text="CreateDraft").click()
    graphiql.wait_for_function(
        "() => document.querySelector('.graphiql-query-editor .CodeMirror')"
        "?.CodeMirror.getValue().includes('mutation CreateDraft')"
    )
    graphiql.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [VISIBLE_TOOL_EDITOR, json.dumps(headers)],
    )

    _run_active_tab(graphiql)

    result = _result_text(graphiql)
    assert '"status": "DRAFT"' in result, result
    assert '"userErrors": []' in result, result
    assert '"errors"' not in result, result


def _until_listening(base: str) -> None:
    """Wait until the server's change feed has a listener (the subscription started)."""
    deadline = time.monotonic() + BROWSER_TIMEOUT_MS / 1000
    pattern = re.compile(r"^masthead_change_feed_listeners 1\.0$", re.MULTILINE)
    while not pattern.search(httpx.get(f"{base}/metrics").text):
        assert time.monotonic() < deadline, "GraphiQL's subscription did not start"
        time.sleep(0.05)  # the server's state, seen from outside: poll it


def test_a_subscription_in_graphiql_shows_a_change_as_it_happens(
    graphiql: Page, served: Served
) -> None:
    headers = {"Authorization": f"Bearer {served.editor_token}"}
    subscription = (
        "subscription LiveTags { contentChanged(types: [TAG]) { action type node { id } } }"
    )
    graphiql.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [".graphiql-query-editor .CodeMirror", subscription],
    )
    graphiql.evaluate(
        "([selector, text]) => document.querySelector(selector).CodeMirror.setValue(text)",
        [VISIBLE_TOOL_EDITOR, json.dumps(headers)],
    )
    # GraphiQL reads the document a moment after an edit (the tab then takes the operation's
    # name) and only then knows to send it over the WebSocket rather than HTTP.
    graphiql.locator(".graphiql-tab-active", has_text="LiveTags").wait_for()
    graphiql.locator(".graphiql-execute-button").click()
    _until_listening(served.url)

    create = 'mutation { createTag(input: {slug: "live", name: "Live"}) { tag { id } } }'
    created = httpx.post(f"{served.url}/graphql", json={"query": create}, headers=headers)
    graphiql.wait_for_function(
        "() => document.querySelector('.result-window')?.innerText.includes('CREATED')"
    )

    assert created.json()["data"]["createTag"]["tag"]["id"]
    assert '"type": "TAG"' in _result_text(graphiql)
