"""Every operation of docs/openapi.json x every caller: the status each must get, and no answer (body or
headers, JSON or CSV) showing partner A's or partner C's identifiers to anyone but themselves (and C's
distributor D, and the admin on admin routes). A refused call writes nothing, and a 404 for another
tenant's resource is the 404 of an identifier nobody owns. One hand-written row per operation: a new
route without a row fails here, as does a row whose audience disagrees with the operation's `security`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from devtools.gateway import HttpResponse, LocalGateway
from licensing.access.roles import grants
from licensing.http.contract import PARTNER_SECURITY
from tests.support.offers import approval_body, offer_body, request_body
from tests.support.paths import REPO_ROOT
from tests.support.tenants import (
    B_PERSON,
    PASSWORD,
    ROLE_CALLERS,
    World,
    matrix_world,
    table_items,
    unknown_like,
)

SPEC = json.loads((REPO_ROOT / "docs" / "openapi.json").read_text())
OPERATIONS = [f"{m.upper()} {path}" for path, ops in SPEC["paths"].items() for m in ops]

# The callers, in the order of each row's statuses. Before the bar: no key, `Bearer not-a-key`, an unknown
# key-shaped `plk_...`, A's key id with a wrong secret, A's revoked key, the payment provider's signature
# (and no key); after it: A's key, partner B's, the admin key, distributor D's (C's), distributor E's.
CALLERS = ("anonymous", "malformed", "unknown_key", "forged_secret", "revoked", "provider")
CALLERS += ("owner", "other_partner", "admin", "distributor", "other_distributor")
SCHEMES = {"partner": "partnerKey", "admin": "adminKey", "distributor": "distributorKey"}
SCHEMES |= {"webhook": "paymentSignature"}
# After those, A's callers with roles: its purchaser, billing and read-only API keys, and its people of
# the four roles signed in through Cognito (tests.support.tenants). Their statuses follow from each
# operation's `x-required-role` in the document (role_status), not from the rows.
CALLERS += tuple(ROLE_CALLERS)
SEES = {"owner": {"A"}, "distributor": {"C"}, "admin": {"A", "C"}}  # whose data a success may show
SEES |= {caller: {"A"} for caller in ROLE_CALLERS}


@dataclass(frozen=True)
class Row:
    audience: str  # partner, admin, distributor, public, webhook
    expect: dict[str, int]  # the hand-written statuses, then role_status's
    path: dict[str, str]  # path parameter -> the name of a World resource
    body: Any  # JSON, or a function of the World
    query: dict[str, str]  # query parameter -> the name of a World resource
    reveals: bool  # the owner's success shows its identifiers (so the leak check can fail)
    again: int | None  # what a second success of another caller gets (the first changed the state)
    after_owner: set[str] = field(default_factory=set)  # the callers that get `again`: they go last


def row(
    audience: str,
    statuses: str,
    *,
    path: dict[str, str] | None = None,
    body: Any = None,
    query: dict[str, str] | None = None,
    reveals: bool = False,
    again: int | None = None,
) -> Row:
    codes = [int(code) for code in statuses.replace("|", " ").split()]
    keys = [caller for caller in CALLERS if caller not in ROLE_CALLERS]
    assert len(codes) == len(keys), statuses
    return Row(audience, dict(zip(keys, codes, strict=True)), path or {}, body, query or {}, reveals, again)


def role_status(operation: str, spec_row: Row, caller: str) -> int:
    """A role caller's status, from the operation's `x-required-role`: the owner's when the role grants
    it (or `again`, the state having changed), else 403; on others' routes, the owner's key's."""
    method, path = operation.split(" ", 1)
    required = SPEC["paths"][path][method.lower()]["x-required-role"]
    owners = spec_row.expect["owner"]
    if spec_row.audience != "partner":
        return owners
    if not grants(ROLE_CALLERS[caller], required):
        return 403
    return spec_row.again or owners if owners < 400 else owners


