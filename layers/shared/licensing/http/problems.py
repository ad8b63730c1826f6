"""The one place where errors become RFC 9457 problem details (`application/problem+json`)."""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from licensing.errors import DomainError, InternalError, MalformedJson, NotFound, ValidationFailed
from licensing.observability import logger

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


def problem_response(app: APIGatewayRestResolver, error: DomainError) -> Response[str]:
    event = app.current_event
    body = problem_body(
        error.status,
        error.code,
        error.title,
        error.detail,
        instance=event.request_context.request_id,
        request_id=event.request_context.request_id,
        **error.extensions,
    )
    return Response(status_code=error.status, content_type=CONTENT_TYPE, body=json.dumps(body))


def _field(location: tuple[Any, ...]) -> str:
    return ".".join(str(part) for part in location)


def validation_problem(errors: list[dict[str, Any]]) -> DomainError:
    """Translate pydantic's findings into one clear 400 problem that names each bad field."""
    if any(error.get("type") == "json_invalid" for error in errors):
        return MalformedJson("The request body could not be parsed as JSON.")
    fields = [{"field": _field(tuple(e.get("loc", ()))), "message": e.get("msg", "invalid")} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields)
    return ValidationFailed(summary, errors=fields)


def register_problem_handlers(app: APIGatewayRestResolver) -> None:
    def refuse(error: DomainError) -> Response[str]:
        logger.info("Request refused", extra={"code": error.code, "status": error.status})
        return problem_response(app, error)

    @app.exception_handler(DomainError)
    def _domain_error(error: DomainError) -> Response[str]:
        return refuse(error)

    @app.exception_handler(RequestValidationError)
    def _invalid_request(error: RequestValidationError) -> Response[str]:
        return refuse(validation_problem(list(error.errors())))

    @app.exception_handler(json.JSONDecodeError)
    def _not_json(_: json.JSONDecodeError) -> Response[str]:  # bodies read without pydantic
        return refuse(MalformedJson("The request body could not be parsed as JSON."))

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return problem_response(app, NotFound("No such route."))

    @app.exception_handler(Exception)
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("Unhandled error")
        return problem_response(app, InternalError("An unexpected error occurred; it has been logged."))
