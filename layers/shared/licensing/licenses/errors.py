"""License errors: a mistyped or unknown key, and the states in which a license refuses a change (a
monthly license's suspension, reinstatement, cancellation and device changes included)."""

from __future__ import annotations

from licensing.core.errors import Conflict, DomainError, NotFound, VersionConflict


class InvalidLicenseKey(DomainError):
    code = "INVALID_LICENSE_KEY"
    title = "Not a valid license key"


class LicenseNotFound(NotFound):
    code = "LICENSE_NOT_FOUND"
    title = "License not found"


class AlreadyAssigned(Conflict):
    code = "ALREADY_ASSIGNED"
    title = "The license is assigned to another workspace"


class LicenseLapsed(Conflict):
    code = "LICENSE_LAPSED"
    title = "The coupon was not activated within twelve months and has lapsed"


class LicenseRevoked(Conflict):
    code = "LICENSE_REVOKED"
    title = "The license was revoked"


class LicenseRedeemed(Conflict):
    code = "LICENSE_REDEEMED"
    title = "The coupon was redeemed to renew another license"


class OwnedByAnotherPartner(Conflict):
    code = "OWNED_BY_ANOTHER_PARTNER"
    title = "Another partner owns this key"


class NotMonthly(Conflict):
    code = "NOT_MONTHLY"
    title = "Only a monthly license can be changed this way"


class LicenseNotActive(Conflict):
    code = "LICENSE_NOT_ACTIVE"
    title = "The license is not active"


class AlreadySuspended(Conflict):
    code = "ALREADY_SUSPENDED"
    title = "The license is already suspended"


class NotSuspended(Conflict):
    code = "NOT_SUSPENDED"
    title = "The license is not suspended"


class AlreadyCancelled(Conflict):
    code = "ALREADY_CANCELLED"
    title = "The license is already cancelled"


# What routes declare in the OpenAPI document (licensing.http.contract): a key in the path ...
KEY_ERRORS: tuple[type[DomainError], ...] = (InvalidLicenseKey, LicenseNotFound)
# ... binding or taking a key ...
USE_ERRORS: tuple[type[DomainError], ...] = (LicenseLapsed, LicenseRevoked, LicenseRedeemed, VersionConflict)
# ... changing a monthly subscription.
SUBSCRIPTION_ERRORS: tuple[type[DomainError], ...] = (
    NotMonthly,
    LicenseNotActive,
    AlreadyCancelled,
    VersionConflict,
)
