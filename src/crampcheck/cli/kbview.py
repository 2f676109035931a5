"""``crampcheck kb`` and ``crampcheck meds``: browse the knowledge base, recognise medicines."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from crampcheck.cli.main import KB_KINDS, fail
from crampcheck.cli.term import echo, styler
from crampcheck.knowledge.loader import load_knowledge
from crampcheck.knowledge.models import KnowledgeBase


def dump(data: Any) -> None:
    echo(json.dumps(data, indent=1, ensure_ascii=False))


def _records(kb: KnowledgeBase, kind: str) -> dict[str, Any]:
    if kind == "alerts":
        return {a.id: a for a in kb.alerts}
    if kind == "factors":
        return {f.id: f for f in kb.factors}
    if kind == "classes":
        return {c.id: c for c in kb.medicines.classes}
    if kind == "medicines":
        return {d.generic: d for d in kb.medicines.drugs}
    if kind == "references":
        return {r.id: r for r in kb.references}
    if kind == "prevention":
        return {p.id: p for p in kb.advice.prevention}
    if kind == "safety":
        return {n.id: n for n in kb.advice.safety_notes}
    return {q.field: q for q in kb.questions}


def _summary(record: Any) -> str:
    for attr in ("title", "text", "citation"):
        value = getattr(record, attr, None)
        if value:
            return str(value)
    classes = getattr(record, "classes", None)
    if classes is not None:
        return ", ".join(classes) or "no cramp-linked class"
    return ""


def show_kb(kind: str | None, record_id: str | None, as_json: bool) -> None:
    kb = load_knowledge()
    if kind is None:
        counts = {k: len(_records(kb, k)) for k in KB_KINDS}
        if as_json:
            dump(counts)
        else:
            for k, n in counts.items():
                echo(f"{k:<12} {n:>4} records   crampcheck kb {k}")
        return
    records = _records(kb, kind)
    if record_id is None:
        if as_json:
            dump([r.model_dump(mode="json") for r in records.values()])
        else:
            for rid, record in records.items():
                echo(f"{rid:<34} {textwrap.shorten(_summary(record), 62)}")
        return
    record = records.get(record_id)
    if record is None:
        close = [r for r in records if record_id.lower() in r.lower()][:5]
        fail(
            [
                f"ID: no {kind} record {record_id!r}"
                + (f"; did you mean {', '.join(close)}?" if close else "")
            ]
        )
    data = record.model_dump(mode="json")
    refs = {r.id: r for r in kb.references}
    cited = data.get("references") or []
    if kind == "medicines":
        classes = {c.id: c for c in kb.medicines.classes}
        cited = sorted({r for c in record.classes for r in classes[c].references})
    if as_json:
        data["cited"] = [
            refs[r].model_dump(mode="json") | {"citation": refs[r].citation} for r in cited
        ]
        dump(data)
        return
    style = styler()
    for key, value in data.items():
        if key == "references":
            continue
        echo(f"{style(key, 'bold')}: {value}")
    if kind == "references":
        echo(f"{style('citation', 'bold')}: {record.citation}")
    if cited:
        echo(style("references:", "bold"))
        for r in cited:
            ref = refs[r]
            echo(f"  [{r}] {ref.citation}" + (f" {ref.url}" if ref.url else ""))


def show_meds(text: str, as_json: bool) -> None:
    from crampcheck.engine.core import default_engine

    engine = default_engine()
    items = engine.medicines.split_items(text)
    if not items:
        fail(["TEXT: give at least one medicine name"])
    results = [engine.medicines.recognise(item) for item in items]
    if as_json:
        dump([r.summary() for r in results])
        return
    style = styler()
    for r in results:
        if r.generic is None:
            echo(f"{r.input!r}: " + style(str(r.hint), "yellow"))
            continue
        classes = ", ".join(f"{c} ({r.grades[c]})" if c in r.grades else c for c in r.classes)
        echo(f"{r.input!r} -> {style(r.generic, 'bold')}: {classes or 'no cramp-linked class'}")
