"""Alerts (policy section 1): the red-flag screen and the triage level.

Each rule of the policy tables is one function, registered under ``<alert>_<level>`` (the rule
ids of ``alerts.yaml``). A rule returns the intake facts that fired it, or ``None``. Rules run in
table order, emergency first, so that "when X did not fire" can look at what already fired.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from crampcheck.engine.facts import Facts

Because = list[str] | None


@dataclass(slots=True)
class Context:
    """What the alert rules may look at besides the facts."""

    facts: Facts
    fired: dict[str, tuple[str, list[str]]]  # alert id -> (highest level, because)
    medication_single_top: bool
    calcium_verdict: str

    def did_fire(self, *alerts: str) -> bool:
        return any(a in self.fired for a in alerts)


Rule = Callable[[Context], Because]
RULES: dict[str, Rule] = {}
# A rule's gate names signals (``Facts.signals``) of which at least one must be present for the
# rule to be able to fire at all; a rule without a gate always runs. Gates only save time: a
# property test checks that gated and ungated evaluation always agree.
GATES: dict[str, frozenset[str] | None] = {}


def rule(alert: str, level: str, gate: tuple[str, ...] | None = None) -> Callable[[Rule], Rule]:
    def register(fn: Rule) -> Rule:
        RULES[f"{alert}_{level}"] = fn
        GATES[f"{alert}_{level}"] = frozenset(gate) if gate else None
        return fn

    return register


def first(*options: str | list[str] | None) -> Because:
    """The first option that holds, as a ``because`` list."""
    for option in options:
        if option:
            return [option] if isinstance(option, str) else option
    return None


def both(*parts: str | None) -> Because:
    """All parts hold: their facts together, else ``None``."""
    if all(parts):
        return [p for p in parts if p]
    return None


LEVEL_RANK = {"self_care": 0, "routine": 1, "urgent": 2, "emergency": 3}
STATIN_OR_FIBRATE = ("statin", "fibrate")
LITHIUM_PARTNERS = ("nsaid", "thiazide_diuretic", "ace_inhibitor", "angiotensin_receptor_blocker")


# --- 1.1 emergency ------------------------------------------------------------------------------
@rule(
    "acute_limb_ischaemia",
    "emergency",
    gate=("finding:cold_pale_or_blue_leg", "finding:numb_or_weak_leg_suddenly"),
)
def _ali(c: Context) -> Because:
    f = c.facts
    return first(f.finding("cold_pale_or_blue_leg"), f.finding("numb_or_weak_leg_suddenly"))


@rule("pulmonary_embolism", "emergency", gate=("finding:short_of_breath_or_chest_pain",))
def _pe(c: Context) -> Because:
    return first(c.facts.finding("short_of_breath_or_chest_pain"))


@rule("rhabdomyolysis", "emergency", gate=("finding:dark_urine", "labs"))
def _rhabdo_e(c: Context) -> Because:
    f = c.facts
    partner = (
        f.finding("severe_pain_after_exertion")
        or f.finding("muscle_weakness")
        or f.exertion
        or f.habit("heavy_sweating_or_heat")
        or f.med_class(*STATIN_OR_FIBRATE)
    )
    return first(both(f.finding("dark_urine"), partner), f.lab_at_least("ck_u_l", 5000))


@rule("compartment_syndrome", "emergency", gate=("finding:tense_swollen_very_painful_muscle",))
def _compartment(c: Context) -> Because:
    return first(c.facts.finding("tense_swollen_very_painful_muscle"))


@rule("tetanus", "emergency", gate=("finding:stiff_jaw_or_spreading_spasms_after_wound",))
def _tetanus(c: Context) -> Because:
    return first(c.facts.finding("stiff_jaw_or_spreading_spasms_after_wound"))


@rule("sepsis", "emergency", gate=("finding:fever",))
def _sepsis(c: Context) -> Because:
    f = c.facts
    skin = f.finding("redness_or_warmth") or f.finding("leg_ulcer_or_wound")
    return both(f.finding("fever"), skin, f.finding("confusion_seizure_or_fainting"))


@rule("collapse_or_confusion", "emergency", gate=("finding:confusion_seizure_or_fainting",))
def _collapse(c: Context) -> Because:
    return first(c.facts.finding("confusion_seizure_or_fainting"))


def severe_electrolytes(f: Facts) -> list[str]:
    """Same-day electrolyte values (policy 1.2 ``electrolyte_abnormal``), one per analyte."""
    out = [
        f.lab_below("potassium_mmol_l", 3.0) or f.lab_at_least("potassium_mmol_l", 6.0),
        f.lab_below("sodium_mmol_l", 130) or f.lab_at_least("sodium_mmol_l", 155),
        f.lab_below("magnesium_mmol_l", 0.50),
        f.calcium("severely_low", "very_high"),
    ]
    return [x for x in out if x]


@rule("electrolyte_emergency", "emergency", gate=("labs", "finding:tingling_lips_or_hand_spasms"))
def _electrolyte_e(c: Context) -> Because:
    f = c.facts
    tingling = f.finding("tingling_lips_or_hand_spasms")
    severe = severe_electrolytes(f)
    return first(
        f.lab_below("potassium_mmol_l", 2.5) or f.lab_at_least("potassium_mmol_l", 6.5),
        both(f.lab_below("potassium_mmol_l", 3.0), f.finding("muscle_weakness")),
        both(tingling, f.calcium("severely_low")),
        both(tingling, f.has("thyroid_or_parathyroid_surgery", "hypoparathyroidism")),
        both(tingling, f.med_class("calcium_lowering")),
        severe if len(severe) >= 2 else None,
    )


def _lithium_signs(f: Facts) -> str | None:
    return f.finding("tremor_or_unsteadiness") or f.finding("confusion_seizure_or_fainting")


@rule("lithium_toxicity", "emergency", gate=("class:lithium",))
def _lithium_e(c: Context) -> Because:
    f = c.facts
    trigger = f.habit("diarrhoea_or_vomiting") or f.med_class(*LITHIUM_PARTNERS)
    return both(f.med_class("lithium"), _lithium_signs(f), trigger)


@rule(
    "cauda_equina",
    "emergency",
    gate=("finding:saddle_numbness_or_bladder_bowel_change", "finding:muscle_weakness"),
)
def _cauda(c: Context) -> Because:
    f = c.facts
    both_sides = "cramps.side=both" if f.side == "both" else None
    return first(
        f.finding("saddle_numbness_or_bladder_bowel_change"),
        both(f.finding("muscle_weakness"), f.finding("back_pain_spreading_down_leg"), both_sides),
    )


# --- 1.2 urgent ---------------------------------------------------------------------------------
@rule(
    "dvt",
    "urgent",
    gate=(
        "swelling:one_leg",
        "finding:tender_calf_between_cramps",
        "finding:pain_persists_after_cramp_released",
        "finding:redness_or_warmth",
    ),
)
def _dvt(c: Context) -> Because:
    f = c.facts
    sign = (
        f.finding("tender_calf_between_cramps")
        or f.finding("pain_persists_after_cramp_released")
        or f.finding("redness_or_warmth")
    )
    one_leg = "findings.calf_swelling=one_leg" if f.swelling == "one_leg" else None
    return first(one_leg, both(f.one_sided, sign, f.clot_risk))


@rule(
    "rhabdomyolysis",
    "urgent",
    gate=("finding:dark_urine", "finding:severe_pain_after_exertion", "finding:muscle_weakness"),
)
def _rhabdo_u(c: Context) -> Because:
    f = c.facts
    # A known CK below 1000 U/L (not stale) lifts the exertion and statin branches; dark urine
    # alone stays urgent whatever an earlier CK showed (unknown is not "no", and safety first).
    ck_normal = f.normal_lab(f.lab_below("ck_u_l", 1000))
    pain = f.finding("severe_pain_after_exertion")
    weak = f.finding("muscle_weakness")
    statin = f.med_class(*STATIN_OR_FIBRATE)
    branches = None
    if not ck_normal:
        branches = first(
            both(pain, weak or f.habit("heavy_sweating_or_heat") or statin),
            both(weak, statin),
        )
    return first(f.finding("dark_urine"), branches)


@rule("hypocalcaemic_tetany", "urgent", gate=("finding:tingling_lips_or_hand_spasms",))
def _tetany_u(c: Context) -> Because:
    f = c.facts
    if f.calcium_normal_known:
        return None
    return first(f.finding("tingling_lips_or_hand_spasms"))


@rule("hypocalcaemic_tetany", "routine", gate=("finding:tingling_lips_or_hand_spasms",))
def _tetany_r(c: Context) -> Because:
    f = c.facts
    return both(f.finding("tingling_lips_or_hand_spasms"), f.calcium_normal_known)


@rule("cellulitis", "urgent", gate=("finding:redness_or_warmth", "finding:fever"))
def _cellulitis(c: Context) -> Because:
    f = c.facts
    red = f.finding("redness_or_warmth")
    fever = f.finding("fever")
    wound = f.finding("leg_ulcer_or_wound")
    return first(
        both(red, fever or wound),
        red if "dvt" not in c.fired else None,
        both(fever, wound),
    )


@rule("muscle_tear", "urgent", gate=("finding:sudden_pain_during_sport",))
def _tear(c: Context) -> Because:
    return first(c.facts.finding("sudden_pain_during_sport"))


@rule(
    "critical_limb_ischaemia",
    "urgent",
    gate=("finding:pain_at_rest_foot_or_toes", "finding:leg_ulcer_or_wound"),
)
def _cli(c: Context) -> Because:
    if c.did_fire("acute_limb_ischaemia"):
        return None
    f = c.facts
    return first(
        f.finding("pain_at_rest_foot_or_toes"),
        both(
            f.finding("leg_ulcer_or_wound"),
            f.has("peripheral_artery_disease", "atherosclerosis", "diabetes"),
        ),
    )


@rule("persistent_pain", "urgent", gate=("finding:pain_persists_after_cramp_released",))
def _persistent(c: Context) -> Because:
    return first(c.facts.finding("pain_persists_after_cramp_released"))


@rule("lithium_toxicity", "urgent", gate=("class:lithium",))
def _lithium_u(c: Context) -> Because:
    f = c.facts
    sign = _lithium_signs(f) or f.habit("diarrhoea_or_vomiting")
    return both(f.med_class("lithium"), sign)


@rule("child_assessment", "urgent", gate=("child",))
def _child(c: Context) -> Because:
    f = c.facts
    one_leg = "findings.calf_swelling=one_leg" if f.swelling == "one_leg" else None
    local = (
        f.finding("pain_persists_after_cramp_released")
        or f.finding("tender_calf_between_cramps")
        or one_leg
    )
    sign = first(f.finding("fever"), f.finding("muscle_weakness"), both(f.one_sided, local))
    if not f.child or not sign:
        return None
    return [f.child, *sign]


@rule("radiculopathy", "urgent", gate=("finding:back_pain_spreading_down_leg",))
def _radic_u(c: Context) -> Because:
    if c.did_fire("cauda_equina"):
        return None
    f = c.facts
    return both(f.finding("back_pain_spreading_down_leg"), f.finding("muscle_weakness"))


def _kidney_low(f: Facts) -> str | None:
    return f.has("chronic_kidney_disease", "dialysis") or f.lab_below("egfr_ml_min", 30)


@rule("medication_review", "urgent", gate=("class:calcium_lowering",))
def _medreview_u(c: Context) -> Because:
    f = c.facts
    new = "cramps.new_or_changed=true" if f.new_or_changed is True else None
    return both(f.recent_class("calcium_lowering"), _kidney_low(f), new)


@rule("electrolyte_abnormal", "urgent", gate=("labs",))
def _electrolyte_u(c: Context) -> Because:
    return severe_electrolytes(c.facts) or None


# --- 1.3 routine --------------------------------------------------------------------------------
def _known_condition_unchanged(f: Facts, *conditions: str) -> bool:
    return bool(f.has(*conditions)) and f.new_or_changed is False


@rule("claudication", "routine", gate=("finding:pain_on_walking_relieved_by_rest",))
def _claudication(c: Context) -> Because:
    f = c.facts
    if _known_condition_unchanged(f, "peripheral_artery_disease", "atherosclerosis"):
        return None
    return first(f.finding("pain_on_walking_relieved_by_rest"))


@rule("restless_legs", "routine", gate=("finding:urge_to_move_relieved_by_moving",))
def _rls(c: Context) -> Because:
    return first(c.facts.finding("urge_to_move_relieved_by_moving"))


@rule("neuropathy", "routine", gate=("finding:numbness_or_tingling_feet",))
def _neuropathy(c: Context) -> Because:
    f = c.facts
    if _known_condition_unchanged(f, "peripheral_neuropathy"):
        return None
    return first(f.finding("numbness_or_tingling_feet"))


@rule("radiculopathy", "routine", gate=("finding:back_pain_spreading_down_leg",))
def _radic_r(c: Context) -> Because:
    f = c.facts
    if c.did_fire("cauda_equina") or _known_condition_unchanged(f, "lumbar_spinal_stenosis"):
        return None
    return first(f.finding("back_pain_spreading_down_leg"))


@rule("motor_neuron_disease", "routine", gate=("finding:muscle_wasting", "finding:muscle_weakness"))
def _mnd(c: Context) -> Because:
    f = c.facts
    return first(
        f.finding("muscle_wasting"),
        both(f.finding("muscle_weakness"), f.finding("muscle_twitching")),
    )


@rule("muscle_weakness", "routine", gate=("finding:muscle_weakness",))
def _weakness(c: Context) -> Because:
    explained = (
        "motor_neuron_disease",
        "rhabdomyolysis",
        "radiculopathy",
        "cauda_equina",
        "electrolyte_emergency",
        "child_assessment",
    )
    if c.did_fire(*explained):
        return None
    return first(c.facts.finding("muscle_weakness"))


@rule("widespread_cramps", "routine")
def _widespread(c: Context) -> Because:
    cramps = c.facts.cramps
    return ["cramps.other_muscles=true"] if cramps and cramps.other_muscles is True else None


@rule("bilateral_swelling", "routine", gate=("swelling:both_legs",))
def _bilateral(c: Context) -> Because:
    f = c.facts
    if f.swelling != "both_legs" or f.pregnant:
        return None
    return ["findings.calf_swelling=both_legs"]


def frequent_or_prolonged(
    age: int,
    per_week: float | None,
    minutes: float | None,
    months: float | None,
    stretches: bool | None,
    relevant_condition: str | None,
) -> Because:
    """The seed's "frequent and long-lasting" rule made concrete (policy 1.3).

    A pure function so that a cramp diary can evaluate it on recorded episodes too.
    """

    age_s = f"person.age={age}"
    if minutes is not None and minutes > 10 and age >= 16:
        return [f"cramps.minutes={_num(minutes)}", age_s]
    if per_week is None or (months is not None and months < 1):
        return None
    lasting = f"cramps.months={_num(months) if months is not None else 'unknown'}"
    pw = f"cramps.per_week={_num(per_week)}"
    if minutes is not None and per_week >= 3 and minutes >= 5 and age >= 50:
        return [pw, f"cramps.minutes={_num(minutes)}", age_s, lasting]
    if per_week >= 7:
        return [pw, lasting]
    if per_week >= 3 and stretches is True:
        return [pw, "lifestyle.stretches_regularly=true", lasting]
    if minutes is not None and age >= 45 and relevant_condition and per_week >= 1 and minutes >= 5:
        return [pw, f"cramps.minutes={_num(minutes)}", age_s, relevant_condition, lasting]
    return None


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


@rule("frequent_or_prolonged", "routine")
def _frequent(c: Context) -> Because:
    f = c.facts
    cramps = f.cramps
    if cramps is None:
        return None  # no frequency, no duration: the rule cannot hold
    return frequent_or_prolonged(
        f.age,
        f.cramps_value("per_week"),
        f.cramps_value("minutes"),
        f.cramps_value("months"),
        f.lifestyle.stretches_regularly,
        f.relevant_condition,
    )


def _started_long_before(f: Facts, idx: int) -> bool:
    """A medicine started more than a year before the cramps began (policy 1.3 exception)."""
    med = f.meds[idx]
    months = f.cramps_value("months")
    if med.started_weeks_ago is None or months is None or med.changed_weeks_ago is not None:
        return False
    return med.started_weeks_ago > months * 4.35 + 52


@rule("medication_review", "routine", gate=("medicines",))
def _medreview_r(c: Context) -> Because:
    f = c.facts
    strong_or_moderate = [
        cls
        for cls in f.class_items
        if f.meds[f.class_items[cls][0]].grades.get(cls) in ("strong", "moderate")
    ]
    recent = [r for cls in strong_or_moderate if (r := f.recent_class(cls))]
    if recent:
        return recent
    per_week = f.cramps_value("per_week")
    if c.medication_single_top and (per_week is None or per_week >= 1):
        for cls in strong_or_moderate:
            for idx in f.class_items[cls]:
                if not _started_long_before(f, idx):
                    return [f.med_because(idx, cls), "medication is the single top factor"]
    return first(
        f.med_class("quinine"),
        both(f.med_class("lithium"), f.med_class(*LITHIUM_PARTNERS)),
        both(f.med_class("statin"), f.med_class("fibrate")),
    )


@rule("electrolyte_abnormal", "routine", gate=("labs",))
def _electrolyte_r(c: Context) -> Because:
    f = c.facts
    out = [
        f.lab_below("potassium_mmol_l", 3.5) or f.lab_above("potassium_mmol_l", 5.3),
        f.lab_below("sodium_mmol_l", 135) or f.lab_above("sodium_mmol_l", 145),
        f.lab_below("magnesium_mmol_l", 0.70) or f.lab_above("magnesium_mmol_l", 1.10),
        f.calcium_low or f.calcium_high,
    ]
    return [x for x in out if x] or None


@rule("abnormal_result", "routine", gate=("labs",))
def _abnormal(c: Context) -> Because:
    f = c.facts
    out = []
    if not f.has("diabetes"):
        out.append(f.lab_at_least("hba1c_mmol_mol", 48) or f.lab_at_least("glucose_mmol_l", 11.1))
    if not f.has("hypothyroidism", "hyperthyroidism"):
        out.append(f.lab_above("tsh_miu_l", 4.5) or f.lab_below("tsh_miu_l", 0.3))
    if not f.has("chronic_kidney_disease", "dialysis"):
        out.append(f.lab_below("egfr_ml_min", 60))
    out.append(f.lab_below("vitamin_d_nmol_l", 25))
    if not c.did_fire("rhabdomyolysis"):
        out.append(f.lab_at_least("ck_u_l", 1000))
    return [x for x in out if x] or None


@rule("calcium_check", "routine")
def _calcium_check(c: Context) -> Because:
    return ["calcium.verdict=check_blood"] if c.calcium_verdict == "check_blood" else None


Order = list[tuple[str, str, Rule, frozenset[str] | None]]


def evaluate(ctx: Context, order: Order, gated: bool = True) -> None:
    """Run the rules in ``order``; record each alert at its highest level.

    ``gated=False`` runs every rule, ignoring gates (used by tests to check the gates).
    """
    signals = ctx.facts.signals
    for alert, level, check, gate in order:
        if gated and gate is not None and gate.isdisjoint(signals):
            continue
        because = check(ctx)
        if not because:
            continue
        previous = ctx.fired.get(alert)
        if previous is None or LEVEL_RANK[level] > LEVEL_RANK[previous[0]]:
            ctx.fired[alert] = (level, because)
