"""Import a document in one transaction: validate all of it, then insert in bulk."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Result, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from masthead.events.bus import CHANNEL
from masthead.interchange.revisions import RevisionWriter
from masthead.interchange.validation import ExistingContent, validate_document
from masthead.models import Asset, Author, Event, Page, Post, PostCoAuthor, PostTag, Tag, utcnow
from masthead.resolvers.core.markdown import rendered_body

CHUNK_SIZE = 1000


@dataclass(frozen=True)
class ImportSummary:
    """How many entries of each type an import added."""

    authors: int
    tags: int
    assets: int
    posts: int
    pages: int
    revisions: int = 0

    def __str__(self) -> str:
        names = [*SUMMARY_ORDER, "revisions"] if self.revisions else SUMMARY_ORDER
        return ", ".join(counted(getattr(self, name), name) for name in names)


SUMMARY_ORDER = ("authors", "tags", "assets", "posts", "pages")


def counted(count: int, plural: str) -> str:
    """A count and its noun, singular for one: `1 revision`, `2 revisions`."""
    return f"{count} {plural.removesuffix('s') if count == 1 else plural}"


class ImportProgress(Protocol):
    """Told after each batch how many entries of `total` are written."""

    def __call__(self, done: int, total: int) -> None:
        """Called with the entries written so far and the number to write."""


async def import_document(
    engine: AsyncEngine, document: object, *, progress: ImportProgress | None = None
) -> ImportSummary:
    """Add the document's content; a bad document raises `InterchangeError`, writing nothing.

    References resolve against the document and the content already in the database.
    An entry whose slug, path or filename already exists is refused, naming the entry:
    import adds content and never overwrites it.
    """
    async with engine.begin() as connection:
        existing = await load_existing(connection)
        sections = validate_document(document, existing, utcnow())
        total = sum(len(entries) for entries in sections.values())
        writer = BulkWriter(connection, total, progress)
        await writer.write(sections)
        await RevisionWriter(connection).write(sections["revisions"])
        # One event for the whole import: readers' cached answers must see the new content.
        await connection.execute(
            insert(Event).values(action="import", entity_type="Document", entity_id=0)
        )
        # Fresh statistics, so the query planner picks the listing indexes on bulk-loaded data.
        await connection.execute(text("ANALYZE"))
        if connection.dialect.name == "postgresql":
            # Servers listening on PostgreSQL's bus hear of the import as it commits.
            await connection.execute(select(func.pg_notify(CHANNEL, "import")))
    return ImportSummary(**{name: len(sections[name]) for name in (*SUMMARY_ORDER, "revisions")})


def _pairs(result: Result[Any, int]) -> list[tuple[Any, int]]:
    """Key and id of each row."""
    return [(key, row_id) for key, row_id in result]


async def load_existing(connection: AsyncConnection) -> ExistingContent:
    """The keys of the content already stored, one statement per table."""
    existing = ExistingContent()
    for model, mapping in ((Author, existing.authors), (Tag, existing.tags)):
        mapping.update(_pairs(await connection.execute(select(model.slug, model.id))))
    existing.assets.update(_pairs(await connection.execute(select(Asset.filename, Asset.id))))
    posts = await connection.execute(select(Post.slug, Post.locale, Post.translation_group))
    for slug, locale, group in posts:
        existing.posts.add((slug, locale))
        existing.post_groups.add((group, locale))
    pages = await connection.execute(
        select(Page.path, Page.locale, Page.translation_group, Page.id)
    )
    for path, locale, group, page_id in pages:
        existing.pages[(path, locale)] = page_id
        existing.page_groups.add((group, locale))
    return existing


def _chunks(rows: Sequence[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), CHUNK_SIZE):
        yield list(rows[start : start + CHUNK_SIZE])


def _seo_columns(seo: dict[str, Any], asset_ids: dict[str, int]) -> dict[str, Any]:
    return {
        "seo_title": seo["title"],
        "seo_description": seo["description"],
        "seo_canonical_url": seo["canonical_url"],
        "seo_og_image_id": asset_ids[seo["og_image"]] if seo["og_image"] else None,
    }


LIFECYCLE = ("locale", "translation_group", "title", "body", "status", "published_at")
STAMPS = ("created_at", "updated_at", "version")
TAG_COLUMNS = ("slug", "name", "description", "version")


class BulkWriter:
    """Inserts validated sections with multi-row statements, resolving keys to ids.

    Ids are read back by key after each table (one statement), which works the same on
    every backend; `INSERT … RETURNING` in parameter order costs a statement per row on SQLite.
    """

    def __init__(
        self, connection: AsyncConnection, total: int, progress: ImportProgress | None
    ) -> None:
        self.connection = connection
        self.asset_ids: dict[str, int] = {}
        self.author_ids: dict[str, int] = {}
        self.tag_ids: dict[str, int] = {}
        self.page_ids: dict[tuple[str, str], int] = {}
        self.total = total
        self.done = 0
        self.progress = progress

    async def write(self, sections: dict[str, list[dict[str, Any]]]) -> None:
        """Insert every section, referenced entries first."""
        await self._insert(Asset, sections["assets"])
        self.asset_ids = await self._ids(Asset.filename, Asset.id)
        await self._insert(Author, [self._author_row(author) for author in sections["authors"]])
        self.author_ids = await self._ids(Author.slug, Author.id)
        tags = [{key: tag[key] for key in TAG_COLUMNS} for tag in sections["tags"]]
        await self._insert(Tag, tags)
        self.tag_ids = await self._ids(Tag.slug, Tag.id)
        await self._write_posts(sections["posts"])
        await self._write_pages(sections["pages"])

    async def _insert(
        self, model: Any, rows: Sequence[dict[str, Any]], *, links: bool = False
    ) -> None:
        """Insert rows in batches; entries (not links) count towards progress."""
        for chunk in _chunks(rows):
            await self.connection.execute(insert(model), chunk)
            if not links:
                self.done += len(chunk)
                if self.progress is not None:
                    self.progress(self.done, self.total)

    async def _ids(self, key: Any, id_column: Any) -> dict[Any, int]:
        return dict(_pairs(await self.connection.execute(select(key, id_column))))

    async def _localized_ids(self, model: Any, key: Any) -> dict[tuple[str, str], int]:
        rows = await self.connection.execute(select(key, model.locale, model.id))
        return {(value, locale): row_id for value, locale, row_id in rows}

    def _author_row(self, author: dict[str, Any]) -> dict[str, Any]:
        avatar = author["avatar"]
        row = {key: author[key] for key in ("slug", "name", "bio", "website", "version")}
        return row | {"avatar_id": self.asset_ids[avatar] if avatar else None}

    def _post_row(self, post: dict[str, Any]) -> dict[str, Any]:
        row = {key: post[key] for key in ("slug", "excerpt", "featured", *LIFECYCLE, *STAMPS)}
        row |= rendered_body(row["body"])
        row["author_id"] = self.author_ids[post["author"]]
        cover = post["cover_image"]
        row["cover_image_id"] = self.asset_ids[cover] if cover else None
        return row | _seo_columns(post["seo"], self.asset_ids)

    async def _write_posts(self, posts: list[dict[str, Any]]) -> None:
        await self._insert(Post, [self._post_row(post) for post in posts])
        post_ids = await self._localized_ids(Post, Post.slug)
        tags, co_authors = [], []
        for post in posts:
            post_id = post_ids[(post["slug"], post["locale"])]
            for position, slug in enumerate(post["tags"]):
                tags.append(
                    {"post_id": post_id, "tag_id": self.tag_ids[slug], "position": position}
                )
            for position, slug in enumerate(post["co_authors"]):
                author_id = self.author_ids[slug]
                co_authors.append(
                    {"post_id": post_id, "author_id": author_id, "position": position}
                )
        await self._insert(PostTag, tags, links=True)
        await self._insert(PostCoAuthor, co_authors, links=True)

    def _page_row(self, page: dict[str, Any]) -> dict[str, Any]:
        row = {key: page[key] for key in ("path", "slug", *LIFECYCLE, *STAMPS)}
        row |= rendered_body(row["body"])
        parent = page["parent"]
        row["parent_id"] = self.page_ids[(parent, page["locale"])] if parent else None
        return row | _seo_columns(page["seo"], self.asset_ids)

    async def _write_pages(self, pages: list[dict[str, Any]]) -> None:
        """Pages level by level, so each parent's id is known before its children."""
        for depth in sorted({page["path"].count("/") for page in pages}):
            level = [page for page in pages if page["path"].count("/") == depth]
            if depth > 1:
                self.page_ids = await self._localized_ids(Page, Page.path)
            await self._insert(Page, [self._page_row(page) for page in level])
