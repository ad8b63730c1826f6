"""API key bodies: what an operator sends to issue a key, and the key as shown once; where a person signs
in (`GET /v1/auth/config`). The table and the key rules are imported where used, so the public function
answering the sign-in configuration loads no AWS library."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated, Literal, get_args

from pydantic import Field

from licensing.access import tokens
from licensing.access.roles import DEFAULT_KEY_ROLE, PartnerRole
from licensing.core.clock import iso
from licensing.http.models import Model, Request, Text

if TYPE_CHECKING:
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
    from licensing.access import api_keys

    return ApiKeyCreated(
        key_id=item.key_id,
        partner_id=item.partner_id,
        distributor_id=item.distributor_id,
        name=item.name,
        role=api_keys.key_role(item) if item.partner_id else None,
        api_key=token,
        created_at=iso(item.created_at),
    )


SignInFlow = Literal["USER_SRP_AUTH", "USER_PASSWORD_AUTH"]
SIGN_IN_FLOWS: tuple[str, ...] = get_args(SignInFlow)
DEFAULT_SIGN_IN_FLOW = "USER_SRP_AUTH"


class AuthConfig(Model):
    """Where a partner's people sign in, for the portal and scripts (Cognito's InitiateAuth)."""

    region: str = Field(description="The user pool's region.", examples=["eu-west-1"])
    user_pool_id: str = Field(examples=["eu-west-1_AbCdEf123"])
    client_id: str = Field(description="The portal's app client (no secret).")
    endpoint: str = Field(
        description="Cognito's endpoint for InitiateAuth: the regional one in AWS, moto's URL locally.",
        examples=["https://cognito-idp.eu-west-1.amazonaws.com"],
    )
    sign_in_flow: SignInFlow = Field(
        description="The InitiateAuth flow to sign in with: SRP in AWS; the password flow locally, "
        "because moto's SRP does not check the password.",
        examples=[DEFAULT_SIGN_IN_FLOW],
    )


def auth_config() -> AuthConfig:
    """The configured pool (USER_POOL_ID, USER_POOL_CLIENT_ID) and sign-in flow (SIGN_IN_FLOW, by default
    USER_SRP_AUTH); a deployment without a pool, or with another flow, is a 500."""
    pool_id = os.environ.get("USER_POOL_ID", "")
    client_id = os.environ.get("USER_POOL_CLIENT_ID", "")
    region = tokens.region_of(pool_id)
    if region is None or not client_id:
        raise RuntimeError("USER_POOL_ID and USER_POOL_CLIENT_ID must name the people's user pool")
    flow = os.environ.get("SIGN_IN_FLOW") or DEFAULT_SIGN_IN_FLOW
    if flow not in SIGN_IN_FLOWS:
        raise RuntimeError(f"SIGN_IN_FLOW must be one of {', '.join(SIGN_IN_FLOWS)}")
    return AuthConfig(
        region=region,
        user_pool_id=pool_id,
        client_id=client_id,
        endpoint=tokens.endpoint(region),
        sign_in_flow=flow,  # type: ignore[arg-type]
    )
