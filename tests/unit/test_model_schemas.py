"""The request models' building blocks accept exactly what the JSON Schemas they publish admit (the
patterns of docs/openapi.json), so a schema-valid body is never refused as malformed and an invalid one
never slips through."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from pydantic import StringConstraints, TypeAdapter, ValidationError

from licensing.catalog.api import QuoteRequest
from licensing.core.clock import MOMENT_PATTERN, iso, parse_moment
from licensing.core.errors import ValidationFailed
from licensing.http.models import CONTROL_RANGES, WHITE_SPACE, Count, Text, text_pattern
from licensing.offers.api import OfferPercent
from licensing.orders.errors import YearsNotAllowed
from licensing.orders.plans import check_plan
from licensing.partners.api import Percent


def _accepts(adapter: TypeAdapter[Any], value: Any) -> bool:
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


def test_text_drops_the_white_space_pydantics_strip_whitespace_dropped() -> None:
    """Text strips itself (so that its length counts as sent), and drops what pydantic-core's
    strip_whitespace dropped before (Unicode White_Space; str.strip() would drop U+001C..U+001F too)."""
    stripped = TypeAdapter(Annotated[str, StringConstraints(strip_whitespace=True)])
    points = (chr(p) for p in range(sys.maxunicode + 1) if not 0xD800 <= p <= 0xDFFF)
    assert {c for c in points if stripped.validate_python(f"a{c}") == "a"} == set(WHITE_SPACE)


CONTROLS = [chr(p) for low, high in CONTROL_RANGES for p in (low, (low + high) // 2, high)]
OTHERS = ["a", "é", "\u00a1", "\ufeff", "\u001c", "\U0001f600", "xyz"]
pieces = st.sampled_from([*WHITE_SPACE, *CONTROLS, *OTHERS])


@given(st.lists(pieces, max_size=8).map("".join), st.booleans())
@example("   ", True)
@example("", False)
@example(" a\u0085", True)
@example("a\u0085b", True)
def test_a_text_matches_its_pattern_exactly_when_the_model_takes_it(raw: str, required: bool) -> None:
    """(A lone surrogate, which JSON can escape, is no text pydantic takes, in any string field.)"""
    adapter = TypeAdapter(Annotated[str, Text(1000, required=required)])
    assert _accepts(adapter, raw) == bool(re.fullmatch(text_pattern(required=required), raw))


def test_a_text_is_cleaned_and_its_length_counts_as_sent() -> None:
    adapter = TypeAdapter(Annotated[str, Text(5, required=True)])
    assert adapter.validate_python("\u3000ab\n") == "ab"
    assert not _accepts(adapter, "  abcd")  # 6 characters sent, as maxLength counts them
    with pytest.raises(ValidationError, match="control characters are not allowed"):
        adapter.validate_python("a\u0007")


moments = st.datetimes(min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59, 59)).map(
    lambda d: iso(d.replace(tzinfo=UTC))
)
digits = st.text(alphabet="0123456789", min_size=2, max_size=2)
shaped = st.tuples(digits, digits, digits, digits, digits, digits, digits).map(
    lambda d: f"{d[0]}{d[1]}-{d[2]}-{d[3]}T{d[4]}:{d[5]}:{d[6]}Z"
)


@given(st.one_of(moments, shaped, moments.map(lambda m: m.replace("Z", "+00:00")), st.text(max_size=22)))
@example("2027-02-30T00:00:00Z")
@example("0000-00-00T00:00:00Z")
@example("2028-02-29T00:00:00Z")
@example("2100-02-29T00:00:00Z")
@example("2000-02-29T00:00:00Z")
@example("0400-02-29T00:00:00Z")
@example("2026-12-31T23:59:60Z")
@example("2026-12-31T23:59:59Z\n")
@example("\u0662026-12-31T23:59:59Z")
def test_a_moment_matches_its_pattern_exactly_when_it_parses(raw: str) -> None:
    try:
        parse_moment(raw)
        accepted = True
    except ValueError:
        accepted = False
    assert accepted == bool(re.fullmatch(MOMENT_PATTERN, raw))


decimal_text = st.from_regex(r"\A-?[0-9]{1,7}(\.[0-9]{0,4})?\Z") | st.text("0123456789.-+e_ ", max_size=9)


@pytest.mark.parametrize("model", [Percent, OfferPercent], ids=["percent", "offer percent"])
@given(raw=decimal_text)
@example(raw="100.00")
@example(raw="100.01")
@example(raw="-0")
@example(raw="99999.99")
def test_a_percent_string_matches_its_pattern_exactly_when_the_model_takes_it(model: Any, raw: str) -> None:
    adapter = TypeAdapter(model)
    schema = TypeAdapter(model).json_schema()
    (string,) = [branch for branch in schema["anyOf"] if branch["type"] == "string"]
    assert _accepts(adapter, raw) == bool(re.fullmatch(string["pattern"], raw))


@pytest.mark.parametrize("model", [Percent, OfferPercent], ids=["percent", "offer percent"])
@given(number=st.floats(allow_nan=False, allow_infinity=False) | st.integers(-(10**6), 10**6))
@example(number=0.57)
@example(number=57 * 0.01)
@example(number=100.004)
def test_a_percent_number_is_taken_within_bounds_and_rounded(model: Any, number: float) -> None:
    adapter = TypeAdapter(model)
    (bounds,) = [branch for branch in adapter.json_schema()["anyOf"] if branch["type"] == "number"]
    assert _accepts(adapter, number) == (bounds["minimum"] <= number <= bounds["maximum"])
    if _accepts(adapter, number):
        value = adapter.validate_python(number)
        assert value == value.quantize(Decimal("0.01"))
        assert abs(value - Decimal(repr(number))) <= Decimal("0.005")


def test_a_count_takes_an_integral_float_and_nothing_else_that_is_not_an_integer() -> None:
    adapter = TypeAdapter(Count)
    assert adapter.validate_python(89.0) == 89
    assert type(adapter.validate_python(89.0)) is int
    assert adapter.validate_json("89.0") == 89
    assert [_accepts(adapter, v) for v in ("5", True, 5.5, float("inf"), None)] == [False] * 5


quote_fields = st.fixed_dictionaries(
    {},
    optional={
        "offer_id": st.sampled_from([None, "ofr_1"]),
        "product": st.sampled_from([None, "business"]),
        "devices": st.sampled_from([None, 5]),
        "years": st.sampled_from([None, 1]),
        "plan": st.sampled_from(["annual", "monthly"]),
    },
)


@given(quote_fields)
def test_a_quote_fits_its_schema_exactly_when_neither_the_model_nor_the_plan_refuses_it(body: Any) -> None:
    """QuoteRequest's if/else: an offer, or product and devices, and years unless the plan is monthly
    (`check_plan`, whose other refusals are 422s)."""
    try:
        request = QuoteRequest.model_validate(body)
        if not request.offer_id:
            check_plan(request.plan, request.years, partner_billing="monthly")
        accepted = True
    except (ValidationError, ValidationFailed):
        accepted = False
    except YearsNotAllowed:
        accepted = True  # a 422: the schema need not say it
    assert accepted == Draft202012Validator(QuoteRequest.model_json_schema()).is_valid(body)
