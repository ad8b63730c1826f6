"""The signed payment webhook: fulfilment, failure, refund, duplicates, mismatches and bad signatures."""

from __future__ import annotations

import json
import math
import time

import pytest

from licensing.infra.bus import RecordingPublisher
from licensing.licenses import repository as licenses
from licensing.payments.signatures import sign
from licensing.store.table import BaseItem, LicenseItem, PaymentEventItem
from tests.support.clients import Partner, WebhookSender
from tests.support.problems import assert_problem


def table_snapshot() -> list[dict]:
    return sorted((item.to_simple_dict() for item in BaseItem.scan()), key=lambda i: (i["PK"], i["SK"]))


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_payment_fulfils_the_order(
    partner: Partner, webhook: WebhookSender, recorded_events: RecordingPublisher
) -> None:
    order = partner.order(licenses=3, customer_ref="CUST-7").json()
    response = webhook.pay(order)
    assert response.status == 200, response.body
    assert response.json()["outcome"] == "fulfilled"

    paid = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert paid["status"] == "fulfilled"
    assert paid["payment"]["status"] == "paid"
    assert paid["payment"]["payment_id"] == "pay_123"
    assert len(paid["license_keys"]) == 3
    assert (paid["licenses_used"], paid["licenses_unused"]) == (0, 3)
    for key in paid["license_keys"]:
        license = licenses.get(key)
        assert license is not None
        assert (license.product, license.devices, license.term_months) == ("business", 5, 12)
        assert license.partner_id == partner.id and license.order_id == order["id"]
        assert license.customer_ref == "CUST-7"
        assert license.activated_at is None
    kinds = [e.detail_type for e in recorded_events.events]
    assert kinds == ["OrderPlaced", "OrderPaid", "LicensesIssued"]
    assert recorded_events.events[-1].detail["license_keys"] == paid["license_keys"]


def test_bulk_order_of_1000_is_issued_in_chunks(partner: Partner, webhook: WebhookSender, ddb_calls) -> None:
    order = partner.order(product="home", devices=1, licenses=1000).json()
    ddb_calls.reset()
    assert webhook.pay(order).json()["outcome"] == "fulfilled"
    calls = list(ddb_calls.calls)
    # one transaction pays the order with its first 96 keys (beside the payment's record, the order and
    # its two events' places), then ceil(904/100) chunks of 100, then the one that marks it fulfilled
    # and writes its events
    assert calls.count("TransactWriteItems") == 1 + math.ceil(904 / 100) + 1 <= math.ceil(1000 / 100) + 2
    assert [c for c in calls if c != "TransactWriteItems"] == ["GetItem"]  # the order, read once

    paid = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert paid["status"] == "fulfilled"
    assert len(set(paid["license_keys"])) == 1000
    assert sum(1 for item in LicenseItem.scan() if item.SK == "LICENSE") == 1000


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_duplicate_event_changes_nothing(partner: Partner, webhook: WebhookSender) -> None:
    order = partner.order().json()
    assert webhook.pay(order, event_id="evt_1").json()["outcome"] == "fulfilled"
    before = table_snapshot()
    again = webhook.pay(order, event_id="evt_1")
    assert again.status == 200
    assert again.json()["outcome"] == "duplicate"
    assert table_snapshot() == before


def test_second_payment_for_a_paid_order_is_recorded_only(partner: Partner, webhook: WebhookSender) -> None:
    order = partner.order().json()
    webhook.pay(order, event_id="evt_1")
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    response = webhook.pay(order, event_id="evt_2")
    assert response.json()["outcome"] == "ignored_order_not_awaiting_payment"
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"] == keys
    assert PaymentEventItem.get("PAYMENTEVENT#evt_2", "EVENT").outcome == "ignored_order_not_awaiting_payment"


@pytest.mark.parametrize(("amount_delta", "currency"), [(-1, "EUR"), (1, "EUR"), (0, "USD")])
def test_amount_or_currency_mismatch_issues_nothing(
    partner: Partner, webhook: WebhookSender, amount_delta: int, currency: str
) -> None:
    order = partner.order().json()
    response = webhook.send(order["id"], order["total"]["amount"] + amount_delta, currency)
    assert response.json()["outcome"] == "payment_mismatch"
    stored = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert stored["status"] == "payment_mismatch"
    assert stored["payment"]["status"] == "mismatch"
    assert stored["license_keys"] == []
    assert not [i for i in LicenseItem.scan() if i.SK == "LICENSE"]


