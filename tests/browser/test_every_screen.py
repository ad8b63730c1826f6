"""Every screen, for an owner: each control on it is reached with the Tab key alone (buttons, links,
fields, sortable grid headers, scrollable regions), and at 390 pixels wide it fits the page (no sideways
scrolling of the page itself) without accessibility violations."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.support.browser import NARROW, Portal, axe_check, settle, shoot, sign_in

SCREENS = ["buy", "licenses", "orders", "billing", "discounts", "settings"]
MAX_TABS = 400

# Each control the page shows gets a number; Tab is pressed until focus comes back round, and the
# numbers seen are compared with those of every visible, enabled control.
MARK_CONTROLS = """() => {
  const selector = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), '
    + 'textarea:not([disabled]), [tabindex="0"]';
  const visible = (node) =>
    node.getClientRects().length > 0 && getComputedStyle(node).visibility !== 'hidden';
  const controls = [...document.querySelectorAll(selector)].filter(visible);
  controls.forEach((node, index) => { node.dataset.kbd = String(index); });
  return controls.map((node) => ({ id: String(node.dataset.kbd), what: node.outerHTML.slice(0, 120) }));
}"""

# What sticks out of the page on the right (outside the grids' own scrolling regions), for the message.
WIDER_THAN_THE_PAGE = """() => [...document.querySelectorAll('main *')]
  .filter((node) => !node.closest('.grid-scroll, .table-scroll'))
  .filter((node) => node.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .map((node) => node.outerHTML.slice(0, 100)).slice(0, 8)"""


@pytest.fixture(scope="module")
def some_data(portal: Portal) -> None:
    """A few orders and licenses, so that the grids have rows (and row buttons) to reach."""
    body = {"product": "business", "devices": 3, "licenses": 2, "plan": "monthly", "customer_ref": "KBD"}
    order = portal.api("POST", "/v1/orders", body, Idempotency_Key=f"browser-{uuid.uuid4()}")
    portal.api("POST", "/v1/lookup", {"license_key": order["license_keys"][0], "workspace_id": "ws-kbd"})


def tab_through(page: Any) -> set[str]:
    """Press Tab until focus is back where it started (or MAX_TABS); answer the controls it visited."""
    seen: list[str] = []
    page.locator("body").focus()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        current = page.evaluate("document.activeElement && document.activeElement.dataset.kbd || ''")
        if current and seen and current == seen[0] and seen[-1] != current:  # round (a date field's
            break  # parts keep the focus on one control for a few presses)
        seen.append(current)
    return {item for item in seen if item}


@pytest.mark.parametrize("screen", SCREENS)
def test_every_control_is_reached_with_the_tab_key(
    page: Any, portal: Portal, some_data: None, screen: str
) -> None:
    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + f"#/{screen}")
    page.locator("main h1").wait_for()
    settle(page)
    controls = page.evaluate(MARK_CONTROLS)
    assert len(controls) > 5, controls
    reached = tab_through(page)
    missed = [control["what"] for control in controls if control["id"] not in reached]
    assert not missed, f"on #{screen}, Tab never reaches:\n" + "\n".join(missed)


@pytest.mark.parametrize("screen", SCREENS)
def test_at_390_pixels_every_screen_fits_and_passes_axe(
    page: Any, portal: Portal, some_data: None, screen: str
) -> None:
    page.set_viewport_size({"width": NARROW, "height": 800})
    sign_in(page, portal, portal.owner_email)
    page.goto(portal.url + f"#/{screen}")
    page.locator("main h1").wait_for()
    settle(page)
    too_wide = page.evaluate(WIDER_THAN_THE_PAGE)
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW, too_wide
    axe_check(page, f"on #{screen} at 390 pixels")
    shoot(page, f"screen-{screen}")
