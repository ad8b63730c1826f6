"""The transactional outbox: every domain event is an item written in the same transaction as the state
change that causes it, so a change is never committed without its events, nor an event without its
change. DynamoDB Streams delivers the items to the bus (`licensing.infra.relay`); delivery is at least
once, and each event keeps the stable id it was written with, so consumers deduplicate on it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from licensing.contracts.base import DomainEvent
from licensing.store.table import OutboxItem

if TYPE_CHECKING:
    from licensing.contracts.base import EventDetail

PREFIX = "OUTBOX#"
SK = "EVENT"
RETENTION = timedelta(days=14)  # the stream keeps records 24 hours; the items stay as an audit trail


def item(detail: EventDetail, now: datetime) -> OutboxItem:
    event = detail.as_event()
    return OutboxItem(
        PREFIX + event.event_id,
        SK,
        detail_type=event.detail_type,
        detail=event.detail,
        created_at=now,
        ttl=int((now + RETENTION).timestamp()),
    )


def event_of(image: dict[str, Any]) -> DomainEvent | None:
    """The event an outbox item's stream image (DynamoDB JSON) holds; None for any other item."""
    if not image.get("PK", {}).get("S", "").startswith(PREFIX) or image.get("SK", {}).get("S") != SK:
        return None
    stored = OutboxItem.from_raw_data(image)
    return DomainEvent(stored.detail_type, stored.PK.removeprefix(PREFIX), dict(stored.detail))
