"""A throwaway PostgreSQL server for the tests.

``PostgresServer`` initdb's a fresh cluster in a temporary directory, starts it on a free
TCP port on 127.0.0.1, creates the database ``crampcheck_test`` and, on exit, stops the
server and removes the directory. The binaries come from Debian's ``postgresql`` package
(installed on demand when running as root, as CI does). As root the server runs as the
unix user ``postgres`` (PostgreSQL refuses to run as root).

The session fixture ``pg_server`` yields a started server. When PostgreSQL or the driver
cannot be had it skips the tests, saying exactly what to install, except in CI
(``CI=true``), where it fails instead.

A server is stopped by ``__exit__``, by an ``atexit`` handler, and by a small watchdog
process that notices when the test process dies without either (SIGKILL, a crash).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.debian import (
    Announce,
    apt_get,
    is_root,
    skip_or_fail,
    stderr_line,
    tail,
    uncaptured_announcer,
)

PG_ROOT = Path("/usr/lib/postgresql")
REQUIRED_BINARIES = ("initdb", "pg_ctl", "postgres")
TEST_DATABASE = "crampcheck_test"
HOST = "127.0.0.1"
SUPERUSER = "postgres"
RUN_AS = "postgres"  # the unix user the server runs as when we are root

APT_COMMAND = "sudo apt-get install postgresql"
PIP_COMMAND = "pip install 'psycopg[binary]'"

START_TIMEOUT = 30  # seconds, for pg_ctl -w start and for the first connection
STOP_TIMEOUT = 30
COMMAND_TIMEOUT = 60  # initdb and the like
APT_UPDATE_TIMEOUT = 600
APT_INSTALL_TIMEOUT = 900

_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class PostgresUnavailable(RuntimeError):  # noqa: N818 (the name is the interface)
    """PostgreSQL (the server binaries or the Python driver) is not installed here."""


def unavailable_message(reason: str) -> str:
    """The skip/fail message: why, and exactly what to install."""
    return (
        f"PostgreSQL tests cannot run: {reason}. "
        f"Install the server with `{APT_COMMAND}` "
        f"and the Python driver with `{PIP_COMMAND}`."
    )


def _clean_env() -> dict[str, str]:
    """The environment without PG* variables that could redirect our commands."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


# ---------------------------------------------------------------------------- binaries


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.name)) or (0,)


def find_postgres_binaries() -> Path | None:
    """The newest /usr/lib/postgresql/<version>/bin holding initdb, pg_ctl and postgres."""
    if not PG_ROOT.is_dir():
        return None
    candidates = [
        version / "bin"
        for version in PG_ROOT.iterdir()
        if all(os.access(version / "bin" / name, os.X_OK) for name in REQUIRED_BINARIES)
    ]
    if not candidates:
        return None
    return max(candidates, key=lambda bindir: _version_key(bindir.parent))


def _apt_get(args: list[str], timeout: int) -> None:
    apt_get(args, timeout, PostgresUnavailable)


def ensure_postgres_binaries(announce: Announce = stderr_line) -> Path:
    """The PostgreSQL bin directory, installing Debian's ``postgresql`` when root.

    Raises PostgresUnavailable (with the apt-get command to run) when the binaries are
    missing and cannot be installed here.
    """
    bindir = find_postgres_binaries()
    if bindir is not None:
        return bindir
    if not is_root():
        raise PostgresUnavailable(
            f"the PostgreSQL server binaries are not in {PG_ROOT}/<version>/bin"
        )
    if shutil.which("apt-get") is None:
        raise PostgresUnavailable("the PostgreSQL server binaries are missing and apt-get is not")
    announce(
        "crampcheck tests: installing the Debian package postgresql "
        "(apt-get update && apt-get install -y -q postgresql); this takes a minute or two"
    )
    started = time.monotonic()
    _apt_get(["update", "-q"], APT_UPDATE_TIMEOUT)
    _apt_get(["install", "-y", "-q", "postgresql"], APT_INSTALL_TIMEOUT)
    bindir = find_postgres_binaries()
    if bindir is None:
        raise PostgresUnavailable(
            f"apt-get installed postgresql but no {PG_ROOT}/<version>/bin has "
            + ", ".join(REQUIRED_BINARIES)
        )
    announce(f"crampcheck tests: postgresql installed in {time.monotonic() - started:.0f} s")
    return bindir


