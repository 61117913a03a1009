"""Alembic environment: migrate the connection `Casework.open` hands in (never a URL from an
ini file, so the package's settings stay in one place)."""

from __future__ import annotations

from alembic import context

from tessera.casework.models import Base

context.configure(connection=context.config.attributes["connection"],
                  target_metadata=Base.metadata)
with context.begin_transaction():
    context.run_migrations()
