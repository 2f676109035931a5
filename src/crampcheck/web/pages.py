"""The server-rendered pages: cramp now, the check, the result, the diary, the knowledge base.

Thin adapters over the library, like the CLI and the API: the engine assesses, the interview
chooses the questions, the diary stores. Every page works without JavaScript (``app.js`` only
adds the hold timer's buttons and the browser's time zone); every form carries a CSRF token;
every string a person reads goes through gettext (``i18n.py``).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, get_args

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape
from pydantic import ValidationError

from crampcheck.__about__ import __version__
from crampcheck.diary import CONTEXT_AMOUNTS
from crampcheck.diary.repository import Diary
from crampcheck.diary.schemas import ContextIn, EpisodeIn, EpisodePatch, MedicineIn, Side, Site
from crampcheck.engine.core import assess, default_engine
from crampcheck.errors import InputError, NotFoundError
from crampcheck.interview import GROUP_TITLES, MAX_WEEKS, BadAnswerError
from crampcheck.knowledge.browse import cited, records
from crampcheck.validation import describe
from crampcheck.web import because, charts, i18n
from crampcheck.web.check import (
    LABS_GATE,
    MEDICINE_DATES,
    CheckState,
    back,
    form_value,
    medicine_weeks,
    restore,
)
from crampcheck.web.csrf import FIELD as CSRF_FIELD
from crampcheck.web.csrf import verify_form
from crampcheck.web.i18n import N_, gettext

HERE = Path(__file__).parent
SITES: tuple[str, ...] = get_args(Site)
SIDES: tuple[str, ...] = get_args(Side)
SITE_LABELS = {
    "calf": N_("Calf"),
    "foot": N_("Foot"),
    "toes": N_("Toes"),
    "shin": N_("Shin"),
    "thigh_back": N_("Back of thigh"),
    "thigh_front": N_("Front of thigh"),
    "hand": N_("Hand"),
    "other": N_("Somewhere else"),
    "any": N_("Any muscle"),
}
SIDE_LABELS = {
    "left": N_("Left"),
    "right": N_("Right"),
    "both": N_("Both"),
    "alternating": N_("Sometimes left, sometimes right"),
    "unknown": N_("Not recorded"),
}
LEVEL_LABELS = {
    "emergency": N_("Emergency"),
    "urgent": N_("Urgent: today"),
    "routine": N_("See a doctor soon"),
    "self_care": N_("Self-care"),
}
CONTEXT_LABELS = {
    "hard_exercise": N_("Hard exercise"),
    "heat_or_sweating": N_("Hot weather or heavy sweating"),
    "cold_night": N_("A cold night"),
    "alcohol_units": N_("Alcohol (units)"),
    "caffeine_drinks": N_("Coffee, tea or cola (drinks)"),
    "fluids_litres": N_("Fluids (litres)"),
    "tight_bedding": N_("Tight bedding pushing the feet down"),
    "stretched_before_bed": N_("Stretched before bed"),
}
KNOWLEDGE_KINDS = {
    "factors": N_("Causes"),
    "alerts": N_("Warning signs"),
    "classes": N_("Medicines linked to cramps"),
    "prevention": N_("Prevention"),
    "safety": N_("Safety notes"),
    "references": N_("Evidence"),
}
NAV = (
    ("/", N_("Home")),
    ("/check", N_("Check")),
    ("/diary", N_("Diary")),
    ("/knowledge", N_("Knowledge")),
    ("/about", N_("About")),
)

CSRF_EXPIRED = N_(
    "The form's security token was missing or out of date. Go back, reload the page and send "
    "it again."
)

router = APIRouter(include_in_schema=False)


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=select_autoescape(["html", "svg"]),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        i18n.gettext, i18n.ngettext, newstyle=True
    )
    env.tests["startingwith"] = lambda value, prefix: str(value).startswith(prefix)
    env.globals.update(
        t=i18n.gettext,  # data texts (knowledge base, engine): the "knowledge" catalogue
        site_label=lambda s: gettext(SITE_LABELS.get(s, s.replace("_", " ").capitalize())),
        side_label=lambda s: gettext(SIDE_LABELS.get(s) or str(s)),
        level_label=lambda s: gettext(LEVEL_LABELS[s]),
        human=lambda s: gettext(s.replace("_", " ").capitalize()),
        context_label=lambda s: gettext(CONTEXT_LABELS[s]),
        nav=NAV,
        sites=SITES,
        sides=SIDES,
        version=__version__,
        csrf_field=CSRF_FIELD,
        inf=float("inf"),
        because=because.plain,
    )
    return env


ENV = _environment()


def render(
    request: Request, template: str, status: int = 200, title: str = "", **context: Any
) -> HTMLResponse:
    """A page in the browser's language, with its CSRF token and the disclaimer."""
    locale = i18n.negotiate(request.headers.get("accept-language"))
    i18n.activate(i18n.translations(locale))
    kb = default_engine().kb
    html = ENV.get_template(template).render(
        request=request,
        path=request.url.path,
        lang=locale.replace("_", "-"),
        title=title,
        csrf=request.state.csrf,
        disclaimer=kb.advice.disclaimer,
        **context,
    )
    return HTMLResponse(html, status_code=status)


