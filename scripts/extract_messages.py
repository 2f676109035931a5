"""Write the translation templates (``.pot``) for the web pages.

``messages.pot``: every string of the templates and the web code (``_()``, ``gettext``,
``ngettext``, ``N_``), extracted with Babel. ``knowledge.pot``: every text a person reads from the
knowledge base (questions, advice, causes, warning signs, medicine groups), taken from the
validated data. A translator copies each to ``<locale>/LC_MESSAGES/<domain>.po``, translates,
and compiles with ``pybabel compile``; no code or template changes.

Run: ``.venv/bin/python scripts/extract_messages.py`` (``--check``: exit 1 if a file is stale;
the test suite runs that).
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import write_po

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "src" / "crampcheck" / "web"
OUT = WEB / "locale"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _catalog() -> Catalog:
    return Catalog(
        project="crampcheck",
        version="",
        copyright_holder="crampcheck developers",
        msgid_bugs_address="",
        creation_date=None,
        revision_date=None,
        fuzzy=False,
    )


def messages() -> Catalog:
    catalog = _catalog()
    method_map = [("**.py", "python"), ("templates/**.html", "jinja2.ext:babel_extract")]
    options = {"templates/**.html": {"extensions": "jinja2.ext.i18n", "trimmed": "false"}}
    for filename, lineno, message, comments, context in extract_from_dir(
        WEB, method_map, options, keywords=KEYWORDS, comment_tags=("Translators:",)
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def _knowledge_texts() -> Iterator[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "src"))
    from crampcheck.interview import GROUP_TITLES
    from crampcheck.knowledge.loader import load_knowledge

    kb = load_knowledge()
    for group, title in GROUP_TITLES.items():
        yield title, f"questions:{group}"
    for q in kb.questions:
        yield q.text, f"questions:{q.field}"
        if q.help:
            yield q.help, f"questions:{q.field}"
        for choice in q.choices:
            yield choice.replace("_", " ").capitalize(), f"questions:{q.field}"
    for a in kb.alerts:
        yield a.title, f"alerts:{a.id}"
        for rule in a.rules:
            yield rule.summary, f"alerts:{rule.id}"
        for text in a.texts.values():
            yield text.headline, f"alerts:{a.id}"
            yield text.advice, f"alerts:{a.id}"
    for f in kb.factors:
        for text in (f.title, f.explanation, f.advice, f.removed_by):
            if text:
                yield text, f"factors:{f.id}"
        for clue in f.clues:
            yield clue.summary, f"factors:{clue.id}"
    for c in kb.medicines.classes:
        yield c.title, f"classes:{c.id}"
        yield c.explanation, f"classes:{c.id}"
    book = kb.medicines
    for text in (
        book.advice,
        book.quinine_warning_advice,
        book.unrecognised_hint,
        book.unrecognised_hint_no_suggestion,
    ):
        yield text, "medicines"
    advice = kb.advice
    for site in advice.relief_sites:
        for step in site.steps:
            yield step, f"relief:{site.site}"
    for text in (
        advice.relief_intro,
        advice.relief_unsteady,
        advice.relief_withheld,
        advice.prevention_on_hold,
        advice.keep_prescribed_calcium,
        advice.keep_prescribed_calcium_high,
        advice.self_care_headline,
        advice.disclaimer,
        *advice.relief_after,
        *advice.relief_after_no_warmth,
    ):
        yield text, "advice"
    for p in advice.prevention:
        yield p.text, f"prevention:{p.id}"
    for n in [*advice.does_not_work, *advice.safety_notes]:
        yield n.text, f"notes:{n.id}"
    for c in advice.calcium:
        yield c.title, f"calcium:{c.verdict}"
        yield c.advice, f"calcium:{c.verdict}"
    for r in kb.references:
        if r.flag:
            yield r.flag, f"references:{r.id}"


def knowledge() -> Catalog:
    catalog = _catalog()
    for text, where in _knowledge_texts():
        catalog.add(text, None, [(where, None)])
    return catalog


def render(catalog: Catalog) -> str:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=100, sort_output=True, include_lineno=False, omit_header=True)
    return buffer.getvalue().decode("utf-8")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    stale = []
    for name, catalog in (("messages.pot", messages()), ("knowledge.pot", knowledge())):
        path = OUT / name
        text = render(catalog)
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            OUT.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(ROOT)}: {len(catalog)} messages")
    if stale:
        print("stale: " + ", ".join(stale) + "; run .venv/bin/python scripts/extract_messages.py")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
