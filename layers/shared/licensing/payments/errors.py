"""What the payment webhook refuses: a bad signature (nothing is read or written), and events that
arrive too early to be recorded, which the provider delivers again later."""

from __future__ import annotations

from licensing.core.errors import Conflict, Unauthorized


class InvalidSignature(Unauthorized):
    code = "INVALID_SIGNATURE"
    title = "The webhook signature is missing, wrong or stale"


class OrderNotPaidYet(Conflict):
    code = "ORDER_NOT_PAID_YET"
    title = "The order has not been paid yet"


class OrderBusy(Conflict):
    code = "ORDER_BUSY"
    title = "The order is being fulfilled; retry shortly"
