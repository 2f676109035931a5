"""Speed of the cramp diary with a lot of data, measured and reported (not asserted in tests).

    python benchmarks/diary.py [--quick] [--json FILE]

Targets:

* ten years of nightly entries (3,650 cramps of one person, written with ``add_episodes`` in
  one batch): ``diary_stats(diary, today)`` takes at most 200 ms (median of 5) on SQLite;
  measured again once the same diary also holds ten years of context (every third day,
  1,217 days) and two medicines, same target;
* one database holding 1,000,000 cramps of 10,000 people (100 each): one person's
  ``diary_stats`` takes at most 50 ms (median of 5) on SQLite and on PostgreSQL.

The big databases are bulk-loaded (SQLAlchemy Core executemany in batches of 100,000 rows on
SQLite, COPY on PostgreSQL), in the order cramps would arrive: everyone's first cramp, then
everyone's second, ... so one person's rows are spread over the whole table. The script prints
the load times, where a stats call spends its time (reading cramps, context, medicines, the
analytics) and the query plan of the one-person query, which must use the index
``ix_episodes_owner_time`` (owner_id, started_at_utc).

PostgreSQL is a throwaway server started with ``tests/pgserver.PostgresServer`` (Debian's
``postgresql`` package; it runs with fsync=off). When it cannot be had, the script says so and
counts that target as MISSED. ``--quick`` uses 100,000 cramps of 1,000 people. The whole run
takes a few minutes on 2 cores; the script exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, insert

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # tests.pgserver

from crampcheck.diary import tables  # noqa: E402
from crampcheck.diary.analytics import ContextData, all_triggers  # noqa: E402
from crampcheck.diary.repository import CONTEXT_FIELDS, Diary  # noqa: E402
from crampcheck.diary.schemas import ContextIn, EpisodeIn, MedicineIn  # noqa: E402
from crampcheck.diary.stats import THRESHOLDS, diary_stats  # noqa: E402

RUNS = 5
INDEX = "ix_episodes_owner_time"
SITES = ["calf", "calf", "calf", "foot", "toes", "thigh_back", "shin"]
SIDES = [None, "left", "right", "both"]
EPISODE_COLUMNS = (
    "owner_id",
    "started_at_utc",
    "utc_offset_minutes",
    "site",
    "side",
    "minutes",
    "severity",
    "sleep_disturbance",
    "helped",
    "notes",
    "created_at",
)
SQLITE_BATCH = 100_000  # rows per executemany and per transaction

results: dict[str, Any] = {}
missed: list[str] = []


def verdict(ok: bool, name: str) -> str:
    if not ok:
        missed.append(name)
    return "OK" if ok else "MISSED"


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def timed(call: Callable[[], Any], runs: int = RUNS) -> tuple[float, float, list[float]]:
    """First call (cold: caches, the medicine dictionary), then the median of ``runs`` more."""
    start = time.perf_counter()
    call()
    first = time.perf_counter() - start
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return first, statistics.median(times), times


# ------------------------------------------------------------------------------ data


def ten_years(today: date) -> list[EpisodeIn]:
    """3,650 nights of one person: a cramp a night, local time, summer and winter offsets."""
    rng = random.Random(3650)
    first = today - timedelta(days=3650)
    items = []
    for n in range(3650):
        day = first + timedelta(days=n)
        offset = 120 if 4 <= day.month <= 9 else 60
        items.append(
            EpisodeIn(
                started_at=datetime(
                    day.year, day.month, day.day, rng.randrange(0, 6), rng.randrange(60)
                ).replace(tzinfo=timezone(timedelta(minutes=offset))),
                site=rng.choice(SITES),  # type: ignore[arg-type]
                side=rng.choice(SIDES),  # type: ignore[arg-type]
                minutes=rng.choice([None, 0.5, 1.0, 2.0, 5.0, 12.0]),
                severity=rng.choice([None, *range(11)]),
                sleep_disturbance=rng.choice([None, *range(11)]),
                helped=rng.choice([None, None, "stretching", "walking"]),
            )
        )
    return items


def ten_years_context(diary: Diary, today: date) -> None:
    """The rest of a diary kept for ten years: every third day's context, two medicines."""
    rng = random.Random(1217)
    first = today - timedelta(days=3650)
    for n in range(0, 3650, 3):
        diary.set_context(
            ContextIn(
                day=first + timedelta(days=n),
                hard_exercise=rng.random() < 0.3,
                cold_night=rng.choice([None, True, False]),
                alcohol_units=rng.choice([None, 0.0, 2.0, 4.0]),
                caffeine_drinks=rng.choice([None, 1.0, 3.0]),
            )
        )
    diary.add_medicine(MedicineIn(name="simvastatin 40 mg", started_on=first + timedelta(2000)))
    diary.add_medicine(
        MedicineIn(
            name="furosemide",
            started_on=first + timedelta(days=3000),
            stopped_on=first + timedelta(days=3300),
        )
    )


def owner_id(person: int) -> str:
    return f"person-{person:05d}"


