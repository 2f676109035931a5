"""Knowledge-base integrity: ids unique, every citation resolves, no reference unused, every
rule and clue in the data has its logic in the engine (and the other way round), and bad data
fails with a message naming the file, the record and the field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crampcheck import vocab
from crampcheck.engine.alerts import RULES
from crampcheck.engine.factors import CLUES
from crampcheck.errors import KnowledgeError
from crampcheck.knowledge.checks import cited_references, cross_check
from crampcheck.knowledge.loader import build, data_dir, load_knowledge
from crampcheck.knowledge.models import KnowledgeBase

MIRRORS = (
    "laibokeji",
    "scribd",
    "researchgate",
    "philstar",
    "gubta",
    "doctoori",
    "abcdocz",
    "ehb.be",
)


def test_knowledge_base_is_consistent(kb: KnowledgeBase) -> None:
    assert cross_check(kb) == []


def test_every_claim_cites_a_reference(kb: KnowledgeBase) -> None:
    known = {r.id for r in kb.references}
    places = cited_references(kb)
    assert all(refs for refs in places.values())
    used = {r for refs in places.values() for r in refs}
    assert used <= known
    assert known <= used, f"unused references: {sorted(known - used)}"


def test_reference_ids_unique_and_urls_canonical(kb: KnowledgeBase) -> None:
    ids = [r.id for r in kb.references]
    assert len(ids) == len(set(ids))
    for ref in kb.references:
        if ref.status in ("unverified", "expert-opinion"):
            assert ref.url is None, ref.id
        if ref.url:
            assert not any(m in ref.url for m in MIRRORS), ref.id
        assert ref.citation.endswith(".")


def test_contract_vocabularies_are_covered(kb: KnowledgeBase) -> None:
    assert {a.id for a in kb.alerts} == set(vocab.ALERT_IDS)
    assert {f.id for f in kb.factors} == set(vocab.FACTOR_IDS)
    assert {c.id for c in kb.medicines.classes} == set(vocab.CLASS_IDS)


def test_alert_rules_match_engine(kb: KnowledgeBase) -> None:
    data_rules = {r.id for a in kb.alerts for r in a.rules}
    assert data_rules == set(RULES)


def test_factor_clues_match_engine(kb: KnowledgeBase) -> None:
    data_clues = {(f.id, c.id) for f in kb.factors for c in f.clues if f.id != "medication"}
    assert data_clues == set(CLUES)


def test_policy_grades_of_classes(kb: KnowledgeBase) -> None:
    grades = {c.id: c.grade for c in kb.medicines.classes}
    assert grades["long_acting_beta_agonist"] == "strong"
    assert grades["thiazide_diuretic"] == "strong"
    assert grades["loop_diuretic"] == "moderate"
    assert grades["proton_pump_inhibitor"] == "weak"
    assert grades["quinine"] is None


def test_cached_load_equals_fresh_build(kb: KnowledgeBase) -> None:
    assert load_knowledge() == kb


def _copy(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    return folder


def test_unknown_key_names_file_record_and_field(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "alerts.yaml"
    text = path.read_text()
    path.write_text(text.replace("  title:", "  titel:", 1))
    with pytest.raises(KnowledgeError) as err:
        build(folder)
    message = str(err.value)
    assert "alerts.yaml" in message
    assert "acute_limb_ischaemia" in message
    assert "titel" in message


def test_unknown_reference_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    path = folder / "factors.yaml"
    path.write_text(path.read_text().replace('"R11"', '"R999"', 1))
    with pytest.raises(KnowledgeError, match="R999"):
        build(folder)


def test_broken_yaml_is_reported(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "questions.yaml").write_text("questions: [unclosed")
    with pytest.raises(KnowledgeError, match=r"questions\.yaml: not valid YAML"):
        build(folder)
