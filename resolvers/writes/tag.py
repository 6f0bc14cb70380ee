"""Writing tags: slug, name and description; deleting one takes it off every post."""

from __future__ import annotations

from masthead.models import Tag, table_of
from masthead.resolvers.core.entity import EntitySpec
from masthead.resolvers.writes.rules import name_rule, slug_rule, text_rule

TAG_WRITES = EntitySpec(
    name="Tag",
    table=table_of(Tag),
    rules={
        "slug": slug_rule(),
        "name": name_rule("name"),
        "description": text_rule("description", "description"),
    },
    unique=(("slug",),),
)
