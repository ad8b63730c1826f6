"""GET /v1/billing/usage and its CSV: a month's device-days and charges for a monthly partner, live or
closed; bad input answers a problem and writes nothing; the reads are constant."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from licensing.licenses.monthly import MONTHLY_PARTNERS, closed, end_of_day, opened, resized
from licensing.store.table import PartnerItem
from tests.support.billing import at, monthly_license
from tests.support.clients import Partner
from tests.support.problems import assert_problem
from tests.support.table import snapshot

OCT = datetime(2026, 10, 1, tzinfo=UTC)
DEC = datetime(2026, 12, 1, tzinfo=UTC)


@pytest.fixture
def licenses(monthly_partner: Partner, frozen_now) -> dict[str, str]:
    """The clock is at 2026-11-27 10:00; one license for each scenario of November."""
    pid = monthly_partner.id
    since_october = opened(None, at(1, 0, month=OCT), 2)
    return {
        "mid_month": monthly_license(
            pid, opened(None, at(5, 18), 5), customer_ref="CUST-1", workspace_id="ws-1"
        ),
        "raised": monthly_license(pid, resized(opened(None, at(1, 0, month=OCT), 5), at(10, 9), 10)),
        "suspended": monthly_license(pid, opened(closed(since_october, at(15, 9)), at(18, 9), 2)),
        "cancelled": monthly_license(
            pid, closed(opened(None, at(1, 0, month=OCT), 3), end_of_day(at(20, 9))), product="enterprise",
            ends_at=end_of_day(at(20, 9)),
        ),
        "ended_before": monthly_license(
            pid, closed(opened(None, at(1, 0, month=OCT), 3), end_of_day(at(10, 9, month=OCT))),
            ends_at=end_of_day(at(10, 9, month=OCT)),
        ),
        "next_month": monthly_license(pid, opened(None, at(1, 9, month=DEC), 3)),
    }  # fmt: skip


def test_the_month_so_far_per_license_and_product(monthly_partner: Partner, licenses: dict[str, str]) -> None:
    answer = monthly_partner.api.get("/v1/billing/usage")
    assert answer.status == 200, answer.body
    body = answer.json()
    assert {k: body[k] for k in ("month", "currency", "days_in_month", "days_counted", "complete")} == {
        "month": "2026-11", "currency": "EUR", "days_in_month": 30, "days_counted": 27, "complete": False,
    }  # fmt: skip
    lines = {line["key"]: line for line in body["lines"]}
    assert set(lines) == {licenses[k] for k in ("mid_month", "raised", "suspended", "cancelled")}
    assert lines[licenses["mid_month"]] | {"amount": None} == {
        "key": licenses["mid_month"], "product": "business", "customer_ref": "CUST-1", "workspace_id": "ws-1",
        "devices_max": 5, "device_days": 23 * 5, "amount": None,
    }  # fmt: skip
    assert lines[licenses["raised"]]["device_days"] == 9 * 5 + 18 * 10  # the 10th at 10, up to the 27th
    assert lines[licenses["suspended"]]["device_days"] == (27 - 2) * 2
    assert lines[licenses["cancelled"]]["device_days"] == 20 * 3
    assert lines[licenses["mid_month"]]["amount"] == {"amount": 1261, "currency": "EUR"}  # 115/30 x 329
    total = sum(line["amount"]["amount"] for line in body["lines"])
    assert body["estimated_total"] == {"amount": total, "currency": "EUR"}
    assert [s["product"] for s in body["subtotals"]] == ["business", "enterprise"]
    assert sum(s["amount"]["amount"] for s in body["subtotals"]) == total


def test_a_closed_month_is_complete(monthly_partner: Partner, licenses: dict[str, str]) -> None:
    body = monthly_partner.api.get("/v1/billing/usage", query={"month": "2026-10"}).json()
    assert (body["complete"], body["days_counted"], body["days_in_month"]) == (True, 31, 31)
    keys = {line["key"] for line in body["lines"]}
    assert licenses["ended_before"] in keys and licenses["next_month"] not in keys
    ended = next(line for line in body["lines"] if line["key"] == licenses["ended_before"])
    assert ended["device_days"] == 10 * 3


def test_the_csv_has_the_same_lines(monthly_partner: Partner, licenses: dict[str, str]) -> None:
    answer = monthly_partner.api.get("/v1/billing/usage.csv", query={"month": "2026-11"})
    assert answer.status == 200, answer.body
    assert answer.headers["Content-Type"].startswith("text/csv")
    assert answer.headers["Content-Disposition"] == 'attachment; filename="usage-2026-11.csv"'
    rows = list(csv.DictReader(io.StringIO(answer.body)))
    assert list(rows[0]) == ["month", "key", "customer_ref", "workspace_id", "product", "devices_max",
                             "device_days", "amount", "currency"]  # fmt: skip
    json_lines = monthly_partner.api.get("/v1/billing/usage", query={"month": "2026-11"}).json()["lines"]
    assert [(r["key"], int(r["device_days"]), r["amount"]) for r in rows] == [
        (line["key"], line["device_days"], f"{line['amount']['amount'] / 100:.2f}") for line in json_lines
    ]
    mid = next(r for r in rows if r["key"] == licenses["mid_month"])
    assert (mid["month"], mid["customer_ref"], mid["amount"], mid["currency"]) == (
        "2026-11",
        "CUST-1",
        "12.61",
        "EUR",
    )


def test_a_partner_without_monthly_licenses_has_an_empty_month(partner: Partner, frozen_now) -> None:
    body = partner.api.get("/v1/billing/usage").json()
    assert (body["lines"], body["estimated_total"]["amount"], body["minimum_applied"]) == ([], 0, False)
    assert partner.api.get("/v1/billing/usage.csv").body.count("\r\n") == 1  # the header alone


def test_another_partners_licenses_are_never_shown(monthly_partner: Partner, admin, licenses) -> None:
    other = Partner.create(admin, billing="monthly", name="Other MSP")
    assert other.api.get("/v1/billing/usage").json()["lines"] == []


@pytest.mark.parametrize(
    ("month", "status", "code"),
    [
        ("2026-13", 400, "INVALID_MONTH"),
        ("2026-00", 400, "INVALID_MONTH"),
        ("1969-12", 400, "INVALID_MONTH"),
        ("2026-1", 400, "VALIDATION_ERROR"),
        ("november", 400, "VALIDATION_ERROR"),
        ("2026-11-01", 400, "VALIDATION_ERROR"),
        ("2026-12", 422, "MONTH_IN_FUTURE"),
        ("2031-01", 422, "MONTH_IN_FUTURE"),
    ],
)
@pytest.mark.parametrize("path", ["/v1/billing/usage", "/v1/billing/usage.csv"])
def test_bad_months_are_problems_and_write_nothing(
    monthly_partner: Partner, licenses, path: str, month: str, status: int, code: str
) -> None:
    before = snapshot()
    assert_problem(monthly_partner.api.get(path, query={"month": month}), status, code)
    assert snapshot() == before


def test_only_partner_keys_may_read_usage(admin, api, licenses) -> None:
    before = snapshot()
    assert_problem(admin.get("/v1/billing/usage"), 403, "FORBIDDEN")
    assert api.get("/v1/billing/usage.csv").status == 401
    assert snapshot() == before


def test_usage_is_a_constant_number_of_calls(monthly_partner: Partner, licenses, ddb_calls) -> None:
    for _ in range(20):
        monthly_license(monthly_partner.id, opened(None, at(3, 9), 1))
    for path in ("/v1/billing/usage", "/v1/billing/usage.csv"):
        ddb_calls.reset()
        assert monthly_partner.api.get(path).status == 200
        # the authorizer's key, the partner, one Query of GSI5 (and nothing else, however many licenses)
        assert ddb_calls.calls == ["GetItem", "GetItem", "Query"]
        assert ddb_calls.params[2]["IndexName"] == "GSI5"


def test_monthly_partners_are_listed_for_the_billing_run(
    monthly_partner: Partner, partner: Partner, admin
) -> None:
    listed = {p.GSI5SK for p in PartnerItem.monthly_billing.query(MONTHLY_PARTNERS)}
    assert listed == {monthly_partner.id}
    assert admin.patch(f"/v1/admin/partners/{partner.id}", {"billing": "monthly"}).status == 200
    assert {p.GSI5SK for p in PartnerItem.monthly_billing.query(MONTHLY_PARTNERS)} == {
        monthly_partner.id,
        partner.id,
    }
    assert admin.patch(f"/v1/admin/partners/{partner.id}", {"billing": "prepaid"}).status == 200
    # kept: its monthly licenses are still billed until they end
    assert {p.GSI5SK for p in PartnerItem.monthly_billing.query(MONTHLY_PARTNERS)} == {
        monthly_partner.id,
        partner.id,
    }
