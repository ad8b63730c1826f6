"""PAYMENT_CHECKOUT_URL's rules (licensing.orders.payment_page): which templates are accepted, and the same
pattern as the template parameter's, so CloudFormation refuses at deploy what the functions would."""

from __future__ import annotations

import re

import pytest

from devtools.gateway import load_template
from licensing.core.money import Money
from licensing.orders import payment_page

GOOD = [
    "",
    "https://pay.example.com/checkout?reference={reference}&amount={amount}&currency={currency}",
    "https://pay.example.com/{reference}",
    "https://pay.example.com/checkout",  # no placeholder: the same page for every order
    "https://pay.example.com/c?r={reference}&r2={reference}",
]
BAD = [
    "https://pay.example.com/checkout?ref={order}",  # an unknown placeholder
    "https://pay.example.com/checkout?amount={amount:>10}",  # a format spec
    "https://pay.example.com/checkout?amount={amount",  # an unclosed brace
    "https://pay.example.com/checkout?amount={}",
    "http://pay.example.com/checkout?reference={reference}",  # not https
    "pay.example.com/checkout?reference={reference}",
    "https://pay.example.com/check out",
    "https://",
]


@pytest.mark.parametrize("template", GOOD)
def test_good_templates_are_accepted(template: str) -> None:
    assert payment_page.parse(template) == (template or None)


@pytest.mark.parametrize("template", BAD)
def test_malformed_templates_are_refused(template: str) -> None:
    with pytest.raises(payment_page.InvalidCheckoutUrl):
        payment_page.parse(template)


def test_the_template_parameter_refuses_the_same_templates() -> None:
    parameter = load_template()["Parameters"]["PaymentCheckoutUrl"]
    assert parameter["Default"] == ""
    assert parameter["AllowedPattern"] == payment_page.TEMPLATE_PATTERN
    pattern = re.compile(parameter["AllowedPattern"])
    assert all(pattern.fullmatch(t) for t in GOOD)
    assert not any(pattern.fullmatch(t) for t in BAD)


def test_the_functions_that_answer_orders_get_the_setting() -> None:
    resources = load_template()["Resources"]
    for name in ("CheckoutFunction", "RenewalFunction"):
        variables = resources[name]["Properties"]["Environment"]["Variables"]
        assert variables[payment_page.ENV] == "PaymentCheckoutUrl", name  # !Ref PaymentCheckoutUrl


def test_fill_encodes_each_value() -> None:
    template = "https://pay.example.com/{currency}?r={reference}&a={amount}"
    assert (
        payment_page.fill(template, "a b+c", Money(-5, "USD"))
        == "https://pay.example.com/USD?r=a%20b%2Bc&a=-5"
    )


def test_a_malformed_setting_gives_no_link(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(payment_page.ENV, "https://pay.example.com/?x={nope}")
    assert payment_page.checkout_url("ord_1", Money(100, "EUR")) is None
    monkeypatch.setenv(payment_page.ENV, " https://pay.example.com/?x={reference} ")
    assert payment_page.checkout_url("ord_1", Money(100, "EUR")) == "https://pay.example.com/?x=ord_1"
