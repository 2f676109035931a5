"""Cross-record checks on a knowledge base: ids, citations, vocabularies and names.

Each problem names the file and the record so it can be fixed without a search.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from crampcheck import vocab
from crampcheck.knowledge.models import KnowledgeBase


def _dupes(ids: Iterable[str]) -> list[str]:
    return sorted(k for k, n in Counter(ids).items() if n > 1)


def _vocab(problems: list[str], where: str, got: Iterable[str], want: Iterable[str]) -> None:
    got_set, want_set = set(got), set(want)
    if missing := sorted(want_set - got_set):
        problems.append(f"{where}: missing records for contract ids {missing}")
    if extra := sorted(got_set - want_set):
        problems.append(f"{where}: ids not in the contract {extra}")


def cited_references(kb: KnowledgeBase) -> dict[str, list[str]]:
    """Every place that cites references: ``"file: record"`` -> cited ids."""
    out: dict[str, list[str]] = {}
    for a in kb.alerts:
        out[f"alerts.yaml: {a.id}"] = list(a.references)
    for f in kb.factors:
        out[f"factors.yaml: {f.id}"] = list(f.references)
    med = kb.medicines
    out["medicines.yaml: (advice)"] = list(med.references)
    for c in med.classes:
        out[f"medicines.yaml: class {c.id}"] = list(c.references)
    adv = kb.advice
    out["advice.yaml: relief"] = list(adv.relief_references)
    for p in adv.prevention:
        out[f"advice.yaml: prevention {p.id}"] = list(p.references)
    for n in (*adv.does_not_work, *adv.safety_notes):
        out[f"advice.yaml: note {n.id}"] = list(n.references)
    for verdict in adv.calcium:
        out[f"advice.yaml: calcium {verdict.verdict}"] = list(verdict.references)
    return out


def cross_check(kb: KnowledgeBase) -> list[str]:
    """All consistency problems of ``kb`` (empty when it is sound)."""
    problems: list[str] = []
    ref_ids = [r.id for r in kb.references]
    if d := _dupes(ref_ids):
        problems.append(f"references.yaml: duplicate ids {d}")
    known = set(ref_ids)
    used: set[str] = set()
    for where, refs in cited_references(kb).items():
        used.update(refs)
        if bad := sorted(set(refs) - known):
            problems.append(f"{where}: cites unknown references {bad}")
    if unused := sorted(known - used, key=ref_ids.index):
        problems.append(f"references.yaml: references cited nowhere {unused}")

    alert_ids = [a.id for a in kb.alerts]
    if d := _dupes(alert_ids):
        problems.append(f"alerts.yaml: duplicate ids {d}")
    _vocab(problems, "alerts.yaml", alert_ids, vocab.ALERT_IDS)
    for a in kb.alerts:
        levels = [r.level for r in a.rules]
        if d := _dupes(levels):
            problems.append(f"alerts.yaml: {a.id}: more than one rule at level {d}")
        for r in a.rules:
            if r.id != f"{a.id}_{r.level}":
                problems.append(f"alerts.yaml: {a.id}: rule id {r.id!r} must be {a.id}_{r.level}")
        if set(a.texts) != set(levels):
            problems.append(f"alerts.yaml: {a.id}: texts must have exactly the levels {levels}")

    factor_ids = [f.id for f in kb.factors]
    if d := _dupes(factor_ids):
        problems.append(f"factors.yaml: duplicate ids {d}")
    _vocab(problems, "factors.yaml", factor_ids, vocab.FACTOR_IDS)
    for f in kb.factors:
        if d := _dupes(c.id for c in f.clues):
            problems.append(f"factors.yaml: {f.id}: duplicate clue ids {d}")

    med = kb.medicines
    class_ids = [c.id for c in med.classes]
    if d := _dupes(class_ids):
        problems.append(f"medicines.yaml: duplicate class ids {d}")
    _vocab(problems, "medicines.yaml: classes", class_ids, vocab.CLASS_IDS)
    for c in med.classes:
        if (c.kind == "safety") != (c.grade is None):
            problems.append(
                f"medicines.yaml: class {c.id}: safety classes have no grade, causes one"
            )
    generics = [d.generic for d in med.drugs]
    if d := _dupes(generics):
        problems.append(f"medicines.yaml: duplicate generics {d}")
    for drug in med.drugs:
        if bad := sorted(set(drug.classes) - set(class_ids)):
            problems.append(f"medicines.yaml: drug {drug.generic}: unknown classes {bad}")
    gen_set = set(generics)
    for combo in med.combinations:
        if bad := [p for p in combo.parts if p not in gen_set]:
            problems.append(f"medicines.yaml: combination {combo.names[0]}: unknown parts {bad}")
    names = [n.casefold() for drug in med.drugs for n in (drug.generic, *drug.names)]
    names += [n.casefold() for combo in med.combinations for n in combo.names]
    if d := _dupes(names):
        problems.append(f"medicines.yaml: names given more than once {d}")
    ordinary = {w.casefold() for w in med.ordinary_words}
    if clash := sorted(ordinary & set(names)):
        problems.append(f"medicines.yaml: ordinary words that are also medicine names {clash}")

    adv = kb.advice
    _vocab(problems, "advice.yaml: relief_sites", [s.site for s in adv.relief_sites], vocab.SITES)
    _vocab(problems, "advice.yaml: calcium", [c.verdict for c in adv.calcium], vocab.VERDICTS)
    note_ids = [p.id for p in adv.prevention] + [
        n.id for n in (*adv.does_not_work, *adv.safety_notes)
    ]
    if d := _dupes(note_ids):
        problems.append(f"advice.yaml: duplicate ids {d}")
    for p in adv.prevention:
        if bad := sorted(set(p.for_factors) - set(factor_ids)):
            problems.append(f"advice.yaml: prevention {p.id}: unknown factors {bad}")

    if d := _dupes(q.field for q in kb.questions):
        problems.append(f"questions.yaml: duplicate fields {d}")
    return problems
