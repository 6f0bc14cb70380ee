"""Alembic migrations and the helpers that apply and inspect them."""
