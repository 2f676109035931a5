"""Cost of medicine recognition, measured and reported (issue 3).

    python benchmarks/medicines.py [--quick]

Targets: recognition adds at most 60 MB to a process and at most 100 ms to a cold
``crampcheck assess`` (a new process, caches built), and handles at least 2,000 items per
second warm. The upstream dictionary loaded naively (importing drug-named-entity-recognition)
costs about 370 MB and 1.5 s; this script measures that too, for comparison.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "data" / "medicine_strings.csv"
BIN = Path(sys.executable).parent

RSS_PROBE = """
import resource, sys
import crampcheck
from crampcheck.engine.core import default_engine
engine = default_engine()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
if sys.argv[1] == "recognise":
    for text in ("Lasix 40mg", "zyrtec 10mg", "rosiglitazone", "simvastatine", "Triumeq"):
        engine.medicines.recognise(text)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024)
"""
NAIVE_PROBE = """
import resource, time
start = time.perf_counter()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from drug_named_entity_recognition import find_drugs
find_drugs(["lasix"])
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024, time.perf_counter() - start)
"""


def wall(cmd: list[str], runs: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    runs = 5 if args.quick else 15
    python = sys.executable
    exe = str(BIN / "crampcheck")
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "CRAMPCHECK_CACHE_DIR": str(Path(tmp) / "cache")}
        # build the caches once
        subprocess.run([exe, "meds", "rosiglitazone"], check=True, capture_output=True, env=env)
        added = float(
            subprocess.run(
                [python, "-c", RSS_PROBE, "recognise"],
                capture_output=True,
                text=True,
                check=True,
                env=env,
            ).stdout
        )
        print(f"memory  recognition incl. upstream index: +{added:.0f} MB (target <= 60 MB)")
        ok &= added <= 60
        plain = Path(tmp) / "plain.json"
        plain.write_text(json.dumps({"contract": 1, "person": {"age": 60}}))
        meds = Path(tmp) / "meds.json"
        meds.write_text(
            json.dumps(
                {
                    "contract": 1,
                    "person": {"age": 60},
                    "medications": ["Lasix 40mg bd", "zyrtec 10mg", "rosiglitazone 4 mg"],
                }
            )
        )
        no_meds = wall([exe, "assess", str(plain)], runs, env)
        with_meds = wall([exe, "assess", str(meds)], runs, env)
        extra = (with_meds - no_meds) * 1000
        print(
            f"cli     crampcheck assess: no medicines {no_meds * 1000:.0f} ms, three medicines "
            f"(one needs the upstream index) {with_meds * 1000:.0f} ms: +{extra:.0f} ms "
            "(target <= 100 ms)"
        )
        ok &= extra <= 100
        if not args.quick:
            naive = subprocess.run(
                [python, "-c", NAIVE_PROBE], capture_output=True, text=True, check=False, env=env
            )
            if naive.returncode == 0:
                mb, secs = naive.stdout.split()
                print(
                    f"naive   importing drug-named-entity-recognition: +{float(mb):.0f} MB, "
                    f"{float(secs):.2f} s (for comparison)"
                )
    from crampcheck.engine.core import default_engine

    engine = default_engine()
    with TABLE.open(newline="", encoding="utf-8") as fh:
        texts = [row["input"] for row in csv.DictReader(fh)]
    index = engine.medicines
    index.recognise("rosiglitazone")  # loads (or builds) the upstream index before timing
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < (1.0 if args.quick else 3.0):
        index._seen.clear()  # measure real matching, not the per-text memo
        for text in texts:
            index.recognise(text)
        count += len(texts)
    rate = count / (time.perf_counter() - start)
    print(f"speed   {rate:,.0f} items/s warm over {len(texts)} strings (target >= 2,000)")
    ok &= rate >= 2000
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
