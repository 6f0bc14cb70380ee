"""The demo's calendar: the first day of its content and the document's timestamp form."""

from __future__ import annotations

from datetime import UTC, datetime

FIRST_DAY = datetime(2023, 1, 1, tzinfo=UTC)


def timestamp(moment: datetime) -> str:
    """The document's timestamp form."""
    return moment.isoformat()
