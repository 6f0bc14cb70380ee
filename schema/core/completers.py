"""Compiled completers: how the planner completes the values of one operation's fields.

For each object type and group of fields an operation selects on it, the planner
compiles once an `ObjectCompleter`: a tuple per field of its response name, how it is
read, and how its value completes (a leaf's coercion chosen once for its scalar or enum
in `leaves.py`, a list's items, an object's own completer). Completing an object is then
one loop.

Paths are built only when they are needed (an error, a field run by graphql-core): a
position is the parent's position, a key and a type name in a plain tuple, made a
graphql-core `Path` on demand.

A value that does not complete the plain way (a null where the schema forbids it, a
value its scalar does not coerce, a coroutine, a list that is not one, an object that is
not its type) raises `NotPlanned`, and the field runs through graphql-core, so its
errors, null propagation and paths are graphql-core's own. An error that graphql-core
already located below (a non-null field that failed) nulls the nearest nullable list
item or field, as graphql-core does.
"""

from __future__ import annotations

from types import CoroutineType
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLError,
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

from masthead.schema.core.field_plans import CallPlan, FieldPlan, NotPlanned, Plan, field_plan
from masthead.schema.core.leaves import Complete, Nothing, leaf, not_planned

if TYPE_CHECKING:
    from masthead.schema.core.planner import PlannedExecution

# A response position: None (the root), a graphql-core Path, or a plain tuple shaped
# like one (previous position, key, type name) that `materialized` turns into a Path.
Position = Any
# How a value completes: non-null or not, the class whose values pass unchanged, the rest.
Compiled = tuple[bool, type, Complete]

# How a field is read: an attribute, a getter (never awaitable, or perhaps), a resolver
# call with arguments, or graphql-core's execution.
ATTRIBUTE, READ, READ_AWAITABLE, CALL, GENERIC = range(5)


def materialized(position: Position) -> Path | None:
    """The graphql-core Path of a position."""
    if position is None or position.__class__ is Path:
        return position  # type: ignore[no-any-return]
    previous, key, type_name = position
    return Path(materialized(previous), key, type_name)


def compiled(
    execution: PlannedExecution, return_type: GraphQLOutputType, details: FieldDetailsList
) -> Compiled | None:
    """How values of a type complete, or None when graphql-core must complete them."""
    try:
        return _compiled(execution, return_type, details)
    except Exception:  # noqa: BLE001 (collecting subfields failed: graphql-core reports it)
        return None


def _compiled(
    execution: PlannedExecution, return_type: GraphQLOutputType, details: FieldDetailsList
) -> Compiled | None:
    non_null = isinstance(return_type, GraphQLNonNull)
    inner = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if is_leaf_type(inner):
        passing, complete = leaf(inner)  # type: ignore[arg-type]
        return non_null, passing, complete
    if isinstance(inner, GraphQLList):
        item = _compiled(execution, inner.of_type, details)
        if item is None:
            return None
        return non_null, Nothing, ListCompleter(item, inner.of_type, details).complete
    if isinstance(inner, GraphQLObjectType):
        return non_null, Nothing, execution.object_completer(inner, details).complete
    return None  # an interface or a union: its runtime type is graphql-core's to find


def completed(execution: PlannedExecution, how: Compiled, value: Any, position: Position) -> Any:
    """A value completed as compiled; NotPlanned when graphql-core must complete it."""
    non_null, passing, complete = how
    if value.__class__ is passing:
        return value
    if value is None:
        if non_null:
            raise NotPlanned
        return None
    return complete(execution, value, position)


class ListCompleter:
    """Completes a list's items; an error located below nulls a nullable item."""

    __slots__ = ("details", "item", "item_type")

    def __init__(
        self, item: Compiled, item_type: GraphQLOutputType, details: FieldDetailsList
    ) -> None:
        self.item = item
        self.item_type = item_type
        self.details = details

    def complete(self, execution: PlannedExecution, values: Any, position: Position) -> Any:
        """The completed items, or an awaitable of them when some finish later."""
        if values.__class__ is not list and not isinstance(values, (list, tuple)):
            not_planned(values)  # an iterable of another kind: graphql-core's to iterate
        non_null, passing, complete = self.item
        items: list[Any] = []
        append = items.append
        pending: list[int] = []
        try:
            for index, value in enumerate(values):
                if value.__class__ is passing:
                    append(value)
                    continue
                if value is None:
                    append(None if not non_null else not_planned())
                    continue
                try:
                    item = complete(execution, value, (position, index, None))
                except GraphQLError as error:
                    path = materialized((position, index, None))
                    execution.handle_field_error(error, self.item_type, self.details, path)  # type: ignore[arg-type]
                    item = None
                if item.__class__ is CoroutineType:
                    pending.append(index)
                append(item)
        except Exception:
            if pending:
                execution.settle_in_background([items[index] for index in pending])
            raise
        return _gathered(items, pending) if pending else items


