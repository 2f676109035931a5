"""The diary: the only place that reads and writes diary rows (SQLite or PostgreSQL).

Every method works for one owner. Writes are whole: a batch (an import) is validated before
the transaction starts and written in one transaction, so bad input never leaves half a record.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import Connection, CursorResult, Engine, Row, delete, insert, select, update
from sqlalchemy.exc import OperationalError

from crampcheck.diary import tables
from crampcheck.diary.analytics import EpisodeData
from crampcheck.diary.db import connect
from crampcheck.diary.migrations import DEFAULT_OWNER, migrate
from crampcheck.diary.schemas import (
    AssessmentRecord,
    ContextIn,
    DiaryExport,
    Episode,
    EpisodeIn,
    EpisodePatch,
    Medicine,
    MedicineIn,
    SavedAssessment,
)
from crampcheck.errors import CrampcheckError, InputError, NotFoundError

EPISODE_FIELDS = ("site", "side", "minutes", "severity", "sleep_disturbance", "helped", "notes")
CONTEXT_FIELDS = tuple(f for f in ContextIn.model_fields if f != "day")


class DiaryError(CrampcheckError):
    """The diary database cannot be used (unreachable, locked beyond the timeout, ...)."""


MAX_ID = 2**31 - 1  # INTEGER on PostgreSQL


def _check_id(record_id: int, what: str) -> None:
    if not 1 <= record_id <= MAX_ID:
        raise NotFoundError([f"id: no {what} with id {record_id} in this diary"])


def _new_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    if key is None:
        raise DiaryError("the database did not return the new row's id")
    return int(key[0])


def _to_row_time(moment: datetime) -> tuple[datetime, int]:
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return moment.astimezone(UTC).replace(tzinfo=None), minutes


def _from_row_time(utc: datetime, offset_minutes: int) -> datetime:
    zone = timezone(timedelta(minutes=offset_minutes))
    return utc.replace(tzinfo=UTC).astimezone(zone)


def _episode(row: Row[Any]) -> Episode:
    m = row._mapping
    return Episode(
        id=m["id"],
        started_at=_from_row_time(m["started_at_utc"], m["utc_offset_minutes"]),
        **{k: m[k] for k in EPISODE_FIELDS},
    )


def _utc_bounds(since: date | None, until: date | None) -> tuple[datetime | None, datetime | None]:
    """UTC limits wide enough for local dates in any zone (filtered exactly afterwards)."""
    margin = timedelta(hours=14)
    low = high = None
    if since is not None and since > date.min:
        low = datetime.combine(since, datetime.min.time()) - margin
    if until is not None and until < date.max:
        high = datetime.combine(until, datetime.max.time()) + margin
    return low, high


class Diary:
    """One person's cramp diary in a database given by URL (see ``crampcheck.diary.db``)."""

    def __init__(
        self, url: str | None = None, owner: str = DEFAULT_OWNER, engine: Engine | None = None
    ) -> None:
        self.engine = engine or connect(url)
        self.reader = (
            connect(self.engine.url.render_as_string(hide_password=False), writing=False)
            if self.engine.dialect.name == "sqlite"
            else self.engine
        )
        self.owner = owner
        self._snapshot: Connection | None = None
        try:
            migrate(self.engine)
            self._ensure_owner()
        except OperationalError as exc:
            raise DiaryError(f"cannot open the diary database: {exc.orig}") from None

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """A connection for reading: the snapshot one while ``export(consistent=True)`` runs."""
        if self._snapshot is not None:
            yield self._snapshot
            return
        with self.reader.connect() as conn:
            yield conn

    def close(self) -> None:
        """Close the database connections."""
        self.engine.dispose()
        self.reader.dispose()

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def _ensure_owner(self) -> None:
        with self.engine.connect() as conn:
            found = conn.execute(
                select(tables.owners.c.id).where(tables.owners.c.id == self.owner)
            ).first()
        if found:
            return
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as upsert
        else:
            from sqlalchemy.dialects.sqlite import insert as upsert  # type: ignore[assignment]
        new = upsert(tables.owners).values(
            id=self.owner, name=None, created_at=datetime.now(UTC).replace(tzinfo=None)
        )
        with self.engine.begin() as conn:  # another process may add the same owner meanwhile
            conn.execute(new.on_conflict_do_nothing(index_elements=["id"]))

    # --- episodes ---------------------------------------------------------------------------
    def _episode_values(self, item: EpisodeIn) -> dict[str, Any]:
        utc, offset = _to_row_time(item.started_at)
        return {
            "owner_id": self.owner,
            "started_at_utc": utc,
            "utc_offset_minutes": offset,
            "created_at": datetime.now(UTC).replace(tzinfo=None),
            **{k: getattr(item, k) for k in EPISODE_FIELDS},
        }

    def add_episode(self, item: EpisodeIn) -> Episode:
        """Record one cramp; returns it with its id once it is committed."""
        with self.engine.begin() as conn:
            result = conn.execute(insert(tables.episodes).values(self._episode_values(item)))
            new_id = _new_id(result)
        return Episode(id=new_id, **item.model_dump())

    def add_episodes(self, items: Sequence[EpisodeIn]) -> int:
        """Record many cramps in one transaction (all or none)."""
        if not items:
            return 0
        with self.engine.begin() as conn:
            conn.execute(insert(tables.episodes), [self._episode_values(i) for i in items])
        return len(items)

    def episodes(
        self, since: date | None = None, until: date | None = None, limit: int | None = None
    ) -> list[Episode]:
        """Cramps between two local dates (inclusive), oldest first; ``limit`` keeps the newest."""
        t = tables.episodes
        query = select(t).where(t.c.owner_id == self.owner)
        low, high = _utc_bounds(since, until)
        if low is not None:
            query = query.where(t.c.started_at_utc >= low)
        if high is not None:
            query = query.where(t.c.started_at_utc <= high)
        query = query.order_by(t.c.started_at_utc.desc(), t.c.id.desc())
        if limit is not None and since is None and until is None:
            query = query.limit(limit)
        with self._reading() as conn:
            found = [_episode(row) for row in conn.execute(query)]
        found = [
            e
            for e in found
            if (since is None or e.started_at.date() >= since)
            and (until is None or e.started_at.date() <= until)
        ]
        if limit is not None:
            found = found[:limit]
        return list(reversed(found))

    def episode_data(self) -> list[EpisodeData]:
        """All cramps as plain analytics records, oldest first (no per-row validation: the rows
        were validated when they were written)."""
        t = tables.episodes
        columns = [t.c.started_at_utc, t.c.utc_offset_minutes, t.c.site, t.c.side, t.c.minutes]
        columns += [t.c.severity, t.c.sleep_disturbance]
        query = select(*columns).where(t.c.owner_id == self.owner).order_by(t.c.started_at_utc)
        zones: dict[int, timezone] = {}
        out = []
        with self._reading() as conn:
            for utc, offset, site, side, minutes, severity, sleep in conn.execute(query):
                zone = zones.get(offset) or zones.setdefault(
                    offset, timezone(timedelta(minutes=offset))
                )
                started = utc.replace(tzinfo=UTC).astimezone(zone)
                out.append(EpisodeData(started, site, side, minutes, severity, sleep))
        return out

    def episode(self, episode_id: int) -> Episode:
        _check_id(episode_id, "cramp")
        t = tables.episodes
        with self._reading() as conn:
            row = conn.execute(
                select(t).where(t.c.owner_id == self.owner, t.c.id == episode_id)
            ).first()
        if row is None:
            raise NotFoundError([f"id: no cramp with id {episode_id} in this diary"])
        return _episode(row)

    def update_episode(self, episode_id: int, patch: EpisodePatch) -> Episode:
        """Change the fields given in ``patch``; the others stay as they were."""
        _check_id(episode_id, "cramp")
        changes: dict[str, Any] = {
            k: v for k, v in patch.model_dump(exclude_unset=True).items() if k != "started_at"
        }
        if patch.started_at is not None:
            changes["started_at_utc"], changes["utc_offset_minutes"] = _to_row_time(
                patch.started_at
            )
        t = tables.episodes
        if changes:
            with self.engine.begin() as conn:
                done = conn.execute(
                    update(t)
                    .where(t.c.owner_id == self.owner, t.c.id == episode_id)
                    .values(changes)
                )
                if done.rowcount == 0:
                    raise NotFoundError([f"id: no cramp with id {episode_id} in this diary"])
        return self.episode(episode_id)

    def delete_episode(self, episode_id: int) -> None:
        _check_id(episode_id, "cramp")
        t = tables.episodes
        with self.engine.begin() as conn:
            done = conn.execute(delete(t).where(t.c.owner_id == self.owner, t.c.id == episode_id))
        if done.rowcount == 0:
            raise NotFoundError([f"id: no cramp with id {episode_id} in this diary"])

    # --- daily context ----------------------------------------------------------------------
    def set_context(self, item: ContextIn) -> ContextIn:
        """Record a day's context; fields left out keep what was recorded before."""
        given = item.model_dump(exclude_unset=True)
        given.pop("day", None)
        t = tables.day_context
        with self.engine.begin() as conn:
            row = conn.execute(
                select(t).where(t.c.owner_id == self.owner, t.c.day == item.day)
            ).first()
            if row is None:
                conn.execute(insert(t).values(owner_id=self.owner, day=item.day, **given))
            elif given:
                conn.execute(update(t).where(t.c.id == row._mapping["id"]).values(given))
        return next(c for c in self.context(item.day, item.day))

    def context(self, since: date | None = None, until: date | None = None) -> list[ContextIn]:
        t = tables.day_context
        query = select(t).where(t.c.owner_id == self.owner)
        if since is not None:
            query = query.where(t.c.day >= since)
        if until is not None:
            query = query.where(t.c.day <= until)
        with self._reading() as conn:
            rows = conn.execute(query.order_by(t.c.day)).all()
        return [
            ContextIn(day=r._mapping["day"], **{k: r._mapping[k] for k in CONTEXT_FIELDS})
            for r in rows
        ]

    # --- medicines --------------------------------------------------------------------------
    def add_medicine(self, item: MedicineIn) -> Medicine:
        if item.started_on and item.stopped_on and item.stopped_on < item.started_on:
            raise InputError(["stopped_on: must not be before started_on"])
        with self.engine.begin() as conn:
            result = conn.execute(
                insert(tables.medicines).values(owner_id=self.owner, **item.model_dump())
            )
            new_id = _new_id(result)
        return self._medicine(new_id, item)

    def _medicine(self, medicine_id: int, item: MedicineIn) -> Medicine:
        from crampcheck.engine.core import default_engine

        found = default_engine().medicines.recognise(item.name)
        return Medicine(
            id=medicine_id, generic=found.generic, classes=list(found.classes), **item.model_dump()
        )

    def medicines(self) -> list[Medicine]:
        t = tables.medicines
        with self._reading() as conn:
            rows = conn.execute(select(t).where(t.c.owner_id == self.owner).order_by(t.c.id)).all()
        return [
            self._medicine(
                r._mapping["id"],
                MedicineIn(
                    name=r._mapping["name"],
                    started_on=r._mapping["started_on"],
                    stopped_on=r._mapping["stopped_on"],
                ),
            )
            for r in rows
        ]

    def stop_medicine(self, medicine_id: int, stopped_on: date) -> Medicine:
        _check_id(medicine_id, "medicine")
        t = tables.medicines
        with self.engine.begin() as conn:
            done = conn.execute(
                update(t)
                .where(t.c.owner_id == self.owner, t.c.id == medicine_id)
                .values(stopped_on=stopped_on)
            )
        if done.rowcount == 0:
            raise NotFoundError([f"id: no medicine with id {medicine_id} in this diary"])
        return next(m for m in self.medicines() if m.id == medicine_id)

    # --- saved assessments ------------------------------------------------------------------
    def _assessment_values(self, record: AssessmentRecord) -> dict[str, Any]:
        return {
            "owner_id": self.owner,
            "created_at": record.created_at.astimezone(UTC).replace(tzinfo=None),
            "engine_version": record.engine_version,
            "knowledge_version": record.knowledge_version,
            "triage": record.triage,
            "intake_json": json.dumps(record.intake, sort_keys=True),
            "result_json": json.dumps(record.result, sort_keys=True),
        }

    def save_assessment(self, intake: dict[str, Any], result: dict[str, Any]) -> int:
        """Keep an assessment with the engine and knowledge versions that produced it."""
        versions = result.get("versions") or {}
        record = AssessmentRecord(
            created_at=datetime.now(UTC),
            engine_version=str(versions.get("engine", "")),
            knowledge_version=str(versions.get("knowledge", "")),
            triage=result["triage"]["level"],
            intake=intake,
            result=result,
        )
        with self.engine.begin() as conn:
            done = conn.execute(insert(tables.assessments).values(self._assessment_values(record)))
            return _new_id(done)

    def assessments(self) -> list[SavedAssessment]:
        t = tables.assessments
        with self._reading() as conn:
            rows = conn.execute(
                select(t).where(t.c.owner_id == self.owner).order_by(t.c.created_at, t.c.id)
            ).all()
        return [
            SavedAssessment(
                id=m["id"],
                created_at=m["created_at"].replace(tzinfo=UTC),
                engine_version=m["engine_version"],
                knowledge_version=m["knowledge_version"],
                triage=m["triage"],
                intake=json.loads(m["intake_json"]),
                result=json.loads(m["result_json"]),
            )
            for m in (r._mapping for r in rows)
        ]

    # --- whole diary --------------------------------------------------------------------------
    def export(self, consistent: bool = False) -> DiaryExport:
        """Everything this owner recorded; ``consistent`` reads it all at one moment."""
        if not consistent:
            return self._export()
        with self.reader.connect() as conn:
            if self.engine.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ")
            with conn.begin():
                self._snapshot = conn
                try:
                    return self._export()
                finally:
                    self._snapshot = None

    def _export(self) -> DiaryExport:
        return DiaryExport(
            episodes=[EpisodeIn(**e.model_dump(exclude={"id"})) for e in self.episodes()],
            context=self.context(),
            medicines=[
                MedicineIn(**m.model_dump(include={"name", "started_on", "stopped_on"}))
                for m in self.medicines()
            ],
            assessments=[
                AssessmentRecord(**a.model_dump(exclude={"id"})) for a in self.assessments()
            ],
        )

    def import_all(self, data: DiaryExport) -> dict[str, int]:
        """Add everything in ``data`` in one transaction: all of it, or nothing."""
        t_ctx = tables.day_context
        with self.engine.begin() as conn:
            if data.episodes:
                conn.execute(
                    insert(tables.episodes), [self._episode_values(e) for e in data.episodes]
                )
            for item in data.context:
                given = item.model_dump(exclude_unset=True)
                given.pop("day", None)
                row = conn.execute(
                    select(t_ctx.c.id).where(
                        t_ctx.c.owner_id == self.owner, t_ctx.c.day == item.day
                    )
                ).first()
                if row is None:
                    conn.execute(insert(t_ctx).values(owner_id=self.owner, day=item.day, **given))
                elif given:
                    conn.execute(update(t_ctx).where(t_ctx.c.id == row[0]).values(given))
            if data.medicines:
                conn.execute(
                    insert(tables.medicines),
                    [{"owner_id": self.owner, **m.model_dump()} for m in data.medicines],
                )
            if data.assessments:
                conn.execute(
                    insert(tables.assessments),
                    [self._assessment_values(a) for a in data.assessments],
                )
        return {
            "episodes": len(data.episodes),
            "context": len(data.context),
            "medicines": len(data.medicines),
            "assessments": len(data.assessments),
        }
