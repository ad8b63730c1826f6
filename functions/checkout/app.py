"""Checkout: the partner's catalog and quotes, placing orders, and reading them back."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from licensing import checkout, clock, views
from licensing.http.resolver import api_handler, create_app, idempotency_key, principal
from licensing.observability import metrics
from licensing.repositories import partners as partner_repo
from licensing.repositories.table import PartnerItem
from licensing.schemas.catalog import CatalogOut, QuoteOut, QuoteRequest
from licensing.schemas.orders import OrderOut, OrderRequest

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


@app.get("/v1/orders/<order_id>")
def get_order(order_id: str) -> OrderOut:
    order, usage = checkout.order_for(principal(app).require_partner(), order_id)
    return views.order_out(order, usage, clock.now())


lambda_handler = api_handler(app)
