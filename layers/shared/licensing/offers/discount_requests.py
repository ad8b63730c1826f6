"""Discount requests: a partner asks for an education, non-profit, charity, student or teacher discount
with its evidence (exactly once per Idempotency-Key); a partner manager approves it, creating the offer
and linking both in one transaction, or rejects it with a reason. Each request is decided once: the
decision is conditional on the request still being pending, so racing decisions make one."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from licensing.contracts.offers import DiscountRequested, DiscountRequestRejected
from licensing.core import cursors
from licensing.core.ids import new_id
from licensing.offers import manage, repository
from licensing.offers.api import DiscountApproval, DiscountRequestCreate, OfferLink, offer_link
from licensing.offers.errors import DiscountRequestDecided, DiscountRequestNotFound
from licensing.partners import repository as partner_repo
from licensing.store.idempotency import RECORD, IdempotentRequest
from licensing.store.table import DiscountRequestItem, OfferItem, restore, snapshot
from licensing.store.transactions import Transaction

ROUTE = "POST /v1/discount-requests"
STATUSES = ("pending", "approved", "rejected")


class PartnerRequests(NamedTuple):
    items: list[tuple[DiscountRequestItem, OfferLink | None]]
    next_cursor: str | None


class RequestRows(NamedTuple):
    items: list[dict[str, Any]]
    next_cursor: str | None


def submit(
    partner_id: str, body: DiscountRequestCreate, idempotency_key: str | None, now: datetime
) -> DiscountRequestItem:
    once = IdempotentRequest.of(partner_id, idempotency_key, ROUTE, body.model_dump(mode="json"))

    def attempt() -> DiscountRequestItem:
        request = DiscountRequestItem(
            id=new_id("dsr"),
            partner_id=partner_id,
            customer_name=body.customer_name,
            kind=body.kind,
            evidence_url=body.evidence_url,
            details=body.details,
            status="pending",
            created_at=now,
        )
        tx = Transaction()
        repository.add_request_create(tx, request)
        once.add_record(tx, result={"request": snapshot(request)}, order_id=None, now=now)
        tx.emit(
            DiscountRequested(
                event_id=f"discount-requested:{request.id}",
                discount_request_id=request.id,
                partner_id=partner_id,
                customer_name=request.customer_name,
                kind=body.kind,
            )
        )
        once.check(tx.commit(RECORD))
        return request

    return once.run(attempt, lambda first: restore(DiscountRequestItem, first["request"]), now)


def of_partner(partner_id: str, *, limit: int, cursor: str | None, now: datetime) -> PartnerRequests:
    """The partner's own requests, newest first, with the offer of each approved one: one Query, and
    one BatchGetItem when the page holds an approved request."""
    fingerprint = cursors.fingerprint(list="discount-requests", partner=partner_id, limit=limit)
    partition = {"GSI1PK": repository.requests_partition(partner_id)}
    start = cursors.decode(cursor, fingerprint, partition=partition)
    requests, last_key = repository.partner_requests(partner_id, limit=limit, start=start)
    offers = repository.offers_by_id(r.offer_id for r in requests if r.offer_id)
    items = [(r, _link(offers.get(r.offer_id or ""), now)) for r in requests]
    return PartnerRequests(items, cursors.encode(last_key, fingerprint))


def by_status(status: str, *, limit: int, cursor: str | None) -> RequestRows:
    """Every partner's requests in `status`, newest first: one Query of GSI2 per page."""
    fingerprint = cursors.fingerprint(list="discount-requests-by-status", status=status, limit=limit)
    start = cursors.decode(cursor, fingerprint, partition={"GSI2PK": repository.status_partition(status)})
    rows, last_key = repository.requests_by_status(status, limit=limit, start=start)
    return RequestRows(rows, cursors.encode(last_key, fingerprint))


def pending(request_id: str) -> DiscountRequestItem:
    request = repository.get_request(request_id, consistent=True)
    if request is None:
        raise DiscountRequestNotFound(f"No discount request '{request_id[:128]}'.")
    if request.status != "pending":
        raise _decided(request)
    return request


def approve(request_id: str, terms: DiscountApproval, now: datetime) -> tuple[DiscountRequestItem, OfferItem]:
    """Create the offer (its reason is the request's kind) and mark the request approved with it, in one
    transaction; a request decided meanwhile is 409 and nothing is written."""
    request = pending(request_id)
    partner = partner_repo.get(request.partner_id)
    offer = manage.new_offer(partner, terms, reason=request.kind, now=now, discount_request_id=request.id)
    tx = Transaction()
    repository.add_offer_create(tx, offer)
    repository.add_decision(tx, request, {"status": "approved", "decided_at": now, "offer_id": offer.id})
    if tx.emit(manage.created_event(offer)).commit(repository.REQUEST):
        raise _decided(repository.get_request(request_id, consistent=True) or request)
    return request, offer


def reject(request_id: str, reason: str, now: datetime) -> DiscountRequestItem:
    request = pending(request_id)
    tx = Transaction()
    changes = {"status": "rejected", "decided_at": now, "rejection_reason": reason}
    repository.add_decision(tx, request, changes)
    rejected = DiscountRequestRejected(
        event_id=f"discount-request-rejected:{request.id}",
        discount_request_id=request.id,
        partner_id=request.partner_id,
        customer_name=request.customer_name,
        kind=request.kind,  # type: ignore[arg-type]
        reason=reason,
    )
    if tx.emit(rejected).commit(repository.REQUEST):
        raise _decided(repository.get_request(request_id, consistent=True) or request)
    return request


def _decided(request: DiscountRequestItem) -> DiscountRequestDecided:
    return DiscountRequestDecided(
        f"Discount request '{request.id}' was already {request.status}.", decision=request.status
    )


def _link(offer: OfferItem | None, now: datetime) -> OfferLink | None:
    return offer_link(offer, now) if offer is not None else None
