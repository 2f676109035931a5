"""Engine rules checked on small hand-made intakes (numbers worked out by hand from the policy)."""

from __future__ import annotations

from typing import Any

import pytest

import crampcheck
from crampcheck import Assessment, assess, parse_intake
from crampcheck.engine.alerts import frequent_or_prolonged
from crampcheck.engine.facts import calcium_status
from crampcheck.engine.intake import Labs
from tests.conftest import minimal


def run(**sections: Any) -> Assessment:
    return assess(parse_intake(minimal(**sections)))


def alert_ids(a: Assessment) -> dict[str, str]:
    return {x.id: x.level for x in a.alerts}


def test_public_api_is_pinned() -> None:
    assert sorted(crampcheck.__all__) == sorted(
        [
            "Assessment",
            "CrampcheckError",
            "InputError",
            "Intake",
            "KnowledgeError",
            "__version__",
            "assess",
            "load_knowledge",
            "parse_intake",
        ]
    )


def test_corrected_calcium_is_rounded_before_comparing() -> None:
    # 2.26 + 0.02 * (40 - 43) = 2.1999999999999997 in floating point; rounded it is 2.20: normal
    status, because = calcium_status(Labs(calcium_mmol_l=2.26, albumin_g_l=43))
    assert status == "normal"
    assert because is not None
    assert "2.20" in because


def test_ionised_calcium_decides_when_known() -> None:
    assert calcium_status(Labs(calcium_mmol_l=2.0, ionised_calcium_mmol_l=1.2))[0] == "normal"
    assert calcium_status(Labs(ionised_calcium_mmol_l=0.85))[0] == "severely_low"
    assert calcium_status(Labs(calcium_mmol_l=3.1))[0] == "very_high"


def test_self_care_when_nothing_is_wrong() -> None:
    a = run()
    assert a.triage.level == "self_care"
    assert a.alerts == []
    assert a.calcium.verdict == "not_indicated"
    assert a.relief[0].site == "calf"


def test_unknown_side_counts_as_one_sided_for_dvt() -> None:
    a = run(findings={"tender_calf_between_cramps": True, "previous_dvt_or_clot": True})
    assert alert_ids(a)["dvt"] == "urgent"
    assert "cramps.side=unknown" in a.alerts[0].because
    both = run(
        cramps={"side": "both"},
        findings={"tender_calf_between_cramps": True, "previous_dvt_or_clot": True},
    )
    assert "dvt" not in alert_ids(both)


def test_estrogen_is_a_clot_risk() -> None:
    a = run(
        cramps={"side": "left"},
        findings={"redness_or_warmth": True},
        medications=["Microgynon 30"],
    )
    assert "dvt" in alert_ids(a)
    assert "cellulitis" not in alert_ids(a)  # redness alone is explained by the possible clot
    assert a.relief_withheld is True


def test_relief_withheld_removes_stretching_and_warmth_from_the_plan() -> None:
    a = run(findings={"calf_swelling": "one_leg"}, lifestyle={"cold_exposure": True})
    assert a.relief_withheld is True
    assert len(a.relief) == 1
    ids = {p.id for p in a.prevention}
    assert not ids & {"nightly_calf_stretch", "keep_legs_warm", "warm_foot_soak"}
    assert a.prevention_note


def test_foot_soak_left_out_for_numb_feet() -> None:
    plain = run(lifestyle={"cold_exposure": True})
    assert "warm_foot_soak" in {p.id for p in plain.prevention}
    diabetic = run(lifestyle={"cold_exposure": True}, conditions=["diabetes"])
    assert "warm_foot_soak" not in {p.id for p in diabetic.prevention}


def test_heat_exhaustion_note_and_no_warmth() -> None:
    a = run(
        lifestyle={
            "recent_heavy_exercise": True,
            "heavy_sweating_or_heat": True,
            "diarrhoea_or_vomiting": True,
        }
    )
    assert "heat_exhaustion" in {n.id for n in a.safety_notes}
    steps = " ".join(a.relief[0].steps).lower()
    assert "warmth can help" not in steps
    assert "do not use heat" in steps


def test_stale_labs_do_not_rule_out() -> None:
    fresh = run(medications=["furosemide"], labs={"potassium_mmol_l": 4.2})
    assert "low_potassium" in {r.id for r in fresh.factors_ruled_out}
    stale = run(
        medications=[{"name": "furosemide", "started_weeks_ago": 2}],
        labs={"potassium_mmol_l": 4.2, "taken_weeks_ago": 8},
    )
    assert "low_potassium" in {f.id for f in stale.factors}
    low = run(
        medications=[{"name": "furosemide", "started_weeks_ago": 2}],
        labs={"potassium_mmol_l": 3.2, "taken_weeks_ago": 8},
    )
    assert alert_ids(low)["electrolyte_abnormal"] == "routine"  # abnormal results still count


def test_noisy_or_scores() -> None:
    a = run(person={"age": 70}, lifestyle={"prolonged_standing": True, "prolonged_sitting": True})
    scores = {f.id: f.score for f in a.factors}
    assert scores["prolonged_posture"] == pytest.approx(1 - 0.65 * 0.65)
    assert scores["ageing"] == pytest.approx(0.35)
    strengths = {f.id: f.strength for f in a.factors}
    assert strengths["prolonged_posture"] == "possible"


def test_recent_medicine_is_one_grade_higher_and_reviewed() -> None:
    a = run(medications=[{"name": "atorvastatin 20 mg", "started_weeks_ago": 4}])
    med = next(f for f in a.factors if f.id == "medication")
    assert med.score == pytest.approx(0.6)
    assert alert_ids(a)["medication_review"] == "routine"


