"""Writing pages: `path` follows the parent's, the tree has no cycles, subtrees move along."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, select, update

from masthead.models import Asset, Page, table_of
from masthead.resolvers.core.entity import EntitySpec, Reference, WriteState
from masthead.resolvers.writes.localized import prepare_localized
from masthead.resolvers.writes.rules import BODY_RULE, LOCALE_RULE, SEO_RULES, name_rule, slug_rule

pages = table_of(Page)


async def _parent(state: WriteState) -> Any | None:
    parent_id = state.values.get("parent_id")
    if parent_id is None:
        return None
    statement = select(pages.c.id, pages.c.path, pages.c.locale).where(pages.c.id == parent_id)
    return (await state.connection.execute(statement)).first()


def _check_parent(state: WriteState, parent: Any) -> None:
    current = state.current
    if parent.locale != state.values["locale"]:
        state.problems.add("parent", "INVALID", f"is a page in {parent.locale}, not in "
                           f"{state.values['locale']}")  # fmt: skip
    if current is not None and (
        parent.id == current.id or parent.path.startswith(current.path + "/")
    ):
        state.problems.add("parent", "INVALID", "would make the page its own ancestor")


async def _has_children(state: WriteState) -> int:
    assert state.current is not None  # noqa: S101 (only existing pages have children)
    count = await state.connection.scalar(
        select(func.count()).where(pages.c.parent_id == state.current.id)
    )
    return int(count or 0)


async def _prepare(state: WriteState) -> None:
    await prepare_localized(state, pages, "Page")
    values = state.values
    parent = await _parent(state)
    if parent is not None:
        _check_parent(state, parent)
    values["path"] = f"{parent.path if parent else ''}/{values.get('slug')}"
    current = state.current
    if current is not None and values["locale"] != current.locale and await _has_children(state):
        state.problems.add("locale", "INVALID", "a page with child pages keeps its locale")


async def _move_subtree(state: WriteState) -> None:
    """Descendants' paths follow a page whose path changed."""
    current = state.current
    if current is None or current.path == state.values["path"]:
        return
    old, new = current.path, state.values["path"]
    await state.connection.execute(
        update(pages)
        .where(
            pages.c.locale == current.locale, pages.c.path.startswith(old + "/", autoescape=True)
        )
        .values(path=literal(new) + func.substr(pages.c.path, len(old) + 1))
    )


async def _keep_parents(state: WriteState) -> None:
    count = await _has_children(state)
    if count:
        state.problems.add("id", "INVALID", f"has {count} child page(s): move or delete them first")


PAGE_WRITES = EntitySpec(
    name="Page",
    table=pages,
    rules={
        "slug": slug_rule(),
        "title": name_rule("title"),
        "body": BODY_RULE,
        "locale": LOCALE_RULE,
        **SEO_RULES,
    },
    references={
        "parent": Reference("parent_id", ("parent",), "Page", pages),
        "seo_og_image": Reference("seo_og_image_id", ("seo", "ogImage"), "Asset", table_of(Asset)),
    },
    unique=(("path", "locale"),),
    reported_as={"path": ("slug",)},
    prepare=_prepare,
    before_delete=_keep_parents,
    after_write=_move_subtree,
)
