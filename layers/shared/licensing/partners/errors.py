"""Partner errors: an unknown partner, an unknown distributor, and a partner that must buy through its
distributor."""

from __future__ import annotations

from licensing.core.errors import Forbidden, NotFound, Unprocessable


class PartnerNotFound(NotFound):
    code = "PARTNER_NOT_FOUND"
    title = "Partner not found"


class DirectPurchaseDisabled(Forbidden):
    code = "DIRECT_PURCHASE_DISABLED"
    title = "Direct purchase is disabled for this partner"


class DistributorNotFound(NotFound):
    code = "DISTRIBUTOR_NOT_FOUND"
    title = "Distributor not found"


class PlanNotAvailable(Unprocessable):
    """A distributor orders the annual plan only: monthly licenses are billed on the partner's statement."""

    code = "PLAN_NOT_AVAILABLE"
    title = "This plan cannot be ordered through a distributor"


class UnknownDistributor(Unprocessable):
    """A partner's `distributor_id` that names no distributor (the body is well formed, the id is not)."""

    code = "DISTRIBUTOR_NOT_FOUND"
    title = "The distributor does not exist"
