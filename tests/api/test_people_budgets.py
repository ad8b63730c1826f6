"""DynamoDB call budgets of the people, API key and who-am-I routes, counted at botocore for the function
alone (past the authorizer, whose one read is budgeted in test_call_budgets.py)."""

from __future__ import annotations

import json

import pytest

from devtools.gateway import LambdaContext, LocalGateway, api_event
from tests.support.clients import Api, Partner
from tests.support.distributors import create_distributor
from tests.support.invoke import invoke

PASSWORD = "Sup3r-Secret-Pw!"


@pytest.fixture
def person(partner: Partner, user_pool) -> dict:
    body = {"email": "budget@acme.example", "role": "purchaser", "temporary_password": PASSWORD}
    answer = partner.api.post("/v1/users", body)
    assert answer.status == 201, answer.body
    return answer.json()


def test_people_routes(gateway: LocalGateway, partner: Partner, person: dict, ddb_calls) -> None:
    def spent(method: str, path: str, body: object = None, **headers: str) -> tuple[int, list[str]]:
        ddb_calls.reset()
        status, _ = invoke(gateway, partner, method, path, body, **headers)
        return status, list(ddb_calls.calls)

    invitation = {"email": "new@acme.example", "role": "billing", "temporary_password": PASSWORD}
    once = {"Idempotency-Key": "budget-invite"}
    assert spent("GET", "/v1/users") == (200, ["Query"])
    assert spent("POST", "/v1/users", invitation, **once) == (201, ["TransactWriteItems"])
    # a replay: the directory says the e-mail exists, the person's item and the record are read
    assert spent("POST", "/v1/users", invitation, **once) == (201, ["GetItem", "GetItem"])
    path = f"/v1/users/{person['id']}"
    assert spent("PATCH", path, {"role": "read_only"}) == (200, ["GetItem", "TransactWriteItems"])
    assert spent("DELETE", path) == (204, ["GetItem", "TransactWriteItems", "DeleteItem"])
    assert spent("GET", "/v1/me") == (200, ["GetItem", "GetItem"])  # the partner, the caller's key


def test_me_for_a_distributors_partner_reads_the_distributor_once(
    gateway: LocalGateway, admin: Api, partner: Partner, ddb_calls
) -> None:
    distributor_id = create_distributor(admin)["id"]
    assert admin.patch(f"/v1/admin/partners/{partner.id}", {"distributor_id": distributor_id}).status == 200
    ddb_calls.reset()
    status, _ = invoke(gateway, partner, "GET", "/v1/me")
    assert (status, ddb_calls.calls) == (200, ["GetItem", "GetItem", "GetItem"])  # + the distributor


def test_api_key_routes(gateway: LocalGateway, partner: Partner, ddb_calls) -> None:
    ddb_calls.reset()
    status, key = invoke(gateway, partner, "POST", "/v1/api-keys", {"name": "b", "role": "billing"})
    assert (status, ddb_calls.calls) == (201, ["GetItem", "PutItem"])
    ddb_calls.reset()
    assert invoke(gateway, partner, "GET", "/v1/api-keys")[0] == 200
    assert ddb_calls.calls == ["Query"]
    ddb_calls.reset()
    assert invoke(gateway, partner, "DELETE", f"/v1/api-keys/{key['key_id']}")[0] == 204
    assert ddb_calls.calls == ["GetItem", "UpdateItem"]


def as_admin(gateway: LocalGateway, method: str, path: str, body: object = None) -> int:
    """The admin function called as API Gateway does once the authorizer allowed the admin key."""
    route, params = next((r, p) for r in gateway.routes if (p := r.match(method, path)) is not None)
    event = api_event(route, path, params, {}, {}, json.dumps(body) if body else None, False, "req-budget")
    event["requestContext"]["authorizer"] = {"principalId": "admin", "role": "admin"}
    return int(gateway.handler(route.module)(event, LambdaContext(route.module))["statusCode"])


def test_admin_people_routes(gateway: LocalGateway, partner: Partner, user_pool, ddb_calls) -> None:
    path = f"/v1/admin/partners/{partner.id}/users"
    body = {"email": "first@acme.example", "role": "owner", "temporary_password": PASSWORD}
    ddb_calls.reset()
    assert as_admin(gateway, "POST", path, body) == 201
    assert ddb_calls.calls == ["GetItem", "TransactWriteItems"]  # the partner, then the person and count
    ddb_calls.reset()
    assert as_admin(gateway, "GET", path) == 200
    assert ddb_calls.calls == ["GetItem", "Query"]
