"""Manage licenses, row by row: the note edited in place with the pencil, the change history, a renewal
with a coupon, a renewal for N years paid through the payment step, a monthly license suspended and
reinstated, a coupon assigned to a workspace, the coupons grouped by dragging a column header (the counts
from the API's group_by), and a read-only person offered none of the changes."""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest

from tests.support.browser import Portal, axe_check, settle, shoot, sign_in
from tests.support.devserver import call


def paid_order(portal: Portal, **fields: Any) -> dict[str, Any]:
    body = {"product": "business", "devices": 5, "years": 1, **fields}
    order = portal.api("POST", "/v1/orders", body, Idempotency_Key=f"browser-{uuid.uuid4()}")
    paid = call(portal.base_url, "POST", f"/dev/pay/{order['id']}", None)
    assert paid.status == 200, paid.body
    return portal.api("GET", f"/v1/orders/{order['id']}")


def activate(portal: Portal, key: str) -> None:
    portal.api("POST", "/v1/lookup", {"license_key": key, "workspace_id": f"ws-{key[:5].lower()}"})


@pytest.fixture(scope="module")
def stock(portal: Portal) -> dict[str, Any]:
    """Annual keys: two activated, three coupons that match them; a monthly license activated; and a
    few coupons of other products for the grouping."""
    annual = paid_order(portal, licenses=5, customer_ref="ROW-ACTIONS")["license_keys"]
    for key in annual[:2]:
        activate(portal, key)
    monthly_body = {"plan": "monthly", "product": "business", "devices": 4, "customer_ref": "ROW-MONTHLY"}
    monthly = portal.api("POST", "/v1/orders", monthly_body, Idempotency_Key=f"browser-{uuid.uuid4()}")
    activate(portal, monthly["license_keys"][0])
    paid_order(portal, product="home", devices=3, licenses=2)
    paid_order(portal, product="enterprise", devices=20, licenses=1)
    return {"activated": annual[:2], "coupons": annual[2:], "monthly": monthly["license_keys"][0]}


def open_licenses(page: Any, portal: Portal, email: str | None = None) -> None:
    sign_in(page, portal, email or portal.owner_email)
    page.get_by_role("link", name="Manage licenses").click()
    page.get_by_role("heading", name="Unused coupons").wait_for()
    settle(page)


def find_activated(page: Any, key: str) -> Any:
    page.get_by_label("Search activated licenses").fill(key)
    settle(page)  # the rows of the search, not those shown before it
    row = page.get_by_label("Activated licenses", exact=True).locator(".tabulator-row").filter(has_text=key)
    row.wait_for()
    return row


def license_of(portal: Portal, key: str) -> dict[str, Any]:
    return portal.api("GET", f"/v1/licenses/{key}")


def test_the_pencil_edits_a_note_in_place_and_the_history_shows_it(
    page: Any, portal: Portal, stock: dict[str, Any]
) -> None:
    key = stock["activated"][0]
    open_licenses(page, portal)
    row = find_activated(page, key)
    row.get_by_role("button", name=f"Edit the note of {key}").click()
    editor = page.get_by_label(f"Note of {key}")
    editor.fill("Reception PC, <b>not</b> the server")
    editor.press("Enter")
    row.filter(has_text="Reception PC, <b>not</b> the server").wait_for()  # text, never markup
    assert license_of(portal, key)["note"] == "Reception PC, <b>not</b> the server"
    axe_check(page, "after editing a note")

    row.get_by_role("button", name=f"Actions for {key}").click()
    page.get_by_role("button", name="Change history").click()
    history = page.get_by_role("dialog", name=f"History of {key}")
    history.get_by_text("Note: none → Reception PC, <b>not</b> the server").wait_for()
    text = history.inner_text()
    assert "Issued" in text and "Activated" in text and "by User owner@demo-partner.example" in text
    axe_check(page, "in the change history")
    shoot(page, "license-history")
    history.get_by_role("button", name="Close").click()
    page.get_by_role("button", name=f"Actions for {key}").wait_for()


def test_a_note_changed_meanwhile_is_not_overwritten(
    page: Any, portal: Portal, stock: dict[str, Any]
) -> None:
    key = stock["activated"][1]
    open_licenses(page, portal)
    row = find_activated(page, key)
    row.get_by_role("button", name=f"Edit the note of {key}").click()
    portal.api("PATCH", f"/v1/licenses/{key}", {"note": "changed by a colleague"})
    page.get_by_label(f"Note of {key}").fill("mine")
    page.get_by_role("button", name="Save").click()
    problem = page.locator(".problem").filter(has_text="Code:")
    problem.wait_for()
    assert "VERSION_CONFLICT" in problem.inner_text()
    assert license_of(portal, key)["note"] == "changed by a colleague"
    page.get_by_label("Show", exact=True).select_option("expired")  # a reload clears only its own problems
    settle(page)
    assert "VERSION_CONFLICT" in problem.inner_text()


