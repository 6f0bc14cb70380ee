"""The request body limit: a `receive` that refuses with 413 as soon as a body passes it."""

from __future__ import annotations

from starlette.types import Message, Receive

from masthead.edge.errors import PAYLOAD_TOO_LARGE, Refused


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
