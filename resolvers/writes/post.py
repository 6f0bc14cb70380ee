"""Writing posts: author ownership, tags and co-authors in order, translations, publishing."""

from __future__ import annotations

from masthead.interchange.fields import boolean, text
from masthead.models import Asset, Author, Post, PostCoAuthor, PostTag, Tag, table_of
from masthead.resolvers.core.access import require_owner
from masthead.resolvers.core.entity import EntitySpec, Reference, ReferenceList, Rule, WriteState
from masthead.resolvers.writes.localized import prepare_localized
from masthead.resolvers.writes.rules import (
    BODY_RULE,
    LOCALE_RULE,
    SEO_RULES,
    name_rule,
    slug_rule,
    text_rule,
)

posts = table_of(Post)
assets = table_of(Asset)
authors = table_of(Author)


async def _prepare(state: WriteState) -> None:
    await prepare_localized(state, posts, "Post")
    viewer = state.ctx.viewer
    if state.values.get("author_id") is None:
        if viewer.author_id is not None and viewer.role == "author":
            state.values["author_id"] = viewer.author_id
        else:
            state.problems.add("author", "REQUIRED", "is required")
    elif viewer.role == "author" and state.values["author_id"] != viewer.author_id:
        state.problems.add("author", "FORBIDDEN", "an author token writes only as its own author")


async def _authorize(state: WriteState) -> None:
    if state.current is not None:
        require_owner(state.ctx.viewer, state.current.author_id, "change")


POST_WRITES = EntitySpec(
    name="Post",
    table=posts,
    rules={
        "slug": slug_rule(),
        "title": name_rule("title"),
        "excerpt": text_rule("excerpt", "excerpt", text(max_length=5000, nullable=True)),
        "body": BODY_RULE,
        "featured": Rule("featured", ("featured",), boolean),
        "locale": LOCALE_RULE,
        **SEO_RULES,
    },
    references={
        "author": Reference("author_id", ("author",), "Author", authors),
        "cover_image": Reference("cover_image_id", ("coverImage",), "Asset", assets),
        "seo_og_image": Reference("seo_og_image_id", ("seo", "ogImage"), "Asset", assets),
    },
    lists={
        "tags": ReferenceList(
            ("tags",), "Tag", table_of(Tag), table_of(PostTag), "post_id", "tag_id"
        ),
        "co_authors": ReferenceList(
            ("coAuthors",), "Author", authors, table_of(PostCoAuthor), "post_id", "author_id"
        ),
    },
    unique=(("slug", "locale"),),
    prepare=_prepare,
    authorize=_authorize,
)
