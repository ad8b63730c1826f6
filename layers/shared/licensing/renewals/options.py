"""A license's renewal options: each term at the partner's price, the migrations on its upgrade path, and
the coupon renew-with-coupon would take now; two DynamoDB calls."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from licensing.catalog.catalog import Catalog, Product, load_catalog
from licensing.core.money import Money
from licensing.core.ownership import owned_by
from licensing.licenses import repository as license_repo
from licensing.licenses.errors import LicenseNotFound
from licensing.licenses.keys import normalize_key
from licensing.partners.errors import PartnerNotFound
from licensing.renewals.rules import check_renewable, renewed_expiry
from licensing.renewals.terms import renewal_quote, upgrade_path
from licensing.store.table import LicenseItem, PartnerItem


class Term(NamedTuple):
    years: int
    price: Money
    expires_at: datetime  # the expiry if paid now


class Migration(NamedTuple):
    product: str
    terms: list[Term]


class CouponOption(NamedTuple):
    coupon: LicenseItem
    expires_at: datetime  # the expiry if redeemed now


class RenewalOptions(NamedTuple):
    license: LicenseItem
    direct_purchase: bool  # False: the partner buys through its distributor (paid renewal is 403)
    terms: list[Term]
    migrations: list[Migration]
    coupon: CouponOption | None


def license_with_partner(partner_id: str, raw_key: str) -> tuple[LicenseItem, PartnerItem]:
    """The partner's own license (consistently read: a write may follow) and the partner, in one call."""
    license, partner = license_repo.get_with_partner(normalize_key(raw_key), partner_id, consistent=True)
    license = owned_by(partner_id, license, LicenseNotFound("No license with this key in your account."))
    if partner is None:
        raise PartnerNotFound("Your partner account no longer exists.")
    return license, partner


def options(partner_id: str, raw_key: str, now: datetime) -> RenewalOptions:
    license, partner = license_with_partner(partner_id, raw_key)
    check_renewable(license, now)
    catalog = load_catalog()
    devices = int(license.devices)
    migrations = [
        Migration(target, _terms(catalog, partner, license, catalog.product(target), now))
        for target in upgrade_path(catalog, license.product)
        if catalog.product(target).devices.min <= devices <= catalog.product(target).devices.max
    ]
    coupon = license_repo.soonest_coupon(partner_id, license.product, devices, now=now)
    return RenewalOptions(
        license=license,
        direct_purchase=not partner.distributor_id,
        terms=_terms(catalog, partner, license, catalog.product(license.product), now),
        migrations=migrations,
        coupon=None
        if coupon is None
        else CouponOption(coupon, renewed_expiry(license, int(coupon.term_months), now)),
    )


def _terms(
    catalog: Catalog, partner: PartnerItem, license: LicenseItem, product: Product, now: datetime
) -> list[Term]:
    terms = []
    for years in product.terms_years:
        priced = renewal_quote(
            catalog, currency=partner.currency, partner_discount=partner.discount_percent,
            product_id=product.id, devices=int(license.devices), years=years,
        )  # fmt: skip
        terms.append(Term(years, priced.price_per_license, renewed_expiry(license, years * 12, now)))
    return terms
