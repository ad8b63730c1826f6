"""The e-mails the notifier sends, rendered from the sweeper's, the billing run's and the offers' events
(a new offer, a rejected discount request): pure functions, no AWS.

Each renderer takes an event's `detail` and the partner's name and returns a plain-text notice. Dates are
shown as UTC calendar dates; "days left" counts calendar days from the sweeper's run.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, NamedTuple

from licensing.catalog.catalog import load_catalog
from licensing.core.clock import parse_iso


class Notice(NamedTuple):
    subject: str
    text: str


def renewal_digest(detail: Mapping[str, Any], partner_name: str) -> Notice:
    """One reminder to the partner for every license that reached a reminder threshold."""
    run_at = parse_iso(detail["run_at"])
    licenses = sorted(detail["licenses"], key=lambda item: (item["expires_at"], item["license_key"]))
    lines = []
    for item in licenses:
        left = _days_left(run_at, parse_iso(item["expires_at"]))
        line = f"- {item['license_key']}: {_edition(item)}, expires {_day(item['expires_at'])} ({left})"
        lines.append(line + _customer(item))
    if len(licenses) == 1:
        only = licenses[0]
        subject = f"Renewal reminder: license {only['license_key']} expires {_day(only['expires_at'])}"
    else:
        subject = f"Renewal reminder: {len(licenses)} licenses expire soon"
    text = (
        f"Hello {partner_name},\n\n"
        "these licenses you sold expire soon. Renew them in time, so your customers stay protected:\n\n"
        + "\n".join(lines)
        + "\n\nA renewal extends the term from the current expiry; your customers need not do anything.\n"
    )
    return Notice(subject, text)


def coupon_deadline_warning(detail: Mapping[str, Any], partner_name: str) -> Notice:
    """The partner's unused coupons whose activation deadline is `threshold_days` away."""
    days = int(detail["threshold_days"])
    coupons = sorted(detail["coupons"], key=lambda item: (item["activation_deadline"], item["license_key"]))
    lines = [
        f"- {item['license_key']}: {_edition(item)}, activate by {_day(item['activation_deadline'])}"
        for item in coupons
    ]
    if len(coupons) == 1:
        subject = f"Coupon {coupons[0]['license_key']} must be activated within {_days(days)}"
    else:
        subject = f"{len(coupons)} coupons must be activated within {_days(days)}"
    text = (
        f"Hello {partner_name},\n\n"
        f"these unused coupons must be activated within {_days(days)}. After the deadline they lapse and "
        "can no longer be used:\n\n"
        + "\n".join(lines)
        + "\n\nAssign a coupon to a customer's workspace, or use it to renew one of your licenses.\n"
    )
    return Notice(subject, text)


def end_customer_expiry(detail: Mapping[str, Any], partner_name: str) -> Notice:
    """The vendor's direct notice to an end customer whose license the partner has not renewed."""
    key = detail["license_key"]
    expires_on = _day(detail["expires_at"])
    product = _edition(detail)
    workspace = f" on workspace {detail['workspace_id']}" if detail.get("workspace_id") else ""
    subject = f"Your {_product_name(detail['product'])} license {key} expires on {expires_on}"
    text = (
        "Hello,\n\n"
        f"your license {key} ({product}){workspace} expires on {expires_on}. After that date your devices "
        "are no longer protected.\n\n"
        f"To renew it, please contact {partner_name}, who sold it to you.\n"
    )
    return Notice(subject, text)


def monthly_statement(detail: Mapping[str, Any], partner_name: str) -> Notice:
    """The partner's statement for a month of monthly licenses, with what to pay and how."""
    amount = _money(detail["total"])
    lines = int(detail["lines"])
    minimum = " (the minimum monthly charge)" if detail.get("minimum_applied") else ""
    subject = f"Your statement for {detail['month']}: {amount}"
    text = (
        f"Hello {partner_name},\n\n"
        f"your statement for {detail['month']} is ready: {lines} license{'' if lines == 1 else 's'}, "
        f"{int(detail['device_days'])} device-days, {amount}{minimum}.\n\n"
        f"It is order {detail['order_id']} in your order history (GET /v1/orders/{detail['order_id']}), "
        "with a line per license; pay it with that order id as the payment reference.\n"
    )
    return Notice(subject, text)


def offer_created(detail: Mapping[str, Any], partner_name: str) -> Notice:
    """A partner manager's new offer for the partner, with its purchase link."""
    price, licenses = detail["price_per_license"], int(detail["licenses"])
    years, reason = int(detail["years"]), _REASONS.get(detail["reason"], "custom")
    subject = f"A new offer for you: {_product_name(detail['product'])}, {_money(price)} per license"
    text = (
        f"Hello {partner_name},\n\n"
        f"your partner manager has prepared an offer for you ({reason}):\n\n"
        f"- {licenses} license{'' if licenses == 1 else 's'} of {_edition(detail)}, "
        f"{years} year{'' if years == 1 else 's'}\n"
        f"- {_money(price)} per license (list price {_money(detail['list_price_per_license'])})\n"
        f"- valid until {_day(detail['expires_at'])}\n\n"
        f"Buy it in the portal: {detail['purchase_url']} (offer {detail['offer_id']}), or with the API by "
        f'sending "offer_id": "{detail["offer_id"]}" to POST /v1/orders. It can be bought once.\n'
    )
    return Notice(subject, text)


def discount_request_rejected(detail: Mapping[str, Any], partner_name: str) -> Notice:
    """The partner's discount request was rejected, with the manager's reason."""
    kind = _REASONS.get(detail["kind"], detail["kind"])
    subject = f"Your {kind} discount request for {detail['customer_name']} was not approved"
    text = (
        f"Hello {partner_name},\n\n"
        f"your request for a {kind} discount for {detail['customer_name']} "
        f"({detail['discount_request_id']}) was not approved. The reason given:\n\n"
        f"{detail['reason']}\n\n"
        "You can send a new request with more evidence at any time.\n"
    )
    return Notice(subject, text)


_REASONS = {
    "education": "education",
    "nonprofit": "non-profit",
    "charity": "charity",
    "student": "student",
    "teacher": "teacher",
    "custom": "custom",
}


def _money(money: Mapping[str, Any]) -> str:
    """`{"amount": 12345, "currency": "EUR"}` -> `123.45 EUR` (every catalog currency has two decimals)."""
    amount = int(money["amount"])
    return f"{'-' if amount < 0 else ''}{abs(amount) // 100}.{abs(amount) % 100:02d} {money['currency']}"


def _product_name(product_id: str) -> str:
    product = load_catalog().products.get(product_id)
    return product.name if product else product_id


def _edition(item: Mapping[str, Any]) -> str:
    devices = int(item["devices"])
    return f"{_product_name(item['product'])}, {devices} device{'' if devices == 1 else 's'}"


def _customer(item: Mapping[str, Any]) -> str:
    parts = [
        f"{label} {item[field]}"
        for label, field in (("customer", "customer_ref"), ("workspace", "workspace_id"))
        if item.get(field)
    ]
    return f"; {', '.join(parts)}" if parts else ""


def _day(timestamp: str) -> str:
    """`2026-12-27T10:00:00Z` -> `2026-12-27`."""
    return parse_iso(timestamp).date().isoformat()


def _days(days: int) -> str:
    return f"{days} day{'' if days == 1 else 's'}"


def _days_left(run_at: datetime, expires_at: datetime) -> str:
    days = (expires_at.date() - run_at.date()).days
    if days < 0:
        return "expired"
    return f"{_days(days)} left" if days else "today"
