"""Error JSON with `extensions.code`, and masking of internal errors in production."""

from __future__ import annotations

from graphql import GraphQLError

from schema.core.errors import INTERNAL, error_code

MASKED_MESSAGE = "Internal server error"


def format_error(error: GraphQLError, *, mask_internal: bool) -> dict[str, object]:
    """The JSON of one error with its code; internal failures' messages masked if asked."""
    code = error_code(error)
    formatted = dict(error.formatted)
    extensions = formatted.get("extensions")
    formatted["extensions"] = {**(extensions if isinstance(extensions, dict) else {}), "code": code}
    if code == INTERNAL and mask_internal:
        formatted["message"] = MASKED_MESSAGE
    return formatted
