"""Renewal errors: a license that cannot be renewed yet, a migration off the upgrade path, and the ways
a coupon can fail to renew a license."""

from __future__ import annotations

from licensing.core.errors import Conflict, DomainError, NotFound, Unprocessable
from licensing.licenses.errors import KEY_ERRORS, LicenseLapsed, LicenseRedeemed, LicenseRevoked
from licensing.partners.errors import PartnerNotFound


class NotActivated(Conflict):
    code = "NOT_ACTIVATED"
    title = "The license is an unused coupon; activate it before renewing it"


class NotRenewable(Conflict):
    code = "NOT_RENEWABLE"
    title = "A monthly license runs month to month and is not renewed"


class InvalidMigration(Unprocessable):
    code = "INVALID_MIGRATION"
    title = "The target edition is not on the license's upgrade path"


class CouponNotFound(NotFound):
    code = "COUPON_NOT_FOUND"
    title = "Coupon not found"


class NoMatchingCoupon(Conflict):
    code = "NO_MATCHING_COUPON"
    title = "No unused coupon of the same product and devices is available"


class CouponMismatch(Conflict):
    code = "COUPON_MISMATCH"
    title = "The coupon's product or devices differ from the license's"


class CouponNotAvailable(Conflict):
    code = "COUPON_NOT_AVAILABLE"
    title = "The coupon is no longer unused"


# What the renewal routes declare in the OpenAPI document (licensing.http.contract).
RENEWAL_ERRORS: tuple[type[DomainError], ...] = (
    *KEY_ERRORS, NotRenewable, NotActivated, LicenseLapsed, LicenseRevoked, LicenseRedeemed, InvalidMigration,
    PartnerNotFound,
)  # fmt: skip
COUPON_ERRORS: tuple[type[DomainError], ...] = (
    *KEY_ERRORS, NotRenewable, NotActivated, LicenseLapsed, LicenseRevoked, LicenseRedeemed, CouponNotFound,
    CouponNotAvailable, CouponMismatch, NoMatchingCoupon, Conflict,
)  # fmt: skip
