"""The portal in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright; no browser download).

`portal_server` (tests/browser/conftest.py) builds the portal into a folder of the test run's own and
starts the dev server on it, as `make dev` does. A `Portal` knows the demo partner's keys and people;
`sign_in` goes through the real sign-in form against moto's Cognito. Every page a test opens fails the
test on a script error, a console error or a Content-Security-Policy violation (`watch`), so a screen
that breaks, or breaks the policy, cannot pass. `axe_check` runs axe-core (the npm package, from
portal/node_modules) on the page and fails on serious or critical violations; `shoot` writes a
screenshot to build/screenshots/ (git-ignored).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devtools import banner
from tests.support.devserver import ADMIN_KEY, Running, call
from tests.support.paths import REPO_ROOT

CHROMIUM = os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium")
# As root on a machine without a network: no sandbox, and none of Chromium's background connections.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE = REPO_ROOT / "portal" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO_ROOT / "build" / "screenshots"
NEW_PASSWORD = "Portal-Passw0rd-1"
PEOPLE_PASSWORD = "Temporary-Passw0rd-1"
WIDE, NARROW = 1280, 390


def chromium_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
        return f"{CHROMIUM} not found: install Debian's chromium (.ci/run does)"
    if not AXE.is_file():
        return "axe-core is not installed: run `make portal` (npm ci in portal/)"
    return None


@dataclass
class Portal:
    """The dev server serving the portal, and what its banner says about the demo partner."""

    server: Running
    passwords: dict[str, str] = field(default_factory=dict)  # e-mail -> the password it has now

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def url(self) -> str:
        return self.base_url + "/portal/"

    @property
    def partner_key(self) -> str:
        """The demo partner's owner API key."""
        return self.server.partner_key

    @property
    def partner_id(self) -> str:
        return self.server.banner_value(r"Demo partner:\s+(\S+)")

    @property
    def owner_email(self) -> str:
        return self.server.banner_value(banner.OWNER_EMAIL)

    def password_of(self, email: str) -> str:
        if email not in self.passwords and email == self.owner_email:
            self.passwords[email] = self.server.banner_value(banner.OWNER_PASSWORD)
        return self.passwords[email]

    def api(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        """Call the API as the demo partner's owner key; fails on anything but a 2xx."""
        reply = call(self.base_url, method, path, body, key=self.partner_key, **headers)
        assert 200 <= reply.status < 300, f"{method} {path}: {reply.status} {reply.body}"
        return reply.json() if reply.body else None

    def admin(self, method: str, path: str, body: Any = None) -> Any:
        """Call the API as the vendor's operator (the dev server's admin key); fails on anything but a 2xx."""
        reply = call(self.base_url, method, path, body, key=ADMIN_KEY)
        assert 200 <= reply.status < 300, f"{method} {path}: {reply.status} {reply.body}"
        return reply.json() if reply.body else None

    def owner_of(self, partner_id: str, email: str) -> str:
        """The first owner of another partner, created by the operator with a temporary password."""
        body = {"email": email, "role": "owner", "temporary_password": PEOPLE_PASSWORD}
        self.admin("POST", f"/v1/admin/partners/{partner_id}/users", body)
        self.passwords[email] = PEOPLE_PASSWORD
        return email

    def invite(self, email: str, role: str) -> str:
        """A person of the demo partner with `role`, invited with a temporary password."""
        if email not in self.passwords:
            self.api(
                "POST", "/v1/users", {"email": email, "role": role, "temporary_password": PEOPLE_PASSWORD}
            )
            self.passwords[email] = PEOPLE_PASSWORD
        return email


def watch(page: Any) -> list[str]:
    """Collect the page's script errors, console errors and CSP violations (the list the test checks)."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))

    def on_console(message: Any) -> None:
        if message.type == "error" and not _expected_console_error(message.text):
            problems.append(f"console error: {message.text}")

    page.on("console", on_console)
    return problems


def _expected_console_error(text: str) -> bool:
    """Chromium logs every 4xx answer to fetch; the tests that cause one check how the portal shows it."""
    return bool(re.search(r"Failed to load resource: the server responded with a status of 4\d\d", text))


def sign_in(page: Any, portal: Portal, email: str, url: str | None = None) -> None:
    """Sign in through the form (at `url`, the portal's start page by default); the first time, choose
    a password as Cognito asks."""
    page.goto(url or portal.url)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password", exact=True).fill(portal.password_of(email))
    page.get_by_role("button", name="Sign in").click()
    new_password = page.get_by_label("New password")
    signed_in = page.get_by_role("button", name="Sign out")  # the menu itself folds at 390 pixels
    new_password.or_(signed_in).first.wait_for()
    if new_password.is_visible():
        new_password.fill(NEW_PASSWORD)
        page.get_by_role("button", name="Set password and sign in").click()
        portal.passwords[email] = NEW_PASSWORD
    signed_in.wait_for()


def click_until(button: Any, outcome: Any, ms: int = 3000) -> None:
    """Click `button` until `outcome` shows (twice at most). A grid may draw its rows again between the
    mouse's press and release (Tabulator, on a resize), so that the click reaches neither row: a person
    clicks again, and so does the test."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    button.click()
    try:
        outcome.wait_for(timeout=ms)
    except PlaywrightTimeout:
        button.click()
        outcome.wait_for()


def settle(page: Any) -> None:
    """Wait until the screen shows its answer: nothing on it is `aria-busy` (the portal marks a screen
    being drawn, and a grid from a change of its filters or search until the new rows are drawn).

    `wait_for_load_state("networkidle")` cannot tell: a single-page app reaches that state once, at
    its first load, and the call answers at once ever after.
    """
    page.wait_for_function("() => !document.querySelector('[aria-busy=\"true\"]')")


def axe_check(page: Any, context: str = "") -> list[dict[str, Any]]:
    """Run axe-core on the page; fail on a serious or critical violation. Answers all violations.

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern, so
    the policy the portal ships is the one under test.
    """
    if page.evaluate("typeof window.axe") == "undefined":
        page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations: list[dict[str, Any]] = result["violations"]
    severe = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}: "
        f"{v['nodes'][0].get('failureSummary', '')}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not severe, f"accessibility violations {context}:\n" + "\n".join(severe)
    return violations


def shoot(page: Any, name: str) -> Path:
    """A full-page screenshot in build/screenshots/<name>-<width>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"] if page.viewport_size else 0
    path = SCREENSHOTS / f"{name}-{width}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
