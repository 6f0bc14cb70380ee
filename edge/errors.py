"""Error JSON with `extensions.code`, masking of internal errors, and refusals before execution."""

from __future__ import annotations

from graphql import GraphQLError
from sqlalchemy.exc import SQLAlchemyError
from starlette.responses import JSONResponse, Response

from masthead.schema.core.errors import INTERNAL, error_code

MASKED_MESSAGE = "Internal server error"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON = "application/json"


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

    def response(self, media_type: str) -> Response:
        """The refusal in the media type the client accepts."""
        status = 200 if self.document and media_type != GRAPHQL_RESPONSE else self.status
        # A refusal holds for this request only: no cache keeps it (a CDN would replay it).
        headers = {"Cache-Control": "no-store", **self.headers}
        if self.status == 401:  # noqa: PLR2004
            headers["WWW-Authenticate"] = "Bearer"
        return refusal_response(
            self.message,
            self.code,
            status=status,
            media_type=media_type,
            extensions=self.extensions,
            headers=headers,
        )


def refusal_response(  # noqa: PLR0913 - the parts of one answer, each named
    message: str,
    code: str | None = None,
    *,
    status: int,
    media_type: str,
    extensions: dict[str, object] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A request refused before or instead of running, in `media_type`.

    `application/graphql-response+json` leaves out `data`: nothing ran.
    `application/json` keeps `data: null`, as Masthead always answered there.
    """
    body = request_error(message, code, with_data=media_type != GRAPHQL_RESPONSE)
    if extensions:
        body["extensions"] = extensions
    return JSONResponse(body, status_code=status, headers=headers, media_type=media_type)
