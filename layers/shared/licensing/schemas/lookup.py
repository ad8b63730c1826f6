"""The client software's lookup bodies."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, StringConstraints

from licensing.schemas.common import Identifier, Request


class LookupRequest(Request):
    license_key: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    workspace_id: Identifier


class EntitlementOut(BaseModel):
    """What the client software may see: no partner, note or customer data."""

    key: str
    product: str
    devices: int
    term_months: int
    status: str
    activated_at: str | None
    expires_at: str | None
    workspace_id: str | None


class LookupOut(BaseModel):
    valid: bool
    code: Literal["VALID", "EXPIRED", "LAPSED", "REVOKED", "REDEEMED", "WORKSPACE_MISMATCH"]
    license: EntitlementOut
