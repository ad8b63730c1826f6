"""Partners: `PK=PARTNER#<id>`, `SK=PROFILE`; while assigned to a distributor, listed for it on GSI1
(`GSI1PK=DISTRIBUTOR#<id>#PARTNERS`, `GSI1SK=<partner id>`). Distributors: `PK=DISTRIBUTOR#<id>`,
`SK=PROFILE`, all listed on GSI1 (`GSI1PK=DISTRIBUTORS`, `GSI1SK=<id>`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, UpdateError

from licensing.core.errors import VersionConflict
from licensing.core.ids import plausible
from licensing.licenses.monthly import MONTHLY, MONTHLY_PARTNERS
from licensing.partners.errors import PartnerNotFound
from licensing.store.table import DistributorItem, PartnerItem, set_or_remove
from licensing.store.transient import condition_failed

SK = "PROFILE"
DISTRIBUTORS = "DISTRIBUTORS"


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


def distributor_keys(partner_id: str, distributor_id: str | None) -> dict[str, str | None]:
    """The GSI1 keys that list a partner for its distributor (None: not listed)."""
    if not distributor_id:
        return {"GSI1PK": None, "GSI1SK": None}
    return {"GSI1PK": distributor_partners(distributor_id), "GSI1SK": partner_id}


def distributor_partners(distributor_id: str) -> str:
    return f"DISTRIBUTOR#{distributor_id}#PARTNERS"


def create(partner: PartnerItem) -> PartnerItem:
    partner.PK, partner.SK = pk(partner.id), SK
    if partner.billing == MONTHLY:  # listed for the billing run (GSI5)
        partner.GSI5PK, partner.GSI5SK = MONTHLY_PARTNERS, partner.id
    for name, value in distributor_keys(partner.id, partner.distributor_id).items():
        setattr(partner, name, value)
    try:
        partner.save(condition=PartnerItem.PK.does_not_exist())
    except PutError as error:  # a ULID collision is not a user error; surface it
        raise RuntimeError(f"partner {partner.id} already exists") from error
    return partner


def update(partner: PartnerItem, changes: dict[str, Any], now: datetime) -> PartnerItem:
    """Apply `changes` (attribute -> value, None removes) if nobody changed the partner meanwhile; a change
    of `distributor_id` moves the partner's listing to its new distributor."""
    if "distributor_id" in changes:
        changes = {**changes, **distributor_keys(partner.id, changes["distributor_id"])}
    actions = [*set_or_remove(PartnerItem, changes), PartnerItem.updated_at.set(now)]
    if changes.get("billing") == MONTHLY:  # listed for the billing run; never unlisted (see PartnerItem)
        actions += [PartnerItem.GSI5PK.set(MONTHLY_PARTNERS), PartnerItem.GSI5SK.set(partner.id)]
    try:
        partner.update(actions=actions, condition=PartnerItem.PK.exists())
    except UpdateError as error:
        if condition_failed(error):
            raise VersionConflict("The partner changed meanwhile; read it again and retry.") from None
        raise
    return partner


def distributor_pk(distributor_id: str) -> str:
    return f"DISTRIBUTOR#{distributor_id}"


def get_distributor(distributor_id: str, *, consistent: bool = False) -> DistributorItem | None:
    if not plausible(distributor_id):
        return None
    try:
        return DistributorItem.get(distributor_pk(distributor_id), SK, consistent_read=consistent)
    except DoesNotExist:
        return None


def create_distributor(distributor: DistributorItem) -> DistributorItem:
    distributor.PK, distributor.SK = distributor_pk(distributor.id), SK
    distributor.GSI1PK, distributor.GSI1SK = DISTRIBUTORS, distributor.id
    try:
        distributor.save(condition=DistributorItem.PK.does_not_exist())
    except PutError as error:  # a ULID collision is not a user error; surface it
        raise RuntimeError(f"distributor {distributor.id} already exists") from error
    return distributor


def update_distributor(
    distributor: DistributorItem, changes: dict[str, Any], now: datetime
) -> DistributorItem:
    """Apply `changes` (None removes) if nobody changed the distributor since it was read."""
    actions = [*set_or_remove(DistributorItem, changes), DistributorItem.updated_at.set(now)]
    try:
        distributor.update(actions=actions, condition=DistributorItem.PK.exists())
    except UpdateError as error:
        if condition_failed(error):
            raise VersionConflict("The distributor changed meanwhile; read it again and retry.") from None
        raise
    return distributor


def distributor_page(
    *, limit: int, start: dict[str, Any] | None
) -> tuple[list[DistributorItem], dict[str, Any] | None]:
    """A page of all distributors, oldest first (one Query of GSI1), and the key to resume after it."""
    results = DistributorItem.listing.query(DISTRIBUTORS, last_evaluated_key=start, limit=limit)
    found = [item for item in results if isinstance(item, DistributorItem)]
    return found, results.last_evaluated_key


def partners_page(
    distributor_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[PartnerItem], dict[str, Any] | None]:
    """A page of the partners assigned to a distributor (one Query of GSI1), and the key to resume after."""
    results = PartnerItem.distributor_index.query(
        distributor_partners(distributor_id), last_evaluated_key=start, limit=limit
    )
    found = [item for item in results if isinstance(item, PartnerItem)]
    return found, results.last_evaluated_key
