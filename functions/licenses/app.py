"""A partner's licenses, one at a time: read, edit, history, assign to a workspace, claim a key."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Query

from licensing import clock, license_management, views
from licensing.http.resolver import api_handler, create_app, if_match, principal
from licensing.repositories.table import LicenseItem
from licensing.schemas.licenses import AssignRequest, ClaimRequest, HistoryPage, LicenseEdit, LicenseOut

app = create_app()


def _partner_id() -> str:
    return principal(app).require_partner()


def _with_etag(license: LicenseItem) -> Response[LicenseOut]:
    body = views.license_out(license, clock.now())
    return Response(
        status_code=200, content_type="application/json", body=body, headers={"ETag": f'"{body.version}"'}
    )


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
