"""Speed targets of crampcheck, measured and reported (not asserted in unit tests).

    python benchmarks/run.py [--quick]

Targets (issue 2): a whole ``crampcheck assess`` run on one intake takes at most 0.3 s wall time;
the engine runs at least 5,000 assessments per second in one process.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT / "tests" / "vignettes" / "dev"


def cli_wall(runs: int) -> tuple[float, float]:
    """Median and worst wall time of ``crampcheck assess FILE`` as a fresh process (warm cache)."""
    exe = shutil.which("crampcheck", path=str(Path(sys.executable).parent)) or "crampcheck"
    intake = sorted(VIGNETTES.glob("*.json"))[0]
    body = json.loads(intake.read_text())["intake"]
    path = ROOT / "benchmarks" / ".intake.tmp.json"
    path.write_text(json.dumps(body))
    try:
        subprocess.run(
            [exe, "assess", str(path)], check=True, capture_output=True
        )  # warm the cache
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([exe, "assess", str(path)], check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    finally:
        path.unlink(missing_ok=True)
    return statistics.median(times), max(times)


def engine_rate(seconds: float) -> tuple[float, int]:
    """Assessments per second over the vignette intakes, already parsed, in this process."""
    from crampcheck import assess, parse_intake

    intakes = [
        parse_intake(json.loads(p.read_text())["intake"]) for p in sorted(VIGNETTES.glob("*.json"))
    ]
    for intake in intakes:
        assess(intake)
    count = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for intake in intakes:
            assess(intake)
        count += len(intakes)
    return count / (time.perf_counter() - start), len(intakes)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    args = ap.parse_args()
    runs, seconds = (5, 1.0) if args.quick else (20, 3.0)
    median, worst = cli_wall(runs)
    rate, n = engine_rate(seconds)
    ok_cli = median <= 0.3
    ok_rate = rate >= 5000
    print(
        f"cli    crampcheck assess FILE: median {median * 1000:.0f} ms, "
        f"worst {worst * 1000:.0f} ms over {runs} runs (target <= 300 ms) "
        f"{'OK' if ok_cli else 'MISSED'}"
    )
    print(
        f"engine assess(): {rate:,.0f} assessments/s over {n} vignette intakes "
        f"(target >= 5,000) {'OK' if ok_rate else 'MISSED'}"
    )
    return 0 if ok_cli and ok_rate else 1


if __name__ == "__main__":
    sys.exit(main())
