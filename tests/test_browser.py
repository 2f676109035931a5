"""The web pages in a real browser (Debian's Chromium), each test at phone and desktop sizes.

* The check, driven one step at a time as a person would, ending in an urgent DVT alert and in
  self-care; the result page's layout (the triage banner first, above the warning signs).
* The diary: log a cramp with details, see it in the chart and the table, edit and delete it.
* "Cramp now": one tap from every page, the hold timer, and the page without JavaScript.
* Every page: no serious or critical axe-core violations (also in dark mode), at most 100 KB.

The fixtures are in ``tests/browser.py``. The live server is shared by the whole session, so
the diary tests count relative to what was there before and delete what they add.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import DESKTOP, PHONE, axe_serious, open_page

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Response

    from crampcheck.knowledge.models import KnowledgeBase

CHECK_STEP_LIMIT = 120  # the check has about 80 questions; more steps than this is a loop
PAGE_BYTES_LIMIT = 100_000  # document + CSS + JS of one page
PHONE_WIDTH = 600  # narrower viewports are phones: tap instead of click

LABS_GATE = "Do you have recent blood test results to enter?"
MEDICINE_DATES = "When did you start or last change these medicines?"
DONT_KNOW = "Don't know"

# Question texts (src/crampcheck/knowledge/data/questions.yaml).
AGE = "How old are you?"
SEX = "What is your sex?"
CALF_SWELLING = "Is either of your calves swollen?"
TENDER_CALF = "Between cramps, does your calf stay sore to the touch for days?"
MEDICINES = "Which medicines do you take? Separate them with commas, with the dose if you know it."
CONDITIONS = "Has a doctor told you that you have any of these conditions? Choose all that apply."

# An answer: a number (typed into the number box, then "Next") or the label of a button.
Answers = Mapping[str, "int | str"]

DVT_ANSWERS: Answers = {
    AGE: 45,
    SEX: "Male",
    CALF_SWELLING: "One leg",
    TENDER_CALF: "Yes",
}
DVT_ALERT = "Possible blood clot in the leg (DVT)"


def self_care_answers(kb: KnowledgeBase) -> dict[str, int | str]:
    """A 30-year-old woman who answers "No" to every yes/no question (every warning sign among
    them), has no calf swelling, takes no medicines and has none of the conditions."""
    answers: dict[str, int | str] = {q.text: "No" for q in kb.questions if q.kind == "bool"}
    answers.update(
        {
            AGE: 30,
            SEX: "Female",
            CALF_SWELLING: "None",
            MEDICINES: "I take no medicines",
            CONDITIONS: "None of these",
        }
    )
    return answers


# ---------------------------------------------------------------------------- helpers


def is_phone(page: Page) -> bool:
    return (page.viewport_size or {"width": 1280})["width"] < PHONE_WIDTH


def press(page: Page, target: Locator) -> None:
    """Tap (on a phone) or click the target, and wait for the page it leads to."""
    with page.expect_navigation(wait_until="domcontentloaded"):
        if is_phone(page):
            target.tap(no_wait_after=True)
        else:
            target.click(no_wait_after=True)
    page.wait_for_load_state("load")


def size_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The context options (phone or desktop) the ``page`` fixture was made with."""
    return dict(request.node.callspec.params["page"])


@dataclass(frozen=True)
class Submission:
    """One form post of the check: the state it was sent with and the button pressed."""

    state: str
    name: str
    value: str
    text: str | None = None


@dataclass
class CheckRun:
    questions: list[str] = field(default_factory=list)
    last: Submission | None = None  # the post that brought up the result


_STEP = """() => {
  const form = document.querySelector("main form.step");
  const error = document.querySelector("main .error");
  return {
    done: document.querySelector("main section.triage") !== null,
    question: form && form.querySelector("legend h1").textContent.replace(/\\s+/g, " ").trim(),
    state: form ? form.elements.state.value : null,
    error: error ? error.textContent.trim() : null,
    buttons: form ? [...form.querySelectorAll("button")].map((b) => [
      b.textContent.replace(/\\s+/g, " ").trim(), b.name, b.value,
    ]) : [],
  };
}"""


