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
    Verdict,
    Versions,
)
from crampcheck.engine.calcium import keep_prescribed, verdict
from crampcheck.engine.factors import ClueTable, FactorResult, clue_table, score_factors
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
    Note,
    PreventionItem,
)
from crampcheck.vocab import ALERT_IDS

LEVEL_RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}
ALERT_POSITION = {alert: i for i, alert in enumerate(ALERT_IDS)}
RULE_ORDER = [(alert, level) for level in ("emergency", "urgent", "routine") for alert in ALERT_IDS]


# rebuilt when an engine is unpickled: the functions, and what is derived from the rest
_REBUILT = ("order", "clues", "_json", "does_not_work_refs", "plan")


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
    plan: list[advice_mod.PlanItem] = field(init=False, compare=False, repr=False)
    # the JSON of what never changes, written on the first ``assess_json`` (not on every
    # start of the CLI, which never writes it)
    _json: JsonParts | None = field(init=False, default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        refs = [r for n in self.does_not_work for r in n.references]
        object.__setattr__(self, "does_not_work_refs", refs)
        object.__setattr__(self, "plan", advice_mod.plan_items(self.kb.advice))

    def json_parts(self) -> JsonParts:
        parts = self._json
        if parts is None:
            parts = JsonParts.build(self)
            object.__setattr__(self, "_json", parts)
        return parts

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


@dataclass(slots=True)
class Conclusions:
    """What the engine concluded about one intake, before it is written out: as the
    ``Assessment`` records (``assess``) or straight as their JSON (``assess_json``)."""

    fired: list[tuple[str, Level, list[str]]]  # (alert, level, because), most urgent first
    top: Level
    headline: str
    reasons: list[str]
    factors: list[FactorResult]
    ruled_out: list[tuple[str, str]]  # (factor, because)
    meds: list[Recognised]
    med_advice: list[str]
    med_refs: list[list[str]]
    calcium_verdict: Verdict
    calcium_because: list[str]
    calcium_advice: str
    notes: list[Note]
    withheld: bool
    relief: list[advice_mod.ReliefKey]
    plan: list[PreventionItem]
    references: list[str]  # every reference cited above, in the order first cited


def conclude(
    intake: Intake, engine: Engine | None = None, diary_because: Sequence[str] | None = None
) -> Conclusions:
    """The work of ``assess``: alerts and triage, factors, calcium, medicines, relief and
    prevention, with the references they cite."""
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

    alerts_kb = eng.alerts
    fired = [
        (alert_id, cast(Level, level), because)
        for alert_id, (level, because) in sorted(
            ctx.fired.items(), key=lambda kv: (-LEVEL_RANK[kv[1][0]], ALERT_POSITION[kv[0]])
        )
    ]
    cited: list[str] = []
    if fired:
        top = fired[0][1]
        headline = alerts_kb[fired[0][0]].texts[top].headline
        reasons = [f"alert:{alert_id}" for alert_id, level, _ in fired if level == top]
        for alert_id, _, _ in fired:
            cited += alerts_kb[alert_id].references
    else:
        top, headline, reasons = "self_care", kb.advice.self_care_headline, []

    factors_kb = eng.factors
    for r in factors:
        cited += factors_kb[r.id].references
    factor_ids = {r.id for r in factors}

    book = kb.medicines
    classes_kb = eng.classes
    med_advice = []
    med_refs = []
    for m in meds:
        refs: list[str] = []
        for c in m.classes:
            refs.extend(r for r in classes_kb[c].references if r not in refs)
        refs = refs or list(book.references)
        med_refs.append(refs)
        cited += refs
        if "quinine" in m.classes:
            med_advice.append(f"{book.quinine_warning_advice} {book.advice}")
        else:
            med_advice.append(book.advice)

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
    cited += ctext.references

    notes = advice_mod.safety_notes(facts, factor_ids, kb.advice, keep)
    note_ids = {n.id for n in notes}
    withheld = advice_mod.relief_withheld(ctx.fired)
    relief = advice_mod.relief(facts, withheld, note_ids)
    cited += kb.advice.relief_references
    plan = advice_mod.prevention(facts, factor_ids, calcium_verdict, withheld, note_ids, eng.plan)
    for item in plan:
        cited += item.references
    for note in notes:
        cited += note.references
    cited += eng.does_not_work_refs
    return Conclusions(
        fired,
        top,
        headline,
        reasons,
        factors,
        ruled_out,
        meds,
        med_advice,
        med_refs,
        cast(Verdict, calcium_verdict),
        calcium_because,
        calcium_advice,
        notes,
        withheld,
        relief,
        plan,
        list(dict.fromkeys(cited)),
    )


def assess(
    intake: Intake, engine: Engine | None = None, diary_because: Sequence[str] | None = None
) -> Assessment:
    """Assess one intake: alerts and triage, factors, calcium, medicines, relief and prevention.

    ``diary_because``: the policy's ``frequent_or_prolonged`` rule evaluated on the person's
    cramp diary (``crampcheck.diary.analytics.diary_frequent_or_prolonged``); when it fired
    there, the alert is raised here too, even if the intake's own numbers do not show it.
    """
    eng = engine or default_engine()
    c = conclude(intake, eng, diary_because)
    kb = eng.kb
    # The records are built with ``trusted`` (no second validation): every value comes from
    # the validated intake and knowledge base. Records that never change are the engine's.
    alerts_kb = eng.alerts
    alerts = []
    for alert_id, level, because in c.fired:
        a = alerts_kb[alert_id]
        alerts.append(
            AlertOut.trusted(
                id=alert_id,
                level=level,
                title=a.title,
                because=because,
                advice=a.texts[level].advice,
                references=list(a.references),
            )
        )
    factors_kb = eng.factors
    factor_out = []
    for r in c.factors:
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
    med_out = [
        MedicationOut.trusted(
            input=m.input,
            generic=m.generic,
            classes=list(m.classes),
            grades=dict(m.grades),  # the recognised medicine is shared: the record gets a copy
            grade=m.grade,
            recent=m.recent,
            advice=advice,
            references=refs,
            hint=m.hint,
        )
        for m, advice, refs in zip(c.meds, c.med_advice, c.med_refs, strict=True)
    ]
    note_out = eng.note_out
    ref_out = eng.ref_out
    return Assessment.trusted(
        contract=1,
        triage=Triage.trusted(level=c.top, headline=c.headline, reasons=c.reasons),
        alerts=alerts,
        factors=factor_out,
        factors_ruled_out=[RuledOut.trusted(id=fid, because=[b]) for fid, b in c.ruled_out],
        medications=med_out,
        calcium=Calcium.trusted(
            verdict=c.calcium_verdict,
            because=c.calcium_because,
            advice=c.calcium_advice,
            references=list(eng.calcium[c.calcium_verdict].references),
        ),
        relief_withheld=c.withheld,
        relief=[eng.relief_out[key] for key in c.relief],
        prevention=[eng.prevention_out[p.id] for p in c.plan],
        prevention_note=kb.advice.prevention_on_hold if c.withheld else None,
        does_not_work=eng.does_not_work,
        safety_notes=[
            note_out[n.id]
            if n.text == note_out[n.id].text
            else NoteOut.trusted(id=n.id, text=n.text, references=list(n.references))
            for n in c.notes
        ],
        references=[ref_out[r] for r in c.references],
        disclaimer=kb.advice.disclaimer,
        versions=eng.versions,
    )


def assess_json(
    intake: Intake, engine: Engine | None = None, diary_because: Sequence[str] | None = None
) -> bytes:
    """``assess(intake).model_dump_json()``, byte for byte, in half the time: what the API
    answers.

    The assessment's records are not built: their JSON is written straight from the
    conclusions, and what never changes (the knowledge base's texts, references, relief and
    prevention records) was written once, by pydantic, when the engine was built. Every value
    that varies is written by pydantic's own JSON writer (``pydantic_core.to_json``). The
    tests compare the two on every vignette and on generated intakes.
    """
    eng = engine or default_engine()
    c = conclude(intake, eng, diary_because)
    j = eng.json_parts()
    alert_parts = j.alerts
    factor_parts = j.factors
    alerts = []
    for alert_id, level, because in c.fired:
        head, tail = alert_parts[alert_id, level]
        alerts.append(head + to_json(because) + tail)
    factors = []
    for r in c.factors:
        head, tail = factor_parts[r.id]
        factors.append(
            head
            + b","
            + to_json({"strength": _strength(r.score), "score": r.score, "because": r.because})[
                1:-1
            ]
            + tail
        )
    meds = [
        to_json(
            {
                "input": m.input,
                "generic": m.generic,
                "classes": m.classes,
                "grades": m.grades,
                "grade": m.grade,
                "recent": m.recent,
                "advice": advice,
                "references": refs,
                "hint": m.hint,
            }
        )
        for m, advice, refs in zip(c.meds, c.med_advice, c.med_refs, strict=True)
    ]
    notes = j.notes
    safety = [
        notes[n.id]
        if n.text == eng.note_out[n.id].text
        else to_json({"id": n.id, "text": n.text, "references": n.references})
        for n in c.notes
    ]
    refs = j.references
    return b"".join(
        (
            b'{"contract":1,"triage":',
            to_json({"level": c.top, "headline": c.headline, "reasons": c.reasons}),
            b',"alerts":[',
            b",".join(alerts),
            b'],"factors":[',
            b",".join(factors),
            b'],"factors_ruled_out":',
            to_json([{"id": fid, "because": [b]} for fid, b in c.ruled_out]),
            b',"medications":[',
            b",".join(meds),
            b'],"calcium":',
            to_json(
                {
                    "verdict": c.calcium_verdict,
                    "because": c.calcium_because,
                    "advice": c.calcium_advice,
                }
            )[:-1],
            j.calcium_refs[c.calcium_verdict],
            b',"relief_withheld":true' if c.withheld else b',"relief_withheld":false',
            b',"relief":[',
            b",".join([j.relief[key] for key in c.relief]),
            b'],"prevention":[',
            b",".join([j.prevention[p.id] for p in c.plan]),
            b"]," + (j.prevention_on_hold if c.withheld else b'"prevention_note":null'),
            j.does_not_work,
            b',"safety_notes":[',
            b",".join(safety),
            b'],"references":[',
            b",".join([refs[r] for r in c.references]),
            j.closing,
        )
    )


@dataclass(frozen=True, slots=True)
class JsonParts:
    """The JSON of what an assessment takes unchanged from the knowledge base, written once by
    pydantic when the engine is built (``assess_json``)."""

    alerts: dict[tuple[str, Level], tuple[bytes, bytes]]  # (alert, level): around "because"
    factors: dict[str, tuple[bytes, bytes]]  # factor -> before "strength", after "because"
    calcium_refs: dict[str, bytes]  # verdict -> ',"references":[...]}'
    relief: dict[advice_mod.ReliefKey, bytes]
    prevention: dict[str, bytes]
    notes: dict[str, bytes]
    references: dict[str, bytes]
    prevention_on_hold: bytes  # '"prevention_note":"..."'
    does_not_work: bytes  # ',"does_not_work":[...]'
    closing: bytes  # '],"disclaimer":"...","versions":{...}}'

    @classmethod
    def build(cls, eng: Engine) -> JsonParts:
        def record(model: BaseModel) -> bytes:
            return model.model_dump_json().encode()

        def fields(**values: Any) -> bytes:
            """``"a":1,"b":2``: the fields as pydantic writes them."""
            return to_json(values)[1:-1]

        advice = eng.kb.advice
        alerts: dict[tuple[str, Level], tuple[bytes, bytes]] = {}
        for a in eng.kb.alerts:
            for level, text in a.texts.items():
                alerts[a.id, level] = (
                    b"{" + fields(id=a.id, level=level, title=a.title) + b',"because":',
                    b"," + fields(advice=text.advice, references=a.references) + b"}",
                )
        return cls(
            alerts=alerts,
            factors={
                f.id: (
                    b"{" + fields(id=f.id, title=f.title),
                    b"," + fields(advice=f.advice, references=f.references) + b"}",
                )
                for f in eng.kb.factors
            },
            calcium_refs={
                v: b"," + fields(references=t.references) + b"}" for v, t in eng.calcium.items()
            },
            relief={key: record(r) for key, r in eng.relief_out.items()},
            prevention={i: record(p) for i, p in eng.prevention_out.items()},
            notes={i: record(n) for i, n in eng.note_out.items()},
            references={i: record(r) for i, r in eng.ref_out.items()},
            prevention_on_hold=fields(prevention_note=advice.prevention_on_hold),
            does_not_work=b',"does_not_work":['
            + b",".join(record(n) for n in eng.does_not_work)
            + b"]",
            closing=b"],"
            + fields(disclaimer=advice.disclaimer)
            + b',"versions":'
            + record(eng.versions)
            + b"}",
        )
