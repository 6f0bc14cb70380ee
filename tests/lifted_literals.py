"""A document's literal arguments turned into variables (`post(slug: "x")` becomes
`post(slug: $slug)` with `{"slug": "x"}`), so that a document written with literals is
also tried with other values than the ones its test gave."""

from __future__ import annotations

from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    EnumValueNode,
    GraphQLSchema,
    IntValueNode,
    NameNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    parse,
    parse_type,
    print_ast,
    visit,
)

LIFTED = frozenset({"id", "slug", "path", "first", "last", "locale", "format", "query"})
LITERALS = (StringValueNode, IntValueNode, EnumValueNode)


class _Lifting(Visitor):
    """Replaces each lifted literal argument by a new variable, remembering its value."""

    def __init__(self, type_info: TypeInfo, taken: set[str]) -> None:
        super().__init__()
        self.type_info = type_info
        self.taken = taken
        self.definitions: list[VariableDefinitionNode] = []
        self.values: dict[str, Any] = {}

    def enter_argument(self, node: ArgumentNode, *_: Any) -> ArgumentNode | None:
        argument = self.type_info.get_argument()
        if node.name.value not in LIFTED or not isinstance(node.value, LITERALS) or not argument:
            return None
        name = self._new_name(node.name.value)
        literal = node.value.value
        self.values[name] = int(literal) if isinstance(node.value, IntValueNode) else literal
        variable = VariableNode(name=NameNode(value=name))
        type_node = parse_type(str(argument.type))
        self.definitions.append(VariableDefinitionNode(variable=variable, type=type_node))
        return ArgumentNode(name=node.name, value=variable)

    def _new_name(self, wanted: str) -> str:
        name, number = wanted, 1
        while name in self.taken:
            number += 1
            name = f"{wanted}{number}"
        self.taken.add(name)
        return name


def lifted(document: str, schema: GraphQLSchema) -> tuple[str, dict[str, Any]] | None:
    """The document with its literal arguments as variables, and their values; None when
    it has none, or more than one operation (a fragment could not tell whose they are)."""
    parsed = parse(document)
    operations = [node for node in parsed.definitions if isinstance(node, OperationDefinitionNode)]
    if len(operations) != 1:
        return None
    taken = {node.variable.name.value for node in operations[0].variable_definitions or ()}
    type_info = TypeInfo(schema)
    lifting = _Lifting(type_info, taken)
    changed: DocumentNode = visit(parsed, TypeInfoVisitor(type_info, lifting))
    if not lifting.values:
        return None
    return print_ast(_with_definitions(changed, lifting.definitions)), lifting.values


def _with_definitions(
    document: DocumentNode, definitions: list[VariableDefinitionNode]
) -> DocumentNode:
    """The document with these variables added to its one operation."""
    nodes = []
    for node in document.definitions:
        if isinstance(node, OperationDefinitionNode):
            node = OperationDefinitionNode(  # noqa: PLW2901
                operation=node.operation,
                name=node.name,
                variable_definitions=(*(node.variable_definitions or ()), *definitions),
                directives=node.directives,
                selection_set=node.selection_set,
            )
        nodes.append(node)
    return DocumentNode(definitions=tuple(nodes))
