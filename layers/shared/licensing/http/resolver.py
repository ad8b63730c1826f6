"""The resolver every API function uses, and who is calling (from the authorizer's context)."""

from __future__ import annotations

import inspect
import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, Literal, NamedTuple

from aws_lambda_powertools.event_handler import APIGatewayRestResolver
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.access import roles
from licensing.core.actors import ADMIN, Actor
from licensing.core.errors import Forbidden, InvalidIdempotencyKey, InvalidIfMatch, Unauthorized
from licensing.http.contract import REQUIRED_ROLE
from licensing.http.problems import register_problem_handlers
from licensing.http.proxy import (
    MAX_BODY_BYTES,
    method_not_allowed,
    payload_too_large,
    refused,
    unsupported_media_type,
)
from licensing.infra.observability import logger, metrics
from licensing.infra.tracing import traced

IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class _RequestState(threading.local):
    event: Any = None
    lambda_context: Any = None
    context: dict[str, Any] | None = None


class Resolver(APIGatewayRestResolver):
    """Powertools' REST resolver that knows each API Gateway resource's methods. API Gateway sends a
    resource's other methods here too (its ANY route in template.yaml): they are 405 METHOD_NOT_ALLOWED
    with `Allow`, decided by the resource, not the path (GET /v1/licenses/claim is not a license key).

    It also keeps the request's state per thread. Powertools keeps the current event on its BaseRouter
    class and the routing context (the matched route, whose status a model answer takes) on the app, so
    two requests served at once by one process, as the concurrency tests' threads do (Lambda never
    does), would read each other's.
    """

    _request = _RequestState()

    @property
    def current_event(self) -> Any:
        return self._request.event

    @current_event.setter
    def current_event(self, value: Any) -> None:
        self._request.event = value

    @property
    def lambda_context(self) -> Any:
        return self._request.lambda_context

    @lambda_context.setter
    def lambda_context(self, value: Any) -> None:
        self._request.lambda_context = value

    @property
    def context(self) -> dict[str, Any]:
        if self._request.context is None:
            self._request.context = {}
        return self._request.context

    @context.setter
    def context(self, value: dict[str, Any]) -> None:
        self._request.context = value

    def __init__(self, *, enable_validation: bool, max_body: int = MAX_BODY_BYTES) -> None:
        super().__init__(enable_validation=enable_validation)
        self._methods: dict[str, set[str]] = {}  # by resource, e.g. /v1/orders/{order_id}
        self._required_roles: dict[tuple[str, str], str] = {}  # (resource, method) -> x-required-role
        self.max_body = max_body

    def route(self, rule: str, method: Any, *args: Any, **kwargs: Any) -> Any:
        resource = re.sub(r"<(\w+)>", r"{\1}", rule)
        methods = [m.upper() for m in ([method] if isinstance(method, str) else method)]
        self._methods.setdefault(resource, set()).update(methods)
        bound = _ROUTE_SIGNATURE.bind_partial(self, rule, method, *args, **kwargs).arguments
        required = (bound.get("openapi_extensions") or {}).get(REQUIRED_ROLE)
        for each in methods:
            if required is None:
                raise LookupError(
                    f"{each} {resource}: declare it with licensing.http.contract.operation(...)"
                )
            self._required_roles[(resource, each)] = required
        return super().route(rule, method, *args, **kwargs)

    def resolve(self, event: Mapping[str, Any], context: LambdaContext) -> dict[str, Any]:
        allowed = self._methods.get(event.get("resource") or "")
        if allowed and event.get("httpMethod") not in allowed:
            return method_not_allowed(event, sorted(allowed))
        refused = (
            self._role_refusal(event)
            or payload_too_large(event, self.max_body)
            or unsupported_media_type(event)
        )
        if refused:
            return refused
        self.current_event = self._to_proxy_event(dict(event))  # Powertools sets its class-wide copy too
        self.lambda_context = context
        return super().resolve(event, context)

    def _role_refusal(self, event: Mapping[str, Any]) -> dict[str, Any] | None:
        """403 before any other work when the route's declared role is not the caller's (the authorizer
        has already refused unknown callers with 401, and put who they are in its context)."""
        required = self._required_roles.get((event.get("resource") or "", event.get("httpMethod") or ""))
        if required is None or required in OPEN_ROLES:
            return None
        context = authorizer_context(event)
        audience = context.get("role")
        if audience not in ROLES:
            return refused(event, Unauthorized("A valid API key or sign-in is required."))
        if required in ROLES:
            allowed = audience == required
        else:
            allowed = audience == "partner" and roles.grants(context.get("partner_role"), required)
        if allowed:
            return None
        return refused(event, Forbidden(f"This route needs the {required} role."))


