"""The query patterns the OpenAPI document (and the models) publish accept exactly what the domain's
parsers accept, so a schema-valid request is never refused and an invalid one never slips through."""

import re

from hypothesis import given
from hypothesis import strategies as st

from licensing.core.errors import ValidationFailed
from licensing.core.search import QUERY_PATTERN, choices, comma_list_pattern, matcher, one_of

ALLOWED = ("active", "expired", "unused")
pieces = st.sampled_from([*ALLOWED, "", " ", ",", "x", "ACTIVE", "\t", "activ", "used"])


@given(st.lists(pieces, max_size=6).map("".join))
def test_a_comma_list_matches_its_pattern_exactly_when_choices_accepts_it(raw: str) -> None:
    try:
        choices("status", raw, ALLOWED)
        accepted = True
    except ValidationFailed:
        accepted = False
    assert accepted == bool(re.fullmatch(comma_list_pattern(ALLOWED), raw))


@given(st.text(max_size=12))
def test_a_search_matches_its_pattern_exactly_when_the_matcher_takes_it(raw: str) -> None:
    try:
        matcher(raw)
        accepted = True
    except ValidationFailed:
        accepted = False
    assert accepted == bool(re.fullmatch(QUERY_PATTERN, raw))


def test_one_of_takes_a_value_or_nothing() -> None:
    pattern = one_of(("asc", "desc"))
    assert [bool(re.fullmatch(pattern, v)) for v in ("asc", "desc", "", "ASC", "asc ")] == [
        True,
        True,
        True,
        False,
        False,
    ]
