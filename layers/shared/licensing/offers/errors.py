"""Offer and discount request errors: unknown (404), used, withdrawn, expired or already decided (409),
and terms or a checkout body the rules refuse (422)."""

from __future__ import annotations

from licensing.catalog.errors import InvalidDevices, InvalidTerm, UnknownProduct, UnsupportedCurrency
from licensing.core.errors import Conflict, DomainError, NotFound, Unprocessable


class OfferNotFound(NotFound):
    code = "OFFER_NOT_FOUND"
    title = "Offer not found"


class OfferUsed(Conflict):
    code = "OFFER_USED"
    title = "The offer was already used by an order"


class OfferWithdrawn(Conflict):
    code = "OFFER_WITHDRAWN"
    title = "The offer was withdrawn"


class OfferExpired(Conflict):
    code = "OFFER_EXPIRED"
    title = "The offer has expired"


class OfferMismatch(Unprocessable):
    code = "OFFER_MISMATCH"
    title = "The request contradicts the offer"


class InvalidOfferPrice(Unprocessable):
    code = "INVALID_OFFER_PRICE"
    title = "The offer's price is not valid"


class InvalidOfferExpiry(Unprocessable):
    code = "INVALID_OFFER_EXPIRY"
    title = "The offer's expiry must lie in the future"


class UnknownPartner(Unprocessable):
    code = "UNKNOWN_PARTNER"
    title = "Unknown partner"


class DiscountRequestNotFound(NotFound):
    code = "DISCOUNT_REQUEST_NOT_FOUND"
    title = "Discount request not found"


class DiscountRequestDecided(Conflict):
    code = "DISCOUNT_REQUEST_DECIDED"
    title = "The discount request was already decided"


# What creating an offer can refuse, as the routes declare it (licensing.http.contract).
OFFER_TERMS_ERRORS: tuple[type[DomainError], ...] = (
    UnknownPartner, UnknownProduct, InvalidDevices, InvalidTerm, UnsupportedCurrency, InvalidOfferPrice,
    InvalidOfferExpiry,
)  # fmt: skip
