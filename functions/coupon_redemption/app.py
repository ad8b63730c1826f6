"""Renew a license with one of the partner's own unused coupons."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.metrics import MetricUnit

from licensing import clock, views
from licensing.coupon_renewal import renew_with_coupon
from licensing.http.resolver import api_handler, create_app, principal
from licensing.observability import metrics
from licensing.schemas.renewals import CouponRenewalOut, CouponRenewRequest

app = create_app()


@app.post("/v1/licenses/<key>/renew-with-coupon")
def renew_license_with_coupon(
    key: str, request: Annotated[CouponRenewRequest | None, Body()] = None
) -> CouponRenewalOut:
    coupon_key = request.coupon_key if request else None
    license, coupon = renew_with_coupon(principal(app).require_partner(), key, coupon_key, clock.now())
    metrics.add_metric(name="CouponsRedeemed", unit=MetricUnit.Count, value=1)
    now = clock.now()
    return CouponRenewalOut(license=views.license_out(license, now), coupon=views.license_out(coupon, now))


lambda_handler = api_handler(app)
