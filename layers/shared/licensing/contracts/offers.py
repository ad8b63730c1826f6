"""Events of offers and discount requests: a partner asked for a discount, a partner manager created an
offer (directly or by approving a request), or rejected a request."""

from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from licensing.contracts.base import _SYMBOL, Devices, EventDetail, PartnerId, Product, Timestamp
from licensing.core.money import Money

OfferId = Annotated[str, StringConstraints(pattern=rf"^ofr_{_SYMBOL}{{26}}$"), Field(description="Offer id")]
DiscountRequestId = Annotated[
    str, StringConstraints(pattern=rf"^dsr_{_SYMBOL}{{26}}$"), Field(description="Discount request id")
]
Kind = Annotated[
    Literal["education", "nonprofit", "charity", "student", "teacher"],
    Field(description="The kind of discount asked for"),
]
CustomerName = Annotated[str, Field(description="The end customer the discount is for")]


class DiscountRequested(EventDetail):
    """A partner asked for an education, non-profit, charity, student or teacher discount."""

    published_by = ("checkout",)
    event_id_format = "discount-requested:{discount_request_id}"

    discount_request_id: DiscountRequestId
    partner_id: PartnerId
    customer_name: CustomerName
    kind: Kind


class OfferCreated(EventDetail):
    """A partner manager created an offer (a custom purchase link) for a partner, directly or by approval."""

    published_by = ("admin",)
    event_id_format = "offer-created:{offer_id}"

    offer_id: OfferId
    partner_id: PartnerId
    product: Product
    devices: Devices
    years: Annotated[int, Field(ge=1, description="Term in years")]
    licenses: Annotated[int, Field(ge=1, description="Number of license keys the offer buys")]
    reason: Annotated[
        Literal["education", "nonprofit", "charity", "student", "teacher", "custom"],
        Field(description="Why the offer was granted"),
    ]
    price_per_license: Money
    list_price_per_license: Money
    expires_at: Timestamp
    purchase_url: Annotated[str, Field(description="The portal's page for the offer, relative to its origin")]
    discount_request_id: DiscountRequestId | None = None


class DiscountRequestRejected(EventDetail):
    """A partner manager rejected a partner's discount request, with a reason."""

    published_by = ("admin",)
    event_id_format = "discount-request-rejected:{discount_request_id}"

    discount_request_id: DiscountRequestId
    partner_id: PartnerId
    customer_name: CustomerName
    kind: Kind
    reason: Annotated[str, Field(description="Why the request was rejected")]
