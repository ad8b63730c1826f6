"""A process killed between its commit and the delivery of its events: a separate process pays an order
against the shared DynamoDB server and is killed (SIGKILL) once the payment committed, before anything
was delivered; a relay started afterwards delivers every event, with its id, exactly as committed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from devtools.streams import StreamMapping
from licensing.contracts.base import DomainEvent
from licensing.store.table import OutboxItem
from tests.support.clients import Api, Partner
from tests.support.environment import ADMIN_KEY, ENVIRONMENT
from tests.support.events import DeliveredEvents, relay_handler
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


def test_events_committed_by_a_killed_process_are_delivered_by_the_next_relay(
    server_api: Api, recorded_events: DeliveredEvents
) -> None:
    recorded_events.mapping.paused = True  # nothing delivers while the payer runs
    partner = Partner.create(server_api.with_key(ADMIN_KEY))
    order = partner.order(licenses=120).json()  # more keys than one transaction holds: chunked issue
    env = {
        **os.environ,
        **ENVIRONMENT,
        "PYTHONPATH": f"{REPO_ROOT}{os.pathsep}{REPO_ROOT / 'layers' / 'shared'}",
    }
    payer = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", PAY_THEN_WAIT, order["id"], str(order["total"]["amount"])],
        cwd=REPO_ROOT, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert payer.stdout is not None
        assert payer.stdout.readline().split() == ["200", "fulfilled"]
    finally:
        payer.send_signal(signal.SIGKILL)
        payer.wait(timeout=30)
    assert payer.returncode == -signal.SIGKILL
    written = {
        item.PK.removeprefix("OUTBOX#"): DomainEvent(
            item.detail_type, item.PK.removeprefix("OUTBOX#"), dict(item.detail)
        )
        for item in OutboxItem.scan()
        if item.PK.startswith("OUTBOX#")
    }
    assert {e.detail_type for e in written.values()} == {"OrderPlaced", "OrderPaid", "LicensesIssued"}

    StreamMapping(relay_handler()).drain()  # the relay, started after the kill

    delivered = {event.event_id: event for event in recorded_events.delivered}
    assert delivered == written
    issued = delivered[f"licenses-issued:{order['id']}"].detail["license_keys"]
    assert len(issued) == len(set(issued)) == 120
