"""The GraphQL schema: Strawberry types, inputs and root operations, one folder per type."""
