"""Error JSON with `extensions.code`, masking of internal errors, and refusals before execution."""

from __future__ import annotations

from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse, Response

from masthead.schema.core.errors import INTERNAL, error_code

MASKED_MESSAGE = "Internal server error"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
GRAPHQL_RESPONSE = "application/graphql-response+json"


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


def accepts_graphql_response(accept: str) -> bool:
    """Whether a client's `Accept` names the GraphQL-over-HTTP media type."""
    return GRAPHQL_RESPONSE in accept


def request_error(
    reason: str, code: str | None = None, *, with_data: bool = True
) -> dict[str, object]:
    """The GraphQL error body for a request refused before execution.

    Unless `code` says otherwise, an unknown or disallowed operation does not validate;
    anything else (an unreadable body, a wrong content type or method) is bad input.
    `application/graphql-response+json` answers leave out `data` (`with_data=False`):
    nothing ran.
    """
    if code is None:
        code = "GRAPHQL_VALIDATION_FAILED" if "operation" in reason.lower() else "BAD_USER_INPUT"
    errors = [{"message": reason, "extensions": {"code": code}}]
    return {"data": None, "errors": errors} if with_data else {"errors": errors}


class Refused(Exception):
    """A request refused before execution, with its HTTP status and GraphQL error code.

    A refused `document` is a GraphQL request error, answered like a parse or validation
    error: 200 with `data: null` in `application/json`, `status` (400) in
    `application/graphql-response+json`, as GraphQL over HTTP asks.
    """

    def __init__(self, status: int, code: str, message: str, *, document: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.document = document
        self.extensions: dict[str, object] = {}
        self.headers: dict[str, str] = {}

    def response(self, accept: str) -> Response:
        """The refusal in the media type the client accepts."""
        graphql_response = accepts_graphql_response(accept)
        status = 200 if self.document and not graphql_response else self.status
        # A refusal holds for this request only: no cache keeps it (a CDN would replay it).
        headers = {"Cache-Control": "no-store", **self.headers}
        if self.status == 401:  # noqa: PLR2004
            headers["WWW-Authenticate"] = "Bearer"
        body = request_error(self.message, self.code, with_data=not graphql_response)
        if self.extensions:
            body["extensions"] = self.extensions
        media_type = GRAPHQL_RESPONSE if graphql_response else "application/json"
        return JSONResponse(body, status_code=status, headers=headers, media_type=media_type)
