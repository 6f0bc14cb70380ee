"""Where a webhook may point: public addresses only, unless private ones are allowed.

A URL naming a private, loopback, link-local or otherwise reserved address (or a host
name that resolves to one) could make Masthead call into the network it runs in (SSRF).
The check runs when a hook is saved and again before each delivery, because a name can
resolve differently later (DNS rebinding).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from urllib.parse import urlsplit

SCHEMES = ("http", "https")


class UnsafeAddress(ValueError):
    """A webhook URL Masthead must not call; the message says why."""


def _forbidden(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def parse_url(url: str) -> tuple[str, int]:
    """The host and port of an absolute http(s) URL; `UnsafeAddress` when it is not one."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        msg = f"is not a valid URL: {error}"
        raise UnsafeAddress(msg) from error
    if parts.scheme not in SCHEMES or not parts.hostname:
        msg = "must be an absolute http:// or https:// URL"
        raise UnsafeAddress(msg)
    if parts.username or parts.password:
        msg = "must not carry a user name or password; sign with the secret instead"
        raise UnsafeAddress(msg)
    return parts.hostname, port or (443 if parts.scheme == "https" else 80)


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an IP literal resolves to itself)."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        pass
    else:
        return [host]
    loop = asyncio.get_running_loop()
    try:
        found = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        msg = f'names a host that does not resolve ("{host}": {error.strerror or error})'
        raise UnsafeAddress(msg) from error
    return sorted({str(info[4][0]) for info in found})


async def check_url(url: str, *, allow_private: bool) -> list[str]:
    """The addresses a delivery to `url` may connect to; `UnsafeAddress` when none may be.

    With `allow_private` (MASTHEAD_WEBHOOK_ALLOW_PRIVATE) only the URL's form is checked.
    """
    host, port = parse_url(url)
    if allow_private:
        return []
    addresses = await resolve(host, port)
    for each in addresses:
        if _forbidden(ipaddress.ip_address(each.split("%", 1)[0])):
            msg = (f"points to a private, loopback or reserved address ({each}); "
                   "set MASTHEAD_WEBHOOK_ALLOW_PRIVATE=true to allow it")  # fmt: skip
            raise UnsafeAddress(msg)
    return addresses
