"""Terminal output helpers: ANSI styles only where the terminal supports them.

Colour is used when the stream is a terminal, ``NO_COLOR`` is not set and ``TERM`` is not
``dumb``; ``FORCE_COLOR`` forces it. Kept tiny on purpose: the CLI must start fast.
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

CODES = {
    "bold": "1",
    "dim": "2",
    "underline": "4",
    "red": "31",
    "green": "32",
    "yellow": "33",
    "cyan": "36",
    "white": "37",
    "bg_red": "41",
    "bg_green": "42",
    "bg_yellow": "43",
}


def colour_enabled(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("FORCE_COLOR"):
        return True
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


class Styler:
    """Applies ANSI styles, or returns text unchanged when colour is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        codes = ";".join(CODES[s] for s in styles)
        return f"\033[{codes}m{text}\033[0m"


def styler(stream: TextIO | None = None) -> Styler:
    return Styler(colour_enabled(stream))


def echo(text: str = "", err: bool = False) -> None:
    print(text, file=sys.stderr if err else sys.stdout)
