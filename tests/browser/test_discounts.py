"""Discounts: a request sent through the form appears with its state, and once an admin approves it, with
a link to its offer; a retried submission keeps its Idempotency-Key (one request, not two); a read-only
person sees the requests but is offered no form."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.support.browser import Portal, axe_check, settle, shoot, sign_in
from tests.support.devserver import ADMIN_KEY, call


def requests_of(portal: Portal, customer: str) -> list[dict[str, Any]]:
    items = portal.api("GET", "/v1/discount-requests?limit=100")["items"]
    return [item for item in items if item["customer_name"] == customer]


def fill_form(page: Any, customer: str) -> None:
    page.get_by_label("Kind").select_option("nonprofit")
    page.get_by_label("Customer").fill(customer)
    page.get_by_label("Evidence link (optional)").fill("https://registry.example/charities/123")
    page.get_by_label("Details").fill("40 devices of Business for a year")


def row_of(page: Any, customer: str) -> Any:
    return (
        page.get_by_label("Discount requests", exact=True).locator(".tabulator-row").filter(has_text=customer)
    )


def test_a_request_appears_with_its_state_and_then_its_offer(page: Any, portal: Portal) -> None:
    customer = f"Green Trust {uuid.uuid4().hex[:6]}"
    sign_in(page, portal, portal.owner_email)
    page.get_by_role("link", name="Discounts").click()
    fill_form(page, customer)
    page.get_by_role("button", name="Send request").click()
    row = row_of(page, customer)
    row.wait_for()
    assert "Pending" in row.inner_text() and "Non-profit" in row.inner_text()
    assert page.get_by_label("Customer").input_value() == ""  # the form is ready for the next one
    [sent] = requests_of(portal, customer)
    assert sent["status"] == "pending" and sent["evidence_url"] == "https://registry.example/charities/123"
    settle(page)
    axe_check(page, "on Discounts")
    shoot(page, "discounts")

    expires = (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ")
    approval = {"product": "business", "devices": 40, "years": 1, "licenses": 1, "discount_percent": 50}
    approved = call(
        portal.base_url, "POST", f"/v1/admin/discount-requests/{sent['id']}/approve",
        {**approval, "expires_at": expires}, key=ADMIN_KEY,
    )  # fmt: skip
    assert approved.status in (200, 201), approved.body
    offer_id = approved.json()["offer"]["id"]
    page.get_by_role("link", name="Order history").click()  # and back: the list is read again
    page.get_by_role("link", name="Discounts").click()
    row.filter(has_text="Approved").wait_for()
    link = row.get_by_role("link", name=f"Offer {offer_id} for {customer}")
    assert link.get_attribute("href") == f"#/buy/offer/{offer_id}"
    assert "Open" in link.inner_text()
    shoot(page, "discounts-approved")


def test_a_retried_submission_asks_once(page: Any, portal: Portal) -> None:
    customer = f"Retry School {uuid.uuid4().hex[:6]}"
    keys: list[str] = []

    def lose_the_first_answer(route: Any) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) > 1:
            route.continue_()
            return
        route.fetch()  # the request reaches the API; its answer is lost on the way back
        problem = {"title": "Too many requests", "detail": "Try again.", "code": "THROTTLED", "status": 429}
        route.fulfill(status=429, content_type="application/problem+json", body=json.dumps(problem))

    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + "#/discounts")
    page.route(
        "**/v1/discount-requests",
        lambda route: lose_the_first_answer(route) if route.request.method == "POST" else route.continue_(),
    )
    fill_form(page, customer)
    page.get_by_role("button", name="Send request").click()
    page.get_by_role("alert").filter(has_text="THROTTLED").wait_for()
    page.get_by_role("button", name="Send request").click()
    row_of(page, customer).wait_for()
    assert len(keys) == 2 and keys[0] == keys[1], keys
    assert len(requests_of(portal, customer)) == 1
    assert page.get_by_role("alert").filter(has_text="THROTTLED").count() == 0


def test_a_read_only_person_sees_requests_but_no_form(page: Any, portal: Portal) -> None:
    email = portal.invite("reader@demo-partner.example", "read_only")
    sign_in(page, portal, email)
    page.goto(portal.url + "#/discounts")
    page.get_by_role("heading", name="Your discount requests").wait_for()
    settle(page)
    assert page.get_by_role("button", name="Send request").count() == 0
    assert page.get_by_role("heading", name="Request a discount").count() == 0
    axe_check(page, "on Discounts, read-only")