# path parameters -> World resources, and bodies (JSON, or functions of the World)
ACTIVE, PARTNER_A, PARTNER_C = {"key": "active"}, {"partner_id": "partner_a"}, {"partner_id": "partner_c"}
DISTRIBUTOR_D = {"distributor_id": "distributor_d"}
ORDER = {"product": "business", "devices": 5, "years": 1}
NEW_PARTNER = {"name": "New Matrix Partner", "email": "new@partner.example", "currency": "EUR"}
NEW_DISTRIBUTOR = {"name": "New Matrix Distribution", "email": "new@distributor.example"}


def lookup_body(w: World) -> dict[str, str]:
    return {"license_key": w.ids["active"], "workspace_id": "ws-alpha-active"}


def claim_body(w: World) -> dict[str, str]:
    return {"key": w.ids["active"]}


def coupon_body(w: World) -> dict[str, str]:
    return {"coupon_key": w.ids["coupon"]}


def offer(resource: str) -> Callable[[World], dict[str, str]]:
    return lambda w: {"offer_id": w.ids[resource]}


# `again=409` (or 404): the owner's success used up what the row names (the offer, the coupon, the
# suspension, the person...), so a granted role after it is refused by the state, not by its role.
# fmt: off
ROWS: dict[str, Row] = {
    # statuses: anonymous malformed unknown_key forged_secret revoked provider | A B admin D E
    "GET /health":
        row("public", "200 200 200 200 200 200 | 200 200 200 200 200"),
    "GET /v1/auth/config":  # where people sign in: the same answer for everyone
        row("public", "200 200 200 200 200 200 | 200 200 200 200 200"),
    "POST /v1/lookup":
        row("public", "200 200 200 200 200 200 | 200 200 200 200 200", body=lookup_body),
    "POST /v1/webhooks/payments":  # the body: a payment of A's pending order, signed for `provider` only
        row("webhook", "401 401 401 401 401 200 | 401 401 401 401 401"),
    "GET /v1/catalog":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403"),
    "POST /v1/quotes":  # A's offer named by B: as unknown as any other
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", body=offer("offer")),
    "POST /v1/orders":
        row("partner", "401 401 401 401 401 401 | 201 404 403 403 403", body=offer("to_buy"), again=409),
    "GET /v1/orders":  # B's search for A's order finds nothing
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", query={"q": "order"}, reveals=True),
    "GET /v1/orders/{order_id}":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path={"order_id": "order"},
            reveals=True),
    "GET /v1/licenses":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", query={"q": "active"}, reveals=True),
    "GET /v1/licenses/export":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", query={"q": "active"}, reveals=True),
    "POST /v1/licenses/claim":  # B naming A's key: 409 OWNED_BY_ANOTHER_PARTNER, by design
        row("partner", "401 401 401 401 401 401 | 200 409 403 403 403", body=claim_body, reveals=True),
    "GET /v1/licenses/{key}":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path=ACTIVE, reveals=True),
    "PATCH /v1/licenses/{key}":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path=ACTIVE, body={"note": "matrix"},
            reveals=True),
    "GET /v1/licenses/{key}/history":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path=ACTIVE),
    "POST /v1/licenses/{key}/assign":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path={"key": "to_assign"},
            body={"workspace_id": "ws-matrix"}, reveals=True),
    "POST /v1/licenses/{key}/suspend":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path={"key": "to_suspend"},
            reveals=True, again=409),
    "POST /v1/licenses/{key}/reinstate":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path={"key": "suspended"},
            reveals=True, again=409),
    "POST /v1/licenses/{key}/cancel":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path={"key": "to_cancel"},
            reveals=True, again=409),
    "GET /v1/licenses/{key}/renewal-options":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path=ACTIVE, reveals=True),
    "POST /v1/licenses/{key}/renew":
        row("partner", "401 401 401 401 401 401 | 201 404 403 403 403", path=ACTIVE, body={"years": 1},
            reveals=True),
    "POST /v1/licenses/{key}/renew-with-coupon":  # B naming A's license and A's coupon
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path=ACTIVE, body=coupon_body,
            reveals=True, again=409),
    "GET /v1/settings":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403"),
    "PATCH /v1/settings":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", body={"reminder_days": [30, 7]}),
    "GET /v1/billing/usage":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", reveals=True),
    "GET /v1/billing/usage.csv":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", reveals=True),
    "GET /v1/offers":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", reveals=True),
    "POST /v1/discount-requests":
        row("partner", "401 401 401 401 401 401 | 201 201 403 403 403", body=request_body()),
    "GET /v1/discount-requests":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", reveals=True),
    # a partner's people and keys, for its owners; B's person's e-mail is refused to A as to B
    "GET /v1/users":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", reveals=True),
    "POST /v1/users":
        row("partner", "401 401 401 401 401 401 | 409 409 403 403 403",
            body={"email": B_PERSON, "role": "purchaser", **PASSWORD}),
    "PATCH /v1/users/{user_id}":
        row("partner", "401 401 401 401 401 401 | 200 404 403 403 403", path={"user_id": "a_user"},
            body={"role": "billing"}, reveals=True),
    "DELETE /v1/users/{user_id}":
        row("partner", "401 401 401 401 401 401 | 204 404 403 403 403", path={"user_id": "a_leaver"},
            again=404),  # removed by the owner key before the owner person tries
    "GET /v1/me":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", reveals=True),
    "GET /v1/api-keys":
        row("partner", "401 401 401 401 401 401 | 200 200 403 403 403", reveals=True),
    "POST /v1/api-keys":
        row("partner", "401 401 401 401 401 401 | 201 201 403 403 403",
            body={"name": "matrix", "role": "billing"}),
    "DELETE /v1/api-keys/{key_id}":
        row("partner", "401 401 401 401 401 401 | 204 404 403 403 403", path={"key_id": "self_key"}),
    # the distributor routes on C, D's partner: E is the other distributor
    "GET /v1/distributor/partners":
        row("distributor", "401 401 401 401 401 401 | 403 403 403 200 200", reveals=True),
    "POST /v1/distributor/partners/{partner_id}/orders":
        row("distributor", "401 401 401 401 401 401 | 403 403 403 201 404", path=PARTNER_C, body=ORDER),
    "GET /v1/distributor/partners/{partner_id}/orders":
        row("distributor", "401 401 401 401 401 401 | 403 403 403 200 404", path=PARTNER_C, reveals=True),
    "GET /v1/distributor/orders/{order_id}":
        row("distributor", "401 401 401 401 401 401 | 403 403 403 200 404", path={"order_id": "c_order"},
            reveals=True),
    "POST /v1/admin/partners":
        row("admin", "401 401 401 401 401 401 | 403 403 201 403 403", body=NEW_PARTNER),
    "GET /v1/admin/partners/{partner_id}":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path=PARTNER_A, reveals=True),
    "PATCH /v1/admin/partners/{partner_id}":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path=PARTNER_A,
            body={"discount_percent": 10}, reveals=True),
    "POST /v1/admin/partners/{partner_id}/api-keys":
        row("admin", "401 401 401 401 401 401 | 403 403 201 403 403", path=PARTNER_A,
            body={"name": "matrix"}),
    "DELETE /v1/admin/api-keys/{key_id}":
        row("admin", "401 401 401 401 401 401 | 403 403 204 403 403", path={"key_id": "spare_key_id"}),
    "POST /v1/admin/partners/{partner_id}/users":
        row("admin", "401 401 401 401 401 401 | 403 403 201 403 403", path=PARTNER_A,
            body={"email": "alpha-second-owner@alpha-matrix.example", "role": "owner", **PASSWORD}),
    "GET /v1/admin/partners/{partner_id}/users":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path=PARTNER_A, reveals=True),
    "POST /v1/admin/offers":
        row("admin", "401 401 401 401 401 401 | 403 403 201 403 403", body=lambda w: offer_body(w.a)),
    "GET /v1/admin/offers":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", query={"partner_id": "partner_a"},
            reveals=True),
    "GET /v1/admin/offers/{offer_id}":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path={"offer_id": "offer"},
            reveals=True),
    "DELETE /v1/admin/offers/{offer_id}":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path={"offer_id": "to_withdraw"},
            reveals=True),
    "GET /v1/admin/discount-requests":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", reveals=True),
    "POST /v1/admin/discount-requests/{request_id}/approve":
        row("admin", "401 401 401 401 401 401 | 403 403 201 403 403", path={"request_id": "to_approve"},
            body=approval_body(), reveals=True),
    "POST /v1/admin/discount-requests/{request_id}/reject":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path={"request_id": "to_reject"},
            body={"reason": "not eligible"}, reveals=True),
    "POST /v1/admin/distributors":
        row("admin", "401 401 401 401 401 401 | 403 403 201 403 403", body=NEW_DISTRIBUTOR),
    "GET /v1/admin/distributors":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403"),
    "GET /v1/admin/distributors/{distributor_id}":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path=DISTRIBUTOR_D),
    "PATCH /v1/admin/distributors/{distributor_id}":
        row("admin", "401 401 401 401 401 401 | 403 403 200 403 403", path=DISTRIBUTOR_D,
            body={"discount_percent": 5}),
    "POST /v1/admin/distributors/{distributor_id}/api-keys":
        row("admin", "401 401 401 401 401 401 | 403 403 201 403 403", path=DISTRIBUTOR_D,
            body={"name": "matrix"}),
}
# fmt: on
for _operation, _row in ROWS.items():
    _row.expect.update({caller: role_status(_operation, _row, caller) for caller in ROLE_CALLERS})
    _row.after_owner.update(c for c in ROLE_CALLERS if _row.again and _row.expect[c] == _row.again != 403)