def run_check(page: Page, answers: Answers) -> CheckRun:
    """Start the check and answer each step until the result: known questions from
    ``answers``, "No" on the blood-test gate, "Next" on the medicine dates, else "Don't know"."""
    page.goto("/check")
    run = CheckRun()
    for _ in range(CHECK_STEP_LIMIT):
        step = page.evaluate(_STEP)
        if step["done"]:
            return run
        question = step["question"]
        assert question, (
            f"neither a question nor the result at {page.url}: "
            f"{page.locator('body').inner_text()[:300]!r}"
        )
        assert step["error"] is None, (
            f"the check refused the answer to {run.questions[-1]!r}: {step['error']}"
        )
        run.questions.append(question)
        form = page.locator("main form.step")
        answer = answers.get(question)
        text = None
        if question == LABS_GATE:
            label = "No"
        elif question == MEDICINE_DATES:
            label = "Next"
        elif isinstance(answer, int):
            text = str(answer)
            form.locator("input[name=text]").fill(text)
            label = "Next"
        else:
            label = answer or DONT_KNOW
        # (one round trip per step for the page's buttons: the check has some 55 steps)
        labels = [b[0] for b in step["buttons"]]
        assert labels.count(label) == 1, f"no button {label!r} for {question!r}: {labels}"
        index = labels.index(label)
        _, name, value = step["buttons"][index]
        run.last = Submission(step["state"], name, value, text)
        press(page, form.locator("button").nth(index))
    raise AssertionError(f"no result after {CHECK_STEP_LIMIT} steps: {run.questions[-5:]}")


_REPLAY = """([state, name, value, text]) => {
  const form = document.querySelector("main form.step");
  form.elements.state.value = state;
  form.querySelectorAll("[name=text]").forEach((e) => e.remove());
  const add = (n, v) => {
    const input = document.createElement("input");
    input.type = "hidden"; input.name = n; input.value = v;
    form.append(input);
  };
  add(name, value);
  if (text !== null) { add("text", text); }
  form.submit();
}"""

# The last post of each finished check, so other tests can bring up the same result page
# without answering the 50-odd questions again. Filled by the check tests (or on demand).
FINISHED: dict[str, Submission] = {}


def open_result(page: Page, kind: str, kb: KnowledgeBase) -> None:
    """Bring up the result page of the urgent (DVT) or self-care check in this page.

    The check's whole state travels in its form, so the last post is sent again from a fresh
    /check page (with this page's own CSRF token): the browser renders the result from a real
    form post, exactly as at the end of the check.
    """
    if kind not in FINISHED:
        run = run_check(page, DVT_ANSWERS if kind == "urgent" else self_care_answers(kb))
        assert run.last is not None
        FINISHED[kind] = run.last
        return
    last = FINISHED[kind]
    page.goto("/check")
    with page.expect_navigation():
        page.evaluate(_REPLAY, [last.state, last.name, last.value, last.text])
    assert page.locator(f"main section.triage.triage-{kind}").count() == 1, (
        f"the replayed check did not end in {kind}: {page.url}"
    )


def triage_level(page: Page) -> str:
    classes = (page.locator("main section.triage").get_attribute("class") or "").split()
    levels = [c.removeprefix("triage-") for c in classes if c.startswith("triage-")]
    assert len(levels) == 1, f"section.triage has classes {classes}"
    return levels[0]


def first_in_main(page: Page) -> str:
    return str(page.evaluate("() => document.querySelector('main').firstElementChild.outerHTML"))


# ---------------------------------------------------------------------------- 1, 2: the check


