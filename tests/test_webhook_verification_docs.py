"""The signature checks docs/webhook-delivery.md shows (Python and Node) accept a real
delivery and refuse a tampered one."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.settings import Settings
from tests.factories import Factory
from tests.node_tools import require_node
from tests.webhooks import SECRET, Received, add_hook, receiving, running
from tests.writing import PUBLISH_POST, gid

DOC = Path(__file__).parent.parent / "docs" / "webhook-delivery.md"
NODE_MAIN = """
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { secret, headers, body } = JSON.parse(input);
  process.stdout.write(String(isFromMasthead(secret, headers, body)));
});
"""


def _block(language: str, containing: str) -> str:
    blocks: list[str] = re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    [found] = [block for block in blocks if containing in block]
    return found


async def _delivery(settings: Settings, engine: AsyncEngine, token: Any) -> Received:
    post = await Factory(engine).post(status="DRAFT", published_at=None, title="Signed")
    with receiving() as receiver:
        await add_hook(engine, receiver.url)
        async with running(settings, engine) as app:
            await app.gql.data(PUBLISH_POST, {"id": gid("Post", post)}, await token("editor"))
            [received] = await receiver.wait_for(1)
    return received


def _tampered(received: Received) -> Received:
    return Received(received.path, received.headers, received.body.replace(b"Signed", b"Forged"))


async def test_the_python_checks_of_the_docs_accept_a_delivery_and_refuse_a_forgery(
    settings: Settings, engine: AsyncEngine, token: Any
) -> None:
    received = await _delivery(settings, engine, token)
    namespace: dict[str, Any] = {}
    exec(_block("python", "def is_from_masthead"), namespace)  # noqa: S102 - the docs' code
    check, check_body = namespace["is_from_masthead"], namespace["body_is_from_masthead"]
    forged = _tampered(received)

    assert check(SECRET, received.headers, received.body)
    assert check_body(SECRET, received.headers, received.body)
    assert not check(SECRET, forged.headers, forged.body)
    assert not check_body(SECRET, forged.headers, forged.body)


async def test_the_node_check_of_the_docs_accepts_a_delivery_and_refuses_a_forgery(
    settings: Settings, engine: AsyncEngine, token: Any, tmp_path: Path
) -> None:
    node, _npm = require_node()
    received = await _delivery(settings, engine, token)
    script = tmp_path / "verify.mjs"
    script.write_text(_block("js", "export function isFromMasthead") + NODE_MAIN)

    def run(message: Received) -> str:
        given = {"secret": SECRET, "headers": message.headers, "body": message.body.decode()}
        done = subprocess.run(
            [node, str(script)], input=json.dumps(given), capture_output=True, text=True, check=True
        )
        return done.stdout

    assert run(received) == "true"
    assert run(_tampered(received)) == "false"