@pytest.fixture(scope="module")
def world(gateway: LocalGateway) -> Iterator[World]:
    with matrix_world(gateway) as built:
        yield built


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    body: str | None
    query: dict[str, list[str]]
    inputs: set[str]  # what the caller sent: an answer may echo it


def call_of(operation: str, spec_row: Row, world: World, rename: Callable[[str], str] = str) -> Call:
    method, template = operation.split(" ", 1)
    params = {name: rename(world.ids[resource]) for name, resource in spec_row.path.items()}
    query = {name: world.ids[resource] for name, resource in spec_row.query.items()}
    body = spec_row.body(world) if callable(spec_row.body) else spec_row.body
    raw = None if body is None else json.dumps(body)
    if spec_row.audience == "webhook":
        raw = world.payment(world.ids["pending"], int(world.ids["pending_amount"]))[0]
    path = template.format(**params)
    inputs = {*params.values(), *query.values(), *strings(json.loads(raw) if raw else None)}
    return Call(method, path, raw, {k: [v] for k, v in query.items()}, inputs)


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict | list):
        for item in value.values() if isinstance(value, dict) else value:
            yield from strings(item)


def send(gateway: LocalGateway, world: World, spec_row: Row, call: Call, caller: str) -> HttpResponse:
    headers = dict(world.callers[caller])
    if call.body is not None:
        headers["Content-Type"] = "application/json"
    body = call.body
    if spec_row.audience == "webhook" and caller == "provider":  # a fresh event, signed
        body, signed = world.payment(world.ids["pending"], int(world.ids["pending_amount"]))
        headers.update(signed)
    return gateway.request(call.method, call.path, headers=headers, query=call.query, body=body)


