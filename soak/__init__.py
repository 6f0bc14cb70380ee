"""The soak and fault suite: a mixed load whose client-side journal is checked against the store."""
