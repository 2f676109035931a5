"""Property tests: the engine never crashes on a valid intake, red flags never lower the triage,
and turning an unknown finding into an explicit "no" never adds an alert."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampcheck import Assessment, assess, parse_intake
from crampcheck.engine.assessment import LEVELS
from crampcheck.engine.core import assess_json
from tests.strategies import BOOL_FINDINGS, intakes

RED_FLAGS = [
    ("cold_pale_or_blue_leg", True),
    ("numb_or_weak_leg_suddenly", True),
    ("short_of_breath_or_chest_pain", True),
    ("dark_urine", True),
    ("tense_swollen_very_painful_muscle", True),
    ("stiff_jaw_or_spreading_spasms_after_wound", True),
    ("confusion_seizure_or_fainting", True),
    ("saddle_numbness_or_bladder_bowel_change", True),
    ("calf_swelling", "one_leg"),
    ("redness_or_warmth", True),
    ("fever", True),
    ("tender_calf_between_cramps", True),
    ("pain_persists_after_cramp_released", True),
    ("sudden_pain_during_sport", True),
    ("tingling_lips_or_hand_spasms", True),
    ("pain_at_rest_foot_or_toes", True),
    ("muscle_weakness", True),
    ("severe_pain_after_exertion", True),
]
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def run(data: dict[str, Any]) -> Assessment:
    return assess(parse_intake(data))


def rank(a: Assessment) -> int:
    return LEVELS.index(a.triage.level)


@SETTINGS
@given(intakes)
def test_engine_never_crashes_and_output_is_consistent(data: dict[str, Any]) -> None:
    result = run(data)
    written = result.model_dump_json()
    again = Assessment.model_validate_json(written)  # the engine's records are all valid
    assert again == result
    assert again.model_dump_json() == written  # ...and stored in their fields' order
    # the API's writer writes the same bytes without building the records
    assert assess_json(parse_intake(data)) == written.encode()
    levels = [LEVELS.index(a.level) for a in result.alerts]
    assert levels == sorted(levels, reverse=True), "alerts most urgent first"
    assert rank(result) == (max(levels) if levels else 0)
    assert len({a.id for a in result.alerts}) == len(result.alerts)
    scores = [f.score for f in result.factors]
    assert scores == sorted(scores, reverse=True)
    cited = {r.id for r in result.references}
    for item in (*result.alerts, *result.factors, *result.prevention, *result.safety_notes):
        assert item.references
        assert set(item.references) <= cited
    assert len(result.medications) == len(data.get("medications") or [])
    if result.relief_withheld:
        assert len(result.relief) == 1
        assert not any(
            p.id in ("nightly_calf_stretch", "warm_foot_soak") for p in result.prevention
        )


@SETTINGS
@given(intakes, st.sampled_from(RED_FLAGS))
def test_adding_a_red_flag_never_lowers_triage(data: dict[str, Any], flag: tuple[str, Any]) -> None:
    before = run(data)
    flagged = copy.deepcopy(data)
    flagged.setdefault("findings", {})[flag[0]] = flag[1]
    assert rank(run(flagged)) >= rank(before)


@SETTINGS
@given(intakes, st.sampled_from(BOOL_FINDINGS))
def test_setting_unknown_finding_to_false_adds_no_alert(data: dict[str, Any], name: str) -> None:
    findings = data.get("findings") or {}
    if findings.get(name) is not None:
        return
    before = {a.id for a in run(data).alerts}
    changed = copy.deepcopy(data)
    changed.setdefault("findings", {})[name] = False
    after = {a.id for a in run(changed).alerts}
    assert after <= before


@SETTINGS
@given(intakes)
def test_alert_gates_never_skip_a_rule_that_would_fire(data: dict[str, Any]) -> None:
    """Gates only save time: gated and ungated evaluation give the same alerts."""
    from crampcheck.engine.alerts import Context, evaluate
    from crampcheck.engine.core import default_engine
    from crampcheck.engine.facts import Facts

    engine = default_engine()
    intake = parse_intake(data)
    facts = Facts(intake, engine.recognise(intake))
    gated = Context(facts, {}, medication_single_top=True, calcium_verdict="check_blood")
    full = Context(facts, {}, medication_single_top=True, calcium_verdict="check_blood")
    evaluate(gated, engine.order)
    evaluate(full, engine.order, gated=False)
    assert gated.fired == full.fired
