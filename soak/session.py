"""The soak's requests: each answer timed, classified and counted by kind (read, write, lookup)."""

from __future__ import annotations

import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

INTERNAL = "INTERNAL_SERVER_ERROR"
REQUEST_SECONDS = 60.0
MESSAGE_CHARS = 120
JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json"}


@dataclass(frozen=True)
class Failure:
    """Why one request did not answer 200 with data and no `errors`.

    `status` is None when no answer came; `code` is the first error's `extensions.code`.
    """

    status: int | None
    code: str | None
    description: str

    @property
    def no_answer(self) -> bool:
        """No HTTP answer at all (refused, reset, timed out)."""
        return self.status is None

    @property
    def server_error(self) -> bool:
        """An HTTP 5xx answer."""
        return self.status is not None and self.status >= 500

    @property
    def internal(self) -> bool:
        """An `INTERNAL_SERVER_ERROR`, whatever its status."""
        return self.code == INTERNAL

    @property
    def other(self) -> bool:
        """An answer that failed in none of the ways above."""
        return not (self.no_answer or self.server_error or self.internal)


@dataclass(frozen=True)
class Answer:
    """One request's HTTP status (None when no answer came), JSON body and failure."""

    status: int | None
    body: dict[str, Any] | None
    failure: Failure | None

    def field(self, name: str) -> dict[str, Any] | None:
        """A top-level field of `data` when the request succeeded, else None."""
        if self.failure is not None or self.body is None:
            return None
        value = (self.body.get("data") or {}).get(name)
        return value if isinstance(value, dict) else None


def _errors_failure(status: int, errors: list[Any]) -> Failure:
    first = errors[0] if errors and isinstance(errors[0], dict) else {}
    code = str((first.get("extensions") or {}).get("code", "no code"))
    message = str(first.get("message", ""))[:MESSAGE_CHARS]
    return Failure(status, code, f"HTTP {status} {code}: {message}")


def classify(response: httpx.Response) -> Answer:
    """The answer to one request, and its failure if it is not 200 with data and no errors."""
    try:
        body = orjson.loads(response.content)
    except orjson.JSONDecodeError:
        body = None
    status = response.status_code
    if not isinstance(body, dict):
        text = response.text[:MESSAGE_CHARS].strip()
        return Answer(status, None, Failure(status, None, f"HTTP {status}, not GraphQL: {text}"))
    if body.get("errors"):
        return Answer(status, body, _errors_failure(status, body["errors"]))
    if status != 200:
        return Answer(status, body, Failure(status, None, f"HTTP {status} without errors"))
    return Answer(status, body, None)


Predicate = Callable[[Failure], bool]
Observer = Callable[[str, Answer, float], None]


@dataclass
class KindTally:
    """The requests of one kind: latencies of those answered, and their failures."""

    latencies: list[float] = field(default_factory=list)
    requests: int = 0
    failures: Counter[Failure] = field(default_factory=Counter)


@dataclass
class Tally:
    """Every request of a run, by kind."""

    kinds: defaultdict[str, KindTally] = field(default_factory=lambda: defaultdict(KindTally))

    def record(self, kind: str, seconds: float, answer: Answer) -> None:
        """Count one request; its latency when an answer came."""
        tally = self.kinds[kind]
        tally.requests += 1
        if answer.status is not None:
            tally.latencies.append(seconds)
        if answer.failure is not None:
            tally.failures[answer.failure] += 1

    @property
    def requests(self) -> int:
        """Requests of every kind."""
        return sum(tally.requests for tally in self.kinds.values())

    def failures(self, which: Predicate) -> list[tuple[str, str, int]]:
        """(kind, description, count) of each distinct failure `which` selects, most first."""
        found = [
            (kind, failure.description, count)
            for kind, tally in self.kinds.items()
            for failure, count in tally.failures.items()
            if which(failure)
        ]
        return sorted(found, key=lambda each: -each[2])

    def failed(self, which: Predicate) -> int:
        """How many requests failed in the way `which` selects."""
        return sum(count for _kind, _description, count in self.failures(which))


class Session:
    """Posts GraphQL requests to one server over keep-alive connections, counting each."""

    def __init__(
        self, client: httpx.AsyncClient, tally: Tally, observe: Observer | None = None
    ) -> None:
        self.client = client
        self.tally = tally
        self.observe = observe

    async def send(self, kind: str, body: bytes, headers: dict[str, str] | None = None) -> Answer:
        """Post one body to `/graphql`; the answer, also counted under `kind`."""
        started = time.perf_counter()
        try:
            response = await self.client.post(
                "/graphql", content=body, headers={**JSON_HEADERS, **(headers or {})}
            )
        except httpx.HTTPError as error:
            answer = Answer(None, None, Failure(None, None, f"no answer: {type(error).__name__}"))
        else:
            answer = classify(response)
        seconds = time.perf_counter() - started
        self.tally.record(kind, seconds, answer)
        if self.observe is not None:
            self.observe(kind, answer, seconds)
        return answer

    async def operation(
        self, kind: str, document: str, variables: dict[str, Any], headers: dict[str, str]
    ) -> Answer:
        """Send a document with its variables."""
        return await self.send(
            kind, orjson.dumps({"query": document, "variables": variables}), headers
        )


def http_client(base_url: str, clients: int) -> httpx.AsyncClient:
    """An HTTP client with one keep-alive connection per soak client."""
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    return httpx.AsyncClient(base_url=base_url, limits=limits, timeout=REQUEST_SECONDS)
