"""The Tag type: its GraphQL object, inputs and root queries."""
