"""Locale fallback: `fr-CA` → `fr` → the default locale, resolved per translation group."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_, case, exists, select

from masthead.resolvers.core.errors import BadUserInput

_LOCALE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")

Visibility = Callable[[Any], ColumnElement[bool]]


def check_locale(locale: str) -> str:
    """A BCP 47 tag such as `en` or `fr-CA`; anything else is bad input."""
    if not _LOCALE.match(locale):
        msg = f"{locale!r} is not a locale (BCP 47, e.g. `en` or `fr-CA`)"
        raise BadUserInput(msg)
    return locale


def locale_chain(locale: str | None, default_locale: str) -> tuple[str, ...]:
    """The locales to try, best first: the tag, each shorter prefix, then the default."""
    if locale is None:
        return (default_locale,)
    parts = check_locale(locale).split("-")
    chain = ["-".join(parts[:size]) for size in range(len(parts), 0, -1)]
    if default_locale not in chain:
        chain.append(default_locale)
    return tuple(chain)


def _locale_rank(column: ColumnElement[str], chain: tuple[str, ...]) -> ColumnElement[int]:
    return case({locale: rank for rank, locale in enumerate(chain)}, value=column, else_=len(chain))


def best_translation(
    table: FromClause, chain: tuple[str, ...], visible: Visibility
) -> ColumnElement[bool]:
    """Rows that are the best visible translation of their group along `chain`."""
    if len(chain) == 1:
        return table.c.locale == chain[0]
    better = table.alias("better_translation")
    outranks = select(better.c.id).where(
        better.c.translation_group == table.c.translation_group,
        better.c.locale.in_(chain),
        _locale_rank(better.c.locale, chain) < _locale_rank(table.c.locale, chain),
        visible(better),
    )
    return and_(table.c.locale.in_(chain), ~exists(outranks))
