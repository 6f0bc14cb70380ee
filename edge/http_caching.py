"""HTTP caching of GraphQL answers: ETags on public GETs, never storing tokens' answers."""

from __future__ import annotations

import hashlib

from starlette.requests import Request
from starlette.responses import Response

from masthead.edge.cors import add_vary
from masthead.edge.surrogate_keys import add_key_headers

PRIVATE = "private, no-store"
# Content changes whenever an editor saves: shared caches may keep a public answer but
# must ask again each time; the ETag makes that question cheap (304, no body).
PUBLIC = "public, max-age=0, must-revalidate"
# What a 304 repeats of the answer it stands for: a cache refreshes its copy's headers.
NOT_MODIFIED = frozenset({"etag", "cache-control", "vary", "surrogate-key", "cache-tag"})


def with_cache_headers(request: Request, response: Response, keys: str | None = None) -> Response:
    """The response with its caching headers, or a 304 when the client's copy is current.

    Every answer varies by `Accept`: it picks the media type, and with it a request
    error's status. Answers to requests with a token may hold drafts: `private, no-store`.
    Public answers (GET and POST) carry the surrogate `keys` of what they read.
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
    if not response.headers.get("content-type", "").startswith("application/"):
        return response
    if keys is not None:
        add_key_headers(response.headers, keys)
    return _with_etag(request, response) if request.method == "GET" else response


def etag_of(body: bytes) -> str:
    """A public answer's ETag: a digest of its body."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _with_etag(request: Request, response: Response) -> Response:
    """A public GET with its ETag, or a 304 (with the same caching headers) if current."""
    etag = etag_of(bytes(response.body))
    response.headers.update(
        {"ETag": etag, "Cache-Control": PUBLIC, "Vary": "Accept, Authorization"}
    )
    if etag not in client_tags(request.headers.get("if-none-match", "")):
        return response
    kept = {name: value for name, value in response.headers.items() if name in NOT_MODIFIED}
    return Response(status_code=304, headers=kept)


def client_tags(header: str) -> set[str]:
    """The entity tags of an `If-None-Match` header, weak or strong."""
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
