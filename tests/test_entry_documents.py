"""An entry as a webhook's viewer reads it: the public sees what it may, a preview sees drafts."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus, utcnow
from masthead.schema.core.entry_documents import SELECTIONS, EntryDocuments
from masthead.schema.root import build_schema
from masthead.settings import Settings
from tests.factories import Factory
from tests.writing import gid


def _documents(settings: Settings, engine: AsyncEngine) -> EntryDocuments:
    return EntryDocuments(
        build_schema(), engine, settings=settings, media_base_url="/media", clock=utcnow
    )


async def test_the_public_reads_a_published_post_with_its_author_and_tags(
    settings: Settings, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    tag = await factory.tag()
    post = await factory.post(tags=[tag], title="Out now")

    data = await _documents(settings, engine)("Post", post["id"], False)

    assert data is not None
    assert (data["id"], data["title"], data["status"]) == (
        gid("Post", post),
        "Out now",
        "PUBLISHED",
    )
    assert [each["slug"] for each in data["tags"]] == [tag["slug"]]
    assert data["author"]["slug"].startswith("author-")


async def test_a_draft_is_null_to_the_public_and_read_by_a_preview(
    settings: Settings, engine: AsyncEngine
) -> None:
    post = await Factory(engine).post(status=ContentStatus.DRAFT, published_at=None, title="Soon")
    documents = _documents(settings, engine)

    assert await documents("Post", post["id"], False) is None
    preview = await documents("Post", post["id"], True)
    assert preview is not None
    assert (preview["title"], preview["status"]) == ("Soon", "DRAFT")


async def test_every_type_reads_through_its_document(
    settings: Settings, engine: AsyncEngine
) -> None:
    factory = Factory(engine)
    rows = {
        "Post": await factory.post(),
        "Page": await factory.page(),
        "Author": await factory.author(),
        "Tag": await factory.tag(),
        "Asset": await factory.asset(),
    }
    documents = _documents(settings, engine)

    read = {name: await documents(name, row["id"], False) for name, row in rows.items()}

    assert set(read) == set(SELECTIONS)
    assert all(
        data is not None and data["id"] == gid(name, rows[name]) for name, data in read.items()
    )
    assert await documents("Post", 10**6, True) is None
