"""Vendor operators: partners and their API keys; distributors (distributors.py); offers and
discount approvals (offers.py); a partner's first owner and its people (people.py)."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from licensing.access import api_keys
from licensing.access.api import ApiKeyCreated, PartnerApiKeyCreate, api_key_created
from licensing.access.errors import ApiKeyNotFound
from licensing.core import clock
from licensing.core.errors import VersionConflict
from licensing.http.contract import PARTNERS, operation
from licensing.http.resolver import api_handler, create_app, principal
from licensing.partners import service as partners
from licensing.partners.api import PartnerCreate, PartnerOut, PartnerUpdate, partner_out
from licensing.partners.errors import PartnerNotFound, UnknownDistributor

if __package__:  # imported as functions.admin.app (the tests, the dev server, the OpenAPI generator)
    from functions.admin import distributors, offers, people
else:  # in Lambda the function's folder is the code root
    import distributors  # type: ignore[no-redef]
    import offers  # type: ignore[no-redef]
    import people  # type: ignore[no-redef]

app = create_app()


def admins_only(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[str]:
    principal(app).require_admin()
    return next_middleware(app)


app.use(middlewares=[admins_only])
app.include_router(distributors.router)  # the middleware above covers the routers' routes too
app.include_router(offers.router)
app.include_router(people.router)


@app.post(
    "/v1/admin/partners",
    **operation("createPartner", PARTNERS, "Create a partner", UnknownDistributor, status=201, role="admin"),
)
def create_partner(partner: PartnerCreate) -> Response[PartnerOut]:
    created = partners.create(partner.model_dump(), clock.now())
    return Response(status_code=201, content_type="application/json", body=partner_out(created))


@app.get(
    "/v1/admin/partners/<partner_id>",
    **operation("getPartner", PARTNERS, "One partner", PartnerNotFound, role="admin"),
)
def get_partner(partner_id: str) -> PartnerOut:
    return partner_out(partners.get(partner_id))


@app.patch(
    "/v1/admin/partners/<partner_id>",
    **operation(
        "updatePartner",
        PARTNERS,
        "Change a partner",
        PartnerNotFound,
        UnknownDistributor,
        VersionConflict,
        role="admin",
    ),
)
def update_partner(partner_id: str, changes: PartnerUpdate) -> PartnerOut:
    return partner_out(partners.update(partner_id, changes.model_dump(exclude_unset=True), clock.now()))


@app.post(
    "/v1/admin/partners/<partner_id>/api-keys",
    **operation(
        "createPartnerApiKey",
        PARTNERS,
        "Issue an API key (the secret is shown once)",
        PartnerNotFound,
        status=201,
        role="admin",
    ),
)
def create_api_key(partner_id: str, request: PartnerApiKeyCreate) -> Response[ApiKeyCreated]:
    item, token = api_keys.issue_api_key(partner_id, request.name, clock.now(), request.role)
    return Response(status_code=201, content_type="application/json", body=api_key_created(item, token))


@app.delete(
    "/v1/admin/api-keys/<key_id>",
    **operation("revokeApiKey", PARTNERS, "Revoke an API key", ApiKeyNotFound, status=204, role="admin"),
)
def revoke_api_key(key_id: str) -> Response[None]:
    api_keys.revoke(key_id, clock.now())
    return Response(status_code=204)


lambda_handler = api_handler(app)
