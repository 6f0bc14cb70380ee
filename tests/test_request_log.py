"""Request ids and one log line per request, with what the /graphql view knows."""

from __future__ import annotations

import json
import logging
import re

import httpx
import pytest

from masthead.database import StatementTally
from masthead.edge.request_log import (
    REFUSALS,
    RequestLogMiddleware,
    configure_request_log,
    logger,
)

HOME = "query HomePage { posts(first: 5) { nodes { title } } }"


def _lines(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    return [record.facts for record in caplog.records if record.name == "masthead.request"]  # type: ignore[attr-defined]


async def test_an_answer_carries_a_new_request_id(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": HOME})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])


async def test_a_sensible_client_request_id_is_returned(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-Id": "edge-7f3a:42"})

    assert response.headers["X-Request-Id"] == "edge-7f3a:42"


async def test_a_request_id_that_is_not_a_token_is_replaced(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-Id": "a b<script>"})

    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])


async def test_a_request_logs_one_line_with_operation_cost_and_status(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="masthead.request"):
        response = await client.post("/graphql", json={"query": HOME})

    (line,) = _lines(caplog)
    assert line["request_id"] == response.headers["X-Request-Id"]
    assert (line["method"], line["path"], line["status"]) == ("POST", "/graphql", 200)
    assert (line["operation"], line["cost"]) == ("HomePage", 6)
    assert isinstance(line["duration_ms"], float)


async def test_a_request_logs_the_sql_statements_it_sent(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    before = StatementTally.total
    with caplog.at_level(logging.INFO, logger="masthead.request"):
        await client.post("/graphql", json={"query": HOME})

    (line,) = _lines(caplog)
    assert line["statements"] == StatementTally.total - before
    assert line["statements"] >= 1  # the posts, at least


async def test_an_error_while_running_logs_and_counts_its_code(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    before = REFUSALS.labels(code="GRAPHQL_VALIDATION_FAILED")._value.get()  # noqa: SLF001
    with caplog.at_level(logging.INFO, logger="masthead.request"):
        await client.post("/graphql", json={"query": "{ posts { nope } }"})

    (line,) = _lines(caplog)
    assert (line["code"], line["statements"]) == ("GRAPHQL_VALIDATION_FAILED", 0)
    after = REFUSALS.labels(code="GRAPHQL_VALIDATION_FAILED")._value.get()  # noqa: SLF001
    assert after == before + 1


async def test_a_refused_request_logs_its_code(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="masthead.request"):
        await client.post("/graphql", json={"query": HOME}, headers={"Authorization": "Basic x"})

    (line,) = _lines(caplog)
    assert (line["status"], line["code"]) == (401, "UNAUTHENTICATED")


async def test_refusals_are_counted_by_code(client: httpx.AsyncClient) -> None:
    before = REFUSALS.labels(code="UNAUTHENTICATED")._value.get()  # noqa: SLF001

    await client.post("/graphql", json={"query": HOME}, headers={"Authorization": "Basic x"})

    metrics = (await client.get("/metrics")).text
    assert REFUSALS.labels(code="UNAUTHENTICATED")._value.get() == before + 1  # noqa: SLF001
    assert 'masthead_refusals_total{code="UNAUTHENTICATED"}' in metrics


def test_production_lines_are_json_objects() -> None:
    configure_request_log(as_json=True)
    (handler,) = [h for h in logger.handlers if h.formatter is not None]
    record = logging.LogRecord("masthead.request", logging.INFO, __file__, 1, "request", None, None)
    record.facts = {"request_id": "x", "status": 200}

    try:
        line = handler.format(record)
    finally:
        logger.removeHandler(handler)

    assert json.loads(line) == {"request_id": "x", "status": 200}
    assert RequestLogMiddleware is not None
