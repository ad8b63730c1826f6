"""The catalog's and quotes' request and response bodies, and how a catalog and a quote look through
the API."""

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from licensing.catalog.catalog import Catalog
from licensing.catalog.pricing import Quote, partner_price_per_device_year
from licensing.core.errors import ValidationFailed
from licensing.core.money import Money
from licensing.http.models import Identifier, Integer, Model, Request

Plan = Literal["annual", "monthly"]


class QuoteRequest(Request):
    """`product` and `devices` are required, unless `offer_id` names an offer, which has them (and years)."""

    # For the OpenAPI document, the rules of `_configuration_or_offer` and of the plans
    # (licensing.orders.plans.check_plan): a non-null offer_id; else product and devices, and years unless
    # the plan is monthly. (if/else, not anyOf: a client generator makes an anyOf a union of models.)
    model_config = ConfigDict(
        json_schema_extra={
            "if": {"required": ["offer_id"], "properties": {"offer_id": {"type": "string"}}},
            "else": {
                "required": ["product", "devices"],
                "properties": {"product": {"type": "string"}, "devices": {"type": "integer"}},
                "if": {"required": ["plan"], "properties": {"plan": {"const": "monthly"}}},
                "else": {"required": ["years"], "properties": {"years": {"type": "integer"}}},
            },
        }
    )

    product: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = None
    devices: Annotated[int, Integer(ge=1)] | None = None
    years: Annotated[
        Annotated[int, Integer(ge=1)] | None, Field(description="annual plan only: the term in years")
    ] = None
    licenses: Annotated[int, Integer(ge=1, le=5000)] = 1
    plan: Annotated[
        Plan, Field(description="annual: paid up front for `years`; monthly: billed each month for use")
    ] = "annual"
    # ---- offers (licensing.offers.purchase): product, devices, years and licenses then come from the offer
    offer_id: Annotated[
        Identifier | None, Field(description="buy through this offer (an annual purchase)")
    ] = None

    @model_validator(mode="after")
    def _configuration_or_offer(self) -> "QuoteRequest":
        missing = [name for name in ("product", "devices") if getattr(self, name) is None]
        if self.offer_id is None and missing:
            raise ValueError(f"{', '.join(missing)}: required unless offer_id is given")
        return self

    def configuration(self) -> tuple[str, int]:
        """Product and devices of a request without an offer (the validator requires them)."""
        if self.product is None or self.devices is None:
            raise ValidationFailed("product and devices are required unless offer_id is given.")
        return self.product, self.devices


class DiscountOut(Model):
    kind: Literal["partner", "volume", "offer", "distributor"]
    percent: float


class QuoteOut(Model):
    catalog_version: str
    plan: Plan = "annual"
    product: str
    devices: int
    years: int | None  # None on a monthly plan, whose prices are per month
    licenses: int
    currency: str
    list_price_per_license: Money
    price_per_license: Money
    total: Money
    discounts: list[DiscountOut]


class ProductOut(Model):
    id: str
    name: str
    devices: dict[str, int]
    terms_years: list[int]
    upgrades_to: list[str]
    list_price_per_device_year: Money
    price_per_device_year: Money
    monthly_price_per_device: Money


class VolumeTierOut(Model):
    min_licenses: int
    percent: float


class CatalogOut(Model):
    version: str
    currency: str
    partner_discount_percent: float
    products: list[ProductOut]
    volume_tiers: list[VolumeTierOut]


def catalog_out(catalog: Catalog, *, currency: str, partner_discount: Decimal) -> CatalogOut:
    """The catalog as a partner sees it: its currency, list prices and its own prices."""
    products = []
    for product in catalog.products.values():
        list_price = product.list_price_per_device_year(currency)
        products.append(
            ProductOut(
                id=product.id,
                name=product.name,
                devices={"min": product.devices.min, "max": product.devices.max},
                terms_years=list(product.terms_years),
                upgrades_to=list(product.upgrades_to),
                list_price_per_device_year=Money(list_price, currency),
                price_per_device_year=Money(
                    partner_price_per_device_year(list_price, partner_discount), currency
                ),
                monthly_price_per_device=Money(product.monthly_price_per_device[currency], currency),
            )
        )
    return CatalogOut(
        version=catalog.version,
        currency=currency,
        partner_discount_percent=float(partner_discount),
        products=products,
        volume_tiers=[
            VolumeTierOut(min_licenses=t.min_licenses, percent=float(t.percent)) for t in catalog.volume_tiers
        ],
    )


def discounts_out(discounts: list[dict[str, Any]]) -> list[DiscountOut]:
    """Discounts as an order stores them (`{"kind", "percent"}`, the percent as a decimal string)."""
    return [DiscountOut(kind=d["kind"], percent=float(Decimal(d["percent"]))) for d in discounts]


def quote_out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        catalog_version=quote.catalog_version,
        plan=quote.plan,
        product=quote.product,
        devices=quote.devices,
        years=quote.years,
        licenses=quote.licenses,
        currency=quote.currency,
        list_price_per_license=quote.list_price_per_license,
        price_per_license=quote.price_per_license,
        total=quote.total,
        discounts=[DiscountOut(kind=d.kind, percent=float(d.percent)) for d in quote.discounts],
    )
