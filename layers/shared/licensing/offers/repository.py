"""Offers and discount requests in the table; the only code of this context that touches DynamoDB.

Keys (every list is a Query, never a Scan):
- an offer: `PK=OFFER#<id>`, `SK=OFFER`; a partner's offers on GSI1 (`GSI1PK=PARTNER#<id>#OFFERS`,
  `GSI1SK=<created_at>#<id>`, ALL projection). The partner's open offers and the admin's list by partner
  and status read that partition newest first and keep the offers of the asked status (the status is
  derived from the dates, so it cannot be a key: an expired offer changes no attribute).
- a discount request: `PK=DISCOUNT_REQUEST#<id>`, `SK=DISCOUNT_REQUEST`; the partner's requests on GSI1
  (`GSI1PK=PARTNER#<id>#DISCOUNT_REQUESTS`), and every partner's requests by status on GSI2
  (`GSI2PK=DISCOUNT_REQUESTS#<status>`, `GSI2SK=<created_at>#<id>`). GSI2 projects only `row` and
  `entity`, so the request keeps its list view in `row` (JSON) and the admin's list reads no item; a
  decision moves it to its new status partition and rewrites the row in the same write.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pynamodb.exceptions import DoesNotExist, UpdateError
from pynamodb.expressions.update import Action

from licensing.core.clock import iso
from licensing.core.ids import plausible
from licensing.store.table import DiscountRequestItem, OfferItem
from licensing.store.transactions import Transaction
from licensing.store.transient import condition_failed

if TYPE_CHECKING:
    from licensing.contracts.base import EventDetail

OFFER_SK = "OFFER"
REQUEST_SK = "DISCOUNT_REQUEST"
# labels of the items these functions add to a transaction
OFFER = "offer"  # the offer, whose condition is that it is still open
REQUEST = "discount_request"  # the request, whose condition is that it is still pending
ItemT = TypeVar("ItemT", OfferItem, DiscountRequestItem)


def offer_pk(offer_id: str) -> str:
    return f"OFFER#{offer_id}"


def offers_partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#OFFERS"


def request_pk(request_id: str) -> str:
    return f"DISCOUNT_REQUEST#{request_id}"


def requests_partition(partner_id: str) -> str:
    return f"PARTNER#{partner_id}#DISCOUNT_REQUESTS"


def status_partition(status: str) -> str:
    return f"DISCOUNT_REQUESTS#{status}"


# ---------------------------------------------------------------- offers


def keyed_offer(offer: OfferItem) -> OfferItem:
    offer.PK, offer.SK = offer_pk(offer.id), OFFER_SK
    offer.GSI1PK, offer.GSI1SK = offers_partition(offer.partner_id), f"{iso(offer.created_at)}#{offer.id}"
    return offer


def get_offer(offer_id: str, *, consistent: bool = False) -> OfferItem | None:
    if not plausible(offer_id):
        return None
    try:
        return OfferItem.get(offer_pk(offer_id), OFFER_SK, consistent_read=consistent)
    except DoesNotExist:
        return None


def offers_by_id(offer_ids: Iterable[str]) -> dict[str, OfferItem]:
    """Several offers with one BatchGetItem (none for no ids)."""
    keys = sorted({(offer_pk(i), OFFER_SK) for i in offer_ids})
    return {offer.id: offer for offer in OfferItem.batch_get(keys)} if keys else {}


def add_offer_create(tx: Transaction, offer: OfferItem) -> None:
    tx.put(keyed_offer(offer), condition=OfferItem.PK.does_not_exist(), label=OFFER)


def create_offer(offer: OfferItem, created: EventDetail) -> OfferItem:
    tx = Transaction().emit(created)
    add_offer_create(tx, offer)
    tx.commit()
    return offer


def _still_open(now: datetime) -> Any:
    return (
        OfferItem.PK.exists()
        & OfferItem.order_id.does_not_exist()
        & OfferItem.withdrawn_at.does_not_exist()
        & (OfferItem.expires_at > now)
    )


def add_use(tx: Transaction, offer: OfferItem, order_id: str, now: datetime) -> None:
    """The offer is used by `order_id`, if it is still open (not used, withdrawn or expired) at `now`."""
    actions: list[Action] = [OfferItem.order_id.set(order_id), OfferItem.used_at.set(now)]
    tx.update(keyed_offer(offer), actions, condition=_still_open(now), versioned=False, label=OFFER)


def withdraw(offer: OfferItem, now: datetime) -> bool:
    """Withdraw an offer no order holds and nobody withdrew yet; False when one did meanwhile."""
    try:
        keyed_offer(offer).update(
            actions=[OfferItem.withdrawn_at.set(now)],
            condition=OfferItem.PK.exists()
            & OfferItem.order_id.does_not_exist()
            & OfferItem.withdrawn_at.does_not_exist(),
        )
    except UpdateError as error:
        if condition_failed(error):
            return False
        raise
    return True


def partner_offers(
    partner_id: str, *, keep: Callable[[OfferItem], bool], limit: int, start: dict[str, Any] | None
) -> tuple[list[OfferItem], dict[str, Any] | None]:
    """Up to `limit` of the partner's offers, newest first, that pass `keep`, and the key to resume
    after the last one returned (None when nothing is left)."""
    results = OfferItem.partner_index.query(
        offers_partition(partner_id), scan_index_forward=False, last_evaluated_key=start, page_size=limit
    )
    return _page(results, OfferItem, keep, limit, ("PK", "SK", "GSI1PK", "GSI1SK"))


# ---------------------------------------------------------------- discount requests


def request_row(request: DiscountRequestItem) -> str:
    """The request as the admin's list shows it (everything but the keys)."""
    fields = {
        "id": request.id,
        "partner_id": request.partner_id,
        "customer_name": request.customer_name,
        "kind": request.kind,
        "evidence_url": request.evidence_url,
        "details": request.details,
        "status": request.status,
        "rejection_reason": request.rejection_reason,
        "offer_id": request.offer_id,
        "created_at": iso(request.created_at),
        "decided_at": iso(request.decided_at) if request.decided_at else None,
    }
    return json.dumps(fields, separators=(",", ":"), sort_keys=True)


