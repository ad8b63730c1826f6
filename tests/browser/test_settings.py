"""Settings: reminder days saved (and a bad value refused in plain words); an owner's People (invite,
change role, suspend, remove, the last owner kept) and API keys (the secret shown once, working, then
revoked); a read-only person sees the settings and no control to change them."""

from __future__ import annotations

import uuid
from typing import Any

from tests.support.browser import Portal, axe_check, settle, shoot, sign_in
from tests.support.devserver import call


def open_settings(page: Any, portal: Portal, email: str) -> None:
    sign_in(page, portal, email)
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("heading", name="Renewal reminders").wait_for()


def test_reminder_days_are_saved_and_a_bad_value_is_refused(page: Any, portal: Portal) -> None:
    open_settings(page, portal, portal.owner_email)
    days = page.get_by_label("Reminder days")
    days.fill("45, 10 3")
    page.get_by_role("button", name="Save reminder days").click()
    page.get_by_role("status").filter(has_text="Reminder days saved.").wait_for()
    assert sorted(portal.api("GET", "/v1/settings")["reminder_days"]) == [3, 10, 45]
    assert "45" in page.get_by_text("Reminders go out").inner_text()

    days.fill("0, 200")
    page.get_by_role("button", name="Save reminder days").click()
    alert = page.get_by_role("alert").filter(has_text="VALIDATION_ERROR")
    alert.wait_for()
    assert "reminder_days" in alert.inner_text()
    assert sorted(portal.api("GET", "/v1/settings")["reminder_days"]) == [3, 10, 45]
    settle(page)
    axe_check(page, "on Settings")
    shoot(page, "settings")

    page.get_by_role("button", name="Restore the default").click()
    defaults = ", ".join(map(str, portal.api("GET", "/v1/settings")["default_reminder_days"]))
    page.get_by_text(f"Reminders go out {defaults} days").wait_for()  # the field is set in the same step
    assert days.input_value() == defaults
    settings = portal.api("GET", "/v1/settings")
    assert settings["reminder_days"] == settings["default_reminder_days"]


def person_row(page: Any, email: str) -> Any:
    return page.get_by_label("People", exact=True).locator(".tabulator-row").filter(has_text=email)


def user_of(portal: Portal, email: str) -> dict[str, Any] | None:
    users = portal.api("GET", "/v1/users?limit=100")["items"]
    return next((user for user in users if user["email"] == email), None)


def test_people_invite_change_role_suspend_and_remove(page: Any, portal: Portal) -> None:
    email = f"new-{uuid.uuid4().hex[:8]}@demo-partner.example"
    open_settings(page, portal, portal.owner_email)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Role", exact=True).select_option("purchaser")
    page.get_by_role("button", name="Invite").click()
    row = person_row(page, email)
    row.wait_for()
    assert (user_of(portal, email) or {})["role"] == "purchaser"

    page.get_by_label(f"Role of {email}").select_option("billing")
    page.get_by_role("status").filter(has_text=f"{email}: now Billing").wait_for()
    assert (user_of(portal, email) or {})["role"] == "billing"
    page.get_by_role("button", name=f"Suspend {email}").click()
    row.filter(has_text="Suspended").wait_for()
    assert (user_of(portal, email) or {})["status"] == "suspended"
    page.get_by_role("button", name=f"Reactivate {email}").click()
    row.filter(has_text="Active").wait_for()
    settle(page)
    axe_check(page, "on Settings' people")

    page.get_by_role("button", name=f"Remove {email}").click()
    dialog = page.get_by_role("dialog", name=f"Remove {email}?")
    dialog.get_by_role("button", name="Remove").click()
    dialog.wait_for(state="detached")
    row.wait_for(state="detached")
    assert (user_of(portal, email) or {"status": "removing"})["status"] == "removing"


def test_the_last_owner_is_kept_in_plain_words(page: Any, portal: Portal) -> None:
    owner = portal.owner_email
    open_settings(page, portal, owner)
    page.get_by_role("button", name=f"Remove {owner}").click()
    dialog = page.get_by_role("dialog", name=f"Remove {owner}?")
    assert "This is you" in dialog.inner_text()
    dialog.get_by_role("button", name="Remove").click()
    alert = dialog.get_by_role("alert")
    alert.wait_for()
    assert "The partner needs at least one active owner" in alert.inner_text()
    assert "LAST_OWNER" in alert.inner_text()
    dialog.get_by_role("button", name="Cancel").click()
    page.get_by_label(f"Role of {owner}").select_option("read_only")
    page.get_by_role("alert").filter(has_text="LAST_OWNER").wait_for()
    assert (user_of(portal, owner) or {})["role"] == "owner"


def test_an_api_key_is_shown_once_works_and_is_revoked(page: Any, portal: Portal) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    name = f"Reporting {uuid.uuid4().hex[:6]}"
    open_settings(page, portal, portal.owner_email)
    page.get_by_label("Key name").fill(name)
    page.get_by_label("Key role").select_option("read_only")
    page.get_by_role("button", name="Issue key").click()
    dialog = page.get_by_role("dialog", name=f"API key {name}")
    dialog.wait_for()
    assert "it will not be shown again" in dialog.inner_text()
    secret = dialog.locator("code.secret").inner_text()
    me = call(portal.base_url, "GET", "/v1/me", key=secret)
    assert me.status == 200, me.body
    assert me.json()["role"] == "read_only" and me.json()["caller"]["name"] == name
    dialog.get_by_role("button", name="Copy the key").click()
    dialog.get_by_text("Copied.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    axe_check(page, "on a new key's dialog")
    shoot(page, "settings-new-key")
    dialog.get_by_role("button", name="I have copied it").click()
    dialog.wait_for(state="detached")
    assert secret not in page.content()
    assert secret not in page.evaluate("JSON.stringify({...localStorage, ...sessionStorage})")

    row = page.get_by_label("API keys", exact=True).locator(".tabulator-row").filter(has_text=name)
    row.filter(has_text="Active").wait_for()
    page.get_by_role("button", name=f"Revoke {name}").click()
    confirm = page.get_by_role("dialog", name=f"Revoke {name}?")
    confirm.get_by_role("button", name="Revoke").click()
    confirm.wait_for(state="detached")
    row.filter(has_text="Revoked").wait_for()
    assert call(portal.base_url, "GET", "/v1/me", key=secret).status == 401
    assert secret not in page.content()


def test_a_read_only_person_sees_settings_but_no_controls(page: Any, portal: Portal) -> None:
    email = portal.invite("reader@demo-partner.example", "read_only")
    open_settings(page, portal, email)
    page.get_by_text("Reminders go out").wait_for()
    assert page.get_by_text("The billing and owner roles can change them.").is_visible()
    assert page.get_by_label("Reminder days").count() == 0
    assert page.get_by_role("button").filter(has_text="Save").count() == 0
    assert page.get_by_role("heading", name="People").count() == 0
    assert page.get_by_role("heading", name="API keys").count() == 0
    axe_check(page, "on Settings, read-only")
    shoot(page, "settings-read-only")
