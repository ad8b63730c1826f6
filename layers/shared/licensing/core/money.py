"""Money as integer minor units plus an ISO 4217 currency; never a float.

The one Money type of the project: the domain computes with it, and the API's and the events' pydantic
models use it as a field type as it is (pydantic validates and documents stdlib dataclasses).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

HUNDRED = Decimal(100)
CURRENCY_PATTERN = "^[A-Z]{3}$"


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units and its ISO 4217 currency."""

    amount: int
    currency: str

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise ValueError("amount: an integer number of minor units")
        if not (
            len(self.currency) == 3
            and self.currency.isascii()
            and self.currency.isalpha()
            and self.currency.isupper()
        ):
            raise ValueError("currency: an ISO 4217 code such as EUR")

    def __mul__(self, factor: int) -> Money:
        return Money(self.amount * factor, self.currency)

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: Any, handler: Any) -> dict[str, Any]:
        """Document the currency's form too, where pydantic describes Money (OpenAPI, docs/events.md)."""
        schema: dict[str, Any] = handler.resolve_ref_schema(handler(core_schema))
        schema["properties"]["currency"]["pattern"] = CURRENCY_PATTERN
        return schema


def apply_discounts(amount: int, percents: list[Decimal]) -> int:
    """Apply each percentage in turn with exact decimals and round once, half-even, to minor units."""
    value = Decimal(amount)
    for percent in percents:
        value *= (HUNDRED - percent) / HUNDRED
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
