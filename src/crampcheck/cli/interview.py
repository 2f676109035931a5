"""The terminal side of ``crampcheck check``: ask, parse, show progress, print the result."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from crampcheck.cli.term import Styler, echo, styler
from crampcheck.errors import InputError
from crampcheck.interview import (
    GROUP_TITLES,
    NO,
    UNKNOWN,
    YES,
    BadAnswerError,
    Interview,
    parse_answer,
    parse_weeks,
)
from crampcheck.knowledge.models import Question


def _prompt_text(q: Question, choices: list[str], style: Styler) -> str:
    lines = [style(q.text, "bold")]
    if q.help:
        lines.append(style(q.help, "dim"))
    if choices:
        lines.extend(f"  {i}. {c.replace('_', ' ')}" for i, c in enumerate(choices, 1))
    hint = {
        "bool": "y / n / ? (don't know)",
        "multi": "numbers separated by commas, 'none', or ? (don't know)",
        "conditions": "numbers separated by commas, 'none', or ? (don't know)",
        "medicines": "names separated by commas, 'none', or ? (don't know)",
    }.get(q.kind, "? for don't know")
    lines.append(style(f"[{hint}]", "dim"))
    return "\n".join(lines)


def read_line(prompt: str = "> ") -> str:
    """One line from standard input; end of input stops the interview."""
    sys.stdout.write(prompt)
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        raise KeyboardInterrupt  # input closed: stop, as Ctrl-C would
    return line.rstrip("\n")


def _confirm(question: str) -> bool:
    while True:
        answer = read_line(f"{question} [y/n] ").strip().lower()
        if answer in YES or answer in NO or answer == "":
            return answer in YES
        echo("  answer y (yes) or n (no)")


def _ask(interview: Interview, q: Question, style: Styler) -> None:
    choices = interview.choices(q)
    echo(_prompt_text(q, choices, style))
    while True:
        raw = read_line()
        try:
            value = parse_answer(q, raw, choices)
            if value is UNKNOWN and q.field == "person.age":
                raise BadAnswerError("your age is needed: type it in years")
            interview.answer(q, value)
            return
        except BadAnswerError as exc:
            echo(style(f"  {exc}", "yellow"))
        except InputError as exc:
            echo(style("  " + "; ".join(exc.problems), "yellow"))


def _ask_medicine_dates(interview: Interview, style: Styler) -> None:
    for index, name in interview.medicines_to_date():
        echo(style(f"How many weeks ago did you start or last change {name}?", "bold"))
        echo(style("[a whole number of weeks; ? for don't know]", "dim"))
        while True:
            try:
                interview.date_medicine(index, parse_weeks(read_line()))
                break
            except BadAnswerError as exc:
                echo(style(f"  {exc}", "yellow"))


def run_interview(save: str | None, fmt: str) -> None:
    """Run the whole interview on the terminal and print the assessment."""
    from crampcheck.cli.render import render_text
    from crampcheck.engine.core import assess

    interview = Interview()
    style = styler()
    echo(style("crampcheck: a few questions about your leg cramps.", "bold"))
    echo(
        "If you have sudden severe pain, a cold pale leg or chest pain, "
        "call emergency services now."
    )
    echo('Press Enter or type ? for "don\'t know" at any question.\n')
    group = None
    while (q := interview.next_question()) is not None:
        if q.group == "labs" and interview.has_labs is None:
            interview.has_labs = _confirm("Do you have recent blood test results to enter?")
            continue
        if q.group != group:
            group = q.group
            echo(style(f"\n== {GROUP_TITLES[group]} ==", "cyan", "bold"))
        done = len(interview.asked)
        echo(style(f"\n[{done + 1} of about {done + interview.remaining()}]", "dim"))
        _ask(interview, q, style)
        if q.field == "medications":
            _ask_medicine_dates(interview, style)
    intake = interview.intake()
    if save:
        Path(save).write_text(json.dumps(interview.answers, indent=1) + "\n", encoding="utf-8")
        echo(style(f"\nYour answers were saved to {save}.", "dim"))
    result = assess(intake, interview.engine)
    echo("")
    echo(result.model_dump_json(indent=1) if fmt == "json" else render_text(result, style))
