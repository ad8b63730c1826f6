"""The notifier: the sweeper's events become e-mails through SES (moto), or outbox files locally, once per
event id however often EventBridge delivers it."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends
from pynamodb.exceptions import DoesNotExist

from devtools.gateway import LambdaContext, LocalGateway
from licensing.licenses.keys import generate_key
from licensing.notifications import repository as notifications
from licensing.store.table import NotificationItem
from tests.support.clients import Partner
from tests.support.notifier import SENDER, coupon_warning, customer_notice, eventbridge_event, renewal_digest

PARTNER_EMAIL = "ops@acme.example"

Notify = Callable[[str, dict[str, Any]], dict[str, Any]]


@pytest.fixture
def sent(aws: None, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """The messages moto's SES accepted, from a verified sender."""
    monkeypatch.setenv("NOTIFIER_FROM_ADDRESS", SENDER)
    monkeypatch.delenv("NOTIFIER_OUTBOX_DIR", raising=False)
    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    messages: list[Any] = ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages
    return messages


@pytest.fixture
def notify(gateway: LocalGateway, frozen_now) -> Notify:
    def deliver(detail_type: str, detail: dict[str, Any]) -> dict[str, Any]:
        handler = gateway.handler("functions.notifier.app")
        result: dict[str, Any] = handler(eventbridge_event(detail_type, detail), LambdaContext("notifier"))
        return result

    return deliver


def test_renewal_digest_lists_the_licenses_by_expiry(
    notify: Notify, sent: list[Any], partner: Partner, frozen_now
) -> None:
    later, sooner = generate_key(), generate_key()
    detail = renewal_digest(partner, [later, sooner])

    assert notify("PartnerRenewalDigest", detail) == {"event_id": detail["event_id"], "outcome": "sent"}

    [message] = sent
    assert (message.source, message.destinations) == (SENDER, {"ToAddresses": [PARTNER_EMAIL]})
    assert message.subject == "Renewal reminder: 2 licenses expire soon"
    assert message.body.startswith("Hello Acme Reseller,")
    rows = [line for line in message.body.splitlines() if line.startswith("- ")]
    assert rows == [
        f"- {sooner}: Business Security, 5 devices, expires 2026-12-04 (7 days left); customer CUST-7, "
        "workspace ws-7",
        f"- {later}: Business Security, 5 devices, expires 2027-01-26 (60 days left); customer CUST-60, "
        "workspace ws-60",
    ]
    record = NotificationItem.get(notifications.pk(detail["event_id"]), notifications.SK)
    assert (record.detail_type, record.recipient, record.outcome) == (
        "PartnerRenewalDigest",
        PARTNER_EMAIL,
        "sent",
    )
    assert record.sent_at == frozen_now()
    assert record.ttl == int(datetime(2026, 12, 27, 10, 0, tzinfo=UTC).timestamp())  # kept 30 days


def test_coupon_deadline_warning_goes_to_the_partner(
    notify: Notify, sent: list[Any], partner: Partner, ddb_calls
) -> None:
    key = generate_key()
    ddb_calls.reset()

    assert notify("CouponDeadlineWarning", coupon_warning(partner, key))["outcome"] == "sent"

    assert ddb_calls.calls == ["GetItem", "PutItem"]  # the partner, the claim

    [message] = sent
    assert message.destinations == {"ToAddresses": [PARTNER_EMAIL]}
    assert message.subject == f"Coupon {key} must be activated within 7 days"
    assert f"- {key}: Home Security, 1 device, activate by 2026-12-04" in message.body.splitlines()


def test_end_customer_hears_from_the_vendor_naming_the_partner(
    notify: Notify, sent: list[Any], partner: Partner
) -> None:
    key = generate_key()

    assert notify("EndCustomerExpiryNotice", customer_notice(partner, key, "it@customer.example")) == {
        "event_id": f"end-customer-expiry:{key}:2026-11-30T10:00:00Z",
        "outcome": "sent",
    }

    [message] = sent
    assert message.destinations == {"ToAddresses": ["it@customer.example"]}
    assert message.subject == f"Your Business Security license {key} expires on 2026-11-30"
    assert f"your license {key} (Business Security, 5 devices) on workspace ws-9" in message.body
    assert "please contact Acme Reseller" in message.body
    assert "CUST-9" not in message.body  # the partner's own reference is not the customer's business


