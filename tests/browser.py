"""Real-browser tests: Debian's Chromium driven by Playwright, with axe-core for accessibility.

Playwright (the Python package) drives the Chromium of Debian's ``chromium`` package at
``/usr/bin/chromium``; ``playwright install`` is never run. When Chromium or the DejaVu fonts
are missing they are installed with apt-get when running as root (as CI does); otherwise the
tests are skipped, saying exactly what to install, except in CI (``CI`` set), where they fail.

Fixtures (registered in ``tests/conftest.py``):

``chromium_path`` (session)
    The Chromium executable, installed on demand.
``live_server`` (session)
    The base URL (``http://127.0.0.1:<port>``) of ``create_app`` over a fresh SQLite diary,
    served by uvicorn in a background thread.
``browser`` (session)
    One headless Chromium for the whole session.
``page`` (function, parametrised ``phone`` / ``desktop``), ``phone_page``, ``desktop_page``
    A page in a fresh context whose ``base_url`` is the live server (``page.goto("/now")``).
    The test fails (at teardown) on any console error, uncaught page error or request to a
    host other than 127.0.0.1; such requests are also aborted, so nothing leaves the machine.

``axe_serious(page)`` runs axe-core on the page and returns the serious and critical
violations as readable lines, so ``assert axe_serious(page) == []`` shows them all.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import pytest

from tests.debian import (
    Announce,
    apt_get,
    is_root,
    skip_or_fail,
    stderr_line,
    tail,
    uncaptured_announcer,
)

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext, Page

CHROMIUM = Path("/usr/bin/chromium")
FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")  # from fonts-dejavu-core
APT_PACKAGES = ("chromium", "chromium-driver", "fonts-dejavu-core")
APT_COMMAND = "sudo apt-get install " + " ".join(APT_PACKAGES)
PIP_COMMAND = "pip install -e '.[test]'"  # playwright and axe-playwright-python

HOST = "127.0.0.1"
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "device_scale_factor": 2,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
LOCALE = "en-GB"  # sent as Accept-Language: the pages are in English unless a test says so

SERVER_START_TIMEOUT = 20  # seconds
SERVER_STOP_TIMEOUT = 10
APT_UPDATE_TIMEOUT = 600
APT_INSTALL_TIMEOUT = 900

# Requests the page may make: to the live server, and URLs that never reach the network.
_LOCAL_URL = rf"(?:https?|wss?)://{re.escape(HOST)}(?::\d+)?(?:[/?#]|$)|data:|blob:|about:"
_LOCAL = re.compile(rf"^(?:{_LOCAL_URL})")
# Anything else, as a route pattern: a regex, so Playwright matches it in the driver and only
# the requests to block come back to Python.
_NOT_LOCAL = re.compile(rf"^(?!{_LOCAL_URL})")


class BrowserUnavailable(RuntimeError):  # noqa: N818 (the name is the interface)
    """Chromium, its fonts or the Python packages for the browser tests are not installed."""


def unavailable_message(reason: str) -> str:
    """The skip/fail message: why, and exactly what to install."""
    return (
        f"Browser tests cannot run: {reason}. "
        f"Install Chromium and its fonts with `{APT_COMMAND}` "
        f"and the Python packages with `{PIP_COMMAND}` (never `playwright install`)."
    )


def unavailable(reason: str) -> NoReturn:
    """Skip the test with what to install; in CI (``CI`` set to anything) fail instead."""
    skip_or_fail(unavailable_message(reason))


# ---------------------------------------------------------------------------- Chromium


def _missing() -> list[str]:
    missing = []
    if not os.access(CHROMIUM, os.X_OK):
        missing.append(str(CHROMIUM))
    if not FONT.is_file():
        missing.append(str(FONT))
    return missing


def _apt_get(args: list[str], timeout: int, announce: Announce) -> None:
    announce(tail(apt_get(args, timeout, BrowserUnavailable), 5))


def ensure_chromium(announce: Announce = stderr_line) -> Path:
    """Debian's Chromium, installing it (and fonts-dejavu-core) with apt-get when root.

    Raises BrowserUnavailable (with the apt-get command to run) when Chromium or the fonts
    are missing and cannot be installed here.
    """
    missing = _missing()
    if not missing:
        return CHROMIUM
    if not is_root():
        raise BrowserUnavailable("missing " + ", ".join(missing))
    if shutil.which("apt-get") is None:
        raise BrowserUnavailable("missing " + ", ".join(missing) + ", and apt-get is missing")
    packages = " ".join(APT_PACKAGES)
    announce(
        f"crampcheck tests: installing the Debian packages {packages} "
        f"(apt-get update -qq && apt-get install -y -q {packages}); this takes a minute or two"
    )
    started = time.monotonic()
    _apt_get(["update", "-qq"], APT_UPDATE_TIMEOUT, announce)
    _apt_get(["install", "-y", "-q", *APT_PACKAGES], APT_INSTALL_TIMEOUT, announce)
    missing = _missing()
    if missing:
        raise BrowserUnavailable(f"apt-get installed {packages} but " + ", ".join(missing))
    announce(f"crampcheck tests: {packages} installed in {time.monotonic() - started:.0f} s")
    return CHROMIUM


def ensure_python_packages() -> None:
    """Raise BrowserUnavailable unless playwright and axe-playwright-python can be imported."""
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        raise BrowserUnavailable(f"a Python package is not installed ({exc})") from exc


@contextlib.contextmanager
def launch_browser(executable: Path = CHROMIUM) -> Iterator[Browser]:
    """A headless Chromium (Playwright's sync API), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable), headless=True, args=LAUNCH_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


# ---------------------------------------------------------------------------- live server


def _answers(host: str, port: int) -> bool:
    """True once the server answers an HTTP request (with any status)."""
    conn = http.client.HTTPConnection(host, port, timeout=2)
    try:
        conn.request("GET", "/openapi.json")
        conn.getresponse().read()
        return True
    except OSError:
        return False
    finally:
        conn.close()


@contextlib.contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a background thread on 127.0.0.1; yield its base URL.

    The listening socket is bound here (port 0) and handed to uvicorn, so no other process can
    take the port between choosing and listening.
    """
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((HOST, 0))
    port = int(sock.getsockname()[1])
    config = uvicorn.Config(app, host=HOST, port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    failure: list[BaseException] = []

    def run() -> None:
        try:
            server.run(sockets=[sock])
        except BaseException as exc:  # SystemExit too: uvicorn exits when startup fails
            failure.append(exc)

    thread = threading.Thread(target=run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while not (server.started and _answers(HOST, port)):
            if not thread.is_alive():
                raise RuntimeError(f"the test server on {HOST}:{port} did not start: {failure}")
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the test server on {HOST}:{port} did not answer "
                    f"within {SERVER_START_TIMEOUT} s"
                )
            time.sleep(0.05)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        thread.join(SERVER_STOP_TIMEOUT)
        if thread.is_alive():  # open connections it would wait for: stop waiting
            server.force_exit = True
            thread.join(SERVER_STOP_TIMEOUT)
        sock.close()
        if thread.is_alive():
            raise RuntimeError(f"the test server on {HOST}:{port} did not stop")


# ---------------------------------------------------------------------------- pages


@dataclass
class PageProblems:
    """What a page did that fails the test: console errors, page errors, outside requests."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return (
            [f"console error: {m}" for m in self.console_errors]
            + [f"page error: {m}" for m in self.page_errors]
            + [f"request to a host other than {HOST}: {u}" for u in self.outside_requests]
        )


