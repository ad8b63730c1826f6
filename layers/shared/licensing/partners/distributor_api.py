"""Distributor bodies (admin create and change, the list's query) and how a distributor and its partners
look through the API."""

from decimal import Decimal
from typing import Annotated

from pydantic import Field, StringConstraints

from licensing.core.clock import iso
from licensing.http.models import HTTPS_URL_PATTERN, Model, Request, unchanged
from licensing.partners.api import Email, Name, Percent
from licensing.store.table import DistributorItem, PartnerItem

HttpsUrl = Annotated[
    str,
    StringConstraints(max_length=500, pattern=HTTPS_URL_PATTERN),
    Field(description="an https:// address, e.g. https://support.example.com/partners"),
]


class DistributorCreate(Request):
    name: Name
    email: Email
    support_url: HttpsUrl | None = None
    discount_percent: Percent = Field(
        default=Decimal(0), description="what orders it places for its partners are priced at"
    )


class DistributorUpdate(Request):
    """Only the fields present change; `support_url: null` removes it."""

    name: Name = unchanged()
    email: Email = unchanged()
    support_url: HttpsUrl | None = None
    discount_percent: Percent = unchanged()


class DistributorOut(Model):
    id: str
    name: str
    email: str
    support_url: str | None
    discount_percent: float
    created_at: str
    updated_at: str
    version: int


class DistributorPage(Model):
    items: list[DistributorOut]
    next_cursor: str | None


class DistributorPartnerOut(Model):
    id: str
    name: str
    currency: str


class DistributorPartnerPage(Model):
    items: list[DistributorPartnerOut]
    next_cursor: str | None


def distributor_out(distributor: DistributorItem) -> DistributorOut:
    return DistributorOut(
        id=distributor.id,
        name=distributor.name,
        email=distributor.email,
        support_url=distributor.support_url,
        discount_percent=float(distributor.discount_percent),
        created_at=iso(distributor.created_at),
        updated_at=iso(distributor.updated_at),
        version=int(distributor.version or 0),
    )


def distributor_partner_out(partner: PartnerItem) -> DistributorPartnerOut:
    return DistributorPartnerOut(id=partner.id, name=partner.name, currency=partner.currency)
