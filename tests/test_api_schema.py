"""Schemathesis against the app's own OpenAPI document: no generated request is a server error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import schemathesis
from hypothesis import HealthCheck, settings

from crampcheck.web.app import create_app

DB = Path(__file__).resolve().parent.parent / ".schemathesis" / "api.sqlite3"
DB.parent.mkdir(exist_ok=True)
DB.unlink(missing_ok=True)
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(f"sqlite:///{DB}"))


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_request_is_a_server_error(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.text[:300])