def test_renew_with_a_coupon_is_offered_and_uses_the_coupon(
    page: Any, portal: Portal, stock: dict[str, Any]
) -> None:
    key = stock["activated"][1]
    before = license_of(portal, key)
    coupon = portal.api("GET", f"/v1/licenses/{key}/renewal-options")["coupon"]
    assert coupon is not None
    open_licenses(page, portal)
    find_activated(page, key).get_by_role("button", name=f"Actions for {key}").click()
    page.get_by_role("button", name=f"Renew with coupon {coupon['key']}").click()
    page.get_by_role("button", name="Renew with the coupon").click()
    page.locator(".notice").filter(has_text=f"{key} renewed until").wait_for()
    after = license_of(portal, key)
    assert after["expires_at"] > before["expires_at"]
    assert license_of(portal, coupon["key"])["status"] == "redeemed"


def test_renew_for_years_goes_through_the_payment_step(
    page: Any, portal: Portal, stock: dict[str, Any]
) -> None:
    key = stock["activated"][0]
    before = license_of(portal, key)
    open_licenses(page, portal)
    find_activated(page, key).get_by_role("button", name=f"Actions for {key}").click()
    page.get_by_role("button", name="Renew…").click()
    dialog = page.get_by_role("dialog", name=f"Renew {key}")
    dialog.get_by_label("Renew for").select_option("2")
    dialog.get_by_role("button", name="Order the renewal").click()
    page.get_by_role("heading", name="Pay for your order").wait_for()
    page.get_by_role("button", name=re.compile(r"\(simulated\)$")).click()
    page.get_by_role("heading", name=f"{key} is renewed").wait_for()
    assert license_of(portal, key)["expires_at"][:4] == str(int(before["expires_at"][:4]) + 2)


def test_a_monthly_license_is_suspended_and_reinstated_from_its_menu(
    page: Any, portal: Portal, stock: dict[str, Any]
) -> None:
    key = stock["monthly"]
    open_licenses(page, portal)
    row = find_activated(page, key)
    row.get_by_role("button", name=f"Actions for {key}").click()
    menu = page.get_by_role("dialog", name=f"License {key}")
    assert menu.get_by_role("button", name="Devices…").is_visible()
    assert menu.get_by_role("button", name=re.compile("^Renew")).count() == 0  # monthly: never renewed
    menu.get_by_role("button", name="Suspend…").click()
    page.get_by_role("button", name="Suspend", exact=True).click()
    page.locator(".notice").filter(has_text=f"{key}: Suspended").wait_for()
    assert license_of(portal, key)["status"] == "suspended"
    row.filter(has_text="Suspended").wait_for()
    row.get_by_role("button", name=f"Actions for {key}").click()
    page.get_by_role("button", name="Reinstate…").click()
    page.get_by_role("button", name="Reinstate", exact=True).click()
    page.locator(".notice").filter(has_text=f"{key}: Active").wait_for()
    assert license_of(portal, key)["status"] == "active"


def test_assign_key_binds_a_coupon_to_a_workspace(page: Any, portal: Portal, stock: dict[str, Any]) -> None:
    coupon = stock["coupons"][-1]
    open_licenses(page, portal)
    page.get_by_label("Coupon key").fill(coupon)
    page.get_by_label("Customer workspace").fill("ws-assigned-in-portal")
    page.get_by_role("button", name="Assign key").click()
    page.locator(".notice").filter(has_text=f"{coupon} is assigned to ws-assigned-in-portal").wait_for()
    assigned = license_of(portal, coupon)
    assert (assigned["status"], assigned["workspace_id"]) == ("active", "ws-assigned-in-portal")
    find_activated(page, coupon)
    page.get_by_label("Coupon key").fill("NOT-A-KEY")
    page.get_by_label("Customer workspace").fill("ws-x")
    page.get_by_role("button", name="Assign key").click()
    page.locator(".problem").filter(has_text="Code:").wait_for()


def test_coupons_are_grouped_by_dragging_the_product_header(
    page: Any, portal: Portal, stock: dict[str, Any]
) -> None:
    open_licenses(page, portal)
    page.get_by_label("Show coupons").select_option("all")
    settle(page)
    coupons = page.get_by_label("Unused coupons", exact=True)
    header = coupons.locator('.tabulator-col[tabulator-field="product"]')
    header.drag_to(page.locator(".group-area"))
    page.get_by_text("Grouped by Product").wait_for()
    expected = portal.api("GET", "/v1/licenses?view=coupons&group_by=product&limit=1")["groups"]
    assert {group["value"] for group in expected} >= {"business", "home", "enterprise"}
    groups = coupons.locator(".tabulator-group")
    for group in expected:
        label = f"Product: {group['value'].title()}, {group['count']} "
        groups.filter(has_text=label).first.wait_for()
    axe_check(page, "with the coupons grouped")
    shoot(page, "coupons-grouped")
    page.get_by_role("button", name="Stop grouping by Product").click()
    groups.first.wait_for(state="detached")
    page.get_by_label("Unused coupons: group by").select_option("devices")  # the keyboard's way
    groups.filter(has_text="Devices: 5,").first.wait_for()


