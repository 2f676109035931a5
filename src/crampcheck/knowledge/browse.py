"""Browse the knowledge base by kind and id, with the references each record cites.

Shared by ``crampcheck kb`` and ``GET /api/v1/knowledge``.
"""

from __future__ import annotations

from typing import Any

from crampcheck.knowledge.models import KnowledgeBase, Reference

KINDS = (
    "alerts",
    "factors",
    "classes",
    "medicines",
    "references",
    "prevention",
    "safety",
    "questions",
)


def records(kb: KnowledgeBase, kind: str) -> dict[str, Any]:
    """The records of one kind (see ``KINDS``), by id."""
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
    if kind == "questions":
        return {q.field: q for q in kb.questions}
    raise ValueError(f"unknown kind {kind!r}; allowed: {', '.join(KINDS)}")


def cited(kb: KnowledgeBase, kind: str, record: Any) -> list[Reference]:
    """The references a record cites (a medicine cites those of its classes)."""
    refs = {r.id: r for r in kb.references}
    if kind == "medicines":
        classes = {c.id: c for c in kb.medicines.classes}
        ids = sorted({r for c in record.classes for r in classes[c].references})
    else:
        ids = list(getattr(record, "references", None) or [])
    return [refs[r] for r in ids]


def record_json(kb: KnowledgeBase, kind: str, record: Any) -> dict[str, Any]:
    """A record as JSON, with ``cited``: its references in full, with their citation line."""
    data: dict[str, Any] = record.model_dump(mode="json")
    data["cited"] = [
        r.model_dump(mode="json") | {"citation": r.citation} for r in cited(kb, kind, record)
    ]
    return data
