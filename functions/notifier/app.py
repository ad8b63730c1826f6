"""E-mails for the sweeper's domain events (EventBridge): renewal digests and coupon deadline warnings to
partners, expiry notices to end customers. Each event id is sent once, however often it is delivered."""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.data_classes import EventBridgeEvent, event_source
from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.core import clock
from licensing.infra.observability import count_by, logger
from licensing.infra.tracing import traced
from licensing.notifications import mailers, service


@logger.inject_lambda_context(
    correlation_id_path=correlation_paths.EVENT_BRIDGE, clear_state=True, log_event=False
)
@event_source(data_class=EventBridgeEvent)
@traced
def lambda_handler(event: EventBridgeEvent, context: LambdaContext) -> dict[str, Any]:
    detail = event.detail
    logger.append_keys(detail_type=event.detail_type, event_id=detail.get("event_id"))
    outcome = service.handle(event.detail_type, detail, mailers.from_environment(), clock.now())
    count_by(name="Notifications", dimension="outcome", value=outcome)
    return {"event_id": detail.get("event_id"), "outcome": outcome}
