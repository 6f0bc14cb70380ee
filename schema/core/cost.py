"""Static cost of an operation, read off the schema's `@cost` and `@listSize` directives.

The GraphQL cost-directive convention: an object, interface or union costs 1 where it
appears, a scalar or an enum 0, unless `@cost(weight:)` on the field or its type says
otherwise; a root mutation field costs 10. A list field multiplies the cost of one item
by its size: the largest slicing argument given (an integer, or the length of a list),
else the largest default of one, else `assumedSize` (1 for a list with no `@listSize`).
A connection's `sizedFields` (`edges`, `nodes`) take the connection's size. An abstract
field costs its most expensive possible type; introspection fields cost nothing.

The walk over the document depends on the document only: it is done once into a `CostPlan`
that each request evaluates with its variables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLArgument,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    Undefined,
    ValueNode,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_composite_type,
    value_from_ast_untyped,
)

MUTATION_WEIGHT = 10.0
COMPOSITE_WEIGHT = 1.0
LEAF_WEIGHT = 0.0

Variables = Mapping[str, Any]


class Cost(Protocol):
    """A part of an operation's cost, evaluated with the request's variables."""

    def of(self, variables: Variables) -> float:
        """The cost with these variables."""


@dataclass(frozen=True)
class Fixed:
    """A cost that no variable changes."""

    value: float

    def of(self, _variables: Variables) -> float:
        """The value itself."""
        return self.value


@dataclass(frozen=True)
class Total:
    """The sum of parts."""

    parts: tuple[Cost, ...]

    def of(self, variables: Variables) -> float:
        """Each part's cost, added."""
        return sum(part.of(variables) for part in self.parts)


@dataclass(frozen=True)
class Largest:
    """The most expensive of several possibilities (the types an abstract field may be)."""

    options: tuple[Cost, ...]

    def of(self, variables: Variables) -> float:
        """The largest option's cost."""
        return max((option.of(variables) for option in self.options), default=0.0)


@dataclass(frozen=True)
class Size:
    """A list's size: the largest slicing value given, else the fallback."""

    literals: tuple[int, ...]
    variables: tuple[tuple[str, int | None], ...]  # name, and its default in the operation
    fallback: int

    def of(self, variables: Variables) -> int:
        """The size with the request's variables (an unknown or null value counts as absent)."""
        given = list(self.literals)
        for name, default in self.variables:
            size = _size_of(variables.get(name, default))
            if size is not None:
                given.append(size)
        return max(given) if given else self.fallback


@dataclass(frozen=True)
class Times:
    """`size` items, each costing `each`."""

    size: Size
    each: Cost

    def of(self, variables: Variables) -> float:
        """The item's cost times the size."""
        return self.size.of(variables) * self.each.of(variables)


def _size_of(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return max(value, 0)
    if isinstance(value, list | tuple):
        return len(value)
    return None


def _total(parts: Iterable[Cost]) -> Cost:
    """A sum with its fixed parts folded into one number."""
    fixed = 0.0
    varying: list[Cost] = []
    for part in parts:
        if isinstance(part, Fixed):
            fixed += part.value
        else:
            varying.append(part)
    if not varying:
        return Fixed(fixed)
    return Total((Fixed(fixed), *varying) if fixed else tuple(varying))


def _times(size: Size, each: Cost) -> Cost:
    if not size.variables and isinstance(each, Fixed):
        return Fixed(size.of({}) * each.value)
    return Times(size, each)


@dataclass(frozen=True)
class ListRule:
    """A field's `@listSize`."""

    assumed_size: int | None
    slicing_arguments: tuple[str, ...]
    sized_fields: tuple[str, ...]


@dataclass(frozen=True)
class CostPlan:
    """An operation's cost as a function of its variables."""

    cost: Cost

    def evaluate(self, variables: Variables | None = None) -> int:
        """The cost of running the operation with these variables, rounded up."""
        return math.ceil(self.cost.of(variables or {}))


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Variables | None,
) -> int:
    """The cost of one operation of a (validated) document with its variables."""
    return cost_plan(schema, document, operation_name).evaluate(variables)


