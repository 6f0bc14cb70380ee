"""Planned execution: each field a document selects is planned once, and plain fields run lean.

graphql-core resolves every field the same way: a resolve-info object, the resolver's
wrapper (argument conversion, extension chain), an awaitable check and the completion
dispatch, about 15 µs a field, which is most of a list query's time. The planner asks,
once per schema field and from the schema's own descriptions (the Strawberry field, the
prefetch relations declared beside the type), whether a field can be read directly:

- a field without a resolver is an attribute of the row the parent was built from;
- a resolver that takes only the parent is called with it, and one that also takes
  `info` with an `info` that holds the context alone (a resolver reading anything else
  of it fails, and the field runs generic);
- a relation declared in `prefetch.relations` is the value its parent's page prefetched;
- `__typename` is the name of the parent's type.

Every other field (arguments, `info`, async resolvers, abstract types, introspection) and
every field whose direct read goes wrong runs through graphql-core unchanged, so errors,
null propagation and paths are the generic execution's own. The groups of fields an
operation selects on each type are planned once per operation, and reused for every
object of a list.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from graphql import (
    GraphQLError,
    GraphQLField,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.pyutils import Path
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

from masthead.schema.core.prefetch import MISSING, RELATIONS, prefetched_value

Getter = Callable[[Any, "ContextOnly"], Any]


class ContextOnly:
    """The `info` a planned resolver is given: the operation's context, nothing else."""

    __slots__ = ("context",)

    def __init__(self, context: Any) -> None:
        self.context = context


class NotPlanned(Exception):
    """A direct read could not give the generic execution's answer: run the field generic."""


@dataclass(frozen=True)
class FieldPlan:
    """How one schema field is read without graphql-core: a getter and the type to complete."""

    getter: Getter
    return_type: GraphQLOutputType


# Per schema field (its GraphQLField object, which lives as long as the schema).
_FIELD_PLANS: dict[int, tuple[GraphQLField, FieldPlan | None]] = {}
_TYPE_NAMES: dict[str, FieldPlan] = {}


def _relation_getter(name: str) -> Getter:
    def read(parent: Any, _info: ContextOnly) -> Any:
        value = prefetched_value(parent, name)
        if value is MISSING:
            raise NotPlanned
        return value

    return read


def _resolver_getter(field: StrawberryField) -> Getter | None:
    resolver = field.base_resolver
    if resolver is None:
        python_name = field.python_name
        return lambda parent, _info: getattr(parent, python_name)
    function = resolver.wrapped_func
    if not inspect.isfunction(function) or resolver.is_async:
        return None
    parameters = list(inspect.signature(function).parameters)
    if parameters == ["self"]:
        return lambda parent, _info: function(parent)
    return cast("Getter", function) if parameters == ["self", "info"] else None


def _plan_field(parent_type: GraphQLObjectType, name: str, field: GraphQLField) -> FieldPlan | None:
    if field.args:
        return None
    definition = field.extensions.get("strawberry-definition")
    owner = parent_type.extensions.get("strawberry-definition")
    if not isinstance(definition, StrawberryField) or owner is None:
        return None
    if definition.extensions:
        return None
    if name in RELATIONS.get(owner.origin, {}):
        return FieldPlan(_relation_getter(name), field.type)
    getter = _resolver_getter(definition)
    return None if getter is None else FieldPlan(getter, field.type)


def _type_name_plan(parent_type: GraphQLObjectType, field: GraphQLField) -> FieldPlan:
    found = _TYPE_NAMES.get(parent_type.name)
    if found is None:
        name = parent_type.name
        found = _TYPE_NAMES[name] = FieldPlan(lambda _parent, _info: name, field.type)
    return found


def field_plan(parent_type: GraphQLObjectType, name: str, field: GraphQLField) -> FieldPlan | None:
    """The plan of one schema field, made the first time any operation selects it."""
    if name == "__typename":  # one meta field for every type, its value the type's name
        return _type_name_plan(parent_type, field)
    found = _FIELD_PLANS.get(id(field))
    if found is None or found[0] is not field:
        found = _FIELD_PLANS[id(field)] = (field, _plan_field(parent_type, name, field))
    return found[1]


Planned = list[tuple[str, FieldDetailsList, FieldPlan | None]]


class PlannedExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, reading planned fields directly."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[GroupedFieldSet, Planned]] = {}
        self._info = ContextOnly(self.context_value)

    def _planned(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> Planned:
        found = self._plans.get(id(fields))
        if found is not None and found[0] is fields:
            return found[1]
        planned: Planned = []
        for response_name, details in fields.items():
            name = details[0].node.name.value
            definition = self.schema.get_field(parent_type, name)
            plan = None
            if definition is not None and not details[0].node.arguments:
                plan = field_plan(parent_type, name, definition)
            planned.append((response_name, details, plan))
        self._plans[id(fields)] = (fields, planned)
        return planned

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """Planned fields read directly; the others (and any that fail) through graphql-core."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        for response_name, details, plan in self._planned(parent_type, grouped_field_set):
            field_path = Path(path, response_name, parent_type.name)
            result: Any = Undefined
            if plan is not None:
                result = self._read(plan, details, field_path, source_value)
            if result is Undefined:
                result = self.execute_field(
                    parent_type, source_value, details, field_path, position_context
                )
                if result is Undefined:
                    continue
            results[response_name] = result
            if self.is_awaitable(result):
                pending.append(response_name)
        if not pending:
            return results
        return self._gathered(results, pending)

    async def _gathered(self, results: dict[str, Any], pending: list[str]) -> dict[str, Any]:
        if len(pending) == 1:
            results[pending[0]] = await results[pending[0]]
        else:
            awaited = await gather_with_cancel(*(results[name] for name in pending))
            results.update(zip(pending, awaited, strict=True))
        return results

    def _read(self, plan: FieldPlan, details: FieldDetailsList, path: Path, source: Any) -> Any:
        """The completed value, or Undefined when the generic execution must answer."""
        started: list[Awaitable[Any]] = []
        try:
            value = plan.getter(source, self._info)
            return self._complete(plan.return_type, details, path, value, started)
        except GraphQLError as error:
            # A non-null field below failed in graphql-core, which located and reported
            # it: it nulls this field as it would have in the generic execution.
            self.handle_field_error(error, plan.return_type, details, path)
            return None
        except Exception:  # noqa: BLE001, S110 (the generic execution reports it, with its path)
            pass
        if started:
            self.settle_in_background(started)
        return Undefined

    def _complete(
        self,
        return_type: GraphQLOutputType,
        details: FieldDetailsList,
        path: Path,
        value: Any,
        started: list[Awaitable[Any]],
    ) -> Any:
        if isinstance(return_type, GraphQLNonNull):
            completed = self._complete(return_type.of_type, details, path, value, started)
            if completed is None:
                raise NotPlanned
            return completed
        if value is None:
            return None
        if inspect.iscoroutine(value):  # a resolver that loads: graphql-core awaits it
            value.close()
            raise NotPlanned
        if is_leaf_type(return_type):
            coerced = return_type.coerce_output_value(value)  # type: ignore[union-attr]
            if coerced is Undefined or coerced is None:
                raise NotPlanned
            return coerced
        if isinstance(return_type, GraphQLList):
            return self._complete_list(return_type.of_type, details, path, value, started)
        if isinstance(return_type, GraphQLObjectType):
            return self._complete_object(return_type, details, path, value, started)
        raise NotPlanned  # an interface or a union: its runtime type is graphql-core's to find

    def _complete_list(
        self,
        item_type: GraphQLOutputType,
        details: FieldDetailsList,
        path: Path,
        values: Any,
        started: list[Awaitable[Any]],
    ) -> Any:
        if not isinstance(values, (list, tuple)):
            raise NotPlanned
        items = [
            self._complete(item_type, details, path.add_key(index, None), value, started)
            for index, value in enumerate(values)
        ]
        awaited = [i for i, item in enumerate(items) if self.is_awaitable(item)]
        if not awaited:
            return items

        async def gathered() -> list[Any]:
            values = await gather_with_cancel(*(items[index] for index in awaited))
            for index, item in zip(awaited, values, strict=True):
                items[index] = item
            return items

        return gathered()

    def _complete_object(
        self,
        return_type: GraphQLObjectType,
        details: FieldDetailsList,
        path: Path,
        value: Any,
        started: list[Awaitable[Any]],
    ) -> Any:
        # Strawberry's check (an isinstance for types with interfaces) never reads `info`.
        if return_type.is_type_of is not None and return_type.is_type_of(value, None) is not True:  # type: ignore[arg-type]
            raise NotPlanned
        fields, _defers, _forbidden = self.collect_subfields(return_type, details)
        completed = self.execute_fields(return_type, value, path, fields, None)
        if self.is_awaitable(completed):
            started.append(completed)
        return completed
