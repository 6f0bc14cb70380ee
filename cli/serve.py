"""`masthead serve`: run the ASGI app under uvicorn."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from masthead.settings import get_settings


def register(commands: Any) -> None:
    """Add the `serve` sub-command."""
    settings = get_settings()
    parser: argparse.ArgumentParser = commands.add_parser("serve", help="serve the GraphQL API")
    parser.add_argument("--host", default=settings.host, help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=settings.port, help="port (8000)")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (1)")
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    print(f"Masthead on http://{args.host}:{args.port}/graphql", flush=True)
    uvicorn.run(
        "masthead.server:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        log_level="info",
    )
    return 0
