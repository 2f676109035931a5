"""``crampcheck log | diary | context | stats | backup``: the cramp diary on the command line."""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from crampcheck.cli.term import echo, styler
from crampcheck.diary import CONTEXT_AMOUNTS, CONTEXT_FLAGS
from crampcheck.errors import InputError
from crampcheck.validation import describe


def _open(args: argparse.Namespace) -> Any:
    from crampcheck.diary.repository import Diary

    return Diary(args.db)


def _model(model: type[BaseModel], values: dict[str, Any], prefix: str = "") -> Any:
    try:
        return model.model_validate(values)
    except ValidationError as exc:
        raise InputError(describe(exc, model, prefix)) from None


def parse_when(text: str | None, now: datetime | None = None) -> datetime:
    """A moment from ``--at``: ISO date-time (with or without zone), ``HH:MM`` today or
    yesterday (the latest such time not in the future), or now; local zone when none is given."""
    now = now or datetime.now().astimezone()
    if not text:
        return now
    text = text.strip()
    try:
        if len(text) <= 5 and ":" in text:
            hours, minutes = (int(x) for x in text.split(":"))
            moment = now.replace(hour=hours, minute=minutes, second=0, microsecond=0)
            return moment - timedelta(days=1) if moment > now else moment
        moment = datetime.fromisoformat(text)
        moment = moment if moment.tzinfo else moment.astimezone()
    except (ValueError, OverflowError):
        raise InputError(
            [f"--at: {text!r} is not a time; use HH:MM or 2026-11-25T03:10 (zone optional)"]
        ) from None
    return moment


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    if text == "today":
        return date.today()
    if text == "yesterday":
        return date.today() - timedelta(days=1)
    from crampcheck.diary.schemas import EARLIEST, LATEST

    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise InputError([f"{option}: {text!r} is not a date; use YYYY-MM-DD"]) from None
    if not EARLIEST <= day <= LATEST:
        raise InputError([f"{option}: must be between {EARLIEST} and {LATEST}"])
    return day


def _print_json(data: Any) -> None:
    echo(json.dumps(data, indent=1, ensure_ascii=False, default=str))


def _episode_line(e: Any) -> str:
    local = e.started_at.strftime("%Y-%m-%d %H:%M %z")
    bits = [f"#{e.id:<5} {local}", e.site.replace("_", " ")]
    if e.side:
        bits.append(e.side)
    if e.minutes is not None:
        bits.append(f"{e.minutes:g} min")
    if e.severity is not None:
        bits.append(f"severity {e.severity}/10")
    if e.sleep_disturbance is not None:
        bits.append(f"sleep {e.sleep_disturbance}/10")
    if e.helped:
        bits.append(f"helped: {e.helped}")
    if e.notes:
        bits.append(f"notes: {e.notes}")
    return "  ".join(bits)


EPISODE_OPTIONS = ("site", "side", "minutes", "severity", "sleep_disturbance", "helped", "notes")


def _episode_fields(args: argparse.Namespace) -> dict[str, Any]:
    return {k: getattr(args, k) for k in EPISODE_OPTIONS if getattr(args, k) is not None}


def cmd_log(args: argparse.Namespace) -> None:
    from crampcheck.diary.schemas import EpisodeIn

    values = {"started_at": parse_when(args.at), "site": args.site or "calf"}
    values.update({k: v for k, v in _episode_fields(args).items() if k != "site"})
    episode = _open(args).add_episode(_model(EpisodeIn, values))
    if args.json:
        _print_json(episode.model_dump(mode="json"))
    else:
        echo(f"Recorded: {_episode_line(episode)}")


