"""The published shape: one wheel, one top-level package, serving GraphiQL without Node or network.

The wheel is built from this checkout and installed into a fresh virtual environment outside
it (tests/installed.py); every command below runs from that environment in an empty folder.
"""

from __future__ import annotations

import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route

from tests.browser import launched, require_chromium
from tests.installed import ROOT, Installed
from tests.processes import free_port, serving

WELCOME_TITLE = "Welcome to Masthead"  # the demo seed's newest post
BROWSER_TIMEOUT_MS = 15_000
# In the page: the HTTP status of every cover image of the latest posts.
COVER_STATUSES = """async () => {
  const answer = await fetch("/graphql", {
    method: "POST",
    headers: {"Content-Type": "application/json"},
    body: JSON.stringify({query: "{ posts(first: 10) { nodes { coverImage { url } } } }"}),
  });
  const posts = (await answer.json()).data.posts.nodes;
  const urls = posts.filter((post) => post.coverImage).map((post) => post.coverImage.url);
  return Promise.all(urls.map(async (url) => (await fetch(url)).status));
}"""


def _wheel_names(installed: Installed) -> set[str]:
    with zipfile.ZipFile(installed.wheel) as wheel:
        return set(wheel.namelist())


def _clean_environment(directory: Path, **settings: str) -> dict[str, str]:
    """No variable of the checkout's environment: only a PATH, a HOME and the settings."""
    return {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(directory), **settings}


def _masthead(installed: Installed, *args: str, env: dict[str, str], cwd: Path) -> str:
    command = [str(installed.masthead), *args]
    done = subprocess.run(command, env=env, cwd=cwd, check=True, capture_output=True)
    return done.stdout.decode()


def test_the_wheel_holds_one_top_level_package(installed: Installed) -> None:
    top_level = {name.split("/")[0] for name in _wheel_names(installed)}

    assert {name for name in top_level if not name.endswith(".dist-info")} == {"masthead"}


@pytest.mark.parametrize("folder", ["graphiql/static", "examples", "migrations/versions"])
def test_the_wheel_carries_every_file_the_server_reads(installed: Installed, folder: str) -> None:
    shipped = [
        path.relative_to(ROOT).as_posix()
        for path in sorted((ROOT / folder).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]

    missing = [name for name in shipped if f"masthead/{name}" not in _wheel_names(installed)]

    assert shipped
    assert missing == []


def test_the_installed_package_is_imported_from_the_environment(
    installed: Installed, tmp_path: Path
) -> None:
    command = [str(installed.python), "-c", "import masthead.server as s; print(s.__file__)"]

    done = subprocess.run(
        command, cwd=tmp_path, env=_clean_environment(tmp_path), check=True, capture_output=True
    )

    assert Path(done.stdout.decode().strip()).is_relative_to(installed.environment)


def test_the_installed_command_reports_the_wheel_version(
    installed: Installed, tmp_path: Path
) -> None:
    version = installed.wheel.name.split("-")[1]

    printed = _masthead(installed, "--version", env=_clean_environment(tmp_path), cwd=tmp_path)

    assert printed.strip() == f"masthead {version}"


@pytest.fixture
def offline_page(installed: Installed, tmp_path: Path) -> Iterator[tuple[Page, list[str]]]:
    """GraphiQL of a migrated, seeded, installed Masthead, in a browser that reaches nothing
    but that server; the second item lists every request that tried to go elsewhere."""
    chromium = require_chromium()
    env = _clean_environment(
        tmp_path,
        MASTHEAD_DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'masthead.db'}",
        MASTHEAD_MEDIA_DIR=str(tmp_path / "media"),
    )
    _masthead(installed, "migrate", env=env, cwd=tmp_path)
    _masthead(installed, "seed", "--posts", "10", env=env, cwd=tmp_path)
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    elsewhere: list[str] = []

    def only_the_server(route: Route) -> None:
        if route.request.url.startswith(f"{origin}/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort("internetdisconnected")

    command = [str(installed.masthead), "serve", "--port", str(port)]
    with serving(command, env=env, cwd=tmp_path), launched(chromium) as browser:
        context = browser.new_context()
        context.route("**/*", only_the_server)
        page = context.new_page()
        page.set_default_timeout(BROWSER_TIMEOUT_MS)
        page.goto(f"{origin}/graphql")
        yield page, elsewhere


def test_installed_masthead_serves_graphiql_with_the_network_cut_off(
    offline_page: tuple[Page, list[str]],
) -> None:
    page, elsewhere = offline_page

    page.locator(".graphiql-tab").first.wait_for()
    page.locator(".graphiql-execute-button").click()
    page.wait_for_function(
        "() => document.querySelector('.result-window')?.innerText.includes('\"data\"')"
    )

    result = page.locator(".result-window").inner_text()
    assert WELCOME_TITLE in result
    assert '"errors"' not in result
    assert elsewhere == []


def test_installed_masthead_serves_the_demo_images_it_seeded(
    offline_page: tuple[Page, list[str]],
) -> None:
    page, elsewhere = offline_page

    statuses = page.evaluate(COVER_STATUSES)

    assert statuses
    assert set(statuses) == {200}
    assert elsewhere == []
