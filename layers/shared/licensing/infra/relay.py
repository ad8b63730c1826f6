"""The outbox relay: turns the table's stream records of outbox items into bus events.

Lambda's event source mapping reads the stream (in AWS; the dev server and the tests play it with
`devtools.streams`), keeps only outbox items (its filter) and calls this with a batch. Each record's new
image is an event exactly as its transaction wrote it, id included. A record whose event the bus did not
take is reported as a batch item failure, so the mapping retries from it; one it cannot retry any more
goes to the on-failure queue. Delivery is therefore at least once, in commit order per item, with the
committed ids: consumers deduplicate on `event_id`.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from licensing.infra import bus
from licensing.infra.observability import logger
from licensing.store import outbox

DELIVERED_CHANGES = ("INSERT", "MODIFY")  # MODIFY: the same event written again, delivered again


def deliver(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Send the events of a batch of stream records; answers Lambda's partial batch response."""
    events: dict[str, Any] = {}
    sequence_numbers: dict[str, list[str]] = defaultdict(list)
    for record in records:
        change = record.get("dynamodb", {})
        image = change.get("NewImage")
        event = outbox.event_of(image) if image and record.get("eventName") in DELIVERED_CHANGES else None
        if event is None:
            continue
        events.setdefault(event.event_id, event)
        sequence_numbers[event.event_id].append(change["SequenceNumber"])
    try:
        rejected = bus.send(list(events.values()))
    except Exception:
        logger.exception("The bus refused a batch of outbox events; the stream retries it")
        rejected = list(events)
    failed = sorted((n for event_id in rejected for n in sequence_numbers[event_id]), key=int)
    logger.info(
        "Outbox events relayed",
        extra={"records": len(records), "events": len(events), "rejected": len(set(rejected))},
    )
    return {"batchItemFailures": [{"itemIdentifier": number} for number in failed]}
