"""`masthead seed`, `masthead import` and `masthead export` through the command line entry."""

from __future__ import annotations

import asyncio
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.cli.main import main
from masthead.settings import get_settings
from tests.content_tables import delete_all_content, row_counts, small_document
from tests.factories import Factory

Capture = pytest.CaptureFixture[str]


@pytest.fixture(autouse=True)
def command_database(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Commands read `MASTHEAD_DATABASE_URL` and `MASTHEAD_MEDIA_DIR`: point them at this
    test's database and folder (the seed writes media files)."""
    monkeypatch.setenv("MASTHEAD_DATABASE_URL", database_url)
    monkeypatch.setenv("MASTHEAD_MEDIA_DIR", str(tmp_path / "media"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


async def run(*argv: str) -> int:
    """Run one command in a thread (commands start their own event loop)."""
    return await asyncio.to_thread(main, list(argv))


def one_line_error(capsys: Capture, command: str) -> str:
    """The single line a failed command printed on standard error."""
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"masthead {command}: ")
    return lines[0]


def write_document(folder: Path, document: Any) -> Path:
    """The document saved as UTF-8 JSON in `folder`."""
    path = folder / "content.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


async def test_seed_loads_demo_posts(engine: AsyncEngine, capsys: Capture) -> None:
    assert await run("seed", "--posts", "20", "--seed", "3") == 0
    assert (await row_counts(engine))["posts"] >= 20
    assert capsys.readouterr().out.startswith("Seeded 12 authors, 30 tags")


async def test_seed_if_empty_leaves_a_database_with_posts_alone(
    engine: AsyncEngine, capsys: Capture
) -> None:
    await Factory(engine).post()
    before = await row_counts(engine)
    assert await run("seed", "--if-empty", "--posts", "5") == 0
    assert await row_counts(engine) == before
    assert "already has posts" in capsys.readouterr().out


async def test_seed_without_posts_is_a_one_line_error(capsys: Capture) -> None:
    assert await run("seed", "--posts", "0") == 1
    assert "--posts must be at least 1" in one_line_error(capsys, "seed")


async def test_import_adds_the_document_and_reports_counts(
    engine: AsyncEngine, tmp_path: Path, capsys: Capture
) -> None:
    assert await run("import", str(write_document(tmp_path, small_document()))) == 0
    assert (await row_counts(engine))["posts"] == 4
    assert capsys.readouterr().out == "Imported 2 authors, 2 tags, 1 asset, 4 posts, 3 pages.\n"


async def test_import_and_export_say_one_revision_in_the_singular(
    tmp_path: Path, capsys: Capture
) -> None:
    document = small_document()
    document["revisions"] = [
        {"type": "Tag", "key": {"slug": "python"}, "version": 1, "action": "create",
         "tokenName": None, "createdAt": "2024-01-01T00:00:00+00:00",
         "entry": document["tags"][0]},
    ]  # fmt: skip
    assert await run("import", str(write_document(tmp_path, document))) == 0
    target = tmp_path / "out.json"
    assert await run("export", "--revisions", str(target)) == 0
    counts = "2 authors, 2 tags, 1 asset, 4 posts, 3 pages, 1 revision"
    assert capsys.readouterr().out.splitlines() == [
        f"Imported {counts}.",
        f"Exported {counts} to {target}.",
    ]


async def test_import_reads_standard_input_for_a_dash(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = json.dumps(small_document()).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert await run("import", "-") == 0
    assert (await row_counts(engine))["pages"] == 3


async def test_export_prints_pretty_json_in_format_order(tmp_path: Path, capsys: Capture) -> None:
    await run("import", str(write_document(tmp_path, small_document())))
    capsys.readouterr()
    assert await run("export") == 0
    output = capsys.readouterr().out
    assert json.loads(output) == small_document()
    assert output.startswith('{\n  "version": 1,\n  "authors": [\n    {\n      "slug": ')


async def test_export_to_a_file_then_import_into_an_empty_database_round_trips(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    assert await run("seed", "--posts", "15", "--seed", "9") == 0
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert await run("export", str(first)) == 0
    await delete_all_content(engine)
    assert await run("import", str(first)) == 0
    assert await run("export", str(second)) == 0
    assert second.read_bytes() == first.read_bytes()


async def test_export_keeps_non_ascii_text_as_utf8(tmp_path: Path) -> None:
    document = small_document()
    document["tags"][0]["description"] = "Le langage préféré — 🐍"
    await run("import", str(write_document(tmp_path, document)))
    target = tmp_path / "export.json"
    await run("export", str(target))
    assert "Le langage préféré — 🐍" in target.read_text(encoding="utf-8")


async def test_import_of_invalid_json_is_a_one_line_error_that_writes_nothing(
    engine: AsyncEngine, tmp_path: Path, capsys: Capture
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"version": 1, "posts": [', encoding="utf-8")
    assert await run("import", str(path)) == 1
    assert "is not valid JSON" in one_line_error(capsys, "import")
    assert sum((await row_counts(engine)).values()) == 0


async def test_import_of_a_bad_document_names_entry_and_field_and_writes_nothing(
    engine: AsyncEngine, tmp_path: Path, capsys: Capture
) -> None:
    document = small_document()
    document["posts"][3]["author"] = "nobody"
    assert await run("import", str(write_document(tmp_path, document))) == 1
    line = one_line_error(capsys, "import")
    assert (
        line == 'masthead import: posts[3] (slug "weekly-notes"): author: unknown author "nobody"'
    )
    assert sum((await row_counts(engine)).values()) == 0


def _three_unknown_authors() -> dict[str, Any]:
    document = small_document()
    for post, author in zip(document["posts"][:3], ("anna", "ben", "carl"), strict=True):
        post["author"] = author
    return document


async def test_import_of_a_document_with_many_problems_names_the_first_and_counts_the_rest(
    engine: AsyncEngine, tmp_path: Path, capsys: Capture
) -> None:
    assert await run("import", str(write_document(tmp_path, _three_unknown_authors()))) == 1
    assert one_line_error(capsys, "import") == (
        'masthead import: posts[0] (slug "first-post"): author: unknown author "anna" '
        "(and 2 more problems: --all-errors lists every one)"
    )
    assert sum((await row_counts(engine)).values()) == 0


async def test_import_with_all_errors_prints_every_problem_on_a_line_of_its_own(
    engine: AsyncEngine, tmp_path: Path, capsys: Capture
) -> None:
    path = write_document(tmp_path, _three_unknown_authors())
    assert await run("import", "--all-errors", str(path)) == 1
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        f'masthead import: posts[{index}] (slug "{slug}"): author: unknown author "{name}"'
        for index, slug, name in ((0, "first-post", "anna"), (1, "second-post", "ben"),
                                  (2, "third-post", "carl"))
    ]  # fmt: skip
    assert captured.out == ""
    assert sum((await row_counts(engine)).values()) == 0


async def test_import_of_a_missing_file_is_a_one_line_error(
    tmp_path: Path, capsys: Capture
) -> None:
    assert await run("import", str(tmp_path / "absent.json")) == 1
    assert "cannot read" in one_line_error(capsys, "import")


async def test_export_to_a_missing_folder_is_a_one_line_error(
    tmp_path: Path, capsys: Capture
) -> None:
    assert await run("export", str(tmp_path / "absent" / "out.json")) == 1
    assert "cannot write" in one_line_error(capsys, "export")


async def test_commands_on_an_unmigrated_database_ask_for_migrate(
    engine: AsyncEngine, capsys: Capture
) -> None:
    async with engine.begin() as connection:
        await connection.execute(sa.text("UPDATE alembic_version SET version_num = 'old'"))
    assert await run("export") == 1
    assert "masthead migrate" in one_line_error(capsys, "export")
