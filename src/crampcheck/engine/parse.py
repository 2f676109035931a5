"""Read an intake from JSON text or a dict, turning every problem into a named-field message."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from crampcheck.engine.intake import Intake
from crampcheck.errors import InputError
from crampcheck.validation import describe


def parse_intake(data: str | bytes | dict[str, Any]) -> Intake:
    """Validate an intake (JSON text or an already-decoded object); raise ``InputError``."""
    if isinstance(data, (str, bytes)):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise InputError(
                [f"broken JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"]
            ) from None
        except UnicodeDecodeError:
            raise InputError(["the input is not UTF-8 text"]) from None
    if not isinstance(data, dict):
        raise InputError([f"(top level): expected a JSON object, got {type(data).__name__}"])
    try:
        return Intake.model_validate(data)
    except ValidationError as exc:
        raise InputError(describe(exc, Intake)) from None
