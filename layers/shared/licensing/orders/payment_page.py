"""The payment provider's checkout page for an order awaiting payment: PAYMENT_CHECKOUT_URL, a URL template
such as `https://pay.example.com/checkout?reference={reference}&amount={amount}&currency={currency}`.

The placeholders are the order's reference (its id), the amount in minor units and the currency, each
URL-encoded. The template parameter `PaymentCheckoutUrl` refuses a malformed template at deploy time with
the same pattern (`TEMPLATE_PATTERN`; tests/unit/test_payment_page.py keeps the two equal). A malformed
value that gets past it (set by hand) is a configuration error logged once per container, and the orders
are answered without a link: the order is still placed and paid through the provider, so answering it
with a 500 would only hide the order from the partner.
"""

from __future__ import annotations

import os
import re
from functools import cache
from urllib.parse import quote

from licensing.core.money import Money

ENV = "PAYMENT_CHECKOUT_URL"
PLACEHOLDERS = ("reference", "amount", "currency")
# An https URL without spaces whose only braces are the placeholders'; empty means no payment page.
TEMPLATE_PATTERN = r"^$|^https://[^\s{}]+(\{(reference|amount|currency)\}[^\s{}]*)*$"
_TEMPLATE = re.compile(TEMPLATE_PATTERN)
_PLACEHOLDER = re.compile(r"\{(reference|amount|currency)\}")


class InvalidCheckoutUrl(ValueError):
    """PAYMENT_CHECKOUT_URL is not an https URL template with only the known placeholders."""


def parse(template: str) -> str | None:
    """The template checked (None when empty); InvalidCheckoutUrl when it is malformed."""
    template = template.strip()
    if not _TEMPLATE.fullmatch(template):
        raise InvalidCheckoutUrl(
            f"{ENV} must be an https URL whose only placeholders are "
            + ", ".join("{" + name + "}" for name in PLACEHOLDERS)
        )
    return template or None


def fill(template: str, reference: str, amount: Money) -> str:
    """The template with the order's values, each URL-encoded (a reference with `&` stays one value)."""
    values = {"reference": reference, "amount": str(amount.amount), "currency": amount.currency}
    return _PLACEHOLDER.sub(lambda match: quote(values[match.group(1)], safe=""), template)


def configured() -> str | None:
    """The configured template, checked once per value (the environment is read on each call, so a test
    may change it); None when unset or malformed (then logged once, as an error)."""
    return _checked(os.environ.get(ENV, ""))


@cache
def _checked(value: str) -> str | None:
    try:
        return parse(value)
    except InvalidCheckoutUrl as error:
        from licensing.infra.observability import logger

        logger.error(
            "payment checkout URL misconfigured; orders are answered without one", extra={"error": str(error)}
        )
        return None


def checkout_url(reference: str, amount: Money) -> str | None:
    """The payment page of an order awaiting payment, or None when no (valid) page is configured."""
    template = configured()
    return fill(template, reference, amount) if template else None


configured()  # checked when the function loads: a malformed value is logged at cold start