def test_check_ends_in_urgent_dvt_alert(page: Page, kb: KnowledgeBase) -> None:
    run = run_check(page, DVT_ANSWERS)
    assert run.last is not None
    FINISHED.setdefault("urgent", run.last)
    assert CALF_SWELLING in run.questions  # (TENDER_CALF may be skipped: it cannot matter now)

    assert triage_level(page) == "urgent"
    assert page.locator("main p.triage-level").text_content() == "Urgent: today"
    assert page.locator("#triage-title").text_content()
    titles = page.locator("main article.alert h3").all_text_contents()
    assert any(DVT_ALERT in t for t in titles), titles
    dvt = page.locator("main article.alert", has_text=DVT_ALERT)
    assert "alert-urgent" in (dvt.get_attribute("class") or "")

    # The triage banner comes first: first in main, on screen without scrolling, above alerts.
    assert first_in_main(page).startswith('<section class="triage'), first_in_main(page)[:200]
    banner = page.locator("main section.triage")
    banner_box = banner.bounding_box()
    alert_box = page.locator("main article.alert").first.bounding_box()
    assert banner_box is not None
    assert alert_box is not None
    assert banner_box["y"] + banner_box["height"] <= alert_box["y"], (banner_box, alert_box)
    viewport = page.viewport_size
    assert viewport is not None
    assert banner_box["y"] < viewport["height"], "the triage banner is below the first screen"

    # No stretching with a possible clot: the relief section says "Not now." and does not send
    # the person to the step-by-step stretching guide.
    relief = page.locator("main section[aria-labelledby=relief-title]")
    assert relief.locator("p.withheld").text_content() == "Not now."
    assert relief.locator("a[href^='/now']").count() == 0
    assert "Open the step-by-step cramp guide" not in (relief.text_content() or "")
    advice = [li.lower() for li in relief.locator("li").all_text_contents()]
    assert any("do not stretch" in li for li in advice), advice
    assert all("do not stretch" in li for li in advice if "stretch" in li), advice

    # The result can be kept: "Save to my diary" leads to the saved result, still urgent.
    press(page, page.get_by_role("button", name="Save to my diary", exact=True))
    assert re.search(r"/diary/assessments/\d+$", page.url), page.url
    assert triage_level(page) == "urgent"
    assert page.locator("main p.saved").count() == 1


def test_check_ends_in_self_care(page: Page, kb: KnowledgeBase) -> None:
    answers = self_care_answers(kb)
    run = run_check(page, answers)
    assert run.last is not None
    FINISHED.setdefault("self_care", run.last)
    danger = [q.text for q in kb.questions if q.group == "danger" and q.kind == "bool"]
    answered_no = [q for q in run.questions if q in danger]
    assert len(answered_no) >= 8, f"few warning signs were asked: {answered_no}"

    assert triage_level(page) == "self_care"
    assert page.locator("main p.triage-level").text_content() == "Self-care"
    assert first_in_main(page).startswith('<section class="triage'), first_in_main(page)[:200]
    assert page.locator("main article.alert").count() == 0

    calcium = page.locator("main section.calcium")
    assert calcium.locator("h2").text_content() == "Should you take calcium?"
    assert (calcium.locator("p.verdict").text_content() or "").strip()
    assert calcium.is_visible()
    plan = page.locator("main section[aria-labelledby=plan-title]")
    assert plan.locator("h2").text_content() == "Your prevention plan"
    assert plan.locator("ul.plan > li").count() >= 1
    assert plan.is_visible()
    # Nothing dangerous: the relief steps and the cramp guide are offered.
    relief = page.locator("main section[aria-labelledby=relief-title]")
    assert relief.locator("p.withheld").count() == 0
    assert relief.locator("a[href='/now']").count() == 1


# ---------------------------------------------------------------------------- 3: the diary


_WEEK = re.compile(r"^Week of (\d{4}-\d{2}-\d{2}): (\d+) cramps?$")


def chart_weeks(page: Page) -> dict[str, int]:
    """The frequency chart's bars: week (Monday) -> cramps, from each bar's <title>."""
    if page.locator("main svg.chart").count() == 0:
        return {}
    weeks = {}
    for title in page.locator("main svg.chart").first.locator("rect > title").all_text_contents():
        match = _WEEK.match(title.strip())
        assert match, f"unexpected bar title {title!r}"
        weeks[match[1]] = int(match[2])
    return weeks


def episode_row(page: Page, episode_id: str) -> Locator:
    return page.locator(f"main table.episodes tbody tr:has(a[href='/diary/episodes/{episode_id}'])")


