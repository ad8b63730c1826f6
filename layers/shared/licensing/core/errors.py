"""The base domain errors: each carries its HTTP status and a stable UPPER_SNAKE_CASE code.

Every context defines its own errors (`<context>/errors.py`) as subclasses of these, and they all become
RFC 9457 problems in exactly one place: `licensing.http.problem_details`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extensions = extensions


# 400: the request itself is malformed
class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"
    title = "The request is not valid"


class MalformedJson(DomainError):
    code = "MALFORMED_JSON"
    title = "The request body is not valid JSON"


class InvalidCursor(DomainError):
    code = "INVALID_CURSOR"
    title = "The cursor is not valid for this request"


class InvalidIfMatch(DomainError):
    code = "INVALID_IF_MATCH"
    title = "If-Match must be a license version"


class InvalidIdempotencyKey(DomainError):
    code = "INVALID_IDEMPOTENCY_KEY"
    title = "The Idempotency-Key header is not valid"


# 401 / 403
class Unauthorized(DomainError):
    status = 401
    code = "UNAUTHORIZED"
    title = "Unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "FORBIDDEN"
    title = "Forbidden"


# 404
class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"
    title = "Not found"


class MethodNotAllowed(DomainError):
    status = 405
    code = "METHOD_NOT_ALLOWED"
    title = "Method not allowed"


class PayloadTooLarge(DomainError):
    status = 413
    code = "PAYLOAD_TOO_LARGE"
    title = "The request body is too large"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "UNSUPPORTED_MEDIA_TYPE"
    title = "The request body's media type is not supported"


# 409 / 412
class Conflict(DomainError):
    status = 409
    code = "CONFLICT"
    title = "Conflict"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
    title = "This Idempotency-Key was used with another request"


class VersionConflict(DomainError):
    status = 412
    code = "VERSION_CONFLICT"
    title = "The resource changed since it was read"


# 422: well-formed but against the catalog or the rules
class Unprocessable(DomainError):
    status = 422
    code = "UNPROCESSABLE"
    title = "The request cannot be processed"


# 500: never raised for bad input; only what the catch-all handler reports
class InternalError(DomainError):
    status = 500
    code = "INTERNAL_ERROR"
    title = "Internal error"


# 503: DynamoDB stayed throttled or failing past the retry budget; the change was written whole or not at all
class ServiceUnavailable(DomainError):
    status = 503
    code = "SERVICE_UNAVAILABLE"
    title = "The service is busy; retry shortly"
    retry_after: ClassVar[int] = 1  # seconds, sent as the Retry-After header
