"""The project's EventBridge bus, locally: every event is recorded (for `GET /dev/events`) and delivered
to the functions whose `EventBridgeRule` in template.yaml matches it, as EventBridge would."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from devtools.gateway import ACCOUNT_ID, REGION, LambdaContext, load_template
from licensing.contracts.base import SOURCE, DomainEvent
from licensing.infra.bus import RecordingPublisher
from licensing.infra.observability import logger


@dataclass(frozen=True, slots=True)
class Subscription:
    module: str
    sources: tuple[str, ...]
    detail_types: tuple[str, ...]

    def matches(self, event: DomainEvent) -> bool:
        return SOURCE in self.sources and event.detail_type in self.detail_types


def subscriptions(template: Mapping[str, Any] | None = None) -> list[Subscription]:
    """The functions subscribed to the bus, with the source and detail-types of their rule's pattern."""
    resources = (template or load_template())["Resources"]
    found = []
    for function in resources.values():
        if function["Type"] != "AWS::Serverless::Function":
            continue
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "EventBridgeRule":
                pattern = event["Properties"]["Pattern"]
                module = "functions." + function["Properties"]["CodeUri"].strip("/").split("/")[-1] + ".app"
                found.append(Subscription(module, tuple(pattern["source"]), tuple(pattern["detail-type"])))
    return found


class LocalBus(RecordingPublisher):
    def __init__(self, handler_of: Callable[[str], Callable[[dict[str, Any], Any], Any]]) -> None:
        super().__init__()
        self._handler_of = handler_of
        self._subscriptions = subscriptions()

    def publish(self, events: Sequence[DomainEvent]) -> list[str]:
        super().publish(events)
        for event in events:
            for subscription in self._subscriptions:
                if subscription.matches(event):
                    self._deliver(subscription.module, event)
        return []

    def _deliver(self, module: str, event: DomainEvent) -> None:
        """Invoke the target as EventBridge does (asynchronously: a failure is logged, not raised)."""
        envelope = {
            "version": "0",
            "id": str(uuid.uuid4()),
            "detail-type": event.detail_type,
            "source": SOURCE,
            "account": ACCOUNT_ID,
            "time": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "region": REGION,
            "resources": [],
            "detail": {"event_id": event.event_id, **event.detail},
        }
        try:
            self._handler_of(module)(envelope, LambdaContext(module.split(".")[1]))
        except Exception:
            logger.exception("A bus target failed", extra={"module": module, "event_id": event.event_id})
