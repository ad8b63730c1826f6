"""Distributors (distributor API keys only): the partners assigned to them, the orders they place for
those partners, and those orders read back (included by the checkout function)."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit

from licensing.core import clock
from licensing.core.errors import InvalidCursor
from licensing.http.contract import DISTRIBUTORS, IDEMPOTENCY_KEY, operation
from licensing.http.params import Cursor, PageSize
from licensing.http.resolver import idempotency_key, principal
from licensing.infra.observability import metrics
from licensing.orders import on_behalf
from licensing.orders.api import (
    OrderOut,
    OrderPage,
    OrderRequest,
    order_out,
    placed_order_out,
)
from licensing.orders.errors import ORDER_ERRORS, OrderNotFound
from licensing.orders.filters import OrderSearch, OrderStatuses, OrderTypes
from licensing.partners import distributors
from licensing.partners.distributor_api import DistributorPartnerPage, distributor_partner_out
from licensing.partners.errors import DistributorNotFound, PartnerNotFound, PlanNotAvailable

router = Router()


def _distributor() -> str:
    return principal(router).require_distributor()


@router.get(
    "/v1/distributor/partners",
    **operation(
        "listDistributorPartners",
        DISTRIBUTORS,
        "The partners assigned to the distributor",
        InvalidCursor,
        role="distributor",
    ),
)
def list_partners(
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> DistributorPartnerPage:
    found = distributors.partners_of(_distributor(), limit=limit, cursor=cursor)
    items = [distributor_partner_out(partner) for partner in found.items]
    return DistributorPartnerPage(items=items, next_cursor=found.next_cursor)


@router.post(
    "/v1/distributor/partners/<partner_id>/orders",
    **operation(
        "createPartnerOrder",
        DISTRIBUTORS,
        "Place an order for an assigned partner",
        *ORDER_ERRORS,
        PartnerNotFound,
        DistributorNotFound,
        PlanNotAvailable,
        status=201,
        role="distributor",
        headers=(IDEMPOTENCY_KEY,),
    ),
)
def create_order(partner_id: str, order: OrderRequest) -> Response[OrderOut]:
    now = clock.now()
    placed = on_behalf.place(_distributor(), partner_id, order, idempotency_key(router), now)
    metrics.add_metric(name="DistributorOrdersPlaced", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="LicensesOrdered", unit=MetricUnit.Count, value=order.licenses)
    return Response(status_code=201, content_type="application/json", body=placed_order_out(placed, now))


@router.get(
    "/v1/distributor/partners/<partner_id>/orders",
    **operation(
        "listPartnerOrders",
        DISTRIBUTORS,
        "An assigned partner's orders",
        PartnerNotFound,
        InvalidCursor,
        role="distributor",
    ),
)
def list_orders(
    partner_id: str,
    type: OrderTypes = None,
    status: OrderStatuses = None,
    q: OrderSearch = None,
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> OrderPage:
    found = on_behalf.orders_of(
        _distributor(), partner_id, type=type, status=status, q=q, newest_first=order == "desc",
        limit=limit, cursor=cursor,
    )  # fmt: skip
    now = clock.now()
    return OrderPage(
        items=[order_out(e.order, e.usage, now) for e in found.items], next_cursor=found.next_cursor
    )


@router.get(
    "/v1/distributor/orders/<order_id>",
    **operation(
        "getDistributorOrder",
        DISTRIBUTORS,
        "One order of an assigned partner",
        OrderNotFound,
        role="distributor",
    ),
)
def get_order(order_id: str) -> OrderOut:
    found = on_behalf.order_of(_distributor(), order_id)
    return order_out(found.order, found.usage, clock.now())
