"""Argument checks shared by single-entry lookups (`post(id, slug)`, `page(id, path)`, …)."""

from __future__ import annotations

from masthead.resolvers.core.errors import BadUserInput


def one_key(**keys: str | None) -> tuple[str, str]:
    """The one lookup key given; none or several is bad input."""
    given = [(name, value) for name, value in keys.items() if value is not None]
    if len(given) != 1:
        names = " or ".join(f"`{name}`" for name in keys)
        msg = f"give exactly one of {names}"
        raise BadUserInput(msg)
    return given[0]
