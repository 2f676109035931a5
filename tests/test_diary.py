"""The diary on SQLite and on a real PostgreSQL server: records, owners, migrations, CLI."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect

from crampcheck.diary import io as diary_io
from crampcheck.diary import tables
from crampcheck.diary.migrations import MIGRATIONS, applied, migrate
from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import ContextIn, EpisodeIn, EpisodePatch, MedicineIn
from crampcheck.errors import InputError

UTC1 = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    else:
        server = request.getfixturevalue("pg_server")
        name = "d_" + request.node.name.split("[")[0].lower().replace("test_", "")[:40]
        yield server.fresh_database(name)


def at(day: int, hour: int = 3, zone: timezone = UTC1, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 10, tzinfo=zone)


def test_episodes_round_trip_with_their_time_zone(db_url: str) -> None:
    diary = Diary(db_url)
    first = diary.add_episode(EpisodeIn(started_at=at(20), minutes=3, severity=7))
    diary.add_episode(EpisodeIn(started_at=at(21, 23, EST), site="foot", side="left"))
    found = diary.episodes()
    assert next(e.id for e in found) == first.id
    assert found[0].started_at == at(20)
    assert found[0].started_at.utcoffset() == timedelta(hours=1)
    assert found[1].started_at.utcoffset() == timedelta(hours=-5)
    # filtering is by the local date the person recorded
    assert [e.site for e in diary.episodes(since=date(2026, 11, 21))] == ["foot"]
    assert [e.site for e in diary.episodes(until=date(2026, 11, 20))] == ["calf"]
    assert len(diary.episodes(limit=1)) == 1


def test_edit_and_delete(db_url: str) -> None:
    diary = Diary(db_url)
    e = diary.add_episode(EpisodeIn(started_at=at(20), minutes=3))
    changed = diary.update_episode(e.id, EpisodePatch(minutes=5, notes="woke me"))
    assert changed.minutes == 5
    assert changed.notes == "woke me"
    assert changed.started_at == at(20)
    diary.delete_episode(e.id)
    assert diary.episodes() == []
    with pytest.raises(InputError, match="no cramp with id"):
        diary.delete_episode(e.id)
    with pytest.raises(InputError, match="no cramp with id"):
        diary.update_episode(999, EpisodePatch(minutes=1))


def test_owners_never_see_each_other(db_url: str) -> None:
    mine = Diary(db_url)
    theirs = Diary(db_url, owner="someone-else")
    mine.add_episode(EpisodeIn(started_at=at(20)))
    assert theirs.episodes() == []
    with pytest.raises(InputError):
        theirs.delete_episode(mine.episodes()[0].id)


def test_context_is_merged_per_day(db_url: str) -> None:
    diary = Diary(db_url)
    diary.set_context(ContextIn(day=date(2026, 11, 19), hard_exercise=True))
    merged = diary.set_context(ContextIn(day=date(2026, 11, 19), alcohol_units=3.5))
    assert merged.hard_exercise is True
    assert merged.alcohol_units == 3.5
    assert len(diary.context()) == 1


def test_medicines_are_recognised_and_stopped(db_url: str) -> None:
    diary = Diary(db_url)
    med = diary.add_medicine(MedicineIn(name="Lasix 40mg", started_on=date(2026, 10, 1)))
    assert med.generic == "furosemide"
    assert med.classes == ["loop_diuretic"]
    stopped = diary.stop_medicine(med.id, date(2026, 11, 1))
    assert stopped.stopped_on == date(2026, 11, 1)
    with pytest.raises(InputError, match="stopped_on"):
        diary.add_medicine(
            MedicineIn(name="x", started_on=date(2026, 11, 2), stopped_on=date(2026, 11, 1))
        )


def test_saved_assessment_keeps_its_versions(db_url: str) -> None:
    from crampcheck import assess, parse_intake

    intake = {"contract": 1, "person": {"age": 50}, "findings": {"calf_swelling": "one_leg"}}
    result = assess(parse_intake(intake)).model_dump(mode="json")
    diary = Diary(db_url)
    diary.save_assessment(intake, result)
    saved = diary.assessments()
    assert saved[0].triage == "urgent"
    assert saved[0].engine_version == result["versions"]["engine"]
    assert saved[0].knowledge_version == result["versions"]["knowledge"]
    assert saved[0].result == result


def test_migrations_are_named_ordered_and_run_once(db_url: str) -> None:
    diary = Diary(db_url)
    assert applied(diary.engine) == [name for name, _ in MIGRATIONS]
    assert migrate(diary.engine) == []
    found = set(inspect(diary.engine).get_table_names())
    assert {t.name for t in tables.metadata.sorted_tables} <= found
    for table in tables.metadata.sorted_tables:
        columns = {c["name"] for c in inspect(diary.engine).get_columns(table.name)}
        assert columns == {c.name for c in table.columns}, table.name


def test_export_import_round_trip_json_and_csv(db_url: str, tmp_path: Path) -> None:
    diary = Diary(db_url)
    diary.add_episode(EpisodeIn(started_at=at(20), minutes=2.5, severity=4, helped="stretch"))
    diary.add_episode(EpisodeIn(started_at=at(21, 23, EST), site="thigh_back", side="both"))
    diary.set_context(ContextIn(day=date(2026, 11, 19), cold_night=False, fluids_litres=1.2))
    diary.add_medicine(MedicineIn(name="simvastatin 40mg", started_on=date(2026, 11, 1)))
    original = diary.export()
    for suffix in (".json", ".csv"):
        path = tmp_path / f"diary{suffix}"
        diary_io.write_file(original, path)
        copy = Diary(f"sqlite:///{tmp_path / f'copy{suffix}.sqlite3'}")
        copy.import_all(diary_io.read_file(path))
        assert copy.export().episodes == original.episodes
        assert copy.export().context == original.context
        assert copy.export().medicines == original.medicines


def test_bad_csv_is_refused_whole(tmp_path: Path) -> None:
    good = "record,started_at,site,minutes\nepisode,2026-11-20T03:10:00+01:00,calf,3\n"
    bad = good + "episode,2026-11-21T03:10:00+01:00,knee,3\nepisode,2026-11-22T03:10:00,calf,x\n"
    with pytest.raises(InputError) as err:
        diary_io.from_csv(bad)
    text = "\n".join(err.value.problems)
    assert "row 3: site" in text
    assert "row 4: started_at" in text
    assert "row 4: minutes" in text


@pytest.fixture
def cli(
    run: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> Callable[..., tuple[int, str, str]]:
    """The ``run`` fixture on a diary of this test's own."""
    db = tmp_path / "cli.sqlite3"

    def on_diary(*args: str, stdin: str = "") -> tuple[int, str, str]:
        return run([*args, "--db", str(db)], stdin)

    return on_diary


