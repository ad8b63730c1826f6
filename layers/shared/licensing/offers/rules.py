"""The offer rules (pure): an offer's derived status, which terms a manager may grant, and the price an
offer gives. An offer's `discount_percent` replaces the partner and volume discounts; a
`price_per_license` is the price. Either way the quote shows one discount, of kind `offer`: the percent
the price amounts to against the list price (list x devices x years, also for a configuration outside
the catalog's device limits)."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Literal, NamedTuple

from licensing.catalog.catalog import Catalog
from licensing.catalog.pricing import Discount, Quote
from licensing.core.money import HUNDRED, Money, apply_discounts
from licensing.offers.errors import InvalidOfferExpiry, InvalidOfferPrice

REASONS = ("education", "nonprofit", "charity", "student", "teacher", "custom")
KINDS = REASONS[:-1]  # what a partner may ask for; `custom` is the manager's own
MAX_YEARS = 10  # any term of 1..10 years, whatever the product's catalog terms
MAX_DEVICES = 100_000  # sane upper bounds of a custom configuration
MAX_LICENSES = 5000  # as for a checkout
PORTAL_PATH = "/portal/offers/"

OfferStatus = Literal["open", "used", "withdrawn", "expired"]
STATUSES: tuple[OfferStatus, ...] = ("open", "used", "withdrawn", "expired")


def status(
    *, order_id: str | None, withdrawn_at: datetime | None, expires_at: datetime, now: datetime
) -> OfferStatus:
    """Used (an order holds it) before withdrawn before expired (now >= expires_at); otherwise open."""
    if order_id:
        return "used"
    if withdrawn_at is not None:
        return "withdrawn"
    return "expired" if now >= expires_at else "open"


def purchase_url(offer_id: str) -> str:
    """The portal's page for the offer, relative to the portal's origin (which also serves /v1)."""
    return PORTAL_PATH + offer_id


class Terms(NamedTuple):
    product: str
    devices: int
    years: int
    licenses: int
    currency: str
    discount_percent: Decimal | None
    price_per_license: int | None


def list_price_per_license(catalog: Catalog, terms: Terms) -> int:
    product = catalog.product(terms.product)  # UNKNOWN_PRODUCT
    return product.list_price_per_device_year(terms.currency) * terms.devices * terms.years


def check_terms(catalog: Catalog, terms: Terms, *, price_currency: str | None, expires_at: datetime,
                now: datetime) -> None:  # fmt: skip
    """Refuse (422) an unknown product, not exactly one of discount and price, a discount outside 0..100,
    a price below zero, above the list price or in another currency than the partner's, a past expiry."""
    list_price = list_price_per_license(catalog, terms)
    if (terms.discount_percent is None) == (terms.price_per_license is None):
        raise InvalidOfferPrice("Give exactly one of discount_percent and price_per_license.")
    if terms.discount_percent is not None and not 0 <= terms.discount_percent <= 100:
        raise InvalidOfferPrice(f"discount_percent must lie within 0..100, not {terms.discount_percent}.")
    if terms.price_per_license is not None:
        if price_currency != terms.currency:
            raise InvalidOfferPrice(f"price_per_license must be in the partner's currency, {terms.currency}.")
        if terms.price_per_license < 0:
            raise InvalidOfferPrice("price_per_license cannot be negative.")
        if terms.price_per_license > list_price:
            raise InvalidOfferPrice(
                f"price_per_license exceeds the list price of this configuration ({list_price})."
            )
    if expires_at <= now:
        raise InvalidOfferExpiry("expires_at must lie in the future.")


def effective_percent(list_price: int, price: int) -> Decimal:
    """The discount `price` amounts to against `list_price`, to 0.01 (half-even), never below zero."""
    if list_price <= 0:
        return Decimal(0)
    percent = HUNDRED - Decimal(price) * HUNDRED / Decimal(list_price)
    return max(percent.quantize(Decimal("0.01"), rounding=ROUND_HALF_EVEN), Decimal(0))


def offer_quote(catalog: Catalog, terms: Terms) -> Quote:
    """The quote of an offer's licenses: its price, with one discount of kind `offer`."""
    list_price = list_price_per_license(catalog, terms)
    if terms.discount_percent is not None:
        price = apply_discounts(list_price, [terms.discount_percent])
        percent = terms.discount_percent.normalize()
    else:
        price = int(terms.price_per_license or 0)
        percent = effective_percent(list_price, price)
    return Quote(
        catalog_version=catalog.version,
        product=terms.product,
        devices=terms.devices,
        years=terms.years,
        licenses=terms.licenses,
        list_price_per_license=Money(list_price, terms.currency),
        price_per_license=Money(price, terms.currency),
        discounts=(Discount("offer", percent),),
    )
