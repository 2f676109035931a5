"""Installing Debian packages from the test fixtures (PostgreSQL, Chromium) when run as root."""

from __future__ import annotations

import os
import subprocess


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
