"""API cost in CPU instructions: a noise-free companion to ``benchmarks/api.py``.

    python benchmarks/api_instructions.py [--requests 540]

Throughput measured with wrk on a shared 2-core machine swings by a quarter from one run to the
next. Instructions do not: this script runs the same crampcheck app (with the same in-app hello
world, ``GET /api/bench/hello``) under valgrind's callgrind (Debian package ``valgrind``), sends
it a fixed number of requests over one keep-alive connection, and counts the instructions the
server executed. Two runs per endpoint, with ``n`` and ``5n`` requests, cancel start-up (the
engine's cache is built first, so that both start the same way):

    instructions per request = (I(5n) - I(n)) / 4n

The assessments are the 54 development intakes in turn, as in ``benchmarks/api.py``. The share
``hello / assessment`` is what the throughput share would be if an instruction cost the same
everywhere; wrk's share also counts the kernel (a 16 KB answer to copy) and cache misses, so it
comes out a little lower. Only 127.0.0.1 is used; each run takes a minute or two.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from api import CRAMPCHECK_APP, VIGNETTES, free_port, uvicorn

APP = "crampcheck_app"


def send(port: int, path: str, bodies: list[bytes], n: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    for i in range(n):
        if bodies:
            headers = {"Content-Type": "application/json"}
            conn.request("POST", path, body=bodies[i % len(bodies)], headers=headers)
        else:
            conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: HTTP {response.status}")
    conn.close()


def instructions(folder: Path, path: str, bodies: list[bytes], n: int) -> int:
    """Instructions the server executed from start to exit, having answered ``n`` requests."""
    port = free_port()
    out = folder / f"callgrind.{port}"
    proc = subprocess.Popen(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *uvicorn(APP, port)],
        cwd=folder,
        env={
            **os.environ,
            "PYTHONPATH": str(folder),
            "BENCH_DB": f"sqlite:///{folder / 'bench.sqlite3'}",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=5).connect()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("the server did not start under valgrind") from None
                time.sleep(0.5)
        send(port, path, bodies, n)
    finally:
        proc.terminate()
        proc.wait(timeout=120)
    text = out.read_text(errors="replace")
    match = re.search(r"^(?:summary|totals): (\d+)", text, re.MULTILINE)
    if not match:
        raise SystemExit(f"no instruction count in {out}")
    return int(match.group(1))


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--requests", type=int, default=108, help="n: the runs send n and 5n")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is needed: sudo apt-get install valgrind", file=sys.stderr)
        return 2
    bodies = [
        json.dumps(json.loads(p.read_text())["intake"]).encode()
        for p in sorted(VIGNETTES.glob("*.json"))
    ]
    n = args.requests
    # Build the engine's cache now, so that no measured server start builds it (it is keyed
    # by the code, and the first start after a change would).
    from crampcheck.engine.core import default_engine

    default_engine()
    per_request = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / f"{APP}.py").write_text(CRAMPCHECK_APP)
        for name, path, posted in (
            ("hello", "/api/bench/hello", []),
            ("assessments", "/api/v1/assessments", bodies),
        ):
            few = instructions(folder, path, posted, n)
            many = instructions(folder, path, posted, 5 * n)
            per_request[name] = (many - few) / (4 * n)
            print(f"{name:12} {per_request[name]:12,.0f} instructions per request")
    share = per_request["hello"] / per_request["assessments"]
    print(f"share: {share:.0%} (hello world served the same way / assessment, by instructions)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
