"""Lambda proxy plumbing for a single-route function that skips the Powertools resolver (the lookup: the
resolver package alone adds about a fifth of `import boto3` to the cold start)."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Mapping
from typing import Any

from licensing.core.errors import (
    DomainError,
    MalformedJson,
    MethodNotAllowed,
    PayloadTooLarge,
    UnsupportedMediaType,
)
from licensing.http.problem_details import CONTENT_TYPE, problem_for, problem_headers, unexpected_problem
from licensing.infra.observability import logger

# The largest body a route reads, checked before any parsing or database call (API Gateway's own cap is
# 10 MB). The biggest body the API takes (a checkout or an offer) is a few KiB; the lookup's is one key.
MAX_BODY_BYTES = 64 * 1024
LOOKUP_MAX_BODY_BYTES = 4 * 1024


def json_body(event: dict[str, Any]) -> Any:
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        raw = base64.b64decode(raw).decode("utf-8", errors="replace")
    try:
        return json.loads(raw) if raw else None
    except json.JSONDecodeError:
        raise MalformedJson("The request body could not be parsed as JSON.") from None


def result(status: int, body: Any, content_type: str = "application/json") -> dict[str, Any]:
    return {"statusCode": status, "headers": {"Content-Type": content_type}, "body": json.dumps(body)}


def refused(event: Mapping[str, Any], error: DomainError) -> dict[str, Any]:
    """The problem answer for a domain error, logged as a refusal."""
    logger.info("Request refused", extra={"code": error.code, "status": error.status})
    request_id = (event.get("requestContext") or {}).get("requestId")
    answered = result(error.status, problem_for(error, request_id), CONTENT_TYPE)
    answered["headers"].update(problem_headers(error))
    return answered


def method_not_allowed(event: Mapping[str, Any], allowed: list[str]) -> dict[str, Any]:
    """405 with `Allow`: API Gateway sent a method the resource does not have (its ANY route)."""
    methods = ", ".join(allowed)
    answered = refused(
        event, MethodNotAllowed(f"{event.get('httpMethod')} is not allowed here; use {methods}.")
    )
    answered["headers"]["Allow"] = methods
    return answered


def unsupported_media_type(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """415 when a body comes as anything but JSON (form data, XML, text), else None: every body is JSON,
    and Powertools would otherwise try to parse forms (a multipart body without a boundary is a 500)."""
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    media_type = str(headers.get("content-type") or "").split(";")[0].strip().lower()
    if not event.get("body") or not media_type or media_type == "application/json":
        return None
    return refused(event, UnsupportedMediaType(f"Send the body as application/json, not {media_type[:100]}."))


def body_size(event: Mapping[str, Any]) -> int:
    """The body's size in bytes, as the client sent it (a base64 body is counted decoded)."""
    raw = event.get("body") or ""
    if event.get("isBase64Encoded"):
        return len(raw) * 3 // 4 - raw[-2:].count("=")
    return len(raw) if raw.isascii() else len(raw.encode("utf-8", errors="replace"))


def payload_too_large(event: Mapping[str, Any], limit: int) -> dict[str, Any] | None:
    """413 when the body is over `limit` bytes, else None: refused before it is parsed or any work."""
    if body_size(event) <= limit:
        return None
    return refused(event, PayloadTooLarge(f"Send a body of at most {limit} bytes."))


def respond(
    event: dict[str, Any],
    answer: Callable[[], Any],
    method: str = "POST",
    max_body: int = MAX_BODY_BYTES,
) -> dict[str, Any]:
    """200 with `answer()`, or the problem for whatever it raised (never a traceback). The function's one
    route has one `method`; API Gateway sends it any other (ANY), which is 405 with `Allow`. A body over
    `max_body` bytes is 413 before `answer` runs."""
    if event.get("httpMethod") != method:
        return method_not_allowed(event, [method])
    too_large = payload_too_large(event, max_body)
    if too_large:
        return too_large
    try:
        return result(200, answer())
    except DomainError as error:
        return refused(event, error)
    except Exception as error:
        problem = unexpected_problem(error)
        request_id = (event.get("requestContext") or {}).get("requestId")
        answered = result(problem.status, problem_for(problem, request_id), CONTENT_TYPE)
        answered["headers"].update(problem_headers(problem))
        return answered
