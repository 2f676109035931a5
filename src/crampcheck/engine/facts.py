"""Derived facts: the policy's terms (section 0), computed once from an intake.

Every accessor returns the intake fact it rests on as a ``because`` string
(``"findings.fever=true"``) or ``None``: a fact that is unknown is never read as false, and
nothing here turns ``None`` into ``False``. Rules combine these strings so that every alert and
factor can show why it fired.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from crampcheck.engine.intake import Cramps, Findings, Intake, Labs, Lifestyle
from crampcheck.engine.medicines import Recognised

NO_FINDINGS = Findings.model_construct()
NO_LIFESTYLE = Lifestyle.model_construct()
NO_LABS = Labs.model_construct()
# the fields in their declared order, which the true facts keep
FINDING_ORDER = {name: i for i, name in enumerate(Findings.model_fields)}
LIFESTYLE_ORDER = {name: i for i, name in enumerate(Lifestyle.model_fields)}

CRAMP_RELEVANT_CONDITIONS = frozenset(
    {
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
        "hypoparathyroidism",
        "thyroid_or_parathyroid_surgery",
        "alcohol_use_disorder",
        "heart_failure",
    }
)


def _fmt(value: float | int | str | bool) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def calcium_status(labs: Labs) -> tuple[str | None, str | None]:
    """(status, because) from ionised calcium when known, else albumin-corrected total calcium.

    Status is one of ``severely_low``, ``low``, ``normal``, ``high``, ``very_high`` or ``None``.
    Corrected calcium is rounded to two decimals before any comparison (policy section 0).
    """
    if labs.ionised_calcium_mmol_l is not None:
        value = labs.ionised_calcium_mmol_l
        because = f"labs.ionised_calcium_mmol_l={_fmt(value)}"
        bounds = (0.90, 1.10, 1.35, 1.60)
    elif labs.calcium_mmol_l is not None:
        total = labs.calcium_mmol_l
        if labs.albumin_g_l is not None:
            value = round(total + 0.02 * (40 - labs.albumin_g_l), 2)
            because = (
                f"labs.calcium_mmol_l={_fmt(total)} corrected for albumin "
                f"{_fmt(labs.albumin_g_l)} g/L = {value:.2f}"
            )
        else:
            value = total
            because = f"labs.calcium_mmol_l={_fmt(total)}"
        bounds = (1.90, 2.20, 2.60, 3.00)
    else:
        return None, None
    severe, low, high, very_high = bounds
    if value < severe:
        return "severely_low", because
    if value < low:
        return "low", because
    if value > very_high:
        return "very_high", because
    if value > high:
        return "high", because
    return "normal", because


@dataclass(slots=True)
class Facts:
    """The intake plus what the policy derives from it."""

    intake: Intake
    meds: list[Recognised]
    findings: Findings = field(init=False)
    lifestyle: Lifestyle = field(init=False)
    labs: Labs = field(init=False)
    conditions: frozenset[str] = field(init=False)
    stale: bool = field(init=False)
    ca_status: str | None = field(init=False)
    ca_because: str | None = field(init=False)
    class_items: dict[str, list[int]] = field(init=False)  # class id -> indices of meds
    class_because: dict[str, str] = field(init=False)  # class id -> its first medicine
    true_findings: dict[str, str] = field(init=False)  # finding -> "findings.x=true"
    true_habits: dict[str, str] = field(init=False)  # lifestyle flag -> "lifestyle.x=true"
    signals: frozenset[str] = field(init=False)  # what alert gates look for (alerts.GATES)
    # Intake values the rules read often, copied out of the pydantic models once: reading an
    # attribute of a pydantic model is several times slower than reading a slot.
    age: int = field(init=False)
    pregnant_weeks: int | None = field(init=False)
    postpartum_weeks: int | None = field(init=False)
    cramps: Cramps | None = field(init=False)
    cramps_when: frozenset[str] = field(init=False)
    swelling: str | None = field(init=False)
    lab_values: dict[str, float] = field(init=False)  # the labs given, by name

    def __post_init__(self) -> None:
        i = self.intake
        person = i.person
        self.age = person.age
        self.pregnant_weeks = person.pregnant_weeks
        self.postpartum_weeks = person.postpartum_weeks
        self.cramps = cramps = i.cramps
        self.cramps_when = frozenset(cramps.when or ()) if cramps is not None else frozenset()
        self.findings = i.findings or NO_FINDINGS
        self.lifestyle = i.lifestyle or NO_LIFESTYLE
        self.labs = i.labs or NO_LABS
        self.conditions = frozenset(i.conditions or ())
        self.stale = self._labs_stale()
        self.ca_status, self.ca_because = calcium_status(self.labs)
        # The true facts, gathered once: rules ask for them many times. Only the fields the
        # intake gave can be true (every default is None).
        findings, lifestyle = self.findings, self.lifestyle
        self.true_findings = {
            k: f"findings.{k}=true"
            for k in sorted(findings.model_fields_set, key=FINDING_ORDER.__getitem__)
            if getattr(findings, k) is True
        }
        self.true_habits = {
            k: f"lifestyle.{k}=true"
            for k in sorted(lifestyle.model_fields_set, key=LIFESTYLE_ORDER.__getitem__)
            if getattr(lifestyle, k) is True
        }
        self.class_items = {}
        for idx, med in enumerate(self.meds):
            for cls in med.classes:
                self.class_items.setdefault(cls, []).append(idx)
        self.class_because = {
            cls: self.med_because(items[0], cls) for cls, items in self.class_items.items()
        }
        signals = {f"finding:{k}" for k in self.true_findings}
        signals.update(f"class:{c}" for c in self.class_items)
        self.swelling = self.findings.calf_swelling
        if self.swelling is not None:
            signals.add(f"swelling:{self.swelling}")
        labs = self.labs
        self.lab_values = {
            k: v for k in labs.model_fields_set if (v := getattr(labs, k)) is not None
        }
        if self.lab_values:
            signals.add("labs")
        if self.class_items:
            signals.add("medicines")
        if self.age < 16:
            signals.add("child")
        self.signals = frozenset(signals)

    def _labs_stale(self) -> bool:
        taken = self.labs.taken_weeks_ago
        if taken is None:
            return False
        for med in self.meds:
            for weeks in (med.started_weeks_ago, med.changed_weeks_ago):
                if weeks is not None and weeks < taken:
                    return True
        return False

    # --- person -------------------------------------------------------------------------------
    def age_at_least(self, years: int) -> str | None:
        return f"person.age={self.age}" if self.age >= years else None

    @property
    def child(self) -> str | None:
        return f"person.age={self.age}" if self.age < 16 else None

    @property
    def pregnant(self) -> str | None:
        weeks = self.pregnant_weeks
        return f"person.pregnant_weeks={weeks}" if weeks is not None else None

    @property
    def postpartum(self) -> str | None:
        weeks = self.postpartum_weeks
        return f"person.postpartum_weeks={weeks}" if weeks is not None and weeks <= 12 else None

    # --- findings, lifestyle, conditions --------------------------------------------------------
    def finding(self, name: str) -> str | None:
        """``findings.<name>=true`` when the finding is true, else ``None`` (false or unknown)."""
        return self.true_findings.get(name)

    def habit(self, name: str) -> str | None:
        return self.true_habits.get(name)

    def has(self, *conditions: str) -> str | None:
        for c in conditions:
            if c in self.conditions:
                return f"conditions={c}"
        return None

    @property
    def relevant_condition(self) -> str | None:
        for c in sorted(self.conditions & CRAMP_RELEVANT_CONDITIONS):
            return f"conditions={c}"
        return None

    def cramps_value(self, name: str) -> float | None:
        cramps = self.cramps
        value = getattr(cramps, name) if cramps is not None else None
        return float(value) if value is not None else None

    @property
    def side(self) -> str | None:
        return self.cramps.side if self.cramps else None

    @property
    def one_sided(self) -> str | None:
        side = self.side
        if side in ("left", "right"):
            return f"cramps.side={side}"
        if side is None:
            return "cramps.side=unknown"
        return None

    @property
    def new_or_changed(self) -> bool | None:
        return self.cramps.new_or_changed if self.cramps else None

    def when(self, *values: str) -> str | None:
        when = self.cramps_when
        if when:
            for v in values:
                if v in when:
                    return f"cramps.when={v}"
        return None

    @property
    def exertion(self) -> str | None:
        return (
            self.habit("recent_heavy_exercise")
            or self.habit("long_walk_or_climb")
            or self.when("during_exercise", "after_exercise")
        )

    @property
    def clot_risk(self) -> str | None:
        return (
            self.finding("previous_dvt_or_clot")
            or self.finding("recent_immobility_or_long_travel")
            or self.finding("recent_leg_injury_or_surgery")
            or self.pregnant
            or self.postpartum
            or self.has("cancer")
            or self.med_class("estrogen", "serm")
        )

    # --- medicines --------------------------------------------------------------------------
    def med_because(self, idx: int, cls: str | None = None) -> str:
        med = self.meds[idx]
        classes = cls or ", ".join(med.classes) or "no cramp-linked class"
        return f"medications[{idx}] {med.input} -> {med.generic} ({classes})"

    def med_class(self, *classes: str) -> str | None:
        for cls in classes:
            because = self.class_because.get(cls)
            if because:
                return because
        return None

    def recent_class(self, cls: str) -> str | None:
        for idx in self.class_items.get(cls, ()):
            if self.meds[idx].recent:
                return self.med_because(idx, cls) + " started or changed recently"
        return None

    # --- labs -----------------------------------------------------------------------------------
    def lab(self, name: str) -> float | None:
        return self.lab_values.get(name)

    def lab_fact(self, name: str) -> str:
        value = self.lab(name)
        return f"labs.{name}={_fmt(value) if value is not None else 'unknown'}"

    def lab_below(self, name: str, limit: float) -> str | None:
        value = self.lab(name)
        return self.lab_fact(name) if value is not None and value < limit else None

    def lab_at_least(self, name: str, limit: float) -> str | None:
        value = self.lab(name)
        return self.lab_fact(name) if value is not None and value >= limit else None

    def lab_above(self, name: str, limit: float) -> str | None:
        value = self.lab(name)
        return self.lab_fact(name) if value is not None and value > limit else None

    def normal_lab(self, because: str | None) -> str | None:
        """A normal result, unless stale labs make it count as unknown."""
        if because is None or self.stale:
            return None
        return because

    def calcium(self, *statuses: str) -> str | None:
        return self.ca_because if self.ca_status in statuses else None

    @property
    def calcium_low(self) -> str | None:
        return self.calcium("low", "severely_low")

    @property
    def calcium_high(self) -> str | None:
        return self.calcium("high", "very_high")

    @property
    def calcium_normal_known(self) -> str | None:
        return self.normal_lab(self.calcium("normal"))

    # --- calcium intake (policy 4.2) ------------------------------------------------------------
    @property
    def low_intake_risk_group(self) -> list[str] | None:
        life = self.lifestyle
        servings = life.dairy_or_calcium_foods_per_day
        if servings is not None and servings <= 1:
            low = f"lifestyle.dairy_or_calcium_foods_per_day={_fmt(servings)}"
        elif life.dieting is True and servings is None:
            low = "lifestyle.dieting=true with calcium foods unknown"
        else:
            return None
        person = self.intake.person
        risk = (
            self.pregnant
            or ("person.postmenopausal=true" if person.postmenopausal is True else None)
            or self.age_at_least(70)
            or ("person.growth_spurt=true" if person.growth_spurt is True else None)
            or self.has("osteoporosis")
            or self.habit("dieting")
        )
        return [low, risk] if risk else None
