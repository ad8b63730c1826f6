"""Renew a license with one of the partner's own unused coupons."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from licensing.core import clock
from licensing.http.contract import IDEMPOTENCY_KEY, RENEWALS, operation
from licensing.http.resolver import api_handler, create_app, idempotency_key, principal
from licensing.infra.observability import metrics
from licensing.renewals.api import CouponRenewalOut, CouponRenewRequest, coupon_renewal_out
from licensing.renewals.errors import COUPON_ERRORS
from licensing.renewals.with_coupon import renew_with_coupon

app = create_app()


@app.post(
    "/v1/licenses/<key>/renew-with-coupon",
    **operation(
        "renewLicenseWithCoupon",
        RENEWALS,
        "Renew with one of the partner's unused coupons",
        *COUPON_ERRORS,
        role="purchaser",
        headers=(IDEMPOTENCY_KEY,),
    ),
)
def renew_license_with_coupon(
    key: str, request: Annotated[CouponRenewRequest | None, Body()] = None
) -> Response[CouponRenewalOut]:
    coupon_key = request.coupon_key if request else None
    partner_id = principal(app).require_partner()
    now = clock.now()
    renewal = renew_with_coupon(
        partner_id, key, coupon_key, idempotency_key(app), now, actor=principal(app).actor
    )
    metrics.add_metric(name="CouponsRedeemed", unit=MetricUnit.Count, value=1)
    return Response(status_code=200, content_type="application/json", body=coupon_renewal_out(renewal, now))


lambda_handler = api_handler(app)
