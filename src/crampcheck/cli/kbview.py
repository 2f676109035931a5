"""``crampcheck kb`` and ``crampcheck meds``: browse the knowledge base, recognise medicines."""

from __future__ import annotations

import json
import textwrap
from typing import Any

from crampcheck.cli.main import fail
from crampcheck.cli.term import echo, styler
from crampcheck.knowledge.browse import KINDS, cited, record_json, records
from crampcheck.knowledge.loader import load_knowledge


def dump(data: Any) -> None:
    echo(json.dumps(data, indent=1, ensure_ascii=False))


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
        counts = {k: len(records(kb, k)) for k in KINDS}
        if as_json:
            dump(counts)
        else:
            for k, n in counts.items():
                echo(f"{k:<12} {n:>4} records   crampcheck kb {k}")
        return
    found = records(kb, kind)
    if record_id is None:
        if as_json:
            dump([r.model_dump(mode="json") for r in found.values()])
        else:
            for rid, record in found.items():
                echo(f"{rid:<34} {textwrap.shorten(_summary(record), 62)}")
        return
    record = found.get(record_id)
    if record is None:
        close = [r for r in found if record_id.lower() in r.lower()][:5]
        fail(
            [
                f"ID: no {kind} record {record_id!r}"
                + (f"; did you mean {', '.join(close)}?" if close else "")
            ]
        )
    if as_json:
        dump(record_json(kb, kind, record))
        return
    style = styler()
    for key, value in record.model_dump(mode="json").items():
        if key == "references":
            continue
        echo(f"{style(key, 'bold')}: {value}")
    if kind == "references":
        echo(f"{style('citation', 'bold')}: {record.citation}")
    references = cited(kb, kind, record)
    if references:
        echo(style("references:", "bold"))
        for ref in references:
            echo(f"  [{ref.id}] {ref.citation}" + (f" {ref.url}" if ref.url else ""))


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
