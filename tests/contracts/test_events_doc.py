"""docs/events.md is generated from licensing.contracts; it must be current, and the events the
functions really publish (a flow through the API, then the sweeper a year on) must match those schemas:
fields, types, nullability, the event_id's format and the functions that publish them."""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from devtools.events_doc import build
from devtools.gateway import LambdaContext, LocalGateway
from licensing.contracts.events import (
    EVENT_DETAILS,
    EVENTS,
    EventDetail,
    LicenseRenewed,
    OrderPaid,
    OrderPlaced,
)
from licensing.core.clock import iso
from licensing.infra.bus import RecordingPublisher
from licensing.store.transactions import Transaction
from tests.support.billing import scheduled
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.environment import ADMIN_KEY
from tests.support.offers import approval_body, offer_body, request_body
from tests.support.paths import REPO_ROOT
from tests.support.table import unowned_key


def test_committed_events_document_is_current() -> None:
    committed = (REPO_ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    assert committed == build(), "run `python -m devtools.events_doc` and commit docs/events.md"


def test_every_event_and_part_has_a_one_line_description() -> None:
    assert list(EVENT_DETAILS) == [model.__name__ for model in EVENTS]
    for model in EVENTS:
        schema = model.model_json_schema()
        description = schema.get("description", "")
        assert description and "\n" not in description, model.__name__
        assert model.published_by, model.__name__
        assert schema["additionalProperties"] is False, model.__name__
        for part, part_schema in schema.get("$defs", {}).items():
            assert part_schema.get("description"), f"{model.__name__}: {part}"
        assert f"## {model.__name__}\n\n{description}\n" in build()


def test_the_schemas_are_strict_about_what_they_accept() -> None:
    renewed = {
        "event_id": "license-renewed:X",
        "license_key": "AAAAA-BBBBB-CCCCC-DDDDD-EEEEE",
        "partner_id": "ptn_01JDZ0000000000000000000AB",
        "workspace_id": "ws-1",
        "product": "business",
        "previous_product": "business",
        "previous_expires_at": "2027-11-27T10:00:00Z",
        "expires_at": "2028-11-27T10:00:00Z",
    }
    LicenseRenewed.model_validate({**renewed, "coupon_key": "FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK"})
    LicenseRenewed.model_validate({**renewed, "renewal_order_id": "ord_01JDZ0000000000000000000AB"})
    wrong = [
        renewed,  # neither source
        {
            **renewed,
            "coupon_key": "FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK",
            "renewal_order_id": "ord_01JDZ0000000000000000000AB",
        },
        {**renewed, "coupon_key": "FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK", "renewal_order_id": None},
        {**renewed, "coupon_key": "FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK", "note": "unknown field"},
        {**renewed, "coupon_key": "FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK", "expires_at": "2028-11-27T10:00:00+00:00"},
        {**renewed, "coupon_key": "FFFFF-GGGGG-HHHHH-JJJJJ-KKKKK", "workspace_id": None},
    ]
    for detail in wrong:
        with pytest.raises(ValidationError):
            LicenseRenewed.model_validate(detail)
    placed = {"event_id": "order-placed:x", "order_id": "ord_01JDZ0000000000000000000AB", "licenses": 1}
    placed |= {"partner_id": "ptn_01JDZ0000000000000000000AB", "status": "pending_payment"}
    OrderPlaced.model_validate_json(json.dumps({**placed, "total": {"amount": 100, "currency": "EUR"}}))
    with pytest.raises(ValidationError):  # strict: no string for a number, in Money too
        OrderPlaced.model_validate_json(json.dumps({**placed, "total": {"amount": "100", "currency": "EUR"}}))
    with pytest.raises(ValidationError):
        OrderPaid.model_validate({"event_id": "order-paid:x", "order_id": "ord_x", "partner_id": "ptn_x"})


def _serving_function(monkeypatch: pytest.MonkeyPatch, gateway: LocalGateway) -> list[str]:
    """The stack of functions (functions/<name>) the local API Gateway is running right now."""
    serving: list[str] = []
    handler_of = gateway.handler

    def handler(module: str) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
        inner = handler_of(module)

        def run(event: dict[str, Any], context: Any) -> dict[str, Any]:
            serving.append(module.split(".")[1])
            try:
                return inner(event, context)
            finally:
                serving.pop()

        return run

    monkeypatch.setattr(gateway, "handler", handler)
    return serving


def _event_id_pattern(model: type[EventDetail], detail: dict[str, Any]) -> str:
    """`event_id_format` as a regex: a placeholder the detail holds must be that value."""
    pattern, position = "", 0
    for found in re.finditer(r"\{([^}]+)\}", model.event_id_format):
        pattern += re.escape(model.event_id_format[position : found.start()])
        values = [detail[name] for name in found.group(1).split(" or ") if detail.get(name) is not None]
        pattern += re.escape(str(values[0])) if values else r"[^\s]+"
        position = found.end()
    return pattern + re.escape(model.event_id_format[position:])


def test_the_events_a_full_flow_publishes_match_their_schemas(
    api: Api,
    partner: Partner,
    monthly_partner: Partner,
    webhook: WebhookSender,
    recorded_events: RecordingPublisher,
    gateway: LocalGateway,
    frozen_now: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    serving = _serving_function(monkeypatch, gateway)
    published_by: dict[str, set[str]] = defaultdict(set)
    emit = Transaction.emit

    def emitting(tx: Transaction, *details: EventDetail) -> Transaction:  # who writes it to the outbox
        for detail in details:
            published_by[type(detail).__name__].add(serving[-1] if serving else "(outside a function)")
        return emit(tx, *details)

    monkeypatch.setattr(Transaction, "emit", emitting)
    client = api.with_key(None)

    def ok(response: Any, status: int = 200) -> Any:
        assert response.status == status, response.body
        return response.json()

    def keys_of(who: Partner, order: dict[str, Any]) -> list[str]:
        return list(ok(who.api.get(f"/v1/orders/{order['id']}"))["license_keys"])

    def pay(order: dict[str, Any], **kwargs: Any) -> str:
        signed_at = int(frozen_now().timestamp())
        return str(ok(webhook.pay(order, timestamp=signed_at, **kwargs))["outcome"])

    def lookup(key: str, workspace_id: str) -> None:
        assert ok(client.post("/v1/lookup", {"license_key": key, "workspace_id": workspace_id}))["valid"]

    # a single order, paid; its key activated by the client software's first lookup
    single = ok(partner.order("single"), 201)
    assert pay(single) == "fulfilled"
    (active,) = keys_of(partner, single)
    lookup(active, "ws-lookup")

    # a bulk order: one key assigned by the partner, one activated by its client and left to expire (its
    # customer reference is an e-mail address), two kept as coupons
    bulk = ok(partner.order("bulk", licenses=4), 201)
    assert pay(bulk) == "fulfilled"
    assigned, expiring, *_coupons = keys_of(partner, bulk)
    ok(partner.api.post(f"/v1/licenses/{assigned}/assign", {"workspace_id": "ws-assigned"}))
    lookup(expiring, "ws-expiring")
    ok(partner.api.patch(f"/v1/licenses/{expiring}", {"customer_ref": "it@customer.example"}))

    # keys the vendor issued without a partner: one claimed, one activated straight by a client
    claimed, ownerless = unowned_key(), unowned_key()
    ok(partner.api.post("/v1/licenses/claim", {"key": claimed}))
    lookup(ownerless, "ws-direct")

    # a declined card, then the payment, then a full refund
    refunded = ok(partner.order("refunded", licenses=2), 201)
    assert pay(refunded, type="payment.failed") == "payment_failed"
    assert pay(refunded) == "fulfilled"
    assert pay(refunded, type="payment.refunded") == "refunded"

    # a payment of the wrong amount
    short = ok(partner.order("short"), 201)
    assert pay({**short, "total": {**short["total"], "amount": 1}}) == "payment_mismatch"

    # a paid renewal, then a renewal with one of the partner's coupons
    headers = {"Idempotency-Key": "renew-1"}
    renewal = ok(partner.api.post(f"/v1/licenses/{active}/renew", {"years": 1}, headers=headers), 201)
    assert pay(renewal) == "fulfilled"
    ok(partner.api.post(f"/v1/licenses/{assigned}/renew-with-coupon"))

    # a renew-and-migrate, paid
    body = {"years": 1, "migrate_to": "enterprise"}
    migration = partner.api.post(f"/v1/licenses/{active}/renew", body, headers={"Idempotency-Key": "migrate"})
    assert pay(ok(migration, 201)) == "fulfilled"

    # a monthly plan: keys at once, activated without expiry, resized, suspended, reinstated, cancelled
    monthly = ok(monthly_partner.monthly_order("monthly"), 201)
    (msp_key,) = keys_of(monthly_partner, monthly)
    ok(monthly_partner.api.post(f"/v1/licenses/{msp_key}/assign", {"workspace_id": "ws-msp"}))
    ok(monthly_partner.api.patch(f"/v1/licenses/{msp_key}", {"devices": 8}))
    for change in ("suspend", "reinstate", "cancel"):
        ok(monthly_partner.api.post(f"/v1/licenses/{msp_key}/{change}"))

    # a partner manager's offer, bought; a discount request approved, another rejected
    admin = api.with_key(ADMIN_KEY)
    offer = ok(admin.post("/v1/admin/offers", offer_body(partner)), 201)
    ok(partner.api.post("/v1/orders", {"offer_id": offer["id"]}), 201)
    asked = [ok(partner.api.post("/v1/discount-requests", request_body()), 201) for _ in range(2)]
    ok(admin.post(f"/v1/admin/discount-requests/{asked[0]['id']}/approve", approval_body()), 201)
    ok(admin.post(f"/v1/admin/discount-requests/{asked[1]['id']}/reject", {"reason": "No evidence."}))

    # the sweeper, a year on: reminders, the end-customer notice, coupon warnings, expiry and lapse
    sweeper = gateway.handler("functions.sweeper.app")
    expiry = frozen_now() + timedelta(days=365)  # of `expiring`; the deadline of the bulk order's coupons
    for days_before in (30, 7, 2, -1):
        moment = frozen_now(expiry - timedelta(days=days_before) + timedelta(hours=1))
        event = {"source": "aws.events", "detail-type": "Scheduled Event", "time": iso(moment), "detail": {}}
        assert sweeper(event, LambdaContext("sweeper", timeout_ms=900_000))["complete"]

    # the monthly billing run: the statement of the monthly license's November 2026
    statement_run = scheduled(datetime(2026, 12, 1, 2, tzinfo=UTC))
    billed = gateway.handler("functions.billing_run.app")(
        statement_run, LambdaContext("billing_run", 900_000)
    )
    assert billed["statements"] == 1, billed

    seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in recorded_events.events:
        detail = json.loads(event.as_entry("bus")["Detail"])  # what EventBridge carries
        assert detail == {"event_id": event.event_id, **event.detail}
        model = EVENT_DETAILS[event.detail_type]
        model.model_validate_json(event.as_entry("bus")["Detail"])
        assert isinstance(model, type) and issubclass(model, EventDetail)
        assert re.fullmatch(_event_id_pattern(model, detail), event.event_id), (event.event_id, detail)
        seen[event.detail_type].append(detail)

    assert set(EVENT_DETAILS) - set(seen) == set(), "an event the flow never published"
    for detail_type, functions in published_by.items():
        documented = EVENT_DETAILS[detail_type].published_by  # type: ignore[attr-defined]
        assert functions == set(documented), detail_type

    # the variants each event really has, as the schemas describe them
    assert {d["status"] for d in seen["OrderPlaced"]} == {"pending_payment", "fulfilled"}
    assert {bool(d["partner_id"]) for d in seen["LicenseActivated"]} == {True, False}  # ownerless: null
    assert {d["actor"].split(":")[0] for d in seen["LicenseActivated"]} == {"client", "partner"}
    assert {("expires_at" in d, d.get("plan")) for d in seen["LicenseActivated"]} == {
        (True, None),
        (False, "monthly"),
    }
    sources = {next(s for s in ("renewal_order_id", "coupon_key") if s in d) for d in seen["LicenseRenewed"]}
    assert sources == {"renewal_order_id", "coupon_key"}
    assert ("business", "enterprise") in {
        (d["previous_product"], d["product"]) for d in seen["LicenseRenewed"]
    }
    assert [len(d["revoked_license_keys"]) for d in seen["OrderRefunded"]] == [2]
    assert [d["customer_email"] for d in seen["EndCustomerExpiryNotice"]] == ["it@customer.example"]
    assert [d.get("discount_request_id") for d in seen["OfferCreated"]] == [None, asked[0]["id"]]
