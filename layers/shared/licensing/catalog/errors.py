"""What the catalog refuses: a product it does not sell, devices or a term outside its limits, a currency
without prices (422)."""

from __future__ import annotations

from licensing.core.errors import Unprocessable


class UnknownProduct(Unprocessable):
    code = "UNKNOWN_PRODUCT"
    title = "Unknown product"


class InvalidDevices(Unprocessable):
    code = "INVALID_DEVICES"
    title = "Device count outside the product's limits"


class InvalidTerm(Unprocessable):
    code = "INVALID_TERM"
    title = "Term not offered for this product"


class UnsupportedCurrency(Unprocessable):
    code = "UNSUPPORTED_CURRENCY"
    title = "Currency not supported"
