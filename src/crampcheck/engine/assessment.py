"""The assessment: what the engine concludes (contract version 1, ``spec/contract.md``).

Fields beyond the contract (documented in ``docs/engine.md``): ``level`` and ``title`` on alerts,
``title`` on factors, ``grade`` on prevention items, ``prevention_note``, ``does_not_work`` and
``versions`` (the engine and knowledge base that produced the result).
"""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict

Level = Literal["self_care", "routine", "urgent", "emergency"]
LEVELS: tuple[Level, ...] = ("self_care", "routine", "urgent", "emergency")
Strength = Literal["likely", "possible", "unlikely"]
Verdict = Literal["not_indicated", "improve_diet", "check_blood", "treat_with_doctor"]


# model -> (its field names in order, the defaults of the optional ones): see ``_Out.trusted``
_FIELDS: dict[type[BaseModel], tuple[list[str], dict[str, Any]]] = {}


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @classmethod
    def trusted(cls, **values: Any) -> Self:
        """The record, from values the engine built out of the validated intake and knowledge
        base, without validating them a second time.

        Like pydantic's ``model_construct`` and four times quicker (an assessment is a dozen
        records, and building them took much of the engine's time). Give the fields in their
        order: pydantic writes the values in the order they are stored. Fields left out get
        their defaults, so the record serialises and compares like a validated one; the
        property tests validate whole assessments built this way and compare their JSON with
        the validated copy's (``tests/test_properties.py``).
        """
        known = _FIELDS.get(cls)
        if known is None:
            known = _FIELDS[cls] = (
                list(cls.model_fields),
                {n: f.default for n, f in cls.model_fields.items() if not f.is_required()},
            )
        order, defaults = known
        given = set(values)
        if len(values) != len(order):
            # defaults filled in, in field order (pydantic writes the values in stored order;
            # callers give every field in order, which the property tests check)
            values = {n: values[n] if n in values else defaults[n] for n in order}
        record = cls.__new__(cls)
        object.__setattr__(record, "__dict__", values)
        object.__setattr__(record, "__pydantic_fields_set__", given)
        object.__setattr__(record, "__pydantic_extra__", None)
        object.__setattr__(record, "__pydantic_private__", None)
        return record


class Triage(_Out):
    level: Level
    headline: str
    reasons: list[str]


class AlertOut(_Out):
    id: str
    level: Level
    title: str
    because: list[str]
    advice: str
    references: list[str]


class FactorOut(_Out):
    id: str
    title: str
    strength: Strength
    score: float
    because: list[str]
    advice: str
    references: list[str]


class RuledOut(_Out):
    id: str
    because: list[str]


class MedicationOut(_Out):
    input: str
    generic: str | None
    classes: list[str]
    grades: dict[str, str]
    grade: str | None
    recent: bool
    advice: str
    references: list[str]
    hint: str | None = None


class Calcium(_Out):
    verdict: Verdict
    because: list[str]
    advice: str
    references: list[str]


class Relief(_Out):
    site: str
    steps: list[str]


class PreventionOut(_Out):
    id: str
    text: str
    grade: str
    for_factors: list[str]
    references: list[str]


class NoteOut(_Out):
    id: str
    text: str
    references: list[str]


class ReferenceOut(_Out):
    id: str
    citation: str
    url: str | None


class Versions(_Out):
    engine: str
    knowledge: str


class Assessment(_Out):
    contract: Literal[1] = 1
    triage: Triage
    alerts: list[AlertOut]
    factors: list[FactorOut]
    factors_ruled_out: list[RuledOut]
    medications: list[MedicationOut]
    calcium: Calcium
    relief_withheld: bool
    relief: list[Relief]
    prevention: list[PreventionOut]
    prevention_note: str | None = None  # set when relief is withheld: the plan waits
    does_not_work: list[NoteOut]
    safety_notes: list[NoteOut]
    references: list[ReferenceOut]
    disclaimer: str
    versions: Versions
