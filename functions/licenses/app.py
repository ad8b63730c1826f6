"""A partner's licenses: list, search, group, export; one at a time: read, edit, history, assign, claim."""

from typing import Annotated
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from licensing import clock, export, license_list, license_management, views
from licensing.http.resolver import api_handler, create_app, if_match, principal
from licensing.license_list import LicenseQuery
from licensing.repositories.table import LicenseItem
from licensing.schemas.licenses import (
    AssignRequest,
    ClaimRequest,
    GroupOut,
    HistoryPage,
    LicenseEdit,
    LicenseListOut,
    LicenseOut,
)

app = create_app()
EXPORT_PAGE = 5000  # rows per CSV response: about 1 MB, well inside Lambda's 6 MB answer


def _partner_id() -> str:
    return principal(app).require_partner()


def _with_etag(license: LicenseItem) -> Response[LicenseOut]:
    body = views.license_out(license, clock.now())
    return Response(
        status_code=200, content_type="application/json", body=body, headers={"ETag": f'"{body.version}"'}
    )


def _filters(
    status: str | None, view: str | None, product: str | None, devices: int | None,
    expiring_within_days: int | None, q: str | None, group_by: str | None, sort: str | None,
    order: str | None, limit: int,
) -> LicenseQuery:  # fmt: skip
    return LicenseQuery.parse(
        status=status, view=view, product=product, devices=devices, expiring_within_days=expiring_within_days,
        q=q, group_by=group_by, sort=sort, order=order, limit=limit,
    )  # fmt: skip


Status = Annotated[str | None, Query(max_length=200, description="comma list of statuses")]
View = Annotated[str | None, Query(description="activated (active + expired) or coupons (unused)")]
Product = Annotated[str | None, Query(max_length=40)]
Devices = Annotated[int | None, Query(ge=1, le=100_000)]
Expiring = Annotated[int | None, Query(ge=0, le=3650, description="days: expiry, or a coupon's deadline")]
Search = Annotated[
    str | None, Query(description="wildcards * and ?: key, note, customer ref, workspace, order")
]
GroupBy = Annotated[str | None, Query(description="product, status, devices or term_months")]
Sort = Annotated[
    str | None, Query(description="purchased_at, expires_at, activation_deadline or activated_at")
]
Order = Annotated[str | None, Query(description="asc or desc")]
Cursor = Annotated[str | None, Query(max_length=2048)]


@app.get("/v1/licenses")
def list_licenses(
    status: Status = None, view: View = None, product: Product = None, devices: Devices = None,
    expiring_within_days: Expiring = None, q: Search = None, group_by: GroupBy = None, sort: Sort = None,
    order: Order = None, limit: Annotated[int, Query(ge=1, le=100)] = 25, cursor: Cursor = None,
) -> LicenseListOut:  # fmt: skip
    query = _filters(status, view, product, devices, expiring_within_days, q, group_by, sort, order, limit)
    found = license_list.page(_partner_id(), query, cursor, clock.now())
    return LicenseListOut(
        items=[views.license_out(license, clock.now()) for license in found.items],
        next_cursor=found.next_cursor,
        groups=None if found.groups is None else [GroupOut(**group) for group in found.groups],
    )


@app.get("/v1/licenses/export")
def export_licenses(
    status: Status = None, view: View = None, product: Product = None, devices: Devices = None,
    expiring_within_days: Expiring = None, q: Search = None, sort: Sort = None, order: Order = None,
    cursor: Cursor = None,
) -> Response[str]:  # fmt: skip
    """CSV, one license a row, at most EXPORT_PAGE rows a response (Lambda answers at most 6 MB);
    `Link: <...>; rel="next"` names the next page until every license has been sent."""
    query = _filters(status, view, product, devices, expiring_within_days, q, None, sort, order, EXPORT_PAGE)
    found = license_list.page(_partner_id(), query, cursor, clock.now())
    headers = {"Content-Disposition": 'attachment; filename="licenses.csv"'}
    if found.next_cursor:
        params = {k: v for k, v in (app.current_event.query_string_parameters or {}).items() if k != "cursor"}
        next_page = urlencode({**params, "cursor": found.next_cursor})
        # the request's own path, stage included, so the link works as the client called the API
        headers["Link"] = f'<{app.current_event.request_context.path}?{next_page}>; rel="next"'

    body = export.csv_page([views.license_out(license, clock.now()) for license in found.items])
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=body, headers=headers)


@app.get("/v1/licenses/<key>")
def get_license(key: str) -> Response[LicenseOut]:
    return _with_etag(license_management.license_for(_partner_id(), key))


@app.patch("/v1/licenses/<key>")
def edit_license(key: str, changes: LicenseEdit) -> Response[LicenseOut]:
    return _with_etag(license_management.edit(_partner_id(), key, changes, if_match(app), clock.now()))


@app.get("/v1/licenses/<key>/history")
def license_history(
    key: str,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2048)] = None,
) -> HistoryPage:
    items, next_cursor = license_management.history(_partner_id(), key, limit=limit, cursor=cursor)
    return HistoryPage(items=items, next_cursor=next_cursor)


@app.post("/v1/licenses/<key>/assign")
def assign_license(key: str, request: AssignRequest) -> Response[LicenseOut]:
    return _with_etag(license_management.assign(_partner_id(), key, request.workspace_id, clock.now()))


@app.post("/v1/licenses/claim")
def claim_license(request: ClaimRequest) -> Response[LicenseOut]:
    return _with_etag(license_management.claim(_partner_id(), request.key, clock.now()))


lambda_handler = api_handler(app)
