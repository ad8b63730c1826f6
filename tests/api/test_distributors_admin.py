"""Distributors administered by vendor operators, partners assigned to them, and distributor API keys,
through the real authorizer and handlers."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from devtools.gateway import HttpResponse, LambdaContext, LocalGateway
from licensing.store.table import ApiKeyItem
from tests.support.clients import Api, Partner
from tests.support.distributors import Distributor, create_distributor
from tests.support.paths import REPO_ROOT
from tests.support.problems import assert_problem
from tests.support.table import snapshot


def assert_gateway_problem(response: HttpResponse, status: int, code: str) -> None:
    assert response.status == status, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code


# ------------------------------------------------------------------------------------ admin routes


def test_create_get_update_a_distributor(admin: Api) -> None:
    created = admin.post(
        "/v1/admin/distributors",
        {
            "name": "Nordic Distribution",
            "email": "orders@nordic.example",
            "support_url": "https://nordic.example/help",
        },
    )
    assert created.status == 201, created.body
    distributor = created.json()
    assert distributor["id"].startswith("dst_")
    assert (distributor["name"], distributor["email"]) == ("Nordic Distribution", "orders@nordic.example")
    assert (distributor["support_url"], distributor["discount_percent"]) == ("https://nordic.example/help", 0)
    assert admin.get(f"/v1/admin/distributors/{distributor['id']}").json() == distributor

    updated = admin.patch(
        f"/v1/admin/distributors/{distributor['id']}", {"discount_percent": 12.5, "support_url": None}
    )
    assert updated.status == 200, updated.body
    assert (updated.json()["discount_percent"], updated.json()["support_url"]) == (12.5, None)
    assert updated.json()["version"] == distributor["version"] + 1
    assert updated.json()["name"] == "Nordic Distribution"
    assert admin.get(f"/v1/admin/distributors/{distributor['id']}").json() == updated.json()
    unchanged = admin.patch(f"/v1/admin/distributors/{distributor['id']}", {})
    assert unchanged.json()["version"] == updated.json()["version"]


def test_distributors_are_listed_a_page_at_a_time_with_a_query(admin: Api, ddb_calls) -> None:
    ids = [create_distributor(admin, name=f"Distributor {n}")["id"] for n in range(3)]
    ddb_calls.reset()
    first = admin.get("/v1/admin/distributors", query={"limit": "2"})
    assert first.status == 200, first.body
    assert [d["id"] for d in first.json()["items"]] == ids[:2]
    assert ddb_calls.calls == ["Query"]
    assert ddb_calls.params[0]["IndexName"] == "GSI1"
    rest = admin.get("/v1/admin/distributors", query={"limit": "2", "cursor": first.json()["next_cursor"]})
    assert [d["id"] for d in rest.json()["items"]] == ids[2:]
    assert rest.json()["next_cursor"] is None
    assert [d["id"] for d in admin.get("/v1/admin/distributors").json()["items"]] == ids


@pytest.mark.parametrize(
    "body",
    [
        {"email": "a@b.example"},
        {"name": "A"},
        {"name": "", "email": "a@b.example"},
        {"name": "A\nB", "email": "a@b.example"},
        {"name": "A", "email": "not-an-email"},
        {"name": "A", "email": "a@b.example", "support_url": "http://insecure.example"},
        {"name": "A", "email": "a@b.example", "support_url": "https://"},
        {"name": "A", "email": "a@b.example", "support_url": "https://x.example/" + "a" * 500},
        {"name": "A", "email": "a@b.example", "discount_percent": 101},
        {"name": "A", "email": "a@b.example", "discount_percent": -1},
        {"name": "A", "email": "a@b.example", "discount_percent": "1.234"},  # a number would be rounded
        {"name": "A", "email": "a@b.example", "currency": "EUR"},
    ],
)
def test_bad_distributor_bodies_are_400_and_write_nothing(admin: Api, body: dict) -> None:
    before = snapshot()
    assert_problem(admin.post("/v1/admin/distributors", body), 400, "VALIDATION_ERROR")
    assert snapshot() == before


def test_bad_distributor_updates_and_reads(admin: Api) -> None:
    distributor = create_distributor(admin)
    path = f"/v1/admin/distributors/{distributor['id']}"
    before = snapshot()
    assert_problem(admin.patch(path, {"name": None}), 400, "VALIDATION_ERROR")
    assert_problem(admin.patch(path, {"email": None}), 400, "VALIDATION_ERROR")
    assert_problem(admin.patch(path, {"support_url": "ftp://x.example"}), 400, "VALIDATION_ERROR")
    assert_problem(admin.patch(path, {"discount_percent": 100.5}), 400, "VALIDATION_ERROR")
    assert_problem(admin.patch(path, {"id": "dst_other"}), 400, "VALIDATION_ERROR")
    assert_problem(admin.patch(path, body="{not json"), 400, "MALFORMED_JSON")
    assert_problem(
        admin.patch("/v1/admin/distributors/dst_missing", {"name": "X"}), 404, "DISTRIBUTOR_NOT_FOUND"
    )
    assert_problem(admin.get("/v1/admin/distributors/dst_missing"), 404, "DISTRIBUTOR_NOT_FOUND")
    assert_problem(admin.get("/v1/admin/distributors/" + "d" * 3000), 404, "DISTRIBUTOR_NOT_FOUND")
    assert_problem(admin.get("/v1/admin/distributors", query={"limit": "0"}), 400, "VALIDATION_ERROR")
    assert_problem(admin.get("/v1/admin/distributors", query={"limit": "101"}), 400, "VALIDATION_ERROR")
    assert_problem(admin.get("/v1/admin/distributors", query={"cursor": "forged"}), 400, "INVALID_CURSOR")
    assert_problem(
        admin.post("/v1/admin/distributors/dst_missing/api-keys", {}), 404, "DISTRIBUTOR_NOT_FOUND"
    )
    assert_problem(admin.post(f"{path}/api-keys", {"name": "x" * 101}), 400, "VALIDATION_ERROR")
    assert snapshot() == before


def test_a_partner_key_on_the_admin_distributor_routes_is_403(admin: Api, partner: Partner) -> None:
    distributor = create_distributor(admin)
    before = snapshot()
    assert_gateway_problem(
        partner.api.post("/v1/admin/distributors", {"name": "A", "email": "a@b.example"}), 403, "FORBIDDEN"
    )
    assert_gateway_problem(partner.api.get("/v1/admin/distributors"), 403, "FORBIDDEN")
    assert_gateway_problem(partner.api.get(f"/v1/admin/distributors/{distributor['id']}"), 403, "FORBIDDEN")
    assert_gateway_problem(
        partner.api.patch(f"/v1/admin/distributors/{distributor['id']}", {"name": "B"}), 403, "FORBIDDEN"
    )
    assert_gateway_problem(
        partner.api.post(f"/v1/admin/distributors/{distributor['id']}/api-keys", {}), 403, "FORBIDDEN"
    )
    assert snapshot() == before


def test_the_admin_middleware_guards_the_distributor_router_past_the_gateway(
    admin: Api, partner: Partner, gateway: LocalGateway
) -> None:
    """Defence in depth: the included router's routes run under the admin function's admin-only check."""
    from devtools.gateway import api_event
    from functions.admin import app

    route = next(r for r in gateway.routes if r.resource == "/v1/admin/distributors" and r.method == "POST")
    body = '{"name": "Sneaky", "email": "a@b.example"}'
    before = snapshot()
    for context in (
        {"role": "partner", "partner_id": partner.id, "principalId": "x"},
        {"role": "distributor", "distributor_id": "dst_x", "principalId": "y"},
    ):
        event = api_event(route, "/v1/admin/distributors", {}, {}, {}, body, False, "req-1")
        event["requestContext"]["authorizer"] = context
        assert app.lambda_handler(event, LambdaContext("admin"))["statusCode"] == 403
    assert snapshot() == before


# ------------------------------------------------------------------------------------ partners


def test_a_partner_must_name_an_existing_distributor(admin: Api, partner: Partner) -> None:
    before = snapshot()
    body = {"name": "A", "email": "a@b.example", "currency": "EUR", "distributor_id": "dst_missing"}
    problem = assert_problem(admin.post("/v1/admin/partners", body), 422, "DISTRIBUTOR_NOT_FOUND")
    assert problem["distributor_id"] == "dst_missing"
    assert_problem(
        admin.patch(f"/v1/admin/partners/{partner.id}", {"distributor_id": "dst_missing", "name": "B"}),
        422,
        "DISTRIBUTOR_NOT_FOUND",
    )
    assert snapshot() == before
    assert admin.get(f"/v1/admin/partners/{partner.id}").json()["name"] == "Acme Reseller"


def test_partners_are_listed_for_their_distributor_and_move_with_it(admin: Api) -> None:
    nordic, baltic = Distributor.create(admin), Distributor.create(admin, name="Baltic Distribution")
    first = Partner.create(admin, name="First", currency="USD", distributor_id=nordic.id)
    second = Partner.create(admin, name="Second")
    Partner.create(admin, name="Direct")
    assert admin.patch(f"/v1/admin/partners/{second.id}", {"distributor_id": nordic.id}).status == 200
    listed = nordic.api.get("/v1/distributor/partners")
    assert listed.status == 200, listed.body
    assert listed.json() == {
        "items": [
            {"id": first.id, "name": "First", "currency": "USD"},
            {"id": second.id, "name": "Second", "currency": "EUR"},
        ],
        "next_cursor": None,
    }
    page = nordic.api.get("/v1/distributor/partners", query={"limit": "1"}).json()
    assert [p["id"] for p in page["items"]] == [first.id]
    rest = nordic.api.get("/v1/distributor/partners", query={"limit": "1", "cursor": page["next_cursor"]})
    assert [p["id"] for p in rest.json()["items"]] == [second.id]

    admin.patch(f"/v1/admin/partners/{first.id}", {"distributor_id": baltic.id})
    admin.patch(f"/v1/admin/partners/{second.id}", {"distributor_id": None})
    assert nordic.api.get("/v1/distributor/partners").json()["items"] == []
    assert [p["id"] for p in baltic.api.get("/v1/distributor/partners").json()["items"]] == [first.id]
    assert admin.get(f"/v1/admin/partners/{second.id}").json()["distributor_id"] is None


def test_a_cursor_of_another_distributor_is_refused(admin: Api) -> None:
    nordic, baltic = Distributor.create(admin), Distributor.create(admin, name="Baltic Distribution")
    for name in ("A", "B"):
        Partner.create(admin, name=name, distributor_id=nordic.id)
    cursor = nordic.api.get("/v1/distributor/partners", query={"limit": "1"}).json()["next_cursor"]
    query = {"limit": "1", "cursor": cursor}
    assert_problem(baltic.api.get("/v1/distributor/partners", query=query), 400, "INVALID_CURSOR")
    assert_problem(nordic.api.get("/v1/distributor/partners", query={"limit": "0"}), 400, "VALIDATION_ERROR")


# ------------------------------------------------------------------------------------ API keys


def test_a_distributor_key_is_shown_once_and_stored_hashed(admin: Api) -> None:
    distributor = create_distributor(admin)
    created = admin.post(f"/v1/admin/distributors/{distributor['id']}/api-keys", {"name": "erp"})
    assert created.status == 201, created.body
    body = created.json()
    assert body["key_id"].startswith("dlk_") and body["api_key"].startswith(body["key_id"] + ".")
    assert (body["distributor_id"], body["partner_id"], body["name"]) == (distributor["id"], None, "erp")
    item = ApiKeyItem.get(f"APIKEY#{body['key_id']}", "APIKEY")
    assert body["api_key"].split(".", 1)[1] not in str(item.to_simple_dict())
    stored = item.to_simple_dict()
    assert stored["GSI1PK"] == f"DISTRIBUTOR#{distributor['id']}#APIKEYS"


def test_a_distributor_key_reaches_only_the_distributor_routes(admin: Api, partner: Partner) -> None:
    distributor = Distributor.create(admin)
    before = snapshot()
    for method, path in [
        ("GET", "/v1/catalog"),
        ("GET", "/v1/licenses"),
        ("POST", "/v1/orders"),
        ("GET", "/v1/orders"),
        ("GET", "/v1/settings"),
        ("GET", "/v1/admin/distributors"),
        ("POST", "/v1/admin/partners"),
        ("GET", f"/v1/admin/partners/{partner.id}"),
    ]:
        body = {"product": "home", "devices": 1, "years": 1} if method == "POST" else None
        assert_gateway_problem(distributor.api.request(method, path, body), 403, "FORBIDDEN")
    assert snapshot() == before
    assert distributor.api.get("/v1/distributor/partners").status == 200


def test_partner_and_admin_keys_are_refused_on_the_distributor_routes(admin: Api, partner: Partner) -> None:
    before = snapshot()
    assert_gateway_problem(partner.api.get("/v1/distributor/partners"), 403, "FORBIDDEN")
    assert_gateway_problem(
        partner.api.post(
            f"/v1/distributor/partners/{partner.id}/orders", {"product": "home", "devices": 1, "years": 1}
        ),
        403,
        "FORBIDDEN",
    )
    assert_problem(admin.get("/v1/distributor/partners"), 403, "FORBIDDEN")  # the handler's own check
    assert snapshot() == before


def test_a_revoked_distributor_key_is_401(admin: Api) -> None:
    distributor = Distributor.create(admin)
    assert distributor.api.get("/v1/distributor/partners").status == 200
    assert admin.delete(f"/v1/admin/api-keys/{distributor.key_id}").status == 204
    assert_gateway_problem(distributor.api.get("/v1/distributor/partners"), 401, "UNAUTHORIZED")
    forged = f"{distributor.key_id}.{'A' * 32}"
    assert_gateway_problem(admin.with_key(forged).get("/v1/distributor/partners"), 401, "UNAUTHORIZED")


def test_the_authorizer_gives_a_distributor_key_its_role_and_a_policy_for_its_routes(
    admin: Api, gateway: LocalGateway, ddb_calls
) -> None:
    distributor = Distributor.create(admin)
    event = {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:eu-west-1:123456789012:api/prod/GET/v1/distributor/partners",
        "headers": {"Authorization": f"Bearer {distributor.api_key}"},
        "path": "/v1/distributor/partners",
        "httpMethod": "GET",
        "requestContext": {},
    }
    ddb_calls.reset()
    policy = gateway.handler("functions.authorizer.app")(event, LambdaContext("authorizer"))
    assert ddb_calls.calls == ["GetItem"]
    assert policy["context"]["role"] == "distributor"
    assert policy["context"]["distributor_id"] == distributor.id
    assert policy["context"]["partner_id"] == ""
    statements = policy["policyDocument"]["Statement"]
    assert [(s["Effect"], s["Resource"]) for s in statements] == [
        ("Allow", ["arn:aws:execute-api:eu-west-1:123456789012:api/prod/*/v1/distributor/*"])
    ]


def test_the_functions_load_as_lambda_loads_them() -> None:
    """In Lambda a function's folder is the code root: `app` imports its router module as a top-level one."""
    for function in ("admin", "checkout"):
        routes = "app.app._static_routes + app.app._dynamic_routes"
        code = f"import app, json; print(json.dumps(sorted({{r.path for r in {routes}}})))"
        env = {"PYTHONPATH": f"{REPO_ROOT / 'functions' / function}:{REPO_ROOT / 'layers' / 'shared'}",
               "TABLE_NAME": "lambda-test", "AWS_DEFAULT_REGION": "eu-west-1", "PATH": ""}  # fmt: skip
        done = subprocess.run(  # noqa: S603
            [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
            cwd=REPO_ROOT / "functions" / function,
        )  # fmt: skip
        rules = json.loads(done.stdout)
        assert any("distributor" in rule for rule in rules), (function, rules)
