"""The interview logic behind `crampcheck check`: order, skipping, re-asking, medicine dates."""

from __future__ import annotations

from crampcheck.interview import Interview
from crampcheck.knowledge.models import Question


def answer(iv: Interview, field: str, value: object) -> None:
    q = next(q for q in iv.questions if q.field == field)
    iv.answer(q, value)


def asked_next(iv: Interview) -> str:
    q = iv.next_question()
    assert q is not None
    return q.field


def test_age_and_sex_first_then_emergency_signs() -> None:
    iv = Interview()
    assert asked_next(iv) == "person.age"
    answer(iv, "person.age", 50)
    assert asked_next(iv) == "person.sex"
    answer(iv, "person.sex", "male")
    q = iv.next_question()
    assert isinstance(q, Question)
    assert q.group == "danger"
    assert q.field == "findings.cold_pale_or_blue_leg"


def _field(iv: Interview, field: str) -> Question:
    return next(q for q in iv.questions if q.field == field)


def test_question_that_cannot_change_the_result_is_skipped() -> None:
    iv = Interview()
    answer(iv, "person.age", 50)
    assert not iv.matters(_field(iv, "cramps.wakes_from_sleep"))  # the engine never uses it
    answer(iv, "cramps.per_week", 2)
    assert not iv.matters(_field(iv, "lifestyle.stretches_regularly"))
    answer(iv, "cramps.per_week", 4)  # now "still cramping while stretching" can fire
    assert iv.matters(_field(iv, "lifestyle.stretches_regularly"))


def test_findings_that_only_matter_together_are_still_asked() -> None:
    iv = Interview()
    answer(iv, "person.age", 50)
    answer(iv, "person.sex", "female")
    # fever alone changes nothing for an adult, but with a wound it means cellulitis: asked
    assert iv.matters(_field(iv, "findings.fever"))
    assert iv.matters(_field(iv, "findings.recent_immobility_or_long_travel"))  # a clot risk


def test_pregnancy_not_asked_of_a_man() -> None:
    iv = Interview()
    answer(iv, "person.age", 30)
    answer(iv, "person.sex", "male")
    q = next(q for q in iv.questions if q.field == "person.pregnant_weeks")
    assert not iv.applies(q)


def test_labs_wait_for_the_gate() -> None:
    iv = Interview()
    q = next(q for q in iv.questions if q.field == "labs.potassium_mmol_l")
    assert iv.applies(q)  # the gate question is still to be asked
    iv.has_labs = False
    assert not iv.applies(q)


def test_medicines_with_a_cramp_link_get_a_start_date() -> None:
    iv = Interview()
    answer(iv, "person.age", 70)
    answer(iv, "medications", ["metformin 500 mg", "HCTZ 25 mg"])
    todo = iv.medicines_to_date()
    assert todo == [(1, "HCTZ 25 mg")]
    iv.date_medicine(1, 4)
    intake = iv.intake()
    assert intake.medications is not None
    assert intake.medications[0] == "metformin 500 mg"
    assert getattr(intake.medications[1], "started_weeks_ago", None) == 4
    assert iv.medicines_to_date() == []
