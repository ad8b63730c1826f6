"""A partner's people and API keys, managed by its owners (`/v1/users`, `/v1/api-keys`), and who is
calling (`GET /v1/me`, for anyone of the partner)."""

from aws_lambda_powertools.event_handler import Response

from licensing.access import api_keys
from licensing.access.api import ApiKeyCreated, PartnerApiKeyCreate, api_key_created
from licensing.access.errors import ApiKeyNotFound
from licensing.core import clock
from licensing.core.errors import InvalidCursor, VersionConflict
from licensing.http.contract import IDEMPOTENCY_KEY, PEOPLE, operation
from licensing.http.params import Cursor, PageSize
from licensing.http.resolver import api_handler, create_app, idempotency_key, principal
from licensing.partners import service as partners
from licensing.people import service as people
from licensing.people.api import (
    ApiKeyPage,
    MeOut,
    UserCreate,
    UserOut,
    UserPage,
    UserUpdate,
    api_key_out,
    me_out,
    user_out,
)
from licensing.people.errors import (
    DirectoryUnavailable,
    InvalidEmail,
    InvalidPassword,
    LastOwner,
    UserBeingRemoved,
    UserExists,
    UserNotFound,
)

app = create_app()


def _partner_id() -> str:
    return principal(app).require_partner()


@app.get(
    "/v1/users",
    **operation("listUsers", PEOPLE, "The partner's people, by e-mail", InvalidCursor, role="owner"),
)
def list_users(limit: PageSize = 25, cursor: Cursor = None) -> UserPage:
    found = people.list_people(_partner_id(), limit=limit, cursor=cursor)
    return UserPage(items=[user_out(p) for p in found.items], next_cursor=found.next_cursor)


@app.post(
    "/v1/users",
    **operation(
        "inviteUser",
        PEOPLE,
        "Invite a person (Cognito e-mails the invitation, or a temporary password is set)",
        UserExists,
        InvalidPassword,
        InvalidEmail,
        DirectoryUnavailable,
        role="owner",
        status=201,
        headers=(IDEMPOTENCY_KEY,),
    ),
)
def invite_user(request: UserCreate) -> Response[UserOut]:
    person = people.invite(
        _partner_id(),
        request.email,
        request.role,
        request.temporary_password,
        idempotency_key(app),
        clock.now(),
    )
    return Response(status_code=201, content_type="application/json", body=user_out(person))


@app.patch(
    "/v1/users/<user_id>",
    **operation(
        "updateUser",
        PEOPLE,
        "Change a person's role or status (active, suspended)",
        UserNotFound,
        LastOwner,
        UserBeingRemoved,
        VersionConflict,
        role="owner",
    ),
)
def update_user(user_id: str, changes: UserUpdate) -> UserOut:
    wanted = changes.model_dump(exclude_unset=True)
    return user_out(people.change(_partner_id(), user_id, wanted, clock.now()))


@app.delete(
    "/v1/users/<user_id>",
    **operation(
        "removeUser",
        PEOPLE,
        "Remove a person (access ends at once; repeat to finish an interrupted removal)",
        UserNotFound,
        LastOwner,
        VersionConflict,
        DirectoryUnavailable,
        role="owner",
        status=204,
    ),
)
def remove_user(user_id: str) -> Response[None]:
    people.remove(_partner_id(), user_id, clock.now())
    return Response(status_code=204)


@app.get(
    "/v1/me",
    **operation(
        "getMe", PEOPLE, "Who is calling: the person or key, the partner, the role", role="read_only"
    ),
)
def get_me() -> MeOut:
    caller = principal(app)
    partner = partners.get(caller.require_partner())
    found = people.me(caller.user_id, caller.api_key_id, partner.distributor_id)
    return me_out(partner, caller.partner_role or "", found.person, found.key, found.distributor)


@app.get(
    "/v1/api-keys",
    **operation(
        "listApiKeys", PEOPLE, "The partner's API keys (never their secrets)", InvalidCursor, role="owner"
    ),
)
def list_api_keys(limit: PageSize = 25, cursor: Cursor = None) -> ApiKeyPage:
    found = api_keys.of_partner(_partner_id(), limit=limit, cursor=cursor)
    return ApiKeyPage(items=[api_key_out(k) for k in found.items], next_cursor=found.next_cursor)


@app.post(
    "/v1/api-keys",
    **operation(
        "createApiKey",
        PEOPLE,
        "Issue an API key with a role (the secret is shown once)",
        role="owner",
        status=201,
    ),
)
def create_api_key(request: PartnerApiKeyCreate) -> Response[ApiKeyCreated]:
    item, token = api_keys.issue_api_key(_partner_id(), request.name, clock.now(), request.role)
    return Response(status_code=201, content_type="application/json", body=api_key_created(item, token))


@app.delete(
    "/v1/api-keys/<key_id>",
    **operation(
        "deleteApiKey",
        PEOPLE,
        "Revoke one of the partner's API keys",
        ApiKeyNotFound,
        role="owner",
        status=204,
    ),
)
def revoke_api_key(key_id: str) -> Response[None]:
    api_keys.revoke_own(_partner_id(), key_id, clock.now())
    return Response(status_code=204)


lambda_handler = api_handler(app)
