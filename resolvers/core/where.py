"""One compiler from any `*Where` input to a SQLAlchemy condition, driven by a FilterSpec.

Relation filters test only the related rows the viewer may see, by the related type's own
visibility rule: a hidden parent is no parent, a hidden tag is no tag.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true
from sqlalchemy.sql.expression import FromClause

from masthead.resolvers.core.context import ReadContext, Viewer
from masthead.resolvers.core.errors import BadUserInput
from masthead.resolvers.core.statements import NOW, SqlTime

Convert = Callable[[Any], Any]
# A type's visibility rule: which of its rows `viewer` may see at `now`.
Visibility = Callable[[Viewer, SqlTime], ColumnElement[bool]]


@dataclass(frozen=True)
class ColumnFilter:
    """A filterable column; `convert` maps each input value (e.g. a global ID to a key)."""

    column: ColumnElement[Any]
    convert: Convert | None = None


@dataclass(frozen=True)
class ToOne:
    """A relation filtered by the target's own spec: `fk IN (SELECT pk FROM target WHERE …)`."""

    foreign_key: ColumnElement[Any]
    target_key: ColumnElement[Any]
    target: Callable[[], FilterSpec]


@dataclass(frozen=True)
class ToMany:
    """A many-to-many relation through a join table, filtered with `some`/`every`/`none`.

    `owner_key` is compared with the `link` column (never NULL) of the matching rows.
    """

    join: FromClause
    owner_key: ColumnElement[Any]
    link: ColumnElement[Any]
    target: Callable[[], FilterSpec]


@dataclass(frozen=True)
class FilterSpec:
    """What each field of a `*Where` input filters on, by Python field name.

    `visibility` is the type's rule; a relation filter that ends in this type applies it.
    """

    columns: Mapping[str, ColumnFilter]
    visibility: Visibility
    relations: Mapping[str, ToOne | ToMany] = field(default_factory=dict)


def _values(filter_input: Any, name: str, convert: Convert | None) -> Any:
    value = getattr(filter_input, name)
    if convert is None:
        return value
    if isinstance(value, list):
        return [convert(item) for item in value]
    return convert(value)


OPERATORS: dict[str, Callable[[ColumnElement[Any], Any], ColumnElement[bool]]] = {
    "eq": lambda column, value: column.is_(None) if value is None else column == value,
    "ne": lambda column, value: column.is_not(None) if value is None else column != value,
    "in_": lambda column, value: column.in_(value),
    "not_in": lambda column, value: column.not_in(value),
    "contains": lambda column, value: column.icontains(value, autoescape=True),
    "starts_with": lambda column, value: column.istartswith(value, autoescape=True),
    "ends_with": lambda column, value: column.iendswith(value, autoescape=True),
    "is_null": lambda column, value: column.is_(None) if value else column.is_not(None),
    "gt": lambda column, value: column > value,
    "gte": lambda column, value: column >= value,
    "lt": lambda column, value: column < value,
    "lte": lambda column, value: column <= value,
}


def _set_fields(input_object: Any) -> list[str]:
    """Names of the fields a client actually gave (strawberry leaves the rest UNSET)."""
    if not is_dataclass(input_object):
        return []
    return [f.name for f in fields(input_object) if _given(getattr(input_object, f.name))]


def _given(value: Any) -> bool:
    return value is not None and type(value).__name__ != "UnsetType"


def _holds_nul(filter_input: Any) -> bool:
    """Whether any text operand holds U+0000, which no PostgreSQL text can (nor take)."""
    for name in _set_fields(filter_input):
        value = getattr(filter_input, name)
        items = value if isinstance(value, list) else [value]
        if any(isinstance(item, str) and "\x00" in item for item in items):
            return True
    return False


def _longest_list(filter_input: Any) -> int:
    lists = (getattr(filter_input, name, None) for name in ("in_", "not_in"))
    return max((len(values) for values in lists if isinstance(values, list)), default=0)


