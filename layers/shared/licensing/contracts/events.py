"""Every published domain event, in the order docs/events.md lists them (`devtools/events_doc.py`
generates it from these models, and a test checks the published events against them). The class name
is the `detail-type`; each model lives with the context that publishes it, so a function loads only its
own events."""

from licensing.contracts.base import EventDetail
from licensing.contracts.billing import MonthlyStatementIssued
from licensing.contracts.licenses import CouponRedeemed, LicenseActivated, LicenseClaimed, LicenseRenewed
from licensing.contracts.offers import DiscountRequested, DiscountRequestRejected, OfferCreated
from licensing.contracts.orders import OrderPlaced
from licensing.contracts.payments import (
    LicensesIssued,
    OrderPaid,
    OrderRefunded,
    PaymentFailed,
    PaymentMismatch,
)
from licensing.contracts.sweeper import (
    CouponDeadlineWarning,
    CouponLapsed,
    EndCustomerExpiryNotice,
    LicenseExpired,
    PartnerRenewalDigest,
    RenewalReminderDue,
)

EVENTS: tuple[type[EventDetail], ...] = (
    OrderPlaced,
    OrderPaid,
    LicensesIssued,
    PaymentFailed,
    PaymentMismatch,
    OrderRefunded,
    LicenseActivated,
    LicenseClaimed,
    LicenseRenewed,
    CouponRedeemed,
    RenewalReminderDue,
    PartnerRenewalDigest,
    EndCustomerExpiryNotice,
    CouponDeadlineWarning,
    LicenseExpired,
    CouponLapsed,
    MonthlyStatementIssued,
    DiscountRequested,
    OfferCreated,
    DiscountRequestRejected,
)

EVENT_DETAILS: dict[str, type[EventDetail]] = {model.__name__: model for model in EVENTS}
