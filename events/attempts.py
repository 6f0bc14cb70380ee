"""One attempt to deliver a message: check the address again, POST it signed, note the answer."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from masthead.events.addresses import UnsafeAddress, check_url
from masthead.events.signing import signed_headers

ERROR_LENGTH = 900


@dataclass(frozen=True)
class Message:
    """What to send where: a claimed delivery with its hook's URL and secret."""

    delivery_id: int
    webhook_id: int
    message_id: str
    url: str
    secret: str
    body: str


@dataclass(frozen=True)
class Outcome:
    """How an attempt went: a 2xx status, or the error that makes it a failure."""

    status_code: int | None
    duration_ms: int
    error: str | None

    @property
    def succeeded(self) -> bool:
        """Whether the receiver accepted the message."""
        return self.error is None


def pinned(url: str, addresses: list[str]) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The URL to connect to the address just checked, with the Host header and TLS name.

    Connecting by name would resolve it again, and a name can change between the check
    and the connection (DNS rebinding). No addresses (private ones allowed): the URL as is.
    """
    if not addresses:
        return url, {}, {}
    parts = urlsplit(url)
    address = min(addresses, key=lambda each: ":" in each)  # IPv4 first: routed everywhere
    host = f"[{address}]" if ":" in address else address
    netloc = f"{host}:{parts.port}" if parts.port else host
    extensions = {"sni_hostname": parts.hostname} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), {"host": parts.netloc}, extensions


async def attempt(
    client: httpx.AsyncClient, message: Message, *, timeout_s: float, allow_private: bool
) -> Outcome:
    """POST the message once, within `timeout_s` in all (the address check included)."""
    started = time.perf_counter()
    status_code: int | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(timeout_s):
            addresses = await check_url(message.url, allow_private=allow_private)
            url, host, extensions = pinned(message.url, addresses)
            headers = signed_headers(
                message.secret, message.message_id, int(time.time()), message.body
            )
            response = await client.post(
                url, content=message.body.encode(), headers=headers | host, extensions=extensions
            )
        status_code = response.status_code
        if not response.is_success:
            moved = " (redirects are not followed)" if response.is_redirect else ""
            error = f"the receiver answered HTTP {status_code}{moved}"
    except UnsafeAddress as refusal:
        error = f"refused: the URL {refusal}"
    except TimeoutError:
        error = f"no answer within {timeout_s:g} s"
    except httpx.HTTPError as failure:
        error = f"could not deliver: {type(failure).__name__}: {failure}"
    duration_ms = round((time.perf_counter() - started) * 1000)
    return Outcome(status_code, duration_ms, error[:ERROR_LENGTH] if error else None)
