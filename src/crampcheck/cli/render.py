"""Render an assessment as readable terminal text: the triage headline first, alerts next."""

from __future__ import annotations

import textwrap

from crampcheck.cli.term import Styler
from crampcheck.engine.assessment import Assessment

LEVEL_STYLE = {
    "emergency": ("EMERGENCY", "red"),
    "urgent": ("URGENT: TODAY", "red"),
    "routine": ("SEE A DOCTOR SOON", "yellow"),
    "self_care": ("SELF-CARE", "green"),
}
BADGE = {"red": "bg_red", "yellow": "bg_yellow", "green": "bg_green"}
WIDTH = 88


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
    )


def _refs(style: Styler, ids: list[str]) -> str:
    return style(f"[{', '.join(ids)}]", "dim") if ids else ""


def render_text(a: Assessment, style: Styler | None = None) -> str:
    """The whole assessment as text, triage first; ANSI styles only if ``style`` is enabled."""
    style = style or Styler(False)

    def heading(text: str) -> str:
        return style(text, "bold", "underline")

    label, colour = LEVEL_STYLE[a.triage.level]
    out: list[str] = [
        style(f" {label} ", "white", BADGE[colour], "bold")
        + " "
        + style(a.triage.headline, "bold"),
        "",
    ]
    if a.alerts:
        out.append(heading("Warning signs"))
        for alert in a.alerts:
            lvl, col = LEVEL_STYLE[alert.level]
            out.append(
                style(f"• {alert.title} ({lvl.lower()})", col, "bold")
                + " "
                + _refs(style, alert.references)
            )
            out.append(_wrap(alert.advice))
            out.append(_wrap("Because: " + "; ".join(alert.because), indent="    "))
        out.append("")
    out.append(heading("What may be behind your cramps"))
    if a.factors:
        for f in a.factors:
            out.append(
                f"• {f.title}: {f.strength} (score {f.score:.2f}) " + _refs(style, f.references)
            )
            out.append(_wrap(f.advice))
            out.append(_wrap("Because: " + "; ".join(f.because), indent="    "))
    else:
        out.append(
            _wrap(
                "Nothing in your answers points to a particular cause. Most night cramps have none."
            )
        )
    for r in a.factors_ruled_out:
        out.append(_wrap(f"Ruled out: {r.id.replace('_', ' ')} ({'; '.join(r.because)})"))
    out.append("")
    out.append(heading("Calcium"))
    out.append(
        _wrap(
            f"{a.calcium.verdict.replace('_', ' ')}: {a.calcium.advice} "
            + _refs(style, a.calcium.references)
        )
    )
    if a.medications:
        out.append("")
        out.append(heading("Your medicines"))
        for m in a.medications:
            if m.generic is None:
                out.append(_wrap(f"{m.input}: {m.hint}", first="• "))
                continue
            classes = ", ".join(
                f"{c.replace('_', ' ')} ({m.grades[c]})" if c in m.grades else c for c in m.classes
            )
            what = classes or "no known link to cramps"
            recent = " (started or changed recently)" if m.recent else ""
            out.append(
                _wrap(
                    f"{m.input} -> {m.generic}: {what}{recent} " + _refs(style, m.references),
                    first="• ",
                )
            )
        out.append(_wrap(a.medications[0].advice))
    out.append("")
    out.append(heading("During a cramp"))
    for site in a.relief:
        if site.site != "any":
            out.append(f"{site.site.replace('_', ' ').capitalize()}:")
        for step in site.steps:
            out.append(_wrap(step, first="  - ", indent="    "))
    out.append("")
    out.append(heading("Prevention plan"))
    if a.prevention_note:
        out.append(_wrap(a.prevention_note))
    for p in a.prevention:
        out.append(
            _wrap(f"{p.text} (evidence: {p.grade}) " + _refs(style, p.references), first="• ")
        )
    if a.safety_notes:
        out.append("")
        out.append(heading("Safety notes"))
        for n in a.safety_notes:
            out.append(_wrap(f"{n.text} " + _refs(style, n.references), first="• "))
    out.append("")
    out.append(heading("What does not work"))
    for n in a.does_not_work:
        out.append(_wrap(f"{n.text} " + _refs(style, n.references), first="• "))
    out.append("")
    out.append(heading("References"))
    for ref in a.references:
        out.append(
            _wrap(
                f"[{ref.id}] {ref.citation}" + (f" {ref.url}" if ref.url else ""),
                first="  ",
                indent="     ",
            )
        )
    out.append("")
    out.append(_wrap(a.disclaimer, indent=""))
    return "\n".join(out)
