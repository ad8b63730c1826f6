"""Renewal bodies: options, paid renewal and renew-with-coupon."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from licensing.schemas.common import Count, Money, Request
from licensing.schemas.licenses import LicenseOut


class RenewOptionOut(BaseModel):
    years: int
    price: Money
    expires_at: str  # the expiry if paid now


class MigrationOut(BaseModel):
    product: str
    renew: list[RenewOptionOut]


class CouponOptionOut(BaseModel):
    key: str
    activation_deadline: str
    term_months: int
    expires_at: str  # the expiry if redeemed now


class RenewalOptionsOut(BaseModel):
    license_key: str
    product: str
    devices: int
    expires_at: str | None
    direct_purchase: bool  # False: the partner buys through its distributor (paid renewal is 403)
    renew: list[RenewOptionOut]
    migrations: list[MigrationOut]
    coupon: CouponOptionOut | None


class RenewRequest(Request):
    years: Annotated[Count, Field(ge=1, le=100)]
    migrate_to: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None


class CouponRenewRequest(Request):
    """Without `coupon_key` the soonest-deadline matching coupon without a note is used."""

    coupon_key: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None


class CouponRenewalOut(BaseModel):
    license: LicenseOut
    coupon: LicenseOut
