"""The JSON API under ``/api/v1``: a thin adapter over the engine, the knowledge base and the diary.

The request and response bodies are the library's own pydantic models (``Intake``,
``Assessment``, ``EpisodeIn``...), so the API, the CLI and the pages share one contract. Bad input
gets HTTP 422 with the path of every bad field; a missing record 404.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import (
    EARLIEST,
    LATEST,
    ContextIn,
    Episode,
    EpisodeIn,
    EpisodePatch,
    Medicine,
    MedicineIn,
)
from crampcheck.engine.assessment import Assessment
from crampcheck.engine.core import assess, assess_json, default_engine
from crampcheck.engine.intake import Intake
from crampcheck.knowledge.browse import KINDS, record_json, records
from crampcheck.knowledge.loader import load_knowledge

router = APIRouter(prefix="/api/v1")


class RecogniseIn(BaseModel):
    """Medicines as a person writes them: one free-text list, or items."""

    model_config = ConfigDict(strict=True, extra="forbid")
    text: Annotated[str, Field(max_length=5000)] | None = None
    items: (
        Annotated[list[Annotated[str, Field(min_length=1, max_length=300)]], Field(max_length=100)]
        | None
    ) = None


class RecognisedOut(BaseModel):
    input: str
    generic: str | None
    classes: list[str]
    grades: dict[str, str]
    grade: str | None
    hint: str | None


class StatsOut(BaseModel):
    """``crampcheck stats --json``: see ``crampcheck.diary.stats``."""

    model_config = ConfigDict(extra="allow")


def diary(request: Request) -> Diary:
    found: Diary = request.app.state.diary
    return found


DiaryDep = Annotated[Diary, Depends(diary)]


@router.post("/assessments", response_model=Assessment, tags=["assessment"])
async def post_assessment(
    intake: Intake,
    book: DiaryDep,
    use_diary: Annotated[bool, Query(description="raise the triage from the diary")] = False,
    save: Annotated[bool, Query(description="keep the assessment in the diary")] = False,
) -> Response:
    """Assess an intake (contract version 1); the answer is the contract's assessment."""
    if use_diary or save:
        # the diary is a database: keep its work off the event loop
        return await run_in_threadpool(_assess_with_diary, intake, book, use_diary, save)
    # The engine is pure and takes well under a millisecond: run it on the event loop. (A
    # well-formed request without flags is answered before it gets here, by the same code:
    # ``crampcheck.web.fastpath``.)
    return Response(assess_json(intake), media_type="application/json")


def _assess_with_diary(intake: Intake, book: Diary, use_diary: bool, save: bool) -> Response:
    because = None
    if use_diary:
        from crampcheck.diary.stats import frequent_or_prolonged_for

        because = frequent_or_prolonged_for(book, intake)
    result = assess(intake, diary_because=because)
    if save:
        book.save_assessment(
            intake.model_dump(mode="json", exclude_none=True), result.model_dump(mode="json")
        )
    return Response(result.model_dump_json(), media_type="application/json")


@router.post("/medications/recognise", response_model=list[RecognisedOut], tags=["medicines"])
def recognise(body: RecogniseIn) -> list[RecognisedOut]:
    """Recognise medicines: generic names, classes and grades, or a hint."""
    index = default_engine().medicines
    items = list(body.items or [])
    if body.text:
        items.extend(index.split_items(body.text))
    if not items:
        raise HTTPException(422, [{"loc": ["body", "text"], "msg": "give text or items"}])
    return [RecognisedOut(**index.recognise(item).summary()) for item in items]


Kind = Literal[
    "alerts", "factors", "classes", "medicines", "references", "prevention", "safety", "questions"
]


@router.get("/knowledge", tags=["knowledge"])
def knowledge_index() -> dict[str, int]:
    """The kinds of knowledge record and how many of each."""
    kb = load_knowledge()
    return {kind: len(records(kb, kind)) for kind in KINDS}


@router.get("/knowledge/{kind}", tags=["knowledge"])
def knowledge_list(kind: Kind) -> list[dict[str, Any]]:
    """Every record of one kind."""
    return [r.model_dump(mode="json") for r in records(load_knowledge(), kind).values()]


@router.get("/knowledge/{kind}/{record_id}", tags=["knowledge"])
def knowledge_record(kind: Kind, record_id: str) -> dict[str, Any]:
    """One record with the full references it cites."""
    kb = load_knowledge()
    record = records(kb, kind).get(record_id)
    if record is None:
        raise HTTPException(404, f"no {kind} record {record_id!r}")
    return record_json(kb, kind, record)


@router.get("/diary/episodes", response_model=list[Episode], tags=["diary"])
def list_episodes(
    book: DiaryDep,
    since: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
    until: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100_000)] = None,
) -> list[Episode]:
    """Recorded cramps between two local dates (inclusive), oldest first."""
    return book.episodes(since=since, until=until, limit=limit)


@router.post("/diary/episodes", response_model=Episode, status_code=201, tags=["diary"])
def add_episode(item: EpisodeIn, book: DiaryDep) -> Episode:
    """Record a cramp."""
    return book.add_episode(item)


@router.get("/diary/episodes/{episode_id}", response_model=Episode, tags=["diary"])
def get_episode(episode_id: int, book: DiaryDep) -> Episode:
    """One recorded cramp."""
    return book.episode(episode_id)


@router.patch("/diary/episodes/{episode_id}", response_model=Episode, tags=["diary"])
def edit_episode(episode_id: int, patch: EpisodePatch, book: DiaryDep) -> Episode:
    """Change the fields given; the others stay."""
    return book.update_episode(episode_id, patch)


@router.delete("/diary/episodes/{episode_id}", status_code=204, tags=["diary"])
def delete_episode(episode_id: int, book: DiaryDep) -> Response:
    book.delete_episode(episode_id)
    return Response(status_code=204)


@router.get("/diary/context", response_model=list[ContextIn], tags=["diary"])
def list_context(
    book: DiaryDep, since: date | None = None, until: date | None = None
) -> list[ContextIn]:
    return book.context(since=since, until=until)


@router.put("/diary/context", response_model=ContextIn, tags=["diary"])
def put_context(item: ContextIn, book: DiaryDep) -> ContextIn:
    """Record a day's context; fields left out keep what was recorded."""
    return book.set_context(item)


@router.get("/diary/medicines", response_model=list[Medicine], tags=["diary"])
def list_medicines(book: DiaryDep) -> list[Medicine]:
    return book.medicines()


@router.post("/diary/medicines", response_model=Medicine, status_code=201, tags=["diary"])
def add_medicine(item: MedicineIn, book: DiaryDep) -> Medicine:
    return book.add_medicine(item)


@router.get("/diary/stats", tags=["diary"])
def stats(
    book: DiaryDep,
    today: Annotated[date | None, Query(ge=EARLIEST, le=LATEST)] = None,
    age: Annotated[int | None, Query(ge=1, le=120)] = None,
) -> dict[str, Any]:
    """Frequency, duration, severity trend, triggers and medicine timing."""
    from crampcheck.diary.stats import diary_stats, jsonable

    result: dict[str, Any] = jsonable(diary_stats(book, today or date.today(), age=age))
    return result
