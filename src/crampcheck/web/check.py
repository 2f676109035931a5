"""The check as a web form: the interview of ``crampcheck.interview``, one short step per page.

The pages keep no session: each step's form carries the answers so far (the history, in the
order given) in a hidden field, and the interview is rebuilt from it on every post. Every
answer in the history is validated again when it is replayed, so an edited form gets a clear
message, never a traceback. "Back" drops the last answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from crampcheck.engine.core import Engine, default_engine
from crampcheck.errors import InputError
from crampcheck.interview import (
    MAX_WEEKS,
    UNKNOWN,
    BadAnswerError,
    Interview,
    parse_answer,
    parse_weeks,
)
from crampcheck.knowledge.models import Question

LABS_GATE = "@labs"  # "Do you have recent blood test results?"
MEDICINE_DATES = "@medicine_dates"  # when each cramp-linked medicine was started
MAX_STATE = 60_000  # characters: far more than any real history


@dataclass(frozen=True)
class Step:
    """What the next page asks: a question, the blood-test gate, the medicine dates, or done."""

    kind: str  # "question", "labs_gate", "medicine_dates" or "done"
    question: Question | None = None
    medicines: tuple[tuple[int, str], ...] = ()


@dataclass
class CheckState:
    """The interview and the history it was built from."""

    interview: Interview
    history: list[dict[str, Any]]

    @property
    def done_count(self) -> int:
        return len(self.history)

    def encode(self) -> str:
        return json.dumps({"v": 1, "history": self.history}, separators=(",", ":"))

    def next_step(self) -> Step:
        iv = self.interview
        last = self.history[-1]["f"] if self.history else None
        if last == "medications":
            pending = tuple(iv.medicines_to_date())
            if pending:
                return Step("medicine_dates", medicines=pending)
        q = iv.next_question()
        if q is None:
            return Step("done")
        if q.group == "labs" and iv.has_labs is None:
            return Step("labs_gate")
        return Step("question", question=q)

    def record(self, field: str, value: Any = UNKNOWN) -> None:
        """Apply one answer and keep it in the history (``UNKNOWN``: "don't know")."""
        _apply(self.interview, field, value)
        entry: dict[str, Any] = {"f": field}
        if value is not UNKNOWN:
            entry["v"] = value
        self.history.append(entry)


def _question(iv: Interview, field: str) -> Question:
    for q in iv.questions:
        if q.field == field:
            return q
    raise InputError([f"state: unknown question {field!r}"])


def _apply(iv: Interview, field: str, value: Any) -> None:
    if field == LABS_GATE:
        if not isinstance(value, bool):
            raise InputError(["state: the blood-test answer must be true or false"])
        iv.has_labs = value
        return
    if field == MEDICINE_DATES:
        items = iv.answers.get("medications") or []
        if not isinstance(value, list):
            raise InputError(["state: medicine dates must be a list"])
        for pair in value:
            ok = isinstance(pair, list) and len(pair) == 2 and type(pair[0]) is int
            if not ok or not 0 <= pair[0] < len(items):
                raise InputError(["state: a medicine date names no listed medicine"])
            weeks = pair[1]
            if weeks is not None and (type(weeks) is not int or not 0 <= weeks <= MAX_WEEKS):
                raise InputError([f"state: weeks must be a whole number from 0 to {MAX_WEEKS}"])
            iv.date_medicine(pair[0], weeks)
        return
    q = _question(iv, field)
    if field in iv.asked:
        raise InputError([f"state: {field} is answered twice"])
    iv.answer(q, value)


def replay(history: list[Any], engine: Engine | None = None) -> CheckState:
    """A check rebuilt from its history, every answer validated again."""
    state = CheckState(Interview(engine or default_engine()), [])
    for entry in history:
        if not isinstance(entry, dict) or not isinstance(entry.get("f"), str):
            raise InputError(["state: each answer needs a field name"])
        state.record(entry["f"], entry.get("v", UNKNOWN))
    return state


def restore(raw: str | None, engine: Engine | None = None) -> CheckState:
    """The state of a check from its hidden field (empty: a new check)."""
    if not raw:
        return replay([], engine)
    if len(raw) > MAX_STATE:
        raise InputError(["state: too long"])
    try:
        data = json.loads(raw)
    except ValueError:
        raise InputError(["state: not valid JSON; start the check again"]) from None
    if (
        not isinstance(data, dict)
        or data.get("v") != 1
        or not isinstance(data.get("history"), list)
    ):
        raise InputError(["state: not a crampcheck check; start the check again"])
    return replay(data["history"], engine)


def back(state: CheckState) -> CheckState:
    """The state one answer earlier (the blood-test gate and medicine dates count as answers)."""
    return replay(state.history[:-1], state.interview.engine)


def form_value(q: Question, choices: list[str], action: str, values: list[str], text: str) -> Any:
    """The typed answer of a submitted step; raises ``BadAnswerError`` with what is allowed."""
    if action == "dont_know":
        if q.field == "person.age":
            raise BadAnswerError("your age is needed: type it in years")
        return UNKNOWN
    if action == "none" and q.kind in ("multi", "conditions", "medicines"):
        return []
    if q.kind in ("multi", "conditions"):
        if not values:
            raise BadAnswerError('tick at least one, or choose "None of these" or "Don\'t know"')
        return parse_answer(q, ",".join(values), choices)
    raw = values[0] if values else text
    if not raw.strip():
        if q.field == "person.age":
            raise BadAnswerError("type your age in years")
        if q.kind in ("int", "number", "medicines"):
            return UNKNOWN  # an empty box: "leave blank if not", or not known
        raise BadAnswerError('give an answer or choose "Don\'t know"')
    return parse_answer(q, raw, choices)


def medicine_weeks(pending: tuple[tuple[int, str], ...], form: dict[str, str]) -> list[list[Any]]:
    """The weeks given for each medicine (blank: not known); raises ``BadAnswerError``."""
    out: list[list[Any]] = []
    for index, name in pending:
        try:
            out.append([index, parse_weeks(form.get(f"weeks_{index}", ""))])
        except BadAnswerError as exc:
            raise BadAnswerError(f"{name}: {exc}") from None
    return out
