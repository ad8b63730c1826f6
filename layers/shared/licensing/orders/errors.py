"""Order errors: an unknown order, and a plan the partner or the body does not allow."""

from __future__ import annotations

from licensing.catalog.errors import InvalidDevices, InvalidTerm, UnknownProduct, UnsupportedCurrency
from licensing.core.errors import DomainError, Forbidden, NotFound, Unprocessable
from licensing.offers.errors import OfferExpired, OfferMismatch, OfferNotFound, OfferUsed, OfferWithdrawn
from licensing.partners.errors import DirectPurchaseDisabled


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"
    title = "Order not found"


class MonthlyBillingNotEnabled(Forbidden):
    code = "MONTHLY_BILLING_NOT_ENABLED"
    title = "Monthly billing is not enabled for this partner"


class YearsNotAllowed(Unprocessable):
    code = "YEARS_NOT_ALLOWED"
    title = "A monthly plan has no term in years"


class OfferNotForDistributors(Unprocessable):
    code = "OFFER_NOT_FOR_DISTRIBUTORS"
    title = "An offer is bought by its partner"


# What pricing or placing an order can refuse, as the routes declare it (licensing.http.contract).
ORDER_ERRORS: tuple[type[DomainError], ...] = (
    UnknownProduct, InvalidDevices, InvalidTerm, UnsupportedCurrency, MonthlyBillingNotEnabled,
    YearsNotAllowed, OfferNotFound, OfferMismatch, OfferUsed, OfferWithdrawn, OfferExpired,
    OfferNotForDistributors, DirectPurchaseDisabled,
)  # fmt: skip
