"""`locale`: each entry resolves along `fr-CA` → `fr` → the default locale (`en`)."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import ContentStatus
from tests.conftest import GraphQLClient
from tests.factories import Factory

LIST = """query L($locale: String) { posts(locale: $locale, orderBy: [TITLE_ASC]) {
  totalCount nodes { slug locale } } }"""


async def _content(engine: AsyncEngine) -> None:
    """Group `hello` in en, fr and fr-CA; `cheese` in en and fr; `tea` in en only; the
    German `tea` exists but is a draft."""
    factory = Factory(engine)
    for locale in ("en", "fr", "fr-CA"):
        await factory.post(
            slug=f"hello-{locale.lower()}", title=f"Hello {locale}", locale=locale,
            translation_group="hello",
        )  # fmt: skip
    for locale in ("en", "fr"):
        await factory.post(
            slug=f"cheese-{locale}", title=f"Cheese {locale}", locale=locale,
            translation_group="cheese",
        )  # fmt: skip
    await factory.post(slug="tea-en", title="Tea en", locale="en", translation_group="tea")
    await factory.post(
        slug="tea-de", title="Tea de", locale="de", translation_group="tea",
        status=ContentStatus.DRAFT,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        (None, ["cheese-en:en", "hello-en:en", "tea-en:en"]),
        ("fr-CA", ["cheese-fr:fr", "hello-fr-ca:fr-CA", "tea-en:en"]),
        ("fr", ["cheese-fr:fr", "hello-fr:fr", "tea-en:en"]),
        ("de", ["cheese-en:en", "hello-en:en", "tea-en:en"]),
    ],
)
async def test_lists_hold_one_entry_per_group_in_the_best_locale(
    gql: GraphQLClient, engine: AsyncEngine, locale: str | None, expected: list[str]
) -> None:
    await _content(engine)

    data = await gql.data(LIST, {"locale": locale})

    nodes = [f"{node['slug']}:{node['locale']}" for node in data["posts"]["nodes"]]
    assert sorted(nodes) == expected
    assert data["posts"]["totalCount"] == 3


async def test_lookup_by_slug_with_a_locale_finds_the_best_translation(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)

    data = await gql.data(
        '{ a: post(slug: "hello-en", locale: "fr-CA") { slug } '
        'b: post(slug: "cheese-en", locale: "fr-CA") { slug } '
        'c: post(slug: "tea-en", locale: "de") { slug } }'
    )

    assert data == {
        "a": {"slug": "hello-fr-ca"},
        "b": {"slug": "cheese-fr"},
        "c": {"slug": "tea-en"},
    }


async def test_translations_list_the_other_visible_locales(
    gql: GraphQLClient, engine: AsyncEngine
) -> None:
    await _content(engine)

    data = await gql.data(
        '{ hello: post(slug: "hello-en") { translations { locale } } '
        'tea: post(slug: "tea-en") { translations { locale } } }'
    )

    assert sorted(t["locale"] for t in data["hello"]["translations"]) == ["fr", "fr-CA"]
    assert data["tea"]["translations"] == []


@pytest.mark.parametrize("locale", ["", "english!", "f", "fr_CA"])
async def test_a_malformed_locale_is_bad_user_input(
    gql: GraphQLClient, engine: AsyncEngine, locale: str
) -> None:
    await _content(engine)

    body = await gql.query(LIST, {"locale": locale})

    assert body["data"] is None
    assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
