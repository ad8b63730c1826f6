"""API key bodies: what an operator sends to issue a key, and the key as shown once."""

from typing import Annotated

from pydantic import Field

from licensing.core.clock import iso
from licensing.http.models import Model, Request, Text
from licensing.store.table import ApiKeyItem


class ApiKeyCreate(Request):
    name: Annotated[str, Text(100)] | None = None


class ApiKeyCreated(Model):
    key_id: str
    partner_id: str | None
    distributor_id: str | None = None
    name: str | None
    api_key: str = Field(description="Shown once; only a hash is stored.")
    created_at: str


def api_key_created(item: ApiKeyItem, token: str) -> ApiKeyCreated:
    return ApiKeyCreated(
        key_id=item.key_id,
        partner_id=item.partner_id,
        distributor_id=item.distributor_id,
        name=item.name,
        api_key=token,
        created_at=iso(item.created_at),
    )
