"""The project's EventBridge bus, locally: every event is recorded (for `GET /dev/events`) and delivered
to the functions whose `EventBridgeRule` in template.yaml matches it, as EventBridge would: an
asynchronous invocation that Lambda retries as the function's `EventInvokeConfig` says, and whose event,
once the retries are spent, goes to its on-failure destination (kept in `failed`, and sent to an SQS queue
when one is given, as Lambda's destination record)."""

from __future__ import annotations

import json
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
    retries: int = 2  # Lambda's default for an asynchronous invocation

    def matches(self, event: DomainEvent) -> bool:
        return SOURCE in self.sources and event.detail_type in self.detail_types


def subscriptions(template: Mapping[str, Any] | None = None) -> list[Subscription]:
    """The functions subscribed to the bus, with the source and detail-types of their rule's pattern."""
    resources = (template or load_template())["Resources"]
    found = []
    for function in resources.values():
        if function["Type"] != "AWS::Serverless::Function":
            continue
        retries = int(function["Properties"].get("EventInvokeConfig", {}).get("MaximumRetryAttempts", 2))
        for event in function["Properties"].get("Events", {}).values():
            if event["Type"] == "EventBridgeRule":
                pattern = event["Properties"]["Pattern"]
                module = "functions." + function["Properties"]["CodeUri"].strip("/").split("/")[-1] + ".app"
                sources, detail_types = tuple(pattern["source"]), tuple(pattern["detail-type"])
                found.append(Subscription(module, sources, detail_types, retries))
    return found


class LocalBus(RecordingPublisher):
    def __init__(
        self,
        handler_of: Callable[[str], Callable[[dict[str, Any], Any], Any]],
        *,
        failed_queue_url: str | None = None,
    ) -> None:
        super().__init__()
        self._handler_of = handler_of
        self._subscriptions = subscriptions()
        self._failed_queue_url = failed_queue_url
        self.failed: list[dict[str, Any]] = []  # destination records of invocations that ran out of retries

    def publish(self, events: Sequence[DomainEvent]) -> list[str]:
        super().publish(events)
        for event in events:
            for subscription in self._subscriptions:
                if subscription.matches(event):
                    self._deliver(subscription, event)
        return []

    def _deliver(self, subscription: Subscription, event: DomainEvent) -> None:
        """Invoke the target as EventBridge does (asynchronously: a failure is retried, then kept)."""
        module = subscription.module
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
        attempts = 1 + subscription.retries
        for attempt in range(1, attempts + 1):
            try:
                self._handler_of(module)(envelope, LambdaContext(module.split(".")[1]))
                return
            except Exception as error:
                logger.exception(
                    "A bus target failed",
                    extra={"target": module, "event_id": event.event_id, "attempt": attempt},
                )
                failure = error
        self._keep(module, envelope, failure, attempts)

    def _keep(self, module: str, envelope: dict[str, Any], error: Exception, attempts: int) -> None:
        """The on-failure destination's record, as Lambda writes it for an asynchronous invocation."""
        function = module.split(".")[1]
        record = {
            "version": "1.0",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "requestContext": {
                "requestId": str(uuid.uuid4()),
                "functionArn": f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{function}:$LATEST",
                "condition": "RetriesExhausted",
                "approximateInvokeCount": attempts,
            },
            "requestPayload": envelope,
            "responseContext": {
                "statusCode": 200,
                "executedVersion": "$LATEST",
                "functionError": "Unhandled",
            },
            "responsePayload": {"errorMessage": str(error), "errorType": type(error).__name__},
        }
        self.failed.append(record)
        if self._failed_queue_url:
            import boto3

            boto3.client("sqs").send_message(QueueUrl=self._failed_queue_url, MessageBody=json.dumps(record))
