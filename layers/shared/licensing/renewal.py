"""Renewal rules shared by paid renewals, migrations and renew-with-coupon, and the renewal options.

A renewal extends the term from the current expiry while the license is still valid, and from the
moment it is paid (or the coupon redeemed) once it has expired: no paid time is lost and no expired gap
is charged.
"""

from __future__ import annotations

from datetime import datetime

from licensing.catalog import Catalog, Product, load_catalog
from licensing.clock import add_months, iso
from licensing.errors import (
    InvalidMigration,
    LicenseLapsed,
    LicenseNotFound,
    LicenseRedeemed,
    LicenseRevoked,
    NotActivated,
    PartnerNotFound,
)
from licensing.events import DomainEvent
from licensing.keys import normalize_key
from licensing.lifecycle import LicenseStatus, status_of
from licensing.pricing import Quote, quote
from licensing.repositories import coupons
from licensing.repositories import licenses as license_repo
from licensing.repositories.table import LicenseItem, PartnerItem
from licensing.repositories.transactions import Transaction
from licensing.schemas.common import Money as MoneyOut
from licensing.schemas.renewals import CouponOptionOut, MigrationOut, RenewalOptionsOut, RenewOptionOut


def check_renewable(license: LicenseItem, now: datetime) -> None:
    """Only an activated license (active or expired) can be renewed."""
    status = status_of(license, now)
    if status is LicenseStatus.UNUSED:
        raise NotActivated("This key is an unused coupon: assign or activate it first, or use it to renew.")
    if status is LicenseStatus.LAPSED:
        raise LicenseLapsed("The coupon was never activated and has lapsed; it cannot be renewed.")
    if status is LicenseStatus.REVOKED:
        raise LicenseRevoked("The license was revoked and cannot be renewed.")
    if status is LicenseStatus.REDEEMED:
        raise LicenseRedeemed("The coupon was used to renew another license; renew that license instead.")


def renewed_expiry(license: LicenseItem, months: int, now: datetime) -> datetime:
    """The expiry after adding `months`: from the current expiry if still valid, else from now."""
    current = license.expires_at
    start = current if current is not None and current > now else now
    return add_months(start, months)


def upgrade_path(catalog: Catalog, product_id: str) -> list[str]:
    """Every edition reachable from `product_id` through `upgrades_to`, nearest first."""
    path: list[str] = []
    frontier = list(catalog.product(product_id).upgrades_to)
    while frontier:
        target = frontier.pop(0)
        if target not in path and target != product_id:
            path.append(target)
            frontier.extend(catalog.product(target).upgrades_to)
    return path


def target_product(catalog: Catalog, license: LicenseItem, migrate_to: str | None) -> str:
    """The edition a renewal buys: the license's own, or a valid migration target."""
    if migrate_to is None:
        return str(license.product)
    allowed = upgrade_path(catalog, license.product)
    if migrate_to not in allowed:
        choices = ", ".join(allowed) or "none"
        raise InvalidMigration(
            f"A {license.product} license can migrate to: {choices}; not to '{migrate_to}'.",
            allowed=allowed,
        )
    return migrate_to


def renewal_quote(catalog: Catalog, partner: PartnerItem, product_id: str, devices: int, years: int) -> Quote:
    """One license's renewal at the partner's discount (a renewal is never a volume order)."""
    return quote(
        catalog,
        product_id=product_id,
        devices=devices,
        years=years,
        licenses=1,
        currency=partner.currency,
        partner_discount=partner.discount_percent,
    )


def add_extension(
    tx: Transaction,
    license: LicenseItem,
    *,
    months: int,
    now: datetime,
    actor: str,
    via: dict[str, str],
    product: str | None = None,
) -> tuple[datetime, DomainEvent]:
    """Add the renewal of `license` to `tx`; returns the new expiry and the event to publish once the
    transaction committed."""
    expires_at = renewed_expiry(license, months, now)
    license_repo.add_renewal(
        tx, license, expires_at=expires_at, now=now, actor=actor, via=via, product=product
    )
    detail = {
        "license_key": license.key,
        "partner_id": license.partner_id,
        "workspace_id": license.workspace_id,
        "product": product or license.product,
        "previous_product": license.product,
        "previous_expires_at": iso(license.expires_at) if license.expires_at else None,
        "expires_at": iso(expires_at),
        **via,
    }
    paid_by = ":".join(via.values())  # the renewal order or the coupon: each renews once
    return expires_at, DomainEvent(
        "LicenseRenewed", event_id=f"license-renewed:{license.key}:{paid_by}", detail=detail
    )


def license_with_partner(partner_id: str, raw_key: str) -> tuple[LicenseItem, PartnerItem]:
    """The partner's own license (consistently read: a write may follow) and the partner, in one call."""
    license, partner = license_repo.get_with_partner(normalize_key(raw_key), partner_id, consistent=True)
    if license is None or license.partner_id != partner_id:
        raise LicenseNotFound("No license with this key in your account.")
    if partner is None:
        raise PartnerNotFound("Your partner account no longer exists.")
    return license, partner


def options(partner_id: str, raw_key: str, now: datetime) -> RenewalOptionsOut:
    """Terms and prices, migrations and the coupon renew-with-coupon would use: two DynamoDB calls."""
    license, partner = license_with_partner(partner_id, raw_key)
    check_renewable(license, now)
    catalog = load_catalog()
    devices = int(license.devices)
    migrations = [
        MigrationOut(product=target, renew=_terms(catalog, partner, license, catalog.product(target), now))
        for target in upgrade_path(catalog, license.product)
        if catalog.product(target).devices.min <= devices <= catalog.product(target).devices.max
    ]
    coupon = coupons.soonest(partner_id, license.product, devices, now=now)
    return RenewalOptionsOut(
        license_key=license.key,
        product=license.product,
        devices=devices,
        expires_at=iso(license.expires_at) if license.expires_at else None,
        direct_purchase=not partner.distributor_id,
        renew=_terms(catalog, partner, license, catalog.product(license.product), now),
        migrations=migrations,
        coupon=None
        if coupon is None
        else CouponOptionOut(
            key=coupon.key,
            activation_deadline=iso(coupon.activation_deadline),
            term_months=int(coupon.term_months),
            expires_at=iso(renewed_expiry(license, int(coupon.term_months), now)),
        ),
    )


def _terms(
    catalog: Catalog, partner: PartnerItem, license: LicenseItem, product: Product, now: datetime
) -> list[RenewOptionOut]:
    options = []
    for years in product.terms_years:
        priced = renewal_quote(catalog, partner, product.id, int(license.devices), years)
        options.append(
            RenewOptionOut(
                years=years,
                price=MoneyOut(**priced.price_per_license.as_json()),
                expires_at=iso(renewed_expiry(license, years * 12, now)),
            )
        )
    return options
