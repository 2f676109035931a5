"""The engine's reasons (``because``) in plain words for the pages.

The contract's reasons are compact and exact (``findings.calf_swelling=one_leg``,
``medications[0] HCTZ 25 mg -> hydrochlorothiazide (thiazide_diuretic)``): right for the JSON
API and the CLI, too terse for the public. Here an answer is shown with the question it
answers; other reasons go through gettext as they are.
"""

from __future__ import annotations

import re
from functools import cache

from crampcheck.engine.core import default_engine
from crampcheck.web.i18n import gettext

_ANSWER = re.compile(r"^(?P<field>[a-z_]+(?:\.[a-z_]+)+|conditions)=(?P<value>.*)$")
_MEDICINE = re.compile(
    r"^medications\[\d+\] (?P<input>.+?) -> (?P<generic>.+?) \((?P<cls>[a-z_]+)\)"
    r"(?P<recent> started or changed recently)?$"
)


@cache
def _questions() -> dict[str, str]:
    return {q.field: q.text for q in default_engine().kb.questions}


@cache
def _class_titles() -> dict[str, str]:
    return {c.id: c.title for c in default_engine().kb.medicines.classes}


def _value(raw: str) -> str:
    if raw in ("true", "True"):
        return gettext("yes")
    if raw in ("false", "False"):
        return gettext("no")
    return ", ".join(gettext(part.strip().replace("_", " ")) for part in raw.split(","))


def plain(code: str) -> str:
    """One reason, readable by anyone."""
    m = _MEDICINE.match(code)
    if m:
        cls = _class_titles().get(m["cls"], m["cls"].replace("_", " "))
        text = gettext("%(input)s is %(generic)s: %(group)s") % {
            "input": m["input"],
            "generic": m["generic"],
            "group": gettext(cls).lower(),
        }
        return text + (gettext(", started or changed recently") if m["recent"] else "")
    m = _ANSWER.match(code)
    if m:
        field, value = m["field"], m["value"]
        question = _questions().get(field)
        if field == "conditions":
            return gettext("Your health conditions: %(value)s") % {"value": _value(value)}
        if question is not None:
            shown = value if field.startswith("labs.") else _value(value)
            return gettext("You answered “%(answer)s” to: %(question)s") % {
                "answer": shown,
                "question": gettext(question),
            }
    return gettext(code)
