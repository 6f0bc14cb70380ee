"""API tokens in the management API: type, admin query and mutations."""
