"""Buy licenses: a single license and a bulk order of 1,000 bought and paid (the dev server's simulated
payment) with the live quote and the volume level, the keys found in the coupons grid afterwards; an
offer's purchase link opening its checkout; a partner that buys through a distributor told why it cannot
buy here."""

from __future__ import annotations

import re
import uuid
from typing import Any

from tests.support.browser import NARROW, Portal, axe_check, click_until, settle, shoot, sign_in


def orders_with(portal: Portal, customer_ref: str) -> list[dict[str, Any]]:
    return portal.api("GET", f"/v1/orders?q={customer_ref}")["items"]


def test_the_owner_buys_one_license_pays_and_finds_the_key_among_the_coupons(
    page: Any, portal: Portal
) -> None:
    sign_in(page, portal, portal.owner_email)
    page.get_by_role("link", name="Buy licenses").click()
    price = page.get_by_label("Price of Business Security")
    page.get_by_label("Devices for Business Security").fill("7")
    page.get_by_label("License period for Business Security").select_option("2")
    quoted = portal.api("POST", "/v1/quotes", {"product": "business", "devices": 7, "years": 2})
    list_price = quoted["list_price_per_license"]["amount"] / 100
    price.filter(has_text=f"list €{list_price:,.2f}").wait_for()
    assert "Partner 10%" in price.inner_text()
    settle(page)
    axe_check(page, "on Buy licenses")
    shoot(page, "buy")

    page.get_by_role("button", name="Buy Business Security").click()
    page.get_by_role("heading", name="Your order").wait_for()
    summary = page.locator(".summary").inner_text()
    assert "Business" in summary and "2 years" in summary and "Partner 10%" in summary
    reference = f"single-{uuid.uuid4().hex[:8]}"
    page.get_by_label("Customer reference (optional)").fill(reference)
    page.get_by_role("button", name="Place order and pay").click()
    pay = page.get_by_role("button", name=re.compile(r"^Pay .* \(simulated\)$"))
    pay.wait_for()
    axe_check(page, "at the payment step")
    shoot(page, "checkout")
    pay.click()
    page.get_by_role("heading", name="Your 1 key is ready").wait_for()
    key = page.locator(".keys code").first.inner_text()
    [order] = orders_with(portal, reference)
    assert (order["status"], order["license_keys"], order["devices"], order["years"]) == (
        "fulfilled",
        [key],
        7,
        2,
    )

    page.get_by_role("link", name="Manage licenses").first.click()
    page.get_by_role("heading", name="Unused coupons").wait_for()
    settle(page)
    page.get_by_label("Show coupons").select_option("all")  # a new key's deadline is not near
    page.get_by_label("Search coupons").fill(key)
    settle(page)
    coupons = page.get_by_label("Unused coupons", exact=True).locator(".tabulator-row")
    coupons.filter(has_text=key).wait_for()
    assert coupons.count() == 1 and reference in coupons.first.inner_text()


def test_a_bulk_order_of_a_thousand_shows_its_level_and_its_progress_and_is_placed_once(
    page: Any, portal: Portal
) -> None:
    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + "#/buy")
    customers = page.get_by_label("Customers", exact=True)
    customers.fill("30")
    level = page.locator(".level")
    level.filter(has_text="Volume level reached: 25+ customers, 4% off. 20 more for 50+ (6%).").wait_for()
    customers.fill("1000")
    level.filter(has_text="Volume level reached: 1000+ customers, 15% off.").wait_for()
    reached = page.locator(".tiers li.reached")
    assert reached.count() == 7 and "1000+: 15%" in reached.last.inner_text()
    quoted = portal.api("POST", "/v1/quotes", {"product": "home", "devices": 5, "years": 1, "licenses": 1000})
    total = quoted["total"]["amount"] / 100
    page.locator(".quote .total").filter(has_text=f"€{total:,.2f} in all").wait_for()
    settle(page)
    axe_check(page, "on Bulk licenses")

    page.get_by_role("button", name="Buy bulk licenses").click()
    reference = f"bulk-{uuid.uuid4().hex[:8]}"
    page.get_by_label("Customer reference (optional)").fill(reference)
    place = page.get_by_role("button", name="Place order and pay")
    place.dblclick()  # a double click still places one order (one Idempotency-Key per checkout)
    pay = page.get_by_role("button", name=re.compile(r"^Pay .* \(simulated\)$"))
    pay.click()
    page.locator(".progress").filter(has_text=re.compile(r"keys")).wait_for()
    page.get_by_role("heading", name="Your 1000 keys are ready").wait_for(timeout=90_000)
    assert "and 980 more." in page.locator(".checkout").inner_text()
    [order] = orders_with(portal, reference)
    assert (order["type"], order["status"], len(order["license_keys"])) == ("bulk", "fulfilled", 1000)
    shoot(page, "bulk-order")


