"""The Post type: its GraphQL object, inputs and root queries."""
