"""Compiled completers answer as graphql-core does, errors included: a small schema whose
values break every rule a completion checks (nulls where the schema forbids them, values
a scalar or enum does not coerce, objects of the wrong type, failing resolvers), executed
planned and generic."""

from __future__ import annotations

import asyncio
from collections import deque
from enum import Enum
from typing import Any

import pytest
import strawberry
from graphql.execution.executor import Executor

from masthead.schema.core.planner import PlannedExecution


@strawberry.enum
class Color(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Item(Named):
    name: str
    count: int
    ratio: float | None
    flag: bool
    color: Color
    maybe_color: Color | None
    tags: list[str]
    maybe_tags: list[str | None] | None
    child: Item | None
    sure_child: Item
    children: list[Item]
    maybe_children: list[Item | None] | None
    grid: list[list[int]] | None

    @strawberry.field
    def doubled(self) -> int:
        return self.count * 2

    @strawberry.field
    def failing(self) -> str | None:
        raise ValueError("failing: " + self.name)

    @strawberry.field
    def sure_failing(self) -> str:
        raise ValueError("sure failing: " + self.name)

    @strawberry.field
    async def later(self) -> str:
        await asyncio.sleep(0)
        return self.name

    @strawberry.field
    async def later_child(self) -> Item | None:
        await asyncio.sleep(0)
        return self.child

    @strawberry.field
    def times(self, n: int) -> int:
        return self.count * n


def item(label: str, **values: Any) -> Item:
    """An item whose fields hold whatever the test puts there (no type is checked)."""
    fields: dict[str, Any] = {
        "name": label, "count": 1, "ratio": 0.5, "flag": True, "color": Color.RED,
        "maybe_color": None, "tags": ["a"], "maybe_tags": None, "child": None,
        "sure_child": _leaf(label + "/sure"), "children": [], "maybe_children": None,
        "grid": None,
    }  # fmt: skip
    instance = Item.__new__(Item)
    instance.__dict__.update(fields | values)
    return instance


def _leaf(name: str) -> Item:
    """A plain item, its own `sureChild`."""
    leaf = Item.__new__(Item)
    leaf.__dict__.update(
        name=name, count=2, ratio=None, flag=False, color=Color.BLUE, maybe_color=None,
        tags=[], maybe_tags=None, child=None, children=[], maybe_children=None, grid=None,
    )  # fmt: skip
    leaf.__dict__["sure_child"] = leaf
    return leaf


class NotAnItem:
    name = "impostor"


ITEMS: dict[str, list[Any]] = {
    "plain": [item("one"), item("two", child=_leaf("two/child"), children=[_leaf("c1")])],
    "bad_int": [item("big", count=2**40), item("text", count="12"), item("half", count=1.5)],
    "bad_float": [item("nan", ratio=float("nan")), item("str", ratio="2.5")],
    "bad_bool": [item("zero", flag=0), item("list", flag=[])],
    "bad_enum": [item("value", color="red"), item("other", maybe_color="green")],
    "null_non_null": [item("nameless", name=None), item("ok")],
    "bad_tags": [item("none", tags=["x", None]), item("int", tags=[1, 2.5, True])],
    "bad_maybe_tags": [item("obj", maybe_tags=["x", object(), None]), item("ok")],
    "wrong_child": [item("w", child=NotAnItem()), item("s", sure_child=NotAnItem())],
    "null_children": [item("n", children=[_leaf("k"), None]), item("m", sure_child=None)],
    "maybe_children": [item("p", maybe_children=[None, _leaf("q"), NotAnItem()])],
    "grid": [item("g", grid=[[1, 2], [3, None]]), item("h", grid=[[1], "no", [2**40]])],
    "not_lists": [item("t", tags="abc"), item("u", children=deque([_leaf("v")]))],
    "nested_fail": [item("deep", child=item("inner", name=None, sure_child=None))],
}


@strawberry.type
class Query:
    @strawberry.field
    def items(self, case: str) -> list[Item]:
        return ITEMS[case]

    @strawberry.field
    def maybe_items(self, case: str) -> list[Item | None] | None:
        return ITEMS[case]

    @strawberry.field
    def named(self, case: str) -> list[Named]:
        return ITEMS[case]


FIELDS = """
  __typename name count ratio flag color maybeColor tags maybeTags doubled failing
  later times(n: 3) grid
  child { name count sureChild { name } }
  sureChild { name tags }
  children { name tags child { name } }
  maybeChildren { name }
  laterChild { name later }
"""
QUERIES = {
    "items": "query ($case: String!) { items(case: $case) { %s } }" % FIELDS,  # noqa: UP031
    "maybe": "query ($case: String!) { maybeItems(case: $case) { %s } }" % FIELDS,  # noqa: UP031
    "sure": "query ($case: String!) { maybeItems(case: $case) { name sureFailing } }",
    "named": "query ($case: String!) { named(case: $case) { name ... on Item { count } } }",
}

PLANNED = strawberry.Schema(query=Query, execution_context_class=PlannedExecution)
GENERIC = strawberry.Schema(query=Query)


async def _answer(schema: strawberry.Schema, query: str, case: str) -> tuple[Any, list[Any]]:
    result = await schema.execute(QUERIES[query], variable_values={"case": case})
    # What a null propagated past is settled in the background, as graphql-core does.
    for _ in range(10):
        await asyncio.sleep(0)
    return result.data, [error.formatted for error in result.errors or []]


@pytest.mark.parametrize("case", ITEMS)
@pytest.mark.parametrize("query", QUERIES)
async def test_planned_answers_and_errors_are_graphql_cores(query: str, case: str) -> None:
    assert await _answer(PLANNED, query, case) == await _answer(GENERIC, query, case)


async def test_the_cases_hold_errors_and_nulls() -> None:
    data, errors = await _answer(GENERIC, "maybe", "bad_maybe_tags")
    assert errors
    assert data["maybeItems"][0]["maybeTags"] == ["x", None, None]


async def test_plain_values_complete_without_graphql_core(monkeypatch: pytest.MonkeyPatch) -> None:
    generic: list[str] = []
    original = Executor.execute_field

    def counted(self: Executor[Any], parent_type: Any, *args: Any) -> Any:
        generic.append(parent_type.name)
        return original(self, parent_type, *args)

    monkeypatch.setattr(Executor, "execute_field", counted)
    query = QUERIES["items"].replace("failing", "")
    result = await PLANNED.execute(query, variable_values={"case": "plain"})
    assert result.errors is None
    assert generic == []
