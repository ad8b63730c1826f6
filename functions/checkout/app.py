"""Checkout: the partner's catalog and quotes, placing orders, and reading them back; its offers and
discount requests (offers.py); distributors' orders for their partners (distributor.py)."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit

from licensing.catalog.api import CatalogOut, QuoteOut, QuoteRequest, catalog_out, quote_out
from licensing.catalog.catalog import load_catalog
from licensing.core import clock
from licensing.core.errors import InvalidCursor
from licensing.http.contract import CATALOG, IDEMPOTENCY_KEY, ORDERS, operation
from licensing.http.params import Cursor, PageSize
from licensing.http.resolver import api_handler, create_app, idempotency_key, principal
from licensing.infra.observability import metrics
from licensing.orders import checkout, history
from licensing.orders.api import (
    OrderOut,
    OrderPage,
    OrderRequest,
    order_out,
    placed_order_out,
)
from licensing.orders.errors import ORDER_ERRORS, OrderNotFound
from licensing.orders.filters import OrderSearch, OrderStatuses, OrderTypes
from licensing.partners import service as partners
from licensing.store.table import PartnerItem

if __package__:  # imported as functions.checkout.app (the tests, the dev server, the OpenAPI generator)
    from functions.checkout import distributor, offers
else:  # in Lambda the function's folder is the code root
    import distributor  # type: ignore[no-redef]
    import offers  # type: ignore[no-redef]

app = create_app()
app.include_router(distributor.router)
app.include_router(offers.router)


def _partner() -> PartnerItem:
    return partners.get(principal(app).require_partner())


@app.get(
    "/v1/catalog",
    **operation("getCatalog", CATALOG, "The catalog with the partner's prices", role="read_only"),
)
def get_catalog() -> CatalogOut:
    partner = _partner()
    return catalog_out(load_catalog(), currency=partner.currency, partner_discount=partner.discount_percent)


@app.post(
    "/v1/quotes",
    **operation("createQuote", ORDERS, "Price an order without placing it", *ORDER_ERRORS, role="purchaser"),
)
def create_quote(quote: QuoteRequest) -> QuoteOut:
    return quote_out(checkout.quote_for(_partner(), quote, now=clock.now()))


@app.post(
    "/v1/orders",
    **operation(
        "createOrder",
        ORDERS,
        "Place an order",
        *ORDER_ERRORS,
        role="purchaser",
        status=201,
        headers=(IDEMPOTENCY_KEY,),
    ),
)
def create_order(order: OrderRequest) -> Response[OrderOut]:
    now = clock.now()
    placed = checkout.place_order(_partner(), order, idempotency_key(app), now)
    metrics.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="LicensesOrdered", unit=MetricUnit.Count, value=placed.licenses)
    return Response(status_code=201, content_type="application/json", body=placed_order_out(placed, now))


@app.get(
    "/v1/orders",
    **operation("listOrders", ORDERS, "The partner's orders, newest first", InvalidCursor, role="read_only"),
)
def list_orders(
    type: OrderTypes = None,
    status: OrderStatuses = None,
    q: OrderSearch = None,
    sort: Annotated[Literal["created_at"], Query()] = "created_at",
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> OrderPage:
    found = history.list_orders(
        principal(app).require_partner(),
        type=type,
        status=status,
        q=q,
        newest_first=order == "desc",
        limit=limit,
        cursor=cursor,
    )
    now = clock.now()
    items = [order_out(entry.order, entry.usage, now) for entry in found.items]
    return OrderPage(items=items, next_cursor=found.next_cursor)


@app.get(
    "/v1/orders/<order_id>",
    **operation("getOrder", ORDERS, "One order and its keys", OrderNotFound, role="read_only"),
)
def get_order(order_id: str) -> OrderOut:
    found = history.order_of(principal(app).require_partner(), order_id)
    return order_out(found.order, found.usage, clock.now())


lambda_handler = api_handler(app)