def log_cramp(page: Page, severity: int, minutes: float) -> str:
    """Log a cramp with details through the diary form; return its id."""
    page.goto("/diary")
    summary = page.locator("main form.log-form details > summary")
    assert summary.text_content() == "Add details (where, how bad, when)"
    summary.click()
    page.locator("#site").select_option("calf")
    page.locator("#side").select_option("left")
    page.locator("#severity").fill(str(severity))
    page.locator("#minutes").fill(f"{minutes:g}")
    press(page, page.get_by_role("button", name="Log this cramp", exact=True))
    parts = urlsplit(page.url)
    assert (parts.path, parts.fragment) == ("/diary", "recent"), (
        f"{page.url}: {page.locator('body').inner_text()[:300]!r}"
    )
    return parse_qs(parts.query)["logged"][0]


def test_diary_log_chart_edit_delete(page: Page) -> None:
    page.goto("/diary")
    before = chart_weeks(page)

    episode_id = log_cramp(page, severity=7, minutes=2)
    status = page.get_by_role("status")
    assert (status.text_content() or "").startswith("Cramp logged")
    row = episode_row(page, episode_id)
    assert row.count() == 1
    cells = row.locator("td").all_text_contents()
    assert cells[1:4] == ["Calf (left)", "7", "2"], cells

    # The frequency chart: one more cramp in one week, and that bar says so.
    after = chart_weeks(page)
    grown = [w for w, n in after.items() if n == before.get(w, 0) + 1]
    assert len(grown) == 1, (before, after)
    assert sum(after.values()) == sum(before.values()) + 1, (before, after)
    week = grown[0]
    assert after[week] >= 1
    bar = page.locator("main svg.chart").first.locator("rect", has_text=f"Week of {week}:")
    assert bar.count() == 1
    box = bar.bounding_box()
    assert box is not None
    assert box["height"] > 0
    # The severity chart has a point for that week.
    points = page.locator("main svg.chart").nth(1).locator("circle > title").all_text_contents()
    assert any(p.startswith(f"Week of {week}: average severity") for p in points), points

    # The same numbers as a table (behind a <details>).
    page.locator("main #charts details > summary").click()
    table = page.locator("main #charts table.numbers")
    assert table.is_visible()
    week_row = table.locator("tbody tr", has=page.locator(f"td:text-is('{week}')"))
    assert week_row.locator("td").nth(1).text_content() == str(after[week])

    # Edit it through the UI.
    press(page, row.get_by_role("link", name=re.compile(r"^Edit")))
    assert urlsplit(page.url).path == f"/diary/episodes/{episode_id}"
    assert page.locator("main h1").text_content() == "Edit a cramp"
    assert page.locator("#severity").input_value() == "7"
    page.locator("#severity").fill("4")
    press(page, page.get_by_role("button", name="Save changes", exact=True))
    assert urlsplit(page.url).path == "/diary", page.url
    assert episode_row(page, episode_id).locator("td").nth(2).text_content() == "4"

    # Delete it through the UI: the diary is as it was.
    press(page, episode_row(page, episode_id).get_by_role("link", name=re.compile(r"^Edit")))
    press(page, page.get_by_role("button", name="Delete this cramp", exact=True))
    assert urlsplit(page.url).path == "/diary", page.url
    assert episode_row(page, episode_id).count() == 0
    assert chart_weeks(page) == before


# ---------------------------------------------------------------------------- 4: cramp now


def test_cramp_now_one_tap_from_every_page(page: Page) -> None:
    from playwright.sync_api import expect

    for start in ("/", "/check", "/diary", "/knowledge", "/about"):
        page.goto(start)
        button = page.locator("header a.now-button")
        expect(button).to_have_count(1)
        expect(button).to_have_text("Cramp now")
        expect(button).to_be_in_viewport()  # no scrolling or menu needed
        press(page, button)
        assert urlsplit(page.url).path == "/now", f"from {start}: {page.url}"
        expect(page.locator("main h1")).to_have_text("Cramp now")
        steps = page.locator("main ol.steps > li")
        assert steps.count() >= 2, f"from {start}: {steps.count()} steps"
        expect(steps.first).to_be_visible()


def test_cramp_now_timer_counts(page: Page) -> None:
    from playwright.sync_api import expect

    page.goto("/now")
    start = page.get_by_role("button", name="Start the hold timer", exact=True)
    expect(start).to_be_visible()
    shown = page.locator("main section.timer .timer-js")
    expect(shown).to_have_text("0")
    expect(page.locator("main section.timer .timer-css")).to_be_hidden()
    if is_phone(page):
        start.tap()
    else:
        start.click()
    expect(page.get_by_role("button", name="Stop", exact=True)).to_be_visible()
    page.wait_for_timeout(1200)
    seconds = int((shown.text_content() or "").strip())
    assert seconds >= 1, f"the timer shows {seconds} after 1.2 s"


