"""The transactional outbox: every event is written with its change and delivered from the table's stream
by the relay, at least once, with the id it was committed with; a change that is not committed announces
nothing; a delivery that stops half-way loses nothing."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import boto3
import pytest

from devtools.gateway import LambdaContext, LocalGateway
from devtools.local_bus import LocalBus
from devtools.streams import StreamMapping
from licensing.contracts.base import DomainEvent
from licensing.contracts.licenses import LicenseClaimed
from licensing.infra import bus
from licensing.store.table import LicenseItem, OutboxItem
from licensing.store.transactions import Transaction, TransactionCancelled
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.events import DeliveredEvents, relay_handler
from tests.support.offers import create_offer

pytestmark = pytest.mark.engines  # [moto] and [local]: tests/conftest.py


def committed() -> dict[str, DomainEvent]:
    """Every event in the outbox, as its transaction wrote it."""
    items = [item for item in OutboxItem.scan() if item.PK.startswith("OUTBOX#")]
    return {
        item.PK.removeprefix("OUTBOX#"): DomainEvent(
            item.detail_type, item.PK.removeprefix("OUTBOX#"), item.detail
        )
        for item in items
    }


def a_day_of_work(partner: Partner, webhook: WebhookSender) -> None:
    """Orders, a payment, an activation, a renewal order: changes that announce themselves."""
    order = partner.order(licenses=3).json()
    webhook.pay(order)
    keys = partner.api.get(f"/v1/orders/{order['id']}").json()["license_keys"]
    assert partner.api.post("/v1/lookup", {"license_key": keys[0], "workspace_id": "ws-1"}).status == 200
    assert partner.api.post(f"/v1/licenses/{keys[0]}/renew", {"years": 1}).status == 201


def test_every_event_is_delivered_exactly_as_committed(
    partner: Partner, webhook: WebhookSender, recorded_events: DeliveredEvents
) -> None:
    a_day_of_work(partner, webhook)

    delivered = {event.event_id: event for event in recorded_events.events}
    assert delivered == committed()
    assert {e.detail_type for e in delivered.values()} >= {
        "OrderPlaced", "OrderPaid", "LicensesIssued", "LicenseActivated",
    }  # fmt: skip


def test_delivery_killed_after_the_commit_delivers_everything_when_it_restarts(
    partner: Partner, webhook: WebhookSender, recorded_events: DeliveredEvents
) -> None:
    recorded_events.mapping.paused = True  # the relay is down: changes commit, nothing is delivered
    a_day_of_work(partner, webhook)
    assert recorded_events.events == []
    written = committed()
    assert written

    restarted = StreamMapping(relay_handler())  # a new mapping: from the stream's beginning
    restarted.drain()
    restarted.drain()  # a second pass delivers nothing new

    assert {event.event_id: event for event in recorded_events.delivered} == written
    assert len(recorded_events.delivered) == len(written)


def test_an_aborted_transaction_announces_nothing(partner: Partner, recorded_events: DeliveredEvents) -> None:
    before = committed()
    key = "ABCDE-FGHJK-MNPQR-STVWX-YZ234"
    ghost = LicenseItem(f"LICENSE#{key}", "LICENSE", key=key)
    claimed = LicenseClaimed(
        event_id=f"license-claimed:{key}",
        license_key=key,
        partner_id=partner.id,
        claimed_at="2026-11-27T10:00:00Z",
    )
    tx = Transaction().emit(claimed)
    tx.update(
        ghost, [LicenseItem.partner_id.set(partner.id)], condition=LicenseItem.PK.exists(), label="license"
    )

    with pytest.raises(TransactionCancelled):
        tx.commit()

    assert committed() == before
    assert [e for e in recorded_events.events if e.event_id == claimed.event_id] == []


class RefusingBus(bus.RecordingPublisher):
    """EventBridge refusing the first `refusals` entries it is sent (FailedEntryCount)."""

    def __init__(self, refusals: int) -> None:
        super().__init__()
        self.refusals = refusals

    def publish(self, events: Sequence[DomainEvent]) -> list[str]:
        refused = [event.event_id for event in events[: self.refusals]]
        self.refusals -= len(refused)
        self.events.extend(event for event in events if event.event_id not in refused)
        return refused


def test_an_event_the_bus_refuses_is_retried_from_the_stream(
    partner: Partner, webhook: WebhookSender
) -> None:
    refusing = RefusingBus(refusals=2)
    bus.set_publisher(refusing)
    mapping = StreamMapping(relay_handler())
    a_day_of_work(partner, webhook)

    mapping.drain()  # the relay reports the refused records; the mapping stops there
    mapping.drain()  # and retries from the first of them

    assert {event.event_id for event in refusing.events} == set(committed())
    assert mapping.failed == []


def test_a_batch_that_keeps_failing_goes_to_the_failure_destination(partner: Partner) -> None:
    bus.set_publisher(RefusingBus(refusals=10**6))
    mapping = StreamMapping(relay_handler())
    partner.order(licenses=1)

    for _ in range(mapping._config.max_attempts):
        mapping.drain()

    (given_up,) = mapping.failed
    images = [record["dynamodb"]["NewImage"]["PK"]["S"] for record in given_up["records"]]
    assert images == [f"OUTBOX#{event_id}" for event_id in committed()]


def test_the_relay_reports_only_the_records_the_bus_refused() -> None:
    records = [_record(str(100 + n), f"event-{n}") for n in (1, 2, 3)] + [_other_record("104")]
    sent = RefusingBus(refusals=0)

    class RefuseSecond(bus.RecordingPublisher):
        def publish(self, events: Sequence[DomainEvent]) -> list[str]:
            sent.events.extend(e for e in events if e.event_id != "event-2")
            return ["event-2"]

    bus.set_publisher(RefuseSecond())
    answer = relay_handler()({"Records": records}, LambdaContext("outbox_relay"))
    bus.set_publisher(None)

    assert answer == {"batchItemFailures": [{"itemIdentifier": "102"}]}
    assert [e.event_id for e in sent.events] == ["event-1", "event-3"]  # 104 is no outbox item
    assert sent.events[0] == DomainEvent("OrderPaid", "event-1", {"order_id": "ord_x"})


def _record(sequence: str, event_id: str) -> dict[str, Any]:
    image = {
        "PK": {"S": f"OUTBOX#{event_id}"},
        "SK": {"S": "EVENT"},
        "entity": {"S": "OutboxEvent"},
        "detail_type": {"S": "OrderPaid"},
        "detail": {"S": json.dumps({"order_id": "ord_x"})},
        "created_at": {"S": "2026-11-27T10:00:00Z"},
        "ttl": {"N": "1800000000"},
    }
    return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": sequence, "NewImage": image}}


def _other_record(sequence: str) -> dict[str, Any]:
    image = {"PK": {"S": "ORDER#ord_x"}, "SK": {"S": "ORDER"}}
    return {"eventName": "INSERT", "dynamodb": {"SequenceNumber": sequence, "NewImage": image}}


def test_a_notification_that_cannot_be_sent_lands_in_the_failure_queue(
    admin: Api, partner: Partner, gateway: LocalGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    from licensing.notifications import mailers

    queue_url = boto3.client("sqs").create_queue(QueueName="notifier-failed")["QueueUrl"]
    tries: list[str] = []

    class BrokenMailer:
        def send(self, email: Any) -> None:
            tries.append(email.event_id)
            raise ConnectionError("SES is unreachable")

    monkeypatch.setattr(mailers, "from_environment", lambda: BrokenMailer())
    local_bus = LocalBus(gateway.handler, failed_queue_url=queue_url)
    bus.set_publisher(local_bus)
    mapping = StreamMapping(relay_handler())
    offer = create_offer(admin, partner)

    mapping.drain()

    event_id = f"offer-created:{offer['id']}"
    assert tries == [event_id] * 3  # the first try and Lambda's two retries
    messages = boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)["Messages"]
    (kept,) = [json.loads(message["Body"]) for message in messages]
    assert kept["requestContext"]["condition"] == "RetriesExhausted"
    assert kept["requestPayload"]["detail-type"] == "OfferCreated"
    assert kept["requestPayload"]["detail"]["event_id"] == event_id
    assert kept["responsePayload"]["errorType"] == "ConnectionError"
