"""The web application factory: the pages, the JSON API, error handling and security headers.

``create_app(db_url)`` builds the app over one diary (SQLite by default). ``crampcheck serve``
runs it with uvicorn on 127.0.0.1 unless told otherwise. Errors under ``/api/`` are JSON; on
the pages they are a page that says what was wrong.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from crampcheck.__about__ import __version__
from crampcheck.errors import CrampcheckError, InputError, NotFoundError

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # same-origin, not no-referrer: with no-referrer a browser sends "Origin: null" on a
    # same-origin form post, which the CSRF check must refuse
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every HTTP response (much cheaper
    than a BaseHTTPMiddleware, which wraps every request and response in extra tasks)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class VersionedStatic(StaticFiles):
    """The stylesheet and script, cached by the browser for a year: the pages link them with
    ``?v=<version>``, so a new release is fetched at once."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers["cache-control"] = "public, max-age=31536000, immutable"
        return response


def _problems(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """FastAPI's validation errors with a readable field path (``body.findings.fever``)."""
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ())]
        out.append({"field": ".".join(loc), "msg": err.get("msg"), "type": err.get("type")})
    return out


def create_app(db_url: str | None = None) -> FastAPI:
    """The crampcheck web app over the diary at ``db_url`` (see ``crampcheck.diary.db``)."""
    import warnings

    from crampcheck.diary.repository import Diary

    # FastAPI gives a body parameter an alias in a way pydantic >= 2.12 warns about (known
    # FastAPI behaviour, harmless: the body is read by its model, not by that alias).
    warnings.filterwarnings("ignore", message="The 'alias' attribute with value", module="pydantic")
    from crampcheck.web import pages
    from crampcheck.web.api import router
    from crampcheck.web.csrf import CsrfError, CsrfMiddleware
    from crampcheck.web.fastpath import AssessmentFastPath

    app = FastAPI(
        # The interactive docs pages load scripts from a CDN: off (no external resources).
        # The OpenAPI document itself is at /openapi.json.
        docs_url=None,
        redoc_url=None,
        title="crampcheck",
        version=__version__,
        description=(
            "An evidence-based leg-cramp advisor: assessments (contract version 1), medicine "
            "recognition, the knowledge base and the cramp diary. Information, not a diagnosis."
        ),
    )
    app.state.diary = Diary(db_url)
    app.include_router(router)
    app.include_router(pages.router)
    app.mount("/static", VersionedStatic(directory=pages.HERE / "static"), name="static")

    def answer(request: Request, status: int, problems: list[Any]) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": problems}, status_code=status)
        return pages.page_error(request, status, [str(p) for p in problems])

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        problems = _problems(list(exc.errors()))
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": problems}, status_code=422)
        return answer(request, 422, [f"{p['field']}: {p['msg']}" for p in problems])

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if request.url.path.startswith("/api/") or request.url.path.startswith("/static/"):
            return JSONResponse(
                {"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers
            )
        return answer(request, exc.status_code, [str(exc.detail)])

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, exc: NotFoundError) -> Response:
        return answer(request, 404, exc.problems)

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        return answer(request, 422, exc.problems)

    @app.exception_handler(CsrfError)
    async def forged(request: Request, _: CsrfError) -> Response:
        return answer(request, 403, [pages.CSRF_EXPIRED])

    @app.exception_handler(CrampcheckError)
    async def failed(request: Request, exc: CrampcheckError) -> Response:
        return answer(request, 503, [str(exc)])

    # innermost first: the assessment fast path runs after the CSRF and header middlewares
    app.add_middleware(AssessmentFastPath)
    app.add_middleware(CsrfMiddleware)
    app.add_middleware(SecurityHeaders)
    return app
