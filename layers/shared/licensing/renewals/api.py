"""Renewal bodies (options, paid renewal and renew-with-coupon), and how renewal options look through
the API. A renewal order is answered as an order (`licensing.orders.api`)."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import StringConstraints

from licensing.core.clock import iso
from licensing.core.money import Money
from licensing.http.models import Integer, Model, Request
from licensing.licenses.api import LicenseKeyInput, LicenseOut, license_out

if TYPE_CHECKING:
    from licensing.renewals.options import RenewalOptions, Term
    from licensing.renewals.with_coupon import CouponRenewal


class RenewOptionOut(Model):
    years: int
    price: Money
    expires_at: str  # the expiry if paid now


class MigrationOut(Model):
    product: str
    renew: list[RenewOptionOut]


class CouponOptionOut(Model):
    key: str
    activation_deadline: str
    term_months: int
    expires_at: str  # the expiry if redeemed now


class RenewalOptionsOut(Model):
    license_key: str
    product: str
    devices: int
    expires_at: str | None
    direct_purchase: bool  # False: the partner buys through its distributor (paid renewal is 403)
    renew: list[RenewOptionOut]
    migrations: list[MigrationOut]
    coupon: CouponOptionOut | None


class RenewRequest(Request):
    years: Annotated[int, Integer(ge=1, le=100)]
    migrate_to: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None


class CouponRenewRequest(Request):
    """Without `coupon_key` the soonest-deadline matching coupon without a note is used."""

    coupon_key: LicenseKeyInput | None = None


class CouponRenewalOut(Model):
    license: LicenseOut
    coupon: LicenseOut


def renewal_options_out(options: "RenewalOptions") -> RenewalOptionsOut:
    license, coupon = options.license, options.coupon
    return RenewalOptionsOut(
        license_key=license.key,
        product=license.product,
        devices=int(license.devices),
        expires_at=iso(license.expires_at) if license.expires_at else None,
        direct_purchase=options.direct_purchase,
        renew=_terms_out(options.terms),
        migrations=[MigrationOut(product=m.product, renew=_terms_out(m.terms)) for m in options.migrations],
        coupon=None
        if coupon is None
        else CouponOptionOut(
            key=coupon.coupon.key,
            activation_deadline=iso(coupon.coupon.activation_deadline),
            term_months=int(coupon.coupon.term_months),
            expires_at=iso(coupon.expires_at),
        ),
    )


def _terms_out(terms: "list[Term]") -> list[RenewOptionOut]:
    return [RenewOptionOut(years=t.years, price=t.price, expires_at=iso(t.expires_at)) for t in terms]


def coupon_renewal_out(renewal: "CouponRenewal", now: datetime) -> CouponRenewalOut:
    return CouponRenewalOut(
        license=license_out(renewal.license, now), coupon=license_out(renewal.coupon, now)
    )
