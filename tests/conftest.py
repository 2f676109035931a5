"""Shared fixtures: the knowledge base and the vignette folders."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crampcheck.knowledge.loader import build
from crampcheck.knowledge.models import KnowledgeBase
from tests.pgserver import pg_server  # noqa: F401  (session fixture: a throwaway PostgreSQL)

TESTS = Path(__file__).parent
VIGNETTES = TESTS / "vignettes"


def load_vignettes(folder: str) -> list[dict[str, Any]]:
    return [json.loads(p.read_text()) for p in sorted((VIGNETTES / folder).glob("*.json"))]


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    """The knowledge base validated from source (not from the cache)."""
    return build()


def minimal(**sections: Any) -> dict[str, Any]:
    """A minimal valid intake dict with the given sections."""
    data: dict[str, Any] = {"contract": 1, "person": {"age": 40}}
    for key, value in sections.items():
        if key == "person":
            data["person"] = {**data["person"], **value}
        else:
            data[key] = value
    return data
