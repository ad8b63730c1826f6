"""License bodies (the partner's view, and the client software's lookup as documented for OpenAPI), the
list's query parameters, and how a license and its history look through the API."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, StringConstraints

from licensing.core.clock import iso
from licensing.core.errors import Conflict
from licensing.http.contract import LOOKUP, operation
from licensing.http.models import Identifier, Integer, Model, Request, Text, unchanged
from licensing.licenses.errors import InvalidLicenseKey, LicenseNotFound
from licensing.licenses.keys import KEY_INPUT_PATTERN
from licensing.licenses.lifecycle import status_of

if TYPE_CHECKING:
    from licensing.licenses.management import History
    from licensing.store.table import LicenseItem


# A key as a person may type it: the pattern is documented, not enforced here, so that a key of the wrong
# form is refused by `licensing.licenses.keys.normalize_key` as INVALID_LICENSE_KEY, as ever.
LicenseKeyInput = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    Field(json_schema_extra={"pattern": KEY_INPUT_PATTERN}),
]


class LicenseOut(Model):
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
    plan: Literal["annual", "monthly"] = "annual"
    suspended_at: str | None = None  # a monthly license: since when it is suspended
    cancelled_at: str | None = None  # a monthly license: when it was cancelled
    ends_at: str | None = None  # a cancelled monthly license: the end of that UTC day


class LicenseEdit(Request):
    """Only the fields present change; `null` clears a note or a customer reference. `devices` changes
    a monthly license's device count (within the catalog's limits), counted from that moment."""

    note: Annotated[str, Text(1000)] | None = None
    customer_ref: Annotated[str, Text(200)] | None = None
    devices: Annotated[
        int, Integer(ge=1, le=100_000), Field(description="monthly licenses only (no null)")
    ] = unchanged()


class AssignRequest(Request):
    workspace_id: Identifier


class ClaimRequest(Request):
    key: LicenseKeyInput


class ActorOut(Model):
    """Who made the change: a partner's person (`user`, by Cognito `sub`, with the e-mail it had), an API
    key (`api_key`, by key id), the vendor's operators (`admin`) or the system (`system`: `order:<id>`
    for keys an order issued, `client:<workspace>` for the client software's first use,
    `payment-provider`, `vendor`). Entries written before people existed name the partner's key as
    `api_key` with id `partner:<partner_id>`."""

    type: Literal["user", "api_key", "admin", "system"]
    id: str
    email: str | None = None


class HistoryEntryOut(Model):
    at: str
    actor: ActorOut
    action: str
    changes: dict[str, dict[str, Any]]


class HistoryPage(Model):
    items: list[HistoryEntryOut]
    next_cursor: str | None


class GroupOut(Model):
    value: str | int
    count: int


class LicenseListOut(Model):
    items: list[LicenseOut]
    next_cursor: str | None
    groups: list[GroupOut] | None = None


class LookupRequest(Request):
    license_key: LicenseKeyInput
    workspace_id: Identifier


class EntitlementOut(Model):
    """What the client software may see: no partner, note or customer data."""

    key: str
    product: str
    devices: int
    term_months: int
    status: str
    activated_at: str | None
    expires_at: str | None
    workspace_id: str | None


class LookupOut(Model):
    valid: bool
    code: Literal[
        "VALID", "EXPIRED", "LAPSED", "REVOKED", "REDEEMED", "SUSPENDED", "CANCELLED", "WORKSPACE_MISMATCH"
    ]
    license: EntitlementOut


def license_out(license: "LicenseItem", now: datetime) -> LicenseOut:
    def when(moment: datetime | None) -> str | None:
        return iso(moment) if moment else None

    return LicenseOut(
        key=license.key,
        product=license.product,
        devices=int(license.devices),
        term_months=int(license.term_months),
        status=status_of(license, now).value,
        partner_id=license.partner_id,
        order_id=license.order_id,
        purchased_at=iso(license.purchased_at),
        activation_deadline=iso(license.activation_deadline),
        activated_at=when(license.activated_at),
        expires_at=when(license.expires_at),
        workspace_id=license.workspace_id,
        customer_ref=license.customer_ref,
        note=license.note,
        renewed_at=when(license.renewed_at),
        redeemed_for=license.redeemed_for,
        plan="monthly" if license.plan == "monthly" else "annual",
        suspended_at=when(license.suspended_at),
        cancelled_at=when(license.cancelled_at),
        ends_at=when(license.ends_at),
        version=int(license.version or 0),
    )


def history_out(history: "History") -> HistoryPage:
    items = [
        HistoryEntryOut(
            at=iso(entry.at),
            actor=ActorOut(type=entry.actor.type, id=entry.actor.id, email=entry.actor.email),
            action=entry.action,
            changes=entry.changes,
        )
        for entry in history.entries
    ]
    return HistoryPage(items=items, next_cursor=history.next_cursor)


# The lookup function has no resolver (its cold start): its OpenAPI declaration is kept here, with its models.
LOOKUP_OPERATION = operation(
    "lookupLicense",
    LOOKUP,
    "What a license key entitles the client software to",
    InvalidLicenseKey,
    LicenseNotFound,
    Conflict,
    role="public",
)
