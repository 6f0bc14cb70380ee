"""Shared read statements on SQLite, compiled once and run on the driver directly.

A shared statement (`statements.py`) is the same object for every request of its shape,
and SQLAlchemy already turns it into the same SQL each time; what it still does per
execution (its cache lookup, an execution context, parameter and result processing,
a greenlet switch, the result object) costs about 0.3 ms a statement, several times
what SQLite takes to run most of Masthead's reads. Here the SQL, the order of its
parameters and the conversion of each value are worked out once per statement, and
each run is the SQL, a tuple of values and a list of rows.

The SQL, the values (SQLAlchemy's own bind and result processors) and the rows' names
are SQLAlchemy's; listeners of `before_cursor_execute` still hear of every statement.
A statement this cannot reproduce exactly (an empty `IN` list, a literal rendered into
the SQL, a column name that is not a plain identifier) runs through SQLAlchemy instead,
as does every statement on PostgreSQL.
"""

from __future__ import annotations

import keyword
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import ClauseElement
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.compiler import SQLCompiler

from masthead.resolvers.core.read_keys import StatementReads, statement_reads

Processor = Callable[[Any], Any]
# The expanded SQL of an `IN` list is kept for this many list lengths per statement.
EXPANSIONS = 64


class DirectExecution:
    """What a `before_cursor_execute` listener may read of a direct read's execution.

    Its parameters by name are merged only if a listener asks (counting needs none).
    """

    __slots__ = ("_values", "compiled", "direct")

    def __init__(self, direct: DirectRead, values: dict[str, Any]) -> None:
        self.direct = direct
        self.compiled = direct.compiled
        self._values = values

    @property
    def compiled_parameters(self) -> list[dict[str, Any]]:
        """The statement's parameters by name, its constants and the request's values."""
        return [{**self.direct.constants, **self._values}]


class DirectRead:
    """One shared statement's SQL, parameters and row shape, worked out once."""

    def __init__(self, compiled: SQLCompiler, dialect: Dialect) -> None:
        self.compiled = compiled
        self.sql = compiled.string
        self.reads: StatementReads = statement_reads(compiled.statement)
        # Per placeholder: the name a request gives it, its constant (processed) value,
        # its processor, whether it is an `IN` list.
        self.slots: list[tuple[str, Any, Processor | None, bool]] = []
        self.constants: dict[str, Any] = {}
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            processor = bind.type._cached_bind_processor(dialect)  # noqa: SLF001
            constant = None
            if not bind.required:
                value = self.constants[name] = bind.effective_value
                constant = _processed(value, processor, expanding=bind.expanding)
            self.slots.append((name, constant, processor, bind.expanding))
        self.expanding = any(slot[3] for slot in self.slots)
        columns = compiled._result_columns  # noqa: SLF001
        self.processors = [
            (index, processor)
            for index, column in enumerate(columns)
            if (processor := column.type._cached_result_processor(dialect, None)) is not None  # noqa: SLF001
        ]
        names = [column.keyname for column in columns]
        named: Any = namedtuple("Row", names)  # type: ignore[misc]  # noqa: PYI024
        row: Any = type("Row", (named,), {"__slots__": (), "_mapping": property(_mapping)})
        self.make_row: Callable[[Any], Any] = _row_maker(row, len(names), self.processors)
        self._expanded: dict[int, str] = {}

    def statement(self, values: dict[str, Any]) -> tuple[str, tuple[Any, ...]] | None:
        """The SQL and its values for this request, or None if SQLAlchemy must run it."""
        flat: list[Any] = []
        lengths: list[int] = []
        for name, constant, processor, expanding in self.slots:
            value = constant
            if name in values:
                value = _processed(values[name], processor, expanding=expanding)
            if not expanding:
                flat.append(value)
                continue
            if not value:
                return None  # SQLAlchemy renders an empty `IN` as its own expression
            lengths.append(len(value))
            flat.extend(value)
        return (self._expand(lengths) if self.expanding else self.sql), tuple(flat)

    def _expand(self, lengths: list[int]) -> str:
        """The SQL with each `IN` list's placeholders, `?, ?, ?` (one list: cached)."""
        cached = len(lengths) == 1
        if cached and lengths[0] in self._expanded:
            return self._expanded[lengths[0]]
        sql = self.sql
        names = (slot[0] for slot in self.slots if slot[3])
        for name, length in zip(names, lengths, strict=True):
            sql = sql.replace(f"__[POSTCOMPILE_{name}]", ", ".join("?" * length), 1)
        if cached:
            if len(self._expanded) >= EXPANSIONS:
                self._expanded.clear()
            self._expanded[lengths[0]] = sql
        return sql

    def rows(self, fetched: Sequence[Any]) -> list[Any]:
        """The driver's rows as named rows, each value converted as SQLAlchemy would."""
        return list(map(self.make_row, fetched))


