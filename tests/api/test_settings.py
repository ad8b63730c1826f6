"""A partner's renewal reminder thresholds: its own `GET`/`PATCH /v1/settings` and the operators'
`PATCH /v1/admin/partners/{id}`; `null` restores the default."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.clients import Api, Partner
from tests.support.problems import assert_problem
from tests.support.table import snapshot

DEFAULT = [30, 14, 7, 1]


def test_a_new_partner_has_the_default_thresholds(partner: Partner) -> None:
    response = partner.api.get("/v1/settings")
    assert response.status == 200, response.body
    assert response.json() == {"reminder_days": DEFAULT, "default_reminder_days": DEFAULT}


def test_a_partner_sets_its_own_thresholds_largest_first(partner: Partner, admin: Api) -> None:
    changed = partner.api.patch("/v1/settings", {"reminder_days": [7, 60, 21]})
    assert changed.status == 200, changed.body
    assert changed.json()["reminder_days"] == [60, 21, 7]
    assert partner.api.get("/v1/settings").json()["reminder_days"] == [60, 21, 7]
    assert admin.get(f"/v1/admin/partners/{partner.id}").json()["reminder_days"] == [60, 21, 7]


def test_null_restores_the_default_and_an_empty_patch_changes_nothing(partner: Partner) -> None:
    partner.api.patch("/v1/settings", {"reminder_days": [45]})
    before = snapshot()
    assert partner.api.patch("/v1/settings", {}).json()["reminder_days"] == [45]
    assert snapshot() == before
    assert partner.api.patch("/v1/settings", {"reminder_days": None}).json()["reminder_days"] == DEFAULT


def test_an_operator_sets_a_partners_thresholds(partner: Partner, admin: Api) -> None:
    updated = admin.patch(f"/v1/admin/partners/{partner.id}", {"reminder_days": [14, 3]})
    assert updated.status == 200, updated.body
    assert updated.json()["reminder_days"] == [14, 3]
    assert partner.api.get("/v1/settings").json()["reminder_days"] == [14, 3]
    reset = admin.patch(f"/v1/admin/partners/{partner.id}", {"reminder_days": None})
    assert reset.json()["reminder_days"] == DEFAULT


@pytest.mark.parametrize(
    "body",
    [
        {"reminder_days": []},
        {"reminder_days": [0]},
        {"reminder_days": [91]},
        {"reminder_days": [7, 7]},
        {"reminder_days": ["7"]},
        {"reminder_days": [7.5]},
        {"reminder_days": list(range(1, 12))},
        {"reminder_days": 7},
        {"reminder_days": [7], "discount_percent": 50},  # a partner cannot change its own discount
    ],
)
def test_bad_thresholds_are_400_and_write_nothing(partner: Partner, body: Any) -> None:
    before = snapshot()
    assert_problem(partner.api.patch("/v1/settings", body), 400, "VALIDATION_ERROR")
    assert snapshot() == before


def test_settings_are_for_partner_keys(admin: Api, api: Api) -> None:
    assert_problem(admin.get("/v1/settings"), 403, "FORBIDDEN")
    assert_problem(api.get("/v1/settings"), 401, "UNAUTHORIZED")
