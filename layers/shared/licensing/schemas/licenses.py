"""License management bodies (partner view)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, StringConstraints

from licensing.schemas.common import Identifier, Request, Text


class LicenseOut(BaseModel):
    key: str
    product: str
    devices: int
    term_months: int
    status: str
    partner_id: str | None
    order_id: str | None
    purchased_at: str
    activation_deadline: str
    activated_at: str | None
    expires_at: str | None
    workspace_id: str | None
    customer_ref: str | None
    note: str | None
    renewed_at: str | None = None
    redeemed_for: str | None = None  # a redeemed coupon: the license it renewed
    version: int


class LicenseEdit(Request):
    """Only the fields present change; `null` clears one."""

    note: Annotated[Text, StringConstraints(max_length=1000)] | None = None
    customer_ref: Annotated[Text, StringConstraints(max_length=200)] | None = None


class AssignRequest(Request):
    workspace_id: Identifier


class ClaimRequest(Request):
    key: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class HistoryEntryOut(BaseModel):
    at: str
    actor: str
    action: str
    changes: dict[str, dict[str, Any]]


class HistoryPage(BaseModel):
    items: list[HistoryEntryOut]
    next_cursor: str | None


class GroupOut(BaseModel):
    value: str | int
    count: int


class LicenseListOut(BaseModel):
    items: list[LicenseOut]
    next_cursor: str | None
    groups: list[GroupOut] | None = None
