"""Renew with coupon when many requests run at once, against the moto server: thirty licenses racing for
ten coupons, and a double click with one idempotency key."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from licensing.core.clock import add_months
from licensing.infra.bus import RecordingPublisher
from licensing.store.table import LicenseItem
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.coupon_renewal import of_type, renew_once
from tests.support.environment import ADMIN_KEY, WEBHOOK_SECRET


@pytest.mark.server
def test_thirty_licenses_racing_for_ten_coupons(
    server_api: Api, recorded_events: RecordingPublisher, ddb_calls
) -> None:
    started = time.monotonic()
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    webhook = WebhookSender(server_api, WEBHOOK_SECRET)
    lookup = server_api.with_key(None)

    def paid(**fields: Any) -> list[str]:
        order = partner.order(**fields).json()
        assert webhook.pay(order).status == 200
        return partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]

    keys = paid(licenses=40)
    licenses, matching = keys[:30], keys[30:]
    for n, key in enumerate(licenses):
        answer = lookup.post("/v1/lookup", {"license_key": key, "workspace_id": f"ws-{n}"})
        assert answer.json()["code"] == "VALID", answer.body
    untouched = paid(licenses=3, devices=10) + paid(licenses=2, product="home") + paid(licenses=3)
    for key in untouched[-3:]:
        assert partner.api.patch(f"/v1/licenses/{key}", {"note": "reserved"}).status == 200

    def stored(key: str) -> LicenseItem:
        return LicenseItem.get(f"LICENSE#{key}", "LICENSE", consistent_read=True)

    expiry_before = {key: stored(key).expires_at for key in licenses}
    untouched_before = {key: stored(key).to_simple_dict() for key in untouched}
    recorded_events.events.clear()
    ddb_calls.reset()

    with ThreadPoolExecutor(max_workers=30) as pool:
        answers = list(
            pool.map(lambda key: partner.api.post(f"/v1/licenses/{key}/renew-with-coupon"), licenses)
        )

    statuses = [a.status for a in answers]
    assert sorted(statuses) == [200] * 10 + [409] * 20, [a.body for a in answers if a.status != 200]
    assert {a.json()["code"] for a in answers if a.status == 409} == {"NO_MATCHING_COUPON"}
    winners = {a.json()["license"]["key"]: a.json()["coupon"]["key"] for a in answers if a.status == 200}
    assert sorted(winners.values()) == sorted(matching)  # each coupon once

    redeemed_for = {key: stored(key).redeemed_for for key in matching}
    assert all(stored(key).redeemed_at is not None for key in matching)
    assert sorted(redeemed_for.values()) == sorted(winners)  # distinct, and each a renewed license
    assert {coupon: renewed_key for renewed_key, coupon in winners.items()} == redeemed_for
    for key in licenses:  # one coupon term more, or nothing
        expected = add_months(expiry_before[key], 12) if key in winners else expiry_before[key]
        assert stored(key).expires_at == expected, key
    assert {key: stored(key).to_simple_dict() for key in untouched} == untouched_before
    renewed_events = of_type(recorded_events, "LicenseRenewed")
    assert sorted(e["license_key"] for e in renewed_events) == sorted(winners)  # exactly 10, one each
    assert sorted(e["coupon_key"] for e in of_type(recorded_events, "CouponRedeemed")) == sorted(matching)
    assert ddb_calls.calls.count("TransactWriteItems") > 10  # they did race: losers moved on
    assert time.monotonic() - started < 60


@pytest.mark.server
def test_a_double_click_at_once_spends_one_coupon(server_api: Api) -> None:
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    webhook = WebhookSender(server_api, WEBHOOK_SECRET)
    order = partner.order(licenses=4).json()
    webhook.pay(order)
    active, *spare = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    server_api.with_key(None).post("/v1/lookup", {"license_key": active, "workspace_id": "ws-1"})

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: renew_once(partner, active, "double-click"), range(6)))

    assert [a.status for a in answers] == [200] * 6, [a.body for a in answers]
    assert len({a.body for a in answers}) == 1
    statuses = [LicenseItem.get(f"LICENSE#{key}", "LICENSE").redeemed_at is not None for key in spare]
    assert sorted(statuses) == [False, False, True]
