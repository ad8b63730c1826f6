"""Partner use cases: vendor operators create and change partners; a partner reads and changes its own
settings (today: its renewal reminder thresholds)."""

from __future__ import annotations

from datetime import datetime

from licensing.core.errors import ValidationFailed
from licensing.core.ids import new_id
from licensing.partners import repository
from licensing.partners.api import PartnerCreate, PartnerUpdate, SettingsUpdate
from licensing.store.table import PartnerItem

NULLABLE = {"distributor_id", "reminder_days"}


def get(partner_id: str) -> PartnerItem:
    """The partner (404 when unknown), read consistently: an update may follow."""
    return repository.get(partner_id)


def create(request: PartnerCreate, now: datetime) -> PartnerItem:
    partner = PartnerItem(
        id=new_id("ptn"), created_at=now, updated_at=now, **request.model_dump(exclude_none=True)
    )
    return repository.create(partner)


def update(partner_id: str, request: PartnerUpdate, now: datetime) -> PartnerItem:
    """Apply the fields present in the request (`null` clears the nullable ones)."""
    changes = {name: getattr(request, name) for name in request.model_fields_set}
    cleared = sorted(name for name, value in changes.items() if value is None and name not in NULLABLE)
    if cleared:
        raise ValidationFailed(f"These fields cannot be null: {', '.join(cleared)}.")
    partner = repository.get(partner_id)
    return repository.update(partner, changes, now) if changes else partner


def update_settings(partner_id: str, request: SettingsUpdate, now: datetime) -> PartnerItem:
    """What a partner may change of its own account: a subset of what an operator may change."""
    return update(partner_id, PartnerUpdate.model_validate(request.model_dump(exclude_unset=True)), now)
