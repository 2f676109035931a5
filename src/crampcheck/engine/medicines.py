"""Medicine recognition: a name as people write it -> generic name(s) -> cramp classes.

Two name lists, both normalised (case, accents and punctuation removed):

- the curated table of ``medicines.yaml``: every member of every cramp-linked class, brands
  (UK, US, EU), abbreviations and combinations, and common medicines with no cramp link;
- the upstream dictionary of drug-named-entity-recognition (about 100,000 DrugBank-derived
  names, brands and synonyms), reduced to a slim index resolved through the curated table and
  cached; it is only loaded when an item has a word the curated table does not know.

An item is scanned left to right for the longest known name; doses, forms and schedules do not
match. A word of six or more letters that matches nothing exactly may match a curated name
within one edit (two from eight letters), never when it is an ordinary word ("morning",
"tablet"): fuzzy matching must not turn everyday words into drugs. Several names in one item
make a combination.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

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

    def summary(self) -> dict[str, Any]:
        """What ``crampcheck meds --json`` and the API show for one item."""
        return {
            "input": self.input,
            "generic": self.generic,
            "classes": list(self.classes),
            "grades": dict(self.grades),
            "grade": self.grade,
            "hint": self.hint,
        }


class MedicineIndex:
    """Name lookup built from the knowledge base (picklable, so it is cached with the engine)."""

    def __init__(self, kb: KnowledgeBase) -> None:
        book = kb.medicines
        self.grades: dict[str, str] = {c.id: c.grade for c in book.classes if c.grade is not None}
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
        self._recognised: dict[tuple[str, int | None, int | None], Recognised] = {}
        self.use_upstream = True

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

    def _longest(
        self, words: list[str], i: int, get: Callable[[str], Entry | None], most: int
    ) -> tuple[Entry | None, int]:
        """The longest name ``get`` knows starting at word ``i``: (entry, number of words)."""
        for n in range(min(most, len(words) - i), 0, -1):
            key = " ".join(words[i : i + n])
            entry = get(key) or (get(key.replace(" ", "")) if n > 1 else None)
            if entry is not None:
                return entry, n
        return None, 0

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
            entry, n = self._longest(words, i, self.names.get, self.max_words)
            word = words[i]
            if entry is None and len(word) >= 4 and word.isalpha() and word not in self.ordinary:
                upstream = upstream_index() if self.use_upstream else None
                if upstream is not None:
                    entry, n = self._longest(words, i, upstream.get, upstream.max_words)
                if entry is None:
                    key = self._fuzzy(word)
                    entry, n = (self.names[key], 1) if key is not None else (None, 1)
            if entry is not None:
                found.append(entry)
            i += max(n, 1)
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

    def split_items(self, text: str) -> list[str]:
        """Split a free-text list into items: "atorvastatin and HCTZ every morning, plus my
        inhaler" -> ["atorvastatin", "HCTZ every morning", "my inhaler"].

        Commas, semicolons and new lines always separate. "and", "plus", "also", "with" and "&"
        separate only when every piece they leave is a medicine on its own, so brand names
        such as "Nurofen Plus" or "Coversyl Plus" stay whole; a slash or "+" joins the parts of
        one combination ("HCTZ/lisinopril") and is kept.
        """
        items: list[str] = []
        for raw in _HARD.split(text):
            chunk = _drop_leading_connectors(raw.strip())
            if not chunk:
                continue
            pieces = [p.strip() for p in _SOFT.split(chunk) if p and p.strip()]
            if len(pieces) > 1 and all(self.match(p).generic for p in pieces):
                items.extend(pieces)
            else:
                items.append(chunk)
        return items

    def recognise(
        self, text: str, started_weeks_ago: int | None = None, changed_weeks_ago: int | None = None
    ) -> Recognised:
        """``text`` recognised; remembered like ``match`` (a ``Recognised`` is immutable)."""
        key = (text, started_weeks_ago, changed_weeks_ago)
        found = self._recognised.get(key)
        if found is None:
            found = self._recognise(text, started_weeks_ago, changed_weeks_ago)
            if len(self._recognised) < 10_000:
                self._recognised[key] = found
        return found

    def _recognise(
        self, text: str, started_weeks_ago: int | None, changed_weeks_ago: int | None
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


_CONNECTORS = frozenset({"and", "plus", "also", "with", "&"})


def _drop_leading_connectors(chunk: str) -> str:
    """ "plus my inhaler" -> "my inhaler" (a trailing "Plus" belongs to brand names)."""
    words = chunk.split()
    while words and words[0].lower() in _CONNECTORS:
        words.pop(0)
    return " ".join(words)


_HARD = re.compile(r"\s*[,;\n]\s*")
_SOFT = re.compile(r"\s*\b(?:and|plus|also|with)\b\s*|\s*&\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class UpstreamIndex:
    """The upstream dictionary's names, each resolved to curated generics and classes.

    Stored as name -> number -> (parts, classes), plain ints and tuples: quick to unpickle.
    """

    keys: dict[str, int]
    entries: list[tuple[tuple[str, ...], tuple[str, ...]]]
    max_words: int

    def get(self, key: str) -> Entry | None:
        number = self.keys.get(key)
        return None if number is None else Entry(*self.entries[number])


MAX_UPSTREAM_WORDS = 3  # longer upstream names are chemical or compound names nobody types
MAX_UPSTREAM_LENGTH = 40
_PARTS = re.compile(r"\s*(?:/|\+|,\s*and\s+|,|\s+and\s+|\s+with\s+)\s*")


def build_upstream(curated: MedicineIndex, variants: dict[str, list[str]]) -> UpstreamIndex:
    """Resolve every upstream name through the curated table; keep only safe, useful keys.

    A canonical name the curated table knows takes its generic and classes ("albuterol" ->
    salbutamol); a combination ("budesonide/formoterol") takes its parts; any other medicine is
    recognised under its upstream name with no cramp-linked class. Left out: names that are
    ordinary words or have fewer than four letters, research codes (names with digits), names
    of more than three words or 40 characters (chemical names nobody types), and names the
    curated table already has (the curated table always wins).
    """
    resolved: dict[str, Entry] = {}

    def resolve(canonical: str) -> Entry:
        if canonical in resolved:
            return resolved[canonical]
        entry = curated.names.get(normalise(canonical))
        if entry is None:
            parts: list[str] = []
            classes: list[str] = []
            pieces = [p for p in _PARTS.split(canonical) if p.strip()]
            for piece in pieces if len(pieces) > 1 else [canonical]:
                known = curated.names.get(normalise(piece))
                names = known.parts if known else (piece.strip().lower(),)
                parts.extend(p for p in names if p not in parts)
                if known:
                    classes.extend(c for c in known.classes if c not in classes)
            entry = Entry(tuple(parts), tuple(classes))
        resolved[canonical] = entry
        return entry

    keys: dict[str, int] = {}
    entries: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    numbers: dict[Entry, int] = {}
    for variant, canonicals in variants.items():
        key = normalise(variant)
        words = key.split()
        if (
            not canonicals
            or not key
            or key in curated.names
            or len(words) > MAX_UPSTREAM_WORDS
            or len(key) > MAX_UPSTREAM_LENGTH
            or any(ch.isdigit() for ch in key)  # research codes ("abt 737"), not what people write
            or sum(ch.isalpha() for ch in key) < 4
            or all(w in curated.ordinary or not w.isalpha() for w in words)
            or key in curated.ordinary
        ):
            continue
        if key in keys:
            continue
        entry = resolve(canonicals[0])
        if entry not in numbers:
            numbers[entry] = len(entries)
            entries.append((entry.parts, entry.classes))
        keys[key] = numbers[entry]
    most = max((len(k.split()) for k in keys), default=1)
    return UpstreamIndex(keys, entries, most)


@cache
def upstream_index() -> UpstreamIndex | None:
    """The slim upstream index, built on first use and cached; None when it is not installed."""
    from crampcheck.knowledge.loader import cached, read_upstream_drug_names, upstream_drug_file

    path = upstream_drug_file()
    if path is None:
        return None
    stat = path.stat()

    def make(kb: KnowledgeBase) -> UpstreamIndex:
        return build_upstream(MedicineIndex(kb), read_upstream_drug_names(path))

    return cached("drugnames", make, extra_key=f"{path}:{stat.st_size}:{stat.st_mtime_ns}")
