"""Partner administration, API keys and the authorizer, through API Gateway's behaviour."""

from __future__ import annotations

import pytest

from devtools.gateway import HttpResponse
from licensing.store.table import PartnerItem
from tests.support.clients import Api, Partner
from tests.support.distributors import create_distributor
from tests.support.problems import assert_problem


def partner_count() -> int:
    return sum(1 for item in PartnerItem.scan() if item.SK == "PROFILE")


def test_create_get_and_update_partner(admin: Api) -> None:
    created = admin.post(
        "/v1/admin/partners",
        {
            "name": "Acme",
            "email": "ops@acme.example",
            "currency": "USD",
            "discount_percent": 12.5,
            "billing": "monthly",
        },
    )
    assert created.status == 201, created.body
    partner = created.json()
    assert partner["id"].startswith("ptn_")
    assert (partner["currency"], partner["discount_percent"], partner["billing"]) == ("USD", 12.5, "monthly")
    assert partner["distributor_id"] is None
    assert admin.get(f"/v1/admin/partners/{partner['id']}").json() == partner

    distributor_id = create_distributor(admin)["id"]
    updated = admin.patch(
        f"/v1/admin/partners/{partner['id']}", {"discount_percent": 20, "distributor_id": distributor_id}
    )
    assert updated.status == 200, updated.body
    assert (updated.json()["discount_percent"], updated.json()["distributor_id"]) == (20, distributor_id)
    assert updated.json()["version"] == partner["version"] + 1
    cleared = admin.patch(f"/v1/admin/partners/{partner['id']}", {"distributor_id": None}).json()
    assert cleared["distributor_id"] is None
    assert cleared["name"] == "Acme"


def test_partner_discount_change_applies_to_the_next_quote(admin: Api, partner: Partner) -> None:
    body = {"product": "home", "devices": 1, "years": 1}
    assert partner.api.post("/v1/quotes", body).json()["price_per_license"]["amount"] == 1800
    admin.patch(f"/v1/admin/partners/{partner.id}", {"discount_percent": 25})
    assert partner.api.post("/v1/quotes", body).json()["price_per_license"]["amount"] == 1500


@pytest.mark.parametrize(
    "body",
    [
        {"email": "ops@acme.example", "currency": "EUR"},
        {"name": "A", "email": "not-an-email", "currency": "EUR"},
        {"name": "A", "email": "a@b.example", "currency": "GBP"},
        {"name": "A", "email": "a@b.example", "currency": "EUR", "discount_percent": 101},
        {"name": "A", "email": "a@b.example", "currency": "EUR", "discount_percent": -1},
        {
            "name": "A",
            "email": "a@b.example",
            "currency": "EUR",
            "discount_percent": "1.234",
        },  # a number would be rounded
        {"name": "A", "email": "a@b.example", "currency": "EUR", "billing": "yearly"},
        {"name": "", "email": "a@b.example", "currency": "EUR"},
        {"name": "A\nB", "email": "a@b.example", "currency": "EUR"},
    ],
)
def test_bad_partner_bodies_are_400_and_write_nothing(admin: Api, body: dict) -> None:
    assert_problem(admin.post("/v1/admin/partners", body), 400, "VALIDATION_ERROR")
    assert partner_count() == 0


def test_bad_partner_updates(admin: Api, partner: Partner) -> None:
    assert_problem(admin.patch(f"/v1/admin/partners/{partner.id}", {"name": None}), 400, "VALIDATION_ERROR")
    assert_problem(
        admin.patch(f"/v1/admin/partners/{partner.id}", {"currency": "USD"}), 400, "VALIDATION_ERROR"
    )
    assert_problem(admin.patch("/v1/admin/partners/ptn_missing", {"name": "X"}), 404, "PARTNER_NOT_FOUND")
    assert_problem(admin.get("/v1/admin/partners/ptn_missing"), 404, "PARTNER_NOT_FOUND")
    assert admin.get(f"/v1/admin/partners/{partner.id}").json()["name"] == "Acme Reseller"


def test_api_key_is_shown_once_and_stored_hashed(admin: Api, partner: Partner) -> None:
    from licensing.store.table import ApiKeyItem

    item = ApiKeyItem.get(f"APIKEY#{partner.key_id}", "APIKEY")
    secret = partner.api_key.split(".", 1)[1]
    assert secret not in str(item.to_simple_dict())
    assert len(item.secret_hash) == 64


