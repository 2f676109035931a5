"""The diary's boundary models: what a person (CLI, API, import file) may record.

Strict pydantic models with unknown keys rejected, shared by every front end. Times are
timezone-aware; a naive time is refused, so a night is never put on the wrong day.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from crampcheck.diary import CONTEXT_AMOUNTS, CONTEXT_FLAGS  # noqa: F401  (part of this module's API)

Site = Literal["calf", "foot", "toes", "shin", "thigh_back", "thigh_front", "hand", "other"]
Side = Literal["left", "right", "both", "alternating"]
Score = Annotated[int, Field(ge=0, le=10)]
Text = Annotated[str, Field(max_length=2000)]


EARLIEST = date(1900, 1, 1)
LATEST = date(2200, 12, 31)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("give a time zone, for example 2026-11-25T03:10:00+00:00")
    _in_range(value.date())
    return value


def _in_range(value: date) -> date:
    if not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


# Dates and times arrive as ISO text from JSON, CSV and HTTP: parsed even in strict models.
AwareDatetime = Annotated[datetime, Field(strict=False), AfterValidator(_aware)]
Day = Annotated[date, Field(strict=False), AfterValidator(_in_range)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class EpisodeIn(_In):
    """One cramp as it is recorded."""

    started_at: AwareDatetime
    site: Site = "calf"
    side: Side | None = None
    minutes: Annotated[float, Field(ge=0, le=600)] | None = None
    severity: Score | None = None
    sleep_disturbance: Score | None = None  # 0: slept through; 10: awake for the night
    helped: Text | None = None
    notes: Text | None = None


class EpisodePatch(_In):
    """Changes to a recorded cramp: only the fields given are changed."""

    started_at: AwareDatetime | None = None
    site: Site | None = None
    side: Side | None = None
    minutes: Annotated[float, Field(ge=0, le=600)] | None = None
    severity: Score | None = None
    sleep_disturbance: Score | None = None
    helped: Text | None = None
    notes: Text | None = None


class Episode(EpisodeIn):
    """A recorded cramp."""

    id: int


class ContextIn(_In):
    """What a day was like; it applies to the night that follows."""

    day: Day
    hard_exercise: bool | None = None
    heat_or_sweating: bool | None = None  # hot weather or heavy sweating
    cold_night: bool | None = None
    alcohol_units: Annotated[float, Field(ge=0, le=100)] | None = None
    caffeine_drinks: Annotated[float, Field(ge=0, le=30)] | None = None
    fluids_litres: Annotated[float, Field(ge=0, le=15)] | None = None
    tight_bedding: bool | None = None
    stretched_before_bed: bool | None = None


class MedicineIn(_In):
    """A medicine with the dates it was started and stopped."""

    name: Annotated[str, Field(min_length=1, max_length=300)]
    started_on: Day | None = None
    stopped_on: Day | None = None


class Medicine(MedicineIn):
    id: int
    generic: str | None = None
    classes: list[str] = []


class AssessmentRecord(_In):
    """An assessment as saved: the intake, the result and what produced it."""

    created_at: AwareDatetime
    engine_version: str
    knowledge_version: str
    triage: Literal["self_care", "routine", "urgent", "emergency"]
    intake: dict[str, Any]
    result: dict[str, Any]


class SavedAssessment(AssessmentRecord):
    id: int


class DiaryExport(_In):
    """Everything one person recorded, as exported to and imported from JSON."""

    format: Literal["crampcheck-diary"] = "crampcheck-diary"
    version: Literal[1] = 1
    episodes: list[EpisodeIn] = []
    context: list[ContextIn] = []
    medicines: list[MedicineIn] = []
    assessments: list[AssessmentRecord] = []
