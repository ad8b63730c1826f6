"""How orders, licenses and partners look through the API."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from licensing.clock import iso
from licensing.lifecycle import activation_deadline, status_of
from licensing.pricing import Quote
from licensing.reminders import reminder_days
from licensing.repositories.orders import OrderStatus
from licensing.repositories.table import LicenseItem, OrderItem, OrderUsageItem, PartnerItem
from licensing.schemas.catalog import QuoteOut
from licensing.schemas.common import DiscountOut, Money
from licensing.schemas.licenses import LicenseOut
from licensing.schemas.orders import OrderOut, PaymentOut, RenewalOut
from licensing.schemas.partners import PartnerOut

_PAYMENT_STATUS = {
    OrderStatus.PENDING_PAYMENT: "awaiting_payment",
    OrderStatus.FULFILLING: "paid",
    OrderStatus.FULFILLED: "paid",
    OrderStatus.PAYMENT_FAILED: "failed",
    OrderStatus.PAYMENT_MISMATCH: "mismatch",
    OrderStatus.REFUNDED: "refunded",
}


def discounts_out(discounts: list[dict[str, Any]]) -> list[DiscountOut]:
    return [DiscountOut(kind=d["kind"], percent=float(Decimal(d["percent"]))) for d in discounts]


def quote_out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        catalog_version=quote.catalog_version,
        product=quote.product,
        devices=quote.devices,
        years=quote.years,
        licenses=quote.licenses,
        currency=quote.currency,
        list_price_per_license=Money(**quote.list_price_per_license.as_json()),
        price_per_license=Money(**quote.price_per_license.as_json()),
        total=Money(**quote.total.as_json()),
        discounts=[DiscountOut(kind=d.kind, percent=float(d.percent)) for d in quote.discounts],
    )


def licenses_used(order: OrderItem, usage: OrderUsageItem) -> int:
    """Keys of the order in use (a renewal's license is, by definition)."""
    return len(order.license_keys) if order.renews_license else int(usage.licenses_used)


def licenses_unused(order: OrderItem, usage: OrderUsageItem, now: datetime) -> int:
    """Keys of the order still waiting for their first use (none once the activation window closed)."""
    issued_at = order.paid_at or order.created_at
    if not order.license_keys or order.renews_license or now >= activation_deadline(issued_at):
        return 0
    return len(order.license_keys) - int(usage.licenses_used) - int(usage.licenses_revoked)


def order_out(order: OrderItem, usage: OrderUsageItem, now: datetime) -> OrderOut:
    currency = order.currency
    payment_status = "billed_monthly" if order.billing == "monthly" else _PAYMENT_STATUS[order.status]
    return OrderOut(
        id=order.id,
        type=order.type,  # type: ignore[arg-type]
        status=order.status,
        product=order.product,
        devices=int(order.devices),
        years=int(order.years),
        licenses=int(order.licenses),
        customer_ref=order.customer_ref,
        price_per_license=Money(amount=int(order.price_per_license), currency=currency),
        total=Money(amount=int(order.total_amount), currency=currency),
        discounts=discounts_out(order.discounts),
        created_at=iso(order.created_at),
        payment=PaymentOut(
            status=payment_status,  # type: ignore[arg-type]
            amount=Money(amount=int(order.total_amount), currency=currency),
            reference=order.id,
            payment_id=order.payment_id,
            paid_at=iso(order.paid_at) if order.paid_at else None,
        ),
        license_keys=list(order.license_keys),
        licenses_used=licenses_used(order, usage),
        licenses_unused=licenses_unused(order, usage, now),
        renewal=None
        if not order.renews_license
        else RenewalOut(
            license_key=order.renews_license, product=order.product, previous_product=order.previous_product
        ),
    )


def license_out(license: LicenseItem, now: datetime) -> LicenseOut:
    def when(moment: datetime | None) -> str | None:
        return iso(moment) if moment else None

    return LicenseOut(
        key=license.key,
        product=license.product,
        devices=int(license.devices),
        term_months=int(license.term_months),
        status=status_of(license, now).value,
        partner_id=license.partner_id,
        order_id=license.order_id,
        purchased_at=iso(license.purchased_at),
        activation_deadline=iso(license.activation_deadline),
        activated_at=when(license.activated_at),
        expires_at=when(license.expires_at),
        workspace_id=license.workspace_id,
        customer_ref=license.customer_ref,
        note=license.note,
        renewed_at=when(license.renewed_at),
        redeemed_for=license.redeemed_for,
        version=int(license.version or 0),
    )


def partner_out(partner: PartnerItem) -> PartnerOut:
    return PartnerOut(
        id=partner.id,
        name=partner.name,
        email=partner.email,
        currency=partner.currency,
        discount_percent=float(partner.discount_percent),
        billing=partner.billing,
        distributor_id=partner.distributor_id,
        reminder_days=list(reminder_days(partner)),
        created_at=iso(partner.created_at),
        updated_at=iso(partner.updated_at),
        version=int(partner.version or 0),
    )
