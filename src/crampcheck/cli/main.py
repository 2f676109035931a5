"""The ``crampcheck`` command: each command parses, calls the library, renders.

Errors a person can fix (bad input, unknown ids) exit with status 2 and one line per problem;
nothing the user types ends in a traceback.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import click

from crampcheck.__about__ import __version__
from crampcheck.errors import CrampcheckError, InputError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


def fail(problems: list[str], title: str = "invalid input") -> NoReturn:
    click.secho(f"crampcheck: {title}:", fg="red", err=True)
    for line in problems:
        click.echo(f"  - {line}", err=True)
    sys.exit(2)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="crampcheck")
def cli() -> None:
    """crampcheck: an evidence-based leg-cramp advisor.

    It asks the right questions, ranks what most likely drives your cramps, says plainly whether
    calcium makes sense, shows how to stop a cramp now, builds a prevention plan and sets a safe
    triage level. It is information, not a diagnosis.

    \b
    Example:
      crampcheck check              # answer the questions in the terminal
      crampcheck assess intake.json --format text
    """


def _read_input(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        fail([f"FILE: no such file: {source}"])
    except (OSError, UnicodeDecodeError) as exc:
        fail([f"FILE: cannot read {source}: {exc}"])


@cli.command(context_settings=CONTEXT)
@click.argument("source", metavar="FILE|-")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "text"]),
    default="json",
    show_default=True,
    help="contract JSON for scripts, or a readable summary (triage first)",
)
def assess(source: str, fmt: str) -> None:
    """Assess an intake (contract JSON) from FILE or standard input (-).

    Prints the assessment as contract JSON, or as text with --format text. Exit status 2 with
    one message per bad field when the intake is invalid.

    \b
    Example:
      echo '{"contract": 1, "person": {"age": 67}, "cramps": {"sites": ["calf"]}}' \\
        | crampcheck assess - --format text
    """
    from crampcheck.engine import assess as run
    from crampcheck.engine import parse_intake

    intake = parse_intake(_read_input(source))
    result = run(intake)
    if fmt == "json":
        click.echo(result.model_dump_json(indent=1, exclude_none=False))
    else:
        from crampcheck.cli.render import render_text

        click.echo(render_text(result))


@cli.command(context_settings=CONTEXT)
@click.option(
    "--save",
    type=click.Path(dir_okay=False, writable=True),
    help="also write the answers as intake JSON",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="how to print the result",
)
def check(save: str | None, fmt: str) -> None:
    """Answer questions in the terminal and get your assessment.

    Urgent questions come first; questions that cannot change your result are skipped. Answer
    "?" (or press Enter) for "don't know" at any question; it is never taken as "no".

    \b
    Example:
      crampcheck check --save my-cramps.json
    """
    from crampcheck.cli.interview import run_interview

    run_interview(save, fmt)


@cli.command(context_settings=CONTEXT)
@click.argument(
    "kind",
    required=False,
    type=click.Choice(
        [
            "alerts",
            "factors",
            "classes",
            "medicines",
            "references",
            "prevention",
            "safety",
            "questions",
        ]
    ),
)
@click.argument("record_id", required=False, metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="print records as JSON")
def kb(kind: str | None, record_id: str | None, as_json: bool) -> None:
    """List and show knowledge-base records with their references.

    Without KIND, lists the kinds and how many records each holds. With KIND, lists its records.
    With KIND and ID, shows one record in full with its references.

    \b
    Example:
      crampcheck kb alerts
      crampcheck kb alerts dvt
      crampcheck kb medicines furosemide
    """
    from crampcheck.cli.kbview import show_kb

    show_kb(kind, record_id, as_json)


@cli.command(context_settings=CONTEXT)
@click.argument("text", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="print the recognised items as JSON")
def meds(text: tuple[str, ...], as_json: bool) -> None:
    """Recognise medicines written the way people write them.

    Items are separated by commas, semicolons, new lines or the words "and", "plus".

    \b
    Example:
      crampcheck meds "Lasix 40mg, Seretide, simvastatine"
    """
    from crampcheck.cli.kbview import show_meds

    show_meds(" ".join(text), as_json)


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the command group, turning known errors into exit status 2."""
    try:
        cli.main(args=argv, prog_name="crampcheck", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("\nStopped.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code in (1, 2) else exc.exit_code)
    except InputError as exc:
        fail(exc.problems)
    except CrampcheckError as exc:
        fail([str(exc)], title="error")
    except BrokenPipeError:
        sys.exit(0)


def dump(data: Any) -> None:
    click.echo(json.dumps(data, indent=1, ensure_ascii=False))
