"""What the schema tells strangers: introspection and "Did you mean …" hints, each a switch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from graphql import (
    SKIP,
    FieldNode,
    GraphQLError,
    ValidationRule,
    validate,
)
from graphql.language.visitor import VisitorAction
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from masthead.schema.core.documents import (
    DOCUMENT_CACHE_BYTES,
    DocumentCache,
    document_key,
    schema_documents,
)
from masthead.schema.core.errors import MastheadSchema

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})
INTROSPECTION_OFF = "Introspection is turned off on this server: the query asks for `{field}`."
# Strawberry's own rules, which its default validation adds to the specified ones.
STRAWBERRY_RULES = (MaybeNullValidationRule, OneOfInputValidationRule)


class IntrospectionOffRule(ValidationRule):
    """Refuses the `__schema` and `__type` meta-fields; `__typename` stays."""

    def enter_field(self, node: FieldNode, *_args: object) -> VisitorAction:
        """Report an introspection field once, without walking what it selects."""
        if node.name.value not in INTROSPECTION_FIELDS:
            return None
        self.report_error(GraphQLError(INTROSPECTION_OFF.format(field=node.name.value), node))
        return SKIP


def validation(*, introspection: bool, field_suggestions: bool) -> Callable[[], SchemaExtension]:
    """A cached validation extension: the specification's rules, minus what is switched off.

    It takes the place of Strawberry's `ValidationCache`, which cannot hide suggestions;
    the errors are kept with the document in the schema's document cache.
    """
    extra = () if introspection else (IntrospectionOffRule,)

    class Validation(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            assert context.graphql_document is not None  # noqa: S101 - parsed before validation
            document = context.graphql_document
            rules = (*context.validation_rules, *STRAWBERRY_RULES, *extra)
            schema = context.schema._schema  # noqa: SLF001 - the graphql-core schema to validate on

            def validated() -> list[GraphQLError]:
                return validate(schema, document, rules, hide_suggestions=not field_suggestions)

            documents = schema_documents(context)
            context.pre_execution_errors = (
                validated()
                if documents is None
                else documents.validated(document_key(context), document, rules, validated)
            )
            yield

    return Validation


class ExposureSchema(MastheadSchema):
    """Masthead's schema, hiding suggestions at execution too (variables' values) if asked.

    It holds the documents it has parsed, validated and costed (`documents`).
    """

    def __init__(
        self,
        *args: Any,
        field_suggestions: bool = True,
        document_cache_bytes: int = DOCUMENT_CACHE_BYTES,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.field_suggestions = field_suggestions
        self.documents = DocumentCache(document_cache_bytes)

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        if not self.field_suggestions:
            kwargs["hide_suggestions"] = True
        return kwargs
