"""Order bodies, and how an order looks through the API."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from licensing.billing.api import StatementOut, statement_out
from licensing.catalog.api import DiscountOut, QuoteRequest, discounts_out
from licensing.core.clock import iso
from licensing.core.money import Money
from licensing.http.models import Model, Text
from licensing.orders.payment_page import checkout_url
from licensing.orders.plans import ANNUAL, MONTHLY
from licensing.orders.status import OrderStatus
from licensing.orders.usage import licenses_unused, licenses_used
from licensing.store.table import OrderItem, OrderUsageItem

_PAYMENT_STATUS = {
    OrderStatus.PENDING_PAYMENT: "awaiting_payment",
    OrderStatus.FULFILLING: "paid",
    OrderStatus.FULFILLED: "paid",
    OrderStatus.PAYMENT_FAILED: "failed",
    OrderStatus.PAYMENT_MISMATCH: "mismatch",
    OrderStatus.REFUNDED: "refunded",
}


class OrderRequest(QuoteRequest):
    customer_ref: Annotated[str, Text(200)] | None = None


class PaymentOut(Model):
    status: Literal["awaiting_payment", "paid", "failed", "mismatch", "refunded", "billed_monthly"]
    amount: Money
    reference: str
    payment_id: str | None = None
    paid_at: str | None = None
    checkout_url: str | None = Field(
        default=None,
        description="The payment provider's page to pay this order on, while it awaits payment and the "
        "deployment names one (PAYMENT_CHECKOUT_URL); otherwise null.",
        examples=["https://pay.example.com/checkout?reference=ord_01J9&amount=15750&currency=EUR"],
    )


class RenewalOut(Model):
    license_key: str
    product: str  # the edition the license has once the renewal is paid
    previous_product: str | None  # a migration: the edition it leaves


class OrderOut(Model):
    id: str
    type: Literal["new", "bulk", "renewal", "monthly_statement"]
    plan: Literal["annual", "monthly"] = "annual"
    status: str
    product: str | None  # None on a monthly statement (its lines name the products)
    devices: int | None  # None on a monthly statement
    years: int | None  # None on a monthly plan's order and a statement
    licenses: int
    customer_ref: str | None
    price_per_license: Money
    total: Money
    discounts: list[DiscountOut]
    created_at: str
    payment: PaymentOut
    license_keys: list[str]
    licenses_used: int
    licenses_unused: int
    offer_id: str | None = None  # bought through this offer (licensing.offers)
    renewal: RenewalOut | None = None
    placed_by: str | None = None  # e.g. `distributor:<id>` for an order a distributor placed
    statement: StatementOut | None = None


class OrderPage(Model):
    items: list[OrderOut]
    next_cursor: str | None


def plan_of(order: OrderItem) -> str:
    """An order's plan; an order placed before plans existed by a monthly partner was billed monthly."""
    if order.plan:
        return order.plan
    return MONTHLY if order.billing == MONTHLY and order.type != "monthly_statement" else ANNUAL


def order_out(order: OrderItem, usage: OrderUsageItem, now: datetime) -> OrderOut:
    currency = order.currency
    billed_monthly = plan_of(order) == MONTHLY and order.type != "monthly_statement"  # a statement is paid
    payment_status = "billed_monthly" if billed_monthly else _PAYMENT_STATUS[OrderStatus(order.status)]
    total = Money(int(order.total_amount), currency)
    return OrderOut(
        id=order.id,
        type=order.type,  # type: ignore[arg-type]
        plan=plan_of(order),  # type: ignore[arg-type]
        status=order.status,
        product=order.product,
        devices=None if order.devices is None else int(order.devices),
        years=int(order.years) if order.years is not None else None,
        licenses=int(order.licenses),
        customer_ref=order.customer_ref,
        price_per_license=Money(int(order.price_per_license), currency),
        total=total,
        discounts=discounts_out(order.discounts),
        created_at=iso(order.created_at),
        payment=PaymentOut(
            status=payment_status,  # type: ignore[arg-type]
            amount=total,
            reference=order.id,
            payment_id=order.payment_id,
            paid_at=iso(order.paid_at) if order.paid_at else None,
            checkout_url=checkout_url(order.id, total) if payment_status == "awaiting_payment" else None,
        ),
        license_keys=list(order.license_keys),
        licenses_used=licenses_used(order, usage),
        licenses_unused=licenses_unused(order, usage, now),
        offer_id=order.offer_id,
        renewal=None
        if not order.renews_license
        else RenewalOut(
            license_key=order.renews_license, product=order.product, previous_product=order.previous_product
        ),
        placed_by=order.placed_by,
        statement=statement_out(str(order.month), order.statement, currency)
        if order.type == "monthly_statement" and order.statement
        else None,
    )


def placed_order_out(order: OrderItem, now: datetime) -> OrderOut:
    """The answer to placing an order: no key of it is in use yet, and an order whose keys are issued at
    once is answered as fulfilled, which it is once the answer is sent."""
    body = order_out(order, OrderUsageItem(), now)
    if order.status == OrderStatus.FULFILLING:
        body = body.model_copy(update={"status": OrderStatus.FULFILLED.value})
    return body
