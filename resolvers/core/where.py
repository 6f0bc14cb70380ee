"""One compiler from any `*Where` input to a SQLAlchemy condition, driven by a FilterSpec."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, false, not_, or_, select, true
from sqlalchemy.sql.expression import FromClause

Convert = Callable[[Any], Any]


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
    """What each field of a `*Where` input filters on, by Python field name."""

    columns: Mapping[str, ColumnFilter]
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


def _column_condition(filter_input: Any, spec: ColumnFilter) -> ColumnElement[bool]:
    conditions = []
    for operator in _set_fields(filter_input):
        if operator not in OPERATORS:
            msg = f"unknown filter operator {operator}"
            raise ValueError(msg)
        conditions.append(
            OPERATORS[operator](spec.column, _values(filter_input, operator, spec.convert))
        )
    return and_(true(), *conditions)


def _to_many_condition(relation_input: Any, relation: ToMany) -> ColumnElement[bool]:
    # `owner IN (SELECT link …)`, not a correlated EXISTS: the owners with a matching link
    # are listed once, where EXISTS probed the join table for every candidate row (on
    # SQLite, 40 ms against 7 ms for two tags over 20,000 posts).
    conditions: list[ColumnElement[bool]] = []
    for quantifier in _set_fields(relation_input):
        inner = compile_where(getattr(relation_input, quantifier), relation.target())
        linked = select(relation.link).select_from(relation.join).correlate(None)
        if quantifier == "some":
            conditions.append(relation.owner_key.in_(linked.where(inner)))
        elif quantifier == "none":
            conditions.append(relation.owner_key.not_in(linked.where(inner)))
        else:
            conditions.append(relation.owner_key.not_in(linked.where(not_(inner))))
    return and_(true(), *conditions)


def _relation_condition(value: Any, relation: ToOne | ToMany) -> ColumnElement[bool]:
    if isinstance(relation, ToMany):
        return _to_many_condition(value, relation)
    inner = compile_where(value, relation.target())
    # Never correlated: the target is filtered on its own, even when it is the same table.
    target = select(relation.target_key).where(inner).correlate(None)
    return relation.foreign_key.in_(target.scalar_subquery())


def compile_where(where: Any, spec: FilterSpec) -> ColumnElement[bool]:
    """The condition for a `*Where` input: its fields are ANDed, `AND`/`OR`/`NOT` nest."""
    if where is None:
        return true()
    conditions: list[ColumnElement[bool]] = []
    for name in _set_fields(where):
        value = getattr(where, name)
        if name == "and_":
            conditions.extend(compile_where(item, spec) for item in value)
        elif name == "or_":
            branches = [compile_where(item, spec) for item in value]
            conditions.append(or_(false(), *branches))
        elif name == "not_":
            conditions.append(not_(compile_where(value, spec)))
        elif name in spec.columns:
            conditions.append(_column_condition(value, spec.columns[name]))
        else:
            conditions.append(_relation_condition(value, spec.relations[name]))
    return and_(true(), *conditions)
