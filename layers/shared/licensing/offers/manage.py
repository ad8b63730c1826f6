"""Offer use cases of a partner manager (create, read, list by partner and status, withdraw) and the
partner's own list of open offers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from licensing.catalog.catalog import load_catalog
from licensing.contracts.offers import OfferCreated
from licensing.core import cursors
from licensing.core.clock import iso, parse_iso
from licensing.core.ids import new_id
from licensing.core.ownership import owned_by
from licensing.offers import repository, rules
from licensing.offers.api import OfferTerms, offer_status
from licensing.offers.errors import OfferNotFound, OfferUsed, OfferWithdrawn, UnknownPartner
from licensing.partners import repository as partner_repo
from licensing.partners.errors import PartnerNotFound
from licensing.store.table import OfferItem, PartnerItem


class OfferList(NamedTuple):
    items: list[OfferItem]
    next_cursor: str | None


def partner_for_offer(partner_id: str) -> PartnerItem:
    """The partner an offer is for; an unknown one is a 422 (it is a field of the body)."""
    try:
        return partner_repo.get(partner_id)
    except PartnerNotFound:
        raise UnknownPartner(f"No partner '{partner_id}'.") from None


def new_offer(
    partner: PartnerItem, terms: OfferTerms, *, reason: str, now: datetime, discount_request_id: str | None
) -> OfferItem:
    """The offer (not stored yet), once the rules accept its terms for this partner (422 otherwise)."""
    expires_at = parse_iso(terms.expires_at)
    price = terms.price_per_license
    rule_terms = rules.Terms(
        product=terms.product,
        devices=terms.devices,
        years=terms.years,
        licenses=terms.licenses,
        currency=partner.currency,
        discount_percent=terms.discount_percent,
        price_per_license=None if price is None else price.amount,
    )
    rules.check_terms(
        load_catalog(),
        rule_terms,
        price_currency=None if price is None else price.currency,
        expires_at=expires_at,
        now=now,
    )
    return OfferItem(
        id=new_id("ofr"),
        partner_id=partner.id,
        product=terms.product,
        devices=terms.devices,
        years=terms.years,
        licenses=terms.licenses,
        reason=reason,
        currency=partner.currency,
        discount_percent=terms.discount_percent,
        price_per_license=None if price is None else price.amount,
        expires_at=expires_at,
        note=terms.note,
        discount_request_id=discount_request_id,
        created_at=now,
    )


def terms_of(offer: OfferItem) -> rules.Terms:
    return rules.Terms(
        product=offer.product,
        devices=int(offer.devices),
        years=int(offer.years),
        licenses=int(offer.licenses),
        currency=offer.currency,
        discount_percent=offer.discount_percent,
        price_per_license=None if offer.price_per_license is None else int(offer.price_per_license),
    )


def created_event(offer: OfferItem) -> OfferCreated:
    priced = rules.offer_quote(load_catalog(), terms_of(offer))
    fields: dict[str, Any] = (
        {"discount_request_id": offer.discount_request_id} if offer.discount_request_id else {}
    )
    return OfferCreated(
        event_id=f"offer-created:{offer.id}",
        offer_id=offer.id,
        partner_id=offer.partner_id,
        product=offer.product,
        devices=int(offer.devices),
        years=int(offer.years),
        licenses=int(offer.licenses),
        reason=offer.reason,  # type: ignore[arg-type]
        price_per_license=priced.price_per_license,
        list_price_per_license=priced.list_price_per_license,
        expires_at=iso(offer.expires_at),
        purchase_url=rules.purchase_url(offer.id),
        **fields,
    )


def create(partner_id: str, terms: OfferTerms, *, reason: str, now: datetime) -> OfferItem:
    offer = new_offer(partner_for_offer(partner_id), terms, reason=reason, now=now, discount_request_id=None)
    return repository.create_offer(offer, created_event(offer))


def get(offer_id: str) -> OfferItem:
    offer = repository.get_offer(offer_id, consistent=True)
    if offer is None:
        raise OfferNotFound(f"No offer '{offer_id[:128]}'.")
    return offer


def of_partner(partner_id: str, offer_id: str) -> OfferItem:
    """The partner's own offer; another partner's is as unknown as a missing one (404)."""
    found = repository.get_offer(offer_id)
    return owned_by(partner_id, found, OfferNotFound(f"No offer '{offer_id[:128]}' in your account."))


def withdraw(offer_id: str, now: datetime) -> OfferItem:
    """Withdraw an open (or expired) offer. A used offer is 409 OFFER_USED; a withdrawn one 409
    OFFER_WITHDRAWN, also for a second withdrawal (it changes nothing)."""
    offer = get(offer_id)
    if offer.order_id is None and offer.withdrawn_at is None and repository.withdraw(offer, now):
        offer.withdrawn_at = now
        return offer
    current = get(offer_id) if offer.order_id is None and offer.withdrawn_at is None else offer
    if current.order_id:
        raise OfferUsed(
            f"Offer '{offer_id}' was used by order {current.order_id}.", order_id=current.order_id
        )
    raise OfferWithdrawn(f"Offer '{offer_id}' was already withdrawn.")


def list_offers(
    partner_id: str, *, status: str | None, now: datetime, limit: int, cursor: str | None
) -> OfferList:
    """A partner's offers, newest first, of one derived status (or all): one Query of GSI1 per page."""
    fingerprint = cursors.fingerprint(list="offers", partner=partner_id, status=status, limit=limit)
    start = cursors.decode(cursor, fingerprint, partition={"GSI1PK": repository.offers_partition(partner_id)})

    def keep(offer: OfferItem) -> bool:
        return status is None or offer_status(offer, now) == status

    items, last_key = repository.partner_offers(partner_id, keep=keep, limit=limit, start=start)
    return OfferList(items, cursors.encode(last_key, fingerprint))
