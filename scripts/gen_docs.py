"""Generate docs/cli.md (from --help) and docs/knowledge-base.md (from the knowledge files).

python scripts/gen_docs.py          # write the files
python scripts/gen_docs.py --check  # exit 1 when a file is out of date (run by the tests)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
from pathlib import Path

os.environ["COLUMNS"] = "100"  # argparse wraps help to the terminal width: fix it

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _help(args: list[str]) -> str:
    from crampcheck.cli.main import main

    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
        main([*args, "--help"])
    return buf.getvalue().rstrip()


def cli_doc() -> str:
    parts = [
        "# Command-line reference",
        "",
        "Generated from `--help` by `scripts/gen_docs.py`; a test fails when it is out of date.",
        "",
    ]
    from crampcheck.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    commands: list[list[str]] = [[]]
    for name, command in sub.choices.items():
        commands.append([name])
        for action in command._actions:
            if isinstance(action, argparse._SubParsersAction):
                commands.extend([name, child] for child in action.choices)
    for command in commands:
        title = " ".join(["crampcheck", *command])
        parts += [f"## `{title}`", "", "```text", _help(command), "```", ""]
    return "\n".join(parts)


def kb_doc() -> str:
    from crampcheck.knowledge.loader import build

    kb = build()
    out = [
        "# Knowledge base",
        "",
        "Generated from `src/crampcheck/knowledge/data/*.yaml` by `scripts/gen_docs.py`; a test",
        "fails when it is out of date. Every record cites references from the evidence digest.",
        "",
        "## Alerts (red flags), most urgent table first",
        "",
        "| alert | level | fires when | references |",
        "|---|---|---|---|",
    ]
    for a in kb.alerts:
        for r in a.rules:
            out.append(f"| `{a.id}` | {r.level} | {r.summary} | {', '.join(a.references)} |")
    out += [
        "",
        "## Contributing factors",
        "",
        "| factor | clue | grade | references |",
        "|---|---|---|---|",
    ]
    for f in kb.factors:
        for c in f.clues:
            out.append(f"| `{f.id}` | {c.summary} | {c.grade} | {', '.join(f.references)} |")
    out += ["", "## Medicine classes", "", "| class | kind | grade | medicines | references |"]
    out.append("|---|---|---|---|---|")
    members: dict[str, list[str]] = {}
    for d in kb.medicines.drugs:
        for c in d.classes:
            members.setdefault(c, []).append(d.generic)
    for c in kb.medicines.classes:
        names = ", ".join(sorted(members.get(c.id, [])))
        out.append(
            f"| `{c.id}` | {c.kind} | {c.grade or '-'} | {names} | {', '.join(c.references)} |"
        )
    no_class = sum(1 for d in kb.medicines.drugs if not d.classes)
    out += [
        "",
        f"{len(kb.medicines.drugs)} generic medicines ({no_class} with no cramp link), "
        f"{len(kb.medicines.combinations)} combination products, "
        f"{sum(len(d.names) for d in kb.medicines.drugs)} brand names and synonyms.",
        "",
        "## References",
        "",
    ]
    for ref in kb.references:
        link = f" <{ref.url}>" if ref.url else ""
        flag = f" *Note: {ref.flag}*" if ref.flag else ""
        out.append(f"- **{ref.id}** ({ref.status}) {ref.citation}{link}{flag}")
    return "\n".join(out) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--check", action="store_true", help="only check that the files are current")
    args = ap.parse_args()
    stale = []
    for path, text in ((DOCS / "cli.md", cli_doc()), (DOCS / "knowledge-base.md", kb_doc())):
        if not text.endswith("\n"):
            text += "\n"
        if args.check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path.name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python scripts/gen_docs.py", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
