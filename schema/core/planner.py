"""Planned execution: each field a document selects is planned once, and fields run lean.

graphql-core resolves every field the same way: a resolve-info object, Strawberry's
resolver wrapper (argument conversion, extension chain), an awaitable check and the
completion dispatch, about 15 µs a field, which is most of a list query's time. Here
each field is planned once from the schema's own descriptions (`field_plans.py`): read
directly, or called with arguments converted once per operation and one `info` for all
of its parents. The groups of fields an operation selects on a type are compiled once
(`completers.py`), reused for every object of a list and kept for the next request of
the same operation (`operation_plans.py`).

Whatever is not planned (abstract types, introspection, a field with Strawberry field
extensions) runs through graphql-core unchanged, and so does a planned field whose value
does not complete the plain way: errors, null propagation and paths are the generic
execution's own.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, cast

from graphql import GraphQLObjectType, GraphQLResolveInfo, Undefined
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import get_arguments

from masthead.schema.core.completers import (
    CALL,
    FieldEntry,
    ObjectCompleter,
    Position,
    completed,
    materialized,
)
from masthead.schema.core.field_plans import CallPlan, ContextOnly, NotPlanned
from masthead.schema.core.operation_plans import operation_memo

# A call bound for one operation: positional and keyword arguments, and the info given.
Bound = tuple[list[Any], dict[str, Any], GraphQLResolveInfo[Any]]


class PlannedExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, running planned fields without its per-field work."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._objects: dict[tuple[int, int], tuple[object, ObjectCompleter]] = {}
        self._calls: dict[int, tuple[FieldDetailsList, Bound]] = {}
        self.read_info = ContextOnly(self.context_value)
        # A schema extension with a `resolve` hook wraps every field: nothing is planned.
        manager = self.middleware_manager
        self.planning = manager is None or not manager.middlewares
        # The completers compiled for this operation by earlier requests, by field nodes.
        fragments = (details.definition for details in self.fragments.values())
        self._kept = operation_memo(
            self.schema, self.operation, fragments, self.variable_values.coerced, self.planning
        )

    def _memo(
        self,
        object_type: GraphQLObjectType,
        source: object,
        nodes: Callable[[], Hashable],
        build: Callable[[], ObjectCompleter],
    ) -> ObjectCompleter:
        """The completer of `source` (a field group, or a field's nodes), compiled once.

        Found by `source` itself within the operation, else among the operation's kept
        completers by the field `nodes` it stands for, else built (and kept).
        """
        key = (id(object_type), id(source))
        found = self._objects.get(key)
        if found is not None and found[0] is source:
            return found[1]
        kept = (id(object_type), nodes())
        completer: ObjectCompleter | None = self._kept.get(kept)
        if completer is None:
            completer = self._kept[kept] = build()
        self._objects[key] = (source, completer)
        return completer

    def _completer(
        self, parent_type: GraphQLObjectType, fields: GroupedFieldSet
    ) -> ObjectCompleter:
        def nodes() -> Hashable:
            return tuple(
                (name, *[id(each.node) for each in details]) for name, details in fields.items()
            )

        return self._memo(
            parent_type, fields, nodes, lambda: ObjectCompleter(self, parent_type, fields)
        )

    def object_completer(
        self, object_type: GraphQLObjectType, details: FieldDetailsList
    ) -> ObjectCompleter:
        """The completer of an object field's values: its subfields, collected once."""

        def build() -> ObjectCompleter:
            fields, _defers, _forbidden = self.collect_subfields(object_type, details)
            return self._completer(object_type, fields)

        def nodes() -> Hashable:
            return (None, *[id(each.node) for each in details])

        return self._memo(object_type, details, nodes, build)

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """Planned fields run lean; the others (and reads that fail) through graphql-core."""
        if not self.planning:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        completer = self._completer(parent_type, grouped_field_set)
        return completer.complete(self, source_value, path, position_context, checked=True)

    def run_field(
        self, kind: int, entry: FieldEntry, source: Any, position: Position, position_context: Any
    ) -> Any:
        """A field called with its arguments, or run by graphql-core."""
        if kind == CALL:
            result = self._call(entry, source, position)
            if result is not Undefined:
                return result
        path = materialized(position)
        return self.execute_field(entry.parent_type, source, entry.details, path, position_context)  # type: ignore[arg-type]

    def _bound(self, plan: CallPlan, entry: FieldEntry, position: Position) -> Bound:
        """The call's arguments, converted once per operation (Strawberry's conversion)."""
        details = entry.details
        found = self._calls.get(id(details))
        if found is not None and found[0] is details:
            return found[1]
        path = materialized(position)
        raw = self.build_resolve_info(plan.definition, to_nodes(details), entry.parent_type, path)  # type: ignore[arg-type]
        strawberry = self.schema._strawberry_schema  # type: ignore[attr-defined]  # noqa: SLF001
        info = strawberry.config.info_class(_raw_info=raw, _field=plan.field)
        first = details[0]
        values = get_argument_values(
            plan.definition, first.node, self.variable_values,
            first.fragment_variable_values, self.hide_suggestions,
        )  # fmt: skip
        positional, keywords = get_arguments(
            field=plan.field, source=None, info=info, kwargs=values,
            config=strawberry.config, scalar_registry=strawberry.schema_converter.scalar_registry,
        )  # fmt: skip
        bound = (positional, keywords, raw)
        self._calls[id(details)] = (details, bound)
        return bound

    def _call(self, entry: FieldEntry, source: Any, position: Position) -> Any:
        """The resolver's completed value (or its awaitable), Undefined to run it generic."""
        plan = cast("CallPlan", entry.plan)
        try:
            positional, keywords, info = self._bound(plan, entry, position)
            resolver = plan.field.base_resolver
            assert resolver is not None  # noqa: S101 (a call plan has one)
            if resolver.self_parameter is not None:
                positional = [source]
            result = cast("Callable[..., Any]", resolver.wrapped_func)(*positional, **keywords)
        except Exception:  # noqa: BLE001 (the generic execution reports it, with its path)
            return Undefined
        if inspect.isawaitable(result):
            return self._completed(result, entry, position, info)
        try:
            completed = self._finish(result, entry, position, info)
        except Exception as raw_error:  # noqa: BLE001 (reported as graphql-core reports it)
            self.field_error(raw_error, entry, position)
            return None
        if self.is_awaitable(completed):
            return self._guarded(completed, entry, position)
        return completed

    def field_error(self, raw_error: Exception, entry: FieldEntry, position: Position) -> None:
        """graphql-core's handling of a field's error: located, then nulling or raised."""
        path = materialized(position)
        self.handle_field_error(raw_error, entry.return_type, entry.details, path)  # type: ignore[arg-type]

    async def _guarded(
        self, completed: Awaitable[Any], entry: FieldEntry, position: Position
    ) -> Any:
        """A completion that finishes later: its errors null this field, as in graphql-core."""
        try:
            return await completed
        except Exception as raw_error:  # noqa: BLE001 (reported as graphql-core reports it)
            self.field_error(raw_error, entry, position)
            return None

    async def _completed(
        self,
        result: Awaitable[Any],
        entry: FieldEntry,
        position: Position,
        info: GraphQLResolveInfo[Any],
    ) -> Any:
        """graphql-core's completion of an awaited value (errors located and reported)."""
        try:
            value = await self.with_abort_signal(result)
            completed = self._finish(value, entry, position, info)
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:  # noqa: BLE001 (reported as graphql-core reports it)
            self.field_error(raw_error, entry, position)
            return None
        return completed

    def _finish(self, value: Any, entry: FieldEntry, position: Position, info: Any) -> Any:
        """A resolved value completed lean, or by graphql-core where that cannot be done."""
        if entry.how is not None:
            try:
                return completed(self, entry.how, value, position)
            except NotPlanned:
                pass
        path = materialized(position)
        return self.complete_value(entry.return_type, entry.details, info, path, value, None)  # type: ignore[arg-type]
