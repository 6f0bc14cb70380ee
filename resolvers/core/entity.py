"""How one content type is written, described once: fields, references, uniqueness, hooks."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, Table, select
from sqlalchemy.ext.asyncio import AsyncConnection

from masthead.interchange.fields import FieldProblem, Parser
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.errors import BadUserInput
from masthead.resolvers.core.ids import decode_id
from masthead.resolvers.core.writes import Problems


@dataclass(frozen=True)
class Derived:
    """Columns computed from a field's value when it is written (a Markdown body's HTML)."""

    columns: tuple[str, ...]
    compute: Callable[[Any], Mapping[str, Any]]


@dataclass(frozen=True)
class Rule:
    """A plain input field stored in `column`, checked by an interchange parser."""

    column: str
    path: tuple[str, ...]
    parse: Parser
    required: bool = False
    derived: Derived | None = None


@dataclass(frozen=True)
class Reference:
    """An input field holding another entry's global ID, stored in `column`."""

    column: str
    path: tuple[str, ...]
    type_name: str
    target: Table
    required: bool = False


@dataclass(frozen=True)
class ReferenceList:
    """An input list of global IDs kept in order in a link table."""

    path: tuple[str, ...]
    type_name: str
    target: Table
    link: Table
    owner_column: str
    item_column: str


@dataclass
class WriteState:
    """One change in progress: the entry's values after it, and what the checks found."""

    ctx: ReadContext
    connection: AsyncConnection
    values: dict[str, Any]
    lists: dict[str, list[int]]
    extras: dict[str, Any]
    current: Row[Any] | None
    problems: Problems = field(default_factory=Problems)


Hook = Callable[[WriteState], Awaitable[None]]


async def no_hook(_state: WriteState) -> None:
    """A hook that does nothing."""


@dataclass(frozen=True)
class EntitySpec:
    """Everything the generic write path needs to know about one content type."""

    name: str
    table: Table
    rules: Mapping[str, Rule]
    references: Mapping[str, Reference] = field(default_factory=dict)
    lists: Mapping[str, ReferenceList] = field(default_factory=dict)
    unique: Sequence[tuple[str, ...]] = ()
    # Where a problem with a computed column is reported (a page's path: at its slug).
    reported_as: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    keeps_revisions: bool = True
    prepare: Hook = no_hook
    authorize: Hook = no_hook
    before_delete: Hook = no_hook
    after_write: Hook = no_hook

    @property
    def versioned(self) -> bool:
        """Whether rows carry a `version` for optimistic concurrency."""
        return "version" in self.table.c

    @property
    def derived_columns(self) -> frozenset[str]:
        """The columns writes compute from a field: stored for reads, never snapshotted."""
        return frozenset(column for rule in self.rules.values() if rule.derived
                         for column in rule.derived.columns)  # fmt: skip

    @property
    def content_columns(self) -> tuple[str, ...]:
        """The columns an input or a restored revision sets."""
        return (*(r.column for r in self.rules.values()),
                *(r.column for r in self.references.values()))  # fmt: skip


def decode_reference(
    path: tuple[str, ...] | str, value: str, type_name: str, problems: Problems
) -> int | None:
    """The primary key in a global ID of `type_name`, or None and an INVALID problem."""
    try:
        pk = decode_id(value, type_name)
    except BadUserInput:
        pk = None
    if pk is None:
        problems.add(path, "INVALID", f"{value!r} is not the ID of a {type_name}")
    return pk


def _parse_rule(rule: Rule, value: Any, problems: Problems) -> Any:
    if value is None and rule.required:
        problems.add(rule.path, "REQUIRED", "is required")
        return None
    try:
        return rule.parse(value)
    except FieldProblem as problem:
        problems.add(rule.path, problem.code, problem.message)
        return None


def _parse_list(ref: ReferenceList, ids: list[str], problems: Problems) -> list[int]:
    pks = [
        decode_reference((*ref.path, str(i)), value, ref.type_name, problems)
        for i, value in enumerate(ids)
    ]
    found = [pk for pk in pks if pk is not None]
    if len(set(found)) != len(found):
        problems.add(ref.path, "INVALID", f"names the same {ref.type_name} twice")
    return found


