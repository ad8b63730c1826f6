"""Buying through an offer (`POST /v1/quotes` and `POST /v1/orders` with `offer_id`): the product,
devices, years, licenses and price come from the offer; a body field that contradicts it is 422
OFFER_MISMATCH, an omitted one is taken from it. The order's creation transaction includes the offer's
conditional move to used (`repository.add_use`), so two checkouts racing for one offer make one order;
the other gets 409 OFFER_USED."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple, Protocol

from licensing.catalog.catalog import load_catalog
from licensing.catalog.pricing import Quote
from licensing.offers import manage, repository, rules
from licensing.offers.api import offer_status
from licensing.offers.errors import OfferExpired, OfferMismatch, OfferUsed, OfferWithdrawn
from licensing.store.table import OfferItem, PartnerItem
from licensing.store.transactions import Transaction

COMPARED = ("product", "devices", "years", "licenses")


class OfferRequest(Protocol):
    """What a quote or an order body says (`licensing.catalog.api.QuoteRequest` and its subclasses)."""

    @property
    def offer_id(self) -> str | None: ...

    @property
    def model_fields_set(self) -> set[str]: ...


class OfferPurchase(NamedTuple):
    offer: OfferItem
    quote: Quote


def priced(partner: PartnerItem, request: OfferRequest, now: datetime) -> OfferPurchase:
    """The partner's open offer the request names, priced; refused when it is another partner's (404),
    used, withdrawn or expired (409), or when the body contradicts it (422)."""
    offer = manage.of_partner(partner.id, str(request.offer_id))
    ensure_open(offer, now)
    mismatched = [
        name
        for name in COMPARED
        if name in request.model_fields_set
        and (sent := getattr(request, name, None)) is not None
        and sent != _offered(offer, name)
    ]
    if getattr(request, "plan", "annual") != "annual":
        mismatched.append("plan")  # an offer is an annual purchase, paid up front
    if mismatched:
        said = ", ".join(
            f"{name} {_offered(offer, name) if name != 'plan' else 'annual'}" for name in mismatched
        )
        raise OfferMismatch(
            f"The offer is for {said}; leave these out or send the offer's.", fields=mismatched
        )
    return OfferPurchase(offer, rules.offer_quote(load_catalog(), manage.terms_of(offer)))


def ensure_open(offer: OfferItem, now: datetime) -> None:
    current = offer_status(offer, now)
    if current == "used":
        raise OfferUsed(f"Offer '{offer.id}' was already used by an order.")
    if current == "withdrawn":
        raise OfferWithdrawn(f"Offer '{offer.id}' was withdrawn by the partner manager.")
    if current == "expired":
        raise OfferExpired(f"Offer '{offer.id}' expired at {offer.expires_at:%Y-%m-%dT%H:%M:%SZ}.")


def add_use(tx: Transaction, purchase: OfferPurchase, order_id: str, now: datetime) -> None:
    """Add the offer's move to used by `order_id` to the order's creation transaction."""
    repository.add_use(tx, purchase.offer, order_id, now)


def check_use(failed: frozenset[str], purchase: OfferPurchase, now: datetime) -> None:
    """After a commit that handled the offer's label: raise why the offer could not be used."""
    if repository.OFFER not in failed:
        return
    current = repository.get_offer(purchase.offer.id, consistent=True) or purchase.offer
    ensure_open(current, now)
    raise OfferUsed(f"Offer '{purchase.offer.id}' was already used by an order.")


def _offered(offer: OfferItem, name: str) -> str | int:
    value = getattr(offer, name)
    return value if isinstance(value, str) else int(value)
