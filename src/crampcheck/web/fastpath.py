"""The quick way through for ``POST /api/v1/assessments``, the API's busiest request.

FastAPI's way to an endpoint (the exception middleware, routing, the request and response
objects, parameter solving) costs about as much as the assessment itself. A well-formed request
to assess an intake needs none of it: ``AssessmentFastPath``, a pure ASGI middleware that sits
inside the security-header and CSRF middlewares, reads the body, validates it with the same
strict model (``Intake.model_validate_json``, straight from the bytes), assesses it and writes
the assessment (``assess_json``: the same bytes as ``Assessment.model_dump_json``).

Everything else goes on to the FastAPI route (``crampcheck.web.api.post_assessment``), which
answers exactly as before: a body that is not a valid intake (422 with the field paths), another
content type, a query string (``use_diary``, ``save``), a body without a length or over
``MAX_BODY`` bytes, dependency overrides (tests), and any error on the way. When the body was
already read, the route is given the same bytes. The OpenAPI document comes from the route.
"""

from __future__ import annotations

import email.message
from typing import Any

from crampcheck.engine.core import assess_json
from crampcheck.engine.intake import Intake

PATH = "/api/v1/assessments"
MAX_BODY = 1 << 20  # a full intake is a few kilobytes


def is_json(content_type: str | None) -> bool:
    """FastAPI's test for a JSON body: ``application/json`` or ``application/*+json``."""
    if content_type is None:
        return False
    if content_type == "application/json":
        return True
    message = email.message.Message()
    message["content-type"] = content_type
    subtype = message.get_content_subtype()
    return message.get_content_maintype() == "application" and (
        subtype == "json" or subtype.endswith("+json")
    )


def _length(headers: list[tuple[bytes, bytes]]) -> int | None:
    """The declared body length when the request is JSON with a sane length, else ``None``."""
    length = None
    json_body = False
    for name, value in headers:
        if name == b"content-length":
            length = int(value) if value.isdigit() else None
        elif name == b"content-type":
            json_body = is_json(value.decode("latin-1"))
        elif name == b"transfer-encoding" or name == b"content-encoding":
            return None
    if not json_body or length is None or not 0 < length <= MAX_BODY:
        return None
    return length


class AssessmentFastPath:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if (
            scope["type"] != "http"
            or scope["path"] != PATH
            or scope["method"] != "POST"
            or scope.get("query_string")
            or getattr(scope.get("app"), "dependency_overrides", None)
            or (length := _length(scope["headers"])) is None
        ):
            await self.app(scope, receive, send)
            return
        chunks = []
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        body = b"".join(chunks)
        try:
            if len(body) != length:
                raise ValueError("the body is not the declared length")
            out = assess_json(Intake.model_validate_json(body))
        except Exception:
            # the route answers: a 422 with the field paths, or its error handling
            await self.app(scope, _replay(body, receive), send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [
                    (b"content-length", str(len(out)).encode()),
                    (b"content-type", b"application/json"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": out})


def _replay(body: bytes, receive: Any) -> Any:
    """A ``receive`` that gives the body already read, then waits as the original does."""
    given = False

    async def again() -> dict[str, Any]:
        nonlocal given
        if not given:
            given = True
            return {"type": "http.request", "body": body, "more_body": False}
        message: dict[str, Any] = await receive()
        return message

    return again
