"""MSP billing for partners: a month's device-days and charges (live or closed), as JSON and as CSV."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from licensing.billing import live
from licensing.billing.api import UsageOut, usage_csv, usage_out
from licensing.billing.errors import MONTH_ERRORS
from licensing.billing.usage import MONTH_PATTERN
from licensing.core import clock
from licensing.http.contract import BILLING, operation
from licensing.http.resolver import api_handler, create_app, principal

app = create_app()

Month = Annotated[
    str | None,
    # Not YYYY-MM at all: VALIDATION_ERROR here; no such month (2026-13, before 1970): INVALID_MONTH from the
    # domain. The document states the exact set.
    Query(
        pattern=r"^\d{4}-\d{2}$",
        json_schema_extra={"pattern": MONTH_PATTERN},
        description="YYYY-MM (UTC), 1970-01 onwards; default: the current month",
    ),
]


@app.get(
    "/v1/billing/usage",
    **operation(
        "getMonthlyUsage", BILLING, "A month's device-days and charges", *MONTH_ERRORS, role="read_only"
    ),
)
def get_usage(month: Month = None) -> UsageOut:
    return usage_out(live.usage_of(principal(app).require_partner(), month, clock.now()))


@app.get(
    "/v1/billing/usage.csv",
    **operation(
        "exportMonthlyUsage",
        BILLING,
        "A month's usage as CSV",
        *MONTH_ERRORS,
        role="read_only",
        csv="One license a row",
    ),
)
def get_usage_csv(month: Month = None) -> Response[str]:
    found = live.usage_of(principal(app).require_partner(), month, clock.now())
    headers = {"Content-Disposition": f'attachment; filename="usage-{found.month}.csv"'}
    return Response(
        status_code=200, content_type="text/csv; charset=utf-8", body=usage_csv(found), headers=headers
    )


lambda_handler = api_handler(app)
