"""Vendor operators: partners and their API keys."""

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from licensing import auth, clock, partners, views
from licensing.clock import iso
from licensing.http.resolver import api_handler, create_app, principal
from licensing.repositories import api_keys as api_key_repo
from licensing.repositories import partners as partner_repo
from licensing.schemas.partners import ApiKeyCreate, ApiKeyCreated, PartnerCreate, PartnerOut, PartnerUpdate

app = create_app()


def admins_only(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[str]:
    principal(app).require_admin()
    return next_middleware(app)


app.use(middlewares=[admins_only])


@app.post("/v1/admin/partners")
def create_partner(partner: PartnerCreate) -> Response[PartnerOut]:
    created = partners.create(partner, clock.now())
    return Response(status_code=201, content_type="application/json", body=views.partner_out(created))


@app.get("/v1/admin/partners/<partner_id>")
def get_partner(partner_id: str) -> PartnerOut:
    return views.partner_out(partner_repo.get(partner_id))


@app.patch("/v1/admin/partners/<partner_id>")
def update_partner(partner_id: str, changes: PartnerUpdate) -> PartnerOut:
    return views.partner_out(partners.update(partner_id, changes, clock.now()))


@app.post("/v1/admin/partners/<partner_id>/api-keys")
def create_api_key(partner_id: str, request: ApiKeyCreate) -> Response[ApiKeyCreated]:
    item, token = auth.issue_api_key(partner_id, request.name, clock.now())
    created = ApiKeyCreated(
        key_id=item.key_id,
        partner_id=partner_id,
        name=item.name,
        api_key=token,
        created_at=iso(item.created_at),
    )
    return Response(status_code=201, content_type="application/json", body=created)


@app.delete("/v1/admin/api-keys/<key_id>")
def revoke_api_key(key_id: str) -> Response[None]:
    api_key_repo.revoke(key_id, clock.now())
    return Response(status_code=204)


lambda_handler = api_handler(app)
