"""Database connections: SQLite by default, PostgreSQL through a URL, by the same code path.

The URL comes from ``--db``, else ``CRAMPCHECK_DATABASE_URL``, else a SQLite file in the user's
data directory. SQLite runs in WAL mode with foreign keys on, a busy timeout, full
synchronisation (an acknowledged record survives a crash) and ``BEGIN IMMEDIATE`` for every
transaction, so two processes writing at once wait for each other instead of failing with
"database is locked".
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event

from crampcheck.errors import InputError

BUSY_TIMEOUT_MS = 30_000


def default_url() -> str:
    """The SQLite diary file in the user's data directory."""
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("crampcheck", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'diary.sqlite3'}"


def resolve_url(url: str | None = None) -> str:
    """``url`` if given, else ``CRAMPCHECK_DATABASE_URL``, else the default SQLite file.

    A plain file path is taken as a SQLite file; ``postgresql://`` uses psycopg 3.
    """
    url = url or os.environ.get("CRAMPCHECK_DATABASE_URL") or default_url()
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if not url.startswith(("sqlite://", "postgresql+psycopg://")):
        raise InputError(
            [f"--db: unsupported database URL {url!r}; use a SQLite file or postgresql://"]
        )
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (see _sqlite_begin)
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    _wal(cur)
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _wal(cur: Any) -> None:
    """Switch a new file to WAL. The switch needs an exclusive lock, and SQLite fails at once
    (it does not wait out the busy timeout) when another process opens the same new file."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal":
                return
            cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(random.uniform(0.01, 0.05))


def _sqlite_begin(conn: Any) -> None:
    # Take the write lock at the start: a read transaction that later writes cannot be
    # upgraded while another process writes, and SQLite would fail at once instead of waiting.
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_begin_read(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def connect(url: str | None = None, writing: bool = True) -> Engine:
    """An engine for the diary database, configured for safe concurrent use.

    On SQLite a ``writing`` engine starts every transaction with ``BEGIN IMMEDIATE``; a reading
    one with a plain ``BEGIN``, which in WAL mode reads one consistent moment without blocking
    writers.
    """
    resolved = resolve_url(url)
    if resolved.startswith("sqlite"):
        path = resolved.removeprefix("sqlite:///")
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            resolved, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin if writing else _sqlite_begin_read)
        return engine
    return create_engine(resolved, pool_pre_ping=True)
