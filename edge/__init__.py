"""The HTTP edge: the GraphQL view, health checks and metrics."""
