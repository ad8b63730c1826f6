"""The product catalog: a versioned data file shipped in the layer, validated once at load."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from licensing.catalog.errors import InvalidDevices, InvalidTerm, UnknownProduct, UnsupportedCurrency

CATALOG_FILE = Path(__file__).with_name("catalog.json")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)


class DeviceRange(_Frozen):
    min: int = Field(ge=1)
    max: int = Field(ge=1)


class Product(_Frozen):
    id: str
    name: str
    devices: DeviceRange
    terms_years: tuple[int, ...]
    price_per_device_year: dict[str, int]
    monthly_price_per_device: dict[str, int]
    upgrades_to: tuple[str, ...] = ()

    def check_devices(self, devices: int) -> None:
        if not self.devices.min <= devices <= self.devices.max:
            raise InvalidDevices(
                f"{self.id} licenses cover {self.devices.min} to {self.devices.max} devices, not {devices}."
            )

    def check_years(self, years: int) -> None:
        if years not in self.terms_years:
            allowed = ", ".join(str(y) for y in self.terms_years)
            raise InvalidTerm(f"{self.id} is sold for {allowed} years, not {years}.")

    def list_price_per_device_year(self, currency: str) -> int:
        try:
            return self.price_per_device_year[currency]
        except KeyError:
            raise UnsupportedCurrency(f"{self.id} has no price in {currency}.") from None

    def monthly_price(self, currency: str) -> int:
        """The monthly price per device (what a device-day is billed from)."""
        try:
            return self.monthly_price_per_device[currency]
        except KeyError:
            raise UnsupportedCurrency(f"{self.id} has no monthly price in {currency}.") from None


class VolumeTier(_Frozen):
    min_licenses: int = Field(ge=2)
    percent: Decimal = Field(ge=0, lt=100)


class Catalog(_Frozen):
    version: str
    currencies: tuple[str, ...]
    products: dict[str, Product]
    volume_tiers: tuple[VolumeTier, ...]

    @model_validator(mode="after")
    def _consistent(self) -> "Catalog":
        """Refuse a catalog file that could price nonsense, at load rather than at checkout."""
        currencies = set(self.currencies)
        for product in self.products.values():
            problems = [
                product.devices.min > product.devices.max and "devices.min exceeds devices.max",
                (not product.terms_years or min(product.terms_years) < 1) and "terms_years must be >= 1",
                set(product.price_per_device_year) != currencies and "price_per_device_year currencies",
                set(product.monthly_price_per_device) != currencies and "monthly_price_per_device currencies",
                any(p <= 0 for p in product.price_per_device_year.values()) and "prices must be positive",
                any(p <= 0 for p in product.monthly_price_per_device.values()) and "prices must be positive",
                any(t not in self.products for t in product.upgrades_to) and "unknown upgrades_to",
            ]
            if found := [p for p in problems if p]:
                raise ValueError(f"product {product.id}: {'; '.join(found)}")
        thresholds = [tier.min_licenses for tier in self.volume_tiers]
        if thresholds != sorted(set(thresholds)):
            raise ValueError("volume_tiers must have increasing min_licenses")
        return self

    def product(self, product_id: str) -> Product:
        try:
            return self.products[product_id]
        except KeyError:
            known = ", ".join(sorted(self.products))
            raise UnknownProduct(f"Unknown product '{product_id}'; the catalog has {known}.") from None

    def volume_percent(self, licenses: int) -> Decimal:
        """The largest tier whose threshold the order reaches, or zero."""
        reached = [tier.percent for tier in self.volume_tiers if licenses >= tier.min_licenses]
        return max(reached, default=Decimal(0))


@cache
def load_catalog(path: Path = CATALOG_FILE) -> Catalog:
    raw = json.loads(path.read_text(encoding="utf-8"))
    raw["products"] = {pid: {"id": pid, **spec} for pid, spec in raw["products"].items()}
    return Catalog.model_validate(raw)
