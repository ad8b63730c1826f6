"""What callers get when things go wrong: a write whose answer was lost and that the client (or the
payment provider) sends again, an unexpected exception, and the payment provider's events out of order.
The fault sweep of every write path is tests/api/test_faults.py; these are its cases spelled out."""

from __future__ import annotations

import json
from typing import Any

import pytest

from licensing.orders import checkout
from licensing.store.table import LicenseItem, OrderItem
from tests.support.clients import Partner, WebhookSender
from tests.support.faults import Faults, install
from tests.support.log_scan import debug_logs
from tests.support.problems import assert_problem

TRANSACTIONS = frozenset({"TransactWriteItems"})


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    return install(monkeypatch)


def orders_of(partner: Partner) -> list[OrderItem]:
    return [order for order in OrderItem.scan() if order.partner_id == partner.id]


def keys_of(order_id: str) -> list[str]:
    return [item.key for item in LicenseItem.scan() if item.order_id == order_id]


def test_a_checkout_whose_answers_were_all_lost_finds_its_own_record_and_answers_201(
    partner: Partner, faults: Faults
) -> None:
    faults.arm("lost_timeout", times=None, operations=TRANSACTIONS)
    placed = partner.order("order-1", licenses=2)
    assert faults.applied == 3  # written at the first attempt; botocore's two resends were no-ops
    (stored,) = orders_of(partner)  # the change is whole, once
    # the 503 the commit raised was answered from the Idempotency-Key record the transaction wrote
    assert placed.status == 201 and placed.json()["id"] == stored.id
    faults.disarm()
    assert partner.order("order-1", licenses=2).json() == placed.json()
    assert [order.id for order in orders_of(partner)] == [stored.id]


def test_without_an_idempotency_key_a_lost_answer_is_503_and_the_order_exists_once(
    partner: Partner, faults: Faults
) -> None:
    faults.arm("lost_timeout", times=None, operations=TRANSACTIONS)
    lost = partner.order(licenses=2)
    problem = assert_problem(lost, 503, "SERVICE_UNAVAILABLE")
    assert lost.headers["Retry-After"] == "1" and problem["request_id"] == problem["instance"]
    assert len(orders_of(partner)) == 1 and faults.applied == 3


def test_a_lost_answer_is_absorbed_by_botocores_resend_with_the_same_client_request_token(
    partner: Partner, faults: Faults
) -> None:
    faults.arm("lost_500", operations=TRANSACTIONS)
    placed = partner.order("order-2")
    assert placed.status == 201 and faults.applied == 1
    tokens = [call for call in faults.calls if call == "TransactWriteItems"]
    assert len(tokens) == 2  # the first attempt and its resend, answered from the token
    assert [order.id for order in orders_of(partner)] == [placed.json()["id"]]


def test_a_note_edit_whose_answer_was_lost_answers_200_again_when_resent(
    partner: Partner, webhook: WebhookSender, faults: Faults
) -> None:
    order = partner.order().json()
    webhook.pay(order)
    (key,) = keys_of(order["id"])
    faults.arm("lost_connection", times=None, operations=TRANSACTIONS)
    assert_problem(partner.api.patch(f"/v1/licenses/{key}", {"note": "for ACME"}), 503, "SERVICE_UNAVAILABLE")
    faults.disarm()
    resent = partner.api.patch(f"/v1/licenses/{key}", {"note": "for ACME"})
    assert resent.status == 200 and resent.json()["note"] == "for ACME"
    history = partner.api.get(f"/v1/licenses/{key}/history").json()["items"]
    assert sum(1 for entry in history if "note" in json.dumps(entry)) == 1  # one change, recorded once


def test_an_unexpected_exception_is_a_500_with_the_request_id_and_nothing_internal(
    partner: Partner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: Any, **__: Any) -> Any:
        raise RuntimeError("secret internal state: table licensing-test, key PK=PARTNER#x")

    monkeypatch.setattr(checkout, "place_order", broken)
    with debug_logs() as lines:
        answered = partner.order()
    problem = assert_problem(answered, 500, "INTERNAL_ERROR")
    request_id = problem["request_id"]
    assert request_id and problem["instance"] == request_id
    for internal in ("secret", "RuntimeError", "licensing-test", "PARTNER#", "place_order", "File "):
        assert internal not in answered.body
    logged = [json.loads(line) for line in lines if line.startswith("{") and "Unhandled error" in line]
    assert len(logged) == 1 and logged[0]["correlation_id"] == request_id
    assert "RuntimeError" in logged[0]["exception"]  # the log has what the answer leaves out


# ------------------------------------------------------------------ the payment provider out of order


def test_a_refund_before_the_success_is_redelivered_until_it_can_revoke(
    partner: Partner, webhook: WebhookSender
) -> None:
    order = partner.order(licenses=2).json()
    assert_problem(webhook.pay(order, type="payment.refunded", event_id="evt_r"), 409, "ORDER_NOT_PAID_YET")
    assert webhook.pay(order, event_id="evt_s").json()["outcome"] == "fulfilled"
    assert webhook.pay(order, type="payment.refunded", event_id="evt_r").json()["outcome"] == "refunded"
    assert webhook.pay(order, event_id="evt_s").json()["outcome"] == "duplicate"
    revoked = [LicenseItem.get(f"LICENSE#{key}", "LICENSE").revoked_at for key in keys_of(order["id"])]
    assert len(revoked) == 2 and None not in revoked  # issued once, both revoked


def test_a_success_after_a_declined_card_fulfils_once(partner: Partner, webhook: WebhookSender) -> None:
    order = partner.order(licenses=3).json()
    assert webhook.pay(order, type="payment.failed", event_id="evt_f").json()["outcome"] == "payment_failed"
    assert webhook.pay(order, event_id="evt_s").json()["outcome"] == "fulfilled"
    assert webhook.pay(order, type="payment.failed", event_id="evt_f").json()["outcome"] == "duplicate"
    assert webhook.pay(order, event_id="evt_s2").json()["outcome"] != "fulfilled"  # a second success
    stored = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert stored["status"] == "fulfilled" and len(stored["license_keys"]) == len(keys_of(order["id"])) == 3


def test_the_same_success_after_a_timeout_issues_the_keys_once(
    partner: Partner, webhook: WebhookSender, faults: Faults
) -> None:
    order = partner.order(licenses=2).json()
    faults.arm("lost_timeout", times=None, operations=TRANSACTIONS)
    assert_problem(webhook.pay(order, event_id="evt_s"), 503, "SERVICE_UNAVAILABLE")
    faults.disarm()
    redelivered = webhook.pay(order, event_id="evt_s")
    assert redelivered.status == 200 and redelivered.json()["outcome"] in ("fulfilled", "duplicate")
    assert len(keys_of(order["id"])) == 2
    again = webhook.pay(order, event_id="evt_s")
    assert again.json()["outcome"] == "duplicate" and len(keys_of(order["id"])) == 2
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["status"] == "fulfilled"
