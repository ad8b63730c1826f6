"""Typed domain errors. Each carries its HTTP status and a stable UPPER_SNAKE_CASE code.

They are turned into RFC 9457 problems in exactly one place: `licensing.http.problem_details`.
"""

from __future__ import annotations

from typing import Any, ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "BAD_REQUEST"
    title: ClassVar[str] = "Bad request"

    def __init__(self, detail: str | None = None, **extensions: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.extensions = extensions


# 400: the request itself is malformed
class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"
    title = "The request is not valid"


class MalformedJson(DomainError):
    code = "MALFORMED_JSON"
    title = "The request body is not valid JSON"


class InvalidLicenseKey(DomainError):
    code = "INVALID_LICENSE_KEY"
    title = "Not a valid license key"


class InvalidCursor(DomainError):
    code = "INVALID_CURSOR"
    title = "The cursor is not valid for this request"


class InvalidIfMatch(DomainError):
    code = "INVALID_IF_MATCH"
    title = "If-Match must be a license version"


class InvalidIdempotencyKey(DomainError):
    code = "INVALID_IDEMPOTENCY_KEY"
    title = "The Idempotency-Key header is not valid"


# 401 / 403
class Unauthorized(DomainError):
    status = 401
    code = "UNAUTHORIZED"
    title = "Unauthorized"


class InvalidSignature(DomainError):
    status = 401
    code = "INVALID_SIGNATURE"
    title = "The webhook signature is missing, wrong or stale"


class Forbidden(DomainError):
    status = 403
    code = "FORBIDDEN"
    title = "Forbidden"


class DirectPurchaseDisabled(DomainError):
    status = 403
    code = "DIRECT_PURCHASE_DISABLED"
    title = "Direct purchase is disabled for this partner"


# 404
class NotFound(DomainError):
    status = 404
    code = "NOT_FOUND"
    title = "Not found"


class LicenseNotFound(NotFound):
    code = "LICENSE_NOT_FOUND"
    title = "License not found"


class CouponNotFound(NotFound):
    code = "COUPON_NOT_FOUND"
    title = "Coupon not found"


class OrderNotFound(NotFound):
    code = "ORDER_NOT_FOUND"
    title = "Order not found"


class PartnerNotFound(NotFound):
    code = "PARTNER_NOT_FOUND"
    title = "Partner not found"


class ApiKeyNotFound(NotFound):
    code = "API_KEY_NOT_FOUND"
    title = "API key not found"


# 409 / 412
class Conflict(DomainError):
    status = 409
    code = "CONFLICT"
    title = "Conflict"


class IdempotencyKeyReused(Conflict):
    code = "IDEMPOTENCY_KEY_REUSED"
    title = "This Idempotency-Key was used with another request"


class OrderNotPaidYet(Conflict):
    code = "ORDER_NOT_PAID_YET"
    title = "The order has not been paid yet"


class OrderBusy(Conflict):
    code = "ORDER_BUSY"
    title = "The order is being fulfilled; retry shortly"


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


class NotActivated(Conflict):
    code = "NOT_ACTIVATED"
    title = "The license is an unused coupon; activate it before renewing it"


class NoMatchingCoupon(Conflict):
    code = "NO_MATCHING_COUPON"
    title = "No unused coupon of the same product and devices is available"


class CouponMismatch(Conflict):
    code = "COUPON_MISMATCH"
    title = "The coupon's product or devices differ from the license's"


class CouponNotAvailable(Conflict):
    code = "COUPON_NOT_AVAILABLE"
    title = "The coupon is no longer unused"


class VersionConflict(DomainError):
    status = 412
    code = "VERSION_CONFLICT"
    title = "The resource changed since it was read"


# 422: well-formed but against the catalog or the rules
class Unprocessable(DomainError):
    status = 422
    code = "UNPROCESSABLE"
    title = "The request cannot be processed"


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


class InvalidMigration(Unprocessable):
    code = "INVALID_MIGRATION"
    title = "The target edition is not on the license's upgrade path"


# 500: never raised for bad input; only what the catch-all handler reports
class InternalError(DomainError):
    status = 500
    code = "INTERNAL_ERROR"
    title = "Internal error"
