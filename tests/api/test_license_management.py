"""A partner's licenses one at a time: read, edit with If-Match, history, assign and claim."""

from __future__ import annotations

from datetime import timedelta

import pytest

from licensing.licenses import repository as license_repo
from licensing.licenses.index import coupon_partition
from licensing.licenses.keys import generate_key
from licensing.store.table import HistoryItem, LicenseItem
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.cursors import tampered
from tests.support.problems import assert_problem
from tests.support.table import snapshot, unowned_key


@pytest.fixture
def keys(partner: Partner, webhook: WebhookSender, frozen_now) -> list[str]:
    order = partner.order(licenses=3, customer_ref="CUST-1").json()
    webhook.pay(order, timestamp=int(frozen_now().timestamp()))
    return partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]


@pytest.fixture
def other(admin: Api) -> Partner:
    return Partner.create(admin, name="Other Reseller")


def test_get_license(partner: Partner, keys: list[str]) -> None:
    response = partner.api.get(f"/v1/licenses/{keys[0]}")
    assert response.status == 200, response.body
    license = response.json()
    assert set(license) == {
        "key", "product", "devices", "term_months", "status", "partner_id", "order_id",
        "purchased_at", "activation_deadline", "activated_at", "expires_at", "workspace_id",
        "customer_ref", "note", "renewed_at", "redeemed_for", "version", "plan", "suspended_at",
        "cancelled_at", "ends_at",
    }  # fmt: skip
    assert (license["status"], license["customer_ref"], license["partner_id"]) == (
        "unused",
        "CUST-1",
        partner.id,
    )
    assert license["purchased_at"] == "2026-11-27T10:00:00Z"
    assert license["activation_deadline"] == "2027-11-27T10:00:00Z"
    assert response.headers["ETag"] == f'"{license["version"]}"'
    typed = keys[0].replace("-", "").lower()
    assert partner.api.get(f"/v1/licenses/{typed}").json()["key"] == keys[0]


def test_another_partners_license_is_404(other: Partner, keys: list[str]) -> None:
    for call in (
        lambda: other.api.get(f"/v1/licenses/{keys[0]}"),
        lambda: other.api.patch(f"/v1/licenses/{keys[0]}", {"note": "mine"}),
        lambda: other.api.get(f"/v1/licenses/{keys[0]}/history"),
        lambda: other.api.post(f"/v1/licenses/{keys[0]}/assign", {"workspace_id": "ws"}),
    ):
        assert_problem(call(), 404, "LICENSE_NOT_FOUND")
    assert_problem(other.api.get(f"/v1/licenses/{generate_key()}"), 404, "LICENSE_NOT_FOUND")
    assert_problem(other.api.get("/v1/licenses/not-a-key"), 400, "INVALID_LICENSE_KEY")


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_edit_note_and_reference_with_history(partner: Partner, keys: list[str], frozen_now) -> None:
    before = partner.api.get(f"/v1/licenses/{keys[0]}").json()
    frozen_now(frozen_now() + timedelta(hours=1))
    edited = partner.api.patch(
        f"/v1/licenses/{keys[0]}",
        {"note": "reserved for ACME", "customer_ref": "ACME-7"},
        headers={"If-Match": '"1"'},
    )
    assert edited.status == 200, edited.body
    body = edited.json()
    assert (body["note"], body["customer_ref"], body["version"]) == (
        "reserved for ACME",
        "ACME-7",
        before["version"] + 1,
    )
    assert partner.api.get(f"/v1/licenses/{keys[0]}").json() == body

    cleared = partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": None}).json()
    assert (cleared["note"], cleared["customer_ref"]) == (None, "ACME-7")

    history = partner.api.get(f"/v1/licenses/{keys[0]}/history").json()
    assert [e["action"] for e in history["items"]] == ["edited", "edited", "issued"]
    assert history["items"][0]["changes"] == {"note": {"from": "reserved for ACME", "to": None}}
    assert history["items"][1]["changes"] == {
        "note": {"from": None, "to": "reserved for ACME"},
        "customer_ref": {"from": "CUST-1", "to": "ACME-7"},
    }
    assert history["items"][1]["actor"] == {"type": "api_key", "id": partner.key_id, "email": None}
    assert history["items"][1]["at"] == "2026-11-27T11:00:00Z"
    assert history["next_cursor"] is None


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_stale_if_match_is_412_and_writes_nothing(partner: Partner, keys: list[str]) -> None:
    partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": "first"})
    before = snapshot()
    stale = partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": "second"}, headers={"If-Match": '"1"'})
    assert_problem(stale, 412, "VERSION_CONFLICT")
    assert snapshot() == before


