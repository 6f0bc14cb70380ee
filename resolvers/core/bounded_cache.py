"""A least-recently-used cache bounded by the bytes it holds, which `/metrics` reports."""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
# What one entry costs beyond its key and value: its dict slot, its link in the order and
# the (value, size) pair, measured with tracemalloc on CPython 3.11 and rounded up.
ENTRY_BYTES = 200


@dataclass(frozen=True)
class CacheSize:
    """What a cache holds now and may hold at most, in bytes and entries."""

    name: str
    bytes: int
    entries: int
    max_bytes: int


def text_bytes(*texts: str | bytes) -> int:
    """The memory of some strings or byte strings, headers included."""
    return sum(sys.getsizeof(text) for text in texts)


class BoundedCache(Generic[K, V]):
    """Entries forgotten least recently used first beyond `max_bytes` (and `max_entries`).

    `size_of(key, value)` says what an entry costs; an entry larger than `max_bytes` alone
    is not kept, so `max_bytes` 0 keeps nothing. A value that grows (a rendering filled in
    later) is put again: its size is then measured again.
    """

    def __init__(
        self,
        name: str,
        max_bytes: int,
        size_of: Callable[[K, V], int],
        max_entries: int | None = None,
    ) -> None:
        self.name = name
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.size_of = size_of
        self.bytes = 0
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        """How many entries it holds."""
        return len(self._entries)

    def get(self, key: K) -> V | None:
        """The value under `key`, now the most recently used; None when absent."""
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V) -> bool:
        """Keep `value` under `key`, forgetting others beyond the bounds; False if too large."""
        self.discard(key)
        size = self.size_of(key, value) + ENTRY_BYTES
        if size > self.max_bytes:
            return False
        self._entries[key] = (value, size)
        self.bytes += size
        self._shrink()
        return True

    def discard(self, key: K) -> None:
        """Forget the entry under `key`, if there is one."""
        found = self._entries.pop(key, None)
        if found is not None:
            self.bytes -= found[1]

    def resize(self, max_bytes: int) -> None:
        """Change the bound in bytes, forgetting what no longer fits."""
        self.max_bytes = max_bytes
        self._shrink()

    def size(self) -> CacheSize:
        """What it holds now, for `/metrics`."""
        return CacheSize(self.name, self.bytes, len(self._entries), self.max_bytes)

    def _shrink(self) -> None:
        limit = self.max_entries if self.max_entries is not None else sys.maxsize
        while self._entries and (self.bytes > self.max_bytes or len(self._entries) > limit):
            _, (_, size) = self._entries.popitem(last=False)
            self.bytes -= size
