"""An operation's read context never leaves a connection open: a loader still running when
its operation ended (another field failed first) gets an error, not a new connection."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import utcnow
from masthead.resolvers.core.context import OperationFinishedError, ReadContext, Viewer


def read_context(engine: AsyncEngine) -> ReadContext:
    return ReadContext(
        engine, viewer=Viewer(), now=utcnow(), default_locale="en", media_base_url=""
    )


async def test_a_statement_after_the_operation_closed_opens_no_connection(
    engine: AsyncEngine,
) -> None:
    context = read_context(engine)
    await context.close()

    with pytest.raises(OperationFinishedError):
        await context.rows(select(1))

    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_connection_still_opening_when_the_operation_closes_is_closed(
    engine: AsyncEngine,
) -> None:
    context = read_context(engine)
    loading = asyncio.create_task(context.rows(select(1)))
    await asyncio.sleep(0)  # the statement's task starts and waits for its connection

    await context.close()

    with pytest.raises(OperationFinishedError):
        await loading
    assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
