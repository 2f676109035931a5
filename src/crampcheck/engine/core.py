"""``assess(intake) -> Assessment``: the pure, deterministic heart of crampcheck.

Order of work: recognise medicines, derive facts, score factors, decide the calcium verdict,
then run every alert rule (emergency first) and set the triage level; the output lists alerts
first, most urgent first, and every conclusion carries its ``because`` and references.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import product
from typing import Any, cast

from pydantic import BaseModel
from pydantic_core import to_json

from crampcheck.__about__ import __version__
from crampcheck.engine import advice as advice_mod
from crampcheck.engine.alerts import GATES, RULES, Context, Order, evaluate
from crampcheck.engine.assessment import (
    AlertOut,
    Assessment,
    Calcium,
    FactorOut,
    MedicationOut,
    NoteOut,
    PreventionOut,
    ReferenceOut,
    Relief,
    RuledOut,
    Strength,
    Triage,
    Versions,
)
from crampcheck.engine.calcium import keep_prescribed, verdict
from crampcheck.engine.factors import ClueTable, clue_table, score_factors
from crampcheck.engine.facts import Facts
from crampcheck.engine.intake import Intake, Medication
from crampcheck.engine.medicines import MedicineIndex, Recognised
from crampcheck.knowledge.loader import cached
from crampcheck.knowledge.models import (
    Alert,
    CalciumText,
    Factor,
    KnowledgeBase,
    Level,
    MedicineClass,
)
from crampcheck.vocab import ALERT_IDS

LEVEL_RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}
ALERT_POSITION = {alert: i for i, alert in enumerate(ALERT_IDS)}
RULE_ORDER = [(alert, level) for level in ("emergency", "urgent", "routine") for alert in ALERT_IDS]


# rebuilt when an engine is unpickled: functions, and JSON keyed by the records' identity
_REBUILT = ("order", "clues", "shared_json", "text_json", "does_not_work_refs")


def _strength(score: float) -> Strength:
    return "likely" if score >= 0.6 else "possible" if score >= 0.3 else "unlikely"


@dataclass(frozen=True, slots=True)
class Engine:
    """The knowledge base with the lookups the engine needs, built once."""

    kb: KnowledgeBase
    medicines: MedicineIndex
    order: Order
    clues: ClueTable
    alerts: dict[str, Alert]
    factors: dict[str, Factor]
    classes: dict[str, MedicineClass]
    calcium: dict[str, CalciumText]
    # output records that never change, built once (an assessment shares them)
    ref_out: dict[str, ReferenceOut]
    prevention_out: dict[str, PreventionOut]
    note_out: dict[str, NoteOut]
    does_not_work: list[NoteOut]
    relief_out: dict[advice_mod.ReliefKey, Relief]
    versions: Versions
    does_not_work_refs: list[str] = field(init=False, compare=False, repr=False)
    # the JSON of those shared records by their identity, written once (``assessment_json``)
    shared_json: dict[int, bytes] = field(init=False, compare=False, repr=False)
    text_json: dict[str | None, bytes] = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        refs = [r for n in self.does_not_work for r in n.references]
        object.__setattr__(self, "does_not_work_refs", refs)
        shared: list[BaseModel] = [
            *self.ref_out.values(),
            *self.prevention_out.values(),
            *self.note_out.values(),
            *self.does_not_work,
            *self.relief_out.values(),
            self.versions,
        ]
        shared_json = {id(r): r.model_dump_json().encode() for r in shared}
        object.__setattr__(self, "shared_json", shared_json)
        texts = (None, self.kb.advice.disclaimer, self.kb.advice.prevention_on_hold)
        object.__setattr__(self, "text_json", {t: to_json(t) for t in texts})

    def __reduce__(self) -> tuple[Any, ...]:
        # The rule and clue tables hold functions: they are left out of the pickle and looked
        # up again from the code when the engine is unpickled.
        state = {k: getattr(self, k) for k in self.__slots__ if k not in _REBUILT}
        return (_restore, (state,))

    @classmethod
    def build(cls, kb: KnowledgeBase, medicines: MedicineIndex | None = None) -> Engine:
        medicines = medicines or MedicineIndex(kb)
        # The drug and combination lists live on in the name index; leaving them out of the
        # engine's copy of the knowledge base makes the cached engine quick to load.
        book = kb.medicines.model_copy(update={"drugs": [], "combinations": []})
        return cls(
            kb=kb.model_copy(update={"medicines": book}),
            medicines=medicines,
            order=_rule_order(kb),
            clues=_clue_table(kb),
            alerts={a.id: a for a in kb.alerts},
            factors={f.id: f for f in kb.factors},
            classes={c.id: c for c in kb.medicines.classes},
            calcium={c.verdict: c for c in kb.advice.calcium},
            ref_out={
                r.id: ReferenceOut(id=r.id, citation=r.citation, url=r.url) for r in kb.references
            },
            prevention_out={
                p.id: PreventionOut(
                    id=p.id,
                    text=p.text,
                    grade=p.grade,
                    for_factors=list(p.for_factors),
                    references=list(p.references),
                )
                for p in kb.advice.prevention
            },
            note_out={
                n.id: NoteOut(id=n.id, text=n.text, references=list(n.references))
                for n in kb.advice.safety_notes
            },
            does_not_work=[
                NoteOut(id=n.id, text=n.text, references=list(n.references))
                for n in kb.advice.does_not_work
            ],
            relief_out={
                key: Relief(site=key[0], steps=advice_mod.relief_steps(key, kb.advice))
                for key in [
                    advice_mod.WITHHELD,
                    *product(
                        [s.site for s in kb.advice.relief_sites], (False, True), (False, True)
                    ),
                ]
            },
            versions=Versions(engine=__version__, knowledge=kb.source_hash[:12]),
        )

    def recognise(self, intake: Intake) -> list[Recognised]:
        out = []
        for item in intake.medications or ():
            if isinstance(item, Medication):
                out.append(
                    self.medicines.recognise(
                        item.name, item.started_weeks_ago, item.changed_weeks_ago
                    )
                )
            else:
                out.append(self.medicines.recognise(item))
        return out


def _rule_order(kb: KnowledgeBase) -> Order:
    rules = {r.id for a in kb.alerts for r in a.rules}
    return [
        (a, lvl, RULES[f"{a}_{lvl}"], GATES[f"{a}_{lvl}"])
        for a, lvl in RULE_ORDER
        if f"{a}_{lvl}" in rules
    ]


def _clue_table(kb: KnowledgeBase) -> ClueTable:
    return clue_table({f.id: [(c.id, c.grade) for c in f.clues] for f in kb.factors})


def _restore(state: dict[str, Any]) -> Engine:
    """Unpickle an engine: the function tables come from the code, the rest from the pickle."""
    kb = state["kb"]
    return Engine(order=_rule_order(kb), clues=_clue_table(kb), **state)


@cache
def default_engine() -> Engine:
    """The engine over the packaged knowledge base, from the hash-keyed cache when current."""
    return cached("engine", Engine.build)


def assess(
    intake: Intake, engine: Engine | None = None, diary_because: Sequence[str] | None = None
) -> Assessment:
    """Assess one intake: alerts and triage, factors, calcium, medicines, relief and prevention.

    ``diary_because``: the policy's ``frequent_or_prolonged`` rule evaluated on the person's
    cramp diary (``crampcheck.diary.analytics.diary_frequent_or_prolonged``); when it fired
    there, the alert is raised here too, even if the intake's own numbers do not show it.
    """
    eng = engine or default_engine()
    kb = eng.kb
    meds = eng.recognise(intake)
    facts = Facts(intake, meds)

    factors, ruled_out = score_factors(facts, eng.clues)
    single_top = bool(
        factors
        and factors[0].id == "medication"
        and (len(factors) == 1 or factors[1].score < factors[0].score)
    )
    calcium_verdict, calcium_because = verdict(facts)
    ctx = Context(facts, {}, single_top, calcium_verdict)
    evaluate(ctx, eng.order)
    if diary_because and "frequent_or_prolonged" not in ctx.fired:
        ctx.fired["frequent_or_prolonged"] = ("routine", list(diary_because))

    # The records are built with ``trusted`` (no second validation): every value below comes
    # from the validated intake and knowledge base. References are gathered at the end, in the
    # order the parts cite them.
    alerts_kb = eng.alerts
    fired = sorted(ctx.fired.items(), key=lambda kv: (-LEVEL_RANK[kv[1][0]], ALERT_POSITION[kv[0]]))
    alerts = []
    for alert_id, (level_id, because) in fired:
        a = alerts_kb[alert_id]
        alerts.append(
            AlertOut.trusted(
                id=alert_id,
                level=level_id,
                title=a.title,
                because=because,
                advice=a.texts[cast(Level, level_id)].advice,
                references=list(a.references),
            )
        )
    if alerts:
        top = alerts[0].level
        headline = alerts_kb[alerts[0].id].texts[top].headline
        reasons = [f"alert:{a.id}" for a in alerts if a.level == top]
    else:
        top, headline, reasons = "self_care", kb.advice.self_care_headline, []

    factors_kb = eng.factors
    factor_out = []
    for r in factors:
        f = factors_kb[r.id]
        factor_out.append(
            FactorOut.trusted(
                id=r.id,
                title=f.title,
                strength=_strength(r.score),
                score=r.score,
                because=r.because,
                advice=f.advice,
                references=list(f.references),
            )
        )
    factor_ids = {r.id for r in factors}

    book = kb.medicines
    classes_kb = eng.classes
    med_out = []
    for m in meds:
        refs: list[str] = []
        for c in m.classes:
            refs.extend(r for r in classes_kb[c].references if r not in refs)
        med_advice = book.advice
        if "quinine" in m.classes:
            med_advice = f"{book.quinine_warning_advice} {med_advice}"
        med_out.append(
            MedicationOut.trusted(
                input=m.input,
                generic=m.generic,
                classes=list(m.classes),
                grades=m.grades,
                grade=m.grade,
                recent=m.recent,
                advice=med_advice,
                references=refs or list(book.references),
                hint=m.hint,
            )
        )

    ctext = eng.calcium[calcium_verdict]
    calcium_advice = ctext.advice
    keep = keep_prescribed(facts)
    if keep:
        extra = (
            kb.advice.keep_prescribed_calcium_high
            if facts.calcium_high
            else kb.advice.keep_prescribed_calcium
        )
        calcium_advice = f"{calcium_advice} {extra}"
        calcium_because = [*calcium_because, keep]
    calcium = Calcium.trusted(
        verdict=calcium_verdict,
        because=calcium_because,
        advice=calcium_advice,
        references=list(ctext.references),
    )

    notes = advice_mod.safety_notes(facts, factor_ids, kb.advice, keep)
    note_ids = {n.id for n in notes}
    withheld = advice_mod.relief_withheld(ctx.fired)
    relief_out = eng.relief_out
    relief = [relief_out[key] for key in advice_mod.relief(facts, withheld, note_ids)]
    plan = advice_mod.prevention(facts, factor_ids, calcium_verdict, withheld, note_ids, kb.advice)
    prevention = [eng.prevention_out[p.id] for p in plan]
    note_out = eng.note_out
    safety = [
        note_out[n.id]
        if n.text == note_out[n.id].text
        else NoteOut.trusted(id=n.id, text=n.text, references=list(n.references))
        for n in notes
    ]
    cited: list[str] = []
    for alert in alerts:
        cited += alert.references
    for factor in factor_out:
        cited += factor.references
    for med in med_out:
        cited += med.references
    cited += calcium.references
    cited += kb.advice.relief_references
    for item in prevention:
        cited += item.references
    for note in safety:
        cited += note.references
    cited += eng.does_not_work_refs
    ref_out = eng.ref_out
    references = [ref_out[r] for r in dict.fromkeys(cited)]
    return Assessment.trusted(
        contract=1,
        triage=Triage.trusted(level=top, headline=headline, reasons=reasons),
        alerts=alerts,
        factors=factor_out,
        factors_ruled_out=[RuledOut.trusted(id=fid, because=[b]) for fid, b in ruled_out],
        medications=med_out,
        calcium=calcium,
        relief_withheld=withheld,
        relief=relief,
        prevention=prevention,
        prevention_note=kb.advice.prevention_on_hold if withheld else None,
        does_not_work=eng.does_not_work,
        safety_notes=safety,
        references=references,
        disclaimer=kb.advice.disclaimer,
        versions=eng.versions,
    )


# the fields pydantic writes (the rest are mostly records shared with the engine)
_HEAD = {
    "contract",
    "triage",
    "alerts",
    "factors",
    "factors_ruled_out",
    "medications",
    "calcium",
    "relief_withheld",
}


def assessment_json(result: Assessment, engine: Engine | None = None) -> bytes:
    """``result`` as JSON: byte for byte what ``result.model_dump_json()`` writes, in a third
    of the time.

    Most of an assessment's JSON is records it shares with the engine (the references, the
    prevention items, the notes), and the engine keeps their JSON; the rest is written by
    pydantic as usual. A record that is not the engine's own is written by pydantic too. The
    tests compare the two writers on every vignette and on generated intakes.
    """
    eng = engine or default_engine()
    shared = eng.shared_json

    def records(items: Sequence[BaseModel]) -> bytes:
        try:
            return b"[" + b",".join([shared[id(x)] for x in items]) + b"]"
        except KeyError:  # a record of its own (a note with other text): pydantic writes it
            return b"[" + b",".join([x.model_dump_json().encode() for x in items]) + b"]"

    def text(value: str | None) -> bytes:
        return eng.text_json.get(value) or to_json(value)

    head = result.__pydantic_serializer__.to_json(result, include=_HEAD)
    return b"".join(
        (
            head[:-1],
            b',"relief":',
            records(result.relief),
            b',"prevention":',
            records(result.prevention),
            b',"prevention_note":',
            text(result.prevention_note),
            b',"does_not_work":',
            records(result.does_not_work),
            b',"safety_notes":',
            records(result.safety_notes),
            b',"references":',
            records(result.references),
            b',"disclaimer":',
            text(result.disclaimer),
            b',"versions":',
            records([result.versions])[1:-1],
            b"}",
        )
    )
