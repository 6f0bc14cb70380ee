"""What the public and draft viewers are told of a change, and which webhook URLs are safe."""

from __future__ import annotations

import pytest

from masthead.events.addresses import UnsafeAddress, check_url
from masthead.resolvers.core.changes import keys_of_change, told_action


@pytest.mark.parametrize(
    ("action", "before", "after", "public", "drafts"),
    [
        ("update", False, False, None, "UPDATED"),  # a draft edit: the public never hears
        ("update", True, True, "UPDATED", "UPDATED"),
        ("publish", False, True, "PUBLISHED", "PUBLISHED"),
        ("schedule", False, False, None, "SCHEDULED"),  # visible later: only drafts hear now
        ("schedule", True, False, "UNPUBLISHED", "SCHEDULED"),  # a live entry moved to later
        ("go_live", False, True, "PUBLISHED", "PUBLISHED"),
        ("unpublish", True, False, "UNPUBLISHED", "UNPUBLISHED"),
        ("delete", True, False, "DELETED", "DELETED"),
        ("delete", False, False, None, "DELETED"),
        ("create", False, True, "CREATED", "CREATED"),
        ("restore", False, True, "PUBLISHED", "RESTORED"),
        ("restore", True, False, "UNPUBLISHED", "RESTORED"),
        ("import", False, False, None, None),
    ],
)
def test_a_change_is_told_in_the_viewers_terms(
    action: str, before: bool, after: bool, public: str | None, drafts: str | None
) -> None:
    told = {
        sees: told_action(action, public_before=before, public_after=after, sees_drafts=sees)
        for sees in (False, True)
    }
    assert told == {False: public, True: drafts}


def test_a_change_invalidates_its_entry_and_its_types_lists() -> None:
    assert keys_of_change("Post", 12) == ["post:12", "posts"]


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.1:8080/",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost/hook",
        "http://0.0.0.0/",
    ],
)
async def test_a_private_address_is_refused(url: str) -> None:
    with pytest.raises(UnsafeAddress, match="private, loopback or reserved"):
        await check_url(url, allow_private=False)


async def test_a_private_address_is_allowed_when_configured() -> None:
    assert await check_url("http://127.0.0.1:9/hook", allow_private=True) == []


async def test_a_public_address_passes() -> None:
    assert await check_url("https://93.184.215.14/hook", allow_private=False) == ["93.184.215.14"]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("ftp://example.com/", "http:// or https://"),
        ("/relative", "http:// or https://"),
        ("http://user:pw@example.com/", "user name or password"),
        ("http://example.com:99999/", "not a valid URL"),
    ],
)
async def test_a_malformed_url_is_refused(url: str, reason: str) -> None:
    with pytest.raises(UnsafeAddress, match=reason):
        await check_url(url, allow_private=True)