def check_cell(operation: str, spec_row: Row, world: World, caller: str, response: HttpResponse,
               call: Call) -> None:  # fmt: skip
    expected = spec_row.expect[caller]
    cell = f"{operation} as {caller}"
    assert response.status == expected, f"{cell}: {response.status} {response.body[:300]}"
    text = response.body + "".join(f"\n{k}: {v}" for k, v in response.headers.items())
    visible = SEES.get(caller, set()) if expected < 400 else set()
    for tenant, identifiers in world.identifiers.items():
        if tenant not in visible:
            leaked = sorted(i for i in identifiers - call.inputs if i in text)
            assert not leaked, f"{cell} shows {tenant}'s {leaked}: {text[:500]}"
    if visible and spec_row.reveals:
        shown = set().union(*(world.identifiers[t] for t in visible)) - call.inputs
        assert any(i in text for i in shown), f"{cell} shows none of its own data: {text[:300]}"
    if expected >= 400:
        check_problem(cell, response, expected, spec_row.audience)


def check_problem(cell: str, response: HttpResponse, status: int, audience: str) -> None:
    assert response.headers.get("Content-Type") == "application/problem+json", cell
    problem = response.json()
    assert problem["status"] == status, cell
    code = problem["code"]
    if status == 401:
        assert code == ("INVALID_SIGNATURE" if audience == "webhook" else "UNAUTHORIZED"), cell
    if status == 401 and audience != "webhook":
        assert response.headers.get("WWW-Authenticate") == "Bearer", cell
    if status == 403:
        assert code == "FORBIDDEN", f"{cell}: {code}"
    if status == 404:
        assert code.endswith("NOT_FOUND"), f"{cell}: {code}"


