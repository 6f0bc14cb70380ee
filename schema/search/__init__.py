"""Search: the `search` root query, its hits, snippets and connection."""