_ROUTE_SIGNATURE = inspect.signature(APIGatewayRestResolver.route)
OPEN_ROLES = ("public", "payment_provider")


def create_app(*, validation: bool = True) -> Resolver:
    """A resolver with problem handlers; `validation=False` keeps pydantic out of a function's cold start."""
    app = Resolver(enable_validation=validation)
    register_problem_handlers(app)
    return app


ROLES = ("partner", "admin", "distributor")


class Principal(NamedTuple):
    """The caller: `role` is whose routes it may reach (a partner's, the admin's, a distributor's);
    `partner_role` what a partner's person or key may do there (licensing.access.roles)."""

    role: Literal["partner", "admin", "distributor"]
    partner_id: str | None
    api_key_id: str | None
    distributor_id: str | None = None
    partner_role: str | None = None
    user_id: str | None = None  # a person's Cognito `sub`; None for an API key
    email: str | None = None

    @property
    def actor(self) -> Actor:
        """Who to record in a history entry for a change this caller makes."""
        if self.user_id:
            return Actor("user", self.user_id, self.email)
        if self.role == "admin":
            return ADMIN
        return Actor("api_key", self.api_key_id or "unknown")

    def require_partner(self) -> str:
        if self.role != "partner" or not self.partner_id:
            raise Forbidden("This route is for a partner's people and API keys.")
        return self.partner_id

    def require_admin(self) -> None:
        if self.role != "admin":
            raise Forbidden("This route needs the admin key.")

    def require_distributor(self) -> str:
        if self.role != "distributor" or not self.distributor_id:
            raise Forbidden("This route is for distributor API keys.")
        return self.distributor_id


def authorizer_context(event: Mapping[str, Any]) -> dict[str, Any]:
    return ((event.get("requestContext") or {}).get("authorizer")) or {}


def principal(app: APIGatewayRestResolver | Router) -> Principal:
    """The caller as the REQUEST authorizer described it in its context (a Router: its resolver's event)."""
    event = app.current_event
    context = event.request_context.authorizer.get_context() or {}  # type: ignore[attr-defined]
    role = context.get("role")
    if role not in ROLES:
        raise Unauthorized("A valid API key or sign-in is required.")
    return Principal(
        role=role,
        partner_id=context.get("partner_id") or None,
        api_key_id=context.get("api_key_id") or None,
        distributor_id=context.get("distributor_id") or None,
        partner_role=context.get("partner_role") or None,
        user_id=context.get("user_id") or None,
        email=context.get("email") or None,
    )


def if_match(app: APIGatewayRestResolver) -> int | None:
    """The license version an `If-Match` header names: `3`, `"3"` or `W/"3"`; None without the header."""
    value = app.current_event.headers.get("If-Match")
    if value is None:
        return None
    version = value.strip().removeprefix("W/").strip('"')
    if not (version.isascii() and version.isdigit() and len(version) <= 12):
        raise InvalidIfMatch('Send the license\'s version as returned in its ETag, e.g. If-Match: "3".')
    return int(version)


def idempotency_key(app: APIGatewayRestResolver | Router) -> str | None:
    value = app.current_event.headers.get("Idempotency-Key")
    if value is None:
        return None
    if not IDEMPOTENCY_KEY.match(value):
        raise InvalidIdempotencyKey("Use 1 to 255 visible ASCII characters, e.g. a UUID.")
    return value


def api_handler(app: APIGatewayRestResolver) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """The Lambda entry point of an API function: correlation id on every log line, metrics flushed, and
    X-Ray subsegments for the handler and its AWS calls (`licensing.infra.tracing`)."""

    @traced
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return logger.inject_lambda_context(
        correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False
    )(metrics.log_metrics(lambda_handler))
