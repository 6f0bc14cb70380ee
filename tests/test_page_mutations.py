"""Writing pages: paths follow parents, no cycles, subtrees move along, parents stay."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from tests.conftest import GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import gid

ERRORS = "userErrors { field code }"
CREATE = f"""mutation($input: PageInput!) {{
  createPage(input: $input) {{ page {{ id path status }} {ERRORS} }} }}"""
UPDATE = f"""mutation($id: ID!, $input: PageInput!) {{
  updatePage(id: $id, input: $input) {{ page {{ path version }} {ERRORS} }} }}"""
DELETE = f"mutation($id: ID!) {{ deletePage(id: $id) {{ deletedId {ERRORS} }} }}"
PATHS = "{ pages(first: 50) { nodes { path } } }"


async def _create(gql: GraphQLClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(CREATE, {"input": fields}, headers))["createPage"]
    return result


async def test_a_child_page_path_joins_its_parent_path(
    gql: GraphQLClient, token: TokenMaker
) -> None:
    headers = await token("editor")
    about = (await _create(gql, headers, slug="about", title="About"))["page"]

    team = await _create(gql, headers, slug="team", title="Team", parent=about["id"])

    assert team["page"]["path"] == "/about/team"
    assert team["page"]["status"] == "DRAFT"


async def test_a_taken_path_is_refused(gql: GraphQLClient, token: TokenMaker) -> None:
    headers = await token("editor")
    await _create(gql, headers, slug="about", title="About")

    again = await _create(gql, headers, slug="about", title="About again")

    assert again["userErrors"] == [{"field": ["input", "slug"], "code": "TAKEN"}]


async def test_moving_a_page_moves_its_whole_subtree(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    about = await factory.page(path="/about")
    team = await factory.page(path="/about/team", parent_id=about["id"])
    await factory.page(path="/about/team/ada", parent_id=team["id"])
    company = await factory.page(path="/company")

    data = await gql.data(
        UPDATE, {"id": gid("Page", team), "input": {"parent": gid("Page", company)}},
        await token("editor"),
    )  # fmt: skip

    assert data["updatePage"]["page"]["path"] == "/company/team"
    paths = sorted(node["path"] for node in (await gql.data(PATHS))["pages"]["nodes"])
    assert paths == ["/about", "/company", "/company/team", "/company/team/ada"]


async def test_a_page_cannot_move_under_its_own_descendant(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    about = await factory.page(path="/about")
    team = await factory.page(path="/about/team", parent_id=about["id"])

    data = await gql.data(
        UPDATE, {"id": gid("Page", about), "input": {"parent": gid("Page", team)}},
        await token("editor"),
    )  # fmt: skip

    assert data["updatePage"] == {
        "page": None,
        "userErrors": [{"field": ["input", "parent"], "code": "INVALID"}],
    }


async def test_a_page_with_children_cannot_be_deleted(
    gql: GraphQLClient, engine: AsyncEngine, token: TokenMaker
) -> None:
    factory = Factory(engine)
    about = await factory.page(path="/about")
    await factory.page(path="/about/team", parent_id=about["id"])

    data = await gql.data(DELETE, {"id": gid("Page", about)}, await token("editor"))

    assert data["deletePage"] == {
        "deletedId": None,
        "userErrors": [{"field": ["id"], "code": "INVALID"}],
    }


async def test_a_translation_joins_the_group_and_shows_in_translations(
    gql: GraphQLClient, token: TokenMaker
) -> None:
    headers = await token("editor")
    about = (await _create(gql, headers, slug="about", title="About"))["page"]
    french = await _create(
        gql, headers, slug="a-propos", title="À propos", locale="fr", translationOf=about["id"]
    )
    twice = await _create(
        gql, headers, slug="apropos", title="Encore", locale="fr", translationOf=about["id"]
    )

    assert french["userErrors"] == []
    assert twice["userErrors"] == [{"field": ["input", "locale"], "code": "TAKEN"}]
    query = "query($id: ID!) { page(id: $id) { translations { path locale } } }"
    data = await gql.data(query, {"id": about["id"]}, headers)
    assert data["page"]["translations"] == [{"path": "/a-propos", "locale": "fr"}]
