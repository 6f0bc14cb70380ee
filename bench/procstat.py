"""CPU time and resident memory of a server's processes (the server and its workers), from /proc."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

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


def cpu_seconds(pids: list[int]) -> float:
    """The CPU time the processes have used so far (one that ended meanwhile counts 0)."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            ticks += cpu_ticks(Path(f"/proc/{pid}/stat").read_text())
    return ticks / TICKS_PER_SECOND


@dataclass(frozen=True)
class Usage:
    """CPU seconds used so far by every process of a server's session."""

    cpu_seconds: float


def usage(leader: int) -> Usage:
    """The session's CPU time now (`leader` started it: the server and every worker)."""
    return Usage(cpu_seconds(session_members(leader)))


def cpu_ms_per_request(before: Usage, after: Usage, requests: int) -> float | None:
    """CPU milliseconds a request between two readings; None without requests."""
    if requests <= 0:
        return None
    return (after.cpu_seconds - before.cpu_seconds) * 1000 / requests


def resident_mb(leader: int) -> float:
    """Resident memory of the session's processes now, in MB."""
    return resident_megabytes(session_members(leader))
