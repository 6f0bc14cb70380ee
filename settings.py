"""Configuration read from MASTHEAD_* environment variables and a `.env` file."""

from __future__ import annotations

import ipaddress
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, ValidationError
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

ENV_PREFIX = "MASTHEAD_"
DATABASE_URL_FORMS = "sqlite:///PATH or postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE"
# The async driver Masthead ships for each backend, whatever driver a URL names.
ASYNC_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
}
# The options asyncpg takes as text from a URL's query (`sslmode`, libpq's name, becomes `ssl`).
ASYNCPG_OPTIONS = frozenset(
    {
        "ssl",
        "target_session_attrs",
        "passfile",
        "krbsrvname",
        "gsslib",
        "prepared_statement_cache_size",
    }
)
ORIGIN = re.compile(r"https?://[^/?#@\s]+")
HOST_NAME = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?")


class SettingsError(ValueError):
    """A setting from the environment or `.env` that Masthead cannot use, told in one line."""


def _masked(url: str) -> str:
    """A URL as it may be printed: any password replaced by `***`."""
    return re.sub(r"(?<=:)[^:@/]+(?=@)", "***", url)


def async_database_url(url: str) -> str:
    """The URL with the async driver Masthead ships for its backend; ValueError for others.

    `postgres://`, `postgresql://` and `postgresql+<any driver>://` use asyncpg; `sqlite://`
    uses aiosqlite.
    """
    refusal = f"must be {DATABASE_URL_FORMS} (got {_masked(url)!r})"
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):  # a port that is not a number is a ValueError
        raise ValueError(refusal) from None
    driver = ASYNC_DRIVERS.get(parsed.get_backend_name())
    if driver is None:
        raise ValueError(refusal)
    parsed = parsed.set(drivername=driver)
    if parsed.get_backend_name() == "postgresql":
        parsed = _asyncpg_url(parsed)
    return parsed.render_as_string(hide_password=False)


def _asyncpg_url(url: URL) -> URL:
    """A PostgreSQL URL whose port and options asyncpg accepts; a ValueError otherwise."""
    if url.port is not None and not 1 <= url.port <= 65535:  # noqa: PLR2004 - TCP port range
        msg = f"has port {url.port}, outside 1-65535"
        raise ValueError(msg)
    if "sslmode" in url.query:  # hosted PostgreSQL URLs often carry it
        options = {"ssl": url.query["sslmode"]}
        url = url.difference_update_query(["sslmode"]).update_query_dict(options)
    unknown = sorted(set(url.query) - ASYNCPG_OPTIONS)
    if unknown:
        msg = (
            f"has options asyncpg does not take: {', '.join(unknown)} "
            f"(it takes sslmode, {', '.join(sorted(ASYNCPG_OPTIONS))})"
        )
        raise ValueError(msg)
    return url


def host_address(host: str) -> str:
    """An IP address or host name to listen on; a ValueError otherwise."""
    try:
        ipaddress.ip_address(host)
    except ValueError:
        if len(host) > 253 or not HOST_NAME.fullmatch(host):  # noqa: PLR2004 - DNS limit
            msg = f"must be an IP address or a host name (got {host!r})"
            raise ValueError(msg) from None
    return host


def port_number(port: int) -> int:
    """A TCP port; a ValueError outside 1-65535."""
    if not 1 <= port <= 65535:  # noqa: PLR2004 - the TCP port range
        msg = f"must be a port between 1 and 65535 (got {port})"
        raise ValueError(msg)
    return port


def network_list(value: str) -> str:
    """`10.0.0.1, 192.168.0.0/16`: addresses or networks, comma-separated."""
    for entry in (part.strip() for part in value.split(",")):
        if entry:
            try:
                ipaddress.ip_network(entry, strict=False)
            except ValueError:
                msg = f"must be IP addresses or networks, comma-separated (got {entry!r})"
                raise ValueError(msg) from None
    return value