def test_cli_log_list_edit_delete(cli: Callable[..., tuple[int, str, str]]) -> None:
    code, out, _ = cli("log", "--at", "2026-11-20T03:10+01:00", "--minutes", "3", "--json")
    assert code == 0
    episode = json.loads(out)
    assert episode["minutes"] == 3
    code, out, _ = cli("diary", "list", "--json")
    assert [e["id"] for e in json.loads(out)] == [episode["id"]]
    code, out, _ = cli("diary", "edit", str(episode["id"]), "--severity", "6", "--json")
    assert json.loads(out)["severity"] == 6
    code, _, err = cli("log", "--severity", "11")
    assert code == 2
    assert "severity" in err
    code, _, err = cli("log", "--at", "yesterday-ish")
    assert code == 2
    assert "--at" in err
    code, _, _ = cli("diary", "delete", str(episode["id"]))
    assert code == 0
    code, _, err = cli("diary", "delete", str(episode["id"]))
    assert code == 2


def test_cli_context_and_stats(cli: Callable[..., tuple[int, str, str]]) -> None:
    for day in range(10, 24):
        cli("log", "--at", f"2026-11-{day}T03:00+00:00", "--minutes", "12")
        cli(
            "context",
            "--day",
            f"2026-11-{day - 1}",
            "--hard-exercise" if day % 2 else "--no-hard-exercise",
        )
    code, out, _ = cli("stats", "--today", "2026-11-24", "--age", "60", "--json")
    assert code == 0
    stats = json.loads(out)
    assert stats["summary"]["total"] == 14
    assert stats["summary"]["median_minutes"] == 12
    assert stats["frequent_or_prolonged"][0].startswith("diary: ")
    exercise = next(t for t in stats["triggers"] if t["factor"] == "hard_exercise")
    assert exercise["reportable"] is True
    code, out, _ = cli("stats", "--today", "2026-11-24")
    assert "Cramps recorded: 14" in out


def test_a_diary_can_raise_the_triage_of_an_assessment(
    cli: Callable[..., tuple[int, str, str]],
) -> None:
    today = date.today()
    for back in range(1, 15):
        day = today - timedelta(days=back)
        cli("log", "--at", f"{day.isoformat()}T03:00+00:00", "--minutes", "12")
    intake = json.dumps({"contract": 1, "person": {"age": 60}})
    code, out, _ = cli("assess", "-", stdin=intake)
    assert code == 0
    assert json.loads(out)["triage"]["level"] == "self_care"
    code, out, _ = cli("assess", "-", "--use-diary", "--save-to-diary", stdin=intake)
    assert code == 0
    result = json.loads(out)
    assert result["triage"]["level"] == "routine"
    alert = result["alerts"][0]
    assert alert["id"] == "frequent_or_prolonged"
    assert all(b.startswith("diary: ") for b in alert["because"])
    _code, out, _ = cli("diary", "list", "--json")
    assert len(json.loads(out)) == 14


def test_cli_import_refuses_bad_file_and_writes_nothing(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "record,started_at,site\nepisode,2026-11-20T03:10:00+01:00,calf\nepisode,,calf\n"
    )
    code, _, err = cli("diary", "import", str(bad))
    assert code == 2
    assert "row 3: started_at" in err
    code, out, _ = cli("diary", "list", "--json")
    assert json.loads(out) == []