def _book(request: Request) -> Diary:
    found: Diary = request.app.state.diary
    return found


async def _form(request: Request) -> dict[str, Any]:
    """The posted form with its CSRF token checked; lists for repeated fields."""
    form = await request.form()
    verify_form(request.state.csrf, form.get(CSRF_FIELD))
    out: dict[str, Any] = {}
    for key in form:
        values = [v for v in form.getlist(key) if isinstance(v, str)]
        out[key] = values if len(values) > 1 else (values[0] if values else "")
    return out


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return value
    return [value] if value else []


# --- Home, about, cramp now ---------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    alerts = {a.id: a for a in default_engine().kb.alerts}
    return render(
        request, "home.html", title=gettext("Leg cramps: what helps, and why"), alerts=alerts
    )


@router.get("/about", response_class=HTMLResponse)
def about(request: Request) -> HTMLResponse:
    kb = default_engine().kb
    return render(
        request, "about.html", title=gettext("About crampcheck"), kb=kb, sources=len(kb.references)
    )


@router.get("/now", response_class=HTMLResponse)
@router.get("/now/{site}", response_class=HTMLResponse)
def cramp_now(request: Request, site: str = "calf") -> HTMLResponse:
    if site not in SITES:
        raise NotFoundError([f"site: no relief steps for {site!r}; allowed: {', '.join(SITES)}"])
    advice = default_engine().kb.advice
    steps = next(r.steps for r in advice.relief_sites if r.site == site)
    # the evidence for the box "do not stretch when...": the alerts it names
    named = ("dvt", "cellulitis", "acute_limb_ischaemia", "muscle_tear")
    alerts = {a.id: a for a in default_engine().kb.alerts}
    withheld_refs = list(dict.fromkeys(r for name in named for r in alerts[name].references))
    return render(
        request,
        "now.html",
        title=gettext("Cramp now"),
        site=site,
        steps=steps,
        advice=advice,
        withheld_refs=withheld_refs,
        dark=True,
    )


# --- The check ----------------------------------------------------------------------------------


def _step_page(request: Request, state: CheckState, error: str | None = None) -> HTMLResponse:
    step = state.next_step()
    if step.kind == "done":
        return _result_page(request, state)
    remaining = state.interview.remaining()
    done = state.done_count
    q = step.question
    return render(
        request,
        "check.html",
        status=422 if error else 200,
        title=gettext("Check"),
        step=step,
        q=q,
        choices=state.interview.choices(q) if q else [],
        group=gettext(
            GROUP_TITLES[q.group if q else ("labs" if step.kind == "labs_gate" else "medicines")]
        ),
        state=state.encode(),
        number=done + 1,
        total=done + max(remaining, 1),
        error=error,
        labs_gate=LABS_GATE,
        max_weeks=MAX_WEEKS,
    )


def _result_page(request: Request, state: CheckState) -> HTMLResponse:
    from crampcheck.diary.stats import frequent_or_prolonged_for

    intake = state.interview.intake()
    because = frequent_or_prolonged_for(_book(request), intake)
    result = assess(intake, state.interview.engine, diary_because=because)
    return render(
        request,
        "result.html",
        title=gettext("Your result"),
        a=result,
        answers=json.dumps(state.interview.answers, separators=(",", ":")),
        diary_used=bool(because),
        saved=None,
    )


