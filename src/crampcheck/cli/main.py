"""The ``crampcheck`` command: each command parses, calls the library, renders.

Parsing uses argparse (quick to import: ``crampcheck assess`` must start in well under a
second). Errors a person can fix (bad input, unknown ids, bad options) exit with status 2 and
one line per problem; nothing the user types ends in a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from crampcheck.__about__ import __version__
from crampcheck.cli.term import echo, styler
from crampcheck.errors import CrampcheckError, InputError

# crampcheck uses no pydantic plugins; not scanning for them saves start-up time.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from crampcheck.knowledge.browse import KINDS as KB_KINDS


def fail(problems: list[str], title: str = "invalid input") -> NoReturn:
    style = styler(sys.stderr)
    echo(style(f"crampcheck: {title}:", "red"), err=True)
    for line in problems:
        echo(f"  - {line}", err=True)
    sys.exit(2)


class Parser(argparse.ArgumentParser):
    """argparse with exit status 2 and our message format on usage errors."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        fail([message], title="usage")


def _read_input(source: str) -> str:
    if source == "-":
        return sys.stdin.read()
    try:
        return Path(source).read_text(encoding="utf-8")
    except FileNotFoundError:
        fail([f"FILE: no such file: {source}"])
    except (OSError, UnicodeDecodeError) as exc:
        fail([f"FILE: cannot read {source}: {exc}"])


def cmd_assess(args: argparse.Namespace) -> None:
    from crampcheck.engine import assess, parse_intake

    intake = parse_intake(_read_input(args.source))
    diary_because = None
    if args.use_diary or args.save_to_diary:
        from crampcheck.diary.repository import Diary

        diary = Diary(args.db)
        if args.use_diary:
            from crampcheck.diary.stats import frequent_or_prolonged_for

            diary_because = frequent_or_prolonged_for(diary, intake)
    result = assess(intake, diary_because=diary_because)
    if args.save_to_diary:
        diary.save_assessment(
            intake.model_dump(mode="json", exclude_none=True), result.model_dump(mode="json")
        )
    if args.format == "json":
        echo(result.model_dump_json(indent=1))
    else:
        from crampcheck.cli.render import render_text

        echo(render_text(result, styler()))


def cmd_check(args: argparse.Namespace) -> None:
    from crampcheck.cli.interview import run_interview

    run_interview(args.save, args.format)


def cmd_kb(args: argparse.Namespace) -> None:
    from crampcheck.cli.kbview import show_kb

    show_kb(args.kind, args.record_id, args.json)


def cmd_serve(args: argparse.Namespace) -> None:
    import uvicorn

    from crampcheck.web.app import create_app

    echo(f"crampcheck on http://{args.host}:{args.port}/ (the API under /api/v1; Ctrl-C stops it)")
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        echo(f"Listening on {args.host}: other computers on the network can reach it.")
    uvicorn.run(create_app(args.db), host=args.host, port=args.port, log_level="warning")


def cmd_meds(args: argparse.Namespace) -> None:
    from crampcheck.cli.kbview import show_meds

    show_meds(" ".join(args.text), args.json)


