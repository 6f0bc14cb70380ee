"""Limits on a GraphQL document checked before it runs, once per document, verdicts cached.

A document is parsed once with the token limit (`MASTHEAD_MAX_TOKENS`), then each function
in `CHECKS` reads its syntax tree; the verdict (the first refusal, or none) is kept in a
least-recently-used cache keyed by the SHA-256 of the document and bounded by bytes
(`MASTHEAD_DOCUMENT_CACHE_BYTES`), so a repeated document costs one hash and one dict
lookup. Nothing here runs a resolver or a statement.

Adding a check is one line: write a function `(examined: Examined) -> Refusal | None` and
append it to `CHECKS`. It reads `examined.document` (the syntax tree), `examined.settings`
and `examined.schema`, and may keep what it measured in `examined.notes` (for instance the
requested cost): the notes are cached with the verdict and read back per request through
`Verdict.notes`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLSyntaxError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

from masthead.resolvers.core.bounded_cache import BoundedCache
from masthead.schema.core.documents import estimated_bytes
from masthead.schema.core.limits import OperationCosts
from masthead.settings import Settings

QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
TOO_MANY_DIRECTIVES = "TOO_MANY_DIRECTIVES"
# A verdict without a syntax tree: its key, refusal and notes.
VERDICT_BYTES = 500
# graphql-core's own messages for the two limits its parser enforces.
PARSER_TOKENS_MESSAGE = "Document contains more than"
PARSER_NESTING_MESSAGE = "Document is nested too deeply"


@dataclass(frozen=True)
class Refusal:
    """Why a document is not run: its GraphQL error code and a message with limit and value."""

    code: str
    message: str


@dataclass
class Examined:
    """A parsed document as each check sees it; checks may note what they measured."""

    document: DocumentNode
    settings: Settings
    schema: Any
    notes: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    """What the checks said about one document: a refusal or none, and their notes."""

    refusal: Refusal | None
    notes: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    # What the kept syntax tree costs in memory (0 when none is kept).
    document_bytes: int = 0


Check = Callable[[Examined], Refusal | None]


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {
        each.name.value: each
        for each in document.definitions
        if isinstance(each, FragmentDefinitionNode)
    }


def _operations(document: DocumentNode) -> Iterator[OperationDefinitionNode]:
    return (each for each in document.definitions if isinstance(each, OperationDefinitionNode))


class _Measure:
    """A per-operation measure of selections, following fragment spreads.

    `per_field` gives a field's value from the value of what it selects; `combine` joins
    the values of one selection set (`max` for depth, `sum` for counts). Each fragment is
    measured once, however often it is spread; a fragment that spreads itself counts as
    empty (validation refuses it later).
    """

    def __init__(
        self,
        document: DocumentNode,
        per_field: Callable[[FieldNode, int], int],
        combine: Callable[[list[int]], int],
    ) -> None:
        self.fragments = _fragments(document)
        self.per_field = per_field
        self.combine = combine
        self.known: dict[str, int] = {}
        self.visiting: set[str] = set()

    def of(self, selection_set: SelectionSetNode | None) -> int:
        if selection_set is None:
            return 0
        values = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                values.append(self.per_field(selection, self.of(selection.selection_set)))
            elif isinstance(selection, InlineFragmentNode):
                values.append(self.of(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                values.append(self.fragment(selection.name.value))
        return self.combine(values)

    def fragment(self, name: str) -> int:
        if name not in self.known:
            definition = self.fragments.get(name)
            if definition is None or name in self.visiting:
                return 0
            self.visiting.add(name)
            self.known[name] = self.of(definition.selection_set)
            self.visiting.discard(name)
        return self.known[name]

    def most(self, document: DocumentNode) -> int:
        """The largest value of any one operation."""
        return max((self.of(each.selection_set) for each in _operations(document)), default=0)


def _deepest(values: list[int]) -> int:
    return max(values, default=0)


def query_depth(document: DocumentNode) -> int:
    """The deepest field nesting of any operation, fragments followed (`{ a { b } }` is 2)."""
    return _Measure(document, lambda _field, below: 1 + below, _deepest).most(document)


def alias_count(document: DocumentNode) -> int:
    """The most aliased fields one operation selects, each fragment counted where spread."""
    aliased = _Measure(document, lambda field, below: (field.alias is not None) + below, sum)
    return aliased.most(document)


def most_directives(document: DocumentNode) -> int:
    """The most directives on any one field, fragment spread, fragment or operation."""
    most = 0
    pending: list[Any] = list(document.definitions)
    while pending:
        node = pending.pop()
        most = max(most, len(getattr(node, "directives", None) or ()))
        selection_set = getattr(node, "selection_set", None)
        if selection_set is not None:
            pending.extend(selection_set.selections)
    return most


def check_depth(examined: Examined) -> Refusal | None:
    """QUERY_TOO_DEEP above `MASTHEAD_MAX_QUERY_DEPTH`."""
    limit = examined.settings.max_query_depth
    depth = query_depth(examined.document)
    if depth <= limit:
        return None
    return Refusal(QUERY_TOO_DEEP, f"query depth {depth} exceeds the limit of {limit}")


def check_aliases(examined: Examined) -> Refusal | None:
    """TOO_MANY_ALIASES above `MASTHEAD_MAX_ALIASES`."""
    limit = examined.settings.max_aliases
    count = alias_count(examined.document)
    if count <= limit:
        return None
    return Refusal(TOO_MANY_ALIASES, f"{count} aliases exceed the limit of {limit}")


def check_directives(examined: Examined) -> Refusal | None:
    """TOO_MANY_DIRECTIVES above `MASTHEAD_MAX_DIRECTIVES_PER_FIELD` on one field."""
    limit = examined.settings.max_directives_per_field
    count = most_directives(examined.document)
    if count <= limit:
        return None
    message = f"{count} directives on one field exceed the limit of {limit}"
    return Refusal(TOO_MANY_DIRECTIVES, message)


def note_costs(examined: Examined) -> Refusal | None:
    """Keep the cost plans: the cost itself depends on each request's variables."""
    examined.notes["costs"] = OperationCosts(examined.schema._schema, examined.document)  # noqa: SLF001
    return None


