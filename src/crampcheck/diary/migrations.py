"""Named, ordered schema migrations, recorded in ``schema_migrations``.

Each migration runs once, in order, inside the transaction that records it, so a database is
never left half-migrated. A new schema change is a new entry at the end of ``MIGRATIONS``;
``0001_initial`` creates the tables of the first release and must not change afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, insert, inspect, select, text

from crampcheck.diary import tables

DEFAULT_OWNER = "default"


def _initial(conn: Connection) -> None:
    first_release = [
        tables.owners,
        tables.episodes,
        tables.day_context,
        tables.medicines,
        tables.assessments,
    ]
    tables.metadata.create_all(conn, tables=first_release)


def _default_owner(conn: Connection) -> None:
    conn.execute(
        insert(tables.owners).values(
            id=DEFAULT_OWNER,
            name="this computer",
            created_at=datetime.now(UTC).replace(tzinfo=None),
        )
    )


MIGRATIONS: list[tuple[str, Callable[[Connection], None]]] = [
    ("0001_initial", _initial),
    ("0002_default_owner", _default_owner),
]


def applied(engine: Engine) -> list[str]:
    """Names of the migrations already applied, in order."""
    if not inspect(engine).has_table(tables.migrations_table.name):
        return []
    with engine.connect() as conn:
        rows = conn.execute(select(tables.migrations_table.c.name)).scalars()
        done = set(rows)
    return [name for name, _ in MIGRATIONS if name in done]


MIGRATION_LOCK = 7_316_208_451  # PostgreSQL advisory lock key: one migrating process at a time


def migrate(engine: Engine) -> list[str]:
    """Apply the pending migrations in one transaction; return the names applied now.

    Several processes may open a new diary at once: on PostgreSQL an advisory lock, on SQLite
    the write lock taken by BEGIN IMMEDIATE, lets one migrate while the others wait and then
    find nothing left to do.
    """
    if len(applied(engine)) == len(MIGRATIONS):
        return []
    now: list[str] = []
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        tables.metadata.create_all(conn, tables=[tables.migrations_table])
        done = set(conn.execute(select(tables.migrations_table.c.name)).scalars())
        for name, step in MIGRATIONS:
            if name in done:
                continue
            step(conn)
            conn.execute(
                insert(tables.migrations_table).values(
                    name=name, applied_at=datetime.now(UTC).replace(tzinfo=None)
                )
            )
            now.append(name)
    return now