def test_failed_payment_marks_the_order_failed_until_a_retry_succeeds(
    partner: Partner, webhook: WebhookSender
) -> None:
    order = partner.order().json()
    assert webhook.pay(order, type="payment.failed").json()["outcome"] == "payment_failed"
    failed = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert (failed["status"], failed["payment"]["status"], failed["license_keys"]) == (
        "payment_failed",
        "failed",
        [],
    )
    assert webhook.pay(order, type="payment.failed").json()["outcome"] == "ignored_order_not_awaiting_payment"
    # the customer retries with another card: the success still fulfils the order
    assert webhook.pay(order).json()["outcome"] == "fulfilled"
    paid = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert (paid["status"], len(paid["license_keys"])) == ("fulfilled", 1)


def test_refund_before_the_payment_is_refused_unrecorded_so_it_is_redelivered(
    partner: Partner, webhook: WebhookSender
) -> None:
    order = partner.order(licenses=2).json()
    early = webhook.pay(order, type="payment.refunded", event_id="evt_refund")
    assert_problem(early, 409, "ORDER_NOT_PAID_YET")
    assert webhook.pay(order).json()["outcome"] == "fulfilled"
    assert webhook.pay(order, type="payment.refunded", event_id="evt_refund").json()["outcome"] == "refunded"
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["status"] == "refunded"


def test_partial_refund_is_recorded_and_revokes_nothing(partner: Partner, webhook: WebhookSender) -> None:
    order = partner.order(licenses=2).json()
    webhook.pay(order)
    partial = webhook.send(order["id"], 100, type="payment.refunded", event_id="evt_partial")
    assert partial.json()["outcome"] == "partial_refund_recorded"
    assert PaymentEventItem.get("PAYMENTEVENT#evt_partial", "EVENT").amount == 100
    stored = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert (stored["status"], stored["licenses_unused"]) == ("fulfilled", 2)


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_refund_revokes_only_unused_keys(partner: Partner, webhook: WebhookSender) -> None:
    order = partner.order(licenses=3).json()
    webhook.pay(order)
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    lookup = partner.api.with_key(None).post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws-1"})
    assert lookup.json()["code"] == "VALID"

    refund = webhook.pay(order, type="payment.refunded", event_id="evt_refund")
    assert refund.json()["outcome"] == "refunded"
    refunded = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert refunded["status"] == "refunded"
    assert (refunded["licenses_used"], refunded["licenses_unused"]) == (1, 0)
    statuses = {
        key: partner.api.with_key(None)
        .post("/v1/lookup", {"license_key": key, "workspace_id": "ws-1"})
        .json()["code"]
        for key in keys
    }
    assert statuses == {keys[0]: "VALID", keys[1]: "REVOKED", keys[2]: "REVOKED"}
    assert webhook.pay(order, type="payment.refunded", event_id="evt_refund").json()["outcome"] == "duplicate"
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["licenses_unused"] == 0


def test_refund_after_a_declined_card_is_refused_unrecorded_until_the_success_arrives(
    partner: Partner, webhook: WebhookSender
) -> None:
    order = partner.order().json()
    webhook.pay(order, type="payment.failed")
    early = webhook.pay(order, type="payment.refunded", event_id="evt_refund")
    assert_problem(early, 409, "ORDER_NOT_PAID_YET")
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["status"] == "payment_failed"
    assert webhook.pay(order).json()["outcome"] == "fulfilled"  # another card, delivered late
    assert webhook.pay(order, type="payment.refunded", event_id="evt_refund").json()["outcome"] == "refunded"
    assert partner.api.get(f"/v1/orders/{order['id']}").json()["status"] == "refunded"


def test_unknown_order_is_acknowledged_and_recorded(webhook: WebhookSender) -> None:
    response = webhook.send("ord_nope", 100)
    assert response.status == 200
    assert response.json()["outcome"] == "ignored_unknown_order"


