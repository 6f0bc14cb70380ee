"""Admitting a request's operations before any runs: documents, limits, cost, batch size.

Each operation's document is found first (sent in full, or by hash or id: see
`persisted_queries`), then held to the document limits and `MASTHEAD_MAX_COST`, all read
from the document's cached verdict (`document_checks`), so a repeated document costs one
hash and one lookup. A document sent with its hash is kept only once it is admitted.
"""

from __future__ import annotations

from typing import Any

import orjson
from graphql import OperationType, get_operation_ast
from starlette.requests import Request
from strawberry.http import GraphQLRequestData

from masthead.edge.document_checks import DocumentChecks, Verdict
from masthead.edge.errors import Refused
from masthead.edge.persisted_queries import PersistedDocuments, requested_key
from masthead.edge.trusted_documents import TrustedDocuments
from masthead.schema.core.limits import OperationCosts, over_the_limit
from masthead.settings import Settings

BATCH_LIMIT_EXCEEDED = "BATCH_LIMIT_EXCEEDED"


class Admission:
    """The checks every operation passes before it runs, and what they measured."""

    def __init__(self, settings: Settings, schema: Any, trusted: TrustedDocuments | None) -> None:
        self.settings = settings
        self.checks = DocumentChecks(settings, schema)
        self.persisted = PersistedDocuments(settings, trusted)

    async def admit(
        self, operations: list[GraphQLRequestData], document_ids: list[object], *, with_token: bool
    ) -> tuple[int, list[str]]:
        """Find each operation's document and admit it: the total cost and the names."""
        requested, names = 0, []
        for operation, document_id in zip(operations, document_ids, strict=True):
            key, automatic = requested_key(operation.extensions, document_id)
            operation.query, keep = await self.persisted.document(
                operation.query, key, automatic=automatic, with_token=with_token
            )
            cost, name = self.operation(operation)
            self._refuse_subscription(operation)
            if keep and key is not None and operation.query is not None:
                await self.persisted.keep(key, operation.query)
            requested += cost
            names.append(name or "-")
        return requested, names

    def operation(self, operation: GraphQLRequestData) -> tuple[int, str | None]:
        """The operation's cost and name, from its document's verdict (looked up once).

        Refused over a document limit, or with its variables over `MASTHEAD_MAX_COST`.
        """
        if not isinstance(operation.query, str):
            return 0, None
        verdict = self.checks.verdict(operation.query)
        _refuse_over_limits(verdict)
        costs = verdict.notes.get("costs")
        if not isinstance(costs, OperationCosts):
            return 0, operation.operation_name
        requested = costs.requested(operation.operation_name, operation.variables)
        refusal = over_the_limit(requested, self.settings.max_cost)
        if refusal is not None:
            refused = Refused(400, refusal.code, refusal.message, document=True)
            refused.extensions["cost"] = {"requested": requested, "limit": self.settings.max_cost}
            raise refused
        node = get_operation_ast(costs.document, operation.operation_name)
        return requested, node.name.value if node is not None and node.name is not None else None

    def _refuse_subscription(self, operation: GraphQLRequestData) -> None:
        """Over HTTP a subscription could only answer null: it runs over the WebSocket."""
        if not isinstance(operation.query, str):
            return
        costs = self.checks.verdict(operation.query).notes.get("costs")
        if not isinstance(costs, OperationCosts):
            return
        node = get_operation_ast(costs.document, operation.operation_name)
        if node is not None and node.operation == OperationType.SUBSCRIPTION:
            message = ("subscriptions run over a WebSocket on this endpoint "
                       "(graphql-transport-ws), not over HTTP")  # fmt: skip
            raise Refused(400, "GRAPHQL_VALIDATION_FAILED", message, document=True)

    async def check_before_cache(self, request: Request) -> None:
        """An anonymous request's limits, checked before the response cache asks the database.

        A refused request then costs no statement; a body that does not parse is left to
        the view, which says why.
        """
        if request.method == "GET":
            self.check_anonymous_document(request.query_params.get("query"))
            return
        self.check_anonymous_body(await request.body())

    def check_anonymous_body(self, body: bytes) -> None:
        """`check_before_cache` for a POST's JSON body (any that does not parse passes)."""
        try:
            data = orjson.loads(body)
        except orjson.JSONDecodeError:
            return
        if isinstance(data, list):
            self.check_batch(data)
        for operation in data if isinstance(data, list) else [data]:
            if isinstance(operation, dict):
                self.check_anonymous_document(operation.get("query"))

    def check_anonymous_document(self, query: object) -> None:
        """Refuse an anonymous document over a limit or not trusted."""
        if isinstance(query, str):
            _refuse_over_limits(self.checks.verdict(query))
            self.persisted.check_free_document(query, with_token=False)

    def check_batch(self, operations: list[Any]) -> None:
        """A JSON array body: refused while batching is off, else held to its limit."""
        limit = self.settings.batch_max_operations
        if limit == 0:
            message = "batching is off: send one operation per request"
            raise Refused(400, BATCH_LIMIT_EXCEEDED, message)
        if len(operations) > limit:
            message = f"a batch of {len(operations)} operations exceeds the limit of {limit}"
            raise Refused(400, BATCH_LIMIT_EXCEEDED, message)
        if not operations or not all(isinstance(each, dict) for each in operations):
            message = "a batch must be a JSON array of one or more operations (objects)"
            raise Refused(400, "BAD_USER_INPUT", message)


def _refuse_over_limits(verdict: Verdict) -> None:
    """Raise the refusal the document checks found, if any."""
    if verdict.refusal is not None:
        raise Refused(400, verdict.refusal.code, verdict.refusal.message, document=True)
