"""Request bodies are taken exactly as docs/openapi.json describes them: an integral float is an integer,
a moment must exist, a change's field that takes no null refuses it, a percentage keeps two places."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.clients import Api, Partner
from tests.support.offers import offer_body
from tests.support.problems import assert_problem

QUOTE = {"product": "business", "devices": 5, "years": 1}


def _refused_field(response: Any, field: str) -> None:
    problem = assert_problem(response, 400, "VALIDATION_ERROR")
    assert [error["field"] for error in problem["errors"]] == [field], problem


def test_an_integral_float_counts_as_the_integer(partner: Partner) -> None:
    exact = partner.api.post("/v1/quotes", QUOTE)
    floats = partner.api.post("/v1/quotes", {**QUOTE, "devices": 5.0, "years": 1.0, "licenses": 2.0})
    assert floats.status == 200, floats.body
    assert (floats.json()["devices"], floats.json()["years"], floats.json()["licenses"]) == (5, 1, 2)
    assert floats.json()["price_per_license"] == exact.json()["price_per_license"]


@pytest.mark.parametrize("devices", ["5", True, 5.5, "five"])
def test_anything_else_that_is_not_an_integer_is_refused(partner: Partner, devices: Any) -> None:
    _refused_field(partner.api.post("/v1/quotes", {**QUOTE, "devices": devices}), "body.devices")


def test_reminder_days_take_integral_floats_and_each_day_once(partner: Partner) -> None:
    taken = partner.api.patch("/v1/settings", {"reminder_days": [7.0, 30]})
    assert (taken.status, taken.json()["reminder_days"]) == (200, [30, 7]), taken.body
    _refused_field(partner.api.patch("/v1/settings", {"reminder_days": [30, 30.0]}), "body.reminder_days")


@pytest.mark.parametrize("moment", ["2027-02-30T00:00:00Z", "0000-00-00T00:00:00Z", "2026-12-31T24:00:00Z"])
def test_an_offer_must_expire_at_a_moment_that_exists(
    admin: Api, partner: Partner, frozen_now: Any, moment: str
) -> None:
    _refused_field(admin.post("/v1/admin/offers", offer_body(partner, expires_at=moment)), "body.expires_at")


def test_an_offer_may_expire_on_a_leap_day(admin: Api, partner: Partner, frozen_now: Any) -> None:
    created = admin.post("/v1/admin/offers", offer_body(partner, expires_at="2028-02-29T12:00:00Z"))
    assert (created.status, created.json()["expires_at"]) == (201, "2028-02-29T12:00:00Z"), created.body


@pytest.mark.parametrize("field", ["name", "email", "billing", "discount_percent"])
def test_a_partner_field_that_takes_no_null_refuses_it(admin: Api, partner: Partner, field: str) -> None:
    _refused_field(admin.patch(f"/v1/admin/partners/{partner.id}", {field: None}), f"body.{field}")


def test_null_still_clears_what_it_clears(admin: Api, partner: Partner) -> None:
    cleared = admin.patch(f"/v1/admin/partners/{partner.id}", {"distributor_id": None, "reminder_days": None})
    assert (cleared.status, cleared.json()["distributor_id"]) == (200, None), cleared.body


def test_a_license_refuses_null_devices(partner: Partner) -> None:
    """(The body is checked before the key is looked up.)"""
    _refused_field(partner.api.patch(f"/v1/licenses/{'X' * 25}", {"devices": None}), "body.devices")


@pytest.mark.parametrize(
    ("sent", "kept"), [(12.345, 12.34), (12.355, 12.36), ("12.5", 12.5), (100, 100), ("100.00", 100)]
)
def test_a_percentage_keeps_two_places(admin: Api, sent: Any, kept: float) -> None:
    body = {"name": "A", "email": "a@b.example", "currency": "EUR", "discount_percent": sent}
    created = admin.post("/v1/admin/partners", body)
    assert (created.status, created.json()["discount_percent"]) == (201, kept), created.body


@pytest.mark.parametrize("sent", ["12.345", " 12", "1e1", "100.01", 100.01, -0.01, True])
def test_a_percentage_out_of_bounds_or_of_another_form_is_refused(admin: Api, sent: Any) -> None:
    body = {"name": "A", "email": "a@b.example", "currency": "EUR", "discount_percent": sent}
    _refused_field(admin.post("/v1/admin/partners", body), "body.discount_percent")


def test_text_is_trimmed_and_refuses_control_characters(admin: Api, partner: Partner) -> None:
    renamed = admin.patch(f"/v1/admin/partners/{partner.id}", {"name": "\u3000 Acme\u00a0GmbH \n"})
    assert (renamed.status, renamed.json()["name"]) == (200, "Acme\u00a0GmbH"), renamed.body
    for name in ("Acme\u0085GmbH", " \t "):
        _refused_field(admin.patch(f"/v1/admin/partners/{partner.id}", {"name": name}), "body.name")
