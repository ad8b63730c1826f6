"""Which DynamoDB failures are transient: throttling, a 5xx, a timeout or a lost connection, or a
transaction that kept conflicting. botocore retries them itself within the budget set in
`licensing.store.table`; what is still failing after it becomes `ServiceUnavailable` (503)."""

from __future__ import annotations

from botocore.exceptions import ClientError, ConnectionError, HTTPClientError
from pynamodb.exceptions import PynamoDBException

from licensing.core.errors import ServiceUnavailable

TRANSIENT_CODES = frozenset(
    {
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "TransactionInProgressException",
    }
)
BUSY = "The service is busy right now; retry after Retry-After seconds (with the same Idempotency-Key)."


def is_transient(error: BaseException) -> bool:
    """Whether `error`, or what caused it (PynamoDB wraps botocore's errors), is a transient failure."""
    seen: BaseException | None = error
    for _ in range(5):  # PynamoDB's error -> botocore's -> the HTTP library's, at most
        if seen is None:
            return False
        if isinstance(seen, ClientError):
            status = seen.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 0
            return seen.response.get("Error", {}).get("Code") in TRANSIENT_CODES or status >= 500
        if isinstance(seen, ConnectionError | HTTPClientError):
            return True
        seen = getattr(seen, "cause", None) or seen.__cause__
    return False


def unavailable(error: BaseException) -> ServiceUnavailable | None:
    """The 503 for a transient failure, None for anything else."""
    return ServiceUnavailable(BUSY) if is_transient(error) else None


def condition_failed(error: PynamoDBException) -> bool:
    """Whether a write failed on its condition. PynamoDB's own `cause_response_code` raises
    AttributeError when the cause is a timeout (whose `response` is None), hiding the timeout."""
    cause = error.cause
    if not isinstance(cause, ClientError):
        return False
    return bool(cause.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException")
