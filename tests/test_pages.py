"""The server-rendered pages, in-process: the check, the result, the diary, CSRF, i18n, sizes."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from crampcheck.diary.analytics import EpisodeData
from crampcheck.knowledge.models import KnowledgeBase
from crampcheck.web import charts, i18n
from crampcheck.web.app import create_app
from crampcheck.web.because import plain

PAGES = [
    "/",
    "/about",
    "/now",
    "/now/thigh_front",
    "/check",
    "/diary",
    "/diary/day",
    "/knowledge",
    "/knowledge?medicine=lasix",
    "/knowledge/factors",
    "/knowledge/alerts",
    "/knowledge/classes",
    "/knowledge/prevention",
    "/knowledge/safety",
    "/knowledge/references",
]
TEMPLATES = Path(__file__).parent.parent / "src" / "crampcheck" / "web" / "templates"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'diary.sqlite3'}")) as c:
        c.get("/")  # the CSRF cookie
        yield c


@pytest.fixture(params=["sqlite", "postgresql"])
def diary_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a SQLite diary, then over a real PostgreSQL server (tests/pgserver.py)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'diary.sqlite3'}"
    else:
        name = "p_" + request.node.name.split("[")[0].lower().replace("test_", "")[:40]
        url = request.getfixturevalue("pg_server").fresh_database(name)
    with TestClient(create_app(url)) as c:
        c.get("/")
        yield c


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no hidden field {name}"
    return html.unescape(found.group(1))


def token(client: TestClient) -> str:
    return hidden(client.get("/diary").text, "csrf_token")


def question(page: str) -> str:
    found = re.search(r"<legend><h1>(.*?)</h1>", page, re.S)
    assert found, page[:3000]
    return html.unescape(found.group(1))


def run_check(
    client: TestClient, kb: KnowledgeBase, answers: dict[str, dict[str, str]]
) -> tuple[str, list[str]]:
    """Answer the check step by step: ``answers`` by field, "don't know" to the rest."""
    by_text = {q.text: q for q in kb.questions}
    page = client.get("/check").text
    asked = []
    for _ in range(150):
        if 'id="triage-title"' in page:
            return page, asked
        data: dict[str, Any] = {"state": hidden(page, "state"), "csrf_token": token(client)}
        text = question(page)
        q = by_text.get(text)
        asked.append(q.field if q else text)
        if q is not None and q.field in answers:
            data |= answers[q.field]
        elif "blood test results" in text:
            data["answer"] = "no"
        elif "start or last change" in text:
            data["action"] = "answer"
        else:
            data["action"] = "dont_know"
        response = client.post("/check", data=data)
        assert response.status_code == 200, response.text
        page = response.text
    raise AssertionError("the check did not end")


AGE_45_MALE = {
    "person.age": {"text": "45", "action": "answer"},
    "person.sex": {"answer": "male"},
}


def test_every_page_renders_with_headers_and_is_small(client: TestClient) -> None:
    css = len(client.get("/static/style.css").content)
    js = len(client.get("/static/app.js").content)
    assert "immutable" in client.get("/static/style.css").headers["cache-control"]
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
        csp = response.headers["content-security-policy"]
        assert "unsafe-inline" not in csp
        assert "script-src 'self'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        body = response.text
        assert body.startswith("<!doctype html>")
        assert '<html lang="en">' in body
        assert 'href="/now"' in body, f"{path}: no one-tap link to Cramp now"
        assert "style=" not in body
        assert "<style" not in body
        assert "onclick" not in body
        assert not re.search(r'(src|href)="(https?:)?//', body.replace('rel="noopener', "")) or (
            path == "/knowledge/references"  # links out to sources, loads nothing
        )
        assert len(response.content) + css + js <= 100_000, path


def test_advice_on_the_start_and_cramp_now_pages_cites_its_evidence(client: TestClient) -> None:
    home = client.get("/").text
    box = home[home.index('class="urgent-box"') : home.index("</section>")]
    assert box.count('class="refs"') == 3  # one per warning sign
    now = client.get("/now").text
    assert now.count('class="refs"') == 2  # when not to stretch, and the stretches
    assert "#R50" in now  # the clot (DVT) evidence behind "do not stretch a swollen calf"


def test_pages_answer_head(client: TestClient) -> None:
    for path in ("/", "/now", "/diary", "/knowledge/factors"):
        assert client.head(path).status_code == 200, path


def test_every_knowledge_record_has_a_page(client: TestClient, kb: KnowledgeBase) -> None:
    for kind, ids in (
        ("factors", [f.id for f in kb.factors]),
        ("alerts", [a.id for a in kb.alerts]),
        ("classes", [c.id for c in kb.medicines.classes]),
        ("prevention", [p.id for p in kb.advice.prevention]),
        ("safety", [n.id for n in kb.advice.safety_notes]),
    ):
        for record in ids:
            response = client.get(f"/knowledge/{kind}/{record}")
            assert response.status_code == 200, (kind, record)
            assert "/knowledge/references#R" in response.text or "#EO-" in response.text
            assert len(response.content) <= 60_000


def test_unknown_pages_get_a_page_not_json(client: TestClient) -> None:
    for path in ("/nope", "/now/elbow", "/knowledge/bogus", "/knowledge/factors/bogus"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert "Not found" in response.text
    assert client.get("/api/v1/nope").headers["content-type"] == "application/json"


def test_check_ends_in_an_urgent_clot_alert(client: TestClient, kb: KnowledgeBase) -> None:
    page, asked = run_check(
        client,
        kb,
        AGE_45_MALE
        | {
            "findings.calf_swelling": {"answer": "one_leg"},
            "findings.tender_calf_between_cramps": {"answer": "yes"},
        },
    )
    assert asked[:3] == ["person.age", "person.sex", "findings.cold_pale_or_blue_leg"]
    danger = [i for i, f in enumerate(asked) if f.startswith("findings.")]
    assert danger[0] == 2  # the warning signs come straight after age and sex
    assert "person.pregnant_weeks" not in asked  # cannot apply to a man
    main = page[page.index('<main id="main">') :]
    assert main.index('class="triage triage-urgent"') < main.index('id="alerts-title"')
    assert "Possible blood clot" in page
    assert "You answered “one leg” to: Is either of your calves swollen?" in page
    relief = page[page.index('id="relief-title"') : page.index('id="plan-title"')]
    assert "Not now." in relief
    assert 'href="/now"' not in relief
    assert "stretch" not in re.sub(r"do not stretch", "", relief.lower())


def test_check_ends_in_self_care(diary_client: TestClient, kb: KnowledgeBase) -> None:
    answers = {
        "person.age": {"text": "30", "action": "answer"},
        "person.sex": {"answer": "female"},
        "medications": {"action": "none"},
    }
    page, _ = run_check(diary_client, kb, answers)
    assert 'class="triage triage-self_care"' in page
    assert 'id="calcium-title"' in page
    assert 'id="plan-title"' in page
    assert 'href="/now"' in page[page.index('id="relief-title"') :]
    # the result can be kept in the diary
    saved = diary_client.post(
        "/check/save",
        data={"answers": hidden(page, "answers"), "csrf_token": token(diary_client)},
        follow_redirects=False,
    )
    assert saved.status_code == 303
    shown = diary_client.get(saved.headers["location"])
    assert 'class="triage triage-self_care"' in shown.text
    assert "Saved on" in shown.text
    assert "Saved results" in diary_client.get("/diary").text


def test_medicines_ask_when_they_started(client: TestClient, kb: KnowledgeBase) -> None:
    answers = AGE_45_MALE | {"medications": {"text": "furosemide 40mg, paracetamol"}}
    by_text = {q.text: q for q in kb.questions}
    page = client.get("/check").text
    for _ in range(120):
        text = question(page)
        data: dict[str, Any] = {"state": hidden(page, "state"), "csrf_token": token(client)}
        if "start or last change" in text:
            assert "furosemide 40mg" in page
            assert "paracetamol" not in page.split("<legend>")[1]
            data |= {"weeks_0": "3", "action": "answer"}
            page = client.post("/check", data=data).text
            state = json.loads(hidden(page, "state"))
            assert {"f": "@medicine_dates", "v": [[0, 3]]} in state["history"]
            return
        q = by_text.get(text)
        data |= answers.get(q.field if q else "", {"action": "dont_know"})
        if "blood test" in text:
            data = {**data, "answer": "no"}
        page = client.post("/check", data=data).text
    raise AssertionError("never asked when the medicine was started")


def test_bad_answers_are_named_and_nothing_advances(client: TestClient) -> None:
    page = client.get("/check").text
    csrf = token(client)
    for data, message in (
        ({"text": "abc", "action": "answer"}, "type a whole number"),
        ({"text": "500", "action": "answer"}, "from 1 to 120"),
        ({"text": "", "action": "answer"}, "type your age in years"),
        ({"action": "dont_know"}, "your age is needed"),
    ):
        response = client.post(
            "/check", data={"state": hidden(page, "state"), "csrf_token": csrf, **data}
        )
        assert response.status_code == 422
        assert message in html.unescape(response.text)
        assert question(response.text) == "How old are you?"


def test_back_goes_to_the_previous_question(client: TestClient) -> None:
    csrf = token(client)
    page = client.get("/check").text
    page = client.post(
        "/check",
        data={"state": hidden(page, "state"), "csrf_token": csrf, "text": "50", "action": "answer"},
    ).text
    assert question(page) == "What is your sex?"
    page = client.post(
        "/check", data={"state": hidden(page, "state"), "csrf_token": csrf, "action": "back"}
    ).text
    assert question(page) == "How old are you?"
    assert json.loads(hidden(page, "state"))["history"] == []


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("{broken", "not valid JSON"),
        ('{"v": 2, "history": []}', "not a crampcheck check"),
        ('{"v": 1, "history": [{"f": "person.shoe_size", "v": 3}]}', "unknown question"),
        ('{"v": 1, "history": [{"f": "person.age", "v": "old"}]}', "person.age"),
        ('{"v": 1, "history": [{"f": "person.age", "v": 40}, {"f": "person.age"}]}', "twice"),
        ('{"v": 1, "history": [{"f": "@labs", "v": 1}]}', "true or false"),
    ],
)
def test_a_tampered_check_gets_a_message(client: TestClient, state: str, message: str) -> None:
    response = client.post("/check", data={"state": state, "csrf_token": token(client)})
    assert response.status_code == 422
    assert message in html.unescape(response.text)
    assert "Traceback" not in response.text


def test_forms_need_the_csrf_token(client: TestClient) -> None:
    before = client.get("/api/v1/diary/episodes").json()
    for path in ("/check", "/check/save", "/diary/log", "/diary/day", "/diary/medicines"):
        for data in ({}, {"csrf_token": "x" * 43}):
            response = client.post(path, data=data)
            assert response.status_code == 403, path
            assert "security token" in response.text
    assert client.get("/api/v1/diary/episodes").json() == before == []


def test_cross_site_posts_are_refused(client: TestClient) -> None:
    csrf = token(client)
    evil = {"origin": "https://evil.example"}
    assert client.post("/diary/log", data={"csrf_token": csrf}, headers=evil).status_code == 403
    assert client.post("/api/v1/diary/episodes", json={}, headers=evil).status_code == 403
    hidden_origin = {"origin": "null"}
    assert (
        client.post("/diary/log", data={"csrf_token": csrf}, headers=hidden_origin).status_code
        == 403
    )
    vouched = {"origin": "null", "sec-fetch-site": "same-origin"}
    ok = client.post(
        "/diary/log", data={"csrf_token": csrf}, headers=vouched, follow_redirects=False
    )
    assert ok.status_code == 303
    same = {"origin": "http://testserver"}
    ok = client.post("/diary/log", data={"csrf_token": csrf}, headers=same, follow_redirects=False)
    assert ok.status_code == 303


def test_csrf_cookie_is_strict_and_http_only(tmp_path: Path) -> None:
    with TestClient(create_app(f"sqlite:///{tmp_path / 'd.sqlite3'}")) as c:
        cookie = c.get("/").headers["set-cookie"]
        assert "HttpOnly" in cookie
        assert "SameSite=Strict" in cookie
        assert "set-cookie" not in c.get("/").headers  # kept, not renewed
        assert "set-cookie" not in c.get("/api/v1/knowledge").headers


def test_one_tap_log_then_edit_and_delete(diary_client: TestClient) -> None:
    csrf = token(diary_client)
    response = diary_client.post(
        "/diary/log", data={"csrf_token": csrf, "tz": "60"}, follow_redirects=False
    )
    assert response.status_code == 303
    [episode] = diary_client.get("/api/v1/diary/episodes").json()
    assert episode["site"] == "calf"
    assert episode["started_at"].endswith("+01:00")
    page = diary_client.get(response.headers["location"]).text
    assert "Cramp logged" in page
    assert f"/diary/episodes/{episode['id']}" in page
    assert "Week of" in page
    assert "<rect" in page
    edit = diary_client.post(
        f"/diary/episodes/{episode['id']}",
        data={"csrf_token": csrf, "action": "save", "severity": "7", "site": "foot"},
        follow_redirects=False,
    )
    assert edit.status_code == 303
    changed = diary_client.get(f"/api/v1/diary/episodes/{episode['id']}").json()
    assert changed["severity"] == 7
    assert changed["site"] == "foot"
    assert changed["started_at"] == episode["started_at"]
    assert "<circle" in diary_client.get("/diary").text  # severity now charted
    diary_client.post(
        f"/diary/episodes/{episode['id']}", data={"csrf_token": csrf, "action": "delete"}
    )
    assert diary_client.get("/api/v1/diary/episodes").json() == []


def test_bad_diary_input_is_named_and_nothing_written(diary_client: TestClient) -> None:
    csrf = token(diary_client)
    for data, message in (
        ({"severity": "11"}, "severity"),
        ({"severity": "bad"}, "severity"),
        ({"minutes": "-1"}, "minutes"),
        ({"site": "elbow"}, "site"),
        ({"when": "yesterday"}, "When"),
        ({"when": "2400-01-01T03:00"}, "started_at"),
    ):
        response = diary_client.post("/diary/log", data={"csrf_token": csrf, **data})
        assert response.status_code == 422, data
        assert message in html.unescape(response.text), data
    assert diary_client.get("/api/v1/diary/episodes").json() == []


def test_day_context_and_medicines(diary_client: TestClient) -> None:
    csrf = token(diary_client)
    saved = diary_client.post(
        "/diary/day",
        data={
            "csrf_token": csrf,
            "day": "2026-11-20",
            "hard_exercise": "yes",
            "alcohol_units": "3",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    [day] = diary_client.get("/api/v1/diary/context").json()
    assert day["hard_exercise"] is True
    assert day["alcohol_units"] == 3
    page = diary_client.get("/diary/day?day=2026-11-20").text
    assert 'id="hard_exercise-yes" name="hard_exercise" value="yes" checked' in page
    bad = diary_client.post("/diary/day", data={"csrf_token": csrf, "day": "someday"})
    assert bad.status_code == 422
    assert "day" in bad.text
    assert diary_client.get("/diary/day?day=someday").status_code == 422
    added = diary_client.post(
        "/diary/medicines",
        data={"csrf_token": csrf, "name": "Lasix 40mg", "started_on": "2026-10-01"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    assert "Lasix 40mg (furosemide)" in diary_client.get("/diary").text
    missing = diary_client.post("/diary/medicines", data={"csrf_token": csrf, "name": ""})
    assert missing.status_code == 422


def test_medicine_lookup(client: TestClient) -> None:
    page = client.get("/knowledge?medicine=Lasix").text
    assert "furosemide" in page
    assert "/knowledge/classes/loop_diuretic" in page
    assert "prescribed medicine on your own" in page
    # quinine: the policy's one exception to "never stop", shown wherever quinine is looked up
    for path in ("/knowledge?medicine=quinine", "/knowledge/classes/quinine"):
        assert "Stop taking quinine and get urgent medical help now" in client.get(path).text


def test_plain_reasons() -> None:
    assert plain("findings.fever=true") == (
        "You answered “yes” to: Do you have a fever (a temperature of 38 °C or more), or feel "
        "hot and shivery?"
    )
    assert plain("medications[0] HCTZ 25 mg -> hydrochlorothiazide (thiazide_diuretic)").startswith(
        "HCTZ 25 mg is hydrochlorothiazide: "
    )
    assert plain("nothing points to a calcium problem") == "nothing points to a calcium problem"


def test_weekly_chart_numbers() -> None:
    today = date(2026, 11, 25)  # a Wednesday
    at = datetime(2026, 11, 24, 23, 0, tzinfo=UTC)
    episodes = [
        EpisodeData(at, "calf", None, None, 4, None),
        EpisodeData(at - timedelta(weeks=1), "calf", None, None, 8, None),
        EpisodeData(at - timedelta(weeks=1, hours=1), "calf", None, None, None, None),
        EpisodeData(at - timedelta(weeks=30), "calf", None, None, 9, None),  # outside the window
    ]
    weeks = charts.weekly(episodes, today, weeks=4)
    assert [w.monday for w in weeks][-1] == date(2026, 11, 23)
    assert [w.count for w in weeks] == [0, 0, 2, 1]
    assert [w.mean_severity for w in weeks] == [None, None, 8.0, 4.0]
    bars = charts.frequency_chart(weeks).bars
    assert bars[2].height == pytest.approx(2 * bars[3].height)
    assert bars[0].height == 0
    line = charts.severity_chart(weeks)
    assert len(line.points) == 2
    assert line.points[0][1] < line.points[1][1]


def test_templates_have_no_untranslated_text() -> None:
    """Every visible string in a template goes through gettext (``_``/``ngettext``/``t``)."""
    from html.parser import HTMLParser

    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"])
    visible_attrs = {"title", "alt", "aria-label", "placeholder", "value", "content"}

    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.found: list[str] = []

        def handle_data(self, data: str) -> None:
            if re.search(r"[A-Za-z]{2,}", data):
                self.found.append(data.strip())

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            for name, value in attrs:
                wordy = bool(value and re.search(r"[A-Za-z]{3,}", value))
                token = name == "value" and re.fullmatch(r"[a-z_]+", value or "")
                meta = name == "content" and tag == "meta"
                if name in visible_attrs and wordy and not token and not meta:
                    self.found.append(f"{name}={value}")

    allowed = {"crampcheck"}  # the product's name
    for path in sorted(TEMPLATES.glob("*.html")):
        literal = "".join(
            "\x00" if kind != "data" else value
            for _, kind, value in env.lex(path.read_text(encoding="utf-8"))
        )
        parser = Text()
        parser.feed(literal.replace("\x00", " "))
        leftovers = [s for s in parser.found if re.sub(r"[^A-Za-z ]", "", s).strip() not in allowed]
        assert leftovers == [], f"{path.name}: text outside gettext: {leftovers}"


def test_message_catalogues_are_current() -> None:
    import subprocess
    import sys

    root = Path(__file__).parent.parent
    result = subprocess.run(
        [sys.executable, str(root / "scripts" / "extract_messages.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_catalogue_translates_the_pages(
    client: TestClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A translation is a catalogue: compile one and the pages speak it, no code change."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo

    for domain, pairs in (
        ("messages", {"Cramp now": "Krampf jetzt", "Start the check": "Prüfung starten"}),
        ("knowledge", {"How old are you?": "Wie alt sind Sie?"}),
    ):
        catalog = Catalog(locale="de")
        for source, target in pairs.items():
            catalog.add(source, target)
        folder = tmp_path / "de" / "LC_MESSAGES"
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / f"{domain}.mo").open("wb") as out:
            write_mo(out, catalog)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.available_locales.cache_clear()
    i18n.translations.cache_clear()
    try:
        german = {"accept-language": "de-DE,de;q=0.9,en;q=0.5"}
        home = client.get("/", headers=german).text
        assert '<html lang="de">' in home
        assert "Krampf jetzt" in home
        assert "Prüfung starten" in home
        assert "Wie alt sind Sie?" in client.get("/check", headers=german).text
        english = client.get("/", headers={"accept-language": "fr, en;q=0.8"}).text
        assert "Cramp now" in english
        assert '<html lang="en">' in english
    finally:
        i18n.available_locales.cache_clear()
        i18n.translations.cache_clear()


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "en"),
        ("de-DE,de;q=0.9", "de"),
        ("fr;q=0.2, de;q=0.8", "de"),
        ("zh-CN,zh;q=0.9", "zh_Hans"),
        ("zh-TW", "zh_Hant"),
        ("xx, *", "en"),
        ("de;q=abc", "en"),
    ],
)
def test_locale_negotiation(header: str | None, expected: str) -> None:
    locales = frozenset({"en", "de", "zh_Hans", "zh_Hant"})
    assert i18n.negotiate(header, locales) == expected
