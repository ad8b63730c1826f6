"""A distributor's order under concurrency, against the moto server: the same Idempotency-Key sent ten
times at once places one order for the partner."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from licensing.store.table import OrderItem
from tests.support.clients import Api, Partner
from tests.support.distributors import Distributor
from tests.support.environment import ADMIN_KEY

pytestmark = pytest.mark.server


def test_one_idempotency_key_ten_times_at_once_places_one_order(server_api: Api) -> None:
    admin = server_api.with_key(ADMIN_KEY)
    distributor = Distributor.create(admin, discount_percent="20")
    partner = Partner.create(admin, distributor_id=distributor.id)

    with ThreadPoolExecutor(max_workers=10) as pool:
        responses = list(
            pool.map(lambda _: distributor.order_for(partner.id, idempotency_key="race"), range(10))
        )

    placed = [r for r in responses if r.status == 201]
    assert placed, [r.body for r in responses]
    assert all(r.status in (201, 409) for r in responses), [r.body for r in responses]
    assert {r.json()["id"] for r in placed} == {placed[0].json()["id"]}
    orders = [item for item in OrderItem.scan() if item.SK == "ORDER"]
    assert [(o.id, o.placed_by) for o in orders] == [
        (placed[0].json()["id"], f"distributor:{distributor.id}")
    ]
