"""Turn pydantic validation errors into one clear line per bad field.

Each line names the field path (``findings.calf_swelling``, ``medications[1].name``) and what is
allowed, so a person can fix the input without reading a traceback.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel, ValidationError


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    """The pydantic models reachable through Optional, Union, list and Annotated."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    origin = typing.get_origin(annotation)
    if origin is None:
        return []
    found: list[type[BaseModel]] = []
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        args = args[:1]
    for arg in args:
        found.extend(_models_in(arg))
    return found


def _model_at(root: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The model that owns the last element of ``loc`` (the parent of a bad key)."""
    current: type[BaseModel] | None = root
    for part in loc[:-1]:
        if current is None:
            return None
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part)
        if field is None:
            return None
        models = _models_in(field.annotation)
        current = models[0] if models else None
    return current


def field_path(loc: tuple[int | str, ...], prefix: str = "") -> str:
    """Render a pydantic location as ``a.b[2].c``."""
    out = prefix
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("str", "Medication", "function-after[...]") or part.startswith(
            ("constrained-str", "function-")
        ):
            continue  # union branch tags pydantic adds to the location
        else:
            out = f"{out}.{part}" if out else part
    return out or "(top level)"


def describe(exc: ValidationError, model: type[BaseModel], prefix: str = "") -> list[str]:
    """One message per problem, naming the field path and what is allowed."""
    lines: list[str] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        path = field_path(loc, prefix)
        kind = err["type"]
        if kind == "extra_forbidden":
            owner = _model_at(model, loc)
            allowed = ", ".join(owner.model_fields) if owner else ""
            msg = "unknown key" + (f"; allowed keys: {allowed}" if allowed else "")
        elif kind == "missing":
            msg = "required field is missing"
        elif kind == "json_invalid":
            msg = f"broken JSON: {err.get('ctx', {}).get('error', err['msg'])}"
        else:
            msg = err["msg"][0].lower() + err["msg"][1:]
            if kind in ("bool_type", "bool_parsing"):
                msg = "input should be true or false (or leave it out if unknown)"
        line = f"{path}: {msg}"
        if kind.endswith("_type") and "input" in err and kind != "bool_type":
            line += f" (got {type(err['input']).__name__})"
        # Union members each report the same bad value; keep one line per path and message.
        if line not in seen:
            seen.add(line)
            lines.append(line)
    return lines
