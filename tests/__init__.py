"""Masthead's test suite."""
