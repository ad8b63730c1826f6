"""Checkout: the partner's catalog and quotes, placing orders, and reading them back."""

from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query
from aws_lambda_powertools.metrics import MetricUnit

from licensing import checkout, clock, order_history, views
from licensing.http.resolver import api_handler, create_app, idempotency_key, principal
from licensing.observability import metrics
from licensing.repositories import partners as partner_repo
from licensing.repositories.table import PartnerItem
from licensing.schemas.catalog import CatalogOut, QuoteOut, QuoteRequest
from licensing.schemas.orders import OrderOut, OrderPage, OrderRequest

app = create_app()


def _partner() -> PartnerItem:
    return partner_repo.get(principal(app).require_partner())


@app.get("/v1/catalog")
def get_catalog() -> CatalogOut:
    return checkout.catalog_for(_partner())


@app.post("/v1/quotes")
def create_quote(quote: QuoteRequest) -> QuoteOut:
    return views.quote_out(checkout.quote_for(_partner(), quote))


@app.post("/v1/orders")
def create_order(order: OrderRequest) -> Response[OrderOut]:
    status, body = checkout.place_order(_partner(), order, idempotency_key(app), clock.now())
    metrics.add_metric(name="OrdersPlaced", unit=MetricUnit.Count, value=1)
    metrics.add_metric(name="LicensesOrdered", unit=MetricUnit.Count, value=order.licenses)
    return Response(status_code=status, content_type="application/json", body=body)


@app.get("/v1/orders")
def list_orders(
    type: Annotated[str | None, Query(max_length=200, description="comma list: new, bulk, renewal")] = None,
    status: Annotated[str | None, Query(max_length=200, description="comma list of order statuses")] = None,
    q: Annotated[str | None, Query(description="wildcard search: order id, customer reference, keys")] = None,
    sort: Annotated[Literal["created_at"], Query()] = "created_at",
    order: Annotated[Literal["asc", "desc"], Query()] = "desc",
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> OrderPage:
    items, next_cursor = order_history.list_orders(
        principal(app).require_partner(),
        type=type,
        status=status,
        q=q,
        newest_first=order == "desc",
        limit=limit,
        cursor=cursor,
        now=clock.now(),
    )
    return OrderPage(items=items, next_cursor=next_cursor)


@app.get("/v1/orders/<order_id>")
def get_order(order_id: str) -> OrderOut:
    order, usage = checkout.order_for(principal(app).require_partner(), order_id)
    return views.order_out(order, usage, clock.now())


lambda_handler = api_handler(app)
