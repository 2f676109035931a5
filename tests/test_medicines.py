"""Medicine recognition: every example of the policy's class table, brands, abbreviations,
doses and schedules, combinations, misspellings, and never a drug from an ordinary word."""

from __future__ import annotations

import pytest

from crampcheck.engine.core import default_engine
from crampcheck.engine.medicines import Recognised

POLICY_EXAMPLES = {
    "long_acting_beta_agonist": [
        "salmeterol",
        "formoterol",
        "vilanterol",
        "indacaterol",
        "olodaterol",
    ],
    "potassium_sparing_diuretic": ["spironolactone", "eplerenone", "amiloride", "triamterene"],
    "thiazide_diuretic": [
        "hydrochlorothiazide",
        "chlortalidone",
        "indapamide",
        "bendroflumethiazide",
        "metolazone",
    ],
    "loop_diuretic": ["furosemide", "bumetanide", "torasemide"],
    "statin": [
        "atorvastatin",
        "simvastatin",
        "rosuvastatin",
        "pravastatin",
        "lovastatin",
        "fluvastatin",
    ],
    "fibrate": ["fenofibrate", "gemfibrozil", "bezafibrate", "clofibrate"],
    "calcium_channel_blocker": ["nifedipine", "amlodipine", "felodipine", "lercanidipine"],
    "short_acting_beta_agonist": ["salbutamol", "albuterol", "terbutaline", "levalbuterol"],
    "corticosteroid": [
        "prednisolone",
        "prednisone",
        "dexamethasone",
        "hydrocortisone",
        "methylprednisolone",
    ],
    "cholinesterase_inhibitor": [
        "donepezil",
        "rivastigmine",
        "galantamine",
        "neostigmine",
        "pyridostigmine",
    ],
    "serm": ["raloxifene", "bazedoxifene"],
    "pth_analogue": ["teriparatide", "abaloparatide"],
    "estrogen": ["conjugated estrogens", "estradiol", "ethinylestradiol"],
    "iv_iron": ["iron sucrose", "ferric carboxymaltose"],
    "isa_beta_blocker": ["pindolol", "carteolol", "acebutolol", "celiprolol"],
    "calcium_lowering": ["denosumab", "zoledronic acid", "cinacalcet", "etelcalcetide"],
    "tyrosine_kinase_inhibitor": ["imatinib", "nilotinib", "dasatinib"],
    "neurotoxic_chemotherapy": ["cisplatin", "oxaliplatin", "vincristine"],
    "lithium": ["lithium carbonate", "lithium citrate"],
    "proton_pump_inhibitor": [
        "omeprazole",
        "esomeprazole",
        "lansoprazole",
        "pantoprazole",
        "rabeprazole",
    ],
    "opioid": ["morphine", "oxycodone", "codeine", "tramadol", "methadone"],
    "cimetidine": ["cimetidine"],
    "nsaid": ["naproxen", "celecoxib", "ibuprofen", "diclofenac"],
    "ace_inhibitor": ["ramipril", "lisinopril", "enalapril", "perindopril"],
    "angiotensin_receptor_blocker": ["losartan", "candesartan", "valsartan", "irbesartan"],
    "ssri_snri": [
        "citalopram",
        "escitalopram",
        "sertraline",
        "fluoxetine",
        "venlafaxine",
        "duloxetine",
    ],
    "antipsychotic": ["quetiapine", "risperidone", "olanzapine", "haloperidol"],
    "gabapentinoid": ["gabapentin", "pregabalin"],
    "zolpidem": ["zolpidem"],
    "quinine": ["quinine sulfate", "quinine bisulfate"],
    "anticoagulant": [
        "warfarin",
        "apixaban",
        "rivaroxaban",
        "edoxaban",
        "dabigatran",
        "enoxaparin",
    ],
}
CASES = [(name, cls) for cls, names in POLICY_EXAMPLES.items() for name in names]


def recognise(text: str, started: int | None = None) -> Recognised:
    return default_engine().medicines.recognise(text, started)


