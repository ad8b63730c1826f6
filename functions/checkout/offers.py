"""A partner's open offers and its discount requests (included by functions/checkout/app.py)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from licensing.catalog.errors import InvalidDevices, InvalidTerm, UnknownProduct
from licensing.core import clock
from licensing.core.errors import InvalidCursor
from licensing.http.contract import IDEMPOTENCY_KEY, OFFERS, operation
from licensing.http.params import Cursor, PageSize
from licensing.http.resolver import idempotency_key, principal
from licensing.offers import discount_requests, manage
from licensing.offers.api import (
    DiscountRequestCreate,
    DiscountRequestOut,
    DiscountRequestPage,
    OfferPage,
    offer_out,
    request_out,
)

router = Router()


@router.get(
    "/v1/offers",
    **operation("listOffers", OFFERS, "The partner's open offers", InvalidCursor, role="read_only"),
)
def list_offers(
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> OfferPage:
    now = clock.now()
    partner_id = principal(router).require_partner()  # type: ignore[arg-type]
    found = manage.list_offers(partner_id, status="open", now=now, limit=limit, cursor=cursor)
    return OfferPage(items=[offer_out(o, now) for o in found.items], next_cursor=found.next_cursor)


@router.post(
    "/v1/discount-requests",
    **operation(
        "createDiscountRequest",
        OFFERS,
        "Ask for an education or non-profit discount",
        UnknownProduct,
        InvalidDevices,
        InvalidTerm,
        role="purchaser",
        status=201,
        headers=(IDEMPOTENCY_KEY,),
    ),
)
def create_discount_request(request: DiscountRequestCreate) -> Response[DiscountRequestOut]:
    partner_id = principal(router).require_partner()  # type: ignore[arg-type]
    created = discount_requests.submit(partner_id, request, idempotency_key(router), clock.now())  # type: ignore[arg-type]
    return Response(status_code=201, content_type="application/json", body=request_out(created))


@router.get(
    "/v1/discount-requests",
    **operation(
        "listDiscountRequests", OFFERS, "The partner's discount requests", InvalidCursor, role="read_only"
    ),
)
def list_discount_requests(
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> DiscountRequestPage:
    partner_id = principal(router).require_partner()  # type: ignore[arg-type]
    found = discount_requests.of_partner(partner_id, limit=limit, cursor=cursor, now=clock.now())
    items = [request_out(request, offer) for request, offer in found.items]
    return DiscountRequestPage(items=items, next_cursor=found.next_cursor)
