"""What the schema tells strangers: introspection and "Did you mean …" hints, each a switch."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import (
    SKIP,
    ASTValidationRule,
    DocumentNode,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    ValidationRule,
    validate,
)
from graphql.language.visitor import VisitorAction
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

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


@lru_cache(maxsize=1024)
def _validated(
    schema: GraphQLSchema,
    document: DocumentNode,
    rules: tuple[type[ASTValidationRule], ...],
    *,
    hide_suggestions: bool,
) -> list[GraphQLError]:
    return validate(schema, document, rules, hide_suggestions=hide_suggestions)


def validation(*, introspection: bool, field_suggestions: bool) -> Callable[[], SchemaExtension]:
    """A cached validation extension: the specification's rules, minus what is switched off.

    It takes the place of Strawberry's `ValidationCache`, which cannot hide suggestions.
    """
    extra = () if introspection else (IntrospectionOffRule,)

    class Validation(SchemaExtension):
        def on_validate(self) -> Iterator[None]:
            context = self.execution_context
            assert context.graphql_document is not None  # noqa: S101 - parsed before validation
            rules = (*context.validation_rules, *STRAWBERRY_RULES, *extra)
            context.pre_execution_errors = _validated(
                context.schema._schema,  # noqa: SLF001 - the graphql-core schema to validate on
                context.graphql_document,
                rules,
                hide_suggestions=not field_suggestions,
            )
            yield

    return Validation


class ExposureSchema(MastheadSchema):
    """Masthead's schema, hiding suggestions at execution too (variables' values) if asked."""

    def __init__(self, *args: Any, field_suggestions: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.field_suggestions = field_suggestions

    def _get_custom_context_kwargs(
        self, operation_extensions: dict[str, Any] | None = None, *, sync: bool = False
    ) -> dict[str, Any]:
        kwargs = super()._get_custom_context_kwargs(operation_extensions, sync=sync)
        if not self.field_suggestions:
            kwargs["hide_suggestions"] = True
        return kwargs
