"""Manage licenses: the activated grid and the coupons grid, each first page in one API call, the
wildcard search, the coupons' deadline filter, at 1280 and 390 pixels, without accessibility violations."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import NARROW, Portal, axe_check, settle, shoot, sign_in
from tests.support.devserver import call


@pytest.fixture(scope="module")
def keys(portal: Portal) -> dict[str, Any]:
    """Three monthly keys (issued at once): one activated by the client, two left as coupons."""
    body = {"product": "business", "devices": 3, "licenses": 3, "plan": "monthly", "customer_ref": "ACME-7"}
    order = portal.api("POST", "/v1/orders", body, Idempotency_Key=f"browser-{uuid.uuid4()}")
    first, *coupons = order["license_keys"]
    portal.api("POST", "/v1/lookup", {"license_key": first, "workspace_id": "ws-browser"})
    return {"activated": first, "coupons": coupons}


def grid_rows(page: Any, name: str) -> Any:
    return page.get_by_label(name, exact=True).locator(".tabulator-row")


def test_both_grids_load_their_first_page_in_one_call_each(
    page: Any, portal: Portal, keys: dict[str, Any]
) -> None:
    sign_in(page, portal, portal.owner_email)
    calls: list[str] = []
    page.on("request", lambda request: calls.append(request.url) if "/v1/licenses" in request.url else None)
    page.get_by_role("link", name="Manage licenses").click()
    activated = grid_rows(page, "Activated licenses")
    activated.filter(has_text=keys["activated"]).wait_for()
    page.get_by_role("heading", name="Unused coupons").wait_for()
    settle(page)
    assert len(calls) == 2, calls
    assert any("status=active%2Cexpired%2Csuspended%2Ccancelled" in url for url in calls), calls
    assert any("view=coupons" in url for url in calls), calls
    assert "Active" in activated.first.inner_text()
    axe_check(page, "on Manage licenses")
    shoot(page, "manage-licenses")


def test_the_coupons_deadline_filter_and_the_wildcard_search(
    page: Any, portal: Portal, keys: dict[str, Any]
) -> None:
    sign_in(page, portal, portal.owner_email)
    page.get_by_role("link", name="Manage licenses").click()
    coupons = grid_rows(page, "Unused coupons")
    page.get_by_role("heading", name="Unused coupons").wait_for()
    settle(page)
    page.get_by_label("Show coupons").select_option("all")
    for key in keys["coupons"]:
        coupons.filter(has_text=key).wait_for()
    wanted = keys["coupons"][1]
    page.get_by_label("Search coupons").fill(f"*{wanted[-6:].lower()}")
    settle(page)
    coupons.filter(has_text=keys["coupons"][0]).wait_for(state="detached")
    assert coupons.count() == 1
    assert wanted in coupons.first.inner_text()
    page.get_by_label("Search activated licenses").fill("acme-?")
    grid_rows(page, "Activated licenses").filter(has_text=keys["activated"]).wait_for()


def test_at_390_pixels_the_grids_scroll_inside_the_page(
    page: Any, portal: Portal, keys: dict[str, Any]
) -> None:
    page.set_viewport_size({"width": NARROW, "height": 800})
    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + "#/licenses")
    grid_rows(page, "Activated licenses").filter(has_text=keys["activated"]).wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    axe_check(page, "on Manage licenses at 390 pixels")
    shoot(page, "manage-licenses")


def test_export_csv_saves_every_license_the_grid_matches(
    page: Any, portal: Portal, keys: dict[str, Any], tmp_path: Path
) -> None:
    sign_in(page, portal, portal.owner_email)
    page.get_by_role("link", name="Manage licenses").click()
    page.get_by_role("heading", name="Unused coupons").wait_for()
    settle(page)
    page.get_by_label("Show coupons").select_option("all")
    settle(page)
    coupons = page.get_by_role("region", name="Unused coupons")
    with page.expect_download() as started:
        coupons.get_by_role("button", name="Export CSV").click()
    assert started.value.suggested_filename == "unused-coupons.csv"
    saved = tmp_path / "coupons.csv"
    started.value.save_as(saved)
    expected = call(portal.base_url, "GET", "/v1/licenses/export?view=coupons", key=portal.partner_key)
    assert expected.status == 200
    assert saved.read_bytes() == expected.body.encode("utf-8")
    assert all(key in expected.body for key in keys["coupons"])