def test_an_edit_that_changes_nothing_writes_nothing(partner: Partner, keys: list[str]) -> None:
    partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": "same"})
    before = snapshot()
    assert partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": "same"}).status == 200
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        ({"note": "x" * 1001}, {}),
        ({"customer_ref": "x" * 201}, {}),
        ({"note": "bell\x07"}, {}),
        ({"note": 5}, {}),
        ({"status": "active"}, {}),
        ({"note": "ok"}, {"If-Match": "latest"}),
    ],
)
def test_bad_edits_are_400_and_write_nothing(
    partner: Partner, keys: list[str], body: dict, headers: dict
) -> None:
    before = snapshot()
    response = partner.api.patch(f"/v1/licenses/{keys[0]}", body, headers=headers)
    assert response.status == 400, response.body
    assert response.json()["code"] in {"VALIDATION_ERROR", "INVALID_IF_MATCH"}
    assert snapshot() == before


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_history_pages_newest_first_with_a_cursor(partner: Partner, keys: list[str], frozen_now) -> None:
    for n in range(5):
        frozen_now(frozen_now() + timedelta(minutes=1))
        partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": f"note {n}"})
    seen, cursor = [], None
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = partner.api.get(f"/v1/licenses/{keys[0]}/history", query=query).json()
        seen.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [e["action"] for e in seen] == ["edited"] * 5 + ["issued"]
    assert [e["changes"]["note"]["to"] for e in seen[:5]] == [f"note {n}" for n in reversed(range(5))]


def test_history_cursor_cannot_be_forged_or_moved(partner: Partner, other: Partner, keys: list[str]) -> None:
    for n in range(3):
        partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": f"n{n}"})
    cursor = partner.api.get(f"/v1/licenses/{keys[0]}/history", query={"limit": "1"}).json()["next_cursor"]
    assert cursor
    for bad in ("garbage!", cursor[:-3], "eyJ2IjoxfQ"):
        response = partner.api.get(f"/v1/licenses/{keys[0]}/history", query={"limit": "1", "cursor": bad})
        assert_problem(response, 400, "INVALID_CURSOR")
    moved = partner.api.get(f"/v1/licenses/{keys[1]}/history", query={"limit": "1", "cursor": cursor})
    assert_problem(moved, 400, "INVALID_CURSOR")
    resized = partner.api.get(f"/v1/licenses/{keys[0]}/history", query={"limit": "2", "cursor": cursor})
    assert_problem(resized, 400, "INVALID_CURSOR")


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_cursor_whose_key_is_not_a_key_of_the_table_is_invalid(partner: Partner, keys: list[str]) -> None:
    """moto resumed after any ExclusiveStartKey; DynamoDB refuses one that is not the table's key."""
    for n in range(3):
        partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": f"n{n}"})
    path = f"/v1/licenses/{keys[0]}/history"
    cursor = partner.api.get(path, query={"limit": "1"}).json()["next_cursor"]
    for bad in tampered(cursor, keep="PK"):
        assert_problem(partner.api.get(path, query={"limit": "1", "cursor": bad}), 400, "INVALID_CURSOR")


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_history_limit_outside_1_to_100(partner: Partner, keys: list[str], limit: str) -> None:
    assert_problem(
        partner.api.get(f"/v1/licenses/{keys[0]}/history", query={"limit": limit}), 400, "VALIDATION_ERROR"
    )


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_assign_starts_the_term(partner: Partner, keys: list[str], frozen_now) -> None:
    frozen_now(frozen_now() + timedelta(days=10))
    assigned = partner.api.post(f"/v1/licenses/{keys[0]}/assign", {"workspace_id": "ws-acme"})
    assert assigned.status == 200, assigned.body
    body = assigned.json()
    assert (body["status"], body["workspace_id"]) == ("active", "ws-acme")
    assert (body["activated_at"], body["expires_at"]) == ("2026-12-07T10:00:00Z", "2027-12-07T10:00:00Z")
    again = partner.api.post(f"/v1/licenses/{keys[0]}/assign", {"workspace_id": "ws-acme"})
    assert again.json() == body
    assert_problem(
        partner.api.post(f"/v1/licenses/{keys[0]}/assign", {"workspace_id": "ws-other"}),
        409,
        "ALREADY_ASSIGNED",
    )
    history = partner.api.get(f"/v1/licenses/{keys[0]}/history").json()["items"]
    order_id = partner.api.get(f"/v1/licenses/{keys[0]}").json()["order_id"]
    assert [(e["action"], e["actor"]) for e in history] == [
        ("activated", {"type": "api_key", "id": partner.key_id, "email": None}),
        ("issued", {"type": "system", "id": f"order:{order_id}", "email": None}),
    ]
    lookup = partner.api.with_key(None).post(
        "/v1/lookup", {"license_key": keys[0], "workspace_id": "ws-acme"}
    )
    assert lookup.json()["code"] == "VALID"


