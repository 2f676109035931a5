"""The JSON API in-process (Starlette TestClient): contract in, contract out, clear errors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from crampcheck import Assessment
from crampcheck.web.app import create_app
from tests.conftest import minimal


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(f"sqlite:///{tmp_path / 'api.sqlite3'}")
    with TestClient(app) as test_client:
        yield test_client
    app.state.diary.close()


def test_assessment_contract_in_and_out(client: TestClient) -> None:
    response = client.post(
        "/api/v1/assessments", json=minimal(findings={"calf_swelling": "one_leg"})
    )
    assert response.status_code == 200
    result = Assessment.model_validate(response.json())
    assert result.triage.level == "urgent"
    assert result.alerts[0].id == "dvt"
    assert result.relief_withheld is True


def test_bad_intake_is_422_with_field_paths(client: TestClient) -> None:
    bad = {"contract": 1, "person": {"age": 200}, "findings": {"fever": 0}, "colour": "red"}
    response = client.post("/api/v1/assessments", json=bad)
    assert response.status_code == 422
    fields = {p["field"] for p in response.json()["detail"]}
    assert {"body.person.age", "body.findings.fever", "body.colour"} <= fields
    broken = client.post(
        "/api/v1/assessments", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 422


def test_security_headers(client: TestClient) -> None:
    response = client.get("/api/v1/knowledge")
    csp = response.headers["content-security-policy"]
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"


def test_medicines_are_recognised(client: TestClient) -> None:
    response = client.post(
        "/api/v1/medications/recognise", json={"text": "Lasix 40mg, Seretide, simvastatine"}
    )
    assert response.status_code == 200
    assert [m["generic"] for m in response.json()] == [
        "furosemide",
        "fluticasone + salmeterol",
        "simvastatin",
    ]
    assert client.post("/api/v1/medications/recognise", json={}).status_code == 422


def test_knowledge_records_with_references(client: TestClient) -> None:
    counts = client.get("/api/v1/knowledge").json()
    assert counts["alerts"] == 30
    dvt = client.get("/api/v1/knowledge/alerts/dvt").json()
    assert {r["id"] for r in dvt["cited"]} == set(dvt["references"])
    assert client.get("/api/v1/knowledge/alerts/nope").status_code == 404
    assert client.get("/api/v1/knowledge/nonsense").status_code == 422


def test_diary_crud_and_stats(client: TestClient) -> None:
    created = client.post(
        "/api/v1/diary/episodes",
        json={"started_at": "2026-11-20T03:10:00+01:00", "minutes": 3, "severity": 7},
    )
    assert created.status_code == 201
    episode = created.json()
    assert episode["started_at"] == "2026-11-20T03:10:00+01:00"
    changed = client.patch(f"/api/v1/diary/episodes/{episode['id']}", json={"minutes": 5})
    assert changed.json()["minutes"] == 5
    assert len(client.get("/api/v1/diary/episodes").json()) == 1
    naive = client.post("/api/v1/diary/episodes", json={"started_at": "2026-11-20T03:10:00"})
    assert naive.status_code == 422
    context = client.put("/api/v1/diary/context", json={"day": "2026-11-19", "cold_night": True})
    assert context.json()["cold_night"] is True
    medicine = client.post(
        "/api/v1/diary/medicines", json={"name": "HCTZ 25mg", "started_on": "2026-11-01"}
    )
    assert medicine.json()["classes"] == ["thiazide_diuretic"]
    stats = client.get("/api/v1/diary/stats", params={"today": "2026-11-25"}).json()
    assert stats["summary"]["total"] == 1
    assert client.delete(f"/api/v1/diary/episodes/{episode['id']}").status_code == 204
    assert client.get(f"/api/v1/diary/episodes/{episode['id']}").status_code == 404
    assert client.delete(f"/api/v1/diary/episodes/{episode['id']}").status_code == 404


def test_assessment_saved_to_the_diary(client: TestClient) -> None:
    response = client.post("/api/v1/assessments", params={"save": "true"}, json=minimal())
    assert response.status_code == 200
    diary = client.app.state.diary  # type: ignore[attr-defined]
    assert diary.assessments()[0].triage == "self_care"


def test_openapi_document_lists_the_api(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/v1/assessments",
        "/api/v1/medications/recognise",
        "/api/v1/knowledge/{kind}/{record_id}",
        "/api/v1/diary/episodes/{episode_id}",
        "/api/v1/diary/stats",
    ):
        assert path in spec["paths"]
    assert client.get("/docs").status_code == 404  # no page that loads scripts from a CDN


def _route_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the FastAPI route fail, so that a 200 proves the fast path answered."""

    def broken(*args: object, **kwargs: object) -> None:
        raise AssertionError("the route was used")

    monkeypatch.setattr("crampcheck.web.api.assess", broken)
    monkeypatch.setattr("crampcheck.web.api.assess_json", broken)


def test_fast_path_answers_a_plain_assessment(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    intake = minimal(findings={"calf_swelling": "one_leg"})
    by_route = client.post("/api/v1/assessments", params={"use_diary": "false"}, json=intake)
    _route_only(monkeypatch)
    fast = client.post("/api/v1/assessments", json=intake)
    assert fast.status_code == by_route.status_code == 200
    assert fast.content == by_route.content  # the same bytes either way
    assert fast.headers["content-type"] == by_route.headers["content-type"]
    for header in ("content-security-policy", "x-frame-options", "referrer-policy"):
        assert fast.headers[header] == by_route.headers[header]
    assert Assessment.model_validate_json(fast.content).alerts[0].id == "dvt"


def test_fast_path_leaves_the_rest_to_the_route(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a request the fast path does not take reaches the route, which answers as it always did
    _route_only(monkeypatch)
    bad = client.post("/api/v1/assessments", json={"contract": 1, "person": {"age": "x"}})
    assert bad.status_code == 422
    assert "body.person.age" in {p["field"] for p in bad.json()["detail"]}
    with pytest.raises(AssertionError, match="the route was used"):
        client.post("/api/v1/assessments", params={"save": "false"}, json=minimal())
    # FastAPI reads only JSON bodies: the route refuses this one, as before the fast path
    plain = client.post(
        "/api/v1/assessments",
        content=b'{"contract": 1, "person": {"age": 40}}',
        headers={"content-type": "text/plain"},
    )
    assert plain.status_code == 422


def test_fast_path_hands_the_body_on_when_it_fails(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an error in the fast path is not the answer: the route gets the same body and answers
    def failing(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("crampcheck.web.fastpath.assess_json", failing)
    response = client.post("/api/v1/assessments", json=minimal())
    assert response.status_code == 200
    assert Assessment.model_validate(response.json()).triage.level == "self_care"


def test_fast_path_keeps_the_cross_site_check(client: TestClient) -> None:
    response = client.post(
        "/api/v1/assessments", json=minimal(), headers={"origin": "https://evil.example"}
    )
    assert response.status_code == 403
