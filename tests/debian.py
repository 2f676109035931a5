"""Tests that need Debian packages (PostgreSQL, Chromium): installing them when run as root,
telling the user while pytest captures output, and skipping (failing in CI) when they are
missing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any, NoReturn

import pytest

Announce = Callable[[str], None]


def is_root() -> bool:
    return os.geteuid() == 0


def stderr_line(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def uncaptured_announcer(config: pytest.Config) -> Announce:
    """Print a line even while pytest captures output (e.g. 'installing chromium')."""
    capman: Any = config.pluginmanager.getplugin("capturemanager")

    def announce(line: str) -> None:
        if capman is None:
            stderr_line(line)
            return
        with capman.global_and_fixture_disabled():
            stderr_line(line)

    return announce


def skip_or_fail(message: str) -> NoReturn:
    """Skip the test with ``message`` (what to install); in CI (``CI`` set) fail instead."""
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def tail(text: str, lines: int = 30) -> str:
    """The last ``lines`` lines of a command's output."""
    return "\n".join(text.strip().splitlines()[-lines:])


def apt_get(args: list[str], timeout: int, unavailable: type[Exception]) -> str:
    """Run ``apt-get ARGS`` non-interactively; raise ``unavailable`` with the output's tail if it
    fails or takes longer than ``timeout`` seconds. Returns the output."""
    command = ["apt-get", "-o", "DPkg::Lock::Timeout=300", *args]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        result = subprocess.run(
            command,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise unavailable(f"`{' '.join(command)}` took over {timeout} s") from exc
    if result.returncode != 0:
        raise unavailable(
            f"`{' '.join(command)}` failed (exit {result.returncode}):\n"
            + tail(result.stdout + result.stderr)
        )
    return result.stdout + result.stderr
