"""The matrix in Markdown: a table per backend and worker count, the baselines, the targets."""

from __future__ import annotations

from bench.load import LoadResult
from bench.matrix import BACKEND_NAMES, BACKENDS, Cell, Matrix

# The targets, on SQLite with one process: Masthead's rate over the floor's.
TARGETS = {"executed": 0.5, "cached": 3.0}
TARGET_CELL = ("sqlite", 1)


def rps(result: LoadResult | None) -> str:
    """Requests a second, rounded to what the noise allows."""
    if result is None:
        return "-"
    return f"{result.rps:,.0f}" if result.rps >= 10 else f"{result.rps:.1f}"


def number(value: float | None, digits: int = 1) -> str:
    """A measured value, or `-` when it was not measured."""
    return "-" if value is None else f"{value:,.{digits}f}"


def ratio(masthead: LoadResult | None, floor: LoadResult | None) -> float | None:
    """Masthead's rate over the floor's; None when either is missing."""
    if masthead is None or floor is None or not floor.rps:
        return None
    return masthead.rps / floor.rps


def times(value: float | None) -> str:
    """A ratio as `0.53x`."""
    return "-" if value is None else f"{value:.2f}x"


def measured_cells(matrix: Matrix) -> list[tuple[str, int]]:
    """The (backend, workers) pairs measured, in the matrix's order."""
    pairs = {(cell.backend, cell.workers) for cell in matrix.cells}
    return sorted(pairs, key=lambda pair: (BACKENDS.index(pair[0]), pair[1]))


def queries_of(matrix: Matrix) -> list[str]:
    """The example names measured, in the order they ran."""
    names: dict[str, None] = {}
    for results in matrix.cells.values():
        names |= dict.fromkeys(results)
    return list(names)


def latencies(result: LoadResult | None) -> tuple[float | None, float | None]:
    """p50 and p99, or nothing when no request finished."""
    if result is None or not result.requests:
        return None, None
    return result.p50_ms, result.p99_ms


def _cell_row(name: str, mode: str, result: LoadResult, floor: LoadResult | None) -> str:
    p50, p99 = latencies(result)
    cells = [
        name, mode, rps(result), number(p50), number(p99),
        number(result.statements), number(result.cpu_ms, 2), number(result.db_cpu_ms, 2),
        number(result.rss_mb, 0), times(ratio(result, floor)),
    ]  # fmt: skip
    return "| " + " | ".join(cells) + " |"


CELL_HEADER = (
    "| query | mode | rps | p50 ms | p99 ms | statements/request | CPU ms/request "
    "| database CPU ms/request | RSS MB | Masthead/floor |\n"
    "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def cell_table(matrix: Matrix, backend: str, workers: int) -> str:
    """One backend and worker count: each query executed and cached."""
    floors = matrix.baselines.get((backend, "floor"), {})
    plural = "worker" if workers == 1 else "workers"
    lines = [f"#### {BACKEND_NAMES[backend]}, {workers} {plural}", "", CELL_HEADER]
    for name in queries_of(matrix):
        for mode in ("executed", "cached"):
            result = matrix.cells.get(Cell(backend, workers, mode), {}).get(name)
            if result is not None:
                lines.append(_cell_row(name, mode, result, floors.get(name)))
    return "\n".join(lines)


BASELINES_HEADER = (
    "| query | floor rps | p50 ms | p99 ms | CPU ms/request | database CPU ms/request "
    "| RSS MB | naive rps |"
)


def baselines_table(matrix: Matrix, backend: str) -> str | None:
    """The baselines on one backend, or None when none was measured there."""
    floors = matrix.baselines.get((backend, "floor"))
    naive = matrix.baselines.get((backend, "naive"), {})
    if floors is None:
        return None
    lines = [
        f"#### Baselines, {BACKEND_NAMES[backend]}, one process each", "",
        BASELINES_HEADER,
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]  # fmt: skip
    for name in queries_of(matrix):
        floor = floors.get(name)
        p50, p99 = latencies(floor)
        cpu, db, rss = (None,) * 3 if floor is None else (
            floor.cpu_ms, floor.db_cpu_ms, floor.rss_mb)  # fmt: skip
        cells = [name, rps(floor), number(p50), number(p99), number(cpu, 2), number(db, 2),
                 number(rss, 0), rps(naive.get(name))]  # fmt: skip
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def verdict(value: float | None, target: float) -> str:
    """`met`, `missed`, or `-` when not measured."""
    if value is None:
        return "-"
    return "met" if value >= target else "**missed**"


def targets_table(matrix: Matrix) -> str | None:
    """The issue's targets per query on SQLite, one process; None when not measured."""
    backend, workers = TARGET_CELL
    floors = matrix.baselines.get((backend, "floor"), {})
    if not floors:
        return None
    lines = [
        "#### Targets (SQLite, one process)", "",
        "| query | executed/floor | executed >= 0.5x | cached/floor | cached >= 3x |",
        "|---|---:|---|---:|---|",
    ]  # fmt: skip
    for name in queries_of(matrix):
        cells = [name]
        for mode, target in TARGETS.items():
            result = matrix.cells.get(Cell(backend, workers, mode), {}).get(name)
            value = ratio(result, floors.get(name))
            cells += [times(value), verdict(value, target)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def render_matrix(matrix: Matrix) -> str:
    """Every table of the matrix, separated by blank lines."""
    tables = [cell_table(matrix, backend, workers) for backend, workers in measured_cells(matrix)]
    tables += [baselines_table(matrix, backend) or "" for backend in BACKENDS]
    tables.append(targets_table(matrix) or "")
    return "\n\n".join(table for table in tables if table)
