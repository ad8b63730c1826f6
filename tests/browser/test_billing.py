"""Monthly billing: the month's usage so far as the API answers it, the statements, the CSV (the same
bytes as the API's, saved as usage-YYYY-MM.csv); a partner billed up front is told so in plain words."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.support.browser import PEOPLE_PASSWORD, Portal, axe_check, settle, shoot, sign_in
from tests.support.devserver import ADMIN_KEY, call


def money(amount: int) -> str:
    """EUR minor units as the portal shows them (Intl.NumberFormat "en")."""
    return f"€{amount / 100:,.2f}"


def test_this_months_usage_and_its_csv(page: Any, portal: Portal, tmp_path: Path) -> None:
    body = {
        "plan": "monthly",
        "product": "business",
        "devices": 3,
        "licenses": 1,
        "customer_ref": "MSP-BILL-1",
    }
    placed = portal.api("POST", "/v1/orders", body, Idempotency_Key=f"browser-{uuid.uuid4()}")
    key = placed["license_keys"][0]
    portal.api("POST", "/v1/lookup", {"license_key": key, "workspace_id": "ws-billing"})
    month = datetime.now(UTC).strftime("%Y-%m")
    usage = portal.api("GET", "/v1/billing/usage")
    assert usage["month"] == month and usage["lines"], usage

    sign_in(page, portal, portal.owner_email)
    page.get_by_role("link", name="Monthly billing").click()
    assert page.get_by_label("Month", exact=True).input_value() == month
    licenses = page.get_by_role("table", name="Licenses")
    licenses.get_by_role("row").filter(has_text=key).wait_for()
    assert "MSP-BILL-1" in licenses.inner_text()
    assert (
        f"Estimated total: {money(usage['estimated_total']['amount'])}" in page.locator(".quote").inner_text()
    )
    charges = page.get_by_role("table", name="Charges per product line")
    for line in usage["subtotals"]:
        assert money(line["amount"]["amount"]) in charges.inner_text()
    assert str(sum(line["device_days"] for line in usage["subtotals"])) in charges.inner_text()
    assert page.get_by_text("Your partner is not billed monthly").count() == 0
    page.get_by_role("heading", name="Statements by month").wait_for()
    settle(page)
    axe_check(page, "on Monthly billing")
    shoot(page, "monthly-billing")

    with page.expect_download() as started:
        page.get_by_role("button", name="Download CSV").click()
    download = started.value
    assert download.suggested_filename == f"usage-{month}.csv"
    saved = tmp_path / "usage.csv"
    download.save_as(saved)
    expected = call(portal.base_url, "GET", f"/v1/billing/usage.csv?month={month}", key=portal.partner_key)
    assert expected.status == 200
    assert saved.read_bytes() == expected.body.encode("utf-8")
    assert key in expected.body
    page.get_by_role("status").filter(has_text=f"Saved usage-{month}.csv").wait_for()


def test_a_month_in_the_future_is_a_problem_in_plain_words(page: Any, portal: Portal) -> None:
    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + "#/billing")
    page.get_by_role("table", name="Licenses").or_(page.get_by_text("No monthly licenses")).first.wait_for()
    page.get_by_label("Month", exact=True).fill("2999-01")
    page.get_by_label("Month", exact=True).dispatch_event("change")
    alert = page.get_by_role("alert").filter(has_text="MONTH_IN_FUTURE")
    alert.wait_for()
    assert "The month has not begun" in alert.inner_text()


def test_a_partner_billed_up_front_is_told_so(page: Any, portal: Portal) -> None:
    admin = {"key": ADMIN_KEY}
    body = {
        "name": "Prepaid Reseller",
        "email": "ops@prepaid.example",
        "currency": "EUR",
        "billing": "prepaid",
    }
    created = call(portal.base_url, "POST", "/v1/admin/partners", body, **admin)
    assert created.status == 201, created.body
    email = f"owner-{uuid.uuid4().hex[:8]}@prepaid.example"
    person = {"email": email, "role": "owner", "temporary_password": PEOPLE_PASSWORD}
    invited = call(
        portal.base_url, "POST", f"/v1/admin/partners/{created.json()['id']}/users", person, **admin
    )
    assert invited.status == 201, invited.body
    portal.passwords[email] = PEOPLE_PASSWORD

    sign_in(page, portal, email)
    page.goto(portal.url + "#/billing")
    page.get_by_role("heading", name="Your partner is not billed monthly").wait_for()
    assert page.get_by_text("paid for up front").is_visible()
    assert page.get_by_role("button", name="Download CSV").is_hidden()
    assert page.get_by_role("heading", name="Statements by month").count() == 0
    axe_check(page, "on Monthly billing, a partner billed up front")
    shoot(page, "monthly-billing-prepaid")


def test_statements_by_month(page: Any, portal: Portal) -> None:
    body = {
        "plan": "monthly",
        "product": "business",
        "devices": 2,
        "licenses": 1,
        "customer_ref": "MSP-BILL-2",
    }
    portal.api("POST", "/v1/orders", body, Idempotency_Key=f"browser-{uuid.uuid4()}")
    month = datetime.now(UTC).strftime("%Y-%m")
    ran = call(portal.base_url, "POST", "/dev/bill", {"month": month})
    assert ran.status == 200, ran.body
    statements = portal.api("GET", "/v1/orders?type=monthly_statement")["items"]
    assert statements, ran.body
    statement = statements[0]

    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + "#/billing")
    grid = page.get_by_label("Statements", exact=True)
    row = grid.locator(".tabulator-row").filter(has_text=statement["id"])
    row.wait_for()
    assert statement["statement"]["month"] in row.inner_text()
    assert money(statement["total"]["amount"]) in row.inner_text()
    page.get_by_role("button", name=f"Details of statement {statement['statement']['month']}").click()
    dialog = page.get_by_role("dialog", name=f"Statement {statement['statement']['month']}")
    for line in statement["statement"]["subtotals"]:
        assert money(line["amount"]["amount"]) in dialog.inner_text()
    axe_check(page, "on a statement's details")
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
