"""Limits on one operation: its cost before it runs."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any
from weakref import WeakKeyDictionary

from graphql import DocumentNode, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.errors import MastheadError
from masthead.schema.core.cost import CostPlan, cost_plan
from masthead.settings import Settings, get_settings

PLANS_PER_SCHEMA = 1024


class CostLimitExceeded(MastheadError):
    """The operation would cost more than `MASTHEAD_MAX_COST`: nothing of it ran."""

    code = "COST_LIMIT_EXCEEDED"


def _settings(context: object) -> Settings:
    return context.settings if isinstance(context, ReadContext) else get_settings()


class _Plans:
    """Cost plans by document text and operation: the walk is done once per document."""

    def __init__(self) -> None:
        self.plans: OrderedDict[tuple[object, str | None], CostPlan] = OrderedDict()

    def get(
        self, schema: GraphQLSchema, key: object, document: DocumentNode, name: str | None
    ) -> CostPlan:
        plan = self.plans.get((key, name))
        if plan is None:
            plan = self.plans[key, name] = cost_plan(schema, document, name)
            if len(self.plans) > PLANS_PER_SCHEMA:
                self.plans.popitem(last=False)
        return plan


_PLANS: WeakKeyDictionary[GraphQLSchema, _Plans] = WeakKeyDictionary()


class CostLimit(SchemaExtension):
    """Refuses an operation above `MASTHEAD_MAX_COST` before it runs.

    Every answer says what the operation cost and the limit, in `extensions.cost`
    (0 for a document that did not parse or validate: nothing of it ran).
    """

    requested = 0

    def on_execute(self) -> Iterator[None]:
        """Cost the operation with its variables; an expensive one gets an error, not data."""
        context = self.execution_context
        document = context.graphql_document
        limit = _settings(context.context).max_cost
        if document is not None:
            schema = context.schema._schema  # noqa: SLF001 - graphql-core's schema, read only
            plans = _PLANS.setdefault(schema, _Plans())
            key = context.query if context.query is not None else id(document)
            plan = plans.get(schema, key, document, context.operation_name)
            self.requested = plan.evaluate(context.variables)
        if self.requested > limit:
            message = (
                f"the operation costs {self.requested} points, over the limit of {limit}: "
                "ask for fewer items (`first`, `last`) or split it"
            )
            context.result = GraphQLExecutionResult(None, [CostLimitExceeded(message)])
        yield

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost` of the answer."""
        limit = _settings(self.execution_context.context).max_cost
        return {"cost": {"requested": self.requested, "limit": limit}}
