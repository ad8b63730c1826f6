"""Order errors: an unknown order, and a plan the partner or the body does not allow."""

from __future__ import annotations

from licensing.core.errors import Forbidden, NotFound, Unprocessable


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
