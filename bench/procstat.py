"""CPU time and resident memory of a server's processes (the server and its workers), from /proc."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from soak.memory import resident_megabytes, session_members

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
# Fields after the command name in /proc/<pid>/stat: state is 0, utime 11, stime 12.
UTIME, STIME = 11, 12


def cpu_ticks(stat: str) -> int:
    """User plus system time, in clock ticks, of one /proc/<pid>/stat line.

    The command name, in parentheses, may hold spaces and parentheses: fields are counted
    after the last `)`.
    """
    fields = stat.rpartition(")")[2].split()
    return int(fields[UTIME]) + int(fields[STIME])


def cpu_by_process(pids: list[int]) -> dict[int, float]:
    """The CPU seconds each process has used so far (one that ended is left out)."""
    seconds = {}
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            seconds[pid] = cpu_ticks(Path(f"/proc/{pid}/stat").read_text()) / TICKS_PER_SECOND
    return seconds


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time the processes have used so far (one that ended meanwhile counts 0)."""
    return sum(cpu_by_process(pids).values())


@dataclass(frozen=True)
class Usage:
    """CPU seconds used so far by every process of a server's session."""

    cpu_seconds: float


def usage(leader: int) -> Usage:
    """The session's CPU time now (`leader` started it: the server and every worker)."""
    return Usage(cpu_seconds(session_members(leader)))


def database_pids(url: str) -> list[int]:
    """The PostgreSQL server processes serving connections to the database of `url`.

    Empty for SQLite (it runs inside the server's own processes) or when PostgreSQL
    cannot be asked; the benchmark's database serves the benchmark alone.
    """
    if not url.startswith("postgresql"):
        return []
    name = url.rsplit("/", 1)[1]
    server = url.rsplit("/", 1)[0].replace("postgresql+asyncpg://", "postgresql://", 1)
    try:
        return asyncio.run(_backends(f"{server}/postgres", name))
    except (OSError, asyncpg.PostgresError):
        return []


async def _backends(dsn: str, name: str) -> list[int]:
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch(
            "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid != pg_backend_pid()", name
        )
    finally:
        await connection.close()
    return [int(row["pid"]) for row in rows]


def database_cpu(url: str) -> dict[int, float]:
    """CPU seconds so far of each PostgreSQL process serving `url`'s database."""
    return cpu_by_process(database_pids(url))


def database_ms_per_request(
    before: dict[int, float], after: dict[int, float], requests: int
) -> float | None:
    """The database processes' CPU milliseconds a request; None without processes.

    A process that connected in between counts from its start, one that ended is left out.
    """
    if not after or requests <= 0:
        return None
    spent = sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())
    return spent * 1000 / requests


def cpu_ms_per_request(before: Usage, after: Usage, requests: int) -> float | None:
    """CPU milliseconds a request between two readings; None without requests."""
    if requests <= 0:
        return None
    return (after.cpu_seconds - before.cpu_seconds) * 1000 / requests


def resident_mb(leader: int) -> float:
    """Resident memory of the session's processes now, in MB."""
    return resident_megabytes(session_members(leader))
