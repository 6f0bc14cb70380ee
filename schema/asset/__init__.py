"""The Asset type: its GraphQL object, inputs and root queries."""
