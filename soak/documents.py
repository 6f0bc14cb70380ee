"""The GraphQL documents of the soak's writes, as an editor's client sends them."""

from __future__ import annotations

POST = "post { id slug title body(format: MARKDOWN) status version }"
ERRORS = "userErrors { field message code }"

CREATE = f"""mutation SoakCreate($input: PostInput!) {{
  createPost(input: $input) {{ {POST} {ERRORS} }} }}"""
UPDATE = f"""mutation SoakUpdate($id: ID!, $input: PostInput!, $expectedVersion: Int) {{
  updatePost(id: $id, input: $input, expectedVersion: $expectedVersion) {{ {POST} {ERRORS} }} }}"""
PUBLISH = f"""mutation SoakPublish($id: ID!) {{ publishPost(id: $id) {{ {POST} {ERRORS} }} }}"""
DELETE = f"""mutation SoakDelete($id: ID!) {{ deletePost(id: $id) {{ deletedId {ERRORS} }} }}"""
# After a CONFLICT: the version to base the edit on now.
LOOKUP = "query SoakLookup($id: ID!) { post(id: $id) { version } }"
AUTHOR = "query SoakAuthor { authors(first: 1) { nodes { id } } }"
