"""Medicine recognition: a name as people write it -> generic name(s) -> cramp classes.

The index is built once from ``medicines.yaml``: every generic, brand, synonym and abbreviation,
normalised (case, accents and punctuation removed). An item is scanned left to right for the
longest known name; doses, forms and schedules simply do not match. A token of six or more
letters that matches nothing exactly may match a name within one edit (two for eight or more
letters), but never when it is an ordinary word ("morning", "tablet"): fuzzy matching must not
turn everyday words into drugs. Several names in one item make a combination.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from crampcheck.knowledge.models import KnowledgeBase

GRADE_ORDER = {"weak": 1, "moderate": 2, "strong": 3}
RECENT_WEEKS = 12
_TOKEN = re.compile(r"[a-z]+|[0-9]+(?:\.[0-9]+)?")
# Salt and form words that stand beside a generic name; never fuzzy-matched.
_SALTS = frozenset(
    """hydrochloride hcl besylate besilate maleate mesylate mesilate succinate tartrate fumarate
    citrate carbonate sulfate sulphate acetate phosphate bromide propionate furoate xinafoate
    dipropionate monohydrate trihydrate dihydrate hyclate sodium potassium calcium magnesium
    hemifumarate axetil medoxomil cilexetil""".split()
)


def normalise(text: str) -> str:
    """Lower-case ASCII letters and digits separated by single spaces."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(_TOKEN.findall(text))


class Entry(NamedTuple):
    """What one known name stands for: the generic parts and their classes."""

    parts: tuple[str, ...]
    classes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Match:
    generic: str | None
    parts: tuple[str, ...]
    classes: tuple[str, ...]
    hint: str | None


@dataclass(frozen=True, slots=True)
class Recognised:
    """One medicine item of an intake, recognised (or not)."""

    input: str
    generic: str | None
    classes: tuple[str, ...]
    grades: dict[str, str]
    grade: str | None
    recent: bool
    started_weeks_ago: int | None
    changed_weeks_ago: int | None
    hint: str | None


class MedicineIndex:
    """Name lookup built from the knowledge base (picklable, so it is cached with the engine)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        book = kb.medicines
        self.grades: dict[str, str] = {c.id: c.grade for c in book.classes if c.grade is not None}
        self.class_order = {c.id: i for i, c in enumerate(book.classes)}
        drug_classes = {d.generic: tuple(d.classes) for d in book.drugs}
        self.names: dict[str, Entry] = {}
        self.display: dict[str, str] = {}  # normalised name -> how to show it in a hint
        for drug in book.drugs:
            entry = Entry((drug.generic,), drug_classes[drug.generic])
            for name in (drug.generic, *drug.names):
                self._add(name, entry)
        for combo in book.combinations:
            classes: list[str] = []
            for part in combo.parts:
                classes.extend(c for c in drug_classes[part] if c not in classes)
            entry = Entry(tuple(combo.parts), tuple(classes))
            for name in combo.names:
                self._add(name, entry)
        self.max_words = max(len(k.split()) for k in self.names)
        self.ordinary = frozenset(normalise(w) for w in book.ordinary_words) | _SALTS
        # single-word names of five or more letters are the candidates for typo matching
        self.fuzzy_keys = sorted(
            k for k in self.names if " " not in k and k.isalpha() and len(k) >= 5
        )
        self.hint_with = book.unrecognised_hint
        self.hint_without = book.unrecognised_hint_no_suggestion
        self._seen: dict[str, Match] = {}  # results per distinct text (bounded, see match)

    def _add(self, name: str, entry: Entry) -> None:
        key = normalise(name)
        if not key:
            return
        self.names.setdefault(key, entry)
        self.display.setdefault(key, name)
        compact = key.replace(" ", "")
        if compact != key and len(compact) >= 6:
            self.names.setdefault(compact, entry)
            self.display.setdefault(compact, name)

    def _lookup(self, words: list[str]) -> Entry | None:
        return self.names.get(" ".join(words)) or (
            self.names.get("".join(words)) if len(words) > 1 else None
        )

    def _fuzzy(self, token: str) -> str | None:
        if len(token) < 6 or not token.isalpha() or token in self.ordinary:
            return None
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        limit = 1 if len(token) < 8 else 2
        found = process.extractOne(
            token, self.fuzzy_keys, scorer=Levenshtein.distance, score_cutoff=limit
        )
        return str(found[0]) if found else None

    def _suggest(self, text: str) -> str | None:
        from rapidfuzz import fuzz, process

        words = [w for w in text.split() if w.isalpha() and len(w) >= 3 and w not in self.ordinary]
        best: tuple[str, float] | None = None
        for word in words:
            found = process.extractOne(word, self.fuzzy_keys, scorer=fuzz.ratio, score_cutoff=70)
            if found and (best is None or found[1] > best[1]):
                best = (str(found[0]), float(found[1]))
        return self.display[best[0]] if best else None

    def match(self, text: str) -> Match:
        """What ``text`` names; remembered so a repeated item costs one dict lookup."""
        found = self._seen.get(text)
        if found is None:
            found = self._match(text)
            if len(self._seen) < 10_000:
                self._seen[text] = found
        return found

    def _match(self, text: str) -> Match:
        words = normalise(text).split()
        found: list[Entry] = []
        i = 0
        while i < len(words):
            for n in range(min(self.max_words, len(words) - i), 0, -1):
                entry = self._lookup(words[i : i + n])
                if entry is not None:
                    found.append(entry)
                    i += n
                    break
            else:
                key = self._fuzzy(words[i])
                if key is not None:
                    found.append(self.names[key])
                i += 1
        if not found:
            return Match(None, (), (), self._hint(text))
        parts: list[str] = []
        classes: list[str] = []
        for entry in found:
            parts.extend(p for p in entry.parts if p not in parts)
            classes.extend(c for c in entry.classes if c not in classes)
        return Match(" + ".join(parts), tuple(parts), tuple(classes), None)

    def _hint(self, text: str) -> str:
        suggestion = self._suggest(normalise(text))
        if suggestion is None:
            return self.hint_without
        return self.hint_with.replace("{suggestion}", suggestion)

    def recognise(
        self, text: str, started_weeks_ago: int | None = None, changed_weeks_ago: int | None = None
    ) -> Recognised:
        m = self.match(text)
        grades = {c: self.grades[c] for c in m.classes if c in self.grades}
        grade = max(grades.values(), key=GRADE_ORDER.__getitem__) if grades else None
        recent = any(
            w is not None and w <= RECENT_WEEKS for w in (started_weeks_ago, changed_weeks_ago)
        )
        return Recognised(
            input=text,
            generic=m.generic,
            classes=m.classes,
            grades=grades,
            grade=grade,
            recent=recent,
            started_weeks_ago=started_weeks_ago,
            changed_weeks_ago=changed_weeks_ago,
            hint=m.hint if m.generic is None else None,
        )


_SPLIT = re.compile(r"\s*(?:[,;\n]|\band\b|\bplus\b|\balso\b|&)\s*", re.IGNORECASE)


def split_items(text: str) -> list[str]:
    """Split a free-text list ("atorvastatin and HCTZ every morning, plus my inhaler") into items.

    A slash or plus sign joins the parts of one combination ("HCTZ/lisinopril") and is kept.
    """
    return [part.strip() for part in _SPLIT.split(text) if part and part.strip()]
