"""Plans kept per operation: the completers of a document's operation, compiled once.

The planner's completers (`completers.py`) depend on the schema, the operation's syntax
tree and which fields `@skip` and `@include` leave in, and on nothing else of a request:
arguments are converted per request, and values are read per object. So they are kept
per operation node (the document cache hands the same syntax tree to every request of
the same text) and per value of the variables the document's directives read, and a
request of a known operation reuses them instead of collecting and compiling its fields
again. An operation with `@defer` or `@stream` is compiled for itself alone.

Completers are keyed by their type and the identity of their field nodes. The plans hold
the operation and its fragments, so no node they are keyed by can be freed and its
identity reused while they are kept.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from typing import Any

from graphql import (
    DirectiveNode,
    GraphQLSchema,
    Node,
    OperationDefinitionNode,
    VariableNode,
)

# Operations whose plans are kept; past it, the record starts over.
MOST_OPERATIONS = 512
# Plans kept per operation, one per set of values its directives' variables take.
MOST_VARIANTS = 16
# Directives whose effect depends on more than which fields are collected.
INCREMENTAL = frozenset({"defer", "stream"})

Memo = dict[Hashable, Any]


class _OperationPlans:
    """One operation's plans, by the values of its directives' variables."""

    __slots__ = ("fragments", "operation", "schema", "variables", "variants")

    def __init__(
        self, schema: GraphQLSchema, operation: OperationDefinitionNode, fragments: list[Node]
    ) -> None:
        self.schema = schema
        self.operation = operation
        self.fragments = fragments  # held: their nodes key completers too
        # The variables the directives read, in order; None: not kept (incremental).
        self.variables = _directive_variables([operation, *fragments])
        self.variants: dict[Hashable, Memo] = {}


_PLANS: dict[int, _OperationPlans] = {}


def operation_memo(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    fragments: Iterable[Node],
    variable_values: dict[str, Any],
    planning: bool,
) -> Memo:
    """The completers kept for this operation with these variables (a new memo if none)."""
    plans = _PLANS.get(id(operation))
    if plans is None or plans.operation is not operation or plans.schema is not schema:
        if len(_PLANS) >= MOST_OPERATIONS:
            _PLANS.clear()
        plans = _PLANS[id(operation)] = _OperationPlans(schema, operation, list(fragments))
    if plans.variables is None:
        return {}
    variant = (planning, *(variable_values.get(name) for name in plans.variables))
    try:
        memo = plans.variants.get(variant)
    except TypeError:  # a value that cannot be a key (a list given for a Boolean)
        return {}
    if memo is None:
        if len(plans.variants) >= MOST_VARIANTS:
            plans.variants.clear()
        memo = plans.variants[variant] = {}
    return memo


def _directive_variables(nodes: list[Node]) -> tuple[str, ...] | None:
    """The names of the variables any directive reads, or None if one is incremental."""
    names: dict[str, None] = {}
    for directive in _under(nodes):
        if not isinstance(directive, DirectiveNode):
            continue
        if directive.name.value in INCREMENTAL:
            return None
        variables = (n for n in _under(directive.arguments or ()) if isinstance(n, VariableNode))
        names.update(dict.fromkeys(variable.name.value for variable in variables))
    return tuple(names)


def _under(nodes: Iterable[Node]) -> Iterable[Node]:
    """Every node of the trees rooted at `nodes`, the roots included."""
    pending = list(nodes)
    while pending:
        node = pending.pop()
        yield node
        for key in node.keys:
            value = getattr(node, key, None)
            if isinstance(value, Node):
                pending.append(value)
            elif isinstance(value, (list, tuple)):
                pending.extend(item for item in value if isinstance(item, Node))
