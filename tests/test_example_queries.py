"""The six example queries (home, post, tag, authors, filtered, search) run on demo content."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.demo.seed import seed
from masthead.graphiql.examples import Example, load_examples

EXAMPLES = {example.name: example for example in load_examples()}


def test_the_six_examples_of_the_spec_are_there_in_order() -> None:
    assert list(EXAMPLES) == ["home", "post", "tag", "authors", "filtered", "search"]


@pytest.mark.parametrize("name", list(EXAMPLES))
async def test_example_answers_without_errors_on_demo_content(
    name: str, engine: AsyncEngine, client: httpx.AsyncClient
) -> None:
    await seed(engine, posts=30, seed=1, progress=False)
    example: Example = EXAMPLES[name]

    response = await client.post(
        "/graphql", json={"query": example.query, "variables": example.variables}
    )

    body = response.json()
    assert "errors" not in body, body["errors"]
    assert all(value is not None for value in body["data"].values()), body["data"]
