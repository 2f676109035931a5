"""Speed targets of crampcheck, measured and reported (not asserted in unit tests).

    python benchmarks/run.py [--quick] [--json FILE]

Targets (issue 2): a whole ``crampcheck assess FILE`` run takes at most 0.3 s wall time; the
engine runs at least 5,000 assessments per second in one process.

This machine's speed changes from minute to minute, so the script also measures two floors in
the same run: a bare ``python -c pass`` and a process that imports pydantic and validates one
one-field model (every crampcheck run needs at least that much). Compare against those.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT / "tests" / "vignettes" / "dev"
BIN = Path(sys.executable).parent
PYDANTIC_FLOOR = "from pydantic import BaseModel\nclass A(BaseModel):\n    x: int\nA(x=1)"


def wall(cmd: list[str], runs: int, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Median and best wall time of a command, in seconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def engine_rate(seconds: float) -> tuple[float, int]:
    """Assessments per second over the vignette intakes, already parsed, in this process."""
    from crampcheck import assess, parse_intake

    intakes = [
        parse_intake(json.loads(p.read_text())["intake"]) for p in sorted(VIGNETTES.glob("*.json"))
    ]
    for intake in intakes:
        assess(intake)
    best = 0.0
    for _ in range(3):
        count = 0
        start = time.perf_counter()
        while time.perf_counter() - start < seconds / 3:
            for intake in intakes:
                assess(intake)
            count += len(intakes)
        best = max(best, count / (time.perf_counter() - start))
    return best, len(intakes)


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--quick", action="store_true", help="fewer runs")
    ap.add_argument("--json", type=Path, help="also write the numbers to this file")
    args = ap.parse_args()
    runs, seconds = (5, 1.5) if args.quick else (21, 6.0)
    exe = str(BIN / "crampcheck")
    body = json.loads(sorted(VIGNETTES.glob("*.json"))[0].read_text())["intake"]
    with tempfile.TemporaryDirectory() as tmp:
        intake = Path(tmp) / "intake.json"
        intake.write_text(json.dumps(body))
        env = {**os.environ, "CRAMPCHECK_CACHE_DIR": str(Path(tmp) / "cache")}
        subprocess.run([exe, "assess", str(intake)], check=True, capture_output=True, env=env)
        python_floor = wall([sys.executable, "-c", "pass"], runs)
        pydantic_floor = wall([sys.executable, "-c", PYDANTIC_FLOOR], runs)
        warm = wall([exe, "assess", str(intake)], runs, env)
        cold_times = []
        for i in range(max(3, runs // 4)):
            cold_env = {**os.environ, "CRAMPCHECK_CACHE_DIR": str(Path(tmp) / f"cold{i}")}
            cold_times.append(wall([exe, "assess", str(intake)], 1, cold_env)[0])
    rate, n = engine_rate(seconds)
    results = {
        "python_floor_ms": round(python_floor[0] * 1000),
        "pydantic_floor_ms": round(pydantic_floor[0] * 1000),
        "assess_warm_median_ms": round(warm[0] * 1000),
        "assess_warm_best_ms": round(warm[1] * 1000),
        "assess_cold_cache_median_ms": round(statistics.median(cold_times) * 1000),
        "engine_per_second": round(rate),
    }
    ok_cli = warm[0] <= 0.3
    ok_rate = rate >= 5000
    print(f"floor  python -c pass: median {results['python_floor_ms']} ms")
    print(f"floor  python + pydantic, one model: median {results['pydantic_floor_ms']} ms")
    print(
        f"cli    crampcheck assess FILE (cache warm): median {results['assess_warm_median_ms']} ms,"
        f" best {results['assess_warm_best_ms']} ms over {runs} runs (target <= 300 ms) "
        f"{'OK' if ok_cli else 'MISSED'}"
    )
    print(
        f"cli    crampcheck assess FILE (first run, empty cache): "
        f"median {results['assess_cold_cache_median_ms']} ms"
    )
    print(
        f"engine assess(): {rate:,.0f} assessments/s (best of 3) over {n} vignette intakes "
        f"(target >= 5,000) {'OK' if ok_rate else 'MISSED'}"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0 if ok_cli and ok_rate else 1


if __name__ == "__main__":
    sys.exit(main())