def _raw_event(order: dict) -> str:
    return json.dumps(
        {
            "id": "evt_x",
            "type": "payment.succeeded",
            "data": {"order_id": order["id"], "amount": order["total"]["amount"], "currency": "EUR"},
        }
    )


@pytest.mark.parametrize(
    "make_header",
    [
        lambda raw, now: None,
        lambda raw, now: "",
        lambda raw, now: "garbage",
        lambda raw, now: sign("wrong-secret", now, raw),
        lambda raw, now: sign("whsec_test", now - 301, raw),
        lambda raw, now: sign("whsec_test", now + 301, raw),
        lambda raw, now: sign("whsec_test", now, raw.replace("evt_x", "evt_y")),
        lambda raw, now: f"t={now}",
    ],
    ids=["missing", "empty", "garbage", "wrong-secret", "stale", "future", "tampered", "no-v1"],
)
def test_bad_signatures_are_401_and_write_nothing(
    partner: Partner, webhook: WebhookSender, make_header
) -> None:
    order = partner.order().json()
    before = table_snapshot()
    raw = _raw_event(order)
    header = make_header(raw, int(time.time()))
    headers = {"Payment-Signature": header} if header is not None else {}
    response = webhook.api.post("/v1/webhooks/payments", body=raw, headers=headers)
    assert_problem(response, 401, "INVALID_SIGNATURE")
    assert table_snapshot() == before


@pytest.mark.parametrize(
    "payload",
    [
        "{not json",
        json.dumps(
            {
                "id": "evt_1",
                "type": "payment.exploded",
                "data": {"order_id": "o", "amount": 1, "currency": "EUR"},
            }
        ),
        json.dumps(
            {
                "id": "evt_1",
                "type": "payment.succeeded",
                "data": {"order_id": "o", "amount": "1", "currency": "EUR"},
            }
        ),
        json.dumps({"id": "evt_1", "type": "payment.succeeded"}),
    ],
)
def test_signed_but_invalid_body_is_400(partner: Partner, webhook: WebhookSender, payload: str) -> None:
    before = table_snapshot()
    response = webhook.api.post(
        "/v1/webhooks/payments",
        body=payload,
        headers={"Payment-Signature": sign("whsec_test", int(time.time()), payload)},
    )
    assert response.status == 400, response.body
    assert response.json()["code"] in {"MALFORMED_JSON", "VALIDATION_ERROR"}
    assert table_snapshot() == before


@pytest.mark.engines  # also on DynamoDB Local: tests/conftest.py
def test_fulfilment_resumes_after_a_crash(
    partner: Partner, webhook: WebhookSender, monkeypatch, recorded_events: RecordingPublisher
) -> None:
    """A worker that dies after paying the order but before writing every chunk leaves it `fulfilling`;
    the provider's redelivery of the same event finishes the job with the same keys, none twice."""
    from licensing.orders import fulfilment

    order = partner.order(product="home", devices=1, licenses=350).json()
    real_write = fulfilment.write_each
    written_chunks = []

    def crash_after_first_chunk(chunk, *args):
        if written_chunks:
            raise RuntimeError("Lambda timed out")
        written_chunks.append(len(chunk))
        return real_write(chunk, *args)

    monkeypatch.setattr(fulfilment, "write_each", crash_after_first_chunk)
    crashed = webhook.pay(order, event_id="evt_crash")
    assert crashed.status == 500
    assert crashed.json()["code"] == "INTERNAL_ERROR"
    half = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert half["status"] == "fulfilling"
    assert sum(1 for i in LicenseItem.scan() if i.SK == "LICENSE") == 96 + 100

    assert not [e for e in recorded_events.events if e.detail_type == "LicensesIssued"]
    monkeypatch.setattr(fulfilment, "write_each", real_write)
    retried = webhook.pay(order, event_id="evt_crash")
    assert retried.status == 200
    issued = [e for e in recorded_events.events if e.detail_type == "LicensesIssued"]
    assert len(issued) == 1  # the worker that finished the order announces it
    done = partner.api.get(f"/v1/orders/{order['id']}").json()
    assert done["status"] == "fulfilled"
    assert done["license_keys"] == half["license_keys"]
    stored = sorted(i.key for i in LicenseItem.scan() if i.SK == "LICENSE")
    assert stored == sorted(done["license_keys"])
