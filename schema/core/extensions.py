"""Schema extensions: operation-level hooks only (a per-field hook would slow every field)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from strawberry.extensions import SchemaExtension

from masthead.resolvers.core.bodies import read_body_parts
from masthead.resolvers.core.context import ReadContext
from masthead.schema.core.body_selection import body_parts


class OperationLifecycle(SchemaExtension):
    """Tells the read context what the operation selects; releases its connection after."""

    def on_execute(self) -> Iterator[None]:
        """Before execution: which parts of stored bodies the operation's fields need."""
        execution = self.execution_context
        document = execution.graphql_document
        if isinstance(execution.context, ReadContext) and document is not None:
            parts = body_parts(document, execution.variables)
            read_body_parts(execution.context.parameters, parts)
        yield

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        """Close the read context after execution, whatever happened."""
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, ReadContext):
                await context.close()
