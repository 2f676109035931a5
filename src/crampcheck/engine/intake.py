"""The intake: what a person tells us (contract version 1, ``spec/contract.md``).

Every field is optional unless marked required; ``None`` (or a missing field) means "not asked /
unknown", never "no". Booleans are strict: ``0`` is not ``false``. Unknown keys are rejected.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CONDITIONS: tuple[str, ...] = (
    "diabetes",
    "hypothyroidism",
    "hyperthyroidism",
    "chronic_kidney_disease",
    "dialysis",
    "liver_cirrhosis",
    "peripheral_artery_disease",
    "atherosclerosis",
    "venous_insufficiency",
    "peripheral_neuropathy",
    "lumbar_spinal_stenosis",
    "myopathy",
    "motor_neuron_disease",
    "parkinsons",
    "osteoporosis",
    "hypoparathyroidism",
    "thyroid_or_parathyroid_surgery",
    "alcohol_use_disorder",
    "heart_failure",
    "hypertension",
    "hyperlipidaemia",
    "cancer",
    "flat_feet",
)

Condition = Literal[
    "diabetes",
    "hypothyroidism",
    "hyperthyroidism",
    "chronic_kidney_disease",
    "dialysis",
    "liver_cirrhosis",
    "peripheral_artery_disease",
    "atherosclerosis",
    "venous_insufficiency",
    "peripheral_neuropathy",
    "lumbar_spinal_stenosis",
    "myopathy",
    "motor_neuron_disease",
    "parkinsons",
    "osteoporosis",
    "hypoparathyroidism",
    "thyroid_or_parathyroid_surgery",
    "alcohol_use_disorder",
    "heart_failure",
    "hypertension",
    "hyperlipidaemia",
    "cancer",
    "flat_feet",
]
Site = Literal["calf", "foot", "toes", "shin", "thigh_back", "thigh_front", "hand", "other"]
Side = Literal["left", "right", "both", "alternating"]
When = Literal["night", "rest_day", "during_exercise", "after_exercise"]
Swelling = Literal["none", "one_leg", "both_legs"]

Weeks = Annotated[int, Field(ge=0, le=5200)]


class _In(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, defer_build=True)


class Person(_In):
    age: Annotated[int, Field(ge=1, le=120)]
    sex: Literal["female", "male", "other"] | None = None
    pregnant_weeks: Annotated[int, Field(ge=1, le=42)] | None = None
    postpartum_weeks: Annotated[int, Field(ge=0, le=52)] | None = None
    postmenopausal: bool | None = None
    growth_spurt: bool | None = None


class Cramps(_In):
    sites: list[Site] | None = None
    side: Side | None = None
    when: list[When] | None = None
    per_week: Annotated[float, Field(ge=0, le=100)] | None = None
    minutes: Annotated[float, Field(ge=0, le=600)] | None = None
    months: Annotated[float, Field(ge=0, le=1200)] | None = None
    severity: Annotated[float, Field(ge=0, le=10)] | None = None
    wakes_from_sleep: bool | None = None
    soreness_after: bool | None = None
    other_muscles: bool | None = None
    new_or_changed: bool | None = None


class Findings(_In):
    calf_swelling: Swelling | None = None
    redness_or_warmth: bool | None = None
    tender_calf_between_cramps: bool | None = None
    fever: bool | None = None
    pain_on_walking_relieved_by_rest: bool | None = None
    pain_at_rest_foot_or_toes: bool | None = None
    cold_pale_or_blue_leg: bool | None = None
    leg_ulcer_or_wound: bool | None = None
    numb_or_weak_leg_suddenly: bool | None = None
    urge_to_move_relieved_by_moving: bool | None = None
    muscle_weakness: bool | None = None
    muscle_wasting: bool | None = None
    muscle_twitching: bool | None = None
    numbness_or_tingling_feet: bool | None = None
    back_pain_spreading_down_leg: bool | None = None
    dark_urine: bool | None = None
    severe_pain_after_exertion: bool | None = None
    tingling_lips_or_hand_spasms: bool | None = None
    pain_persists_after_cramp_released: bool | None = None
    tense_swollen_very_painful_muscle: bool | None = None
    sudden_pain_during_sport: bool | None = None
    recent_leg_injury_or_surgery: bool | None = None
    recent_immobility_or_long_travel: bool | None = None
    previous_dvt_or_clot: bool | None = None
    varicose_veins: bool | None = None
    short_of_breath_or_chest_pain: bool | None = None
    confusion_seizure_or_fainting: bool | None = None
    stiff_jaw_or_spreading_spasms_after_wound: bool | None = None
    saddle_numbness_or_bladder_bowel_change: bool | None = None
    tremor_or_unsteadiness: bool | None = None


class CalciumSupplement(_In):
    taking: bool | None = None
    months: Annotated[float, Field(ge=0, le=600)] | None = None
    helped: bool | None = None


class Lifestyle(_In):
    recent_heavy_exercise: bool | None = None
    long_walk_or_climb: bool | None = None
    prolonged_standing: bool | None = None
    prolonged_sitting: bool | None = None
    sedentary: bool | None = None
    stretches_regularly: bool | None = None
    cold_exposure: bool | None = None
    cold_water_swimming: bool | None = None
    heavy_or_tight_bedding: bool | None = None
    sleeps_with_toes_pointed: bool | None = None
    heavy_sweating_or_heat: bool | None = None
    low_fluid_intake: bool | None = None
    diarrhoea_or_vomiting: bool | None = None
    alcohol_units_per_week: Annotated[float, Field(ge=0, le=200)] | None = None
    caffeine_drinks_per_day: Annotated[float, Field(ge=0, le=30)] | None = None
    smoker: bool | None = None
    dieting: bool | None = None
    dairy_or_calcium_foods_per_day: Annotated[float, Field(ge=0, le=20)] | None = None
    calcium_supplement: CalciumSupplement | None = None


class Medication(_In):
    name: Annotated[str, Field(min_length=1, max_length=300)]
    started_weeks_ago: Weeks | None = None
    changed_weeks_ago: Weeks | None = None


class Labs(_In):
    taken_weeks_ago: Weeks | None = None
    calcium_mmol_l: Annotated[float, Field(ge=0, le=10)] | None = None
    albumin_g_l: Annotated[float, Field(ge=0, le=100)] | None = None
    ionised_calcium_mmol_l: Annotated[float, Field(ge=0, le=5)] | None = None
    magnesium_mmol_l: Annotated[float, Field(ge=0, le=10)] | None = None
    potassium_mmol_l: Annotated[float, Field(ge=0, le=15)] | None = None
    sodium_mmol_l: Annotated[float, Field(ge=50, le=250)] | None = None
    glucose_mmol_l: Annotated[float, Field(ge=0, le=100)] | None = None
    hba1c_mmol_mol: Annotated[float, Field(ge=0, le=300)] | None = None
    tsh_miu_l: Annotated[float, Field(ge=0, le=1000)] | None = None
    egfr_ml_min: Annotated[float, Field(ge=0, le=200)] | None = None
    ck_u_l: Annotated[float, Field(ge=0, le=1_000_000)] | None = None
    vitamin_d_nmol_l: Annotated[float, Field(ge=0, le=1000)] | None = None


MedicationItem = Annotated[str, Field(min_length=1, max_length=300)] | Medication


class Intake(_In):
    """One person's answers. ``contract`` and ``person.age`` are required."""

    contract: Literal[1]
    person: Person
    cramps: Cramps | None = None
    findings: Findings | None = None
    lifestyle: Lifestyle | None = None
    conditions: list[Condition] | None = None
    medications: Annotated[list[MedicationItem], Field(max_length=100)] | None = None
    labs: Labs | None = None