def cmd_diary(args: argparse.Namespace) -> None:
    diary = _open(args)
    action = args.action
    if action == "list":
        found = diary.episodes(
            since=_date(args.since, "--since"), until=_date(args.until, "--until"), limit=args.limit
        )
        if args.json:
            _print_json([e.model_dump(mode="json") for e in found])
        elif not found:
            echo("No cramps recorded in this period. Record one with: crampcheck log")
        else:
            for e in found:
                echo(_episode_line(e))
    elif action == "edit":
        from crampcheck.diary.schemas import EpisodePatch

        changes = _episode_fields(args)
        if args.at:
            changes["started_at"] = parse_when(args.at)
        if not changes:
            raise InputError(["give at least one field to change, for example --minutes 5"])
        episode = diary.update_episode(args.id, _model(EpisodePatch, changes))
        _print_json(episode.model_dump(mode="json")) if args.json else echo(
            f"Changed: {_episode_line(episode)}"
        )
    elif action == "delete":
        diary.delete_episode(args.id)
        _print_json({"deleted": args.id}) if args.json else echo(f"Deleted cramp #{args.id}.")
    elif action == "export":
        from crampcheck.diary.io import write_file

        path = Path(args.file)
        data = diary.export(consistent=True)
        write_file(data, path)
        counts = {
            "episodes": len(data.episodes),
            "context": len(data.context),
            "medicines": len(data.medicines),
            "assessments": len(data.assessments),
        }
        _print_json({"file": str(path), **counts}) if args.json else echo(
            f"Exported {counts['episodes']} cramps, {counts['context']} days of context and "
            f"{counts['medicines']} medicines to {path}."
        )
    elif action == "import":
        from crampcheck.diary.io import read_file

        counts = diary.import_all(read_file(Path(args.file)))
        _print_json(counts) if args.json else echo(
            f"Imported {counts['episodes']} cramps, {counts['context']} days of context and "
            f"{counts['medicines']} medicines."
        )
    elif action == "medicine":
        _medicine(diary, args)


def _medicine(diary: Any, args: argparse.Namespace) -> None:
    from crampcheck.diary.schemas import MedicineIn

    if args.name:
        item = _model(
            MedicineIn,
            {
                "name": args.name,
                "started_on": _date(args.started, "--started"),
                "stopped_on": _date(args.stopped, "--stopped"),
            },
        )
        medicine = diary.add_medicine(item)
        _print_json(medicine.model_dump(mode="json")) if args.json else echo(
            f"Recorded medicine #{medicine.id}: {medicine.name} -> "
            f"{medicine.generic or 'not recognised'}"
        )
        return
    if args.stop is not None:
        stopped = _date(args.stopped or "today", "--stopped")
        assert stopped is not None
        medicine = diary.stop_medicine(args.stop, stopped)
        _print_json(medicine.model_dump(mode="json")) if args.json else echo(
            f"Medicine #{medicine.id} {medicine.name} stopped on {medicine.stopped_on}."
        )
        return
    found = diary.medicines()
    if args.json:
        _print_json([m.model_dump(mode="json") for m in found])
        return
    for m in found:
        classes = ", ".join(m.classes) or "no cramp-linked class"
        echo(
            f"#{m.id:<4} {m.name} ({m.generic or 'not recognised'}: {classes}) "
            f"started {m.started_on or '?'} stopped {m.stopped_on or '-'}"
        )


def cmd_context(args: argparse.Namespace) -> None:
    from crampcheck.diary.schemas import ContextIn

    day = _date(args.day or "today", "--day")
    values: dict[str, Any] = {"day": day}
    for flag in (*CONTEXT_FLAGS, *CONTEXT_AMOUNTS):
        if getattr(args, flag) is not None:
            values[flag] = getattr(args, flag)
    diary = _open(args)
    if len(values) == 1:
        found = diary.context(since=day, until=day)
        if args.json:
            _print_json([c.model_dump(mode="json") for c in found])
        else:
            echo(_context_line(found[0]) if found else f"No context recorded for {day}.")
        return
    saved = diary.set_context(_model(ContextIn, values))
    _print_json(saved.model_dump(mode="json")) if args.json else echo(
        f"Recorded: {_context_line(saved)}"
    )


def _context_line(c: Any) -> str:
    parts = [str(c.day)]
    for flag in CONTEXT_FLAGS:
        value = getattr(c, flag)
        if value is not None:
            parts.append(f"{flag.replace('_', ' ')}: {'yes' if value else 'no'}")
    for amount in CONTEXT_AMOUNTS:
        value = getattr(c, amount)
        if value is not None:
            parts.append(f"{amount.replace('_', ' ')}: {value:g}")
    return "  ".join(parts)


