"""`masthead serve`: run the ASGI app under uvicorn, once its address is known to be free."""

from __future__ import annotations

import argparse
import errno
import socket
from collections.abc import Callable
from typing import Any

import uvicorn

from masthead.cli.main import CommandError
from masthead.edge.trusted_documents import ManifestError, load_manifest
from masthead.settings import get_settings, host_address, port_number

REASONS = {
    errno.EADDRINUSE: "the port is in use",
    errno.EADDRNOTAVAIL: "not an address of this machine",
    errno.EACCES: "permission denied (ports below 1024 need privileges)",
}


def register(commands: Any) -> None:
    """Add the `serve` sub-command (defaults come from MASTHEAD_HOST and MASTHEAD_PORT)."""
    parser: argparse.ArgumentParser = commands.add_parser("serve", help="serve the GraphQL API")
    parser.add_argument("--host", type=_argument(host_address), help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=_argument(_port), help="port, 1-65535 (8000)")
    parser.add_argument(
        "--workers", type=_argument(_workers), default=1, help="worker processes (1)"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    parser.set_defaults(handler=run)


def _argument(check: Callable[[Any], Any]) -> Callable[[str], Any]:
    """An argparse type from a check that raises ValueError: its message becomes the error."""

    def convert(text: str) -> Any:
        try:
            return check(text)
        except ValueError as error:
            raise argparse.ArgumentTypeError(str(error)) from error

    return convert


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        msg = f"must be an integer (got {text!r})"
        raise ValueError(msg) from None


def _port(text: str) -> int:
    return port_number(_integer(text))


def _workers(text: str) -> int:
    workers = _integer(text)
    if workers < 1:
        msg = f"must be at least 1 (got {workers})"
        raise ValueError(msg)
    return workers


def _refuse_unless_free(host: str, port: int) -> None:
    """Bind each address `host` has, as uvicorn will, so a taken port fails before start-up."""
    where = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    try:
        addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as error:
        msg = f"cannot listen on {where}: unknown host ({error.strerror})"
        raise CommandError(msg) from error
    failures: list[OSError] = []
    for family, kind, protocol, _name, address in addresses:
        with socket.socket(family, kind, protocol) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            if family == socket.AF_INET6:
                probe.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
            try:
                probe.bind(address)
            except OSError as error:
                failures.append(error)
    # Like asyncio, an address of a family this machine does not offer is skipped.
    unusable = [each for each in failures if each.errno != errno.EADDRNOTAVAIL]
    if unusable or len(failures) == len(addresses):
        failure = (unusable or failures)[0]
        reason = REASONS.get(failure.errno or 0, failure.strerror)
        msg = f"cannot listen on {where}: {reason}"
        raise CommandError(msg) from failure


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted."""
    settings = get_settings()
    if settings.trusted_documents:
        try:
            load_manifest(settings.trusted_documents)
        except ManifestError as error:
            msg = f"MASTHEAD_TRUSTED_DOCUMENTS: {error}"
            raise CommandError(msg) from None
    host = args.host or settings.host
    port = args.port or settings.port
    _refuse_unless_free(host, port)
    shown = f"[{host}]" if ":" in host else host
    print(f"Masthead on http://{shown}:{port}/graphql", flush=True)
    uvicorn.run(
        "masthead.server:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        ws="websockets-sansio",  # subscriptions; the legacy implementation is deprecated
        # Compression state costs ~50 KiB per open socket, for messages of a few hundred bytes.
        ws_per_message_deflate=False,
        access_log=args.access_log,
        log_level="info",
    )
    return 0
