"""The clinical vignettes (golden cases) as one parametrized test with readable ids.

Each case's ``expect`` block is normative (``spec/contract.md``): triage, required and forbidden
alerts, top-three factors, forbidden factors, the calcium verdict, medicine classes and relief.
"""

from __future__ import annotations

from typing import Any

import pytest

from crampcheck import assess, parse_intake
from tests.conftest import load_vignettes

CASES = load_vignettes("dev")


def _id(case: dict[str, Any]) -> str:
    return f"{case['id']}:{case['note'][:60]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_vignette(case: dict[str, Any]) -> None:
    exp = case["expect"]
    result = assess(parse_intake(case["intake"]))
    alerts = {a.id for a in result.alerts}
    factors = [f.id for f in result.factors]
    problems = []
    if "triage" in exp and result.triage.level != exp["triage"]:
        problems.append(f"triage {result.triage.level} != {exp['triage']}")
    if missing := set(exp.get("alerts_required", [])) - alerts:
        problems.append(f"missing alerts {sorted(missing)}")
    if false := set(exp.get("alerts_forbidden", [])) & alerts:
        problems.append(f"forbidden alerts {sorted(false)}")
    if missing_top := [f for f in exp.get("top_factors", []) if f not in factors[:3]]:
        problems.append(f"factors {missing_top} not in top 3 {factors[:3]}")
    if bad := set(exp.get("factors_forbidden", [])) & set(factors):
        problems.append(f"forbidden factors {sorted(bad)}")
    if "calcium" in exp and result.calcium.verdict != exp["calcium"]:
        problems.append(f"calcium {result.calcium.verdict} != {exp['calcium']}")
    if "medication_classes" in exp:
        got = {c for m in result.medications for c in m.classes}
        if got != set(exp["medication_classes"]):
            problems.append(f"classes {sorted(got)} != {sorted(exp['medication_classes'])}")
    if "relief_withheld" in exp and result.relief_withheld != exp["relief_withheld"]:
        problems.append(f"relief_withheld {result.relief_withheld} != {exp['relief_withheld']}")
    assert not problems, "; ".join(problems)
