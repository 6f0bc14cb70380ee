"""Shared pieces of the write-side tests: global IDs, mutation documents, table counts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Event, Revision, table_of
from masthead.resolvers.core.ids import encode_id

POST_FIELDS = "id slug title status version publishedAt author { slug } tags { slug }"
ERRORS = "userErrors { field message code }"

CREATE_POST = f"""mutation($input: PostInput!) {{
  createPost(input: $input) {{ post {{ {POST_FIELDS} }} {ERRORS} }} }}"""
UPDATE_POST = f"""mutation($id: ID!, $input: PostInput!, $v: Int) {{
  updatePost(id: $id, input: $input, expectedVersion: $v) {{
    post {{ {POST_FIELDS} }} {ERRORS} }} }}"""
DELETE_POST = f"""mutation($id: ID!) {{ deletePost(id: $id) {{ deletedId {ERRORS} }} }}"""
PUBLISH_POST = f"""mutation($id: ID!, $at: DateTime) {{
  publishPost(id: $id, at: $at) {{ post {{ {POST_FIELDS} }} {ERRORS} }} }}"""
UNPUBLISH_POST = f"""mutation($id: ID!) {{
  unpublishPost(id: $id) {{ post {{ {POST_FIELDS} }} {ERRORS} }} }}"""
RESTORE_POST = f"""mutation($id: ID!, $version: Int!) {{
  restorePostRevision(id: $id, version: $version) {{ post {{ {POST_FIELDS} }} {ERRORS} }} }}"""


def gid(type_name: str, row: dict[str, Any]) -> str:
    """The global ID of a factory row."""
    return encode_id(type_name, row["id"])


async def count_rows(engine: AsyncEngine, model: type[Any]) -> int:
    """How many rows a table holds."""
    async with engine.connect() as connection:
        return int(await connection.scalar(select(func.count()).select_from(table_of(model))) or 0)


async def change_log(engine: AsyncEngine) -> tuple[int, int]:
    """How many revisions and events exist: both stay put when a write is refused."""
    return await count_rows(engine, Revision), await count_rows(engine, Event)