def test_a_header_held_before_it_is_dragged_groups_the_coupons_too(
    page: Any, portal: Portal, stock: dict[str, Any]
) -> None:
    """Held for more than a quarter of a second, a header is moved by Tabulator's own column move (mouse
    events, no native drag): released over the group area, that groups by the column as well, and leaves
    no column half moved."""
    open_licenses(page, portal)
    coupons = page.get_by_label("Unused coupons", exact=True)
    columns = coupons.locator(".tabulator-col[tabulator-field]")
    fields = "nodes => nodes.map((node) => node.getAttribute('tabulator-field'))"
    before = sorted(columns.evaluate_all(fields))
    header = coupons.locator('.tabulator-col[tabulator-field="devices"]').bounding_box()
    area = page.locator(".group-area").bounding_box()
    page.mouse.move(header["x"] + header["width"] / 2, header["y"] + header["height"] / 2)
    page.mouse.down()
    coupons.locator(".tabulator-col.tabulator-moving").wait_for()  # Tabulator's move has begun
    page.mouse.move(area["x"] + area["width"] / 2, area["y"] + area["height"] / 2, steps=8)
    page.mouse.up()
    page.get_by_text("Grouped by Devices").wait_for()
    page.get_by_label("Show coupons").select_option("all")
    coupons.locator(".tabulator-group").filter(has_text="Devices: 5,").first.wait_for()
    assert coupons.locator(".tabulator-moving, .tabulator-col-placeholder").count() == 0
    assert sorted(columns.evaluate_all(fields)) == before


def test_a_read_only_person_is_offered_no_change(page: Any, portal: Portal, stock: dict[str, Any]) -> None:
    email = portal.invite(f"reader-{uuid.uuid4().hex[:6]}@demo-partner.example", "read_only")
    open_licenses(page, portal, email)
    key = stock["activated"][0]
    row = find_activated(page, key)
    assert row.get_by_role("button", name=f"Edit the note of {key}").count() == 0
    assert page.get_by_role("heading", name="Assign key").count() == 0
    row.get_by_role("button", name=f"Actions for {key}").click()
    menu = page.get_by_role("dialog", name=f"License {key}")
    buttons = menu.get_by_role("button").all_inner_texts()
    assert buttons == ["Change history", "Close"], buttons


def test_renew_and_migrate_to_the_upgrade_edition(page: Any, portal: Portal) -> None:
    [key] = paid_order(portal, licenses=1, devices=8)["license_keys"]
    activate(portal, key)
    open_licenses(page, portal)
    find_activated(page, key).get_by_role("button", name=f"Actions for {key}").click()
    menu = page.get_by_role("dialog", name=f"License {key}")
    menu.get_by_role("button", name="Renew…").wait_for()
    assert (
        menu.get_by_role("button", name=re.compile("^Renew with coupon")).count() == 0
    )  # none for 8 devices
    page.get_by_role("button", name="Renew and migrate to Enterprise…").click()
    dialog = page.get_by_role("dialog", name=f"Renew {key} as Enterprise")
    assert "from Business to Enterprise" in dialog.inner_text()
    dialog.get_by_role("button", name="Order the renewal").click()
    page.get_by_role("button", name=re.compile(r"\(simulated\)$")).click()
    page.get_by_role("heading", name=f"{key} now runs Enterprise").wait_for()
    assert license_of(portal, key)["product"] == "enterprise"


def test_a_monthly_licenses_devices_change_and_it_is_cancelled(page: Any, portal: Portal) -> None:
    body = {"plan": "monthly", "product": "business", "devices": 2, "customer_ref": "ROW-CANCEL"}
    [key] = portal.api("POST", "/v1/orders", body, Idempotency_Key=f"browser-{uuid.uuid4()}")["license_keys"]
    activate(portal, key)
    open_licenses(page, portal)
    row = find_activated(page, key)
    row.get_by_role("button", name=f"Actions for {key}").click()
    page.get_by_role("button", name="Devices…").click()
    page.get_by_role("dialog", name=f"Devices of {key}").get_by_label("Devices").fill("9")
    page.get_by_role("button", name="Save").click()
    page.locator(".notice").filter(has_text=f"{key} now has 9 devices").wait_for()
    assert license_of(portal, key)["devices"] == 9
    row.get_by_role("button", name=f"Actions for {key}").click()
    page.get_by_role("button", name="Cancel…").click()
    page.get_by_role("button", name="Cancel the license").click()
    page.locator(".notice").filter(has_text=f"{key}:").wait_for()
    assert license_of(portal, key)["cancelled_at"] is not None