def keyed_request(request: DiscountRequestItem) -> DiscountRequestItem:
    created = f"{iso(request.created_at)}#{request.id}"
    request.PK, request.SK = request_pk(request.id), REQUEST_SK
    request.GSI1PK, request.GSI1SK = requests_partition(request.partner_id), created
    request.GSI2PK, request.GSI2SK = status_partition(request.status), created
    request.row = request_row(request)
    return request


def add_request_create(tx: Transaction, request: DiscountRequestItem) -> None:
    tx.put(keyed_request(request), condition=DiscountRequestItem.PK.does_not_exist(), label=REQUEST)


def get_request(request_id: str, *, consistent: bool = False) -> DiscountRequestItem | None:
    if not plausible(request_id):
        return None
    try:
        return DiscountRequestItem.get(request_pk(request_id), REQUEST_SK, consistent_read=consistent)
    except DoesNotExist:
        return None


def add_decision(tx: Transaction, request: DiscountRequestItem, changes: dict[str, Any]) -> None:
    """Decide a request that is still pending: `changes` (status, decided_at, offer_id or
    rejection_reason) are applied to `request` and written with its new status partition and row."""
    for name, value in changes.items():
        setattr(request, name, value)
    keyed_request(request)
    attributes = DiscountRequestItem.get_attributes()
    actions: list[Action] = [attributes[name].set(value) for name, value in changes.items()]
    actions += [DiscountRequestItem.GSI2PK.set(request.GSI2PK), DiscountRequestItem.row.set(request.row)]
    condition = DiscountRequestItem.status == "pending"
    tx.update(request, actions, condition=condition, versioned=False, label=REQUEST)


def partner_requests(
    partner_id: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[DiscountRequestItem], dict[str, Any] | None]:
    """A page of the partner's own requests, newest first."""
    results = DiscountRequestItem.partner_index.query(
        requests_partition(partner_id), scan_index_forward=False, last_evaluated_key=start, page_size=limit
    )
    return _page(results, DiscountRequestItem, lambda _: True, limit, ("PK", "SK", "GSI1PK", "GSI1SK"))


def requests_by_status(
    status: str, *, limit: int, start: dict[str, Any] | None
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """A page of every partner's requests in `status`, newest first, as their rows."""
    results = DiscountRequestItem.by_status.query(
        status_partition(status), scan_index_forward=False, last_evaluated_key=start, page_size=limit
    )
    items, last = _page(results, DiscountRequestItem, lambda _: True, limit, ("PK", "SK", "GSI2PK", "GSI2SK"))
    return [json.loads(item.row or "{}") for item in items], last


def _page(
    results: Iterable[Any],
    model: type[ItemT],
    keep: Callable[[ItemT], bool],
    limit: int,
    key_names: tuple[str, ...],
) -> tuple[list[ItemT], dict[str, Any] | None]:
    found: list[ItemT] = []
    for item in results:
        if isinstance(item, model) and keep(item):
            found.append(item)
            if len(found) == limit:
                return found, {name: {"S": getattr(item, name)} for name in key_names}
    return found, None
