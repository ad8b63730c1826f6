"""How many of an order's keys are in use, and how many still wait for their first use (pure rules)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from licensing.licenses.lifecycle import activation_deadline

if TYPE_CHECKING:
    from licensing.store.table import OrderItem, OrderUsageItem


def licenses_used(order: OrderItem, usage: OrderUsageItem) -> int:
    """Keys of the order in use (a renewal's license is, by definition)."""
    return len(order.license_keys) if order.renews_license else int(usage.licenses_used)


def licenses_unused(order: OrderItem, usage: OrderUsageItem, now: datetime) -> int:
    """Keys of the order still waiting for their first use (none once the activation window closed)."""
    issued_at = order.paid_at or order.created_at
    if not order.license_keys or order.renews_license or now >= activation_deadline(issued_at):
        return 0
    return len(order.license_keys) - int(usage.licenses_used) - int(usage.licenses_revoked)
