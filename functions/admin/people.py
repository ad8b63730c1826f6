"""Vendor operators and a partner's people: its first owner, and who its people are (included by
functions/admin/app.py, whose admin-only middleware covers these routes too)."""

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.api_gateway import Router

from licensing.core import clock
from licensing.core.errors import InvalidCursor
from licensing.http.contract import PEOPLE, operation
from licensing.http.params import Cursor, PageSize
from licensing.partners import service as partners
from licensing.partners.errors import PartnerNotFound
from licensing.people import service as people
from licensing.people.api import FirstOwnerCreate, UserOut, UserPage, user_out
from licensing.people.errors import DirectoryUnavailable, InvalidEmail, InvalidPassword, UserExists

router = Router()


@router.post(
    "/v1/admin/partners/<partner_id>/users",
    **operation(
        "adminCreatePartnerOwner",
        PEOPLE,
        "Create a partner's owner (its first one)",
        PartnerNotFound,
        UserExists,
        InvalidPassword,
        InvalidEmail,
        DirectoryUnavailable,
        role="admin",
        status=201,
    ),
)
def create_owner(partner_id: str, request: FirstOwnerCreate) -> Response[UserOut]:
    partners.get(partner_id)  # 404 before the directory is touched
    person = people.invite(
        partner_id, request.email, request.role, request.temporary_password, None, clock.now()
    )
    return Response(status_code=201, content_type="application/json", body=user_out(person))


@router.get(
    "/v1/admin/partners/<partner_id>/users",
    **operation(
        "adminListPartnerUsers", PEOPLE, "A partner's people", PartnerNotFound, InvalidCursor, role="admin"
    ),
)
def list_users(partner_id: str, limit: PageSize = 25, cursor: Cursor = None) -> UserPage:
    partners.get(partner_id)
    found = people.list_people(partner_id, limit=limit, cursor=cursor)
    return UserPage(items=[user_out(p) for p in found.items], next_cursor=found.next_cursor)
