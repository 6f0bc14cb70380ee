"""Webhooks through the management API: register, change, list, delete, ping, redeliver."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from masthead.models import Event, Webhook, WebhookDelivery, table_of
from masthead.resolvers.core.ids import encode_id
from tests.conftest import AppClient, GraphQLClient, TokenMaker
from tests.factories import Factory
from tests.writing import count_rows

webhooks, deliveries, events = table_of(Webhook), table_of(WebhookDelivery), table_of(Event)
ERRORS = "userErrors { field message code }"
HOOK = (
    "id url types actions includeDrafts active description disabledReason "
    "consecutiveFailures createdAt updatedAt"
)
DELIVERY = (
    "id eventId messageId status attempts nextAttemptAt lastStatusCode lastDurationMs "
    "lastError createdAt finishedAt ping action type entryId"
)
CREATE = f"""mutation($input: WebhookInput!) {{
  createWebhook(input: $input) {{ webhook {{ {HOOK} }} secret {ERRORS} }} }}"""
UPDATE = f"""mutation($id: ID!, $input: WebhookUpdateInput!) {{
  updateWebhook(id: $id, input: $input) {{ webhook {{ {HOOK} }} secret {ERRORS} }} }}"""
DELETE = f"mutation($id: ID!) {{ deleteWebhook(id: $id) {{ deletedId {ERRORS} }} }}"
PING = f"mutation($id: ID!) {{ pingWebhook(id: $id) {{ delivery {{ {DELIVERY} }} {ERRORS} }} }}"
REDELIVER = f"""mutation($id: ID!) {{
  redeliverWebhookEvent(deliveryId: $id) {{ delivery {{ {DELIVERY} }} {ERRORS} }} }}"""
HOOK_QUERY = f"query($id: ID!) {{ webhook(id: $id) {{ {HOOK} }} }}"
RECEIVER = "http://127.0.0.1:9/hooks"
SECRET = re.compile(r"whsec_[A-Za-z0-9+/]{43}=")


@pytest.fixture
def hooks(app_client: AppClient) -> GraphQLClient:
    """A client of an app that may call private addresses, as a test receiver needs."""
    return GraphQLClient(app_client(webhook_allow_private=True))


@pytest.fixture
async def admin(token: TokenMaker) -> dict[str, str]:
    """Headers of an admin token."""
    return await token("admin")


async def _create(gql: GraphQLClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    data = await gql.data(CREATE, {"input": {"url": RECEIVER} | fields}, headers)
    payload: dict[str, Any] = data["createWebhook"]
    assert payload["userErrors"] == [], payload["userErrors"]
    return payload


async def _stored(engine: AsyncEngine, global_id: str | None = None) -> Any:
    statement = select(webhooks).order_by(webhooks.c.id.desc())
    async with engine.connect() as connection:
        rows = (await connection.execute(statement)).all()
    return rows[0] if global_id is None else next(r for r in rows if r.id == _pk(global_id))


def _pk(global_id: str) -> int:
    return int(base64.urlsafe_b64decode(global_id + "=" * (-len(global_id) % 4)).split(b":")[1])


async def test_a_hook_without_secret_gets_a_standard_webhooks_secret_shown_once(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    payload = await _create(hooks, admin)

    assert SECRET.fullmatch(payload["secret"])
    assert len(base64.b64decode(payload["secret"].removeprefix("whsec_"))) == 32
    assert (await _stored(engine)).secret == payload["secret"]
    read = await hooks.query(
        f'{{ webhook(id: "{payload["webhook"]["id"]}") {{ secret }} }}', {}, admin
    )
    assert read["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_each_generated_secret_is_new(hooks: GraphQLClient, admin: dict[str, str]) -> None:
    first, second = await _create(hooks, admin), await _create(hooks, admin)

    assert first["secret"] != second["secret"]


async def test_a_given_secret_is_kept(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 24).decode()

    payload = await _create(hooks, admin, secret=secret)

    assert payload["secret"] == secret
    assert (await _stored(engine)).secret == secret


@pytest.mark.parametrize(
    "secret",
    ["plain-text-secret", "whsec_not base64!", "whsec_" + base64.b64encode(b"k" * 8).decode()],
)
async def test_a_secret_not_in_the_standard_form_is_invalid(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str], secret: str
) -> None:
    data = await hooks.data(CREATE, {"input": {"url": RECEIVER, "secret": secret}}, admin)

    [error] = data["createWebhook"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "secret"], "INVALID")
    assert "whsec_" in error["message"]
    assert await count_rows(engine, Webhook) == 0


async def test_a_private_address_is_invalid_without_the_setting(
    gql: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    data = await gql.data(CREATE, {"input": {"url": RECEIVER}}, admin)

    assert data["createWebhook"]["webhook"] is None
    [error] = data["createWebhook"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "url"], "INVALID")
    assert "127.0.0.1" in error["message"]
    assert "MASTHEAD_WEBHOOK_ALLOW_PRIVATE" in error["message"]
    assert await count_rows(engine, Webhook) == 0


@pytest.mark.parametrize(
    "url", ["http://10.0.0.8/hook", "http://[::1]/hook", "http://169.254.169.254/"]
)
async def test_private_loopback_and_link_local_addresses_are_invalid(
    gql: GraphQLClient, admin: dict[str, str], url: str
) -> None:
    data = await gql.data(CREATE, {"input": {"url": url}}, admin)

    assert [e["code"] for e in data["createWebhook"]["userErrors"]] == ["INVALID"]


async def test_a_public_address_is_accepted_without_the_setting(
    gql: GraphQLClient, admin: dict[str, str]
) -> None:
    payload = await _create(gql, admin, url="https://93.184.215.14/hooks/masthead")

    assert payload["webhook"]["url"] == "https://93.184.215.14/hooks/masthead"


@pytest.mark.parametrize(
    ("url", "says"),
    [("ftp://example.com/x", "http"), ("https://user:pw@example.com/", "password"), ("", "http")],
)
async def test_a_url_that_is_no_http_address_is_invalid_even_with_private_allowed(
    hooks: GraphQLClient, admin: dict[str, str], url: str, says: str
) -> None:
    data = await hooks.data(CREATE, {"input": {"url": url}}, admin)

    [error] = data["createWebhook"]["userErrors"]
    assert (error["field"], error["code"]) == (["input", "url"], "INVALID")
    assert says in error["message"]


async def test_filters_and_defaults_are_stored(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    fields = {"types": ["POST", "PAGE", "POST"], "actions": ["PUBLISHED", "UNPUBLISHED"]}

    payload = await _create(hooks, admin, description="Rebuild the site", **fields)

    hook = payload["webhook"]
    assert hook["types"] == ["POST", "PAGE"]
    assert hook["actions"] == ["PUBLISHED", "UNPUBLISHED"]
    assert (hook["includeDrafts"], hook["active"], hook["description"]) == (
        False, True, "Rebuild the site",
    )  # fmt: skip
    assert hook["createdAt"] == hook["updatedAt"]
    stored = await _stored(engine)
    assert (stored.types, stored.actions) == (["POST", "PAGE"], ["PUBLISHED", "UNPUBLISHED"])
    read = await hooks.data(HOOK_QUERY, {"id": hook["id"]}, admin)
    assert read["webhook"] == hook


async def test_no_filter_means_every_type_and_action(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    hook = (await _create(hooks, admin, types=[], includeDrafts=True, active=False))["webhook"]

    assert (hook["types"], hook["actions"], hook["includeDrafts"], hook["active"]) == (
        [], [], True, False,
    )  # fmt: skip
    assert (await _stored(engine)).types == []


async def test_update_changes_only_the_given_fields(
    hooks: GraphQLClient, admin: dict[str, str]
) -> None:
    created = (await _create(hooks, admin, types=["POST"], description="Old"))["webhook"]

    data = await hooks.data(UPDATE, {"id": created["id"], "input": {"description": "New"}}, admin)

    payload = data["updateWebhook"]
    assert payload["userErrors"] == []
    assert payload["secret"] is None
    updated = payload["webhook"]
    assert updated["description"] == "New"
    assert updated["types"] == ["POST"]
    assert updated["url"] == created["url"]
    assert datetime.fromisoformat(updated["updatedAt"]) > datetime.fromisoformat(
        created["updatedAt"]
    )


async def test_update_sets_a_new_secret_and_checks_the_url(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    created = (await _create(hooks, admin))["webhook"]
    secret = "whsec_" + base64.b64encode(b"n" * 32).decode()
    refused = {"secret": secret, "url": "gopher://example.com/"}

    data = await hooks.data(UPDATE, {"id": created["id"], "input": refused}, admin)
    assert [e["field"] for e in data["updateWebhook"]["userErrors"]] == [["input", "url"]]
    assert (await _stored(engine)).secret != secret

    data = await hooks.data(UPDATE, {"id": created["id"], "input": {"secret": secret}}, admin)
    assert data["updateWebhook"]["userErrors"] == []
    assert (await _stored(engine)).secret == secret


async def test_switching_a_disabled_hook_back_on_clears_why_it_was_disabled(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    created = (await _create(hooks, admin))["webhook"]
    reason = "failed 10 times in a row (last: HTTP 500)"
    async with engine.begin() as connection:
        await connection.execute(
            update(webhooks).values(active=False, disabled_reason=reason, consecutive_failures=10)
        )
    assert (await hooks.data(HOOK_QUERY, {"id": created["id"]}, admin))["webhook"][
        "disabledReason"
    ] == reason

    data = await hooks.data(UPDATE, {"id": created["id"], "input": {"active": True}}, admin)

    hook = data["updateWebhook"]["webhook"]
    assert (hook["active"], hook["disabledReason"], hook["consecutiveFailures"]) == (True, None, 0)
    assert (await _stored(engine)).consecutive_failures == 0


async def test_update_and_delete_of_an_unknown_hook_are_not_found(
    hooks: GraphQLClient, admin: dict[str, str]
) -> None:
    missing = encode_id("Webhook", 999)

    updated = await hooks.data(UPDATE, {"id": missing, "input": {"active": False}}, admin)
    deleted = await hooks.data(DELETE, {"id": missing}, admin)

    for payload in (updated["updateWebhook"], deleted["deleteWebhook"]):
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [(["id"], "NOT_FOUND")]


async def test_delete_removes_the_hook_and_its_deliveries(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    kept = (await _create(hooks, admin))["webhook"]
    gone = (await _create(hooks, admin))["webhook"]
    for hook in (kept, gone):
        await hooks.data(PING, {"id": hook["id"]}, admin)

    data = await hooks.data(DELETE, {"id": gone["id"]}, admin)

    assert data["deleteWebhook"] == {"deletedId": gone["id"], "userErrors": []}
    assert (await hooks.data(HOOK_QUERY, {"id": gone["id"]}, admin))["webhook"] is None
    async with engine.connect() as connection:
        left = (await connection.execute(select(deliveries.c.webhook_id))).scalars().all()
    assert left == [_pk(kept["id"])]


async def test_webhooks_are_listed_oldest_first_a_page_at_a_time(
    hooks: GraphQLClient, admin: dict[str, str]
) -> None:
    ids = [
        (await _create(hooks, admin, description=f"hook {n}"))["webhook"]["id"] for n in range(3)
    ]
    document = """query($after: String) { webhooks(first: 2, after: $after) {
      totalCount nodes { id } pageInfo { hasNextPage endCursor } } }"""

    first = (await hooks.data(document, {}, admin))["webhooks"]
    after = first["pageInfo"]["endCursor"]
    second = (await hooks.data(document, {"after": after}, admin))["webhooks"]

    assert [n["id"] for n in first["nodes"] + second["nodes"]] == ids
    assert (first["totalCount"], first["pageInfo"]["hasNextPage"]) == (3, True)
    assert second["pageInfo"]["hasNextPage"] is False


async def test_a_hook_is_a_node_for_admins_only(
    hooks: GraphQLClient, admin: dict[str, str], token: TokenMaker
) -> None:
    hook_id = (await _create(hooks, admin))["webhook"]["id"]
    document = "query($id: ID!) { node(id: $id) { id ... on Webhook { url } } }"

    as_admin = await hooks.data(document, {"id": hook_id}, admin)
    as_editor = await hooks.data(document, {"id": hook_id}, await token("editor"))
    as_public = await hooks.data(document, {"id": hook_id})

    assert as_admin["node"] == {"id": hook_id, "url": RECEIVER}
    assert as_editor["node"] is None
    assert as_public["node"] is None


async def test_a_ping_queues_a_pending_delivery_due_now_even_for_an_inactive_hook(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    hook_id = (await _create(hooks, admin, active=False))["webhook"]["id"]

    data = await hooks.data(PING, {"id": hook_id}, admin)

    delivery = data["pingWebhook"]["delivery"]
    assert data["pingWebhook"]["userErrors"] == []
    assert (delivery["status"], delivery["ping"], delivery["attempts"]) == ("PENDING", True, 0)
    assert (delivery["eventId"], delivery["action"], delivery["type"], delivery["entryId"]) == (
        None, None, None, None,
    )  # fmt: skip
    async with engine.connect() as connection:
        [row] = (await connection.execute(select(deliveries))).all()
    assert (row.webhook_id, row.event_id, row.body, row.status) == (
        _pk(hook_id),
        None,
        None,
        "pending",
    )
    assert re.fullmatch(r"msg_[0-9a-f]{32}", row.message_id)
    assert row.message_id == delivery["messageId"]
    assert row.next_attempt_at == row.created_at


async def test_each_ping_is_a_new_message(hooks: GraphQLClient, admin: dict[str, str]) -> None:
    hook_id = (await _create(hooks, admin))["webhook"]["id"]

    first = await hooks.data(PING, {"id": hook_id}, admin)
    second = await hooks.data(PING, {"id": hook_id}, admin)

    ids = {d["pingWebhook"]["delivery"]["messageId"] for d in (first, second)}
    assert len(ids) == 2


async def test_pinging_an_unknown_hook_is_not_found(
    hooks: GraphQLClient, admin: dict[str, str]
) -> None:
    data = await hooks.data(PING, {"id": encode_id("Webhook", 77)}, admin)

    assert data["pingWebhook"]["delivery"] is None
    assert [(e["field"], e["code"]) for e in data["pingWebhook"]["userErrors"]] == [
        (["id"], "NOT_FOUND")
    ]


async def _event_delivery(engine: AsyncEngine, hook_id: str, post_id: int) -> int:
    """A failed delivery of an update that made a draft post visible, as the worker leaves it."""
    async with engine.begin() as connection:
        event = (await connection.execute(
            insert(events).values(
                action="update", entity_type="Post", entity_id=post_id, version=2,
                public_before=False, public_after=True,
            ).returning(events.c.id)
        )).scalar_one()  # fmt: skip
        return int((await connection.execute(
            insert(deliveries).values(
                webhook_id=_pk(hook_id), event_id=event, message_id="msg_original",
                body='{"type": "post.published"}', status="failed", attempts=8,
                last_status_code=500, last_duration_ms=31, last_error="HTTP 500",
            ).returning(deliveries.c.id)
        )).scalar_one())  # fmt: skip


async def test_redelivery_queues_the_same_message_again(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    hook_id = (await _create(hooks, admin))["webhook"]["id"]
    post = await Factory(engine).post()
    original = await _event_delivery(engine, hook_id, post["id"])

    data = await hooks.data(REDELIVER, {"id": encode_id("WebhookDelivery", original)}, admin)

    delivery = data["redeliverWebhookEvent"]["delivery"]
    assert delivery["messageId"] == "msg_original"
    assert (delivery["status"], delivery["attempts"], delivery["ping"]) == ("PENDING", 0, False)
    assert delivery["entryId"] == encode_id("Post", post["id"])
    assert (delivery["type"], delivery["action"]) == ("POST", "PUBLISHED")
    async with engine.connect() as connection:
        rows = (await connection.execute(select(deliveries).order_by(deliveries.c.id))).all()
    assert [(r.message_id, r.event_id, r.body) for r in rows] == [
        (rows[0].message_id, rows[0].event_id, rows[0].body)
    ] * 2
    assert [r.status for r in rows] == ["failed", "pending"]


async def test_redelivering_an_unknown_delivery_is_not_found(
    hooks: GraphQLClient, admin: dict[str, str]
) -> None:
    data = await hooks.data(REDELIVER, {"id": encode_id("WebhookDelivery", 5)}, admin)

    assert [(e["field"], e["code"]) for e in data["redeliverWebhookEvent"]["userErrors"]] == [
        (["deliveryId"], "NOT_FOUND")
    ]


async def test_deliveries_are_listed_newest_first_in_the_hooks_terms(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    public = (await _create(hooks, admin))["webhook"]["id"]
    drafts = (await _create(hooks, admin, includeDrafts=True))["webhook"]["id"]
    post = await Factory(engine).post()
    for hook_id in (public, drafts):
        await _event_delivery(engine, hook_id, post["id"])
        await hooks.data(PING, {"id": hook_id}, admin)
    document = """{ webhooks { nodes { deliveries(first: 5) {
      totalCount nodes { ping action lastStatusCode lastError } } } } }"""

    data = await hooks.data(document, {}, admin)

    told = [
        [(d["ping"], d["action"]) for d in hook["deliveries"]["nodes"]]
        for hook in data["webhooks"]["nodes"]
    ]
    assert told == [[(True, None), (False, "PUBLISHED")], [(True, None), (False, "UPDATED")]]
    failed = data["webhooks"]["nodes"][0]["deliveries"]["nodes"][1]
    assert (failed["lastStatusCode"], failed["lastError"]) == (500, "HTTP 500")


async def test_the_statements_of_a_listing_do_not_grow_with_the_hooks(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    document = """{ webhooks(first: 50) { nodes { url deliveries(first: 5) {
      nodes { messageId action type entryId webhook { url } } } } } }"""
    post = await Factory(engine).post()
    counts = []
    for _ in range(2):
        for _ in range(3):
            hook_id = (await _create(hooks, admin))["webhook"]["id"]
            await _event_delivery(engine, hook_id, post["id"])
            await hooks.data(PING, {"id": hook_id}, admin)
        await hooks.data(document, {}, admin)
        counts.append(hooks.last_statements)

    # The token, the page of hooks, their deliveries, the deliveries' events and hooks.
    assert counts == [5, 5]


async def test_webhook_changes_record_no_content_event(
    hooks: GraphQLClient, engine: AsyncEngine, admin: dict[str, str]
) -> None:
    hook_id = (await _create(hooks, admin))["webhook"]["id"]
    await hooks.data(UPDATE, {"id": hook_id, "input": {"description": "x"}}, admin)
    await hooks.data(PING, {"id": hook_id}, admin)
    await hooks.data(DELETE, {"id": hook_id}, admin)

    assert await count_rows(engine, Event) == 0


async def test_no_answer_carries_a_secret(hooks: GraphQLClient, admin: dict[str, str]) -> None:
    secret = (await _create(hooks, admin))["secret"]
    document = f"{{ webhooks {{ nodes {{ {HOOK} deliveries {{ nodes {{ {DELIVERY} }} }} }} }} }}"

    response = await hooks.client.post("/graphql", json={"query": document}, headers=admin)

    assert response.status_code == 200
    assert secret not in response.text
    assert secret.removeprefix("whsec_") not in response.text


OPERATIONS = {
    "createWebhook": f'mutation {{ createWebhook(input: {{url: "{RECEIVER}"}}) {{ secret }} }}',
    "updateWebhook": (
        "mutation($id: ID!) { updateWebhook(id: $id, input: {active: false}) { secret } }"
    ),
    "deleteWebhook": "mutation($id: ID!) { deleteWebhook(id: $id) { deletedId } }",
    "pingWebhook": "mutation($id: ID!) { pingWebhook(id: $id) { delivery { id } } }",
    "redeliverWebhookEvent": (
        "mutation($delivery: ID!) { "
        "redeliverWebhookEvent(deliveryId: $delivery) { delivery { id } } }"
    ),
    "webhooks": "{ webhooks { totalCount } }",
    "webhook": "query($id: ID!) { webhook(id: $id) { url } }",
}


@pytest.mark.parametrize(
    ("role", "code"),
    [("public", "UNAUTHENTICATED"), ("preview", "FORBIDDEN"), ("author", "FORBIDDEN"),
     ("editor", "FORBIDDEN")],
)  # fmt: skip
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
async def test_only_admins_manage_webhooks(
    hooks: GraphQLClient,
    engine: AsyncEngine,
    admin: dict[str, str],
    token: TokenMaker,
    operation: str,
    role: str,
    code: str,
) -> None:
    hook_id = (await _create(hooks, admin))["webhook"]["id"]
    ping = await hooks.data(PING, {"id": hook_id}, admin)
    variables = {"id": hook_id, "delivery": ping["pingWebhook"]["delivery"]["id"]}
    if role == "author":
        await Factory(engine).author(slug="writer")
    headers = {} if role == "public" else await token(role, "writer" if role == "author" else None)
    document = OPERATIONS[operation]
    used = {name: value for name, value in variables.items() if f"${name}" in document}
    before = (await count_rows(engine, Webhook), await count_rows(engine, WebhookDelivery))

    body = await hooks.query(document, used, headers)

    assert [error["extensions"]["code"] for error in body["errors"]] == [code]
    assert (await count_rows(engine, Webhook), await count_rows(engine, WebhookDelivery)) == before
    assert (await _stored(engine)).active is True
