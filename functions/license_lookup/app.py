"""The client software's lookup: what a key entitles it to; the first lookup activates a coupon.

The hot path, so the lean variant of a handler: one route (API Gateway routes only POST /v1/lookup here),
no Powertools resolver and no pydantic at cold start; one read for a known key. Errors become the same
RFC 9457 problems as everywhere else (`licensing.http.problem_details`).
"""

from typing import Any

from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from licensing.core import clock
from licensing.http.proxy import LOOKUP_MAX_BODY_BYTES, json_body, respond
from licensing.infra.observability import count_by, logger, metrics
from licensing.infra.tracing import traced
from licensing.licenses import lookup


def _lookup(event: dict[str, Any]) -> dict[str, Any]:
    request = lookup.LookupRequest.from_json(json_body(event))
    answer = lookup.lookup(request.license_key, request.workspace_id, clock.now())
    count_by(name="LicenseLookups", dimension="code", value=answer.code)
    return answer.as_json()


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_REST, log_event=False)
@metrics.log_metrics
@traced
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return respond(event, lambda: _lookup(event), max_body=LOOKUP_MAX_BODY_BYTES)
