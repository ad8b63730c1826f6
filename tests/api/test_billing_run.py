"""The monthly billing run through its scheduled handler: one statement per monthly partner with usage
for the previous month, exactly once, resumable; statements in the order history, paid through the
webhook without keys, announced and e-mailed."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from devtools.gateway import LambdaContext
from licensing.billing import run as billing_run
from licensing.billing.statements import statement_id
from licensing.billing.usage import Month
from licensing.core.ids import plausible
from licensing.licenses.monthly import closed, end_of_day, opened, resized
from licensing.store.table import BillingRunItem, StatementClaimItem
from tests.support.billing import at, bill, monthly_license, scheduled, statements
from tests.support.clients import Partner
from tests.support.table import snapshot

OCT = datetime(2026, 10, 1, tzinfo=UTC)
RUN_AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # the schedule's run for November


@pytest.fixture
def november(monthly_partner: Partner, frozen_now) -> list[str]:
    frozen_now(datetime(2026, 12, 1, 2, 0, 5, tzinfo=UTC))
    pid = monthly_partner.id
    return [
        monthly_license(pid, opened(None, at(5, 18), 5), customer_ref="CUST-1"),
        monthly_license(pid, resized(opened(None, at(1, 0, month=OCT), 5), at(10, 9), 10)),
        monthly_license(
            pid, closed(opened(None, at(1, 0, month=OCT), 3), end_of_day(at(20, 9))), product="enterprise",
            ends_at=end_of_day(at(20, 9)),
        ),
    ]  # fmt: skip


def test_the_run_writes_one_statement_for_the_previous_month(
    gateway, monthly_partner: Partner, partner: Partner, november: list[str], recorded_events
) -> None:
    summary = bill(gateway, RUN_AT)
    assert summary | {"totals": None} == {
        "now": "2026-12-01T02:00:00Z", "month": "2026-11", "complete": True, "partners": 1, "statements": 1,
        "already_issued": 0, "without_usage": 0, "totals": None,
    }  # fmt: skip
    (order,) = statements()
    assert order.id == statement_id(monthly_partner.id, Month(2026, 11)) and plausible(order.id)
    assert (order.type, order.status, order.billing, order.plan, order.month, order.licenses) == (
        "monthly_statement", "pending_payment", "monthly", "monthly", "2026-11", 3,
    )  # fmt: skip
    assert (order.product, order.devices, order.years) == (None, None, None)
    lines = {line["key"]: line for line in order.statement["lines"]}
    assert lines[november[0]] == {
        "key": november[0],
        "product": "business",
        "devices_max": 5,
        "device_days": 26 * 5,
        "amount": 1426,
    }  # fmt: skip  (130 / 30 x 329 = 1425.67)
    assert lines[november[1]]["device_days"] == 9 * 5 + 21 * 10
    assert lines[november[2]] | {"amount": 0} == {
        "key": november[2], "product": "enterprise", "devices_max": 3, "device_days": 60, "amount": 0,
    }  # fmt: skip
    assert order.total_amount == order.statement["total"] == sum(line["amount"] for line in lines.values())
    assert summary["totals"] == [{"amount": order.total_amount, "currency": "EUR"}]
    (event,) = [e for e in recorded_events.events if e.detail_type == "MonthlyStatementIssued"]
    assert event.event_id == f"statement:{monthly_partner.id}:2026-11"
    assert event.detail | {"total": None} == {
        "partner_id": monthly_partner.id, "order_id": order.id, "month": "2026-11", "lines": 3,
        "device_days": 130 + 255 + 60, "minimum_applied": False, "total": None,
    }  # fmt: skip


def test_statements_are_in_the_order_history_with_their_lines(
    gateway, monthly_partner: Partner, november: list[str]
) -> None:
    bill(gateway, RUN_AT)
    monthly_partner.order(licenses=1)  # an ordinary order beside it
    order_id = statement_id(monthly_partner.id, Month(2026, 11))
    listed = monthly_partner.api.get("/v1/orders", query={"type": "monthly_statement"}).json()["items"]
    assert [o["id"] for o in listed] == [order_id]
    body = monthly_partner.api.get(f"/v1/orders/{order_id}").json()
    assert (body["type"], body["product"], body["devices"], body["years"], body["licenses"]) == (
        "monthly_statement", None, None, None, 3,
    )  # fmt: skip
    assert body["payment"]["status"] == "awaiting_payment"
    statement = body["statement"]
    assert list(statement) == ["month", "lines", "subtotals", "minimum_applied", "total"]
    assert statement["month"] == "2026-11" and statement["total"] == body["total"]
    assert {line["key"] for line in statement["lines"]} == set(november)
    assert [s["product"] for s in statement["subtotals"]] == ["business", "enterprise"]
    assert list(body)[-1] == "statement"
    others = monthly_partner.api.get("/v1/orders", query={"type": "new,bulk"}).json()["items"]
    assert others and all(o["statement"] is None for o in others)


def test_a_rerun_and_a_run_after_a_lost_checkpoint_write_nothing_new(
    gateway, monthly_partner: Partner, november: list[str], recorded_events
) -> None:
    bill(gateway, RUN_AT)
    before = snapshot()
    assert bill(gateway, RUN_AT)["statements"] == 0
    assert snapshot() == before  # the finished month: one read, nothing written
    BillingRunItem("BILLING#RUN", "2026-11").delete()  # as if the checkpoint had never been written
    again = bill(gateway, RUN_AT.replace(hour=5))
    assert (again["statements"], again["already_issued"]) == (0, 1)
    assert len(statements()) == 1
    issued = [e for e in recorded_events.events if e.detail_type == "MonthlyStatementIssued"]
    assert len({e.event_id for e in issued}) == 1  # published again under the same id: e-mailed once


def test_a_run_out_of_time_stops_and_the_next_one_continues(
    admin, frozen_now, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen_now(RUN_AT)
    partners = [Partner.create(admin, billing="monthly", name=f"MSP {n}") for n in range(25)]
    for partner in partners:
        monthly_license(partner.id, opened(None, at(1, 0, month=OCT), 1))
    calls = {"n": 0}

    def out_of_time() -> bool:
        calls["n"] += 1
        return calls["n"] > 12  # the budget runs out after 12 partners

    first = billing_run.run(RUN_AT, out_of_time=out_of_time)
    assert (first.complete, first.statements) == (False, 12)
    state = BillingRunItem.get("BILLING#RUN", "2026-11")
    assert state.completed_at is None and state.last_partner == sorted(p.id for p in partners)[11]
    second = billing_run.run(RUN_AT)
    assert (second.complete, second.statements, second.partners, second.already_issued) == (True, 13, 13, 0)
    assert sorted(o.partner_id for o in statements()) == sorted(p.id for p in partners)


def test_a_handler_near_its_timeout_stops_before_billing(gateway, monthly_partner, november) -> None:
    summary = bill(gateway, RUN_AT, remaining_ms=30_000)  # under the minute of margin
    assert (summary["complete"], summary["statements"]) == (False, 0)
    assert statements() == []
    assert bill(gateway, RUN_AT)["statements"] == 1


def test_partners_without_usage_get_no_statement(
    gateway, monthly_partner: Partner, partner, frozen_now
) -> None:
    frozen_now(RUN_AT)
    monthly_license(monthly_partner.id, opened(None, at(1, 9, month=datetime(2026, 12, 1, tzinfo=UTC)), 3))
    monthly_license(
        monthly_partner.id, closed(opened(None, at(1, 0, month=OCT), 3), end_of_day(at(31, 9, month=OCT))),
        ends_at=end_of_day(at(31, 9, month=OCT)),
    )  # fmt: skip
    summary = bill(gateway, RUN_AT)
    assert (summary["partners"], summary["statements"], summary["without_usage"]) == (1, 0, 1)
    assert statements() == [] and list(StatementClaimItem.scan()) == []


def test_the_minimum_charge_and_the_partner_discount(gateway, admin, frozen_now) -> None:
    frozen_now(RUN_AT)
    small = Partner.create(admin, billing="monthly", name="Small MSP", currency="USD")
    monthly_license(small.id, opened(None, at(29, 9), 1), product="home")  # 2 device-days of home
    discounted = Partner.create(admin, billing="monthly", name="Big MSP", discount_percent="15")
    monthly_license(discounted.id, opened(None, at(1, 0, month=OCT), 100))
    bill(gateway, RUN_AT)
    by_partner = {o.partner_id: o for o in statements()}
    assert by_partner[small.id].statement["lines"][0]["amount"] == 15  # 2/30 x 219 = 14.6
    assert (by_partner[small.id].total_amount, by_partner[small.id].currency) == (1000, "USD")
    assert by_partner[small.id].statement["minimum_applied"] is True
    assert by_partner[discounted.id].total_amount == 27965  # 100 x 329 x 0.85
    assert by_partner[discounted.id].statement["minimum_applied"] is False


def test_the_run_needs_a_scheduled_time(gateway, api) -> None:
    before = snapshot()
    with pytest.raises(ValueError, match="scheduled event"):
        gateway.handler("functions.billing_run.app")({"detail": {}}, LambdaContext("billing_run"))
    assert snapshot() == before


def test_paying_a_statement_fulfils_it_without_issuing_keys(
    gateway, monthly_partner: Partner, november: list[str], webhook, recorded_events, frozen_now
) -> None:
    bill(gateway, RUN_AT)
    order_id = statement_id(monthly_partner.id, Month(2026, 11))
    order = monthly_partner.api.get(f"/v1/orders/{order_id}").json()
    licenses_before = len([i for i in snapshot() if i["SK"] == "LICENSE"])
    paid = webhook.pay(order, timestamp=int(frozen_now().timestamp()))
    assert paid.json()["outcome"] == "fulfilled", paid.body
    after = monthly_partner.api.get(f"/v1/orders/{order_id}").json()
    assert (after["status"], after["payment"]["status"], after["license_keys"]) == ("fulfilled", "paid", [])
    assert len([i for i in snapshot() if i["SK"] == "LICENSE"]) == licenses_before
    assert not [e for e in recorded_events.events if e.detail_type == "LicensesIssued"]
    assert [e.detail["order_id"] for e in recorded_events.events if e.detail_type == "OrderPaid"] == [
        order_id
    ]


def test_the_notifier_mails_the_statement(
    gateway, monthly_partner: Partner, november, recorded_events, tmp_path, monkeypatch
) -> None:
    from tests.support.notifier import eventbridge_event

    monkeypatch.setenv("NOTIFIER_OUTBOX_DIR", str(tmp_path))
    bill(gateway, RUN_AT)
    (event,) = [e for e in recorded_events.events if e.detail_type == "MonthlyStatementIssued"]
    delivered = eventbridge_event(event.detail_type, {"event_id": event.event_id, **event.detail})
    notify = gateway.handler("functions.notifier.app")
    assert notify(delivered, LambdaContext("notifier"))["outcome"] == "sent"
    assert notify(delivered, LambdaContext("notifier"))["outcome"] == "duplicate"
    (mail,) = [json.loads(path.read_text()) for path in tmp_path.glob("*.json")]
    assert mail["to"] == "ops@acme.example"
    assert mail["subject"].startswith("Your statement for 2026-11: ")
    assert event.detail["order_id"] in mail["text"]


def test_the_scheduled_billing_sample(gateway, monthly_partner, november) -> None:
    from tests.support.paths import REPO_ROOT

    event = json.loads((REPO_ROOT / "events" / "scheduled_billing.json").read_text())
    assert event == scheduled(RUN_AT) | {k: event[k] for k in event if k not in scheduled(RUN_AT)}
    assert bill(gateway, RUN_AT)["statements"] == 1


def test_the_run_costs_a_bounded_number_of_calls_per_partner(admin, frozen_now, ddb_calls) -> None:
    frozen_now(RUN_AT)
    partners = [Partner.create(admin, billing="monthly", name=f"MSP {n}") for n in range(12)]
    for partner in partners:
        for _ in range(5):
            monthly_license(partner.id, opened(None, at(1, 0, month=OCT), 2))
    ddb_calls.reset()
    assert billing_run.run(RUN_AT).statements == 12
    calls = ddb_calls.calls
    # the checkpoint, the partners' page, then per partner one Query and one transaction, and the
    # checkpoint every ten partners and at the end
    assert calls.count("GetItem") == 1
    assert calls.count("Query") == 1 + 12
    assert calls.count("TransactWriteItems") == 12
    assert calls.count("UpdateItem") == 2
    assert len(calls) == 1 + 13 + 12 + 2
    ddb_calls.reset()
    assert billing_run.run(RUN_AT).statements == 0
    assert ddb_calls.calls == ["GetItem"]  # a finished month
