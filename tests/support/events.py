"""The bus as the tests see it: what the outbox relay delivered from the table's stream so far.

Reading `events` first plays the stream into the relay (`devtools.streams.StreamMapping`), as Lambda's
event source mapping would have by then, so a test reads the events its requests committed, delivered
by the real relay function with the ids they were written with."""

from __future__ import annotations

from collections.abc import Sequence

from devtools.streams import StreamMapping, relay_handler
from licensing.contracts.base import DomainEvent
from licensing.infra import bus


class DeliveredEvents(bus.RecordingPublisher):
    def __init__(self) -> None:  # no super().__init__(): `events` is a property here
        self.delivered: list[DomainEvent] = []
        self.mapping = StreamMapping(relay_handler())

    @property  # type: ignore[override]
    def events(self) -> list[DomainEvent]:
        self.mapping.drain()
        return self.delivered

    @events.setter
    def events(self, value: list[DomainEvent]) -> None:
        self.delivered = value

    def publish(self, events: Sequence[DomainEvent]) -> list[str]:
        self.delivered.extend(events)
        return []
