"""The scheduled sweep (EventBridge, hourly). "Now" is the scheduled event's `time`, so a run can be
replayed or simulated for any moment; the run stops cleanly a minute before Lambda's timeout."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.core.clock import parse_iso
from licensing.infra.observability import logger
from licensing.infra.tracing import traced
from licensing.sweeper import run

SAFETY_MARGIN_MS = 60_000


@logger.inject_lambda_context(log_event=False)
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    try:
        now = parse_iso(str(event["time"]))
    except (KeyError, TypeError, ValueError):
        logger.error("Not a scheduled event: no valid `time`", extra={"event_keys": sorted(event)})
        raise ValueError("the sweeper needs a scheduled event with an ISO 8601 `time`") from None
    summary = run.run(now, out_of_time=lambda: context.get_remaining_time_in_millis() < SAFETY_MARGIN_MS)
    return summary.as_json()
