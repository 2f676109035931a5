"""Diary export and import as JSON and CSV, round-tripping without loss, and backups.

CSV holds all three kinds of record in one file: a ``record`` column says ``episode``,
``context`` or ``medicine``; the other columns are the fields (empty means not recorded).
Every row is validated before anything is written; a bad file is refused whole, with the row
number and the field named.
"""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from datetime import date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import ContextIn, DiaryExport, EpisodeIn, MedicineIn
from crampcheck.errors import InputError
from crampcheck.validation import describe

RECORDS: dict[str, type[BaseModel]] = {
    "episode": EpisodeIn,
    "context": ContextIn,
    "medicine": MedicineIn,
}
COLUMNS = ["record", *dict.fromkeys(f for model in RECORDS.values() for f in model.model_fields)]


FREE_TEXT = frozenset({"helped", "notes", "name"})


def to_json(data: DiaryExport) -> str:
    return data.model_dump_json(indent=1) + "\n"


def from_json(text: str) -> DiaryExport:
    try:
        return DiaryExport.model_validate_json(text)
    except ValidationError as exc:
        raise InputError(describe(exc, DiaryExport)) from None


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return str(value)


def to_csv(data: DiaryExport) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for kind, items in (
        ("episode", data.episodes),
        ("context", data.context),
        ("medicine", data.medicines),
    ):
        for item in items:
            writer.writerow({"record": kind, **{k: _cell(v) for k, v in item.model_dump().items()}})
    return out.getvalue()


def from_csv(text: str) -> DiaryExport:
    """Parse a diary CSV; every problem names its row (counting the header as row 1)."""
    reader = csv.DictReader(io.StringIO(text))
    problems: list[str] = []
    if reader.fieldnames is None or "record" not in reader.fieldnames:
        raise InputError(["(header): the first row must name the columns, starting with record"])
    if unknown := [c for c in reader.fieldnames if c not in COLUMNS]:
        problems.append(f"(header): unknown columns {unknown}; allowed: {', '.join(COLUMNS)}")
    found: dict[str, list[Any]] = {kind: [] for kind in RECORDS}
    for number, row in enumerate(reader, start=2):
        kind = (row.get("record") or "").strip()
        model = RECORDS.get(kind)
        if model is None:
            problems.append(f"row {number}: record: must be one of episode, context, medicine")
            continue
        values = {k: v for k, v in row.items() if k in model.model_fields and v not in ("", None)}
        extra = [k for k, v in row.items() if k not in model.model_fields and k != "record" and v]
        if extra:
            problems.append(f"row {number}: {', '.join(extra)}: not a field of a {kind} record")
        try:
            # JSON validation reads ISO dates and true/false the way the CSV writes them
            found[kind].append(model.model_validate_json(json.dumps(_typed(model, values))))
        except ValidationError as exc:
            problems.extend(f"row {number}: {line}" for line in describe(exc, model))
    if problems:
        raise InputError(problems)
    return DiaryExport(
        episodes=found["episode"], context=found["context"], medicines=found["medicine"]
    )


def _typed(model: type[BaseModel], values: dict[str, str]) -> dict[str, Any]:
    """CSV text to JSON types by the field's annotation (numbers, booleans); the rest as text."""
    out: dict[str, Any] = {}
    for name, raw in values.items():
        annotation = str(model.model_fields[name].annotation)
        if name in FREE_TEXT:
            out[name] = raw  # kept exactly, spaces included
            continue
        text = raw.strip()
        if "bool" in annotation and text.lower() in ("true", "false"):
            out[name] = text.lower() == "true"
        elif "int" in annotation or "float" in annotation:
            try:
                number = float(text)
                out[name] = int(number) if "int" in annotation and number.is_integer() else number
            except ValueError:
                out[name] = text  # validation names the field and what is allowed
        else:
            out[name] = text
    return out


def read_file(path: Path) -> DiaryExport:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([f"FILE: cannot read {path}: {exc}"]) from None
    return from_csv(text) if path.suffix.lower() == ".csv" else from_json(text)


def write_file(data: DiaryExport, path: Path) -> None:
    text = to_csv(data) if path.suffix.lower() == ".csv" else to_json(data)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def backup(diary: Diary, path: Path) -> Path:
    """A consistent copy of the diary as a SQLite file.

    A SQLite diary is copied whole with SQLite's online backup (every owner, every table, at one
    moment, while others may write). A PostgreSQL diary copies this owner's records (cramps,
    context, medicines, saved assessments) read in one repeatable-read transaction.
    """
    if path.exists():
        raise InputError([f"FILE: {path} exists; choose a new file name"])
    if diary.engine.dialect.name == "sqlite":
        raw = diary.engine.raw_connection()
        try:
            source = raw.driver_connection
            target = sqlite3.connect(path)
            try:
                source.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
        finally:
            raw.close()
        return path
    copy = Diary(f"sqlite:///{path.resolve()}", owner=diary.owner)
    copy.import_all(diary.export(consistent=True))
    copy.close()
    return path


def restore(diary: Diary, path: Path) -> dict[str, int]:
    """Add this owner's records from a backup file to an empty diary (all or nothing)."""
    if not path.exists():
        raise InputError([f"FILE: no such file: {path}"])
    if diary.episodes(limit=1) or diary.context() or diary.medicines():
        raise InputError(["the diary is not empty: restore only into a new database (--db)"])
    source = Diary(f"sqlite:///{path.resolve()}", owner=diary.owner)
    try:
        return diary.import_all(source.export(consistent=True))
    finally:
        source.close()
