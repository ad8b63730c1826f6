"""The portal's shell: sign-in (first sign-in with a new password, a wrong password in plain words),
the navigation that follows the role, sign-out, the narrow layout, and the headers it is served with."""

from __future__ import annotations

import http.client
from typing import Any
from urllib.parse import urlsplit

from tests.support.browser import NARROW, Portal, axe_check, settle, shoot, sign_in
from tests.support.devserver import call

SCREENS = ["Buy licenses", "Manage licenses", "Order history", "Monthly billing", "Discounts", "Settings"]


def nav_links(page: Any) -> list[str]:
    return page.get_by_role("navigation", name="Main").get_by_role("link").all_inner_texts()


def test_a_wrong_password_is_told_in_plain_words_with_its_code(page: Any, portal: Portal) -> None:
    page.goto(portal.url)
    axe_check(page, "on the sign-in form")
    page.get_by_label("E-mail").fill(portal.owner_email)
    page.get_by_label("Password", exact=True).fill("Not-the-passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "The e-mail or password is not right." in alert.inner_text()
    assert "NotAuthorizedException" in alert.inner_text()
    shoot(page, "sign-in-refused")


def test_the_owner_signs_in_sees_every_screen_and_signs_out(page: Any, portal: Portal) -> None:
    sign_in(page, portal, portal.owner_email)
    assert nav_links(page) == SCREENS
    assert "Owner" in page.locator("#who").inner_text()
    assert "Demo Reseller" in page.locator("#who").inner_text()
    settle(page)  # the first screen's grids have loaded
    axe_check(page, "after signing in")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("heading", name="Sign in to the partner portal").wait_for()
    assert page.get_by_role("status").filter(has_text="You are signed out.").is_visible()
    assert page.get_by_role("navigation", name="Main").is_hidden()


def test_the_token_is_refreshed_a_minute_before_it_expires_and_then_used(page: Any, portal: Portal) -> None:
    """Playwright's clock moves the page an hour minus 30 seconds on: the next API call first trades the
    refresh token for new tokens (once), and then goes out with the new ID token."""
    page.clock.install()
    sign_in(page, portal, portal.owner_email)
    refreshes: list[str] = []
    bearers: list[str] = []

    def on_request(request: Any) -> None:
        if "REFRESH_TOKEN" in (request.post_data or ""):
            refreshes.append(request.url)
        if "/v1/orders" in request.url:
            bearers.append(request.headers.get("authorization", ""))

    page.on("request", on_request)

    def open_orders() -> None:
        page.get_by_role("link", name="Manage licenses").click()
        page.get_by_role("link", name="Order history").click()
        page.get_by_role("heading", name="Orders").wait_for()
        settle(page)

    open_orders()
    page.clock.fast_forward("59:30")
    open_orders()
    assert len(refreshes) == 1, refreshes
    open_orders()
    assert len(refreshes) == 1, "the new tokens are fresh by Cognito's clock: no second refresh"
    assert len(bearers) == 3, bearers
    assert bearers[0] != bearers[1] == bearers[2], "the calls after the refresh carry the new ID token"


def test_a_read_only_person_is_offered_no_buy_screen(page: Any, portal: Portal) -> None:
    email = portal.invite("reader@demo-partner.example", "read_only")
    sign_in(page, portal, email)
    assert "Buy licenses" not in nav_links(page)
    assert "Read-only" in page.locator("#who").inner_text()
    page.goto(portal.url + "#/buy")
    assert page.get_by_role("alert").filter(has_text="Not for your role").is_visible()
    assert page.get_by_role("button", name="Buy").count() == 0


def test_at_390_pixels_the_menu_folds_and_opens_by_keyboard(page: Any, portal: Portal) -> None:
    page.set_viewport_size({"width": NARROW, "height": 800})
    sign_in(page, portal, portal.owner_email)
    navigation = page.get_by_role("navigation", name="Main")
    assert navigation.is_hidden()
    toggle = page.get_by_role("button", name="Menu")
    toggle.focus()
    page.keyboard.press("Enter")
    assert toggle.get_attribute("aria-expanded") == "true"
    assert navigation.get_by_role("link", name="Order history").is_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Buy licenses"
    page.keyboard.press("Enter")
    page.wait_for_url("**/#/buy")
    navigation.wait_for(state="hidden")  # choosing a screen folds the menu again
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    axe_check(page, "at 390 pixels")
    shoot(page, "shell")


def test_the_portal_is_served_with_a_strict_policy(portal: Portal) -> None:
    reply = call(portal.base_url, "GET", "/portal/")
    assert reply.status == 200
    policy = reply.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src 'self';" in policy
    assert "unsafe" not in policy
    assert "frame-ancestors 'none'" in policy
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert reply.headers["X-Frame-Options"] == "DENY"
    connection = http.client.HTTPConnection(urlsplit(portal.base_url).netloc, timeout=10)
    connection.request("GET", "/")
    assert connection.getresponse().getheader("Location") == "/portal/"
    connection.close()
