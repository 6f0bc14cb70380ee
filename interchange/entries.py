"""The fields of each section of the document, in the order the format writes them."""

from __future__ import annotations

from typing import Any

from masthead.interchange.fields import (
    FILENAME_PATTERN,
    LOCALE_PATTERN,
    MIME_PATTERN,
    PATH_PATTERN,
    SLUG_PATTERN,
    URL_PATTERN,
    Field,
    boolean,
    integer,
    parse_fields,
    reject,
    slug_list,
    status,
    text,
    timestamp,
)

FORMAT_VERSION = 1

SLUG = text(
    max_length=200,
    pattern=SLUG_PATTERN,
    hint='must be lowercase letters and digits joined by hyphens, like "weekly-notes"',
)
PATH = text(
    max_length=2000,
    pattern=PATH_PATTERN,
    hint='must be slugs each preceded by a slash, like "/about/team"',
)
LOCALE = text(
    max_length=35, pattern=LOCALE_PATTERN, hint='must be a language tag, like "en" or "fr-CA"'
)
ASSET_REFERENCE = text(max_length=255, nullable=True)
URL = text(max_length=2000, pattern=URL_PATTERN, hint="must be an http(s) URL", nullable=True)
NAME = text(max_length=300, non_empty=True)

SEO_FIELDS = (
    Field("title", "title", text(max_length=300, nullable=True)),
    Field("description", "description", text(max_length=1000, nullable=True)),
    Field("canonicalUrl", "canonical_url", URL),
    Field("ogImage", "og_image", ASSET_REFERENCE),
)


def seo(value: object) -> dict[str, Any]:
    """The SEO overrides; a missing or null object means no overrides."""
    if value is None:
        value = {}
    if not isinstance(value, dict):
        reject("must be an object with title, description, canonicalUrl, ogImage")
    values, problems = parse_fields(value, SEO_FIELDS)
    if problems:
        field, _, message = problems[0].partition(": ")
        reject(message, field)
    return values


# Missing or null: validation continues the entry's history in the document, else 1.
_VERSION = Field("version", "version", integer(minimum=1, nullable=True))

AUTHOR_FIELDS = (
    Field("slug", "slug", SLUG, required=True),
    Field("name", "name", NAME, required=True),
    Field("bio", "bio", text(nullable=True)),
    Field("avatar", "avatar", ASSET_REFERENCE),
    Field("website", "website", URL),
    _VERSION,
)

TAG_FIELDS = (
    Field("slug", "slug", SLUG, required=True),
    Field("name", "name", NAME, required=True),
    Field("description", "description", text(nullable=True)),
    _VERSION,
)

ASSET_FIELDS = (
    Field(
        "filename",
        "filename",
        text(max_length=255, pattern=FILENAME_PATTERN, hint="must be a file name without folders"),
        required=True,
    ),
    Field(
        "mimeType",
        "mime_type",
        text(max_length=100, pattern=MIME_PATTERN, hint='must be a media type, like "image/png"'),
        required=True,
    ),
    Field("size", "size", integer(minimum=0), required=True),
    Field("width", "width", integer(minimum=1, nullable=True)),
    Field("height", "height", integer(minimum=1, nullable=True)),
    Field("alt", "alt", text(max_length=1000, nullable=True)),
    Field("caption", "caption", text(nullable=True)),
    Field("createdAt", "created_at", timestamp),
)

_LOCALIZED_HEAD = (
    Field("locale", "locale", LOCALE, required=True),
    Field("translationGroup", "translation_group", text(max_length=200, nullable=True)),
    Field("title", "title", NAME, required=True),
)
_LIFECYCLE = (
    Field("status", "status", status, required=True),
    Field("publishedAt", "published_at", timestamp),
    Field("createdAt", "created_at", timestamp),
    Field("updatedAt", "updated_at", timestamp),
)
_SEO = Field("seo", "seo", seo)
_BODY = Field("body", "body", text(), default="")

POST_FIELDS = (
    Field("slug", "slug", SLUG, required=True),
    *_LOCALIZED_HEAD,
    Field("excerpt", "excerpt", text(nullable=True)),
    _BODY,
    *_LIFECYCLE,
    Field("featured", "featured", boolean, default=False),
    Field("author", "author", SLUG, required=True),
    Field("coAuthors", "co_authors", slug_list),
    Field("tags", "tags", slug_list),
    Field("coverImage", "cover_image", ASSET_REFERENCE),
    _SEO,
    _VERSION,
)

PAGE_FIELDS = (
    Field("path", "path", PATH, required=True),
    Field("slug", "slug", text(max_length=200, nullable=True)),
    *_LOCALIZED_HEAD,
    _BODY,
    *_LIFECYCLE,
    Field("parent", "parent", text(max_length=2000, nullable=True)),
    _SEO,
    _VERSION,
)

SECTION_FIELDS: dict[str, tuple[Field, ...]] = {
    "authors": AUTHOR_FIELDS,
    "tags": TAG_FIELDS,
    "assets": ASSET_FIELDS,
    "posts": POST_FIELDS,
    "pages": PAGE_FIELDS,
}

SECTION_KEYS = {"authors": "slug", "tags": "slug", "assets": "filename", "posts": "slug"}
SECTION_KEYS["pages"] = "path"
