"""Surrogate keys on public answers: `Surrogate-Key` (Fastly) and `Cache-Tag` (Cloudflare).

Each public answer lists the keys of what it read (resolvers/core/read_keys.py), so a CDN
can purge exactly the answers a change touches by the `keys` of its webhook event. Past
`MASTHEAD_SURROGATE_KEY_BYTES` or `MAX_KEYS` only the site key and the list keys are sent:
every entry read is covered by its type's list key, so purges stay correct, only coarser.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders

from masthead.resolvers.core.read_keys import SITE_KEY, ReadKeys

# Cloudflare keeps about 1,000 tags of an answer (and 16 KB of them, as Fastly does).
MAX_KEYS = 1000


def render_keys(read_keys: ReadKeys | None, max_bytes: int) -> str:
    """The keys, space-separated; the list keys alone when all of them would be too many."""
    if read_keys is None:  # nothing ran: the answer depends on no content
        return SITE_KEY
    keys = read_keys.keys()
    text = " ".join(keys)
    if len(text) > max_bytes or len(keys) > MAX_KEYS:
        return " ".join(read_keys.list_keys())
    return text


def add_key_headers(headers: MutableHeaders, keys: str) -> None:
    """Fastly's header (keys separated by spaces) and Cloudflare's (by commas)."""
    headers["Surrogate-Key"] = keys
    headers["Cache-Tag"] = keys.replace(" ", ",")
