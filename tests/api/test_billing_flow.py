"""Monthly billing end to end through the real flow: a monthly order, its keys assigned, resized,
suspended, reinstated and cancelled through the API during November 2026; the live usage on the 30th,
then the run on 1 December, its statement in the order history, paid through the webhook."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.support.billing import bill
from tests.support.clients import Partner

pytestmark = pytest.mark.engines  # [moto] and [local]: tests/conftest.py


def nov(day: int, hour: int = 12) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


def ok(response, status: int = 200):  # type: ignore[no-untyped-def]
    assert response.status == status, response.body
    return response.json()


def test_a_month_of_monthly_licenses_from_order_to_paid_statement(
    gateway, monthly_partner: Partner, frozen_now, webhook, recorded_events
) -> None:
    api = monthly_partner.api
    frozen_now(nov(1, 8))
    order = ok(api.post("/v1/orders", {"plan": "monthly", "product": "business", "devices": 5, "licenses": 5},
                        headers={"Idempotency-Key": "msp-nov"}), 201)  # fmt: skip
    keys = ok(api.get(f"/v1/orders/{order['id']}"))["license_keys"]
    mid, raised, paused, cancelled, unused = keys
    for key in (raised, paused, cancelled):
        ok(api.post(f"/v1/licenses/{key}/assign", {"workspace_id": f"ws-{key[:5]}"}))
    frozen_now(nov(5, 23))
    ok(api.post(f"/v1/licenses/{mid}/assign", {"workspace_id": "ws-mid"}))
    frozen_now(nov(10, 15))
    ok(api.patch(f"/v1/licenses/{raised}", {"devices": 12}))
    frozen_now(nov(15, 9))
    ok(api.post(f"/v1/licenses/{paused}/suspend"))
    frozen_now(nov(18, 20))
    ok(api.post(f"/v1/licenses/{paused}/reinstate"))
    frozen_now(nov(20, 16))
    ok(api.post(f"/v1/licenses/{cancelled}/cancel"))

    frozen_now(nov(30, 18))
    usage = ok(api.get("/v1/billing/usage"))
    days = {line["key"]: (line["device_days"], line["devices_max"]) for line in usage["lines"]}
    assert days == {
        mid: (26 * 5, 5),  # from the 5th (assigned at 23:00)
        raised: (9 * 5 + 21 * 12, 12),  # the 10th at the higher count
        paused: ((30 - 2) * 5, 5),  # not the 16th and 17th
        cancelled: (20 * 5, 5),  # up to the 20th
    }  # the unused key costs nothing
    assert unused not in days and (usage["days_counted"], usage["complete"]) == (30, False)

    frozen_now(datetime(2026, 12, 1, 2, 0, 5, tzinfo=UTC))
    summary = bill(gateway, datetime(2026, 12, 1, 2, tzinfo=UTC))
    assert (summary["statements"], summary["month"]) == (1, "2026-11")
    (statement,) = ok(api.get("/v1/orders", query={"type": "monthly_statement"}))["items"]
    assert {line["key"]: line["device_days"] for line in statement["statement"]["lines"]} == {
        k: v[0] for k, v in days.items()
    }
    closed = ok(api.get("/v1/billing/usage", query={"month": "2026-11"}))
    assert (
        closed["complete"]
        and closed["estimated_total"] == statement["total"] == statement["statement"]["total"]
    )
    assert [line["amount"] for line in closed["lines"]] == [
        line["amount"] for line in statement["statement"]["lines"]
    ]
    paid = webhook.pay(statement, timestamp=int(frozen_now().timestamp()))
    assert paid.json()["outcome"] == "fulfilled", paid.body
    assert ok(api.get(f"/v1/orders/{statement['id']}"))["status"] == "fulfilled"
    # December so far: the cancelled license no longer counts, the others do
    frozen_now(datetime(2026, 12, 2, 9, tzinfo=UTC))
    december = ok(api.get("/v1/billing/usage"))
    assert {line["key"] for line in december["lines"]} == {mid, raised, paused}
