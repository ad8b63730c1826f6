"""Partners: `PK=PARTNER#<id>`, `SK=PROFILE`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from licensing.core.errors import VersionConflict
from licensing.core.ids import plausible
from licensing.licenses.monthly import MONTHLY, MONTHLY_PARTNERS
from licensing.partners.errors import PartnerNotFound
from licensing.store.table import PartnerItem, set_or_remove

SK = "PROFILE"


def pk(partner_id: str) -> str:
    return f"PARTNER#{partner_id}"


def get(partner_id: str) -> PartnerItem:
    """Read consistently: an update right after carries this version as its condition."""
    if not plausible(partner_id):
        raise PartnerNotFound(f"No partner '{partner_id[:128]}'.")
    try:
        return PartnerItem.get(pk(partner_id), SK, consistent_read=True)
    except DoesNotExist:
        raise PartnerNotFound(f"No partner '{partner_id}'.") from None


def create(partner: PartnerItem) -> PartnerItem:
    partner.PK, partner.SK = pk(partner.id), SK
    if partner.billing == MONTHLY:  # listed for the billing run (GSI5)
        partner.GSI5PK, partner.GSI5SK = MONTHLY_PARTNERS, partner.id
    try:
        partner.save(condition=PartnerItem.PK.does_not_exist())
    except PutError as error:  # a ULID collision is not a user error; surface it
        raise RuntimeError(f"partner {partner.id} already exists") from error
    return partner


def update(partner: PartnerItem, changes: dict[str, Any], now: datetime) -> PartnerItem:
    """Apply `changes` (attribute -> value, None removes) if nobody changed the partner meanwhile."""
    actions = [*set_or_remove(PartnerItem, changes), PartnerItem.updated_at.set(now)]
    if changes.get("billing") == MONTHLY:  # listed for the billing run; never unlisted (see PartnerItem)
        actions += [PartnerItem.GSI5PK.set(MONTHLY_PARTNERS), PartnerItem.GSI5SK.set(partner.id)]
    try:
        partner.update(actions=actions, condition=PartnerItem.PK.exists())
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            raise VersionConflict("The partner changed meanwhile; read it again and retry.") from None
        raise
    return partner
