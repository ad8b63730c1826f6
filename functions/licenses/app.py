"""A partner's licenses: list, search, group, export; one at a time: read, edit, history, assign, claim;
a monthly license: suspend, reinstate, cancel."""

from typing import Annotated, Any
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from licensing.catalog.errors import InvalidDevices
from licensing.core import clock
from licensing.core.actors import Actor
from licensing.core.errors import InvalidCursor
from licensing.http.contract import IF_MATCH, LICENSES, operation
from licensing.http.params import Cursor, PageSize
from licensing.http.resolver import api_handler, create_app, if_match, principal
from licensing.licenses import listing, management, subscriptions
from licensing.licenses.api import (
    AssignRequest,
    ClaimRequest,
    GroupOut,
    HistoryPage,
    LicenseEdit,
    LicenseListOut,
    LicenseOut,
    history_out,
    license_out,
)
from licensing.licenses.errors import (
    KEY_ERRORS,
    SUBSCRIPTION_ERRORS,
    USE_ERRORS,
    AlreadyAssigned,
    AlreadySuspended,
    NotSuspended,
    OwnedByAnotherPartner,
)
from licensing.licenses.filters import LicenseFilters, LicenseListQuery
from licensing.store.table import LicenseItem

app = create_app()
EXPORT_PAGE = 5000  # rows per CSV response: about 1 MB, well inside Lambda's 6 MB answer


def _partner_id() -> str:
    return principal(app).require_partner()


def _actor() -> Actor:
    """Who the history entry of this request's change names: the person or the key."""
    return principal(app).actor


def _with_etag(license: LicenseItem) -> Response[LicenseOut]:
    body = license_out(license, clock.now())
    return Response(
        status_code=200, content_type="application/json", body=body, headers={"ETag": f'"{body.version}"'}
    )


def _query(filters: LicenseFilters, **fixed: Any) -> listing.LicenseQuery:
    """The domain's query from the parameters (a list's, or the export's with `fixed` ones)."""
    return listing.LicenseQuery.parse(**(filters.model_dump(exclude={"cursor"}) | fixed))


@app.get(
    "/v1/licenses",
    **operation("listLicenses", LICENSES, "List, search and group licenses", InvalidCursor, role="read_only"),
)
def list_licenses(query: Annotated[LicenseListQuery, Query()]) -> LicenseListOut:
    now = clock.now()
    found = listing.page(_partner_id(), _query(query), query.cursor, now)
    return LicenseListOut(
        items=[license_out(license, now) for license in found.items],
        next_cursor=found.next_cursor,
        groups=None if found.groups is None else [GroupOut(**group) for group in found.groups],
    )


@app.get(
    "/v1/licenses/export",
    **operation(
        "exportLicenses",
        LICENSES,
        "The licenses as CSV",
        InvalidCursor,
        role="read_only",
        csv="One license a row; `Link` names the next page",
    ),
)
def export_licenses(query: Annotated[LicenseFilters, Query()]) -> Response[str]:
    """CSV, one license a row, at most EXPORT_PAGE rows a response (Lambda answers at most 6 MB);
    `Link: <...>; rel="next"` names the next page until every license has been sent."""
    now = clock.now()
    found = listing.page(_partner_id(), _query(query, group_by=None, limit=EXPORT_PAGE), query.cursor, now)
    headers = {"Content-Disposition": 'attachment; filename="licenses.csv"'}
    if found.next_cursor:
        params = {k: v for k, v in (app.current_event.query_string_parameters or {}).items() if k != "cursor"}
        next_page = urlencode({**params, "cursor": found.next_cursor})
        # the request's own path, stage included, so the link works as the client called the API
        headers["Link"] = f'<{app.current_event.request_context.path}?{next_page}>; rel="next"'
    from licensing.licenses.export import csv_page  # exports are rare: off the function's cold start

    body = csv_page([license_out(license, now) for license in found.items])
    return Response(status_code=200, content_type="text/csv; charset=utf-8", body=body, headers=headers)


@app.get(
    "/v1/licenses/<key>", **operation("getLicense", LICENSES, "One license", *KEY_ERRORS, role="read_only")
)
def get_license(key: str) -> Response[LicenseOut]:
    return _with_etag(management.license_for(_partner_id(), key))


@app.patch(
    "/v1/licenses/<key>",
    **operation(
        "updateLicense",
        LICENSES,
        "Edit the note, customer reference or devices",
        *KEY_ERRORS,
        *SUBSCRIPTION_ERRORS,
        InvalidDevices,
        role="purchaser",
        headers=(IF_MATCH,),
    ),
)
def edit_license(key: str, changes: LicenseEdit) -> Response[LicenseOut]:
    fields = changes.model_dump(exclude_unset=True)
    return _with_etag(management.edit(_partner_id(), key, fields, if_match(app), clock.now(), actor=_actor()))


@app.get(
    "/v1/licenses/<key>/history",
    **operation(
        "getLicenseHistory",
        LICENSES,
        "What happened to the license",
        *KEY_ERRORS,
        InvalidCursor,
        role="read_only",
    ),
)
def license_history(
    key: str,
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> HistoryPage:
    return history_out(management.history(_partner_id(), key, limit=limit, cursor=cursor))


@app.post(
    "/v1/licenses/<key>/assign",
    **operation(
        "assignLicense",
        LICENSES,
        "Bind a coupon to a workspace",
        *KEY_ERRORS,
        *USE_ERRORS,
        AlreadyAssigned,
        role="purchaser",
    ),
)
def assign_license(key: str, request: AssignRequest) -> Response[LicenseOut]:
    return _with_etag(
        management.assign(_partner_id(), key, request.workspace_id, clock.now(), actor=_actor())
    )


@app.post(
    "/v1/licenses/claim",
    **operation(
        "claimLicense",
        LICENSES,
        "Take a key into the partner's stock",
        *KEY_ERRORS,
        *USE_ERRORS,
        OwnedByAnotherPartner,
        role="purchaser",
    ),
)
def claim_license(request: ClaimRequest) -> Response[LicenseOut]:
    return _with_etag(management.claim(_partner_id(), request.key, clock.now(), actor=_actor()))


@app.post(
    "/v1/licenses/<key>/suspend",
    **operation(
        "suspendLicense",
        LICENSES,
        "Suspend a monthly license",
        *KEY_ERRORS,
        *SUBSCRIPTION_ERRORS,
        AlreadySuspended,
        role="purchaser",
    ),
)
def suspend_license(key: str) -> Response[LicenseOut]:
    return _with_etag(subscriptions.suspend(_partner_id(), key, clock.now(), actor=_actor()))


@app.post(
    "/v1/licenses/<key>/reinstate",
    **operation(
        "reinstateLicense",
        LICENSES,
        "Reinstate a suspended monthly license",
        *KEY_ERRORS,
        *SUBSCRIPTION_ERRORS,
        NotSuspended,
        role="purchaser",
    ),
)
def reinstate_license(key: str) -> Response[LicenseOut]:
    return _with_etag(subscriptions.reinstate(_partner_id(), key, clock.now(), actor=_actor()))


@app.post(
    "/v1/licenses/<key>/cancel",
    **operation(
        "cancelLicense",
        LICENSES,
        "Cancel a monthly license at the next UTC midnight",
        *KEY_ERRORS,
        *SUBSCRIPTION_ERRORS,
        role="purchaser",
    ),
)
def cancel_license(key: str) -> Response[LicenseOut]:
    return _with_etag(subscriptions.cancel(_partner_id(), key, clock.now(), actor=_actor()))


lambda_handler = api_handler(app)
