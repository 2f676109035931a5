"""The calcium verdict (policy section 4): does calcium make sense for these cramps?"""

from __future__ import annotations

from crampcheck.engine.facts import Facts

KEEP_PRESCRIBED_CONDITIONS = (
    "hypoparathyroidism",
    "thyroid_or_parathyroid_surgery",
    "osteoporosis",
    "chronic_kidney_disease",
    "dialysis",
)


def verdict(f: Facts) -> tuple[str, list[str]]:
    """(verdict id, because): the first rule of policy 4.1 that matches."""
    if f.calcium_high:
        return "not_indicated", [f.calcium_high, "calcium is high: do not take calcium"]
    if f.calcium_low:
        return "treat_with_doctor", [f.calcium_low]
    if not f.calcium_normal_known:
        reason = (
            f.finding("tingling_lips_or_hand_spasms")
            or f.has(
                "hypoparathyroidism",
                "thyroid_or_parathyroid_surgery",
                "chronic_kidney_disease",
                "dialysis",
            )
            or f.lab_below("vitamin_d_nmol_l", 25)
            or f.lab_below("magnesium_mmol_l", 0.50)
            or f.med_class("calcium_lowering")
        )
        if reason:
            return "check_blood", [reason, "no normal calcium result is known"]
    supplement = f.lifestyle.calcium_supplement
    if (
        supplement is not None
        and supplement.months is not None
        and supplement.months >= 1
        and supplement.helped is False
    ):
        return "not_indicated", [
            f"lifestyle.calcium_supplement.months={supplement.months:g}",
            "lifestyle.calcium_supplement.helped=false",
        ]
    low_intake = f.low_intake_risk_group
    if low_intake:
        return "improve_diet", low_intake
    because = [f.calcium_normal_known] if f.calcium_normal_known else []
    return "not_indicated", [*because, "nothing points to a calcium problem"]


def keep_prescribed(f: Facts) -> str | None:
    """Why the advice must say "keep taking the calcium and vitamin D you were prescribed"."""
    return f.has(*KEEP_PRESCRIBED_CONDITIONS) or f.med_class("pth_analogue", "calcium_lowering")
