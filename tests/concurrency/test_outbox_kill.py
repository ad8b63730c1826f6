"""A process killed between its commit and the delivery of its events: a separate process pays an order
against the shared DynamoDB server and is killed (SIGKILL) once the payment committed, before anything
was delivered; a relay started afterwards delivers every event, with its id, exactly as committed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from devtools.streams import StreamMapping
from licensing.contracts.base import DomainEvent
from licensing.store.table import OutboxItem
from tests.support.clients import Api, Partner, WebhookSender
from tests.support.environment import ADMIN_KEY, ENVIRONMENT, WEBHOOK_SECRET
from tests.support.events import DeliveredEvents, relay_handler
from tests.support.figures import record_figures
from tests.support.paths import REPO_ROOT

pytestmark = pytest.mark.server

PAY_THEN_WAIT = textwrap.dedent(
    """
    import sys
    from devtools.gateway import LocalGateway
    from tests.support.clients import Api, WebhookSender
    from tests.support.environment import WEBHOOK_SECRET

    order_id, amount = sys.argv[1], int(sys.argv[2])
    answer = WebhookSender(Api(LocalGateway()), WEBHOOK_SECRET).send(order_id, amount)
    print(answer.status, answer.json()["outcome"], flush=True)  # committed; nothing delivered yet
    sys.stdin.read()  # wait to be killed
    """
)


def _child_environment() -> dict[str, str]:
    """The test's environment (its DynamoDB endpoint included) for a process of its own."""
    return {
        **os.environ,
        **ENVIRONMENT,
        "PYTHONPATH": f"{REPO_ROOT}{os.pathsep}{REPO_ROOT / 'layers' / 'shared'}",
    }


def _outbox_events() -> dict[str, DomainEvent]:
    """Every event committed to the outbox, by id, as its transaction wrote it."""
    return {
        item.PK.removeprefix("OUTBOX#"): DomainEvent(
            item.detail_type, item.PK.removeprefix("OUTBOX#"), dict(item.detail)
        )
        for item in OutboxItem.scan()
        if item.PK.startswith("OUTBOX#")
    }


def test_events_committed_by_a_killed_process_are_delivered_by_the_next_relay(
    server_api: Api, recorded_events: DeliveredEvents
) -> None:
    recorded_events.mapping.paused = True  # nothing delivers while the payer runs
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    order = partner.order(licenses=120).json()  # more keys than one transaction holds: chunked issue
    payer = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PAY_THEN_WAIT, order["id"], str(order["total"]["amount"])],
        cwd=REPO_ROOT, env=_child_environment(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert payer.stdout is not None
        assert payer.stdout.readline().split() == ["200", "fulfilled"]
    finally:
        payer.send_signal(signal.SIGKILL)
        payer.wait(timeout=30)
    assert payer.returncode == -signal.SIGKILL
    written = _outbox_events()
    assert {e.detail_type for e in written.values()} == {"OrderPlaced", "OrderPaid", "LicensesIssued"}

    StreamMapping(relay_handler()).drain()  # the relay, started after the kill

    delivered = {event.event_id: event for event in recorded_events.delivered}
    assert delivered == written
    issued = delivered[f"licenses-issued:{order['id']}"].detail["license_keys"]
    assert len(issued) == len(set(issued)) == 120


RELAY_KILLED_AFTER = textwrap.dedent(
    """
    import json, os, signal, sys
    from devtools.streams import StreamMapping, relay_handler
    from licensing.infra import bus

    log_path, kill_after = sys.argv[1], int(sys.argv[2])

    class AppendingBus:
        # Each event the bus accepts is on disk before the next is sent; after `kill_after` of them the
        # relay dies (SIGKILL: no cleanup, no batch answer), as a Lambda timing out mid-batch would.
        sent = 0

        def publish(self, events):
            with open(log_path, "a") as log:
                for event in events:
                    if kill_after and self.sent == kill_after:
                        log.flush()
                        os.fsync(log.fileno())
                        os.kill(os.getpid(), signal.SIGKILL)
                    log.write(json.dumps([event.detail_type, event.event_id, event.detail]) + "\\n")
                    self.sent += 1
            return []

    bus.set_publisher(AppendingBus())
    StreamMapping(relay_handler()).drain()
    """
)
KILLS_AFTER = (7, 19, 33, 52)  # each relay dies after sending this many entries; the last one finishes


def test_deliveries_killed_mid_batch_lose_no_event_and_invent_none(
    server_api: Api, recorded_events: DeliveredEvents, tmp_path: Path, record_property: Any
) -> None:
    recorded_events.mapping.paused = True
    admin = server_api.with_key(ADMIN_KEY)
    webhook = WebhookSender(server_api, WEBHOOK_SECRET)
    partners = [Partner.create(admin, name=f"Reseller {n}") for n in range(4)]
    for partner in partners * 5:
        order = partner.order(licenses=3).json()
        assert webhook.send(order["id"], order["total"]["amount"]).status == 200
    written = _outbox_events()
    assert len(written) == 20 * 3  # OrderPlaced, OrderPaid, LicensesIssued per order
    log = tmp_path / "delivered.ndjson"
    for kill_after in (*KILLS_AFTER, 0):
        relay = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", RELAY_KILLED_AFTER, str(log), str(kill_after)],
            cwd=REPO_ROOT, env=_child_environment(), capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert relay.returncode == (-signal.SIGKILL if kill_after else 0), relay.stderr

    deliveries = [DomainEvent(*json.loads(line)) for line in log.read_text().splitlines()]
    delivered = {event.event_id: event for event in deliveries}
    assert delivered == written  # every committed event, exactly as committed, and no other
    assert all(delivered[event.event_id] == event for event in deliveries)  # repeats are identical
    record_figures(
        record_property,
        "outbox: deliveries killed mid-batch",
        committed=len(written),
        relays_killed=len(KILLS_AFTER),
        deliveries=len(deliveries),
        distinct_delivered=len(delivered),
        lost=len(written.keys() - delivered.keys()),
        invented=len(delivered.keys() - written.keys()),
    )
