"""The one place where errors become RFC 9457 problem details (`application/problem+json`).

Free of any web framework: the Powertools resolvers (`licensing.http.problems`) and the lean lookup
handler (`licensing.http.proxy`) both answer with these bodies.
"""

from __future__ import annotations

from typing import Any

from licensing.core.errors import (
    DomainError,
    InternalError,
    MalformedJson,
    ServiceUnavailable,
    ValidationFailed,
)
from licensing.infra.observability import logger
from licensing.store.transient import unavailable

PROBLEM_TYPE_BASE = "https://licensing.example.com/problems/"
CONTENT_TYPE = "application/problem+json"


def problem_body(status: int, code: str, title: str, detail: str, **extensions: Any) -> dict[str, Any]:
    return {
        "type": PROBLEM_TYPE_BASE + code.lower().replace("_", "-"),
        "title": title,
        "status": status,
        "detail": detail,
        "code": code,
        **extensions,
    }


def problem_for(error: DomainError, request_id: str | None) -> dict[str, Any]:
    """The problem body of a domain error; `instance` names this occurrence by its request id."""
    return problem_body(
        error.status,
        error.code,
        error.title,
        error.detail,
        instance=request_id,
        request_id=request_id,
        **error.extensions,
    )


def problem_headers(error: DomainError) -> dict[str, str]:
    """The headers a problem answer carries besides its media type: `Retry-After` (seconds) on a 503."""
    if isinstance(error, ServiceUnavailable):
        return {"Retry-After": str(error.retry_after)}
    return {}


def validation_problem(errors: list[dict[str, Any]]) -> DomainError:
    """Translate pydantic's findings into one clear 400 problem that names each bad field."""
    if any(error.get("type") == "json_invalid" for error in errors):
        return MalformedJson("The request body could not be parsed as JSON.")
    fields = [
        {"field": ".".join(str(part) for part in e.get("loc", ())), "message": e.get("msg", "invalid")}
        for e in errors
    ]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return ValidationFailed(summary, errors=fields)


def unexpected_problem(error: Exception) -> DomainError:
    """The problem for an exception no use case expected, logged: a 503 when DynamoDB is still failing
    after botocore's retries, else a 500 that says nothing internal (the log line has the traceback)."""
    busy = unavailable(error)
    if busy is not None:
        logger.warning("DynamoDB unavailable", extra={"error": type(error).__name__})
        return busy
    logger.exception("Unhandled error")
    return InternalError("An unexpected error occurred; it has been logged.")
