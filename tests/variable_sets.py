"""Variables for an operation, made from its variable definitions and seeded content: page
sizes, a real cursor, IDs, slugs and paths of visible and hidden entries, locales, `where`
inputs, enum values, search words, and wrong ones (too large a page, a bad cursor or ID)."""

from __future__ import annotations

import itertools
from typing import Any

from graphql import (
    SKIP,
    GraphQLEnumType,
    GraphQLSchema,
    ListTypeNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    TypeNode,
    VariableDefinitionNode,
    Visitor,
    VisitorAction,
    get_named_type,
    parse,
    visit,
)

from masthead.resolvers.core.ids import encode_id
from tests.content_samples import Samples
from tests.documents_corpus import Operation, graphql_schema

PAGE_SIZES = (3, 1000, 1, 20)  # 1000 is above the maximum: an error
LOCALES = ("fr-CA", "de", "fr", "en")  # de has no translations: each entry falls back
SEARCH_WORDS = ("data", '"unbalanced', "python", "the", "zzzz", "")
DATES = ("2024-01-01T00:00:00+00:00", "yesterday", "2030-06-01T00:00:00Z")
BAD_CURSOR = "bm90LWEtY3Vyc29y"
LIMIT = 8  # variable sets per operation and viewer, the first always the given ones


class _Uses(Visitor):
    """Which type of entry each variable names: the type the field taking it returns."""

    def __init__(self, type_info: TypeInfo) -> None:
        super().__init__()
        self.type_info = type_info
        self.current: str | None = None
        self.entities: dict[str, str | None] = {}

    def enter_argument(self, *_: Any) -> None:
        field = self.type_info.get_field_def()
        name = get_named_type(field.type).name if field else None
        self.current = name.removesuffix("Connection") if name else None

    def leave_argument(self, *_: Any) -> None:
        self.current = None

    def enter_variable_definition(self, *_: Any) -> VisitorAction:
        return SKIP  # a definition names its variable, and does not use it

    def enter_variable(self, node: Any, *_: Any) -> None:
        self.entities.setdefault(node.name.value, self.current)


def _entities(operation: Operation) -> dict[str, str | None]:
    type_info = TypeInfo(graphql_schema())
    uses = _Uses(type_info)
    visit(parse(operation.document), TypeInfoVisitor(type_info, uses))
    return uses.entities


def _ids(entity: str | None, samples: Samples) -> list[Any]:
    # `node` and `nodes` take one of each type
    own = samples.ids.get(entity or "", [ids[0] for ids in samples.ids.values()])
    return [own[0], "not-an-id", *own[1:], encode_id(entity or "Post", 999_999)]


def _where(type_name: str, samples: Samples) -> list[Any]:
    tag, author = samples.keys["tag.slug"][0], samples.keys["author.slug"][0]
    text = {"OR": [{"slug": {"contains": "a"}}, {"NOT": {"createdAt": {"lt": DATES[2]}}}]}
    inputs: dict[str, list[Any]] = {
        "PostWhere": [
            {"status": {"in": ["DRAFT", "SCHEDULED", "ARCHIVED"]}},
            {"slug": {"eq": 5}},  # not a string: an error
            {"featured": {"eq": True}, "locale": {"eq": "fr"}},
            {"tags": {"some": {"slug": {"eq": tag}}}, "author": {"slug": {"eq": author}}},
            {"tags": {"none": {"slug": {"eq": tag}}}, "publishedAt": {"gte": DATES[0]}},
        ],
        "PageWhere": [
            {"parent": {"path": {"eq": "/about"}}},
            {"status": {"eq": "DRAFT"}, "path": {"startsWith": "/c"}},
            {"locale": {"in": ["fr", "fr-CA"]}},
        ],
        "AuthorWhere": [{"slug": {"eq": author}}, {"NOT": {"website": {"isNull": True}}}],
        "TagWhere": [{"slug": {"in": samples.keys["tag.slug"]}}, {"name": {"startsWith": "P"}}],
        "AssetWhere": [{"mimeType": {"startsWith": "image/"}}, {"width": {"gt": 100}}],
    }
    return [*inputs.get(type_name, []), text]


