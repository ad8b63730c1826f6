"""Events of a license's life: its activation, a claim, a renewal (by an order or a coupon) and the
coupon redeemed for it."""

from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator
from pydantic.json_schema import SkipJsonSchema

from licensing.contracts.base import (
    EventDetail,
    LicenseKey,
    OrderId,
    PartnerId,
    Product,
    Timestamp,
    WorkspaceId,
)


def _absent(schema: dict[str, Any]) -> None:
    """An optional field that is left out, never null: no `"default": null` in its schema."""
    schema.pop("default", None)


class LicenseActivated(EventDetail):
    """A coupon's term started: first lookup by the client software, or a partner's assignment."""

    published_by = ("license_lookup", "licenses")
    event_id_format = "license-activated:{license_key}"

    license_key: LicenseKey
    partner_id: Annotated[PartnerId | None, Field(description="Null for a key no partner owns")]
    order_id: Annotated[OrderId | None, Field(description="Null for a key the vendor issued without order")]
    workspace_id: WorkspaceId
    actor: Annotated[
        str,
        StringConstraints(pattern=r"^(client|partner):.+$"),
        Field(description="`client:<workspace_id>` or `partner:<partner_id>`"),
    ]
    activated_at: Timestamp
    expires_at: Annotated[
        Timestamp | SkipJsonSchema[None],
        Field(
            description="Absent for a monthly license, which runs month to month", json_schema_extra=_absent
        ),
    ] = None
    plan: Annotated[
        Literal["monthly"] | SkipJsonSchema[None],
        Field(
            description="`monthly` for a monthly plan's license; absent for an annual one",
            json_schema_extra=_absent,
        ),
    ] = None


class LicenseClaimed(EventDetail):
    """A partner added a key no partner owned yet to its account."""

    published_by = ("licenses",)
    event_id_format = "license-claimed:{license_key}"

    license_key: LicenseKey
    partner_id: PartnerId
    claimed_at: Timestamp


_RENEWAL_SOURCES = ("renewal_order_id", "coupon_key")


class LicenseRenewed(EventDetail):
    """A license's term was extended (its edition changed too, on a migration) by a renewal or a coupon."""

    model_config = ConfigDict(
        json_schema_extra={"oneOf": [{"required": [name]} for name in _RENEWAL_SOURCES]}
    )
    published_by = ("payment_webhook", "coupon_redemption")
    event_id_format = "license-renewed:{license_key}:{renewal_order_id or coupon_key}"

    license_key: LicenseKey
    partner_id: PartnerId
    workspace_id: WorkspaceId
    product: Annotated[Product, Field(description="The edition after the renewal")]
    previous_product: Annotated[Product, Field(description="The edition before it")]
    previous_expires_at: Timestamp
    expires_at: Timestamp
    renewal_order_id: Annotated[
        OrderId | SkipJsonSchema[None],
        Field(description="The renewal order that paid it (absent for a coupon)", json_schema_extra=_absent),
    ] = None
    coupon_key: Annotated[
        LicenseKey | SkipJsonSchema[None],
        Field(description="The coupon redeemed for it (absent for an order)", json_schema_extra=_absent),
    ] = None

    @model_validator(mode="before")
    @classmethod
    def _exactly_one_source(cls, data: Any) -> Any:
        if isinstance(data, dict):
            given = [name for name in _RENEWAL_SOURCES if data.get(name) is not None]
            if len(given) != 1 or any(name in data and data[name] is None for name in _RENEWAL_SOURCES):
                raise ValueError("exactly one of renewal_order_id and coupon_key is required")
        return data


class CouponRedeemed(EventDetail):
    """A partner's unused coupon was consumed to renew another license (see LicenseRenewed)."""

    published_by = ("coupon_redemption",)
    event_id_format = "coupon-redeemed:{coupon_key}"

    coupon_key: LicenseKey
    partner_id: PartnerId
    redeemed_for: Annotated[LicenseKey, Field(description="The license the coupon renewed")]