def crowd(people: int, per_person: int) -> Iterator[list[tuple[Any, ...]]]:
    """Episode rows (EPISODE_COLUMNS) in arrival order: round r holds everyone's r-th cramp."""
    rng = random.Random(10_000)
    start = datetime(2023, 1, 1, 1, 0)
    span = 3 * 365 * 24 * 60  # three years, in minutes
    step = span // per_person
    created = datetime.now(UTC).replace(tzinfo=None)
    for r in range(per_person):
        rows = []
        for person in range(people):
            offset = (-300, 0, 60, 120, 330, 600)[person % 6]
            local = start + timedelta(minutes=r * step + rng.randrange(step))
            rows.append(
                (
                    owner_id(person),
                    local - timedelta(minutes=offset),
                    offset,
                    rng.choice(SITES),
                    rng.choice(SIDES),
                    rng.choice([None, 1.0, 2.5, 5.0]),
                    rng.randrange(11),
                    rng.randrange(11),
                    None,
                    None,
                    created,
                )
            )
        yield rows


def owner_rows(people: int) -> list[dict[str, Any]]:
    now = datetime.now(UTC).replace(tzinfo=None)
    return [{"id": owner_id(p), "name": None, "created_at": now} for p in range(people)]


def load_sqlite(engine: Engine, people: int, per_person: int) -> float:
    """SQLAlchemy Core executemany, SQLITE_BATCH rows per statement and per transaction."""
    start = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(tables.owners), owner_rows(people))
    pending: list[dict[str, Any]] = []
    for rows in crowd(people, per_person):
        pending.extend(dict(zip(EPISODE_COLUMNS, row, strict=True)) for row in rows)
        if len(pending) >= SQLITE_BATCH:
            with engine.begin() as conn:
                conn.execute(insert(tables.episodes), pending)
            pending = []
    if pending:
        with engine.begin() as conn:
            conn.execute(insert(tables.episodes), pending)
    return time.perf_counter() - start  # no ANALYZE: a diary in use never runs one


def load_postgresql(engine: Engine, people: int, per_person: int) -> float:
    """psycopg COPY: owners, then every episode row, in one transaction; then ANALYZE."""
    start = time.perf_counter()
    raw = engine.raw_connection()
    try:
        pg: Any = raw.driver_connection
        with pg.cursor() as cur:
            with cur.copy("COPY owners (id, name, created_at) FROM STDIN") as copy:
                for row in owner_rows(people):
                    copy.write_row((row["id"], row["name"], row["created_at"]))
            with cur.copy(f"COPY episodes ({', '.join(EPISODE_COLUMNS)}) FROM STDIN") as copy:
                for rows in crowd(people, per_person):
                    for row in rows:
                        copy.write_row(row)
        pg.commit()
        pg.autocommit = True
        pg.execute("VACUUM ANALYZE")
        pg.autocommit = False
    finally:
        raw.close()
    return time.perf_counter() - start


# ------------------------------------------------------------------------------ measuring


def breakdown(diary: Diary, today: date) -> dict[str, float]:
    """Median seconds of the parts of a stats call: the three reads, the trigger analysis of
    what they read (exact confidence intervals), then the whole call again."""
    episodes = diary.episode_data()
    contexts = [
        ContextData(day=c.day, values={k: getattr(c, k) for k in CONTEXT_FIELDS})
        for c in diary.context()
    ]
    parts: dict[str, Callable[[], Any]] = {
        "episodes()": diary.episodes,
        "context()": diary.context,
        "medicines()": diary.medicines,
        "all_triggers()": lambda: all_triggers(
            episodes, contexts, CONTEXT_FIELDS, thresholds=THRESHOLDS
        ),
        "diary_stats()": lambda: diary_stats(diary, today),
    }
    return {name: timed(call)[1] for name, call in parts.items()}


def episodes_query_plan(diary: Diary) -> str:
    """The plan of the SELECT that ``diary.episodes()`` sends, as this database runs it."""
    sent: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if "FROM episodes" in statement:
            sent.append((statement, parameters))

    event.listen(diary.reader, "before_cursor_execute", capture)
    try:
        diary.episodes()
    finally:
        event.remove(diary.reader, "before_cursor_execute", capture)
    statement, parameters = sent[-1]
    explain = (
        "EXPLAIN QUERY PLAN "
        if diary.engine.dialect.name == "sqlite"
        else "EXPLAIN (ANALYZE, BUFFERS) "
    )
    with diary.engine.connect() as conn:
        rows = conn.exec_driver_sql(explain + statement, parameters).all()
    plan = "\n".join("    " + " | ".join(str(v) for v in row) for row in rows)
    return " ".join(statement.split()) + "\n" + plan