def cost_plan(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> CostPlan:
    """The variable-free part of the analysis: done once per document and operation."""
    operation = _operation(document, operation_name)
    if operation is None:
        return CostPlan(Fixed(0.0))
    walk = _Walk(schema, document, operation)
    root = schema.get_root_type(operation.operation)
    if root is None:
        return CostPlan(Fixed(0.0))
    weight = MUTATION_WEIGHT if operation.operation is OperationType.MUTATION else None
    return CostPlan(walk.selections(root, [operation.selection_set], root_weight=weight))


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name and o.name.value == name), None)


class _Walk:
    """One pass over an operation's selections, fragments inlined, fields merged."""

    def __init__(
        self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode
    ) -> None:
        self.schema = schema
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.defaults: dict[str, Any] = {
            d.variable.name.value: value_from_ast_untyped(d.default_value)
            for d in operation.variable_definitions or ()
            if d.default_value is not None
        }

    def selections(
        self,
        parent: GraphQLNamedType,
        sets: list[SelectionSetNode],
        *,
        sized: tuple[tuple[str, ...], Size] | None = None,
        root_weight: float | None = None,
    ) -> Cost:
        """The cost of selections on `parent`: for an abstract one, its costliest type."""
        if not isinstance(parent, GraphQLObjectType):
            options = self.schema.get_possible_types(parent)  # type: ignore[arg-type]
            return Largest(tuple(self.selections(t, sets, sized=sized) for t in options))
        fields = self._collect(parent, sets)
        parts = []
        for nodes in fields.values():
            definition = parent.fields.get(nodes[0].name.value)
            if definition is None:  # introspection (`__typename`, `__schema`): free
                continue
            size = sized[1] if sized and nodes[0].name.value in sized[0] else None
            parts.append(self._field(parent, definition, nodes, size, root_weight))
        return _total(parts)

    def _field(
        self,
        parent: GraphQLObjectType,
        definition: GraphQLField,
        nodes: list[FieldNode],
        size: Size | None,
        root_weight: float | None,
    ) -> Cost:
        """One field: its weight and its children's, times its size when it is a list."""
        named = get_named_type(definition.type)
        weight = _field_weight(definition)
        if weight is None:
            weight = root_weight if root_weight is not None else self._type_weight(named)
        rule = list_rule(definition)
        inner = None
        if rule is not None and rule.sized_fields:  # a connection: its lists take the size
            inner = (rule.sized_fields, self._size(rule, definition, nodes[0]))
        elif size is None and _is_list(definition):
            size = self._size(rule, definition, nodes[0]) if rule else Size((), (), 1)
        sets = [node.selection_set for node in nodes if node.selection_set]
        composite = sets and is_composite_type(named)
        children = self.selections(named, sets, sized=inner) if composite else Fixed(0.0)
        each = _total([Fixed(weight), children])
        return each if size is None else _times(size, each)

    def _type_weight(self, named: GraphQLNamedType) -> float:
        """`@cost` on the type, else 1 if composite (an abstract one: its heaviest type), else 0."""
        declared = _directive_weight(_directives(named))
        if declared is not None:
            return declared
        if is_abstract_type(named):
            options = self.schema.get_possible_types(named)  # type: ignore[arg-type]
            return max((self._type_weight(option) for option in options), default=1.0)
        return COMPOSITE_WEIGHT if is_composite_type(named) else LEAF_WEIGHT

    def _size(self, rule: ListRule, definition: GraphQLField, node: FieldNode) -> Size:
        given = {argument.name.value: argument.value for argument in node.arguments or ()}
        literals: list[int] = []
        variables: list[tuple[str, int | None]] = []
        for name in rule.slicing_arguments:
            if name in given:
                _add_source(given[name], self.defaults, literals, variables)
        if not literals and not variables:
            defaults = [_size_of(_default(definition.args[n])) for n in rule.slicing_arguments
                        if n in definition.args]  # fmt: skip
            literals = [size for size in defaults if size is not None]
        return Size(tuple(literals), tuple(variables), rule.assumed_size or 1)

    def _collect(
        self, parent: GraphQLObjectType, sets: list[SelectionSetNode]
    ) -> dict[str, list[FieldNode]]:
        """Fields by response key, as execution merges them (fragments that apply inlined)."""
        fields: dict[str, list[FieldNode]] = {}
        pending = list(sets)
        seen: set[str] = set()
        while pending:
            for selection in pending.pop(0).selections:
                if isinstance(selection, FieldNode):
                    key = selection.alias.value if selection.alias else selection.name.value
                    fields.setdefault(key, []).append(selection)
                elif isinstance(selection, InlineFragmentNode):
                    if self._applies(selection.type_condition, parent):
                        pending.append(selection.selection_set)
                elif isinstance(selection, FragmentSpreadNode):
                    fragment = self.fragments.get(selection.name.value)
                    if fragment and fragment.name.value not in seen:
                        seen.add(fragment.name.value)
                        if self._applies(fragment.type_condition, parent):
                            pending.append(fragment.selection_set)
        return fields

    def _applies(self, condition: Any, parent: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        named = self.schema.get_type(condition.name.value)
        if named is None:
            return False
        if is_abstract_type(named):
            return self.schema.is_sub_type(named, parent)  # type: ignore[arg-type]
        return named is parent


def _add_source(
    value: ValueNode,
    defaults: Mapping[str, Any],
    literals: list[int],
    variables: list[tuple[str, int | None]],
) -> None:
    if isinstance(value, VariableNode):
        variables.append((value.name.value, _size_of(defaults.get(value.name.value))))
    elif isinstance(value, IntValueNode | ListValueNode):
        size = _size_of(value_from_ast_untyped(value))
        if size is not None:
            literals.append(size)


def _default(argument: GraphQLArgument) -> Any:
    """An argument's default: a value (Strawberry), or a literal (a schema built from SDL)."""
    if argument.default_value is not Undefined:
        return argument.default_value
    default = getattr(argument, "default", None)  # graphql-core 3.3
    literal = getattr(default, "literal", None)
    return None if literal is None else value_from_ast_untyped(literal)


def _is_list(definition: GraphQLField) -> bool:
    return isinstance(get_nullable_type(definition.type), GraphQLList)  # type: ignore[arg-type]


def _field_weight(definition: GraphQLField) -> float | None:
    return _directive_weight(_directives(definition))


def _directive_weight(directives: Mapping[str, Mapping[str, Any]]) -> float | None:
    cost = directives.get("cost")
    return None if cost is None else float(cost["weight"])


def list_rule(definition: GraphQLField) -> ListRule | None:
    """A field's `@listSize`, if it has one."""
    arguments = _directives(definition).get("listSize")
    if arguments is None:
        return None
    return ListRule(
        assumed_size=arguments.get("assumedSize"),
        slicing_arguments=tuple(arguments.get("slicingArguments") or ()),
        sized_fields=tuple(arguments.get("sizedFields") or ()),
    )


def _directives(element: GraphQLField | GraphQLNamedType) -> dict[str, dict[str, Any]]:
    """The cost directives on a field or type: Strawberry's own, or those of an SDL schema."""
    found: dict[str, dict[str, Any]] = {}
    definition = (element.extensions or {}).get("strawberry-definition")
    for directive in getattr(definition, "directives", None) or ():
        name = getattr(type(directive), "__strawberry_directive__", None)
        if name is not None and name.graphql_name in {"cost", "listSize"}:
            found[name.graphql_name] = _directive_arguments(directive)
    node = element.ast_node
    for applied in getattr(node, "directives", None) or ():
        found[applied.name.value] = {
            argument.name.value: value_from_ast_untyped(argument.value)
            for argument in applied.arguments
        }
    return found


def _directive_arguments(directive: Any) -> dict[str, Any]:
    names = {
        "weight": "weight",
        "assumedSize": "assumed_size",
        "slicingArguments": "slicing_arguments",
        "sizedFields": "sized_fields",
    }
    return {
        graphql: value
        for graphql, python in names.items()
        if isinstance(value := getattr(directive, python, None), str | int | list)
    }