def parse_input(
    spec: EntitySpec, given: Mapping[str, Any], problems: Problems
) -> tuple[dict[str, Any], dict[str, list[int]], dict[str, Any]]:
    """Column values, reference lists and the type's own extras of an input's given fields."""
    values: dict[str, Any] = {}
    lists: dict[str, list[int]] = {}
    extras: dict[str, Any] = {}
    for key, value in given.items():
        if key in spec.rules:
            values[spec.rules[key].column] = _parse_rule(spec.rules[key], value, problems)
        elif key in spec.references:
            ref = spec.references[key]
            if value is None and ref.required:
                problems.add(ref.path, "REQUIRED", "is required")
            pk = (
                None
                if value is None
                else decode_reference(ref.path, value, ref.type_name, problems)
            )
            values[ref.column] = pk
        elif key in spec.lists:
            lists[key] = [] if value is None else _parse_list(spec.lists[key], value, problems)
        else:
            extras[key] = value
    return values, lists, extras


def missing_required(spec: EntitySpec, given: Mapping[str, Any], problems: Problems) -> None:
    """On create: every required field must be given."""
    paths = [rule.path for key, rule in spec.rules.items() if rule.required and key not in given]
    paths += [ref.path for key, ref in spec.references.items() if ref.required and key not in given]
    for path in paths:
        problems.add(path, "REQUIRED", "is required")


async def _existing(connection: AsyncConnection, target: Table, pks: set[int]) -> set[int]:
    if not pks:
        return set()
    rows = await connection.execute(select(target.c.id).where(target.c.id.in_(pks)))
    return {row.id for row in rows}


async def check_references(spec: EntitySpec, state: WriteState) -> None:
    """Every referenced entry must exist (deleted ones included in the check)."""
    for ref in spec.references.values():
        pk = state.values.get(ref.column)
        if pk is not None and not await _existing(state.connection, ref.target, {pk}):
            state.problems.add(ref.path, "NOT_FOUND", f"no {ref.type_name} has this ID")
    for key, ref_list in spec.lists.items():
        pks = set(state.lists.get(key, ()))
        missing = pks - await _existing(state.connection, ref_list.target, pks)
        if missing:
            state.problems.add(ref_list.path, "NOT_FOUND", f"no {ref_list.type_name} has ID(s) "
                               + ", ".join(sorted(str(pk) for pk in missing)))  # fmt: skip


def _label(spec: EntitySpec, column: str) -> tuple[str, ...]:
    if column in spec.reported_as:
        return spec.reported_as[column]
    for rule in spec.rules.values():
        if rule.column == column:
            return rule.path
    return (column,)


def derive(spec: EntitySpec, state: WriteState) -> None:
    """Compute the derived columns of each field the write sets to a new value."""
    for rule in spec.rules.values():
        if rule.derived is None or rule.column not in state.values:
            continue
        value = state.values[rule.column]
        if state.current is None or getattr(state.current, rule.column) != value:
            state.values.update(rule.derived.compute(value))


async def check_unique(spec: EntitySpec, state: WriteState) -> None:
    """Unique column groups (slug per locale, path per locale) must stay unique.

    Runs after the type's `prepare`, so computed columns such as a page's path count.
    """
    table = spec.table
    for group in spec.unique:
        if any(state.values.get(column) is None for column in group):
            continue
        conditions = [table.c[column] == state.values[column] for column in group]
        if state.current is not None:
            conditions.append(table.c.id != state.current.id)
        taken = await state.connection.scalar(select(table.c.id).where(*conditions).limit(1))
        if taken is not None:
            scope = f" in locale {state.values['locale']}" if "locale" in group else ""
            value = state.values[group[0]]
            state.problems.add(
                _label(spec, group[0]), "TAKEN", f"{value!r} is already taken{scope}"
            )
