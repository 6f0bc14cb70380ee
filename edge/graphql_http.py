"""GraphQL over HTTP: the media type an answer takes, and its status code for request errors."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from masthead.edge.errors import GRAPHQL_RESPONSE, JSON, Refused, refusal_response
from masthead.schema.core.errors import error_code

# What a wildcard range picks on a tie comes first: application/json, for older clients.
OFFERED = (JSON, GRAPHQL_RESPONSE)
QUALITY = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?")
NOT_ACCEPTABLE = "NOT_ACCEPTABLE"
# Errors raised before execution: the document, the variables, the operation's cost.
REQUEST_ERRORS = frozenset(
    {"GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED", "BAD_USER_INPUT", "COST_LIMIT_EXCEEDED"}
)


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, by the client's `Accept`; None when it accepts neither.

    No `Accept` (or an empty one) means application/json, as before GraphQL over HTTP.
    Each offered type has the quality of the most specific range that matches it (RFC 9110
    §12.5.1); the highest quality wins, then the more specific range, then the one listed
    first. A wildcard alone (`*/*`, `application/*`) picks application/json.
    """
    if accept is None or not accept.strip():
        return JSON
    ranges = list(_ranges(accept))
    best: tuple[str, tuple[float, int, int]] | None = None
    for offered in OFFERED:
        rank = _rank(offered, ranges)
        if rank is not None and (best is None or rank > best[1]):
            best = offered, rank
    return None if best is None else best[0]


def _ranges(accept: str) -> Iterator[tuple[str, str, float, int]]:
    """Each well-formed media range of an `Accept`: type, subtype, quality, position."""
    for position, part in enumerate(accept.split(",")):
        media_range, *parameters = (piece.strip() for piece in part.split(";"))
        kind, _, subtype = media_range.lower().partition("/")
        quality = "1"
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                quality = value.strip()
        if kind and subtype and QUALITY.fullmatch(quality):
            yield kind, subtype, float(quality), position


def _rank(offered: str, ranges: list[tuple[str, str, float, int]]) -> tuple[float, int, int] | None:
    """How much the client wants `offered`: quality, specificity, -position; None if not."""
    kind, subtype = offered.split("/")
    matches = [
        (2 if (k, s) == (kind, subtype) else 1 if (k, s) == (kind, "*") else 0, q, -position)
        for k, s, q, position in ranges
        if (k, s) in {(kind, subtype), (kind, "*"), ("*", "*")}
    ]
    if not matches:
        return None
    specificity, quality, position = max(matches)
    return (quality, specificity, position) if quality > 0 else None


def refuse_unacceptable(request: Request) -> None:
    """406 for a GraphQL request whose `Accept` names neither media type.

    GraphQL over HTTP recommends 406 over an answer the client did not ask for. A GET
    without a query is no GraphQL request: it gets GraphiQL's page, or a 400 saying what
    is missing.
    """
    if request.method == "GET" and request.query_params.get("query") is None:
        return
    message = f"the Accept header names neither {GRAPHQL_RESPONSE} nor {JSON}: ask for one"
    raise Refused(406, NOT_ACCEPTABLE, message)


def is_request_error(result: ExecutionResult) -> bool:
    """Whether nothing was executed: the document, its variables or its cost was refused.

    Such a result has no data, and only errors without a path of those kinds. A timeout or
    a crash once execution began is not one: execution started, so `data` is null.
    """
    errors = result.errors or []
    return (
        result.data is None
        and bool(errors)
        and all(error.path is None and error_code(error) in REQUEST_ERRORS for error in errors)
    )


def result_status(body: GraphQLHTTPResponse | list[GraphQLHTTPResponse], media_type: str) -> int:
    """400 for a request error (no `data`) in application/graphql-response+json, else 200.

    A batch is 200: each of its answers says how it went.
    """
    if media_type == GRAPHQL_RESPONSE and isinstance(body, dict) and "data" not in body:
        return 400
    return 200


def check_parameters(operation: GraphQLRequestData) -> None:
    """Refuse (400) an operation whose parameters have the wrong JSON type.

    Strawberry checks a single operation's `query`, `variables` and `extensions`, but
    neither its `operationName` nor the operations of a batch.
    """
    expected = {
        "query": (operation.query, str),
        "operationName": (operation.operation_name, str),
        "variables": (operation.variables, dict),
        "extensions": (operation.extensions, dict),
    }
    for name, (value, kind) in expected.items():
        if value is not None and not isinstance(value, kind):
            what = "a string" if kind is str else "an object"
            message = f"`{name}` must be {what} or null, if given"
            raise Refused(400, "BAD_USER_INPUT", message)


def strawberry_refusal(
    refusal: HTTPException, request: Request, media_type: str, extensions: dict[str, object]
) -> Response:
    """A refusal of Strawberry's (unreadable body, wrong type, method or operation) as an error.

    A mutation over GET is the wrong method (405), as GraphQL over HTTP asks.
    """
    if request.method == "GET" and "mutations are not allowed" in refusal.reason:
        status, headers = 405, {"Allow": "POST"}
    else:
        status, headers = refusal.status_code, {}
    return refusal_response(
        refusal.reason, status=status, media_type=media_type, extensions=extensions, headers=headers
    )
