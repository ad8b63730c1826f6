"""The EventBridge bus, which only the outbox relay (`licensing.infra.relay`) sends to: use cases never
publish, they write their events to the outbox in the transaction of their change
(`Transaction.emit`).

Events are built from the typed models of `licensing.contracts` (the published schemas) and sent
here as `DomainEvent` envelopes. Each carries a stable `event_id` (derived from what it is about) so
consumers can deduplicate the at-least-once delivery. The publisher is swappable: the dev server and the
tests record events in memory instead of calling AWS.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from licensing.infra.observability import logger

if TYPE_CHECKING:
    from licensing.contracts.base import DomainEvent

PUT_EVENTS_BATCH = 10
PUT_EVENTS_BYTES = 256 * 1024  # EventBridge's limit for one entry and for one PutEvents request


class Publisher(Protocol):
    def publish(self, events: Sequence[DomainEvent]) -> list[str]:
        """Publish; returns the ids of the events that were not accepted."""
        ...


class EventBridgePublisher:
    def __init__(self, bus_name: str) -> None:
        import boto3  # imported here so functions that never publish do not pay for it at cold start

        self._bus_name = bus_name
        self._client = boto3.client("events")

    def publish(self, events: Sequence[DomainEvent]) -> list[str]:
        rejected: list[str] = []
        for batch in batches(events, self._bus_name):
            entries: list[Any] = [event.as_entry(self._bus_name) for event in batch]
            result = self._client.put_events(Entries=entries)
            if result.get("FailedEntryCount"):
                failed = [
                    (event.detail_type, event.event_id, entry.get("ErrorCode"))
                    for event, entry in zip(batch, result["Entries"], strict=True)
                    if entry.get("ErrorCode")
                ]
                logger.error("Some domain events were not published", extra={"failed": failed})
                rejected += [event_id for _, event_id, _ in failed]
        return rejected


def entry_size(entry: dict[str, Any]) -> int:
    """An entry's size, counted as its JSON in the request: above EventBridge's own count (the text of
    its fields), so a batch under the limit by this count is under it by EventBridge's too."""
    return len(json.dumps(entry).encode())


def batches(events: Sequence[DomainEvent], bus_name: str) -> list[list[DomainEvent]]:
    """At most PUT_EVENTS_BATCH entries and PUT_EVENTS_BYTES per request."""
    grouped: list[list[DomainEvent]] = []
    size = 0
    for event in events:
        entry = entry_size(event.as_entry(bus_name))
        if not grouped or len(grouped[-1]) == PUT_EVENTS_BATCH or size + entry > PUT_EVENTS_BYTES:
            grouped.append([])
            size = 0
        grouped[-1].append(event)
        size += entry
    return grouped


class RecordingPublisher:
    """Keeps events in memory: the dev server's `GET /dev/events` and the tests read them."""

    def __init__(self) -> None:
        self.events: list[DomainEvent] = []

    def publish(self, events: Sequence[DomainEvent]) -> list[str]:
        self.events.extend(events)
        return []


_publisher: Publisher | None = None


def set_publisher(publisher: Publisher | None) -> None:
    global _publisher
    _publisher = publisher


def _current() -> Publisher:
    global _publisher
    if _publisher is None:
        bus = os.environ.get("EVENT_BUS_NAME")
        _publisher = EventBridgePublisher(bus) if bus else RecordingPublisher()
    return _publisher


def send(events: Sequence[DomainEvent]) -> list[str]:
    """Send to the bus; returns the ids of the events it did not accept."""
    return _current().publish(events) if events else []
