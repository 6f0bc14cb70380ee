"""The surrogate keys of what public operations read: each entry, and each type listed.

Every statement of an operation runs through `ReadContext.rows`, which hands its result
here; nothing is recorded per field or per type. What a statement reads is worked out
once per compiled form (SQLAlchemy caches compiled statements by shape), then each batch
costs a set update:

- the primary key of every entry row the statement selected gives that entry's key
  (`post:12`);
- every keyed table the statement reads anywhere (FROM, joins, `where` subqueries,
  counts, the search index) gives its type's list key (`posts`): a new or newly visible
  entry, or an edited one, can change the answer of a list, a count, a search or a lookup
  by slug or path, whether or not it found anything;
- except a lookup by primary key (`rows_by_key` on `id`), which gives the entry key of
  each ID asked for, found or not, and no list key: only that entry can change it.

Purging `keys_of_change(type, id)` (an entry key and its type's list key) therefore purges
every answer whose content the change can alter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Alias, Column, CursorResult, Label, Select, Table, TableClause
from sqlalchemy.engine import Compiled
from sqlalchemy.sql import visitors

from masthead.models import Asset, Author, Page, Post, Tag
from masthead.resolvers.core.changes import entry_key, list_key

# On every public answer, so that one purge can empty a CDN of everything Masthead said.
SITE_KEY = "masthead"
# The entity type (as in `events.entity_type`) of each table whose rows are entries.
KEYED_TABLES: dict[str, str] = {
    model.__tablename__: model.__name__ for model in (Post, Page, Author, Tag, Asset)
}
# Tables whose rows stand for entries of other tables: SQLite's full-text index.
DERIVED_TABLES: dict[str, tuple[str, ...]] = {"search_index": ("Post", "Page", "Author", "Tag")}
# Link rows belong to their owner: changing a post's tags or co-authors is an event on the
# post, and an answer reaches them only from a post it read or a list of posts. Answers to
# the public never read the other tables.
UNKEYED_TABLES = frozenset(
    {"post_tags", "post_co_authors", "revisions", "events", "api_tokens", "webhooks",
     "webhook_deliveries"}
)  # fmt: skip


@dataclass(frozen=True)
class StatementReads:
    """What one statement shape reads: its keyed types, and where its rows hold entry IDs."""

    types: frozenset[str]
    # Types read from one table occurrence only: a lookup by ID then depends on no other row.
    single: frozenset[str]
    # (column index, entity type) of each selected primary key of an entry table.
    entry_columns: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Lookup:
    """A statement that looks entries of one type up by primary key: the IDs it asked for."""

    entity_type: str
    ids: Sequence[Any]


def lookup_type(key: Any) -> str | None:
    """The entity type whose primary key `key` is, or None (a slug, a path, a foreign key)."""
    if isinstance(key, Column) and key.primary_key and isinstance(key.table, Table):
        return KEYED_TABLES.get(key.table.name)
    return None


def _table_types(element: Any) -> tuple[str, ...]:
    """The types a FROM element (a table, or an alias of one) stands for."""
    table = element.element if isinstance(element, Alias) else element
    if not isinstance(table, TableClause):
        return ()
    if table.name in KEYED_TABLES:
        return (KEYED_TABLES[table.name],)
    return DERIVED_TABLES.get(table.name, ())


def _entry_columns(statement: Any) -> tuple[tuple[int, str], ...]:
    if not isinstance(statement, Select):
        return ()
    found: dict[str, int] = {}
    for index, selected in enumerate(statement.selected_columns):
        column = selected.element if isinstance(selected, Label) else selected
        if isinstance(column, Column) and column.primary_key:
            for entity_type in _table_types(column.table):
                found.setdefault(entity_type, index)
    return tuple((index, entity_type) for entity_type, index in found.items())


def statement_reads(statement: Any) -> StatementReads:
    """Walk a statement once: every table and alias it reads, at any depth."""
    occurrences: Counter[str] = Counter()
    seen: set[int] = set()
    for element in visitors.iterate(statement):
        if id(element) in seen:
            continue
        seen.add(id(element))
        # An alias counts as a second occurrence; the table under it is the same object.
        if isinstance(element, (Alias, TableClause)):
            occurrences.update(_table_types(element))
    types = frozenset(occurrences)
    single = frozenset(t for t, n in occurrences.items() if n == 1)
    return StatementReads(types, single, _entry_columns(statement))


_READS: WeakKeyDictionary[Compiled, StatementReads] = WeakKeyDictionary()


def _reads_of(result: CursorResult[Any]) -> StatementReads:
    compiled = result.context.compiled
    if compiled is None:  # a driver-level string: Masthead sends none
        return StatementReads(frozenset(), frozenset(), ())
    reads = _READS.get(compiled)
    if reads is None:
        reads = _READS[compiled] = statement_reads(compiled.statement)
    return reads


class ReadKeys:
    """The keys of what one public request read, recorded statement by statement."""

    def __init__(self) -> None:
        self.entries: dict[str, set[Any]] = {}
        self.lists: set[str] = set()

    def note(
        self, result: CursorResult[Any], rows: Sequence[Any], lookup: Lookup | None = None
    ) -> None:
        """Record one statement's keys (one set update per type, not one per field)."""
        self.note_reads(_reads_of(result), rows, lookup)

    def note_reads(
        self, reads: StatementReads, rows: Sequence[Any], lookup: Lookup | None = None
    ) -> None:
        """`note`, for a statement whose reads are known (one run on the driver directly)."""
        types = reads.types
        if lookup is not None and lookup.entity_type in reads.single:
            self._ids(lookup.entity_type).update(lookup.ids)
            types = types - {lookup.entity_type}
        self.lists.update(types)
        for index, entity_type in reads.entry_columns:
            self._ids(entity_type).update(row[index] for row in rows)

    def _ids(self, entity_type: str) -> set[Any]:
        ids = self.entries.get(entity_type)
        if ids is None:
            ids = self.entries[entity_type] = set()
        return ids

    def list_keys(self) -> list[str]:
        """The site key and the list keys: coarser, still covering every entry read."""
        return [SITE_KEY, *sorted(map(list_key, self.lists | set(self.entries)))]

    def keys(self) -> list[str]:
        """Every key: the site key, the list keys, then each entry's key."""
        return [*[SITE_KEY, *sorted(map(list_key, self.lists))], *self._entry_keys()]

    def _entry_keys(self) -> Iterable[str]:
        for entity_type in sorted(self.entries):
            prefix = entry_key(entity_type, 0).removesuffix("0")  # `post:`, once per type
            yield from [prefix + str(pk) for pk in sorted(self.entries[entity_type])]