def test_assign_refuses_lapsed_and_revoked(
    partner: Partner, keys: list[str], webhook: WebhookSender, frozen_now
) -> None:
    order_id = license_repo.get(keys[0]).order_id
    frozen_now(frozen_now() + timedelta(days=366))
    assert_problem(
        partner.api.post(f"/v1/licenses/{keys[0]}/assign", {"workspace_id": "ws"}), 409, "LICENSE_LAPSED"
    )
    frozen_now(frozen_now() - timedelta(days=366))
    order = partner.api.get(f"/v1/orders/{order_id}").json()
    webhook.pay(order, type="payment.refunded", timestamp=int(frozen_now().timestamp()))
    assert_problem(
        partner.api.post(f"/v1/licenses/{keys[1]}/assign", {"workspace_id": "ws"}), 409, "LICENSE_REVOKED"
    )


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_claim_an_unowned_key(partner: Partner, other: Partner) -> None:
    key = unowned_key()
    claimed = partner.api.post("/v1/licenses/claim", {"key": key.lower()})
    assert claimed.status == 200, claimed.body
    assert claimed.json()["partner_id"] == partner.id
    assert partner.api.get(f"/v1/licenses/{key}").status == 200
    assert partner.api.post("/v1/licenses/claim", {"key": key}).json() == claimed.json()  # again: no change
    coupons = LicenseItem.partner_coupons.query(coupon_partition(partner.id, "home", 1))
    assert [item.PK for item in coupons] == [f"LICENSE#{key}"]  # now renew-with-coupon may pick it
    assert_problem(other.api.post("/v1/licenses/claim", {"key": key}), 409, "OWNED_BY_ANOTHER_PARTNER")
    actions = [h.action for h in HistoryItem.query(f"LICENSE#{key}") if h.SK.startswith("HISTORY#")]
    assert actions == ["claimed"]


def test_claim_refuses_other_partners_keys_and_bad_input(
    partner: Partner, other: Partner, keys: list[str]
) -> None:
    before = snapshot()
    assert_problem(other.api.post("/v1/licenses/claim", {"key": keys[0]}), 409, "OWNED_BY_ANOTHER_PARTNER")
    assert_problem(other.api.post("/v1/licenses/claim", {"key": generate_key()}), 404, "LICENSE_NOT_FOUND")
    assert_problem(other.api.post("/v1/licenses/claim", {"key": "nope"}), 400, "INVALID_LICENSE_KEY")
    assert_problem(other.api.post("/v1/licenses/claim", {}), 400, "VALIDATION_ERROR")
    assert snapshot() == before


def test_call_budgets(partner: Partner, keys: list[str], ddb_calls) -> None:
    ddb_calls.reset()
    partner.api.get(f"/v1/licenses/{keys[0]}")
    assert ddb_calls.calls == ["GetItem", "GetItem"]  # the authorizer's read, then the license
    ddb_calls.reset()
    partner.api.patch(f"/v1/licenses/{keys[0]}", {"note": "n"})
    assert ddb_calls.calls == ["GetItem", "GetItem", "TransactWriteItems"]  # PATCH = one transaction
