"""Plans kept per operation: a known operation is not collected and compiled again."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from graphql import parse

from masthead.schema.core import completers
from masthead.schema.core.operation_plans import _directive_variables
from tests.conftest import AppClient
from tests.factories import Factory

HOME = """
query Home($withTags: Boolean!) {
  posts(first: 3) {
    nodes {
      title
      author { name }
      tags @include(if: $withTags) { name }
    }
  }
}
"""


@contextmanager
def compiled_objects(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the types whose completers were compiled while the block ran."""
    built: list[str] = []
    original = completers.ObjectCompleter.__init__

    def counted(
        self: completers.ObjectCompleter, execution: Any, parent_type: Any, *rest: Any
    ) -> None:
        built.append(parent_type.name)
        original(self, execution, parent_type, *rest)

    with monkeypatch.context() as patch:
        patch.setattr(completers.ObjectCompleter, "__init__", counted)
        yield built


async def _home(client: httpx.AsyncClient, *, with_tags: bool) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": HOME, "variables": {"withTags": with_tags}}
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body


async def test_a_known_operation_is_compiled_once(
    app_client: AppClient, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = Factory(engine)
    tag = await factory.tag()
    for _ in range(3):
        await factory.post(tags=[tag])
    client = app_client()
    with compiled_objects(monkeypatch) as first:
        answer = await _home(client, with_tags=True)
    with compiled_objects(monkeypatch) as second:
        assert await _home(client, with_tags=True) == answer
    assert sorted(first) == ["Author", "Post", "PostConnection", "Query", "Tag"]
    assert second == []


async def test_directive_variables_keep_a_plan_per_value(
    app_client: AppClient, engine: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    factory = Factory(engine)
    tag = await factory.tag()
    await factory.post(tags=[tag])
    client = app_client()
    with_tags = await _home(client, with_tags=True)
    with compiled_objects(monkeypatch) as compiled:
        without = await _home(client, with_tags=False)
    # Leaving `tags` out is another plan, compiled for it: the kept one would add them.
    assert "tags" in with_tags["data"]["posts"]["nodes"][0]
    assert "tags" not in without["data"]["posts"]["nodes"][0]
    assert compiled
    with compiled_objects(monkeypatch) as again:
        assert await _home(client, with_tags=True) == with_tags
        assert await _home(client, with_tags=False) == without
    assert again == []


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ("{ a b }", ()),
        ("query($x: Boolean!) { a @skip(if: $x) b @include(if: $x) }", ("x",)),
        ("query($x: Boolean!, $y: Boolean!) { ...F } fragment F on Q { a @skip(if: $y) }", ("y",)),
        ("query($x: Boolean!) { a @defer(if: $x) { b } }", None),
    ],
)
def test_directive_variables_are_those_directives_read(
    document: str, variables: tuple[str, ...] | None
) -> None:
    assert _directive_variables(list(parse(document).definitions)) == variables
