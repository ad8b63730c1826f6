"""Partner and API key administration bodies."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from licensing.schemas.common import Identifier, Request, Text

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]
Email = Annotated[str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
Name = Annotated[Text, StringConstraints(min_length=1, max_length=200)]


class PartnerCreate(Request):
    name: Name
    email: Email
    currency: Literal["EUR", "USD"]
    discount_percent: Percent = Decimal(0)
    billing: Literal["prepaid", "monthly"] = "prepaid"
    distributor_id: Identifier | None = None


class PartnerUpdate(Request):
    """Only the fields present change; `distributor_id: null` removes the distributor."""

    name: Name | None = None
    email: Email | None = None
    discount_percent: Percent | None = None
    billing: Literal["prepaid", "monthly"] | None = None
    distributor_id: Identifier | None = None


class PartnerOut(BaseModel):
    id: str
    name: str
    email: str
    currency: str
    discount_percent: float
    billing: str
    distributor_id: str | None
    created_at: str
    updated_at: str
    version: int


class ApiKeyCreate(Request):
    name: Annotated[Text, StringConstraints(max_length=100)] | None = None


class ApiKeyCreated(BaseModel):
    key_id: str
    partner_id: str
    name: str | None
    api_key: str = Field(description="Shown once; only a hash is stored.")
    created_at: str
