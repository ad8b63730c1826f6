"""How usage and statements look through the API: the live usage of a month, its CSV, and the statement
a `monthly_statement` order shows (amounts as Money)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

from licensing.billing.usage import Statement
from licensing.core.money import Money
from licensing.http.models import Model


class StatementLineOut(Model):
    key: str
    product: str
    devices_max: int
    device_days: int
    amount: Money


class UsageLineOut(StatementLineOut):
    customer_ref: str | None
    workspace_id: str | None


class SubtotalOut(Model):
    product: str
    device_days: int
    amount: Money


class StatementOut(Model):
    """A monthly statement: a line per license, a subtotal per product, the total."""

    month: str
    lines: list[StatementLineOut]
    subtotals: list[SubtotalOut]
    minimum_applied: bool
    total: Money


class UsageOut(Model):
    """A month's device-days and charges so far (`complete`: the month is closed)."""

    month: str
    currency: str
    days_in_month: int
    days_counted: int
    lines: list[UsageLineOut]
    subtotals: list[SubtotalOut]
    estimated_total: Money
    minimum_applied: bool
    complete: bool


def usage_out(found: Statement) -> UsageOut:
    currency = found.currency
    return UsageOut(
        month=found.month,
        currency=currency,
        days_in_month=found.days_in_month,
        days_counted=found.days_counted,
        lines=[
            UsageLineOut(
                key=line.key,
                product=line.product,
                customer_ref=line.customer_ref,
                workspace_id=line.workspace_id,
                devices_max=line.devices_max,
                device_days=line.device_days,
                amount=Money(line.amount, currency),
            )
            for line in found.lines
        ],
        subtotals=[
            SubtotalOut(product=s.product, device_days=s.device_days, amount=Money(s.amount, currency))
            for s in found.subtotals
        ],
        estimated_total=Money(found.total, currency),
        minimum_applied=found.minimum_applied,
        complete=found.complete,
    )


def statement_out(month: str, stored: dict[str, Any], currency: str) -> StatementOut:
    """The statement a monthly_statement order stored (licensing.billing.usage.Statement.stored)."""
    return StatementOut(
        month=month,
        lines=[
            StatementLineOut(
                key=line["key"],
                product=line["product"],
                devices_max=int(line["devices_max"]),
                device_days=int(line["device_days"]),
                amount=Money(int(line["amount"]), currency),
            )
            for line in stored.get("lines", [])
        ],
        subtotals=[
            SubtotalOut(
                product=s["product"],
                device_days=int(s["device_days"]),
                amount=Money(int(s["amount"]), currency),
            )
            for s in stored.get("subtotals", [])
        ],
        minimum_applied=bool(stored.get("minimum_applied")),
        total=Money(int(stored["total"]), currency),
    )


CSV_COLUMNS = ("month", "key", "customer_ref", "workspace_id", "product", "devices_max", "device_days",
               "amount", "currency")  # fmt: skip


def usage_csv(found: Statement) -> str:
    """One row per license; the amount in major units (12.34), ready for a PSA or a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for line in found.lines:
        writer.writerow([
            found.month, line.key, _cell(line.customer_ref), _cell(line.workspace_id), line.product,
            line.devices_max, line.device_days, _major(line.amount), found.currency,
        ])  # fmt: skip
    return buffer.getvalue()


def _major(minor: int) -> str:
    return str((Decimal(minor) / 100).quantize(Decimal("0.01")))


def _cell(value: str | None) -> str:
    """Neutralise spreadsheet formulas in partner-typed text (CSV injection)."""
    if value and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value or ""
