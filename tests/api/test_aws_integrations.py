"""The AWS services around the table, as deployed: EventBridge for domain events, Secrets Manager for
the admin key and the webhook secret (moto in process)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters

from devtools.streams import StreamMapping
from licensing.contracts.base import SOURCE
from licensing.infra import bus as event_bus
from licensing.payments.signatures import sign
from tests.support.clients import Api, Partner
from tests.support.events import relay_handler


@pytest.fixture
def bus_queue(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A real (moto) bus whose rule forwards every licensing event to an SQS queue we can read."""
    bus = "licensing-test-bus"
    boto3.client("events").create_event_bus(Name=bus)
    sqs = boto3.client("sqs")
    queue_url = sqs.create_queue(QueueName="licensing-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    boto3.client("events").put_rule(
        Name="all-licensing", EventBusName=bus, EventPattern=json.dumps({"source": [SOURCE]})
    )
    boto3.client("events").put_targets(
        Rule="all-licensing", EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}]
    )
    monkeypatch.setenv("EVENT_BUS_NAME", bus)
    event_bus.set_publisher(None)  # the next publish builds the EventBridge publisher from the environment
    yield queue_url
    event_bus.set_publisher(None)


def received(queue_url: str) -> list[dict]:
    messages = (
        boto3.client("sqs").receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
    )
    return [json.loads(m["Body"]) for m in messages]


def test_domain_events_reach_the_bus_through_the_relay(bus_queue: str, admin: Api) -> None:
    partner = Partner.create(admin)
    order = partner.order(customer_ref="CUST-1").json()
    assert received(bus_queue) == []  # the request wrote the event to the outbox, nothing else

    StreamMapping(relay_handler()).drain()  # the table's stream into the relay, which calls PutEvents

    [event] = received(bus_queue)
    assert event["source"] == "partner-licensing"
    assert event["detail-type"] == "OrderPlaced"
    assert event["detail"]["event_id"] == f"order-placed:{order['id']}"
    assert event["detail"]["partner_id"] == partner.id
    assert event["detail"]["total"] == order["total"]


def test_a_bus_failure_never_fails_the_request_and_the_relay_retries(
    admin: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EVENT_BUS_NAME", "no-such-bus")
    event_bus.set_publisher(None)
    mapping = StreamMapping(relay_handler())
    partner = Partner.create(admin)
    try:
        assert partner.order().status == 201
        mapping.drain()  # PutEvents fails: the relay reports the record, the mapping will retry it
        assert mapping._attempts and mapping.failed == []
    finally:
        event_bus.set_publisher(None)


@pytest.fixture
def secrets_in_secrets_manager(api: Api, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    client = boto3.client("secretsmanager")
    values = {"admin": "admin-from-secrets-manager", "webhook": "whsec_from_secrets_manager"}
    admin_arn = client.create_secret(Name="admin-key", SecretString=values["admin"])["ARN"]
    webhook_arn = client.create_secret(Name="webhook-secret", SecretString=values["webhook"])["ARN"]
    monkeypatch.delenv("LICENSING_ADMIN_KEY")
    monkeypatch.delenv("PAYMENT_WEBHOOK_SECRET")
    monkeypatch.setenv("ADMIN_KEY_SECRET_ARN", admin_arn)
    monkeypatch.setenv("PAYMENT_WEBHOOK_SECRET_ARN", webhook_arn)
    parameters.clear_caches()
    yield values
    parameters.clear_caches()


def test_admin_key_comes_from_secrets_manager(api: Api, secrets_in_secrets_manager: dict[str, str]) -> None:
    assert api.with_key("admin-test-key").post("/v1/admin/partners", {}).status == 401
    created = api.with_key(secrets_in_secrets_manager["admin"]).post(
        "/v1/admin/partners", {"name": "Acme", "email": "a@acme.example", "currency": "EUR"}
    )
    assert created.status == 201, created.body


def test_webhook_secret_comes_from_secrets_manager(
    api: Api, secrets_in_secrets_manager: dict[str, str]
) -> None:
    raw = json.dumps(
        {
            "id": "evt_1",
            "type": "payment.succeeded",
            "data": {"order_id": "o", "amount": 1, "currency": "EUR"},
        }
    )
    now = int(time.time())
    for secret, status in (("whsec_test", 401), (secrets_in_secrets_manager["webhook"], 200)):
        response = api.post(
            "/v1/webhooks/payments", body=raw, headers={"Payment-Signature": sign(secret, now, raw)}
        )
        assert response.status == status, response.body
