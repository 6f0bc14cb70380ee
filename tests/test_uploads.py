"""Uploads per the GraphQL multipart request spec: type from the bytes, sizes, serving."""

from __future__ import annotations

import io
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Asset
from masthead.resolvers.core.ids import encode_id
from masthead.server import create_app
from masthead.settings import Settings
from tests.conftest import TokenMaker
from tests.factories import Factory
from tests.writing import change_log, count_rows

UPLOAD = """mutation($file: Upload!, $alt: String) { uploadAsset(file: $file, alt: $alt) {
  asset { id url filename mimeType size width height alt }
  userErrors { field message code } } }"""
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def png(width: int = 64, height: int = 48) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 90)).save(buffer, format="PNG")
    return buffer.getvalue()


async def upload(
    client: httpx.AsyncClient,
    data: bytes,
    filename: str,
    headers: dict[str, str],
    content_type: str = "application/octet-stream",
) -> dict[str, Any]:
    operations = {"query": UPLOAD, "variables": {"file": None, "alt": "A picture"}}
    response = await client.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": (filename, data, content_type)},
        headers=headers,
    )
    body: dict[str, Any] = response.json()
    return body


def media_files(settings: Settings) -> list[str]:
    folder = Path(settings.media_dir)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


async def test_an_image_gets_its_type_from_its_bytes_and_its_dimensions(
    client: httpx.AsyncClient, settings: Settings, token: TokenMaker
) -> None:
    body = await upload(
        client, png(64, 48), "Holiday Photo.jpg", await token("editor"), "image/jpeg"
    )

    asset = body["data"]["uploadAsset"]["asset"]
    assert body["data"]["uploadAsset"]["userErrors"] == []
    assert (asset["mimeType"], asset["width"], asset["height"]) == ("image/png", 64, 48)
    assert asset["filename"].startswith("holiday-photo-")
    assert asset["filename"].endswith(".png")
    assert asset["url"] == f"/media/{asset['filename']}"
    assert media_files(settings) == [asset["filename"]]


async def test_the_file_is_served_with_long_lived_cache_headers(
    client: httpx.AsyncClient, token: TokenMaker
) -> None:
    data = png()
    body = await upload(client, data, "a.png", await token("editor"))
    served = await client.get(body["data"]["uploadAsset"]["asset"]["url"])

    assert served.status_code == 200
    assert served.content == data
    assert served.headers["content-type"] == "image/png"
    assert "immutable" in served.headers["cache-control"]
    assert "max-age=31536000" in served.headers["cache-control"]


async def test_two_uploads_of_one_name_never_collide(
    client: httpx.AsyncClient, settings: Settings, token: TokenMaker
) -> None:
    headers = await token("editor")
    first = await upload(client, png(), "same.png", headers)
    second = await upload(client, png(10, 10), "same.png", headers)

    names = {r["data"]["uploadAsset"]["asset"]["filename"] for r in (first, second)}
    assert len(names) == 2
    assert media_files(settings) == sorted(names)


async def test_a_pdf_is_accepted_without_dimensions(
    client: httpx.AsyncClient, token: TokenMaker
) -> None:
    body = await upload(client, PDF, "report.pdf", await token("editor"))

    asset = body["data"]["uploadAsset"]["asset"]
    assert (asset["mimeType"], asset["width"], asset["height"]) == ("application/pdf", None, None)


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"<script>alert(1)</script>", "evil.png"),
        (b"<svg onload='x'/>", "logo.svg"),
        (b"", "empty.png"),
    ],
)
async def test_a_file_that_is_not_an_accepted_type_writes_nothing(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    settings: Settings,
    token: TokenMaker,
    data: bytes,
    name: str,
) -> None:
    body = await upload(client, data, name, await token("editor"), "image/png")

    result = body["data"]["uploadAsset"]
    assert result["asset"] is None
    assert [(e["field"], e["code"]) for e in result["userErrors"]] == [(["file"], "INVALID")]
    assert (await count_rows(engine, Asset), await change_log(engine), media_files(settings)) == (
        0, (0, 0), []
    )  # fmt: skip


