"""The monthly billing run (EventBridge, 02:00 UTC on the 1st). "Now" is the scheduled event's `time`, so
a run can be replayed or simulated; it bills the previous UTC month and stops cleanly a minute before
Lambda's timeout (the next invocation continues from its checkpoint)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.billing import run
from licensing.core.clock import parse_iso
from licensing.infra.observability import logger
from licensing.infra.tracing import traced

SAFETY_MARGIN_MS = 60_000


@logger.inject_lambda_context(log_event=False)
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        now = parse_iso(str(event["time"]))
    except (KeyError, TypeError, ValueError):
        logger.error("Not a scheduled event: no valid `time`", extra={"event_keys": sorted(event)})
        raise ValueError("the billing run needs a scheduled event with an ISO 8601 `time`") from None
    summary = run.run(now, out_of_time=lambda: context.get_remaining_time_in_millis() < SAFETY_MARGIN_MS)
    return summary.as_json()
