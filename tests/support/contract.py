"""Every answer the test suite gets from the API is checked against docs/openapi.json: its status is one
the operation documents, and a problem's `code` is in that status's enum. A route that answers what
its declaration (licensing.http.contract.operation) leaves out fails whichever test met it."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from devtools.gateway import HttpResponse, resource_pattern
from tests.support.paths import REPO_ROOT

PROBLEM_CONTENT = "application/problem+json"


@functools.cache
def _paths() -> list[tuple[re.Pattern[str], str, dict[str, Any]]]:
    document = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
    found = [
        (resource_pattern(template), template, methods) for template, methods in document["paths"].items()
    ]
    return sorted(found, key=lambda entry: entry[1].count("{"))  # static paths win, as in API Gateway


def operation_for(method: str, path: str) -> tuple[str, dict[str, Any]] | None:
    """The operation API Gateway would route to: the path's resource first, then its method."""
    for pattern, template, methods in _paths():
        if pattern.fullmatch(path):
            operation = methods.get(method.lower())
            return (template, operation) if operation else None
    return None


def problem_codes(operation: dict[str, Any], status: int) -> list[str]:
    schema = operation["responses"][str(status)]["content"][PROBLEM_CONTENT]["schema"]
    return [
        code
        for part in schema["allOf"]
        for code in part.get("properties", {}).get("code", {}).get("enum", [])
    ]


def check_answer(method: str, path: str, response: HttpResponse) -> None:
    """Raise AssertionError when the answer is not one the document promises for this operation."""
    found = operation_for(method.upper(), path)
    if found is None:
        return  # an unknown route or method: 404 / 405, which no operation documents
    template, operation = found
    name = f"{method.upper()} {template} ({operation['operationId']})"
    assert str(response.status) in operation["responses"], (
        f"{name} answered {response.status}, which docs/openapi.json does not document: {response.body[:300]}"
    )
    content_type = next((v for k, v in response.headers.items() if k.lower() == "content-type"), "")
    if response.status >= 400:
        assert content_type.startswith(PROBLEM_CONTENT), (
            f"{name} answered {response.status} as {content_type}"
        )
        code = response.json().get("code")
        codes = problem_codes(operation, response.status)
        assert code in codes, f"{name} answered {response.status} {code}, not among its documented {codes}"
