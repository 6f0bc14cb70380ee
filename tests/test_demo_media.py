"""The demo's media files: every asset's URL serves a file that matches its stored fields."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.cli.main import main
from masthead.demo.assets import COVERS
from masthead.demo.media import MediaError, write_media
from masthead.demo.seed import seed
from masthead.interchange import InterchangeError
from masthead.settings import Settings, get_settings
from tests.conftest import GraphQLClient
from tests.content_tables import delete_all_content, row_counts

ASSETS = """
query Assets {
  assets(first: 100) {
    totalCount
    pageInfo { hasNextPage }
    nodes { filename url mimeType size width height }
  }
}
"""


def files_in(folder: Path) -> dict[str, bytes]:
    """Every entry of a folder (hidden ones too) with its bytes."""
    return {path.name: path.read_bytes() for path in folder.iterdir()}


def identities(folder: Path) -> dict[str, tuple[int, int]]:
    """Inode and modification time of each file: unchanged only while nobody rewrote it."""
    return {path.name: (path.stat().st_ino, path.stat().st_mtime_ns) for path in folder.iterdir()}


def damage_a_cover(folder: Path) -> str:
    """Overwrite one cover with bytes that are not an image; its name."""
    cover = min(folder.glob("cover-*"))
    cover.write_bytes(b"not an image")
    return cover.name


async def seed_into(engine: AsyncEngine, folder: Path, seed_value: int) -> None:
    """Seed a small demo through the seeder, writing its files to `folder`."""
    await seed(engine, posts=20, seed=seed_value, media_dir=folder, progress=False)


async def test_every_demo_asset_url_serves_a_file_matching_its_fields(
    engine: AsyncEngine, settings: Settings, gql: GraphQLClient, client: httpx.AsyncClient
) -> None:
    await seed_into(engine, Path(settings.media_dir), 2)

    assets = (await gql.data(ASSETS))["assets"]

    assert not assets["pageInfo"]["hasNextPage"]
    assert len(assets["nodes"]) == assets["totalCount"] == COVERS + 12 + 2
    for asset in assets["nodes"]:
        response = await client.get(asset["url"])
        assert response.status_code == 200, asset["url"]
        assert len(response.content) == asset["size"], asset["filename"]
        assert response.headers["content-type"].split(";")[0] == asset["mimeType"]
        if asset["mimeType"] == "application/pdf":
            assert response.content.startswith(b"%PDF-")
            assert (asset["width"], asset["height"]) == (None, None)
            continue
        with Image.open(io.BytesIO(response.content)) as image:
            assert image.size == (asset["width"], asset["height"]), asset["filename"]
            assert Image.MIME[str(image.format)] == asset["mimeType"], asset["filename"]


async def test_the_demo_has_images_of_every_kind_it_names(
    engine: AsyncEngine, settings: Settings, gql: GraphQLClient
) -> None:
    await seed_into(engine, Path(settings.media_dir), 2)

    nodes: list[dict[str, Any]] = (await gql.data(ASSETS))["assets"]["nodes"]

    kinds = {asset["mimeType"] for asset in nodes}
    assert kinds == {"image/png", "image/jpeg", "image/webp", "application/pdf"}


async def test_the_same_seed_writes_identical_files_and_another_seed_different_ones(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    await seed_into(engine, tmp_path / "first", 3)
    await delete_all_content(engine)
    await seed_into(engine, tmp_path / "again", 3)
    await delete_all_content(engine)
    await seed_into(engine, tmp_path / "other", 4)

    first, again, other = (files_in(tmp_path / name) for name in ("first", "again", "other"))
    assert first == again
    first_covers = {data for name, data in first.items() if name.startswith("cover-")}
    other_covers = {data for name, data in other.items() if name.startswith("cover-")}
    assert len(first_covers) == len(other_covers) == COVERS
    assert not first_covers & other_covers
    assert all(first[name] == other[name] for name in first.keys() & other.keys())


async def test_a_second_seed_keeps_files_with_the_same_bytes_and_mends_others(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    folder = tmp_path / "media"
    await seed_into(engine, folder, 5)
    expected = files_in(folder)
    damaged = damage_a_cover(folder)
    before = identities(folder)
    await delete_all_content(engine)

    await seed_into(engine, folder, 5)

    assert files_in(folder) == expected
    after = identities(folder)
    assert after[damaged] != before[damaged]
    assert after | {damaged: before[damaged]} == before


async def test_a_refused_seed_changes_none_of_the_files_already_there(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    folder = tmp_path / "media"
    await seed_into(engine, folder, 6)
    before = files_in(folder)

    with pytest.raises(InterchangeError):
        await seed_into(engine, folder, 7)

    after = files_in(folder)
    assert {name: after[name] for name in before} == before


def test_a_failed_write_leaves_whole_files_and_no_partial_one(tmp_path: Path) -> None:
    (tmp_path / "b.png").mkdir()  # a file cannot be renamed over a folder
    files = {"a.png": b"first", "b.png": b"second", "c.png": b"third"}

    with pytest.raises(MediaError, match="Is a directory"):
        write_media(tmp_path, files)

    assert sorted(path.name for path in tmp_path.iterdir()) == ["a.png", "b.png"]
    assert (tmp_path / "a.png").read_bytes() == b"first"
    assert (tmp_path / "b.png").is_dir()


@pytest.fixture
def command_settings(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Path]:
    """Commands read `MASTHEAD_*`: this test's database, and a media folder; the folder."""
    monkeypatch.setenv("MASTHEAD_DATABASE_URL", database_url)
    monkeypatch.setenv("MASTHEAD_MEDIA_DIR", str(tmp_path / "command-media"))
    get_settings.cache_clear()
    yield tmp_path / "command-media"
    get_settings.cache_clear()


async def run(*argv: str) -> int:
    """Run one command in a thread (commands start their own event loop)."""
    return await asyncio.to_thread(main, list(argv))


async def test_the_seed_command_writes_the_files_to_the_media_folder(
    command_settings: Path, engine: AsyncEngine
) -> None:
    assert await run("seed", "--posts", "5", "--seed", "8") == 0

    assert len(files_in(command_settings)) == (await row_counts(engine))["assets"] == COVERS + 14


async def test_seed_if_empty_on_a_seeded_database_rewrites_no_media(
    command_settings: Path,
) -> None:
    assert await run("seed", "--posts", "5") == 0
    damaged = damage_a_cover(command_settings)
    before = identities(command_settings)

    assert await run("seed", "--if-empty", "--posts", "5") == 0

    assert identities(command_settings) == before
    assert files_in(command_settings)[damaged] == b"not an image"


async def test_seed_that_cannot_write_its_media_is_a_one_line_error_and_imports_nothing(
    command_settings: Path, engine: AsyncEngine, capsys: pytest.CaptureFixture[str]
) -> None:
    await asyncio.to_thread(command_settings.write_text, "a file, not the media folder")

    assert await run("seed", "--posts", "5") == 1

    # Progress bars come first on standard error; the error is its last line.
    last_line = capsys.readouterr().err.splitlines()[-1]
    assert last_line == (
        f"masthead seed: cannot write the demo's media files in {command_settings}: File exists"
    )
    assert (await row_counts(engine))["assets"] == 0
