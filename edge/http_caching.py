"""HTTP caching of GraphQL answers: ETags on public GETs, never storing tokens' answers."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

from masthead.edge.cors import add_vary

PRIVATE = "private, no-store"
# Content changes whenever an editor saves: shared caches may keep a public answer but
# must ask again each time; the ETag makes that question cheap (304, no body).
PUBLIC = "public, max-age=0, must-revalidate"


def with_cache_headers(request: Request, response: Response) -> Response:
    """The response with its caching headers, or a 304 when the client's copy is current.

    Every answer varies by `Accept`: it picks the media type, and with it a request
    error's status. Answers to requests with a token may hold drafts: `private, no-store`.
    """
    if request.url.path != "/graphql":
        return response
    add_vary(response.headers, "Accept")
    # Only a 200 that does not say how to cache it (a refusal says: not at all) is ours.
    if response.status_code != 200 or "cache-control" in response.headers:  # noqa: PLR2004
        return response
    if "authorization" in request.headers:
        response.headers["Cache-Control"] = PRIVATE
        return response
    if request.method != "GET" or not response.headers.get("content-type", "").startswith(
        "application/"
    ):
        return response
    etag = f'"{hashlib.sha256(bytes(response.body)).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": PUBLIC, "Vary": "Accept, Authorization"}
    if etag in _client_tags(request):
        return Response(status_code=304, headers=headers)
    response.headers.update(headers)
    return response


def _client_tags(request: Request) -> set[str]:
    header = request.headers.get("if-none-match", "")
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