def cmd_stats(args: argparse.Namespace) -> None:
    from crampcheck.diary.stats import diary_stats, jsonable

    today = _date(args.today or "today", "--today")
    assert today is not None
    stats = diary_stats(_open(args), today, age=args.age)
    if args.json:
        _print_json(jsonable(stats))
        return
    style = styler()
    s = stats.summary
    echo(style(f"Your cramp diary up to {s.today}", "bold", "underline"))
    if s.total == 0:
        echo("No cramps recorded yet. Record one with: crampcheck log")
        return
    echo(f"Cramps recorded: {s.total} since {s.first_night}")
    echo(f"Per week: {s.per_week:.1f} overall, {s.per_week_recent:.1f} in the last {s.weeks} weeks")
    c = s.comparison
    change = f" ({c.ratio:.1f} times)" if c.ratio is not None else ""
    echo(f"Last 4 weeks: {c.recent} cramps; the 4 weeks before: {c.previous}{change}")
    if s.median_minutes is not None:
        echo(f"Length: median {s.median_minutes:g} min, longest {s.longest_minutes:g} min")
    if s.mean_severity is not None:
        trend = s.severity_slope_per_week
        trend_text = "" if trend is None else f", trend {trend:+.2f} points a week"
        echo(f"Severity: mean {s.mean_severity:.1f}/10{trend_text}")
    echo(f"Disturbed nights: {s.disturbed_nights}")
    echo("Where: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in s.by_site.items()))
    echo("Side: " + ", ".join(f"{k} {v}" for k, v in s.by_side.items()))
    if stats.frequent_or_prolonged:
        echo(
            style(
                "Frequent or long cramps: worth an ordinary appointment with your doctor "
                "to look for a treatable cause.",
                "yellow",
                "bold",
            )
        )
        echo("  Because: " + "; ".join(stats.frequent_or_prolonged))
    reportable = [t for t in stats.triggers if t.reportable]
    echo(style("Possible triggers", "bold"))
    if not reportable:
        echo("  Not enough days of context yet (at least 5 nights with and 5 without a factor).")
    for t in reportable:
        echo(
            f"  {t.factor.replace('_', ' ')}: {t.rate_with:.2f} vs {t.rate_without:.2f} "
            f"cramps a night, ratio {t.ratio:.2f} (95% CI {t.lower:.2f} to {t.upper:.2f})"
        )
    if stats.triggers:
        echo(style(f"  {stats.triggers[0].note}", "dim"))
    for m in stats.medicines:
        if m.available:
            ratio = "" if m.ratio is None else f", ratio {m.ratio:.2f}"
            echo(
                f"Medicine {m.medicine}: {m.before} cramps in the 4 weeks before it started, "
                f"{m.after} in the 4 weeks after{ratio}"
            )
    if stats.medicines:
        echo(style(f"  {stats.medicines[0].note}", "dim"))


def cmd_backup(args: argparse.Namespace) -> None:
    from crampcheck.diary.io import backup, restore

    diary = _open(args)
    path = Path(args.file)
    if args.restore:
        counts = restore(diary, path)
        _print_json(counts) if args.json else echo(f"Restored from {path}: {counts}")
        return
    backup(diary, path)
    _print_json({"backup": str(path)}) if args.json else echo(f"Backup written to {path}.")


def add_commands(sub: Any, command: Any) -> None:
    """Register the diary commands on the main parser (``command`` is main._command)."""

    def common(p: Any) -> None:
        p.add_argument(
            "--db",
            metavar="URL",
            help="database: a SQLite file or postgresql://... "
            "(default: CRAMPCHECK_DATABASE_URL, else the diary in your data folder)",
        )
        p.add_argument("--json", action="store_true", help="print JSON")

    def episode_options(p: Any, defaults: bool) -> None:
        p.add_argument("--at", help="when it started: HH:MM, or 2026-11-25T03:10 (default: now)")
        p.add_argument(
            "--site",
            choices=["calf", "foot", "toes", "shin", "thigh_back", "thigh_front", "hand", "other"],
            help="where (default: calf)" if defaults else "where",
        )
        p.add_argument("--side", choices=["left", "right", "both", "alternating"])
        p.add_argument("--minutes", type=float, help="how long it lasted")
        p.add_argument("--severity", type=int, help="0 (none) to 10 (worst)")
        p.add_argument(
            "--sleep",
            dest="sleep_disturbance",
            type=int,
            help="how much it disturbed your sleep, 0 to 10",
        )
        p.add_argument("--helped", help="what helped")
        p.add_argument("--notes")

    p = command(
        sub,
        "log",
        cmd_log,
        "Record a cramp in the diary, now or at a given time.",
        "One short command with sensible defaults: a calf cramp, now.",
        "  crampcheck log --minutes 3 --severity 7\n"
        "  crampcheck log --at 03:10 --site foot --side left --sleep 6",
    )
    episode_options(p, True)
    common(p)

    p = command(
        sub,
        "diary",
        cmd_diary,
        "List, edit, delete, export or import diary records.",
        "list shows cramps (filter by --since/--until); edit and delete take the id shown\n"
        "by list; export and import use JSON or CSV (by the file extension); medicine\n"
        "records medicines with their start and stop dates.",
        "  crampcheck diary list --since 2026-11-01\n"
        "  crampcheck diary edit 12 --minutes 5\n"
        "  crampcheck diary export diary.csv\n"
        "  crampcheck diary medicine --name 'simvastatin 40mg' --started 2026-10-01",
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=type(p))
    q = actions.add_parser("list", help="list cramps")
    q.add_argument("--since", help="first date (YYYY-MM-DD, today, yesterday)")
    q.add_argument("--until", help="last date")
    q.add_argument("--limit", type=int, help="only the newest N")
    common(q)
    q = actions.add_parser("edit", help="change a recorded cramp")
    q.add_argument("id", type=int)
    episode_options(q, False)
    common(q)
    q = actions.add_parser("delete", help="delete a recorded cramp")
    q.add_argument("id", type=int)
    common(q)
    q = actions.add_parser("export", help="write the diary to FILE (.json or .csv)")
    q.add_argument("file")
    common(q)
    q = actions.add_parser("import", help="add the records in FILE (.json or .csv); all or none")
    q.add_argument("file")
    common(q)
    q = actions.add_parser("medicine", help="record or list medicines with start and stop dates")
    q.add_argument("--name", help="record this medicine")
    q.add_argument("--started", help="date started (YYYY-MM-DD)")
    q.add_argument("--stopped", help="date stopped")
    q.add_argument("--stop", type=int, metavar="ID", help="mark medicine ID as stopped")
    common(q)

    p = command(
        sub,
        "context",
        cmd_context,
        "Record what a day was like (it applies to the night).",
        "Yes/no factors take --X or --no-X; amounts take a number. Without any, shows the day.",
        "  crampcheck context --hard-exercise --alcohol-units 4 --no-stretched-before-bed",
    )
    p.add_argument("--day", help="the day (default: today)")
    for flag in CONTEXT_FLAGS:
        p.add_argument(
            f"--{flag.replace('_', '-')}",
            dest=flag,
            action=argparse.BooleanOptionalAction,
            default=None,
        )
    for amount in CONTEXT_AMOUNTS:
        p.add_argument(f"--{amount.replace('_', '-')}", dest=amount, type=float)
    common(p)

    p = command(
        sub,
        "stats",
        cmd_stats,
        "Patterns in your diary: frequency, length, triggers.",
        "Frequency per week, median and longest cramp, severity trend, disturbed nights,\n"
        "sites and sides, the last 4 weeks against the 4 before, possible triggers (with\n"
        "at least 5 nights with and without) and cramps before and after a medicine.",
        "  crampcheck stats\n  crampcheck stats --age 67 --json",
    )
    p.add_argument("--today", help="the last day to count (default: today)")
    p.add_argument("--age", type=int, help="your age: also checks the 'frequent or long' rule")
    common(p)

    p = command(
        sub,
        "backup",
        cmd_backup,
        "Make a consistent copy of the diary, or restore one.",
        "The copy is a SQLite file, made while others may write. --restore adds a\n"
        "backup's records to an empty diary.",
        "  crampcheck backup diary-2026-11-25.sqlite3\n"
        "  crampcheck backup --restore diary-2026-11-25.sqlite3 --db new.sqlite3",
    )
    p.add_argument("file")
    p.add_argument("--restore", action="store_true", help="restore FILE into the diary")
    common(p)