def _is_local(url: str) -> bool:
    return bool(_LOCAL.match(url))


def watch(page: Page, problems: PageProblems) -> None:
    """Record a page's console errors, uncaught errors and requests that leave 127.0.0.1."""

    def on_console(message: Any) -> None:
        if message.type != "error":
            return
        location = message.location or {}
        if not location.get("url") and "Content Security Policy" in message.text:
            # Blocked by the CSP in a script the test injected (page.evaluate has no URL),
            # e.g. axe-core adding a <style> to read a stylesheet it cannot read directly.
            # The page's own violations carry the page's or the script's URL.
            return
        where = f" ({location.get('url')}:{location.get('lineNumber')})" if location else ""
        problems.console_errors.append(message.text + where)

    def on_request(request: Any) -> None:
        if not _is_local(request.url):
            problems.outside_requests.append(f"{request.method} {request.url}")

    def on_websocket(websocket: Any) -> None:
        if not _is_local(websocket.url):
            problems.outside_requests.append(f"WebSocket {websocket.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.page_errors.append(str(error)))
    page.on("request", on_request)
    page.on("websocket", on_websocket)


@contextlib.contextmanager
def open_page(
    browser: Browser, base_url: str, **context_options: Any
) -> Iterator[tuple[Page, PageProblems]]:
    """A page in a fresh context (``base_url`` set, English), with its problems recorded.

    Requests that would leave 127.0.0.1 are recorded and aborted. The context is closed on
    exit; checking the problems is the caller's business (the fixtures fail the test).
    """
    options: dict[str, Any] = {"base_url": base_url, "locale": LOCALE, **context_options}
    context: BrowserContext = browser.new_context(**options)
    problems = PageProblems()
    try:
        context.route(_NOT_LOCAL, lambda route: route.abort("blockedbyclient"))
        page = context.new_page()
        watch(page, problems)
        yield page, problems
    finally:
        context.close()


@contextlib.contextmanager
def _checked_page(browser: Browser, base_url: str, options: dict[str, Any]) -> Iterator[Page]:
    with open_page(browser, base_url, **options) as (page, problems):
        yield page
    lines = problems.lines()
    if lines:
        pytest.fail("the page had problems:\n  " + "\n  ".join(lines), pytrace=False)


# ---------------------------------------------------------------------------- axe-core

_axe: Any = None


def axe_serious(page: Page, context: str | list[Any] | dict[str, Any] | None = None) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each.

    ``context`` limits or excludes parts of the page (axe-core's context, e.g.
    ``{"exclude": [["#map"]]}``). An empty list means none: ``assert axe_serious(page) == []``.

    axe is injected with ``page.evaluate``, which runs over the DevTools protocol and is not
    subject to the page's Content-Security-Policy (script-src 'self'), so no ``bypass_csp``
    is needed: the page is checked with the headers it really has. When axe cannot read a
    stylesheet's rules (e.g. the stylesheet failed to load) it tries to add a <style> element,
    which the CSP blocks; the page fixtures ignore that console message (see ``watch``).
    """
    global _axe
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe

        _axe = Axe()
    results = _axe.run(page, context=context)
    lines = []
    for violation in results.response["violations"]:
        if violation.get("impact") not in ("serious", "critical"):
            continue
        targets = [
            " >> ".join(map(str, t)) if isinstance(t, list) else str(t)
            for node in violation["nodes"]
            for t in node["target"]
        ]
        lines.append(
            f"{violation['id']} ({violation['impact']}): {violation['help']} "
            f"[{len(violation['nodes'])} element(s): {', '.join(targets)}] "
            f"{violation.get('helpUrl', '')}".rstrip()
        )
    return lines


# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def chromium_path(request: pytest.FixtureRequest) -> Path:
    """Debian's Chromium (installed on demand when root); skip, or fail in CI, without it."""
    try:
        ensure_python_packages()
        return ensure_chromium(uncaptured_announcer(request.config))
    except BrowserUnavailable as exc:
        unavailable(str(exc))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of the crampcheck web app over a fresh SQLite diary, served by uvicorn."""
    from crampcheck.web.app import create_app

    path = tmp_path_factory.mktemp("live-server") / "diary.sqlite3"
    app = create_app(f"sqlite:///{path}")
    try:
        with serve(app) as base_url:
            yield base_url
    finally:
        app.state.diary.close()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Browser]:
    """One headless Chromium for the whole session."""
    with launch_browser(chromium_path) as launched:
        yield launched


@pytest.fixture
def phone_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A phone-sized page (390x844, touch, 2x) on the live server; fails on page problems."""
    with _checked_page(browser, live_server, PHONE) as page:
        yield page


@pytest.fixture
def desktop_page(browser: Browser, live_server: str) -> Iterator[Page]:
    """A desktop-sized page (1280x800) on the live server; fails on page problems."""
    with _checked_page(browser, live_server, DESKTOP) as page:
        yield page


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def page(request: pytest.FixtureRequest, browser: Browser, live_server: str) -> Iterator[Page]:
    """``phone_page`` and ``desktop_page`` in turn: the test runs at both sizes."""
    with _checked_page(browser, live_server, request.param) as opened:
        yield opened
