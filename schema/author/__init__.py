"""The Author type: its GraphQL object, inputs and root queries."""
