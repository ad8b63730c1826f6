"""Changes to one monthly license racing against the moto server: exactly one suspension and one
cancellation win, each with one history entry, and the usage periods stay whole."""

from __future__ import annotations

import pytest

from licensing.store.table import HistoryItem, LicenseItem
from tests.concurrency.test_order_races import in_parallel
from tests.support.clients import Api, Partner
from tests.support.environment import ADMIN_KEY


@pytest.mark.server
@pytest.mark.parametrize("what", ["suspend", "cancel"])
def test_the_same_change_eight_times_at_once_happens_once(server_api: Api, what: str) -> None:
    partner = Partner.create(server_api.with_key(ADMIN_KEY), billing="monthly")
    (key,) = partner.monthly_order().json()["license_keys"]
    assert partner.api.post(f"/v1/licenses/{key}/assign", {"workspace_id": "ws-1"}).status == 200

    responses = in_parallel(8, lambda: partner.api.post(f"/v1/licenses/{key}/{what}"))

    statuses = sorted(r.status for r in responses)
    assert statuses == [200] + [409] * 7, [r.body for r in responses]
    expected = "ALREADY_SUSPENDED" if what == "suspend" else "ALREADY_CANCELLED"
    assert {r.json()["code"] for r in responses if r.status == 409} == {expected}
    entries = [
        h
        for h in HistoryItem.query(f"LICENSE#{key}")
        if h.action == {"suspend": "suspended", "cancel": "cancelled"}[what]
    ]
    assert len(entries) == 1
    usage = LicenseItem.get(f"LICENSE#{key}", "LICENSE", consistent_read=True).usage
    assert len(usage) == 1 and usage[0][1] is not None  # one period, closed once
