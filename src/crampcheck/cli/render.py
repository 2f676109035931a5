"""Render an assessment as readable terminal text: the triage headline first, alerts next."""

from __future__ import annotations

import textwrap

import click

from crampcheck.engine.assessment import Assessment

LEVEL_STYLE = {
    "emergency": ("EMERGENCY", "red"),
    "urgent": ("URGENT: TODAY", "red"),
    "routine": ("SEE A DOCTOR SOON", "yellow"),
    "self_care": ("SELF-CARE", "green"),
}
WIDTH = 88


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> str:
    return textwrap.fill(
        text,
        width=WIDTH,
        initial_indent=first if first is not None else indent,
        subsequent_indent=indent,
    )


def _refs(ids: list[str]) -> str:
    return click.style(f"[{', '.join(ids)}]", dim=True) if ids else ""


def render_text(a: Assessment) -> str:
    """The whole assessment as plain text with ANSI styles (click strips them when not a tty)."""
    label, colour = LEVEL_STYLE[a.triage.level]
    out: list[str] = [
        click.style(f" {label} ", fg="white", bg=colour, bold=True)
        + " "
        + click.style(a.triage.headline, bold=True),
        "",
    ]
    if a.alerts:
        out.append(click.style("Warning signs", bold=True, underline=True))
        for alert in a.alerts:
            lvl, col = LEVEL_STYLE[alert.level]
            out.append(
                click.style(f"• {alert.title} ({lvl.lower()})", fg=col, bold=True)
                + " "
                + _refs(alert.references)
            )
            out.append(_wrap(alert.advice))
            out.append(_wrap("Because: " + "; ".join(alert.because), indent="    "))
        out.append("")
    out.append(click.style("What may be behind your cramps", bold=True, underline=True))
    if a.factors:
        for f in a.factors:
            out.append(f"• {f.title}: {f.strength} (score {f.score:.2f}) " + _refs(f.references))
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
    out.append(click.style("Calcium", bold=True, underline=True))
    out.append(
        _wrap(
            f"{a.calcium.verdict.replace('_', ' ')}: {a.calcium.advice} "
            + _refs(a.calcium.references)
        )
    )
    if a.medications:
        out.append("")
        out.append(click.style("Your medicines", bold=True, underline=True))
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
                    f"{m.input} -> {m.generic}: {what}{recent} " + _refs(m.references), first="• "
                )
            )
        out.append(_wrap(a.medications[0].advice))
    out.append("")
    out.append(click.style("During a cramp", bold=True, underline=True))
    for site in a.relief:
        if site.site != "any":
            out.append(f"{site.site.replace('_', ' ').capitalize()}:")
        for step in site.steps:
            out.append(_wrap(step, first="  - ", indent="    "))
    out.append("")
    out.append(click.style("Prevention plan", bold=True, underline=True))
    if a.prevention_note:
        out.append(_wrap(a.prevention_note))
    for p in a.prevention:
        out.append(_wrap(f"{p.text} (evidence: {p.grade}) " + _refs(p.references), first="• "))
    if a.safety_notes:
        out.append("")
        out.append(click.style("Safety notes", bold=True, underline=True))
        for n in a.safety_notes:
            out.append(_wrap(f"{n.text} " + _refs(n.references), first="• "))
    out.append("")
    out.append(click.style("What does not work", bold=True, underline=True))
    for n in a.does_not_work:
        out.append(_wrap(f"{n.text} " + _refs(n.references), first="• "))
    out.append("")
    out.append(click.style("References", bold=True, underline=True))
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
