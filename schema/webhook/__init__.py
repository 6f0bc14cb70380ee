"""Webhooks: their GraphQL types, inputs, admin queries and mutations."""
