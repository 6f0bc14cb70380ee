"""The demo site's page tree, with French translations of some pages and one draft."""

from __future__ import annotations

# path, English title, French title (None: not translated), status
PAGE_TREE: tuple[tuple[str, str, str | None, str], ...] = (
    ("/about", "About us", "À propos", "PUBLISHED"),
    ("/about/team", "Our team", "Notre équipe", "PUBLISHED"),
    ("/about/team/engineering", "Engineering", "Ingénierie", "PUBLISHED"),
    ("/about/team/editorial", "Editorial", None, "PUBLISHED"),
    ("/about/history", "Our history", None, "PUBLISHED"),
    ("/contact", "Contact", "Contact", "PUBLISHED"),
    ("/docs", "Documentation", "Documentation", "PUBLISHED"),
    ("/docs/getting-started", "Getting started", "Premiers pas", "PUBLISHED"),
    ("/docs/getting-started/installation", "Installation", None, "PUBLISHED"),
    ("/docs/getting-started/first-query", "Your first query", None, "PUBLISHED"),
    ("/docs/api", "API reference", None, "PUBLISHED"),
    ("/docs/api/queries", "Queries", None, "PUBLISHED"),
    ("/docs/api/mutations", "Mutations", None, "PUBLISHED"),
    ("/privacy", "Privacy policy", "Politique de confidentialité", "PUBLISHED"),
    ("/terms", "Terms of use", None, "PUBLISHED"),
    ("/careers", "Careers", None, "DRAFT"),
)
