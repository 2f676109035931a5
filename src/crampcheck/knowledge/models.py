"""Strict pydantic models of the knowledge base files (``data/*.yaml``).

Every record has a stable ``id``; every record that makes a clinical claim cites at least one
reference id from ``references.yaml``. Unknown keys are rejected (``extra="forbid"``) so a typo
in a data file fails the build instead of being silently ignored.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
RefId = Annotated[str, StringConstraints(pattern=r"^(R[0-9]+[a-z]?|EO-[a-z0-9-]+)$")]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
Refs = Annotated[list[RefId], Field(min_length=1)]

Level = Literal["self_care", "routine", "urgent", "emergency"]
Grade = Literal["strong", "moderate", "weak"]
Site = Literal["calf", "foot", "toes", "shin", "thigh_back", "thigh_front", "hand", "other"]


class Strict(BaseModel):
    """Base for every knowledge record: strict types, unknown keys rejected, frozen."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Reference(Strict):
    """One citable source, in the canonical form of ``knowledge/references.md``."""

    id: RefId
    kind: Literal[
        "guideline",
        "systematic-review",
        "rct",
        "cohort/case-control",
        "review",
        "label/regulator",
        "patient-information",
        "other",
        "expert-opinion",
    ]
    authors: Text  # authors or organisation
    title: Text
    published_in: str | None = None  # journal, publisher or website, with volume/pages
    year: int | None = None
    url: str | None = Field(default=None, pattern=r"^https?://")  # canonical only; never a mirror
    status: Literal["verified", "partial", "unverified", "expert-opinion"]
    flag: str | None = None  # what the source does not support, from references.md

    @property
    def citation(self) -> str:
        """The reference as one line of text: authors. title. where. year."""
        parts = [self.authors.rstrip("."), self.title.rstrip(".")]
        if self.published_in:
            parts.append(self.published_in.rstrip("."))
        if self.year is not None and str(self.year) not in (self.published_in or ""):
            parts.append(str(self.year))
        return ". ".join(parts) + "."


class LevelText(Strict):
    """What an alert says at one triage level."""

    headline: Text  # one sentence: what to do and why, shown as the triage headline
    advice: Text  # plain-language advice, a few short sentences


class AlertRule(Strict):
    """One rule of an alert (a row of the policy table); its logic lives in the engine."""

    id: Id
    level: Level
    summary: Text  # what fires it, for clinicians and the `kb` command


class Alert(Strict):
    id: Id
    title: Text
    rules: Annotated[list[AlertRule], Field(min_length=1)]
    texts: dict[Level, LevelText]  # one entry for every level a rule can reach
    withholds_relief: Literal["never", "always", "urgent"] = "never"
    references: Refs


class Clue(Strict):
    """One clue of a factor; its predicate lives in the engine, keyed by id."""

    id: Id
    grade: Grade | Literal["class"]  # "class": the medicine class grade decides (medication)
    summary: Text


class Factor(Strict):
    id: Id
    title: Text
    explanation: Text  # why this factor can bring on cramps, in plain words
    advice: Text
    clues: list[Clue]
    removed_by: str | None = None  # lab rule in words; the engine holds the logic
    references: Refs


class MedicineClass(Strict):
    id: Id
    kind: Literal["cause", "safety"]
    grade: Grade | None  # None for safety classes
    title: Text
    explanation: Text
    references: Refs


class Drug(Strict):
    """A generic medicine, its cramp classes and the names people use for it."""

    generic: Text
    classes: list[Id]
    names: list[Text] = []  # brands, synonyms, abbreviations, other spellings
    note: str | None = None


class Combination(Strict):
    """A fixed combination product: it has every class of its parts."""

    parts: Annotated[list[Text], Field(min_length=2)]
    names: Annotated[list[Text], Field(min_length=1)]


class MedicineBook(Strict):
    classes: list[MedicineClass]
    drugs: list[Drug]
    combinations: list[Combination]
    ordinary_words: list[Text]  # words never fuzzy-matched to a drug
    advice: Text  # said on every medicine finding
    quinine_warning_advice: Text  # the one exception to "do not stop"
    unrecognised_hint: Text  # "{suggestion}" is replaced when there is one
    unrecognised_hint_no_suggestion: Text
    references: Refs


class ReliefSite(Strict):
    site: Site
    steps: Annotated[list[Text], Field(min_length=1)]


class PreventionItem(Strict):
    id: Id
    text: Text
    grade: Literal["good", "moderate", "limited", "expert-opinion"]  # evidence grade
    for_factors: list[Id]  # empty: for everyone
    tags: list[Literal["stretch", "massage", "exercise", "warmth", "foot_soak"]] = []
    references: Refs


class Note(Strict):
    id: Id
    text: Text
    references: Refs


class CalciumText(Strict):
    verdict: Literal["not_indicated", "improve_diet", "check_blood", "treat_with_doctor"]
    title: Text
    advice: Text
    references: Refs


class Advice(Strict):
    relief_intro: Text
    relief_sites: list[ReliefSite]
    relief_after: Annotated[list[Text], Field(min_length=1)]  # massage, warmth, painkillers note
    relief_after_no_warmth: Annotated[list[Text], Field(min_length=1)]
    relief_unsteady: Text  # age >= 75, parkinsons, tremor: sit or hold a support
    relief_withheld: Text
    relief_references: Refs
    prevention: list[PreventionItem]
    prevention_on_hold: Text  # said when relief is withheld
    does_not_work: list[Note]
    safety_notes: list[Note]
    calcium: list[CalciumText]
    keep_prescribed_calcium: Text
    keep_prescribed_calcium_high: Text
    self_care_headline: Text
    disclaimer: Text


class Question(Strict):
    """One question of the interactive check; ``field`` is a dotted intake path."""

    field: Text
    text: Text
    help: str | None = None
    kind: Literal["bool", "int", "number", "choice", "multi", "medicines", "conditions"]
    choices: list[Text] = []
    minimum: float | None = None
    maximum: float | None = None
    group: Literal["about", "danger", "cramps", "medicines", "conditions", "lifestyle", "labs"]


class KnowledgeBase(Strict):
    """Everything the engine knows, validated and cross-checked."""

    references: list[Reference]
    alerts: list[Alert]
    factors: list[Factor]
    medicines: MedicineBook
    advice: Advice
    questions: list[Question]
    source_hash: str
