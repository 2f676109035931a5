"""Translation for the pages: every user-facing string goes through gettext.

Two catalogue domains live in ``web/locale/``: ``messages`` (the templates and the web code,
extracted with Babel) and ``knowledge`` (the texts of the knowledge base and of the engine's
results, extracted from the data files by ``scripts/extract_messages.py``). A translation is
therefore a pair of ``.po`` files compiled to ``.mo``, with no change to code or templates.

The locale comes from the browser's ``Accept-Language``. Browsers send ``zh-CN`` or
``zh-TW`` for Chinese: those are mapped to the script (``zh_Hans``, ``zh_Hant``), as catalogues
are named by script. English is the source language and needs no catalogue.
"""

from __future__ import annotations

import gettext as _gettext
from contextvars import ContextVar
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAINS = ("messages", "knowledge")
SOURCE_LOCALE = "en"
_SCRIPTS = {
    "zh_cn": "zh_Hans",
    "zh_sg": "zh_Hans",
    "zh_hans": "zh_Hans",
    "zh_tw": "zh_Hant",
    "zh_hk": "zh_Hant",
    "zh_mo": "zh_Hant",
    "zh_hant": "zh_Hant",
    "zh": "zh_Hans",
}

_SOURCE = _gettext.NullTranslations()
_current: ContextVar[_gettext.NullTranslations | None] = ContextVar(
    "crampcheck_translations", default=None
)


@cache
def available_locales() -> frozenset[str]:
    """Locales with a compiled catalogue in ``LOCALE_DIR``, plus the source language."""
    found = {SOURCE_LOCALE}
    if LOCALE_DIR.is_dir():
        for path in LOCALE_DIR.glob("*/LC_MESSAGES/*.mo"):
            found.add(path.parent.parent.name)
    return frozenset(found)


def _normalise(tag: str) -> str:
    tag = tag.strip().replace("-", "_")
    key = tag.lower()
    if key in _SCRIPTS:
        return _SCRIPTS[key]
    lang, _, region = tag.partition("_")
    return f"{lang.lower()}_{region.upper()}" if region else lang.lower()


def negotiate(accept_language: str | None, locales: frozenset[str] | None = None) -> str:
    """The best available locale for an ``Accept-Language`` header (quality values honoured)."""
    locales = available_locales() if locales is None else locales
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if quality <= 0:
            continue  # q=0: not acceptable
        wanted.append((-quality, i, _normalise(tag)))
    for _q, _i, tag in sorted(wanted):
        if tag in locales:
            return tag
        base = tag.split("_")[0]
        if base in locales:
            return base
    return SOURCE_LOCALE


@cache
def translations(locale: str) -> _gettext.NullTranslations:
    """The catalogues of one locale (both domains); the source language translates nothing."""
    result: _gettext.NullTranslations = _gettext.NullTranslations()
    if locale == SOURCE_LOCALE:
        return result
    for domain in DOMAINS:
        found = _gettext.translation(domain, LOCALE_DIR, [locale], fallback=True)
        if isinstance(result, _gettext.GNUTranslations):
            result.add_fallback(found)
        else:
            result = found
    return result


def activate(value: _gettext.NullTranslations) -> None:
    """Use these catalogues for the rest of this request (a context variable)."""
    _current.set(value)


def gettext(message: str) -> str:
    """``message`` in the current request's language."""
    return (_current.get() or _SOURCE).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return (_current.get() or _SOURCE).ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802  (the usual name of the gettext no-op marker)
    """Mark a string for extraction; it is translated later, where it is shown."""
    return message
