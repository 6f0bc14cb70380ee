"""Revisions in the document (`export --revisions`): each version's entry in document form.

A revision names its entry by a key that survives ids changing between databases: a
post's or page's translation group and locale, an author's or tag's slug. On import the
document-form entry becomes the id-based snapshot that restoring reads again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from masthead.interchange.entries import SECTION_FIELDS
from masthead.interchange.fields import (
    Field,
    FieldProblem,
    format_timestamp,
    integer,
    parse_fields,
    reject,
    timestamp,
)
from masthead.interchange.fields import (
    text as text_field,
)
from masthead.models import Asset, Author, Page, Post, Revision, Tag, table_of
from masthead.resolvers.core.writes import unused_id

revisions = table_of(Revision)
TYPES = {"Author": "authors", "Tag": "tags", "Post": "posts", "Page": "pages"}
LOCALIZED = ("Post", "Page")
Key = tuple[str, ...]


def _key(type_name: str, value: object) -> Key:
    names = ("translationGroup", "locale") if type_name in LOCALIZED else ("slug",)
    if not isinstance(value, dict) or set(value) != set(names):
        reject("must be an object with " + " and ".join(names))
    if not all(isinstance(value[name], str) and value[name] for name in names):
        reject("must hold non-empty strings")
    return tuple(value[name] for name in names)


def _entry(value: object) -> object:
    if value is not None and not isinstance(value, dict):
        reject("must be an entry object or null")
    return value


REVISION_FIELDS = (
    Field("type", "type", text_field(max_length=20, non_empty=True), required=True),
    Field("key", "key", lambda value: value, required=True),
    Field("version", "version", integer(minimum=1), required=True),
    Field("action", "action", text_field(max_length=20, non_empty=True), required=True),
    Field("tokenName", "token_name", text_field(max_length=200, nullable=True)),
    Field("createdAt", "created_at", timestamp, required=True),
    Field("entry", "entry", _entry, required=True),
)


def parse_revision(item: object) -> tuple[dict[str, Any], list[str]]:
    """One revision's values and its problems (`field: message`), entry fields included."""
    values, problems = parse_fields(item, REVISION_FIELDS)
    type_name = values.get("type")
    if type_name is not None and type_name not in TYPES:
        return values, [*problems, f"type: must be one of {', '.join(TYPES)}"]
    if type_name is None or problems:
        return values, problems
    try:
        values["key"] = _key(type_name, values["key"])
    except FieldProblem as problem:
        problems.append(f"key: {problem.message}")
    if values["entry"] is not None:
        _, found = parse_fields(values["entry"], SECTION_FIELDS[TYPES[type_name]])
        problems.extend(f"entry.{text}" for text in found)
    if values["created_at"] is None:
        problems.append("createdAt: required")
    return values, problems


def continue_histories(
    sections: Mapping[str, list[dict[str, Any]]], history: list[dict[str, Any]]
) -> None:
    """Give each entry without a version the latest version of its revisions, else 1.

    A document written before authors and tags carried a version still imports them at
    the version their history reached, so the next update follows on from it.
    """
    latest: dict[tuple[str, Key], int] = {}
    for revision in history:
        identity = (revision["type"], revision["key"])
        latest[identity] = max(latest.get(identity, 1), revision["version"])
    for type_name, section in TYPES.items():
        names = ("translation_group", "locale") if type_name in LOCALIZED else ("slug",)
        for values in sections[section]:
            if values["version"] is None:
                key = tuple(values[name] for name in names)
                values["version"] = latest.get((type_name, key), 1)


async def _current_keys(connection: AsyncConnection) -> dict[tuple[str, int], Key]:
    keys: dict[tuple[str, int], Key] = {}
    localized: tuple[tuple[str, Any], ...] = (("Post", Post), ("Page", Page))
    for type_name, model in localized:
        found = await connection.execute(select(model.id, model.translation_group, model.locale))
        keys.update({(type_name, row[0]): (row[1], row[2]) for row in found})
    plain: tuple[tuple[str, Any], ...] = (("Author", Author), ("Tag", Tag))
    for type_name, model in plain:
        found = await connection.execute(select(model.id, model.slug))
        keys.update({(type_name, row[0]): (row[1],) for row in found})
    return keys


def _key_of_entry(type_name: str, entry: Mapping[str, Any] | None) -> Key:
    if entry is None:
        return ("",)
    if type_name in LOCALIZED:
        return (str(entry.get("translationGroup")), str(entry.get("locale")))
    return (str(entry.get("slug")),)


def _key_object(type_name: str, key: Key) -> dict[str, str]:
    names = ("translationGroup", "locale") if type_name in LOCALIZED else ("slug",)
    return dict(zip(names, key, strict=True))


async def export_revisions(connection: AsyncConnection) -> list[dict[str, Any]]:
    """Every revision, grouped by entry and in version order, independent of ids."""
    keys = await _current_keys(connection)
    statement = select(revisions).order_by(
        revisions.c.entity_type, revisions.c.entity_id, revisions.c.version.desc()
    )
    items: list[tuple[tuple[int, Key, int], dict[str, Any]]] = []
    latest: dict[tuple[str, int], Key] = {}
    for row in await connection.execute(statement):
        entity = (row.entity_type, row.entity_id)
        entry = row.snapshot.get("entry")
        key = keys.get(entity) or latest.setdefault(entity, _key_of_entry(row.entity_type, entry))
        item = {
            "type": row.entity_type,
            "key": _key_object(row.entity_type, key),
            "version": row.version,
            "action": row.action,
            "tokenName": row.token_name,
            "createdAt": format_timestamp(row.created_at),
            "entry": entry,
        }
        order = list(TYPES).index(row.entity_type)
        items.append(((order, key, row.version), item))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


