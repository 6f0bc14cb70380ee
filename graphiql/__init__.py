"""GraphiQL served by Masthead itself: the page, its local assets and the example queries."""
