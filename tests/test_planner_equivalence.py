"""Planned and generic execution give byte-identical answers: every read operation of the
suite and of GraphiQL's examples, with many variables, for the public and a preview token,
sent to an app with the planner on and one with it off over the same seeded database.

The generic app also runs every statement through SQLAlchemy's execution (on SQLite the
planned one runs shared statements on the driver directly, `direct_reads.py`)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from graphql import OperationDefinitionNode, OperationType, parse
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from masthead.database import create_engine
from masthead.demo.seed import seed
from masthead.models import ContentStatus
from masthead.resolvers.token import create_token
from masthead.server import create_app
from masthead.settings import Settings
from tests import backends
from tests.content_samples import Samples, sample_content
from tests.documents_corpus import Operation, corpus, graphql_schema
from tests.factories import Factory
from tests.lifted_literals import lifted
from tests.variable_sets import takes_cursor, variable_sets

# When an error ends a list or an object early, graphql-core (and Strawberry under it)
# leaves the coroutines of its siblings unawaited; Python warns when the garbage
# collector frees them, at a moment that depends on the tests run before. The answers
# are what this module compares; that warning, seen at random, is not.
pytestmark = pytest.mark.filterwarnings("ignore:coroutine .* was never awaited:RuntimeWarning")

# The time both apps see (scheduled posts go live by it): nothing else reads a clock.
NOW = datetime(2030, 7, 1, tzinfo=UTC)
SHOWN = 300  # characters of each body shown around the first difference


@dataclass
class Apps:
    """The same database behind an app with the planner and one without, and who asks."""

    planned: httpx.AsyncClient
    generic: httpx.AsyncClient
    viewers: dict[str, dict[str, str]]
    samples: Samples


async def _seeded_database(template: Path | str, directory: Path) -> str:
    """A fresh database on the backend under test: 60 demo posts with their translations,
    authors, tags, assets and pages, and scheduled posts due and not yet."""
    if isinstance(template, Path):
        url = backends.sqlite_copy(template, directory)
    else:
        url = template
        engine = create_engine(url=url)
        await backends.truncate_all(engine)
        await engine.dispose()
    engine = create_engine(url=url)
    await seed(engine, posts=60, seed=1, progress=False)
    await _scheduled_posts(engine)
    await engine.dispose()
    return url


async def _scheduled_posts(engine: AsyncEngine) -> None:
    """Posts scheduled on either side of NOW, tagged and co-written (the demo's are not)."""
    factory = Factory(engine)
    tag = await factory.tag(slug="on-schedule", name="On schedule")
    co_author = await factory.author(slug="scheduler", name="The Scheduler")
    for days in (-1, 1):
        await factory.post(
            slug=f"scheduled-{days + 1}",
            status=ContentStatus.SCHEDULED,
            published_at=NOW + timedelta(days=days),
            tags=[tag],
            co_authors=[co_author],
        )


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def apps(
    database_template: Path | str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Apps]:
    """Both apps over one seeded database, without caches or rate limits in the way."""
    directory = tmp_path_factory.mktemp("equivalence")
    url = await _seeded_database(database_template, directory)
    settings = Settings(
        database_url=url,
        media_dir=str(directory / "media"),
        response_cache_entries=0,
        rate_limit_points=0,
        rate_limit_token_points=0,
    )
    engine = create_engine(settings)
    _info, secret = await create_token(engine, role="preview")
    viewers = {"anonymous": {}, "preview": {"Authorization": f"Bearer {secret}"}}
    samples = await sample_content(engine, NOW)
    made = [
        create_app(
            settings.model_copy(update={"planner": on, "sqlite_direct_reads": on}),
            engine,
            lambda: NOW,
        )
        for on in (True, False)
    ]
    planned, generic = (_client(app) for app in made)
    yield Apps(planned, generic, viewers, samples)
    for app, client in zip(made, (planned, generic), strict=True):
        await client.aclose()
        app.state.graphql_view.close()  # its connections to Redis, when the environment sets one
    await engine.dispose()


def first_difference(one: bytes, other: bytes) -> int | None:
    """The first position at which two bodies differ; None when they are the same."""
    if one == other:
        return None
    return next(
        (at for at, (a, b) in enumerate(zip(one, other, strict=False)) if a != b),
        min(len(one), len(other)),
    )


def _cursor(body: Any) -> str | None:
    """The first `endCursor` or `cursor` in an answer."""
    if isinstance(body, dict):
        for key in ("endCursor", "cursor"):
            if isinstance(body.get(key), str):
                return str(body[key])
        values = list(body.values())
    else:
        values = body if isinstance(body, list) else []
    return next((found for value in values if (found := _cursor(value))), None)


async def _post(
    client: httpx.AsyncClient, operation: Operation, variables: dict[str, Any], headers: Any
) -> httpx.Response:
    payload = {"query": operation.document, "variables": variables}
    if operation.name:
        payload["operationName"] = operation.name
    return await client.post("/graphql", json=payload, headers=headers)


async def _difference(
    apps: Apps, operation: Operation, variables: dict[str, Any], viewer: str
) -> str | None:
    """What differs between the two answers to one request, told for a reader; or None."""
    headers = apps.viewers[viewer]
    planned = await _post(apps.planned, operation, variables, headers)
    generic = await _post(apps.generic, operation, variables, headers)
    at = first_difference(planned.content, generic.content)
    if at is None and planned.status_code == generic.status_code:
        return None
    start = max(0, (at or 0) - SHOWN // 2)
    return (
        f"{operation.label} as {viewer}, operationName {operation.name!r}\n"
        f"variables: {json.dumps(variables)}\n{operation.document}\n"
        f"status planned {planned.status_code}, generic {generic.status_code}; "
        f"{'same bodies' if at is None else f'bodies differ from byte {at}'}:\n"
        f"planned: {planned.content[start : start + SHOWN]!r}\n"
        f"generic: {generic.content[start : start + SHOWN]!r}"
    )


async def _requests(apps: Apps, operation: Operation, viewer: str) -> list[dict[str, Any]]:
    """The variable sets for one viewer, `after` and `before` a real cursor of its first page."""
    cursor = None
    if takes_cursor(operation):
        first = variable_sets(operation, apps.samples)[0]
        response = await _post(apps.generic, operation, first, apps.viewers[viewer])
        cursor = _cursor(response.json())
    return variable_sets(operation, apps.samples, cursor)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize("operation", corpus(), ids=lambda operation: operation.label)
async def test_planned_and_generic_answers_are_byte_identical(
    apps: Apps, operation: Operation
) -> None:
    requests = [
        (viewer, variables)
        for viewer in apps.viewers
        for variables in await _requests(apps, operation, viewer)
    ]
    differences = [
        difference
        for viewer, variables in requests
        if (difference := await _difference(apps, operation, variables, viewer))
    ]
    shown = "\n\n".join(differences[:3])
    assert not differences, f"{len(differences)} of {len(requests)} answers differ:\n{shown}"


@pytest.mark.asyncio(loop_scope="module")
async def test_the_content_holds_every_kind_of_entry_the_variables_name(apps: Apps) -> None:
    # posts visible, draft, scheduled and due, scheduled and not yet, archived, fr-CA, fr;
    # pages root, child, draft, fr; two authors, tags and assets, and the last of each
    assert {name: len(ids) for name, ids in apps.samples.ids.items()} == {
        "Post": 7,
        "Page": 4,
        "Author": 3,
        "Tag": 3,
        "Asset": 3,
    }


def test_first_difference_is_the_first_differing_byte() -> None:
    assert first_difference(b'{"a":1}', b'{"a":1}') is None
    assert first_difference(b'{"a":1}', b'{"a":2}') == 5
    assert first_difference(b'{"a":1}', b'{"a":1,"b":2}') == 6


def test_literal_arguments_are_lifted_into_variables_of_their_argument_type() -> None:
    document = (
        '{ post(slug: "x", locale: "fr") { body(format: TEXT) } posts(first: 2) { totalCount } }'
    )

    result = lifted(document, graphql_schema())

    assert result is not None
    text, values = result
    assert values == {"slug": "x", "locale": "fr", "format": "TEXT", "first": 2}
    assert "($slug: String, $locale: String, $format: BodyFormat!, $first: Int)" in text
    assert "post(slug: $slug, locale: $locale)" in text


def test_corpus_holds_the_read_operations_of_examples_docs_and_tests() -> None:
    sources = {operation.source.split(":")[0] for operation in corpus()}
    assert {f"examples/{name}" for name in ("home", "post", "search")} <= sources
    assert {"test_lookups.py", "test_hidden_entries.py", "keyed_site.py"} <= sources
    assert {"README.md", "docs/tokens.md"} <= sources
    sent = [
        definition.operation
        for operation in corpus()
        if operation.valid
        for definition in parse(operation.document).definitions
        if isinstance(definition, OperationDefinitionNode)
        and (definition.name.value if definition.name else None) == operation.name
    ]
    assert set(sent) == {OperationType.QUERY}
    assert len(sent) == sum(operation.valid for operation in corpus())