def _command(
    sub: argparse._SubParsersAction[Parser],
    name: str,
    func: Callable[[argparse.Namespace], None],
    summary: str,
    description: str,
    example: str,
) -> Parser:
    parser: Parser = sub.add_parser(
        name,
        help=summary,
        description=f"{summary}\n\n{description}",
        epilog=f"Example:\n{example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.set_defaults(func=func)
    return parser


def build_parser() -> Parser:
    parser = Parser(
        prog="crampcheck",
        description=(
            "crampcheck: an evidence-based leg-cramp advisor.\n\n"
            "It asks the right questions, ranks what most likely drives your cramps, says\n"
            "plainly whether calcium makes sense, shows how to stop a cramp now, builds a\n"
            "prevention plan and sets a safe triage level. It is information, not a diagnosis."
        ),
        epilog=(
            "Example:\n"
            "  crampcheck check                          # answer the questions in the terminal\n"
            "  crampcheck assess intake.json --format text"
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"crampcheck {__version__}")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=Parser)

    p = _command(
        sub,
        "assess",
        cmd_assess,
        "Assess an intake (contract JSON) from FILE or standard input (-).",
        "Prints the assessment as contract JSON, or a readable summary (triage first) with\n"
        "--format text. Exit status 2 with one message per bad field when the intake is invalid.",
        '  echo \'{"contract": 1, "person": {"age": 67}}\' | crampcheck assess - --format text',
    )
    p.add_argument("source", metavar="FILE|-", help="intake JSON file, or - for standard input")
    p.add_argument(
        "--format",
        choices=["json", "text"],
        default="json",
        help="contract JSON for scripts (default), or a readable summary",
    )
    p.add_argument(
        "--use-diary",
        action="store_true",
        help="also check the 'frequent or long cramps' rule on your cramp diary",
    )
    p.add_argument("--save-to-diary", action="store_true", help="keep the assessment in your diary")
    p.add_argument("--db", metavar="URL", help="the diary database (see crampcheck log --help)")

    p = _command(
        sub,
        "check",
        cmd_check,
        "Answer questions in the terminal and get your assessment.",
        "Urgent questions come first; questions that cannot change your result are skipped.\n"
        'Type ? (or press Enter) for "don\'t know" at any question: it is never taken as "no".',
        "  crampcheck check --save my-cramps.json",
    )
    p.add_argument("--save", metavar="FILE", help="also write your answers as intake JSON")
    p.add_argument(
        "--format", choices=["text", "json"], default="text", help="how to print the result"
    )

    p = _command(
        sub,
        "kb",
        cmd_kb,
        "List and show knowledge-base records with their references.",
        "Without KIND, lists the kinds and how many records each holds. With KIND, lists its\n"
        "records. With KIND and ID, shows one record in full with its references.",
        "  crampcheck kb alerts\n  crampcheck kb alerts dvt\n  crampcheck kb medicines furosemide",
    )
    p.add_argument("kind", nargs="?", choices=KB_KINDS, metavar="KIND", help=", ".join(KB_KINDS))
    p.add_argument("record_id", nargs="?", metavar="ID", help="the record to show")
    p.add_argument("--json", action="store_true", help="print records as JSON")

    p = _command(
        sub,
        "meds",
        cmd_meds,
        "Recognise medicines written the way people write them.",
        'Items are separated by commas, semicolons, new lines or the words "and", "plus".',
        '  crampcheck meds "Lasix 40mg, Seretide, simvastatine"',
    )
    p.add_argument("text", nargs="+", help="medicine names, doses and schedules")
    p.add_argument("--json", action="store_true", help="print the recognised items as JSON")

    p = _command(
        sub,
        "serve",
        cmd_serve,
        "Serve the web app and the JSON API on this computer.",
        "The pages (cramp now, the check, your result, the diary, the knowledge base) at /,\n"
        "and the JSON API at /api/v1 (OpenAPI at /openapi.json), over one diary.\n"
        "It listens on 127.0.0.1 only unless --host says otherwise.",
        "  crampcheck serve --port 8000",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--db", metavar="URL", help="the diary database (see crampcheck log --help)")

    from crampcheck.cli.diarycmd import add_commands

    add_commands(sub, _command)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    """Entry point: parse, run the command, turn known errors into exit status 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "func"):
        parser.print_help()
        sys.exit(2)
    try:
        args.func(args)
    except InputError as exc:
        fail(exc.problems)
    except CrampcheckError as exc:
        fail([str(exc)], title="error")
    except KeyboardInterrupt:
        echo("\nStopped.", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:
        database = sys.modules.get("sqlalchemy.exc")
        if database is not None and isinstance(exc, database.SQLAlchemyError):
            detail = getattr(exc, "orig", None) or exc
            fail([f"the diary database failed: {str(detail).strip().splitlines()[0]}"], "error")
        raise
