"""Hypothesis strategies for valid intakes (contract version 1)."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from crampcheck.engine.intake import CONDITIONS, Findings, Lifestyle

BOOL_FINDINGS = [name for name in Findings.model_fields if name != "calf_swelling"]
BOOL_LIFESTYLE = [
    name for name, f in Lifestyle.model_fields.items() if f.annotation == (bool | None)
]
MEDICINES = [
    "atorvastatin 40 mg",
    "HCTZ 25 mg",
    "Lasix 40mg bd",
    "Seretide 250 evohaler",
    "lithium carbonate 400 mg",
    "ibuprofen",
    "quinine sulfate 200 mg",
    "warfarin",
    "denosumab",
    "prednisolone 5mg",
    "omeprazole",
    "salbutamol inhaler",
    "metformin",
    "estradiol patch",
    "gemfibrozil",
    "xyzzy tablets",
    "teriparatide",
]


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def partial(entries: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """A dict where every key is optional (absent means unknown)."""
    return st.fixed_dictionaries({}, optional=entries)


def num(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(min_value=lo, max_value=hi, allow_nan=False, allow_infinity=False)


person = st.fixed_dictionaries(
    {"age": st.integers(1, 120)},
    optional={
        "sex": optional(st.sampled_from(["female", "male", "other"])),
        "pregnant_weeks": optional(st.integers(1, 42)),
        "postpartum_weeks": optional(st.integers(0, 52)),
        "postmenopausal": optional(st.booleans()),
        "growth_spurt": optional(st.booleans()),
    },
)
cramps = partial(
    {
        "sites": st.lists(
            st.sampled_from(
                ["calf", "foot", "toes", "shin", "thigh_back", "thigh_front", "hand", "other"]
            ),
            max_size=3,
        ),
        "side": optional(st.sampled_from(["left", "right", "both", "alternating"])),
        "when": st.lists(
            st.sampled_from(["night", "rest_day", "during_exercise", "after_exercise"]), max_size=3
        ),
        "per_week": optional(num(0, 100)),
        "minutes": optional(num(0, 600)),
        "months": optional(num(0, 1200)),
        "severity": optional(st.integers(0, 10)),
        "wakes_from_sleep": optional(st.booleans()),
        "soreness_after": optional(st.booleans()),
        "other_muscles": optional(st.booleans()),
        "new_or_changed": optional(st.booleans()),
    }
)
findings = partial(
    {
        "calf_swelling": optional(st.sampled_from(["none", "one_leg", "both_legs"])),
        **{name: optional(st.booleans()) for name in BOOL_FINDINGS},
    }
)
lifestyle = partial(
    {
        **{name: optional(st.booleans()) for name in BOOL_LIFESTYLE},
        "alcohol_units_per_week": optional(num(0, 200)),
        "caffeine_drinks_per_day": optional(num(0, 30)),
        "dairy_or_calcium_foods_per_day": optional(num(0, 20)),
        "calcium_supplement": partial(
            {
                "taking": optional(st.booleans()),
                "months": optional(num(0, 600)),
                "helped": optional(st.booleans()),
            }
        ),
    }
)
medication = st.sampled_from(MEDICINES) | st.fixed_dictionaries(
    {"name": st.sampled_from(MEDICINES)},
    optional={
        "started_weeks_ago": optional(st.integers(0, 5200)),
        "changed_weeks_ago": optional(st.integers(0, 5200)),
    },
)
labs = partial(
    {
        "taken_weeks_ago": optional(st.integers(0, 5200)),
        "calcium_mmol_l": optional(num(1.0, 4.0)),
        "albumin_g_l": optional(num(10, 60)),
        "ionised_calcium_mmol_l": optional(num(0.5, 2.0)),
        "magnesium_mmol_l": optional(num(0.2, 2.0)),
        "potassium_mmol_l": optional(num(1.5, 8.0)),
        "sodium_mmol_l": optional(num(110, 170)),
        "glucose_mmol_l": optional(num(2, 30)),
        "hba1c_mmol_mol": optional(num(20, 150)),
        "tsh_miu_l": optional(num(0, 50)),
        "egfr_ml_min": optional(num(5, 130)),
        "ck_u_l": optional(num(20, 50000)),
        "vitamin_d_nmol_l": optional(num(5, 200)),
    }
)
intakes = st.fixed_dictionaries(
    {"contract": st.just(1), "person": person},
    optional={
        "cramps": cramps,
        "findings": findings,
        "lifestyle": lifestyle,
        "conditions": st.lists(st.sampled_from(CONDITIONS), max_size=4, unique=True),
        "medications": st.lists(medication, max_size=4),
        "labs": labs,
    },
)
