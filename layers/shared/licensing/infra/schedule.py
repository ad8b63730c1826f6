"""The entry point of a scheduled job (EventBridge "Scheduled Event"): "now" is the event's `time`, so a
run can be replayed or simulated for any moment, and the job is told to stop cleanly a minute before
Lambda's timeout (it saves where it got to; the next invocation continues from there)."""

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.core.clock import parse_iso
from licensing.infra.observability import logger
from licensing.infra.tracing import traced

SAFETY_MARGIN_MS = 60_000


class Summary(Protocol):
    def as_json(self) -> dict[str, Any]: ...


Job = Callable[..., Summary]  # job(now, *, out_of_time) -> what it did


def scheduled_handler(job: Job, name: str) -> Callable[[dict[str, Any], LambdaContext], dict[str, Any]]:
    """A Lambda handler that runs `job` at the scheduled event's `time` and answers its summary."""

    @logger.inject_lambda_context(log_event=False)
    @traced
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        try:
            now: datetime = parse_iso(str(event["time"]))
        except (KeyError, TypeError, ValueError):
            logger.error("Not a scheduled event: no valid `time`", extra={"event_keys": sorted(event)})
            raise ValueError(f"{name} needs a scheduled event with an ISO 8601 `time`") from None
        out_of_time = lambda: context.get_remaining_time_in_millis() < SAFETY_MARGIN_MS  # noqa: E731
        return job(now, out_of_time=out_of_time).as_json()

    return lambda_handler
