"""Prices as DESIGN.md defines them: list x devices x years, less the partner discount, less the
volume tier, rounded once per license (half-even); the order total is that times the licenses.

A monthly plan's quote is the price of one full month of each license (monthly price x devices, less
the partner discount; no volume tier): its licenses are billed for use, by device-day, each month."""

from __future__ import annotations

from decimal import Decimal
from typing import Literal, NamedTuple

from licensing.catalog.catalog import Catalog
from licensing.core.money import Money, apply_discounts

DiscountKind = Literal["partner", "volume", "offer"]


class Discount(NamedTuple):
    kind: DiscountKind
    percent: Decimal


class Quote(NamedTuple):
    catalog_version: str
    product: str
    devices: int
    years: int | None  # None for a monthly plan
    licenses: int
    list_price_per_license: Money
    price_per_license: Money
    discounts: tuple[Discount, ...]
    plan: Literal["annual", "monthly"] = "annual"

    @property
    def currency(self) -> str:
        return self.price_per_license.currency

    @property
    def total(self) -> Money:
        return self.price_per_license * self.licenses


def quote(
    catalog: Catalog,
    *,
    product_id: str,
    devices: int,
    years: int,
    licenses: int,
    currency: str,
    partner_discount: Decimal,
) -> Quote:
    """Price `licenses` identical licenses for a partner; raises a domain error on catalog violations."""
    product = catalog.product(product_id)
    product.check_devices(devices)
    product.check_years(years)
    list_price = product.list_price_per_device_year(currency) * devices * years

    candidates: list[tuple[DiscountKind, Decimal]] = [
        ("partner", partner_discount),
        ("volume", catalog.volume_percent(licenses)),
    ]
    discounts = tuple(Discount(kind, percent) for kind, percent in candidates if percent > 0)
    price = apply_discounts(list_price, [d.percent for d in discounts])
    return Quote(
        catalog_version=catalog.version,
        product=product.id,
        devices=devices,
        years=years,
        licenses=licenses,
        list_price_per_license=Money(list_price, currency),
        price_per_license=Money(price, currency),
        discounts=discounts,
    )


def monthly_quote(
    catalog: Catalog,
    *,
    product_id: str,
    devices: int,
    licenses: int,
    currency: str,
    partner_discount: Decimal,
) -> Quote:
    """A full month of `licenses` monthly licenses for a partner (what a month of use would cost)."""
    product = catalog.product(product_id)
    product.check_devices(devices)
    list_price = product.monthly_price(currency) * devices
    discounts = (Discount("partner", partner_discount),) if partner_discount > 0 else ()
    return Quote(
        catalog_version=catalog.version,
        product=product.id,
        devices=devices,
        years=None,
        licenses=licenses,
        list_price_per_license=Money(list_price, currency),
        price_per_license=Money(apply_discounts(list_price, [d.percent for d in discounts]), currency),
        discounts=discounts,
        plan="monthly",
    )


def partner_price_per_device_year(list_price: int, partner_discount: Decimal) -> int:
    """What the catalog shows a partner: the list price after its own discount only."""
    return apply_discounts(list_price, [partner_discount] if partner_discount > 0 else [])
