"""Fallback load generator: asyncio streams, HTTP/1.1 keep-alive, per-request latencies."""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

RESULT_PREFIX = "BENCH_RESULT "


@dataclass
class Tally:
    """Latencies and failures of every completed request."""

    latencies: list[float] = field(default_factory=list)
    graphql_errors: int = 0
    http_errors: int = 0
    socket_errors: int = 0


def _request_bytes(url: str, body: bytes) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    head = (
        f"POST {target} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
        "Content-Type: application/json\r\nAccept: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return parts.hostname or "127.0.0.1", parts.port or 80, head.encode() + body


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    lengths = [v for k, v in headers.items() if k.strip().lower() == "content-length"]
    if not lengths:
        msg = "response without Content-Length"
        raise ConnectionError(msg)
    return status, await reader.readexactly(int(lengths[0]))


async def _client(url: str, body: bytes, deadline: float, tally: Tally) -> None:
    host, port, request = _request_bytes(url, body)
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            writer.write(request)
            status, payload = await _read_response(reader)
            tally.latencies.append(time.perf_counter() - started)
            if status != 200:
                tally.http_errors += 1
            elif b'"errors"' in payload:
                tally.graphql_errors += 1
    except (OSError, asyncio.IncompleteReadError, ValueError):
        tally.socket_errors += 1
    finally:
        writer.close()


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(url: str, body: bytes, concurrency: int, duration: float) -> dict[str, object]:
    """Run the clients and summarize in the same shape as the wrk script."""
    tally = Tally()
    started = time.perf_counter()
    deadline = started + duration
    await asyncio.gather(*(_client(url, body, deadline, tally) for _ in range(concurrency)))
    ordered = sorted(tally.latencies)
    return {
        "requests": len(ordered),
        "seconds": time.perf_counter() - started,
        "graphql_errors": tally.graphql_errors,
        "http_errors": tally.http_errors,
        "socket_errors": tally.socket_errors,
        "p50_ms": _percentile(ordered, 0.50) * 1000,
        "p99_ms": _percentile(ordered, 0.99) * 1000,
    }


def main() -> None:
    """Parse the arguments, run, print one result line."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--body-file", type=Path, required=True)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    body = args.body_file.read_bytes()
    try:
        import uvloop  # noqa: PLC0415

        summary = uvloop.run(run(args.url, body, args.concurrency, args.duration))
    except ImportError:
        summary = asyncio.run(run(args.url, body, args.concurrency, args.duration))
    print(RESULT_PREFIX + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
