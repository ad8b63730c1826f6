"""The outbox relay (DynamoDB Streams, filtered to outbox items): delivers each committed domain event to
the EventBridge bus, reporting the records it could not deliver so the stream retries them."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.infra import relay
from licensing.infra.observability import logger
from licensing.infra.tracing import traced


@logger.inject_lambda_context(log_event=False, clear_state=True)
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return relay.deliver(list(event.get("Records", [])))
