"""People bodies: what an owner (or the vendor's operator, for a partner's first owner) sends to invite and
change a person, how a person, a page of them and the caller (`GET /v1/me`) look; the partner's API keys
as an owner lists them (never their secrets)."""

from __future__ import annotations

from typing import Annotated, Literal, cast

from pydantic import AfterValidator, Field, StringConstraints

from licensing.access import api_keys
from licensing.access.roles import PartnerRole
from licensing.core.clock import iso
from licensing.http.models import Model, Request, unchanged
from licensing.partners.distributor_rules import Contact
from licensing.people.rules import normal_email
from licensing.store.table import ApiKeyItem, PartnerItem, UserItem

EMAIL_PATTERN = r"^\s*[^@\s]+@[^@\s]+\.[^@\s]+\s*$"
Email = Annotated[
    str,
    StringConstraints(max_length=254, pattern=EMAIL_PATTERN),
    AfterValidator(normal_email),
    Field(
        description="The person's e-mail and sign-in name, stored lower-case.", examples=["ann@acme.example"]
    ),
]
TemporaryPassword = Annotated[
    str,
    StringConstraints(min_length=12, max_length=256),
    Field(
        description="For scripted set-ups: no invitation is e-mailed and the person signs in with this "
        "password, then must choose a new one. Upper- and lower-case letters, a digit and a symbol, "
        "else 422 INVALID_PASSWORD."
    ),
]
UserStatus = Literal["active", "suspended", "removing"]


class UserCreate(Request):
    email: Email
    role: PartnerRole
    temporary_password: TemporaryPassword | None = None


class FirstOwnerCreate(Request):
    email: Email
    role: Literal["owner"] = "owner"
    temporary_password: TemporaryPassword | None = None


class UserUpdate(Request):
    role: PartnerRole = unchanged()
    status: Literal["active", "suspended"] = unchanged()


class UserOut(Model):
    id: str = Field(description="The person's id (the user pool's `sub`).")
    email: str
    role: PartnerRole
    status: UserStatus = Field(description="`removing`: being removed, no access any more.")
    created_at: str
    updated_at: str


class UserPage(Model):
    items: list[UserOut]
    next_cursor: str | None


def user_out(person: UserItem) -> UserOut:
    return UserOut(
        id=person.user_id,
        email=person.email,
        role=person.role,  # type: ignore[arg-type]
        status=person.status,  # type: ignore[arg-type]
        created_at=iso(person.created_at),
        updated_at=iso(person.updated_at),
    )


class Caller(Model):
    type: Literal["user", "api_key"]
    role: PartnerRole
    id: str | None = Field(None, description="A person's id.")
    email: str | None = None
    status: UserStatus | None = None
    key_id: str | None = Field(None, description="An API key's id.")
    name: str | None = Field(None, description="An API key's name.")


class DistributorContactOut(Model):
    id: str
    name: str
    email: str
    support_url: str | None


class PartnerRef(Model):
    id: str
    name: str
    currency: str | None = None
    billing: Literal["prepaid", "monthly"] | None = None  # monthly: the partner may also buy the monthly plan
    distributor_id: str | None = None  # set: the partner buys through this distributor, never directly
    distributor: DistributorContactOut | None = None  # who that distributor is and how to reach it


class MeOut(Model):
    caller: Caller
    partner: PartnerRef
    role: PartnerRole


def me_out(
    partner: PartnerItem,
    role: str,
    person: UserItem | None,
    key: ApiKeyItem | None,
    distributor: Contact | None = None,
) -> MeOut:
    if person is not None:
        caller = Caller(
            type="user",
            role=cast(PartnerRole, person.role),
            id=person.user_id,
            email=person.email,
            status=person.status,  # type: ignore[arg-type]
        )
    else:
        caller = Caller(
            type="api_key",
            role=role,  # type: ignore[arg-type]
            key_id=key.key_id if key else None,
            name=key.name if key else None,
        )
    return MeOut(
        caller=caller,
        partner=PartnerRef(
            id=partner.id,
            name=partner.name,
            currency=partner.currency,
            billing=partner.billing,  # type: ignore[arg-type]
            distributor_id=partner.distributor_id,
            distributor=None if distributor is None else DistributorContactOut(**distributor._asdict()),
        ),
        role=cast(PartnerRole, role),
    )


class ApiKeyOut(Model):
    key_id: str
    name: str | None
    role: PartnerRole
    created_at: str
    revoked: bool
    revoked_at: str | None


class ApiKeyPage(Model):
    items: list[ApiKeyOut]
    next_cursor: str | None


def api_key_out(item: ApiKeyItem) -> ApiKeyOut:
    return ApiKeyOut(
        key_id=item.key_id,
        name=item.name,
        role=api_keys.key_role(item),
        created_at=iso(item.created_at),
        revoked=item.revoked_at is not None,
        revoked_at=iso(item.revoked_at) if item.revoked_at else None,
    )
