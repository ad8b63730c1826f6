"""A monthly plan's license through the API: activation without expiry, device changes, suspension,
reinstatement and cancellation, what lookup answers, the history, and every refusal writing nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from devtools.gateway import LocalGateway
from licensing.store.table import LicenseItem
from tests.support.clients import Api, Partner
from tests.support.invoke import invoke
from tests.support.problems import assert_problem
from tests.support.table import snapshot

WORKSPACE = "ws-msp-1"


def at(day: int, hour: int = 10, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=UTC)


@pytest.fixture
def coupon(monthly_partner: Partner, frozen_now: Any) -> str:
    """An unused monthly key (business, 5 devices), bought on 27 Nov 2026 at 10:00 UTC."""
    response = monthly_partner.monthly_order()
    assert response.status == 201, response.body
    (key,) = response.json()["license_keys"]
    return key


@pytest.fixture
def monthly(monthly_partner: Partner, coupon: str, frozen_now: Any) -> str:
    """The monthly key, assigned to a workspace on 27 Nov 2026 at 10:00 UTC."""
    assigned = monthly_partner.api.post(f"/v1/licenses/{coupon}/assign", {"workspace_id": WORKSPACE})
    assert assigned.status == 200, assigned.body
    return coupon


def lookup(api: Api, key: str) -> dict[str, Any]:
    response = api.with_key(None).post("/v1/lookup", {"license_key": key, "workspace_id": WORKSPACE})
    assert response.status == 200, response.body
    return dict(response.json())


def change(partner: Partner, key: str, what: str) -> Any:
    return partner.api.post(f"/v1/licenses/{key}/{what}")


def stored(key: str) -> LicenseItem:
    return LicenseItem.get(f"LICENSE#{key}", "LICENSE", consistent_read=True)


def test_a_monthly_key_activates_without_expiry_and_opens_its_usage(
    monthly_partner: Partner, monthly: str
) -> None:
    license = monthly_partner.api.get(f"/v1/licenses/{monthly}").json()
    assert (license["status"], license["plan"], license["expires_at"]) == ("active", "monthly", None)
    assert stored(monthly).usage == [[int(at(27).timestamp()), None, 5]]
    answer = lookup(monthly_partner.api, monthly)
    assert (answer["valid"], answer["code"], answer["license"]["expires_at"]) == (True, "VALID", None)
    item = stored(monthly)
    expected = (f"PARTNER#{monthly_partner.id}#MONTHLY", f"9999-12-31#{monthly}")  # billed until cancelled
    assert (item.GSI5PK, item.GSI5SK) == expected  # noqa: SIM300 - attributes, not constants
    assert item.GSI3PK is None and item.GSI4PK is None  # never a coupon to pick, nothing to sweep


def test_an_unused_monthly_key_is_not_billed(coupon: str) -> None:
    assert stored(coupon).GSI5PK is None and stored(coupon).usage is None


def test_the_first_lookup_activates_a_monthly_key_the_same_way(monthly_partner: Partner, coupon: str) -> None:
    assert lookup(monthly_partner.api, coupon)["code"] == "VALID"
    assert stored(coupon).expires_at is None and stored(coupon).usage == [[int(at(27).timestamp()), None, 5]]


def test_devices_change_from_that_moment(monthly_partner: Partner, monthly: str, frozen_now: Any) -> None:
    frozen_now(at(30, 15))
    response = monthly_partner.api.patch(f"/v1/licenses/{monthly}", {"devices": 12})
    assert response.status == 200, response.body
    assert response.json()["devices"] == 12
    assert response.headers["ETag"] == f'"{response.json()["version"]}"'
    start, raised = int(at(27).timestamp()), int(at(30, 15).timestamp())
    assert stored(monthly).usage == [[start, raised, 5], [raised, None, 12]]
    assert lookup(monthly_partner.api, monthly)["license"]["devices"] == 12
    (entry, *_) = monthly_partner.api.get(f"/v1/licenses/{monthly}/history").json()["items"]
    assert (entry["action"], entry["changes"]) == ("edited", {"devices": {"from": 5, "to": 12}})


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_suspend_and_reinstate(monthly_partner: Partner, monthly: str, frozen_now: Any) -> None:
    frozen_now(at(28, 9))
    suspended = change(monthly_partner, monthly, "suspend")
    assert suspended.status == 200, suspended.body
    assert (suspended.json()["status"], suspended.json()["suspended_at"]) == (
        "suspended",
        "2026-11-28T09:00:00Z",
    )
    answer = lookup(monthly_partner.api, monthly)
    assert (answer["valid"], answer["code"], answer["license"]["status"]) == (False, "SUSPENDED", "suspended")

    frozen_now(at(29, 18))
    reinstated = change(monthly_partner, monthly, "reinstate")
    assert reinstated.status == 200, reinstated.body
    assert (reinstated.json()["status"], reinstated.json()["suspended_at"]) == ("active", None)
    assert lookup(monthly_partner.api, monthly)["code"] == "VALID"
    start, stop, restart = (int(moment.timestamp()) for moment in (at(27), at(28, 9), at(29, 18)))
    assert stored(monthly).usage == [[start, stop, 5], [restart, None, 5]]

    history = monthly_partner.api.get(f"/v1/licenses/{monthly}/history").json()["items"]
    assert [entry["action"] for entry in history] == ["reinstated", "suspended", "activated", "issued"]
    assert history[1]["changes"] == {"suspended_at": {"from": None, "to": "2026-11-28T09:00:00Z"}}
    assert history[0]["changes"] == {"suspended_at": {"from": "2026-11-28T09:00:00Z", "to": None}}
    assert history[0]["actor"] == {"type": "api_key", "id": monthly_partner.key_id, "email": None}


def test_cancel_ends_the_license_at_the_end_of_the_utc_day(
    monthly_partner: Partner, monthly: str, frozen_now: Any
) -> None:
    frozen_now(at(30, 15))
    response = change(monthly_partner, monthly, "cancel")
    assert response.status == 200, response.body
    body = response.json()
    assert (body["cancelled_at"], body["ends_at"]) == ("2026-11-30T15:00:00Z", "2026-12-01T00:00:00Z")
    assert body["status"] == "active"  # valid, and billed, until midnight
    assert lookup(monthly_partner.api, monthly)["code"] == "VALID"
    midnight = int(datetime(2026, 12, 1, tzinfo=UTC).timestamp())
    assert stored(monthly).usage == [[int(at(27).timestamp()), midnight, 5]]
    last_day_billed = f"2026-11-30#{monthly}"
    assert stored(monthly).GSI5SK == last_day_billed  # noqa: SIM300 - an attribute

    frozen_now(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    answer = lookup(monthly_partner.api, monthly)
    assert (answer["valid"], answer["code"]) == (False, "CANCELLED")
    assert monthly_partner.api.get(f"/v1/licenses/{monthly}").json()["status"] == "cancelled"
    listed = monthly_partner.api.get("/v1/licenses", query={"status": "cancelled"}).json()["items"]
    assert [item["key"] for item in listed] == [monthly]


def test_a_suspended_license_can_be_cancelled(
    monthly_partner: Partner, monthly: str, frozen_now: Any
) -> None:
    frozen_now(at(28))
    change(monthly_partner, monthly, "suspend")
    frozen_now(at(29))
    assert change(monthly_partner, monthly, "cancel").status == 200
    assert stored(monthly).usage == [[int(at(27).timestamp()), int(at(28).timestamp()), 5]]  # not reopened
    assert_problem(change(monthly_partner, monthly, "reinstate"), 409, "ALREADY_CANCELLED")


@pytest.mark.parametrize(
    ("first", "then", "code"),
    [
        ("cancel", "cancel", "ALREADY_CANCELLED"),
        ("suspend", "suspend", "ALREADY_SUSPENDED"),
        ("cancel", "suspend", "ALREADY_CANCELLED"),
        ("cancel", "reinstate", "ALREADY_CANCELLED"),
        (None, "reinstate", "NOT_SUSPENDED"),
    ],
)
def test_a_change_that_does_not_apply_is_409_and_writes_nothing(
    monthly_partner: Partner, monthly: str, first: str | None, then: str, code: str
) -> None:
    if first:
        assert change(monthly_partner, monthly, first).status == 200
    before = snapshot()
    assert_problem(change(monthly_partner, monthly, then), 409, code)
    assert snapshot() == before


def test_devices_after_cancellation_are_refused(monthly_partner: Partner, monthly: str) -> None:
    change(monthly_partner, monthly, "cancel")
    before = snapshot()
    assert_problem(
        monthly_partner.api.patch(f"/v1/licenses/{monthly}", {"devices": 9}), 409, "ALREADY_CANCELLED"
    )
    assert snapshot() == before


@pytest.mark.parametrize("what", ["suspend", "cancel"])
def test_an_unused_monthly_key_cannot_be_suspended_or_cancelled(
    monthly_partner: Partner, coupon: str, what: str
) -> None:
    before = snapshot()
    problem = assert_problem(change(monthly_partner, coupon, what), 409, "LICENSE_NOT_ACTIVE")
    assert problem["license_status"] == "unused"
    assert snapshot() == before


def test_an_unused_monthly_key_may_change_devices_without_usage(
    monthly_partner: Partner, coupon: str
) -> None:
    response = monthly_partner.api.patch(f"/v1/licenses/{coupon}", {"devices": 2})
    assert response.status == 200, response.body
    assert stored(coupon).usage is None and stored(coupon).devices == 2


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"devices": 501}, 422, "INVALID_DEVICES"),  # business covers 1 to 500
        ({"devices": 0}, 400, "VALIDATION_ERROR"),
        ({"devices": None}, 400, "VALIDATION_ERROR"),
        ({"devices": "5"}, 400, "VALIDATION_ERROR"),
        ({"devices": 2.5}, 400, "VALIDATION_ERROR"),
    ],
)
def test_bad_device_counts_are_refused(
    monthly_partner: Partner, monthly: str, body: dict, status: int, code: str
) -> None:
    before = snapshot()
    assert_problem(monthly_partner.api.patch(f"/v1/licenses/{monthly}", body), status, code)
    assert snapshot() == before


def test_annual_licenses_refuse_monthly_changes(partner: Partner, webhook: Any) -> None:
    order = partner.order().json()
    webhook.pay(order)
    (key,) = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    partner.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": WORKSPACE})
    before = snapshot()
    for what in ("suspend", "reinstate", "cancel"):
        assert_problem(change(partner, key, what), 409, "NOT_MONTHLY")
    assert_problem(partner.api.patch(f"/v1/licenses/{key}", {"devices": 6}), 409, "NOT_MONTHLY")
    assert snapshot() == before


def test_another_partners_monthly_license_is_404(admin: Api, monthly: str) -> None:
    other = Partner.create(admin, billing="monthly", name="Other MSP")
    before = snapshot()
    for what in ("suspend", "reinstate", "cancel"):
        assert_problem(change(other, monthly, what), 404, "LICENSE_NOT_FOUND")
    assert_problem(other.api.patch(f"/v1/licenses/{monthly}", {"devices": 6}), 404, "LICENSE_NOT_FOUND")
    assert_problem(change(other, "not-a-key", "cancel"), 400, "INVALID_LICENSE_KEY")
    assert snapshot() == before


def test_a_monthly_key_cannot_renew_an_annual_license(
    monthly_partner: Partner, coupon: str, webhook: Any, frozen_now: Any
) -> None:
    order = monthly_partner.order().json()  # an annual business license for 5 devices, paid
    assert webhook.pay(order, timestamp=int(frozen_now().timestamp())).status == 200
    (annual,) = monthly_partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    monthly_partner.api.post(f"/v1/licenses/{annual}/assign", {"workspace_id": "ws-annual"})
    before = snapshot()
    named = monthly_partner.api.post(f"/v1/licenses/{annual}/renew-with-coupon", {"coupon_key": coupon})
    assert_problem(named, 409, "COUPON_MISMATCH")
    assert_problem(
        monthly_partner.api.post(f"/v1/licenses/{annual}/renew-with-coupon"), 409, "NO_MATCHING_COUPON"
    )
    assert snapshot() == before


@pytest.mark.parametrize("what", ["suspend", "reinstate", "cancel"])
def test_each_change_is_two_calls(
    gateway: LocalGateway, monthly_partner: Partner, monthly: str, ddb_calls, what: str
) -> None:
    if what == "reinstate":
        change(monthly_partner, monthly, "suspend")
    ddb_calls.reset()
    status, _ = invoke(gateway, monthly_partner, "POST", f"/v1/licenses/{monthly}/{what}")
    assert status == 200
    assert ddb_calls.calls == ["GetItem", "TransactWriteItems"]  # the license read, the change written


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_change_lost_to_a_concurrent_one_is_retried_on_the_new_version(
    monthly_partner: Partner, monthly: str, monkeypatch: pytest.MonkeyPatch, frozen_now: Any
) -> None:
    """Suspend reads the license, then a device change lands before its write: the suspension's
    condition fails on the version, it reads again and closes the period the device change opened."""
    from licensing.licenses import subscriptions

    original = subscriptions.license_for
    calls = {"n": 0}

    def read_then_rival(partner_id: str, raw_key: str, *, consistent: bool = False) -> LicenseItem:
        license = original(partner_id, raw_key, consistent=consistent)
        calls["n"] += 1
        if calls["n"] == 1:
            frozen_now(at(28))
            assert monthly_partner.api.patch(f"/v1/licenses/{monthly}", {"devices": 7}).status == 200
            frozen_now(at(29))
        return license

    monkeypatch.setattr(subscriptions, "license_for", read_then_rival)
    frozen_now(at(29))
    response = change(monthly_partner, monthly, "suspend")
    assert response.status == 200, response.body
    assert calls["n"] == 2
    start, raised, stop = (int(moment.timestamp()) for moment in (at(27), at(28), at(29)))
    assert stored(monthly).usage == [[start, raised, 5], [raised, stop, 7]]
    actions = [
        e["action"] for e in monthly_partner.api.get(f"/v1/licenses/{monthly}/history").json()["items"]
    ]
    assert actions == ["suspended", "edited", "activated", "issued"]  # one suspension, not two
