"""Money as integer minor units plus an ISO 4217 currency; never a float."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Money:
    amount: int
    currency: str

    def __mul__(self, factor: int) -> Money:
        return Money(self.amount * factor, self.currency)

    def as_json(self) -> dict[str, Any]:
        return {"amount": self.amount, "currency": self.currency}


def apply_discounts(amount: int, percents: list[Decimal]) -> int:
    """Apply each percentage in turn with exact decimals and round once, half-even, to minor units."""
    value = Decimal(amount)
    for percent in percents:
        value *= (HUNDRED - percent) / HUNDRED
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
