"""A diary's statistics: the pure analytics of ``analytics.py`` over one person's records."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crampcheck.diary.analytics import (
    Association,
    ContextData,
    EpisodeData,
    MedicineData,
    MedicineTiming,
    Summary,
    all_triggers,
    diary_frequent_or_prolonged,
    medicine_timing,
    summary,
)
from crampcheck.diary.repository import CONTEXT_FIELDS, Diary
from crampcheck.engine.intake import Intake

# A numeric context value above its threshold counts as "with" the factor.
THRESHOLDS = {"caffeine_drinks": 2.0, "fluids_litres": 1.5}


@dataclass(frozen=True, slots=True)
class DiaryStats:
    """Everything ``crampcheck stats`` reports."""

    summary: Summary
    triggers: list[Association]
    medicines: list[MedicineTiming]
    frequent_or_prolonged: list[str] | None  # the policy rule on the diary (needs the age)


def diary_stats(
    diary: Diary,
    today: date,
    age: int | None = None,
    stretches: bool | None = None,
    relevant_condition: str | None = None,
    episodes: list[EpisodeData] | None = None,
) -> DiaryStats:
    """Frequency, duration, severity trend, triggers and medicine timing for one diary.

    ``episodes``: the diary's ``episode_data()`` when the caller has already read it.
    """
    if episodes is None:
        episodes = diary.episode_data()
    contexts = [
        ContextData(day=c.day, values={k: getattr(c, k) for k in CONTEXT_FIELDS})
        for c in diary.context()
    ]
    medicines = [
        medicine_timing(episodes, MedicineData(m.name, m.started_on, m.stopped_on), today=today)
        for m in diary.medicines()
        if m.started_on is not None
    ]
    rule = (
        diary_frequent_or_prolonged(episodes, today, age, stretches, relevant_condition)
        if age is not None
        else None
    )
    return DiaryStats(
        summary=summary(episodes, today),
        triggers=all_triggers(episodes, contexts, CONTEXT_FIELDS, thresholds=THRESHOLDS),
        medicines=medicines,
        frequent_or_prolonged=rule,
    )


def frequent_or_prolonged_for(
    diary: Diary, intake: Intake, today: date | None = None
) -> list[str] | None:
    """The policy's frequent_or_prolonged rule on the diary, for the person of ``intake``."""
    from crampcheck.engine.facts import CRAMP_RELEVANT_CONDITIONS

    conditions = sorted(set(intake.conditions or ()) & CRAMP_RELEVANT_CONDITIONS)
    stretches = intake.lifestyle.stretches_regularly if intake.lifestyle else None
    return diary_frequent_or_prolonged(
        diary.episode_data(),
        today or date.today(),
        intake.person.age,
        stretches,
        f"conditions={conditions[0]}" if conditions else None,
    )


def jsonable(value: Any) -> Any:
    """Dataclasses, dates and infinities as plain JSON values (infinity becomes null)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict) or hasattr(value, "items"):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
