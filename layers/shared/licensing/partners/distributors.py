"""Distributor use cases: vendor operators create, read, list and change distributors; a partner's
`distributor_id` must name one; a partner assigned to a distributor cannot buy directly (every purchase
path calls `ensure_direct_purchase`, which reads the distributor only for such a partner, to name it); and
a distributor reaches only the partners assigned to it now."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple

from licensing.core import cursors
from licensing.core.errors import ValidationFailed
from licensing.core.ids import new_id
from licensing.partners import repository
from licensing.partners.distributor_rules import Contact, refusal
from licensing.partners.errors import DistributorNotFound, PartnerNotFound, UnknownDistributor
from licensing.store.table import DistributorItem, PartnerItem

NULLABLE = {"support_url"}


class Page(NamedTuple):
    items: list[Any]
    next_cursor: str | None


def create(fields: dict[str, Any], now: datetime) -> DistributorItem:
    given = {name: value for name, value in fields.items() if value is not None}
    given.setdefault("discount_percent", Decimal(0))
    distributor = DistributorItem(id=new_id("dst"), created_at=now, updated_at=now, **given)
    return repository.create_distributor(distributor)


def get(distributor_id: str) -> DistributorItem:
    """The distributor (404 when unknown), read consistently: an update may follow."""
    found = repository.get_distributor(distributor_id, consistent=True)
    if found is None:
        raise DistributorNotFound(f"No distributor '{distributor_id[:128]}'.")
    return found


def update(distributor_id: str, changes: dict[str, Any], now: datetime) -> DistributorItem:
    """Apply the fields sent (`support_url: null` clears it) if nobody changed the distributor meanwhile."""
    cleared = sorted(name for name, value in changes.items() if value is None and name not in NULLABLE)
    if cleared:
        raise ValidationFailed(f"These fields cannot be null: {', '.join(cleared)}.")
    distributor = get(distributor_id)
    return repository.update_distributor(distributor, changes, now) if changes else distributor


def list_distributors(*, limit: int, cursor: str | None) -> Page:
    fingerprint = cursors.fingerprint(list="distributors", limit=limit)
    start = cursors.decode(cursor, fingerprint, partition={"GSI1PK": repository.DISTRIBUTORS})
    found, last_key = repository.distributor_page(limit=limit, start=start)
    return Page(found, cursors.encode(last_key, fingerprint))


def ensure_exists(distributor_id: str | None) -> None:
    """A partner's `distributor_id` must name a distributor: 422 DISTRIBUTOR_NOT_FOUND otherwise."""
    if distributor_id is not None and repository.get_distributor(distributor_id) is None:
        raise UnknownDistributor(
            f"No distributor '{distributor_id}'; create it first (POST /v1/admin/distributors).",
            distributor_id=distributor_id,
        )


def contact(distributor_id: str) -> Contact | None:
    """Who a partner's distributor is and how to reach it (one GetItem); None for an assignment made
    before distributors were entities."""
    found = repository.get_distributor(distributor_id)
    return None if found is None else Contact(found.id, found.name, found.email, found.support_url)


def ensure_direct_purchase(distributor_id: str | None) -> None:
    """Refuse a direct purchase (403) for a partner that buys through `distributor_id`, naming the
    distributor and how to reach it (one GetItem, only for such a partner)."""
    if not distributor_id:
        return
    raise refusal(distributor_id, contact(distributor_id))


def assigned_partner(distributor_id: str, partner_id: str) -> PartnerItem:
    """A partner assigned to the distributor now; any other partner (or one moved away) is 404."""
    try:
        partner = repository.get(partner_id)
    except PartnerNotFound:
        partner = None
    if partner is None or partner.distributor_id != distributor_id:
        raise PartnerNotFound(f"No partner '{partner_id[:128]}' assigned to you.")
    return partner


def partners_of(distributor_id: str, *, limit: int, cursor: str | None) -> Page:
    """The partners assigned to the distributor, a page at a time (one Query of GSI1)."""
    fingerprint = cursors.fingerprint(list="distributor-partners", distributor=distributor_id, limit=limit)
    partition = repository.distributor_partners(distributor_id)
    start = cursors.decode(cursor, fingerprint, partition={"GSI1PK": partition})
    found, last_key = repository.partners_page(distributor_id, limit=limit, start=start)
    return Page(found, cursors.encode(last_key, fingerprint))
