"""Vendor operators' offers and discount approvals (included by functions/admin/app.py, whose admin-only
middleware covers these routes too)."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query

from licensing.core import clock
from licensing.core.errors import InvalidCursor
from licensing.http.contract import OFFERS, operation
from licensing.http.models import Identifier
from licensing.http.params import Cursor, PageSize
from licensing.offers import discount_requests, manage
from licensing.offers.api import (
    DiscountApproval,
    DiscountApproved,
    DiscountRejection,
    DiscountRequestOut,
    DiscountRequestPage,
    OfferCreate,
    OfferOut,
    OfferPage,
    offer_out,
    request_out,
    row_out,
)
from licensing.offers.errors import (
    OFFER_TERMS_ERRORS,
    DiscountRequestDecided,
    DiscountRequestNotFound,
    OfferNotFound,
    OfferUsed,
    OfferWithdrawn,
)

router = Router()


@router.post(
    "/v1/admin/offers",
    **operation(
        "adminCreateOffer",
        OFFERS,
        "Make a partner an offer",
        *OFFER_TERMS_ERRORS,
        status=201,
        role="admin",
    ),
)
def create_offer(offer: OfferCreate) -> Response[OfferOut]:
    now = clock.now()
    created = manage.create(offer.partner_id, offer, reason=offer.reason, now=now)
    return Response(status_code=201, content_type="application/json", body=offer_out(created, now))


@router.get(
    "/v1/admin/offers",
    **operation("adminListOffers", OFFERS, "A partner's offers", InvalidCursor, role="admin"),
)
def list_offers(
    partner_id: Annotated[Identifier, Query(description="the partner whose offers to list")],
    status: Annotated[Literal["open", "used", "withdrawn", "expired"] | None, Query()] = None,
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> OfferPage:
    now = clock.now()
    found = manage.list_offers(partner_id, status=status, now=now, limit=limit, cursor=cursor)
    return OfferPage(items=[offer_out(o, now) for o in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/admin/offers/<offer_id>",
    **operation("adminGetOffer", OFFERS, "One offer", OfferNotFound, role="admin"),
)
def get_offer(offer_id: str) -> OfferOut:
    return offer_out(manage.get(offer_id), clock.now())


@router.delete(
    "/v1/admin/offers/<offer_id>",
    **operation(
        "adminWithdrawOffer",
        OFFERS,
        "Withdraw an open offer",
        OfferNotFound,
        OfferUsed,
        OfferWithdrawn,
        role="admin",
    ),
)
def withdraw_offer(offer_id: str) -> OfferOut:
    now = clock.now()
    return offer_out(manage.withdraw(offer_id, now), now)


@router.get(
    "/v1/admin/discount-requests",
    **operation(
        "adminListDiscountRequests", OFFERS, "Discount requests by status", InvalidCursor, role="admin"
    ),
)
def list_discount_requests(
    status: Annotated[Literal["pending", "approved", "rejected"], Query()] = "pending",
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> DiscountRequestPage:
    found = discount_requests.by_status(status, limit=limit, cursor=cursor)
    return DiscountRequestPage(items=[row_out(row) for row in found.items], next_cursor=found.next_cursor)


@router.post(
    "/v1/admin/discount-requests/<request_id>/approve",
    **operation(
        "approveDiscountRequest",
        OFFERS,
        "Approve a request: it becomes an offer",
        DiscountRequestNotFound,
        DiscountRequestDecided,
        *OFFER_TERMS_ERRORS,
        status=201,
        role="admin",
    ),
)
def approve_discount_request(request_id: str, approval: DiscountApproval) -> Response[DiscountApproved]:
    now = clock.now()
    request, offer = discount_requests.approve(request_id, approval, now)
    body = DiscountApproved(request=request_out(request), offer=offer_out(offer, now))
    return Response(status_code=201, content_type="application/json", body=body)


@router.post(
    "/v1/admin/discount-requests/<request_id>/reject",
    **operation(
        "rejectDiscountRequest",
        OFFERS,
        "Reject a request",
        DiscountRequestNotFound,
        DiscountRequestDecided,
        role="admin",
    ),
)
def reject_discount_request(request_id: str, rejection: DiscountRejection) -> DiscountRequestOut:
    return request_out(discount_requests.reject(request_id, rejection.reason, clock.now()))
