"""Contributing factors (policy section 2): clues, noisy-OR scores and removal by normal labs.

Each clue of ``factors.yaml`` has a predicate here, keyed ``(factor, clue)``; the clue's grade
lives in the data. A factor's score is ``1 - prod(1 - w)`` over the clues that hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crampcheck.engine.facts import Facts

WEIGHTS = {"strong": 0.6, "moderate": 0.35, "weak": 0.15}
GRADE_RANK = {"weak": 1, "moderate": 2, "strong": 3}
UPGRADE = {"weak": "moderate", "moderate": "strong", "strong": "strong"}

Clue = Callable[[Facts], str | list[str] | None]


def _diuretic(f: Facts, *classes: str) -> str | None:
    return f.med_class(*classes)


CLUES: dict[tuple[str, str], Clue] = {
    # low_calcium
    ("low_calcium", "low_calcium_result"): lambda f: f.calcium_low,
    ("low_calcium", "tingling_lips_or_hand_spasms"): lambda f: f.finding(
        "tingling_lips_or_hand_spasms"
    ),
    ("low_calcium", "parathyroid_condition"): lambda f: f.has(
        "hypoparathyroidism", "thyroid_or_parathyroid_surgery"
    ),
    ("low_calcium", "low_vitamin_d"): lambda f: f.lab_below("vitamin_d_nmol_l", 25),
    ("low_calcium", "very_low_magnesium"): lambda f: f.lab_below("magnesium_mmol_l", 0.50),
    ("low_calcium", "calcium_lowering_medicine"): lambda f: f.med_class("calcium_lowering"),
    ("low_calcium", "kidney_condition"): lambda f: f.has("chronic_kidney_disease", "dialysis"),
    ("low_calcium", "low_intake_risk_group"): lambda f: f.low_intake_risk_group,
    # low_magnesium
    ("low_magnesium", "low_magnesium_result"): lambda f: f.lab_below("magnesium_mmol_l", 0.70),
    ("low_magnesium", "alcohol_excess"): lambda f: (
        f.has("alcohol_use_disorder") or _alcohol_over_14(f)
    ),
    ("low_magnesium", "diarrhoea_or_vomiting"): lambda f: f.habit("diarrhoea_or_vomiting"),
    ("low_magnesium", "proton_pump_inhibitor"): lambda f: f.med_class("proton_pump_inhibitor"),
    ("low_magnesium", "thiazide_or_loop_diuretic"): lambda f: _diuretic(
        f, "thiazide_diuretic", "loop_diuretic"
    ),
    # low_potassium
    ("low_potassium", "low_potassium_result"): lambda f: f.lab_below("potassium_mmol_l", 3.5),
    ("low_potassium", "thiazide_or_loop_diuretic"): lambda f: _diuretic(
        f, "thiazide_diuretic", "loop_diuretic"
    ),
    ("low_potassium", "diarrhoea_or_vomiting"): lambda f: f.habit("diarrhoea_or_vomiting"),
    ("low_potassium", "beta_agonist"): lambda f: f.med_class(
        "long_acting_beta_agonist", "short_acting_beta_agonist"
    ),
    ("low_potassium", "systemic_corticosteroid"): lambda f: f.med_class("corticosteroid"),
    # low_sodium
    ("low_sodium", "low_sodium_result"): lambda f: f.lab_below("sodium_mmol_l", 135),
    ("low_sodium", "thiazide_diuretic"): lambda f: f.med_class("thiazide_diuretic"),
    ("low_sodium", "ssri_snri"): lambda f: f.med_class("ssri_snri"),
    # dehydration
    ("dehydration", "heavy_sweating_or_heat"): lambda f: f.habit("heavy_sweating_or_heat"),
    ("dehydration", "low_fluid_intake"): lambda f: f.habit("low_fluid_intake"),
    ("dehydration", "diarrhoea_or_vomiting"): lambda f: f.habit("diarrhoea_or_vomiting"),
    ("dehydration", "diuretic"): lambda f: _diuretic(
        f, "thiazide_diuretic", "loop_diuretic", "potassium_sparing_diuretic"
    ),
    ("dehydration", "dialysis"): lambda f: f.has("dialysis"),
    # overexertion
    ("overexertion", "recent_heavy_exercise"): lambda f: f.habit("recent_heavy_exercise"),
    ("overexertion", "long_walk_or_climb"): lambda f: f.habit("long_walk_or_climb"),
    ("overexertion", "cramps_with_exercise"): lambda f: f.when("during_exercise", "after_exercise"),
    # cold_exposure
    ("cold_exposure", "cold_exposure"): lambda f: f.habit("cold_exposure"),
    ("cold_exposure", "cold_water_swimming"): lambda f: f.habit("cold_water_swimming"),
    # foot_position_or_bedding
    ("foot_position_or_bedding", "heavy_or_tight_bedding"): lambda f: f.habit(
        "heavy_or_tight_bedding"
    ),
    ("foot_position_or_bedding", "sleeps_with_toes_pointed"): lambda f: f.habit(
        "sleeps_with_toes_pointed"
    ),
    # prolonged_posture
    ("prolonged_posture", "prolonged_standing"): lambda f: f.habit("prolonged_standing"),
    ("prolonged_posture", "prolonged_sitting"): lambda f: f.habit("prolonged_sitting"),
    # inactivity
    ("inactivity", "sedentary"): lambda f: f.habit("sedentary"),
    # pregnancy
    ("pregnancy", "pregnant_13_weeks_or_more"): lambda f: (
        f.pregnant if (f.intake.person.pregnant_weeks or 0) >= 13 else None
    ),
    ("pregnancy", "pregnant_under_13_weeks"): lambda f: (
        f.pregnant if (f.intake.person.pregnant_weeks or 99) < 13 else None
    ),
    # ageing
    ("ageing", "age_65_or_over"): lambda f: f.age_at_least(65),
    ("ageing", "age_50_to_64"): lambda f: f.age_at_least(50) if f.age < 65 else None,
    # poor_circulation
    ("poor_circulation", "artery_disease"): lambda f: f.has(
        "peripheral_artery_disease", "atherosclerosis"
    ),
    ("poor_circulation", "pain_on_walking_relieved_by_rest"): lambda f: f.finding(
        "pain_on_walking_relieved_by_rest"
    ),
    ("poor_circulation", "pain_at_rest_foot_or_toes"): lambda f: f.finding(
        "pain_at_rest_foot_or_toes"
    ),
    ("poor_circulation", "cold_pale_or_blue_leg"): lambda f: f.finding("cold_pale_or_blue_leg"),
    ("poor_circulation", "smoker"): lambda f: f.habit("smoker"),
    # venous_disease
    ("venous_disease", "varicose_veins_or_venous_insufficiency"): lambda f: (
        f.finding("varicose_veins") or f.has("venous_insufficiency")
    ),
    # nerve_disease
    ("nerve_disease", "neuropathy_or_spinal_stenosis"): lambda f: f.has(
        "peripheral_neuropathy", "lumbar_spinal_stenosis"
    ),
    ("nerve_disease", "numbness_or_tingling_feet"): lambda f: f.finding(
        "numbness_or_tingling_feet"
    ),
    ("nerve_disease", "back_pain_spreading_down_leg"): lambda f: f.finding(
        "back_pain_spreading_down_leg"
    ),
    # diabetes
    ("diabetes", "diabetes_condition"): lambda f: f.has("diabetes"),
    ("diabetes", "high_glucose_result"): lambda f: (
        f.lab_at_least("hba1c_mmol_mol", 48) or f.lab_at_least("glucose_mmol_l", 11.1)
    ),
    # thyroid_disease
    ("thyroid_disease", "thyroid_condition"): lambda f: f.has("hypothyroidism", "hyperthyroidism"),
    ("thyroid_disease", "abnormal_tsh_result"): lambda f: (
        f.lab_above("tsh_miu_l", 4.5) or f.lab_below("tsh_miu_l", 0.3)
    ),
    # kidney_disease
    ("kidney_disease", "dialysis"): lambda f: f.has("dialysis"),
    ("kidney_disease", "chronic_kidney_disease"): lambda f: f.has("chronic_kidney_disease"),
    ("kidney_disease", "egfr_below_30"): lambda f: f.lab_below("egfr_ml_min", 30),
    ("kidney_disease", "egfr_30_to_59"): lambda f: (
        f.lab_below("egfr_ml_min", 60) if not f.lab_below("egfr_ml_min", 30) else None
    ),
    # liver_disease
    ("liver_disease", "liver_cirrhosis"): lambda f: f.has("liver_cirrhosis"),
    # alcohol
    ("alcohol", "alcohol_use_disorder"): lambda f: f.has("alcohol_use_disorder"),
    ("alcohol", "alcohol_over_14_units"): lambda f: _alcohol_over_14(f),
    # neuromuscular_disease
    ("neuromuscular_disease", "myopathy_or_mnd"): lambda f: f.has(
        "myopathy", "motor_neuron_disease"
    ),
    ("neuromuscular_disease", "parkinsons"): lambda f: f.has("parkinsons"),
    ("neuromuscular_disease", "muscle_wasting"): lambda f: f.finding("muscle_wasting"),
    ("neuromuscular_disease", "weakness_with_twitching"): lambda f: (
        f.finding("muscle_weakness")
        and f.finding("muscle_twitching")
        and ["findings.muscle_weakness=true", "findings.muscle_twitching=true"]
    ),
    ("neuromuscular_disease", "other_muscles"): lambda f: (
        "cramps.other_muscles=true"
        if f.intake.cramps and f.intake.cramps.other_muscles is True
        else None
    ),
}


def _alcohol_over_14(f: Facts) -> str | None:
    units = f.lifestyle.alcohol_units_per_week
    return (
        f"lifestyle.alcohol_units_per_week={units:g}" if units is not None and units > 14 else None
    )


def _removal(factor: str, f: Facts) -> str | None:
    """The lab result that rules ``factor`` out, if any (normal results only when not stale)."""
    if factor == "low_calcium":
        return f.calcium_high or f.normal_lab(f.calcium("normal"))
    limits = {
        "low_magnesium": ("magnesium_mmol_l", 0.70, 1.10),
        "low_potassium": ("potassium_mmol_l", 3.5, 5.3),
        "low_sodium": ("sodium_mmol_l", 135, 145),
    }
    if factor not in limits:
        return None
    name, low, high = limits[factor]
    return f.lab_above(name, high) or f.normal_lab(f.lab_at_least(name, low))


@dataclass(slots=True)
class FactorResult:
    id: str
    score: float
    best: int  # rank of the best clue grade, for ties
    because: list[str]


def medication_clues(f: Facts) -> list[tuple[str, list[str]]]:
    """One clue per distinct cramp-linked class: (grade, because), upgraded when recent."""
    out = []
    for cls, items in f.class_items.items():
        grade = f.meds[items[0]].grades.get(cls)
        if grade is None:
            continue  # safety classes (quinine, anticoagulant) are not causes
        recent = f.recent_class(cls)
        if recent:
            out.append((UPGRADE[grade], [recent]))
        else:
            out.append((grade, [f.med_because(items[0], cls)]))
    return out


def score_factors(
    f: Facts, clue_grades: dict[str, list[tuple[str, str]]]
) -> tuple[list[FactorResult], list[tuple[str, str]]]:
    """Ranked factors and the ones a normal lab ruled out, as (factor, because)."""
    found: list[FactorResult] = []
    ruled_out: list[tuple[str, str]] = []
    for factor, clues in clue_grades.items():
        hits: list[tuple[str, list[str]]] = []
        if factor == "medication":
            hits = medication_clues(f)
        else:
            for clue_id, grade in clues:
                got = CLUES[(factor, clue_id)](f)
                if got:
                    hits.append((grade, [got] if isinstance(got, str) else list(got)))
        if not hits:
            continue
        removed = _removal(factor, f)
        if removed:
            ruled_out.append((factor, removed))
            continue
        remaining = 1.0
        because: list[str] = []
        for grade, facts in hits:
            remaining *= 1 - WEIGHTS[grade]
            because.extend(x for x in facts if x not in because)
        best = max(GRADE_RANK[g] for g, _ in hits)
        found.append(FactorResult(factor, round(1 - remaining, 4), best, because))
    found.sort(key=lambda r: (-r.score, -r.best, r.id))
    return found, ruled_out
