"""Leaf completions: how the planner completes a scalar's or an enum's values.

Chosen once per leaf type from its own coercion: String and ID values of class `str`, and
Boolean values of class `bool`, pass unchanged (the coercion returns them as they are),
Int values of class `int` within 32 bits too; a Strawberry enum's member is coerced once
and its name kept; any other value goes through the type's coercion. A value the
coercion refuses (or turns into null) raises NotPlanned: graphql-core completes the field
and reports the error as its own.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from types import CoroutineType
from typing import TYPE_CHECKING, Any, NoReturn, cast

from graphql import GraphQLEnumType, GraphQLLeafType, Undefined
from graphql.type.scalars import (
    GRAPHQL_MAX_INT,
    GRAPHQL_MIN_INT,
    serialize_boolean,
    serialize_id,
    serialize_int,
    serialize_string,
)

from masthead.schema.core.field_plans import NotPlanned

if TYPE_CHECKING:
    from masthead.schema.core.planner import PlannedExecution

# A value's completion: given the execution, the value and its (lazy) response position.
Complete = Callable[["PlannedExecution", Any, Any], Any]


class Nothing:
    """The class no value has: a type whose values never pass unchanged."""


def not_planned(value: Any = None) -> NoReturn:
    """Leave a value to graphql-core (a coroutine it would await is closed: it calls again)."""
    if value.__class__ is CoroutineType:
        value.close()
    raise NotPlanned


def _coercing(coerce: Callable[[Any], Any]) -> Complete:
    """A leaf completed by its type's own coercion; any failure is graphql-core's to report."""

    def complete(_execution: PlannedExecution, value: Any, _position: Any) -> Any:
        if value.__class__ is CoroutineType:
            not_planned(value)
        try:
            coerced = coerce(value)
        except Exception as error:
            raise NotPlanned from error
        if coerced is None or coerced is Undefined:
            not_planned()
        return coerced

    return complete


def _int(coerce: Complete) -> Complete:
    def complete(execution: PlannedExecution, value: Any, position: Any) -> Any:
        if value.__class__ is int and GRAPHQL_MIN_INT <= value <= GRAPHQL_MAX_INT:
            return value
        return coerce(execution, value, position)

    return complete


def _enum(coerce: Complete, members: type) -> Complete:
    """An enum's names by member, each coerced once (a member's name never changes)."""
    names: dict[Any, Any] = {}

    def complete(execution: PlannedExecution, value: Any, position: Any) -> Any:
        if value.__class__ is not members:
            return coerce(execution, value, position)
        name = names.get(value)
        if name is None:
            name = names[value] = coerce(execution, value, position)
        return name

    return complete


# Per leaf type (which lives as long as the schema): the class its values pass as, the rest.
_LEAVES: dict[int, tuple[GraphQLLeafType, type, Complete]] = {}


def leaf(leaf_type: GraphQLLeafType) -> tuple[type, Complete]:
    """The class whose values the leaf's coercion returns unchanged, and its completion."""
    found = _LEAVES.get(id(leaf_type))
    if found is None or found[0] is not leaf_type:
        found = _LEAVES[id(leaf_type)] = (leaf_type, *_leaf_completion(leaf_type))
    return found[1], found[2]


def _leaf_completion(leaf_type: GraphQLLeafType) -> tuple[type, Complete]:
    coerce = leaf_type.coerce_output_value
    complete = _coercing(coerce)
    if coerce in (serialize_string, serialize_id):
        return str, complete
    if coerce is serialize_boolean:
        return bool, complete
    if coerce is serialize_int:
        return Nothing, _int(complete)
    members = getattr(leaf_type, "wrapped_cls", None)  # Strawberry's enum: its Python enum
    is_enum = isinstance(members, type) and issubclass(members, Enum)
    if isinstance(leaf_type, GraphQLEnumType) and is_enum:
        return Nothing, _enum(complete, cast("type", members))
    return Nothing, complete
