"""The EventBridge bus: domain events, published after the state change they describe committed.

Events are built from the typed models of `licensing.contracts` (the published schemas) and sent
here as `DomainEvent` envelopes. Each carries a stable `event_id` (derived from what it is about) so
consumers can deduplicate EventBridge's at-least-once delivery. The publisher is swappable: the dev
server and the tests record events in memory instead of calling AWS.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol

from licensing.infra.observability import logger

if TYPE_CHECKING:
    from licensing.contracts.base import DomainEvent, EventDetail

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
    """An entry's size as EventBridge counts it (the text of its fields)."""
    return sum(len(str(value).encode()) for value in entry.values())


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


def publish(*details: EventDetail) -> None:
    """Publish after the commit; a failure is logged, never turned into a failed request."""
    if not details:
        return
    events = [detail.as_event() for detail in details]
    try:
        _current().publish(events)
    except Exception:
        logger.exception("Publishing domain events failed", extra={"events": [e.event_id for e in events]})


class NotPublished(Exception):
    """Some events were not accepted by the bus."""


def deliver(details: Sequence[EventDetail]) -> list[DomainEvent]:
    """Publish, raising NotPublished unless every event was accepted (for callers that keep the events
    until they are, like the sweeper's outbox); returns the events sent."""
    events = [detail.as_event() for detail in details]
    if events and (rejected := _current().publish(events)):
        raise NotPublished(f"{len(rejected)} events were not accepted: {rejected[:5]}")
    return events
