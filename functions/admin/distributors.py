"""Vendor operators: distributors and their API keys (included by the admin function, under its
admin-only middleware)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from licensing.access import api_keys
from licensing.access.api import ApiKeyCreate, ApiKeyCreated, api_key_created
from licensing.core import clock
from licensing.core.errors import InvalidCursor, VersionConflict
from licensing.http.contract import DISTRIBUTORS, operation
from licensing.http.params import Cursor, PageSize
from licensing.partners import distributors
from licensing.partners.distributor_api import (
    DistributorCreate,
    DistributorOut,
    DistributorPage,
    DistributorUpdate,
    distributor_out,
)
from licensing.partners.errors import DistributorNotFound

router = Router()


@router.post(
    "/v1/admin/distributors",
    **operation("createDistributor", DISTRIBUTORS, "Create a distributor", status=201, role="admin"),
)
def create_distributor(distributor: DistributorCreate) -> Response[DistributorOut]:
    created = distributors.create(distributor.model_dump(), clock.now())
    return Response(status_code=201, content_type="application/json", body=distributor_out(created))


@router.get(
    "/v1/admin/distributors",
    **operation("listDistributors", DISTRIBUTORS, "The distributors", InvalidCursor, role="admin"),
)
def list_distributors(
    limit: PageSize = 25,
    cursor: Cursor = None,
) -> DistributorPage:
    found = distributors.list_distributors(limit=limit, cursor=cursor)
    return DistributorPage(items=[distributor_out(d) for d in found.items], next_cursor=found.next_cursor)


@router.get(
    "/v1/admin/distributors/<distributor_id>",
    **operation("getDistributor", DISTRIBUTORS, "One distributor", DistributorNotFound, role="admin"),
)
def get_distributor(distributor_id: str) -> DistributorOut:
    return distributor_out(distributors.get(distributor_id))


@router.patch(
    "/v1/admin/distributors/<distributor_id>",
    **operation(
        "updateDistributor",
        DISTRIBUTORS,
        "Change a distributor",
        DistributorNotFound,
        VersionConflict,
        role="admin",
    ),
)
def update_distributor(distributor_id: str, changes: DistributorUpdate) -> DistributorOut:
    changed = distributors.update(distributor_id, changes.model_dump(exclude_unset=True), clock.now())
    return distributor_out(changed)


@router.post(
    "/v1/admin/distributors/<distributor_id>/api-keys",
    **operation(
        "createDistributorApiKey",
        DISTRIBUTORS,
        "Issue a distributor API key (shown once)",
        DistributorNotFound,
        status=201,
        role="admin",
    ),
)
def create_distributor_api_key(distributor_id: str, request: ApiKeyCreate) -> Response[ApiKeyCreated]:
    item, token = api_keys.issue_distributor_key(distributor_id, request.name, clock.now())
    return Response(status_code=201, content_type="application/json", body=api_key_created(item, token))
