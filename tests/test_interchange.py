"""Import and export of the content document: round trips, bulk writes, refusals."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.database import StatementTally
from masthead.demo.generator import generate_document
from masthead.interchange import InterchangeError, export_document, import_document
from tests.content_tables import delete_all_content, row_counts, small_document
from tests.factories import Factory

POST_KEYS = [
    "slug", "locale", "translationGroup", "title", "excerpt", "body", "status", "publishedAt",
    "createdAt", "updatedAt", "featured", "author", "coAuthors", "tags", "coverImage", "seo",
    "version",
]  # fmt: skip
PAGE_KEYS = [
    "path", "slug", "locale", "translationGroup", "title", "body", "status", "publishedAt",
    "createdAt", "updatedAt", "parent", "seo", "version",
]  # fmt: skip
AUTHOR_KEYS = ["slug", "name", "bio", "avatar", "website", "version"]
TAG_KEYS = ["slug", "name", "description", "version"]


async def test_export_of_an_empty_database_has_every_section_empty(engine: AsyncEngine) -> None:
    document = await export_document(engine)
    assert document == {
        "version": 1,
        "authors": [],
        "tags": [],
        "assets": [],
        "posts": [],
        "pages": [],
    }


async def test_import_then_export_gives_back_the_same_document(engine: AsyncEngine) -> None:
    document = generate_document(posts=40, seed=7)
    await import_document(engine, document)
    assert await export_document(engine) == document


async def test_export_import_export_into_an_empty_database_is_exact(engine: AsyncEngine) -> None:
    await import_document(engine, generate_document(posts=30, seed=11))
    first = await export_document(engine)
    await delete_all_content(engine)
    await import_document(engine, first)
    assert await export_document(engine) == first


async def test_authors_and_tags_keep_their_version_through_export_and_import(
    engine: AsyncEngine,
) -> None:
    await import_document(engine, small_document())
    first = await export_document(engine)
    await delete_all_content(engine)

    await import_document(engine, first)
    second = await export_document(engine)

    assert [author["version"] for author in first["authors"]] == [2, 1]
    assert [tag["version"] for tag in first["tags"]] == [4, 1]
    assert orjson.dumps(second, option=orjson.OPT_INDENT_2) == orjson.dumps(
        first, option=orjson.OPT_INDENT_2
    )


async def test_authors_and_tags_without_a_version_start_at_version_1(engine: AsyncEngine) -> None:
    document = small_document()
    for entry in [*document["authors"], *document["tags"]]:
        del entry["version"]
    document["tags"][1]["version"] = None

    await import_document(engine, document)

    exported = await export_document(engine)
    assert [entry["version"] for entry in [*exported["authors"], *exported["tags"]]] == [1] * 4


async def test_export_writes_keys_in_the_format_order(engine: AsyncEngine) -> None:
    await import_document(engine, small_document())
    document = await export_document(engine)
    assert list(document) == ["version", "authors", "tags", "assets", "posts", "pages"]
    assert list(document["authors"][0]) == AUTHOR_KEYS
    assert list(document["tags"][0]) == TAG_KEYS
    assert list(document["posts"][0]) == POST_KEYS
    assert list(document["pages"][0]) == PAGE_KEYS
    assert list(document["posts"][0]["seo"]) == ["title", "description", "canonicalUrl", "ogImage"]


async def test_export_keeps_tags_and_co_authors_in_editor_order(engine: AsyncEngine) -> None:
    document = small_document()
    document["authors"].append({"slug": "ada", "name": "Ada"})
    document["posts"][0] |= {"tags": ["python", "music"], "coAuthors": ["barbara-liskov", "ada"]}
    document["posts"][1] |= {"tags": ["music", "python"], "coAuthors": ["ada", "barbara-liskov"]}
    await import_document(engine, document)
    posts = (await export_document(engine))["posts"]
    assert [post["tags"] for post in posts[:2]] == [["python", "music"], ["music", "python"]]
    assert posts[1]["coAuthors"] == ["ada", "barbara-liskov"]


async def test_import_stores_timestamps_in_utc_with_an_offset(engine: AsyncEngine) -> None:
    document = small_document()
    document["posts"][0]["publishedAt"] = "2024-05-24T21:37:01+02:00"
    await import_document(engine, document)
    post = (await export_document(engine))["posts"][0]
    assert post["publishedAt"] == "2024-05-24T19:37:01+00:00"


async def test_import_counts_entries_per_type(engine: AsyncEngine) -> None:
    summary = await import_document(engine, small_document())
    assert (summary.authors, summary.tags, summary.assets) == (2, 2, 1)
    assert (summary.posts, summary.pages) == (4, 3)


async def test_optional_fields_take_their_defaults(engine: AsyncEngine) -> None:
    document = small_document()
    document["posts"] = [
        {"slug": "bare", "locale": "en", "title": "Bare", "status": "DRAFT", "author": "ada"}
    ]
    document["authors"].append({"slug": "ada", "name": "Ada"})
    await import_document(engine, document)
    post = (await export_document(engine))["posts"][0]
    assert post["translationGroup"] == "post-bare"
    assert (post["featured"], post["coAuthors"], post["tags"], post["version"]) == (
        False,
        [],
        [],
        1,
    )
    assert post["createdAt"] == post["updatedAt"]


async def test_pages_may_be_listed_before_their_parents(engine: AsyncEngine) -> None:
    document = small_document()
    document["pages"].reverse()
    await import_document(engine, document)
    pages = (await export_document(engine))["pages"]
    assert [(page["path"], page["parent"]) for page in pages] == [
        ("/about", None),
        ("/about/team", "/about"),
        ("/contact", None),
    ]


async def test_import_may_refer_to_content_already_stored(engine: AsyncEngine) -> None:
    await import_document(engine, small_document())
    addition: dict[str, Any] = {"version": 1, "posts": [small_document()["posts"][0]]}
    addition["posts"][0] |= {"slug": "more-notes", "translationGroup": "post-more-notes"}
    addition["pages"] = [small_document()["pages"][1] | {"path": "/about/history"}]
    addition["pages"][0] |= {"slug": "history", "translationGroup": "page-history"}
    summary = await import_document(engine, addition)
    assert (summary.posts, summary.pages) == (1, 1)


async def test_import_writes_in_bulk(engine: AsyncEngine) -> None:
    document = generate_document(posts=300, seed=2)
    before = StatementTally.total
    await import_document(engine, document)
    assert StatementTally.total - before < 40


async def test_export_reads_in_a_handful_of_statements(engine: AsyncEngine) -> None:
    await import_document(engine, generate_document(posts=300, seed=2))
    before = StatementTally.total
    await export_document(engine)
    assert StatementTally.total - before <= 8


def _change(section: str, index: int, **values: Any) -> dict[str, Any]:
    document = small_document()
    document[section][index] |= values
    return document


WEEKLY = 'posts[3] (slug "weekly-notes")'
BAD_DOCUMENTS = {
    "unknown-author": (
        _change("posts", 3, author="nobody"),
        f'{WEEKLY}: author: unknown author "nobody"',
    ),
    "unknown-co-author": (
        _change("posts", 3, coAuthors=["nobody"]),
        f'{WEEKLY}: coAuthors[0]: unknown author "nobody"',
    ),
    "unknown-tag": (
        _change("posts", 3, tags=["music", "jazz"]),
        f'{WEEKLY}: tags[1]: unknown tag "jazz"',
    ),
    "repeated-tag": (
        _change("posts", 3, tags=["music", "music"]),
        f'{WEEKLY}: tags[1]: "music" appears twice',
    ),
    "unknown-cover": (
        _change("posts", 3, coverImage="missing.png"),
        f'{WEEKLY}: coverImage: unknown asset "missing.png"',
    ),
    "unknown-og-image": (
        _change("posts", 3, seo={"ogImage": "missing.png"}),
        f'{WEEKLY}: seo.ogImage: unknown asset "missing.png"',
    ),
    "unknown-avatar": (
        _change("authors", 1, avatar="missing.png"),
        'authors[1] (slug "barbara-liskov"): avatar: unknown asset "missing.png"',
    ),
    "wrong-type": (
        _change("posts", 3, featured="yes"),
        f"{WEEKLY}: featured: must be true or false",
    ),
    "bad-enum": (
        _change("posts", 3, status="LIVE"),
        f"{WEEKLY}: status: must be one of DRAFT, SCHEDULED, PUBLISHED, ARCHIVED, not 'LIVE'",
    ),
    "timestamp-without-offset": (
        _change("posts", 3, publishedAt="2024-05-24T19:37:01"),
        f"{WEEKLY}: publishedAt: must be an ISO 8601 timestamp with offset",
    ),
    "bad-slug": (
        _change("posts", 3, slug="Weekly Notes"),
        'posts[3] (slug "Weekly Notes"): slug: must be lowercase letters and digits joined',
    ),
    "bad-locale": (
        _change("posts", 3, locale="english"),
        f'{WEEKLY}: locale: must be a language tag, like "en" or "fr-CA"',
    ),
    "unknown-field": (
        _change("posts", 3, publishAt="2024-05-24T19:37:01+00:00"),
        f"{WEEKLY}: publishAt: unknown field",
    ),
    "author-version-below-1": (
        _change("authors", 0, version=0),
        'authors[0] (slug "donald-knuth"): version: must be an integer of at least 1',
    ),
    "tag-version-not-an-integer": (
        _change("tags", 1, version="2"),
        'tags[1] (slug "music"): version: must be an integer of at least 1',
    ),
    "negative-size": (
        _change("assets", 0, size=-1),
        'assets[0] (filename "cover-1.webp"): size: must be an integer of at least 0',
    ),
    "duplicate-slug": (
        _change("posts", 3, slug="first-post"),
        (
            'posts[3] (slug "first-post"): slug: "first-post" in locale "en" is already used by '
            'posts[0] (slug "first-post")'
        ),
    ),
    "duplicate-path": (
        _change("pages", 2, path="/about", slug="about"),
        'pages[2] (path "/about"): path: "/about" in locale "en" is already used by pages[0]',
    ),
    "parent-in-another-locale": (
        _change("pages", 1, locale="fr"),
        'pages[1] (path "/about/team"): parent: no page "/about" in locale "fr"',
    ),
    "parent-not-matching-path": (
        _change("pages", 1, parent="/contact"),
        'pages[1] (path "/about/team"): parent: must be "/about" for path "/about/team"',
    ),
    "published-in-the-future": (
        _change("posts", 3, publishedAt="2999-01-01T00:00:00+00:00"),
        f"{WEEKLY}: publishedAt: 2999-01-01T00:00:00+00:00 is in the future",
    ),
    "published-without-date": (
        _change("posts", 3, publishedAt=None),
        f"{WEEKLY}: publishedAt: required when status is PUBLISHED",
    ),
    "scheduled-without-date": (
        _change("posts", 3, status="SCHEDULED", publishedAt=None),
        f"{WEEKLY}: publishedAt: required when status is SCHEDULED",
    ),
}


@pytest.mark.parametrize(("document", "message"), BAD_DOCUMENTS.values(), ids=BAD_DOCUMENTS)
async def test_bad_document_names_entry_and_field_and_changes_nothing(
    engine: AsyncEngine, document: dict[str, Any], message: str
) -> None:
    await Factory(engine).post(slug="already-here")
    before = await row_counts(engine)
    with pytest.raises(InterchangeError) as refusal:
        await import_document(engine, document)
    assert str(refusal.value).startswith(message)
    assert await row_counts(engine) == before


async def test_missing_required_field_is_named(engine: AsyncEngine) -> None:
    document = small_document()
    del document["posts"][3]["title"]
    with pytest.raises(
        InterchangeError, match=r'^posts\[3\] \(slug "weekly-notes"\): title: required'
    ):
        await import_document(engine, document)


async def test_entry_colliding_with_stored_content_is_refused(engine: AsyncEngine) -> None:
    await Factory(engine).author(slug="barbara-liskov")
    before = await row_counts(engine)
    with pytest.raises(InterchangeError) as refusal:
        await import_document(engine, small_document())
    expected = 'authors[1] (slug "barbara-liskov"): slug: "barbara-liskov" already exists'
    assert str(refusal.value).startswith(expected)
    assert await row_counts(engine) == before


async def test_every_problem_is_listed_in_document_order(engine: AsyncEngine) -> None:
    document = _change("posts", 3, author="nobody")
    document["posts"][0]["author"] = "someone"
    with pytest.raises(InterchangeError) as refusal:
        await import_document(engine, document)
    assert refusal.value.problems == [
        'posts[0] (slug "first-post"): author: unknown author "someone"',
        f'{WEEKLY}: author: unknown author "nobody"',
    ]
    assert str(refusal.value).endswith("(and 1 more problem)")


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "the document must be a JSON object"),
        ({"version": 2}, "version: must be 1, not 2"),
        ({"version": 1, "posts": {}}, "posts: must be a list"),
        ({"version": 1, "comments": []}, "comments: unknown section"),
        ({"version": 1, "posts": ["oops"]}, "posts[0]: must be an object"),
    ],
    ids=["not-an-object", "wrong-version", "section-not-a-list", "unknown-section", "bad-entry"],
)
async def test_malformed_document_is_refused(
    engine: AsyncEngine, document: object, message: str
) -> None:
    with pytest.raises(InterchangeError) as refusal:
        await import_document(engine, document)
    assert str(refusal.value) == message
