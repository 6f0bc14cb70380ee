"""Deterministic, realistic demo content, loaded through the importer."""
