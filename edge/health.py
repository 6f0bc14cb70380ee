"""Liveness and readiness: `/healthz` answers while the process runs, `/readyz` checks the DB."""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse

from masthead.migrations.runner import schema_is_current


async def healthz(_request: Request) -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers and its schema is at the newest migration."""
    try:
        current = await schema_is_current(request.app.state.engine)
    except (SQLAlchemyError, OSError) as error:
        reason = f"database unreachable: {type(error).__name__}"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    if not current:
        reason = "database schema is not current: run `masthead migrate`"
        return JSONResponse({"status": "unavailable", "reason": reason}, status_code=503)
    return JSONResponse({"status": "ready"})
