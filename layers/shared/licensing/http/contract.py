"""What a route promises in the OpenAPI document, declared next to the route:

    @app.post("/v1/orders", **operation("createOrder", ORDERS, "Place an order", UnknownProduct,
                                        role="purchaser", status=201, headers=(IDEMPOTENCY_KEY,)))

`operation` gives Powertools the operationId, tag, summary, success status and the role a caller needs
(`x-required-role`, which the resolver enforces), and records the problems the route's own use cases
raise (`x-problems`) and the request headers it reads (`x-headers`). `devtools/openapi.py` turns those
into `application/problem+json` responses, each with an enum of its codes, and header parameters, and
adds what every route shares: 401/403 behind the authorizer, 400 for a malformed request, 405, 429, 500
and 503. Nothing here runs per request.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, NamedTuple

from licensing.access.roles import REQUIRED_ROLES, RequiredRole
from licensing.core.errors import (
    Conflict,
    DomainError,
    IdempotencyKeyReused,
    InvalidIdempotencyKey,
    InvalidIfMatch,
    VersionConflict,
)

# One tag per context, in the order the document lists them (descriptions: devtools/openapi.py).
HEALTH, LOOKUP, CATALOG, ORDERS, LICENSES, RENEWALS, BILLING, OFFERS, SETTINGS = (
    "Health",
    "Lookup",
    "Catalog",
    "Orders",
    "Licenses",
    "Renewals",
    "Billing",
    "Offers",
    "Settings",
)
DISTRIBUTORS, PARTNERS, PAYMENTS = "Distributors", "Partners", "Payments"
PEOPLE = "People"

# Who may call a route: a partner's person (a Cognito token) or API key with one of the roles, or another
# caller, as the OpenAPI document's `security` (alternatives) and `x-required-role` say.
PARTNER_SECURITY: list[dict[str, list[str]]] = [{"partnerKey": []}, {"partnerUser": []}]
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "admin": [{"adminKey": []}],
    "distributor": [{"distributorKey": []}],
    "payment_provider": [{"paymentSignature": []}],
    "public": [],
}
REQUIRED_ROLE = "x-required-role"
IDEMPOTENCY_KEY_PATTERN = r"^[\x21-\x7e]{1,255}$"


class Header(NamedTuple):
    """A request header a route reads by hand, and the problems a bad value gives."""

    parameter: dict[str, Any]
    errors: tuple[type[DomainError], ...]


IDEMPOTENCY_KEY = Header(
    {
        "name": "Idempotency-Key",
        "in": "header",
        "required": False,
        "description": "Makes a retry safe: the same key and body answer the first result again, "
        "for 24 hours; the same key with another body is 409 IDEMPOTENCY_KEY_REUSED.",
        "schema": {"type": "string", "pattern": IDEMPOTENCY_KEY_PATTERN, "example": "7f9c1e2a-order-1"},
    },
    (InvalidIdempotencyKey, IdempotencyKeyReused, Conflict),  # Conflict: the first request still runs
)
IF_MATCH = Header(
    {
        "name": "If-Match",
        "in": "header",
        "required": False,
        "description": "The version the change is based on, as the license's ETag gave it: "
        'a stale one is 412 VERSION_CONFLICT. `3`, `"3"` and `W/"3"` are accepted.',
        "schema": {"type": "string", "pattern": r'^(W/)?"?[0-9]{1,12}"?$', "example": '"3"'},
    },
    (InvalidIfMatch, VersionConflict),
)
CSV_RESPONSE = {"text/csv": {"schema": {"type": "string"}}}


def problem_codes(errors: Iterable[type[DomainError]]) -> dict[str, list[str]]:
    """{status: [codes]} of these errors, as the `x-problems` extension records them."""
    codes: dict[str, set[str]] = {}
    for error in errors:
        codes.setdefault(str(error.status), set()).add(error.code)
    return {status: sorted(found) for status, found in sorted(codes.items())}


def operation(
    operation_id: str,
    tag: str,
    summary: str,
    *errors: type[DomainError],
    role: RequiredRole,
    status: int = 200,
    headers: tuple[Header, ...] = (),
    csv: str | None = None,
) -> dict[str, Any]:
    """The keyword arguments of a Powertools route decorator for this operation (see the module doc).

    `role`: who may call it (licensing.access.roles): a partner role, or admin, distributor,
    payment_provider, public. The resolver enforces it before any other work.
    `errors`: what the route's use cases raise, beyond what every route shares. `csv`: the route answers
    `text/csv`, described by this text, instead of its JSON model.
    """
    declared = [*errors, *(error for header in headers for error in header.errors)]
    if role not in REQUIRED_ROLES:
        raise ValueError(f"{operation_id}: unknown role {role!r}")
    extensions: dict[str, Any] = {"x-problems": problem_codes(declared), REQUIRED_ROLE: role}
    if headers:
        extensions["x-headers"] = [header.parameter for header in headers]
    route: dict[str, Any] = {
        "operation_id": operation_id,
        "tags": [tag],
        "summary": summary,
        "status_code": status,
        "security": SECURITY.get(role, PARTNER_SECURITY),
        "openapi_extensions": extensions,
    }
    if csv is not None:
        route["responses"] = {status: {"description": csv, "content": CSV_RESPONSE}}
    return route