CHECKS: tuple[Check, ...] = (check_depth, check_aliases, check_directives, note_costs)


def _parsed(query: str, settings: Settings) -> DocumentNode | Refusal | None:
    """The syntax tree; a refusal at a parser limit; None for any other syntax error.

    Other syntax errors are left to the executor, which reports them as
    GRAPHQL_PARSE_FAILED like it always has.
    """
    limit = settings.max_tokens
    try:
        return parse(query, no_location=True, max_lexical_tokens=limit, max_comments=limit)
    except GraphQLSyntaxError as error:
        if PARSER_TOKENS_MESSAGE in error.message:
            return Refusal(TOO_MANY_TOKENS, f"the document exceeds the limit of {limit} tokens")
        if PARSER_NESTING_MESSAGE in error.message:
            depth = settings.max_query_depth
            message = f"the document nests too deeply to parse (the depth limit is {depth})"
            return Refusal(QUERY_TOO_DEEP, message)
        return None


def _verdict_bytes(_key: bytes, verdict: Verdict) -> int:
    return VERDICT_BYTES + verdict.document_bytes


class DocumentChecks:
    """Runs `checks` over each new document and remembers the verdict (bounded by bytes)."""

    def __init__(self, settings: Settings, schema: Any, checks: tuple[Check, ...] = CHECKS) -> None:
        self.settings = settings
        self.schema = schema
        self.checks = checks
        self.verdicts: BoundedCache[bytes, Verdict] = BoundedCache(
            "document_checks", settings.document_cache_bytes, _verdict_bytes
        )

    def verdict(self, query: str) -> Verdict:
        """The checks' verdict on `query`, computed on first sight only."""
        key = hashlib.sha256(query.encode(errors="surrogatepass")).digest()
        verdict = self.verdicts.get(key)
        if verdict is None:
            verdict = self._examine(query)
            self.verdicts.put(key, verdict)
        return verdict

    def _examine(self, query: str) -> Verdict:
        document = _parsed(query, self.settings)
        if not isinstance(document, DocumentNode):
            return Verdict(document)
        examined = Examined(document, self.settings, self.schema)
        try:
            refusal = next(filter(None, (check(examined) for check in self.checks)), None)
        except RecursionError:  # fragments spreading fragments hundreds deep
            limit = self.settings.max_query_depth
            message = f"the document nests too deeply to measure (the depth limit is {limit})"
            refusal = Refusal(QUERY_TOO_DEEP, message)
        return Verdict(refusal, MappingProxyType(examined.notes), estimated_bytes(query))
