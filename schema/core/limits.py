"""Limits on one operation: its cost before it runs, and its time while it runs."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

from graphql import DocumentNode, GraphQLSchema
from graphql import ExecutionResult as GraphQLExecutionResult
from strawberry.extensions import SchemaExtension

from masthead.database import STATEMENT_WATCH, StatementWatch
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.errors import MastheadError
from masthead.schema.core.cost import CostPlan, cost_plan
from masthead.schema.core.documents import document_key, schema_documents
from masthead.settings import Settings, get_settings


class CostLimitExceeded(MastheadError):
    """The operation would cost more than `MASTHEAD_MAX_COST`: nothing of it ran."""

    code = "COST_LIMIT_EXCEEDED"


class RequestTimedOut(MastheadError):
    """The operation ran past `MASTHEAD_REQUEST_TIMEOUT_MS`: its statements were stopped."""

    code = "TIMEOUT"


def _settings(context: object) -> Settings:
    return context.settings if isinstance(context, ReadContext) else get_settings()


class OperationCosts:
    """A document's cost plans by operation name, each made on first use.

    Kept with the document's other checks; `requested` evaluates one with a request's
    variables.
    """

    def __init__(self, schema: GraphQLSchema, document: DocumentNode) -> None:
        self.schema = schema
        self.document = document
        self.plans: dict[str | None, CostPlan] = {}

    def requested(self, operation_name: str | None, variables: object) -> int:
        """The cost of running the operation with these variables."""
        plan = self.plans.get(operation_name)
        if plan is None:
            plan = self.plans[operation_name] = cost_plan(
                self.schema, self.document, operation_name
            )
        return plan.evaluate(variables if isinstance(variables, dict) else None)


def over_the_limit(requested: int, limit: int) -> CostLimitExceeded | None:
    """The refusal of an operation costing more than the limit."""
    if requested <= limit:
        return None
    message = (
        f"the operation costs {requested} points, over the limit of {limit}: "
        "ask for fewer items (`first`, `last`) or split it"
    )
    return CostLimitExceeded(message)


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
            documents = schema_documents(context)
            name = context.operation_name
            plan = (
                cost_plan(schema, document, name)
                if documents is None
                else documents.plan(schema, document_key(context), document, name)
            )
            self.requested = plan.evaluate(context.variables)
        refusal = over_the_limit(self.requested, limit)
        if refusal is not None:
            context.result = GraphQLExecutionResult(None, [refusal])
        yield

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost` of the answer."""
        limit = _settings(self.execution_context.context).max_cost
        return {"cost": {"requested": self.requested, "limit": limit}}


class RequestTimeout(SchemaExtension):
    """Stops an operation at `MASTHEAD_REQUEST_TIMEOUT_MS`, the database's work with it.

    At the deadline the SQLite statements the request runs are interrupted and its task is
    cancelled (asyncpg then cancels the PostgreSQL statement, which `statement_timeout`
    also bounds); the answer is a `TIMEOUT` error and the request's connection is dropped.
    """

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        """Run the operation under its deadline."""
        context = self.execution_context.context
        timeout_ms = _settings(context).request_timeout_ms
        if not timeout_ms:
            yield
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout_ms / 1000
        watch = StatementWatch()
        token = STATEMENT_WATCH.set(watch)
        interrupting = loop.call_at(deadline, watch.interrupt)
        try:
            async with asyncio.timeout_at(deadline):
                yield
        except TimeoutError:
            if isinstance(context, ReadContext):
                context.abandoned = True
            message = f"the operation ran longer than {timeout_ms} ms and was stopped"
            raise RequestTimedOut(message) from None
        finally:
            interrupting.cancel()
            STATEMENT_WATCH.reset(token)
