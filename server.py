"""The ASGI app: routes, middleware and lifespan, built from settings. No business logic."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route, WebSocketRoute

from masthead.database import create_engine
from masthead.edge.content_generation import ContentGeneration
from masthead.edge.cors import CORSMiddleware
from masthead.edge.fast_hits import FastHits
from masthead.edge.graphql_view import GraphQLView
from masthead.edge.health import healthz, readyz
from masthead.edge.media import media_route
from masthead.edge.memory import (
    MemoryCollector,
    OpenConnections,
    limit_malloc_arenas,
    memory_registry,
)
from masthead.edge.metrics import MetricsMiddleware, metrics
from masthead.edge.persisted_queries import MemoryDocuments
from masthead.edge.request_log import RequestLogMiddleware, configure_request_log
from masthead.edge.security_headers import SecurityHeadersMiddleware
from masthead.events.fanout import fanned_out
from masthead.events.worker import EventWorker
from masthead.graphiql.page import graphiql_routes
from masthead.models import utcnow
from masthead.resolvers.core.bounded_cache import BoundedCache, CacheSize
from masthead.resolvers.core.statements import statement_cache_size
from masthead.schema.core.documents import DocumentCache
from masthead.schema.core.entry_documents import EntryDocuments
from masthead.schema.root import build_schema
from masthead.settings import Settings, get_settings


def create_app(
    settings: Settings | None = None,
    engine: AsyncEngine | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> Starlette:
    """Masthead's app: `/graphql` (with GraphiQL), `/media`, `/healthz`, `/readyz`, `/metrics`.

    `clock` is the time requests see (scheduled posts go live by it).
    """
    settings = settings or get_settings()
    engine = engine or create_engine(settings, must_exist=True)
    graphiql = _switched_on(settings.graphiql, settings)
    schema = build_schema(
        introspection=_switched_on(settings.introspection, settings),
        field_suggestions=_switched_on(settings.field_suggestions, settings),
        document_cache_bytes=settings.document_cache_bytes,
        planner=settings.planner,
    )
    generation = ContentGeneration(engine)
    view = GraphQLView(
        schema,
        settings=settings,
        generation=generation,
        clock=clock,
        graphql_ide="graphiql" if graphiql else None,
        multipart_uploads_enabled=True,
    )
    render = EntryDocuments(
        view.schema, engine, settings=settings, media_base_url=view.media_base_url, clock=clock
    )
    worker = EventWorker(engine, settings, render, clock)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        # Start-up objects live for the whole process: keep them out of the cyclic GC's scans.
        configure_request_log(as_json=settings.env == "production")
        limit_malloc_arenas()  # before the database connections start their threads
        gc.collect()
        gc.freeze()
        # Subscriptions hear of every process's writes; so does the webhook worker, which
        # then hands another process's events on at once if that process cannot.
        async with fanned_out(engine, settings) as fan_out:
            _app.state.fan_out = fan_out
            generation.listen(fan_out.bus)  # other processes' writes (PostgreSQL)
            undo_wake = fan_out.bus.on_wake(worker.wake)
            await worker.start()  # webhooks and go-live events
            yield
            await worker.stop()
            undo_wake()
        view.close()
        generation.close()
        await engine.dispose()

    app = Starlette(
        routes=[
            Route("/graphql", view, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", view),
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/metrics", metrics),
            media_route(settings.media_url_path, settings.media_dir),
            *(graphiql_routes() if graphiql else ()),
        ],
        middleware=_middleware(settings, view),
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.events_worker = worker
    app.state.graphql_view = view  # its connections to Redis close with the app's lifespan
    app.state.settings = settings
    app.state.memory_metrics = memory_registry(
        MemoryCollector(partial(_cache_sizes, view), OpenConnections(engine))
    )
    return app


def _cache_sizes(view: GraphQLView) -> list[CacheSize]:
    """Every cache the app's requests fill, for `/metrics`."""
    caches: list[BoundedCache[Any, Any]] = [view.admission.checks.verdicts]
    store = view.admission.persisted.store
    if isinstance(store, MemoryDocuments):
        caches.append(store.documents)
    documents = getattr(view.schema, "documents", None)
    if isinstance(documents, DocumentCache):
        caches.append(documents.known)
    sizes = [cache.size() for cache in caches] + [statement_cache_size()]
    return sizes if view.cache is None else [view.cache.size(), *sizes]


def _switched_on(value: bool | None, settings: Settings) -> bool:
    """A production switch: as set, or else on in development and off in production."""
    return value if value is not None else settings.env == "development"


def _middleware(settings: Settings, view: GraphQLView) -> list[Middleware]:
    """Cache hits first; request ids and log lines, security headers, CORS if configured."""
    middleware = [
        Middleware(FastHits, view=view),
        Middleware(RequestLogMiddleware),
        Middleware(SecurityHeadersMiddleware),
    ]
    if settings.cors_origins:
        middleware.append(Middleware(CORSMiddleware, origins=settings.cors_origins))
    return [*middleware, Middleware(MetricsMiddleware)]
