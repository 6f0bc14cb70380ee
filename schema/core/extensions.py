"""Schema extensions: operation-level hooks only (a per-field hook would slow every field)."""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension

from masthead.resolvers.core.context import ReadContext


class OperationLifecycle(SchemaExtension):
    """Releases the operation's database connection once the result is complete."""

    async def on_operation(self) -> AsyncIterator[None]:  # type: ignore[override]
        """Close the read context after execution, whatever happened."""
        try:
            yield
        finally:
            context = self.execution_context.context
            if isinstance(context, ReadContext):
                await context.close()
