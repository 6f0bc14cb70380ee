"""The root `Query`, `node`/`nodes`, and the schema built from every type's queries."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Awaitable, Callable
from contextlib import aclosing
from typing import Annotated, Any

import strawberry

from masthead.resolvers.asset import asset_by_id
from masthead.resolvers.author import author_by_id
from masthead.resolvers.core.context import ReadContext
from masthead.resolvers.core.ids import decode_any_id
from masthead.resolvers.page import page_by_id
from masthead.resolvers.post import post_by_id
from masthead.resolvers.tag import tag_by_id
from masthead.resolvers.webhook import delivery_by_id, webhook_by_id
from masthead.schema.asset.mutations import AssetMutations
from masthead.schema.asset.queries import AssetQueries
from masthead.schema.asset.types import Asset
from masthead.schema.author.mutations import AuthorMutations
from masthead.schema.author.queries import AuthorQueries
from masthead.schema.author.types import Author
from masthead.schema.core.context import Info, from_optional_row
from masthead.schema.core.directives import ListSize
from masthead.schema.core.documents import DOCUMENT_CACHE_BYTES, DocumentParsing
from masthead.schema.core.enums import ContentType
from masthead.schema.core.errors import MastheadSchema
from masthead.schema.core.exposure import ExposureSchema, validation
from masthead.schema.core.extensions import OperationLifecycle
from masthead.schema.core.limits import CostLimit, RequestTimeout
from masthead.schema.core.node import Node
from masthead.schema.core.planner import PlannedExecution
from masthead.schema.page.mutations import PageMutations
from masthead.schema.page.queries import PageQueries
from masthead.schema.page.types import Page
from masthead.schema.post.mutations import PostMutations
from masthead.schema.post.queries import PostQueries
from masthead.schema.post.types import Post
from masthead.schema.search.queries import SearchQueries
from masthead.schema.subscription import ContentChange, content_changes
from masthead.schema.tag.mutations import TagMutations
from masthead.schema.tag.queries import TagQueries
from masthead.schema.tag.types import Tag
from masthead.schema.token.mutations import TokenMutations
from masthead.schema.token.queries import TokenQueries
from masthead.schema.webhook.mutations import WebhookMutations
from masthead.schema.webhook.queries import WebhookQueries
from masthead.schema.webhook.types import Webhook, WebhookDelivery

NodeLoader = Callable[[ReadContext, int], Awaitable[Any | None]]
NODE_TYPES: dict[str, tuple[NodeLoader, type[Any]]] = {
    "Post": (post_by_id, Post),
    "Page": (page_by_id, Page),
    "Author": (author_by_id, Author),
    "Tag": (tag_by_id, Tag),
    "Asset": (asset_by_id, Asset),
    "Webhook": (webhook_by_id, Webhook),  # admins only, like every read of webhooks
    "WebhookDelivery": (delivery_by_id, WebhookDelivery),
}


async def _node(info: Info, global_id: str) -> Node | None:
    return await _load_node(info, *decode_any_id(global_id))


async def _load_node(info: Info, type_name: str, pk: int | None) -> Node | None:
    if type_name not in NODE_TYPES or pk is None:
        return None
    load, cls = NODE_TYPES[type_name]
    node: Node | None = from_optional_row(cls, await load(info.context, pk))
    return node


@strawberry.type(description="Every read of Masthead's content API.")
class Query(
    PostQueries, PageQueries, AuthorQueries, TagQueries, AssetQueries, SearchQueries,
    WebhookQueries, TokenQueries,
):  # fmt: skip
    """The root query type."""

    @strawberry.field(description="Any visible entry by its global ID.")
    async def node(
        self,
        info: Info,
        id: Annotated[strawberry.ID, strawberry.argument(description="Global ID.")],  # noqa: A002
    ) -> Node | None:
        """Null when the entry does not exist or is hidden."""
        return await _node(info, id)

    @strawberry.field(
        description="Visible entries by global ID, in the order given.",
        directives=[ListSize(slicing_arguments=["ids"], require_one_slicing_argument=False)],
    )
    async def nodes(
        self,
        info: Info,
        ids: Annotated[list[strawberry.ID], strawberry.argument(description="Global IDs.")],
    ) -> list[Node | None]:
        """Null for each missing or hidden entry; loads are batched per type.

        Every ID is decoded before any load starts: a malformed one refuses the list
        while no load is left running on the operation's connection.
        """
        keys = [decode_any_id(global_id) for global_id in ids]
        return list(await asyncio.gather(*(_load_node(info, *key) for key in keys)))


@strawberry.type(description="Every write of Masthead's management API; needs an API token.")
class Mutation(
    PostMutations, PageMutations, AuthorMutations, TagMutations, AssetMutations,
    WebhookMutations, TokenMutations,
):  # fmt: skip
    """The root mutation type."""


@strawberry.type(description="Live changes, over a WebSocket (`graphql-transport-ws`).")
class Subscription:
    """The root subscription type."""

    @strawberry.subscription(
        description="Each change to content this viewer may see, from now on: the public "
        "hears of published content only, a token that reads drafts of every change."
    )
    async def content_changed(
        self,
        info: Info,
        types: Annotated[
            list[ContentType] | None,
            strawberry.argument(description="Only changes to these types (all when omitted)."),
        ] = None,
    ) -> AsyncGenerator[ContentChange, None]:
        """One message per change, its `node` read when the message is sent."""
        async with aclosing(content_changes(info, types, _load_node)) as changes:
            async for change in changes:
                yield change


def build_schema(
    *,
    introspection: bool = True,
    field_suggestions: bool = True,
    document_cache_bytes: int = DOCUMENT_CACHE_BYTES,
    planner: bool = True,
) -> MastheadSchema:
    """The executable schema; production turns introspection and "Did you mean" off.

    It keeps the documents it parsed up to `document_cache_bytes`; with `planner`, plain
    fields are read without graphql-core's per-field work (`schema/core/planner.py`).
    """
    return ExposureSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Post, Page, Author, Tag, Asset],
        extensions=[
            OperationLifecycle,
            CostLimit,
            RequestTimeout,
            DocumentParsing,
            validation(introspection=introspection, field_suggestions=field_suggestions),
        ],
        field_suggestions=field_suggestions,
        document_cache_bytes=document_cache_bytes,
        execution_context_class=PlannedExecution if planner else None,
    )
