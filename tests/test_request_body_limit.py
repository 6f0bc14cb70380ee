"""The request body limit: 413 PAYLOAD_TOO_LARGE while reading, with or without a length.

Bodies come from generators that count what the server pulled, so a test fails if the
server reads past the limit; one test streams 50 MB into a real `masthead serve` and
watches the process's peak memory.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx

from masthead.database import StatementTally
from masthead.settings import Settings
from tests.conftest import TokenMaker
from tests.processes import free_port, serving

CHUNK = 64 * 1024
QUERY_START = b'{"query": "{ posts { totalCount } }", "variables": {"padding": "'


class Body:
    """A JSON body of `size` bytes sent in chunks; `sent` is how much the server pulled."""

    def __init__(self, size: int, start: bytes = QUERY_START, end: bytes = b'"}}') -> None:
        self.size, self.start, self.end = size, start, end
        self.sent = 0

    def chunks(self) -> Iterator[bytes]:
        padding = self.size - len(self.start) - len(self.end)
        for chunk in (self.start, *[b" " * CHUNK] * (padding // CHUNK), b" " * (padding % CHUNK)):
            self.sent += len(chunk)
            yield chunk
        self.sent += len(self.end)
        yield self.end

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks():
            yield chunk


def _files_in(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


def error_of(response: httpx.Response) -> dict[str, Any]:
    error: dict[str, Any] = response.json()["errors"][0]
    return error


async def test_a_body_within_the_limit_is_read_and_run(client: httpx.AsyncClient) -> None:
    body = Body(1000 * 1000)

    response = await client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )

    assert response.json()["data"] == {"posts": {"totalCount": 0}}
    assert body.sent == body.size


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body, limit = Body(50 * 1024 * 1024), settings.max_request_bytes
    headers = {"Content-Type": "application/json", "Content-Length": str(body.size)}
    before = StatementTally.total

    response = await client.post("/graphql", content=body, headers=headers)

    assert response.status_code == 413
    assert error_of(response)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert error_of(response)["message"] == (
        f"the request body of {body.size} bytes exceeds the limit of {limit} bytes"
    )
    assert body.sent <= CHUNK
    assert StatementTally.total == before


async def test_a_chunked_body_is_refused_once_it_passes_the_limit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    body, limit = Body(50 * 1024 * 1024), settings.max_request_bytes
    before = StatementTally.total

    response = await client.post(
        "/graphql", content=body, headers={"Content-Type": "application/json"}
    )

    assert "content-length" not in response.request.headers
    assert response.status_code == 413
    assert error_of(response)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert error_of(response)["message"].startswith(
        f"the request body exceeds the limit of {limit} bytes"
    )
    assert limit < body.sent <= limit + 2 * CHUNK
    assert StatementTally.total == before


async def test_a_chunked_upload_is_refused_once_it_passes_the_upload_limit(
    client: httpx.AsyncClient, settings: Settings, token: TokenMaker
) -> None:
    operations = {"query": "mutation($f: Upload!) { uploadAsset(file: $f) { asset { id } } }"}
    start = (
        b'--edge\r\nContent-Disposition: form-data; name="operations"\r\n\r\n'
        + json.dumps({**operations, "variables": {"f": None}}).encode()
        + b'\r\n--edge\r\nContent-Disposition: form-data; name="map"\r\n\r\n'
        + b'{"0": ["variables.f"]}\r\n--edge\r\n'
        + b'Content-Disposition: form-data; name="0"; filename="big.bin"\r\n\r\n'
    )
    body = Body(3 * settings.max_upload_bytes, start=start, end=b"\r\n--edge--\r\n")
    headers = {"Content-Type": "multipart/form-data; boundary=edge", **await token("editor")}

    response = await client.post("/graphql", content=body, headers=headers)

    assert response.status_code == 413
    assert error_of(response)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert "the upload limit" in error_of(response)["message"]
    assert body.sent < settings.max_upload_bytes + 2 * CHUNK + 64 * 1024
    assert _files_in(Path(settings.media_dir)) == []


def _peak_rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("VmHWM:"))
    return int(line.split()[1])


def test_a_50_mb_chunked_body_does_not_grow_a_real_servers_memory(
    settings: Settings, tmp_path: Path
) -> None:
    port = free_port()
    env = {
        **os.environ,
        "MASTHEAD_DATABASE_URL": settings.database_url,
        "MASTHEAD_MEDIA_DIR": settings.media_dir,
    }
    masthead = str(Path(sys.executable).parent / "masthead")
    json_headers = {"Content-Type": "application/json"}
    with (
        serving([masthead, "serve", "--port", str(port)], env=env, cwd=tmp_path) as server,
        httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client,
    ):
        # Warm up every path the refusal takes before taking the baseline.
        assert client.post("/graphql", json={"query": "{ posts { totalCount } }"}).is_success
        warm_up = client.post(
            "/graphql", content=Body(4 * 1024 * 1024).chunks(), headers=json_headers
        )
        assert warm_up.status_code == 413
        before = _peak_rss_kb(server.pid)

        body = Body(50 * 1024 * 1024)
        response = client.post("/graphql", content=body.chunks(), headers=json_headers)

        assert body.sent == body.size  # all 50 MB went to the server
        assert response.status_code == 413
        assert error_of(response)["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
        growth_mb = (_peak_rss_kb(server.pid) - before) / 1024
        assert growth_mb < 8, f"the server's peak memory grew by {growth_mb:.1f} MB"
