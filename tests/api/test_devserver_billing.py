"""`POST /dev/bill` on the running dev server: the monthly billing run for a month, with the scheduled
event of the 1st after it at 02:00 UTC, even when that is ahead of the clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import boto3

from licensing.billing.usage import Month
from licensing.licenses.monthly import opened
from tests.api.test_devserver import ADMIN_KEY, Running, _assert_problem, base_url, call, devserver  # noqa: F401
from tests.support.billing import monthly_item


def test_dev_bill_runs_the_billing_run_for_a_month(devserver: Running, base_url: str) -> None:  # noqa: F811
    created = call(base_url, "POST", "/v1/admin/partners", {"name": "Dev MSP", "email": "msp@dev.example",
                   "currency": "EUR", "billing": "monthly"}, key=ADMIN_KEY)  # fmt: skip
    assert created.status == 201, created.body
    partner_id = created.json()["id"]
    key = call(base_url, "POST", f"/v1/admin/partners/{partner_id}/api-keys", {"name": "t"}, key=ADMIN_KEY)
    api_key = key.json()["api_key"]
    current = Month.of(datetime.now(UTC))
    last = current.previous()
    license = monthly_item(partner_id, opened(None, last.start - timedelta(days=2), 4))
    endpoint = devserver.banner_value(r"DynamoDB endpoint:\s+(\S+)")
    table = devserver.banner_value(r"DynamoDB endpoint:.*, table (\S+)")
    boto3.client("dynamodb", endpoint_url=endpoint).put_item(TableName=table, Item=license.serialize())

    billed = call(base_url, "POST", "/dev/bill", {"month": last.label})
    assert billed.status == 200, billed.body
    summary = billed.json()
    assert (summary["month"], summary["now"], summary["complete"]) == (
        last.label, current.start.replace(hour=2).strftime("%Y-%m-%dT%H:%M:%SZ"), True,
    )  # fmt: skip
    assert summary["statements"] == 1 and summary["partners"] >= 1
    assert summary["totals"] == [{"amount": 4 * 329, "currency": "EUR"}]
    orders = call(base_url, "GET", "/v1/orders?type=monthly_statement", key=api_key).json()["items"]
    assert [(o["type"], o["statement"]["month"]) for o in orders] == [("monthly_statement", last.label)]
    assert call(base_url, "POST", "/dev/bill", {"month": last.label}).json()["statements"] == 0

    ahead = call(base_url, "POST", "/dev/bill", {"month": current.label}).json()  # its run is in the future
    assert (ahead["month"], ahead["statements"], ahead["complete"]) == (current.label, 1, True)

    for body in ({"month": "2026-13"}, {"month": 202611}, {}, None):
        _assert_problem(call(base_url, "POST", "/dev/bill", body), 400, "VALIDATION_ERROR")
    assert "POST /dev/bill" in devserver.output
