"""The `extensions.code` of any GraphQL error, and logging of the internal ones only."""

from __future__ import annotations

import logging

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry import Schema
from strawberry.types import ExecutionContext

logger = logging.getLogger("masthead.errors")
INTERNAL = "INTERNAL_SERVER_ERROR"


def error_code(error: GraphQLError) -> str:
    """The code of an error: given by whoever raised it, else read off its kind."""
    given = (error.extensions or {}).get("code")
    if isinstance(given, str):
        return given
    if isinstance(error, GraphQLSyntaxError) or isinstance(
        error.original_error, GraphQLSyntaxError
    ):
        return "GRAPHQL_PARSE_FAILED"
    if error.path is None and error.message.startswith("Variable '$"):
        # A variable value that does not coerce (it carries the scalar's own error).
        return "BAD_USER_INPUT"
    if error.original_error is not None:
        return INTERNAL
    if error.path is None:
        return "GRAPHQL_VALIDATION_FAILED"
    return INTERNAL


class MastheadSchema(Schema):
    """Strawberry's schema, logging only failures of the server (not refusals of bad input)."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Log internal errors with their traceback; the client's mistakes are not ours."""
        for error in errors:
            if error_code(error) == INTERNAL:
                logger.error("internal error: %s", error.message, exc_info=error.original_error)
