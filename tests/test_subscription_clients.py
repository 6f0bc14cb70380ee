"""graphql-ws, the reference JavaScript client, subscribing as the documentation shows."""

from __future__ import annotations

import asyncio
import json
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from masthead.database import create_engine
from masthead.resolvers.core.ids import encode_id
from masthead.resolvers.token import create_token
from tests.factories import Factory
from tests.node_tools import installed_clients, live_masthead, require_node

CLIENT_SECONDS = 60
CREATE = """mutation ($input: PostInput!) {
  createPost(input: $input) { post { id } userErrors { message } }
}"""


def _until_listening(base: str, deadline: float) -> None:
    """Wait until the server's change feed has a listener (the client subscribed)."""
    pattern = re.compile(r"^masthead_change_feed_listeners 1\.0$", re.MULTILINE)
    while not pattern.search(httpx.get(f"{base}/metrics").text):
        assert time.monotonic() < deadline, "graphql-ws did not subscribe"
        time.sleep(0.05)  # the server's state, seen from outside: poll it


async def _tokens_and_author(directory: Path) -> tuple[str, str, str]:
    engine = create_engine(url=f"sqlite+aiosqlite:///{directory / 'masthead.db'}")
    try:
        _info, preview = await create_token(engine, role="preview")
        _info, editor = await create_token(engine, role="editor")
        author = await Factory(engine).author()
    finally:
        await engine.dispose()
    return preview, editor, encode_id("Author", author["id"])


def test_graphql_ws_with_a_preview_token_hears_of_a_new_draft(
    pytestconfig: pytest.Config, tmp_path: Path
) -> None:
    node, npm = require_node()
    clients = installed_clients(pytestconfig.cache, npm)
    with live_masthead(tmp_path) as url:
        preview, editor, author = asyncio.run(_tokens_and_author(tmp_path))
        socket_url = url.replace("http://", "ws://", 1)
        command = [node, str(clients / "graphql_ws.mjs"), socket_url, preview]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as client:
            try:
                _until_listening(url.removesuffix("/graphql"), time.monotonic() + CLIENT_SECONDS)
                post_input = {"slug": "live", "title": "Live draft", "author": author}
                body = {"query": CREATE, "variables": {"input": post_input}}
                headers = {"Authorization": f"Bearer {editor}"}
                created = httpx.post(url, json=body, headers=headers).json()
                out, err = client.communicate(timeout=CLIENT_SECONDS)
            finally:
                client.kill()
    assert client.returncode == 0, err
    post = created["data"]["createPost"]["post"]["id"]
    told = json.loads(out)
    assert told["data"]["contentChanged"] == {
        "action": "CREATED",
        "type": "POST",
        "id": post,
        "node": {"slug": "live", "title": "Live draft"},
    }
    assert told["extensions"]["cost"]["limit"] == 10_000  # as every answer over HTTP
