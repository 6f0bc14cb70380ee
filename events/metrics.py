"""Prometheus metrics of webhook delivery: outcomes of attempts and what waits to be sent."""

from __future__ import annotations

from prometheus_client import Counter, Gauge

DELIVERIES = Counter(
    "masthead_webhook_deliveries",
    "Webhook delivery attempts by outcome (succeeded, retrying, failed, lost: a claim "
    "another process took over after its lease ran out)",
    ["outcome"],
)
DISPATCHED = Counter("masthead_events_dispatched", "Outbox events handed to their webhooks")
GO_LIVE = Counter("masthead_go_live_events", "Scheduled entries announced as they went live")
BACKLOG = Gauge(
    "masthead_webhook_backlog",
    "What waits: outbox events not yet dispatched (events), deliveries not yet finished "
    "(deliveries), as this process last counted",
    ["kind"],
)
