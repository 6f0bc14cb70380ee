"""Signatures a receiver checks: Standard Webhooks' `webhook-signature` and a body HMAC.

The key is the secret's bytes: for a `whsec_<base64>` secret (the Standard Webhooks form)
the base64-decoded part after the prefix; for any other secret its UTF-8 bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac

from masthead import __version__

PREFIX = "whsec_"
USER_AGENT = f"Masthead-Webhooks/{__version__}"


def signing_key(secret: str) -> bytes:
    """The HMAC key of a hook's secret."""
    if secret.startswith(PREFIX):
        encoded = secret.removeprefix(PREFIX)
        try:
            return base64.b64decode(encoded + "=" * (-len(encoded) % 4), validate=True)
        except binascii.Error:
            pass  # not base64 after all: the whole secret's bytes, as for any other form
    return secret.encode()


def standard_signature(key: bytes, message_id: str, timestamp: int, body: str) -> str:
    """`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">` (Standard Webhooks)."""
    signed = f"{message_id}.{timestamp}.{body}".encode()
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return f"v1,{base64.b64encode(digest).decode()}"


def body_signature(key: bytes, body: str) -> str:
    """`sha256=<hex HMAC-SHA256 of the body>` for receivers that check the body alone."""
    return "sha256=" + hmac.new(key, body.encode(), hashlib.sha256).hexdigest()


def signed_headers(secret: str, message_id: str, timestamp: int, body: str) -> dict[str, str]:
    """Every header of one attempt."""
    key = signing_key(secret)
    return {
        "content-type": "application/json",
        "user-agent": USER_AGENT,
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(key, message_id, timestamp, body),
        "x-masthead-signature-256": body_signature(key, body),
    }