@dataclass
class _Compilation:
    """One `where` argument being compiled for one viewer, with its breadth counted.

    A branch is each item of `AND` and `OR`, each `NOT` and each relation filter: they are
    what makes the statement's expression tree wide and deep.
    """

    viewer: Viewer
    now: SqlTime
    max_branches: int
    max_list_values: int
    branches: int = 0

    def branch(self, count: int = 1) -> None:
        self.branches += count
        if self.branches > self.max_branches:
            msg = (
                f"`where` may hold at most {self.max_branches} AND, OR, NOT and relation "
                "conditions in all: simplify the filter or split the request"
            )
            raise BadUserInput(msg)

    def column(self, filter_input: Any, spec: ColumnFilter) -> ColumnElement[bool]:
        if _longest_list(filter_input) > self.max_list_values:
            msg = f"`in` and `notIn` take at most {self.max_list_values} values"
            raise BadUserInput(msg)
        if _holds_nul(filter_input):
            msg = "text in `where` cannot contain the NUL character (U+0000)"
            raise BadUserInput(msg)
        conditions = []
        for operator in _set_fields(filter_input):
            if operator not in OPERATORS:
                msg = f"unknown filter operator {operator}"
                raise ValueError(msg)
            value = _values(filter_input, operator, spec.convert)
            conditions.append(OPERATORS[operator](spec.column, value))
        return and_(true(), *conditions)

    def to_many(self, relation_input: Any, relation: ToMany) -> ColumnElement[bool]:
        # `owner IN (SELECT link …)`, not a correlated EXISTS: the owners with a matching
        # link are listed once, where EXISTS probed the join table for every candidate row
        # (on SQLite, 40 ms against 7 ms for two tags over 20,000 posts). Only links to
        # rows the viewer may see count, so `every` and `none` ignore hidden ones too.
        target = relation.target()
        visible = target.visibility(self.viewer, self.now)
        linked = select(relation.link).select_from(relation.join).correlate(None)
        conditions: list[ColumnElement[bool]] = []
        for quantifier in _set_fields(relation_input):
            self.branch()
            inner = self.where(getattr(relation_input, quantifier), target)
            if quantifier == "some":
                conditions.append(relation.owner_key.in_(linked.where(visible, inner)))
            elif quantifier == "none":
                conditions.append(relation.owner_key.not_in(linked.where(visible, inner)))
            else:
                conditions.append(relation.owner_key.not_in(linked.where(visible, not_(inner))))
        return and_(true(), *conditions)

    def to_one(self, value: Any, relation: ToOne) -> ColumnElement[bool]:
        # A related row the viewer may not see is no related row, as it reads (null): the
        # condition is false, and true under `NOT`, exactly as for a missing one. The
        # subquery is never correlated: the target is filtered on its own, even when it is
        # the same table.
        self.branch()
        spec = relation.target()
        inner = and_(spec.visibility(self.viewer, self.now), self.where(value, spec))
        matching = relation.foreign_key.in_(
            select(relation.target_key).where(inner).correlate(None).scalar_subquery()
        )
        if not getattr(relation.foreign_key, "nullable", True):
            return matching
        # Two-valued even for a missing key: `NULL IN (…)` is NULL, whose NOT is NULL too.
        return and_(relation.foreign_key.is_not(None), matching)

    def where(self, where: Any, spec: FilterSpec) -> ColumnElement[bool]:
        conditions: list[ColumnElement[bool]] = []
        for name in _set_fields(where):
            value = getattr(where, name)
            if name == "and_":
                self.branch(len(value))
                conditions.extend(self.where(item, spec) for item in value)
            elif name == "or_":
                self.branch(len(value))
                conditions.append(or_(false(), *(self.where(item, spec) for item in value)))
            elif name == "not_":
                self.branch()
                conditions.append(not_(self.where(value, spec)))
            elif name in spec.columns:
                conditions.append(self.column(value, spec.columns[name]))
            elif isinstance(relation := spec.relations[name], ToMany):
                conditions.append(self.to_many(value, relation))
            else:
                conditions.append(self.to_one(value, relation))
        return and_(true(), *conditions)


def compile_where(where: Any, spec: FilterSpec, ctx: ReadContext) -> ColumnElement[bool]:
    """The condition for a `*Where` input as `ctx`'s viewer may ask it.

    Its fields are ANDed, `AND`/`OR`/`NOT` nest; too broad a filter is bad input before any
    statement is built.
    """
    if where is None:
        return true()
    compilation = _Compilation(
        viewer=ctx.viewer,
        now=NOW,
        max_branches=ctx.settings.max_where_branches,
        max_list_values=ctx.settings.max_where_list_values,
    )
    return compilation.where(where, spec)


def narrowed_by_relation(where: Any, spec: FilterSpec) -> bool:
    """Whether `where` ANDs a `some` relation filter at its top level.

    Such a filter compiles to `owner IN (SELECT link …)`, and the database finds the rows
    from those links: a page then reads and sorts every match, as counting them does, and
    cannot stop early in the order's index.
    """
    if where is None:
        return False
    for name in _set_fields(where):
        value = getattr(where, name)
        if name == "and_" and any(narrowed_by_relation(item, spec) for item in value):
            return True
        relation = spec.relations.get(name)
        if isinstance(relation, ToMany) and "some" in _set_fields(value):
            return True
    return False
