"""Paid renewal from the license: its options (terms, prices, migrations, the usable coupon) and the
renewal order."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.metrics import MetricUnit

from licensing.catalog.errors import InvalidDevices, InvalidTerm
from licensing.core import clock
from licensing.http.contract import IDEMPOTENCY_KEY, RENEWALS, operation
from licensing.http.resolver import api_handler, create_app, idempotency_key, principal
from licensing.infra.observability import metrics
from licensing.orders.api import OrderOut, placed_order_out
from licensing.partners.errors import DirectPurchaseDisabled
from licensing.renewals import options, paid
from licensing.renewals.api import RenewalOptionsOut, RenewRequest, renewal_options_out
from licensing.renewals.errors import RENEWAL_ERRORS

app = create_app()


@app.get(
    "/v1/licenses/<key>/renewal-options",
    **operation(
        "getRenewalOptions",
        RENEWALS,
        "Terms, prices, migrations and the usable coupon",
        *RENEWAL_ERRORS,
        role="read_only",
    ),
)
def renewal_options(key: str) -> RenewalOptionsOut:
    return renewal_options_out(options.options(principal(app).require_partner(), key, clock.now()))


@app.post(
    "/v1/licenses/<key>/renew",
    **operation(
        "renewLicense",
        RENEWALS,
        "Order a renewal (or a migration)",
        *RENEWAL_ERRORS,
        InvalidTerm,
        InvalidDevices,
        DirectPurchaseDisabled,
        role="purchaser",
        status=201,
        headers=(IDEMPOTENCY_KEY,),
    ),
)
def renew(key: str, request: RenewRequest) -> Response[OrderOut]:
    partner_id, now = principal(app).require_partner(), clock.now()
    order = paid.place(partner_id, key, request, idempotency_key(app), now)
    metrics.add_metric(name="RenewalOrdersPlaced", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=placed_order_out(order, now))


lambda_handler = api_handler(app)
