"""Planned execution: plain fields skip graphql-core's per-field work, answers stay the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from graphql.execution.executor import Executor

from tests.conftest import AppClient
from tests.factories import Factory

HOME = """
query Home {
  posts(first: 5) {
    nodes {
      id title slug excerpt publishedAt status featured wordCount
      author { name avatar { url } }
      tags { name slug }
      coverImage { url width height }
      seo { title description }
    }
  }
}
"""


@contextmanager
def fields_resolved_generically(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The fields graphql-core resolved itself while the block ran (library code, counted)."""
    resolved: list[str] = []
    original = Executor.execute_field

    def counted(self: Executor[Any], parent_type: Any, *args: Any) -> Any:
        resolved.append(parent_type.name)
        return original(self, parent_type, *args)

    with monkeypatch.context() as patch:
        patch.setattr(Executor, "execute_field", counted)
        yield resolved


async def _home_content(factory: Factory) -> None:
    asset = await factory.asset()
    author = await factory.author(avatar_id=asset["id"])
    tags = [await factory.tag() for _ in range(3)]
    for _ in range(5):
        await factory.post(author_id=author["id"], cover_image_id=asset["id"], tags=tags)


async def _answer(app_client: AppClient, *, planner: bool) -> bytes:
    client = app_client(planner=planner)
    response = await client.post("/graphql", json={"query": HOME})
    assert response.status_code == 200
    assert b'"errors"' not in response.content, response.text
    return response.content


async def test_planned_answers_equal_the_generic_execution(
    app_client: AppClient, engine: Any
) -> None:
    await _home_content(Factory(engine))
    assert await _answer(app_client, planner=True) == await _answer(app_client, planner=False)


async def test_plain_fields_of_a_list_are_not_resolved_by_graphql_core(
    app_client: AppClient, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _home_content(Factory(engine))
    with fields_resolved_generically(monkeypatch) as generic:
        await _answer(app_client, planner=False)
    with fields_resolved_generically(monkeypatch) as planned:
        await _answer(app_client, planner=True)
    # Generic: every field of every post, author, tag and image (well over a hundred).
    # Planned: the root field alone; the connection and everything below it read directly.
    assert len(generic) > 100
    assert planned == ["Query"]
