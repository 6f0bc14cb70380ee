"""Liveness and readiness: `/healthz` answers while the process runs, `/readyz` checks the DB."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse

from masthead.edge.unavailable import RETRY_AFTER_SECONDS, Outage
from masthead.migrations.runner import schema_is_current


async def healthz(_request: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and its schema is at the newest migration.

    Otherwise 503 with the same code `/graphql` answers with in `extensions.reason`.
    """
    try:
        current = await schema_is_current(request.app.state.engine)
    except (SQLAlchemyError, OSError):
        return _unavailable(Outage.DATABASE_UNAVAILABLE)
    if not current:
        return _unavailable(Outage.MIGRATIONS_PENDING)
    return JSONResponse({"status": "ready"})


def _unavailable(outage: Outage) -> JSONResponse:
    body = {"status": "unavailable", "code": outage.value, "reason": outage.message}
    headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
    return JSONResponse(body, status_code=503, headers=headers)
