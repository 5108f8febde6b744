"""Alembic revisions, oldest first (see `storage.migrations`)."""
