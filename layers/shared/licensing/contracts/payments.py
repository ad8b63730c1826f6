"""Events of the payment provider's webhook: an order paid, its keys issued, a declined or mismatched
payment, a refund."""

from typing import Annotated

from pydantic import Field

from licensing.contracts.base import EventDetail, KeyList, LicenseKey, OrderId, PartnerId
from licensing.core.money import Money


class OrderPaid(EventDetail):
    """The payment provider confirmed an order's payment (prepaid partners; monthly ones are billed)."""

    published_by = ("payment_webhook",)
    event_id_format = "order-paid:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    payment_id: Annotated[str | None, Field(description="The provider's payment id, when it sent one")]


class LicensesIssued(EventDetail):
    """Every key of a paid new or bulk order was written (after the last chunk of a large order)."""

    published_by = ("payment_webhook",)
    event_id_format = "licenses-issued:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    license_keys: KeyList


class PaymentFailed(EventDetail):
    """The provider reported a declined payment for an order awaiting payment; a later success still pays."""

    published_by = ("payment_webhook",)
    event_id_format = "payment_failed:{order_id}:{payment_event_id}"

    order_id: OrderId
    partner_id: PartnerId
    expected: Money
    received: Money


class PaymentMismatch(EventDetail):
    """A payment's amount or currency differed from the order's total: nothing was issued."""

    published_by = ("payment_webhook",)
    event_id_format = "payment_mismatch:{order_id}:{payment_event_id}"

    order_id: OrderId
    partner_id: PartnerId
    expected: Money
    received: Money


class OrderRefunded(EventDetail):
    """A paid order was refunded in full; its keys still unused were revoked (keys in use keep working)."""

    published_by = ("payment_webhook",)
    event_id_format = "order-refunded:{order_id}"

    order_id: OrderId
    partner_id: PartnerId
    revoked_license_keys: Annotated[list[LicenseKey], Field(description="The keys this refund revoked")]