def report_stats(
    label: str,
    key: str,
    diary: Diary,
    today: date,
    target: float,
    count: int,
    show_plan: bool = True,
) -> None:
    first, median, times = timed(lambda: diary_stats(diary, today))
    parts = breakdown(diary, today)
    plan = episodes_query_plan(diary)
    uses_index = INDEX in plan
    results[key] = {
        "stats_median_ms": round(median * 1000, 1),
        "stats_first_ms": round(first * 1000, 1),
        "stats_runs_ms": [round(t * 1000, 1) for t in times],
        "parts_median_ms": {k: round(v * 1000, 1) for k, v in parts.items()},
        "uses_index": uses_index,
        "episodes": count,
    }
    print(
        f"{label}: diary_stats median {ms(median)} over {RUNS} (first call {ms(first)}) "
        f"(target <= {target * 1000:.0f} ms) {verdict(median <= target, key)}"
    )
    print("    parts (medians): " + ", ".join(f"{k} {ms(v)}" for k, v in parts.items()))
    print(
        f"    one person's query uses {INDEX}: {'yes' if uses_index else 'NO'} "
        f"{verdict(uses_index, key + ' index')}"
    )
    if show_plan:
        print("    " + plan.replace("\n", "\n    "))


def bench_ten_years(tmp: Path) -> None:
    today = date(2026, 11, 25)
    diary = Diary(f"sqlite:///{tmp / 'ten_years.sqlite3'}")
    items = ten_years(today)
    start = time.perf_counter()
    diary.add_episodes(items)
    load = time.perf_counter() - start
    results["ten_years_load_s"] = round(load, 2)
    print(f"sqlite ten years: {len(items):,} cramps written (add_episodes) in {ms(load)}")
    report_stats("sqlite ten years", "ten_years_sqlite", diary, today, 0.200, len(items))
    start = time.perf_counter()
    ten_years_context(diary, today)
    load = time.perf_counter() - start
    days = len(diary.context())
    print(f"sqlite ten years: then {days:,} context days and 2 medicines written in {load:.2f} s")
    report_stats(
        f"sqlite ten years with {days:,} context days",
        "ten_years_with_context_sqlite",
        diary,
        today,
        0.200,
        len(items),
        show_plan=False,
    )
    diary.engine.dispose()


def bench_crowd_sqlite(tmp: Path, people: int, per_person: int) -> None:
    path = tmp / "crowd.sqlite3"
    Diary(f"sqlite:///{path}").engine.dispose()  # the schema, by the migrations
    diary = Diary(f"sqlite:///{path}")
    load = load_sqlite(diary.engine, people, per_person)
    total = people * per_person
    size = sum(p.stat().st_size for p in tmp.glob("crowd.sqlite3*")) / 1e6
    results["crowd_sqlite_load_s"] = round(load, 1)
    print(
        f"sqlite crowd: {total:,} cramps of {people:,} people loaded in {load:.1f} s "
        f"({total / load:,.0f} rows/s, {size:.0f} MB)"
    )
    diary.engine.dispose()
    person = Diary(f"sqlite:///{path}", owner=owner_id(people // 2 + 7))
    count = len(person.episodes())
    assert count == per_person, count
    report_stats(
        f"sqlite crowd, one person ({count} cramps)",
        "crowd_sqlite",
        person,
        date(2026, 1, 10),
        0.050,
        count,
    )
    person.engine.dispose()


def bench_crowd_postgresql(people: int, per_person: int) -> None:
    try:
        from tests.pgserver import PostgresServer, PostgresUnavailable
    except ImportError as exc:
        print(f"postgresql: cannot import tests/pgserver.py ({exc}) {verdict(False, 'pg')}")
        return
    try:
        with PostgresServer(announce=lambda line: print("    " + line)) as server:
            url = server.fresh_database("crampcheck_bench")
            diary = Diary(url)
            load = load_postgresql(diary.engine, people, per_person)
            total = people * per_person
            results["crowd_postgresql_load_s"] = round(load, 1)
            print(
                f"postgresql crowd: {total:,} cramps of {people:,} people loaded in {load:.1f} s "
                f"({total / load:,.0f} rows/s, COPY + VACUUM ANALYZE)"
            )
            diary.engine.dispose()
            person = Diary(url, owner=owner_id(people // 2 + 7))
            count = len(person.episodes())
            assert count == per_person, count
            report_stats(
                f"postgresql crowd, one person ({count} cramps)",
                "crowd_postgresql",
                person,
                date(2026, 1, 10),
                0.050,
                count,
            )
            person.engine.dispose()
    except (PostgresUnavailable, RuntimeError, OSError) as exc:
        print(f"postgresql: no server here ({exc}) {verdict(False, 'crowd_postgresql')}")


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="100,000 cramps of 1,000 people")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = ap.parse_args()
    people, per_person = (1_000, 100) if args.quick else (10_000, 100)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="crampcheck-bench-") as tmp:
        bench_ten_years(Path(tmp))
        bench_crowd_sqlite(Path(tmp), people, per_person)
    bench_crowd_postgresql(people, per_person)
    results["total_s"] = round(time.perf_counter() - started, 1)
    results["missed"] = missed
    outcome = f"MISSED: {', '.join(missed)}" if missed else "all OK"
    print(f"total {results['total_s']} s; {outcome}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