def _row_maker(
    row: type, width: int, processors: Sequence[tuple[int, Processor]]
) -> Callable[[Any], Any]:
    """One function making a named row of a driver's row, its conversions written out.

    `lambda r: new(Row, (r[0], p1(r[1]), r[2]))`: no loop over the columns and no list
    per row (250 rows of 20 columns: a loop per value cost more than SQLite's own read).
    The source holds nothing but column indexes.
    """
    by_index = dict(processors)
    values = ", ".join(f"p{i}(r[{i}])" if i in by_index else f"r[{i}]" for i in range(width))
    names: dict[str, Any] = {f"p{i}": processor for i, processor in by_index.items()}
    scope = {"new": tuple.__new__, "Row": row, **names}
    maker: Callable[[Any], Any] = eval(f"lambda r: new(Row, ({values},))", scope)  # noqa: S307
    return maker


def _mapping(row: Any) -> dict[str, Any]:
    """A named row's values by name, as SQLAlchemy's `Row._mapping` gives them."""
    return dict(zip(row._fields, row, strict=True))


def _processed(value: Any, processor: Processor | None, *, expanding: bool) -> Any:
    """A bound value as the driver takes it; an `IN` list's, each of its values.

    None goes to the processor too, as SQLAlchemy hands it over (a JSON null, say); an
    empty or null `IN` list is left as is, for SQLAlchemy to run the statement.
    """
    if expanding:
        if not value:
            return value
        return list(value) if processor is None else [processor(item) for item in value]
    return value if processor is None else processor(value)


_DIRECT: WeakKeyDictionary[ClauseElement, DirectRead | None] = WeakKeyDictionary()


def direct_read(statement: ClauseElement, dialect: Dialect) -> DirectRead | None:
    """The statement's direct form on this dialect (None: SQLAlchemy runs it), made once."""
    try:
        return _DIRECT[statement]
    except KeyError:
        pass
    direct = None
    compiled = statement.compile(dialect=dialect)
    if isinstance(compiled, SQLCompiler) and _reproducible(compiled):
        direct = DirectRead(compiled, dialect)
    _DIRECT[statement] = direct
    return direct


def compiled_reads() -> int:
    """How many statements are kept compiled for direct reads (`/metrics`)."""
    return sum(direct is not None for direct in list(_DIRECT.values()))


def _reproducible(compiled: SQLCompiler) -> bool:
    """Whether running the compiled SQL directly gives what SQLAlchemy's execution would."""
    if compiled.literal_execute_params or not compiled.positional:
        return False
    if not compiled._result_columns or compiled._textual_ordered_columns:  # noqa: SLF001
        return False
    names = [column.keyname for column in compiled._result_columns]  # noqa: SLF001
    return len(set(names)) == len(names) and all(map(_plain_name, names))


def _plain_name(name: str) -> bool:
    """A name a named row can carry as is."""
    return name.isidentifier() and not name.startswith("_") and not keyword.iskeyword(name)
