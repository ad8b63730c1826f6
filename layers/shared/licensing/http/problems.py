"""Problem responses for the Powertools resolvers: every error a route raises, validation failures,
unknown routes and the unexpected, mapped through `licensing.http.problem_details`."""

from __future__ import annotations

import json

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from licensing.core.errors import DomainError, MalformedJson, NotFound
from licensing.http.problem_details import (
    CONTENT_TYPE,
    problem_for,
    problem_headers,
    unexpected_problem,
    validation_problem,
)
from licensing.infra.observability import logger


def problem_response(app: APIGatewayRestResolver, error: DomainError) -> Response[str]:
    body = problem_for(error, app.current_event.request_context.request_id)
    return Response(
        status_code=error.status,
        content_type=CONTENT_TYPE,
        body=json.dumps(body),
        headers=problem_headers(error),
    )


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
        return problem_response(app, unexpected_problem(error))
