"""The interview behind ``crampcheck check`` (and later the web form): which question next.

Questions come from ``questions.yaml`` in the order asked: age and sex, then the danger signs
(emergency first), then the rest. A yes/no or choice question is skipped while no answer to it
could change the assessment; it is looked at again after every answer, because an answer can make
an earlier-skipped question matter (fever matters once red skin is reported). "Don't know" is
always allowed and leaves the field unknown, which the engine never reads as "no".
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from crampcheck.engine.core import Engine, assess, default_engine
from crampcheck.engine.intake import CONDITIONS, Intake
from crampcheck.engine.parse import parse_intake
from crampcheck.knowledge.models import Question

UNKNOWN = object()  # the answer "don't know"
PROBED_KINDS = ("bool", "choice", "multi")


DONT_KNOW = {"", "?", "dk", "don't know", "dont know", "unknown", "skip", "not sure"}
YES = {"y", "yes", "true"}
NO = {"n", "no", "false"}


GROUP_TITLES = {
    "about": "About you",
    "danger": "Warning signs first",
    "cramps": "Your cramps",
    "medicines": "Your medicines",
    "conditions": "Your health conditions",
    "lifestyle": "Daily life",
    "labs": "Blood test results",
}
MAX_WEEKS = 5200  # weeks since a medicine was started: up to 100 years


class BadAnswerError(ValueError):
    """An answer that does not fit the question; the message says what is allowed."""


def _pick(token: str, choices: list[str]) -> str:
    token = token.strip().lower().replace(" ", "_").replace("-", "_")
    if token.isdigit() and 1 <= int(token) <= len(choices):
        return choices[int(token) - 1]
    if token in choices:
        return token
    matches = [c for c in choices if c.startswith(token)]
    if len(matches) == 1:
        return matches[0]
    raise BadAnswerError(
        f"choose a number from 1 to {len(choices)} or one of: {', '.join(choices)}"
    )


def parse_answer(q: Question, raw: str, choices: list[str]) -> Any:
    """The typed value of an answer, ``UNKNOWN`` for "don't know"; raises ``BadAnswerError``."""
    text = raw.strip()
    if text.lower() in DONT_KNOW:
        return UNKNOWN
    if q.kind == "bool":
        if text.lower() in YES:
            return True
        if text.lower() in NO:
            return False
        raise BadAnswerError("answer y (yes), n (no) or ? (don't know)")
    if q.kind in ("int", "number"):
        if text.lower() in NO | {"none", "not"}:
            return UNKNOWN  # "not pregnant", "no results": the field stays absent
        try:
            value: float | int = int(text) if q.kind == "int" else float(text)
        except ValueError:
            raise BadAnswerError(
                "type a whole number" if q.kind == "int" else "type a number"
            ) from None
        if (q.minimum is not None and value < q.minimum) or (
            q.maximum is not None and value > q.maximum
        ):
            low = "" if q.minimum is None else f"{q.minimum:g}"
            high = "" if q.maximum is None else f"{q.maximum:g}"
            raise BadAnswerError(f"type a number from {low or 'any'} to {high or 'any'}")
        return value
    if q.kind == "choice":
        return _pick(text, choices)
    if q.kind in ("multi", "conditions"):
        if text.lower() in ("none", "no", "n", "0"):
            return []
        return list(
            dict.fromkeys(_pick(t, choices) for t in text.replace(";", ",").split(",") if t.strip())
        )
    if text.lower() in ("none", "no", "n"):
        return []
    return default_engine().medicines.split_items(text)


def parse_weeks(raw: str) -> int | None:
    """Weeks since a medicine was started or changed; ``None`` for blank or "don't know"."""
    text = raw.strip().lower()
    if text in DONT_KNOW or text in NO:
        return None
    if text.isdigit() and int(text) <= MAX_WEEKS:
        return int(text)
    raise BadAnswerError(f"type a whole number of weeks from 0 to {MAX_WEEKS}, or leave it blank")


def set_path(target: dict[str, Any], path: str, value: Any) -> None:
    """Set ``a.b.c`` in a nested dict, creating the levels on the way."""
    *parents, last = path.split(".")
    node = target
    for key in parents:
        node = node.setdefault(key, {})
    node[last] = value


def get_path(source: dict[str, Any], path: str) -> Any:
    node: Any = source
    for key in path.split("."):
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def _signature(intake: Intake, engine: Engine) -> tuple[Any, ...]:
    """What an answer could change: everything a person is told, minus the wording."""
    a = assess(intake, engine)
    return (
        a.triage.level,
        tuple((x.id, x.level) for x in a.alerts),
        tuple((x.id, x.score) for x in a.factors),
        tuple(x.id for x in a.factors_ruled_out),
        a.calcium.verdict,
        a.relief_withheld,
        tuple(r.site for r in a.relief),
        tuple(len(r.steps) for r in a.relief),
        tuple(p.id for p in a.prevention),
        tuple(n.id for n in a.safety_notes),
    )


@dataclass
class Interview:
    """State of one interview: the answers so far and what was asked."""

    engine: Engine = field(default_factory=default_engine)
    answers: dict[str, Any] = field(default_factory=lambda: {"contract": 1, "person": {}})
    asked: set[str] = field(default_factory=set)
    has_labs: bool | None = None  # the gate question before any blood result

    @property
    def questions(self) -> list[Question]:
        return list(self.engine.kb.questions)

    def choices(self, q: Question) -> list[str]:
        return list(CONDITIONS) if q.kind == "conditions" else list(q.choices)

    def applies(self, q: Question) -> bool:
        """False for questions that cannot apply (pregnancy for a man, labs without results)."""
        person = self.answers.get("person", {})
        age = person.get("age")
        sex = person.get("sex")
        if q.field in ("person.pregnant_weeks", "person.postpartum_weeks"):
            return sex != "male" and (age is None or 10 <= age <= 60)
        if q.field == "person.postmenopausal":
            return sex != "male" and (age is None or age >= 35)
        if q.field == "person.growth_spurt":
            return age is None or 8 <= age <= 19
        if q.field.startswith("lifestyle.calcium_supplement.") and not q.field.endswith(".taking"):
            taking = get_path(self.answers, "lifestyle.calcium_supplement.taking")
            tried = get_path(self.answers, "lifestyle.calcium_supplement.months")
            return taking is True or (q.field.endswith(".helped") and bool(tried))
        if q.field.startswith("labs."):
            return self.has_labs is not False  # None: the gate question is still to be asked
        return True

    def intake(self) -> Intake:
        return parse_intake(copy.deepcopy(self.answers))

    def _probes(self, q: Question) -> list[Any]:
        if q.kind == "bool":
            return [True]
        if q.kind == "choice":
            return list(q.choices)
        return [[c] for c in q.choices]

    def _changes(self, context: dict[str, Any], q: Question) -> bool:
        base = _signature(parse_intake(copy.deepcopy(context)), self.engine)
        for value in self._probes(q):
            trial = copy.deepcopy(context)
            set_path(trial, q.field, value)
            if _signature(parse_intake(trial), self.engine) != base:
                return True
        return False

    def matters(self, q: Question) -> bool:
        """Could an answer to ``q`` change the assessment, now or together with a later answer?

        First with the answers so far; then, for each other unasked question, with that one
        answered too (each of its answers in turn). The second step catches findings that only
        matter in pairs (fever with a wound, a clot risk with a tender calf), so neither is
        skipped while the other is unknown. "No" is never probed: it reads as unknown.
        """
        if q.kind not in PROBED_KINDS or q.group == "about" or "age" not in self.answers["person"]:
            return True  # numbers are always asked; "about you" decides which questions apply
        if self._changes(self.answers, q):
            return True
        for other in self.questions:
            if other is q or other.field in self.asked or other.kind not in PROBED_KINDS:
                continue
            if other.group == "about" or not self.applies(other):
                continue
            for value in self._probes(other):
                context = copy.deepcopy(self.answers)
                set_path(context, other.field, value)
                if self._changes(context, q):
                    return True
        return False

    def next_question(self) -> Question | None:
        """The first unasked question that applies and could matter, or ``None`` when done."""
        for q in self.questions:
            if q.field in self.asked or not self.applies(q):
                continue
            if self.matters(q):
                return q
        return None

    def remaining(self) -> int:
        """An estimate for the progress display: the unasked questions that apply and matter now.

        A yes/no or choice question counts only if an answer to it would change the result on
        its own (the pair probe of ``matters`` is left out: it costs too much for a progress
        bar); the blood-test questions count as one (the gate) until the gate is answered.
        """
        count = 0
        labs_gate = False
        for q in self.questions:
            if q.field in self.asked or not self.applies(q):
                continue
            if q.group == "labs" and self.has_labs is None:
                labs_gate = True
                continue
            probed = q.kind in PROBED_KINDS and q.group != "about"
            if not probed or "age" not in self.answers["person"] or self._changes(self.answers, q):
                count += 1
        return count + labs_gate

    def medicines_to_date(self) -> list[tuple[int, str]]:
        """(index, name) of listed medicines with a cramp-linked class and no start date yet.

        A medicine started or changed in the last 12 weeks weighs more (policy section 0), so
        the interview asks when each of these was started or last changed.
        """
        out = []
        for i, item in enumerate(self.answers.get("medications") or []):
            if isinstance(item, str):
                recognised = self.engine.medicines.recognise(item)
                if any(c in recognised.grades for c in recognised.classes):
                    out.append((i, item))
        return out

    def date_medicine(self, index: int, weeks: int | None) -> None:
        """Record when medicine ``index`` was started or last changed (None: not known)."""
        items = list(self.answers["medications"])
        name = items[index]
        items[index] = (
            {"name": name, "started_weeks_ago": weeks} if weeks is not None else {"name": name}
        )
        trial = copy.deepcopy(self.answers)
        trial["medications"] = items
        parse_intake(trial)
        self.answers = trial

    def answer(self, q: Question, value: Any) -> None:
        """Record an answer (``UNKNOWN``: "don't know"); an invalid value raises ``InputError``."""
        self.asked.add(q.field)
        if value is UNKNOWN or value is None:
            return
        trial = copy.deepcopy(self.answers)
        set_path(trial, q.field, value)
        parse_intake(trial)  # validate before keeping it
        self.answers = trial