@router.get("/check", response_class=HTMLResponse)
def check_start(request: Request) -> HTMLResponse:
    return _step_page(request, restore(None))


@router.post("/check", response_class=HTMLResponse)
async def check_step(request: Request) -> HTMLResponse:
    form = await _form(request)
    return await run_in_threadpool(_check_step, request, form)


def _check_step(request: Request, form: dict[str, Any]) -> HTMLResponse:
    state = restore(form.get("state") if isinstance(form.get("state"), str) else None)
    action = form.get("action", "answer")
    if action == "back":
        return _step_page(request, back(state) if state.history else state)
    step = state.next_step()
    try:
        if step.kind == "labs_gate":
            if form.get("answer") not in ("yes", "no"):
                raise BadAnswerError(gettext('choose "Yes" or "No"'))
            state.record(LABS_GATE, form.get("answer") == "yes")
        elif step.kind == "medicine_dates":
            state.record(MEDICINE_DATES, medicine_weeks(step.medicines, form))
        elif step.kind == "question" and step.question is not None:
            values = _as_list(form.get("answer"))
            text = form.get("text", "")
            value = form_value(
                step.question,
                state.interview.choices(step.question),
                action,
                values,
                text if isinstance(text, str) else "",
            )
            state.record(step.question.field, value)
        # "done": the result again (a repeated post)
    except BadAnswerError as exc:
        return _step_page(request, state, error=gettext(str(exc)))
    except InputError as exc:
        return _step_page(request, state, error="; ".join(exc.problems))
    return _step_page(request, state)


@router.post("/check/save")
async def check_save(request: Request) -> Response:
    form = await _form(request)
    book = _book(request)

    def save() -> int:
        from crampcheck.diary.stats import frequent_or_prolonged_for
        from crampcheck.engine.parse import parse_intake

        try:
            answers = json.loads(form.get("answers", ""))
        except ValueError:
            raise InputError(["answers: not valid JSON"]) from None
        intake = parse_intake(answers)
        because = frequent_or_prolonged_for(book, intake)
        result = assess(intake, diary_because=because)
        return book.save_assessment(
            intake.model_dump(mode="json", exclude_none=True), result.model_dump(mode="json")
        )

    saved = await run_in_threadpool(save)
    return RedirectResponse(f"/diary/assessments/{saved}", status_code=303)


# --- The diary ----------------------------------------------------------------------------------


def _now_in(tz_minutes: Any) -> datetime:
    """Now, in the browser's time zone when the page's script sent it, else the server's."""
    if isinstance(tz_minutes, str) and tz_minutes.lstrip("-").isdigit():
        minutes = int(tz_minutes)
        if -840 <= minutes <= 840:
            return datetime.now(UTC).astimezone(timezone(timedelta(minutes=minutes)))
    return datetime.now().astimezone()


def _parse_when(raw: Any, tz_minutes: Any) -> datetime:
    now = _now_in(tz_minutes)
    if not raw:
        return now
    try:
        moment = datetime.fromisoformat(str(raw))
    except ValueError:
        raise InputError(
            [gettext("When: give a date and time, for example 2026-11-25T03:10")]
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=now.tzinfo)


def _optional(form: dict[str, Any], key: str, kind: type) -> Any:
    raw = form.get(key)
    if raw in (None, ""):
        return None
    try:
        return kind(raw)
    except ValueError:
        raise InputError([f"{key}: {gettext('type a number')}"]) from None


