"""Contributing factors (policy section 2): clues, noisy-OR scores and removal by normal labs.

Each clue of ``factors.yaml`` has its test here, keyed ``(factor, clue)``; the clue's grade lives
in the data. Most clues hold when one true fact is present (a finding, a lifestyle flag, a
condition, a medicine class): those are declared as :class:`On` and looked up from the person's
true facts, so an assessment only touches the clues that can hold. The rest are functions. A
factor's score is ``1 - prod(1 - w)`` over the clues that hold.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from crampcheck.engine.facts import Facts

WEIGHTS = {"strong": 0.6, "moderate": 0.35, "weak": 0.15}
GRADE_RANK = {"weak": 1, "moderate": 2, "strong": 3}
UPGRADE = {"weak": "moderate", "moderate": "strong", "strong": "strong"}

Computed = Callable[[Facts], str | list[str] | None]
FactKind = Literal["finding", "habit", "condition", "class"]


@dataclass(frozen=True, slots=True)
class On:
    """A clue that holds when any of the named facts of one kind is true."""

    kind: FactKind
    names: tuple[str, ...]


def finding(*names: str) -> On:
    return On("finding", names)


def habit(*names: str) -> On:
    return On("habit", names)


def condition(*names: str) -> On:
    return On("condition", names)


def med(*classes: str) -> On:
    return On("class", classes)


@dataclass(frozen=True, slots=True)
class NeedsLabs:
    """A computed clue that reads blood results: skipped when the intake has none."""

    test: Computed


def needs_labs(test: Computed) -> NeedsLabs:
    return NeedsLabs(test)


CLUES: dict[tuple[str, str], On | NeedsLabs | Computed] = {
    # low_calcium
    ("low_calcium", "low_calcium_result"): needs_labs(lambda f: f.calcium_low),
    ("low_calcium", "tingling_lips_or_hand_spasms"): finding("tingling_lips_or_hand_spasms"),
    ("low_calcium", "parathyroid_condition"): condition(
        "hypoparathyroidism", "thyroid_or_parathyroid_surgery"
    ),
    ("low_calcium", "low_vitamin_d"): needs_labs(lambda f: f.lab_below("vitamin_d_nmol_l", 25)),
    ("low_calcium", "very_low_magnesium"): needs_labs(
        lambda f: f.lab_below("magnesium_mmol_l", 0.50)
    ),
    ("low_calcium", "calcium_lowering_medicine"): med("calcium_lowering"),
    ("low_calcium", "kidney_condition"): condition("chronic_kidney_disease", "dialysis"),
    ("low_calcium", "low_intake_risk_group"): lambda f: f.low_intake_risk_group,
    # low_magnesium
    ("low_magnesium", "low_magnesium_result"): needs_labs(
        lambda f: f.lab_below("magnesium_mmol_l", 0.70)
    ),
    ("low_magnesium", "alcohol_excess"): lambda f: (
        f.has("alcohol_use_disorder") or _alcohol_over_14(f)
    ),
    ("low_magnesium", "diarrhoea_or_vomiting"): habit("diarrhoea_or_vomiting"),
    ("low_magnesium", "proton_pump_inhibitor"): med("proton_pump_inhibitor"),
    ("low_magnesium", "thiazide_or_loop_diuretic"): med("thiazide_diuretic", "loop_diuretic"),
    # low_potassium
    ("low_potassium", "low_potassium_result"): needs_labs(
        lambda f: f.lab_below("potassium_mmol_l", 3.5)
    ),
    ("low_potassium", "thiazide_or_loop_diuretic"): med("thiazide_diuretic", "loop_diuretic"),
    ("low_potassium", "diarrhoea_or_vomiting"): habit("diarrhoea_or_vomiting"),
    ("low_potassium", "beta_agonist"): med("long_acting_beta_agonist", "short_acting_beta_agonist"),
    ("low_potassium", "systemic_corticosteroid"): med("corticosteroid"),
    # low_sodium
    ("low_sodium", "low_sodium_result"): needs_labs(lambda f: f.lab_below("sodium_mmol_l", 135)),
    ("low_sodium", "thiazide_diuretic"): med("thiazide_diuretic"),
    ("low_sodium", "ssri_snri"): med("ssri_snri"),
    # dehydration
    ("dehydration", "heavy_sweating_or_heat"): habit("heavy_sweating_or_heat"),
    ("dehydration", "low_fluid_intake"): habit("low_fluid_intake"),
    ("dehydration", "diarrhoea_or_vomiting"): habit("diarrhoea_or_vomiting"),
    ("dehydration", "diuretic"): med(
        "thiazide_diuretic", "loop_diuretic", "potassium_sparing_diuretic"
    ),
    ("dehydration", "dialysis"): condition("dialysis"),
    # overexertion
    ("overexertion", "recent_heavy_exercise"): habit("recent_heavy_exercise"),
    ("overexertion", "long_walk_or_climb"): habit("long_walk_or_climb"),
    ("overexertion", "cramps_with_exercise"): lambda f: f.when("during_exercise", "after_exercise"),
    # cold_exposure
    ("cold_exposure", "cold_exposure"): habit("cold_exposure"),
    ("cold_exposure", "cold_water_swimming"): habit("cold_water_swimming"),
    # foot_position_or_bedding
    ("foot_position_or_bedding", "heavy_or_tight_bedding"): habit("heavy_or_tight_bedding"),
    ("foot_position_or_bedding", "sleeps_with_toes_pointed"): habit("sleeps_with_toes_pointed"),
    # prolonged_posture
    ("prolonged_posture", "prolonged_standing"): habit("prolonged_standing"),
    ("prolonged_posture", "prolonged_sitting"): habit("prolonged_sitting"),
    # inactivity
    ("inactivity", "sedentary"): habit("sedentary"),
    # pregnancy
    ("pregnancy", "pregnant_13_weeks_or_more"): lambda f: (
        f.pregnant if (f.pregnant_weeks or 0) >= 13 else None
    ),
    ("pregnancy", "pregnant_under_13_weeks"): lambda f: (
        f.pregnant if (f.pregnant_weeks or 99) < 13 else None
    ),
    # ageing
    ("ageing", "age_65_or_over"): lambda f: f.age_at_least(65),
    ("ageing", "age_50_to_64"): lambda f: f.age_at_least(50) if f.age < 65 else None,
    # poor_circulation
    ("poor_circulation", "artery_disease"): condition(
        "peripheral_artery_disease", "atherosclerosis"
    ),
    ("poor_circulation", "pain_on_walking_relieved_by_rest"): finding(
        "pain_on_walking_relieved_by_rest"
    ),
    ("poor_circulation", "pain_at_rest_foot_or_toes"): finding("pain_at_rest_foot_or_toes"),
    ("poor_circulation", "cold_pale_or_blue_leg"): finding("cold_pale_or_blue_leg"),
    ("poor_circulation", "smoker"): habit("smoker"),
    # venous_disease
    ("venous_disease", "varicose_veins_or_venous_insufficiency"): lambda f: (
        f.finding("varicose_veins") or f.has("venous_insufficiency")
    ),
    # nerve_disease
    ("nerve_disease", "neuropathy_or_spinal_stenosis"): condition(
        "peripheral_neuropathy", "lumbar_spinal_stenosis"
    ),
    ("nerve_disease", "numbness_or_tingling_feet"): finding("numbness_or_tingling_feet"),
    ("nerve_disease", "back_pain_spreading_down_leg"): finding("back_pain_spreading_down_leg"),
    # diabetes
    ("diabetes", "diabetes_condition"): condition("diabetes"),
    ("diabetes", "high_glucose_result"): needs_labs(
        lambda f: f.lab_at_least("hba1c_mmol_mol", 48) or f.lab_at_least("glucose_mmol_l", 11.1)
    ),
    # thyroid_disease
    ("thyroid_disease", "thyroid_condition"): condition("hypothyroidism", "hyperthyroidism"),
    ("thyroid_disease", "abnormal_tsh_result"): needs_labs(
        lambda f: f.lab_above("tsh_miu_l", 4.5) or f.lab_below("tsh_miu_l", 0.3)
    ),
    # kidney_disease
    ("kidney_disease", "dialysis"): condition("dialysis"),
    ("kidney_disease", "chronic_kidney_disease"): condition("chronic_kidney_disease"),
    ("kidney_disease", "egfr_below_30"): needs_labs(lambda f: f.lab_below("egfr_ml_min", 30)),
    ("kidney_disease", "egfr_30_to_59"): needs_labs(
        lambda f: f.lab_below("egfr_ml_min", 60) if not f.lab_below("egfr_ml_min", 30) else None
    ),
    # liver_disease
    ("liver_disease", "liver_cirrhosis"): condition("liver_cirrhosis"),
    # alcohol
    ("alcohol", "alcohol_use_disorder"): condition("alcohol_use_disorder"),
    ("alcohol", "alcohol_over_14_units"): lambda f: _alcohol_over_14(f),
    # neuromuscular_disease
    ("neuromuscular_disease", "myopathy_or_mnd"): condition("myopathy", "motor_neuron_disease"),
    ("neuromuscular_disease", "parkinsons"): condition("parkinsons"),
    ("neuromuscular_disease", "muscle_wasting"): finding("muscle_wasting"),
    ("neuromuscular_disease", "weakness_with_twitching"): lambda f: (
        f.finding("muscle_weakness")
        and f.finding("muscle_twitching")
        and ["findings.muscle_weakness=true", "findings.muscle_twitching=true"]
    ),
    ("neuromuscular_disease", "other_muscles"): lambda f: (
        "cramps.other_muscles=true" if f.cramps and f.cramps.other_muscles is True else None
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
    limits = REMOVAL_LIMITS.get(factor)
    if limits is None:
        return None
    name, low, high = limits
    return f.lab_above(name, high) or f.normal_lab(f.lab_at_least(name, low))


REMOVABLE = frozenset({"low_calcium", "low_magnesium", "low_potassium", "low_sodium"})
# factor -> (lab, lowest normal, highest normal): a result at or above the lowest rules it out
REMOVAL_LIMITS = {
    "low_magnesium": ("magnesium_mmol_l", 0.70, 1.10),
    "low_potassium": ("potassium_mmol_l", 3.5, 5.3),
    "low_sodium": ("sodium_mmol_l", 135, 145),
}


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


@dataclass(frozen=True, slots=True)
class ClueTable:
    """The clues of the knowledge base arranged for scoring (built once per engine)."""

    factors: list[str]  # factor ids, in knowledge-file order
    medication: int  # position of the medication factor (-1 when the data has none)
    on_fact: dict[tuple[str, str], list[tuple[int, int, str]]]  # fact -> (factor, clue, grade)
    computed: list[tuple[int, int, str, Computed, bool]]  # (factor, clue, grade, test, labs?)


def clue_table(clue_grades: dict[str, list[tuple[str, str]]]) -> ClueTable:
    """Index the clues by the facts that make them hold; ``clue_grades`` comes from the data."""
    factors = list(clue_grades)
    on_fact: dict[tuple[str, str], list[tuple[int, int, str]]] = {}
    computed: list[tuple[int, int, str, Computed, bool]] = []
    for fi, factor in enumerate(factors):
        if factor == "medication":
            continue  # one clue per medicine class, see medication_clues
        for ci, (clue_id, grade) in enumerate(clue_grades[factor]):
            test = CLUES[(factor, clue_id)]
            if isinstance(test, On):
                for name in test.names:
                    on_fact.setdefault((test.kind, name), []).append((fi, ci, grade))
            elif isinstance(test, NeedsLabs):
                computed.append((fi, ci, grade, test.test, True))
            else:
                computed.append((fi, ci, grade, test, False))
    medication = factors.index("medication") if "medication" in factors else -1
    return ClueTable(factors, medication, on_fact, computed)


def _true_facts(f: Facts) -> list[tuple[tuple[str, str], str]]:
    """Every true fact a declared clue can rest on, with its ``because`` string."""
    out = [(("finding", k), v) for k, v in f.true_findings.items()]
    out += [(("habit", k), v) for k, v in f.true_habits.items()]
    out += [(("condition", c), f"conditions={c}") for c in f.intake.conditions or ()]
    out += [(("class", c), v) for c, v in f.class_because.items()]
    return out


def score_factors(f: Facts, table: ClueTable) -> tuple[list[FactorResult], list[tuple[str, str]]]:
    """Ranked factors and the ones a normal lab ruled out, as (factor, because)."""
    held: dict[int, dict[int, tuple[str, list[str]]]] = {}
    for key, fact in _true_facts(f):
        for fi, ci, grade in table.on_fact.get(key, ()):
            held.setdefault(fi, {}).setdefault(ci, (grade, [fact]))
    has_labs = "labs" in f.signals
    for fi, ci, grade, test, reads_labs in table.computed:
        if reads_labs and not has_labs:
            continue
        got = test(f)
        if got:
            held.setdefault(fi, {})[ci] = (grade, [got] if isinstance(got, str) else list(got))
    medication = table.medication
    if medication >= 0 and (med_hits := medication_clues(f)):
        held[medication] = dict(enumerate(med_hits))
    found: list[FactorResult] = []
    ruled_out: list[tuple[str, str]] = []
    for fi in sorted(held):
        factor = table.factors[fi]
        if factor in REMOVABLE:
            removed = _removal(factor, f)
            if removed:
                ruled_out.append((factor, removed))
                continue
        clues = held[fi]
        remaining = 1.0
        best = 0
        because: list[str] = []
        for ci in sorted(clues):
            grade, facts = clues[ci]
            remaining *= 1 - WEIGHTS[grade]
            best = max(best, GRADE_RANK[grade])
            for x in facts:
                if x not in because:
                    because.append(x)
        found.append(FactorResult(factor, round(1 - remaining, 4), best, because))
    found.sort(key=lambda r: (-r.score, -r.best, r.id))
    return found, ruled_out