class RevisionWriter:
    """Turns document revisions into stored ones, resolving keys and references to ids."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.connection = connection
        self.ids: dict[str, dict[Any, int]] = {}
        self.entities: dict[tuple[str, Key], int] = {}

    async def _load(self) -> None:
        async def pairs(*columns: Any) -> dict[Any, int]:
            rows = await self.connection.execute(select(*columns))
            return {(tuple(row[:-1]) if len(row) > 2 else row[0]): row[-1] for row in rows}  # noqa: PLR2004

        self.ids = {
            "Author": await pairs(Author.slug, Author.id),
            "Tag": await pairs(Tag.slug, Tag.id),
            "Asset": await pairs(Asset.filename, Asset.id),
            "PagePath": await pairs(Page.path, Page.locale, Page.id),
            "Post": await pairs(Post.translation_group, Post.locale, Post.id),
            "Page": await pairs(Page.translation_group, Page.locale, Page.id),
        }

    async def write(self, items: list[dict[str, Any]]) -> None:
        """Insert every revision (one multi-row statement)."""
        if not items:
            return
        await self._load()
        rows = [await self._row(item) for item in items]
        await self.connection.execute(insert(revisions), rows)

    async def _row(self, item: dict[str, Any]) -> dict[str, Any]:
        type_name, key, entry = item["type"], item["key"], item["entry"]
        entity_id = await self._entity_id(type_name, key)
        snapshot = {} if entry is None else SNAPSHOTS[type_name](entry, self.ids)
        return {
            "entity_type": type_name,
            "entity_id": entity_id,
            "version": item["version"],
            "action": item["action"],
            "token_name": item["token_name"],
            "created_at": item["created_at"],
            "snapshot": {**snapshot, "id": entity_id, "entry": entry},
        }

    async def _entity_id(self, type_name: str, key: Key) -> int:
        found = self.ids[type_name].get(key if len(key) > 1 else key[0])
        if found is not None:
            return found
        if (type_name, key) not in self.entities:
            self.entities[(type_name, key)] = await self._fresh(type_name)
        return self.entities[(type_name, key)]

    async def _fresh(self, type_name: str) -> int:
        """An id for a deleted entry's history that no entry will ever take."""
        table = table_of({"Author": Author, "Tag": Tag, "Post": Post, "Page": Page}[type_name])
        pk = await unused_id(self.connection, table, type_name)
        # Ids given to other deleted entries of this import are not in the tables yet.
        return max([pk, *(used + 1 for used in self.entities.values())])


Ids = dict[str, dict[Any, int]]


def _seo(entry: Mapping[str, Any], ids: Ids) -> dict[str, Any]:
    seo = entry.get("seo") or {}
    return {
        "seo_title": seo.get("title"),
        "seo_description": seo.get("description"),
        "seo_canonical_url": seo.get("canonicalUrl"),
        "seo_og_image_id": ids["Asset"].get(seo.get("ogImage")),
    }


def _lifecycle(entry: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "title": entry.get("title"),
        "body": entry.get("body", ""),
        "locale": entry.get("locale"),
        "translation_group": entry.get("translationGroup"),
        "status": entry.get("status"),
        "published_at": entry.get("publishedAt"),
        "created_at": entry.get("createdAt"),
        "updated_at": entry.get("updatedAt"),
        "version": entry.get("version"),
    }


def _post(entry: Mapping[str, Any], ids: Ids) -> dict[str, Any]:
    return {
        "slug": entry.get("slug"),
        "excerpt": entry.get("excerpt"),
        "featured": entry.get("featured", False),
        **_lifecycle(entry),
        **_seo(entry, ids),
        "author_id": ids["Author"].get(entry.get("author")),
        "cover_image_id": ids["Asset"].get(entry.get("coverImage")),
        "tags": [ids["Tag"][slug] for slug in entry.get("tags") or [] if slug in ids["Tag"]],
        "co_authors": [ids["Author"][slug] for slug in entry.get("coAuthors") or []
                       if slug in ids["Author"]],
    }  # fmt: skip


def _page(entry: Mapping[str, Any], ids: Ids) -> dict[str, Any]:
    parent = entry.get("parent")
    return {
        "path": entry.get("path"),
        "slug": entry.get("slug"),
        **_lifecycle(entry),
        **_seo(entry, ids),
        "parent_id": ids["PagePath"].get((parent, entry.get("locale"))) if parent else None,
    }


def _author(entry: Mapping[str, Any], ids: Ids) -> dict[str, Any]:
    names = ("slug", "name", "bio", "website", "version")
    return {**{name: entry.get(name) for name in names},
            "avatar_id": ids["Asset"].get(entry.get("avatar"))}  # fmt: skip


def _tag(entry: Mapping[str, Any], _ids: Ids) -> dict[str, Any]:
    return {name: entry.get(name) for name in ("slug", "name", "description", "version")}


SNAPSHOTS: dict[str, Callable[[Mapping[str, Any], Ids], dict[str, Any]]] = {
    "Post": _post,
    "Page": _page,
    "Author": _author,
    "Tag": _tag,
}
