"""The throwaway PostgreSQL server of tests/pgserver.py, driven through SQLAlchemy."""

from __future__ import annotations

import datetime as dt
import socket
from typing import Any

import pytest

from tests import pgserver
from tests.pgserver import (
    APT_COMMAND,
    PIP_COMMAND,
    TEST_DATABASE,
    PostgresServer,
    ensure_postgres_binaries,
    unavailable_message,
)

# The session fixture, so this file runs on its own; harmless once conftest imports it too
# (pgserver keeps one server per test process however many places offer the fixture).
pg_server = pgserver.pg_server


def engine(url: str) -> Any:
    """A SQLAlchemy engine (imported here: the fixture has checked the drivers by now)."""
    from sqlalchemy import create_engine

    return create_engine(url, pool_pre_ping=True)


def accepts_connections(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_message_says_exactly_what_to_install() -> None:
    message = unavailable_message("no binaries")
    assert "sudo apt-get install postgresql" in message
    assert "pip install 'psycopg[binary]'" in message
    assert APT_COMMAND in message
    assert PIP_COMMAND in message


def test_server_answers_on_loopback(pg_server: PostgresServer) -> None:
    assert pg_server.url == (
        f"postgresql+psycopg://postgres@127.0.0.1:{pg_server.port}/{TEST_DATABASE}"
    )
    from sqlalchemy import text

    eng = engine(pg_server.url)
    try:
        with eng.connect() as conn:
            version = conn.execute(text("select version()")).scalar_one()
            database = conn.execute(text("select current_database()")).scalar_one()
            address = conn.execute(text("select host(inet_server_addr())")).scalar_one()
    finally:
        eng.dispose()
    assert version.startswith("PostgreSQL ")
    assert database == TEST_DATABASE
    assert address == "127.0.0.1"


def test_timestamptz_round_trip(pg_server: PostgresServer) -> None:
    from sqlalchemy import text

    when = dt.datetime(2024, 3, 1, 23, 45, 6, 789000, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    eng = engine(pg_server.url)
    try:
        with eng.begin() as conn:
            conn.execute(text("drop table if exists cramp_event"))
            conn.execute(
                text(
                    "create table cramp_event ("
                    " id serial primary key, muscle text not null, at timestamptz not null)"
                )
            )
            conn.execute(
                text("insert into cramp_event (muscle, at) values (:muscle, :at)"),
                {"muscle": "calf", "at": when},
            )
        with eng.connect() as conn:
            rows = conn.execute(text("select muscle, at from cramp_event")).all()
    finally:
        eng.dispose()
    assert len(rows) == 1
    muscle, at = rows[0]
    assert muscle == "calf"
    assert at.tzinfo is not None
    assert at == when  # the same instant, whatever zone it comes back in


def test_fresh_databases_are_independent(pg_server: PostgresServer) -> None:
    from sqlalchemy import inspect, text

    url_a = pg_server.fresh_database("crampcheck_fresh_a")
    url_b = pg_server.fresh_database("crampcheck_fresh_b")
    assert url_a.endswith("/crampcheck_fresh_a")
    assert url_b.endswith("/crampcheck_fresh_b")
    eng_a, eng_b = engine(url_a), engine(url_b)
    try:
        with eng_a.begin() as conn:
            conn.execute(text("create table note (body text)"))
            conn.execute(text("insert into note values ('only in a')"))
        assert not inspect(eng_b).has_table("note")
        with eng_b.begin() as conn:
            conn.execute(text("create table note (body text)"))
            conn.execute(text("insert into note values ('only in b')"))
        with eng_a.connect() as conn:
            assert conn.execute(text("select body from note")).scalars().all() == ["only in a"]
        with eng_b.connect() as conn:
            assert conn.execute(text("select body from note")).scalars().all() == ["only in b"]
    finally:
        eng_a.dispose()
        eng_b.dispose()

    # Asking again for the same name drops it first, even with a connection still open.
    eng_a = engine(url_a)
    try:
        with eng_a.connect():
            assert pg_server.fresh_database("crampcheck_fresh_a") == url_a
        eng_a.dispose()
        assert not inspect(eng_a).has_table("note")
    finally:
        eng_a.dispose()


def test_fresh_database_rejects_odd_names(pg_server: PostgresServer) -> None:
    with pytest.raises(ValueError, match="database name"):
        pg_server.fresh_database('x"; drop database postgres; --')


def test_a_second_server_stops_and_cleans_up(pg_server: PostgresServer) -> None:
    """A server of its own: after the with block nothing listens and the directory is gone."""
    assert ensure_postgres_binaries().name == "bin"
    with PostgresServer(announce=lambda line: None) as other:
        assert other.port != pg_server.port
        assert accepts_connections(other.port)
        tmpdir = other.tmpdir
        assert tmpdir is not None
        assert (tmpdir / "data" / "PG_VERSION").is_file()
    assert other.tmpdir is None
    assert not tmpdir.exists()
    assert not accepts_connections(other.port)
    assert accepts_connections(pg_server.port)
