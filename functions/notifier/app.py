"""E-mails for the sweeper's domain events (EventBridge): renewal digests and coupon deadline warnings to
partners, expiry notices to end customers. Each event id is sent once, however often it is delivered."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing import clock, mailers, notifier
from licensing.observability import count_by, logger


@logger.inject_lambda_context(correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True)
@event_source(data_class=EventBridgeEvent)
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    detail = event.detail
    logger.append_keys(detail_type=event.detail_type, event_id=detail.get("event_id"))
    outcome = notifier.handle(event.detail_type, detail, mailers.from_environment(), clock.now())
    count_by(name="Notifications", dimension="outcome", value=outcome)
    return {"event_id": detail.get("event_id"), "outcome": outcome}
