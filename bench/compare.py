"""Compare two JSON answers and name where they differ."""

from __future__ import annotations

from typing import Any

MAX_DIFFERENCES = 5


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def _walk(expected: Any, actual: Any, path: str, found: list[str]) -> None:
    if len(found) >= MAX_DIFFERENCES:
        return
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(expected.keys() | actual.keys()):
            _walk(
                expected.get(key, "<missing>"), actual.get(key, "<missing>"), f"{path}.{key}", found
            )
    elif isinstance(expected, list) and isinstance(actual, list):
        if len(expected) != len(actual):
            found.append(f"{path}: {len(expected)} items vs {len(actual)}")
            return
        for index, (left, right) in enumerate(zip(expected, actual, strict=True)):
            _walk(left, right, f"{path}[{index}]", found)
    elif expected != actual or type(expected) is not type(actual):
        found.append(f"{path}: {_short(expected)} vs {_short(actual)}")


def differences(expected: Any, actual: Any) -> list[str]:
    """Up to five paths where `actual` differs from `expected` (key order is ignored)."""
    found: list[str] = []
    _walk(expected, actual, "$", found)
    return found