def _strings(name: str, entity: str | None, samples: Samples, cursor: str | None) -> list[Any]:
    lowered = name.lower()
    if lowered in {"after", "before"}:
        return [*([cursor] if cursor else []), BAD_CURSOR]
    if lowered == "locale":
        return list(LOCALES)
    if "path" in lowered:
        return [samples.keys["page.path"][0], "/no/such/page", *samples.keys["page.path"][1:]]
    if "slug" in lowered or lowered.startswith("tag"):
        slugs = samples.keys.get(f"{(entity or 'post').lower()}.slug", samples.keys["post.slug"])
        return [slugs[0], "no-such-slug", *slugs[1:]]
    return list(SEARCH_WORDS)


def candidates(
    name: str, type_node: TypeNode, entity: str | None, samples: Samples, cursor: str | None
) -> list[Any]:
    """The values one variable takes, in the order they are tried: a usual one, a wrong
    one, then others."""
    if isinstance(type_node, NonNullTypeNode):
        type_node = type_node.type
    if isinstance(type_node, ListTypeNode):
        items = candidates(name, type_node.type, entity, samples, cursor)
        return [items[:1], items[1:2], items[:3], []]
    named = type_node.name.value  # type: ignore[attr-defined]
    return _scalars(graphql_schema(), named, name, entity, samples, cursor)


def _scalars(
    schema: GraphQLSchema,
    type_name: str,
    name: str,
    entity: str | None,
    samples: Samples,
    cursor: str | None,
) -> list[Any]:
    kind = schema.get_type(type_name)
    if isinstance(kind, GraphQLEnumType):
        return list(kind.values)
    fixed: dict[str, list[Any]] = {
        "Int": list(PAGE_SIZES),
        "Boolean": [True, False],
        "DateTime": list(DATES),
        "ID": _ids(entity, samples),
        "String": _strings(name, entity, samples, cursor),
    }
    return fixed.get(type_name) or _where(type_name, samples)


def variable_sets(
    operation: Operation, samples: Samples, cursor: str | None = None
) -> list[dict[str, Any]]:
    """The given variables (each required one missing filled in), then each variable
    changed in turn, at most LIMIT sets."""
    entities = _entities(operation)
    tried = {
        (name := definition.variable.name.value): candidates(
            name, definition.type, entities.get(name), samples, cursor
        )
        for definition in _definitions(operation)
    }
    base = dict(operation.given)
    for definition in _definitions(operation):
        name = definition.variable.name.value
        if name not in base and isinstance(definition.type, NonNullTypeNode) and tried[name]:
            base[name] = tried[name][0]
    sets = [base]
    # Each variable's first value, then each one's second...: every variable is changed
    # before any is changed twice.
    for values in itertools.zip_longest(*(_named(name, values) for name, values in tried.items())):
        for name_value in values:
            if name_value and (changed := base | dict([name_value])) not in sets:
                sets.append(changed)
    return sets[:LIMIT]


def _named(name: str, values: list[Any]) -> list[tuple[str, Any]]:
    return [(name, value) for value in values]


def _definitions(operation: Operation) -> list[VariableDefinitionNode]:
    """The variables the operation declares (none for a document the schema refuses)."""
    if not operation.valid:
        return []
    for definition in parse(operation.document).definitions:
        if isinstance(definition, OperationDefinitionNode) and (
            (definition.name.value if definition.name else None) == operation.name
        ):
            return list(definition.variable_definitions or ())
    return []


def takes_cursor(operation: Operation) -> bool:
    """Whether the operation has an `after` or `before` variable."""
    return any(
        definition.variable.name.value in {"after", "before"}
        for definition in _definitions(operation)
    )