@pytest.fixture
async def small_limit(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    limited = settings.model_copy(update={"max_upload_bytes": 2000})
    transport = httpx.ASGITransport(app=create_app(limited, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def test_a_file_over_the_limit_is_too_long(
    small_limit: httpx.AsyncClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    body = await upload(small_limit, png(200, 200) + b"\0" * 3000, "big.png", await token("editor"))

    errors = body["data"]["uploadAsset"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [(["file"], "TOO_LONG")]
    assert "2000 bytes" in errors[0]["message"]
    assert await count_rows(engine, Asset) == 0


async def test_a_body_far_over_the_limit_is_refused_before_reading(
    small_limit: httpx.AsyncClient, token: TokenMaker
) -> None:
    operations = {"query": UPLOAD, "variables": {"file": None}}
    response = await small_limit.post(
        "/graphql",
        data={"operations": json.dumps(operations), "map": json.dumps({"0": ["variables.file"]})},
        files={"0": ("huge.bin", b"x" * 200_000, "application/octet-stream")},
        headers=await token("editor"),
    )

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"


async def test_an_anonymous_upload_is_unauthenticated(client: httpx.AsyncClient) -> None:
    body = await upload(client, png(), "a.png", {})

    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_urls_are_absolute_with_a_public_base_url(
    settings: Settings, engine: AsyncEngine, token: TokenMaker
) -> None:
    configured = settings.model_copy(update={"public_base_url": "https://cms.example.com/"})
    transport = httpx.ASGITransport(app=create_app(configured, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        body = await upload(client, png(), "a.png", await token("editor"))

    url = body["data"]["uploadAsset"]["asset"]["url"]
    assert url.startswith("https://cms.example.com/media/")


async def test_deleting_an_asset_removes_its_file(
    client: httpx.AsyncClient, settings: Settings, token: TokenMaker
) -> None:
    headers = await token("editor")
    asset = (await upload(client, png(), "a.png", headers))["data"]["uploadAsset"]["asset"]
    document = "mutation($id: ID!) { deleteAsset(id: $id) { deletedId } }"

    response = await client.post(
        "/graphql", json={"query": document, "variables": {"id": asset["id"]}}, headers=headers
    )

    assert response.json()["data"]["deleteAsset"]["deletedId"] == asset["id"]
    assert media_files(settings) == []
    assert (await client.get(asset["url"])).status_code == 404


@pytest.mark.parametrize(
    ("role", "allowed"), [("preview", False), ("author", True), ("admin", True)]
)
async def test_who_may_upload(
    client: httpx.AsyncClient, engine: AsyncEngine, token: TokenMaker, role: str, allowed: bool
) -> None:
    await Factory(engine).author(slug="me")
    headers = await token(role, "me" if role == "author" else None)

    body = await upload(client, png(), "a.png", headers)

    if allowed:
        assert body["data"]["uploadAsset"]["asset"]["width"] == 64
    else:
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert await count_rows(engine, Asset) == 0


async def test_an_asset_update_changes_its_text_and_takes_no_version(
    client: httpx.AsyncClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    asset = await Factory(engine).asset(alt="Old")
    document = (
        'mutation($id: ID!) { updateAsset(id: $id, input: {alt: "New"}) '
        "{ asset { alt } userErrors { code } } }"
    )
    variables = {"id": encode_id("Asset", asset["id"])}
    headers = await token("editor")

    updated = await client.post(
        "/graphql", json={"query": document, "variables": variables}, headers=headers
    )
    versioned = await client.post(
        "/graphql",
        json={
            "query": document.replace('"New"}', '"New"}, expectedVersion: 1'),
            "variables": variables,
        },
        headers=headers,
    )

    assert updated.json()["data"]["updateAsset"] == {"asset": {"alt": "New"}, "userErrors": []}
    assert versioned.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
