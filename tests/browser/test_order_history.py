"""Order history: orders told apart by whether their keys are in use, by colour and by a text label;
the type filter, the search, and an order's keys."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.browser import Portal, axe_check, click_until, settle, shoot, sign_in


def order(portal: Portal, licenses: int, plan: str, customer: str) -> dict[str, Any]:
    body: dict[str, Any] = {"product": "business", "devices": 2, "licenses": licenses, "plan": plan}
    body |= {"customer_ref": customer} | ({"years": 1} if plan == "annual" else {})
    return portal.api("POST", "/v1/orders", body, Idempotency_Key=f"browser-{uuid.uuid4()}")


@pytest.fixture(scope="module")
def orders(portal: Portal) -> dict[str, dict[str, Any]]:
    made = {
        "unpaid": order(portal, 1, "annual", "HIST-UNPAID"),
        "partly": order(portal, 2, "monthly", "HIST-PARTLY"),
        "in_use": order(portal, 1, "monthly", "HIST-INUSE"),
        "unused": order(portal, 2, "monthly", "HIST-UNUSED"),
    }
    for name in ("partly", "in_use"):
        key = made[name]["license_keys"][0]
        portal.api("POST", "/v1/lookup", {"license_key": key, "workspace_id": f"ws-{name}"})
    return made


def row_of(page: Any, order_id: str) -> Any:
    return page.get_by_label("Orders", exact=True).locator(".tabulator-row").filter(has_text=order_id)


def test_orders_show_whether_their_keys_are_in_use(page: Any, portal: Portal, orders: dict[str, Any]) -> None:
    sign_in(page, portal, portal.owner_email)
    page.get_by_role("link", name="Order history").click()
    expected = {
        "unpaid": ("No keys yet", "order-pending"),
        "partly": ("1 of 2 in use", "order-partly"),
        "in_use": ("All in use", "order-in-use"),
        "unused": ("None activated", "order-not-activated"),
    }
    for name, (label, css_class) in expected.items():
        row = row_of(page, orders[name]["id"])
        row.wait_for()
        assert label in row.inner_text(), name
        assert css_class in (row.get_attribute("class") or ""), name
    colours = {
        name: row_of(page, orders[name]["id"]).evaluate("row => getComputedStyle(row).borderLeftColor")
        for name in expected
    }
    assert len(set(colours.values())) == len(colours), colours
    axe_check(page, "on Order history")
    shoot(page, "order-history")


def test_filter_search_and_an_orders_keys(page: Any, portal: Portal, orders: dict[str, Any]) -> None:
    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + "#/orders")
    row_of(page, orders["unused"]["id"]).wait_for()
    page.get_by_label("Search orders").fill("hist-un*")
    settle(page)
    row_of(page, orders["partly"]["id"]).wait_for(state="detached")
    row_of(page, orders["unpaid"]["id"]).wait_for()
    row_of(page, orders["unused"]["id"]).wait_for()
    page.get_by_label("Type").select_option("new")
    row_of(page, orders["unused"]["id"]).wait_for(state="detached")
    row_of(page, orders["unpaid"]["id"]).wait_for()
    page.get_by_label("Search orders").fill("HIST-UNUSED")
    page.get_by_label("Type").select_option("")
    settle(page)
    unused = orders["unused"]
    row_of(page, orders["unpaid"]["id"]).wait_for(state="detached")  # the search's own reload is done
    settle(page)
    keys = page.get_by_role("button", name=f"Keys of order {unused['id']}")
    dialog = page.get_by_role("dialog", name=f"Order {unused['id']}")
    click_until(keys, dialog)
    for key in unused["license_keys"]:
        assert key in dialog.inner_text()
    page.keyboard.press("Escape")
    dialog.wait_for(state="detached")
