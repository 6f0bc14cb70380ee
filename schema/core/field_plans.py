"""How the planner reads each schema field, decided once per field from its descriptions.

- A field without a resolver is an attribute of the row its parent was built from.
- A resolver that takes only the parent is called with it, and one that also takes
  `info` with an `info` that holds the context alone (a resolver reading anything else
  of it fails, and the field runs generic).
- A relation declared in `prefetch.relations` is the value its parent's page prefetched.
- `__typename` is the name of the parent's type.
- Any other resolver (arguments, a full `info`, async) is a call: its arguments are
  converted once per operation, Strawberry's way, and it is called for each parent.

Fields with Strawberry field extensions, and fields of types Strawberry did not make
(introspection), are not planned.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from graphql import GraphQLField, GraphQLObjectType, GraphQLOutputType
from strawberry.types.field import StrawberryField

from masthead.schema.core.prefetch import RELATIONS, prefetched_attribute

Getter = Callable[[Any, "ContextOnly"], Any]


class ContextOnly:
    """The `info` a planned direct read is given: the operation's context, nothing else."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


class NotPlanned(Exception):
    """A direct read could not give the generic execution's answer: run the field generic."""


@dataclass(frozen=True)
class FieldPlan:
    """A direct read, its value's type and how it is read: the parent's `attribute`, or a `getter`.

    An attribute that is missing (a relation its page did not prefetch) runs the field
    generic; `synchronous` is False for a resolver, which may return an awaitable.
    """

    return_type: GraphQLOutputType
    getter: Getter | None = None
    attribute: str | None = None
    synchronous: bool = True


@dataclass(frozen=True)
class CallPlan:
    """A resolver called for each parent, with arguments converted once per operation."""

    field: StrawberryField
    definition: GraphQLField


Plan = FieldPlan | CallPlan

# Per schema field (its GraphQLField object, which lives as long as the schema).
_FIELD_PLANS: dict[int, tuple[GraphQLField, Plan | None]] = {}
_TYPE_NAMES: dict[str, FieldPlan] = {}


def _read_plan(field: StrawberryField, return_type: GraphQLOutputType) -> FieldPlan | None:
    resolver = field.base_resolver
    if resolver is None:
        return FieldPlan(return_type, attribute=field.python_name)
    function = resolver.wrapped_func
    if not inspect.isfunction(function) or resolver.is_async:
        return None
    parameters = list(inspect.signature(function).parameters)
    if parameters == ["self"]:
        getter: Getter = lambda parent, _info: function(parent)  # noqa: E731
        return FieldPlan(return_type, getter, synchronous=False)
    if parameters == ["self", "info"]:
        return FieldPlan(return_type, cast("Getter", function), synchronous=False)
    return None


def _callable(field: StrawberryField) -> bool:
    """A plain function or coroutine function of the parent (as `self`), `info` and arguments."""
    resolver = field.base_resolver
    if resolver is None or not inspect.isfunction(resolver.wrapped_func):
        return False
    if inspect.isasyncgenfunction(resolver.wrapped_func):
        return False
    return resolver.parent_parameter is None and resolver.root_parameter is None


def _plan_field(parent_type: GraphQLObjectType, name: str, field: GraphQLField) -> Plan | None:
    definition = field.extensions.get("strawberry-definition")
    owner = parent_type.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or owner is None or definition.extensions:
        return None
    if not field.args and name in RELATIONS.get(owner.origin, {}):
        return FieldPlan(field.type, attribute=prefetched_attribute(name))
    read = None if field.args else _read_plan(definition, field.type)
    if read is not None:
        return read
    return CallPlan(definition, field) if _callable(definition) else None


def _type_name_plan(parent_type: GraphQLObjectType, field: GraphQLField) -> FieldPlan:
    found = _TYPE_NAMES.get(parent_type.name)
    if found is None:
        name = parent_type.name
        found = _TYPE_NAMES[name] = FieldPlan(field.type, lambda _parent, _info: name)
    return found


def field_plan(parent_type: GraphQLObjectType, name: str, field: GraphQLField) -> Plan | None:
    """The plan of one schema field, made the first time any operation selects it."""
    if name == "__typename":  # one meta field for every type, its value the type's name
        return _type_name_plan(parent_type, field)
    found = _FIELD_PLANS.get(id(field))
    if found is None or found[0] is not field:
        found = _FIELD_PLANS[id(field)] = (field, _plan_field(parent_type, name, field))
    return found[1]
