"""A partner's API keys act with their role: the resolver refuses a route the role does not grant with
403 FORBIDDEN before it reads the body or the table, and lets through what it grants."""

from __future__ import annotations

import pytest

from tests.support.clients import Api, Partner
from tests.support.problems import assert_problem
from tests.support.table import snapshot


def key_of(admin: Api, partner: Partner, role: str | None) -> Api:
    body = {"name": f"{role} key"} | ({"role": role} if role else {})
    issued = admin.post(f"/v1/admin/partners/{partner.id}/api-keys", body)
    assert issued.status == 201, issued.body
    assert issued.json()["role"] == (role or "purchaser")
    return admin.with_key(issued.json()["api_key"])


@pytest.mark.parametrize("role", ["read_only", "billing"])
def test_a_role_without_purchasing_cannot_order_even_with_a_bad_body(
    admin: Api, partner: Partner, role: str
) -> None:
    key = key_of(admin, partner, role)
    before = snapshot()
    for body in ({"product": "business", "devices": 5, "years": 1}, {"devices": "many"}, None):
        refused = key.post("/v1/orders", body)
        problem = assert_problem(refused, 403, "FORBIDDEN")
        assert problem["detail"] == "This route needs the purchaser role."
    assert snapshot() == before


def test_read_only_reads_everything_and_changes_nothing(admin: Api, partner: Partner) -> None:
    partner.order()
    reader = key_of(admin, partner, "read_only")
    for path in ("/v1/catalog", "/v1/orders", "/v1/licenses", "/v1/settings", "/v1/offers"):
        assert reader.get(path).status == 200, path
    before = snapshot()
    assert_problem(reader.patch("/v1/settings", {"reminder_days": [30]}), 403, "FORBIDDEN")
    assert_problem(
        reader.post("/v1/quotes", {"product": "business", "devices": 5, "years": 1}), 403, "FORBIDDEN"
    )
    assert snapshot() == before


def test_billing_keeps_the_reminders_and_purchasing_does_not(admin: Api, partner: Partner) -> None:
    billing, purchaser = key_of(admin, partner, "billing"), key_of(admin, partner, "purchaser")
    changed = billing.patch("/v1/settings", {"reminder_days": [45, 10]})
    assert changed.status == 200, changed.body
    assert changed.json()["reminder_days"] == [45, 10]
    assert_problem(purchaser.patch("/v1/settings", {"reminder_days": [1]}), 403, "FORBIDDEN")
    assert purchaser.post("/v1/quotes", {"product": "business", "devices": 5, "years": 1}).status == 200


def test_a_key_issued_without_a_role_is_a_purchaser(admin: Api, partner: Partner) -> None:
    default = key_of(admin, partner, None)
    assert default.post("/v1/orders", {"product": "business", "devices": 5, "years": 1}).status == 201
    assert_problem(default.patch("/v1/settings", {"reminder_days": [30]}), 403, "FORBIDDEN")


def test_a_key_stored_before_roles_existed_acts_as_a_purchaser(admin: Api, partner: Partner) -> None:
    from licensing.access import repository

    legacy = key_of(admin, partner, "owner")
    item = repository.get(legacy.key.partition(".")[0])  # type: ignore[union-attr]
    item.role = None  # as every key written before this release
    item.save()
    assert legacy.post("/v1/orders", {"product": "business", "devices": 5, "years": 1}).status == 201
    assert_problem(legacy.patch("/v1/settings", {"reminder_days": [30]}), 403, "FORBIDDEN")


@pytest.mark.parametrize("role", ["admin", "superuser", "OWNER", ""])
def test_an_unknown_role_is_a_validation_error_and_issues_nothing(
    admin: Api, partner: Partner, role: str
) -> None:
    before = snapshot()
    refused = admin.post(f"/v1/admin/partners/{partner.id}/api-keys", {"name": "x", "role": role})
    assert_problem(refused, 400, "VALIDATION_ERROR")
    assert snapshot() == before
