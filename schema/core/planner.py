"""Planned execution: each field a document selects is planned once, and fields run lean.

graphql-core resolves every field the same way: a resolve-info object, Strawberry's
resolver wrapper (argument conversion, extension chain), an awaitable check and the
completion dispatch, about 15 µs a field, which is most of a list query's time. Here
each field is planned once from the schema's own descriptions (`field_plans.py`): read
directly, or called with arguments converted once per operation and one `info` for all
of its parents. The groups of fields an operation selects on a type are planned once per
operation and reused for every object of a list.

Whatever is not planned (abstract types, introspection, a field with Strawberry field
extensions) runs through graphql-core unchanged, and so does a planned direct read that
goes wrong: errors, null propagation and paths are the generic execution's own.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any, cast

from graphql import (
    GraphQLError,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    Undefined,
    is_leaf_type,
)
from graphql.execution.collect_fields import FieldDetailsList, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from graphql.pyutils.gather_with_cancel import gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import get_arguments

from masthead.schema.core.field_plans import (
    CallPlan,
    ContextOnly,
    FieldPlan,
    NotPlanned,
    Plan,
    field_plan,
)

Planned = list[tuple[str, FieldDetailsList, Plan | None]]
# A call bound for one operation: positional and keyword arguments, and the info given.
Bound = tuple[list[Any], dict[str, Any], GraphQLResolveInfo[Any]]


class PlannedExecution(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, running planned fields without its per-field work."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._plans: dict[int, tuple[GroupedFieldSet, Planned]] = {}
        self._calls: dict[int, tuple[FieldDetailsList, Bound]] = {}
        self._info = ContextOnly(self.context_value)
        # A schema extension with a `resolve` hook wraps every field: nothing is planned.
        manager = self.middleware_manager
        self._planning = manager is None or not manager.middlewares

    def _planned(self, parent_type: GraphQLObjectType, fields: GroupedFieldSet) -> Planned:
        found = self._plans.get(id(fields))
        if found is not None and found[0] is fields:
            return found[1]
        planned: Planned = []
        for response_name, details in fields.items():
            name = details[0].node.name.value
            definition = self.schema.get_field(parent_type, name)
            plan = None
            if self._planning and definition is not None:
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
        """Planned fields run lean; the others (and reads that fail) through graphql-core."""
        results: dict[str, Any] = {}
        pending: list[str] = []
        for response_name, details, plan in self._planned(parent_type, grouped_field_set):
            field_path = Path(path, response_name, parent_type.name)
            result: Any = Undefined
            if isinstance(plan, FieldPlan):
                result = self._read(plan, details, field_path, source_value)
            elif isinstance(plan, CallPlan):
                result = self._call(plan, parent_type, details, field_path, source_value)
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
            completed = self._complete(plan.return_type, details, path, value, started)
            if self.is_awaitable(completed):
                return self._guarded(completed, plan.return_type, details, path)
            return completed  # noqa: TRY300 (the except clauses are for the lines above)
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

    def _bound(
        self, plan: CallPlan, parent_type: GraphQLObjectType, details: FieldDetailsList, path: Path
    ) -> Bound:
        """The call's arguments, converted once per operation (Strawberry's conversion)."""
        found = self._calls.get(id(details))
        if found is not None and found[0] is details:
            return found[1]
        raw = self.build_resolve_info(plan.definition, to_nodes(details), parent_type, path)
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

    def _call(
        self,
        plan: CallPlan,
        parent_type: GraphQLObjectType,
        details: FieldDetailsList,
        path: Path,
        source: Any,
    ) -> Any:
        """The resolver's completed value (or its awaitable), Undefined to run it generic."""
        try:
            positional, keywords, info = self._bound(plan, parent_type, details, path)
            resolver = plan.field.base_resolver
            assert resolver is not None  # noqa: S101 (a call plan has one)
            if resolver.self_parameter is not None:
                positional = [source]
            result = cast("Callable[..., Any]", resolver.wrapped_func)(*positional, **keywords)
        except Exception:  # noqa: BLE001 (the generic execution reports it, with its path)
            return Undefined
        if inspect.isawaitable(result):
            return self._completed(result, plan, details, path, info)
        try:
            completed = self._finish(result, plan, details, path, info)
        except Exception as raw_error:  # noqa: BLE001 (reported as graphql-core reports it)
            self.handle_field_error(raw_error, plan.definition.type, details, path)
            return None
        if self.is_awaitable(completed):
            return self._guarded(completed, plan.definition.type, details, path)
        return completed

    async def _guarded(
        self,
        completed: Awaitable[Any],
        return_type: GraphQLOutputType,
        details: FieldDetailsList,
        path: Path,
    ) -> Any:
        """A completion that finishes later: its errors null this field, as in graphql-core."""
        try:
            return await completed
        except Exception as raw_error:  # noqa: BLE001 (reported as graphql-core reports it)
            self.handle_field_error(raw_error, return_type, details, path)
            return None

    async def _completed(
        self,
        result: Awaitable[Any],
        plan: CallPlan,
        details: FieldDetailsList,
        path: Path,
        info: GraphQLResolveInfo[Any],
    ) -> Any:
        """graphql-core's completion of an awaited value (errors located and reported)."""
        try:
            completed = self._finish(
                await self.with_abort_signal(result), plan, details, path, info
            )
            if self.is_awaitable(completed):
                completed = await completed
        except Exception as raw_error:  # noqa: BLE001 (reported as graphql-core reports it)
            self.handle_field_error(raw_error, plan.definition.type, details, path)
            return None
        return completed

    def _finish(
        self, value: Any, plan: CallPlan, details: FieldDetailsList, path: Path, info: Any
    ) -> Any:
        """A resolved value completed lean, or by graphql-core where that cannot be done."""
        return_type = plan.definition.type
        started: list[Awaitable[Any]] = []
        try:
            return self._complete(return_type, details, path, value, started)
        except NotPlanned:
            if started:
                self.settle_in_background(started)
        return self.complete_value(return_type, details, info, path, value, None)

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
