"""Partner administration by vendor operators."""

from __future__ import annotations

from datetime import datetime

from licensing.errors import ValidationFailed
from licensing.ids import new_id
from licensing.repositories import partners as partner_repo
from licensing.repositories.table import PartnerItem
from licensing.schemas.partners import PartnerCreate, PartnerUpdate

NULLABLE = {"distributor_id"}


def create(request: PartnerCreate, now: datetime) -> PartnerItem:
    partner = PartnerItem(
        id=new_id("ptn"), created_at=now, updated_at=now, **request.model_dump(exclude_none=True)
    )
    return partner_repo.create(partner)


def update(partner_id: str, request: PartnerUpdate, now: datetime) -> PartnerItem:
    changes = {name: getattr(request, name) for name in request.model_fields_set}
    cleared = sorted(name for name, value in changes.items() if value is None and name not in NULLABLE)
    if cleared:
        raise ValidationFailed(f"These fields cannot be null: {', '.join(cleared)}.")
    partner = partner_repo.get(partner_id)
    return partner_repo.update(partner, changes, now) if changes else partner
