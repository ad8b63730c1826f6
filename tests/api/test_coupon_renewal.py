"""Renew with coupon: `POST /v1/licenses/{key}/renew-with-coupon` redeems one of the partner's own unused
coupons of the same product and devices (the soonest activation deadline without a note, or the one named)
and extends the license by the coupon's term, in one transaction with both history entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from devtools.gateway import HttpResponse, LocalGateway
from licensing.core import clock
from licensing.core.actors import Actor
from licensing.infra.bus import RecordingPublisher
from licensing.licenses import repository as license_repo
from licensing.licenses.api import LicenseEdit
from licensing.licenses.keys import generate_key
from licensing.licenses.lifecycle import activation_deadline
from licensing.licenses.management import edit
from licensing.renewals import paid as renewal_orders
from licensing.renewals import with_coupon as coupon_renewal_module
from licensing.renewals.api import RenewRequest
from licensing.store.transactions import Transaction
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.coupon_renewal import of_type, renew_once
from tests.support.invoke import invoke
from tests.support.problems import assert_problem
from tests.support.table import snapshot

# frozen_now starts at 2026-11-27 10:00 UTC (`active` expires a year later); coupons bought on these
# days have their activation deadline twelve months later.
JAN, MAR, JUN, SEP = (datetime(2026, month, 1, 9, 0, tzinfo=UTC) for month in (1, 3, 6, 9))


def buy(
    partner: Partner,
    webhook: WebhookSender,
    frozen_now: Any,
    *,
    at: datetime | None = None,
    licenses: int = 1,
    **fields: Any,
) -> tuple[str, list[str]]:
    """A paid order (business, 5 devices, 1 year unless told), bought `at` that moment: its id and keys."""
    back_to = frozen_now()
    if at is not None:
        frozen_now(at)
    order = partner.order(licenses=licenses, **fields)
    assert order.status == 201, order.body
    paid = webhook.pay(order.json(), timestamp=int(frozen_now().timestamp()))
    assert paid.status == 200, paid.body
    frozen_now(back_to)
    return order.json()["id"], partner.api.get(f"/v1/orders/{order.json()['id']}").json()["license_keys"]


def coupons(partner: Partner, webhook: WebhookSender, frozen_now: Any, at: datetime, **fields: Any) -> str:
    """One unused coupon bought `at` that moment (deadline twelve months later)."""
    _, (key,) = buy(partner, webhook, frozen_now, at=at, **fields)
    return key


def activated(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, *, at: datetime | None = None, **fields: Any
) -> str:
    """A license bought and assigned `at` that moment (now by default): its term starts then."""
    back_to = frozen_now()
    _, (key,) = buy(partner, webhook, frozen_now, at=at, **fields)
    if at is not None:
        frozen_now(at)
    assigned = partner.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": f"ws-{key[:5]}"})
    assert assigned.status == 200, assigned.body
    frozen_now(back_to)
    return key


def renew(partner: Partner, key: str, body: Any = None) -> HttpResponse:
    return partner.api.post(f"/v1/licenses/{key}/renew-with-coupon", body)


def renewed(partner: Partner, key: str, body: Any = None) -> dict[str, Any]:
    response = renew(partner, key, body)
    assert response.status == 200, response.body
    return response.json()


def license(partner: Partner, key: str) -> dict[str, Any]:
    response = partner.api.get(f"/v1/licenses/{key}")
    assert response.status == 200, response.body
    return response.json()


def history(partner: Partner, key: str) -> list[dict[str, Any]]:
    return partner.api.get(f"/v1/licenses/{key}/history").json()["items"]


def note(partner: Partner, key: str, text: str | None) -> None:
    assert partner.api.patch(f"/v1/licenses/{key}", {"note": text}).status == 200


def usage(partner: Partner, order_id: str) -> tuple[int, int]:
    order = partner.api.get(f"/v1/orders/{order_id}").json()
    return order["licenses_used"], order["licenses_unused"]


def option(partner: Partner, key: str) -> dict[str, Any] | None:
    response = partner.api.get(f"/v1/licenses/{key}/renewal-options")
    assert response.status == 200, response.body
    return response.json()["coupon"]


@pytest.fixture
def other(admin: Api) -> Partner:
    return Partner.create(admin, name="Other Reseller")


@pytest.fixture
def active(partner: Partner, webhook: WebhookSender, frozen_now: Any) -> str:
    """A business license for 5 devices, activated now: it expires on 2027-11-27 10:00 UTC."""
    return activated(partner, webhook, frozen_now)


# --- happy paths -----------------------------------------------------------------------------------


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_soonest_deadline_matching_coupon_is_used(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    later = coupons(partner, webhook, frozen_now, SEP)
    soonest = coupons(partner, webhook, frozen_now, MAR)
    coupons(partner, webhook, frozen_now, JUN)
    coupons(partner, webhook, frozen_now, JAN, devices=10)  # sooner, but for 10 devices
    coupons(partner, webhook, frozen_now, JAN, product="home")  # sooner, but another product
    frozen_now(datetime(2026, 12, 1, 8, 30, tzinfo=UTC))

    body = renewed(partner, active)

    assert body["license"]["key"] == active
    assert body["license"]["status"] == "active"
    assert body["license"]["expires_at"] == "2028-11-27T10:00:00Z"  # one year more than it had
    assert body["license"]["renewed_at"] == "2026-12-01T08:30:00Z"
    assert body["coupon"]["key"] == soonest
    assert body["coupon"]["activation_deadline"] == "2027-03-01T09:00:00Z"
    assert (body["coupon"]["status"], body["coupon"]["redeemed_for"]) == ("redeemed", active)
    assert body["coupon"]["activated_at"] is None
    assert license(partner, later)["status"] == "unused"


def test_response_is_what_a_later_read_shows(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)
    body = renewed(partner, active)
    assert body["license"] == license(partner, active)
    assert body["coupon"] == license(partner, coupon)  # versions included: they are the ETags


@pytest.mark.parametrize("body", [None, {}, {"coupon_key": None}])
def test_body_may_be_omitted_or_empty(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, body: Any
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)
    assert renewed(partner, active, body)["coupon"]["key"] == coupon


def test_coupons_with_a_note_are_skipped_until_it_is_cleared(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    second = activated(partner, webhook, frozen_now)
    reserved = coupons(partner, webhook, frozen_now, MAR)
    free = coupons(partner, webhook, frozen_now, JUN)
    note(partner, reserved, "kept for ACME")

    assert renewed(partner, active)["coupon"]["key"] == free
    assert license(partner, reserved)["status"] == "unused"
    assert option(partner, second) is None
    assert_problem(renew(partner, second), 409, "NO_MATCHING_COUPON")

    note(partner, reserved, None)
    assert option(partner, second)["key"] == reserved
    assert renewed(partner, second)["coupon"]["key"] == reserved


def test_a_named_coupon_is_used_even_with_a_note(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    soonest = coupons(partner, webhook, frozen_now, MAR)
    reserved = coupons(partner, webhook, frozen_now, SEP)
    note(partner, reserved, "for this customer's renewal")
    typed = reserved.replace("-", "").lower()  # as a person might type it

    body = renewed(partner, active, {"coupon_key": typed})

    assert body["coupon"]["key"] == reserved
    assert (body["coupon"]["status"], body["coupon"]["note"]) == ("redeemed", "for this customer's renewal")
    assert body["license"]["expires_at"] == "2028-11-27T10:00:00Z"
    assert license(partner, soonest)["status"] == "unused"


def test_an_expired_license_is_renewed_from_now(
    partner: Partner, webhook: WebhookSender, frozen_now: Any
) -> None:
    expired = activated(partner, webhook, frozen_now, at=datetime(2025, 9, 15, 12, 0, tzinfo=UTC))
    assert license(partner, expired)["status"] == "expired"  # since 2026-09-15 12:00
    coupons(partner, webhook, frozen_now, SEP)
    frozen_now(datetime(2026, 12, 3, 16, 45, 30, tzinfo=UTC))

    body = renewed(partner, expired)

    assert body["license"]["status"] == "active"
    assert body["license"]["expires_at"] == "2027-12-03T16:45:30Z"  # no paid time for the gap
    assert body["license"]["renewed_at"] == "2026-12-03T16:45:30Z"
    changes = history(partner, expired)[0]["changes"]
    assert changes["expires_at"] == {"from": "2026-09-15T12:00:00Z", "to": "2027-12-03T16:45:30Z"}


def test_the_coupons_term_is_what_the_license_gains(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    two_years = coupons(partner, webhook, frozen_now, MAR, years=2)  # term does not have to match
    body = renewed(partner, active)
    assert (body["coupon"]["key"], body["coupon"]["term_months"]) == (two_years, 24)
    assert body["license"]["expires_at"] == "2029-11-27T10:00:00Z"


def test_renewing_twice_uses_two_coupons_and_stacks_the_terms(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    first = coupons(partner, webhook, frozen_now, MAR)
    second = coupons(partner, webhook, frozen_now, JUN)
    assert renewed(partner, active)["coupon"]["key"] == first
    body = renewed(partner, active)
    assert body["coupon"]["key"] == second
    assert body["license"]["expires_at"] == "2029-11-27T10:00:00Z"
    assert_problem(renew(partner, active), 409, "NO_MATCHING_COUPON")


def test_both_histories_record_the_redemption(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)
    frozen_now(datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
    renewed(partner, active)

    actor, at = {"type": "api_key", "id": partner.key_id, "email": None}, "2026-12-01T08:30:00Z"
    license_history = history(partner, active)
    assert [e["action"] for e in license_history] == ["renewed", "activated", "issued"]
    assert license_history[0] == {
        "at": at,
        "actor": actor,
        "action": "renewed",
        "changes": {
            "expires_at": {"from": "2027-11-27T10:00:00Z", "to": "2028-11-27T10:00:00Z"},
            "coupon_key": {"from": None, "to": coupon},
        },
    }
    coupon_history = history(partner, coupon)
    assert [e["action"] for e in coupon_history] == ["redeemed", "issued"]
    assert coupon_history[0] == {
        "at": at,
        "actor": actor,
        "action": "redeemed",
        "changes": {
            "status": {"from": "unused", "to": "redeemed"},
            "redeemed_for": {"from": None, "to": active},
        },
    }


def test_the_coupons_order_counts_it_as_used(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    license_order = license(partner, active)["order_id"]
    coupon_order, _ = buy(partner, webhook, frozen_now, at=MAR, licenses=3)
    assert usage(partner, coupon_order) == (0, 3)
    assert usage(partner, license_order) == (1, 0)

    renewed(partner, active)

    assert usage(partner, coupon_order) == (1, 2)
    assert usage(partner, license_order) == (1, 0)


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_events_for_the_renewal_and_the_redemption(
    partner: Partner,
    webhook: WebhookSender,
    frozen_now: Any,
    active: str,
    recorded_events: RecordingPublisher,
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)
    recorded_events.events.clear()

    renewed(partner, active)

    assert of_type(recorded_events, "LicenseRenewed") == [
        {
            "event_id": f"license-renewed:{active}:{coupon}",
            "license_key": active,
            "partner_id": partner.id,
            "workspace_id": f"ws-{active[:5]}",
            "product": "business",
            "previous_product": "business",
            "previous_expires_at": "2027-11-27T10:00:00Z",
            "expires_at": "2028-11-27T10:00:00Z",
            "coupon_key": coupon,
        }
    ]
    assert of_type(recorded_events, "CouponRedeemed") == [
        {
            "event_id": f"coupon-redeemed:{coupon}",
            "coupon_key": coupon,
            "partner_id": partner.id,
            "redeemed_for": active,
        }
    ]
    assert len(recorded_events.events) == 2


def test_a_redeemed_coupon_leaves_the_options_and_is_listed_as_redeemed(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    first = coupons(partner, webhook, frozen_now, MAR)
    second = coupons(partner, webhook, frozen_now, JUN)
    assert option(partner, active) == {
        "key": first,
        "activation_deadline": "2027-03-01T09:00:00Z",
        "term_months": 12,
        "expires_at": "2028-11-27T10:00:00Z",
    }

    renewed(partner, active)

    assert option(partner, active) == {
        "key": second,
        "activation_deadline": "2027-06-01T09:00:00Z",
        "term_months": 12,
        "expires_at": "2029-11-27T10:00:00Z",
    }
    listed = partner.api.get("/v1/licenses", query={"status": "redeemed"}).json()["items"]
    assert [(item["key"], item["redeemed_for"]) for item in listed] == [(first, active)]
    unused = partner.api.get("/v1/licenses", query={"status": "unused"}).json()["items"]
    assert [item["key"] for item in unused] == [second]


def test_the_listing_shows_both_as_a_read_does(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)
    frozen_now(datetime(2026, 12, 1, 8, 30, tzinfo=UTC))
    renewed(partner, active)
    listed = {item["key"]: item for item in partner.api.get("/v1/licenses").json()["items"]}
    assert listed[coupon] == license(partner, coupon)
    assert listed[active] == license(partner, active)  # renewed_at and expires_at included


def test_a_coupon_deadline_is_exclusive(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)  # deadline 2027-03-01 09:00
    frozen_now(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))
    assert option(partner, active) is None
    assert_problem(renew(partner, active), 409, "NO_MATCHING_COUPON")
    frozen_now(datetime(2027, 3, 1, 8, 59, 59, tzinfo=UTC))
    assert renewed(partner, active)["coupon"]["key"] == coupon


def test_a_claimed_vendor_key_without_an_order_can_be_the_coupon(
    partner: Partner, active: str, frozen_now: Any
) -> None:
    key = generate_key()
    issued = datetime(2026, 6, 1, tzinfo=UTC)
    vendor_key = license_repo.new_license(
        key, product="business", devices=5, term_months=12, partner_id=None, order_id=None,
        purchased_at=issued, activation_deadline=activation_deadline(issued), customer_ref=None, now=issued,
    )  # fmt: skip
    tx = Transaction()
    license_repo.add_issues(tx, [vendor_key])
    tx.commit()
    assert partner.api.post("/v1/licenses/claim", {"key": key}).status == 200

    body = renewed(partner, active)

    assert (body["coupon"]["key"], body["coupon"]["order_id"]) == (key, None)
    assert body["license"]["expires_at"] == "2028-11-27T10:00:00Z"


# --- refusals: a stable code and nothing written -----------------------------------------------------


@pytest.fixture
def scene(
    partner: Partner, other: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> dict[str, str]:
    """`active` (business, 5 devices) with no coupon it could pick on its own, and keys in every state."""
    redeemed = coupons(partner, webhook, frozen_now, MAR)
    renewed(partner, activated(partner, webhook, frozen_now), {"coupon_key": redeemed})
    refunded_order, (revoked,) = buy(partner, webhook, frozen_now, at=MAR)
    refund = partner.api.get(f"/v1/orders/{refunded_order}").json()
    webhook.pay(refund, type="payment.refunded", timestamp=int(frozen_now().timestamp()))
    noted = coupons(partner, webhook, frozen_now, JUN)
    note(partner, noted, "reserved")
    scene = {
        "active": active,
        "unknown": generate_key(),
        "malformed": "not-a-key",
        "other_partners_license": activated(other, webhook, frozen_now),
        "other_partners_coupon": coupons(other, webhook, frozen_now, MAR),
        "redeemed": redeemed,
        "revoked": revoked,
        "lapsed": coupons(partner, webhook, frozen_now, datetime(2025, 10, 1, tzinfo=UTC)),
        "noted": noted,
        "other_product": coupons(partner, webhook, frozen_now, MAR, product="home"),
        "other_devices": coupons(partner, webhook, frozen_now, MAR, devices=4),
    }
    assert license(partner, revoked)["status"] == "revoked"
    assert license(partner, scene["lapsed"])["status"] == "lapsed"
    return scene


@pytest.mark.parametrize(
    ("key", "coupon", "status", "code"),
    [
        ("unknown", None, 404, "LICENSE_NOT_FOUND"),
        ("other_partners_license", None, 404, "LICENSE_NOT_FOUND"),
        ("malformed", None, 400, "INVALID_LICENSE_KEY"),
        ("noted", None, 409, "NOT_ACTIVATED"),  # an unused coupon is not a license to renew
        ("redeemed", None, 409, "LICENSE_REDEEMED"),
        ("revoked", None, 409, "LICENSE_REVOKED"),
        ("lapsed", None, 409, "LICENSE_LAPSED"),
        ("active", None, 409, "NO_MATCHING_COUPON"),  # only noted, lapsed, used or mismatched ones
        ("active", "unknown", 404, "COUPON_NOT_FOUND"),
        ("active", "other_partners_coupon", 404, "COUPON_NOT_FOUND"),
        ("active", "malformed", 400, "INVALID_LICENSE_KEY"),
        ("active", "other_product", 409, "COUPON_MISMATCH"),
        ("active", "other_devices", 409, "COUPON_MISMATCH"),
        ("active", "redeemed", 409, "COUPON_NOT_AVAILABLE"),
        ("active", "active", 409, "COUPON_NOT_AVAILABLE"),  # activated: it is a license, not a coupon
        ("active", "revoked", 409, "COUPON_NOT_AVAILABLE"),
        ("active", "lapsed", 409, "COUPON_NOT_AVAILABLE"),
    ],
)
def test_refusals_have_a_stable_code_and_write_nothing(
    partner: Partner,
    scene: dict[str, str],
    recorded_events: RecordingPublisher,
    key: str,
    coupon: str | None,
    status: int,
    code: str,
) -> None:
    body = None if coupon is None else {"coupon_key": scene[coupon]}
    before, events_before = snapshot(), len(recorded_events.events)
    assert_problem(renew(partner, scene[key], body), status, code)
    assert snapshot() == before
    assert len(recorded_events.events) == events_before


def test_coupon_not_available_says_which_status(partner: Partner, scene: dict[str, str]) -> None:
    for name in ("redeemed", "active", "revoked", "lapsed"):
        problem = assert_problem(
            renew(partner, scene["active"], {"coupon_key": scene[name]}), 409, "COUPON_NOT_AVAILABLE"
        )
        assert problem["coupon_status"] == name, problem


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"coupon_key": None, "years": 1}, "VALIDATION_ERROR"),  # no extra fields
        ({"coupon_key": 12345}, "VALIDATION_ERROR"),
        ({"coupon_key": ["A"]}, "VALIDATION_ERROR"),
        ({"coupon_key": ""}, "VALIDATION_ERROR"),
        ({"coupon_key": "A" * 65}, "VALIDATION_ERROR"),
        (["coupon_key"], "VALIDATION_ERROR"),
        ("{not json", "MALFORMED_JSON"),
    ],
)
def test_bad_bodies_are_400_and_write_nothing(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, body: Any, code: str
) -> None:
    coupons(partner, webhook, frozen_now, MAR)  # a coupon is there: only the body is wrong
    before = snapshot()
    path = f"/v1/licenses/{active}/renew-with-coupon"
    if isinstance(body, str):
        response = partner.api.post(path, body=body, headers={"Content-Type": "application/json"})
    else:
        response = partner.api.post(path, body)
    assert_problem(response, 400, code)
    assert snapshot() == before


def test_only_a_partner_may_renew(admin: Api, api: Api, active: str) -> None:
    before = snapshot()
    assert api.post(f"/v1/licenses/{active}/renew-with-coupon").status == 401
    assert_problem(admin.post(f"/v1/licenses/{active}/renew-with-coupon"), 403, "FORBIDDEN")
    assert snapshot() == before


# --- DynamoDB call budget -----------------------------------------------------------------------------


def test_auto_pick_is_a_read_a_query_and_one_transaction(
    gateway: LocalGateway, partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, ddb_calls
) -> None:
    for at in (MAR, JUN, SEP):
        coupons(partner, webhook, frozen_now, at)
    ddb_calls.reset()
    status, body = invoke(gateway, partner, "POST", f"/v1/licenses/{active}/renew-with-coupon")
    assert status == 200, body
    assert ddb_calls.calls == ["GetItem", "Query", "TransactWriteItems"]
    get, query, write = ddb_calls.params
    assert get["ConsistentRead"] is True
    assert (query["IndexName"], query["Limit"]) == ("GSI3", 1)
    # license, coupon, their two history entries, order usage, and the two events (LicenseRenewed,
    # CouponRedeemed) in the outbox
    assert len(write["TransactItems"]) == 7


def test_named_coupon_is_two_reads_and_one_transaction(
    gateway: LocalGateway, partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, ddb_calls
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)
    ddb_calls.reset()
    status, body = invoke(
        gateway, partner, "POST", f"/v1/licenses/{active}/renew-with-coupon", {"coupon_key": coupon}
    )
    assert status == 200, body
    assert ddb_calls.calls == ["GetItem", "GetItem", "TransactWriteItems"]
    assert all(params["ConsistentRead"] is True for params in ddb_calls.params[:2])


# --- losing a race for a coupon -----------------------------------------------------------------------


def interleave(monkeypatch: pytest.MonkeyPatch, owner: Any, name: str, rival: Any) -> list[Any]:
    """Wrap `owner.name`: right after its first call, and before the request under test writes,
    `rival(result)` runs (another request getting there first). Returns every result, in order."""
    real = getattr(owner, name)
    results: list[Any] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        result = real(*args, **kwargs)
        results.append(result)
        if len(results) == 1 and result is not None:
            rival(result)
        return result

    monkeypatch.setattr(owner, name, wrapped)
    return results


def rival_before_first_pick(monkeypatch: pytest.MonkeyPatch, rival: Any) -> list[Any]:
    """`rival(coupon)` runs right after the first automatic pick (`license_repo.soonest_coupon`, which
    renewals.with_coupon calls through the module, so patching the module attribute reaches it)."""
    assert coupon_renewal_module.license_repo is license_repo
    return interleave(monkeypatch, license_repo, "soonest_coupon", rival)


def rival_after_named_coupon_read(monkeypatch: pytest.MonkeyPatch, rival: Any) -> list[Any]:
    """`rival(coupon)` runs right after the named coupon was read and checked."""
    return interleave(monkeypatch, coupon_renewal_module, "_chosen", rival)


def take(partner: Partner, license_key: str) -> Any:
    """A rival that redeems the coupon for `license_key` first."""
    return lambda coupon: coupon_renewal_module.renew_with_coupon(
        partner.id, license_key, coupon.key, None, clock.now(), actor=Actor("api_key", partner.key_id)
    )


def migrate_to_enterprise(partner: Partner, webhook: WebhookSender, license_key: str) -> Any:
    """A rival that renews the license, moving it to the enterprise edition, and pays for it."""
    request = RenewRequest(years=1, migrate_to="enterprise")

    def run(_: Any) -> None:
        order = renewal_orders.place(partner.id, license_key, request, None, clock.now())
        signed_at = int(clock.now().timestamp())
        paid = webhook.send(order.id, int(order.total_amount), order.currency, timestamp=signed_at)
        assert paid.status == 200, paid.body

    return run


def then_snapshot(rival: Any, snapshots: list[list[dict]]) -> Any:
    """The rival, then the table as it left it (to show the request under test wrote nothing more)."""

    def run(result: Any) -> None:
        rival(result)
        snapshots.append(snapshot())

    return run


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_a_coupon_taken_meanwhile_moves_on_to_the_next(
    partner: Partner,
    webhook: WebhookSender,
    frozen_now: Any,
    active: str,
    monkeypatch: pytest.MonkeyPatch,
    recorded_events: RecordingPublisher,
) -> None:
    rival_license = activated(partner, webhook, frozen_now)
    first = coupons(partner, webhook, frozen_now, MAR)
    second = coupons(partner, webhook, frozen_now, JUN)
    coupon_order = license(partner, first)["order_id"]
    picks = rival_before_first_pick(monkeypatch, take(partner, rival_license))
    recorded_events.events.clear()

    body = renewed(partner, active)

    assert [p.key for p in picks] == [first, second]
    assert (body["coupon"]["key"], body["coupon"]["redeemed_for"]) == (second, active)
    assert body["license"]["expires_at"] == "2028-11-27T10:00:00Z"  # renewed once
    assert license(partner, first)["redeemed_for"] == rival_license
    assert [e["action"] for e in history(partner, active)] == ["renewed", "activated", "issued"]
    assert [e["action"] for e in history(partner, first)] == ["redeemed", "issued"]  # by the rival only
    assert usage(partner, coupon_order) == (1, 0)
    assert len(of_type(recorded_events, "LicenseRenewed")) == 2  # the rival's and this one
    assert {e["coupon_key"] for e in of_type(recorded_events, "CouponRedeemed")} == {first, second}


def test_the_last_coupon_taken_meanwhile_is_409_no_matching_coupon(
    partner: Partner,
    webhook: WebhookSender,
    frozen_now: Any,
    active: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rival_license = activated(partner, webhook, frozen_now)
    only = coupons(partner, webhook, frozen_now, MAR)
    after_rival: list[list[dict]] = []
    rival_before_first_pick(monkeypatch, then_snapshot(take(partner, rival_license), after_rival))

    assert_problem(renew(partner, active), 409, "NO_MATCHING_COUPON")
    assert snapshot() == after_rival[0]  # the losing request wrote nothing
    assert license(partner, only)["redeemed_for"] == rival_license


def test_a_coupon_reserved_meanwhile_is_not_used(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = coupons(partner, webhook, frozen_now, MAR)
    second = coupons(partner, webhook, frozen_now, JUN)
    reserve = LicenseEdit(note="just reserved").model_dump(exclude_unset=True)
    rival_before_first_pick(
        monkeypatch,
        lambda picked: edit(
            partner.id, picked.key, reserve, None, clock.now(), actor=Actor("api_key", partner.key_id)
        ),
    )

    assert renewed(partner, active)["coupon"]["key"] == second
    assert (license(partner, first)["status"], license(partner, first)["note"]) == ("unused", "just reserved")


def test_a_coupon_edited_meanwhile_but_still_free_is_still_used(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = coupons(partner, webhook, frozen_now, MAR)
    later = coupons(partner, webhook, frozen_now, JUN)
    relabel = LicenseEdit(customer_ref="CUST-9").model_dump(exclude_unset=True)
    rival_before_first_pick(
        monkeypatch,
        lambda picked: edit(
            partner.id, picked.key, relabel, None, clock.now(), actor=Actor("api_key", partner.key_id)
        ),
    )

    body = renewed(partner, active)

    assert (body["coupon"]["key"], body["coupon"]["customer_ref"]) == (first, "CUST-9")
    assert license(partner, later)["status"] == "unused"


def test_a_license_renewed_meanwhile_gains_both_terms(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = coupons(partner, webhook, frozen_now, MAR)
    named = coupons(partner, webhook, frozen_now, SEP)
    rival_before_first_pick(
        monkeypatch,
        lambda picked: coupon_renewal_module.renew_with_coupon(
            partner.id, active, named, None, clock.now(), actor=Actor("api_key", partner.key_id)
        ),
    )

    body = renewed(partner, active)

    assert body["coupon"]["key"] == first
    assert body["license"]["expires_at"] == "2029-11-27T10:00:00Z"  # from the rival's new expiry
    renewals = [e["changes"] for e in history(partner, active) if e["action"] == "renewed"]
    assert [c["coupon_key"]["to"] for c in renewals] == [first, named]
    assert renewals[0]["expires_at"] == {"from": "2028-11-27T10:00:00Z", "to": "2029-11-27T10:00:00Z"}


def test_a_named_coupon_taken_meanwhile_is_409_not_available(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    rival_license = activated(partner, webhook, frozen_now)
    named = coupons(partner, webhook, frozen_now, SEP)
    coupons(partner, webhook, frozen_now, MAR)  # another coupon is free, but this one was named
    after_rival: list[list[dict]] = []
    rival_after_named_coupon_read(monkeypatch, then_snapshot(take(partner, rival_license), after_rival))

    problem = assert_problem(renew(partner, active, {"coupon_key": named}), 409, "COUPON_NOT_AVAILABLE")
    assert problem["coupon_status"] == "redeemed"
    assert snapshot() == after_rival[0]


def test_a_license_migrated_meanwhile_is_not_renewed_with_a_coupon_of_its_old_edition(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = activated(partner, webhook, frozen_now)
    business_coupon = coupons(partner, webhook, frozen_now, MAR)
    after_rival: list[list[dict]] = []
    migrate = migrate_to_enterprise(partner, webhook, key)
    rival_before_first_pick(monkeypatch, then_snapshot(migrate, after_rival))

    response = renew(partner, key)

    assert license(partner, key)["product"] == "enterprise"
    assert license(partner, business_coupon)["status"] == "unused", response.body
    assert_problem(response, 409, "NO_MATCHING_COUPON")  # no enterprise coupon for 5 devices
    assert snapshot() == after_rival[0]


def test_a_license_migrated_meanwhile_no_longer_matches_the_named_coupon(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = activated(partner, webhook, frozen_now)
    business_coupon = coupons(partner, webhook, frozen_now, MAR)
    after_rival: list[list[dict]] = []
    migrate = migrate_to_enterprise(partner, webhook, key)
    rival_after_named_coupon_read(monkeypatch, then_snapshot(migrate, after_rival))

    response = renew(partner, key, {"coupon_key": business_coupon})

    assert license(partner, key)["product"] == "enterprise"
    assert license(partner, business_coupon)["status"] == "unused", response.body
    assert_problem(response, 409, "COUPON_MISMATCH")
    assert snapshot() == after_rival[0]


def test_a_license_that_keeps_changing_is_409_conflict_and_the_coupon_stays_unused(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    coupon = coupons(partner, webhook, frozen_now, MAR)
    real_redeem = coupon_renewal_module._redeem
    edits = iter(range(100))

    def redeem_after_an_edit(license: Any, *args: Any) -> Any:  # someone edits the note every time
        edit(
            partner.id,
            active,
            {"note": f"edit {next(edits)}"},
            None,
            clock.now(),
            actor=Actor("api_key", partner.key_id),
        )
        return real_redeem(license, *args)

    monkeypatch.setattr(coupon_renewal_module, "_redeem", redeem_after_an_edit)

    assert_problem(renew(partner, active), 409, "CONFLICT")
    assert next(edits) == 3  # three attempts, then it gives up
    assert license(partner, coupon)["status"] == "unused"
    assert [e["action"] for e in history(partner, active)][:4] == ["edited"] * 3 + ["activated"]


# --- a retried request spends no second coupon ---------------------------------------------------------


def test_a_retry_with_the_same_idempotency_key_answers_as_the_first_and_spends_nothing(
    partner: Partner,
    webhook: WebhookSender,
    frozen_now: Any,
    active: str,
    recorded_events: RecordingPublisher,
) -> None:
    first_coupon = coupons(partner, webhook, frozen_now, MAR)
    second_coupon = coupons(partner, webhook, frozen_now, JUN)
    first = renew_once(partner, active, "click-1")
    assert first.status == 200, first.body
    before = snapshot()

    retried = renew_once(partner, active, "click-1")

    assert (retried.status, retried.json()) == (200, first.json())
    assert retried.json()["coupon"]["key"] == first_coupon
    assert snapshot() == before  # the second coupon is still unused, the term moved once
    assert license(partner, second_coupon)["status"] == "unused"
    assert len(of_type(recorded_events, "CouponRedeemed")) == 1


def test_a_retry_after_the_last_coupon_went_is_still_the_first_answer(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    coupons(partner, webhook, frozen_now, MAR)
    first = renew_once(partner, active, "click-2")
    assert first.status == 200, first.body
    assert_problem(renew(partner, active), 409, "NO_MATCHING_COUPON")  # without the key: none left
    assert renew_once(partner, active, "click-2").json() == first.json()


def test_the_same_idempotency_key_for_another_request_is_409(
    partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str
) -> None:
    named = coupons(partner, webhook, frozen_now, MAR)
    coupons(partner, webhook, frozen_now, JUN)
    assert renew_once(partner, active, "click-3").status == 200
    before = snapshot()
    assert_problem(
        renew_once(partner, active, "click-3", {"coupon_key": named}), 409, "IDEMPOTENCY_KEY_REUSED"
    )
    assert snapshot() == before


def test_an_idempotency_key_keeps_the_call_budget(
    gateway: LocalGateway, partner: Partner, webhook: WebhookSender, frozen_now: Any, active: str, ddb_calls
) -> None:
    coupons(partner, webhook, frozen_now, MAR)
    ddb_calls.reset()
    path = f"/v1/licenses/{active}/renew-with-coupon"
    status, _ = invoke(gateway, partner, "POST", path, **{"Idempotency-Key": "budget"})
    assert status == 200
    assert ddb_calls.calls == ["GetItem", "Query", "TransactWriteItems"]
    assert len(ddb_calls.params[-1]["TransactItems"]) == 8  # the seven of a redemption and the record
