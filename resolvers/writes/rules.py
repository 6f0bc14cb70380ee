"""Field rules the content types share, built on the import format's parsers."""

from __future__ import annotations

from masthead.interchange.entries import LOCALE, NAME, SLUG, URL
from masthead.interchange.fields import Parser, text
from masthead.models import RENDERED_COLUMNS
from masthead.resolvers.core.entity import Derived, Rule, WriteState
from masthead.resolvers.core.markdown import rendered_body

TEXT = text(nullable=True, max_length=20_000)


def slug_rule() -> Rule:
    """`slug`: required, lowercase words joined by hyphens."""
    return Rule("slug", ("slug",), SLUG, required=True)


def name_rule(column: str) -> Rule:
    """A required, non-empty display name (`name` or `title`)."""
    return Rule(column, (column,), NAME, required=True)


def text_rule(column: str, path: str, parse: Parser = TEXT) -> Rule:
    """An optional text field."""
    return Rule(column, (path,), parse)


# A Markdown body: its HTML, text, word count and reading time are stored when it is written.
MARKDOWN_BODY = Derived(RENDERED_COLUMNS, rendered_body)
BODY_RULE = Rule("body", ("body",), text(), derived=MARKDOWN_BODY)


def check_body_size(state: WriteState) -> None:
    """`body` within `MASTHEAD_MAX_BODY_CHARS`."""
    limit = state.ctx.settings.max_body_chars
    body = state.values.get("body")
    if isinstance(body, str) and len(body) > limit:
        state.problems.add("body", "TOO_LONG", f"must be at most {limit} characters")


LOCALE_RULE = Rule("locale", ("locale",), LOCALE)
SEO_RULES = {
    "seo_title": Rule("seo_title", ("seo", "title"), text(max_length=300, nullable=True)),
    "seo_description": Rule(
        "seo_description", ("seo", "description"), text(max_length=1000, nullable=True)
    ),
    "seo_canonical_url": Rule("seo_canonical_url", ("seo", "canonicalUrl"), URL),
}
