"""Masthead's output formats, rebuilt for the baselines: global IDs, timestamps, cursors."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

import orjson

LIVE_STATUSES = ("PUBLISHED", "SCHEDULED")
DEFAULT_LOCALE = "en"
MEDIA_BASE_URL = "/media"
_NO_MICROSECONDS = ".000000"


def b64url(raw: bytes) -> str:
    """Base64url without padding: Masthead's encoding of global IDs and cursors."""
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def global_id(type_name: str, pk: int) -> str:
    """The opaque Relay ID Masthead gives row `pk` of `type_name`."""
    return b64url(f"{type_name}:{pk}".encode())


def sqlite_now() -> str:
    """The current UTC time as SQLAlchemy stores timestamps in SQLite (comparable text)."""
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _clock(stored: str) -> str:
    """`HH:MM:SS[.ffffff]` of a stored timestamp, without zero microseconds (as isoformat)."""
    fraction = stored[19:26]
    return stored[11:19] if fraction in {"", _NO_MICROSECONDS} else stored[11:26]


def iso_timestamp(stored: str | None) -> str | None:
    """A stored SQLite timestamp (`2024-05-24 19:37:01.000000`) as GraphQL `DateTime`."""
    if stored is None:
        return None
    return f"{stored[:10]}T{_clock(stored)}+00:00"


def cursor(ordering: str, values: list[Any]) -> str:
    """Masthead's opaque keyset cursor: the ordering's name and the row's sort-key values."""
    return b64url(orjson.dumps([ordering, values], option=orjson.OPT_UTC_Z))


def cursor_timestamp(stored: str | None) -> str | None:
    """A stored timestamp as it appears inside a cursor (UTC with a `Z`)."""
    if stored is None:
        return None
    return f"{stored[:10]}T{_clock(stored)}Z"


def media_url(filename: str | None) -> str | None:
    """The URL Masthead serves a media file at (no public base URL configured)."""
    return None if filename is None else f"{MEDIA_BASE_URL}/{filename}"
