"""Handled notifications, one item per domain event: `PK=NOTIFICATION#<event_id>`, `SK=NOTIFICATION`.

Claiming the event id is the deduplication: the conditional put only succeeds for an id never claimed.
A claim whose e-mail could not be sent is released, so EventBridge's retry can send it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError, PutError

from licensing.core.ids import ulid
from licensing.store.table import NotificationItem
from licensing.store.transient import condition_failed

SK = "NOTIFICATION"
RETENTION = timedelta(days=30)  # far beyond EventBridge's 24 hours of retries


def pk(event_id: str) -> str:
    return f"NOTIFICATION#{event_id}"


def claim(
    *, event_id: str, detail_type: str, recipient: str | None, outcome: str, now: datetime
) -> NotificationItem | None:
    """Record the event as handled; None when it was claimed before (a duplicate delivery)."""
    item = NotificationItem(
        pk(event_id),
        SK,
        detail_type=detail_type,
        recipient=recipient,
        outcome=outcome,
        sent_at=now,
        claim_id=ulid(),
        ttl=int((now + RETENTION).timestamp()),
    )
    try:
        item.save(condition=NotificationItem.PK.does_not_exist())
    except PutError as error:
        if condition_failed(error):
            return None
        raise
    return item


def release(item: NotificationItem) -> None:
    """Delete our own claim; a claim somebody else holds by now is left alone."""
    try:
        item.delete(condition=NotificationItem.claim_id == item.claim_id)
    except DeleteError as error:
        if not condition_failed(error):
            raise
