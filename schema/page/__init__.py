"""The Page type: its GraphQL object, inputs and root queries."""
