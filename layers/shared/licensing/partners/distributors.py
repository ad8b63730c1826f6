"""Distributors: a partner assigned to one cannot buy directly; every purchase path names the
distributor to go through instead."""

from __future__ import annotations

from licensing.partners.errors import DirectPurchaseDisabled


def ensure_direct_purchase(distributor_id: str | None) -> None:
    """Refuse a direct purchase (403) for a partner that buys through `distributor_id`."""
    if distributor_id:
        raise DirectPurchaseDisabled(
            f"Your account buys through distributor '{distributor_id}'; please order there.",
            distributor_id=distributor_id,
        )