def _episode_fields(form: dict[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "started_at": _parse_when(form.get("when"), form.get("tz")),
        "site": form.get("site") or "calf",
        "side": form.get("side") or None,
        "minutes": _optional(form, "minutes", float),
        "severity": _optional(form, "severity", int),
        "sleep_disturbance": _optional(form, "sleep_disturbance", int),
        "helped": form.get("helped") or None,
        "notes": form.get("notes") or None,
    }
    return fields


def _diary_page(
    request: Request, status: int = 200, error: list[str] | None = None, **extra: Any
) -> HTMLResponse:
    from crampcheck.diary.stats import diary_stats

    book = _book(request)
    today = _now_in(request.query_params.get("tz")).date()
    show_all = request.query_params.get("all") == "1"
    episodes = book.episodes()
    data = book.episode_data()  # read once: for the statistics and the charts
    stats = diary_stats(book, today, episodes=data)
    weeks = charts.weekly(data, today)
    recent = list(reversed(episodes))
    return render(
        request,
        "diary.html",
        status=status,
        title=gettext("Cramp diary"),
        recent=recent if show_all else recent[:12],
        total=len(episodes),
        show_all=show_all,
        stats=stats,
        weeks=weeks,
        frequency=charts.frequency_chart(weeks),
        severity=charts.severity_chart(weeks),
        medicines=book.medicines(),
        assessments=list(reversed(book.assessments()))[:10],
        error=error,
        logged=request.query_params.get("logged"),
        today=today,
        **extra,
    )


@router.get("/diary", response_class=HTMLResponse)
def diary_page(request: Request) -> HTMLResponse:
    return _diary_page(request)


@router.post("/diary/log")
async def diary_log(request: Request) -> Response:
    form = await _form(request)
    try:
        item = EpisodeIn.model_validate(_episode_fields(form))
    except ValidationError as exc:
        problems = describe(exc, EpisodeIn)
        return await run_in_threadpool(lambda: _diary_page(request, 422, problems))
    except InputError as exc:
        found = exc.problems
        return await run_in_threadpool(lambda: _diary_page(request, 422, found))
    saved = await run_in_threadpool(_book(request).add_episode, item)
    return RedirectResponse(f"/diary?logged={saved.id}#recent", status_code=303)


@router.get("/diary/episodes/{episode_id}", response_class=HTMLResponse)
def episode_edit(request: Request, episode_id: int) -> HTMLResponse:
    episode = _book(request).episode(episode_id)
    return render(request, "episode.html", title=gettext("Edit a cramp"), e=episode, error=None)


@router.post("/diary/episodes/{episode_id}")
async def episode_save(request: Request, episode_id: int) -> Response:
    form = await _form(request)
    book = _book(request)
    if form.get("action") == "delete":
        await run_in_threadpool(book.delete_episode, episode_id)
        return RedirectResponse("/diary#recent", status_code=303)
    try:
        fields = _episode_fields(form)
        if not form.get("when"):
            fields.pop("started_at")
        patch = EpisodePatch.model_validate(fields)
    except (ValidationError, InputError) as exc:
        problems = describe(exc, EpisodePatch) if isinstance(exc, ValidationError) else exc.problems
        episode = book.episode(episode_id)
        return render(
            request, "episode.html", 422, title=gettext("Edit a cramp"), e=episode, error=problems
        )
    # every field of the form is sent: a cleared box clears the value
    await run_in_threadpool(book.update_episode, episode_id, patch)
    return RedirectResponse("/diary#recent", status_code=303)


@router.get("/diary/day", response_class=HTMLResponse)
def day_page(request: Request) -> HTMLResponse:
    raw = request.query_params.get("day")
    try:
        day = date.fromisoformat(raw) if raw else _now_in(None).date()
    except ValueError:
        raise InputError([gettext("day: give a date, for example 2026-11-25")]) from None
    recorded = {c.day: c for c in _book(request).context(since=day, until=day)}
    return render(
        request,
        "day.html",
        title=gettext("How was your day?"),
        day=day,
        values=recorded.get(day),
        fields=CONTEXT_LABELS,
        amounts=CONTEXT_AMOUNTS,
        error=None,
    )


@router.post("/diary/day")
async def day_save(request: Request) -> Response:
    form = await _form(request)
    data: dict[str, Any] = {"day": form.get("day", "")}
    try:
        for key in CONTEXT_LABELS:
            raw = form.get(key, "")
            if key in CONTEXT_AMOUNTS:
                data[key] = _optional(form, key, float)
            elif raw in ("yes", "no"):
                data[key] = raw == "yes"
        item = ContextIn.model_validate(data)
    except (ValidationError, InputError) as exc:
        problems = describe(exc, ContextIn) if isinstance(exc, ValidationError) else exc.problems
        return render(
            request,
            "day.html",
            422,
            title=gettext("How was your day?"),
            day=data["day"],
            values=None,
            fields=CONTEXT_LABELS,
            amounts=CONTEXT_AMOUNTS,
            error=problems,
        )
    await run_in_threadpool(_book(request).set_context, item)
    return RedirectResponse("/diary#stats", status_code=303)


@router.post("/diary/medicines")
async def medicine_add(request: Request) -> Response:
    form = await _form(request)
    try:
        item = MedicineIn.model_validate(
            {
                "name": form.get("name", "").strip(),
                "started_on": form.get("started_on") or None,
                "stopped_on": form.get("stopped_on") or None,
            }
        )
    except ValidationError as exc:
        problems = describe(exc, MedicineIn)
        return await run_in_threadpool(lambda: _diary_page(request, 422, problems))
    await run_in_threadpool(_book(request).add_medicine, item)
    return RedirectResponse("/diary#medicines", status_code=303)


@router.get("/diary/assessments/{assessment_id}", response_class=HTMLResponse)
def saved_assessment(request: Request, assessment_id: int) -> HTMLResponse:
    from crampcheck.engine.assessment import Assessment

    found = [s for s in _book(request).assessments() if s.id == assessment_id]
    if not found:
        raise NotFoundError([f"assessment: no saved assessment {assessment_id}"])
    return render(
        request,
        "result.html",
        title=gettext("Saved result"),
        a=Assessment.model_validate(found[0].result),
        answers=None,
        diary_used=False,
        saved=found[0],
    )


# --- The knowledge base -------------------------------------------------------------------------


@router.get("/knowledge", response_class=HTMLResponse)
def knowledge_index(request: Request) -> HTMLResponse:
    kb = default_engine().kb
    q = (request.query_params.get("medicine") or "").strip()[:300]
    found = default_engine().medicines.recognise(q).summary() if q else None
    return render(
        request,
        "knowledge.html",
        title=gettext("Knowledge base"),
        kinds=KNOWLEDGE_KINDS,
        kb=kb,
        counts={k: len(records(kb, k)) for k in KNOWLEDGE_KINDS},
        medicine=q,
        found=found,
        quinine_warning=kb.medicines.quinine_warning_advice,
    )


@router.get("/knowledge/{kind}", response_class=HTMLResponse)
def knowledge_list(request: Request, kind: str) -> HTMLResponse:
    if kind not in KNOWLEDGE_KINDS:
        raise NotFoundError([f"kind: no {kind!r}; allowed: {', '.join(KNOWLEDGE_KINDS)}"])
    kb = default_engine().kb
    return render(
        request,
        "knowledge_list.html",
        title=gettext(KNOWLEDGE_KINDS[kind]),
        kind=kind,
        items=list(records(kb, kind).values()),
    )


@router.get("/knowledge/{kind}/{record_id}", response_class=HTMLResponse)
def knowledge_record(request: Request, kind: str, record_id: str) -> HTMLResponse:
    if kind not in KNOWLEDGE_KINDS or kind == "references":
        raise NotFoundError([f"kind: no {kind!r} records to show one by one"])
    kb = default_engine().kb
    record = records(kb, kind).get(record_id)
    if record is None:
        raise NotFoundError([f"{kind}: no record {record_id!r}"])
    drugs = (
        sorted((d for d in kb.medicines.drugs if record_id in d.classes), key=lambda d: d.generic)
        if kind == "classes"
        else []
    )
    return render(
        request,
        "knowledge_record.html",
        title=gettext(getattr(record, "title", None) or record_id.replace("_", " ").capitalize()),
        kind=kind,
        kinds_label=KNOWLEDGE_KINDS[kind],
        r=record,
        refs=cited(kb, kind, record),
        drugs=drugs,
        quinine_warning=kb.medicines.quinine_warning_advice,
    )


def page_error(request: Request, status: int, problems: list[str]) -> HTMLResponse:
    """An error page that says what was wrong and what is allowed (never a traceback)."""
    titles = {
        403: N_("This form has expired"),
        404: N_("Not found"),
        422: N_("Please check what you entered"),
    }
    return render(
        request,
        "error.html",
        status=status,
        title=gettext(titles.get(status, N_("Something went wrong"))),
        problems=[gettext(p) for p in problems],
        code=status,
    )


def _answer_head_requests() -> None:
    """Every page answers HEAD as well as GET (link checkers and uptime monitors use it)."""
    from fastapi.routing import APIRoute

    for route in router.routes:
        if isinstance(route, APIRoute) and route.methods and "GET" in route.methods:
            route.methods.add("HEAD")


_answer_head_requests()
