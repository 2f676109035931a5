"""Shared fixtures: the knowledge base and the vignette folders."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from crampcheck.knowledge.loader import build
from crampcheck.knowledge.models import KnowledgeBase
from tests.browser import (  # noqa: F401  (the browser fixtures, see tests/browser.py)
    browser,
    chromium_path,
    desktop_page,
    live_server,
    page,
    phone_page,
)
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


@pytest.fixture
def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    """Run the real ``crampcheck`` entry point in-process: (exit status, stdout, stderr)."""
    from crampcheck.cli.main import main

    def invoke(args: list[str], stdin: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin or ""))
        capsys.readouterr()
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        out, err = capsys.readouterr()
        return code, out, err

    return invoke
