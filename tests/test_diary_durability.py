"""Nothing lost: the diary under SIGKILL, concurrent writers, bad input, backups and round trips.

Each test checks a promise of ``crampcheck.diary`` from the outside, with real processes and a
real database file (SQLite) or server (PostgreSQL, through the ``pg_server`` fixture):

* a cramp whose id was handed back survives the process being killed at any moment, and the
  SQLite file stays intact after many such crashes;
* processes writing at the same time all succeed, and every row is there exactly once;
* an import with one bad record writes nothing, whether validation or the database refuses it;
* a backup taken while another process writes is a consistent, restorable copy;
* export and import (JSON and CSV) give back exactly what was recorded.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import IO, Any, get_args

import pytest
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import DataError, IntegrityError

from crampcheck.diary import io as diary_io
from crampcheck.diary import tables
from crampcheck.diary.migrations import MIGRATIONS, applied
from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import (
    AssessmentRecord,
    ContextIn,
    DiaryExport,
    EpisodeIn,
    MedicineIn,
    Site,
)
from crampcheck.errors import InputError
from tests.pgserver import pg_server  # noqa: F401  (session fixture: a throwaway PostgreSQL)

CHILD_TIMEOUT = 120  # seconds a child may take to start or to finish its work


# ------------------------------------------------------------------------------ helpers


def zone(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def integrity(engine: Engine) -> list[str]:
    """``PRAGMA integrity_check`` of a SQLite diary: ``["ok"]`` when the file is sound."""
    with engine.connect() as conn:
        return [row[0] for row in conn.exec_driver_sql("PRAGMA integrity_check")]


def sqlite_integrity(path: Path) -> list[str]:
    """The same check through a plain sqlite3 connection (no crampcheck code involved)."""
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def episode_notes(engine: Engine) -> dict[int, str]:
    """Every episode row in the database (all owners): id -> notes."""
    t = tables.episodes
    with engine.connect() as conn:
        return {row.id: row.notes for row in conn.execute(select(t.c.id, t.c.notes))}


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in tables.metadata.sorted_tables
        }


class Child:
    """A Python child process running ``code``; its complete stdout lines are read in a thread.

    A line counts only once its newline arrived: that is the moment the child acknowledged it.
    """

    def __init__(self, code: str, *args: str, stderr_path: Path) -> None:
        self.stderr_path = stderr_path
        self._stderr: IO[bytes] = stderr_path.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                if line.endswith("\n"):
                    self.lines.append(line[:-1])
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(
        self, predicate: Callable[[list[str]], bool], timeout: float = CHILD_TIMEOUT
    ) -> None:
        """Wait until ``predicate(lines)`` holds; fail with the child's stderr if it never does."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self.lines):
                left = deadline - time.monotonic()
                if left <= 0 or (self.proc.poll() is not None and not self._reader.is_alive()):
                    pytest.fail(
                        f"child did not get there (exit {self.proc.poll()}); "
                        f"stdout tail {self.lines[-5:]}; stderr:\n{self.stderr()}"
                    )
                self._changed.wait(min(left, 0.5))

    def send(self, text: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(text)
        self.proc.stdin.flush()

    def kill(self) -> None:
        """SIGKILL (no cleanup of any kind in the child), then collect what it had printed."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.finish()

    def finish(self, timeout: float = CHILD_TIMEOUT) -> int:
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
            raise
        finally:
            self._reader.join(timeout=10)
            if self.proc.stdin is not None:
                self.proc.stdin.close()
            self._stderr.close()
        return code

    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")


@pytest.fixture
def children(tmp_path: Path) -> Iterator[Callable[..., Child]]:
    """Start children; any still running at the end of the test is killed."""
    started: list[Child] = []

    def start(code: str, *args: str) -> Child:
        child = Child(code, *args, stderr_path=tmp_path / f"child{len(started)}.stderr")
        started.append(child)
        return child

    yield start
    for child in started:
        if child.proc.poll() is None:
            child.kill()


@dataclass
class Databases:
    """Fresh diary databases of one kind (a SQLite file or a PostgreSQL database) for a test."""

    kind: str
    tmp_path: Path
    server: Any
    prefix: str
    engines: list[Engine] = field(default_factory=list)

    def url(self, name: str = "main") -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp_path / f'{name}.sqlite3'}"
        return str(self.server.fresh_database(f"{self.prefix}_{name}"))

    def diary(self, url: str, owner: str = "default") -> Diary:
        diary = Diary(url, owner=owner)
        self.engines.append(diary.engine)
        return diary


def _databases(request: pytest.FixtureRequest, kind: str, tmp_path: Path) -> Iterator[Databases]:
    server = request.getfixturevalue("pg_server") if kind == "postgresql" else None
    prefix = "dur_" + hashlib.sha1(request.node.nodeid.encode()).hexdigest()[:10]
    dbs = Databases(kind, tmp_path, server, prefix)
    yield dbs
    for engine in dbs.engines:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    """Fresh databases on SQLite and (a second run) on PostgreSQL."""
    yield from _databases(request, request.param, tmp_path)


@pytest.fixture
def sqlite_dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    yield from _databases(request, "sqlite", tmp_path)


@pytest.fixture
def pg_dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    yield from _databases(request, "postgresql", tmp_path)


# ------------------------------------------------------------------------------ a. SIGKILL

KILLS = 20
BATCH = 25

# Adds cramps one at a time, printing each id once add_episode has returned; every tenth
# write is a batch of BATCH cramps (add_episodes), printed as "batch TAG" once it returned.
KILLED_WRITER = r"""
import sys
from datetime import datetime, timedelta, timezone
from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import EpisodeIn

url, round_ = sys.argv[1], int(sys.argv[2])
diary = Diary(url)
print("ready", flush=True)
start = datetime(2026, 1, 1, 3, 10, tzinfo=timezone(timedelta(hours=1)))
n = 0
while True:
    when = start + timedelta(minutes=n)
    if n % 10 == 9:
        tag = f"r{round_}-b{n}"
        diary.add_episodes(
            [EpisodeIn(started_at=when, notes=f"{tag}-{k}", severity=k % 11) for k in range(25)]
        )
        print("batch", tag, flush=True)
    else:
        episode = diary.add_episode(EpisodeIn(started_at=when, notes=f"r{round_}-s{n}"))
        print(episode.id, flush=True)
    n += 1
"""


def test_acknowledged_cramps_survive_sigkill(
    tmp_path: Path, children: Callable[..., Child]
) -> None:
    """20 writers killed at random moments: every acknowledged cramp is there, the file sound."""
    path = tmp_path / "diary.sqlite3"
    url = f"sqlite:///{path}"
    rng = random.Random(20261125)
    acked_ids: set[int] = set()
    acked_batches: set[str] = set()
    for round_ in range(KILLS):
        child = children(KILLED_WRITER, url, str(round_))
        child.wait_for(lambda lines: "ready" in lines)
        time.sleep(rng.uniform(0.05, 0.3))
        child.kill()
        assert child.proc.returncode == -signal.SIGKILL, child.stderr()
        ids = {int(line) for line in child.lines if line.isdigit()}
        batches = {line.split()[1] for line in child.lines if line.startswith("batch ")}
        acked_ids |= ids
        acked_batches |= batches

        diary = Diary(url)  # opening after the crash recovers the WAL and migrates (a no-op)
        try:
            assert integrity(diary.engine) == ["ok"]
            found = episode_notes(diary.engine)
        finally:
            diary.engine.dispose()
        assert acked_ids <= found.keys(), f"round {round_}: lost {acked_ids - found.keys()}"
        # a batch is all there or not at all; every acknowledged batch is there
        per_batch: dict[str, int] = {}
        for notes in found.values():
            if "-b" in notes:
                tag = notes.rsplit("-", 1)[0]
                per_batch[tag] = per_batch.get(tag, 0) + 1
        assert set(per_batch.values()) <= {BATCH}, f"round {round_}: a batch was cut"
        assert acked_batches <= per_batch.keys()
        # at most one write of this round committed without its acknowledgement being read
        mine = [n for n in found.values() if n.startswith(f"r{round_}-s")]
        assert len(mine) - len(ids) in (0, 1)
        unacked_batches = {t for t in per_batch if t.startswith(f"r{round_}-")} - batches
        assert len(unacked_batches) <= 1
    assert sqlite_integrity(path) == ["ok"]
    assert len(acked_ids) >= KILLS, "the writers were killed before they wrote anything"
    print(f"{KILLS} kills: {len(acked_ids)} single and {len(acked_batches)} batch writes acked")


# The child announces that the imports are done, then creates a new diary (migrations).
NEW_DIARY = r"""
import sys
from crampcheck.diary.repository import Diary
print("imported", flush=True)
Diary(sys.argv[1])
print("opened", flush=True)
"""


def test_a_diary_killed_while_being_created_opens_afterwards(
    tmp_path: Path, children: Callable[..., Child]
) -> None:
    """Killed during its first open (the migrations), a new diary file still opens and works."""
    rng = random.Random(7)
    mid_open = 0
    for round_ in range(8):
        path = tmp_path / f"new{round_}.sqlite3"
        child = children(NEW_DIARY, f"sqlite:///{path}")
        child.wait_for(lambda lines: "imported" in lines)
        time.sleep(rng.uniform(0, 0.04))  # creating a diary takes about 30 ms
        child.kill()
        mid_open += "opened" not in child.lines
        diary = Diary(f"sqlite:///{path}")
        try:
            assert applied(diary.engine) == [name for name, _ in MIGRATIONS]
            diary.add_episode(EpisodeIn(started_at=datetime(2026, 1, 1, tzinfo=zone(0))))
            assert len(diary.episodes()) == 1
            assert integrity(diary.engine) == ["ok"]
        finally:
            diary.engine.dispose()
    print(f"8 kills while creating a diary, {mid_open} of them before it was open")


# ------------------------------------------------------------------------------ b. concurrency

WRITERS = 3
PER_WRITER = 200

# Opens the diary, says "ready", waits for "go" on stdin, then adds PER_WRITER cramps as fast
# as it can (the last writer in batches of 20) and prints the ids it was given as JSON.
CONCURRENT_WRITER = r"""
import json, sys
from datetime import datetime, timedelta, timezone
from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import EpisodeIn

url, name, count, batched = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
diary = Diary(url)
print("ready", flush=True)
sys.stdin.readline()
start = datetime(2026, 3, 1, 2, 0, tzinfo=timezone(timedelta(hours=-5)))
items = [
    EpisodeIn(started_at=start + timedelta(hours=n), notes=f"{name}-{n}") for n in range(count)
]
ids = []
if batched:
    for first in range(0, count, 20):
        diary.add_episodes(items[first:first + 20])
else:
    ids = [diary.add_episode(item).id for item in items]
print(json.dumps(ids), flush=True)
"""


def test_concurrent_writers_all_succeed_and_nothing_is_lost(
    dbs: Databases, children: Callable[..., Child]
) -> None:
    """Three processes write 200 cramps each at once: all exit 0, exactly 600 rows, no loss."""
    url = dbs.url()
    diary = dbs.diary(url)  # the schema exists before the writers start
    writers = [
        children(CONCURRENT_WRITER, url, f"w{n}", str(PER_WRITER), "1" if n == WRITERS - 1 else "0")
        for n in range(WRITERS)
    ]
    for writer in writers:
        writer.wait_for(lambda lines: "ready" in lines)
    started = time.monotonic()
    for writer in writers:
        writer.send("go\n")
    codes = [writer.finish() for writer in writers]
    elapsed = time.monotonic() - started
    errors = "\n".join(writer.stderr() for writer in writers)
    assert codes == [0] * WRITERS, errors
    assert "locked" not in errors
    found = episode_notes(diary.engine)
    assert len(found) == WRITERS * PER_WRITER
    assert sorted(found.values()) == sorted(
        f"w{n}-{k}" for n in range(WRITERS) for k in range(PER_WRITER)
    )
    given = [i for writer in writers[:-1] for i in json.loads(writer.lines[-1])]
    assert len(given) == len(set(given)) == (WRITERS - 1) * PER_WRITER
    assert set(given) <= found.keys()
    assert len(diary.episodes()) == WRITERS * PER_WRITER
    print(f"{WRITERS} writers x {PER_WRITER} cramps on {dbs.kind}: {elapsed:.2f} s")


# For each database URL given: wait for "go", then open the diary (a new one: migrations) for
# an owner and write a cramp, at the same moment as its siblings; print "ok" or the error.
FIRST_OPEN = r"""
import sys, traceback
from datetime import datetime, timezone
from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import EpisodeIn
print("imported", flush=True)
for round_, url in enumerate(sys.argv[1:]):
    sys.stdin.readline()
    try:
        diary = Diary(url, owner="default" if round_ % 2 == 0 else "someone-new")
        diary.add_episode(EpisodeIn(started_at=datetime(2026, 1, 1, tzinfo=timezone.utc)))
        diary.engine.dispose()
        print("ok", flush=True)
    except Exception as exc:
        print(f"round {round_}: {type(exc).__name__}: {str(exc).splitlines()[0]}", flush=True)
"""
RACE_ROUNDS = 12


@pytest.mark.parametrize(
    "dbs",
    [
        "sqlite",
        "postgresql",
    ],
    indirect=True,
)
def test_processes_creating_a_diary_at_once_all_succeed(
    dbs: Databases, children: Callable[..., Child]
) -> None:
    """Three processes open a brand-new diary (and owner) at the same moment: all succeed."""
    urls = [dbs.url(f"race{n}") for n in range(RACE_ROUNDS)]
    racers = [children(FIRST_OPEN, *urls) for _ in range(3)]
    for racer in racers:
        racer.wait_for(lambda lines: "imported" in lines)
    for round_ in range(RACE_ROUNDS):
        for racer in racers:
            racer.send("go\n")
        for racer in racers:
            racer.wait_for(lambda lines, r=round_: len(lines) >= r + 2)
    assert [racer.finish() for racer in racers] == [0, 0, 0]
    failures = [line for racer in racers for line in racer.lines[1:] if line != "ok"]
    assert not failures, "\n".join(failures)
    for url in urls:
        diary = dbs.diary(url)
        assert len(diary.episodes()) + len(dbs.diary(url, "someone-new").episodes()) == 3
        assert applied(diary.engine) == [name for name, _ in MIGRATIONS]


# ------------------------------------------------------------------------------ c. bad input


def at(day: int, hour: int = 3, minutes: int = 60) -> datetime:
    return datetime(2026, 11, day, hour, 10, tzinfo=zone(minutes))


def small_diary(diary: Diary) -> None:
    diary.add_episode(EpisodeIn(started_at=at(1), minutes=2.0, severity=5, notes="before"))
    diary.set_context(ContextIn(day=date(2026, 11, 1), cold_night=True, fluids_litres=1.0))
    diary.add_medicine(MedicineIn(name="amlodipine", started_on=date(2026, 10, 1)))


def good_export() -> DiaryExport:
    return DiaryExport(
        episodes=[
            EpisodeIn(started_at=at(d, minutes=-300), severity=d % 11, notes=f"new {d}")
            for d in range(2, 12)
        ],
        # day 1 is in the diary already: the import changes it (and must not, when it fails)
        context=[ContextIn(day=date(2026, 11, 1), cold_night=False, alcohol_units=2.0)],
        medicines=[MedicineIn(name="simvastatin", started_on=date(2026, 11, 2))],
        assessments=[
            AssessmentRecord(
                created_at=at(3),
                engine_version="1",
                knowledge_version="1",
                triage="routine",
                intake={"contract": 1},
                result={"triage": {"level": "routine"}},
            )
        ],
    )


def test_a_csv_with_one_bad_row_is_refused_whole(sqlite_dbs: Databases) -> None:
    diary = sqlite_dbs.diary(sqlite_dbs.url())
    small_diary(diary)
    before, counts = diary_io.to_json(diary.export()), row_counts(diary.engine)
    lines = diary_io.to_csv(good_export()).splitlines()
    # row numbers count the header as row 1; row 6 is the fifth episode
    header, rows = lines[0].split(","), [line.split(",") for line in lines[1:]]
    rows[4][header.index("severity")] = "11"
    bad = "\n".join([lines[0], *(",".join(r) for r in rows)]) + "\n"
    with pytest.raises(InputError) as err:
        diary.import_all(diary_io.from_csv(bad))
    assert len(err.value.problems) == 1
    assert err.value.problems[0].startswith("row 6: severity:"), err.value.problems
    assert diary_io.to_json(diary.export()) == before
    assert row_counts(diary.engine) == counts
    # the good rows alone import
    good = "\n".join([lines[0], *(",".join(r) for n, r in enumerate(rows) if n != 4)]) + "\n"
    assert diary.import_all(diary_io.from_csv(good))["episodes"] == 9


def test_a_json_export_with_one_bad_cramp_is_refused_whole(sqlite_dbs: Databases) -> None:
    diary = sqlite_dbs.diary(sqlite_dbs.url())
    small_diary(diary)
    before = diary_io.to_json(diary.export())
    data = json.loads(diary_io.to_json(good_export()))
    data["episodes"][3]["started_at"] = "2026-11-05T03:10:00"  # no time zone
    with pytest.raises(InputError) as err:
        diary.import_all(diary_io.from_json(json.dumps(data)))
    assert any(p.startswith("episodes[3].started_at") for p in err.value.problems), err.value
    assert diary_io.to_json(diary.export()) == before


def fail_at(engine: Engine, table: str) -> tuple[list[str], Callable[..., None]]:
    """Make every INSERT INTO ``table`` fail; return the statements seen and the listener."""
    seen: list[str] = []

    def before(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        words = statement.split()
        seen.append(" ".join(words[:3]).lower())
        if words[:3] == ["INSERT", "INTO", table]:
            raise RuntimeError(f"simulated failure at the insert into {table}")

    event.listen(engine, "before_cursor_execute", before)
    return seen, before


def test_a_failure_mid_import_leaves_no_partial_rows(dbs: Databases) -> None:
    """The import fails at its last insert: the cramps, context and medicines before it vanish."""
    diary = dbs.diary(dbs.url())
    small_diary(diary)
    before, counts = diary_io.to_json(diary.export()), row_counts(diary.engine)
    seen, listener = fail_at(diary.engine, "assessments")
    with pytest.raises(RuntimeError, match="simulated failure"):
        diary.import_all(good_export())
    assert "insert into episodes" in seen  # it did fail part-way
    assert "insert into medicines" in seen
    event.remove(diary.engine, "before_cursor_execute", listener)
    assert row_counts(diary.engine) == counts
    assert diary_io.to_json(diary.export()) == before  # the merged context day is as it was


def test_a_row_the_database_refuses_undoes_the_whole_import(dbs: Databases) -> None:
    """A medicine without a name (NOT NULL) after good rows: nothing of the import stays."""
    diary = dbs.diary(dbs.url())
    small_diary(diary)
    before, counts = diary_io.to_json(diary.export()), row_counts(diary.engine)
    good = good_export()
    broken = good.model_copy(
        update={"medicines": [*good.medicines, MedicineIn.model_construct(name=None)]}
    )
    with pytest.raises(IntegrityError, match=r"(?i)not.null"):
        diary.import_all(broken)
    assert row_counts(diary.engine) == counts
    assert diary_io.to_json(diary.export()) == before


def test_postgresql_enforces_lengths_and_undoes_the_import(pg_dbs: Databases) -> None:
    """A 301-character medicine name (VARCHAR(300)) slipped past validation: nothing stays."""
    diary = pg_dbs.diary(pg_dbs.url())
    small_diary(diary)
    before, counts = diary_io.to_json(diary.export()), row_counts(diary.engine)
    good = good_export()
    too_long = MedicineIn.model_construct(name="x" * 301, started_on=None, stopped_on=None)
    broken = good.model_copy(update={"medicines": [*good.medicines, too_long]})
    with pytest.raises(DataError, match="too long"):
        diary.import_all(broken)
    assert row_counts(diary.engine) == counts
    assert diary_io.to_json(diary.export()) == before


# ------------------------------------------------------------------------------ d. backup

# Writes cramps w-0, w-1, ... one at a time (and the context of a day after every fifth),
# printing each number once it is committed, until the stop file appears.
BACKUP_WRITER = r"""
import os, sys
from datetime import date, datetime, timedelta, timezone
from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import ContextIn, EpisodeIn

url, stop = sys.argv[1], sys.argv[2]
diary = Diary(url)
print("ready", flush=True)
start = datetime(2025, 1, 1, 3, 0, tzinfo=timezone(timedelta(hours=2)))
n = 0
while not os.path.exists(stop):
    diary.add_episode(EpisodeIn(started_at=start + timedelta(hours=7 * n), notes=f"w-{n}"))
    if n % 5 == 0:
        diary.set_context(ContextIn(day=date(2025, 1, 1) + timedelta(days=n // 5), cold_night=True))
    print(n, flush=True)
    n += 1
print("stopped", flush=True)
"""


def _numbers(export: DiaryExport) -> list[int]:
    return sorted(int((e.notes or "").removeprefix("w-")) for e in export.episodes)


def test_a_backup_taken_while_writing_is_consistent_and_restores(
    dbs: Databases, children: Callable[..., Child]
) -> None:
    url = dbs.url()
    diary = dbs.diary(url)
    stop = dbs.tmp_path / "stop"
    writer = children(BACKUP_WRITER, url, str(stop))
    writer.wait_for(lambda lines: "ready" in lines)
    backups = []
    for n in range(5):
        writer.wait_for(lambda lines, n=n: len(lines) > 1 + 20 * (n + 1))
        acked_before = len(writer.lines) - 1  # w-0 .. w-(acked_before - 1) are committed
        path = dbs.tmp_path / f"backup{n}.sqlite3"
        started = time.monotonic()
        diary_io.backup(diary, path)
        backups.append((path, acked_before, time.monotonic() - started))
    writer.wait_for(lambda lines: len(lines) > 1 + 20 * 6)
    stop.touch()
    assert writer.finish() == 0, writer.stderr()
    written = len(writer.lines) - 2
    final = diary.export()
    assert _numbers(final) == list(range(written))

    for number, (path, acked_before, seconds) in enumerate(backups):
        assert sqlite_integrity(path) == ["ok"]
        copy = dbs.diary(f"sqlite:///{path}")
        assert integrity(copy.engine) == ["ok"]
        saved = copy.export(consistent=True)
        numbers = _numbers(saved)
        # one moment of the diary: a prefix of what was written, holding all acknowledged
        assert numbers == list(range(len(numbers)))
        assert acked_before <= len(numbers) <= written
        # ... and the context of every fifth cramp in it, but the last one's may not be yet
        days = {c.day for c in saved.context}
        expected = {date(2025, 1, 1) + timedelta(days=k // 5) for k in numbers if k % 5 == 0}
        assert days <= expected
        assert expected - days <= {date(2025, 1, 1) + timedelta(days=(len(numbers) - 1) // 5)}
        if dbs.kind == "sqlite":  # a whole-file copy keeps the ids
            ids = {e.id: e.notes for e in copy.episodes()}
            assert ids.items() <= episode_notes(diary.engine).items()
        fresh = dbs.diary(dbs.url(f"restored{number}"))
        diary_io.restore(fresh, path)
        assert diary_io.to_json(fresh.export()) == diary_io.to_json(saved)
        print(f"backup {number} on {dbs.kind}: {len(numbers)} cramps in {seconds * 1000:.0f} ms")
    # the writer kept writing while the backups were taken
    assert backups[-1][1] > backups[0][1]


# ------------------------------------------------------------------------------ e. round trip

ZONES = [0, 60, -300, 345, -570, 840, -720, 765, 330, -210]  # offsets in minutes, odd ones too
TEXTS = [
    None,
    "stretched the calf",
    'comma, "quotes" and\na new line',
    "ünïcødé – 🦵 ≥ 3",
    "true",
    "7",
    "x" * 2000,
]


def rich_episodes() -> list[EpisodeIn]:
    rng = random.Random(11)
    items = [
        EpisodeIn(started_at=datetime(2026, 11, 25, 3, 10, tzinfo=zone(z))) for z in ZONES
    ]  # everything optional left out
    items.append(
        EpisodeIn(
            started_at=datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=zone(840)),
            site="thigh_front",
            side="alternating",
            minutes=600.0,
            severity=10,
            sleep_disturbance=0,
            helped="walking",
            notes="the last moment of the year, far east",
        )
    )
    sites = list(get_args(Site))
    for n in range(150):
        items.append(
            EpisodeIn(
                started_at=datetime(2025, 1, 1, tzinfo=zone(rng.choice(ZONES)))
                + timedelta(minutes=rng.randrange(0, 600_000), microseconds=rng.randrange(10**6)),
                site=rng.choice(sites),
                side=rng.choice([None, "left", "right", "both", "alternating"]),
                minutes=rng.choice([None, 0.0, 0.5, 2.5, 1 / 3, 17.0]),
                severity=rng.choice([None, 0, 3, 10]),
                sleep_disturbance=rng.choice([None, 0, 5, 10]),
                helped=rng.choice(TEXTS),
                notes=f"n{n}" if n % 3 else rng.choice(TEXTS),
            )
        )
    return items


def rich_diary(diary: Diary) -> list[EpisodeIn]:
    episodes = rich_episodes()
    for item in episodes[:12]:
        diary.add_episode(item)
    diary.add_episodes(episodes[12:])
    rng = random.Random(12)
    for n in range(40):
        diary.set_context(
            ContextIn(
                day=date(2026, 1, 1) + timedelta(days=n),
                hard_exercise=rng.choice([None, True, False]),
                heat_or_sweating=rng.choice([None, True, False]),
                cold_night=rng.choice([None, True, False]),
                alcohol_units=rng.choice([None, 0.0, 1.5, 100.0]),
                caffeine_drinks=rng.choice([None, 0.0, 3.0]),
                fluids_litres=rng.choice([None, 0.25, 2.0]),
                tight_bedding=rng.choice([None, True, False]),
                stretched_before_bed=rng.choice([None, True, False]),
            )
        )
    diary.set_context(ContextIn(day=date(2026, 3, 1)))  # a day with nothing recorded
    diary.add_medicine(MedicineIn(name="simvastatin 40 mg", started_on=date(2026, 1, 5)))
    diary.add_medicine(MedicineIn(name='Ärztemuster, "forte"', stopped_on=date(2026, 2, 1)))
    diary.add_medicine(MedicineIn(name="magnesium"))
    diary.save_assessment(
        {"contract": 1, "person": {"age": 71}, "notes": 'ü\n"x"'},
        {
            "triage": {"level": "routine"},
            "versions": {"engine": "1.2.3", "knowledge": "2026.11"},
            "nested": {"values": [1, 2.5, None, True, "ü"]},
        },
    )
    diary.save_assessment({"contract": 1}, {"triage": {"level": "urgent"}, "versions": {}})
    return episodes


def test_export_import_round_trips_exactly(dbs: Databases) -> None:
    source = dbs.diary(dbs.url("source"))
    given = rich_diary(source)
    original = source.export()
    # what was stored is what was given, time zone offsets and microseconds included
    assert sorted(e.model_dump_json() for e in original.episodes) == sorted(
        e.model_dump_json() for e in given
    )
    assert {e.started_at.utcoffset() for e in original.episodes} == {
        timedelta(minutes=z) for z in ZONES
    }
    assert len(original.context) == 41
    assert len(original.medicines) == 3
    assert len(original.assessments) == 2

    # JSON: everything, assessments included
    json_copy = dbs.diary(dbs.url("from_json"))
    json_copy.import_all(diary_io.from_json(diary_io.to_json(original)))
    assert diary_io.to_json(json_copy.export()) == diary_io.to_json(original)
    assert json_copy.export() == original

    # CSV: cramps, context and medicines (assessments are not part of the CSV format)
    csv_copy = dbs.diary(dbs.url("from_csv"))
    csv_copy.import_all(diary_io.from_csv(diary_io.to_csv(original)))
    again = csv_copy.export()
    assert diary_io.to_csv(again) == diary_io.to_csv(original)
    assert again.episodes == original.episodes
    assert [e.started_at.isoformat() for e in again.episodes] == [
        e.started_at.isoformat() for e in original.episodes
    ]
    assert again.context == original.context
    assert again.medicines == original.medicines
    assert again.assessments == []


def test_csv_keeps_spaces_around_text() -> None:
    data = DiaryExport(
        episodes=[EpisodeIn(started_at=at(1), notes="  indented", helped="trailing  ")]
    )
    assert diary_io.from_csv(diary_io.to_csv(data)) == data
