"""Catalog and quote bodies."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints

from licensing.schemas.common import Count, DiscountOut, Money, Request


class QuoteRequest(Request):
    product: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    devices: Annotated[Count, Field(ge=1)]
    years: Annotated[Count, Field(ge=1)]
    licenses: Annotated[Count, Field(ge=1, le=5000)] = 1


class QuoteOut(BaseModel):
    catalog_version: str
    product: str
    devices: int
    years: int
    licenses: int
    currency: str
    list_price_per_license: Money
    price_per_license: Money
    total: Money
    discounts: list[DiscountOut]


class ProductOut(BaseModel):
    id: str
    name: str
    devices: dict[str, int]
    terms_years: list[int]
    upgrades_to: list[str]
    list_price_per_device_year: Money
    price_per_device_year: Money
    monthly_price_per_device: Money


class VolumeTierOut(BaseModel):
    min_licenses: int
    percent: float


class CatalogOut(BaseModel):
    version: str
    currency: str
    partner_discount_percent: float
    products: list[ProductOut]
    volume_tiers: list[VolumeTierOut]
