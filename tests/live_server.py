"""The real app served by uvicorn in the test's own event loop: WebSockets need a server."""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from masthead.server import create_app
from masthead.settings import Settings
from tests.processes import free_port
from tests.ws_client import until


@asynccontextmanager
async def live_server(settings: Settings, engine: AsyncEngine) -> AsyncIterator[str]:
    """`create_app` served on a free port, its lifespan run; its `host:port`.

    What the lifespan sets for the whole process (the request log's handler, the frozen
    garbage collector) is undone afterwards, for the tests that follow.
    """
    async with live_app(create_app(settings, engine=engine)) as address:
        yield address


@asynccontextmanager
async def live_app(app: Starlette) -> AsyncIterator[str]:
    """`live_server` for an app already built (the test reads its state)."""
    request_log = logging.getLogger("masthead.request")
    handlers, level = list(request_log.handlers), request_log.level
    try:
        async with _serving(app) as address:
            yield address
    finally:
        request_log.handlers[:] = handlers
        request_log.setLevel(level)
        gc.unfreeze()


@asynccontextmanager
async def _serving(app: Starlette) -> AsyncIterator[str]:
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        lifespan="on",
        ws="websockets-sansio",
        ws_per_message_deflate=False,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    serving = asyncio.get_running_loop().create_task(server.serve())
    await until(lambda: server.started or serving.done(), "uvicorn to start")
    if serving.done():
        serving.result()  # the error that stopped it
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await serving
