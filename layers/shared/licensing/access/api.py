"""API key bodies: what an operator sends to issue a key, and the key as shown once."""

from typing import Annotated

from pydantic import Field

from licensing.access import api_keys
from licensing.access.roles import DEFAULT_KEY_ROLE, PartnerRole
from licensing.core.clock import iso
from licensing.http.models import Model, Request, Text
from licensing.store.table import ApiKeyItem


class ApiKeyCreate(Request):
    name: Annotated[str, Text(100)] | None = None


class PartnerApiKeyCreate(ApiKeyCreate):
    role: PartnerRole = Field(
        DEFAULT_KEY_ROLE,
        description="What the key may do (see `x-required-role`); owner keys manage people and keys.",
    )


class ApiKeyCreated(Model):
    key_id: str
    partner_id: str | None
    distributor_id: str | None = None
    name: str | None
    role: PartnerRole | None = Field(None, description="A partner key's role; None for a distributor's key.")
    api_key: str = Field(description="Shown once; only a hash is stored.")
    created_at: str


def api_key_created(item: ApiKeyItem, token: str) -> ApiKeyCreated:
    return ApiKeyCreated(
        key_id=item.key_id,
        partner_id=item.partner_id,
        distributor_id=item.distributor_id,
        name=item.name,
        role=api_keys.key_role(item) if item.partner_id else None,
        api_key=token,
        created_at=iso(item.created_at),
    )