def test_cramp_now_and_check_without_javascript(
    page: Page, browser: Browser, live_server: str, request: pytest.FixtureRequest
) -> None:
    from playwright.sync_api import expect

    options = {**size_options(request), "java_script_enabled": False}
    with open_page(browser, live_server, **options) as (nojs, problems):
        nojs.goto("/now")
        assert "js" not in (nojs.locator("html").get_attribute("class") or "")
        steps = nojs.locator("main ol.steps > li")
        assert steps.count() >= 2
        expect(steps.first).to_be_visible()
        expect(nojs.get_by_role("button", name="Start the hold timer")).to_have_count(0)
        # The CSS-only timer counts up from when the page opened.
        expect(nojs.locator("main section.timer .timer-css")).to_be_visible()
        expect(nojs.get_by_role("link", name="Start the timer again")).to_be_visible()
        nojs.wait_for_timeout(1200)
        held = nojs.locator("main section.timer .timer-css").evaluate(
            "(e) => getComputedStyle(e).getPropertyValue('--held')"
        )
        assert int(held) >= 1, f"the CSS timer shows {held!r} after 1.2 s"
        # The site links work without JavaScript.
        press(nojs, nojs.locator("main nav.sites a[href='/now/thigh_front']"))
        assert urlsplit(nojs.url).path == "/now/thigh_front"
        assert nojs.locator("main ol.steps > li").count() >= 1

        # The check starts and takes an answer.
        press(nojs, nojs.locator("main a[href='/check']").first)
        expect(nojs.locator("main form.step legend h1")).to_have_text(AGE)
        nojs.locator("main form.step input[name=text]").fill("45")
        press(nojs, nojs.get_by_role("button", name="Next", exact=True))
        expect(nojs.locator("main form.step legend h1")).to_have_text(SEX)
        expect(nojs.locator("main .error")).to_have_count(0)
        press(nojs, nojs.get_by_role("button", name="Male", exact=True))
        expect(nojs.locator("main form.step legend h1")).not_to_have_text(SEX)
    assert problems.lines() == []


# ---------------------------------------------------------------------------- 5, 6: every page


def knowledge_pages(page: Page) -> list[str]:
    """The knowledge list pages (from /knowledge) and the first record of each kind."""
    page.goto("/knowledge")
    lists = page.locator("main a.card").evaluate_all("(links) => links.map((a) => a.pathname)")
    assert len(lists) == 6, lists
    urls = []
    for url in lists:
        urls.append(url)
        page.goto(url)
        records = page.locator("main ul.records a")
        if records.count():
            href = records.first.get_attribute("href")
            assert (href or "").startswith(url + "/"), href
            urls.append(str(href))
    assert sum(u.count("/") == 3 for u in urls) == 5, urls  # a record of each kind but references
    return urls


@contextlib.contextmanager
def every_page(page: Page, kb: KnowledgeBase) -> Iterator[Iterator[str]]:
    """Visit every page (but the 404) in turn: yields an iterator of names, each produced with
    that page loaded. The diary gets a cramp first (so the charts render), deleted at the end."""
    episode: list[str] = []

    def visit() -> Iterator[str]:
        for url in ("/", "/now", "/now/thigh_front", "/check"):
            page.goto(url)
            yield url
        # A step in the middle of the check (a POST): the third question.
        page.locator("main form.step input[name=text]").fill("45")
        press(page, page.get_by_role("button", name="Next", exact=True))
        press(page, page.get_by_role("button", name="Male", exact=True))
        yield "a check step (third question)"
        for kind in ("urgent", "self_care"):
            open_result(page, kind, kb)
            yield f"the {kind} result"
        episode.append(log_cramp(page, severity=6, minutes=1.5))
        assert page.locator("main svg.chart").count() == 2
        yield "/diary (with a cramp)"
        for url in (
            f"/diary/episodes/{episode[0]}",
            "/diary/day",
            "/knowledge",
            "/knowledge?medicine=lasix",
        ):
            page.goto(url)
            yield url
        for url in knowledge_pages(page):
            page.goto(url)
            yield url
        page.goto("/about")
        yield "/about"

    try:
        yield visit()
    finally:
        if episode:
            page.goto(f"/diary/episodes/{episode[0]}")
            press(page, page.get_by_role("button", name="Delete this cramp", exact=True))


