"""Error JSON with `extensions.code`, and masking of internal errors in production."""

from __future__ import annotations

from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError

from masthead.schema.core.errors import INTERNAL, error_code

MASKED_MESSAGE = "Internal server error"


def format_error(error: GraphQLError, *, mask_internal: bool) -> dict[str, object]:
    """The JSON of one error with its code; internal failures' messages masked if asked.

    A database's own message is masked always: it quotes SQL and the driver.
    """
    code = error_code(error)
    formatted = dict(error.formatted)
    extensions = formatted.get("extensions")
    formatted["extensions"] = {**(extensions if isinstance(extensions, dict) else {}), "code": code}
    if code == INTERNAL and (mask_internal or isinstance(error.original_error, SQLAlchemyError)):
        formatted["message"] = MASKED_MESSAGE
    return formatted


def request_error(reason: str, code: str | None = None) -> dict[str, object]:
    """The GraphQL error body for a request refused before execution.

    Unless `code` says otherwise, an unknown or disallowed operation does not validate;
    anything else (an unreadable body, a wrong content type or method) is bad input.
    """
    if code is None:
        code = "GRAPHQL_VALIDATION_FAILED" if "operation" in reason.lower() else "BAD_USER_INPUT"
    return {"data": None, "errors": [{"message": reason, "extensions": {"code": code}}]}
