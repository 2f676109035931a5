"""The one exception tree of crampcheck.

::

    CrampcheckError
     ├── KnowledgeError      a knowledge file is malformed or inconsistent (file, record, field)
     └── InputError          an intake (or other user input) is invalid (names every bad field)
          └── NotFoundError  a record asked for by id does not exist (for this owner)
"""

from __future__ import annotations


class CrampcheckError(Exception):
    """Base of every error crampcheck raises on purpose."""


class KnowledgeError(CrampcheckError):
    """A knowledge-base file failed validation or a cross-reference check."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("knowledge base is invalid:\n  " + "\n  ".join(problems))


class InputError(CrampcheckError):
    """User input failed validation; ``problems`` holds one line per bad field."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid input:\n  " + "\n  ".join(problems))


class NotFoundError(InputError):
    """A record asked for by id does not exist (for this owner)."""
