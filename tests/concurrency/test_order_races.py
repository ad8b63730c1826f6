"""Exactly-once under concurrency, against the moto server over HTTP (one request at a time on the
server side, many clients in flight, like DynamoDB's per-request atomicity)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from licensing.infra.bus import RecordingPublisher
from licensing.store.table import LicenseItem, OrderItem
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.environment import ADMIN_KEY, WEBHOOK_SECRET

pytestmark = pytest.mark.server


def in_parallel(count: int, call: Any) -> list[Any]:
    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(lambda _: call(), range(count)))


def test_same_payment_event_ten_times_at_once_fulfils_once(
    server_api: Api, recorded_events: RecordingPublisher
) -> None:
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    webhook = WebhookSender(server_api, WEBHOOK_SECRET)
    order = partner.order(product="home", devices=1, licenses=150).json()

    responses = in_parallel(10, lambda: webhook.pay(order, event_id="evt_same"))

    assert all(r.status == 200 for r in responses), [r.body for r in responses]
    outcomes = sorted(r.json()["outcome"] for r in responses)
    assert outcomes == ["duplicate"] * 9 + ["fulfilled"]
    stored = OrderItem.get(f"ORDER#{order['id']}", "ORDER")
    assert stored.status == "fulfilled"
    keys = [i.key for i in LicenseItem.scan() if i.SK == "LICENSE"]
    assert len(keys) == len(set(keys)) == 150
    assert sorted(keys) == sorted(stored.license_keys)
    issued = [e for e in recorded_events.events if e.detail_type == "LicensesIssued"]
    assert len(issued) == 1


def test_workspaces_racing_for_one_key_one_wins(server_api: Api) -> None:
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    webhook = WebhookSender(server_api, WEBHOOK_SECRET)
    order = partner.order(licenses=3).json()
    webhook.pay(order)
    client = server_api.with_key(None)
    workspaces = [f"ws-{n}" for n in range(8)]

    for key in partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]:  # three races
        with ThreadPoolExecutor(max_workers=len(workspaces)) as pool:
            answers = list(
                pool.map(
                    lambda ws, k=key: client.post("/v1/lookup", {"license_key": k, "workspace_id": ws}),
                    workspaces,
                )
            )
        assert all(a.status == 200 for a in answers), [a.body for a in answers]
        codes = [a.json()["code"] for a in answers]
        assert codes.count("VALID") == 1
        assert codes.count("WORKSPACE_MISMATCH") == len(workspaces) - 1
        assert LicenseItem.get(f"LICENSE#{key}", "LICENSE").workspace_id == workspaces[codes.index("VALID")]
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["licenses_used"] == 3


def test_concurrent_checkouts_with_one_idempotency_key_create_one_order(server_api: Api) -> None:
    partner = Partner.create(server_api.with_key(ADMIN_KEY), billing="monthly")
    responses = in_parallel(8, lambda: partner.monthly_order(idempotency_key="same-request", licenses=3))
    assert all(r.status == 201 for r in responses), [r.body for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert len({tuple(r.json()["license_keys"]) for r in responses}) == 1
    assert sum(1 for i in OrderItem.scan() if i.SK == "ORDER") == 1
    assert sum(1 for i in LicenseItem.scan() if i.SK == "LICENSE") == 3