def test_an_offers_purchase_link_opens_its_checkout(page: Any, portal: Portal) -> None:
    offer = portal.admin("POST", "/v1/admin/offers", {
        "partner_id": portal.partner_id, "product": "enterprise", "devices": 40, "years": 3, "licenses": 2,
        "reason": "education", "discount_percent": 30, "expires_at": "2027-06-30T00:00:00Z",
    })  # fmt: skip
    sign_in(page, portal, portal.owner_email, url=portal.base_url + offer["purchase_url"])
    page.get_by_role("heading", name="Checkout: your offer").wait_for()
    summary = page.locator(".summary").inner_text()
    assert "Enterprise" in summary and "40" in summary and "3 years" in summary
    page.get_by_role("button", name="Place order and pay").click()
    page.get_by_role("button", name=re.compile(r"\(simulated\)$")).click()
    page.get_by_role("heading", name="Your 2 keys are ready").wait_for()
    assert portal.admin("GET", f"/v1/admin/offers/{offer['id']}")["status"] == "used"

    page.goto(portal.url + "#/buy")
    offers = page.get_by_label("Open offers", exact=True)
    settle(page)
    assert offer["id"] not in offers.inner_text()  # used: no longer open
    sign_in(
        page, portal, portal.owner_email, url=portal.base_url + offer["purchase_url"]
    )  # tokens: memory only
    page.get_by_role("link", name="Back to the products and your offers").wait_for()
    assert "Code:" in page.locator(".problem").inner_text()


def test_open_offers_are_listed_with_their_own_buy_buttons(page: Any, portal: Portal) -> None:
    offer = portal.admin("POST", "/v1/admin/offers", {
        "partner_id": portal.partner_id, "product": "home", "devices": 3, "years": 1, "licenses": 5,
        "reason": "nonprofit", "discount_percent": 25, "expires_at": "2027-03-31T00:00:00Z",
    })  # fmt: skip
    page.set_viewport_size({"width": NARROW, "height": 800})
    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + "#/buy")
    buy = page.get_by_role("button", name=f"Buy offer {offer['id']}")
    click_until(buy, page.get_by_role("heading", name="Checkout: your offer"))
    assert "5" in page.locator(".summary").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    axe_check(page, "on an offer's checkout at 390 pixels")


def test_a_partner_with_a_distributor_sees_why_it_cannot_buy(page: Any, portal: Portal) -> None:
    distributor = portal.admin("POST", "/v1/admin/distributors", {
        "name": "Nordic Distribution", "email": "orders@nordic.example",
        "support_url": "https://nordic.example/partners",
    })  # fmt: skip
    partner = portal.admin("POST", "/v1/admin/partners", {
        "name": "Fjord IT", "email": "ops@fjord.example", "currency": "EUR",
        "distributor_id": distributor["id"],
    })  # fmt: skip
    email = portal.owner_of(partner["id"], f"owner-{uuid.uuid4().hex[:6]}@fjord.example")
    sign_in(page, portal, email)
    page.get_by_role("link", name="Buy licenses").click()
    page.get_by_role("heading", name="Your account buys through a distributor").wait_for()
    assert "supplied by Nordic Distribution" in page.locator("main").inner_text()
    mail = page.get_by_role("link", name="orders@nordic.example")
    assert mail.get_attribute("href") == "mailto:orders@nordic.example"
    assert page.get_by_role("link", name="https://nordic.example/partners").is_visible()
    assert page.get_by_role("button", name=re.compile("^Buy")).count() == 0
    axe_check(page, "on Buy licenses for a distributor's partner")
    shoot(page, "buy-through-distributor")
