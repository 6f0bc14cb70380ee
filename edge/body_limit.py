"""The request body limit: a `receive` that refuses with 413 as soon as a body passes it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import Message, Receive

from masthead.edge.errors import PAYLOAD_TOO_LARGE, Refused
from masthead.settings import Settings

# Room for the multipart envelope (operations, map, part headers) around an upload.
MULTIPART_OVERHEAD = 64 * 1024


def request_body_limited(request: Request, receive: Receive, settings: Settings) -> Receive:
    """The body's `receive`, held to the upload limit (multipart) or the request limit.

    A declared `Content-Length` above the limit is refused before reading; a body
    without one is refused as soon as it passes the limit.
    A browser sends a multipart form cross-site without asking first, but never with an
    `Authorization` header: requiring one keeps uploads safe from forged requests (CSRF).
    """
    if request.headers.get("content-type", "").startswith("multipart/"):
        if "authorization" not in request.headers:
            message = "multipart requests (uploads) need `Authorization: Bearer <token>`"
            raise Refused(401, "UNAUTHENTICATED", message)
        limit = settings.max_upload_bytes + MULTIPART_OVERHEAD
        what = "the upload limit"
    else:
        limit, what = settings.max_request_bytes, "the limit"
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        message = f"the request body of {int(declared)} bytes exceeds {what} of {limit} bytes"
        raise Refused(413, PAYLOAD_TOO_LARGE, message)
    return body_limited(receive, limit, what)


def body_limited(receive: Receive, limit: int, what: str) -> Receive:
    """`receive`, refusing with 413 once more than `limit` body bytes have arrived.

    Nothing past the limit is read, so memory stays bounded however long a body without
    `Content-Length` (chunked) goes on. `what` names the limit in the message.
    """
    received = 0

    async def receive_within_limit() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            if received > limit:
                refusal = f"the request body exceeds {what} of {limit} bytes ({received} read)"
                raise Refused(413, PAYLOAD_TOO_LARGE, refusal)
        return message

    return receive_within_limit