def ensure_python_driver() -> None:
    """Raise PostgresUnavailable unless psycopg 3 can be imported."""
    try:
        import psycopg  # noqa: F401
    except ImportError as exc:
        raise PostgresUnavailable(f"the Python driver psycopg 3 is not installed ({exc})") from exc


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


# ---------------------------------------------------------------------------- watchdog

# Runs in its own session, so Ctrl-C and process-group signals do not reach it. It waits
# for the test process to close the pipe: a goodbye message means the server was stopped
# already; plain EOF means the test process died, so it stops the server and cleans up.
_WATCHDOG = r"""
import json, shutil, signal, subprocess, sys
signal.signal(signal.SIGINT, signal.SIG_IGN)
stop_command, tmpdir = json.loads(sys.argv[1])
if not sys.stdin.buffer.read():
    try:
        subprocess.run(stop_command, timeout=30, cwd="/", stdin=subprocess.DEVNULL,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except Exception:
        pass
    shutil.rmtree(tmpdir, ignore_errors=True)
"""


# ---------------------------------------------------------------------------- the server


class PostgresServer:
    """A fresh PostgreSQL cluster on 127.0.0.1 for the duration of a ``with`` block."""

    url: str

    def __init__(self, announce: Announce = stderr_line) -> None:
        self.announce = announce
        self.port = 0
        self.url = ""
        self.bindir: Path | None = None
        self.tmpdir: Path | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._running = False

    # paths inside the temporary directory
    @property
    def datadir(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "data"

    @property
    def sockdir(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "sock"

    @property
    def logfile(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "postgres.log"

    # ------------------------------------------------------------------ public interface

    def __enter__(self) -> PostgresServer:
        ensure_python_driver()
        self.bindir = ensure_postgres_binaries(self.announce)
        atexit.register(self._stop)
        try:
            self._start()
        except BaseException:
            self._stop()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop()

    def url_for(self, name: str) -> str:
        """The SQLAlchemy URL of database ``name`` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@{HOST}:{self.port}/{name}"

    def conninfo(self, name: str = TEST_DATABASE) -> str:
        """A libpq connection string (for psycopg.connect) for database ``name``."""
        return f"host={HOST} port={self.port} user={SUPERUSER} dbname={name} connect_timeout=5"

    def fresh_database(self, name: str) -> str:
        """Create (drop first if exists) a database and return its SQLAlchemy URL."""
        if not _NAME.fullmatch(name):
            raise ValueError(f"database name must match {_NAME.pattern}: {name!r}")
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.conninfo("postgres"), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return self.url_for(name)

    # ------------------------------------------------------------------ start and stop

    def _command(self, *args: str | Path) -> list[str]:
        """A command run as the server's unix user (runuser when we are root)."""
        argv = [str(arg) for arg in args]
        return ["runuser", "-u", RUN_AS, "--", *argv] if is_root() else argv

    def _bin(self, name: str) -> Path:
        assert self.bindir is not None
        return self.bindir / name

    def _run(self, *args: str | Path, timeout: float = COMMAND_TIMEOUT) -> None:
        command = self._command(*args)
        try:
            result = subprocess.run(
                command,
                cwd=self.tmpdir,
                env=_clean_env(),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise RuntimeError(f"`{shlex.join(command)}` took over {timeout} s") from exc
        if result.returncode != 0:
            raise RuntimeError(
                f"`{shlex.join(command)}` failed (exit {result.returncode}):\n"
                + tail(result.stdout + result.stderr)
                + self._log_tail()
            )

    def _log_tail(self) -> str:
        try:
            text = self.logfile.read_text(errors="replace")
        except (OSError, AssertionError):
            return ""
        return "\nserver log:\n" + tail(text) if text.strip() else ""

    def _make_tmpdir(self) -> Path:
        if not is_root():
            return Path(tempfile.mkdtemp(prefix="crampcheck-pg-"))
        try:
            user = pwd.getpwnam(RUN_AS)
        except KeyError as exc:
            raise PostgresUnavailable(
                f"the unix user {RUN_AS!r} (made by the postgresql package) does not exist"
            ) from exc
        # The server user must reach the directory: fall back to /tmp when TMPDIR is private.
        for base in (None, "/tmp"):
            path = Path(tempfile.mkdtemp(prefix="crampcheck-pg-", dir=base))
            os.chown(path, user.pw_uid, user.pw_gid)
            check = self._command("test", "-w", path)
            if subprocess.run(check, timeout=COMMAND_TIMEOUT, check=False).returncode == 0:
                return path
            shutil.rmtree(path, ignore_errors=True)
        raise RuntimeError(f"no temporary directory that the user {RUN_AS!r} can write")

    def _start_watchdog(self) -> None:
        stop = self._command(
            self._bin("pg_ctl"), "-D", self.datadir, "-m", "immediate", "-w", "-t", "20", "stop"
        )
        self._watchdog = subprocess.Popen(
            [sys.executable, "-c", _WATCHDOG, json.dumps([stop, str(self.tmpdir)])],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )

    def _start(self) -> None:
        started = time.monotonic()
        self.tmpdir = self._make_tmpdir()
        self._start_watchdog()
        self._run("mkdir", "-m", "700", self.sockdir)
        self._run(
            self._bin("initdb"),
            "-D",
            self.datadir,
            "--auth=trust",
            "-U",
            SUPERUSER,
            "--encoding=UTF8",
            "--locale=C",
            "--no-sync",
        )
        for attempt in range(3):  # another process may grab the free port first
            self.port = free_port()
            options = (
                f"-c listen_addresses={HOST} -p {self.port} "
                f"-k {shlex.quote(str(self.sockdir))} -c fsync=off"
            )
            try:
                self._running = True
                self._run(
                    self._bin("pg_ctl"),
                    "-D",
                    self.datadir,
                    "-o",
                    options,
                    "-w",
                    "-t",
                    str(START_TIMEOUT),
                    "-l",
                    self.logfile,
                    "start",
                    timeout=START_TIMEOUT + 10,
                )
                break
            except RuntimeError:
                self._running = (self.datadir / "postmaster.pid").exists()
                if attempt == 2 or "already in use" not in self._log_tail():
                    raise
        self._wait_until_accepting()
        self.fresh_database(TEST_DATABASE)
        self.url = self.url_for(TEST_DATABASE)
        self.announce(
            f"crampcheck tests: PostgreSQL started on {HOST}:{self.port} "
            f"in {time.monotonic() - started:.1f} s"
        )

    def _wait_until_accepting(self) -> None:
        import psycopg

        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with psycopg.connect(self.conninfo("postgres")) as conn:
                    conn.execute("select 1")
                return
            except psycopg.OperationalError as exc:
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"PostgreSQL on {HOST}:{self.port} accepted no connection "
                        f"within {START_TIMEOUT} s: {exc}{self._log_tail()}"
                    ) from exc
                time.sleep(0.1)

    def _stop(self) -> None:
        """Stop the server and remove its directory; safe to call more than once."""
        atexit.unregister(self._stop)
        if self._running and self.tmpdir is not None:
            self._running = False
            self._shutdown()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
        if self._watchdog is not None:
            watchdog, self._watchdog = self._watchdog, None
            with contextlib.suppress(OSError):
                assert watchdog.stdin is not None
                watchdog.stdin.write(b"stopped")
                watchdog.stdin.close()
            try:
                watchdog.wait(timeout=5)
            except subprocess.TimeoutExpired:
                watchdog.kill()
                watchdog.wait(timeout=5)

    def _shutdown(self) -> None:
        pg_ctl = self._bin("pg_ctl")
        for mode in ("fast", "immediate"):
            with contextlib.suppress(RuntimeError):
                self._run(
                    pg_ctl,
                    "-D",
                    self.datadir,
                    "-m",
                    mode,
                    "-w",
                    "-t",
                    str(STOP_TIMEOUT),
                    "stop",
                    timeout=STOP_TIMEOUT + 10,
                )
                return
        # Last resort: kill the postmaster named in postmaster.pid.
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------------------- fixtures


def unavailable(reason: str) -> None:
    """Skip the test with what to install; in CI (``CI`` set) fail instead."""
    skip_or_fail(unavailable_message(reason))


# One server per test process, however many modules or conftests import the fixture.
_shared: PostgresServer | None = None
_users = 0


@pytest.fixture(scope="session")
def pg_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """A started PostgresServer shared by the whole test session."""
    global _shared, _users
    if _shared is None:
        server = PostgresServer(announce=uncaptured_announcer(request.config))
        try:
            server.__enter__()
        except PostgresUnavailable as exc:
            unavailable(str(exc))
        _shared = server
    _users += 1
    try:
        yield _shared
    finally:
        _users -= 1
        if _users == 0 and _shared is not None:
            _shared.__exit__(None, None, None)
            _shared = None


def postgres_session_fixture() -> Any:
    """The session-scoped fixture, for ``pg_server = postgres_session_fixture()``."""
    return pg_server
