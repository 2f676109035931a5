"""Cross-site request forgery protection.

Two layers:

* ``CsrfMiddleware`` (pure ASGI) gives every browser a random token in a ``SameSite=Strict``,
  ``HttpOnly`` cookie, and refuses any state-changing request (POST, PUT, PATCH, DELETE) that a
  browser says came from another site: an ``Origin`` header that is not this host, or
  ``Sec-Fetch-Site: cross-site``. That covers the JSON API too.
* Every form carries the token in a hidden field; ``verify_form`` compares it with the cookie
  (the double-submit pattern, in constant time). A page on another site can neither read the
  cookie nor set it, so it cannot forge a form post.
"""

from __future__ import annotations

import hmac
import json
import secrets
from http.cookies import SimpleCookie
from typing import Any

COOKIE = "crampcheck_csrf"
FIELD = "csrf_token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
TOKEN_LENGTH = 43  # secrets.token_urlsafe(32)


class CsrfError(Exception):
    """A form post without the right token."""


def _cookie_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"cookie":
            jar: SimpleCookie = SimpleCookie()
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # a malformed Cookie header: treat as no token
                return None
            morsel = jar.get(COOKIE)
            if morsel and len(morsel.value) == TOKEN_LENGTH:
                return morsel.value
    return None


def _header(headers: list[tuple[bytes, bytes]], wanted: bytes) -> str | None:
    for name, value in headers:
        if name == wanted:
            return value.decode("latin-1")
    return None


def _cross_site(scope: dict[str, Any]) -> bool:
    headers = scope.get("headers", [])
    fetch_site = _header(headers, b"sec-fetch-site")
    if fetch_site == "cross-site":
        return True
    origin = _header(headers, b"origin")
    if origin is None:
        return False  # not a browser's cross-site post (browsers send Origin on those)
    if origin == "null":
        # a privacy-hidden origin: trusted only when the browser vouches it is this site
        return fetch_site != "same-origin"
    host = _header(headers, b"host")
    return host is None or origin.split("://", 1)[-1] != host


class CsrfMiddleware:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in UNSAFE and _cross_site(scope):
            body = json.dumps({"detail": ["cross-site request refused"]}).encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
            return
        token = _cookie_token(scope.get("headers", []))
        fresh = token is None
        if fresh:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf"] = token
        if not fresh or scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        cookie = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict".encode()

        async def send_with_cookie(message: Any) -> None:
            if message["type"] == "http.response.start":
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"set-cookie", cookie)],
                }
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def verify_form(state_token: str | None, form_token: object) -> None:
    """Raise ``CsrfError`` unless the form's token is the cookie's token."""
    if (
        not state_token
        or not isinstance(form_token, str)
        or not hmac.compare_digest(state_token.encode(), form_token.encode())
    ):
        raise CsrfError
