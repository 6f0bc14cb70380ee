"""The `masthead` command line."""