def test_a_redelivered_event_is_sent_once(
    notify: Notify, sent: list[Any], partner: Partner, ddb_calls
) -> None:
    detail = coupon_warning(partner, generate_key())
    notify("CouponDeadlineWarning", detail)
    ddb_calls.reset()

    assert notify("CouponDeadlineWarning", detail)["outcome"] == "duplicate"

    assert len(sent) == 1
    assert ddb_calls.calls == ["GetItem", "PutItem"]  # the partner, the refused claim


def test_a_failed_send_releases_the_claim_so_the_retry_sends(
    notify: Notify, sent: list[Any], partner: Partner, ddb_calls
) -> None:
    detail = renewal_digest(partner, [generate_key(), generate_key()])
    boto3.client("sesv2").delete_email_identity(EmailIdentity=SENDER)  # SES now rejects the sender

    with pytest.raises(ClientError, match="MessageRejected"):
        notify("PartnerRenewalDigest", detail)
    assert ddb_calls.calls == ["GetItem", "PutItem", "DeleteItem"]  # the partner, the claim, its release
    with pytest.raises(DoesNotExist):
        NotificationItem.get(notifications.pk(detail["event_id"]), notifications.SK)
    assert sent == []

    boto3.client("sesv2").create_email_identity(EmailIdentity=SENDER)
    assert notify("PartnerRenewalDigest", detail)["outcome"] == "sent"
    assert len(sent) == 1


def test_release_leaves_a_newer_claim_alone(aws: None, frozen_now) -> None:
    claim = dict(
        event_id="evt-1", detail_type="CouponDeadlineWarning", recipient="a@b.example", now=frozen_now()
    )
    first = notifications.claim(**claim, outcome="sent")
    assert first is not None
    notifications.release(first)
    second = notifications.claim(**claim, outcome="sent")
    assert second is not None

    notifications.release(first)  # a late release by the first owner

    assert NotificationItem.get(notifications.pk("evt-1"), notifications.SK).claim_id == second.claim_id


def test_outbox_mode_writes_one_file_per_message(
    notify: Notify, partner: Partner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = tmp_path / "outbox"
    monkeypatch.setenv("NOTIFIER_OUTBOX_DIR", str(outbox))
    monkeypatch.setenv("NOTIFIER_FROM_ADDRESS", SENDER)
    key = generate_key()
    detail = customer_notice(partner, key, "it@customer.example")

    assert notify("EndCustomerExpiryNotice", detail)["outcome"] == "sent"
    assert notify("EndCustomerExpiryNotice", detail)["outcome"] == "duplicate"

    [file] = outbox.iterdir()
    message = json.loads(file.read_text())
    assert message == {
        "to": "it@customer.example",
        "from": SENDER,
        "subject": f"Your Business Security license {key} expires on 2026-11-30",
        "text": message["text"],
        "event_id": detail["event_id"],
        "detail_type": "EndCustomerExpiryNotice",
    }
    assert key in message["text"]
    assert ses_backends[DEFAULT_ACCOUNT_ID]["eu-west-1"].sent_messages == []


def test_no_customer_address_is_recorded_and_not_retried(
    notify: Notify, sent: list[Any], partner: Partner
) -> None:
    detail = customer_notice(partner, generate_key(), None)

    assert notify("EndCustomerExpiryNotice", detail)["outcome"] == "no_address"
    assert notify("EndCustomerExpiryNotice", detail)["outcome"] == "duplicate"

    assert sent == []
    record = NotificationItem.get(notifications.pk(detail["event_id"]), notifications.SK)
    assert (record.recipient, record.outcome) == (None, "no_address")


def test_other_events_are_ignored(notify: Notify, sent: list[Any], partner: Partner, ddb_calls) -> None:
    detail = {"event_id": "order-placed:ord_1", "partner_id": partner.id}

    assert notify("OrderPlaced", detail) == {"event_id": "order-placed:ord_1", "outcome": "ignored"}

    assert sent == []
    assert ddb_calls.calls == []
