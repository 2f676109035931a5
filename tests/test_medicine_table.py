"""The table of real-world medicine strings (tests/data/medicine_strings.csv), scored as
scripts/score_medicines.py scores a held-out list: class precision and recall at least 0.98."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "data" / "medicine_strings.csv"


def _scorer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "score_medicines", ROOT / "scripts" / "score_medicines.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["score_medicines"] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_table_is_large_and_varied() -> None:
    import csv
    from collections import Counter

    rows = list(csv.DictReader(TABLE.open(encoding="utf-8")))
    assert len(rows) >= 300
    kinds = Counter(r["kind"] for r in rows)
    for kind in (
        "generic",
        "brand",
        "abbreviation",
        "dose_schedule",
        "combination",
        "misspelling",
        "no_link",
        "nonsense",
    ):
        assert kinds[kind] >= 5, kind


def test_class_precision_and_recall() -> None:
    result = _scorer().score_table(TABLE)
    print(result.line())
    assert result.precision >= 0.98, "\n".join(result.failures)
    assert result.recall >= 0.98, "\n".join(result.failures)
    assert result.accuracy >= 0.95, "\n".join(result.failures)
