"""`POST /dev/bill` on the running dev server: the monthly billing run for a month, with the scheduled
event of the 1st after it at 02:00 UTC, even when that is ahead of the clock."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from licensing.billing.usage import Month
from tests.support.devserver import ADMIN_KEY, Running, assert_problem, call

pytestmark = pytest.mark.server


def test_dev_bill_runs_the_billing_run_for_a_month(devserver: Running, base_url: str) -> None:
    created = call(base_url, "POST", "/v1/admin/partners", {"name": "Dev MSP", "email": "msp@dev.example",
                   "currency": "EUR", "billing": "monthly"}, key=ADMIN_KEY)  # fmt: skip
    assert created.status == 201, created.body
    partner_id = created.json()["id"]
    key = call(base_url, "POST", f"/v1/admin/partners/{partner_id}/api-keys", {"name": "t"}, key=ADMIN_KEY)
    api_key = key.json()["api_key"]
    body = {"plan": "monthly", "product": "business", "devices": 20}
    order = call(base_url, "POST", "/v1/orders", body, key=api_key)
    assert order.status == 201, order.body
    (license,) = call(base_url, "GET", f"/v1/orders/{order.json()['id']}", key=api_key).json()["license_keys"]
    assigned = call(
        base_url, "POST", f"/v1/licenses/{license}/assign", {"workspace_id": "ws-dev"}, key=api_key
    )
    assert assigned.status == 200, assigned.body
    current = Month.of(datetime.now(UTC))

    billed = call(base_url, "POST", "/dev/bill", {"month": current.label})  # its run is still to come
    assert billed.status == 200, billed.body
    summary = billed.json()
    assert (summary["month"], summary["now"], summary["complete"], summary["statements"]) == (
        current.label, current.end.replace(hour=2).strftime("%Y-%m-%dT%H:%M:%SZ"), True, 1,
    )  # fmt: skip
    assert [total["currency"] for total in summary["totals"]] == ["EUR"]
    orders = call(base_url, "GET", "/v1/orders?type=monthly_statement", key=api_key).json()["items"]
    assert [(o["statement"]["month"], [line["key"] for line in o["statement"]["lines"]]) for o in orders] == [
        (current.label, [license])
    ]
    assert call(base_url, "POST", "/dev/bill", {"month": current.label}).json()["statements"] == 0
    before = call(base_url, "POST", "/dev/bill", {"month": current.previous().label}).json()
    assert (before["statements"], before["without_usage"] >= 1) == (0, True)

    for bad in ({"month": "2026-13"}, {"month": 202611}, {}, None):
        assert_problem(call(base_url, "POST", "/dev/bill", bad), 400, "VALIDATION_ERROR")
    assert "POST /dev/bill" in devserver.output
