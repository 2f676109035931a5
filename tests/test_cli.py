"""The command line: exit codes, messages, JSON and text output, the interview, kb and meds."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import minimal

Run = Callable[..., tuple[int, str, str]]


def test_assess_json_from_stdin(run: Run) -> None:
    code, out, _ = run(["assess", "-"], json.dumps(minimal(findings={"calf_swelling": "one_leg"})))
    assert code == 0
    data = json.loads(out)
    assert data["contract"] == 1
    assert data["triage"]["level"] == "urgent"
    assert data["alerts"][0]["id"] == "dvt"
    assert data["relief_withheld"] is True


def test_assess_from_file(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "intake.json"
    path.write_text(json.dumps(minimal()))
    code, out, _ = run(["assess", str(path)])
    assert code == 0
    assert json.loads(out)["triage"]["level"] == "self_care"


def test_assess_text_puts_triage_first(run: Run) -> None:
    intake = minimal(findings={"short_of_breath_or_chest_pain": True})
    code, out, _ = run(["assess", "-", "--format", "text"], json.dumps(intake))
    assert code == 0
    first = out.strip().splitlines()[0]
    assert "EMERGENCY" in first
    assert "Warning signs" in out


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ("{not json", "broken JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({"contract": 1, "person": {"age": 0}}), "person.age"),
        (
            json.dumps({"contract": 1, "person": {"age": 40}, "cramps": {"side": "up"}}),
            "cramps.side",
        ),
        (
            json.dumps({"contract": 1, "person": {"age": 40}, "findings": {"fever": 0}}),
            "findings.fever",
        ),
        (
            json.dumps({"contract": 1, "person": {"age": 40}, "colour": "red"}),
            "colour: unknown key",
        ),
        (json.dumps({"person": {"age": 40}}), "contract: required field is missing"),
        (json.dumps({"contract": 1, "person": {"age": "forty"}}), "person.age"),
    ],
)
def test_bad_input_exits_2_naming_the_field(run: Run, payload: str, expected: str) -> None:
    code, out, err = run(["assess", "-"], payload)
    assert code == 2
    assert out == ""
    assert expected in err
    assert "Traceback" not in err


def test_every_bad_field_is_named(run: Run) -> None:
    bad = {
        "contract": 1,
        "person": {"age": 200, "sex": "x"},
        "cramps": {"per_week": -1},
        "labs": {"nope": 1},
    }
    code, _, err = run(["assess", "-"], json.dumps(bad))
    assert code == 2
    for path in ("person.age", "person.sex", "cramps.per_week", "labs.nope"):
        assert path in err
    assert "allowed" in err or "should be" in err


def test_unknown_key_lists_allowed_keys(run: Run) -> None:
    code, _, err = run(["assess", "-"], json.dumps(minimal(findings={"feverish": True})))
    assert code == 2
    assert "findings.feverish" in err
    assert "calf_swelling" in err


def test_missing_file_exits_2(run: Run) -> None:
    code, _, err = run(["assess", "/nonexistent/intake.json"])
    assert code == 2
    assert "no such file" in err


def test_unknown_option_exits_2(run: Run) -> None:
    code, _, err = run(["assess", "-", "--format", "yaml"], "{}")
    assert code == 2
    assert "yaml" in err


@pytest.mark.parametrize("command", [[], ["assess"], ["check"], ["kb"], ["meds"]])
def test_help_has_an_example(run: Run, command: list[str]) -> None:
    code, out, _ = run([*command, "--help"])
    assert code == 0
    assert "Example" in out


def test_kb_lists_and_shows_with_references(run: Run) -> None:
    code, out, _ = run(["kb"])
    assert code == 0
    assert "alerts" in out
    code, out, _ = run(["kb", "alerts", "dvt"])
    assert code == 0
    assert "R50" in out
    code, out, _ = run(["kb", "alerts", "nope"])
    assert code == 2
    code, out, _ = run(["kb", "medicines", "furosemide", "--json"])
    assert code == 0
    data = json.loads(out)
    assert data["classes"] == ["loop_diuretic"]
    assert any(r["id"] == "R11" for r in data["cited"])


def test_meds_command(run: Run) -> None:
    code, out, _ = run(["meds", "--json", "Lasix 40mg, Seretide, simvastatine"])
    assert code == 0
    items = json.loads(out)
    assert [i["generic"] for i in items] == [
        "furosemide",
        "fluticasone + salmeterol",
        "simvastatin",
    ]
    assert items[1]["classes"] == ["long_acting_beta_agonist"]


def test_check_interview_self_care(run: Run, tmp_path: Path) -> None:
    """A person who answers "no" to everything and "don't know" elsewhere gets self-care."""
    answers = ["58", "2"] + ["n"] * 200
    saved = tmp_path / "answers.json"
    code, out, err = run(
        ["check", "--save", str(saved), "--format", "json"], "\n".join(answers) + "\n"
    )
    assert code == 0, err
    result = json.loads(out[out.index("{\n") :])
    assert result["triage"]["level"] == "self_care"
    intake = json.loads(saved.read_text())
    assert intake["person"] == {"age": 58, "sex": "male"}
    assert intake["findings"]["cold_pale_or_blue_leg"] is False


def test_check_interview_dvt_with_dont_know(run: Run, tmp_path: Path) -> None:
    """Urgent questions come first: one swollen calf ends in the DVT alert."""
    # age, sex, then danger questions: say "?" until the calf swelling question, answer one leg
    from crampcheck.knowledge.loader import load_knowledge

    fields = [q.field for q in load_knowledge().questions]
    swelling_at = fields.index("findings.calf_swelling")
    danger_before = [f for f in fields[:swelling_at] if f.startswith("findings.")]
    answers = ["45", "1", *["?"] * len(danger_before), "2"] + [""] * 300
    code, out, err = run(["check", "--format", "json"], "\n".join(answers) + "\n")
    assert code == 0, err
    result = json.loads(out[out.index("{\n") :])
    assert result["triage"]["level"] == "urgent"
    assert "dvt" in [a["id"] for a in result["alerts"]]


def test_check_rejects_bad_answer_and_asks_again(run: Run) -> None:
    answers = ["abc", "300", "61", "2"] + ["n"] * 200
    code, out, _ = run(["check"], "\n".join(answers) + "\n")
    assert code == 0
    assert "whole number" in out
    assert "SELF-CARE" in out or "SEE A DOCTOR" in out


def test_installed_entry_point_runs() -> None:
    """The console script (as installed in the venv) answers --version."""
    exe = Path(sys.executable).parent / "crampcheck"
    proc = subprocess.run([str(exe), "--version"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "crampcheck" in proc.stdout