async def _gathered(completed: Any, pending: list[Any]) -> Any:
    """A list's items or an object's fields, with those at `pending` awaited in place."""
    if len(pending) == 1:
        completed[pending[0]] = await completed[pending[0]]
        return completed
    values = await gather_with_cancel(*(completed[at] for at in pending))
    for at, value in zip(pending, values, strict=True):
        completed[at] = value
    return completed


class FieldEntry:
    """What the slow paths of one field need: its group of nodes, parent type and plan."""

    __slots__ = ("details", "how", "parent_type", "plan", "return_type")

    def __init__(
        self,
        details: FieldDetailsList,
        parent_type: GraphQLObjectType,
        plan: Plan | None,
        return_type: GraphQLOutputType | None,
    ) -> None:
        self.details = details
        self.parent_type = parent_type
        self.plan = plan
        self.return_type = return_type
        self.how: Compiled | None = None


# response name, kind, attribute, getter, class passed unchanged, non-null, completion, entry
Row = tuple[str, int, str, Any, type, bool, Complete | None, FieldEntry]


def _row(
    execution: PlannedExecution,
    parent_type: GraphQLObjectType,
    name: str,
    details: FieldDetailsList,
) -> Row:
    field_name = details[0].node.name.value
    definition = execution.schema.get_field(parent_type, field_name)
    plan = None
    if execution.planning and definition is not None:
        plan = field_plan(parent_type, field_name, definition)
    return_type = definition.type if definition is not None else None
    entry = FieldEntry(details, parent_type, plan, return_type)
    if isinstance(plan, CallPlan):
        entry.how = compiled(execution, plan.definition.type, details)
        return (name, CALL, "", None, Nothing, False, None, entry)
    if isinstance(plan, FieldPlan):
        how = compiled(execution, plan.return_type, details)
        if how is not None:
            entry.how = how
            non_null, passing, complete = how
            kind = ATTRIBUTE if plan.attribute else READ if plan.synchronous else READ_AWAITABLE
            attribute = plan.attribute or ""
            return (name, kind, attribute, plan.getter, passing, non_null, complete, entry)
    return (name, GENERIC, "", None, Nothing, False, None, entry)


class ObjectCompleter:
    """Completes objects of one type for one group of selected fields: one loop."""

    __slots__ = ("is_type_of", "rows", "type_name")

    def __init__(
        self, execution: PlannedExecution, parent_type: GraphQLObjectType, fields: GroupedFieldSet
    ) -> None:
        self.type_name = parent_type.name
        self.is_type_of = parent_type.is_type_of
        self.rows = tuple(
            _row(execution, parent_type, name, details) for name, details in fields.items()
        )

    def complete(  # noqa: C901, PLR0912 (the loop of every object's fields, in one frame)
        self,
        execution: PlannedExecution,
        source: Any,
        position: Position,
        position_context: Any = None,
        checked: bool = False,
    ) -> Any:
        """An object's fields, or an awaitable of them when some finish later.

        NotPlanned (before any field runs) when the value is not an object of this type;
        `checked` when graphql-core has seen that it is.
        """
        is_type_of = self.is_type_of
        # Strawberry's check (an isinstance for types with interfaces) never reads `info`.
        if not checked and (
            source.__class__ is CoroutineType
            or (is_type_of is not None and is_type_of(source, None) is not True)  # type: ignore[arg-type]
        ):
            not_planned(source)
        results: dict[str, Any] = {}
        pending: list[str] = []
        info = execution.read_info
        type_name = self.type_name
        try:
            for name, kind, attribute, getter, passing, non_null, complete, entry in self.rows:
                run = kind
                if kind < CALL:
                    try:
                        value = (
                            getattr(source, attribute)
                            if kind == ATTRIBUTE
                            else getter(source, info)
                        )
                        if value.__class__ is passing:
                            results[name] = value
                            continue
                        if value is None:
                            results[name] = None if not non_null else not_planned()
                            continue
                        if kind == READ_AWAITABLE and execution.is_awaitable(value):
                            not_planned(value)
                        result = complete(execution, value, (position, name, type_name))  # type: ignore[misc]
                        if result.__class__ is CoroutineType:
                            pending.append(name)
                        results[name] = result
                        continue
                    except GraphQLError as error:
                        # Located below (a non-null field that failed), or the getter's own.
                        execution.field_error(error, entry, (position, name, type_name))
                        results[name] = None
                        continue
                    except Exception:  # noqa: BLE001 (the generic execution reports it, with its path)
                        run = GENERIC
                here = (position, name, type_name)
                result = execution.run_field(run, entry, source, here, position_context)
                if result is not Undefined:
                    if execution.is_awaitable(result):
                        pending.append(name)
                    results[name] = result
        except Exception:
            if pending:
                execution.settle_in_background([results[name] for name in pending])
            raise
        return _gathered(results, pending) if pending else results