@contextlib.contextmanager
def not_found_page(
    browser: Browser, live_server: str, options: dict[str, Any]
) -> Iterator[tuple[Page, list[Response]]]:
    """The 404 page, in its own context: Chromium reports a 404 document as a console error
    ("Failed to load resource"), which the ``page`` fixture would fail on. Anything else the
    page does wrong still fails the test."""
    with open_page(browser, live_server, **options) as (lost, problems):
        responses: list[Response] = []
        lost.on("response", lambda response: responses.append(response))
        response = lost.goto("/no-such-page")
        assert response is not None
        assert response.status == 404
        assert lost.locator("main h1").text_content() == "Not found"
        yield lost, responses
    expected = "console error: Failed to load resource: the server responded with a status of 404"
    unexpected = [p for p in problems.lines() if not p.startswith(expected)]
    assert unexpected == []


def test_every_page_has_no_serious_axe_violations(
    page: Page,
    browser: Browser,
    live_server: str,
    kb: KnowledgeBase,
    request: pytest.FixtureRequest,
) -> None:
    violations: dict[str, list[str]] = {}
    visited = []
    with every_page(page, kb) as pages:
        for name in pages:
            visited.append(name)
            found = axe_serious(page)
            if found:
                violations[name] = found
    with not_found_page(browser, live_server, size_options(request)) as (lost, _):
        visited.append("404")
        found = axe_serious(lost)
        if found:
            violations["404"] = found
    assert len(visited) >= 25, visited
    assert violations == {}


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_dark_mode_has_no_serious_axe_violations(
    browser: Browser, live_server: str, kb: KnowledgeBase, size: dict[str, Any]
) -> None:
    options = {**size, "color_scheme": "dark"}
    violations: dict[str, list[str]] = {}
    with open_page(browser, live_server, **options) as (dark, problems):
        assert dark.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
        for url in ("/", "/now"):
            dark.goto(url)
            found = axe_serious(dark)
            if found:
                violations[url] = found
        for kind in ("urgent", "self_care"):
            open_result(dark, kind, kb)
            found = axe_serious(dark)
            if found:
                violations[f"the {kind} result"] = found
    assert problems.lines() == []
    assert violations == {}


def page_bytes(responses: list[Response]) -> dict[str, int]:
    """Bytes of each response of the latest page load (its document and what it loaded)."""
    documents = [i for i, r in enumerate(responses) if r.request.resource_type == "document"]
    assert documents, "no document was loaded"
    sizes: dict[str, int] = {}
    for response in responses[documents[-1] :]:
        if 300 <= response.status < 400:
            continue
        sizes[response.url] = sizes.get(response.url, 0) + len(response.body())
    return sizes


def test_every_page_is_at_most_100_kb(
    page: Page,
    browser: Browser,
    live_server: str,
    kb: KnowledgeBase,
    request: pytest.FixtureRequest,
) -> None:
    responses: list[Response] = []
    page.on("response", lambda response: responses.append(response))
    too_big: dict[str, dict[str, int]] = {}
    totals: dict[str, int] = {}

    def measure(name: str, loaded: list[Response]) -> None:
        sizes = page_bytes(loaded)
        assert any(u.split("?")[0].endswith("/static/style.css") for u in sizes), (name, sizes)
        assert any(u.split("?")[0].endswith("/static/app.js") for u in sizes), (name, sizes)
        totals[name] = sum(sizes.values())
        if totals[name] > PAGE_BYTES_LIMIT:
            too_big[name] = sizes
        loaded.clear()

    with every_page(page, kb) as pages:
        for name in pages:
            measure(name, responses)
    with not_found_page(browser, live_server, size_options(request)) as (_, lost_responses):
        measure("404", lost_responses)
    assert len(totals) >= 25, totals
    assert too_big == {}, f"pages over {PAGE_BYTES_LIMIT} bytes: {too_big}"
