"""Opaque Relay global IDs: base64 of `Type:pk`."""

from __future__ import annotations

import base64
import binascii

from masthead.resolvers.core.errors import BadUserInput

# Primary keys are INTEGER columns: 32-bit on PostgreSQL, whose driver refuses a larger
# parameter (SQLite takes 64 bits, but assigns keys from 1 up). A key above this names no
# row on either backend, so it is never sent to the database.
MAX_KEY = 2**31 - 1


def encode_id(type_name: str, pk: int) -> str:
    """The global ID of row `pk` of `type_name`."""
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode().rstrip("=")


def decode_any_id(global_id: str) -> tuple[str, int | None]:
    """The type name and primary key inside a global ID; a malformed one is bad input.

    The key is None when it is well formed but beyond any key a row can have: an ID of
    nothing, like that of a deleted entry.
    """
    type_name = ""
    try:
        padded = global_id + "=" * (-len(global_id) % 4)
        type_name, _, pk = base64.urlsafe_b64decode(padded.encode()).decode().partition(":")
        value = int(pk) if pk.isascii() and pk.isdigit() else 0
    except (binascii.Error, UnicodeDecodeError, ValueError):
        value = 0
    if not type_name or value < 1:
        msg = f"{global_id!r} is not a valid ID"
        raise BadUserInput(msg)
    return type_name, value if value <= MAX_KEY else None


def decode_id(global_id: str, expected_type: str) -> int | None:
    """The key of a global ID of `expected_type`; None for another type or no possible row."""
    type_name, pk = decode_any_id(global_id)
    return pk if type_name == expected_type else None