def redis_address(value: str) -> str:
    """`redis://[:PASSWORD@]HOST[:PORT][/DB]` (or `rediss://`), or empty for none."""
    if value and not re.match(r"(async\+)?rediss?://", value):
        msg = f"must be redis://HOST[:PORT][/DB] or rediss://... (got {_masked(value)!r})"
        raise ValueError(msg)
    return value


def readable_file(value: str) -> str:
    """A path to a file this process can read, or empty for none."""
    if value and not (Path(value).is_file() and os.access(value, os.R_OK)):
        msg = f"must be the path of a readable file (got {value!r})"
        raise ValueError(msg)
    return value


def origin_list(value: object) -> tuple[str, ...]:
    """`https://a.example, http://localhost:3000` as origins; `*` alone means any origin."""
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        msg = f"must be a comma-separated list of origins (got {value!r})"
        raise ValueError(msg)  # noqa: TRY004 - pydantic reports ValueErrors, not TypeErrors
    origins = tuple(str(item).strip().rstrip("/").lower() for item in items if str(item).strip())
    for origin in origins:
        if origin != "*" and not ORIGIN.fullmatch(origin):
            msg = f"must be origins such as https://app.example.com, comma-separated ({origin!r})"
            raise ValueError(msg)
    if "*" in origins and len(origins) > 1:
        msg = f"must be `*` alone or a list of origins (got {', '.join(origins)!r})"
        raise ValueError(msg)
    return origins


