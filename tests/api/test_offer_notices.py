"""The notifier tells the partner about a new offer, with its purchase link, and about a rejected
discount request, once per event id: the events as the admin function really publishes them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.gateway import LambdaContext, LocalGateway, load_template
from licensing.infra.bus import RecordingPublisher
from tests.support.clients import Api, Partner
from tests.support.notifier import eventbridge_event
from tests.support.offers import ask_discount, create_offer


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("NOTIFIER_OUTBOX_DIR", str(tmp_path))
    return tmp_path


def deliver(gateway: LocalGateway, recorded: RecordingPublisher, detail_type: str) -> dict[str, Any]:
    (event,) = [e for e in recorded.events if e.detail_type == detail_type]
    detail = json.loads(event.as_entry("bus")["Detail"])
    handler = gateway.handler("functions.notifier.app")
    result: dict[str, Any] = handler(eventbridge_event(detail_type, detail), LambdaContext("notifier"))
    return result


def mails(outbox: Path) -> list[dict[str, Any]]:
    return [json.loads(path.read_text()) for path in sorted(outbox.glob("*.json"))]


def test_a_new_offer_is_mailed_with_its_purchase_link_once(
    admin: Api, partner: Partner, gateway: LocalGateway, recorded_events: RecordingPublisher, outbox: Path,
    frozen_now: Any,
) -> None:  # fmt: skip
    price = {"amount": 1250, "currency": "EUR"}
    offer = create_offer(
        admin,
        partner,
        product="home",
        devices=1,
        years=1,
        licenses=2,
        discount_percent=None,
        price_per_license=price,
    )
    assert deliver(gateway, recorded_events, "OfferCreated")["outcome"] == "sent"
    (mail,) = mails(outbox)
    assert mail["to"] == "ops@acme.example"
    assert mail["subject"] == "A new offer for you: Home Security, 12.50 EUR per license"
    assert f"/portal/offers/{offer['id']}" in mail["text"]
    assert "2 licenses of Home Security, 1 device, 1 year" in mail["text"]
    assert "12.50 EUR per license (list price 20.00 EUR)" in mail["text"]
    assert "valid until 2026-12-31" in mail["text"]
    assert "(education)" in mail["text"]
    assert deliver(gateway, recorded_events, "OfferCreated")["outcome"] == "duplicate"
    assert len(mails(outbox)) == 1


def test_a_rejection_is_mailed_with_its_reason(
    admin: Api, partner: Partner, gateway: LocalGateway, recorded_events: RecordingPublisher, outbox: Path,
    frozen_now: Any,
) -> None:  # fmt: skip
    request = ask_discount(partner, kind="nonprofit")
    admin.post(
        f"/v1/admin/discount-requests/{request['id']}/reject", {"reason": "The charity number is unknown."}
    )
    assert deliver(gateway, recorded_events, "DiscountRequestRejected")["outcome"] == "sent"
    (mail,) = mails(outbox)
    assert mail["subject"] == "Your non-profit discount request for Springfield Elementary was not approved"
    assert "The charity number is unknown." in mail["text"] and request["id"] in mail["text"]


def test_a_discount_request_itself_mails_nothing(
    partner: Partner,
    gateway: LocalGateway,
    recorded_events: RecordingPublisher,
    outbox: Path,
    frozen_now: Any,
) -> None:
    ask_discount(partner)
    assert deliver(gateway, recorded_events, "DiscountRequested")["outcome"] == "ignored"
    assert mails(outbox) == []


def test_the_notifiers_rule_takes_the_offer_events() -> None:
    pattern = load_template()["Resources"]["NotifierFunction"]["Properties"]["Events"]["Notices"][
        "Properties"
    ]
    assert {"OfferCreated", "DiscountRequestRejected"} <= set(pattern["Pattern"]["detail-type"])
    assert "DiscountRequested" not in pattern["Pattern"]["detail-type"]
