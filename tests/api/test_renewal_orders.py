"""Paid renewal from the license: its options, the renewal order, its payment, renew-and-migrate, exactly
once per payment event and per Idempotency-Key, and the requests that must be refused without a write."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from devtools.gateway import HttpResponse, LocalGateway
from licensing.infra.bus import RecordingPublisher
from licensing.licenses.keys import generate_key
from licensing.store.table import BaseItem
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.distributors import create_distributor
from tests.support.invoke import invoke
from tests.support.problems import assert_problem

START = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # where frozen_now starts
FIRST_EXPIRY = "2027-11-27T10:00:00Z"  # a 1-year key activated at START
BUSINESS_5_DEVICES = 15750  # 3500 x 5 devices x 1 year, less the partner's 10 %
ENTERPRISE_5_DEVICES = 24750  # 5500 x 5 devices x 1 year, less the partner's 10 %


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def term(years: int, amount: int, expires_at: str) -> dict[str, Any]:
    """One renewal option as the API shows it."""
    return {"years": years, "price": {"amount": amount, "currency": "EUR"}, "expires_at": expires_at}


def snapshot() -> list[dict]:
    return sorted((i.to_simple_dict() for i in BaseItem.scan()), key=lambda i: (i["PK"], i["SK"]))


def order_count() -> int:
    return sum(1 for item in BaseItem.scan() if item.SK == "ORDER")


def renew(partner: Partner, key: str, body: Any, idempotency_key: str | None = "renew-1") -> HttpResponse:
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else None
    return partner.api.post(f"/v1/licenses/{key}/renew", body, headers=headers)


def license_of(partner: Partner, key: str) -> dict[str, Any]:
    response = partner.api.get(f"/v1/licenses/{key}")
    assert response.status == 200, response.body
    return response.json()


def history_of(partner: Partner, key: str) -> list[dict[str, Any]]:
    return partner.api.get(f"/v1/licenses/{key}/history").json()["items"]


def renewed_events(recorded: RecordingPublisher) -> list[dict[str, Any]]:
    return [e.detail for e in recorded.events if e.detail_type == "LicenseRenewed"]


@pytest.fixture(autouse=True)
def _clock(frozen_now) -> None:
    """Every test runs on the frozen clock, so expiry dates are exact."""


@pytest.fixture
def pay(webhook: WebhookSender, frozen_now) -> Callable[..., HttpResponse]:
    """The provider's webhook for an order, signed at the application's (frozen) time."""

    def pay(order: dict[str, Any], **kwargs: Any) -> HttpResponse:
        return webhook.pay(order, timestamp=int(frozen_now().timestamp()), **kwargs)

    return pay


@pytest.fixture
def buy(pay) -> Callable[..., list[str]]:
    """The keys of a new, paid order (unused coupons until they are activated)."""

    def buy(partner: Partner, **order_fields: Any) -> list[str]:
        placed = partner.order(**order_fields)
        assert placed.status == 201, placed.body
        if placed.json()["status"] == "pending_payment":
            assert pay(placed.json()).json()["outcome"] == "fulfilled"
        return partner.api.get(f"/v1/orders/{placed.json()['id']}").json()["license_keys"]

    return buy


@pytest.fixture
def activated_key(buy) -> Callable[..., str]:
    """A bought key assigned to a workspace now (default: business, 5 devices, 1 year)."""

    def activated_key(partner: Partner, **order_fields: Any) -> str:
        key = buy(partner, **order_fields)[0]
        assigned = partner.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": "ws-1"})
        assert assigned.status == 200, assigned.body
        return key

    return activated_key


@pytest.fixture
def other(admin: Api) -> Partner:
    return Partner.create(admin, name="Other Reseller")


# ------------------------------------------------------------------------------------ renewal options


def test_options_price_each_term_and_the_migration_from_the_current_expiry(
    partner: Partner, buy, api: Api
) -> None:
    key = buy(partner)[0]
    lookup = api.with_key(None).post("/v1/lookup", {"license_key": key, "workspace_id": "ws-lookup"})
    assert lookup.json()["code"] == "VALID"

    response = partner.api.get(f"/v1/licenses/{key}/renewal-options")

    assert response.status == 200, response.body
    assert response.json() == {
        "license_key": key,
        "product": "business",
        "devices": 5,
        "expires_at": FIRST_EXPIRY,
        "direct_purchase": True,
        "renew": [
            term(1, 15750, "2028-11-27T10:00:00Z"),
            term(2, 31500, "2029-11-27T10:00:00Z"),
            term(3, 47250, "2030-11-27T10:00:00Z"),
        ],
        "migrations": [
            {
                "product": "enterprise",
                "renew": [
                    term(1, 24750, "2028-11-27T10:00:00Z"),
                    term(2, 49500, "2029-11-27T10:00:00Z"),
                    term(3, 74250, "2030-11-27T10:00:00Z"),
                ],
            }
        ],
        "coupon": None,
    }


def test_options_offer_no_migration_the_devices_do_not_fit_or_the_product_has_no_path(
    partner: Partner, activated_key
) -> None:
    two_devices = activated_key(partner, devices=2)
    home = activated_key(partner, product="home", devices=3)

    business = partner.api.get(f"/v1/licenses/{two_devices}/renewal-options").json()
    assert business["migrations"] == []  # enterprise starts at 5 devices
    assert [o["price"]["amount"] for o in business["renew"]] == [6300, 12600, 18900]  # 3500 x 2 x 0.9 x years
    home_options = partner.api.get(f"/v1/licenses/{home}/renewal-options").json()
    assert home_options["migrations"] == []
    assert [o["price"]["amount"] for o in home_options["renew"]] == [5400, 10800, 16200]


def test_options_show_the_soonest_deadline_coupon_without_a_note_of_the_same_product_and_devices(
    partner: Partner, other: Partner, buy, activated_key, frozen_now
) -> None:
    frozen_now(utc("2026-10-01T10:00:00Z"))
    buy(partner, devices=6)  # another device count
    buy(partner, product="home", devices=5)  # another product
    buy(other)  # another partner's
    frozen_now(START)
    key = activated_key(partner)
    frozen_now(utc("2026-12-02T10:00:00Z"))
    soonest = buy(partner)[0]
    frozen_now(utc("2026-12-07T10:00:00Z"))
    later = buy(partner)[0]

    def coupon() -> dict[str, Any] | None:
        return partner.api.get(f"/v1/licenses/{key}/renewal-options").json()["coupon"]

    assert coupon() == {
        "key": soonest,
        "activation_deadline": "2027-12-02T10:00:00Z",
        "term_months": 12,
        "expires_at": "2028-11-27T10:00:00Z",  # the license's expiry plus the coupon's term
    }
    partner.api.patch(f"/v1/licenses/{soonest}", {"note": "reserved for ACME"})
    assert coupon()["key"] == later
    partner.api.patch(f"/v1/licenses/{later}", {"note": "kept back"})
    assert coupon() is None
    partner.api.patch(f"/v1/licenses/{soonest}", {"note": None})
    assert coupon()["key"] == soonest

    frozen_now(utc("2027-12-03T10:00:00Z"))  # the soonest coupon has lapsed, the license expired
    partner.api.patch(f"/v1/licenses/{later}", {"note": None})
    assert coupon() == {
        "key": later,
        "activation_deadline": "2027-12-07T10:00:00Z",
        "term_months": 12,
        "expires_at": "2028-12-03T10:00:00Z",  # from now: the license has expired
    }


def test_options_of_an_expired_license_count_from_now(partner: Partner, activated_key, frozen_now) -> None:
    key = activated_key(partner, years=2)
    frozen_now(utc("2029-03-01T12:00:00Z"))
    options = partner.api.get(f"/v1/licenses/{key}/renewal-options").json()
    assert options["expires_at"] == "2028-11-27T10:00:00Z"
    assert [o["expires_at"] for o in options["renew"]] == [
        "2030-03-01T12:00:00Z",
        "2031-03-01T12:00:00Z",
        "2032-03-01T12:00:00Z",
    ]


def test_options_refuse_unknown_unused_and_malformed_keys(
    partner: Partner, other: Partner, buy, activated_key
) -> None:
    key = activated_key(partner)
    coupon = buy(partner)[0]
    assert_problem(other.api.get(f"/v1/licenses/{key}/renewal-options"), 404, "LICENSE_NOT_FOUND")
    assert_problem(
        partner.api.get(f"/v1/licenses/{generate_key()}/renewal-options"), 404, "LICENSE_NOT_FOUND"
    )
    assert_problem(partner.api.get(f"/v1/licenses/{coupon}/renewal-options"), 409, "NOT_ACTIVATED")
    assert_problem(partner.api.get("/v1/licenses/not-a-key/renewal-options"), 400, "INVALID_LICENSE_KEY")


def test_options_tell_a_partner_buying_through_a_distributor_it_cannot_buy_directly(
    partner: Partner, admin: Api, activated_key
) -> None:
    key = activated_key(partner)
    distributor_id = create_distributor(admin)["id"]
    admin.patch(f"/v1/admin/partners/{partner.id}", {"distributor_id": distributor_id})
    options = partner.api.get(f"/v1/licenses/{key}/renewal-options")
    assert options.status == 200, options.body
    assert options.json()["direct_purchase"] is False


def test_options_are_at_most_two_calls(
    gateway: LocalGateway, partner: Partner, activated_key, buy, ddb_calls
) -> None:
    key = activated_key(partner)
    buy(partner)  # a matching coupon, so the Query finds one
    ddb_calls.reset()
    status, options = invoke(gateway, partner, "GET", f"/v1/licenses/{key}/renewal-options")
    assert (status, options["coupon"] is not None) == (200, True)
    assert ddb_calls.calls == ["BatchGetItem", "Query"]


# ------------------------------------------------------------------------------- renewal and payment


def test_renew_places_a_pending_renewal_order_at_the_partner_price(
    partner: Partner, activated_key, recorded_events: RecordingPublisher
) -> None:
    key = activated_key(partner)
    response = renew(partner, key, {"years": 2})
    assert response.status == 201, response.body
    order = response.json()
    assert (order["type"], order["status"], order["payment"]["status"]) == (
        "renewal",
        "pending_payment",
        "awaiting_payment",
    )
    assert (order["product"], order["devices"], order["years"], order["licenses"]) == ("business", 5, 2, 1)
    assert order["license_keys"] == [key]
    assert order["renewal"] == {"license_key": key, "product": "business", "previous_product": None}
    assert order["price_per_license"] == {"amount": 2 * BUSINESS_5_DEVICES, "currency": "EUR"}
    assert order["total"] == {"amount": 2 * BUSINESS_5_DEVICES, "currency": "EUR"}
    assert partner.api.get(f"/v1/orders/{order['id']}").json() == order
    assert license_of(partner, key)["expires_at"] == FIRST_EXPIRY  # nothing moves before the payment
    assert recorded_events.events[-1].detail_type == "OrderPlaced"
    assert renewed_events(recorded_events) == []


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_paid_renewal_extends_the_term_from_the_current_expiry(
    partner: Partner, activated_key, pay, frozen_now, api: Api
) -> None:
    key = activated_key(partner)
    frozen_now(utc("2027-06-01T08:00:00Z"))
    order = renew(partner, key, {"years": 2}).json()

    assert pay(order).json()["outcome"] == "fulfilled"

    license = license_of(partner, key)
    assert (license["status"], license["expires_at"]) == ("active", "2029-11-27T10:00:00Z")
    assert (license["product"], license["renewed_at"]) == ("business", "2027-06-01T08:00:00Z")
    paid = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert (paid["status"], paid["payment"]["status"]) == ("fulfilled", "paid")
    renewed = history_of(partner, key)[0]
    assert (renewed["action"], renewed["actor"], renewed["at"]) == (
        "renewed",
        {"type": "system", "id": "payment-provider", "email": None},
        "2027-06-01T08:00:00Z",
    )
    assert renewed["changes"] == {
        "expires_at": {"from": FIRST_EXPIRY, "to": "2029-11-27T10:00:00Z"},
        "renewal_order_id": {"from": None, "to": order["id"]},
    }
    lookup = api.with_key(None).post("/v1/lookup", {"license_key": key, "workspace_id": "ws-1"}).json()
    assert lookup["code"] == "VALID"
    assert lookup["license"]["expires_at"] == "2029-11-27T10:00:00Z"  # the client picks it up by itself


def test_an_expired_license_is_renewed_from_the_moment_it_is_paid(
    partner: Partner, activated_key, pay, frozen_now
) -> None:
    key = activated_key(partner)
    frozen_now(utc("2027-12-10T00:00:00Z"))
    assert license_of(partner, key)["status"] == "expired"
    order = renew(partner, key, {"years": 1}).json()
    assert order["total"]["amount"] == BUSINESS_5_DEVICES  # the expired gap is not charged

    frozen_now(utc("2027-12-20T08:30:00Z"))
    assert pay(order).json()["outcome"] == "fulfilled"

    license = license_of(partner, key)
    assert (license["status"], license["expires_at"]) == ("active", "2028-12-20T08:30:00Z")


def test_a_renewal_ordered_before_expiry_but_paid_after_counts_from_the_payment(
    partner: Partner, activated_key, pay, frozen_now
) -> None:
    key = activated_key(partner)
    frozen_now(utc("2027-11-20T10:00:00Z"))
    order = renew(partner, key, {"years": 2}).json()
    frozen_now(utc("2027-12-01T15:45:00Z"))
    assert pay(order).json()["outcome"] == "fulfilled"
    assert license_of(partner, key)["expires_at"] == "2029-12-01T15:45:00Z"


def test_a_payment_of_the_wrong_amount_does_not_renew(
    partner: Partner, activated_key, webhook, frozen_now
) -> None:
    key = activated_key(partner)
    order = renew(partner, key, {"years": 1}).json()
    short = webhook.send(order["id"], 100, "EUR", timestamp=int(frozen_now().timestamp()))
    assert short.json()["outcome"] == "payment_mismatch"
    assert license_of(partner, key)["expires_at"] == FIRST_EXPIRY
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["status"] == "payment_mismatch"


def test_a_license_paid_for_before_it_expired_keeps_counting_from_its_expiry(
    partner: Partner, activated_key, pay, frozen_now
) -> None:
    key = activated_key(partner)
    first = renew(partner, key, {"years": 1}, "first").json()
    second = renew(partner, key, {"years": 3}, "second").json()
    pay(first)
    pay(second)
    assert license_of(partner, key)["expires_at"] == "2031-11-27T10:00:00Z"  # 1 + 1 + 3 years
    changes = [e["changes"]["expires_at"] for e in history_of(partner, key) if e["action"] == "renewed"]
    assert changes == [
        {"from": "2028-11-27T10:00:00Z", "to": "2031-11-27T10:00:00Z"},
        {"from": FIRST_EXPIRY, "to": "2028-11-27T10:00:00Z"},
    ]


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_renew_and_migrate_charges_enterprise_and_moves_the_license_when_paid(
    partner: Partner, activated_key, pay, api: Api
) -> None:
    key = activated_key(partner)
    response = renew(partner, key, {"years": 2, "migrate_to": "enterprise"})
    assert response.status == 201, response.body
    order = response.json()
    assert order["product"] == "enterprise"
    assert order["total"] == {"amount": 5500 * 5 * 2 * 9 // 10, "currency": "EUR"}
    assert order["renewal"] == {"license_key": key, "product": "enterprise", "previous_product": "business"}
    assert license_of(partner, key)["product"] == "business"  # not before the payment

    assert pay(order).json()["outcome"] == "fulfilled"

    license = license_of(partner, key)
    assert (license["product"], license["devices"], license["expires_at"]) == (
        "enterprise",
        5,
        "2029-11-27T10:00:00Z",
    )
    assert history_of(partner, key)[0]["changes"]["product"] == {"from": "business", "to": "enterprise"}
    lookup = api.with_key(None).post("/v1/lookup", {"license_key": key, "workspace_id": "ws-1"}).json()
    assert (lookup["code"], lookup["license"]["product"]) == ("VALID", "enterprise")
    options = partner.api.get(f"/v1/licenses/{key}/renewal-options").json()
    assert (options["product"], options["migrations"]) == ("enterprise", [])
    assert options["renew"][0]["price"]["amount"] == ENTERPRISE_5_DEVICES


def test_paying_a_plain_renewal_after_a_migration_does_not_downgrade_the_license(
    partner: Partner, activated_key, pay
) -> None:
    key = activated_key(partner)
    plain = renew(partner, key, {"years": 1}, "plain").json()
    migration = renew(partner, key, {"years": 1, "migrate_to": "enterprise"}, "migrate").json()
    assert pay(migration).json()["outcome"] == "fulfilled"
    assert license_of(partner, key)["product"] == "enterprise"

    pay(plain)

    # the customer paid for enterprise; a business renewal paid later must not take it away again
    assert license_of(partner, key)["product"] == "enterprise"


def test_a_monthly_partners_annual_renewal_awaits_payment_like_any_other(
    monthly_partner: Partner, activated_key, pay, recorded_events: RecordingPublisher
) -> None:
    key = activated_key(monthly_partner)
    response = renew(monthly_partner, key, {"years": 2})
    assert response.status == 201, response.body
    order = response.json()
    assert (order["type"], order["status"], order["payment"]["status"]) == (
        "renewal",
        "pending_payment",
        "awaiting_payment",
    )
    assert order["total"] == {"amount": 3500 * 5 * 2, "currency": "EUR"}  # no discount for this partner
    assert license_of(monthly_partner, key)["expires_at"] == "2027-11-27T10:00:00Z"  # unchanged until paid
    assert renewed_events(recorded_events) == []

    assert pay(order).json()["outcome"] == "fulfilled"
    assert license_of(monthly_partner, key)["expires_at"] == "2029-11-27T10:00:00Z"
    assert [e["renewal_order_id"] for e in renewed_events(recorded_events)] == [order["id"]]


@pytest.mark.parametrize("route", ["renew", "renewal-options"])
def test_a_monthly_license_is_not_renewable(monthly_partner: Partner, route: str) -> None:
    (key,) = monthly_partner.monthly_order().json()["license_keys"]
    monthly_partner.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": "ws-1"})
    before = snapshot()
    if route == "renew":
        response = renew(monthly_partner, key, {"years": 1})
    else:
        response = monthly_partner.api.get(f"/v1/licenses/{key}/renewal-options")
    assert_problem(response, 409, "NOT_RENEWABLE")
    assert snapshot() == before


# --------------------------------------------------------------------------------------- exactly once


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_redelivered_payment_extends_the_term_and_publishes_license_renewed_once(
    partner: Partner, activated_key, webhook: WebhookSender, frozen_now, recorded_events: RecordingPublisher
) -> None:
    key = activated_key(partner)
    order = renew(partner, key, {"years": 1}).json()
    timestamp = int(frozen_now().timestamp())

    first = webhook.pay(order, event_id="evt_renewal_1", timestamp=timestamp)
    again = webhook.pay(order, event_id="evt_renewal_1", timestamp=timestamp)

    assert (first.json()["outcome"], again.json()["outcome"]) == ("fulfilled", "duplicate")
    assert license_of(partner, key)["expires_at"] == "2028-11-27T10:00:00Z"
    assert [e["action"] for e in history_of(partner, key)].count("renewed") == 1
    renewed = renewed_events(recorded_events)
    assert len(renewed) == 1
    wanted = ("license_key", "partner_id", "previous_expires_at", "expires_at", "renewal_order_id")
    assert {name: renewed[0][name] for name in wanted} == {
        "license_key": key,
        "partner_id": partner.id,
        "previous_expires_at": FIRST_EXPIRY,
        "expires_at": "2028-11-27T10:00:00Z",
        "renewal_order_id": order["id"],
    }


def test_a_second_payment_event_for_a_paid_renewal_does_not_extend_it_again(
    partner: Partner, activated_key, pay
) -> None:
    key = activated_key(partner)
    order = renew(partner, key, {"years": 1}).json()
    assert pay(order).json()["outcome"] == "fulfilled"
    assert pay(order).json()["outcome"] == "ignored_order_not_awaiting_payment"  # another event id
    assert license_of(partner, key)["expires_at"] == "2028-11-27T10:00:00Z"


def test_a_replayed_idempotency_key_answers_the_first_order(partner: Partner, activated_key) -> None:
    key = activated_key(partner)
    first = renew(partner, key, {"years": 1}, "same-key")
    orders = order_count()
    replay = renew(partner, key, {"years": 1}, "same-key")
    assert (first.status, replay.status) == (201, 201)
    assert replay.json() == first.json()
    assert order_count() == orders


def test_an_idempotency_key_reused_with_another_body_is_409_and_writes_nothing(
    partner: Partner, activated_key
) -> None:
    key = activated_key(partner)
    renew(partner, key, {"years": 1}, "same-key")
    before = snapshot()
    assert_problem(renew(partner, key, {"years": 2}, "same-key"), 409, "IDEMPOTENCY_KEY_REUSED")
    assert_problem(
        renew(partner, key, {"years": 1, "migrate_to": "enterprise"}, "same-key"),
        409,
        "IDEMPOTENCY_KEY_REUSED",
    )
    assert snapshot() == before


def test_a_replay_after_the_license_changed_still_answers_the_first_order(
    partner: Partner, admin: Api, activated_key, pay
) -> None:
    key = activated_key(partner)
    body = {"years": 1, "migrate_to": "enterprise"}
    first = renew(partner, key, body, "migrate-once").json()
    pay(first)  # now enterprise, so enterprise is no longer a migration target
    admin.patch(f"/v1/admin/partners/{partner.id}", {"discount_percent": 30})
    orders = order_count()

    replay = renew(partner, key, body, "migrate-once")

    assert replay.status == 201, replay.body
    assert replay.json() == first  # the first answer, even though the request would now be refused
    assert order_count() == orders
    assert license_of(partner, key)["expires_at"] == "2028-11-27T10:00:00Z"


# ------------------------------------------------------------------------------- refused, nothing written


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"years": 4}, 422, "INVALID_TERM"),
        ({"years": 0}, 400, "VALIDATION_ERROR"),
        ({"years": "1"}, 400, "VALIDATION_ERROR"),
        ({}, 400, "VALIDATION_ERROR"),
        ({"years": 1, "migrate_to": "platinum"}, 422, "INVALID_MIGRATION"),
        ({"years": 1, "migrate_to": "business"}, 422, "INVALID_MIGRATION"),
        ({"years": 1, "migrate_to": ""}, 400, "VALIDATION_ERROR"),
        ({"years": 1, "devices": 10}, 400, "VALIDATION_ERROR"),
    ],
)
def test_bad_renewal_requests_are_refused_and_write_nothing(
    partner: Partner, activated_key, body: dict, status: int, code: str
) -> None:
    key = activated_key(partner)
    before = snapshot()
    assert_problem(renew(partner, key, body), status, code)
    assert snapshot() == before


def test_a_product_without_an_upgrade_path_cannot_migrate(partner: Partner, activated_key) -> None:
    home = activated_key(partner, product="home", devices=3)
    before = snapshot()
    problem = assert_problem(
        renew(partner, home, {"years": 1, "migrate_to": "enterprise"}), 422, "INVALID_MIGRATION"
    )
    assert problem["allowed"] == []
    assert snapshot() == before


def test_migrating_devices_the_target_does_not_offer_is_invalid_devices(
    partner: Partner, activated_key
) -> None:
    key = activated_key(partner, devices=2)
    before = snapshot()
    assert_problem(renew(partner, key, {"years": 1, "migrate_to": "enterprise"}), 422, "INVALID_DEVICES")
    assert snapshot() == before


def test_an_unused_coupon_cannot_be_renewed(partner: Partner, buy) -> None:
    coupon = buy(partner)[0]
    before = snapshot()
    assert_problem(renew(partner, coupon, {"years": 1}), 409, "NOT_ACTIVATED")
    assert snapshot() == before


def test_a_revoked_key_cannot_be_renewed(partner: Partner, pay) -> None:
    order = partner.order().json()
    pay(order)
    assert pay(order, type="payment.refunded").json()["outcome"] == "refunded"
    key = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"][0]
    assert license_of(partner, key)["status"] == "revoked"
    before = snapshot()
    assert_problem(renew(partner, key, {"years": 1}), 409, "LICENSE_REVOKED")
    assert snapshot() == before


def test_a_lapsed_coupon_cannot_be_renewed(partner: Partner, buy, frozen_now) -> None:
    coupon = buy(partner)[0]
    frozen_now(utc("2027-12-27T10:00:00Z"))  # 13 months later, never activated
    before = snapshot()
    assert_problem(renew(partner, coupon, {"years": 1}), 409, "LICENSE_LAPSED")
    assert_problem(partner.api.get(f"/v1/licenses/{coupon}/renewal-options"), 409, "LICENSE_LAPSED")
    assert snapshot() == before


def test_a_redeemed_coupon_cannot_be_renewed(partner: Partner, buy) -> None:
    active, coupon = buy(partner, licenses=2)
    partner.api.post(f"/v1/licenses/{active}/assign", {"workspace_id": "ws-1"})
    redeemed = partner.api.post(f"/v1/licenses/{active}/renew-with-coupon", {"coupon_key": coupon})
    assert redeemed.status == 200, redeemed.body
    before = snapshot()
    assert_problem(renew(partner, coupon, {"years": 1}), 409, "LICENSE_REDEEMED")
    assert snapshot() == before


def test_another_partners_or_a_malformed_key_is_refused(
    partner: Partner, other: Partner, activated_key
) -> None:
    key = activated_key(partner)
    before = snapshot()
    assert_problem(renew(other, key, {"years": 1}), 404, "LICENSE_NOT_FOUND")
    assert_problem(renew(partner, generate_key(), {"years": 1}), 404, "LICENSE_NOT_FOUND")
    assert_problem(renew(partner, "not-a-key", {"years": 1}), 400, "INVALID_LICENSE_KEY")
    assert snapshot() == before


def test_a_partner_buying_through_a_distributor_cannot_renew_directly(
    partner: Partner, admin: Api, activated_key
) -> None:
    key = activated_key(partner)
    distributor_id = create_distributor(admin)["id"]
    admin.patch(f"/v1/admin/partners/{partner.id}", {"distributor_id": distributor_id})
    before = snapshot()
    problem = assert_problem(renew(partner, key, {"years": 1}), 403, "DIRECT_PURCHASE_DISABLED")
    assert problem["distributor_id"] == distributor_id
    assert snapshot() == before


# --------------------------------------------------------------------------------------- call budgets


def test_renew_is_at_most_two_calls(
    gateway: LocalGateway, partner: Partner, activated_key, ddb_calls
) -> None:
    key = activated_key(partner)
    ddb_calls.reset()
    status, order = invoke(
        gateway, partner, "POST", f"/v1/licenses/{key}/renew", {"years": 1}, **{"Idempotency-Key": "budget"}
    )
    assert (status, order["type"]) == (201, "renewal")
    assert ddb_calls.calls == ["BatchGetItem", "TransactWriteItems"]


def test_paying_a_renewal_is_three_calls(partner: Partner, activated_key, pay, ddb_calls) -> None:
    key = activated_key(partner)
    order = renew(partner, key, {"years": 1}).json()
    ddb_calls.reset()
    assert pay(order).json()["outcome"] == "fulfilled"
    assert ddb_calls.calls == [
        "GetItem",
        "GetItem",
        "TransactWriteItems",
    ]  # the order, the license, the write