@pytest.mark.parametrize(("name", "cls"), CASES, ids=[c[0] for c in CASES])
def test_every_policy_example_is_recognised(name: str, cls: str) -> None:
    for text in (name, name.upper(), f"{name} 10 mg once daily"):
        r = recognise(text)
        assert r.generic is not None, text
        assert cls in r.classes, (text, r.classes)


@pytest.mark.parametrize(
    ("text", "generic", "classes"),
    [
        ("HCTZ 25 mg", "hydrochlorothiazide", ["thiazide_diuretic"]),
        ("Lasix 40mg bd", "furosemide", ["loop_diuretic"]),
        ("bendroflumethiazide 2.5 om", "bendroflumethiazide", ["thiazide_diuretic"]),
        ("Seretide 250 evohaler", "fluticasone + salmeterol", ["long_acting_beta_agonist"]),
        ("simvastatine", "simvastatin", ["statin"]),
        ("co-amilofruse 5/40", "amiloride + furosemide", None),
        ("HCTZ/lisinopril", None, ["thiazide_diuretic", "ace_inhibitor"]),
        (
            "losartan/hydrochlorothiazide 50/12.5 mg",
            None,
            ["angiotensin_receptor_blocker", "thiazide_diuretic"],
        ),
        ("Symbicort 200/6 inhaler", None, ["long_acting_beta_agonist"]),
        ("Microgynon 30", None, ["estrogen"]),
        ("fluticasone inhaler", "fluticasone", []),
        ("metformin 1 g twice daily", "metformin", []),
        ("levothyroxine 100 micrograms", "levothyroxine", []),
        ("Lipitor 20 mg", "atorvastatin", ["statin"]),
        ("Ventolin evohaler", "salbutamol", ["short_acting_beta_agonist"]),
    ],
)
def test_names_people_write(text: str, generic: str | None, classes: list[str] | None) -> None:
    r = recognise(text)
    assert r.generic is not None, text
    if generic is not None:
        assert r.generic == generic
    if classes is not None:
        assert sorted(r.classes) == sorted(classes)


def test_combination_grade_is_the_highest() -> None:
    r = recognise("losartan/hydrochlorothiazide")
    assert r.grades == {"angiotensin_receptor_blocker": "weak", "thiazide_diuretic": "strong"}
    assert r.grade == "strong"


def test_recent_is_decided_by_weeks() -> None:
    assert recognise("furosemide", started=12).recent is True
    assert recognise("furosemide", started=13).recent is False
    assert recognise("furosemide").recent is False


@pytest.mark.parametrize(
    "word",
    ["morning", "evening", "tablet", "tablets", "inhaler", "water", "daily", "medicines", "lyrics"],
)
def test_ordinary_words_are_never_drugs(word: str) -> None:
    assert recognise(word).generic is None


def test_unrecognised_item_gets_a_hint_not_an_error() -> None:
    r = recognise("xyzzyplex 10 mg")
    assert r.generic is None
    assert r.classes == ()
    assert r.hint
    close = recognise("simvasttinne")  # too far for a match, close enough for a suggestion
    assert close.generic is None
    assert close.hint is not None
    assert "simvastatin" in close.hint.lower()


def test_free_text_list_splits_into_items() -> None:
    split = default_engine().medicines.split_items
    items = split("atorvastatin and HCTZ every morning, plus my inhaler")
    assert items == ["atorvastatin", "HCTZ every morning", "my inhaler"]
    assert [recognise(i).generic for i in items] == ["atorvastatin", "hydrochlorothiazide", None]
    # a brand name with "Plus" stays whole; so does "and" inside a name that is not two medicines
    assert split("Coversyl Plus, Nurofen Plus 200mg") == ["Coversyl Plus", "Nurofen Plus 200mg"]
    assert split("calcium and vitamin D") == ["calcium", "vitamin D"]  # two medicines
    assert split("my inhaler and water tablets") == ["my inhaler and water tablets"]
    assert recognise("Coversyl Plus").classes == ("ace_inhibitor", "thiazide_diuretic")