class Settings(BaseSettings):
    """Every setting Masthead reads; each maps to `MASTHEAD_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    # Production switches: unset, each follows `env` (on in development, off in production).
    introspection: bool | None = None
    field_suggestions: bool | None = None
    graphiql: bool | None = None
    cors_origins: Annotated[tuple[str, ...], NoDecode, BeforeValidator(origin_list)] = ()
    database_url: Annotated[str, AfterValidator(async_database_url)] = (
        "sqlite+aiosqlite:///masthead.db"
    )
    default_locale: str = "en"
    public_base_url: str = ""
    media_url_path: str = "/media"
    host: Annotated[str, AfterValidator(host_address)] = "127.0.0.1"
    port: Annotated[int, AfterValidator(port_number)] = 8000
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0)
    # How long a write may wait for its turn at the write lock before it is refused with a
    # retryable 503 WRITE_TIMEOUT (SQLite: the queue and another process's lock; PostgreSQL:
    # each row lock, as `lock_timeout`). Below request_timeout_ms, so the 503 comes first.
    write_timeout_s: float = Field(default=5.0, gt=0, le=3600)
    pool_size: int = Field(default=10, ge=1)
    media_dir: str = "media"
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1)
    max_body_chars: int = Field(default=500_000, ge=1)
    # Memory: every cache in the process is bounded by bytes (0 turns one off); the
    # response cache also by a number of answers. SQLite's page cache is per connection.
    response_cache_entries: int = Field(default=1000, ge=0)
    # Queries run as a plan made once per document (off: every field through graphql-core,
    # the generic execution the planner is checked against).
    planner: bool = True
    response_cache_bytes: int = Field(default=32 * 1024 * 1024, ge=0)
    document_cache_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    sqlite_cache_kib: int = Field(default=2000, ge=0)
    # SQLite reads seen to cost less than this run on the event loop, not on their
    # connection's thread (0: every statement on its thread). sqlite_driver.py says why.
    sqlite_inline_read_ms: float = Field(default=2.0, ge=0, le=100)
    # SQLite reads of shared statements run on the driver, compiled once (off: through
    # SQLAlchemy's execution every time; the same rows). resolvers/core/direct_reads.py.
    sqlite_direct_reads: bool = True
    # The most bytes of the `Surrogate-Key` and `Cache-Tag` headers of a public answer:
    # past it, the site and list keys only (0: no such headers, and nothing recorded).
    surrogate_key_bytes: int = Field(default=8192, ge=0)
    # Request limits, checked before anything runs (edge/document_checks.py): bytes of a
    # JSON body; a document's field depth, aliases, tokens, directives on one field; the
    # operations of a JSON array body (0: batching off).
    max_request_bytes: int = Field(default=1024 * 1024, ge=1)
    max_query_depth: int = Field(default=20, ge=1)
    max_aliases: int = Field(default=30, ge=0)
    max_tokens: int = Field(default=2000, ge=1)
    max_directives_per_field: int = Field(default=5, ge=0)
    batch_max_operations: int = Field(default=0, ge=0)
    # Breadth of one `where` argument: AND/OR/NOT items and relation filters, `in` values.
    max_where_branches: int = Field(default=100, ge=1)
    max_where_list_values: int = Field(default=100, ge=1)
    # The cost of one operation (`@cost`/`@listSize` in the schema), and the time one
    # request may run before its statements are stopped and it answers TIMEOUT (0: none).
    max_cost: int = Field(default=10_000, ge=1)
    request_timeout_ms: int = Field(default=10_000, ge=0)
    # Rate limits: cost points a caller may spend per window (0: no limit), per client
    # address without a token and per token with one; the proxies whose X-Forwarded-For
    # names the client; Redis shares the budgets between processes when set.
    rate_limit_points: int = Field(default=100_000, ge=0)
    rate_limit_token_points: int = Field(default=500_000, ge=0)
    rate_limit_window_s: int = Field(default=60, ge=1)
    trusted_proxies: Annotated[str, AfterValidator(network_list)] = ""
    redis_url: Annotated[str, AfterValidator(redis_address)] = ""
    redis_prefix: str = "masthead"
    # Automatic persisted queries: kept in Redis (with redis_url) for a time, else in process
    # up to a total size. Trusted documents: a manifest file; who may run only its documents.
    persisted_queries: bool = True
    persisted_query_bytes: int = Field(default=16 * 1024 * 1024, ge=0)
    persisted_query_ttl_s: int = Field(default=7 * 24 * 3600, ge=1)
    trusted_documents: Annotated[str, AfterValidator(readable_file)] = ""
    trusted_documents_only: Literal["anonymous", "all"] = "anonymous"
    # Webhooks: delivery time-out per attempt; attempts with exponential backoff and
    # jitter, the last no later than `webhook_retry_for_s` after the first; a hook whose
    # deliveries failed `webhook_disable_after` times in a row is disabled. Hook URLs to
    # private, loopback or link-local addresses only with `webhook_allow_private`.
    webhook_allow_private: bool = False
    webhook_timeout_s: float = Field(default=10.0, gt=0, le=300)
    webhook_retry_for_s: int = Field(default=24 * 3600, ge=0)
    webhook_disable_after: int = Field(default=20, ge=1)
    # Days finished deliveries and handed-over events are kept (0: kept for ever).
    webhook_retention_days: int = Field(default=30, ge=0)
    # Subscriptions over WebSocket: open connections per client address, subscriptions
    # per connection, and how often the server pings (a peer silent for two is closed).
    subscription_connections_per_client: int = Field(default=20, ge=1)
    subscriptions_per_connection: int = Field(default=20, ge=1)
    subscription_ping_s: float = Field(default=15.0, gt=0)
    # How often each process looks for new events and due deliveries when nothing wakes
    # it (writes in the process, a notification from PostgreSQL or Redis do).
    events_poll_s: float = Field(default=1.0, gt=0, le=60)


def _expected(error: Any) -> str:
    """What a setting must be, from one pydantic error: `must be an integer (got 'x')`."""
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if error["type"] in {"int_parsing", "int_type", "int_from_float"}:
        expected = "must be an integer"
    else:
        message = str(error["msg"]).split(",", 1)[0].replace("greater than or equal to", "at least")
        expected = message.replace("Input should be", "must be", 1)
    return f"{expected} (got {error['input']!r})"


def _described(error: Any) -> str:
    """`MASTHEAD_<NAME> must be ...`, saying when the value came from `.env`."""
    name = f"{ENV_PREFIX}{error['loc'][0]}".upper()
    if not any(key.upper() == name for key in os.environ):
        name = f"{name} in .env"
    return f"{name} {_expected(error)}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once; a SettingsError names each unusable value."""
    try:
        return Settings()
    except ValidationError as error:
        raise SettingsError("; ".join(_described(each) for each in error.errors())) from None
