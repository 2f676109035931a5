"""Score medicine recognition on a table of strings (CSV: input,generic,classes[,kind]).

    python scripts/score_medicines.py tests/data/medicine_strings.csv [--show-failures]

``generic`` is the expected generic (parts of a combination joined with " + "), empty when the
string should not be recognised; ``classes`` the expected class ids separated by ";". Prints
class precision and recall (over every expected and produced class of every row), generic
accuracy, and the rows that differ. Exit status 1 when precision or recall is below 0.98.
"""

from __future__ import annotations

import argparse
import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Score:
    rows: int = 0
    generic_ok: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def accuracy(self) -> float:
        return self.generic_ok / self.rows if self.rows else 1.0

    def line(self) -> str:
        return (
            f"{self.rows} strings | class precision {self.precision:.3f} recall "
            f"{self.recall:.3f} | generic accuracy {self.accuracy:.3f}"
        )


def score_table(path: Path) -> Score:
    from crampcheck.engine.core import default_engine

    index = default_engine().medicines
    result = Score()
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            got = index.recognise(row["input"])
            want_classes = {c for c in (row.get("classes") or "").split(";") if c}
            got_classes = set(got.classes)
            want_generic = (row.get("generic") or "").strip() or None
            result.rows += 1
            result.tp += len(want_classes & got_classes)
            result.fp += len(got_classes - want_classes)
            result.fn += len(want_classes - got_classes)
            generic_ok = (got.generic or None) == want_generic
            result.generic_ok += generic_ok
            if not generic_ok or want_classes != got_classes:
                result.failures.append(
                    f"{row['input']!r}: got {got.generic} {sorted(got_classes)}, "
                    f"expected {want_generic} {sorted(want_classes)}"
                )
    return result


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("table", type=Path)
    ap.add_argument("--show-failures", action="store_true")
    args = ap.parse_args()
    result = score_table(args.table)
    if args.show_failures:
        for line in result.failures:
            print(line)
    print(result.line())
    return 0 if result.precision >= 0.98 and result.recall >= 0.98 else 1


if __name__ == "__main__":
    sys.exit(main())