def test_api_key_for_unknown_partner_is_404(admin: Api) -> None:
    assert_problem(admin.post("/v1/admin/partners/ptn_missing/api-keys", {}), 404, "PARTNER_NOT_FOUND")


def test_deleted_api_key_stops_working(admin: Api, partner: Partner) -> None:
    assert partner.api.get("/v1/catalog").status == 200
    deleted = admin.delete(f"/v1/admin/api-keys/{partner.key_id}")
    assert deleted.status == 204
    assert deleted.body == ""
    assert_gateway_problem(partner.api.get("/v1/catalog"), 401, "UNAUTHORIZED")
    assert admin.delete(f"/v1/admin/api-keys/{partner.key_id}").status == 204  # idempotent
    assert_problem(admin.delete("/v1/admin/api-keys/plk_missing"), 404, "API_KEY_NOT_FOUND")


def assert_gateway_problem(response: HttpResponse, status: int, code: str) -> None:
    assert response.status == status, response.body
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert response.json()["status"] == status


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer nonsense",
        "Basic YWRtaW46YWRtaW4=",
        "Bearer plk_01ABC.wrongsecret",
        "admin-test-key",
    ],
)
def test_unknown_or_malformed_keys_are_401(api: Api, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    assert_gateway_problem(api.get("/v1/catalog", headers=headers), 401, "UNAUTHORIZED")
    assert_gateway_problem(api.post("/v1/orders", {}, headers=headers), 401, "UNAUTHORIZED")


def test_wrong_secret_for_a_real_key_id_is_401(partner: Partner, api: Api) -> None:
    forged = f"{partner.key_id}.{'A' * 32}"
    assert_gateway_problem(api.with_key(forged).get("/v1/catalog"), 401, "UNAUTHORIZED")


def test_partner_key_on_admin_routes_is_403(partner: Partner) -> None:
    assert_gateway_problem(partner.api.post("/v1/admin/partners", {}), 403, "FORBIDDEN")
    assert_gateway_problem(partner.api.get(f"/v1/admin/partners/{partner.id}"), 403, "FORBIDDEN")
    assert partner_count() == 1


def test_admin_handler_refuses_partner_identity_even_past_the_gateway(partner: Partner, gateway) -> None:
    """Defence in depth: the admin function checks the role itself, whatever the authorizer allowed."""
    from devtools.gateway import LambdaContext, api_event
    from functions.admin import app

    route = next(r for r in gateway.routes if r.resource == "/v1/admin/partners" and r.method == "POST")
    body = '{"name": "Sneaky", "email": "a@b.example", "currency": "EUR"}'
    event = api_event(route, "/v1/admin/partners", {}, {}, {}, body, False, "req-1")
    event["requestContext"]["authorizer"] = {"role": "partner", "partner_id": partner.id, "principalId": "x"}
    result = app.lambda_handler(event, LambdaContext("admin"))
    assert result["statusCode"] == 403
    assert partner_count() == 1


def test_unknown_route_is_a_404_problem(partner: Partner) -> None:
    assert_gateway_problem(partner.api.get("/v1/nothing-here"), 404, "NOT_FOUND")


def test_health_needs_no_key(api: Api) -> None:
    response = api.get("/health")
    assert (response.status, response.json()) == (200, {"status": "ok"})


def test_partner_keys_do_not_depend_on_the_secret_store(
    partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    from licensing.infra import secrets

    def secret_store_down() -> str:
        raise ConnectionError("Secrets Manager is unreachable")

    monkeypatch.setattr(secrets, "admin_key", secret_store_down)
    assert partner.api.get("/v1/catalog").status == 200


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/v1/orders/" + "o" * 3000, "ORDER_NOT_FOUND"),
        ("GET", "/v1/admin/partners/" + "p" * 3000, "PARTNER_NOT_FOUND"),
        ("DELETE", "/v1/admin/api-keys/" + "k" * 3000, "API_KEY_NOT_FOUND"),
    ],
)
def test_absurd_ids_are_404_without_a_database_call(
    partner: Partner, ddb_calls, method: str, path: str, code: str
) -> None:
    api = partner.api if path.startswith("/v1/orders") else partner.api.with_key("admin-test-key")
    ddb_calls.reset()
    assert_problem(api.request(method, path), 404, code)
    assert [c for c in ddb_calls.calls if c != "GetItem"] == []  # only the authorizer's read
    assert ddb_calls.calls.count("GetItem") <= 1
