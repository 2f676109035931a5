"""Smoke test in a real browser: the home page loads at phone and desktop sizes, has a
heading and no serious accessibility problems (see ``tests/browser.py`` for the fixtures)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tests.browser import axe_serious

if TYPE_CHECKING:
    from playwright.sync_api import Page


def test_home_page(page: Page) -> None:
    response = page.goto("/")
    assert response is not None
    assert response.status == 200, f"GET / answered {response.status}"
    assert page.locator("h1").count() >= 1, "the home page has no <h1>"
    assert axe_serious(page) == []
