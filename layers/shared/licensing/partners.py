"""Partner administration by vendor operators."""

from __future__ import annotations

from datetime import datetime

from licensing.errors import ValidationFailed
from licensing.ids import new_id
from licensing.reminders import DEFAULT_REMINDER_DAYS, reminder_days
from licensing.repositories import partners as partner_repo
from licensing.repositories.table import PartnerItem
from licensing.schemas.partners import PartnerCreate, PartnerUpdate, SettingsOut, SettingsUpdate

NULLABLE = {"distributor_id", "reminder_days"}


def create(request: PartnerCreate, now: datetime) -> PartnerItem:
    partner = PartnerItem(
        id=new_id("ptn"), created_at=now, updated_at=now, **request.model_dump(exclude_none=True)
    )
    return partner_repo.create(partner)


def settings_of(partner: PartnerItem) -> SettingsOut:
    return SettingsOut(
        reminder_days=list(reminder_days(partner)), default_reminder_days=list(DEFAULT_REMINDER_DAYS)
    )


def update_settings(partner_id: str, request: SettingsUpdate, now: datetime) -> PartnerItem:
    """What a partner may change of its own account (today: its renewal reminder thresholds)."""
    return update(partner_id, PartnerUpdate.model_validate(request.model_dump(exclude_unset=True)), now)


def update(partner_id: str, request: PartnerUpdate, now: datetime) -> PartnerItem:
    changes = {name: getattr(request, name) for name in request.model_fields_set}
    cleared = sorted(name for name, value in changes.items() if value is None and name not in NULLABLE)
    if cleared:
        raise ValidationFailed(f"These fields cannot be null: {', '.join(cleared)}.")
    partner = partner_repo.get(partner_id)
    return partner_repo.update(partner, changes, now) if changes else partner
