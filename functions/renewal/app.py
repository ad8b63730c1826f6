"""Paid renewal from the license: its options (terms, prices, migrations, the usable coupon) and the
renewal order."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from licensing import clock, renewal, renewal_orders
from licensing.http.resolver import api_handler, create_app, idempotency_key, principal
from licensing.observability import metrics
from licensing.schemas.orders import OrderOut
from licensing.schemas.renewals import RenewalOptionsOut, RenewRequest

app = create_app()


@app.get("/v1/licenses/<key>/renewal-options")
def renewal_options(key: str) -> RenewalOptionsOut:
    return renewal.options(principal(app).require_partner(), key, clock.now())


@app.post("/v1/licenses/<key>/renew")
def renew(key: str, request: RenewRequest) -> Response[OrderOut]:
    partner_id = principal(app).require_partner()
    status, body = renewal_orders.place(partner_id, key, request, idempotency_key(app), clock.now())
    metrics.add_metric(name="RenewalOrdersPlaced", unit=MetricUnit.Count, value=1)
    return Response(status_code=status, content_type="application/json", body=body)


lambda_handler = api_handler(app)
