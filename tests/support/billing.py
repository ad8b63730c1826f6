"""Monthly licenses for billing tests, written straight to the table with PynamoDB (as bench/world.py
builds its world), with usage periods from the helpers of licensing.licenses.monthly; and the run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from devtools.gateway import LambdaContext, LocalGateway
from licensing.core.clock import iso
from licensing.licenses import repository as license_repo
from licensing.licenses.keys import generate_key
from licensing.licenses.monthly import MONTHLY, seconds
from licensing.store.table import LicenseItem, OrderItem

NOV = datetime(2026, 11, 1, tzinfo=UTC)


def at(day: int, hour: int = 12, month: datetime = NOV) -> datetime:
    return month.replace(day=day, hour=hour)


def period(start: datetime, end: datetime | None, devices: int) -> list[Any]:
    return [seconds(start), None if end is None else seconds(end), devices]


def monthly_license(partner_id: str, periods: list[list[Any]], **fields: Any) -> str:
    """An activated monthly license of the partner with these usage periods, saved (its first opens it)."""
    license = monthly_item(partner_id, periods, **fields)
    license.save()
    return license.key


def monthly_item(
    partner_id: str,
    periods: list[list[Any]],
    *,
    product: str = "business",
    customer_ref: str | None = None,
    workspace_id: str | None = None,
    ends_at: datetime | None = None,
    key: str | None = None,
) -> LicenseItem:
    """The item of an activated monthly license with these usage periods, with its index keys."""
    key = key or generate_key()
    activated = datetime.fromtimestamp(periods[0][0], UTC)
    devices = int(periods[-1][2])
    license = LicenseItem(
        license_repo.pk(key), "LICENSE", key=key, product=product, devices=devices, term_months=0,
        partner_id=partner_id, order_id=None, purchased_at=activated - timedelta(days=1),
        activation_deadline=activated + timedelta(days=365), activated_at=activated,
        workspace_id=workspace_id or f"ws-{key[:5]}", customer_ref=customer_ref, plan=MONTHLY,
        usage=periods, ends_at=ends_at, cancelled_at=ends_at - timedelta(hours=1) if ends_at else None,
    )  # fmt: skip
    return license_repo.listed_under(license, partner_id, activated)


def scheduled(now: datetime) -> dict[str, Any]:
    return {"detail-type": "Scheduled Event", "source": "aws.events", "time": iso(now), "detail": {}}


def bill(gateway: LocalGateway, now: datetime, remaining_ms: int = 900_000) -> dict[str, Any]:
    """The billing run's handler with the scheduled event of `now`."""
    handler = gateway.handler("functions.billing_run.app")
    result: dict[str, Any] = handler(scheduled(now), LambdaContext("billing_run", remaining_ms))
    return result


def statements(partner_id: str | None = None) -> list[OrderItem]:
    return [
        item
        for item in OrderItem.scan(OrderItem.type == "monthly_statement")
        if partner_id is None or item.partner_id == partner_id
    ]
