"""Events: what reads the outbox of content changes (webhooks, subscriptions, fan-out)."""
