"""Smoke test: build the wheel, install it in a clean virtual environment and run the CLI.

A knowledge file missing from the wheel, or a dependency missing from ``pyproject.toml``, fails
here rather than on a user's machine.
"""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "src" / "crampcheck" / "web" / "templates"


@pytest.mark.slow
def test_wheel_installs_and_assesses(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
        check=True,
    )
    wheels = list(dist.glob("crampcheck-*.whl"))
    assert len(wheels) == 1
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheels[0])], check=True, cwd=tmp_path
    )
    exe = env_dir / "bin" / "crampcheck"
    cache = tmp_path / "cache"
    proc = subprocess.run(
        [str(exe), "assess", str(ROOT / "examples" / "swollen-calf.json")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "CRAMPCHECK_CACHE_DIR": str(cache), "HOME": str(tmp_path)},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["triage"]["level"] == "urgent"
    assert result["alerts"][0]["id"] == "dvt"
    assert list(cache.glob("engine-*.pickle")), "the validated knowledge base is cached"
    # the diary works from the installed package (SQLite file given by --db)
    db = tmp_path / "diary.sqlite3"
    log = subprocess.run(
        [str(exe), "log", "--minutes", "2", "--db", str(db), "--json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert log.returncode == 0, log.stderr
    assert json.loads(log.stdout)["minutes"] == 2
    # the packaged data is in the wheel: the knowledge base lists its records
    kb = subprocess.run([str(exe), "kb"], capture_output=True, text=True, check=True, cwd=tmp_path)
    assert "references" in kb.stdout
    # the pages' templates, stylesheet, script and catalogues are in the wheel
    page = subprocess.run(
        [
            str(python),
            "-c",
            "from crampcheck.web import pages\n"
            "names = [t for t in pages.ENV.list_templates() if t.endswith('.html')]\n"
            "files = ['static/style.css', 'static/app.js', 'locale/messages.pot']\n"
            "print(len(names), all((pages.HERE / f).is_file() for f in files))\n",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert page.stdout.split() == [str(len(list(TEMPLATES.glob("*.html")))), "True"], page.stderr
