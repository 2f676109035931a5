"""Relief, prevention and safety notes (policy sections 1.4 and 5)."""

from __future__ import annotations

from dataclasses import dataclass

from crampcheck.engine.facts import Facts
from crampcheck.knowledge.models import Advice, Note, PreventionItem

WITHHOLD_ALWAYS = frozenset(
    {
        "dvt",
        "acute_limb_ischaemia",
        "critical_limb_ischaemia",
        "compartment_syndrome",
        "muscle_tear",
        "cellulitis",
        "sepsis",
        "rhabdomyolysis",
        "persistent_pain",
        "tetanus",
    }
)
UNSAFE_WHEN_WITHHELD = frozenset({"stretch", "massage", "exercise", "warmth", "foot_soak"})
UNSAFE_WITH_HEAT = frozenset({"warmth", "foot_soak"})
NO_FOOT_SOAK_CONDITIONS = (
    "peripheral_neuropathy",
    "diabetes",
    "peripheral_artery_disease",
    "atherosclerosis",
)
CARE_TEAM_FACTORS = frozenset(
    {
        "diabetes",
        "thyroid_disease",
        "kidney_disease",
        "liver_disease",
        "nerve_disease",
        "poor_circulation",
        "venous_disease",
        "neuromuscular_disease",
        "pregnancy",
    }
)


def relief_withheld(fired: dict[str, tuple[str, list[str]]]) -> bool:
    """True when an alert makes stretching, massage or heat unsafe (policy 1.4)."""
    if any(a in WITHHOLD_ALWAYS for a in fired):
        return True
    child = fired.get("child_assessment")
    return child is not None and child[0] == "urgent"


def safety_notes(f: Facts, factor_ids: set[str], advice: Advice, keep: str | None) -> list[Note]:
    """The safety notes whose condition holds, in the knowledge file's order.

    ``keep``: ``calcium.keep_prescribed(f)``, which the engine has already.
    """
    cls = f.med_class
    has = f.has
    supplement = f.lifestyle.calcium_supplement
    taking_calcium = bool(supplement and supplement.taking)
    when = {
        "no_potassium_supplements": cls(
            "potassium_sparing_diuretic", "ace_inhibitor", "angiotensin_receptor_blocker"
        )
        or has("chronic_kidney_disease", "dialysis"),
        "follow_fluid_plan": has(
            "heart_failure", "dialysis", "chronic_kidney_disease", "liver_cirrhosis"
        ),
        "statin_muscle_warning": cls("statin", "fibrate"),
        "lithium_level": cls("lithium")
        and (
            cls("nsaid", "thiazide_diuretic", "ace_inhibitor", "angiotensin_receptor_blocker")
            or "dehydration" in factor_ids
        ),
        "calcium_excess": taking_calcium and cls("pth_analogue", "thiazide_diuretic"),
        "calcium_spacing": taking_calcium,
        "reliever_overuse": cls("short_acting_beta_agonist"),
        "quinine_warning": cls("quinine"),
        "heat_exhaustion": f.habit("heavy_sweating_or_heat")
        and f.habit("diarrhoea_or_vomiting")
        and f.exertion,
        "anticoagulant_care": cls("anticoagulant"),
        "keep_prescribed_calcium": keep,
        "pregnancy_swelling": f.swelling == "both_legs" and f.pregnant,
    }
    notes = [n for n in advice.safety_notes if when.get(n.id)]
    if f.calcium_high:
        notes = [
            Note(id=n.id, text=advice.keep_prescribed_calcium_high, references=n.references)
            if n.id == "keep_prescribed_calcium"
            else n
            for n in notes
        ]
    return notes


def foot_soak_unsafe(f: Facts) -> bool:
    """Numb or poorly supplied feet burn in a hot soak (policy 5)."""
    return bool(
        f.has(*NO_FOOT_SOAK_CONDITIONS)
        or f.finding("numbness_or_tingling_feet")
        or f.finding("cold_pale_or_blue_leg")
    )


@dataclass(frozen=True, slots=True)
class PlanItem:
    """A prevention item with what choosing it looks at, as plain sets (built once)."""

    id: str
    tags: frozenset[str]
    for_factors: frozenset[str]
    item: PreventionItem


def plan_items(advice: Advice) -> list[PlanItem]:
    return [
        PlanItem(p.id, frozenset(p.tags), frozenset(p.for_factors), p) for p in advice.prevention
    ]


def prevention(
    f: Facts,
    factor_ids: set[str],
    verdict: str,
    withheld: bool,
    note_ids: set[str],
    items: list[PlanItem],
) -> list[PreventionItem]:
    """The prevention items chosen by the factors found (policy 5); ``items`` is
    ``plan_items(advice)``, in the knowledge file's order."""
    leave_out: set[str] = set()
    if withheld:
        leave_out |= UNSAFE_WHEN_WITHHELD
    if "heat_exhaustion" in note_ids:
        leave_out |= UNSAFE_WITH_HEAT
    if foot_soak_unsafe(f):
        leave_out.add("foot_soak")
    chosen = []
    for p in items:
        if leave_out and not leave_out.isdisjoint(p.tags):
            continue
        if p.id == "calcium_rich_food":
            wanted = verdict == "improve_diet"
        elif p.id == "drink_to_thirst":
            wanted = "dehydration" in factor_ids and "follow_fluid_plan" not in note_ids
        elif p.id == "condition_care_team":
            wanted = not CARE_TEAM_FACTORS.isdisjoint(factor_ids)
        else:
            wanted = not p.for_factors or not p.for_factors.isdisjoint(factor_ids)
        if wanted:
            chosen.append(p.item)
    return chosen


# A site's relief steps depend on the site, on whether the person is unsteady on their feet,
# and on whether warmth is to be left out: (site, unsteady, no warmth). The withheld text has
# the site "any".
ReliefKey = tuple[str, bool, bool]
WITHHELD: ReliefKey = ("any", False, False)


def relief(f: Facts, withheld: bool, note_ids: set[str]) -> list[ReliefKey]:
    """The relief for each site in the intake (calf when none), or the withheld text."""
    if withheld:
        return [WITHHELD]
    cramps = f.cramps
    sites = list(dict.fromkeys(cramps.sites)) if cramps and cramps.sites else ["calf"]
    unsteady = bool(
        f.age_at_least(75) or f.has("parkinsons") or f.finding("tremor_or_unsteadiness")
    )
    no_warmth = "heat_exhaustion" in note_ids
    return [(site, unsteady, no_warmth) for site in sites]


def relief_steps(key: ReliefKey, advice: Advice) -> list[str]:
    """The steps for one ``relief`` key."""
    if key == WITHHELD:
        return [advice.relief_withheld]
    site, unsteady, no_warmth = key
    by_site: dict[str, list[str]] = {s.site: s.steps for s in advice.relief_sites}
    steps = [advice.relief_intro, *by_site[site]]
    if unsteady:
        steps.append(advice.relief_unsteady)
    steps.extend(advice.relief_after_no_warmth if no_warmth else advice.relief_after)
    return steps
