"""Parsed documents with their validation and cost plans, kept per text and bounded by bytes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionContext

from masthead.resolvers.core.bounded_cache import BoundedCache, text_bytes
from masthead.schema.core.cost import CostPlan, cost_plan

# What a parsed document holds per character of its text (syntax tree, locations, names),
# its validation errors and cost plans, measured with tracemalloc on the example queries
# and on long generated ones, and rounded up.
BYTES_PER_CHARACTER = 100
DOCUMENT_CACHE_BYTES = 16 * 1024 * 1024  # the default of `MASTHEAD_DOCUMENT_CACHE_BYTES`
DOCUMENT_BYTES = 1000
ERROR_BYTES = 1000
PLAN_BYTES = 500


# A document's text and the parser's token limit (None: the parser's default).
DocumentKey = tuple[str, int | None]


@dataclass
class KnownDocument:
    """One document text parsed once, and what was found about it since."""

    key: DocumentKey
    node: DocumentNode
    validations: dict[tuple[Any, ...], list[GraphQLError]] = field(default_factory=dict)
    plans: dict[str | None, CostPlan] = field(default_factory=dict)


def estimated_bytes(text: str) -> int:
    """What a document of this text costs parsed: the estimate every document cache uses."""
    return text_bytes(text) + BYTES_PER_CHARACTER * len(text) + DOCUMENT_BYTES


def document_key(context: ExecutionContext) -> DocumentKey | None:
    """The key of the operation's document text, None when it came without one."""
    if not context.query:
        return None
    return context.query, context.parse_options.get("max_tokens")


def _known_bytes(key: DocumentKey, known: KnownDocument) -> int:
    errors = sum(len(each) for each in known.validations.values())
    return estimated_bytes(key[0]) + ERROR_BYTES * errors + PLAN_BYTES * len(known.plans)


class DocumentCache:
    """The schema's documents by text: parsed, validated and costed once each."""

    def __init__(self, max_bytes: int) -> None:
        self.known: BoundedCache[DocumentKey, KnownDocument] = BoundedCache(
            "documents", max_bytes, _known_bytes
        )

    def parsed(self, key: DocumentKey) -> DocumentNode:
        """The document's syntax tree, parsed on first sight (a syntax error is raised)."""
        known = self.known.get(key)
        if known is None:
            query, max_tokens = key
            known = KnownDocument(key, parse(query, max_tokens=max_tokens))
            self.known.put(key, known)
        return known.node

    def validated(
        self,
        key: DocumentKey | None,
        node: DocumentNode,
        rules: tuple[Any, ...],
        validate: Callable[[], list[GraphQLError]],
    ) -> list[GraphQLError]:
        """The errors `validate` finds with `rules`, found once per document and rules."""
        known = self._known(key, node)
        if known is None:
            return validate()
        if rules not in known.validations:
            known.validations[rules] = validate()
            self.known.put(known.key, known)  # measured again with what it now holds
        return known.validations[rules]

    def plan(
        self, schema: GraphQLSchema, key: DocumentKey | None, node: DocumentNode, name: str | None
    ) -> CostPlan:
        """The cost plan of one operation of the document, made once."""
        known = self._known(key, node)
        if known is None:
            return cost_plan(schema, node, name)
        if name not in known.plans:
            known.plans[name] = cost_plan(schema, node, name)
            self.known.put(known.key, known)
        return known.plans[name]

    def _known(self, key: DocumentKey | None, node: DocumentNode) -> KnownDocument | None:
        """The entry holding exactly this syntax tree; None for a document not kept."""
        known = None if key is None else self.known.get(key)
        return known if known is not None and known.node is node else None


def schema_documents(context: ExecutionContext) -> DocumentCache | None:
    """The document cache of the operation's schema (Masthead's schema has one)."""
    documents = getattr(context.schema, "documents", None)
    return documents if isinstance(documents, DocumentCache) else None


class DocumentParsing(SchemaExtension):
    """Parses each document text once, through the schema's bounded document cache."""

    def on_parse(self) -> Iterator[None]:
        """The cached syntax tree; a text that does not parse raises the parser's error."""
        context = self.execution_context
        documents, key = schema_documents(context), document_key(context)
        if documents is not None and key is not None:
            context.graphql_document = documents.parsed(key)
        yield
