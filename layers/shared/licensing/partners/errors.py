"""Partner errors: an unknown partner, and a partner that must buy through its distributor."""

from __future__ import annotations

from licensing.core.errors import Forbidden, NotFound


class PartnerNotFound(NotFound):
    code = "PARTNER_NOT_FOUND"
    title = "Partner not found"


class DirectPurchaseDisabled(Forbidden):
    code = "DIRECT_PURCHASE_DISABLED"
    title = "Direct purchase is disabled for this partner"