def test_medicine_started_long_before_the_cramps_is_not_reviewed() -> None:
    a = run(
        cramps={"per_week": 3, "months": 2},
        medications=[{"name": "amlodipine 5 mg", "started_weeks_ago": 300}],
    )
    assert a.factors[0].id == "medication"
    assert "medication_review" not in alert_ids(a)
    b = run(
        cramps={"per_week": 3, "months": 2},
        medications=[{"name": "amlodipine 5 mg", "started_weeks_ago": 30}],
    )
    assert "medication_review" in alert_ids(b)


def test_quinine_gets_the_one_stop_exception_and_review() -> None:
    a = run(medications=["quinine sulfate 200 mg"])
    assert alert_ids(a)["medication_review"] == "routine"
    assert "quinine_warning" in {n.id for n in a.safety_notes}
    assert a.medications[0].classes == ["quinine"]
    assert a.medications[0].grade is None
    assert "medication" not in {f.id for f in a.factors}


@pytest.mark.parametrize(
    ("args", "fires"),
    [
        ((40, None, 12.0, None, None, None), True),  # longer than 10 minutes, age >= 16
        ((15, 7.0, 12.0, 6.0, None, None), True),  # every night
        ((15, None, 12.0, None, None, None), False),  # a child with long cramps: not this rule
        ((55, 3.0, 5.0, 6.0, None, None), True),
        ((55, 3.0, 5.0, 0.5, None, None), False),  # under a month
        ((55, 3.0, 5.0, None, None, None), True),  # unknown months counts as met
        ((49, 3.0, 5.0, 6.0, None, None), False),
        ((30, 3.0, None, 6.0, True, None), True),  # still cramping while stretching
        ((46, 1.0, 5.0, 6.0, None, "conditions=diabetes"), True),
        ((44, 1.0, 5.0, 6.0, None, "conditions=diabetes"), False),
        ((60, None, 5.0, 6.0, None, None), False),  # per_week must be known
    ],
)
def test_frequent_or_prolonged(args: tuple[Any, ...], fires: bool) -> None:
    assert bool(frequent_or_prolonged(*args)) is fires


def test_high_calcium_changes_the_keep_taking_sentence() -> None:
    a = run(conditions=["osteoporosis"], labs={"calcium_mmol_l": 2.75})
    assert a.calcium.verdict == "not_indicated"
    assert alert_ids(a)["electrolyte_abnormal"] == "routine"
    note = next(n for n in a.safety_notes if n.id == "keep_prescribed_calcium")
    assert "next dose" in note.text
    assert "keep taking" not in note.text.lower()


def test_check_blood_fires_calcium_check() -> None:
    a = run(conditions=["thyroid_or_parathyroid_surgery"])
    assert a.calcium.verdict == "check_blood"
    assert alert_ids(a)["calcium_check"] == "routine"
    normal = run(conditions=["thyroid_or_parathyroid_surgery"], labs={"calcium_mmol_l": 2.3})
    assert normal.calcium.verdict == "not_indicated"


def test_every_claim_in_the_output_is_cited() -> None:
    a = run(
        person={"age": 70},
        findings={"calf_swelling": "one_leg"},
        medications=["HCTZ", "warfarin"],
        labs={"potassium_mmol_l": 3.1},
    )
    cited = {r.id for r in a.references}
    for item in (*a.alerts, *a.factors, *a.medications, *a.prevention, *a.safety_notes):
        assert item.references
        assert set(item.references) <= cited
    assert set(a.calcium.references) <= cited
    assert a.disclaimer


def test_no_medicine_advice_says_stop() -> None:
    a = run(medications=["HCTZ", "atorvastatin", "lithium carbonate", "ibuprofen"])
    for m in a.medications:
        assert "ask" in m.advice.lower()


def test_trusted_records_are_like_validated_ones() -> None:
    from crampcheck.engine.assessment import MedicationOut

    given = {
        "recent": False,  # out of order, and without the optional hint
        "input": "Lasix",
        "generic": "furosemide",
        "classes": ["loop_diuretic"],
        "grades": {"loop_diuretic": "moderate"},
        "grade": "moderate",
        "advice": "Ask your prescriber.",
        "references": ["R11"],
    }
    trusted = MedicationOut.trusted(**given)
    validated = MedicationOut.model_validate(given)
    assert trusted == validated
    assert trusted.hint is None
    assert trusted.model_dump_json() == validated.model_dump_json()
    assert trusted.model_fields_set == validated.model_fields_set


def test_api_writer_writes_what_the_records_write() -> None:
    # every kind of part: alerts at two levels, factors, ruled-out factors, medicines (a
    # recognised one, quinine, an unknown one), the keep-prescribed calcium text, safety notes
    # with other text, relief withheld, and a diary-raised alert
    from crampcheck.engine.core import assess_json

    intakes = [
        minimal(),
        minimal(
            findings={"calf_swelling": "one_leg", "fever": True},
            medications=["quinine", "Lasix 40mg", "zzqx tablets", "Adcal-D3"],
            conditions=["hypoparathyroidism"],
            labs={"calcium_mmol_l": 2.7, "magnesium_mmol_l": 0.9, "taken_weeks_ago": 1},
            cramps={"sites": ["calf", "foot"], "per_week": 8, "minutes": 3},
        ),
    ]
    for data in intakes:
        intake = parse_intake(data)
        for because in (None, ["diary: 9 cramps in the last 7 days"]):
            written = assess(intake, diary_because=because).model_dump_json().encode()
            assert assess_json(intake, diary_because=because) == written
