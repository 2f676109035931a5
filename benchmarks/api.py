"""API throughput: POST /api/v1/assessments against a hello-world endpoint served the same way.

    python benchmarks/api.py [--seconds 2] [--rounds 11] [--connections 8]

Target (issue 5): the assessment endpoint sustains at least 60% of the throughput of a
hello-world endpoint served the same way, both loaded with wrk (Debian package ``wrk``) on
127.0.0.1 in the same run. Runs are bounded in time; only 127.0.0.1 is used.

Two hello worlds, both ``async def`` FastAPI endpoints returning ``{"hello": "world"}``:

* **served the same way** (the target): the crampcheck app itself, as ``crampcheck serve``
  builds it, with one more route, ``GET /api/bench/hello``, placed first in its router (under
  ``/api/`` as the assessments are, so the CSRF middleware treats both alike: no cookie). One
  uvicorn process serves it and the assessments, so the two differ only in what the endpoint
  does: both pass the same middlewares and carry the same security headers.
* **bare** (reported for comparison, a stricter baseline): a FastAPI app with nothing else in
  it, no middleware and no security headers, in its own uvicorn process with the same options.

The assessments are the intakes of the 54 development vignettes in turn (a wrk Lua script
cycles through them): a realistic mix, from a bare age to a full intake with medicines and blood
results, not one chosen case. The endpoints are loaded in turn, one wrk run each per round, so
a change in the machine's speed during the run touches all of them; the shares reported are the
medians of the rounds' shares (every round is printed).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VIGNETTES = ROOT / "tests" / "vignettes" / "dev"

HELLO_APP = """
from fastapi import FastAPI
app = FastAPI()

@app.get("/hello")
async def hello() -> dict[str, str]:
    return {"hello": "world"}
"""
CRAMPCHECK_APP = """
import os
from fastapi.routing import APIRoute
from crampcheck.web.app import create_app
app = create_app(os.environ["BENCH_DB"])

async def hello() -> dict[str, str]:
    return {"hello": "world"}

app.router.routes.insert(0, APIRoute("/api/bench/hello", hello, methods=["GET"]))
"""


# With two or more CPUs and taskset (util-linux), the servers share one CPU and wrk has another:
# the two do not compete, and the scheduler does not move them around between runs.
_PIN = shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2
PIN_SERVER = ["taskset", "-c", "0"] if _PIN else []
PIN_WRK = ["taskset", "-c", "1"] if _PIN else []


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def uvicorn(module: str, port: int) -> list[str]:
    """The command that serves ``module:app`` on 127.0.0.1:``port``, as every benchmark does."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        f"{module}:app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]


def serve(
    module_dir: Path, module: str, env: dict[str, str]
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    proc = subprocess.Popen(
        [*PIN_SERVER, *uvicorn(module, port)],
        cwd=module_dir,
        env={**env, "PYTHONPATH": str(module_dir)},
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, port
        time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"{module} did not start")


def wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> float:
    cmd = [*PIN_WRK, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, check=True, timeout=seconds + 30
    ).stdout
    if "Non-2xx" in out:
        raise SystemExit(f"errors from {url}:\n{out}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not match:
        raise SystemExit(out)
    return float(match.group(1))


def lua_cycle(bodies: list[str]) -> str:
    """A wrk script that posts the JSON bodies in turn (Lua long strings: no escaping needed)."""
    items = ",\n".join(f"[==[{b}]==]" for b in bodies)
    return (
        f"local bodies = {{\n{items}\n}}\n"
        "local i = 0\n"
        'local headers = {["Content-Type"] = "application/json"}\n'
        "request = function()\n"
        "  i = i % #bodies + 1\n"
        '  return wrk.format("POST", nil, headers, bodies[i])\n'
        "end\n"
    )


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--seconds", type=int, default=2, help="per wrk run")
    ap.add_argument("--rounds", type=int, default=11)
    ap.add_argument("--connections", type=int, default=8)
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is needed: sudo apt-get install wrk", file=sys.stderr)
        return 2
    bodies = [
        json.dumps(json.loads(p.read_text())["intake"]) for p in sorted(VIGNETTES.glob("*.json"))
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "hello_app.py").write_text(HELLO_APP)
        (folder / "crampcheck_app.py").write_text(CRAMPCHECK_APP)
        script = folder / "post.lua"
        script.write_text(lua_cycle(bodies))
        env = {**os.environ, "BENCH_DB": f"sqlite:///{folder / 'bench.sqlite3'}"}
        servers = {"bare": "hello_app", "crampcheck": "crampcheck_app"}
        targets = {
            "bare hello": ("bare", "/hello", None),
            "hello": ("crampcheck", "/api/bench/hello", None),
            "assessments": ("crampcheck", "/api/v1/assessments", script),
        }
        procs: list[subprocess.Popen[bytes]] = []
        urls: dict[str, tuple[str, Path | None]] = {}
        try:
            ports = {}
            for name, module in servers.items():
                proc, ports[name] = serve(folder, module, env)
                procs.append(proc)
            for name, (server, path, lua) in targets.items():
                urls[name] = (f"http://127.0.0.1:{ports[server]}{path}", lua)
                wrk(urls[name][0], 1, args.connections, lua)  # warm up
            rounds = []
            for i in range(args.rounds):
                rates = {
                    name: wrk(url, args.seconds, args.connections, lua)
                    for name, (url, lua) in urls.items()
                }
                rounds.append(rates)
                print(
                    f"round {i + 1}: hello {rates['hello']:7,.0f}/s, "
                    f"bare hello {rates['bare hello']:7,.0f}/s, "
                    f"assessments {rates['assessments']:7,.0f}/s, "
                    f"share {rates['assessments'] / rates['hello']:.0%} "
                    f"(of the bare hello {rates['assessments'] / rates['bare hello']:.0%})"
                )
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(timeout=10)

    def median(name: str) -> float:
        return statistics.median(r[name] for r in rounds)

    def share(base: str) -> float:
        return statistics.median(r["assessments"] / r[base] for r in rounds)

    print(f"hello world GET, served the same way: {median('hello'):8,.0f} requests/s (median)")
    print(f"hello world GET, bare FastAPI app:    {median('bare hello'):8,.0f} requests/s")
    print(f"POST /api/v1/assessments:             {median('assessments'):8,.0f} requests/s")
    verdict = "OK" if share("hello") >= 0.6 else "MISSED"
    print(
        f"share: {share('hello'):.0%} of the hello world served the same way (target >= 60%) "
        f"{verdict}; {share('bare hello'):.0%} of the bare one"
    )
    return 0 if share("hello") >= 0.6 else 1


if __name__ == "__main__":
    sys.exit(main())
