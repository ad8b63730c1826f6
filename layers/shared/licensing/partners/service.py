"""Partner use cases: vendor operators create and change partners; a partner reads and changes its own
settings (today: its renewal reminder thresholds). Changes arrive as the fields a request set
(`model_dump(exclude_unset=True)` of the request in `licensing.partners.api`), None clearing one. A
`distributor_id` must name an existing distributor (`licensing.partners.distributors`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from licensing.core.errors import ValidationFailed
from licensing.core.ids import new_id
from licensing.partners import distributors, repository
from licensing.store.table import PartnerItem

NULLABLE = {"distributor_id", "reminder_days"}


def get(partner_id: str) -> PartnerItem:
    """The partner (404 when unknown), read consistently: an update may follow."""
    return repository.get(partner_id)


def create(fields: dict[str, Any], now: datetime) -> PartnerItem:
    given = {name: value for name, value in fields.items() if value is not None}
    distributors.ensure_exists(given.get("distributor_id"))  # 422 before anything is written
    return repository.create(PartnerItem(id=new_id("ptn"), created_at=now, updated_at=now, **given))


def update(partner_id: str, changes: dict[str, Any], now: datetime) -> PartnerItem:
    """Apply the fields sent (None clears the nullable ones) if nobody changed the partner meanwhile."""
    cleared = sorted(name for name, value in changes.items() if value is None and name not in NULLABLE)
    if cleared:
        raise ValidationFailed(f"These fields cannot be null: {', '.join(cleared)}.")
    partner = repository.get(partner_id)
    distributors.ensure_exists(changes.get("distributor_id"))  # 422 before anything is written
    return repository.update(partner, changes, now) if changes else partner