def check_not_an_oracle(gateway: LocalGateway, world: World, operation: str, spec_row: Row,
                        caller: str, response: HttpResponse) -> None:  # fmt: skip
    """Another tenant's resource answers as an identifier nobody owns does, but for the echoed id."""
    renamed: dict[str, str] = {}

    def rename(value: str) -> str:
        return renamed.setdefault(value, unknown_like(value))

    unknown = send(gateway, world, spec_row, call_of(operation, spec_row, world, rename), caller)
    problem, expected = response.json(), unknown.json()
    detail = problem["detail"]
    for original, substitute in renamed.items():
        detail = detail.replace(original, substitute)
    assert (response.status, problem["code"]) == (unknown.status, expected["code"])
    assert detail == expected["detail"]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_every_caller_gets_its_status_and_only_its_own_data(
    gateway: LocalGateway, world: World, operation: str
) -> None:
    assert operation in ROWS, f"{operation} has no row in the authorization matrix"
    spec_row = ROWS[operation]
    call = call_of(operation, spec_row, world)
    refused = [c for c in CALLERS if spec_row.expect[c] >= 400 and c not in spec_row.after_owner]
    before = table_items()
    for caller in refused:
        response = send(gateway, world, spec_row, call, caller)
        check_cell(operation, spec_row, world, caller, response, call)
        if caller.startswith("other_") and response.status == 404 and spec_row.path:
            check_not_an_oracle(gateway, world, operation, spec_row, caller, response)
    assert table_items() == before, f"a refused {operation} wrote to the table"
    for caller in (c for c in CALLERS if c not in refused):  # the owner before spec_row.after_owner
        check_cell(operation, spec_row, world, caller, send(gateway, world, spec_row, call, caller), call)


def audience_of(operation: dict[str, Any]) -> str:
    """public for `security: []`, else the audience of its one scheme (none declared is no audience)."""
    security = operation.get("security", SPEC.get("security"))
    if security == []:
        return "public"
    if security == PARTNER_SECURITY:
        return "partner"
    schemes = {name for requirement in security or [] for name in requirement}
    by_scheme = {scheme: audience for audience, scheme in SCHEMES.items()}
    assert len(schemes) == 1 and schemes <= by_scheme.keys(), f"security {security} names no one audience"
    return by_scheme[schemes.pop()]


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_rows_audience_is_the_operations_security(operation: str) -> None:
    method, path = operation.split(" ", 1)
    assert operation in ROWS, f"{operation} has no row in the authorization matrix"
    assert audience_of(SPEC["paths"][path][method.lower()]) == ROWS[operation].audience


def test_every_row_is_an_operation_of_the_spec() -> None:
    assert sorted(set(ROWS) - set(OPERATIONS)) == []


def test_matrix_size(record_property: Callable[[str, object], None]) -> None:
    """The README quotes this count: `pytest -rP -k matrix_size` prints it."""
    cells = sum(len(ROWS[op].expect) for op in OPERATIONS if op in ROWS)
    record_property("authorization_cells", cells)
    print(f"authorization cells checked: {cells} ({len(OPERATIONS)} operations x {len(CALLERS)} callers)")
    assert cells == len(OPERATIONS) * len(CALLERS), "an operation has no row"
