"""The RFC 7807 problem answers of the API, checked the same way everywhere."""

from __future__ import annotations

from typing import Any

from devtools.gateway import HttpResponse


def assert_problem(response: HttpResponse, status: int, code: str) -> dict[str, Any]:
    assert response.status == status, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["code"] == code
    assert problem["status"] == status
    assert problem["type"].endswith(code.lower().replace("_", "-"))
    assert problem["title"] and problem["detail"]
    assert "Traceback" not in response.body
    return problem
